// lesson-answers.test.mjs - the lesson's answers read as a student reads
// them (issue 22 item 7).  Every experiment of web/lesson/experiments.json,
// in Persian and in English, run through its button in one page per
// language: (a) the charts show the record the answer is about, (b) every
// number the answer shows is a number the page shows elsewhere at that
// moment, in the same form, and the numbers a student can recompute from
// the charts' tables agree with them, (c) a stack that diverged or died is
// in the answer exactly when the page's status shows it, (d) the claims hold
// on the records the page shows (answer-check.mjs says how).  Then the note
// when the student moves the time cursor off the answer's moment, and two
// planted wrong answers that the same check must catch: a number written
// into the answer instead of its placeholder, and a value defined the wrong
// way round.  Screenshots of every answer at 1366×768 in both languages
// (answer-<lang>-<id>.png: the student walk's) and of two at phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, waitReady, shotPath, ROOT, SITE, TIMEOUT } from './helpers.mjs';
import { runThroughButton, readPage, checkAnswer, numberTokens } from './answer-check.mjs';

const read = (f) => JSON.parse(readFileSync(join(ROOT, 'web', 'lesson', f), 'utf8'));
const EXPERIMENTS = read('experiments.json').experiments;
const UI = { fa: read('ui-fa.json'), en: read('ui-en.json') };
const DOCS = { fa: read('fa.json'), en: read('en.json') };
const WORDS = (doc, id) => doc.steps.flatMap((s) => s.experiments).find((e) => e.id === id);

/* GRADLAB_EXPERIMENTS=id,id runs only those (to try a change quickly; the suite runs them all) */
const ONLY = process.env.GRADLAB_EXPERIMENTS ? new Set(process.env.GRADLAB_EXPERIMENTS.split(',')) : null;

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

async function openLesson(e, query, viewport = { width: 1366, height: 768 }) {
  const { page, log } = await e.newPage({ viewport });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(e.url + query);
  await waitReady(page);
  await page.waitForSelector('#lesson .lesson-step', { timeout: TIMEOUT });
  await page.$eval('#speed', (s) => { s.value = '4'; s.dispatchEvent(new Event('input')); });
  return { page, log };
}

async function goToStep(page, index) {
  await page.selectOption('#lesson-jump', String(index));
  await page.waitForFunction((i) => document.querySelector('#lesson-jump').value === String(i) && document.querySelector('#lesson .lesson-step'), index, { timeout: TIMEOUT });
}

/* the checks the old lesson test made on every run: the lab ran the experiment's settings, and points at its chart */
function settingsAndPointer(id, x, got) {
  const problems = [];
  /* the settings column shows the experiment's settings (a sweep's too: its card says it is built from them) */
  if (x.config.depth !== undefined && got.controls.depth !== String(x.config.depth)) problems.push(`${id}: the depth control shows ${got.controls.depth}`);
  if (x.config.act !== undefined && got.controls.act !== x.config.act) problems.push(`${id}: the activation control shows ${got.controls.act}`);
  if (x.sweep) {
    if (!got.highlight || got.highlight.chart !== 'sweep') problems.push(`${id}: the Sweep panel is not highlighted`);
    if (!got.focused.includes('card-sweep')) problems.push(`${id}: the Sweep panel is not outlined`);
    return problems;
  }
  if (!got.focused.length) problems.push(`${id}: no card is outlined`);
  for (const [k, v] of Object.entries(x.config)) {
    if (got.config[k] !== undefined && String(got.config[k]) !== String(v)) problems.push(`${id}: setting ${k} is ${got.config[k]}, the experiment's ${v}`);
  }
  if (!got.highlight || got.highlight.chart !== x.chart) problems.push(`${id}: the highlighted chart is ${JSON.stringify(got.highlight)}`);
  if (x.chart === 'grad_norm' && x.highlight && x.highlight.layer !== null && x.highlight.layer !== undefined) {
    const want = x.highlight.layer === 'last' ? got.layers : x.highlight.layer;
    if (!got.markers.grad_norm || got.markers.grad_norm.x !== want) problems.push(`${id}: layer ${x.highlight.layer} is not marked on chart 1`);
  }
  if (got.panel.length < 2) problems.push(`${id}: the numbers panel is empty`);
  return problems;
}

