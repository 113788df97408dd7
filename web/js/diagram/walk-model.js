// @ts-check
/*
 * walk-model.js - the backward pass taken one step at a time, pure: the
 * parts of a residual stack (stem, blocks, head), where the walk stands at
 * each of its positions and what the line under the diagram writes there.
 * The diagram (diagram.js), the walk's controls (walk.js) and the chain
 * chart's block view (sweep/chain-chart.js) read it; tests/node/page/
 * walk-model.test.mjs tests it.
 *
 * The walk runs from the output to the input one layer at a time: at
 * position k (0 .. L-1) the plain stack's current layer is L - k, and the
 * residual stack's current part is the one that holds layer L - k (the
 * head at the output, block b while the walk is inside its layers, the
 * stem at the input), so both stacks stay in step layer by layer and the
 * residual one moves a block at a time.
 *
 * Numbers are the engine's (docs/worker-protocol.md):
 *   plain     the factor of layer l is chain_factor[l-1]; the running product
 *             after it is chain_product[l-1] (the engine's, not a product taken here)
 *   residual  head_factor, block_factor[b-1] (with block_shortcut and block_branch,
 *             the shortcut's and the branch's shares), stem_factor; the running
 *             product after the stem is chain_product[0] (the engine's: stem x
 *             prod(blocks) x head equals it to rounding); before the stem the
 *             engine has no number for the product of a part of the blocks, so
 *             the page multiplies the factors it shows (for display only)
 */

/** factors written out from the output before an ellipsis (then the newest one) */
export const SHOWN_FACTORS = 3;

export { residualParts, partOf, partFactor } from '../lab/blocks.js';
import { partOf, partFactor } from '../lab/blocks.js';

/** @typedef {import('../lab/blocks.js').Part} Part */

/** the layer the walk's position k stands on (L at k = 0, 1 at k = L - 1) @param {number} L @param {number} k */
export const layerAt = (L, k) => L - k;

/**
 * Where one stack's walk stands at position k, and the numbers of its line.
 * @param {any} rec the stack's record
 * @param {'plain' | 'residual'} arch
 * @param {number} k 0 .. L-1
 * @param {readonly Part[]} parts residualParts (residual only)
 * @returns {{layer: number, part: Part | null, partIndex: number, factors: number[], product: number,
 *            fromEngine: boolean, factor: number, shortcut: number | null, branch: number | null, done: boolean}}
 *   layer      the layer the walk is on (1-based)
 *   part       the residual stack's part that holds it (null for the plain stack)
 *   factors    the factors taken so far, the output's first (layers, or parts)
 *   product    the running product after the current one: the engine's chain_product where it has
 *              one (fromEngine), else the product of `factors`
 *   factor     the current layer's or part's own factor
 *   shortcut, branch  a block's shares (block_shortcut, block_branch), else null
 *   done       the walk has reached the input (the product is the whole chain's)
 */
export function walkAt(rec, arch, k, parts) {
  const L = rec.chain_factor.length;
  const layer = layerAt(L, Math.min(Math.max(0, k), L - 1));
  if (arch === 'plain' || !parts.length) {
    const factors = [];
    for (let l = L; l >= layer; l--) factors.push(rec.chain_factor[l - 1]);
    return { layer, part: null, partIndex: -1, factors, product: rec.chain_product[layer - 1], fromEngine: true, factor: rec.chain_factor[layer - 1], shortcut: null, branch: null, done: layer === 1 };
  }
  const i = partOf(parts, layer);
  const factors = [];
  for (let j = parts.length - 1; j >= i; j--) factors.push(partFactor(rec, parts[j]));
  const part = parts[i];
  const done = i === 0;
  const block = part.kind === 'block';
  return {
    layer, part, partIndex: i, factors,
    product: done ? rec.chain_product[0] : factors.reduce((a, b) => a * b, 1),
    fromEngine: done, factor: partFactor(rec, part),
    shortcut: block ? rec.block_shortcut[part.b - 1] : null, branch: block ? rec.block_branch[part.b - 1] : null, done,
  };
}

/**
 * The factors a line writes: all of them up to SHOWN_FACTORS + 1, else the
 * first SHOWN_FACTORS from the output, an ellipsis (null) and the newest.
 * @param {readonly number[]} factors output first @returns {Array<number | null>}
 */
export function shownFactors(factors) {
  if (factors.length <= SHOWN_FACTORS + 1) return factors.slice();
  return [...factors.slice(0, SHOWN_FACTORS), null, factors[factors.length - 1]];
}

/**
 * The running product as text, "0.33 × 0.24 × 0.27 = 0.021" (in a
 * left-to-right isolate: a formula reads left to right in Persian too).
 * @param {readonly number[]} factors @param {number} product @param {(v: number) => string} value the page's number format
 */
export function productText(factors, product, value) {
  const parts = shownFactors(factors).map((v) => (v === null ? '…' : value(v)));
  return `\u2066${parts.join(' × ')} = ${value(product)}\u2069`;
}

/**
 * The number of walk positions (the layers), 0 without a record.
 * @param {any} r a record {plain, residual}
 */
export const walkLength = (r) => (r && r.plain && r.plain.chain_factor ? r.plain.chain_factor.length : 0);
