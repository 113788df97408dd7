// lesson-predict.test.mjs - the pure parts of web/js/lesson/predict.js (predict,
// then run) on records made up here: the run read from the page's records at
// the experiment's moment (init = the step-0 record with the first update,
// end = the newest), the measured value is values.js's, the choice a value
// falls in (an underflow only through the bound it proves), a value printed
// as the answer prints it (Persian digits in Persian), the gap line's words
// (math left alone), the slider's start and the saved predictions (a guess
// that no longer fits the lesson is dropped; a browser that refuses
// localStorage keeps them in memory).  And the lesson's own predictions: every
// gap line of both languages fills with the words this module gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  runsOf, measure, choiceOf, stepDigits, sliderStart, validGuess, fixed, formatValue, gapOf, fillProse,
  createStorage, STORAGE_KEY,
} from '../../web/js/lesson/predict.js';
import { formatters } from '../../web/js/ui/i18n.js';
import { FLT_MIN, placeholders } from '../../web/js/lesson/values.js';
import { root } from './helpers.mjs';

/* one stack's record: grad_norm 10^e per layer (null: 0, underflow), loss and step */
const stats = (step, exps, loss = 0.69) => ({
  step, loss, acc: 0.5, status: 'ok', diverged: null,
  grad_norm: Float64Array.from(exps.map((e) => (e === null ? 0 : 10 ** e))),
  underflow: Float64Array.from(exps.map((e) => (e === null ? 1 : 0))),
  update_ratio: Float64Array.from(exps.map(() => 0.01)),
});
const rec = (step, p, r, loss) => ({ plain: stats(step, p, loss), residual: stats(step, r, loss) });
/* the page's history: [0] step 0 at configure, [1] step 0 with the first update, ..., the newest */
const RECORDS = [rec(0, [-9, -5, 0], [-1, -1, 0], 0.7), rec(0, [-8, -4, 0], [-1, -0.5, 0], 0.69), rec(25, [-7, -4, 0], [-1, 0, 0], 0.5), rec(50, [-6, -3, 0], [0, 0, 0], 0.1)];
const EXP = {
  at: 'init',
  values: {
    drop: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 'last', den_layer: 1 },
    loss: { kind: 'loss', arch: 'plain' },
    lower: { kind: 'arch_lower', plain: 'drop', residual: 'rdrop' },
    rdrop: { kind: 'log10_ratio', arch: 'residual', field: 'grad_norm', num_layer: 'last', den_layer: 1 },
  },
  predict: { kind: 'slider', value: 'drop', min: 0, max: 40, step: 1 },
};
const T = (key, vars) => `${key}${vars ? JSON.stringify(vars) : ''}`;
const EN = { t: T, fmt: formatters('en'), lang: 'en' };
const FA = { t: T, fmt: formatters('fa'), lang: 'fa' };

test('runsOf: init is the step-0 record with the first update (records[1]), end the newest', () => {
  const runs = runsOf(RECORDS);
  assert.equal(runs.plain.init, RECORDS[1].plain);
  assert.equal(runs.residual.end, RECORDS[3].residual);
  /* a history whose [1] is not step 0 (a configuration without its first update yet): [0] */
  const two = [RECORDS[0], RECORDS[2]];
  assert.equal(runsOf(two).plain.init, RECORDS[0].plain);
  assert.equal(runsOf([]), null);
  /* the engine's dead_step travels with the run */
  const dead = [rec(0, [-1], [-1]), rec(0, [null], [-1])];
  dead[1].plain.dead_step = 0;
  assert.equal(runsOf(dead).plain.dead_step, 0);
});

test('measure: the named value on the records of the experiment\'s moment', () => {
  const v = measure(EXP, { records: RECORDS });
  assert.equal(v.value, 8, 'at init: log10(1 / 1e-8)');
  assert.equal(v.unit, 'decades');
  assert.equal(v.step, 0);
  const atEnd = measure({ ...EXP, at: 'end' }, { records: RECORDS });
  assert.equal(atEnd.value, 6);
  assert.equal(atEnd.step, 50);
  assert.equal(measure({ ...EXP, predict: { ...EXP.predict, value: 'loss' } }, { records: RECORDS }).value, 0.69);
  assert.equal(measure(EXP, { records: [] }), null, 'no run, no value');
  assert.equal(measure({ ...EXP, predict: { ...EXP.predict, value: 'nope' } }, { records: RECORDS }), null);
  /* a sweep experiment reads the sweep result */
  const sweep = { at: 'init', sweep: {}, values: { last: { kind: 'sweep_at', arch: 'plain', metric: 'grad_ratio_log10', index: -1 } }, predict: { kind: 'slider', value: 'last', min: -40, max: 0, step: 1 } };
  const result = { name: 'depth', values: [2, 40], plain: { grad_ratio_log10: { median: [-1, -20] } }, residual: { grad_ratio_log10: { median: [0, -1] } } };
  assert.equal(measure(sweep, { sweep: result }).value, -20);
  assert.equal(measure(sweep, { records: RECORDS }), null);
});

