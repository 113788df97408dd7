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

/** @typedef {{phase: Phase, [key: string]: any}} State */

/**
 * @param {Record<string, any>} [initial] fields besides the phase (which starts at 'loading')
 */
export function createStore(initial = {}) {
  /** @type {State} */
  let state = Object.freeze({ ...initial, phase: 'loading' });
  /** @type {Set<(s: State, prev: State) => void>} */
  const listeners = new Set();
  return {
    /** @returns {State} */
    get: () => state,
    /** @param {Record<string, any>} patch */
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
