// @ts-check
/*
 * store.js - the page's state: one frozen object, replaced by update(patch),
 * watched with subscribe(fn).  Its `phase` says where the lab is:
 *
 *   loading ──> configuring ──> ready ──> running ──> paused ──> running ...
 *      │             ^  │         │         │  │
 *      │             │  └─────────┴────> finished | diverged (every stack stopped)
 *      └─> failed    └──── any phase: a new configuration (settings, reset, link)
 *
 * `failed` is the engine failing to load or a run failing; a new
 * configuration leaves it.  A patch that moves the phase along an arrow not
 * in TRANSITIONS throws: the phase changes only as the lab really can.
 * Listeners get (state, previous) after every update.
 */

/** @typedef {'loading' | 'configuring' | 'ready' | 'running' | 'paused' | 'finished' | 'diverged' | 'failed'} Phase */

/** phase -> the phases it may move to */
export const TRANSITIONS = Object.freeze({
  loading: ['configuring', 'failed'],
  configuring: ['configuring', 'ready', 'running', 'failed'],
  ready: ['configuring', 'running', 'paused', 'finished', 'diverged', 'failed'],
  running: ['configuring', 'running', 'paused', 'finished', 'diverged', 'failed'],
  paused: ['configuring', 'running', 'paused', 'finished', 'diverged', 'failed'],
  finished: ['configuring', 'finished', 'failed'],
  diverged: ['configuring', 'diverged', 'failed'],
  failed: ['configuring', 'failed'],
});

/**
 * One stack's statistics record (docs/worker-protocol.md, the engine's names).
 * @typedef {import('../engine/net.js').Stats} Stats
 */
/** A stack: 'plain' | 'residual'. @typedef {import('../engine/gradlab.js').Arch} Arch */
/** One recorded step of both stacks. @typedef {{plain: Stats, residual: Stats}} LabRecord */

/**
 * The page's state: every key main.js, session.js, the time cursor and the
 * plug-ins put in the store, and who writes it.
 * @typedef {{
 *   phase: Phase,
 *   lang?: string,
 *   hide: string[],
 *   step: string | null,
 *   settings?: any[],
 *   fields: string[],
 *   version?: string,
 *   speed?: number,
 *   threads?: number,
 *   pending: number,
 *   configuredCount: number,
 *   config: Record<string, any> | null,
 *   layers: string[],
 *   data?: {n: number, d: number, classes: number, x: ArrayLike<number>, y: ArrayLike<number>} | null,
 *   measured?: {train: number, trainOf: number, test: number, testOf: number} | null,
 *   latest: LabRecord | null,
 *   received: number,
 *   stepsDone?: number,
 *   csv: {name: string, text: string} | null,
 *   sweep: import('../sweep/sweep-model.js').SweepState | null,
 * }} State
 *   phase            where the lab is (above); session.js moves it
 *   lang             the page's language, 'en' | 'fa' (main.js, once the strings are loaded)
 *   hide             the controls (and panels: 'sweep') the link hides (main.js, the classroom list)
 *   step             the lesson step in the link, or null (main.js from the link, the lesson)
 *   settings, fields, version, speed, threads
 *                    the engine's `ready` message: its settings table, the record's per-layer
 *                    field names, its version, speed level and helper threads (main.js; speed: session.js)
 *   pending          configure/reset messages in flight (session.js)
 *   configuredCount  configurations so far: watch it for "the stacks were rebuilt" (session.js)
 *   config, layers, data, measured
 *                    the current configuration (canonical), its layer names (input -> output), its
 *                    data set and what a record's loss and accuracy are measured on (session.js)
 *   latest           the newest record (session.js; configure's step 0, then each `stats`)
 *   received         records received since the last configuration (session.js)
 *   stepsDone        training steps done when the run paused or ended (session.js)
 *   csv              the picked CSV file (session.js)
 *   sweep            the Sweep panel's state, for the link (sweep-panel.js, main.js from the link)
 */

/**
 * @param {Omit<State, 'phase'>} initial every field but the phase (which starts at 'loading')
 */
export function createStore(initial) {
  /** @type {State} */
  let state = Object.freeze({ ...initial, phase: 'loading' });
  /** @type {Set<(s: State, prev: State) => void>} */
  const listeners = new Set();
  return {
    /** @returns {State} */
    get: () => state,
    /** @param {Partial<State>} patch */
    update(patch) {
      const prev = state;
      if (patch.phase !== undefined && patch.phase !== prev.phase) {
        const allowed = /** @type {Record<string, string[]>} */ (TRANSITIONS)[prev.phase];
        if (!allowed || !allowed.includes(patch.phase)) throw new Error(`store: no transition ${prev.phase} -> ${patch.phase}`);
      }
      state = Object.freeze({ ...prev, ...patch });
      for (const fn of [...listeners]) fn(state, prev);
    },
    /** @param {(s: State, prev: State) => void} fn @returns {() => void} unsubscribe */
    subscribe(fn) {
      listeners.add(fn);
      return () => { listeners.delete(fn); };
    },
    /**
     * Calls fn(value, state) when pick(state) changes (compared with ===).
     * @template T
     * @param {(s: State) => T} pick
     * @param {(value: T, s: State) => void} fn
     */
    watch(pick, fn) {
      return this.subscribe((s, prev) => {
        const v = pick(s);
        if (v !== pick(prev)) fn(v, s);
      });
    },
  };
}

/** @typedef {ReturnType<typeof createStore>} Store */

/** true while the networks train @param {State} s */
export const isRunning = (s) => s.phase === 'running';
/** true when every stack stopped (the run's end, or all diverged) @param {State} s */
export const isFinished = (s) => s.phase === 'finished' || s.phase === 'diverged';
