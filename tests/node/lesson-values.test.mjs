// lesson-values.test.mjs - web/js/lesson/values.js on records made up here
// (not the engine's: this checks the evaluator and the checker themselves):
// every value kind reads the record of its moment, an underflowed gradient
// is "underflow" and not −Infinity (and still proves an upper bound), the
// derived kinds combine named values, a claim passes and fails on what it
// constrains, the `if` conditions (diverged, dead) and the placeholders; a
// plane's values (a cell, an axis number, the deepest row that reaches a
// level per column, the column that reaches deepest, a row's least cell);
// the histogram kinds (a share of a layer's bins, the bins a layer fills,
// where half its values are reached).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateValues, evaluateSweepValues, evaluateExperiment, checkClaims, checkSweepClaims, conditionsOf,
  isDead, deadStep, placeholders, inRange, layerIndex, FLT_MIN, VALUE_KINDS,
} from '../../web/js/lesson/values.js';

/* a record of n layers: grad_norm 10^e for the exponents given, the other fields made up */
function rec(step, exps, extra = {}) {
  const n = exps.length;
  const g = Float64Array.from(exps.map((e) => (e === null ? 0 : 10 ** e)));
  return {
    step, loss: 0.69, acc: 0.5, status: 'ok', diverged: null, act_max_slope: 0.25,
    grad_norm: g,
    underflow: Float64Array.from(exps.map((e) => (e === null || 10 ** e < FLT_MIN ? 1 : 0))),
    act_grad_norm: Float64Array.from(exps.map((e, i) => (e === null ? 0 : 10 ** (e + i)))),
    saturation: Float64Array.from({ length: n }, (_, i) => [0.1, 0.7, 0.3, 0.2, 0][i % 5]),
    update_ratio: Float64Array.from({ length: n }, (_, i) => 10 ** (i - n)),
    chain_factor: Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0.4 : 0.2 + 0.01 * i)),
    chain_product: Float64Array.from({ length: n }, (_, i) => 10 ** -(n - i)),
    chi: Float64Array.from({ length: n }, () => 0.06),
    ...extra,
  };
}
const runsOf = (pi, pe, ri, re, more = {}) => ({ plain: { init: pi, end: pe, ...(more.plain || {}) }, residual: { init: ri, end: re, ...(more.residual || {}) } });
/* plain: a straight line, −2 decades per layer towards the input; residual: level */
const P0 = rec(0, [-8, -6, -4, -2, 0]), P1 = rec(50, [-8, -8, -7, -6, -5], { loss: 0.6931, acc: 0.5 });
const R0 = rec(0, [-1, -1, -0.5, -0.5, 0]), R1 = rec(50, [-1, -1, -1, -1, -1], { loss: 0.03, acc: 0.99 });
const RUNS = runsOf(P0, P1, R0, R1);

test('layerIndex: 1 is the first layer, "last" the output layer; anything else throws', () => {
  assert.equal(layerIndex(P0, 1), 0);
  assert.equal(layerIndex(P0, 'last'), 4);
  assert.equal(layerIndex(P0, 3), 2);
  assert.throws(() => layerIndex(P0, 0), /not a layer/);
  assert.throws(() => layerIndex(P0, 6), /not a layer/);
});

test('the moment: a value reads the record of the experiment\'s `at`, or its own', () => {
  const specs = {
    gap: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last' },
    gap_end: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last', at: 'end' },
    step: { kind: 'step' },
  };
  const atInit = evaluateValues(specs, RUNS, 'init');
  assert.equal(atInit.gap.value, -8);
  assert.equal(atInit.gap.unit, 'decades');
  assert.equal(atInit.gap.digits, 1);
  assert.equal(atInit.gap.at, 'init');
  assert.equal(atInit.gap_end.value, -3, 'a value with its own at');
  assert.equal(atInit.gap_end.at, 'end');
  assert.equal(atInit.step.value, 0);
  const atEnd = evaluateValues(specs, RUNS, 'end');
  assert.equal(atEnd.gap.value, -3);
  assert.equal(atEnd.step.value, 50);
  assert.throws(() => evaluateValues(specs, RUNS, 'middle'), /neither init nor end/);
});

