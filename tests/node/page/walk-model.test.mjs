// walk-model.test.mjs - the walk through the backward pass and the parts of
// a residual stack (web/js/diagram/walk-model.js, web/js/lab/blocks.js), the
// chain chart's block view (web/js/sweep/chain-model.js blockSeries), and
// the diagram's layout (web/js/diagram/layout.js), on the engine's own
// records: dense and conv, pre and post, with and without norm.
//   - the parts (stem, blocks, head) cover every layer once, in order;
//   - the walk visits every layer from the output to the input, the plain
//     stack's running product is the engine's chain_product of the layer and
//     the product of its factors; the residual stack's, at the input, is the
//     engine's chain_product of layer 1, and the product of the parts'
//     factors agrees with it (the engine's identity, read through the page);
//   - the line's text: the product of the factors it shows agrees with the
//     product it shows to the digits shown;
//   - the layout gives every layer a place of its own at depth 5 and 100, at
//     the phone's width and the laptop's, the conv model's poolings where
//     the engine pools (a pooled block's shortcut share is exactly 1/2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, root } from '../helpers.mjs';
import { residualParts, partOf, partFactor, walkAt, layerAt, shownFactors, productText, SHOWN_FACTORS } from '../../../web/js/diagram/walk-model.js';
import { blockSeries, blockSummary } from '../../../web/js/sweep/chain-model.js';
import { layout, between, poolAfter, stageEnds, KEEP, STRIPE_MIN } from '../../../web/js/diagram/layout.js';
import { formatters } from '../../../web/js/ui/i18n.js';

const engine = await loadEngine();
const digits = {
  train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))),
  test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))),
};

/** both stacks of a configuration, after `steps` steps: {plain, residual} records and the residual's blockLayers */
function run(config, steps = 2) {
  const cfg = { points: 64, width: 8, ...config, ...(config.model === 'conv' ? { data: 'digits', digits, batch: 16, channels: 4 } : {}) };
  const nets = { plain: engine.create(cfg, 'plain'), residual: engine.create(cfg, 'residual') };
  for (const n of Object.values(nets)) n.step(steps);
  const out = { plain: nets.plain.stats(), residual: nets.residual.stats(), blockLayers: nets.residual.blockLayers, layers: nets.plain.layers };
  for (const n of Object.values(nets)) n.free();
  return out;
}

const CASES = [
  { name: 'dense pre, blocks of 2', config: { depth: 6, block: 2, act: 'sigmoid' } },
  { name: 'dense pre, blocks of 1, batch norm', config: { depth: 5, block: 1, act: 'tanh', norm: 'batch' } },
  { name: 'dense post, layer norm', config: { depth: 4, block: 2, form: 'post', act: 'relu', norm: 'layer' } },
  { name: 'conv pre, 4 blocks, 1 pooling', config: { model: 'conv', blocks: 4, pool: 1, act: 'relu' } },
  { name: 'conv post, 5 blocks, 2 poolings', config: { model: 'conv', blocks: 5, pool: 2, form: 'post', act: 'tanh' } },
];
const close = (a, b, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);