test('every experiment in Persian and in English: the answer is about the record shown, and every number in it is the page\'s', { timeout: 40 * 60_000 }, async () => {
  const all = [];
  const timings = [];
  for (const lang of ['fa', 'en']) {
    const t0 = Date.now();
    const { page, log } = await openLesson(env, `?lang=${lang}&step=descent`);
    const nSteps = await page.$$eval('#lesson-jump option', (o) => o.length);
    let ran = 0;
    for (let si = 0; si < nSteps; si++) {
      await goToStep(page, si);
      const ids = await page.$$eval('#lesson .lesson-step [data-experiment-id]', (els) => els.map((el) => el.dataset.experimentId));
      for (const id of ids) {
        if (ONLY && !ONLY.has(id)) continue;
        const x = EXPERIMENTS[id];
        assert.ok(x, `${id} is defined in experiments.json`);
        const ms = await runThroughButton(page, id);
        const got = await readPage(page, id);
        const problems = [...settingsAndPointer(id, x, got), ...checkAnswer(id, x, WORDS(DOCS[lang], id), got, UI[lang])];
        all.push(...problems);
        timings.push(`${lang}/${id} ${ms} ms`);
        /* what the student walk reads: the answer beside its chart, at 1366×768 */
        await page.locator(`#lesson [data-experiment-id="${id}"] .answer`).scrollIntoViewIfNeeded();
        await page.screenshot({ path: shotPath(`answer-${lang}-${id}.png`) });
        ran++;
      }
    }
    assert.equal(ran, ONLY ? ONLY.size : Object.keys(EXPERIMENTS).length, `${lang}: every experiment ran`);
    assert.deepEqual(log.errors, [], `${lang}: console errors`);
    console.log(`${lang}: ${ran} experiments in ${Date.now() - t0} ms`);
    await page.close();
  }
  console.log(timings.join(', '));
  assert.deepEqual(all, [], `what the answers say and what the page shows disagree:\n${all.join('\n')}`);
});

test('moving the time cursor off the answer\'s moment: the answer says so and puts it back', { timeout: 4 * TIMEOUT }, async () => {
  for (const lang of ['fa', 'en']) {
    const { page, log } = await openLesson(env, `?lang=${lang}&step=vanishing`);
    await runThroughButton(page, 'vanish_depth30');
    const note = page.locator('#lesson [data-experiment-id="vanish_depth30"] .moment-note');
    assert.equal(await note.isHidden(), true, `${lang}: no note while the charts show step 0`);
    await page.evaluate(() => window.gradlab.show('end'));
    await note.waitFor({ state: 'visible', timeout: TIMEOUT });
    const text = (await note.innerText()).replace(/[\u2066-\u2069\u200e]/g, '');
    const steps = numberTokens(text);
    console.log(`${lang}: ${text.replace(/\s+/g, ' ')}`);
    const digits = lang === 'fa' ? ['۰', '۵۰'] : ['0', '50'];
    assert.deepEqual(steps.slice(0, 2), digits, `${lang}: the note names the answer's step and the one shown: ${text}`);
    assert.ok(text.includes(UI[lang]['lesson.moment_back'].replace('{at}', digits[0])), `${lang}: the button offers step 0`);
    await note.locator('button').click();
    await page.waitForFunction(() => window.gradlab.debug().timeline.index === 1, null, { timeout: TIMEOUT });
    await note.waitFor({ state: 'hidden', timeout: TIMEOUT });
    assert.match(await page.textContent('#title-grad'), lang === 'fa' ? /۰/ : /step 0/, `${lang}: chart 1 is at step 0 again`);
    /* another run: the answer says its run is gone, and offers to run it again */
    await page.click('#btn-reset');
    await note.waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.ok((await note.innerText()).includes(UI[lang]['lesson.moment_rerun']), `${lang}: after a new run the note offers to run the experiment again`);
    assert.deepEqual(log.errors, []);
    await page.close();
  }
});

