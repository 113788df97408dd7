// @ts-check
/*
 * values.js - the named numbers of a lesson experiment, evaluated on the
 * records of its run, and the claims that constrain them.  Pure: no DOM; its
 * one import is the pure lab/stack-state.js (what "diverged" and "dead"
 * mean, which the page's run status reads too).  The page (to fill an
 * answer's {placeholders} and to compare a prediction), the node suite (on the WASM engine) and the browser
 * suite (on the records the page received) call the same functions.
 *
 * experiments.json (docs/lesson-authoring.md, "values"):
 *   "at": "init" | "end"            the moment the answer is about
 *   "values": {name: {kind, ...}}   evaluated on the record of that moment
 *   "claims": [{"value": name, "min"?, "max"?, ...} | {"kind": ..., ...}]
 *
 * A run, as the page and the tests hold it (records as Net.stats() gives
 * them, docs/worker-protocol.md):
 *   {plain: {init, end, dead_step?}, residual: {init, end, dead_step?}}
 * `init` is the step-0 record that carries the first update's statistics,
 * `end` the newest record (a diverged stack's last finite one).
 *
 * A value: {value, kind, unit, at, step, ...}: `value` is a number (a string
 * for unit 'arch'), or null when there is none: a stack that did not
 * diverge has no diverged step, and an underflowed gradient (exactly 0, or
 * `underflow` = 1: below float32's smallest normal number) has no number the
 * page could print: it says "underflow" (`underflow: true`).  Where an
 * underflow still bounds a log10 value, `upper` (or `lower`) holds that
 * bound, so a claim "at most" (or "at least") can still be checked.
 * `unit` tells the page how to print it:
 *   decades   a signed number of decades (log10 of a ratio), `digits` decimals
 *   pow10     a power of ten, printed as 10 to the rounded value
 *   value     a plain number (a gradient norm, a loss, a product)
 *   percent   a share (accuracy, saturation), printed in per cent
 *   step      a training step;  layer  a layer number (1 = the first)
 *   count     a number of layers
 *   arch      'plain' or 'residual', printed as the stack's name
 */

import { FLT_MIN, underflowed, isDead, deadStep, stackState } from '../lab/stack-state.js';

/* float32's smallest normal number, and the one definition of a stack's state (diverged, dead):
   lab/stack-state.js, which the page's run status reads too */
export { FLT_MIN, isDead, deadStep, stackState };

export const ARCHS = Object.freeze(['plain', 'residual']);
export const MOMENTS = Object.freeze(['init', 'end']);
/** the condition names of a language file's `if` sentences */
export const CONDITIONS = Object.freeze(['plain_diverged', 'plain_dead', 'residual_diverged', 'residual_dead']);
/** the words of a prediction's gap line that are not values of the experiment */
export const GAP_WORDS = Object.freeze(['guess', 'value', 'off', 'right']);

/** the value kinds evaluated on one record moment (`at`) */
const MOMENT_KINDS = new Set(['field', 'log10_field', 'log10_ratio', 'compare_archs', 'loss', 'acc', 'chain_product',
  'max_saturation', 'underflow_count', 'layers', 'step', 'log10_slope', 'hidden_median', 'block_field', 'block_stat', 'part_factor',
  'hist_share', 'hist_bins', 'hist_median']);
/** a residual stack's per-block fields (the record's arrays of n_blocks numbers) */
const BLOCK_FIELDS = new Set(['block_factor', 'block_shortcut', 'block_branch']);
/** the kinds over the whole run (no moment): they say their own steps */
const RUN_KINDS = new Set(['diverged_step', 'dead_step', 'log10_change']);
/** the kinds made of other named values */
const DERIVED_KINDS = new Set(['diff', 'pow10', 'arch_lower', 'arch_higher']);
/** the kinds of a sweep experiment, on the engine's sweep result */
const SWEEP_KINDS = new Set(['sweep_at', 'sweep_slope', 'sweep_crossing', 'sweep_first_reach']);
/** the kinds of a plane (a sweep over two settings), on its grids and axes */
const PLANE_KINDS = new Set(['plane_at', 'plane_axis', 'plane_last_reach', 'plane_best_col', 'plane_row_min']);
export const VALUE_KINDS = Object.freeze([...MOMENT_KINDS, ...RUN_KINDS, ...DERIVED_KINDS, ...SWEEP_KINDS, ...PLANE_KINDS]);

/**
 * @typedef {{init: Record<string, any>, end: Record<string, any>, dead_step?: number}} ArchRun
 * @typedef {{plain?: ArchRun, residual?: ArchRun}} Runs
 * @typedef {{kind: string, at?: string, arch?: string, field?: string, layer?: number | string,
 *   num_layer?: number | string, den_layer?: number | string, from_layer?: number | string, to_layer?: number | string,
 *   part?: string, block?: number | string, stat?: string, a?: string, b?: string, of?: string, plain?: string, residual?: string,
 *   metric?: string, index?: number, reach?: number, as?: string, digits?: number, negate?: boolean, may_underflow?: boolean,
 *   col?: number, row?: number, axis?: number, hist?: string, in?: Array<number | null>, out?: Array<number | null>}} ValueSpec
 * @typedef {{value: number | string | null, kind: string, unit: string, at: string | null, step: number | null,
 *   digits?: number, underflow?: boolean, upper?: number, lower?: number, arch?: string, layer?: number,
 *   r2?: number, approx?: boolean, where?: string, between?: number[], block?: number}} Value
 * @typedef {Record<string, Value>} Values
 */

