// threads.test.mjs - the multi-threaded WASM module (gradlab-engine-mt.js,
// helper threads on node's worker_threads, the page's build when it is
// cross-origin isolated) against the single-threaded one: the same bits for
// every field of every record (a residual stack's per-block factors too), for
// both architectures, every activation and the conv model; thread-count errors carry the C message; create/step/free
// cycles on two threads leave the heap where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GradLab, engineDir, loadEngine, root } from './helpers.mjs';

const single = await loadEngine();
const mt = await GradLab.loadNode(engineDir, { threads: 2 });
const ACTS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'gelu'];

/** Every number of a stats() record, as one array (NaN-safe comparison by Object.is):
 *  the per-layer fields, and a residual stack's per-block fields, stem_factor and head_factor. */
function numbers(st) {
  const out = [st.step, st.loss, st.acc, st.status];
  for (const f of single.fieldNames) out.push(...st[f]);
  for (const f of single.blockFieldNames) out.push(...st[f]);
  out.push(st.stem_factor, st.head_factor);
  if (st.test_loss !== undefined) out.push(st.test_loss, st.test_acc);
  return out;
}

function assertSameRuns(config, arch, steps, chunk = 1) {
  const a = single.create(config, arch), b = mt.create(config, arch);
  try {
    const go = (n) => (n.diverged ? n : n.step(chunk)); /* a diverged net takes no more steps */
    for (let s = 0; s < steps; s += chunk) {
      const x = numbers(go(a).stats()), y = numbers(go(b).stats());
      assert.equal(x.length, y.length);
      const at = x.findIndex((v, i) => !Object.is(v, y[i]));
      assert.equal(at, -1, `step ${s}: value ${at} differs: ${x[at]} vs ${y[at]}`);
    }
  } finally {
    a.free();
    b.free();
  }
}

test('the multi-threaded module reports its threads; the single-threaded one refuses more than 1', () => {
  assert.equal(mt.maxThreads, 8);
  assert.equal(mt.threads, 2);
  assert.equal(single.maxThreads, 1);
  assert.equal(single.threads, 1);
  assert.throws(() => single.setThreads(2), { name: 'GradLabError', message: /runs on one thread/ });
  assert.throws(() => mt.setThreads(0), { name: 'GradLabError', message: 'threads: 0 is out of range (1 to 8)' });
  assert.throws(() => mt.setThreads(9), { message: /9 is out of range/ });
  assert.throws(() => mt.setThreads(1.5), { message: /not a whole number/ });
  assert.throws(() => mt.setThreads('2'), { message: /not a whole number/ });
  assert.equal(mt.threads, 2, 'a refused count changes nothing');
});

for (const act of ACTS) {
  for (const arch of ['plain', 'residual']) {
    test(`2 threads = 1 thread, bit for bit: ${arch} ${act}, 50 steps, every field`, () => {
      assertSameRuns({
        act, depth: 12, width: 48, points: 96, batch: act === 'relu' ? 40 : 0, data: 'circles',
        init: act.includes('relu') ? 'he' : 'xavier', record_every: 1, seed: 5,
        optimizer: act === 'gelu' ? 'adam' : act === 'tanh' ? 'momentum' : 'sgd',
        lr: act === 'gelu' ? 0.005 : 0.05, res_scale: act === 'linear' ? 'rezero' : 1,
      }, arch, 50);
    });
  }
}

test('2 threads = 1 thread, bit for bit: an exploding net diverges at the same step and layer', () => {
  const cfg = { depth: 30, width: 32, act: 'relu', init: 'normal:1.0', lr: 0.1, record_every: 1 };
  assertSameRuns(cfg, 'plain', 20);
  const a = single.create(cfg, 'plain').step(20), b = mt.create(cfg, 'plain').step(20);
  assert.equal(a.stats().status, 'diverged');
  assert.deepEqual(b.stats().diverged, a.stats().diverged);
  a.free();
  b.free();
});

test('2 and 3 threads = 1 thread, bit for bit: the conv model on the digits (test split included)', () => {
  const digits = {
    train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))),
    test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))),
  };
  const cfg = { model: 'conv', data: 'digits', blocks: 2, channels: 4, batch: 32, act: 'relu', init: 'he', record_every: 1, digits };
  for (const t of [2, 3]) {
    mt.setThreads(t);
    assertSameRuns(cfg, 'residual', 3);
  }
  mt.setThreads(2);
});

for (const norm of ['batch', 'layer']) {
  for (const [arch, form] of [['plain', 'pre'], ['residual', 'pre'], ['residual', 'post']]) {
    test(`2 and 8 threads = 1 thread, bit for bit: norm=${norm} ${arch} ${form}, 30 steps, every field`, () => {
      const cfg = {
        norm, form, act: 'tanh', depth: 12, width: 48, points: 96, batch: norm === 'batch' ? 48 : 0,
        data: 'circles', record_every: 1, seed: 6, optimizer: 'momentum', lr: 0.05,
      };
      for (const t of [2, 8]) {
        mt.setThreads(t);
        assertSameRuns(cfg, arch, 30);
      }
      mt.setThreads(2);
    });
  }
  test(`2 threads = 1 thread, bit for bit: norm=${norm} conv (test split, evaluation mode)`, () => {
    const digits = {
      train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))),
      test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))),
    };
    const cfg = { model: 'conv', data: 'digits', norm, blocks: 2, channels: 4, batch: 32, act: 'relu', init: 'he', record_every: 1, digits };
    assertSameRuns(cfg, 'plain', 2);
    assertSameRuns({ ...cfg, form: 'post' }, 'residual', 2);
  });
}

test('1,000 create/step/free cycles on 2 threads leave the heap where it was', () => {
  mt.create({ depth: 4, width: 8 }, 'plain').step(1).free();
  const before = mt.heapInUse(), bytes = mt.mod.HEAPU8.length;
  for (let i = 0; i < 1000; i++) {
    const net = mt.create({ depth: 6, width: 16, points: 64, optimizer: ['sgd', 'momentum', 'adam'][i % 3] }, i % 2 ? 'residual' : 'plain');
    net.step(2);
    net.stats();
    net.free();
  }
  assert.equal(mt.heapInUse(), before);
  assert.equal(mt.mod.HEAPU8.length, bytes, 'the linear memory did not grow');
});
