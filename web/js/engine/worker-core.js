// @ts-check
/*
 * worker-core.js - the training loop behind the page, as a message handler
 * that knows nothing of where it runs.  web/js/engine/worker.js wires it to a
 * browser Worker; tests/node wire it to node's worker_threads.  The protocol
 * is documented in docs/worker-protocol.md.
 *
 *   const core = GradLabWorkerCore.create(engine, post, { now, schedule });  // posts `ready`
 *   core.handle(message);
 *
 * The core posts `ready` (the engine's version, settings table, fields and
 * speeds) as soon as it is made, unasked: the page only has to listen.
 *
 * One run = one config = the networks its `arch` names (plain, residual or
 * both), built from the same seed and data.  Training runs in ticks: each
 * tick runs record intervals (record_every steps per network) until its time
 * budget is spent, then posts every record it made and yields, so pause and
 * reconfigure messages are handled between ticks.  The degradation
 * experiment runs the same way beside it; a sweep is worker-sweep.js's.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./protocol.js'), require('./worker-sweep.js'));
  else root.GradLabWorkerCore = factory(root.GradLabProtocol, root.GradLabWorkerSweep);
})(typeof self !== 'undefined' ? self : /** @type {any} */ (globalThis), function (
  /** @type {typeof import('./protocol.js')} */ Protocol, /** @type {typeof import('./worker-sweep.js')} */ WorkerSweep) {
  'use strict';
  /** @typedef {import('./gradlab.js').Engine} Engine */
  /** @typedef {import('./net.js').Net} Net */
  /** @typedef {import('./gradlab.js').Config} Config */
  /** @typedef {import('./net.js').Stats} Stats */
  /** @typedef {import('./protocol.js').Request} Request */
  /** @typedef {import('./protocol.js').Reply} Reply */
  /** @typedef {{[arch: string]: Stats}} Snapshot one record of every network, by arch */
  /** @typedef {{depth: number, arch: string, net: Net, lastStep: number}} DegradationNet */
  /** @typedef {{nets: DegradationNet[], steps: number, every: number, cancelled: boolean, next: number, id: Request['id']}} Degradation */
  /**
   * What the core holds between messages (its `state`): the run's config as sent and in canonical
   * form, its networks, whether it is training, the degradation experiment (the sweep in flight is
   * worker-sweep.js's).
   * @typedef {{config: Config | null, canonical: Config | null, runs: {[arch: string]: Net} | null, running: boolean,
   *   speed: number, timer: any, generation: number, testData: import('./net.js').DataSet | null,
   *   degradation: Degradation | null, hist: boolean | null, schedule: Scheduled[]}} CoreState
   *   schedule: the changes of course held for a later step (`change` with `step`), in step order
   */
  /**
   * A change of course held for its step: applied to each network just before its update `step`
   * (a record interval is cut there), as the CLI's --change does; `done` lists the networks it has
   * been applied to.
   * @typedef {{step: number, settings: {[name: string]: number | string}, done: Set<Net>}} Scheduled
   */

  /* speed levels: intervals per tick (or a time budget per tick) and the pause between ticks */
  const SPEEDS = [
    { maxIntervals: 1, budgetMs: 1000, delayMs: 300 },
    { maxIntervals: 1, budgetMs: 1000, delayMs: 60 },
    { maxIntervals: 4, budgetMs: 30, delayMs: 16 },
    { maxIntervals: 1e9, budgetMs: 25, delayMs: 0 },
    { maxIntervals: 1e9, budgetMs: 60, delayMs: 0 },
  ];
  const DEFAULT_SPEED = 3;
  /** where the configured message samples phi and phi': over the z histogram's bins and its two open ends, 0.05 apart (z = 0 among them) */
  const ACT_CURVE = { z0: -8.25, z1: 8.25, n: 331 };

  /**
   * @param {Engine} engine @param {(m: Reply) => void} send
   * @param {{now?: () => number, schedule?: (fn: () => void, ms: number) => any}} [env] the clock and the timer (tests pass fakes)
   */
  function create(engine, send, env = {}) {
    /* every reply is one protocol.js lists */
    const post = (/** @type {Reply} */ m) => {
      if (!Protocol.REPLIES.includes(m.type)) throw new Error(`worker-core: reply type '${m.type}' is not in protocol.js`);
      send(m);
    };
    const now = env.now || (() => Date.now());
    const schedule = env.schedule || ((/** @type {() => void} */ fn, /** @type {number} */ ms) => setTimeout(fn, ms));
    /** @type {CoreState} */
    const state = { config: null, canonical: null, runs: null, running: false, speed: DEFAULT_SPEED, timer: 0, generation: 0, testData: null, degradation: null, hist: null, schedule: /** @type {Scheduled[]} */ ([]) };
    /* the sweep in flight (worker-sweep.js): the `sweep` and `sweep_cancel` requests */
    const sweeps = WorkerSweep.create(engine, post, { now, schedule });

    function freeRuns() {
      if (state.runs) for (const n of Object.values(state.runs)) n.free();
      state.runs = null;
    }

    /** @returns {Snapshot} */
    function snapshot() {
      /** @type {Snapshot} */
      const out = {};
      for (const [arch, net] of Object.entries(state.runs)) out[arch] = net.stats();
      return out;
    }

    function allStopped() {
      return Object.values(state.runs).every((n) => n.diverged || n.stepsDone >= state.canonical.steps);
    }

    /** @param {Config} config */
    function configure(config) {
      stop();
      const runs = engine.createRuns(config); /* throws with the C message */
      freeRuns();
      state.runs = runs;
      state.schedule = [];
      state.testData = null;
      state.config = config;
      state.canonical = engine.normalize(config);
      /* a `hist` message since the last configure holds for a reset's networks too */
      if (state.hist !== null) for (const net of Object.values(runs)) net.setHist(state.hist);
      for (const net of Object.values(runs)) net.measure(); /* the record at step 0 */
      const first = Object.values(runs)[0];
      /** @type {{[arch: string]: number[][]}} */
      const blockLayers = {};
      for (const [arch, net] of Object.entries(runs)) blockLayers[arch] = net.blockLayers;
      post({
        type: 'configured',
        config: state.canonical,
        archs: Object.keys(runs),
        layers: first.layers,
        blocks: first.nBlocks,
        /* per stack, each residual block's first and last layer (1-based): [] for a plain stack */
        blockLayers,
        data: first.data(),
        memoryBytes: Object.values(runs).reduce((s, n) => s + n.memoryBytes, 0),
        /* what the records' loss and accuracy are measured on: so many of the training set's and the test split's examples */
        measured: { train: first.evalCount, trainOf: first.nPoints, test: first.evalTestCount, testOf: first.nTest },
        /* the histograms' edges (the hist_* counts of every record that has them are on them) and
           where the activation's slope is below a tenth of its largest (the z histogram's shading) */
        hist_edges: first.histEdges,
        act_slow_region: first.actSlowRegion,
        /* phi and phi' over the z histogram's range, 0.1 apart (gl_act_curve): drawn over it */
        act_curve: first.actCurve(ACT_CURVE.z0, ACT_CURVE.z1, ACT_CURVE.n),
        stats: snapshot(),
      });
    }

    /* One record interval for every network: record_every steps (fewer at the end), cut where a
       held change of course is due (the engine records by the step's number, so the cut changes
       no record). */
    function interval() {
      const every = state.canonical.record_every, total = state.canonical.steps;
      for (const net of Object.values(state.runs)) {
        let left = Math.min(every, total - net.stepsDone);
        while (left > 0 && !net.diverged) {
          applyDue(net);
          const next = state.schedule.find((c) => !c.done.has(net) && c.step > net.stepsDone);
          const n = next ? Math.min(left, next.step - net.stepsDone) : left;
          net.step(n);
          left -= n;
        }
        if (net.stepsDone >= total && !net.diverged) net.measure();
      }
      return snapshot();
    }

    /** The held changes due at this network's next update, applied in order. @param {Net} net */
    function applyDue(net) {
      for (const c of state.schedule) {
        if (c.done.has(net) || c.step > net.stepsDone) continue;
        for (const [name, value] of Object.entries(c.settings)) net.set(name, value);
        c.done.add(net);
      }
      /* the values in force: those of the changes every network has taken */
      const nets = Object.values(state.runs);
      while (state.schedule.length && nets.every((n) => state.schedule[0].done.has(n) || n.diverged)) {
        const c = /** @type {Scheduled} */ (state.schedule.shift());
        for (const [name, value] of Object.entries(c.settings)) state.canonical = Object.assign({}, state.canonical, { [name]: Number(value) });
      }
    }

    /** @param {number} gen the run it belongs to: a tick of an older one does nothing */
    function tick(gen) {
      if (!state.running || gen !== state.generation) return;
      const sp = SPEEDS[state.speed];
      const t0 = now();
      /** @type {Snapshot[]} */
      const records = [];
      let done;
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

    /* ---- changing course mid-run: lr, clip, momentum of every network of the configure ---- */
    const CHANGEABLE = ['lr', 'clip', 'momentum'];

    /**
     * Applies msg.settings to every network between ticks (Net.set: the engine's checks and
     * messages); on a bad name or value restores what it had set and throws, so nothing changes.
     * @param {Request} msg @returns {Reply}
     */
    function change(msg) {
      if (!state.runs) throw new Error('change: no configuration yet (send configure first)');
      const settings = msg.settings;
      if (settings === null || typeof settings !== 'object' || Array.isArray(settings) || !Object.keys(settings).length) {
        throw new Error(`change: settings must be an object of ${CHANGEABLE.join(', ')} (got ${JSON.stringify(settings)})`);
      }
      if (msg.step !== undefined && msg.step !== null) {
        const step = msg.step, total = state.canonical.steps;
        if (!Number.isInteger(step) || step < 0) throw new Error(`change: step must be an integer >= 0 (got ${JSON.stringify(step)})`);
        if (step >= total) throw new Error(`change: the run has ${total} steps; a change applies from an update before the last (got step ${step})`);
        if (step < stepsDone()) throw new Error(`change: step ${step} has passed (the networks have made ${stepsDone()} updates)`);
        if (step > stepsDone()) return hold(step, settings);
      }
      /* a held change due now goes first: this one, sent later, is the newer word */
      for (const net of Object.values(state.runs)) if (!net.diverged) applyDue(net);
      /* the values now, to put back if one is refused: the canonical config with the changes so far */
      const now = state.canonical;
      /** @type {[Net, string][]} */
      const done = [];
      try {
        for (const net of Object.values(state.runs)) {
          for (const [name, value] of Object.entries(settings)) {
            net.set(name, value);
            done.push([net, name]);
          }
        }
      } catch (e) {
        for (const [net, name] of done) net.set(name, now[name]);
        throw e;
      }
      /** @type {{[name: string]: number}} */
      const applied = {};
      for (const [name, value] of Object.entries(settings)) applied[name] = Number(value);
      state.canonical = Object.assign({}, now, applied);
      /* the first update made with them: the next step of every live network */
      return { type: 'changed', step: stepsDone(), settings: applied };
    }

    /**
     * Holds a change for update `step` of every network (interval() applies it there). Checked
     * now by the engine's own rules: each value set, then the value in force put back (the CLI's
     * check of --change), so a refused one is refused at once and changes nothing.
     * @param {number} step @param {{[name: string]: number | string}} settings @returns {Reply}
     */
    function hold(step, settings) {
      const nets = Object.values(state.runs);
      for (const [name, value] of Object.entries(settings)) {
        if (!CHANGEABLE.includes(name)) nets[0].set(name, value); /* throws the engine's message */
        for (const net of nets) {
          net.set(name, value);
          net.set(name, state.canonical[name]);
        }
      }
      /** @type {{[name: string]: number}} */
      const applied = {};
      for (const [name, value] of Object.entries(settings)) applied[name] = Number(value);
      /* after every change already held for this step or before it (the CLI's order for one step) */
      let at = state.schedule.length;
      while (at > 0 && state.schedule[at - 1].step > step) at--;
      state.schedule.splice(at, 0, { step, settings: Object.assign({}, settings), done: new Set() });
      return { type: 'changed', step, settings: applied, scheduled: true };
    }

    function stop() {
      state.running = false;
      state.generation++;
    }

    /* ---- test digits: each network's predictions on test images (data=digits) ---- */
    /** @param {Request} msg @returns {Reply} */
    function predictTest(msg) {
      if (!state.runs) throw new Error('predict_test: no configuration yet (send configure first)');
      const first = Object.values(state.runs)[0];
      if (!first.nTest) throw new Error('predict_test: this data set has no test split (data=digits has one)');
      const start = msg.first === undefined ? 0 : msg.first;
      const count = msg.count === undefined ? Math.min(16, first.nTest - start) : msg.count;
      if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > first.nTest) {
        throw new Error(`predict_test: first and count must pick images inside the ${first.nTest} test images (got ${start}, ${count})`);
      }
      if (!state.testData) state.testData = first.testData();
      const td = state.testData, d = td.d, classes = first.nClasses;
      /** @type {Reply} */
      const out = {
        type: 'test_predictions', first: start, count, classes, n: td.n,
        height: first.image ? first.image.h : 0, width: first.image ? first.image.w : 0,
        y: td.y.slice(start, start + count), probs: {}, predicted: {},
      };
      if (msg.images) out.x = td.x.slice(start * d, (start + count) * d);
      for (const [arch, net] of Object.entries(state.runs)) {
        const p = net.predictTest(start, count);
        const cls = new Int32Array(count);
        for (let i = 0; i < count; i++) {
          let best = 0;
          for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
          cls[i] = best;
        }
        out.probs[arch] = p;
        out.predicted[arch] = cls;
      }
      return out;
    }

    /* ---- the degradation experiment: plain and residual stacks at several depths ---- */
    function freeDegradation() {
      const d = state.degradation;
      if (!d) return;
      d.cancelled = true;
      for (const r of d.nets) r.net.free();
      state.degradation = null;
    }

    /** @param {DegradationNet} r */
    function degradationRecord(r) {
      const s = r.net.stats();
      return { depth: r.depth, arch: r.arch, step: s.step, steps_done: s.steps_done, loss: s.loss, acc: s.acc, test_loss: s.test_loss, test_acc: s.test_acc, status: s.status };
    }

    /** @param {Request} msg @param {(m: Reply) => void} reply */
    function startDegradation(msg, reply) {
      const base = Object.assign({}, msg.config || state.config || {});
      const depths = msg.depths === undefined ? [2, 10] : msg.depths;
      if (!Array.isArray(depths) || depths.length < 1 || depths.length > 6 || !depths.every((b) => Number.isInteger(b) && b >= 1)) {
        throw new Error(`degradation: depths must be a list of 1 to 6 block counts (got ${JSON.stringify(depths)})`);
      }
      const steps = msg.steps === undefined ? 200 : msg.steps;
      if (!Number.isInteger(steps) || steps < 1 || steps > 100000) throw new Error(`degradation: steps must be an integer in [1, 100000] (got ${steps})`);
      const every = msg.every === undefined ? Math.max(1, Math.round(steps / 40)) : msg.every;
      if (!Number.isInteger(every) || every < 1 || every > steps) throw new Error(`degradation: every must be an integer in [1, ${steps}] (got ${every})`);
      const key = base.model === 'conv' ? 'blocks' : 'depth';
      /** @type {DegradationNet[]} */
      const nets = [];
      try {
        for (const depth of depths) {
          const cfg = Object.assign({}, base, { [key]: depth, steps, record_every: every });
          for (const arch of ['plain', 'residual']) nets.push({ depth, arch, net: engine.create(Object.assign({}, cfg, { arch }), arch), lastStep: 0 });
        }
      } catch (e) {
        for (const r of nets) r.net.free();
        throw e;
      }
      /* the main training pauses: the two would share one thread */
      if (state.running) {
        stop();
        post({ type: 'paused', steps_done: stepsDone() });
      }
      freeDegradation();
      /** @type {Degradation} */
      const d = { nets, steps, every, cancelled: false, next: 0, id: msg.id };
      state.degradation = d;
      for (const r of nets) r.net.measure(); /* lastStep is 0 from its making */
      reply({ type: 'degradation_stats', depths, steps, every, records: nets.map(degradationRecord) });
      const tickD = () => {
        if (d.cancelled || state.degradation !== d) return;
        const t0 = now();
        /** @type {ReturnType<typeof degradationRecord>[]} */
        const records = [];
        try {
          do {
            const live = nets.filter((r) => r.net.stepsDone < steps && !r.net.diverged);
            if (!live.length) break;
            const r = live[d.next++ % live.length];
            r.net.step(Math.min(every, steps - r.net.stepsDone));
            /* the record after an interval measures the interval's first step; the end is measured too */
            const push = () => {
              const rec = degradationRecord(r);
              if (rec.step !== r.lastStep || rec.status !== 'ok') records.push(rec);
              r.lastStep = rec.step;
            };
            push();
            if (r.net.stepsDone >= steps && !r.net.diverged) {
              r.net.measure();
              push();
            }
          } while (now() - t0 < 40);
        } catch (e) {
          freeDegradation();
          reply({ type: 'error', where: 'degradation', message: e.message, code: e.code || 0 });
          return;
        }
        if (records.length) reply({ type: 'degradation_stats', records });
        const over = nets.every((r) => r.net.stepsDone >= steps || r.net.diverged);
        if (over) {
          const final = nets.map(degradationRecord);
          freeDegradation();
          reply({ type: 'degradation_done', records: final });
          return;
        }
        schedule(tickD, 0);
      };
      schedule(tickD, 0);
    }

    /** One message from the page: a request of protocol.js, else an error reply. @param {Request} msg */
    function handle(msg) {
      const id = msg && msg.id;
      const reply = (/** @type {Reply} */ m) => post(id === undefined ? m : Object.assign({ id }, m));
      try {
        if (!Protocol.REQUESTS.includes(msg && msg.type)) throw new Error(`unknown message type '${msg && msg.type}'`);
        switch (msg && msg.type) {
          case 'configure':
            state.hist = null; /* the config's hist setting decides again */
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
            /** @type {Reply} */
            const out = { type: 'boundary', nx, ny, bounds, grids: {} };
            for (const [arch, net] of Object.entries(state.runs)) {
              out.grids[arch] = net.predictGrid(bounds[0], bounds[1], bounds[2], bounds[3], nx, ny);
              out.classes = net.nClasses;
            }
            reply(out);
            break;
          }
          case 'predict_test':
            reply(predictTest(msg));
            break;
          case 'degradation':
            startDegradation(msg, reply);
            break;
          case 'degradation_stop': {
            const was = !!state.degradation;
            freeDegradation();
            reply({ type: 'degradation_stopped', was_running: was });
            break;
          }
          case 'sweep':
            sweeps.start(msg, state.config, reply);
            break;
          case 'change':
            reply(change(msg));
            break;
          case 'sweep_cancel': {
            const was = sweeps.cancel();
            reply(Object.assign({ type: 'sweep_cancelled', was_running: !!was }, was || {}));
            break;
          }
          case 'hist': {
            /* count the histograms from the next record on (or stop), without a new run */
            if (!state.runs) throw new Error('hist: no configuration yet (send configure first)');
            if (typeof msg.on !== 'boolean') throw new Error(`hist: on must be true or false (got ${msg.on})`);
            const nets = Object.values(state.runs);
            for (const net of nets) net.setHist(msg.on);
            state.hist = msg.on;
            /* before the first step the record shown is step 0's: measured again, now with its
               histograms (a measurement holds its batch and batch norm's start, so the run's bits
               stay those of one measured once) */
            if (msg.on && nets.every((n) => n.stepsDone === 0)) {
              for (const net of nets) if (!net.diverged) net.measure();
              reply({ type: 'hist', on: true, steps_done: 0, stats: snapshot() });
            } else {
              reply({ type: 'hist', on: msg.on, steps_done: stepsDone() });
            }
            break;
          }
          default:
            throw new Error(`unknown message type '${msg && msg.type}'`);
        }
      } catch (e) {
        reply({ type: 'error', where: (msg && msg.type) || 'message', message: e.message, code: e.code || 0 });
      }
    }

    /* the engine is loaded: say so, unprompted, with what the page builds its form from */
    post({ type: 'ready', version: engine.version, threads: engine.threads, settings: engine.settings, fields: engine.fieldNames, blockFields: engine.blockFieldNames, speeds: SPEEDS.length, speed: state.speed });
    return { handle, state };
  }

  return { create, SPEEDS, DEFAULT_SPEED, Protocol };
});