/** A layer of a record: 1 = the first, 'last' = the output layer, n. @param {Record<string, any>} rec @param {number | string | undefined} l */
export function layerIndex(rec, l) {
  const n = rec.grad_norm.length;
  if (l === 'last') return n - 1;
  const k = Number(l);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`layer ${l} is not a layer of a ${n}-layer record`);
  return k - 1;
}

/** Did the stack diverge (its newest record says so)? @param {ArchRun | undefined} run */
export function hasDiverged(run) {
  return !!run && stackState(run.end).state === 'diverged';
}

/**
 * Which `if` sentences of an experiment hold on its run: a stack diverged,
 * or a stack was dead at a recorded step (stack-state.js stackState: the
 * page's run status says the same; a stack that diverged is not also dead).
 * @param {Runs} runs @returns {Record<string, boolean>}
 */
export function conditionsOf(runs) {
  /** @type {Record<string, boolean>} */
  const out = {};
  for (const a of ARCHS) {
    const run = /** @type {ArchRun | undefined} */ ((/** @type {any} */ (runs))[a]);
    const st = run ? stackState(run.end, run.init).state : 'ok';
    out[`${a}_diverged`] = st === 'diverged';
    out[`${a}_dead`] = st === 'dead';
  }
  return out;
}

/** least squares of ys against xs @param {number[]} xs @param {number[]} ys */
function fitLine(xs, ys) {
  const n = xs.length, mx = xs.reduce((s, x) => s + x, 0) / n, my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; syy += (ys[i] - my) ** 2; }
  return { slope: sxy / sxx, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : 1 };
}