for (const c of CASES) {
  test(`walk and parts: ${c.name}`, () => {
    const r = run(c.config);
    const L = r.plain.chain_factor.length;
    const parts = residualParts(r.blockLayers, L);
    /* the parts cover every layer once, in order: stem, blocks, head */
    assert.equal(parts[0].kind, 'stem');
    assert.equal(parts.at(-1).kind, 'head');
    assert.equal(parts.length, r.blockLayers.length + 2);
    let next = 1;
    for (const p of parts) {
      assert.equal(p.first, next, `${p.kind} ${p.b} starts where the last ended`);
      assert.ok(p.last >= p.first);
      next = p.last + 1;
    }
    assert.equal(next, L + 1, 'the head ends at the output layer');
    for (let l = 1; l <= L; l++) assert.ok(parts[partOf(parts, l)].first <= l && parts[partOf(parts, l)].last >= l);
    assert.deepEqual(residualParts([], L), [], 'a plain stack has no parts');

    /* the walk: every layer from the output to the input, in step; the residual stack by parts, in order */
    const seen = [];
    let lastPart = Infinity;
    for (let k = 0; k < L; k++) {
      const pw = walkAt(r.plain, 'plain', k, []);
      assert.equal(pw.layer, L - k);
      assert.equal(pw.layer, layerAt(L, k));
      assert.equal(pw.product, r.plain.chain_product[pw.layer - 1], 'the plain product is the engine\'s chain_product of the layer');
      assert.ok(pw.fromEngine);
      assert.equal(pw.factors.length, k + 1);
      const prod = pw.factors.reduce((a, b) => a * b, 1);
      assert.ok(close(prod, pw.product, 1e-9), `plain layer ${pw.layer}: the factors' product ${prod} vs ${pw.product}`);
      const rw = walkAt(r.residual, 'residual', k, parts);
      assert.equal(rw.layer, pw.layer, 'both stacks in step');
      assert.ok(rw.partIndex <= lastPart, 'the residual walk never goes back towards the output');
      if (rw.partIndex < lastPart) seen.push(rw.part.kind === 'block' ? `b${rw.part.b}` : rw.part.kind);
      lastPart = rw.partIndex;
      assert.equal(rw.factors.length, parts.length - rw.partIndex);
      assert.equal(rw.factor, partFactor(r.residual, rw.part));
      if (rw.part.kind === 'block') {
        assert.equal(rw.shortcut, r.residual.block_shortcut[rw.part.b - 1]);
        assert.equal(rw.branch, r.residual.block_branch[rw.part.b - 1]);
      } else assert.equal(rw.shortcut, null);
      const rprod = rw.factors.reduce((a, b) => a * b, 1);
      if (rw.done) {
        assert.equal(rw.product, r.residual.chain_product[0], 'at the input: the engine\'s chain_product of layer 1');
        assert.ok(close(rprod, rw.product, 1e-9), `the parts' product ${rprod} vs chain_product[0] ${rw.product}`);
      } else assert.equal(rw.product, rprod);
    }
    assert.deepEqual(seen, ['head', ...r.blockLayers.map((_, i) => `b${r.blockLayers.length - i}`), 'stem'], 'head, the blocks from the last, stem');
    assert.ok(walkAt(r.plain, 'plain', L - 1, []).done && walkAt(r.residual, 'residual', L - 1, parts).done);

    /* the chain chart's block view: the product after the stem is the engine's, after a block the walk's */
    const bs = blockSeries(r.residual, parts);
    assert.equal(bs.points.length, parts.length);
    assert.equal(bs.products[0].y, r.residual.chain_product[0]);
    assert.ok(bs.products[0].fromEngine);
    parts.forEach((p, j) => {
      assert.equal(bs.products[j].x, p.first);
      assert.equal(bs.points[j].y, partFactor(r.residual, p) > 0 ? partFactor(r.residual, p) : null);
    });
    const sum = blockSummary(r.residual, parts);
    assert.equal(sum.product, r.residual.chain_product[0]);
    assert.equal(sum.n, parts.length);
    assert.equal(sum.first[0], r.residual.head_factor, 'the head first, as the product runs');
  });
}

test('the line writes the factors it shows and a product they agree with, to the digits shown (en and fa)', () => {
  const r = run({ depth: 8, block: 2, act: 'sigmoid' });
  const L = r.plain.chain_factor.length, parts = residualParts(r.blockLayers, L);
  const digitsOf = (s) => s.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x6f0)).replace(/\u066B/g, '.').replace(/[\u2066-\u2069\u200e]/g, '');
  /* a number as shown, back to a number: 0.2143, 1.6×10⁻⁴ */
  const SUP = { '⁰': 0, '¹': 1, '²': 2, '³': 3, '⁴': 4, '⁵': 5, '⁶': 6, '⁷': 7, '⁸': 8, '⁹': 9 };
  const parse = (s) => {
    const t = digitsOf(s).trim();
    const m = /^([-\d.]+)×10([⁻]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(t);
    if (m) return Number(m[1]) * 10 ** ((m[2] ? -1 : 1) * Number([...m[3]].map((c) => SUP[c]).join('')));
    return Number(t);
  };
  /* the shown digits: 4 significant, so each shown number is within half a unit of its 4th digit */
  const halfUlp = (v) => 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(v))) - 3);
  for (const lang of ['en', 'fa']) {
    const f = formatters(lang);
    for (let k = 0; k < L; k++) {
      for (const [arch, P] of [['plain', []], ['residual', parts]]) {
        const at = walkAt(r[arch], arch, k, P);
        const text = productText(at.factors, at.product, f.value);
        assert.ok(text.startsWith('\u2066') && text.endsWith('\u2069'), 'a left-to-right isolate');
        const [lhs, rhs] = text.slice(1, -1).split(' = ');
        assert.equal(rhs, f.value(at.product), 'the right-hand side is the product, as the page formats numbers');
        const shown = lhs.split(' × ');
        const want = shownFactors(at.factors);
        assert.equal(shown.length, want.length);
        if (at.factors.length > SHOWN_FACTORS + 1) assert.equal(shown[SHOWN_FACTORS], '…');
        shown.forEach((s, i) => { if (want[i] !== null) assert.equal(s, f.value(want[i])); });
        if (want.includes(null)) continue;
        /* every factor shown: their product, as a student would multiply the shown numbers, is the shown product
           within what the rounding of the shown digits allows */
        const nums = shown.map(parse);
        const prod = nums.reduce((a, b) => a * b, 1);
        const tol = halfUlp(parse(rhs)) + nums.reduce((acc, v) => acc + halfUlp(v) / Math.abs(v), 0) * Math.abs(prod);
        assert.ok(Math.abs(prod - parse(rhs)) <= tol, `${lang} ${arch} k=${k}: ${lhs} = ${prod}, shown ${rhs}`);
      }
    }
  }
  assert.deepEqual(shownFactors([1, 2, 3, 4]), [1, 2, 3, 4]);
  assert.deepEqual(shownFactors([1, 2, 3, 4, 5]), [1, 2, 3, null, 5]);
});

