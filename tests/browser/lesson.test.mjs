// lesson.test.mjs - the guided lesson (web/js/lesson/) in a real browser:
// every step renders in Persian and in English (direction, language, KaTeX,
// no raw TeX), both languages show the same steps and experiments, language
// and step survive a reload through the URL and a bad step= shows a message,
// the quiz reveals its explanation only after an answer, and a screenshot
// per language (and one of the lesson panel at every step,
// lesson-step-<lang>-<id>.png).  Every experiment, its answer and its claims,
// in both languages: lesson-answers.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setup, waitReady, shotPath, ROOT, TIMEOUT } from './helpers.mjs';

const read = (f) => JSON.parse(readFileSync(join(ROOT, 'web', 'lesson', f), 'utf8'));
const EXPERIMENTS = read('experiments.json').experiments;
const UI = { fa: read('ui-fa.json'), en: read('ui-en.json') };
const EXPERIMENT_TIMEOUT = 180_000;

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

async function openLesson(query, options = {}) {
  const { page, log } = await env.newPage(options);
  if (options.init) await page.addInitScript(options.init);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(env.url + query);
  await waitReady(page);
  await page.waitForSelector('#lesson .lesson-step', { timeout: TIMEOUT });
  return { page, log };
}

/* What the lesson panel shows of its current step, read from the DOM. */
const shown = (page) => page.evaluate(() => {
  const root = document.getElementById('lesson');
  const step = root.querySelector('.lesson-step');
  /* text outside KaTeX's output (its MathML keeps the TeX source, hidden, for screen readers) */
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest('.katex') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/\$|\\[a-zA-Z]+|\\[{}]|\^\{|_\{/.test(n.data)) raw.push(n.data.slice(0, 80));
  }
  return {
    id: step.dataset.stepId,
    title: step.querySelector('h2').textContent,
    experiments: [...step.querySelectorAll('[data-experiment-id]')].map((e) => e.dataset.experimentId),
    diagram: step.querySelectorAll('.pipeline .stage').length,
    quiz: [...step.querySelectorAll('.quiz-q')].map((q) => q.querySelectorAll('.choice').length),
    katex: root.querySelectorAll('.katex').length,
    katexLtr: [...root.querySelectorAll('.katex')].every((k) => getComputedStyle(k).direction === 'ltr'),
    mathErrors: root.querySelectorAll('.math-error').length,
    raw,
    progress: step.querySelector('.lesson-progress').textContent,
    overflow: Math.max(root.scrollWidth - root.clientWidth, ...[...root.querySelectorAll('p, li, h2, h3, button')].map((e) => e.scrollWidth - e.clientWidth)),
    pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    htmlLang: document.documentElement.lang,
    htmlDir: document.documentElement.dir,
    lessonLang: root.lang,
    lessonDir: root.dir,
    font: getComputedStyle(step.querySelector('p')).fontFamily,
    urlStep: new URL(location.href).searchParams.get('step'),
    urlLang: new URL(location.href).searchParams.get('lang'),
  };
});

async function nextStep(page) {
  const before = await page.$eval('#lesson .lesson-step', (e) => e.dataset.stepId);
  await page.click('#lesson-next');
  await page.waitForFunction((b) => document.querySelector('#lesson .lesson-step').dataset.stepId !== b, before, { timeout: TIMEOUT });
}

/* Walks every step with the Next button; returns what each step showed. */
async function walk(lang) {
  const { page, log } = await openLesson(`?lang=${lang}&step=descent`);
  const steps = [];
  for (;;) {
    steps.push(await shown(page));
    /* every step as the student meets it, to be looked at in both languages */
    await page.locator('#lesson').screenshot({ path: shotPath(`lesson-step-${lang}-${steps[steps.length - 1].id}.png`) });
    if (await page.$eval('#lesson-next', (b) => b.disabled)) break;
    await nextStep(page);
  }
  return { page, log, steps };
}