test('phone width (390×844): an answer revealed, in Persian and in English (screenshots)', { timeout: 4 * TIMEOUT }, async () => {
  for (const lang of ['fa', 'en']) {
    const { page, log } = await openLesson(env, `?lang=${lang}&step=exploding`, { width: 390, height: 844 });
    for (const id of ['explode_tanh', 'explode_relu']) {
      await runThroughButton(page, id);
      const got = await readPage(page, id);
      assert.deepEqual(checkAnswer(id, EXPERIMENTS[id], WORDS(DOCS[lang], id), got, UI[lang]), []);
      await page.locator(`#lesson [data-experiment-id="${id}"] .answer`).scrollIntoViewIfNeeded();
      await page.screenshot({ path: shotPath(`answer-${lang}-${id}-390x844.png`) });
    }
    assert.deepEqual(log.errors, []);
    await page.close();
  }
});

/* A copy of the built page with some lesson files changed (their compressed copies removed, so the server sends the edit). */
function plantedSite(edits) {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-planted-'));
  cpSync(SITE, dir, { recursive: true });
  for (const [file, fn] of Object.entries(edits)) {
    const p = join(dir, 'lesson', file);
    writeFileSync(p, JSON.stringify(fn(JSON.parse(readFileSync(p, 'utf8'))), null, 1));
    for (const z of ['.br', '.gz']) if (existsSync(p + z)) rmSync(p + z);
  }
  return dir;
}

test('planted wrong answers are caught: a number written in place of its placeholder, a value the wrong way round', { timeout: 4 * TIMEOUT }, async () => {
  const dir = plantedSite({
    /* the answer states a number of its own: theory's 18 decades instead of the run's {p_drop} */
    'en.json': (doc) => {
      const e = WORDS(doc, 'vanish_depth30');
      assert.ok(e.answer.includes('{p_drop}'));
      e.answer = e.answer.replace('{p_drop}', '18.0');
      return doc;
    },
    /* vanish_depth5's drop measured upside down: layer 1 over the output layer */
    'experiments.json': (file) => {
      const v = file.experiments.vanish_depth5.values.p_drop;
      [v.num_layer, v.den_layer] = [v.den_layer, v.num_layer];
      return file;
    },
  });
  const planted = await setup({ root: dir });
  try {
    const { page } = await openLesson(planted, '?lang=en&step=vanishing');
    await runThroughButton(page, 'vanish_depth30');
    const p1 = checkAnswer('vanish_depth30', EXPERIMENTS.vanish_depth30, WORDS(DOCS.en, 'vanish_depth30'), await readPage(page, 'vanish_depth30'), UI.en);
    console.log(`planted number: ${p1.join(' | ')}`);
    assert.ok(p1.some((p) => p.includes('the answer says 18.0')), `a number the page does not show is caught: ${p1.join('\n')}`);
    await runThroughButton(page, 'vanish_depth5');
    /* the test knows the experiment as the repository has it; the page ran the planted one */
    const p2 = checkAnswer('vanish_depth5', EXPERIMENTS.vanish_depth5, WORDS(DOCS.en, 'vanish_depth5'), await readPage(page, 'vanish_depth5'), UI.en);
    console.log(`planted definition: ${p2.join(' | ')}`);
    assert.ok(p2.some((p) => p.includes('(b) p_drop')), `a value that disagrees with the chart's table is caught: ${p2.join('\n')}`);
  } finally {
    await planted.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
