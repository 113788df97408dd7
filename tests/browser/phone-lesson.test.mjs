// phone-lesson.test.mjs - the lesson on a phone, 390x844 (CSS px), in Persian
// and in English (issue 23): the page opens in the lesson; the header's
// Lesson button lands on the step; a prediction is made by keyboard (a
// slider, a choice), survives a reload, and after the run stands beside the
// measured value (values.js on the page's records at the experiment's moment,
// computed here again) with its gap line; the chart the experiment points at
// comes into the lesson under the question, so that question, chart and the
// start of the answer are on one screen (two charts or a tall card: the
// answer starts within the next screen), and nothing fixed or sticky covers
// it (elementFromPoint over the chart's box); the lab shows a link where the
// card was, which returns to the experiment in one tap; a new step puts the
// chart back.  Every experiment of sections 2 and 6 in Persian the same way.
// Classroom mode: predict=required keeps an experiment's Run until a
// prediction is committed.  On a desktop nothing moves.  Screenshots of every
// step: test-output/screenshots/phone-lesson-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, waitReady, shotPath, ROOT, TIMEOUT } from './helpers.mjs';
import { evaluateValues } from '../../web/js/lesson/values.js';

const PHONE = { width: 390, height: 844 };
const read = (f) => JSON.parse(readFileSync(join(ROOT, 'web', 'lesson', f), 'utf8'));
const EXPERIMENTS = read('experiments.json').experiments;
const UI = { fa: read('ui-fa.json'), en: read('ui-en.json') };
const DOCS = { fa: read('fa.json'), en: read('en.json') };
const WORDS = (lang, id) => DOCS[lang].steps.flatMap((s) => s.experiments).find((e) => e.id === id);
const latin = (s) => s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0)).replace(/٫/g, '.').replace(/[\u2066-\u2069\u200e\u200f]/g, '').replace(/−/g, '-');

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

async function open(query, viewport = PHONE) {
  const { page, log } = await env.newPage({ viewport });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  /* every test starts with no prediction saved (the browser's profile is shared by the tests of this file) */
  await page.goto(`${env.url}?lang=en`);
  await page.evaluate(() => localStorage.clear());
  await page.goto(env.url + query);
  await waitReady(page);
  await page.waitForSelector('#lesson .lesson-step .katex', { timeout: TIMEOUT });
  return { page, log };
}

const card = (id) => `#lesson [data-experiment-id="${id}"]`;

/* a box in the viewport, or how it is not */
const inView = (b, vh = PHONE.height) => b.top >= -1 && b.bottom <= vh + 1 && b.left >= -1 && b.right <= PHONE.width + 1;

/* The prediction by keyboard: a slider to `value` (Home, then arrows), or the choice `choice`
   (arrows from the first), then Enter on Commit. */