test('every step renders in Persian and in English: direction, language, fonts, formulas set by KaTeX, no raw TeX', { timeout: 4 * TIMEOUT }, async () => {
  const seen = {};
  for (const lang of ['fa', 'en']) {
    const t0 = Date.now();
    const { log, steps } = await walk(lang);
    seen[lang] = steps;
    for (const s of steps) {
      const where = `${lang}/${s.id}`;
      assert.equal(s.htmlLang, lang, `${where}: <html lang>`);
      assert.equal(s.htmlDir, lang === 'fa' ? 'rtl' : 'ltr', `${where}: <html dir>`);
      assert.equal(s.lessonLang, lang, `${where}: the lesson's lang`);
      assert.equal(s.lessonDir, lang === 'fa' ? 'rtl' : 'ltr', `${where}: the lesson's dir`);
      assert.ok(s.katex > 0, `${where}: formulas are typeset (${s.katex} .katex elements)`);
      assert.ok(s.katexLtr, `${where}: formulas run left to right`);
      assert.equal(s.mathErrors, 0, `${where}: every formula renders`);
      assert.deepEqual(s.raw, [], `${where}: no TeX source left in the text`);
      assert.ok(s.overflow <= 1, `${where}: nothing in the lesson is wider than its box (${s.overflow} px)`);
      assert.ok(s.pageOverflow <= 0, `${where}: no horizontal scrolling of the page (${s.pageOverflow} px)`);
      assert.equal(s.urlStep, s.id, `${where}: the URL names the step`);
      assert.equal(s.urlLang, lang, `${where}: the URL names the language`);
      if (lang === 'fa') {
        assert.match(s.progress, /^[^0-9]*[۰-۹][^0-9]*[۰-۹][^0-9]*$/, `${where}: "step N of M" in Persian digits: ${s.progress}`);
        assert.match(s.font, /Vazirmatn/, `${where}: Persian is set in Vazirmatn`);
      }
    }
    assert.deepEqual(log.errors, [], `${lang}: console errors`);
    assert.deepEqual(log.failed, [], `${lang}: failed requests`);
    console.log(`${lang}: ${steps.length} steps rendered, ${steps.reduce((n, s) => n + s.katex, 0)} formulas, in ${Date.now() - t0} ms`);
  }
  /* both languages show the same lesson: steps, experiments, diagram and quiz */
  const shape = (steps) => steps.map((s) => ({ id: s.id, experiments: s.experiments, diagram: s.diagram, quiz: s.quiz }));
  assert.deepEqual(shape(seen.fa), shape(seen.en), 'Persian and English show the same steps, experiments, diagram and quiz');
  assert.ok(seen.fa.length >= 8, `${seen.fa.length} steps`);
  const onPage = seen.fa.flatMap((s) => s.experiments);
  assert.deepEqual([...onPage].sort(), Object.keys(EXPERIMENTS).sort(), 'every experiment of experiments.json has a button, and every button an experiment');
  assert.ok(seen.fa.some((s) => s.diagram > 0), 'the diagram is drawn');
  assert.ok(seen.fa[seen.fa.length - 1].quiz.length > 0, 'the last step has the quiz');
});

test('language and step live in the URL: a reload keeps them, a switch keeps the step, a bad step= shows a message', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await openLesson('?lang=fa&step=exploding');
  let s = await shown(page);
  assert.equal(s.id, 'exploding');
  assert.equal(s.htmlDir, 'rtl');
  await nextStep(page);
  s = await shown(page);
  assert.equal(s.urlStep, 'init_activation');
  await page.reload();
  await waitReady(page);
  await page.waitForSelector('#lesson .lesson-step');
  s = await shown(page);
  assert.equal(s.id, 'init_activation', 'the step survives a reload');
  assert.equal(s.htmlLang, 'fa', 'the language survives a reload');
  assert.equal(s.lessonDir, 'rtl');

  /* switching the language at any time keeps the current step */
  await page.selectOption('#lang-select', 'en');
  await page.waitForFunction(() => document.getElementById('lesson').lang === 'en', null, { timeout: TIMEOUT });
  s = await shown(page);
  assert.equal(s.id, 'init_activation', 'the step is kept across a language switch');
  assert.equal(s.htmlDir, 'ltr');
  assert.equal(s.lessonDir, 'ltr');
  assert.equal(s.urlLang, 'en');
  assert.deepEqual(s.raw, []);
  await page.reload();
  await waitReady(page);
  await page.waitForSelector('#lesson .lesson-step');
  s = await shown(page);
  assert.deepEqual([s.id, s.htmlLang], ['init_activation', 'en']);
  assert.deepEqual(log.errors, []);

  /* the header button hides and shows the lesson */
  await page.click('#lesson-toggle');
  assert.equal(await page.isVisible('#lesson'), false, 'the lesson is hidden');
  assert.equal(await page.getAttribute('#lesson-toggle', 'aria-expanded'), 'false');
  await page.click('#lesson-toggle');
  assert.equal(await page.isVisible('#lesson'), true, 'the lesson is shown again');

  /* no lang= in the link: Persian for a Persian browser */
  const persian = await openLesson('?step=residual', { init: () => Object.defineProperty(Navigator.prototype, 'language', { get: () => 'fa-IR' }) });
  s = await shown(persian.page);
  assert.deepEqual([s.id, s.htmlLang, s.htmlDir, s.lessonDir, s.urlLang], ['residual', 'fa', 'rtl', 'rtl', 'fa'], 'a Persian browser gets the Persian lesson');

  /* a step that does not exist: the first step, and a message that says why */
  const bad = await openLesson('?lang=en&step=no_such_step');
  const msg = bad.page.locator('#messages .message.error');
  await msg.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  const text = await msg.first().innerText();
  console.log(`message: ${text.replace(/\s+/g, ' ')}`);
  assert.ok(text.includes("step: unknown lesson step 'no_such_step'"), text);
  assert.ok(text.includes(UI.en['msg.bad_step']), text);
  s = await shown(bad.page);
  assert.equal(s.id, 'descent', 'a bad step falls back to the first step');
  assert.equal(s.urlStep, 'descent', 'and the URL says so');
  assert.deepEqual(bad.log.errors, []);

  /* a step= that is not even an id: the link message, and the first step */
  const worse = await openLesson('?lang=fa&step=%3Cb%3E');
  await worse.page.locator('#messages .message.error').first().waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.match(await worse.page.locator('#messages .message.error').first().innerText(), /step: '<b>' is not a lesson step id/);
  assert.equal((await shown(worse.page)).id, 'descent');
});