test('every moment kind', () => {
  const v = evaluateValues({
    g1: { kind: 'field', arch: 'residual', field: 'grad_norm', layer: 1 },
    sat: { kind: 'field', arch: 'plain', field: 'saturation', layer: 2 },
    lg: { kind: 'log10_field', arch: 'plain', field: 'grad_norm', layer: 3 },
    lift: { kind: 'compare_archs', field: 'grad_norm', layer: 1 },
    loss: { kind: 'loss', arch: 'plain' },
    acc: { kind: 'acc', arch: 'residual' },
    prod: { kind: 'chain_product', arch: 'plain' },
    top: { kind: 'max_saturation', arch: 'plain' },
    top_layer: { kind: 'max_saturation', arch: 'plain', part: 'layer' },
    n: { kind: 'layers' },
    slope: { kind: 'log10_slope', arch: 'plain', field: 'grad_norm', from_layer: 1, to_layer: 'last' },
    med: { kind: 'hidden_median', arch: 'plain', field: 'chain_factor' },
    uf: { kind: 'underflow_count', arch: 'plain' },
  }, RUNS, 'init');
  assert.equal(v.g1.value, 0.1);
  assert.deepEqual([v.sat.value, v.sat.unit, v.sat.layer], [0.7, 'percent', 2]);
  assert.equal(v.lg.value, -4);
  assert.equal(v.lift.value, 7, 'log10(residual / plain) at layer 1');
  assert.deepEqual([v.loss.value, v.loss.unit], [0.69, 'value']);
  assert.deepEqual([v.acc.value, v.acc.unit], [0.5, 'percent']);
  assert.equal(v.prod.value, 10 ** -5);
  assert.deepEqual([v.top.value, v.top.layer, v.top_layer.value, v.top_layer.unit], [0.7, 2, 2, 'layer']);
  assert.deepEqual([v.n.value, v.n.unit], [5, 'count']);
  assert.ok(Math.abs(v.slope.value - 2) < 1e-12 && Math.abs(v.slope.r2 - 1) < 1e-12, `slope ${v.slope.value}, r² ${v.slope.r2}`);
  assert.equal(v.slope.digits, 2);
  assert.ok(Math.abs(v.med.value - 0.22) < 1e-12, 'median of the hidden layers 2..4 (0.21, 0.22, 0.23)');
  assert.equal(v.uf.value, 0);
});

test('the run-long kinds: diverged step and layer, dead step, the change of a layer over the run', () => {
  const div = { ...R1, status: 'diverged', diverged: { step: 2, layer: 4, where: 'backward' } };
  const runs = runsOf(P0, P1, R0, div);
  const v = evaluateValues({
    pd: { kind: 'diverged_step', arch: 'plain' },
    rd: { kind: 'diverged_step', arch: 'residual' },
    rl: { kind: 'diverged_step', arch: 'residual', part: 'layer' },
    dead: { kind: 'dead_step', arch: 'plain' },
    fall: { kind: 'log10_change', arch: 'plain', field: 'grad_norm', layer: 'last', negate: true },
    first: { kind: 'log10_change', arch: 'plain', field: 'grad_norm', layer: 1 },
  }, runs, 'init');
  assert.deepEqual([v.pd.value, v.pd.underflow], [null, undefined], 'a stack that did not diverge has no diverged step');
  assert.deepEqual([v.rd.value, v.rd.unit, v.rd.where, v.rd.at], [2, 'step', 'backward', null]);
  assert.deepEqual([v.rl.value, v.rl.unit], [4, 'layer']);
  assert.equal(v.dead.value, null);
  assert.equal(v.fall.value, 5, 'the output layer fell by 5 decades');
  assert.equal(v.first.value, 0);
});

