// worker.test.mjs - the Worker protocol (docs/worker-protocol.md), driven
// from node through worker_threads with the same core the browser runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { root, engineDir, WorkerCore, loadEngine } from './helpers.mjs';

function start() {
  const w = new Worker(join(root, 'tests/node/worker-shim.cjs'), {
    workerData: { gradlab: join(root, 'web/js/engine/gradlab.js'), core: join(root, 'web/js/engine/worker-core.js'), engineDir },
  });
  const inbox = [];
  let waiter = null;
  w.on('message', (m) => {
    inbox.push(m);
    if (waiter && waiter.pred(m)) { const r = waiter.resolve; waiter = null; r(m); }
  });
  const next = (pred, ms = 30000) => {
    const i = inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a message')), ms);
      waiter = { pred: (m) => { if (pred(m)) { clearTimeout(t); inbox.splice(inbox.indexOf(m), 1); return true; } return false; }, resolve };
    });
  };
  return { w, inbox, next, send: (m) => w.postMessage(m) };
}

test('ready unasked, then configure, step, run to the end, reset', async () => {
  const { w, next, send, inbox } = start();
  try {
    /* the Worker announces its engine without being asked: no request, so no id */
    const ready = await next((m) => m.type === 'ready');
    assert.equal(ready.id, undefined);
    assert.match(ready.version, /^\d+\.\d+/);
    assert.equal(ready.threads, 1, 'the single-threaded module');
    assert.ok(ready.settings.some((s) => s.name === 'depth' && s.type === 'int'), JSON.stringify(ready.settings[0]));
    assert.ok(ready.fields.includes('grad_norm'), ready.fields.join(','));
    assert.deepEqual(ready.blockFields, ['block_factor', 'block_shortcut', 'block_branch']);
    assert.equal(ready.speeds, WorkerCore.SPEEDS.length);
    assert.equal(ready.speed, WorkerCore.DEFAULT_SPEED);
    /* asking for it again is no request of the protocol */
    send({ type: 'init', id: 1 });
    const refused = await next((m) => m.type === 'error');
    assert.equal(refused.id, 1);
    assert.match(refused.message, /unknown message type 'init'/);
    send({ type: 'configure', config: { depth: 10, act: 'sigmoid', steps: 60, record_every: 10, arch: 'both', hist: 1 } });
    const conf = await next((m) => m.type === 'configured');
    assert.deepEqual(conf.archs, ['plain', 'residual']);
    assert.equal(conf.layers.length, 12);
    assert.equal(conf.config.depth, 10);
    assert.equal(conf.stats.plain.step, 0);
    assert.equal(conf.data.x.length, 2 * conf.data.n);
    /* the histograms' edges once; every record's counts are nLayers x (edges + 1) */
    assert.deepEqual(Object.keys(conf.hist_edges), ['hist_pre', 'hist_act', 'hist_grad', 'hist_wgrad']);
    assert.deepEqual(Object.values(conf.hist_edges).map((e) => e.length), [65, 41, 105, 105]);
    assert.equal(conf.stats.plain.hist_act.length, 12 * 42);
    assert.ok(conf.stats.residual.hist_pre instanceof Uint32Array);
    assert.ok(Math.abs(conf.act_slow_region.hi - 3.6369) < 1e-4 && conf.act_slow_region.lo === -conf.act_slow_region.hi, 'sigmoid: |z| > 3.6369');
    send({ type: 'step' });
    const one = await next((m) => m.type === 'stats');
    assert.equal(one.records.length, 1);
    assert.equal(one.records[0].plain.steps_done, 10);
    assert.equal(one.records[0].plain.grad_norm.length, 12);
    send({ type: 'run' });
    const records = [];
    let done = null;
    while (!done) {
      const m = await next((x) => x.type === 'stats' || x.type === 'done');
      if (m.type === 'done') done = m; else records.push(...m.records);
    }
    assert.equal(done.steps_done, 60);
    const last = records[records.length - 1];
    assert.equal(last.plain.step, 60, 'the final record measures the state after the last update');
    assert.equal(last.residual.steps_done, 60);
    send({ type: 'reset' });
    const again = await next((m) => m.type === 'configured');
    assert.equal(again.stats.residual.steps_done, 0);
    assert.equal(inbox.filter((m) => m.type === 'error').length, 0);
  } finally {
    await w.terminate();
  }
});

