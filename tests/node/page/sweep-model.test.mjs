// sweep-model.test.mjs - the Sweep panel's and the chain chart's pure modules
// (web/js/sweep/sweep-model.js, chain-model.js) on the engine's own numbers:
// the sweep text and seeds the engine parses, the link's state both ways and
// its messages, the configuration a setting needs, the chart's series picked
// from a real sweep result (medians, bands, theory, the chi = 1 value), the
// CSV, the rows of the chart's text alternative; the chain line's factors and
// product from a real record, the rows of its tables, and the engine's slope
// bound per activation.  Planes (two settings): the state with a second
// setting in the link both ways and its messages, the spec and configuration
// the engine runs, the grids and the mean-field overlays picked from a real
// plane (the chi = 1 line and the 6xi curves where the engine puts them, on
// a linear and a log-spaced depth axis), the colour range, the CSV (one row
// per cell, stack and metric) and the settings a clicked cell loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SWEEP_SETTINGS, defaultState, sweepText, seedsText, withSetting, sweepConfig, metricsFor,
  decodeState, encodeState, logX, chartData, resultCsv, sweepRows,
  withSetting2, sweep2Text, sweepSpec, sameSweep, isPlane, axisPosition, logSpaced, planeGrid, planeData, colorRange, planeCsv, cellSettings, SWEEP_RECORD_EVERY,
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
  assert.equal(sweepConfig({ record_every: 10 }, defaultState()).record_every, 1000000, 'a sweep records nothing before a network\'s end');
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

/* ---- planes ---- */

test('a plane\'s state: a second setting, its text and the link both ways; a bad or repeated one is a message', () => {
  const st = { ...withSetting2(withSetting(defaultState(), 'init_std'), 'depth'), from: 0.05, to: 0.3, count: 4, to2: 30, count2: 5, seedTo: 2, steps: 300, metric: 'final_acc' };
  assert.ok(isPlane(st));
  assert.equal(sweep2Text(st), 'depth=2..30:5');
  assert.equal(sweep2Text(defaultState()), '', 'a 1-D state has no second setting');
  const q = encodeState(st);
  assert.deepEqual(q, { sweep: 'init_std=0.05..0.3:4', sweep2: 'depth=2..30:5', sweep_seeds: '1..2', sweep_steps: '300', sweep_metric: 'final_acc' });
  const back = decodeState(q);
  assert.deepEqual(back.messages, []);
  assert.deepEqual(back.state, st);
  assert.ok(!('sweep2' in encodeState(withSetting(defaultState(), 'width'))), 'a 1-D sweep leaves no sweep2 in the link');
  // malformed, unknown and repeated second settings: the 1-D state and one message each, with the schema's words
  for (const [bad, re] of [['depth=2..x:3', /^sweep2: 'depth=2..x:3' is not NAME=A..B:N/], ['seed=1..3:2', /^sweep2: 'seed=1..3:2' is not NAME=A..B:N with NAME one of depth\|/],
    ['depth=2..9:3', /^sweep2: 'depth=2..9:3' sweeps depth again; a plane needs two different settings/]]) {
    const r = decodeState({ sweep: 'depth=2..40:8', sweep2: bad });
    assert.equal(r.messages.length, 1, bad);
    assert.match(r.messages[0], re);
    assert.equal(r.state.name2, '', `${bad}: no second setting`);
  }
  // choosing the first setting the second one has: the second goes; a second setting like the first: none
  assert.equal(withSetting(st, 'depth').name2, '');
  assert.equal(withSetting2(st, 'init_std').name2, '');
  assert.equal(withSetting2(withSetting(defaultState(), 'width'), 'lr').steps, 100, 'lr needs training steps on either axis');
  assert.equal(decodeState({ sweep: 'width=8..64:3', sweep2: 'lr=0.01..1:3', sweep_steps: '0' }).state.steps, 100);
});

test('a plane\'s spec and configuration are what the engine runs: both settings\' needs, rows = the second', () => {
  const st = { ...withSetting2(withSetting(defaultState(), 'init_std'), 'depth'), from: 0.1, to: 0.3, count: 3, from2: 2, to2: 6, count2: 2, seedTo: 1 };
  const config = sweepConfig({ act: 'tanh', init: 'xavier', block: 2, width: 16, points: 32 }, st);
  assert.equal(config.init, 'normal', 'init_std needs init=normal');
  assert.equal(config.block, 1, 'depth needs blocks of one layer');
  const spec = sweepSpec(st);
  assert.deepEqual(spec, { sweep: 'init_std=0.1..0.3:3', seeds: '1..1', arch: 'both', steps: 0, sweep2: 'depth=2..6:2' });
  assert.deepEqual(sweepSpec(defaultState()), { sweep: 'depth=2..40:8', seeds: '1..3', arch: 'both', steps: 0 }, 'a 1-D sweep has no sweep2');
  const r = runSweep(config, spec);
  assert.deepEqual(r.axes.map((a) => a.name), ['init_std', 'depth']);
  assert.deepEqual(r.axes[1].values, [2, 6]);
  assert.equal(r.plain.grad_ratio_log10.median.length, 2, 'rows: the second setting');
  assert.equal(r.plain.grad_ratio_log10.median[0].length, 3, 'columns: the first');
  assert.ok(sameSweep({ sweep: spec.sweep, sweep2: spec.sweep2 }, st));
  assert.ok(!sameSweep({ sweep: spec.sweep }, st), 'the 1-D sweep of the first setting is another sweep');
  assert.ok(!sameSweep({ sweep: spec.sweep, sweep2: spec.sweep2 }, withSetting2(st, '')), 'and a plane is not the 1-D sweep');
});

