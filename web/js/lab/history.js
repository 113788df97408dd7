// @ts-check
/*
 * history.js - the records of the current configuration ({plain, residual}
 * snapshots, oldest first), kept for export, the lesson and the update-ratio
 * chart.  Bounded however long the run: past its limit every other record
 * goes and later ones are kept at twice the stride, so what is kept stays
 * evenly spread over the run; the first record (step 0 at configure) and
 * the newest are always kept.
 */

/** the two stacks, in the order the page shows them @type {ReadonlyArray<import('./state.js').Arch>} */
export const ARCHS = ['plain', 'residual'];
/** numbers the history may hold (about 32 MB) */
export const HISTORY_VALUES = 4e6;
/** histogram counts the history may hold besides (Uint32: 16 MB; a record of two 100-layer
    stacks holds 64,000): past it the oldest records lose their hist_* counts */
export const HIST_VALUES = 4e6;
const HIST_KEYS = ['hist_pre', 'hist_act', 'hist_grad', 'hist_wgrad'];

/** the histogram counts a record holds (both stacks) @param {any} r */
export function histCount(r) {
  let n = 0;
  for (const a of ARCHS) {
    const s = r && r[a];
    if (s) for (const k of HIST_KEYS) if (s[k]) n += s[k].length;
  }
  return n;
}

/**
 * Keeps the records' histogram counts within a budget: the oldest records that hold them lose
 * them (the records at step 0, [0] and [1], the lesson's moment 'init', last of all), the newest
 * keeps them; the records' other numbers stay.  Returns how many records lost them.
 * @param {any[]} records @param {number} [budget] HIST_VALUES
 */
export function trimHist(records, budget = HIST_VALUES) {
  let total = 0;
  for (const r of records) total += histCount(r);
  let dropped = 0;
  const order = [...records.keys()].slice(2, -1).concat([0, 1].filter((i) => i < records.length - 1));
  for (const i of order) {
    if (total <= budget) break;
    const n = histCount(records[i]);
    if (!n) continue;
    for (const a of ARCHS) {
      const st = records[i][a];
      if (st) for (const k of HIST_KEYS) delete st[k];
    }
    total -= n;
    dropped++;
  }
  return dropped;
}

/**
 * Records the history may hold: an even number, at least 200.
 * @param {number} archs @param {number} layers @param {number} fields
 * @param {number} [values] HISTORY_VALUES
 */
export function historyLimit(archs, layers, fields, values = HISTORY_VALUES) {
  const perRecord = Math.max(1, archs * layers * fields);
  return 2 * Math.max(100, Math.floor(values / perRecord / 2));
}

/** @param {{limit: () => number}} options the current limit (it depends on the configuration) */
export function createHistory({ limit }) {
  /** @type {any[]} */
  let kept = [];
  let received = 0;
  let stride = 1;
  return {
    /** forgets everything (a new configuration) */
    clear() {
      kept = [];
      received = 0;
      stride = 1;
    },
    /** @param {any} r a record {plain, residual} */
    keep(r) {
      const h = kept;
      /* the newest record so far was kept off the stride: this one takes its place */
      if (received > 0 && (received - 1) % stride !== 0) h.pop();
      const k = received++;
      h.push(r);
      if (k % stride === 0 && h.length > limit()) {
        let w = 0;
        for (let i = 0; i < h.length; i += 2) h[w++] = h[i];
        h.length = w;
        stride *= 2;
        if (h[w - 1] !== r) h.push(r);
      }
      if (histCount(r)) trimHist(h);
    },
    /** the kept records, oldest first (the live array: read, do not change) */
    get records() {
      return kept;
    },
    /** records received since the last clear */
    get received() {
      return received;
    },
    /** every stride-th received record is kept (and the newest) */
    get stride() {
      return stride;
    },
    /**
     * The newest kept record of arch that has an update (step 0 and the final
     * measurement have none: their update_ratio is all zero).
     * @param {string} arch
     */
    latestWithUpdate(arch) {
      return latestWithUpdate(kept, arch);
    },
  };
}

/** @param {any[]} records @param {string} arch */
export function latestWithUpdate(records, arch) {
  for (let i = records.length - 1; i >= 0; i--) {
    const s = records[i][arch];
    if (s && Array.prototype.some.call(s.update_ratio, (/** @type {number} */ v) => v > 0)) return s;
  }
  return null;
}

/** @typedef {ReturnType<typeof createHistory>} History */