async function predict(page, id, { value, choice }) {
  const kind = await page.getAttribute(`${card(id)} .predict`, 'data-predict');
  if (kind === 'slider') {
    const p = EXPERIMENTS[id].predict;
    await page.focus(`${card(id)} .predict input[type="range"]`);
    await page.keyboard.press('Home');
    for (let v = p.min; v < value; v += p.step) await page.keyboard.press('ArrowRight');
    assert.equal(Number(await page.inputValue(`${card(id)} .predict input[type="range"]`)), value, 'the arrow keys move the slider');
  } else {
    await page.focus(`${card(id)} .predict input[type="radio"] >> nth=0`);
    await page.keyboard.press('Space');
    for (let i = 0; i < choice; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.isChecked(`${card(id)} .predict input[type="radio"] >> nth=${choice}`), true, 'the arrow keys choose');
  }
  await page.focus(`${card(id)} .predict-commit`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${card(id)} .predict-committed`, { timeout: TIMEOUT });
  return kind;
}

async function run(page, id) {
  await page.click(`${card(id)} .run-experiment`);
  await page.waitForFunction((x) => { const r = window.gradlabLesson.debug().results[x]; return r && r.state === 'done'; }, id, { timeout: 3 * TIMEOUT, polling: 250 });
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/* where the question, the chart the experiment points at and the answer are, and what covers the chart */
function layout(page, id) {
  return page.evaluate((x) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
    const root = document.querySelector(`#lesson [data-experiment-id="${x}"]`);
    const h = window.gradlab.debug().highlight;
    const cards = h ? h.cards.map((c) => document.getElementById(c)) : [];
    /* a chart: a canvas, or the network diagram's SVG (the walk's experiments point at it) */
    const chartCard = cards.find((c) => c && c.querySelector('.chart-box canvas, .chart-box svg'));
    const canvas = chartCard ? chartCard.querySelector('.chart-box canvas, .chart-box svg') : null;
    const cb = canvas ? box(canvas) : null;
    /* what the eye meets over the chart: every point of a 5 x 5 grid over its box (inside the screen) */
    const covered = [];
    if (cb) {
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          const px = cb.left + (cb.right - cb.left) * (i + 0.5) / 5, py = cb.top + (cb.bottom - cb.top) * (j + 0.5) / 5;
          if (py < 0 || py >= innerHeight) continue;
          const at = document.elementFromPoint(px, py);
          if (!at || !chartCard.contains(at)) covered.push(`${Math.round(px)},${Math.round(py)}: ${at ? `${at.tagName.toLowerCase()}#${at.id}.${String(at.className)}` : 'nothing'}`);
        }
      }
    }
    /* and no fixed or sticky element overlaps it */
    const pinned = [...document.querySelectorAll('body *')].filter((e) => {
      const p = getComputedStyle(e).position;
      if (p !== 'fixed' && p !== 'sticky') return false;
      const r = e.getBoundingClientRect();
      return cb && r.width > 0 && r.height > 0 && r.bottom > cb.top && r.top < cb.bottom && r.right > cb.left && r.left < cb.right;
    }).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${String(e.className)}`);
    const answer = root.querySelector('.answer');
    return {
      question: box(root.querySelector('.question')), chart: cb, answer: answer ? box(answer) : null,
      cards: h ? h.cards : [], inLesson: cards.map((c) => !!c && !!c.closest('#lesson')), tallCards: cards.length > 1 || cards.some((c) => c && c.querySelectorAll('.chart-box canvas').length > 1) || cards.some((c) => c && (c.id === 'card-sweep' || c.id === 'card-diagram')),
      covered, pinned, timelineInLesson: !!document.getElementById('timeline').closest('#lesson'),
    };
  }, id);
}

/* the run as values.js reads it, from the page's records: init = [1] when it is step 0, else [0]; end = the newest */
async function measured(page, id) {
  const records = await page.evaluate(() => window.gradlab.records());
  const stepOf = (r) => Math.max(r.plain.step, r.residual.step);
  const init = records.length > 1 && stepOf(records[1]) === 0 ? records[1] : records[0], end = records[records.length - 1];
  const x = EXPERIMENTS[id];
  const runs = { plain: { init: init.plain, end: end.plain }, residual: { init: init.residual, end: end.residual } };
  return evaluateValues(x.values, runs, x.at)[x.predict.value];
}

/* the checks of one finished experiment on the phone; returns the layout for the log */
async function checkRun(page, lang, id, { guess, shot }) {
  const L = await layout(page, id);
  const where = `${lang}/${id}`;
  assert.ok(L.chart, `${where}: the experiment points at a chart (${L.cards.join(', ')})`);
  assert.deepEqual(L.covered, [], `${where}: nothing covers the chart`);
  assert.deepEqual(L.pinned, [], `${where}: no fixed or sticky element over the chart`);
  assert.ok(L.inLesson.every(Boolean), `${where}: its cards are in the lesson: ${L.cards.join(', ')}`);
  assert.ok(L.timelineInLesson, `${where}: the time cursor came with them`);
  assert.ok(inView(L.question), `${where}: the question is on the screen (${Math.round(L.question.top)}..${Math.round(L.question.bottom)})`);
  assert.ok(inView(L.chart), `${where}: the chart is on the screen with it (${Math.round(L.chart.top)}..${Math.round(L.chart.bottom)})`);
  assert.ok(L.chart.top >= L.question.bottom, `${where}: the chart is under the question`);
  assert.ok(L.answer && L.answer.top >= L.chart.bottom, `${where}: the answer follows the chart`);
  /* one chart: question, chart and the start of the answer on one screen; two charts or a tall card
     (the Sweep panel; the network diagram with its walk's controls and lines under it):
     the answer starts within the next screen (one screen of scrolling) */
  const limit = L.tallCards ? 2 * PHONE.height : PHONE.height - 24;
  assert.ok(L.answer.top <= limit, `${where}: the answer starts at ${Math.round(L.answer.top)} px (limit ${limit}: ${L.tallCards ? 'tall card' : 'one chart'})`);
  if (guess) {
    /* the prediction beside the measured value, the value values.js reads from the records */
    const v = await measured(page, id);
    const r = await page.evaluate((sel) => {
      const box = document.querySelector(`${sel} .predict.is-result`);
      if (!box) return null;
      const g = box.querySelector('.predict-cell.guess'), m = box.querySelector('.predict-cell.measured');
      const gb = g.getBoundingClientRect(), mb = m.getBoundingClientRect();
      return { guess: g.textContent, measured: m.querySelector('.predict-num').textContent, gap: box.querySelector('.predict-gap').textContent, hit: box.dataset.hit, beside: Math.abs(gb.top - mb.top) < 4 && (gb.right <= mb.left + 1 || mb.right <= gb.left + 1) };
    }, card(id));
    assert.ok(r, `${where}: the prediction and the measured value are shown`);
    assert.ok(r.beside, `${where}: side by side`);
    const x = EXPERIMENTS[id], w = WORDS(lang, id).predict;
    if (v.unit === 'decades') assert.equal(latin(r.measured), v.value === null ? UI[lang]['lesson.underflow'] : v.value.toFixed(v.digits), `${where}: the measured value is values.js's (${v.value})`);
    else if (v.unit === 'arch') assert.equal(r.measured, UI[lang][`series.${v.value}`], `${where}: the stack`);
    else assert.ok(r.measured.length > 0);
    assert.doesNotMatch(r.gap, /\{[a-z_]+\}/, `${where}: the gap line is filled: ${r.gap}`);
    if (x.predict.kind === 'slider') {
      assert.ok(latin(r.guess).includes(String(guess.value)), `${where}: the guess ${r.guess}`);
      assert.ok(latin(r.gap).includes(Math.abs(guess.value - v.value).toFixed(v.digits)), `${where}: the gap says how far: ${r.gap}`);
      if (lang === 'fa') assert.match(r.gap, /[۰-۹]/, `${where}: Persian digits`);
    } else {
      const right = x.predict.choices.findIndex((c) => (c.arch !== undefined ? v.value === c.arch : (c.min === undefined || v.value >= c.min) && (c.max === undefined || v.value <= c.max)));
      assert.equal(r.hit, String(right === guess.choice), `${where}: right or not (measured ${v.value}, guessed choice ${guess.choice}, right ${right})`);
      for (const words of w.choices[right].split(/\$[^$]*\$/).map((x) => x.trim()).filter(Boolean)) {
        assert.ok(r.gap.includes(words), `${where}: {right} names the choice the value is in (${w.choices[right]}): ${r.gap}`);
      }
    }
  }
  if (shot) await page.screenshot({ path: shotPath(shot) });
  return L;
}