test('pause stops a run; speed and predict answer; errors carry the engine message', async () => {
  const { w, next, send } = start();
  try {
    send({ type: 'configure', config: { depth: 20, width: 64, act: 'tanh', steps: 1000000, record_every: 5, arch: 'both' } });
    await next((m) => m.type === 'configured');
    send({ type: 'speed', value: 4 });
    assert.equal((await next((m) => m.type === 'speed')).value, 4);
    send({ type: 'run' });
    await next((m) => m.type === 'stats' && m.running);
    send({ type: 'pause' });
    const paused = await next((m) => m.type === 'paused');
    assert.ok(paused.steps_done > 0);
    await new Promise((r) => setTimeout(r, 300));
    send({ type: 'step', intervals: 1 });
    const after = await next((m) => m.type === 'stats' && !m.running);
    assert.equal(after.records[0].plain.steps_done, paused.steps_done + 5, 'no training happened while paused');
    send({ type: 'predict', nx: 8, ny: 6, bounds: [-1, 1, -1, 1] });
    const b = await next((m) => m.type === 'boundary');
    assert.equal(b.grids.plain.length, 8 * 6 * 2);
    assert.equal(b.grids.residual.length, 8 * 6 * 2);
    send({ type: 'configure', config: { depth: 1001 } });
    const err = await next((m) => m.type === 'error');
    assert.equal(err.where, 'configure');
    assert.match(err.message, /^depth: 1001 is out of range \[1, 1000\]/);
    send({ type: 'configure', config: { data: 'csv', csv: '1,2,0\n3,x,1\n' } });
    assert.match((await next((m) => m.type === 'error')).message, /CSV line 2, column 2/);
    send({ type: 'speed', value: 9 });
    assert.match((await next((m) => m.type === 'error')).message, /^speed: /);
    send({ type: 'bogus' });
    assert.match((await next((m) => m.type === 'error')).message, /unknown message type 'bogus'/);
    // the old networks survive a refused configuration
    send({ type: 'step' });
    assert.equal((await next((m) => m.type === 'stats')).records[0].plain.status, 'ok');
  } finally {
    await w.terminate();
  }
});

test('a diverging configuration ends the run with the diverged state, no NaN', async () => {
  const { w, next, send } = start();
  try {
    send({ type: 'configure', config: { act: 'relu', init: 'normal', init_std: 1, depth: 30, lr: 0.1, record_every: 1, steps: 200, arch: 'plain' } });
    await next((m) => m.type === 'configured');
    send({ type: 'run' });
    const records = [];
    for (;;) {
      const m = await next((x) => x.type === 'stats' || x.type === 'done');
      if (m.type === 'done') break;
      records.push(...m.records);
    }
    const last = records[records.length - 1].plain;
    assert.equal(last.status, 'diverged');
    assert.ok(last.diverged.step >= 1 && last.diverged.layer >= 1);
    for (const r of records) for (const v of r.plain.grad_norm) assert.ok(Number.isFinite(v));
  } finally {
    await w.terminate();
  }
});

