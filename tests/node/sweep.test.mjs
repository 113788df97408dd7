// sweep.test.mjs - sweeps on the real .wasm: the wrapper's engine.sweep
// against single networks made with engine.create, the same numbers as the
// native CLI's --sweep, bad sweeps as GradLabErrors with the C message,
// cancel without a leak; and the Worker messages sweep / sweep_progress /
// sweep_result / sweep_cancel, with other messages answered mid-sweep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { root, engineDir, loadEngine, GradLab, cli } from './helpers.mjs';

/* numpy's default percentile: linear between order statistics */
function pct(values, q) {
  const v = [...values].sort((a, b) => a - b);
  const pos = q * (v.length - 1), i = Math.floor(pos);
  return i + 1 >= v.length ? v[v.length - 1] : v[i] + (pos - i) * (v[i + 1] - v[i]);
}

function runAll(sw, maxSteps = 1) {
  let calls = 0;
  while (!sw.finished) { sw.run(maxSteps); calls++; }
  return calls;
}

test('engine.sweep: every summary equals percentiles of single networks made with engine.create', async () => {
  const engine = await loadEngine();
  const config = { width: 16, act: 'tanh', points: 64, block: 1 };
  const sw = engine.sweep(config, { sweep: 'depth=2,5,9', seeds: [2, 5], arch: 'both' });
  assert.equal(sw.total, 3 * 4 * 2);
  assert.equal(runAll(sw), 24, 'at init each run() call finishes one unit');
  const r = sw.result();
  sw.free();
  assert.deepEqual([r.name, r.values, r.seeds, r.steps], ['depth', [2, 5, 9], [2, 5], 0]);
  assert.ok(!('final_loss' in r.plain), 'no final_loss at init');
  let compared = 0;
  for (const arch of ['plain', 'residual']) {
    r.values.forEach((depth, i) => {
      const m = { grad_ratio_log10: [], act_grad_ratio_log10: [], chi_geomean: [], grad_ratio_theory_log10: [] };
      for (let seed = 2; seed <= 5; seed++) {
        const net = engine.create({ ...config, depth, seed }, arch);
        const s = net.measure().stats();
        net.free();
        const L = s.grad_norm.length;
        m.grad_ratio_log10.push(Math.log10(s.grad_norm[0] / s.grad_norm[L - 1]));
        m.act_grad_ratio_log10.push(Math.log10(s.act_grad_norm[0] / s.act_grad_norm[L - 1]));
        m.chi_geomean.push(Math.exp(s.chi.slice(1, L - 1).reduce((a, c) => a + Math.log(c), 0) / (L - 2)));
        m.grad_ratio_theory_log10.push(Math.log10(s.grad_norm_theory[0] / s.grad_norm_theory[L - 1]));
      }
      for (const [name, v] of Object.entries(m)) {
        for (const [q, key] of [[0.5, 'median'], [0.1, 'p10'], [0.9, 'p90']]) {
          const want = pct(v, q), got = r[arch][name][key][i];
          assert.ok(Math.abs(got - want) <= 1e-7 * Math.max(1, Math.abs(want)), `${arch} depth ${depth} ${name} ${key}: ${got} vs ${want}`);
          compared++;
        }
        assert.equal(r[arch][name].nulls[i], 0);
      }
    });
  }
  assert.equal(compared, 2 * 3 * 4 * 3);
});

test('the WASM sweep prints the native CLI\'s numbers (depth law of the plain sigmoid stack)', async () => {
  const engine = await loadEngine();
  const sw = engine.sweep({ width: 32, act: 'sigmoid' }, { sweep: 'depth=4,8,16,32', seeds: '1..4', arch: 'both' });
  runAll(sw);
  const wasm = sw.result();
  sw.free();
  const native = cli({ sweep: 'depth=4,8,16,32', seeds: '1..4', arch: 'both', width: 32, act: 'sigmoid' }).sweep;
  assert.deepEqual(wasm, native, 'the same JSON from both builds');
  const p = wasm.plain.grad_ratio_log10.median;
  assert.ok(p.every((v, i) => i === 0 || v < p[i - 1]) && p[3] < -18, `plain medians fall with depth: ${p}`);
});

