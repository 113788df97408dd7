// @ts-check
/*
 * blocks.js - a residual stack's parts, pure: the stem (the layers before
 * block 1), its blocks (blockLayers of the `configured` message) and the
 * head (the layers after the last block), each with the factor the record
 * gives it (stem_factor, block_factor, head_factor: docs/worker-protocol.md).
 * The diagram, the walk, the chain chart's block view and the CSV export
 * read them; tests/node/page/walk-model.test.mjs tests them.
 */

/**
 * @typedef {{kind: 'stem' | 'block' | 'head', b: number, first: number, last: number}} Part
 *   b      the block's number (1-based); 0 for the stem, B + 1 for the head
 *   first, last  its layers (1-based, inclusive)
 */

/**
 * A residual stack's parts, input first: the stem (the layers before block 1),
 * the blocks (blockLayers, from the `configured` message) and the head (the
 * layers after the last block).  [] without blocks (a plain stack).
 * @param {ReadonlyArray<readonly number[]>} blockLayers per block [first, last], 1-based
 * @param {number} L the layers
 * @returns {Part[]}
 */
export function residualParts(blockLayers, L) {
  if (!blockLayers || !blockLayers.length) return [];
  const B = blockLayers.length;
  /** @type {Part[]} */
  const parts = [{ kind: 'stem', b: 0, first: 1, last: blockLayers[0][0] - 1 }];
  blockLayers.forEach(([first, last], i) => parts.push({ kind: 'block', b: i + 1, first, last }));
  parts.push({ kind: 'head', b: B + 1, first: blockLayers[B - 1][1] + 1, last: L });
  return parts;
}

/** the index (in parts) of the part that holds layer l, -1 if none @param {readonly Part[]} parts @param {number} l */
export function partOf(parts, l) {
  return parts.findIndex((p) => l >= p.first && l <= p.last);
}

/** a part's factor in a residual stack's record @param {any} rec @param {Part} p @returns {number} */
export function partFactor(rec, p) {
  if (p.kind === 'stem') return rec.stem_factor;
  if (p.kind === 'head') return rec.head_factor;
  return rec.block_factor[p.b - 1];
}

