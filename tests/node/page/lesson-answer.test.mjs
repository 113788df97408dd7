// lesson-answer.test.mjs - the answer as the page prints it (web/js/lesson/
// answer.js, numbers.js) and the one definition of a stack's state
// (web/js/lab/stack-state.js), on records made up here: the moment is the
// record timeline.show(at) shows; a value prints by its unit in the page's
// formatters and digits (decades with their digits, 10ⁿ, per cent, the
// underflow word); placeholders fill only outside formulas; the `if`
// sentences are exactly the conditions that hold, in the run status's words
// where the language file has none; the numbers panel reads the moment (the
// update ratio from the record its chart shows) and takes the answer's own
// value where the answer quotes the same number; the run status and the
// lesson agree on diverged and dead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { momentOf, resultOf, formatValue, fillText, ifSentences, quoted, howLines } from '../../../web/js/lesson/answer.js';
import { panelOf, panelLine } from '../../../web/js/lesson/numbers.js';
import { stackState, isDead, deadStep } from '../../../web/js/lab/stack-state.js';
import { conditionsOf } from '../../../web/js/lesson/values.js';
import { formatters, fill } from '../../../web/js/ui/i18n.js';

const UI = {
  'lesson.underflow': 'underflow', 'series.plain': 'plain', 'series.residual': 'residual', 'stack.plain': 'Plain stack', 'stack.residual': 'Residual stack',
  'status.stack_diverged': '{stack} diverged at step {step}', 'status.stack_dead': '{stack} stopped learning at step {step}',
  'lesson.mark_first': 'layer 1', 'lesson.mark_last': 'output layer', 'lesson.mark_layer': 'layer {layer}',
  'lesson.field.grad_norm': 'Gradient norm',
  'lesson.how.log10_ratio': '{what}, {stack}, step {step}, {num} against {den}: {sign}log₁₀({a} ÷ {b}) = {value}.',
  'lesson.how.ratio_pow10': '{what}, {stack}, step {step}, {num} against {den}: {a} ÷ {b} ≈ {value}.',
  'lesson.how.log10_change': '{what}, {stack}, {layer}, step {s1} against step {s0}: {sign}log₁₀({a} ÷ {b}) = {value}.',
  'lesson.how.loss': '{stack}, step {step}: loss {value}.',
  'lesson.how.pow10': '10 to the power {x} is {value}.',
  'lesson.num.grad': 'grad at {step}: {p1} {r1} {pL} {rL}', 'lesson.num.update': 'update at {step}: {p1} {r1} {pL} {rL}',
  'lesson.num.loss0': 'loss at 0: {p0} {r0}', 'lesson.num.loss': 'loss 0..{step}: {p0}->{p1} {r0}->{r1} {pa} {ra}',
};
const t = (key, vars) => fill(UI[key] || key, vars);
const en = formatters('en'), fa = formatters('fa');
const plainDigits = (s) => s.replace(/[\u2066-\u2069\u200e]/g, '');

/* a stack's record: grad_norm 10^e per layer (null: 0, underflow), loss, update ratios */
function stats(step, exps, extra = {}) {
  return {
    step, loss: 0.6931, acc: 0.5, status: 'ok', diverged: null, act_max_slope: 0.25,
    grad_norm: exps.map((e) => (e === null ? 0 : 10 ** e)), underflow: exps.map((e) => (e === null ? 1 : 0)),
    update_ratio: exps.map((e, i) => (extra.noUpdate ? 0 : 10 ** (i - 5))), saturation: exps.map(() => 0.1),
    chain_product: exps.map(() => 0.5), chain_factor: exps.map(() => 0.25),
    ...extra,
  };
}
/* the page's records: [0] step 0 at configure (no update), [1] step 0 with the first update, 10, 20, the final measurement */
const RECORDS = [
  { plain: stats(0, [-9, -6, -3, -1], { noUpdate: true }), residual: stats(0, [-1, -1, -1, -1], { noUpdate: true }) },
  { plain: stats(0, [-9, -6, -3, -1]), residual: stats(0, [-1, -1, -1, -1]) },
  { plain: stats(10, [-9, -7, -5, -3], { loss: 0.6 }), residual: stats(10, [-1, -1, -1, -1.5], { loss: 0.3 }) },
  { plain: stats(20, [-9, -8, -7, -6], { loss: 0.5, noUpdate: true }), residual: stats(20, [-1, -1, -1, -2], { loss: 0.1, acc: 0.99, noUpdate: true }) },
];

