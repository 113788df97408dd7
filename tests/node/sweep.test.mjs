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
      const m = { grad_ratio_log10: [], act_grad_ratio_log10: [], chi_geomean: [], grad_ratio_theory_log10: [], act_grad_ratio_theory_log10: [] };
      for (let seed = 2; seed <= 5; seed++) {
        const net = engine.create({ ...config, depth, seed }, arch);
        const s = net.measure().stats();
        net.free();
        const L = s.grad_norm.length;
        m.grad_ratio_log10.push(Math.log10(s.grad_norm[0] / s.grad_norm[L - 1]));
        m.act_grad_ratio_log10.push(Math.log10(s.act_grad_norm[0] / s.act_grad_norm[L - 1]));
        m.chi_geomean.push(Math.exp(s.chi.slice(1, L - 1).reduce((a, c) => a + Math.log(c), 0) / (L - 2)));
        m.grad_ratio_theory_log10.push(Math.log10(s.grad_norm_theory[0] / s.grad_norm_theory[L - 1]));
        m.act_grad_ratio_theory_log10.push(Math.log10(s.act_grad_norm_theory[0] / s.act_grad_norm_theory[L - 1]));
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
  assert.equal(compared, 2 * 3 * 5 * 3);
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

// ---- planes: two settings at every pair of values (spec.sweep2, issue 27) ----

test('a plane: every row is the 1-D sweep at that value, the native CLI prints the same JSON, the mean field rides on the weight-scale axis', async () => {
  const engine = await loadEngine();
  const config = { width: 16, act: 'tanh', init: 'normal', points: 64, block: 1 };
  const spec = { sweep: 'init_std=0.125,0.25,0.5', sweep2: 'depth=2,6', seeds: '1..2', arch: 'both', steps: 5 };
  const pl = engine.sweep(config, spec);
  assert.equal(pl.total, 3 * 2 * 2 * 2);
  runAll(pl, 2);
  const r = pl.result();
  pl.free();
  assert.deepEqual(r.axes.map((a) => [a.name, a.values]), [['init_std', [0.125, 0.25, 0.5]], ['depth', [2, 6]]]);
  assert.ok(!('name' in r) && !('values' in r), 'a plane names its axes, not name/values');
  const ax = r.axes[0];
  assert.deepEqual(ax.sigma_w, [0.5, 1, 2], 'sigma_w = sqrt(width) init_std');
  assert.equal(ax.chi_mf[0], 0.25);
  assert.ok(Math.abs(ax.chi_mf[1] - 1) < 1e-12 && ax.chi_mf[2] > 1, `chi_mf ${ax.chi_mf}`);
  assert.deepEqual([ax.xi[1], ax.xi[2], ax.depth_6xi[2]], [null, null, null], 'xi and 6 xi are null (infinite) at chi >= 1');
  assert.ok(!('chi_mf' in r.axes[1]), 'depth is not a weight-scale axis');
  for (const [j, depth] of [2, 6].entries()) {
    const one = engine.sweep({ ...config, depth }, { ...spec, sweep2: undefined });
    runAll(one, 3);
    const o = one.result();
    one.free();
    for (const arch of ['plain', 'residual']) {
      for (const [m, s] of Object.entries(o[arch])) {
        if (m === 'diverged_share') assert.deepEqual(r[arch][m][j], s, `${arch} diverged_share row ${depth}`);
        else for (const q of ['median', 'p10', 'p90', 'nulls']) assert.deepEqual(r[arch][m][q][j], s[q], `${arch} ${m} ${q} row depth=${depth}`);
      }
    }
  }
  const native = cli({ sweep: spec.sweep, seeds: spec.seeds, arch: 'both', steps: 5, width: 16, act: 'tanh', init: 'normal', points: 64, block: 1 },
    ['--sweep', spec.sweep2]).sweep;
  assert.deepEqual(r, native, 'the same JSON from the WASM and the native build');
});

test('bad planes throw the C message before any unit runs; a plane cancelled mid-unit leaves no bytes behind', async () => {
  const engine = await loadEngine();
  const cases = [
    [{ sweep: 'depth=2,4', sweep2: 'depth=8' }, 1, /depth is swept twice/],
    [{ sweep: 'depth=2,4', sweep2: 'act=1,2' }, 1, /act is not a numeric setting/],
    [{ sweep: 'depth=2,3', sweep2: 'block=1,2', arch: 'plain' }, 1, /depth=3, block=2 \(plain\): depth: 3 is not a multiple of block \(2\)/],
    [{ sweep: 'depth=5..24:20', sweep2: 'width=5..24:20', seeds: '1..1000', arch: 'both' }, 1, /800000 units, at most 400000/],
    [{ sweep: 'depth=500..1000:50', sweep2: 'width=8..16:5', seeds: '1..10', steps: 100 }, 1, /layer-steps of work/],
    [{ sweep: 'depth=2', sweep2: 42 }, 5, /sweep2 must be/],
  ];
  const base = engine.heapInUse();
  for (const [spec, code, re] of cases) {
    assert.throws(() => engine.sweep({ block: 1 }, spec), (e) => e instanceof GradLab.GradLabError && e.code === code && re.test(e.message), JSON.stringify(spec));
  }
  const live = engine.sweep({ width: 32, block: 1 }, { sweep: 'depth=30,60', sweep2: 'width=16,32', seeds: '1..2', steps: 500 });
  live.run(3);
  assert.ok(live.done === 0 && live.progress > 0);
  live.free();
  live.free();
  assert.throws(() => live.result(), /freed/);
  assert.equal(engine.heapInUse(), base, 'bytes in use back where they were');
});

test('Worker: a sweep with sweep2 streams partial grids at most every 250 ms and ends with the wrapper\'s plane; cancel and errors as for the 1-D sweep', async () => {
  const { w, next, send, inbox } = startWorker();
  try {
    const config = { width: 32, act: 'tanh', init: 'normal', block: 1, points: 128 };
    const spec = { sweep: 'init_std=0.1..0.3:3', sweep2: 'depth=2,8,16', seeds: '1..2', arch: 'both', steps: 40 };
    const t0 = Date.now();
    send({ type: 'sweep', id: 11, config, ...spec });
    const first = await next((m) => m.type === 'sweep_progress' && m.id === 11);
    assert.equal(first.total, 3 * 3 * 2 * 2);
    assert.deepEqual(first.result.axes[1].values, [2, 8, 16]);
    assert.ok(first.result.plain.final_acc.median.flat().every((v) => v === null), 'no cell has a number yet');
    const end = await next((m) => m.type === 'sweep_result' && m.id === 11);
    const elapsed = Date.now() - t0;
    const withResult = inbox.filter((m) => m.type === 'sweep_progress' && m.id === 11 && m.result);
    assert.ok(withResult.length <= 1 + elapsed / 250, `${withResult.length} partial results in ${elapsed} ms: at most one per 250 ms`);
    for (const m of withResult) {
      const g = m.result.plain.final_acc.median;
      assert.ok(g.length === 3 && g.every((row) => row.length === 3), 'partial results are whole grids (null where no seed has run)');
    }
    const engine = await loadEngine();
    const sw = engine.sweep(config, spec);
    runAll(sw, 64);
    assert.deepEqual(end.result, sw.result());
    sw.free();
    const done = inbox.filter((m) => m.id === 11 && m.type === 'sweep_progress').map((m) => m.done);
    assert.ok(done.every((d, i) => i === 0 || d >= done[i - 1]), 'done never goes back');
    // a bad plane: error with where 'sweep'
    send({ type: 'sweep', id: 12, config: {}, sweep: 'depth=2,4', sweep2: 'depth=8' });
    const e = await next((m) => m.type === 'error' && m.id === 12);
    assert.equal(e.where, 'sweep');
    assert.match(e.message, /depth is swept twice/);
    // cancel a plane in flight
    send({ type: 'sweep', id: 13, config: { depth: 20, block: 1 }, sweep: 'width=16,32', sweep2: 'depth=20,40', seeds: '1..3', steps: 3000 });
    await next((m) => m.type === 'sweep_progress' && m.id === 13 && m.progress > 0);
    send({ type: 'sweep_cancel', id: 14 });
    const c = await next((m) => m.type === 'sweep_cancelled' && m.id === 14);
    assert.equal(c.sweep_id, 13);
    assert.ok(c.was_running && c.done < c.total);
  } finally {
    await w.terminate();
  }
});
