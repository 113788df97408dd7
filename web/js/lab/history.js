// @ts-check
/*
 * history.js - the records of the current configuration ({plain, residual}
 * snapshots, oldest first), kept for export, the lesson, the time cursor and
 * the update-ratio chart.  Bounded however long the run: past its limit every
 * other record goes and later ones are kept at twice the stride, so what is
 * kept stays evenly spread over the run; the first record (step 0 at
 * configure) and the newest are always kept.
 *
 * The limit is counted in bytes, from what the records really hold
 * (recordBytes: every typed array's bytes, 8 per other number): the
 * per-layer fields, a residual stack's per-block fields and, when the engine
 * counts them (the `hist` setting), the four histograms per layer, whose
 * counts outweigh the rest tenfold (4 x 66..106 counts against 17 numbers a
 * layer).  A record that grows mid-run (histograms switched on) lowers the
 * limit from then on: the largest record seen since the last clear counts.
 */

/** the two stacks, in the order the page shows them @type {ReadonlyArray<import('./state.js').Arch>} */
export const ARCHS = ['plain', 'residual'];
/** what the kept records may hold before the history thins them (bytes) */
export const HISTORY_BYTES = 32 * 2 ** 20;
/** what they never hold more of, not even for MIN_RECORDS records (bytes; the page's ceiling is 64 MB) */
export const HISTORY_MAX_BYTES = 48 * 2 ** 20;
/** records kept at least, where they fit under HISTORY_MAX_BYTES */
export const MIN_RECORDS = 200;
/** what a JS object and each of its fields cost beyond the numbers (bytes; an estimate, measured in tests/node/history-memory.test.mjs) */
const OBJECT_BYTES = 64, FIELD_BYTES = 16;

/**
 * The bytes one record holds: its typed arrays' bytes, 8 per other number or
 * short value, plus the objects around them.
 * @param {any} r a record {plain, residual}
 */
export function recordBytes(r) {
  let bytes = OBJECT_BYTES;
  for (const a of ARCHS) {
    const s = r && r[a];
    if (!s) continue;
    bytes += OBJECT_BYTES;
    for (const k in s) {
      const v = s[k];
      bytes += FIELD_BYTES + (ArrayBuffer.isView(v) ? v.byteLength + OBJECT_BYTES : Array.isArray(v) ? 8 * v.length + OBJECT_BYTES : 8);
    }
  }
  return bytes;
}

/**
 * Records the history may hold (it thins past this many): an even number,
 * HISTORY_BYTES' worth, at least MIN_RECORDS where MIN_RECORDS + 1 records fit
 * under HISTORY_MAX_BYTES (else as many as fit), at least 2.
 * @param {number} bytes what one record holds (recordBytes)
 */
export function historyLimit(bytes) {
  const per = Math.max(1, bytes);
  const floor = Math.min(MIN_RECORDS, Math.floor(HISTORY_MAX_BYTES / per) - 1);
  return 2 * Math.max(1, Math.floor(Math.max(floor, HISTORY_BYTES / per) / 2));
}

/**
 * @param {{limit?: (bytes: number) => number}} [options] the limit for records of that many bytes
 *   (default historyLimit; the tests give a small one)
 */
export function createHistory({ limit = historyLimit } = {}) {
  /** @type {any[]} */
  let kept = [];
  let received = 0;
  let stride = 1;
  /* the largest record since the last clear, and the bytes of the kept ones */
  let perRecord = 0;
  let held = 0;
  /** @type {WeakMap<object, number>} */
  let sizes = new WeakMap();
  return {
    /** forgets everything (a new configuration) */
    clear() {
      kept = [];
      received = 0;
      stride = 1;
      perRecord = 0;
      held = 0;
      sizes = new WeakMap();
    },
    /** @param {any} r a record {plain, residual} */
    keep(r) {
      const h = kept;
      const bytes = recordBytes(r);
      sizes.set(r, bytes);
      if (bytes > perRecord) perRecord = bytes;
      /* the newest record so far was kept off the stride: this one takes its place */
      if (received > 0 && (received - 1) % stride !== 0) held -= sizes.get(/** @type {object} */ (h.pop())) || 0;
      const k = received++;
      h.push(r);
      held += bytes;
      /* past the limit: every other record goes (again, if a grown record lowered the limit that far) */
      if (k % stride !== 0) return;
      while (h.length > limit(perRecord) && h.length > 2) {
        let w = 0;
        for (let i = 0; i < h.length; i += 2) h[w++] = h[i];
        h.length = w;
        stride *= 2;
        if (h[w - 1] !== r) h.push(r);
        held = h.reduce((sum, x) => sum + (sizes.get(x) || 0), 0);
      }
    },
    /** the limit now: records of the largest size kept so far */
    get limit() {
      return limit(perRecord);
    },
    /** the bytes the kept records hold (recordBytes of each) */
    get bytes() {
      return held;
    },
    /** the largest record kept since the last clear (bytes) */
    get recordBytes() {
      return perRecord;
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