test('conv mode: configure with the digits bytes, predict_test, the degradation experiment', async () => {
  const { readFileSync } = await import('node:fs');
  const digits = { train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))), test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))) };
  const { w, next, send, inbox } = start();
  try {
    const config = { model: 'conv', data: 'digits', blocks: 2, channels: 4, pool: 1, act: 'relu', init: 'he', batch: 32, steps: 20, record_every: 10, arch: 'both', digits };
    send({ type: 'configure', config });
    const conf = await next((m) => m.type === 'configured');
    assert.equal(conf.layers[0], 'conv_1');
    assert.equal(conf.layers[conf.layers.length - 1], 'fc');
    assert.ok(conf.stats.plain.test_acc >= 0 && conf.stats.plain.test_acc <= 1);
    send({ type: 'predict_test', id: 7, first: 3, count: 12, images: true });
    const p = await next((m) => m.type === 'test_predictions');
    assert.equal(p.id, 7);
    assert.equal(p.count, 12);
    assert.equal(p.classes, 10);
    assert.equal(p.height * p.width, 196);
    assert.equal(p.x.length, 12 * 196);
    assert.equal(p.y.length, 12);
    for (const a of ['plain', 'residual']) {
      assert.equal(p.probs[a].length, 12 * 10);
      assert.equal(p.predicted[a].length, 12);
      for (const c of p.predicted[a]) assert.ok(c >= 0 && c < 10);
      let s = 0;
      for (let c = 0; c < 10; c++) s += p.probs[a][c];
      assert.ok(Math.abs(s - 1) < 1e-4, `probabilities sum to ${s}`);
    }
    send({ type: 'predict_test', first: 495, count: 10 });
    assert.match((await next((m) => m.type === 'error')).message, /^predict_test: /);

    send({ type: 'degradation', id: 9, config, depths: [2, 3], steps: 12, every: 4 });
    const recs = [];
    let done = null;
    while (!done) {
      const m = await next((x) => x.type === 'degradation_stats' || x.type === 'degradation_done' || x.type === 'error');
      assert.notEqual(m.type, 'error', m.message);
      assert.equal(m.id, 9);
      if (m.type === 'degradation_done') done = m; else recs.push(...m.records);
    }
    assert.equal(done.records.length, 4);
    for (const depth of [2, 3]) {
      for (const arch of ['plain', 'residual']) {
        const mine = recs.filter((r) => r.depth === depth && r.arch === arch);
        assert.deepEqual(mine.map((r) => r.step), [0, 4, 8, 12], `${arch} ${depth}: ${mine.map((r) => r.step)}`);
        for (const r of mine) assert.ok(Number.isFinite(r.loss) && r.loss > 0, `loss ${r.loss}`);
      }
    }
    // the training networks are untouched by the experiment
    send({ type: 'step' });
    assert.equal((await next((m) => m.type === 'stats')).records[0].plain.steps_done, 10);
    send({ type: 'degradation', depths: [0] });
    assert.match((await next((m) => m.type === 'error')).message, /^degradation: depths/);
    assert.equal(inbox.filter((m) => m.type === 'error').length, 0);
  } finally {
    await w.terminate();
  }
});