test('choiceOf: the choice whose range (both ends inclusive) or stack holds the value; an underflow only by its bound', () => {
  const p = { kind: 'choice', value: 'x', choices: [{ max: 1 }, { min: 1, max: 3 }, { min: 3, max: 8 }, { min: 8 }] };
  const at = (value, extra = {}) => choiceOf(p, { value, unit: 'decades', ...extra });
  assert.equal(at(0.2), 0);
  assert.equal(at(1), 0, 'a boundary belongs to the first choice that holds it');
  assert.equal(at(2.5), 1);
  assert.equal(at(20.1), 3);
  assert.equal(at(null, { underflow: true }), -1, 'no number, no bound: no choice');
  const low = { kind: 'choice', value: 'x', choices: [{ max: -12 }, { min: -12 }] };
  assert.equal(choiceOf(low, { value: null, underflow: true, upper: Math.log10(FLT_MIN) }), 0, 'an underflow proves "at most"');
  const arch = { kind: 'choice', value: 'lower', choices: [{ arch: 'plain' }, { arch: 'residual' }] };
  assert.equal(choiceOf(arch, { value: 'residual', unit: 'arch' }), 1);
  assert.equal(choiceOf(arch, null), -1);
  assert.equal(choiceOf(EXP.predict, { value: 3 }), -1, 'a slider has no choices');
});

test('the slider: its decimals, its start in the middle on a step, a saved guess that still fits', () => {
  assert.equal(stepDigits(1), 0);
  assert.equal(stepDigits(0.5), 1);
  assert.equal(stepDigits(0.25), 2);
  assert.equal(sliderStart({ min: 0, max: 40, step: 1 }), 20);
  assert.equal(sliderStart({ min: -3, max: 0, step: 0.5 }), -1.5);
  assert.equal(sliderStart({ min: 0, max: 5, step: 2 }), 2, 'on a step, not 2.5');
  assert.deepEqual(validGuess(EXP.predict, { value: 18 }), { value: 18 });
  assert.equal(validGuess(EXP.predict, { value: 41 }), null, 'off the slider (the lesson changed)');
  assert.equal(validGuess(EXP.predict, { choice: 1 }), null);
  const p = { kind: 'choice', choices: [{ max: 1 }, { min: 1 }] };
  assert.deepEqual(validGuess(p, { choice: 1 }), { choice: 1 });
  assert.equal(validGuess(p, { choice: 2 }), null);
  assert.equal(validGuess(p, { choice: '1' }), null);
  assert.equal(validGuess(p, null), null);
});

test('formatValue: as the answer prints it, in the page\'s digits', () => {
  assert.equal(formatValue({ value: 20.1126, unit: 'decades', digits: 1 }, EN), '20.1');
  assert.equal(formatValue({ value: -0.456, unit: 'decades', digits: 2 }, EN), '-0.46');
  assert.equal(formatValue({ value: 20.1126, unit: 'decades', digits: 1 }, FA), '\u2066۲۰٫۱\u2069');
  assert.equal(formatValue({ value: -19.6, unit: 'pow10' }, EN), '10⁻²⁰');
  assert.equal(formatValue({ value: 0.995, unit: 'percent' }, EN), '99.5%');
  assert.equal(formatValue({ value: 32, unit: 'count' }, FA), '\u2066۳۲\u2069');
  assert.equal(formatValue({ value: 0.69314, unit: 'value' }, EN), '0.6931');
  assert.equal(formatValue({ value: 'residual', unit: 'arch' }, EN), 'series.residual');
  assert.equal(formatValue({ value: null, unit: 'decades', underflow: true }, EN), 'lesson.underflow');
  assert.equal(formatValue(null, EN), '–');
  assert.equal(fixed(3, 0, 'fa'), '\u2066۳\u2069');
});