test('an underflowed gradient is "underflow", never −Infinity, and bounds what it can', () => {
  /* layer 1 underflowed (exactly 0), layer 2 below float32's smallest normal number */
  const U = rec(0, [null, -40, -20, -10, 0]);
  const runs = runsOf(U, U, R0, R1);
  const v = evaluateValues({
    g1: { kind: 'field', arch: 'plain', field: 'grad_norm', layer: 1 },
    g2: { kind: 'field', arch: 'plain', field: 'grad_norm', layer: 2 },
    lg: { kind: 'log10_field', arch: 'plain', field: 'grad_norm', layer: 1 },
    gap: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last' },
    inv: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 'last', den_layer: 1 },
    drop: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last', negate: true },
    lift: { kind: 'compare_archs', field: 'grad_norm', layer: 1 },
    n: { kind: 'underflow_count', arch: 'plain' },
    slope: { kind: 'log10_slope', arch: 'plain', field: 'grad_norm', from_layer: 1, to_layer: 'last' },
  }, runs, 'init');
  for (const k of ['g1', 'g2', 'lg', 'gap', 'inv', 'drop', 'lift', 'slope']) {
    assert.equal(v[k].value, null, `${k} has no number`);
    assert.equal(v[k].underflow, true, `${k} says underflow`);
  }
  assert.equal(v.g1.upper, FLT_MIN);
  assert.equal(v.gap.upper, Math.log10(FLT_MIN), 'below the output layer by at least log10(FLT_MIN / 1)');
  assert.equal(v.inv.lower, -Math.log10(FLT_MIN));
  assert.equal(v.drop.lower, -Math.log10(FLT_MIN), 'negate turns the bound round');
  assert.equal(v.lift.lower, Math.log10(0.1 / FLT_MIN));
  assert.equal(v.n.value, 2);
  /* a claim "at most" is proven by the bound, a claim "at least" is not */
  assert.equal(inRange(v.gap, { max: -12 }), true);
  assert.equal(inRange(v.gap, { max: -40 }), false, 'the bound does not prove more than it says');
  assert.equal(inRange(v.gap, { min: -50 }), false);
  assert.equal(inRange(v.drop, { min: 12 }), true);
  assert.equal(inRange(v.drop, { max: 100 }), false);
  assert.equal(inRange(v.g1, { max: 1e-20 }), true);
});

test('dead: every layer\'s weight gradient 0 or underflowed; the engine\'s own field wins', () => {
  const all = rec(10, [null, -40, -45, null]);
  assert.equal(isDead(all), true);
  assert.equal(isDead(rec(0, [null, -40, -3, null])), false);
  assert.equal(isDead({ ...all, dead: 0 }), false, 'the record\'s dead field decides');
  assert.equal(isDead({ ...P0, dead: 1 }), true);
  assert.deepEqual(deadStep({ init: P0, end: all }), { step: 10, approx: true }, 'dead at the end: at or before its step');
  assert.deepEqual(deadStep({ init: all, end: all }), { step: 10, approx: false });
  assert.deepEqual(deadStep({ init: P0, end: all, dead_step: 7 }), { step: 7, approx: false }, 'the net\'s dead_step');
  assert.deepEqual(deadStep({ init: P0, end: all, dead_step: -1 }), { step: null, approx: false }, '−1: never');
});

test('the `if` conditions: which stack diverged, which died', () => {
  const div = { ...R1, status: 'diverged', diverged: { step: 2, layer: 4, where: 'forward' } };
  assert.deepEqual(conditionsOf(runsOf(P0, P1, R0, div)), { plain_diverged: false, plain_dead: false, residual_diverged: true, residual_dead: false });
  const dead = rec(50, [null, null, -39, -40, null]);
  assert.deepEqual(conditionsOf(runsOf(P0, dead, R0, R1)), { plain_diverged: false, plain_dead: true, residual_diverged: false, residual_dead: false });
  assert.deepEqual(conditionsOf(RUNS), { plain_diverged: false, plain_dead: false, residual_diverged: false, residual_dead: false });
});