test('configured names each stack\'s blocks; change sets lr, clip, momentum of every network between ticks', async () => {
  const { w, next, send, inbox } = start();
  const engine = await loadEngine();
  try {
    const config = { depth: 6, width: 16, act: 'relu', init: 'he', data: 'spiral', batch: 32, steps: 40, record_every: 5, arch: 'both', optimizer: 'momentum', lr: 0.05 };
    send({ type: 'configure', config });
    const conf = await next((m) => m.type === 'configured');
    assert.deepEqual(conf.blockLayers, { plain: [], residual: [[2, 3], [4, 5], [6, 7]] });
    assert.equal(conf.stats.residual.block_factor.length, 3);
    assert.equal(conf.stats.plain.block_factor.length, 0);
    assert.equal(conf.stats.plain.stem_factor, null);
    send({ type: 'step', intervals: 2 });
    await next((m) => m.type === 'stats');
    /* refused: a bad value, a setting that cannot change (after momentum, which is put back), no
       settings; nothing changes */
    for (const [settings, re] of [[{ lr: 20 }, /^lr: 20 is out of range \[1e-09, 10\]/], [{ momentum: 0.2, depth: 3 }, /^depth: cannot change during a run/],
      [{}, /^change: settings must be an object of lr, clip, momentum/], [null, /^change: settings must be/]]) {
      send({ type: 'change', id: 'bad', settings });
      const err = await next((m) => m.type === 'error');
      assert.equal(err.where, 'change');
      assert.equal(err.id, 'bad');
      assert.match(err.message, re);
    }
    send({ type: 'change', id: 3, settings: { lr: 0.01, clip: '0.5' } });
    const changed = await next((m) => m.type === 'changed');
    assert.deepEqual(changed, { type: 'changed', id: 3, step: 10, settings: { lr: 0.01, clip: 0.5 } });
    send({ type: 'run' });
    const records = [];
    for (;;) {
      const m = await next((x) => x.type === 'stats' || x.type === 'done');
      if (m.type === 'done') break;
      records.push(...m.records);
    }
    /* the same runs made with Net.set at step 10 (and only there: the refused changes left nothing) */
    for (const arch of ['plain', 'residual']) {
      const net = engine.create(config, arch);
      net.measure().step(10).set('lr', 0.01).set('clip', 0.5);
      for (const r of records) {
        net.step(Math.min(5, 40 - net.stepsDone));
        if (net.stepsDone >= 40) net.measure();
        const st = net.stats();
        assert.deepEqual(r[arch], st, `${arch} step ${st.step}`);
      }
      net.free();
    }
    send({ type: 'reset' });
    await next((m) => m.type === 'configured');
    /* after a reset the next change applies from step 0 */
    const fresh = await (async () => { send({ type: 'change', settings: { momentum: 0.5 } }); return next((m) => m.type === 'changed'); })();
    assert.equal(fresh.step, 0);
    assert.equal(inbox.filter((m) => m.type === 'error').length, 0);
  } finally {
    await w.terminate();
  }
  const lone = start();
  try {
    lone.send({ type: 'change', settings: { lr: 0.1 } });
    assert.match((await lone.next((m) => m.type === 'error')).message, /^change: no configuration yet/);
  } finally {
    await lone.w.terminate();
  }
});

test('hist: the record\'s histograms switched on and off between steps, kept over a reset, dropped by a configure', async () => {
  const { w, send, next } = start();
  try {
    await next((m) => m.type === 'ready');
    send({ type: 'hist', on: true, id: 1 });
    const early = await next((m) => m.type === 'error');
    assert.match(early.message, /hist: no configuration yet/);
    send({ type: 'configure', config: { depth: 4, width: 8, act: 'relu', steps: 40, record_every: 5, arch: 'both' } });
    const conf = await next((m) => m.type === 'configured');
    assert.equal(conf.config.hist, 0, 'off by default');
    assert.ok(!('hist_pre' in conf.stats.plain), 'a record without them has no hist_* keys');
    assert.equal(conf.hist_edges.hist_act.length, 65, 'the edges come anyway (relu: hist_pre\'s)');
    assert.deepEqual(conf.act_slow_region, { lo: 0, hi: null });
    send({ type: 'hist', on: 'yes', id: 2 });
    assert.match((await next((m) => m.type === 'error')).message, /hist: on must be true or false/);
    send({ type: 'hist', on: true, id: 3 });
    const on = await next((m) => m.type === 'hist');
    assert.deepEqual({ ...on, stats: undefined }, { id: 3, type: 'hist', on: true, steps_done: 0, stats: undefined });
    /* before the first step: step 0 measured again, the same numbers with the histograms beside them */
    for (const arch of ['plain', 'residual']) {
      const { hist_pre, hist_act, hist_grad, hist_wgrad, hist_edges, ...rest } = on.stats[arch];
      assert.ok(hist_pre instanceof Uint32Array && hist_act && hist_grad && hist_wgrad && hist_edges, `${arch}: step 0 now has its histograms`);
      assert.deepEqual(rest, conf.stats[arch], `${arch}: step 0's other numbers unchanged`);
    }
    send({ type: 'step' });
    const rec = (await next((m) => m.type === 'stats')).records[0];
    for (const arch of ['plain', 'residual']) {
      const h = rec[arch].hist_pre, layers = 6, bins = 66;
      assert.equal(h.length, layers * bins);
      for (let l = 0; l < layers; l++) {
        const sum = h.slice(l * bins, (l + 1) * bins).reduce((s, c) => s + c, 0);
        assert.equal(sum, 256 * (l < layers - 1 ? 8 : 2), `${arch} layer ${l + 1}: every value counted`);
      }
    }
    send({ type: 'reset' });
    const again = await next((m) => m.type === 'configured');
    assert.ok(again.stats.plain.hist_grad instanceof Uint32Array, 'a reset keeps the switch');
    send({ type: 'configure', config: { depth: 4, width: 8, steps: 40, arch: 'plain' } });
    const fresh = await next((m) => m.type === 'configured');
    assert.ok(!('hist_grad' in fresh.stats.plain), 'a configure starts from its config again');
  } finally {
    await w.terminate();
  }
});

