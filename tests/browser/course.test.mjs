// course.test.mjs - changing course mid-run (web/js/lab/session.js, course.js,
// the Worker's held changes) in chromium:
//   - a link with change=1:clip=1,5:lr=0.02 reproduces the CLI's --change run:
//     every record the page received equals the CLI's of that step, bit for
//     bit (--digits 17 reads back as the same doubles); the loss chart and
//     both heatmaps mark the steps ("clip off → 1"), the loss chart's text
//     alternative says them, the controls show the values in force and a line
//     "from step 5 on (was 0.05)";
//   - changing clipping in its control mid-run (after a few Steps) changes
//     course instead of rebuilding: the same records stay, the run goes on
//     from step 3, the link records change=3:clip=1, and opening that link
//     makes the same run again (the same records, bit for bit); Reset replays
//     it; lr changed at step 0 configures anew, as every other setting does;
//   - the exports: the JSON's `changes`, the CSV's lr/clip/momentum columns;
//   - the same in Persian: the marks' labels and the control's line in Persian.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, waitReady, runToEnd, ROOT, TIMEOUT, shotPath } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* a ReLU stack with weights a little too large: without clipping it diverges in a few steps */
const RUN = 'depth=10&width=32&act=relu&init=normal&init_std=0.4&optimizer=sgd&lr=0.05&data=spiral&record_every=1&steps=30';

/** The CLI's run of the page's configuration, with these --change flags, at 17 digits. */
function cliRun(config, changes) {
  const args = [];
  for (const [k, v] of Object.entries(config)) if (k !== 'arch') args.push(`--${k}`, String(v));
  for (const c of changes) for (const [k, v] of Object.entries(c.settings)) args.push('--change', `${c.step}:${k}=${v}`);
  const out = execFileSync(join(ROOT, 'build/gradlab'), [...args, '--arch', 'both', '--json', '--digits', '17'], { maxBuffer: 1 << 28 });
  return JSON.parse(out.toString());
}

/** The first field where a page record differs from the CLI's record of its step, or ''. */
function difference(mine, ref, fields) {
  if (!ref) return `no CLI record of step ${mine.step}`;
  for (const k of ['step', 'loss', 'acc']) if (!Object.is(mine[k], ref[k])) return `${k} ${mine[k]} vs ${ref[k]}`;
  for (const f of [...fields, ...(ref.block_factor ? ['block_factor', 'block_shortcut', 'block_branch'] : [])]) {
    const at = mine[f].findIndex((v, i) => !Object.is(v, ref[f][i]));
    if (at >= 0) return `${f}[${at}] ${mine[f][at]} vs ${ref[f][at]}`;
  }
  return '';
}

/** Every record the page received since configure (not [0], measured before the first update) against the CLI's. */
async function sameAsCli(page, label) {
  const { config, changes, fields, records } = await page.evaluate(() => {
    const d = window.gradlab.debug();
    return { config: d.config, changes: d.changes, fields: d.fields.filter((f) => f !== 'gamma_grad_norm'), records: window.gradlab.records() };
  });
  const ref = cliRun(config, changes);
  assert.ok(records.length > 5, `${label}: records`);
  for (const arch of ['plain', 'residual']) {
    const hist = ref.runs[arch].history;
    for (const r of records.slice(1)) {
      /* a diverged stack keeps its last finite record: compared once, at its step */
      const d = difference(r[arch], hist.find((h) => h.step === r[arch].step), fields);
      assert.equal(d, '', `${label}: ${arch} step ${r[arch].step}`);
    }
  }
  return { ref, records, changes };
}

