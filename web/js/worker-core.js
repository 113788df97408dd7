/*
 * worker-core.js - the training loop behind the page, as a message handler
 * that knows nothing of where it runs.  web/js/worker.js wires it to a
 * browser Worker; tests/node wire it to node's worker_threads.  The protocol
 * is documented in docs/worker-protocol.md.
 *
 *   const core = GradLabWorkerCore.create(engine, post, { now, schedule });
 *   core.handle(message);
 *
 * One run = one config = the networks its `arch` names (plain, residual or
 * both), built from the same seed and data.  Training runs in ticks: each
 * tick runs record intervals (record_every steps per network) until its time
 * budget is spent, then posts every record it made and yields, so pause and
 * reconfigure messages are handled between ticks.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GradLabWorkerCore = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /* speed levels: intervals per tick (or a time budget per tick) and the pause between ticks */
  const SPEEDS = [
    { maxIntervals: 1, budgetMs: 1000, delayMs: 300 },
    { maxIntervals: 1, budgetMs: 1000, delayMs: 60 },
    { maxIntervals: 4, budgetMs: 30, delayMs: 16 },
    { maxIntervals: 1e9, budgetMs: 25, delayMs: 0 },
    { maxIntervals: 1e9, budgetMs: 60, delayMs: 0 },
  ];
  const DEFAULT_SPEED = 3;

  function create(engine, post, env = {}) {
    const now = env.now || (() => Date.now());
    const schedule = env.schedule || ((fn, ms) => setTimeout(fn, ms));
    const state = { config: null, canonical: null, runs: null, running: false, speed: DEFAULT_SPEED, timer: 0, generation: 0 };

    function freeRuns() {
      if (state.runs) for (const n of Object.values(state.runs)) n.free();
      state.runs = null;
    }

    function snapshot() {
      const out = {};
      for (const [arch, net] of Object.entries(state.runs)) out[arch] = net.stats();
      return out;
    }

    function allStopped() {
      return Object.values(state.runs).every((n) => n.stats().status === 'diverged' || n.stepsDone >= state.canonical.steps);
    }

    function configure(config) {
      stop();
      const runs = engine.createRuns(config); /* throws with the C message */
      freeRuns();
      state.runs = runs;
      state.config = config;
      state.canonical = engine.normalize(config);
      for (const net of Object.values(runs)) net.measure(); /* the record at step 0 */
      const first = Object.values(runs)[0];
      post({
        type: 'configured',
        config: state.canonical,
        archs: Object.keys(runs),
        layers: first.layers,
        blocks: first.nBlocks,
        data: first.data(),
        memoryBytes: Object.values(runs).reduce((s, n) => s + n.memoryBytes, 0),
        stats: snapshot(),
      });
    }

    /* One record interval for every network: record_every steps (fewer at the end). */
    function interval() {
      const every = state.canonical.record_every, total = state.canonical.steps;
      for (const net of Object.values(state.runs)) {
        const left = total - net.stepsDone;
        if (left > 0 && net.stats().status === 'ok') net.step(Math.min(every, left));
        if (net.stepsDone >= total && net.stats().status === 'ok') net.measure();
      }
      return snapshot();
    }

    function tick(gen) {
      if (!state.running || gen !== state.generation) return;
      const sp = SPEEDS[state.speed];
      const t0 = now();
      const records = [];
      let done = false;
      try {
        do {
          records.push(interval());
          done = allStopped();
        } while (!done && records.length < sp.maxIntervals && now() - t0 < sp.budgetMs);
      } catch (e) {
        state.running = false;
        post({ type: 'error', where: 'run', message: e.message, code: e.code || 0 });
        return;
      }
      post({ type: 'stats', records, running: !done });
      if (done) {
        state.running = false;
        post({ type: 'done', steps_done: stepsDone() });
        return;
      }
      state.timer = schedule(() => tick(gen), sp.delayMs);
    }

    function stepsDone() {
      return Math.max(...Object.values(state.runs).map((n) => n.stepsDone));
    }

    function stop() {
      state.running = false;
      state.generation++;
    }

    function handle(msg) {
      const id = msg && msg.id;
      const reply = (m) => post(id === undefined ? m : Object.assign({ id }, m));
      try {
        switch (msg && msg.type) {
          case 'init':
            reply({ type: 'ready', version: engine.version, settings: engine.settings, fields: engine.fieldNames, speeds: SPEEDS.length, speed: state.speed });
            break;
          case 'configure':
            configure(msg.config || {});
            break;
          case 'reset':
            if (!state.config) throw new Error('reset: no configuration yet (send configure first)');
            configure(state.config);
            break;
          case 'run':
            if (!state.runs) throw new Error('run: no configuration yet (send configure first)');
            if (allStopped()) {
              reply({ type: 'done', steps_done: stepsDone() });
              break;
            }
            if (!state.running) {
              state.running = true;
              state.generation++;
              const gen = state.generation;
              schedule(() => tick(gen), 0);
            }
            break;
          case 'pause':
            stop();
            reply({ type: 'paused', steps_done: state.runs ? stepsDone() : 0 });
            break;
          case 'step': {
            if (!state.runs) throw new Error('step: no configuration yet (send configure first)');
            stop();
            const n = msg.intervals === undefined ? 1 : msg.intervals;
            if (!Number.isInteger(n) || n < 1 || n > 100000) throw new Error(`step: intervals must be an integer in [1, 100000] (got ${n})`);
            const records = [];
            for (let i = 0; i < n && !allStopped(); i++) records.push(interval());
            reply({ type: 'stats', records, running: false });
            if (allStopped()) reply({ type: 'done', steps_done: stepsDone() });
            break;
          }
          case 'speed': {
            const v = msg.value;
            if (!Number.isInteger(v) || v < 0 || v >= SPEEDS.length) throw new Error(`speed: value must be an integer in [0, ${SPEEDS.length - 1}] (got ${v})`);
            state.speed = v;
            reply({ type: 'speed', value: v });
            break;
          }
          case 'predict': {
            if (!state.runs) throw new Error('predict: no configuration yet (send configure first)');
            const { nx, ny, bounds } = msg;
            const out = { type: 'boundary', nx, ny, bounds, grids: {} };
            for (const [arch, net] of Object.entries(state.runs)) {
              out.grids[arch] = net.predictGrid(bounds[0], bounds[1], bounds[2], bounds[3], nx, ny);
              out.classes = net.nClasses;
            }
            reply(out);
            break;
          }
          default:
            throw new Error(`unknown message type '${msg && msg.type}'`);
        }
      } catch (e) {
        reply({ type: 'error', where: (msg && msg.type) || 'message', message: e.message, code: e.code || 0 });
      }
    }

    return { handle, state };
  }

  return { create, SPEEDS, DEFAULT_SPEED };
});
