// chart-registry.test.mjs - docs/page.md "Adding a chart" holds: a new lab
// chart is its entry in the registry (web/js/lab/charts.js), its card in
// index.html and its strings, and nothing else.  The test copies the built
// page, puts the page's ES modules back in place of the bundle (so the
// registry can be edited as a source file), inserts the document's three
// blocks exactly as written there, and checks in English and in Persian that
// the new chart is drawn from the record, titled with its step, described
// by its text alternative, exported as gradlab-<name>.png, marked by the
// lesson's highlight and has tick labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, runToEnd, ROOT, SITE, TIMEOUT } from './helpers.mjs';

/* the doc's blocks, by their info string (```js chart-example ...) */
function blocks() {
  const md = readFileSync(join(ROOT, 'docs/page.md'), 'utf8');
  const out = {};
  for (const m of md.matchAll(/```(\w+) (chart-example[\w-]*)\n([\s\S]*?)```/g)) out[`${m[1]} ${m[2]}`] = m[3];
  for (const k of ['js chart-example', 'html chart-example', 'json chart-example-en', 'json chart-example-fa']) {
    assert.ok(out[k], `docs/page.md has the block ${k}`);
  }
  return out;
}

/** A copy of build/site with the example inserted; returns its folder. */
function siteWithExample() {
  const b = blocks();
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-registry-'));
  cpSync(SITE, dir, { recursive: true });
  /* the page's modules as they are in web/js (the bundle's main.js replaced) */
  for (const entry of readdirSync(join(ROOT, 'web/js'))) {
    if (entry === 'engine' || entry === 'boot.js') continue;
    cpSync(join(ROOT, 'web/js', entry), join(dir, 'js', entry), { recursive: true });
  }
  const edit = (file, fn) => writeFileSync(join(dir, file), fn(readFileSync(join(dir, file), 'utf8')));
  const MARK = '  /* a new chart\'s entry goes here';
  edit('js/lab/charts.js', (s) => {
    assert.ok(s.includes(MARK), 'charts.js has the place for a new entry');
    return s.replace(MARK, `${b['js chart-example']}${MARK}`);
  });
  edit('index.html', (s) => {
    const card = /(<section class="card" id="card-update"[\s\S]*?<\/section>\n)/;
    assert.match(s, card, 'index.html has the update-ratio card');
    return s.replace(card, `$1${b['html chart-example']}`);
  });
  for (const lang of ['en', 'fa']) {
    edit(`lesson/ui-${lang}.json`, (s) => JSON.stringify({ ...JSON.parse(s), ...JSON.parse(`{${b[`json chart-example-${lang}`]}}`) }, null, 1));
  }
  return dir;
}

let env, dir;
before(async () => {
  dir = siteWithExample();
  env = await setup({ root: dir });
});
after(async () => {
  if (env) await env.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the worked example of docs/page.md: a chart from its registry entry, card and strings alone', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=6&steps=30&record_every=10`);
  await page.waitForFunction(() => window.gradlab && window.gradlab.debug().config && window.gradlab.debug().charts.act_std, null, { timeout: TIMEOUT });
  await runToEnd(page);
  await page.waitForTimeout(300);

  for (const lang of ['en', 'fa']) {
    if (lang === 'fa') {
      await page.evaluate(() => window.gradlab.setLanguage('fa'));
      await page.waitForFunction(() => /[۰-۹]/.test(document.getElementById('title-act-std').textContent), null, { timeout: TIMEOUT });
      await page.waitForFunction(() => /[۰-۹]/.test(document.querySelector('#text-chart-act-std caption')?.textContent || ''), null, { timeout: TIMEOUT });
    }
    const got = await page.evaluate(() => {
      const d = window.gradlab.debug(), f = window.gradlab.format(), t = window.gradlab.t;
      const box = document.getElementById(document.getElementById('chart-act-std').getAttribute('aria-describedby'));
      return {
        d, lang: d.lang,
        series: Object.fromEntries(d.charts.act_std.map((s) => [s.id, s])),
        title: document.getElementById('title-act-std').textContent,
        wantTitle: t('chart.act_std.step', { step: f.int(d.latest.plain.step) }),
        caption: box.querySelector('caption').textContent,
        wantCaption: t('alt.caption', { what: t('alt.field.act_std'), step: f.int(d.latest.plain.step) }),
        rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((x) => x.textContent)),
        wantRows: d.layers.map((name, i) => [`${f.int(i + 1)} · ${name}`, f.value(d.latest.plain.act_std[i]), f.value(d.latest.residual.act_std[i])]),
        ticks: window.gradlab.tickLabels('act_std', 'y'),
        legend: d.charts.act_std.map((s) => s.label),
        wantLegend: [t('series.plain'), t('series.residual')],
      };
    });
    const { d } = got;
    assert.equal(got.lang, lang);
    /* drawn from the record: each layer's act_std, both stacks */
    for (const a of ['plain', 'residual']) {
      assert.deepEqual(got.series[a].data.map((p) => p.x), d.layers.map((_, i) => i + 1), `${lang}: one point per layer (${a})`);
      assert.deepEqual(got.series[a].data.map((p) => p.y), d.latest[a].act_std, `${lang}: the record's act_std (${a})`);
    }
    assert.deepEqual(got.legend, got.wantLegend, `${lang}: the legend's words`);
    assert.equal(got.title, got.wantTitle, `${lang}: the title names the step`);
    assert.equal(got.caption, got.wantCaption, `${lang}: the text alternative's caption`);
    assert.deepEqual(got.rows, got.wantRows, `${lang}: the text alternative holds the numbers drawn`);
    assert.ok(got.ticks.filter(Boolean).length >= 2, `${lang}: y tick labels ${JSON.stringify(got.ticks)}`);
    if (lang === 'fa') assert.ok(got.ticks.filter(Boolean).every((x) => /[۰-۹]/.test(x)), `Persian digits on the ticks: ${got.ticks}`);
  }

  /* the PNG: its button, its file name, a PNG */
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('button.png[data-chart="act_std"]')]);
  assert.equal(dl.suggestedFilename(), 'gradlab-act_std.png');
  assert.deepEqual([...readFileSync(await dl.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  /* the lesson can point at it by its name, and mark a layer on it */
  const h = await page.evaluate(() => window.gradlab.highlight({ chart: 'act_std', layer: 'last' }, { scroll: false }));
  assert.deepEqual(h.cards, ['card-act-std']);
  const marked = await page.evaluate(() => ({ m: window.gradlab.debug().markers, focus: document.getElementById('card-act-std').classList.contains('lesson-focus'), L: window.gradlab.debug().layers.length }));
  assert.ok(marked.focus, 'the card is outlined');
  assert.equal(marked.m.act_std && marked.m.act_std.x, marked.L, 'the last layer is marked on the new chart');
  assert.deepEqual(log.errors, []);
  await page.close();
});