test('axisPosition: a swept value sits on its cell, one between sits between (in log10 on a log-spaced axis), past the ends clipped', () => {
  const lin = [2, 4, 6, 8];
  assert.equal(logSpaced(lin), false);
  lin.forEach((v, i) => assert.deepEqual(axisPosition(lin, v), { pos: i + 1, clipped: false }));
  assert.deepEqual(axisPosition(lin, 5), { pos: 2.5, clipped: false });
  assert.deepEqual(axisPosition(lin, 9), { pos: 4.5, clipped: false }, 'half a cell past the last value is the edge');
  assert.deepEqual(axisPosition(lin, 1e16), { pos: 4.5, clipped: true });
  assert.deepEqual(axisPosition(lin, 0), { pos: 0.5, clipped: true });
  const lg = [2, 20, 200];
  assert.equal(logSpaced(lg), true);
  assert.ok(Math.abs(axisPosition(lg, Math.sqrt(2 * 20)).pos - 1.5) < 1e-12, 'the geometric middle of two log-spaced values is the middle of the cells');
  assert.deepEqual(axisPosition([5], 5), { pos: 1, clipped: false });
});

test('a plane\'s grids and overlays come from the engine\'s result: chi = 1 where chi_mf crosses 1, the 6xi curves at their depths', () => {
  // tanh, width 32, sigma_w = 0.5 .. 2.5 (init_std = sigma_w / sqrt 32), depths 2..30 log-spaced, at initialisation
  const st = { ...withSetting2(withSetting(defaultState(), 'init_std'), 'depth'), from: 0.08838835, to: 0.44194174, count: 5, from2: 2, to2: 30, count2: 4, seedTo: 1 };
  const r = runSweep(sweepConfig({ act: 'tanh', width: 32, points: 64 }, st), sweepSpec(st));
  const [c, w] = r.axes;
  assert.deepEqual(c.sigma_w.map((x) => Number(x.toFixed(6))), [0.5, 1, 1.5, 2, 2.5]);
  assert.equal(logSpaced(w.values), true, `depths ${w.values}`);
  const d = planeData(r, 'grad_ratio_log10');
  assert.equal(d.weight, 0, 'the columns are the weight scale');
  for (const a of ['plain', 'residual']) assert.deepEqual(d[a], r[a].grad_ratio_log10.median);
  assert.deepEqual(planeGrid(r, 'plain', 'chi_geomean'), r.plain.chi_geomean.median);
  // chi = 1: between the columns whose engine chi_mf is below and at or above 1 (sigma_w = 1 is a hair below)
  const k = c.chi_mf.findIndex((x) => x >= 1);
  assert.ok(k > 0 && c.chi_mf[k - 1] < 1, `chi_mf ${c.chi_mf}`);
  assert.equal(d.overlays.chiOne.axis, 'x');
  assert.ok(d.overlays.chiOne.pos >= k && d.overlays.chiOne.pos <= k + 1, `chi = 1 at ${d.overlays.chiOne.pos}, between columns ${k} and ${k + 1}`);
  assert.ok(Math.abs(d.overlays.chiOne.pos - 2) < 1e-3, 'near the column sigma_w = 1');
  assert.deepEqual(d.overlays.chiOne.between, [c.values[k - 1], c.values[k]]);
  // 6xi: one point per column whose depth_6xi is a number, at its place on the depth axis; null (chi >= 1) is not drawn
  const xiCols = c.depth_6xi.map((x, i) => (x === null ? -1 : i)).filter((i) => i >= 0);
  assert.deepEqual(d.overlays.xi.map((p) => p.x), xiCols.map((i) => i + 1));
  d.overlays.xi.forEach((p, n) => assert.deepEqual({ y: p.y, clipped: p.clipped }, (({ pos, clipped }) => ({ y: pos, clipped }))(axisPosition(w.values, c.depth_6xi[xiCols[n]]))));
  assert.ok(d.overlays.xi[0].y > 1 && d.overlays.xi[0].y < 2, `6xi at sigma_w 0.5 is ${c.depth_6xi[0]}, between the depths ${w.values[0]} and ${w.values[1]}`);
  assert.equal(d.overlays.xi[1].clipped, true, 'sigma_w = 1: 6xi is huge, cut at the top');
  assert.equal(d.overlays.xiC.length, c.depth_6xi_c.filter((x) => x !== null).length, '6xi_c on every column it has a number');
  assert.ok(d.overlays.xiC[4].y < 4.5 && d.overlays.xiC[4].y > 4, `6xi_c ${c.depth_6xi_c[4]} at sigma_w 2.5 sits above the last depth ${w.values[3]}`);
  // no weight-scale axis: no overlays; the weight scale on the rows: a horizontal chi = 1 line
  const noMf = planeData({ ...r, axes: [{ name: 'width', values: c.values }, w] }, 'grad_ratio_log10');
  assert.deepEqual(noMf.overlays, { chiOne: null, xi: null, xiC: null });
  const rows = planeData({ ...r, axes: [w, c] }, 'grad_ratio_log10');
  assert.equal(rows.weight, 1);
  assert.equal(rows.overlays.chiOne.axis, 'y');
  assert.deepEqual(rows.overlays.xi.map((p) => p.y), xiCols.map((i) => i + 1), 'transposed: the weight scale on y');
  // the colour range: whole decades for a log10 metric, shared by both stacks
  const range = colorRange([d.plain, d.residual], 'grad_ratio_log10');
  const all = [...d.plain.flat(), ...d.residual.flat()];
  assert.equal(range.min, Math.floor(Math.min(...all)));
  assert.equal(range.max, Math.max(Math.ceil(Math.max(...all)), range.min + 1));
  assert.deepEqual(colorRange([[[0.52, 0.97]], [[null, 0.61]]], 'final_acc'), { min: 0.5, max: 1 });
  assert.equal(colorRange([[[null]]], 'final_acc'), null, 'nothing measured yet');
  // the CSV: one row per cell, stack and metric, the grid's numbers
  const lines = planeCsv(r).trimEnd().split('\n');
  assert.equal(lines[0], 'arch,metric,name,value,name2,value2,median,p10,p90,nulls');
  assert.equal(lines.length, 1 + 2 * Object.keys(r.plain).length * c.values.length * w.values.length);
  const row = lines.find((l) => l.startsWith(`residual,chi_geomean,init_std,${c.values[3]},depth,${w.values[2]},`)).split(',');
  assert.equal(Number(row[6]), r.residual.chi_geomean.median[2][3]);
  assert.equal(Number(row[9]), r.residual.chi_geomean.nulls[2][3]);
  // a cell into the lab: the sweep's configuration, the cell's two values, the first seed; no stacks or file
  const request = { type: 'sweep', config: { ...sweepConfig({ act: 'tanh', width: 32, points: 64, steps: 500 }, st), csv: undefined }, ...sweepSpec(st) };
  const cellIn = cellSettings(request, r, 3, 2);
  assert.equal(cellIn.init_std, c.values[3]);
  assert.equal(cellIn.depth, w.values[2]);
  assert.equal(cellIn.seed, 1);
  assert.equal(cellIn.steps, 500, 'at initialisation the lab keeps its own steps');
  assert.equal(cellIn.init, 'normal');
  assert.ok(!('arch' in cellIn) && !('csv' in cellIn) && !('record_every' in cellIn), 'the lab keeps its stacks, file and records');
  assert.equal(cellSettings(request, { ...r, steps: 300, seeds: [4, 5] }, 0, 0).steps, 300, 'after training: the sweep\'s steps');
  assert.equal(cellSettings(request, { ...r, steps: 300, seeds: [4, 5] }, 0, 0).seed, 4);
});