test('the moment: init is the step-0 record with the first update, end the newest; the runs values.js reads', () => {
  const m = momentOf('init', RECORDS);
  assert.equal(m.index, 1);
  assert.equal(m.step, 0);
  assert.equal(m.runs.plain.init, RECORDS[1].plain);
  assert.equal(m.runs.plain.end, RECORDS[3].plain);
  const e = momentOf('end', RECORDS);
  assert.deepEqual([e.index, e.step], [3, 20]);
  assert.equal(momentOf('end', []), null);
  /* a run with only the configure record: init is [0] */
  assert.equal(momentOf('init', RECORDS.slice(0, 1)).index, 0);
});

test('a value prints by its unit, in the page\'s digits', () => {
  assert.equal(formatValue({ value: 20.14, unit: 'decades', digits: 1 }, en, t), '20.1');
  assert.equal(formatValue({ value: -0.432, unit: 'decades', digits: 2 }, en, t), '-0.43');
  assert.equal(formatValue({ value: -0.04, unit: 'decades', digits: 1 }, en, t), '0.0', 'a rounded zero has no sign');
  assert.equal(formatValue({ value: -20.14, unit: 'pow10' }, en, t), '10⁻²⁰');
  assert.equal(formatValue({ value: 1.53e-21, unit: 'value' }, en, t), '1.53×10⁻²¹');
  assert.equal(formatValue({ value: 0.4961, unit: 'percent' }, en, t), '49.6%');
  assert.equal(formatValue({ value: 50, unit: 'step' }, en, t), '50');
  assert.equal(formatValue({ value: 'residual', unit: 'arch' }, en, t), 'residual');
  assert.equal(formatValue({ value: null, underflow: true, unit: 'decades' }, en, t), 'underflow');
  assert.equal(formatValue({ value: null, unit: 'step' }, en, t), '–');
  assert.equal(plainDigits(formatValue({ value: 20.14, unit: 'decades', digits: 1 }, fa, t)), '۲۰٫۱');
  assert.equal(plainDigits(formatValue({ value: -20.14, unit: 'pow10' }, fa, t)), '۱۰⁻²⁰');
  assert.equal(plainDigits(formatValue({ value: 0.4961, unit: 'percent' }, fa, t)), '۴۹٫۶٪');
  assert.match(formatValue({ value: 3, unit: 'count' }, fa, t), /^\u2066۳\u2069$/, 'a Persian number is one left-to-right isolate');
});

test('placeholders are filled in the prose only; braces in a formula are TeX', () => {
  const values = { p_drop: { value: 20.14, unit: 'decades', digits: 1 }, n: { value: 32, unit: 'count' } };
  assert.equal(fillText('{p_drop} decades over {n} layers, $\\sqrt{n}$ and $10^{p_drop}$; {nope}', values, en, t),
    '20.1 decades over 32 layers, $\\sqrt{n}$ and $10^{p_drop}$; {nope}');
  assert.deepEqual(quoted(['a {x} b {y}', 'c {x} $\\frac{z}{2}$']), ['x', 'y']);
});

test('the if sentences: exactly the conditions that hold, the language file\'s words or the run status\'s', () => {
  const values = { s: { value: 1, unit: 'step' } };
  const states = { plain: { state: 'diverged', step: 1 }, residual: { state: 'dead', step: 10 } };
  const out = ifSentences({ plain_diverged: true, plain_dead: false, residual_diverged: false, residual_dead: true },
    { plain_diverged: 'It blew up at step {s}.' }, states, values, en, t);
  assert.deepEqual(out, [
    { condition: 'plain_diverged', text: 'It blew up at step 1.' },
    { condition: 'residual_dead', text: 'Residual stack stopped learning at step 10.' },
  ]);
  assert.deepEqual(ifSentences({ plain_diverged: false, plain_dead: false, residual_diverged: false, residual_dead: false }, {}, states, values, en, t), []);
});