test('hist: switched on at step 0, the run keeps the bits of one configured with histograms (batch norm, batches)', async () => {
  const config = { depth: 6, width: 8, act: 'tanh', norm: 'batch', batch: 16, steps: 20, record_every: 5, arch: 'both', seed: 3 };
  /** @param {boolean} late the histograms switched on after configuring, or carried by the configure */
  async function records(late) {
    const { w, send, next } = start();
    try {
      await next((m) => m.type === 'ready');
      send({ type: 'configure', config: { ...config, hist: late ? 0 : 1 } });
      const conf = await next((m) => m.type === 'configured');
      let first = conf.stats;
      if (late) {
        send({ type: 'hist', on: true });
        first = (await next((m) => m.type === 'hist')).stats;
      }
      const out = [first];
      while (out.length < 5) {
        send({ type: 'step' });
        out.push(...(await next((m) => m.type === 'stats')).records);
      }
      return out;
    } finally {
      await w.terminate();
    }
  }
  const [late, early] = [await records(true), await records(false)];
  assert.equal(late.length, 5);
  assert.deepEqual(late, early, 'every record, histograms included, the same bits');
  assert.ok(late[4].plain.step === 20 && late[4].plain.hist_pre instanceof Uint32Array);
});

/**
 * A record of the Worker against the CLI's of the same step, printed with --digits 17 (which
 * reads back as the same doubles): every per-layer field the CLI prints, loss, accuracy and the
 * per-block factors, bit for bit.  Returns the first difference, or ''.
 */
function firstDifference(mine, ref, fields) {
  if (mine.step !== ref.step) return `step ${mine.step} vs ${ref.step}`;
  for (const k of ['loss', 'acc']) if (!Object.is(mine[k], ref[k])) return `${k} ${mine[k]} vs ${ref[k]}`;
  for (const f of [...fields, ...(ref.block_factor ? ['block_factor', 'block_shortcut', 'block_branch'] : [])]) {
    const a = [...mine[f]], b = ref[f];
    if (!b || a.length !== b.length) return `${f}: length`;
    const at = a.findIndex((v, i) => !Object.is(v, b[i]));
    if (at >= 0) return `${f}[${at}] ${a[at]} vs ${b[at]}`;
  }
  return '';
}