test('after training: final_loss, final_acc, diverged_share; pieces of maxSteps; nulls for underflow', async () => {
  const engine = await loadEngine();
  const sw = engine.sweep({ depth: 6, width: 8, points: 32, act: 'tanh' }, { sweep: 'lr=0.01..1:3', seeds: '1..2', arch: 'plain', steps: 10 });
  let last = -1;
  let calls = 0;
  while (!sw.finished) {
    sw.run(4);
    calls++;
    assert.ok(sw.progress > last, 'progress rises with every piece');
    last = sw.progress;
  }
  assert.equal(calls, 6 * 3, 'six units of 10 steps in pieces of 4: 3 calls each');
  const r = sw.result();
  sw.free();
  assert.deepEqual(r.values, [0.01, 0.1, 1]);
  for (const k of ['final_loss', 'final_acc']) assert.ok(r.plain[k].median.every((v) => typeof v === 'number' && v >= 0), k);
  assert.deepEqual(r.plain.diverged_share, [0, 0, 0]);
  const deep = engine.sweep({ width: 32, act: 'sigmoid' }, { sweep: 'depth=10,100', seeds: '1..2', arch: 'plain' });
  runAll(deep);
  const d = deep.result().plain.grad_ratio_log10;
  deep.free();
  assert.deepEqual(d.nulls, [0, 2], 'depth 100 underflows: two nulls counted');
  assert.equal(d.median[1], null);
});

test('bad sweeps throw GradLabError with the C message; a failed unit fails the sweep; free twice; no leak', async () => {
  const engine = await loadEngine();
  const many = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
  const cases = [
    [{ sweep: 'colour=1,2' }, /unknown setting 'colour'/],
    [{ sweep: 'act=1,2' }, /act is not a numeric setting/],
    [{ sweep: 'depth=' }, /no values/],
    [{ sweep: 'depth=4,,8' }, /empty value/],
    [{ sweep: 'depth=0..10:5' }, /depth: 0 is out of range \[1, 1000\]/],
    [{ sweep: 'width=1..2048:3' }, /width: 2048 is out of range/],
    [{ sweep: `depth=${many}` }, /more than 200 values/],
    [{ sweep: 'depth=1..500:201' }, /201 values, at most 200/],
    [{ sweep: 'depth=1..10' }, /not a range A\.\.B:N/],
    [{ sweep: 'depth=4', seeds: '9..1' }, /seeds: '9\.\.1'/],
    [{ sweep: 'depth=4', arch: 'twin' }, /arch: unknown value 'twin'/],
    [{ sweep: 'depth=4', steps: -1 }, /steps: -1 is out of range/],
    [{ sweep: 'lr=0.1,1' }, /lr changes nothing at initialisation/],
  ];
  const base = engine.heapInUse();
  for (const [spec, re] of cases) {
    assert.throws(() => engine.sweep({}, spec), (e) => e instanceof GradLab.GradLabError && e.code === 1 && re.test(e.message), JSON.stringify(spec));
  }
  assert.throws(() => engine.sweep({ depth: 0 }, { sweep: 'width=8' }), /depth: 0 is out of range/, 'the config is validated too');
  assert.throws(() => engine.sweep({}, null), /spec must be/);
  /* a value whose network gl_create would refuse: refused when the sweep is made, before anything trains */
  assert.throws(() => engine.sweep({ block: 2, width: 8, points: 16 }, { sweep: 'depth=2,3', arch: 'plain' }),
    (e) => e.code === 1 && /depth=3 \(plain\): depth: 3 is not a multiple of block \(2\)/.test(e.message));
  assert.throws(() => engine.sweep({ depth: 1000, block: 1 }, { sweep: 'width=64,1024', arch: 'plain' }),
    (e) => e.code === 2 && /width=1024 \(plain\): depth\/width\/batch: this network needs \d+ MB/.test(e.message));
  const sw = engine.sweep({ block: 2, width: 8, points: 16 }, { sweep: 'depth=2,4', arch: 'plain' });
  sw.run();
  assert.throws(() => sw.run(0), /maxSteps must be an integer >= 1/);
  sw.free();
  sw.free();
  assert.throws(() => sw.run(), /this sweep has been freed/);
  assert.throws(() => sw.result(), /freed/);
  // cancel mid-unit: a live network is freed with the sweep
  const live = engine.sweep({ depth: 30, width: 32 }, { sweep: 'depth=30,60', seeds: '1..3', steps: 500 });
  live.run(3);
  assert.ok(live.done === 0 && live.progress > 0);
  live.free();
  assert.equal(engine.heapInUse(), base, 'bytes in use back where they were');
});