for (const lang of ['fa', 'en']) {
  test(`phone 390x844 (${lang}): in the lesson from the start, predict, run, question + chart + answer on a screen, the prediction beside the measured value`, { timeout: 6 * TIMEOUT }, async () => {
    const { page, log } = await open(`?lang=${lang}&step=vanishing`);
    const shot = (n, name) => shotPath(`phone-lesson-${lang}-${n}-${name}.png`);
    /* the student starts in the lesson: the step's title on the first screen */
    const title = await page.$eval('#lesson-step-title', (h) => { const r = h.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; });
    assert.ok(inView(title), `${lang}: the step's title is on the first screen (${Math.round(title.top)})`);
    await page.screenshot({ path: shot(1, 'start') });

    /* the header's Lesson button lands on the step (twice: it never hides the lesson on a phone) */
    await page.click('#lesson-toggle');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('#lesson-toggle');
    const landed = await page.evaluate(() => { const r = document.getElementById('lesson-step-title').getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, focused: document.activeElement.id, hidden: document.getElementById('lesson').hidden }; });
    assert.equal(landed.hidden, false, `${lang}: the Lesson button never hides the lesson on a phone`);
    assert.ok(inView(landed), `${lang}: it lands on the step's title (${Math.round(landed.top)})`);
    assert.equal(landed.focused, 'lesson-step-title');
    assert.equal(await page.getAttribute('#lesson-toggle', 'title'), UI[lang]['lesson.flow.go']);

    /* section 2, depth 30: the slider, by keyboard; it stays in the browser across a reload */
    const id = 'vanish_depth30';
    await page.$eval(card(id), (e) => e.scrollIntoView());
    const legend = await page.textContent(`${card(id)} .predict legend`);
    assert.ok(legend.includes(WORDS(lang, id).predict.q.slice(0, 20)), `${lang}: the question of the prediction is the fieldset's legend`);
    await predict(page, id, { value: 18 });
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('gradlab.predictions')));
    assert.deepEqual(stored, { version: 1, items: { [id]: { value: 18 } } }, 'kept in localStorage');
    await page.reload();
    await waitReady(page);
    await page.waitForSelector(`${card(id)} .predict-committed`, { timeout: TIMEOUT });
    const committed = await page.textContent(`${card(id)} .predict-committed`);
    assert.ok(latin(committed).includes('18'), `${lang}: the prediction survives a reload: ${committed}`);
    if (lang === 'fa') assert.ok(committed.includes('۱۸'), 'in Persian digits');
    await page.$eval(card(id), (e) => e.scrollIntoView());
    await page.screenshot({ path: shot(2, 'predicted') });

    await run(page, id);
    const L = await checkRun(page, lang, id, { guess: { value: 18 }, shot: `phone-lesson-${lang}-3-answer.png` });
    console.log(`${lang}/${id}: question ${Math.round(L.question.top)}, chart ${Math.round(L.chart.top)}..${Math.round(L.chart.bottom)}, answer from ${Math.round(L.answer.top)}`);

    /* chart 1's legend wraps inside its card: no label cut */
    const legendFit = await page.evaluate(() => {
      const list = document.querySelector('#card-grad .chart-legend'), c = document.getElementById('card-grad').getBoundingClientRect();
      return [...list.querySelectorAll('button')].map((b) => { const r = b.getBoundingClientRect(); return { text: b.textContent, fits: r.left >= c.left - 1 && r.right <= c.right + 1 && b.scrollWidth <= b.clientWidth + 1 }; });
    });
    assert.ok(legendFit.length >= 3, `${lang}: chart 1 has its legend`);
    assert.deepEqual(legendFit.filter((l) => !l.fits), [], `${lang}: every legend label fits (wraps)`);

    /* where the card was, the lab links to it: one tap back to the experiment */
    await page.$eval('.card-moved[data-for="card-grad"]', (e) => e.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: shot(4, 'lab-link') });
    assert.equal(await page.textContent('.card-moved[data-for="card-grad"] a'), UI[lang]['lesson.flow.moved'].replace('{chart}', UI[lang]['lesson.chart.grad_norm']), `${lang}: the link names the chart`);
    await page.click('.card-moved[data-for="card-grad"] a');
    const back = await page.$eval(`${card(id)} .question`, (q) => { const r = q.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; });
    assert.ok(inView(back), `${lang}: one tap returns to the question (${Math.round(back.top)})`);
    assert.ok(inView((await layout(page, id)).chart), `${lang}: with its chart`);

    /* a language switch redraws the lesson: the chart stays with its experiment */
    const other = lang === 'fa' ? 'en' : 'fa';
    await page.selectOption('#lang-select', other);
    await page.waitForFunction((l) => document.getElementById('lesson').lang === l, other, { timeout: TIMEOUT });
    assert.equal(await page.evaluate((sel) => !!document.querySelector(`${sel} .lesson-charts #card-grad`) && !!document.querySelector(`${sel} .predict.is-result`), card(id)), true, `${lang} -> ${other}: the chart and the prediction stay`);
    await page.selectOption('#lang-select', lang);
    await page.waitForFunction((l) => document.getElementById('lesson').lang === l, lang, { timeout: TIMEOUT });
    /* a screen wide enough for the columns: everything back in the lab */
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForFunction(() => !document.querySelector('.lesson-charts') && !!document.getElementById('card-grad').closest('#lab'), null, { timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => document.querySelectorAll('.card-moved').length), 0, 'no link left behind');
    await page.setViewportSize(PHONE);

    /* section 6: a choice, by keyboard; then the next step puts the chart back in the lab */
    await page.selectOption('#lesson-jump', String(DOCS[lang].steps.findIndex((s) => s.id === 'residual')));
    await page.waitForSelector('#lesson [data-step-id="residual"]');
    assert.equal(await page.evaluate(() => !!document.getElementById('card-grad').closest('#lab') && !document.querySelector('.card-moved')), true, `${lang}: a new step puts the chart back`);
    assert.equal(await page.evaluate(() => !!document.getElementById('timeline').closest('.runbar')), true, `${lang}: and the time cursor`);
    const choiceId = 'res_sigmoid';
    await page.$eval(card(choiceId), (e) => e.scrollIntoView());
    await predict(page, choiceId, { choice: 0 });
    await run(page, choiceId);
    await checkRun(page, lang, choiceId, { guess: { choice: 0 }, shot: `phone-lesson-${lang}-5-choice.png` });

    /* cleared: the form again, and nothing left in the browser for it */
    await page.click(`${card(choiceId)} .predict-clear`);
    await page.waitForSelector(`${card(choiceId)} .predict-form`, { timeout: TIMEOUT });
    const left = await page.evaluate(() => JSON.parse(localStorage.getItem('gradlab.predictions')));
    assert.deepEqual(Object.keys(left.items), ['vanish_depth30'], `${lang}: the cleared prediction is gone`);
    assert.equal(await page.evaluate(() => document.activeElement.closest('.predict') !== null), true, 'the focus goes to the form');
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}

