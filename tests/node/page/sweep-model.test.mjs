// sweep-model.test.mjs - the Sweep panel's and the chain chart's pure modules
// (web/js/sweep/sweep-model.js, chain-model.js) on the engine's own numbers:
// the sweep text and seeds the engine parses, the link's state both ways and
// its messages, the configuration a setting needs, the chart's series picked
// from a real sweep result (medians, bands, theory, the chi = 1 value), the
// CSV, the rows of the chart's text alternative; the chain line's factors and
// product from a real record, the rows of its tables, and the engine's slope
// bound per activation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SWEEP_SETTINGS, defaultState, sweepText, seedsText, withSetting, sweepConfig, metricsFor,
  decodeState, encodeState, logX, chartData, resultCsv, sweepRows,
} from '../../../web/js/sweep/sweep-model.js';
import { layerPoints, chainSummary, chainRows, SHOWN_FACTORS } from '../../../web/js/sweep/chain-model.js';
import { loadEngine } from '../helpers.mjs';

const engine = await loadEngine();

/** a finished sweep's JSON, as the Worker's sweep_result carries it */
function runSweep(config, spec) {
  const sw = engine.sweep(config, spec);
  try {
    while (!sw.finished) sw.run(1000);
    return sw.result();
  } finally {
    sw.free();
  }
}

test('the sweep text and seeds are what the engine parses, for every setting the panel offers', () => {
  for (const s of SWEEP_SETTINGS) {
    const st = { ...withSetting(defaultState(), s.name), count: 2, seedTo: 1 };
    const config = sweepConfig({ width: 8, depth: 2, points: 32, act: 'tanh' }, st);
    const r = runSweep(config, { sweep: sweepText(st), seeds: seedsText(st), arch: 'both', steps: st.steps ? 2 : 0 });
    assert.equal(r.name, s.name);
    assert.equal(r.values.length, 2, `${s.name}: ${r.values}`);
    assert.equal(r.values[0], s.from);
    assert.equal(r.values[1], s.to);
  }
});

test('what a setting needs: block 1 for depth, init=normal for init_std, training steps for lr', () => {
  assert.equal(sweepConfig({ block: 2 }, withSetting(defaultState(), 'depth')).block, 1);
  assert.equal(sweepConfig({ init: 'xavier' }, withSetting(defaultState(), 'init_std')).init, 'normal');
  assert.equal(sweepConfig({ arch: 'plain' }, defaultState()).arch, 'both');
  assert.ok(withSetting(defaultState(), 'lr').steps > 0);
  assert.deepEqual(metricsFor(0).map((m) => m.name), ['grad_ratio_log10', 'act_grad_ratio_log10', 'chi_geomean']);
  assert.ok(metricsFor(100).some((m) => m.name === 'final_loss'));
  // init_std without init=normal is refused by the engine: the panel's config is what makes it legal
  assert.throws(() => engine.sweep({ init: 'xavier' }, { sweep: 'init_std=0.1,0.2', arch: 'both' }), /init_std/);
});

test('the link: encode and decode are inverse, the default state leaves no keys, bad parts give messages', () => {
  assert.deepEqual(encodeState(defaultState()), {});
  const st = { ...withSetting(defaultState(), 'init_std'), from: 0.03, to: 0.3, count: 6, seedFrom: 2, seedTo: 5, metric: 'act_grad_ratio_log10' };
  const q = encodeState(st);
  assert.deepEqual(q, { sweep: 'init_std=0.03..0.3:6', sweep_seeds: '2..5', sweep_metric: 'act_grad_ratio_log10' });
  const back = decodeState(q);
  assert.deepEqual(back.messages, []);
  assert.deepEqual(back.state, st);
  const bad = decodeState({ sweep: 'seed=1..3:2', sweep_seeds: 'x', sweep_steps: '7', sweep_metric: 'final_loss' });
  assert.deepEqual(bad.state, defaultState());
  assert.equal(bad.messages.length, 4, bad.messages.join('; '));
  assert.match(bad.messages[0], /^sweep: 'seed=1..3:2' is not NAME=A..B:N/);
  assert.match(bad.messages[3], /sweep_metric: 'final_loss' is not one of/);
});

test('the x axis: logarithmic for a positive range of over a decade, never for depth', () => {
  assert.equal(logX('init_std', [0.01, 0.1, 1]), true);
  assert.equal(logX('init_std', [0.02, 0.2]), false);
  assert.equal(logX('depth', [1, 10, 100]), false);
  assert.equal(logX('res_scale', [0, 1, 2]), false);
});