function startWorker() {
  const w = new Worker(join(root, 'tests/node/worker-shim.cjs'), {
    workerData: { gradlab: join(root, 'web/js/engine/gradlab.js'), core: join(root, 'web/js/engine/worker-core.js'), engineDir },
  });
  const inbox = [];
  const waiters = [];
  w.on('message', (m) => {
    inbox.push(m);
    for (const wt of waiters.splice(0)) wt();
  });
  const next = (pred, ms = 60000) => new Promise((resolve, reject) => {
    const t0 = Date.now();
    const look = () => {
      const i = inbox.findIndex(pred);
      if (i >= 0) return resolve(inbox.splice(i, 1)[0]);
      if (Date.now() - t0 > ms) return reject(new Error('timed out waiting for a message'));
      waiters.push(look);
      setTimeout(() => { const k = waiters.indexOf(look); if (k >= 0) { waiters.splice(k, 1); look(); } }, 200);
    };
    look();
  });
  return { w, inbox, next, send: (m) => w.postMessage(m) };
}

test('Worker: sweep streams sweep_progress, ends with sweep_result equal to the wrapper\'s', async () => {
  const { w, next, send, inbox } = startWorker();
  try {
    const spec = { sweep: 'depth=2..40:6', seeds: '1..3', arch: 'both', steps: 0 };
    const config = { width: 32, act: 'sigmoid', block: 1 };
    send({ type: 'sweep', id: 7, config, ...spec });
    const first = await next((m) => m.type === 'sweep_progress');
    assert.equal(first.id, 7);
    assert.equal(first.done, 0);
    assert.equal(first.total, 6 * 3 * 2);
    assert.deepEqual(first.result.values, [2, 4, 7, 12, 22, 40], '2 x 20^(i/5), rounded');
    const end = await next((m) => m.type === 'sweep_result');
    assert.equal(end.id, 7);
    assert.equal(end.done, end.total);
    const engine = await loadEngine();
    const sw = engine.sweep(config, spec);
    runAll(sw);
    assert.deepEqual(end.result, sw.result());
    sw.free();
    const progress = inbox.filter((m) => m.type === 'sweep_progress').map((m) => m.done);
    assert.ok(progress.every((d, i) => i === 0 || d >= progress[i - 1]), 'done never goes back');
    assert.equal(inbox.filter((m) => m.type === 'error').length, 0);
  } finally {
    await w.terminate();
  }
});