test('the derived kinds: diff, pow10, the stack with the lower or higher value; a cycle throws', () => {
  const v = evaluateValues({
    pl: { kind: 'loss', arch: 'plain' }, rl: { kind: 'loss', arch: 'residual' },
    pa: { kind: 'acc', arch: 'plain' }, ra: { kind: 'acc', arch: 'residual' },
    gap: { kind: 'diff', a: 'ra', b: 'pa' },
    slope: { kind: 'log10_slope', arch: 'plain', field: 'grad_norm', from_layer: 1, to_layer: 'last' },
    factor: { kind: 'pow10', of: 'slope' },
    lower: { kind: 'arch_lower', plain: 'pl', residual: 'rl' },
    higher: { kind: 'arch_higher', plain: 'pa', residual: 'ra' },
    times: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 'last', den_layer: 1, as: 'pow10' },
  }, RUNS, 'end');
  assert.ok(Math.abs(v.gap.value - 0.49) < 1e-12);
  assert.equal(v.gap.unit, 'percent');
  assert.ok(Math.abs(v.slope.value - 0.8) < 1e-12, `slope ${v.slope.value}`);
  assert.ok(Math.abs(v.factor.value - 10 ** 0.8) < 1e-9);
  assert.deepEqual([v.lower.value, v.lower.unit, v.higher.value], ['residual', 'arch', 'residual']);
  assert.deepEqual([v.times.value, v.times.unit], [3, 'pow10']);
  assert.throws(() => evaluateValues({ a: { kind: 'diff', a: 'b', b: 'b' }, b: { kind: 'pow10', of: 'a' } }, RUNS, 'init'), /refers to itself/);
  assert.throws(() => evaluateValues({ a: { kind: 'pow10', of: 'nothing' } }, RUNS, 'init'), /no value 'nothing'/);
  assert.throws(() => evaluateValues({ a: { kind: 'guess' } }, RUNS, 'init'), /unknown value kind 'guess'/);
  assert.throws(() => evaluateValues({ a: { kind: 'loss', arch: 'plain', as: 'pow10' } }, RUNS, 'init'), /as: pow10 needs a value in decades/);
  assert.ok(VALUE_KINDS.length >= 20, `${VALUE_KINDS.length} kinds`);
});