test('layout: every layer its own place, boxes at the ends, stripes in a compressed middle, at both widths', () => {
  for (const width of [320, 600, 1000]) {
    for (const L of [3, 7, 22, 102, 1002]) {
      for (const conv of [false, true]) {
        const lay = layout({ layers: L, width, conv });
        assert.equal(lay.slots.length, L);
        let end = -Infinity;
        lay.slots.forEach((s, i) => {
          assert.ok(s.w >= STRIPE_MIN, `L=${L} width ${width}: layer ${i + 1} is ${s.w} px`);
          assert.ok(s.x >= end - 1e-9, `L=${L} width ${width}: layer ${i + 1} overlaps the one before`);
          end = s.x + s.w;
        });
        assert.ok(end <= lay.width, 'inside the diagram');
        assert.ok(lay.width >= width);
        if (lay.compressed) {
          for (let l = 1; l <= L; l++) assert.equal(lay.slots[l - 1].box, l <= KEEP || l > L - KEEP, `L=${L}: layer ${l}`);
          assert.equal(lay.compressed.first, KEEP + 1);
          assert.equal(lay.compressed.last, L - KEEP);
        } else assert.ok(lay.slots.every((s) => s.box));
        if (conv) assert.ok(lay.gapNode && lay.gapNode.x >= lay.slots[L - 2].x + lay.slots[L - 2].w && lay.gapNode.x + lay.gapNode.w <= lay.slots[L - 1].x, 'GAP between the last convolution and fc');
        for (let l = 0; l <= L; l++) {
          const x = between(lay, l);
          if (l > 0) assert.ok(x >= lay.slots[l - 1].x + lay.slots[l - 1].w - 1e-9);
          if (l < L && !(lay.gapNode && l === L - 1)) assert.ok(x <= lay.slots[l].x + 1e-9, `L=${L} width ${width} between ${l} and ${l + 1}`);
        }
      }
    }
  }
  /* depth 5 on a phone: boxes; depth 100 on a phone: stripes that still fit the width */
  assert.equal(layout({ layers: 7, width: 350 }).compressed, null);
  const deep = layout({ layers: 102, width: 350 });
  assert.ok(deep.compressed && deep.width === 350, `depth 100 at 350 px: ${deep.width}`);
});

test('poolAfter: the layers the conv model pools after, where the engine pools (a pre-form block that pools passes half the gradient on its shortcut, to rounding)', () => {
  assert.deepEqual(stageEnds(4, 1), [2]);
  assert.deepEqual(stageEnds(5, 2), [1, 3]);
  assert.deepEqual(stageEnds(10, 3), [2, 5, 7]);
  for (const [blocks, pool] of [[4, 1], [5, 2], [6, 3], [3, 0]]) {
    const r = run({ model: 'conv', blocks, pool, act: 'relu' }, 1);
    const after = poolAfter({ model: 'conv', pool }, r.blockLayers);
    const pooled = r.blockLayers.map(([, last], b) => [last, r.residual.block_shortcut[b]]);
    for (const [last, share] of pooled) {
      assert.equal(after.includes(last), Math.abs(share - 0.5) < 1e-6, `blocks ${blocks} pool ${pool}: block ending at layer ${last}, shortcut share ${share}`);
      if (!after.includes(last)) assert.equal(share, 1);
    }
  }
  assert.deepEqual(poolAfter({ model: 'dense', pool: 1 }, [[2, 3]]), []);
});