/** @param {number[]} v */
function median(v) {
  const s = [...v].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/* ---- the histograms (hist_pre, hist_act, hist_grad, hist_wgrad): a record counted with them
   holds, per histogram, layers x (E + 1) exact counts and its E edges (`hist_edges`); bins are
   right-closed (bin b holds e[b-1] < v <= e[b]; bin 0 v <= e[0], bin E v > e[E-1]) */

/** a record's histogram: its counts, edges and bins per layer @param {Record<string, any>} r @param {string | undefined} hist */
function histOf(r, hist) {
  const h = /** @type {string} */ (hist);
  if (!r[h] || !r.hist_edges || !r.hist_edges[h]) throw new Error(`${h}: the record (step ${r.step}) holds no histograms (counted only with hist = 1)`);
  const edges = /** @type {ArrayLike<number>} */ (r.hist_edges[h]);
  return { counts: /** @type {ArrayLike<number>} */ (r[h]), edges, bins: edges.length + 1 };
}

/** the bin index an edge closes (bin k holds v <= edges[k]); null: the open end @param {ArrayLike<number>} edges @param {number | null} x @param {number} fallback */
function edgeIndex(edges, x, fallback) {
  if (x === null || x === undefined) return fallback;
  for (let k = 0; k < edges.length; k++) if (edges[k] === x) return k;
  throw new Error(`${x} is not an edge of the histogram (${edges[0]} .. ${edges[edges.length - 1]}): a share must follow its bins`);
}

/**
 * Layer l's (0-based) share of values v with lo < v <= hi (lo, hi: edges or null for an open end),
 * or, `out`, outside that: v <= lo or v > hi.  null when the layer has no values.
 * @param {{counts: ArrayLike<number>, edges: ArrayLike<number>, bins: number}} h @param {number} l
 * @param {Array<number | null>} range @param {boolean} out
 */
function histShare(h, l, range, out) {
  const first = edgeIndex(h.edges, range[0], -1) + 1, last = edgeIndex(h.edges, range[1], h.bins - 1);
  let inside = 0, total = 0;
  for (let b = 0; b < h.bins; b++) {
    const c = h.counts[l * h.bins + b];
    total += c;
    if (b >= first && b <= last) inside += c;
  }
  if (!total) return null;
  return out ? (total - inside) / total : inside / total;
}

/** the layers a histogram value reads: one (1, 'last', n) or the hidden ones ('hidden': not layer 1, not the output)
    @param {Record<string, any>} r @param {number | string | undefined} layer */
function histLayers(r, layer) {
  if (layer !== 'hidden') return [layerIndex(r, layer)];
  const n = r.grad_norm.length;
  return Array.from({ length: Math.max(0, n - 2) }, (_, i) => i + 1);
}

/** one number of several layers: 'min', 'max' or 'median', and the layer it came from
    @param {Array<{v: number, l: number}>} xs @param {string | undefined} stat */
function pickStat(xs, stat = 'min') {
  if (!xs.length) return { v: null, l: null };
  if (stat === 'median') return { v: median(xs.map((x) => x.v)), l: null };
  const best = xs.reduce((a, x) => ((stat === 'max' ? x.v > a.v : x.v < a.v) ? x : a));
  return best;
}

/**
 * Evaluates an experiment's named values on its run.
 * @param {Record<string, ValueSpec>} specs experiments.json `values`
 * @param {Runs} runs the run's records
 * @param {string} at the experiment's moment, 'init' or 'end' (a value may say its own)
 * @returns {Values}
 */
export function evaluateValues(specs, runs, at) {
  /** @type {Values} */
  const out = {};
  const busy = new Set();
  /** @param {string} name @returns {Value} */
  const get = (name) => {
    if (out[name]) return out[name];
    const spec = specs[name];
    if (!spec) throw new Error(`no value '${name}'`);
    if (busy.has(name)) throw new Error(`value '${name}' refers to itself`);
    busy.add(name);
    out[name] = valueOf(spec, runs, spec.at || at, get);
    busy.delete(name);
    return out[name];
  };
  for (const name of Object.keys(specs)) get(name);
  return out;
}

/**
 * @param {ValueSpec} spec @param {Runs} runs @param {string} at
 * @param {(name: string) => Value} get another named value
 * @returns {Value}
 */
function valueOf(spec, runs, at, get) {
  if (!MOMENTS.includes(at)) throw new Error(`at: '${at}' is neither init nor end`);
  const run = (/** @type {string | undefined} */ arch) => {
    const r = arch && (/** @type {any} */ (runs))[arch];
    if (!r) throw new Error(`${spec.kind}: no ${arch} run`);
    return /** @type {ArchRun} */ (r);
  };
  const rec = (/** @type {string | undefined} */ arch) => /** @type {Record<string, any>} */ (run(arch)[/** @type {'init' | 'end'} */ (at)]);
  /** @type {Value} */
  let v;
  switch (spec.kind) {
    case 'field':
    case 'log10_field': {
      const r = rec(spec.arch), field = /** @type {string} */ (spec.field), i = layerIndex(r, spec.layer);
      const x = r[field][i], log = spec.kind === 'log10_field';
      v = { value: log ? Math.log10(x) : x, kind: spec.kind, unit: log ? 'decades' : field === 'saturation' ? 'percent' : 'value', at, step: r.step, arch: spec.arch, layer: i + 1 };
      if (underflowed(r, field, i)) Object.assign(v, { value: null, underflow: true, upper: log ? Math.log10(FLT_MIN) : FLT_MIN });
      break;
    }
    case 'log10_ratio': {
      const r = rec(spec.arch), field = /** @type {string} */ (spec.field);
      const i = layerIndex(r, spec.num_layer), j = layerIndex(r, spec.den_layer);
      v = { value: Math.log10(r[field][i] / r[field][j]), kind: spec.kind, unit: 'decades', at, step: r.step, arch: spec.arch };
      const ui = underflowed(r, field, i), uj = underflowed(r, field, j);
      if (ui && !uj) Object.assign(v, { value: null, underflow: true, upper: Math.log10(FLT_MIN / r[field][j]) });
      else if (uj && !ui) Object.assign(v, { value: null, underflow: true, lower: Math.log10(r[field][i] / FLT_MIN) });
      else if (ui && uj) Object.assign(v, { value: null, underflow: true });
      break;
    }
    case 'compare_archs': {
      const p = rec('plain'), q = rec('residual'), field = /** @type {string} */ (spec.field), i = layerIndex(p, spec.layer);
      v = { value: Math.log10(q[field][i] / p[field][i]), kind: spec.kind, unit: 'decades', at, step: Math.max(p.step, q.step), layer: i + 1 };
      const up = underflowed(p, field, i), uq = underflowed(q, field, i);
      if (up && !uq) Object.assign(v, { value: null, underflow: true, lower: Math.log10(q[field][i] / FLT_MIN) });
      else if (uq && !up) Object.assign(v, { value: null, underflow: true, upper: Math.log10(FLT_MIN / p[field][i]) });
      else if (up && uq) Object.assign(v, { value: null, underflow: true });
      break;
    }
    case 'loss':
    case 'acc': {
      const r = rec(spec.arch);
      v = { value: r[spec.kind], kind: spec.kind, unit: spec.kind === 'acc' ? 'percent' : 'value', at, step: r.step, arch: spec.arch };
      break;
    }
    case 'chain_product': {
      /* the product of every layer's factor from the output down to layer 1: chain_product at layer 1 */
      const r = rec(spec.arch);
      v = { value: r.chain_product[0], kind: spec.kind, unit: 'value', at, step: r.step, arch: spec.arch };
      if (underflowed(r, 'chain_product', 0)) Object.assign(v, { value: null, underflow: true });
      break;
    }
    case 'max_saturation': {
      /* the largest saturated (or, for ReLU, silent) share over the layers, and its layer */
      const r = rec(spec.arch), s = r.saturation;
      let k = 0;
      for (let i = 1; i < s.length; i++) if (s[i] > s[k]) k = i;
      v = spec.part === 'layer'
        ? { value: k + 1, kind: spec.kind, unit: 'layer', at, step: r.step, arch: spec.arch, layer: k + 1 }
        : { value: s[k], kind: spec.kind, unit: 'percent', at, step: r.step, arch: spec.arch, layer: k + 1 };
      break;
    }
    case 'underflow_count': {
      /* how many layers' weight gradients are exactly 0 or underflowed (the chart's underflow markers) */
      const r = rec(spec.arch);
      let n = 0;
      for (let i = 0; i < r.grad_norm.length; i++) if (underflowed(r, 'grad_norm', i)) n++;
      v = { value: n, kind: spec.kind, unit: 'count', at, step: r.step, arch: spec.arch };
      break;
    }
    case 'layers': {
      /* the number of layers with weights, input to output (what the layer axis counts) */
      const r = rec(spec.arch || 'plain');
      v = { value: r.grad_norm.length, kind: spec.kind, unit: 'count', at, step: r.step };
      break;
    }
    case 'step': {
      /* the step of the record the page shows at this moment (the newer of the two stacks') */
      const steps = ARCHS.filter((a) => (/** @type {any} */ (runs))[a]).map((a) => rec(a).step);
      v = { value: Math.max(...steps), kind: spec.kind, unit: 'step', at, step: Math.max(...steps) };
      break;
    }
    case 'log10_slope': {
      /* the least-squares line through log10(field[l]), l = from .. to: decades per layer (negative: larger towards the input) */
      const r = rec(spec.arch), field = /** @type {string} */ (spec.field);
      const lo = layerIndex(r, spec.from_layer), hi = layerIndex(r, spec.to_layer), xs = [], ys = [];
      for (let i = lo; i <= hi; i++) { xs.push(i + 1); ys.push(Math.log10(r[field][i])); }
      const fit = xs.length >= 3 && ys.every(Number.isFinite) ? fitLine(xs, ys) : null;
      v = { value: fit ? fit.slope : null, kind: spec.kind, unit: 'decades', digits: 2, at, step: r.step, arch: spec.arch };
      if (fit) v.r2 = fit.r2;
      else v.underflow = true;
      break;
    }
    case 'block_field':
    case 'block_stat': {
      /* a residual stack's block: one block's block_factor, block_shortcut or block_branch (block 1, 'last'
         or n), or their min, max or median over the blocks (what the chain chart's block view and the walk show) */
      const r = rec(spec.arch), field = /** @type {string} */ (spec.field);
      if (!BLOCK_FIELDS.has(field)) throw new Error(`${spec.kind}: '${field}' is not a per-block field`);
      const xs = Array.from(/** @type {ArrayLike<number>} */ (r[field] || []));
      if (!xs.length) throw new Error(`${spec.kind}: the ${spec.arch} stack has no blocks`);
      if (spec.kind === 'block_field') {
        const b = spec.block === 'last' ? xs.length : Number(spec.block);
        if (!Number.isInteger(b) || b < 1 || b > xs.length) throw new Error(`block ${spec.block} is not a block of ${xs.length}`);
        v = { value: xs[b - 1], kind: spec.kind, unit: 'value', at, step: r.step, arch: spec.arch, block: b };
      } else {
        const stat = spec.stat || 'median';
        if (!['min', 'max', 'median'].includes(stat)) throw new Error(`block_stat: stat '${stat}' is not min, max or median`);
        v = { value: stat === 'min' ? Math.min(...xs) : stat === 'max' ? Math.max(...xs) : median(xs), kind: spec.kind, unit: 'value', at, step: r.step, arch: spec.arch };
      }
      break;
    }
    case 'part_factor': {
      /* the factor of a residual stack's stem (the input x up to block 1) or head (the last block's output up to the logits) */
      const r = rec(spec.arch), part = spec.part;
      if (part !== 'stem' && part !== 'head') throw new Error(`part_factor: part '${part}' is neither stem nor head`);
      const x = r[`${part}_factor`];
      if (typeof x !== 'number') throw new Error(`part_factor: the ${spec.arch} stack has no ${part}`);
      v = { value: x, kind: spec.kind, unit: 'value', at, step: r.step, arch: spec.arch };
      break;
    }
    case 'hidden_median': {
      /* the median over the hidden layers (2 .. L+1, not layer 1 and the output layer) of a per-layer field */
      const r = rec(spec.arch);
      v = { value: median(Array.from(/** @type {ArrayLike<number>} */ (r[/** @type {string} */ (spec.field)])).slice(1, -1)), kind: spec.kind, unit: spec.field === 'saturation' ? 'percent' : 'value', at, step: r.step, arch: spec.arch };
      break;
    }
    case 'hist_share': {
      /* the share of a layer's values in (in: [lo, hi]) or outside (out: [lo, hi]) a range of
         its bins' edges; 'hidden': the smallest (stat min), largest or median share over them */
      const r = rec(spec.arch), h = histOf(r, spec.hist), out = !!spec.out;
      const range = /** @type {Array<number | null>} */ (spec.out || spec.in || [null, null]);
      const xs = histLayers(r, spec.layer).map((l) => ({ v: histShare(h, l, range, out), l })).filter((x) => x.v !== null);
      const best = pickStat(/** @type {Array<{v: number, l: number}>} */ (xs), spec.stat);
      v = { value: best.v, kind: spec.kind, unit: 'percent', at, step: r.step, arch: spec.arch };
      if (best.l !== null) v.layer = best.l + 1;
      break;
    }
    case 'hist_bins': {
      /* how many bins of a layer hold any value (1: every value in one bin, a spike); 'hidden': the most */
      const r = rec(spec.arch), h = histOf(r, spec.hist);
      const xs = histLayers(r, spec.layer).map((l) => {
        let n = 0;
        for (let b = 0; b < h.bins; b++) if (h.counts[l * h.bins + b] > 0) n++;
        return { v: n, l };
      });
      const best = pickStat(xs, spec.stat || 'max');
      v = { value: best.v, kind: spec.kind, unit: 'count', at, step: r.step, arch: spec.arch };
      if (best.l !== null) v.layer = best.l + 1;
      break;
    }
    case 'hist_median': {
      /* where a layer's values reach half their count: the upper edge of that bin (log10 units for
         hist_grad and hist_wgrad: decades; null when half of them sit in the open top bin) */
      const r = rec(spec.arch), h = histOf(r, spec.hist), l = layerIndex(r, spec.layer);
      let total = 0, run = 0, at2 = -1;
      for (let b = 0; b < h.bins; b++) total += h.counts[l * h.bins + b];
      for (let b = 0; b < h.bins && at2 < 0; b++) {
        run += h.counts[l * h.bins + b];
        if (2 * run >= total && total > 0) at2 = b;
      }
      const grad = spec.hist === 'hist_grad' || spec.hist === 'hist_wgrad';
      v = { value: at2 >= 0 && at2 < h.edges.length ? h.edges[at2] : null, kind: spec.kind, unit: grad ? 'decades' : 'value', at, step: r.step, arch: spec.arch, layer: l + 1 };
      break;
    }
    case 'diverged_step': {
      const R = run(spec.arch), d = hasDiverged(R) ? R.end.diverged : null;
      v = spec.part === 'layer'
        ? { value: d ? d.layer : null, kind: spec.kind, unit: 'layer', at: null, step: d ? d.step : null, arch: spec.arch }
        : { value: d ? d.step : null, kind: spec.kind, unit: 'step', at: null, step: d ? d.step : null, arch: spec.arch };
      if (d) v.where = d.where;
      break;
    }
    case 'dead_step': {
      const d = deadStep(run(spec.arch));
      v = { value: d.step, kind: spec.kind, unit: 'step', at: null, step: d.step, arch: spec.arch };
      if (d.approx) v.approx = true;
      break;
    }
    case 'log10_change': {
      /* how a layer's number moved over the run: log10(end / init) */
      const R = run(spec.arch), field = /** @type {string} */ (spec.field), i = layerIndex(R.init, spec.layer);
      v = { value: Math.log10(R.end[field][i] / R.init[field][i]), kind: spec.kind, unit: 'decades', at: null, step: R.end.step, arch: spec.arch, layer: i + 1 };
      const ue = underflowed(R.end, field, i), ui = underflowed(R.init, field, i);
      if (ue && !ui) Object.assign(v, { value: null, underflow: true, upper: Math.log10(FLT_MIN / R.init[field][i]) });
      else if (ue || ui) Object.assign(v, { value: null, underflow: true });
      break;
    }
    default:
      return derivedValue(spec, at, get);
  }
  return finish(v, spec);
}

/** The kinds made of other values (shared by runs and sweeps). @param {ValueSpec} spec @param {string | null} at @param {(name: string) => Value} get @returns {Value} */
function derivedValue(spec, at, get) {
  /** @type {Value} */
  let v;
  switch (spec.kind) {
    case 'diff': {
      /* a − b of two named values of the same unit: a difference between the stacks, or between two layers */
      const a = get(/** @type {string} */ (spec.a)), b = get(/** @type {string} */ (spec.b));
      const ok = typeof a.value === 'number' && typeof b.value === 'number';
      v = { value: ok ? /** @type {number} */ (a.value) - /** @type {number} */ (b.value) : null, kind: spec.kind, unit: a.unit === 'percent' ? 'percent' : a.unit, at: a.at, step: a.step };
      if (a.digits !== undefined) v.digits = a.digits;
      if (!ok) v.underflow = !!(a.underflow || b.underflow);
      break;
    }
    case 'pow10': {
      /* 10 to a value in decades: the factor per layer of a slope, the ratio of a log10 ratio */
      const a = get(/** @type {string} */ (spec.of));
      v = { value: typeof a.value === 'number' ? 10 ** a.value : null, kind: spec.kind, unit: 'value', at: a.at, step: a.step };
      if (a.underflow) v.underflow = true;
      break;
    }
    case 'arch_lower':
    case 'arch_higher': {
      /* which stack has the lower (higher) of two values: {plain: name, residual: name} */
      const p = get(/** @type {string} */ (spec.plain)), q = get(/** @type {string} */ (spec.residual));
      const pv = typeof p.value === 'number' ? p.value : -Infinity, qv = typeof q.value === 'number' ? q.value : -Infinity;
      const lower = pv <= qv ? 'plain' : 'residual', higher = lower === 'plain' ? 'residual' : 'plain';
      v = { value: spec.kind === 'arch_lower' ? lower : higher, kind: spec.kind, unit: 'arch', at: p.at, step: p.step };
      break;
    }
    default:
      throw new Error(`unknown value kind '${spec.kind}'`);
  }
  return finish(v, spec);
}

/** spec options that change how a value reads: `negate` (−value: "falls by"), `as: 'pow10'`, `digits` @param {Value} v @param {ValueSpec} spec */
function finish(v, spec) {
  if (spec.negate) {
    if (v.unit !== 'decades' && v.unit !== 'value') throw new Error(`negate: ${spec.kind} is in ${v.unit}`);
    if (typeof v.value === 'number') v.value = -v.value;
    const { upper, lower } = v;
    delete v.upper;
    delete v.lower;
    if (upper !== undefined) v.lower = -upper;
    if (lower !== undefined) v.upper = -lower;
  }
  if (spec.as === 'pow10') {
    if (v.unit !== 'decades') throw new Error(`as: pow10 needs a value in decades (${spec.kind} is in ${v.unit})`);
    v.unit = 'pow10';
  } else if (spec.as) throw new Error(`as: '${spec.as}' is not a form (pow10)`);
  if (spec.digits !== undefined) v.digits = spec.digits;
  if (v.unit === 'decades' && v.digits === undefined) v.digits = 1;
  if (v.value !== null && typeof v.value === 'number' && Number.isNaN(v.value)) v.value = null;
  return v;
}

/**
 * A sweep experiment's named values, on the engine's sweep result (the
 * medians over the seeds; docs/api.md):
 *   sweep_at       {arch, metric, index}: the median at value index (−1 = the last)
 *   sweep_slope    {arch, metric}: least-squares slope of the median against the value (r2 too)
 *   sweep_crossing {arch, metric}: the swept value where the median first turns from < 0 to ≥ 0
 *                  (linear between the two values around it, `between`)
 *   sweep_first_reach {arch, metric, reach}: the first swept value whose median is ≥ reach
 *                  after one below it (the Sweep panel's "χ reaches 1" marker: metric
 *                  chi_geomean, reach 1; a swept value, not a crossing between two)
 * plus the derived kinds (diff, pow10).
 * @param {Record<string, ValueSpec>} specs @param {Record<string, any>} result @returns {Values}
 */
export function evaluateSweepValues(specs, result) {
  /** @type {Values} */
  const out = {};
  /** @param {string} name @returns {Value} */
  const get = (name) => {
    if (out[name]) return out[name];
    const spec = specs[name];
    if (!spec) throw new Error(`no value '${name}'`);
    out[name] = sweepValue(spec, result, get);
    return out[name];
  };
  for (const name of Object.keys(specs)) get(name);
  return out;
}

/** @param {ValueSpec} spec @param {Record<string, any>} result @param {(name: string) => Value} get @returns {Value} */
function sweepValue(spec, result, get) {
  if (PLANE_KINDS.has(spec.kind)) return planeValue(spec, result);
  if (!SWEEP_KINDS.has(spec.kind)) return derivedValue(spec, 'init', get);
  const xs = /** @type {number[]} */ (result.values);
  const series = result[/** @type {string} */ (spec.arch)] && result[/** @type {string} */ (spec.arch)][/** @type {string} */ (spec.metric)];
  const m = series ? /** @type {(number | null)[]} */ (series.median) : null;
  /** @type {Value} */
  const v = { value: null, kind: spec.kind, unit: 'decades', at: 'init', step: result.steps, arch: spec.arch };
  if (!m) return finish(v, spec);
  switch (spec.kind) {
    case 'sweep_at': {
      const i = /** @type {number} */ (spec.index) < 0 ? m.length + /** @type {number} */ (spec.index) : /** @type {number} */ (spec.index);
      v.value = m[i];
      if (v.value === null) v.underflow = true;
      break;
    }
    case 'sweep_slope': {
      if (m.every((y) => y !== null)) {
        const fit = fitLine(xs, /** @type {number[]} */ (m));
        v.value = fit.slope;
        v.r2 = fit.r2;
        v.digits = 2;
      }
      break;
    }
    case 'sweep_first_reach': {
      v.unit = 'value';
      const reach = /** @type {number} */ (spec.reach);
      for (let i = 1; i < m.length; i++) {
        const a = m[i - 1], b = m[i];
        if (a !== null && b !== null && a < reach && b >= reach) {
          v.value = xs[i];
          break;
        }
      }
      break;
    }
    default: { /* sweep_crossing */
      v.unit = 'value';
      for (let i = 1; i < m.length; i++) {
        const a = m[i - 1], b = m[i];
        if (a !== null && b !== null && a < 0 && b >= 0) {
          v.value = xs[i - 1] + (xs[i] - xs[i - 1]) * (-a) / (b - a);
          v.between = [xs[i - 1], xs[i]];
          break;
        }
      }
    }
  }
  return finish(v, spec);
}

/**
 * A plane's named values (a sweep over two settings, docs/api.md "Planes"):
 * every grid is grid[row][col], rows the second setting's values (axes[1]),
 * columns the first's (axes[0]); an index may count from the end (−1 = the
 * last).  The cells are the engine's medians over the seeds (the diverged
 * share as it is); the page picks, it computes no statistic:
 *   plane_at          {arch, metric, col, row}: one cell
 *   plane_axis        {axis, field, index}: a number of an axis: its `values`
 *                     (the default), or the engine's mean field of a weight-scale
 *                     axis (sigma_w, chi_mf, depth_6xi, depth_6xi_c, ...); null where
 *                     the engine's is (an infinite depth scale)
 *   plane_last_reach  {arch, metric, reach, col}: the largest row value whose cell in
 *                     that column is at least `reach` (the deepest network that trains,
 *                     when the rows are depths and the metric final_acc); null if none
 *   plane_best_col    {arch, metric, reach, field?, part?}: the column whose plane_last_reach
 *                     is the largest (the first of a tie), as its axes[0][field] (default
 *                     `values`; `sigma_w` for the weight scale), or with part 'row' that
 *                     largest row value itself; null if no cell reaches
 *   plane_row_min     {arch, metric, row}: the least cell of a row (null if one is null)
 * Unit: the metric's (percent for final_acc and diverged_share, decades for a
 * *_log10 metric, else value); a swept value or an axis number is a value.
 * @param {ValueSpec} spec @param {Record<string, any>} result @returns {Value}
 */
function planeValue(spec, result) {
  if (!Array.isArray(result.axes) || result.axes.length !== 2) throw new Error(`${spec.kind}: the result is not a plane`);
  const [cols, rows] = result.axes;
  const metric = /** @type {string} */ (spec.metric);
  const at = (/** @type {number} */ i, /** @type {number} */ n) => {
    const k = i < 0 ? n + i : i;
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error(`${spec.kind}: index ${i} is not one of ${n}`);
    return k;
  };
  const grid = () => {
    const r = result[/** @type {string} */ (spec.arch)];
    const g = r ? (metric === 'diverged_share' ? r.diverged_share : r[metric] && r[metric].median) : null;
    if (!g) throw new Error(`${spec.kind}: no ${spec.arch} ${metric} in the result`);
    return /** @type {Array<Array<number | null>>} */ (g);
  };
  const unit = metric === 'final_acc' || metric === 'diverged_share' ? 'percent' : /_log10$/.test(metric || '') ? 'decades' : 'value';
  /** the last row whose cell in column c is at least reach, or -1 @param {Array<Array<number | null>>} g @param {number} c */
  const lastReach = (g, c) => {
    for (let j = g.length - 1; j >= 0; j--) {
      const x = g[j][c];
      if (x !== null && x >= /** @type {number} */ (spec.reach)) return j;
    }
    return -1;
  };
  /** @type {Value} */
  const v = { value: null, kind: spec.kind, unit: 'value', at: result.steps > 0 ? 'end' : 'init', step: result.steps };
  if (spec.arch) v.arch = spec.arch;
  switch (spec.kind) {
    case 'plane_at': {
      const g = grid();
      v.value = g[at(/** @type {number} */ (spec.row), rows.values.length)][at(/** @type {number} */ (spec.col), cols.values.length)];
      v.unit = unit;
      break;
    }
    case 'plane_axis': {
      const a = result.axes[/** @type {number} */ (spec.axis)];
      const field = spec.field || 'values';
      if (!a || !Array.isArray(a[field])) throw new Error(`plane_axis: axis ${spec.axis} has no ${field}`);
      const x = a[field][at(/** @type {number} */ (spec.index), a.values.length)];
      v.value = x === undefined ? null : x;
      break;
    }
    case 'plane_last_reach': {
      const j = lastReach(grid(), at(/** @type {number} */ (spec.col), cols.values.length));
      v.value = j >= 0 ? rows.values[j] : null;
      break;
    }
    case 'plane_best_col': {
      const g = grid();
      let best = -1, bestRow = -1;
      for (let c = 0; c < cols.values.length; c++) {
        const j = lastReach(g, c);
        if (j > bestRow) { best = c; bestRow = j; }
      }
      const field = spec.field || 'values';
      if (!Array.isArray(cols[field])) throw new Error(`plane_best_col: axis 0 has no ${field}`);
      v.value = best < 0 ? null : spec.part === 'row' ? rows.values[bestRow] : cols[field][best];
      break;
    }
    default: { /* plane_row_min */
      const row = grid()[at(/** @type {number} */ (spec.row), rows.values.length)];
      v.value = row.some((x) => x === null) ? null : Math.min(.../** @type {number[]} */ (row));
      v.unit = unit;
    }
  }
  return finish(v, spec);
}

/* ---- claims ---------------------------------------------------------------- */

/**
 * The old claim kinds, each the same thing as a value with a range; kept so
 * that a claim can still be written as one line where no answer quotes it.
 * @param {Record<string, any>} c @returns {{spec: ValueSpec, range: Record<string, any>} | null}
 */
function legacy(c) {
  const range = { min: c.min, max: c.max };
  switch (c.kind) {
    case 'log10_ratio':
      return { spec: { kind: 'log10_ratio', arch: c.arch, field: c.field, num_layer: c.num_layer, den_layer: c.den_layer }, range };
    case 'log10_value':
      return { spec: { kind: 'log10_field', arch: c.arch, field: c.field, layer: c.layer }, range };
    case 'log10_change':
      return { spec: { kind: 'log10_change', arch: c.arch, field: c.field, layer: c.layer }, range };
    case 'log10_slope':
      return { spec: { kind: 'log10_slope', arch: c.arch, field: c.field, from_layer: c.from_layer, to_layer: c.to_layer }, range: { ...range, r2_min: c.r2_min } };
    case 'compare_archs':
      return { spec: { kind: 'compare_archs', field: c.field, layer: c.layer }, range: { min: c.residual_over_plain_log10_min } };
    case 'loss':
    case 'acc':
      return { spec: { kind: c.kind, arch: c.arch }, range };
    case 'update_ratio_profile':
      return { spec: { kind: 'log10_ratio', arch: c.arch, field: 'update_ratio', num_layer: 1, den_layer: 'last' }, range: { max: c.first_over_last_log10_max } };
    default:
      return null;
  }
}

/** Does a value satisfy a range {min, max, r2_min, equals, null}? @param {Value} v @param {Record<string, any>} c */
export function inRange(v, c) {
  if (c.null !== undefined) return (v.value === null && !v.underflow) === c.null;
  if (c.equals !== undefined) return v.value === c.equals;
  if (typeof v.value !== 'number') {
    /* an underflowed value passes only a bound its underflow still proves */
    if (c.max !== undefined && c.min === undefined && v.upper !== undefined) return v.upper <= c.max;
    if (c.min !== undefined && c.max === undefined && v.lower !== undefined) return v.lower >= c.min;
    return false;
  }
  if (!Number.isFinite(v.value)) return false;
  if (c.min !== undefined && !(v.value >= c.min)) return false;
  if (c.max !== undefined && !(v.value <= c.max)) return false;
  if (c.r2_min !== undefined && !(v.r2 !== undefined && v.r2 >= c.r2_min)) return false;
  return true;
}

/**
 * Checks an experiment's claims on its run.  A claim is a constraint on a
 * named value ({value, min?, max?, r2_min?, equals?, null?}), `diverged`
 * ({arch, expect}), `hidden_median` ({arch, field, min?, max?, below_bound?})
 * or one of the old kinds (legacy() above).  Claims take the experiment's
 * moment; only the run-long kinds (log10_change, diverged) have none.
 * @param {{at: string, values?: Record<string, ValueSpec>, claims: Record<string, any>[]}} exp
 * @param {Runs} runs
 * @param {Values} [values] the experiment's values on this run, if evaluated already
 * @returns {{claim: Record<string, any>, value: any, ok: boolean, r2?: number}[]}
 */
export function checkClaims(exp, runs, values) {
  const vals = values || evaluateValues(exp.values || {}, runs, exp.at);
  return exp.claims.map((c) => {
    if (c.value !== undefined) {
      const v = vals[c.value];
      if (!v) return { claim: c, value: undefined, ok: false };
      return withR2({ claim: c, value: shown(v), ok: inRange(v, c) }, v);
    }
    if (c.kind === 'diverged') {
      const d = hasDiverged((/** @type {any} */ (runs))[c.arch]);
      return { claim: c, value: d, ok: d === c.expect };
    }
    if (c.kind === 'hidden_median') {
      const v = valueOf({ kind: 'hidden_median', arch: c.arch, field: c.field }, runs, exp.at, () => { throw new Error('no'); });
      const bound = (/** @type {any} */ (runs))[c.arch][exp.at].act_max_slope;
      const ok = inRange(v, c) && (c.below_bound === undefined || /** @type {number} */ (v.value) <= c.below_bound * bound);
      return { claim: c, value: v.value, ok };
    }
    const l = legacy(c);
    if (!l) return { claim: c, value: undefined, ok: false };
    const v = valueOf(l.spec, runs, exp.at, () => { throw new Error('no'); });
    return withR2({ claim: c, value: shown(v), ok: inRange(v, l.range) }, v);
  });
}

/** @param {{claim: Record<string, any>, value: any, ok: boolean, r2?: number}} r @param {Value} v */
function withR2(r, v) {
  if (v.r2 !== undefined) r.r2 = v.r2;
  return r;
}

/** what a claim's message shows of a value: the number, or 'underflow (< bound)' @param {Value} v */
function shown(v) {
  if (v.value !== null || !v.underflow) return v.value;
  return v.upper !== undefined ? `underflow (≤ ${v.upper})` : v.lower !== undefined ? `underflow (≥ ${v.lower})` : 'underflow';
}

/**
 * A sweep experiment's claims: constraints on its named values (on the
 * sweep result), or `sweep_range` ({arch, metric, min?, max?}: every median
 * within), or the old sweep_at / sweep_slope / sweep_crossing written inline.
 * @param {{values?: Record<string, ValueSpec>, claims: Record<string, any>[]}} exp
 * @param {Record<string, any>} result the engine's sweep result
 * @param {Values} [values]
 */
export function checkSweepClaims(exp, result, values) {
  const vals = values || evaluateSweepValues(exp.values || {}, result);
  return exp.claims.map((c) => {
    if (c.value !== undefined) {
      const v = vals[c.value];
      return v ? withR2({ claim: c, value: v.value, ok: inRange(v, c) }, v) : { claim: c, value: undefined, ok: false };
    }
    if (c.kind === 'sweep_range') {
      const m = result[c.arch] && result[c.arch][c.metric] ? /** @type {(number | null)[]} */ (result[c.arch][c.metric].median) : null;
      if (!m || m.some((x) => x === null)) return { claim: c, value: m, ok: false };
      const ms = /** @type {number[]} */ (m);
      return { claim: c, value: [Math.min(...ms), Math.max(...ms)], ok: ms.every((x) => (c.min === undefined || x >= c.min) && (c.max === undefined || x <= c.max)) };
    }
    if (SWEEP_KINDS.has(c.kind) || PLANE_KINDS.has(c.kind)) {
      const v = sweepValue(/** @type {ValueSpec} */ (c), result, () => { throw new Error('no'); });
      return withR2({ claim: c, value: v.value, ok: inRange(v, c) }, v);
    }
    return { claim: c, value: undefined, ok: false };
  });
}

/* ---- the words: placeholders ----------------------------------------------- */

/**
 * The {name} placeholders of a text, in order (names of values).  Only in the
 * prose: braces inside $...$ are TeX ($\sqrt{B}$), never a placeholder.
 * @param {string} text
 */
export function placeholders(text) {
  const prose = String(text).replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$/g, ' ');
  return [...prose.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
}

/**
 * An experiment's values on its run or sweep, and the `if` conditions that
 * hold: what the page needs after the run.
 * @param {{at: string, values?: Record<string, ValueSpec>, sweep?: any}} exp
 * @param {Runs | Record<string, any>} input the runs, or the sweep result for a sweep experiment
 * @returns {{values: Values, conditions: Record<string, boolean>}}
 */
export function evaluateExperiment(exp, input) {
  if (exp.sweep) return { values: evaluateSweepValues(exp.values || {}, input), conditions: Object.fromEntries(CONDITIONS.map((c) => [c, false])) };
  return { values: evaluateValues(exp.values || {}, /** @type {Runs} */ (input), exp.at), conditions: conditionsOf(/** @type {Runs} */ (input)) };
}