test('gapOf and fillProse: the gap line\'s words; {right} is the choice the value falls in; braces in math stay TeX', () => {
  const p = { kind: 'choice', value: 'drop', choices: [{ max: 1 }, { min: 1, max: 3 }, { min: 3, max: 8 }, { min: 8 }] };
  const w = { q: 'How far?', choices: ['less than one', 'one to three', 'three to eight', 'more than eight'], gap: 'You predicted “{guess}”; the chart shows {value} decades: “{right}”.' };
  const miss = gapOf(p, w, { choice: 0 }, { value: 20.11, unit: 'decades', digits: 1 }, EN);
  assert.equal(miss.hit, false);
  assert.equal(fillProse(w.gap, miss.vars), 'You predicted “less than one”; the chart shows 20.1 decades: “more than eight”.');
  assert.equal(gapOf(p, w, { choice: 3 }, { value: 20.11, unit: 'decades', digits: 1 }, EN).hit, true);
  const s = gapOf(EXP.predict, { q: '?', unit: 'decades', gap: 'You predicted {guess} decades; the chart shows {value}: {off} decades apart.' }, { value: 18 }, { value: 20.11, unit: 'decades', digits: 1 }, FA);
  assert.equal(s.hit, null, 'a slider is not right or wrong: the gap says how far');
  assert.deepEqual(s.vars, { guess: '\u2066۱۸\u2069', value: '\u2066۲۰٫۱\u2069', off: '\u2066۲٫۱\u2069' });
  assert.equal(gapOf(EXP.predict, { gap: '' }, { value: 18 }, { value: null, underflow: true, unit: 'decades' }, EN).vars.off, '–');
  assert.equal(fillProse('{guess}: $10^{guess}$ and {nope}', { guess: 'X' }), 'X: $10^{guess}$ and {nope}');
});

test('createStorage: saved in localStorage under one key, read back only when it fits, cleared; a refusing browser keeps them in memory', () => {
  const mem = new Map();
  const ls = { getItem: (k) => (mem.has(k) ? mem.get(k) : null), setItem: (k, v) => mem.set(k, String(v)), removeItem: (k) => mem.delete(k) };
  const a = createStorage(ls);
  a.set('vanish_depth30', { value: 18 });
  a.set('res_sigmoid', { choice: 2 });
  assert.deepEqual(JSON.parse(mem.get(STORAGE_KEY)), { version: 1, items: { vanish_depth30: { value: 18 }, res_sigmoid: { choice: 2 } } });
  const b = createStorage(ls);
  assert.deepEqual(b.get('vanish_depth30', EXP.predict), { value: 18 }, 'a reload finds it');
  assert.equal(b.get('res_sigmoid', { kind: 'choice', choices: [{}, {}] }), null, 'a choice the lesson no longer has');
  b.clear('vanish_depth30');
  b.clear('res_sigmoid');
  assert.equal(mem.has(STORAGE_KEY), false, 'nothing left: the key goes');
  mem.set(STORAGE_KEY, '{not json');
  assert.deepEqual(createStorage(ls).all(), {}, 'an unreadable store starts empty');
  const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); }, removeItem: () => { throw new Error('denied'); } };
  const c = createStorage(refusing);
  c.set('x', { value: 3 });
  assert.deepEqual(c.get('x', EXP.predict), { value: 3 }, 'kept in memory');
  assert.deepEqual(createStorage(null).all(), {});
});

test('the lesson\'s predictions: every gap line of both languages fills from these words, with nothing left in braces', () => {
  const read = (f) => JSON.parse(readFileSync(join(root, 'web', 'lesson', f), 'utf8'));
  const experiments = read('experiments.json').experiments;
  let n = 0;
  for (const lang of ['en', 'fa']) {
    const ctx = lang === 'fa' ? FA : EN;
    for (const step of read(`${lang}.json`).steps) {
      for (const e of step.experiments) {
        const p = experiments[e.id].predict;
        if (!p) continue;
        /* a value in the middle of the first choice's range (or the slider's), of the unit the choices speak */
        const c0 = p.kind === 'choice' ? p.choices[0] : null;
        const v = c0 && c0.arch ? { value: c0.arch, unit: 'arch' }
          : { value: c0 ? (c0.max !== undefined ? c0.max - 0.001 : c0.min + 1) : (p.min + p.max) / 2, unit: 'decades', digits: 1 };
        const guess = p.kind === 'choice' ? { choice: p.choices.length - 1 } : { value: p.min };
        const gap = gapOf(p, e.predict, guess, v, ctx);
        const line = fillProse(e.predict.gap, gap.vars);
        assert.deepEqual(placeholders(line), [], `${lang}/${e.id}: ${line}`);
        if (p.kind === 'choice') assert.equal(gap.vars.right, e.predict.choices[0], `${lang}/${e.id}: {right} names the choice the value is in`);
        n++;
      }
    }
  }
  assert.ok(n >= 2 * 9, `${n} gap lines`);
});