test('a sweep records nothing before a network\'s end, and its numbers are the same as with records on the way', () => {
  const st = { ...withSetting2(withSetting(defaultState(), 'init_std'), 'depth'), from: 0.1, to: 0.3, count: 2, from2: 2, to2: 5, count2: 2, seedTo: 1, steps: 20 };
  const config = sweepConfig({ act: 'tanh', width: 16, points: 64, batch: 16 }, st);
  assert.equal(config.record_every, SWEEP_RECORD_EVERY);
  assert.deepEqual(runSweep({ ...config, record_every: 1 }, sweepSpec(st)), runSweep(config, sweepSpec(st)));
});

test('a trained plane: final accuracy and the diverged share, each a grid', () => {
  const st = { ...withSetting2(withSetting(defaultState(), 'lr'), 'depth'), from: 0.01, to: 3, count: 2, from2: 2, to2: 4, count2: 2, seedTo: 2, steps: 100 };
  const r = runSweep(sweepConfig({ act: 'relu', init: 'normal', init_std: 0.5, width: 16, points: 64 }, st), sweepSpec(st));
  assert.deepEqual(planeGrid(r, 'plain', 'final_acc'), r.plain.final_acc.median);
  assert.deepEqual(planeGrid(r, 'residual', 'diverged_share'), r.residual.diverged_share);
  assert.equal(planeData(r, 'diverged_share').weight, -1, 'lr x depth: no mean field');
  const lines = planeCsv(r).trimEnd().split('\n');
  const div = lines.find((l) => l.startsWith(`plain,diverged_share,lr,${r.axes[0].values[1]},depth,${r.axes[1].values[1]},`)).split(',');
  assert.equal(Number(div[6]), r.plain.diverged_share[1][1]);
  assert.equal(div[7], '');
});