test('the quiz: a wrong answer may be tried again; the explanation and the right answer only when right or given up; keyboard only', { timeout: 2 * TIMEOUT }, async () => {
  const fa = read('fa.json');
  const quiz = fa.quiz;
  const { page, log } = await openLesson('?lang=fa&step=summary');
  await page.waitForSelector('#lesson .quiz');
  const item = (qi) => page.locator(`#lesson .quiz-q[data-q="${qi}"]`);
  assert.equal(await item(0).locator('.quiz-explain').count(), 0, 'no explanation before an answer');
  assert.equal(await item(0).locator('.is-correct').count(), 0, 'no answer marked before an answer');

  /* question 1 by keyboard, a wrong choice: focus the first choice, arrow to the next one, Tab to Check, Enter */
  const wrong = quiz[0].answer === 1 ? 2 : 1;
  await page.focus('#quiz-0-0');
  for (let i = 0; i < wrong; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.isChecked(`#quiz-0-${wrong}`), true, 'the arrow keys choose');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'quiz-check');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#lesson .quiz-q[data-q="0"]').dataset.state === 'incorrect', null, { timeout: TIMEOUT });
  assert.equal((await item(0).locator('.quiz-verdict').innerText()).trim(), UI.fa['lesson.quiz_wrong']);
  assert.equal(await item(0).locator('.choice.is-wrong').getAttribute('data-choice'), String(wrong), 'the chosen wrong answer is marked');
  assert.equal(await item(0).locator('.is-correct').count(), 0, 'a wrong try does not give the right answer away');
  assert.equal(await item(0).locator('.quiz-explain').count(), 0, 'nor the explanation');
  assert.equal(await page.isDisabled(`#quiz-0-${quiz[0].answer}`), false, 'the question stays open');

  /* a second try, by keyboard: the right answer */
  await page.focus(`#quiz-0-${wrong}`);
  for (let i = wrong; i > quiz[0].answer; i--) await page.keyboard.press('ArrowUp');
  for (let i = wrong; i < quiz[0].answer; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.isChecked(`#quiz-0-${quiz[0].answer}`), true);
  await item(0).locator('.quiz-check').focus();
  await page.keyboard.press('Enter');
  await item(0).locator('.quiz-explain').waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.equal(await item(0).getAttribute('data-state'), 'correct');
  assert.equal((await item(0).locator('.quiz-verdict').innerText()).trim(), UI.fa['lesson.correct']);
  assert.equal(await item(0).locator('.choice.is-correct').getAttribute('data-choice'), String(quiz[0].answer), 'the right answer is marked correct');
  assert.equal(await item(0).locator('.choice.is-wrong').getAttribute('data-choice'), String(wrong), 'the first try stays marked');
  assert.ok((await item(0).locator('.quiz-explain .katex').count()) > 0, 'the explanation\'s formulas are typeset');
  assert.equal(await page.isDisabled(`#quiz-0-${wrong}`), true, 'then the question is locked');

  /* question 2: a wrong try, then "Show the answer" */
  const wrong2 = quiz[1].answer === 0 ? 1 : 0;
  await page.check(`#quiz-1-${wrong2}`);
  await item(1).locator('.quiz-check').click();
  await item(1).locator('.quiz-reveal').waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.equal(await item(1).locator('.quiz-explain').count(), 0);
  await item(1).locator('.quiz-reveal').click();
  await item(1).locator('.quiz-explain').waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.equal(await item(1).getAttribute('data-state'), 'revealed');
  assert.equal((await item(1).locator('.quiz-verdict').innerText()).trim(), UI.fa['lesson.quiz_revealed']);
  assert.equal(await item(1).locator('.choice.is-correct').getAttribute('data-choice'), String(quiz[1].answer));
  assert.equal(await item(1).locator('.quiz-reveal').count(), 0, 'done: no button to show it again');

  /* every other question, the right answer at once */
  for (let qi = 2; qi < quiz.length; qi++) {
    assert.equal(await item(qi).locator('.quiz-reveal').count(), 0, 'no "show the answer" before a try');
    await page.check(`#quiz-${qi}-${quiz[qi].answer}`);
    await item(qi).locator('.quiz-check').click();
    await item(qi).locator('.quiz-explain').waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.equal(await item(qi).getAttribute('data-state'), 'correct', `question ${qi + 1}`);
    assert.equal((await item(qi).locator('.quiz-verdict').innerText()).trim(), UI.fa['lesson.correct']);
    assert.equal(await item(qi).locator('.choice.is-correct').getAttribute('data-choice'), String(quiz[qi].answer));
  }
  /* right on the second try counts, a shown answer does not */
  const score = await page.textContent('#lesson-quiz-score');
  assert.match(score, /[۰-۹]/, `the score in Persian digits: ${score}`);
  assert.ok(score.includes(new Intl.NumberFormat('fa-IR').format(quiz.length - 1)), score);

  /* the answers stay answered across a language switch */
  await page.selectOption('#lang-select', 'en');
  await page.waitForFunction(() => document.getElementById('lesson').lang === 'en', null, { timeout: TIMEOUT });
  assert.equal(await item(0).getAttribute('data-state'), 'correct');
  assert.equal(await item(1).getAttribute('data-state'), 'revealed');
  assert.equal((await item(1).locator('.quiz-verdict').innerText()).trim(), UI.en['lesson.quiz_revealed']);
  assert.deepEqual(log.errors, []);
});

