// @ts-check
/*
 * chain-model.js - what the chain chart (chain-chart.js) draws and writes,
 * picked from one stack's record, pure: the per-layer points of a chain
 * field, the line "0.35 x 0.21 x 0.26 x ... x 0.04 = 1.4e-6" and the rows
 * of the charts' text alternatives.  The
 * numbers are the engine's (chain_factor, chain_product: docs/api.md's
 * record); nothing is computed here.
 */

import { partFactor, walkAt } from '../diagram/walk-model.js';

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

/**
 * A residual stack's chain block by block (the chain chart's block view), on
 * the layer axis: each part (stem, block b, head: walk-model.js
 * residualParts) spans its layers.  Per part a horizontal segment at its
 * factor (stem_factor, block_factor, head_factor) from first - 0.5 to
 * last + 0.5 and a point at its middle; per block the shortcut's and the
 * branch's shares (block_shortcut, block_branch) as segments; and the
 * running product from the output after each part, at the part's first
 * layer (where the plain stack's chain_product of that layer sits: the
 * gradient at the same place, relative to the logits' gradient).  The
 * product after the stem is the engine's chain_product[0]; after a block
 * the engine has none, and the page multiplies the factors it draws
 * (walk-model.js walkAt, the same numbers the walk writes).
 * @param {any} rec the residual stack's record
 * @param {ReadonlyArray<import('../diagram/walk-model.js').Part>} parts
 */
export function blockSeries(rec, parts) {
  const L = rec.chain_factor.length;
  /** @typedef {Array<{x: number, y: number | null}>} Points */
  /** @type {Points} */
  const segments = [];
  /** @type {Points} */
  const shortcut = [];
  /** @type {Points} */
  const branch = [];
  /* a segment, then a gap (a null at its end) so that the next part's starts afresh */
  const seg = (/** @type {any[]} */ out, /** @type {any} */ p, /** @type {number} */ v) => out.push({ x: p.first - 0.5, y: v > 0 ? v : null }, { x: p.last + 0.5, y: v > 0 ? v : null }, { x: p.last + 0.5, y: null });
  const points = [], products = [];
  for (const p of parts) {
    const v = partFactor(rec, p);
    seg(segments, p, v);
    points.push({ x: (p.first + p.last) / 2, y: v > 0 ? v : null });
    if (p.kind === 'block') {
      seg(shortcut, p, rec.block_shortcut[p.b - 1]);
      seg(branch, p, rec.block_branch[p.b - 1]);
    }
  }
  for (let j = parts.length - 1; j >= 0; j--) {
    const at = walkAt(rec, 'residual', L - parts[j].first, parts);
    products.unshift({ x: parts[j].first, y: at.product > 0 ? at.product : null, fromEngine: at.fromEngine });
  }
  return { segments, points, shortcut, branch, products };
}

/**
 * What the line under the block view writes for the residual stack: the
 * parts' factors from the head (the first SHOWN_FACTORS), the stem's, how
 * many, and their product: the engine's chain_product of layer 1.
 * @param {any} rec @param {ReadonlyArray<import('../diagram/walk-model.js').Part>} parts
 */
export function blockSummary(rec, parts) {
  const f = parts.map((p) => partFactor(rec, p)).reverse();
  return { first: f.slice(0, SHOWN_FACTORS), last: f.length > SHOWN_FACTORS ? f[f.length - 1] : null, n: f.length, product: rec.chain_product[0] };
}