test('Persian, sections 2 and 6 at 390x844: every experiment, predicting where the lesson asks, with its chart next to its question', { timeout: 20 * TIMEOUT }, async () => {
  const lang = 'fa';
  const { page, log } = await open(`?lang=${lang}&step=vanishing`);
  const rows = [];
  for (const step of ['vanishing', 'residual']) {
    await page.selectOption('#lesson-jump', String(DOCS[lang].steps.findIndex((s) => s.id === step)));
    await page.waitForSelector(`#lesson [data-step-id="${step}"]`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shotPath(`phone-lesson-fa-${step}-0-step.png`) });
    const ids = DOCS[lang].steps.find((s) => s.id === step).experiments.map((e) => e.id);
    for (const [k, id] of ids.entries()) {
      const p = EXPERIMENTS[id].predict;
      let guess = null;
      if (p) {
        await page.$eval(card(id), (e) => e.scrollIntoView());
        guess = p.kind === 'slider' ? { value: p.min + Math.round((p.max - p.min) / p.step / 3) * p.step } : { choice: p.choices.length - 1 };
        await predict(page, id, guess);
        await page.screenshot({ path: shotPath(`phone-lesson-fa-${step}-${k + 1}-${id}-predict.png`) });
      }
      await run(page, id);
      const L = await checkRun(page, lang, id, { guess, shot: `phone-lesson-fa-${step}-${k + 1}-${id}.png` });
      rows.push(`${id}: question ${Math.round(L.question.top)}..${Math.round(L.question.bottom)}, chart ${Math.round(L.chart.top)}..${Math.round(L.chart.bottom)} (${L.cards.join(' ')}), answer from ${Math.round(L.answer.top)}`);
      /* and the rest of the answer, one screen further */
      await page.evaluate(() => window.scrollBy(0, innerHeight - 60));
      await page.screenshot({ path: shotPath(`phone-lesson-fa-${step}-${k + 1}-${id}-answer.png`) });
    }
  }
  console.log(rows.join('\n'));
  assert.deepEqual(log.errors, []);
});

