// @ts-check
/*
 * worker-sweep.js - the Worker's sweep in flight: one engine sweep
 * (sweep.js; a plane when the request has `sweep2`) run a few pieces per
 * turn of the event loop, its progress and partial result (a plane's: partial
 * grids) posted as it goes, its result at the end; cancelled, or replaced by
 * the next `sweep` request.  worker-core.js owns one and hands
 * it the `sweep` and `sweep_cancel` requests (docs/worker-protocol.md).
 *
 *   const sweeps = GradLabWorkerSweep.create(engine, post, { now, schedule });
 *   sweeps.start(msg, runConfig, reply); // sweep_progress ..., then sweep_result or an error
 *   sweeps.cancel();                     // {sweep_id, done, total, progress}, or null
 *
 * Classic script (self.GradLabWorkerSweep: importScripts before
 * worker-core.js) or CommonJS module (worker-core.js requires it in node).
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GradLabWorkerSweep = factory();
})(typeof self !== 'undefined' ? self : /** @type {any} */ (globalThis), function () {
  'use strict';
  /** @typedef {import('./gradlab.js').Engine} Engine */
  /** @typedef {import('./gradlab.js').Config} Config */
  /** @typedef {import('./protocol.js').Request} Request */
  /** @typedef {import('./protocol.js').Reply} Reply */
  /** @typedef {{sweep: import('./sweep.js').Sweep, id: Request['id'], cancelled: boolean, maxSteps: number, lastResult: number}} SweepRun */

  const SWEEP_TICK_MS = 30; /* work per turn of the event loop */
  const SWEEP_RESULT_MS = 250; /* the partial result rides on a progress message at most this often */

  /**
   * @param {Engine} engine @param {(m: Reply) => void} post replies that answer no request (a replaced sweep)
   * @param {{now: () => number, schedule: (fn: () => void, ms: number) => any}} env the core's clock and timer
   */
  function create(engine, post, { now, schedule }) {
    /** @type {SweepRun | null} */
    let current = null;

    /** @param {SweepRun} s */
    function statusOf(s) {
      return { done: s.sweep.done, total: s.sweep.total, progress: s.sweep.progress };
    }

    /** Frees the sweep in flight; returns how far it got ({sweep_id, done, total, progress}), or null. */
    function cancel() {
      const s = current;
      if (!s) return null;
      const how = statusOf(s);
      s.cancelled = true;
      s.sweep.free();
      current = null;
      return Object.assign({ sweep_id: s.id }, how);
    }

    /**
     * Starts the sweep a `sweep` request asks for (over msg.config, else the run's config), replacing
     * the one in flight; throws the engine's message when the sweep cannot be made.
     * @param {Request} msg @param {Config | null} runConfig @param {(m: Reply) => void} reply
     */
    function start(msg, runConfig, reply) {
      const config = Object.assign({}, msg.config || runConfig || {});
      const sweep = engine.sweep(config, { sweep: msg.sweep, sweep2: msg.sweep2, seeds: msg.seeds, arch: msg.arch, steps: msg.steps });
      const old = cancel();
      if (old) post(Object.assign({ type: 'sweep_cancelled', id: old.sweep_id, replaced: true }, old));
      /** @type {SweepRun} */
      const s = { sweep, id: msg.id, cancelled: false, maxSteps: 1, lastResult: now() };
      current = s;
      reply(Object.assign({ type: 'sweep_progress', result: sweep.result() }, statusOf(s)));
      const tickS = () => {
        if (s.cancelled || current !== s) return;
        const t0 = now();
        try {
          /* pieces of at most maxSteps training steps, doubled while a piece is quick
           * and halved when one is slow, until the turn's budget is spent */
          do {
            const p0 = now();
            sweep.run(s.maxSteps);
            const took = now() - p0;
            if (took < SWEEP_TICK_MS / 8 && s.maxSteps < 1 << 20) s.maxSteps *= 2;
            else if (took > SWEEP_TICK_MS && s.maxSteps > 1) s.maxSteps = Math.max(1, s.maxSteps >> 1);
          } while (!sweep.finished && now() - t0 < SWEEP_TICK_MS);
        } catch (e) {
          cancel();
          reply({ type: 'error', where: 'sweep', message: e.message, code: e.code || 0 });
          return;
        }
        if (sweep.finished) {
          const out = Object.assign({ type: 'sweep_result', result: sweep.result() }, statusOf(s));
          cancel();
          reply(out);
          return;
        }
        /** @type {Reply} */
        const m = Object.assign({ type: 'sweep_progress' }, statusOf(s));
        if (now() - s.lastResult >= SWEEP_RESULT_MS) {
          m.result = sweep.result();
          s.lastResult = now();
        }
        reply(m);
        schedule(tickS, 0);
      };
      schedule(tickS, 0);
    }

    return { start, cancel };
  }

  return { create };
});
