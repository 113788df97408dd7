// dist-model.test.mjs - the distributions view's picks (web/js/lab/dist-model.js)
// on the engine's own records: where each bin is drawn, a layer's shares, the
// shaded slow region and the share of z in it against the engine's
// `saturation` (the view shows saturation as that share: the two must
// agree), phi and phi' from gl_act_curve, the long-format CSV and the JSON's
// hist_edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  QUANTITIES, binCentres, binEdges, layerCounts, layerShares, firstBinShare, modeOf, slowBands, layerOfSeries, histCsv, LINES_MAX,
} from '../../../web/js/lab/dist-model.js';
import { jsonDoc } from '../../../web/js/lab/export.js';
import { loadEngine } from '../helpers.mjs';

const engine = await loadEngine();
const ARCHS = ['plain', 'residual'];

/** both stacks' records at step 0 and after `steps` steps, counted with histograms */
function run(config, steps = 10) {
  const runs = engine.createRuns({ arch: 'both', hist: 1, record_every: 1, ...config });
  try {
    const out = [];
    for (const n of Object.values(runs)) n.measure();
    out.push({ plain: runs.plain.stats(), residual: runs.residual.stats() });
    for (const n of Object.values(runs)) n.step(steps);
    out.push({ plain: runs.plain.stats(), residual: runs.residual.stats() });
    return { records: out, layers: runs.plain.layers, edges: runs.plain.histEdges, region: runs.plain.actSlowRegion, curve: runs.plain.actCurve(-8.25, 8.25, 331) };
  } finally {
    for (const n of Object.values(runs)) n.free();
  }
}

test('bins: centres one bin beyond the open ends, edges null there', () => {
  assert.deepEqual(binCentres([0, 1, 2]), [-0.5, 0.5, 1.5, 2.5]);
  assert.deepEqual(binEdges([0, 1, 2], 0), [null, 0]);
  assert.deepEqual(binEdges([0, 1, 2], 2), [1, 2]);
  assert.deepEqual(binEdges([0, 1, 2], 3), [2, null]);
  const { edges } = run({ depth: 4, width: 8 }, 1);
  assert.equal(binCentres(edges.hist_pre).length, 66);
  assert.equal(binCentres(edges.hist_pre)[0], -8.125);
  assert.equal(binCentres(edges.hist_grad)[0], -46.25, 'the exact zeros drawn half a decade left of 10^-46');
  assert.equal(modeOf(LINES_MAX), 'lines');
  assert.equal(modeOf(LINES_MAX + 1), 'grid');
  assert.equal(layerOfSeries('l12'), 12);
  assert.equal(layerOfSeries('phi'), null);
});

test('a layer\'s shares sum to 1 (its counts to its number of values); none for the output\'s hist_act', () => {
  const { records, layers, edges } = run({ depth: 6, width: 16, act: 'tanh', points: 64, batch: 32 });
  const s = records[1].plain;
  for (const q of QUANTITIES) {
    const bins = edges[q].length + 1;
    for (let l = 1; l < layers.length; l++) {
      const sum = layerShares(s[q], bins, l).reduce((a, v) => a + v, 0);
      assert.ok(Math.abs(sum - 1) < 1e-12, `${q} layer ${l}: shares sum to ${sum}`);
    }
  }
  const L = layers.length, bins = edges.hist_act.length + 1;
  assert.ok(layerShares(s.hist_act, bins, L).every((v) => v === null), 'the output layer has no phi');
  assert.equal(layerCounts(s.hist_pre, edges.hist_pre.length + 1, 2).reduce((a, v) => a + v, 0), 32 * 16, 'a hidden layer: batch x width values of z');
});

/* the share of layer l's z in the slow region from its bins: the bins wholly inside it, and
   the bins that meet it (the bins are right-closed: bin b holds e[b-1] < z <= e[b]) */
function slowMass(counts, e, l, { lo, hi }) {
  const bins = e.length + 1, c = layerCounts(counts, bins, l), total = c.reduce((a, v) => a + v, 0);
  let inside = 0, meeting = 0;
  for (let b = 0; b < bins; b++) {
    const [blo, bhi] = binEdges(e, b);
    const a = blo === null ? -Infinity : blo, z = bhi === null ? Infinity : bhi;
    const whollyIn = (lo !== null && z <= lo) || (hi !== null && a >= hi);
    const meets = (lo !== null && a < lo) || (hi !== null && z > hi);
    if (whollyIn) inside += c[b];
    if (meets) meeting += c[b];
  }
  return { inside: inside / total, meeting: meeting / total };
}