test('the chart\'s series are the engine\'s medians, bands and theory; chi = 1 is a swept value', () => {
  const r = runSweep({ act: 'tanh', width: 64, depth: 6, block: 1, init: 'normal', points: 64 },
    { sweep: 'init_std=0.05..0.3:6', seeds: '1..3', arch: 'both', steps: 0 });
  const d = chartData(r, 'act_grad_ratio_log10');
  assert.deepEqual(d.values, r.values);
  for (const arch of ['plain', 'residual']) {
    assert.deepEqual(d[arch].median, r[arch].act_grad_ratio_log10.median);
    assert.deepEqual(d[arch].p10, r[arch].act_grad_ratio_log10.p10);
    assert.deepEqual(d[arch].p90, r[arch].act_grad_ratio_log10.p90);
    d[arch].median.forEach((m, i) => assert.ok(d[arch].p10[i] <= m && m <= d[arch].p90[i], `${arch} band at ${r.values[i]}`));
  }
  assert.deepEqual(d.theory, r.plain.act_grad_ratio_theory_log10.median, 'the back-propagated ratio beside its own law');
  assert.deepEqual(chartData(r, 'grad_ratio_log10').theory, r.plain.grad_ratio_theory_log10.median, 'the weight-gradient ratio beside its law');
  const chi = r.plain.chi_geomean.median, i = r.values.indexOf(d.chiOne);
  assert.ok(i > 0 && chi[i - 1] < 1 && chi[i] >= 1, `chi ${chi} reaches 1 at ${d.chiOne}`);
  // width 64: sigma_w = init_std * 8 = 1 at init_std 0.125, between the two values around the crossing
  assert.ok(r.values[i - 1] < 0.16 && d.chiOne > 0.1, `${r.values[i - 1]} .. ${d.chiOne}`);
  assert.equal(chartData(r, 'chi_geomean').theory, null, 'no theory line for chi itself');
  // CSV: header, then stacks x metrics x values rows holding the medians
  const lines = resultCsv(r).trimEnd().split('\n');
  assert.equal(lines[0], 'arch,metric,name,value,median,p10,p90,nulls');
  assert.equal(lines.length, 1 + 2 * Object.keys(r.plain).length * r.values.length);
  const row = lines.find((l) => l.startsWith(`plain,act_grad_ratio_log10,init_std,${r.values[2]},`)).split(',');
  assert.equal(Number(row[4]), r.plain.act_grad_ratio_log10.median[2]);
  // the text alternative's rows: per swept value, each stack's median and band, the theory
  const t = sweepRows(r, 'act_grad_ratio_log10');
  assert.deepEqual(t.stacks, ['plain', 'residual']);
  assert.ok(t.band && t.theory);
  assert.equal(t.chiOne, d.chiOne);
  assert.deepEqual(t.rows.map((x) => x.value), r.values);
  t.rows.forEach((x, k) => {
    assert.deepEqual(x.stacks[1], { median: r.residual.act_grad_ratio_log10.median[k], p10: r.residual.act_grad_ratio_log10.p10[k], p90: r.residual.act_grad_ratio_log10.p90[k] });
    assert.equal(x.theory, r.plain.act_grad_ratio_theory_log10.median[k]);
  });
  assert.equal(sweepRows(r, 'chi_geomean').theory, false);
});

test('a diverged share is drawn as it is, no band', () => {
  const r = runSweep({ act: 'relu', width: 16, depth: 10, block: 1, init: 'normal', init_std: 1, points: 64 },
    { sweep: 'lr=0.001..1:3', seeds: '1..2', arch: 'both', steps: 20 });
  const d = chartData(r, 'diverged_share');
  assert.deepEqual(d.plain.median, r.plain.diverged_share);
  assert.equal(d.theory, null);
  const t = sweepRows(r, 'diverged_share');
  assert.equal(t.band, false, 'the table has no band column either');
  assert.deepEqual(t.rows.map((x) => x.stacks[0].median), r.plain.diverged_share);
});

test('the chain line: the factors nearest the output, the first layer\'s, and the engine\'s product', () => {
  for (const [act, bound] of [['sigmoid', 0.25], ['tanh', 1], ['relu', 1]]) {
    const net = engine.create({ depth: 10, width: 16, act, block: 1, points: 64 }, 'plain');
    net.measure();
    const s = net.stats();
    net.free();
    assert.equal(s.act_max_slope, bound, `${act}: the engine's bound on phi'`);
    const L = s.chain_factor.length;
    const sum = chainSummary(s);
    assert.deepEqual(sum.first, Array.from(s.chain_factor).slice(L - SHOWN_FACTORS).reverse());
    assert.equal(sum.last, s.chain_factor[0]);
    assert.equal(sum.n, L);
    assert.equal(sum.product, s.chain_product[0]);
    // the product the line quotes is the product of the factors it stands for (the engine's numbers)
    const prod = Array.from(s.chain_factor).reduce((p, f) => p * f, 1);
    assert.ok(Math.abs(sum.product / prod - 1) < 1e-9, `${act}: ${sum.product} vs ${prod}`);
    const pts = layerPoints(s.chain_product);
    assert.deepEqual(pts.map((p) => p.x), Array.from({ length: L }, (_, i) => i + 1));
  }
  assert.deepEqual(layerPoints([0.5, 0, -1]).map((p) => p.y), [0.5, null, null]);
});

test('the chain tables\' rows: per layer the two stacks\' values and the mean-field one, gaps as the chart has them', () => {
  const rec = {};
  for (const arch of ['plain', 'residual']) {
    const net = engine.create({ depth: 8, width: 16, act: 'sigmoid', block: 1, points: 64 }, arch);
    net.measure();
    rec[arch] = net.stats();
    net.free();
  }
  for (const field of ['chain_factor', 'chain_product']) {
    const rows = chainRows(rec, field);
    assert.equal(rows.length, rec.plain[field].length);
    rows.forEach((x, i) => {
      assert.equal(x.plain, rec.plain[field][i]);
      assert.equal(x.residual, rec.residual[field][i]);
      assert.equal(x.theory, rec.plain[`${field}_theory`][i]);
    });
  }
  const gaps = chainRows({ plain: { chain_factor: [0.5, 0], chain_factor_theory: [0.4, 0.3] } }, 'chain_factor');
  assert.deepEqual(gaps, [{ plain: 0.5, residual: null, theory: 0.4 }, { plain: null, residual: null, theory: 0.3 }]);
});
