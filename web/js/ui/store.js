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
 * Listeners get (state, previous) after every update.  The fields besides
 * the phase are the caller's: the lab's are lab/state.js State.
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

/** What every state has: its phase. @typedef {{phase: Phase}} Phased */

/**
 * @template {Phased} S
 * @typedef {{
 *   get: () => S,
 *   update: (patch: Partial<S>) => void,
 *   subscribe: (fn: (s: S, prev: S) => void) => () => void,
 *   watch: <T>(pick: (s: S) => T, fn: (value: T, s: S) => void) => () => void,
 * }} Store
 */

/**
 * A store of the state S (the lab's: lab/state.js State).
 * @template {Phased} S
 * @param {Omit<S, 'phase'>} initial every field but the phase (which starts at 'loading')
 * @returns {Store<S>}
 */
export function createStore(initial) {
  /** @type {S} */
  let state = /** @type {S} */ (Object.freeze({ ...initial, phase: 'loading' }));
  /** @type {Set<(s: S, prev: S) => void>} */
  const listeners = new Set();
  /** @param {(s: S, prev: S) => void} fn @returns {() => void} unsubscribe */
  function subscribe(fn) {
    listeners.add(fn);
    return () => { listeners.delete(fn); };
  }
  return {
    get: () => state,
    /** @param {Partial<S>} patch */
    update(patch) {
      const prev = state;
      if (patch.phase !== undefined && patch.phase !== prev.phase) {
        const allowed = /** @type {Record<string, string[]>} */ (TRANSITIONS)[prev.phase];
        if (!allowed || !allowed.includes(patch.phase)) throw new Error(`store: no transition ${prev.phase} -> ${patch.phase}`);
      }
      state = /** @type {S} */ (Object.freeze({ ...prev, ...patch }));
      for (const fn of [...listeners]) fn(state, prev);
    },
    subscribe,
    /**
     * Calls fn(value, state) when pick(state) changes (compared with ===).
     * @template T
     * @param {(s: S) => T} pick
     * @param {(value: T, s: S) => void} fn
     * @returns {() => void} unsubscribe
     */
    watch(pick, fn) {
      return subscribe((s, prev) => {
        const v = pick(s);
        if (v !== pick(prev)) fn(v, s);
      });
    },
  };
}

/** true while the networks train @param {Phased} s */
export const isRunning = (s) => s.phase === 'running';
/** true when every stack stopped (the run's end, or all diverged) @param {Phased} s */
export const isFinished = (s) => s.phase === 'finished' || s.phase === 'diverged';