test('change with a step: held and applied exactly at that update, as the CLI\'s --change (every record bit for bit); refused at once when it cannot be', async () => {
  const { cli } = await import('./helpers.mjs');
  const { w, next, send, inbox } = start();
  const engine = await loadEngine();
  const fields = engine.fieldNames.filter((f) => f !== 'gamma_grad_norm');
  try {
    const config = { depth: 6, width: 16, act: 'relu', init: 'he', data: 'spiral', points: 128, batch: 32, steps: 40, record_every: 5, arch: 'both', optimizer: 'momentum', lr: 0.05, seed: 3 };
    const changes = [[0, 'clip', '0.5'], [7, 'lr', '0.01'], [7, 'clip', '0'], [12, 'momentum', '0.5'], [20, 'lr', '0.2'], [20, 'lr', '0.03']];
    send({ type: 'configure', config });
    await next((m) => m.type === 'configured');
    /* the later ones held (sent out of order: they are kept in step order, for one step in the order sent) */
    for (const [step, name, value] of [changes[3], changes[0], changes[1], changes[2], changes[4], changes[5]]) send({ type: 'change', id: `${step}${name}${value}`, step, settings: { [name]: value } });
    for (const [step, name, value] of changes) {
      const m = await next((x) => x.type === 'changed' && x.id === `${step}${name}${value}`);
      assert.deepEqual(m, step === 0 ? { type: 'changed', id: m.id, step: 0, settings: { [name]: Number(value) } }
        : { type: 'changed', id: m.id, step, settings: { [name]: Number(value) }, scheduled: true });
    }
    /* refused at once, nothing held: a step past, the last step or beyond, a bad value, a setting that cannot change */
    send({ type: 'step' });
    const records = [...(await next((m) => m.type === 'stats')).records];
    for (const [msg, re] of [[{ step: 3, settings: { lr: 0.1 } }, /^change: step 3 has passed \(the networks have made 5 updates\)/],
      [{ step: 40, settings: { lr: 0.1 } }, /^change: the run has 40 steps; a change applies from an update before the last/],
      [{ step: 30, settings: { lr: 20 } }, /^lr: 20 is out of range \[1e-09, 10\]/],
      [{ step: 30, settings: { depth: 3 } }, /^depth: cannot change during a run/],
      [{ step: 1.5, settings: { lr: 0.1 } }, /^change: step must be an integer >= 0/]]) {
      send({ type: 'change', id: 'bad', ...msg });
      const err = await next((m) => m.type === 'error');
      assert.equal(err.where, 'change');
      assert.match(err.message, re);
    }
    send({ type: 'run' });
    for (;;) {
      const m = await next((x) => x.type === 'stats' || x.type === 'done');
      if (m.type === 'done') break;
      records.push(...m.records);
    }
    const ref = cli(config, ['--digits', '17', ...changes.flatMap(([s, n, v]) => ['--change', `${s}:${n}=${v}`])]);
    assert.equal(ref.changes.length, changes.length);
    for (const arch of ['plain', 'residual']) {
      const hist = ref.runs[arch].history;
      /* the Worker's records from step 0 (its `configured` has the measurement before the first
         update); the last interval's record is the final measurement (step 40: the CLI also
         keeps step 35's, measured inside it) */
      assert.deepEqual(records.map((r) => r[arch].step), hist.map((h) => h.step).filter((x) => x !== 35), `${arch}: the same records`);
      for (const r of records) assert.equal(firstDifference(r[arch], hist.find((h) => h.step === r[arch].step), fields), '', `${arch} step ${r[arch].step}`);
    }
    /* a reset forgets what was held: the run is the unchanged one again */
    send({ type: 'configure', config });
    await next((m) => m.type === 'configured');
    send({ type: 'change', step: 10, settings: { lr: 0.3 } });
    await next((m) => m.type === 'changed');
    send({ type: 'reset' });
    await next((m) => m.type === 'configured');
    send({ type: 'step', intervals: 8 });
    const again = (await next((m) => m.type === 'stats')).records;
    const plainRef = cli(config, ['--digits', '17']).runs.plain.history;
    assert.equal(again.length, 8);
    for (const r of again) assert.equal(firstDifference(r.plain, plainRef.find((h) => h.step === r.plain.step), fields), '', `after reset, step ${r.plain.step}`);
    assert.equal(inbox.filter((m) => m.type === 'error').length, 0);
  } finally {
    await w.terminate();
  }
});