/*
 * Runs one experiment through its button; returns the records the page
 * received as {plain: {init, end}, residual: {init, end}} (init = the first
 * record after a run interval: step 0 with the first update's statistics;
 * end = the last record) and what the page showed.
 */
async function runThroughButton(page, id) {
  const t0 = Date.now();
  await page.click(`#lesson [data-experiment-id="${id}"] .run-experiment`);
  /* a trained plane (phase_plane: 360 networks of 300 steps) takes one to two minutes on two cores */
  const trained = EXPERIMENTS[id] && EXPERIMENTS[id].sweep && EXPERIMENTS[id].sweep.steps > 0;
  await page.waitForSelector(`#lesson [data-experiment-id="${id}"][data-state="done"]`, { timeout: trained ? 3 * EXPERIMENT_TIMEOUT : EXPERIMENT_TIMEOUT });
  const got = await page.evaluate((eid) => {
    const records = window.gradlab.records();
    const d = window.gradlab.debug();
    const card = document.querySelector(`#lesson [data-experiment-id="${eid}"]`);
    return {
      n: records.length,
      first: records[1], last: records[records.length - 1],
      config: d.config, highlight: d.highlight, markers: d.markers, layers: d.layers.length,
      focused: [...document.querySelectorAll('.lesson-focus')].map((e) => e.id),
      answer: card.querySelector('.answer') ? card.querySelector('.answer').innerText : '',
      card: card.innerText,
      numbers: card.querySelector('.numbers') ? card.querySelector('.numbers').innerText : '',
      depth: document.getElementById('set-depth').value,
      act: document.getElementById('set-act').value,
    };
  }, id);
  got.ms = Date.now() - t0;
  return got;
}

test('screenshot per language at 1366x768: a step with formulas and its chart highlighted', { timeout: 4 * TIMEOUT }, async () => {
  for (const lang of ['fa', 'en']) {
    const { page, log } = await openLesson(`?lang=${lang}&step=vanishing`, { viewport: { width: 1366, height: 768 } });
    await page.$eval('#speed', (e) => { e.value = '4'; e.dispatchEvent(new Event('input')); });
    await runThroughButton(page, 'vanish_depth30');
    await page.waitForFunction(() => window.gradlab.debug().charts.boundary_residual.hasImage, null, { timeout: TIMEOUT });
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    const file = shotPath(`lesson-${lang}-1366x768.png`);
    await page.screenshot({ path: file });
    assert.ok(statSync(file).size > 10_000, `${file} written`);
    console.log(`saved ${file}`);
    const view = await page.evaluate(() => {
      const inView = (e) => {
        const r = e.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
      };
      const lesson = document.getElementById('lesson');
      return {
        chart: inView(document.getElementById('card-grad')) && document.getElementById('card-grad').classList.contains('lesson-focus'),
        formulas: [...lesson.querySelectorAll('.katex')].filter(inView).length,
        answer: inView(lesson.querySelector('[data-experiment-id="vanish_depth30"] .answer')),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      };
    });
    assert.ok(view.chart, 'the highlighted chart is in view');
    assert.ok(view.formulas > 0, 'a formula is in view');
    assert.ok(view.answer, 'the answer is in view');
    assert.ok(view.overflow <= 0, `no horizontal scrolling (${view.overflow} px)`);
    assert.deepEqual(log.errors, []);
  }
});
