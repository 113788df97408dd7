// conv.test.mjs - the conv model (model=conv, data=digits) in the WASM build:
// the same numbers as the native CLI, the vanishing profile of a deep plain
// conv stack with sigmoid against its residual twin, the test split, and
// errors for bad digits input.  The digits files are handed over as bytes,
// as the page does after fetching them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, cli, maxRelDiff, median, root } from './helpers.mjs';

const engine = await loadEngine();
const digits = {
  train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))),
  test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))),
};

/** The first n training images as a digits file of their own (full-batch tests). */
function firstImages(n) {
  const t = digits.train, rec = 1 + t[8] * t[9];
  const b = t.slice(0, 16 + n * rec);
  new DataView(b.buffer).setUint32(12, n, true);
  return b;
}

for (const [arch, act] of [['plain', 'relu'], ['residual', 'relu'], ['residual', 'sigmoid']]) {
  test(`conv parity ${arch} ${act}: 12 steps, grad_norm and test_acc as the native CLI`, () => {
    const cfg = {
      model: 'conv', data: 'digits', arch, act, blocks: 2, channels: 4, batch: 32, steps: 12,
      record_every: 4, seed: 2, init: act === 'relu' ? 'he' : 'xavier', optimizer: 'momentum', lr: 0.05,
    };
    const ref = cli(cfg).runs[arch].history;
    const net = engine.create({ ...cfg, digits }, arch);
    let worst = 0, where = '';
    for (let i = 0; i < 3; i++) {
      const st = net.step(4).stats();
      assert.equal(st.step, ref[i].step);
      const d = maxRelDiff(st.grad_norm, ref[i].grad_norm);
      if (d.worst > worst) { worst = d.worst; where = `step ${st.step}, layer ${d.at + 1}`; }
      assert.ok(Math.abs(st.loss - ref[i].loss) <= 1e-5 * ref[i].loss, `loss at step ${st.step}`);
      assert.equal(st.test_acc, ref[i].test_acc, `test_acc at step ${st.step}`);
    }
    net.free();
    assert.ok(worst <= 1e-5, `largest relative difference ${worst.toExponential(2)} at ${where}`);
  });
}

test('conv vanishing: plain sigmoid 10 blocks vanishes, its residual twin does not', () => {
  const ratio = (arch) => median([1, 2, 3].map((seed) => {
    const net = engine.create({
      model: 'conv', data: 'digits', blocks: 10, channels: 8, act: 'sigmoid', init: 'xavier',
      seed, digits: { train: firstImages(64) },
    }, arch);
    const g = net.measure().stats().grad_norm;
    net.free();
    return Math.log10(g[0] / g[g.length - 1]);
  }));
  const plain = ratio('plain'), residual = ratio('residual');
  assert.ok(plain <= -10, `plain log10(grad_norm[conv_1] / grad_norm[fc]) = ${plain.toFixed(2)}`);
  assert.ok(residual >= -3, `residual log10 ratio = ${residual.toFixed(2)}`);
});

test('conv net: layers, image shape, test split, predictions', () => {
  const net = engine.create({ model: 'conv', data: 'digits', blocks: 2, channels: 4, batch: 50, digits }, 'residual');
  assert.deepEqual(net.layers, ['conv_1', 'conv_2', 'conv_3', 'conv_4', 'conv_5', 'fc']);
  assert.deepEqual(net.image, { h: 14, w: 14 });
  assert.equal(net.nTest, 500);
  const t = net.testData();
  assert.equal(t.x.length, 500 * 196);
  assert.equal(t.y[0], 0);
  const p = net.predictTest(490, 10);
  for (let i = 0; i < 10; i++) {
    const s = p.slice(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(s - 1) < 1e-9);
  }
  assert.throws(() => net.predictTest(495, 10), /predict_test/);
  const st = net.measure().stats();
  assert.ok(st.test_acc >= 0 && st.test_acc <= 1 && st.test_loss > 0);
  net.free();
  const dense = engine.create({ data: 'spiral', depth: 2 }, 'plain');
  assert.equal(dense.image, null);
  assert.equal(dense.measure().stats().test_acc, null);
  dense.free();
});

test('conv: bad digits input is an error naming the field', () => {
  assert.throws(() => engine.create({ model: 'conv', data: 'spiral' }, 'plain'), /model: conv needs image data/);
  assert.throws(() => engine.create({ model: 'conv', data: 'digits' }, 'plain'), /data: digits needs/);
  assert.throws(() => engine.create({ model: 'conv', data: 'digits', digits: { train: new Uint8Array(20) } }, 'plain'),
    (e) => e.code === 3 && /digits: not a digits file/.test(e.message));
  assert.throws(() => engine.create({ model: 'conv', data: 'digits', digits: { train: 'text' } }, 'plain'), /Uint8Array/);
  assert.throws(() => engine.create({ model: 'conv', data: 'digits', blocks: 1, pool: 1, digits }, 'plain'), /pool: 1 poolings/);
});

/* A conv record's figures are measured on the first net.evalCount training
 * and net.evalTestCount test images (gl_eval_count: what the page says,
 * digit-strip.js, from the configured reply): the record's test_acc and
 * test_loss are those of the engine's own predictions (predict_test, at the
 * same parameters) on exactly those images, and so are the training figures
 * on the first evalCount training images of a batch-32 run. */
test('conv records: loss and accuracy on the first evalCount images of each split, as the engine tells the page', () => {
  const net = engine.create({ model: 'conv', data: 'digits', blocks: 2, channels: 4, act: 'relu', init: 'he', batch: 32, digits }, 'residual');
  assert.equal(net.evalCount, 50);
  assert.equal(net.evalTestCount, 50);
  const EVAL_IMAGES = net.evalTestCount;
  net.step(3);
  const st = net.measure().stats();
  const t = net.testData();
  const p = net.predictTest(0, EVAL_IMAGES);
  let ok = 0, loss = 0;
  for (let i = 0; i < EVAL_IMAGES; i++) {
    const row = Array.from(p.slice(i * 10, i * 10 + 10));
    if (row.indexOf(Math.max(...row)) === t.y[i]) ok++;
    loss -= Math.log(row[t.y[i]]);
  }
  assert.equal(st.test_acc, ok / EVAL_IMAGES, 'test_acc: the first EVAL_IMAGES test images');
  assert.ok(Math.abs(st.test_loss - loss / EVAL_IMAGES) < 1e-5 * st.test_loss, `test_loss ${st.test_loss} vs ${loss / EVAL_IMAGES}`);
  net.free();
  /* the training figures: a full-batch net on just those images measures the same at step 0 */
  const a = engine.create({ model: 'conv', data: 'digits', blocks: 2, channels: 4, act: 'relu', init: 'he', batch: 32, digits }, 'plain');
  const b = engine.create({ model: 'conv', data: 'digits', blocks: 2, channels: 4, act: 'relu', init: 'he', batch: 0, digits: { train: firstImages(EVAL_IMAGES) } }, 'plain');
  const sa = a.measure().stats(), sb = b.measure().stats();
  assert.equal(b.evalCount, EVAL_IMAGES, 'b: full batch, all of its own images');
  assert.equal(sa.acc, sb.acc);
  assert.ok(Math.abs(sa.loss - sb.loss) < 1e-9 * sb.loss, `loss ${sa.loss} vs ${sb.loss}`);
  a.free();
  b.free();
});