test('a link with changes of course reproduces the CLI\'s --change run bit for bit; the loss chart and the heatmaps mark the steps', { timeout: 4 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?${RUN}&lang=en&change=5:lr=0.02,1:clip=1`);
  await waitReady(page);
  /* the controls show the values in force at step 0 (nothing changed yet), each change planned */
  assert.equal(await page.inputValue('#set-lr'), '0.05');
  assert.equal(await page.textContent('#change-note-lr'), '0.02 from step 5 on (planned).');
  await runToEnd(page);
  const { ref, changes } = await sameAsCli(page, 'link');
  assert.deepEqual(changes, [{ step: 1, settings: { clip: 1 } }, { step: 5, settings: { lr: 0.02 } }]);
  assert.deepEqual(ref.changes, changes, 'the CLI lists the same changes');
  /* without the changes the run is another one: both stacks diverge */
  const plainRun = cliRun(await page.evaluate(() => window.gradlab.debug().config), []);
  assert.equal(plainRun.runs.plain.status, 'diverged', 'the unchanged run diverges (so the changes did something)');
  const d = await page.evaluate(() => {
    const x = window.gradlab.debug();
    return { events: x.events, url: location.search, caption: document.querySelector('#text-chart-loss caption').textContent, msgs: x.messages };
  });
  const marks = [{ x: 1, label: 'clip off → 1' }, { x: 5, label: 'lr 0.05 → 0.02' }];
  for (const chart of ['loss', 'heatmap_plain', 'heatmap_residual']) assert.deepEqual(d.events[chart], marks, `${chart} marks the changes`);
  for (const chart of ['grad_norm', 'saturation', 'update_ratio']) assert.deepEqual(d.events[chart], [], `${chart} (per layer) has no step axis to mark`);
  assert.match(d.url, /&change=1:clip=1,5:lr=0.02$/, 'the link keeps the changes, in step order');
  assert.match(d.caption, /From step 1 on: clip off → 1\. From step 5 on: lr 0\.05 → 0\.02\./);
  assert.equal(await page.inputValue('#set-lr'), '0.02', 'lr shows the value in force');
  assert.equal(await page.isChecked('#set-clip-on'), true);
  assert.equal(await page.textContent('#change-note-lr'), '0.02 from step 5 on (was 0.05): the run went on from its weights.');
  assert.deepEqual(d.msgs, []);
  await page.locator('#card-loss').screenshot({ path: shotPath('course-loss-en.png') });
  /* the exports say the course */
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.deepEqual(doc.changes, changes);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const rows = readFileSync(await csv.path(), 'utf8').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0].slice(6, 9), ['lr', 'clip', 'momentum']);
  const row = (step) => rows.find((r) => r[0] === 'residual' && r[1] === String(step));
  assert.deepEqual([row(0).slice(6, 8), row(1).slice(6, 8), row(5).slice(6, 8)], [['0.05', '0'], ['0.05', '1'], ['0.02', '1']]);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('a malformed change in a link is reported with the other link problems; the valid ones stay', { timeout: 2 * TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(`${env.url}?${RUN}&lang=en&change=3:depth=4,2:lr=0.01,99:clip=1`);
  await waitReady(page);
  const d = await page.evaluate(() => window.gradlab.debug());
  assert.deepEqual(d.changes, [{ step: 2, settings: { lr: 0.01 } }]);
  const text = d.messages.join('\n');
  assert.match(text, /change 3:depth=4: depth: cannot change during a run; only lr, clip and momentum can/);
  assert.match(text, /change 99:clip=1: the run has 30 steps; a change applies from an update before the last/);
  await page.close();
});

test('changing clipping mid-run changes course (the run goes on from step 3), the link records it and reproduces the run; Reset replays it; lr at step 0 configures anew', { timeout: 6 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?${RUN}&lang=en`);
  await waitReady(page);
  /* at step 0 a changed lr is a new configuration, as any setting */
  const configured = await page.evaluate(() => window.gradlab.debug().config.lr);
  assert.equal(configured, 0.05);
  await page.fill('#set-lr', '0.04');
  await page.press('#set-lr', 'Enter');
  await page.waitForFunction(() => window.gradlab.debug().config.lr === 0.04, null, { timeout: TIMEOUT });
  assert.deepEqual(await page.evaluate(() => window.gradlab.debug().changes), []);
  await page.fill('#set-lr', '0.05');
  await page.press('#set-lr', 'Enter');
  await page.waitForFunction(() => window.gradlab.debug().config.lr === 0.05, null, { timeout: TIMEOUT });
  /* three steps (record_every 1: a step each), then clipping on */
  for (let i = 0; i < 3; i++) {
    await page.click('#btn-step');
    await page.waitForFunction((n) => window.gradlab.debug().latest.plain.steps_done === n, i + 1, { timeout: TIMEOUT });
  }
  const before3 = await page.evaluate(() => ({ n: window.gradlab.records().length, configured: window.gradlab.debug().config }));
  await page.check('#set-clip-on');
  await page.waitForFunction(() => window.gradlab.debug().changes.length === 1, null, { timeout: TIMEOUT });
  const after3 = await page.evaluate(() => ({ d: window.gradlab.debug(), n: window.gradlab.records().length, url: location.search }));
  assert.deepEqual(after3.d.changes, [{ step: 3, settings: { clip: 1 } }]);
  assert.equal(after3.n, before3.n, 'no new configuration: the records stay');
  assert.deepEqual(after3.d.config, before3.configured, 'the configuration is the run\'s start');
  assert.equal(after3.d.latest.plain.steps_done, 3);
  assert.match(after3.url, /&change=3:clip=1$/);
  assert.equal(await page.textContent('#change-note-clip'), '1 from step 3 on (was off): the run went on from its weights.');
  assert.equal(await page.isEditable('#set-clip'), true, 'the threshold stays editable');
  await runToEnd(page);
  const first = await sameAsCli(page, 'changed mid-run');
  const events = await page.evaluate(() => window.gradlab.debug().events);
  assert.deepEqual(events.loss, [{ x: 3, label: 'clip off → 1' }]);
  assert.deepEqual(events.heatmap_residual, [{ x: 3, label: 'clip off → 1' }]);
  await page.locator('#card-heat-plain').screenshot({ path: shotPath('course-heatmap-en.png') });
  /* the link makes the same run again */
  const { page: again } = await env.newPage();
  await again.goto(`${env.url}${after3.url}`);
  await waitReady(again);
  await runToEnd(again);
  const second = await again.evaluate(() => window.gradlab.records());
  assert.equal(second.length, first.records.length);
  second.forEach((r, i) => {
    for (const a of ['plain', 'residual']) assert.equal(difference(r[a], first.records[i][a], ['grad_norm', 'chi', 'update_ratio', 'weight_norm']), '', `the link's run, record ${i} ${a}`);
  });
  await again.close();
  /* Reset: the same run again, its change replayed */
  await page.click('#btn-reset');
  await page.waitForFunction(() => window.gradlab.records().length === 1, null, { timeout: TIMEOUT });
  assert.deepEqual(await page.evaluate(() => window.gradlab.debug().changes), [{ step: 3, settings: { clip: 1 } }]);
  assert.equal(await page.isChecked('#set-clip-on'), false, 'at step 0 clipping is off again, planned from step 3');
  await runToEnd(page);
  await sameAsCli(page, 'after Reset');
  /* another setting mid-run: a new run from step 0 with the values the controls show, no changes */
  await page.click('#btn-reset');
  await page.waitForFunction(() => window.gradlab.records().length === 1, null, { timeout: TIMEOUT });
  for (let i = 0; i < 4; i++) {
    await page.click('#btn-step');
    await page.waitForFunction((n) => window.gradlab.debug().latest.plain.steps_done === n, i + 1, { timeout: TIMEOUT });
  }
  await page.fill('#set-seed', '2');
  await page.press('#set-seed', 'Enter');
  await page.waitForFunction(() => window.gradlab.debug().config.seed === 2, null, { timeout: TIMEOUT });
  const fresh = await page.evaluate(() => window.gradlab.debug());
  assert.deepEqual(fresh.changes, []);
  assert.equal(fresh.config.clip, 1, 'clipping was in force (from step 3): the new run starts with it');
  assert.equal(fresh.latest.plain.steps_done, 0);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('a changed run in Persian and English at 1366 x 768 and 390 x 844: the marks and the control\'s line in the page\'s words and digits', { timeout: 5 * TIMEOUT }, async () => {
  const want = {
    en: { mark: 'clip off → 1', note: '1 from step 1 on (was off): the run went on from its weights.' },
    fa: { mark: 'برش گرادیان خاموش ← ۱', note: 'از گام ۱ به بعد: ۱ (پیش از آن: خاموش)؛ اجرا با همان وزن‌ها ادامه یافت.' },
  };
  for (const lang of ['fa', 'en']) {
    for (const width of [1366, 390]) {
      const { page, log } = await env.newPage(width === 390 ? { viewport: { width: 390, height: 844 } } : {});
      await page.goto(`${env.url}?${RUN}&lang=${lang}&change=1:clip=1`);
      await waitReady(page);
      await runToEnd(page);
      const d = await page.evaluate(() => ({ events: window.gradlab.debug().events, note: document.getElementById('change-note-clip').textContent }));
      const iso = (x) => x.replace(/[\u2066\u2069]/g, '');
      assert.equal(iso(d.events.loss[0].label), want[lang].mark);
      assert.equal(iso(d.events.heatmap_residual[0].label), want[lang].mark);
      assert.equal(iso(d.note), want[lang].note);
      await page.locator('#card-loss').screenshot({ path: shotPath(`course-loss-${lang}-${width}.png`) });
      await page.locator('#card-heat-plain').screenshot({ path: shotPath(`course-heatmap-${lang}-${width}.png`) });
      await page.locator('[data-setting="clip"]').screenshot({ path: shotPath(`course-clip-${lang}-${width}.png`) });
      assert.deepEqual(log.errors, []);
      await page.close();
    }
  }
});

test('the lesson\'s rescue experiment runs with its change of course: clipping from step 1, marked, no stack diverges', { timeout: 4 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&step=exploding`);
  await waitReady(page);
  await page.waitForSelector('#lesson [data-experiment-id="explode_rescue"] .run-experiment', { timeout: TIMEOUT });
  await page.click('#lesson [data-experiment-id="explode_rescue"] .run-experiment');
  await page.waitForFunction(() => {
    const r = window.gradlabLesson.debug().results.explode_rescue;
    return r && r.state === 'done';
  }, null, { timeout: 3 * TIMEOUT, polling: 250 });
  const d = await page.evaluate(() => ({ d: window.gradlab.debug(), url: location.search }));
  assert.deepEqual(d.d.changes, [{ step: 1, settings: { clip: 1 } }]);
  assert.equal(d.d.config.clip, 0, 'the run starts without clipping');
  assert.deepEqual(d.d.events.loss, [{ x: 1, label: 'clip off → 1' }]);
  assert.match(d.url, /&change=1:clip=1/);
  for (const a of ['plain', 'residual']) assert.equal(d.d.latest[a].status, 'ok', `${a} did not diverge`);
  /* the same records as the CLI's --change run (the lesson's claims are checked on that run in node) */
  await sameAsCli(page, 'the lesson\'s rescue');
  assert.deepEqual(log.errors, []);
  await page.close();
});
