// @ts-check
/*
 * chain-model.js - what the chain chart (chain-chart.js) draws and writes,
 * picked from one stack's record, pure: the per-layer points of a chain
 * field, the line "0.35 x 0.21 x 0.26 x ... x 0.04 = 1.4e-6" and the rows
 * of the charts' text alternatives.  The
 * numbers are the engine's (chain_factor, chain_product: docs/api.md's
 * record); nothing is computed here.
 */

export const SHOWN_FACTORS = 3;   /* factors written out from the output before the ellipsis */

/**
 * Per-layer points of one field (x = layer 1..L), a gap where the value is not positive.
 * @param {ArrayLike<number>} values @returns {Array<{x: number, y: number | null}>}
 */
export function layerPoints(values) {
  return Array.from(values, (v, i) => ({ x: i + 1, y: v > 0 ? v : null }));
}

/**
 * What the line under the charts writes for one stack, picked from its
 * record: the factors nearest the output (output first), the one at layer
 * 1, how many there are, and their product (chain_product at layer 1).
 * @param {any} rec one stack's record
 */
export function chainSummary(rec) {
  const f = rec.chain_factor, L = f.length;
  const first = [];
  for (let l = L - 1; l >= Math.max(0, L - SHOWN_FACTORS); l--) first.push(f[l]);
  return { first, last: L > SHOWN_FACTORS ? f[0] : null, n: L, product: rec.chain_product[0] };
}


/**
 * The rows of a chain chart's table, layer 1 first: the plain and residual
 * stacks' values of `field` and the plain stack's mean-field value
 * (`field`_theory), each as the chart draws it (layerPoints: null is a gap).
 * @param {any} r a record {plain, residual?} @param {'chain_factor' | 'chain_product'} field
 * @returns {Array<{plain: number | null, residual: number | null, theory: number | null}>}
 */
export function chainRows(r, field) {
  const y = (/** @type {any} */ rec, /** @type {string} */ k) => (rec && rec[k] ? layerPoints(rec[k]).map((p) => p.y) : []);
  const plain = y(r.plain, field), residual = y(r.residual, field), theory = y(r.plain, `${field}_theory`);
  return plain.map((v, i) => ({ plain: v, residual: residual[i] ?? null, theory: theory[i] ?? null }));
}