test('Worker: a long sweep answers other messages, then sweep_cancel stops it; bad ranges are errors', async () => {
  const { w, next, send, inbox } = startWorker();
  try {
    // about 9 units of 3000 training steps at depth 20: many turns of the event loop
    send({ type: 'sweep', id: 1, config: { depth: 20, width: 32, act: 'tanh' }, sweep: 'width=16,32,64', seeds: '1..3', arch: 'plain', steps: 3000 });
    await next((m) => m.type === 'sweep_progress' && m.id === 1);
    await next((m) => m.type === 'sweep_progress' && m.id === 1 && m.progress > 0);
    send({ type: 'speed', value: 2, id: 2 });
    const sp = await next((m) => m.type === 'speed');
    assert.equal(sp.id, 2);
    /* answered between two turns of the sweep, which goes on afterwards */
    const after = await next((m) => m.type === 'sweep_progress' && m.id === 1);
    assert.ok(after.done < after.total && !inbox.some((m) => m.type === 'sweep_result'), 'the speed reply came mid-sweep');
    send({ type: 'sweep_cancel', id: 3 });
    const c = await next((m) => m.type === 'sweep_cancelled');
    assert.equal(c.id, 3);
    assert.equal(c.was_running, true);
    assert.equal(c.sweep_id, 1);
    assert.ok(c.done < c.total, `cancelled after ${c.done} of ${c.total} units`);
    await new Promise((r) => setTimeout(r, 300));
    const n = inbox.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(inbox.slice(n).filter((m) => m.type === 'sweep_progress').length, 0, 'no progress after cancel');
    assert.ok(!inbox.some((m) => m.type === 'sweep_result'), 'no result for a cancelled sweep');
    send({ type: 'sweep_cancel', id: 4 });
    assert.equal((await next((m) => m.type === 'sweep_cancelled' && m.id === 4)).was_running, false);
    send({ type: 'sweep', id: 5, config: {}, sweep: 'depth=1..1000:500' });
    const e1 = await next((m) => m.type === 'error');
    assert.equal(e1.where, 'sweep');
    assert.equal(e1.id, 5);
    assert.match(e1.message, /500 values, at most 200/);
    assert.equal(e1.code, 1);
    send({ type: 'sweep', id: 6, config: { block: 2 }, sweep: 'depth=2,3', arch: 'plain' });
    const e2 = await next((m) => m.type === 'error');
    assert.equal(e2.id, 6);
    assert.match(e2.message, /depth=3 \(plain\): depth: 3 is not a multiple of block/);
    // a new sweep replaces one in flight
    send({ type: 'sweep', id: 8, config: { depth: 20 }, sweep: 'width=16,32', seeds: '1..3', steps: 3000 });
    await next((m) => m.type === 'sweep_progress' && m.id === 8);
    send({ type: 'sweep', id: 9, config: { width: 8, points: 32 }, sweep: 'depth=2,4', arch: 'plain' });
    const rep = await next((m) => m.type === 'sweep_cancelled' && m.id === 8);
    assert.equal(rep.replaced, true);
    const done = await next((m) => m.type === 'sweep_result' && m.id === 9);
    assert.deepEqual(done.result.values, [2, 4]);
  } finally {
    await w.terminate();
  }
});

/* the symmetric start's constant is a sweepable setting like init_std: each
   value's units are networks with every weight that value (engine.create's).
   (Its grad_ratio_log10 is null at init: with every weight c the two logits
   are equal for every example, so dL/dh = c (dz_1 + dz_2) = 0 below Lin_out.) */
test('engine.sweep over init_value with init=constant: the single networks\' numbers; refused without init=constant', async () => {
  const engine = await loadEngine();
  const config = { init: 'constant', depth: 4, width: 8, act: 'tanh', block: 1, data: 'spiral', points: 64 };
  const sw = engine.sweep(config, { sweep: 'init_value=0.1,0.5', seeds: '1..1', arch: 'plain', steps: 5 });
  runAll(sw);
  const r = sw.result();
  sw.free();
  assert.deepEqual(r.values, [0.1, 0.5]);
  r.values.forEach((v, i) => {
    const net = engine.create({ ...config, init_value: v }, 'plain');
    const s0 = net.measure().stats(), L = s0.grad_norm.length;
    assert.ok(s0.grad_norm.slice(0, L - 1).every((g) => g === 0) && s0.grad_norm[L - 1] > 0, 'at init only Lin_out has a gradient');
    const s = net.step(5).measure().stats();
    net.free();
    assert.ok(Math.abs(r.plain.final_loss.median[i] - s.loss) <= 5e-9 * s.loss, `init_value=${v}: final_loss ${r.plain.final_loss.median[i]} vs ${s.loss}`);
    assert.ok(r.plain.final_loss.median[i] !== r.plain.final_loss.median[1 - i], 'the values give different runs');
  });
  assert.throws(() => engine.sweep({ init: 'xavier' }, { sweep: 'init_value=0.1,0.5' }), /init_value sets the weights only when init=constant \(init is xavier\)/);
});
