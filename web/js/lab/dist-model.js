// @ts-check
/*
 * dist-model.js - the distributions view's picks from the engine's
 * histograms (pure: the view, the exports and the tests call it).  A record
 * holds, per stack, four histograms of exact counts (hist_pre, hist_act,
 * hist_grad, hist_wgrad: layers x bins, layer-major) on fixed edges (the
 * `configured` message's hist_edges: E edges, E + 1 counts per layer, every
 * bin right-closed, the first and last open-ended; docs/architecture.md,
 * "Histograms").  Nothing here is a statistic of the network: a bin's share
 * is its count over the layer's count of values (the sum of its counts,
 * exact integers), the one ratio the page may take for drawing.
 */

/** the histograms, in the view's order (the quantity switch) */
export const QUANTITIES = Object.freeze(['hist_pre', 'hist_act', 'hist_grad', 'hist_wgrad']);
/** at most this many layers are drawn as lines; a deeper stack as a layer x value heatmap */
export const LINES_MAX = 12;
/** the heatmap's colour range: log10 of a bin's share, from 1 in 10,000 to all of the layer */
export const GRID_RANGE = Object.freeze({ min: -4, max: 0 });
/** the part of the heatmaps' viridis the lines use: its last, pale yellow, tenth is unreadable on white */
export const LINE_SCALE_TOP = 0.85;

/**
 * Where each bin is drawn: E + 1 centres for E edges; the two open-ended bins one bin width
 * beyond the first and last edge (for the log histograms bin 0 is the exact zeros).
 * @param {ArrayLike<number>} edges @returns {number[]}
 */
export function binCentres(edges) {
  const e = Array.from(edges), n = e.length;
  if (n < 2) return n ? [e[0] - 0.5, e[0] + 0.5] : [];
  const w0 = e[1] - e[0], w1 = e[n - 1] - e[n - 2];
  return [e[0] - w0 / 2, ...e.slice(1).map((v, i) => (e[i] + v) / 2), e[n - 1] + w1 / 2];
}

/**
 * The edges of bin b ([lo, hi]; null for an open end).
 * @param {ArrayLike<number>} edges @param {number} b
 * @returns {[number | null, number | null]}
 */
export function binEdges(edges, b) {
  return [b > 0 ? edges[b - 1] : null, b < edges.length ? edges[b] : null];
}

/**
 * Layer l's counts (1-based) of a histogram with `bins` counts per layer.
 * @param {ArrayLike<number>} counts @param {number} bins @param {number} l
 * @returns {number[]}
 */
export function layerCounts(counts, bins, l) {
  return Array.from({ length: bins }, (_, b) => counts[(l - 1) * bins + b]);
}

/**
 * Layer l's shares per bin (count / the layer's count of values); all null when it has none
 * (the output layer's hist_act).
 * @param {ArrayLike<number>} counts @param {number} bins @param {number} l
 * @returns {Array<number | null>}
 */
export function layerShares(counts, bins, l) {
  const c = layerCounts(counts, bins, l);
  const total = c.reduce((s, v) => s + v, 0);
  return c.map((v) => (total > 0 ? v / total : null));
}

/**
 * The share of layer l's values in bin 0 (for hist_grad / hist_wgrad: the exact zeros, the
 * gradient lost to float32's underflow); null when the layer has no values.
 * @param {ArrayLike<number>} counts @param {number} bins @param {number} l
 */
export function firstBinShare(counts, bins, l) {
  return layerShares(counts, bins, l)[0];
}

/**
 * Lines or a heatmap: a stack of more than LINES_MAX layers is a layer x value heatmap.
 * @param {number} layers @returns {'lines' | 'grid'}
 */
export const modeOf = (layers) => (layers > LINES_MAX ? 'grid' : 'lines');

/**
 * The slow region as shaded ranges of z: z <= lo and z > hi (null: no such side).
 * @param {{lo: number | null, hi: number | null} | null | undefined} region
 * @returns {Array<{lo: number | null, hi: number | null}>}
 */
export function slowBands(region) {
  if (!region) return [];
  /** @type {Array<{lo: number | null, hi: number | null}>} */
  const out = [];
  if (region.lo !== null && Number.isFinite(region.lo)) out.push({ lo: null, hi: region.lo });
  if (region.hi !== null && Number.isFinite(region.hi)) out.push({ lo: region.hi, hi: null });
  return out;
}

/**
 * The layer whose series an id names ('l3' -> 3), or null.
 * @param {string} id
 */
export const layerOfSeries = (id) => (/^l\d+$/.test(id) ? Number(id.slice(1)) : null);

/**
 * The histograms as long-format CSV rows: one per stack, record, layer, histogram and non-zero
 * count, `arch,step,layer,layer_name,hist,bin,bin_lo,bin_hi,count` (bin_lo / bin_hi the bin's
 * edges, empty for an open end; hist_grad and hist_wgrad in log10 units); a layer's rows sum to
 * its number of values.  Records without histograms give no rows.
 * @param {readonly any[]} records {plain, residual} @param {readonly string[]} layers
 * @param {Record<string, ArrayLike<number>>} edges hist_edges @param {readonly string[]} archs
 * @returns {string}
 */
export function histCsv(records, layers, edges, archs) {
  const lines = ['arch,step,layer,layer_name,hist,bin,bin_lo,bin_hi,count'];
  const num = (/** @type {number | null} */ v) => (v === null ? '' : String(v));
  for (const r of records) {
    for (const a of archs) {
      const s = r[a];
      if (!s) continue;
      for (const q of QUANTITIES) {
        const counts = s[q], e = edges[q];
        if (!counts || !e) continue;
        const bins = e.length + 1;
        for (let l = 1; l <= layers.length; l++) {
          for (let b = 0; b < bins; b++) {
            const c = counts[(l - 1) * bins + b];
            if (!c) continue;
            const [lo, hi] = binEdges(e, b);
            lines.push(`${a},${s.step},${l},${layers[l - 1]},${q},${b},${num(lo)},${num(hi)},${c}`);
          }
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** whether a stack's record holds histograms @param {any} s */
export const hasHist = (s) => !!(s && s.hist_pre && s.hist_pre.length);