test('claims: a constraint on a named value passes and fails on what it says, with the experiment\'s moment', () => {
  const exp = {
    at: 'init',
    values: {
      gap: { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last' },
      slope: { kind: 'log10_slope', arch: 'plain', field: 'grad_norm', from_layer: 1, to_layer: 'last' },
      lower: { kind: 'arch_lower', plain: 'pl', residual: 'rl' },
      pl: { kind: 'loss', arch: 'plain', at: 'end' }, rl: { kind: 'loss', arch: 'residual', at: 'end' },
      div: { kind: 'diverged_step', arch: 'plain' },
    },
    claims: [
      { value: 'gap', max: -6 },                   /* −8: holds */
      { value: 'gap', min: -6 },                   /* fails */
      { value: 'slope', min: 1.9, max: 2.1, r2_min: 0.99 },
      { value: 'slope', min: 1.9, max: 2.1, r2_min: 1.01 },   /* r² cannot be above 1 */
      { value: 'lower', equals: 'residual' },
      { value: 'lower', equals: 'plain' },
      { value: 'div', null: true },
      { value: 'nothing', max: 0 },                /* no such value: fails */
      { kind: 'diverged', arch: 'plain', expect: false },
      { kind: 'log10_ratio', arch: 'plain', field: 'grad_norm', num_layer: 1, den_layer: 'last', max: -12 },   /* the old kind: −8 > −12 */
      { kind: 'hidden_median', arch: 'plain', field: 'chain_factor', below_bound: 1, min: 0.1 },
      { kind: 'hidden_median', arch: 'plain', field: 'chain_factor', below_bound: 0.5 },          /* 0.22 > 0.5 × 0.25 */
      { kind: 'no_such_kind' },
    ],
  };
  const got = checkClaims(exp, RUNS).map((r) => r.ok);
  assert.deepEqual(got, [true, false, true, false, true, false, true, false, true, false, true, false, false]);
  /* the same claims on the end record: the moment moves with the experiment */
  const atEnd = checkClaims({ ...exp, at: 'end' }, RUNS);
  assert.equal(atEnd[0].value, -3);
  assert.equal(atEnd[0].ok, false, 'at the end the gap is −3, not ≤ −6');
});

test('sweep values and claims: slope, a value at an index, the crossing of 0, the first value reaching 1', () => {
  const result = {
    name: 'init_std', values: [0.02, 0.04, 0.06, 0.08], steps: 0,
    plain: { act_grad_ratio_log10: { median: [-5, -2, -0.5, 1] }, chi_geomean: { median: [0.1, 0.4, 0.9, 1.5] } },
    residual: { act_grad_ratio_log10: { median: [-0.5, 0.5, 1, 1.5] } },
  };
  const exp = {
    at: 'init',
    values: {
      slope: { kind: 'sweep_slope', arch: 'plain', metric: 'act_grad_ratio_log10' },
      first: { kind: 'sweep_at', arch: 'plain', metric: 'act_grad_ratio_log10', index: 0, negate: true },
      last: { kind: 'sweep_at', arch: 'plain', metric: 'act_grad_ratio_log10', index: -1 },
      cross: { kind: 'sweep_crossing', arch: 'plain', metric: 'act_grad_ratio_log10' },
      chi_one: { kind: 'sweep_first_reach', arch: 'plain', metric: 'chi_geomean', reach: 1 },
      factor: { kind: 'pow10', of: 'last' },
    },
    claims: [
      { value: 'cross', min: 0.06, max: 0.07 },
      { value: 'chi_one', min: 0.08, max: 0.08 },
      { value: 'first', min: 4 },
      { value: 'slope', max: 0 },
      { kind: 'sweep_range', arch: 'residual', metric: 'act_grad_ratio_log10', min: -1, max: 2 },
      { kind: 'sweep_range', arch: 'residual', metric: 'act_grad_ratio_log10', min: 0 },
      { kind: 'sweep_at', arch: 'plain', metric: 'act_grad_ratio_log10', index: -1, min: 0.5 },
    ],
  };
  const v = evaluateSweepValues(exp.values, result);
  assert.ok(Math.abs(v.cross.value - (0.06 + 0.02 * 0.5 / 1.5)) < 1e-12, `crossing ${v.cross.value}`);
  assert.equal(v.chi_one.value, 0.08, 'a swept value, as the panel\'s marker');
  assert.equal(v.first.value, 5);
  assert.equal(v.last.value, 1);
  assert.equal(v.factor.value, 10);
  assert.ok(v.slope.value > 0 && v.slope.r2 > 0.9);
  assert.deepEqual(checkSweepClaims(exp, result).map((r) => r.ok), [true, true, true, false, true, false, true]);
  const both = evaluateExperiment({ ...exp, sweep: { name: 'init_std' } }, result);
  assert.deepEqual(Object.values(both.conditions), [false, false, false, false], 'a sweep has no stack that diverged or died');
});

test('plane values and claims: a cell, an axis number, the deepest row that reaches a level, the best column, a row\'s least', () => {
  /* 3 weight scales (columns) x 4 depths (rows, from the first): plain trains to depth 8 at sigma_w 1, to 4 at 2 */
  const result = {
    axes: [{ name: 'init_std', values: [0.05, 0.1, 0.2], sigma_w: [0.5, 1, 2], depth_6xi: [4.3, 3e16, null], depth_6xi_c: [4.3, 3e16, 48] },
      { name: 'depth', values: [2, 4, 8, 16] }],
    seeds: [1, 2], steps: 300,
    plain: {
      final_acc: { median: [[0.92, 0.97, 0.99], [0.5, 0.95, 0.93], [null, 0.91, 0.5], [0.5, 0.5, 0.5]] },
      grad_ratio_log10: { median: [[-1, 0, 1], [-2, 0, 2], [-3, 0, 3], [-4, 0, 4]] },
      diverged_share: [[0, 0, 0], [0, 0, 0], [0.5, 0, 0], [0, 0, 0]],
    },
    residual: { final_acc: { median: [[0.9, 0.95, 0.99], [0.92, 0.99, 0.97], [0.93, 0.98, 0.91], [0.7, 0.8, 0.85]] } },
  };
  const exp = {
    at: 'end',
    values: {
      cell: { kind: 'plane_at', arch: 'plain', metric: 'final_acc', col: 1, row: -2 },
      ratio: { kind: 'plane_at', arch: 'plain', metric: 'grad_ratio_log10', col: -1, row: 3 },
      share: { kind: 'plane_at', arch: 'plain', metric: 'diverged_share', col: 0, row: 2 },
      sigma: { kind: 'plane_axis', axis: 0, field: 'sigma_w', index: -1 },
      depth: { kind: 'plane_axis', axis: 1, index: 2 },
      inf: { kind: 'plane_axis', axis: 0, field: 'depth_6xi', index: 2 },
      d1: { kind: 'plane_last_reach', arch: 'plain', metric: 'final_acc', reach: 0.9, col: 1 },
      d2: { kind: 'plane_last_reach', arch: 'plain', metric: 'final_acc', reach: 0.9, col: 2 },
      d0: { kind: 'plane_last_reach', arch: 'plain', metric: 'final_acc', reach: 0.9, col: 0 },
      best: { kind: 'plane_best_col', arch: 'plain', metric: 'final_acc', reach: 0.9, field: 'sigma_w' },
      bestDepth: { kind: 'plane_best_col', arch: 'plain', metric: 'final_acc', reach: 0.9, part: 'row' },
      bestStd: { kind: 'plane_best_col', arch: 'plain', metric: 'final_acc', reach: 0.9 },
      none: { kind: 'plane_best_col', arch: 'plain', metric: 'final_acc', reach: 1 },
      rmin: { kind: 'plane_row_min', arch: 'residual', metric: 'final_acc', row: 2 },
      pmin: { kind: 'plane_row_min', arch: 'plain', metric: 'final_acc', row: 2 },
      narrow: { kind: 'diff', a: 'd1', b: 'd2' },
      gap: { kind: 'diff', a: 'xc', b: 'd2' },
      xc: { kind: 'plane_axis', axis: 0, field: 'depth_6xi_c', index: 2 },
    },
    claims: [
      { value: 'best', min: 0.9, max: 1.3 },
      { value: 'narrow', min: 3 },
      { value: 'd0', null: true },
      { value: 'gap', min: 0 },
      { value: 'rmin', min: 0.95 },
      { value: 'd2', null: true },
      { kind: 'plane_last_reach', arch: 'plain', metric: 'final_acc', reach: 0.9, col: 1, min: 8, max: 8 },
    ],
  };
  const v = evaluateSweepValues(exp.values, result);
  assert.equal(v.cell.value, 0.91);
  assert.equal(v.cell.unit, 'percent');
  assert.equal(v.ratio.value, 4);
  assert.equal(v.ratio.unit, 'decades');
  assert.equal(v.share.value, 0.5, 'the diverged share is a grid of its own');
  assert.equal(v.sigma.value, 2);
  assert.equal(v.depth.value, 8);
  assert.equal(v.inf.value, null, 'the engine\'s null (an infinite depth scale) stays null');
  assert.equal(v.d1.value, 8, 'sigma_w 1: 90% up to depth 8');
  assert.equal(v.d2.value, 4, 'sigma_w 2: up to depth 4, not 8 (0.5) nor 16');
  assert.equal(v.d0.value, 2, 'sigma_w 0.5: the deepest row that reaches 0.9, even with a gap (null) above the first');
  assert.equal(v.best.value, 1);
  assert.equal(v.bestDepth.value, 8);
  assert.equal(v.bestStd.value, 0.1);
  assert.equal(v.none.value, null, 'no cell reaches 100%');
  assert.equal(v.rmin.value, 0.91);
  assert.equal(v.pmin.value, null, 'a row with a null cell has no least');
  assert.equal(v.narrow.value, 4);
  assert.equal(v.gap.value, 44);
  assert.equal(v.cell.at, 'end', 'a trained plane speaks of the end of training');
  assert.deepEqual(checkSweepClaims(exp, result).map((r) => r.ok), [true, true, false, true, false, false, true]);
  assert.throws(() => evaluateSweepValues({ x: { kind: 'plane_at', arch: 'plain', metric: 'final_acc', col: 3, row: 0 } }, result), /index 3 is not one of 3/);
  assert.throws(() => evaluateSweepValues({ x: { kind: 'plane_at', arch: 'plain', metric: 'final_loss', col: 0, row: 0 } }, result), /no plain final_loss/);
  assert.throws(() => evaluateSweepValues({ x: { kind: 'plane_axis', axis: 1, field: 'chi_mf', index: 0 } }, result), /axis 1 has no chi_mf/);
  assert.throws(() => evaluateSweepValues({ x: { kind: 'plane_at', arch: 'plain', metric: 'final_acc', col: 0, row: 0 } }, { name: 'depth', values: [1], plain: {} }), /not a plane/);
  for (const k of ['plane_at', 'plane_axis', 'plane_last_reach', 'plane_best_col', 'plane_row_min']) assert.ok(VALUE_KINDS.includes(k), k);
});

test('placeholders: the {name}s of a text', () => {
  assert.deepEqual(placeholders('layer 1 is {p_drop} decades below ({p_ratio}) after {steps} steps; $\\tfrac{1}{4}$'), ['p_drop', 'p_ratio', 'steps']);
  assert.deepEqual(placeholders('no values, $x^{2}$ and $10^{-20}$'), []);
  assert.deepEqual(placeholders('TeX braces are not placeholders: $1/\\sqrt{B}$, $\\chi_{\\text{batch}}$, then {a}'), ['a']);
});

test('the residual blocks: block_field, block_stat and part_factor read the moment\'s per-block fields; a stack without blocks is an error', () => {
  const blocks = (step, f) => ({ block_factor: Float64Array.from(f), block_shortcut: Float64Array.from(f.map(() => 1)), block_branch: Float64Array.from(f.map((x) => Math.abs(x - 1) + 0.05)), stem_factor: 0.2 + step / 1000, head_factor: 0.3 });
  const runs = runsOf(P0, P1, rec(0, [-1, -1, -0.5, -0.5, 0], blocks(0, [0.99, 1.02, 0.97])), rec(50, [-1, -1, -1, -1, -1], blocks(50, [0.9, 1.1, 1.0])));
  const specs = {
    b1: { kind: 'block_field', arch: 'residual', field: 'block_factor', block: 1 },
    blast: { kind: 'block_field', arch: 'residual', field: 'block_branch', block: 'last' },
    lo: { kind: 'block_stat', arch: 'residual', field: 'block_factor', stat: 'min' },
    hi: { kind: 'block_stat', arch: 'residual', field: 'block_factor', stat: 'max' },
    med: { kind: 'block_stat', arch: 'residual', field: 'block_factor' },
    sc: { kind: 'block_stat', arch: 'residual', field: 'block_shortcut', stat: 'min' },
    stem: { kind: 'part_factor', arch: 'residual', part: 'stem' },
    head: { kind: 'part_factor', arch: 'residual', part: 'head' },
    stem_end: { kind: 'part_factor', arch: 'residual', part: 'stem', at: 'end' },
  };
  const v = evaluateValues(specs, runs, 'init');
  assert.equal(v.b1.value, 0.99);
  assert.equal(v.b1.block, 1);
  assert.ok(Math.abs(v.blast.value - 0.08) < 1e-12);
  assert.deepEqual([v.lo.value, v.hi.value, v.med.value, v.sc.value], [0.97, 1.02, 0.99, 1]);
  assert.equal(v.stem.value, 0.2);
  assert.equal(v.head.value, 0.3);
  assert.equal(v.stem_end.value, 0.25, 'its own moment');
  assert.equal(v.stem.unit, 'value');
  for (const k of ['block_field', 'block_stat', 'part_factor']) assert.ok(VALUE_KINDS.includes(k), k);
  assert.throws(() => evaluateValues({ x: { kind: 'block_stat', arch: 'plain', field: 'block_factor' } }, runs, 'init'), /no blocks/);
  assert.throws(() => evaluateValues({ x: { kind: 'block_stat', arch: 'residual', field: 'chain_factor' } }, runs, 'init'), /not a per-block field/);
  assert.throws(() => evaluateValues({ x: { kind: 'block_field', arch: 'residual', field: 'block_factor', block: 4 } }, runs, 'init'), /not a block/);
  assert.throws(() => evaluateValues({ x: { kind: 'part_factor', arch: 'residual', part: 'tail' } }, runs, 'init'), /neither stem nor head/);
  assert.throws(() => evaluateValues({ x: { kind: 'part_factor', arch: 'plain', part: 'stem' } }, runs, 'init'), /no stem/);
});

/* the histogram kinds: a made-up record of 4 layers with hist_pre on the edges -1, 0, 1, 2 (5 bins,
   right-closed: v <= -1, (-1, 0], (0, 1], (1, 2], v > 2) and hist_grad on -46, -45 (3 bins) */
function histRec() {
  const r = rec(0, [-1, -2, -3, -4]);
  r.hist_edges = { hist_pre: Float64Array.from([-1, 0, 1, 2]), hist_grad: Float64Array.from([-46, -45]) };
  r.hist_pre = Uint32Array.from([
    0, 5, 5, 0, 0, /* layer 1 */
    1, 4, 4, 1, 0, /* layer 2: 80 % in (-1, 1] */
    0, 0, 10, 0, 0, /* layer 3: one bin, a spike */
    2, 2, 2, 2, 2, /* output */
  ]);
  r.hist_grad = Uint32Array.from([9, 1, 0, 0, 2, 8, 0, 0, 10, 0, 1, 3]);
  return r;
}

test('hist_share: the share of a layer\'s values in a range of its bins, outside it, over the hidden layers', () => {
  const r = histRec(), runs = { plain: { init: r, end: r } };
  const v = evaluateValues({
    in1: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 2, in: [-1, 1] },
    out1: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 2, out: [-1, 1] },
    le0: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 'last', in: [null, 0] },
    min: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 'hidden', stat: 'min', in: [-1, 1] },
    max: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 'hidden', stat: 'max', in: [-1, 1] },
    zero1: { kind: 'hist_share', arch: 'plain', hist: 'hist_grad', layer: 1, in: [null, -46] },
    zeroL: { kind: 'hist_share', arch: 'plain', hist: 'hist_grad', layer: 'last', in: [null, -46] },
  }, runs, 'init');
  assert.equal(v.in1.value, 0.8);
  assert.ok(Math.abs(v.out1.value - 0.2) < 1e-15);
  assert.equal(v.le0.value, 0.4);
  assert.deepEqual([v.min.value, v.min.layer], [0.8, 2], 'hidden: layers 2 and 3, the smaller share and its layer');
  assert.deepEqual([v.max.value, v.max.layer], [1, 3]);
  assert.equal(v.zero1.value, 0.9);
  assert.equal(v.zeroL.value, 0);
  assert.equal(v.in1.unit, 'percent');
  assert.throws(() => evaluateValues({ x: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 2, in: [-0.5, 1] } }, runs, 'init'), /not an edge/);
  const bare = rec(0, [-1, -2, -3, -4]);
  assert.throws(() => evaluateValues({ x: { kind: 'hist_share', arch: 'plain', hist: 'hist_pre', layer: 2, in: [-1, 1] } }, { plain: { init: bare, end: bare } }, 'init'), /no histograms/);
});