test('classroom mode: predict=required holds an experiment\'s Run until a prediction is committed; the classroom box writes it into the link', { timeout: 4 * TIMEOUT }, async () => {
  const { page, log } = await open('?lang=fa&step=vanishing&predict=required');
  const waits = await page.evaluate(() => {
    const b = document.querySelector('#lesson [data-experiment-id="vanish_depth30"] .run-experiment');
    const note = document.getElementById(b.getAttribute('aria-describedby').split(' ')[1] || '');
    return { disabled: b.disabled, note: note ? note.textContent : null, free: document.querySelector('#lesson [data-experiment-id="vanish_depth15"] .run-experiment').disabled };
  });
  assert.equal(waits.disabled, true, 'Run waits for a prediction');
  assert.equal(waits.note, UI.fa['lesson.predict.required'], 'and says why (aria-describedby)');
  assert.equal(waits.free, false, 'an experiment without a prediction runs as before');
  await page.$eval(card('vanish_depth30'), (e) => e.scrollIntoView());
  await page.screenshot({ path: shotPath('phone-lesson-fa-6-required.png') });
  await predict(page, 'vanish_depth30', { value: 20 });
  assert.equal(await page.isDisabled(`${card('vanish_depth30')} .run-experiment`), false, 'committed: Run is free');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('run-experiment')), true, 'and takes the focus');
  assert.equal(new URL(page.url()).searchParams.get('predict'), 'required', 'the link keeps the flag');

  /* the teacher's side, on a desktop: the classroom box sets and clears it */
  const desk = await open('?lang=en&step=vanishing', { width: 1366, height: 768 });
  await desk.page.evaluate(() => { document.getElementById('classroom').open = true; });
  assert.equal(await desk.page.isDisabled(`${card('vanish_depth5')} .run-experiment`), false);
  await desk.page.check('#classroom-predict');
  await desk.page.waitForFunction(() => new URL(location.href).searchParams.get('predict') === 'required', null, { timeout: TIMEOUT });
  assert.equal(await desk.page.isDisabled(`${card('vanish_depth5')} .run-experiment`), true, 'ticked: the lesson waits for predictions');
  await desk.page.uncheck('#classroom-predict');
  await desk.page.waitForFunction(() => !new URL(location.href).searchParams.has('predict'), null, { timeout: TIMEOUT });
  assert.equal(await desk.page.isDisabled(`${card('vanish_depth5')} .run-experiment`), false);

  /* a bad value is reported like the other page keys */
  const bad = await open('?lang=en&step=vanishing&predict=yes', { width: 1366, height: 768 });
  await bad.page.locator('#messages .message.error').first().waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.match(await bad.page.locator('#messages .message.error').first().innerText(), /predict: unknown value 'yes' \(choose one of required\)/);
  assert.deepEqual([...log.errors, ...desk.log.errors, ...bad.log.errors], []);
});

test('desktop 1366x768: the lesson stays a column beside the charts and the chart stays in the lab', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await open('?lang=fa&step=vanishing', { width: 1366, height: 768 });
  await run(page, 'vanish_depth5');
  const d = await page.evaluate(() => {
    const l = document.getElementById('lesson').getBoundingClientRect(), lab = document.getElementById('lab').getBoundingClientRect();
    return { moved: window.gradlabLesson.debug().flow.moved, inLab: !!document.getElementById('card-grad').closest('#lab'), beside: l.right <= lab.left + 1 || l.left >= lab.right - 1, highlighted: document.getElementById('card-grad').classList.contains('lesson-focus') };
  });
  assert.deepEqual(d, { moved: [], inLab: true, beside: true, highlighted: true });
  assert.deepEqual(log.errors, []);
});
