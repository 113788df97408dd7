// @ts-check
/*
 * layout.js - where the network diagram (diagram.js) draws each layer, pure:
 * one row per stack, input on the left and output on the right in both
 * languages (as the charts' layer axes run), every layer a box on the trunk,
 * a residual block's shortcut an arc over its layers, the conv model's
 * poolings and global average pooling (GAP) on the trunk.
 *
 * Readable at every depth and width: while every layer gets UNIFORM_MIN px,
 * all get boxes; else the KEEP layers at each end keep boxes and
 * the middle ones share what is left as stripes side by side (at least
 * STRIPE_MIN px each, the diagram growing wider than its card and scrolling
 * if it must), so no layer ever loses its colour.  tests/node/page/
 * diagram-layout.test.mjs checks it.
 */

export const PAD_START = 30;   /* room for the input node (x) */
export const PAD_END = 30;     /* room for the loss node (L) */
export const BOX_MIN = 16, BOX_MAX = 46, GAP_FULL = 10;
/** px per layer below which the middle is compressed (a box of 9 px and a gap of 3) */
export const UNIFORM_MIN = 12;
export const KEEP = 3;         /* layers at each end that keep a box when the middle is compressed */
export const BREAK = 10;       /* the space at each end of the compressed run (a break mark) */
export const STRIPE_MIN = 1;
export const GAP_NODE = 16;    /* the conv model's global average pooling, a node of its own */

/**
 * The conv model's blocks that end a stage (1-based): with pool = P the B
 * blocks split into P + 1 stages and block b ends one when b = floor(k·B/(P+1)),
 * k = 1..P (c_src/graph.c ends_stage, docs/architecture.md "The conv model").
 * @param {number} B @param {number} P @returns {number[]}
 */
export function stageEnds(B, P) {
  /** @type {number[]} */
  const out = [];
  for (let k = 1; k <= P; k++) {
    const b = Math.floor((k * B) / (P + 1));
    if (b >= 1 && !out.includes(b)) out.push(b);
  }
  return out;
}

/**
 * The layers after which a 2x2 average pooling sits, the same in both
 * stacks (the last convolution of each block that ends a stage); [] for
 * the dense model.
 * @param {Record<string, any> | null} config @param {ReadonlyArray<readonly number[]>} blockLayers the residual stack's
 */
export function poolAfter(config, blockLayers) {
  if (!config || config.model !== 'conv' || !blockLayers.length) return [];
  return stageEnds(blockLayers.length, Number(config.pool) || 0).map((b) => blockLayers[b - 1][1]);
}

/**
 * @typedef {{x: number, w: number, box: boolean}} Slot  a layer's place: its left edge, width, and
 *   whether it is a box (else a stripe of the compressed middle)
 * @typedef {{slots: Slot[], width: number, compressed: null | {first: number, last: number, x0: number, x1: number},
 *            gapNode: null | {x: number, w: number}, trunk: {x0: number, x1: number}, gap: number}} Layout
 *   slots       per layer (index l - 1)
 *   width       the diagram's width (at least the width asked for; more when stripes of STRIPE_MIN need it)
 *   compressed  the run of stripes (layers first..last) and its extent, or null
 *   gapNode     the conv model's global average pooling before the last layer, or null
 *   trunk       where the trunk line starts (after the input node) and ends (before the loss node)
 *   gap         the space between two boxes
 */

/**
 * @param {{layers: number, width: number, conv?: boolean}} spec
 *   layers  L, the network's layers; width the space for the diagram (px); conv: a GAP node before the last layer
 * @returns {Layout}
 */
export function layout({ layers: L, width, conv = false }) {
  const W = Math.max(200, width);
  const x0 = PAD_START, avail = W - PAD_START - PAD_END - (conv ? GAP_NODE + GAP_FULL : 0);
  /** @type {Slot[]} */
  const slots = [];
  const per = avail / Math.max(1, L);
  /* the conv model's GAP node sits between the last convolution and fc */
  const place = (/** @type {number} */ x, /** @type {number} */ i) => (conv && i === L - 1 ? x + GAP_NODE + GAP_FULL : x);
  if (per >= UNIFORM_MIN || L <= 2 * KEEP + 1) {
    const gap = Math.min(GAP_FULL, Math.max(3, per * 0.25));
    const w = Math.max(STRIPE_MIN, Math.min(BOX_MAX, per - gap));
    /* centred when the boxes do not fill the width */
    let x = x0 + Math.max(0, (avail - L * (w + gap)) / 2) + gap / 2;
    for (let i = 0; i < L; i++) {
      x = place(x, i);
      slots.push({ x, w, box: true });
      x += w + gap;
    }
    return finish(slots, W, null, conv, gap);
  }
  const gap = 6;
  const box = BOX_MIN, M = L - 2 * KEEP;
  const stripe = Math.max(STRIPE_MIN, (avail - 2 * KEEP * (box + gap) - 2 * BREAK) / M);
  let x = x0 + gap / 2;
  /** @type {Layout['compressed']} */
  let compressed = null;
  for (let i = 0; i < L; i++) {
    x = place(x, i);
    if (i < KEEP || i >= L - KEEP) {
      slots.push({ x, w: box, box: true });
      x += box + gap;
      if (i === KEEP - 1) x += BREAK - gap / 2;
    } else {
      if (i === KEEP) compressed = { first: KEEP + 1, last: L - KEEP, x0: x, x1: x + M * stripe };
      slots.push({ x, w: stripe, box: false });
      x += stripe;
      if (i === L - KEEP - 1) x += BREAK + gap / 2;
    }
  }
  const end = slots[L - 1].x + slots[L - 1].w + gap / 2 + PAD_END;
  return finish(slots, Math.max(W, Math.ceil(end)), compressed, conv, gap);
}

/** @param {Slot[]} slots @param {number} width @param {Layout['compressed']} compressed @param {boolean} conv @param {number} gap @returns {Layout} */
function finish(slots, width, compressed, conv, gap) {
  const L = slots.length;
  const last = slots[L - 1];
  const gapNode = conv && L > 1 ? { x: last.x - GAP_FULL - GAP_NODE, w: GAP_NODE } : null;
  return { slots, width, compressed, gapNode, trunk: { x0: PAD_START - 8, x1: last.x + last.w + 8 }, gap };
}

/**
 * The x where the trunk runs between layer l and l + 1 (after layer l's box;
 * l = 0: before layer 1): where a shortcut leaves and where it lands (the add),
 * and where a pooling sits.
 * @param {Layout} lay @param {number} l 0 .. L
 */
export function between(lay, l) {
  const s = lay.slots;
  if (l <= 0) return s[0].x - Math.min(lay.gap, 6) / 2;
  const a = s[l - 1];
  if (l >= s.length) return a.x + a.w + Math.min(lay.gap, 6) / 2;
  const b = s[l];
  const right = a.x + a.w;
  /* a stripe next to a stripe: the edge they share */
  return b.x - right < 1 ? right : right + Math.min(b.x - right, lay.gap) / 2;
}