test('the shaded region is gl_act_slow_region, and the share of z in it is the engine\'s saturation', () => {
  const cases = [
    { act: 'sigmoid', init: 'normal', init_std: 4 },
    { act: 'tanh', init: 'normal', init_std: 1 },
    { act: 'relu', init: 'he' },
    { act: 'sigmoid', init: 'xavier' },
  ];
  for (const c of cases) {
    const { records, layers, edges, region } = run({ depth: 8, width: 32, points: 256, batch: 64, ...c });
    const bands = slowBands(region);
    if (c.act === 'relu') assert.deepEqual(bands, [{ lo: null, hi: 0 }]);
    else assert.deepEqual(bands, [{ lo: null, hi: region.lo }, { lo: region.hi, hi: null }]);
    for (const r of records) {
      for (const a of ARCHS) {
        const s = r[a];
        for (let l = 1; l < layers.length; l++) {
          const m = slowMass(s.hist_pre, edges.hist_pre, l, region);
          const sat = s.saturation[l - 1];
          const what = `${c.act} ${c.init} ${a} step ${s.step} layer ${l}: saturation ${sat}, bins ${m.inside}..${m.meeting}`;
          if (c.act === 'relu') assert.ok(Math.abs(sat - m.inside) < 1e-12 && m.inside === m.meeting, what);
          else assert.ok(sat >= m.inside - 1e-12 && sat <= m.meeting + 1e-12, what);
        }
      }
    }
  }
});

test('phi and phi\' from gl_act_curve: sigmoid 1/4 at 0, below a tenth of it exactly in the shaded region', () => {
  const { curve, region } = run({ depth: 4, width: 8, act: 'sigmoid' }, 1);
  assert.equal(curve.z.length, 331);
  const i0 = Array.from(curve.z).findIndex((z) => Math.abs(z) < 1e-9);
  assert.ok(Math.abs(curve.dphi[i0] - 0.25) < 1e-7 && Math.abs(curve.phi[i0] - 0.5) < 1e-7);
  curve.z.forEach((z, i) => {
    if (Math.abs(z - region.lo) < 1e-3 || Math.abs(z - region.hi) < 1e-3) return;
    assert.equal(curve.dphi[i] < 0.025, z <= region.lo || z > region.hi, `z = ${z}: phi' = ${curve.dphi[i]}`);
  });
});

test('exact-zero gradients: a deep plain sigmoid stack\'s bin 0 grows towards the input', () => {
  const { records, layers, edges } = run({ depth: 100, width: 16, act: 'sigmoid', init: 'xavier', points: 64, batch: 32 }, 1);
  const s = records[1].plain, bins = edges.hist_grad.length + 1;
  assert.ok(firstBinShare(s.hist_grad, bins, 1) > 0.99, `layer 1: ${firstBinShare(s.hist_grad, bins, 1)}`);
  assert.equal(firstBinShare(s.hist_grad, bins, layers.length - 1), 0);
});

test('the histograms\' CSV: long format, a layer\'s rows summing to its number of values', () => {
  const { records, layers, edges } = run({ depth: 4, width: 8, points: 64, batch: 16 }, 2);
  const lines = histCsv(records, layers, edges, ARCHS).trimEnd().split('\n');
  assert.equal(lines[0], 'arch,step,layer,layer_name,hist,bin,bin_lo,bin_hi,count');
  const sums = new Map();
  for (const line of lines.slice(1)) {
    const [arch, step, layer, , hist, bin, lo, hi, count] = line.split(',');
    assert.ok(Number(count) > 0, 'only non-zero counts');
    if (bin === '0') assert.equal(lo, '');
    if (Number(bin) === edges[hist].length) assert.equal(hi, '');
    const k = `${arch}/${step}/${layer}/${hist}`;
    sums.set(k, (sums.get(k) || 0) + Number(count));
  }
  assert.equal(sums.get(`plain/${records[1].plain.step}/2/hist_pre`), 16 * 8);
  assert.equal(sums.get('residual/0/1/hist_wgrad'), records[0].residual.hist_wgrad.slice(0, edges.hist_wgrad.length + 1).reduce((a, v) => a + v, 0));
  const none = [{ plain: { ...records[0].plain, hist_pre: undefined, hist_act: undefined, hist_grad: undefined, hist_wgrad: undefined } }];
  assert.equal(histCsv(none, layers, edges, ['plain']).trimEnd().split('\n').length, 1, 'a record without histograms gives no rows');
});

test('the JSON: hist_edges once, each record\'s counts as flat arrays', () => {
  const { records, layers, edges } = run({ depth: 4, width: 8 }, 1);
  const doc = JSON.parse(JSON.stringify(jsonDoc({ version: 'v', config: {}, layers, fields: [], records, histEdges: edges })));
  assert.deepEqual(Object.keys(doc.hist_edges), QUANTITIES);
  assert.equal(doc.hist_edges.hist_pre.length, 65);
  assert.equal(doc.records[1].plain.hist_pre.length, layers.length * 66);
  assert.equal(doc.records[1].plain.hist_edges, undefined);
  assert.ok(!('hist_edges' in jsonDoc({ version: 'v', config: {}, layers, fields: [], records: [] })));
});
