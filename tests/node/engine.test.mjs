// engine.test.mjs - the engine's behaviour claims, re-run through the JS API
// on the real WASM build (medians over seeds 1..10, at init, width 32,
// block 2, form pre, 256-point spiral), and the API's basic contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, median } from './helpers.mjs';

const engine = await loadEngine();
const BASE = { width: 32, block: 2, form: 'pre', data: 'spiral', points: 256 };

/** Median over seeds 1..10 of log10(grad_norm[1] / grad_norm[out]) at init, and of the loss. */
function atInit(config, arch) {
  const ratios = [], losses = [];
  for (let seed = 1; seed <= 10; seed++) {
    const net = engine.create({ ...BASE, ...config, seed }, arch);
    try {
      const s = net.measure().stats();
      ratios.push(Math.log10(s.grad_norm[0] / s.grad_norm[net.nLayers - 1]));
      losses.push(s.loss);
    } finally {
      net.free();
    }
  }
  return { ratio: median(ratios), loss: median(losses) };
}

test('settings table and canonical config come from the engine', () => {
  const names = engine.settings.map((s) => s.name);
  for (const n of ['depth', 'width', 'block', 'form', 'act', 'init', 'init_std', 'res_scale', 'optimizer', 'lr', 'batch', 'clip', 'seed', 'data', 'record_every', 'steps'])
    assert.ok(names.includes(n), `settings table has ${n}`);
  const depth = engine.settingsByName.depth;
  assert.equal(depth.min, 1);
  assert.equal(depth.max, 1000);
  const c = engine.normalize({ depth: '30', act: 'tanh', init: 'normal:0.5' });
  assert.equal(c.depth, 30);
  assert.equal(c.act, 'tanh');
  assert.equal(c.init, 'normal');
  assert.equal(c.init_std, 0.5);
  assert.deepEqual(engine.fieldNames.slice(0, 9), ['grad_norm', 'act_grad_norm', 'act_mean', 'act_std', 'saturation', 'update_ratio', 'chi', 'chi_measured', 'underflow']);
});

test('plain sigmoid depth 30 vanishes; its residual (pre) twin does not', () => {
  const plain = atInit({ act: 'sigmoid', init: 'xavier', depth: 30 }, 'plain');
  const res = atInit({ act: 'sigmoid', init: 'xavier', depth: 30 }, 'residual');
  assert.ok(plain.ratio <= -15, `plain log10 ratio ${plain.ratio.toFixed(2)} <= -15`);
  assert.ok(res.ratio >= -3, `residual log10 ratio ${res.ratio.toFixed(2)} >= -3`);
});

test('form post (sigmoid after the add) still vanishes', () => {
  const post = atInit({ act: 'sigmoid', init: 'xavier', depth: 30, form: 'post' }, 'residual');
  assert.ok(post.ratio <= -6, `post log10 ratio ${post.ratio.toFixed(2)} <= -6`);
});

test('plain tanh with normal:1.0 explodes toward the input', () => {
  const r = atInit({ act: 'tanh', init: 'normal', init_std: 1, depth: 30 }, 'plain');
  assert.ok(r.ratio >= 4, `log10 ratio ${r.ratio.toFixed(2)} >= 4`);
});

test('plain relu with he keeps every layer within a factor of 20', () => {
  const spreads = [];
  for (let seed = 1; seed <= 10; seed++) {
    const net = engine.create({ ...BASE, act: 'relu', init: 'he', depth: 30, seed }, 'plain');
    const g = net.measure().stats().grad_norm;
    spreads.push(Math.max(...g) / Math.min(...g));
    net.free();
  }
  assert.ok(median(spreads) <= 20, `max/min ${median(spreads).toFixed(2)} <= 20`);
});

test('residual relu he: scale 1 blows the forward signal up, 1/sqrt(blocks) and rezero do not', () => {
  const one = atInit({ act: 'relu', init: 'he', depth: 30, res_scale: 1 }, 'residual');
  const inv = atInit({ act: 'relu', init: 'he', depth: 30, res_scale: 1 / Math.sqrt(15) }, 'residual');
  const rez = atInit({ act: 'relu', init: 'he', depth: 30, res_scale: 'rezero' }, 'residual');
  assert.ok(one.loss > 5, `scale 1: initial loss ${one.loss.toFixed(2)} > 5`);
  assert.ok(inv.loss < 1, `scale 1/sqrt(15): initial loss ${inv.loss.toFixed(3)} < 1`);
  assert.ok(rez.loss < 1, `rezero: initial loss ${rez.loss.toFixed(3)} < 1`);
});