test('one definition of diverged and dead: the run status (stackState) and the lesson (conditionsOf) agree', () => {
  const ok = stats(0, [-3, -2]);
  const dead = stats(20, [null, null]);
  const diverged = { ...stats(1, [-3, -2]), status: 'diverged', diverged: { step: 2, layer: 3, where: 'forward' } };
  assert.deepEqual(stackState(ok), { state: 'ok' });
  assert.deepEqual(stackState(diverged), { state: 'diverged', step: 2, layer: 3, where: 'forward' });
  /* without the engine's fields: judged on grad_norm and underflow (dead at or before its step) */
  assert.deepEqual(stackState(dead), { state: 'dead', step: 20, approx: false });
  assert.deepEqual(stackState(dead, ok), { state: 'dead', step: 20, approx: true });
  /* the engine's fields decide when the record has them */
  assert.deepEqual(stackState({ ...ok, dead: 0, dead_step: 10 }), { state: 'dead', step: 10, approx: false });
  assert.deepEqual(stackState({ ...dead, dead: 1, dead_step: -1 }), { state: 'ok' });
  assert.equal(isDead({ ...ok, dead: 1 }), true);
  assert.deepEqual(deadStep({ end: ok }), { step: null, approx: false });
  /* diverged wins over dead, in both readers */
  const both = { ...diverged, dead_step: 1 };
  assert.equal(stackState(both).state, 'diverged');
  const conds = conditionsOf({ plain: { init: ok, end: both }, residual: { init: ok, end: { ...ok, dead_step: 10 } } });
  assert.deepEqual(conds, { plain_diverged: true, plain_dead: false, residual_diverged: false, residual_dead: true });
  for (const [a, rec] of [['plain', both], ['residual', { ...ok, dead_step: 10 }]]) {
    const st = stackState(rec).state;
    assert.equal(conds[`${a}_diverged`], st === 'diverged');
    assert.equal(conds[`${a}_dead`], st === 'dead');
  }
});

test('the numbers panel reads the moment, and quotes the answer\'s own value where the answer has the same number', () => {
  const x = {
    at: 'init', chart: 'grad_norm',
    values: {
      p_g1: { kind: 'field', arch: 'plain', field: 'grad_norm', layer: 1 },
      p_drop: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 'last', den_layer: 1 },
    },
  };
  const res = resultOf(x, RECORDS);
  const panel = panelOf('grad_norm', x, res.values, res.moment, RECORDS);
  assert.equal(panel.step, 0, 'the moment, not the newest record');
  assert.equal(panel.v.p1, res.values.p_g1, 'the same value object as the answer\'s');
  assert.equal(panel.v.pL.value, 0.1);
  assert.equal(panelLine(panel, t, en), 'grad at 0: 1×10⁻⁹ 0.1 0.1 0.1');
  /* the update ratio at the end: the final measurement has none; the record its chart shows (step 10) */
  const up = panelOf('update_ratio', { ...x, at: 'end' }, {}, momentOf('end', RECORDS), RECORDS);
  assert.equal(up.step, 10);
  assert.equal(up.v.p1.value, RECORDS[2].plain.update_ratio[0]);
  /* the loss: at init the start only; at the end from step 0 to the end */
  assert.equal(panelLine(panelOf('loss', { at: 'init' }, {}, momentOf('init', RECORDS), RECORDS), t, en), 'loss at 0: 0.6931 0.6931');
  assert.equal(panelLine(panelOf('loss', { at: 'end' }, {}, momentOf('end', RECORDS), RECORDS), t, en), 'loss 0..20: 0.6931->0.5 0.6931->0.1 50% 99%');
});

test('how lines: a quoted number the charts do not print as it stands says where it comes from', () => {
  const x = {
    at: 'init',
    values: {
      p_g1: { kind: 'field', arch: 'plain', field: 'grad_norm', layer: 1 },
      p_drop: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 'last', den_layer: 1 },
      p_ratio: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last', as: 'pow10' },
      out_fall: { kind: 'log10_change', arch: 'plain', field: 'grad_norm', layer: 'last', negate: true },
      times: { kind: 'pow10', of: 'p_drop' },
      p_loss_end: { kind: 'loss', arch: 'plain', at: 'end' },
    },
  };
  const res = resultOf(x, RECORDS);
  const lines = howLines(x, ['p_g1', 'p_drop', 'p_ratio', 'out_fall', 'times', 'p_loss_end'], res.values, res.moment, null, en, t);
  assert.deepEqual(lines, [
    'Gradient norm, Plain stack, step 0, output layer against layer 1: log₁₀(0.1 ÷ 1×10⁻⁹) = 8.0.',
    'Gradient norm, Plain stack, step 0, layer 1 against output layer: 1×10⁻⁹ ÷ 0.1 ≈ 10⁻⁸.',
    'Gradient norm, Plain stack, output layer, step 20 against step 0: −log₁₀(1×10⁻⁶ ÷ 0.1) = 5.0.',
    '10 to the power 8.000 is 1×10⁸.',
    'Plain stack, step 20: loss 0.5.',
  ], 'the gradient at the moment is in chart 1\'s table as it stands: no line');
});