test('hist_bins counts the bins a layer fills (a spike: 1); hist_median is the edge where half the values are reached', () => {
  const r = histRec(), runs = { plain: { init: r, end: r } };
  const v = evaluateValues({
    spike: { kind: 'hist_bins', arch: 'plain', hist: 'hist_pre', layer: 3 },
    most: { kind: 'hist_bins', arch: 'plain', hist: 'hist_pre', layer: 'hidden', stat: 'max' },
    least: { kind: 'hist_bins', arch: 'plain', hist: 'hist_pre', layer: 'hidden', stat: 'min' },
    m1: { kind: 'hist_median', arch: 'plain', hist: 'hist_pre', layer: 1 },
    mL: { kind: 'hist_median', arch: 'plain', hist: 'hist_pre', layer: 'last' },
    g2: { kind: 'hist_median', arch: 'plain', hist: 'hist_grad', layer: 2 },
  }, runs, 'init');
  assert.equal(v.spike.value, 1);
  assert.deepEqual([v.most.value, v.most.layer], [4, 2]);
  assert.deepEqual([v.least.value, v.least.layer], [1, 3]);
  assert.equal(v.m1.value, 0, 'layer 1: (-1, 0] completes the first half: its upper edge');
  assert.equal(v.mL.value, 1);
  assert.equal(v.g2.value, null, 'half of them in the open top bin: no edge to name');
  assert.equal(v.g2.unit, 'decades');
  assert.ok(VALUE_KINDS.includes('hist_share') && VALUE_KINDS.includes('hist_bins') && VALUE_KINDS.includes('hist_median'));
});