test('training: the residual sigmoid stack learns the spiral, its plain twin stays at ln 2', () => {
  for (const seed of [1, 2, 3]) {
    const cfg = { ...BASE, depth: 20, act: 'sigmoid', init: 'xavier', optimizer: 'sgd', lr: 0.1, seed };
    const runs = engine.createRuns(cfg);
    const end = {};
    for (const [a, n] of Object.entries(runs)) {
      end[a] = n.step(500).measure().stats();
      n.free();
    }
    assert.ok(Math.abs(end.plain.loss - Math.LN2) < 0.01, `seed ${seed}: plain loss ${end.plain.loss.toFixed(4)} ~ ln 2`);
    assert.ok(end.residual.acc >= 0.6 && end.residual.acc >= end.plain.acc + 0.05,
      `seed ${seed}: residual acc ${end.residual.acc.toFixed(3)} vs plain ${end.plain.acc.toFixed(3)}`);
  }
});

test('stats are copies: they survive memory growth and later steps', () => {
  const net = engine.create({ depth: 4, width: 8, record_every: 1 }, 'plain');
  const before = net.step(1).stats();
  const keep = before.grad_norm.slice();
  const heapBefore = engine.mod.HEAPU8.length;
  const big = engine.create({ depth: 200, width: 256, points: 2048, batch: 64 }, 'plain');
  assert.ok(engine.mod.HEAPU8.length > heapBefore, 'the WASM memory grew');
  net.step(5);
  assert.deepEqual(before.grad_norm, keep);
  assert.equal(before.step, 0);
  assert.equal(net.stats().step, 5);
  big.free();
  net.free();
});

test('data and predictions come from the engine', () => {
  const net = engine.create({ data: 'xor', points: 64, depth: 2, width: 8 }, 'residual');
  const d = net.data();
  assert.equal(d.n, 64);
  assert.equal(d.d, 2);
  assert.equal(d.x.length, 128);
  assert.equal(d.y.filter((v) => v === 0).length, 32);
  const g = net.predictGrid(-1, 1, -1, 1, 5, 4);
  assert.equal(g.length, 5 * 4 * 2);
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(g[2 * i] + g[2 * i + 1] - 1) < 1e-12);
  net.free();
});

test('stats(): a residual stack\'s per-block factors and blockLayers; a plain stack has none', () => {
  assert.deepEqual(engine.blockFieldNames, ['block_factor', 'block_shortcut', 'block_branch']);
  const res = engine.create({ ...BASE, depth: 30, act: 'sigmoid', init: 'xavier' }, 'residual');
  assert.equal(res.nBlocks, 15);
  assert.deepEqual(res.blockLayers[0], [2, 3]);
  assert.deepEqual(res.blockLayers[14], [30, 31]);
  const s = res.measure().stats();
  for (const f of engine.blockFieldNames) {
    assert.ok(s[f] instanceof Float64Array && s[f].length === 15, f);
  }
  /* the product telescopes: stem * blocks * head = chain_product of layer 1 */
  const prod = s.block_factor.reduce((a, v) => a * v, s.stem_factor * s.head_factor);
  assert.ok(Math.abs(prod / s.chain_product[0] - 1) < 1e-12, `${prod} vs ${s.chain_product[0]}`);
  /* pre form: the shortcut passes the gradient on unchanged; each block multiplies by about 1 */
  assert.ok(s.block_shortcut.every((v) => v === 1));
  assert.ok(s.block_factor.every((v) => v > 0.9 && v < 1.1), [...s.block_factor].map((v) => v.toFixed(3)).join(' '));
  res.free();
  const plain = engine.create({ ...BASE, depth: 4 }, 'plain');
  const p = plain.measure().stats();
  assert.deepEqual(plain.blockLayers, []);
  for (const f of engine.blockFieldNames) assert.equal(p[f].length, 0, f);
  assert.equal(p.stem_factor, null);
  assert.equal(p.head_factor, null);
  plain.free();
});

test('Net.set changes lr, clip and momentum between steps; a refused value changes nothing', () => {
  const cfg = { ...BASE, depth: 6, act: 'tanh', batch: 32, record_every: 1, optimizer: 'momentum', lr: 0.1 };
  const [a, b, u] = [0, 1, 2].map(() => engine.create(cfg, 'residual').step(5));
  for (const n of [a, b]) assert.equal(n.set('lr', 0.01).set('clip', '0.5'), n, 'set returns the net');
  assert.throws(() => a.set('lr', 20), { name: 'GradLabError', code: 1, message: 'lr: 20 is out of range [1e-09, 10]' });
  assert.throws(() => a.set('depth', 3), { name: 'GradLabError', code: 1, message: 'depth: cannot change during a run; only lr, clip and momentum can' });
  assert.throws(() => a.set('momentum', 'fast'), { name: 'GradLabError', message: /^momentum: 'fast' is not a finite number/ });
  assert.throws(() => a.set('lr'), { name: 'GradLabError', code: 5, message: /^set: name must be text/ });
  const [sa, sb, su] = [a, b, u].map((n) => n.step(5).stats());
  assert.equal(sa.steps_done, 10);
  assert.deepEqual(sa, sb, 'the refused calls left lr 0.01 and clip 0.5 as they were');
  assert.notDeepEqual([...sa.grad_norm], [...su.grad_norm], 'the change changed the run');
  for (const n of [a, b, u]) n.free();
  assert.throws(() => a.set('lr', 0.1), /this network has been freed/);
});
