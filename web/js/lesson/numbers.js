// @ts-check
/*
 * numbers.js - the numbers an experiment's answer quotes, read from the
 * run's records (numbersOf: no arithmetic beyond picking a layer or the
 * largest value; the chart that answers the question decides which), and
 * their lines in the page's language (numbersText).  Pure.
 */
import { ARCHS, latestWithUpdate } from '../lab/history.js';
import { chartKey } from '../lab/highlight.js';
import { chartData } from '../sweep/sweep-model.js';

/*
 * The numbers the answer quotes, read from the run's records (no
 * arithmetic beyond picking a layer or the largest value): the chart that
 * answers the question decides which.  Kept raw, formatted when shown, so
 * a change of language re-formats them.
 */
/** @typedef {{chart: string, highlight?: {layer?: any, what?: string}, config: Record<string, any>, sweep?: Record<string, any>,
 *   changes?: Array<{step: number, [name: string]: number}>}} Experiment experiments.json's entry (changes: the run's scheduled changes of course) */
/** @typedef {{v: number, under?: boolean}} LayerValue */
/** @typedef {{kind: string, step: number, v: Record<string, any>, diverged: Array<{arch: string, step: number}>}} Numbers */

/**
 * @param {Experiment} x
 * @param {any[]} records the run's records {plain, residual}, oldest first
 * @returns {Numbers | null}
 */
export function numbersOf(x, records) {
  const first = records[0], last = records[records.length - 1];
  if (!first || !last || !last.plain || !last.residual) return null;
  const P = last.plain, R = last.residual;
  const L = P.grad_norm.length;
  /** @type {Numbers} */
  const out = { kind: chartKey({ chart: x.chart, what: x.highlight && x.highlight.what }), step: Math.max(P.step, R.step), v: {}, diverged: [] };
  for (const a of ARCHS) if (last[a].status === 'diverged' && last[a].diverged) out.diverged.push({ arch: a, step: last[a].diverged.step });
  const layerValue = (/** @type {any} */ s, /** @type {string} */ field, /** @type {number} */ i) => ({ v: s[field][i], under: field === 'grad_norm' && (s.underflow[i] === 1 || !(s[field][i] > 0)) });
  switch (out.kind) {
    case 'grad_norm':
    case 'heatmap':
      out.kind = 'grad';
      out.v = { p1: layerValue(P, 'grad_norm', 0), r1: layerValue(R, 'grad_norm', 0), pL: layerValue(P, 'grad_norm', L - 1), rL: layerValue(R, 'grad_norm', L - 1) };
      break;
    case 'update_ratio': {
      /* the last record of a run is measured without an update: take the newest one with an update */
      const p = latestWithUpdate(records, 'plain'), r = latestWithUpdate(records, 'residual');
      if (!p || !r) return null;
      out.kind = 'update';
      out.step = Math.max(p.step, r.step);
      out.v = { p1: layerValue(p, 'update_ratio', 0), r1: layerValue(r, 'update_ratio', 0), pL: layerValue(p, 'update_ratio', L - 1), rL: layerValue(r, 'update_ratio', L - 1) };
      break;
    }
    case 'saturation': {
      const top = (/** @type {any} */ s) => {
        let at = 0;
        s.saturation.forEach((/** @type {number} */ v, /** @type {number} */ i) => { if (v > s.saturation[at]) at = i; });
        return { v: s.saturation[at], layer: at + 1 };
      };
      out.v = { p: top(P), r: top(R) };
      break;
    }
    case 'boundary':
      out.v = { pa: P.acc, ra: R.acc };
      break;
    case 'chain':
      /* the product of every layer's factor (chain_product at layer 1) and the slope bound */
      out.v = { p: P.chain_product[0], r: R.chain_product[0], n: L, bound: P.act_max_slope, pL: P.chain_factor[L - 2] };
      break;
    default: /* loss */
      out.kind = 'loss';
      out.v = { p0: first.plain.loss, p1: P.loss, r0: first.residual.loss, r1: R.loss, pa: P.acc, ra: R.acc };
  }
  return out;
}

/**
 * A sweep experiment's numbers, picked from the engine's sweep result: the
 * metric's median at the first and the last swept value for both stacks,
 * and where the plain stack's chi reaches 1 (sweep-model.js chartData).
 * @param {any} result @param {string} metric @returns {Numbers}
 */
export function sweepNumbers(result, metric) {
  const d = chartData(result, metric);
  const last = d.values.length - 1;
  const at = (/** @type {any} */ s, /** @type {number} */ i) => (s ? s.median[i] : null);
  return {
    kind: 'sweep', step: result.steps, diverged: [],
    v: { name: result.name, metric, x0: d.values[0], x1: d.values[last], p0: at(d.plain, 0), p1: at(d.plain, last), r0: at(d.residual, 0), r1: at(d.residual, last), chiOne: d.chiOne },
  };
}

/**
 * @param {Numbers | null} n
 * @param {(key: string, vars?: Record<string, any> | null) => string} t
 * @param {import('../ui/i18n.js').Formatters} fmt
 * @returns {string[]}
 */
export function numbersText(n, t, fmt) {
  if (!n) return [];
  const val = (/** @type {LayerValue} */ x) => (x.under ? t('lesson.underflow') : fmt.value(x.v));
  const step = fmt.int(n.step);
  const v = n.v;
  let line;
  switch (n.kind) {
    case 'grad':
      line = t('lesson.num.grad', { step, p1: val(v.p1), r1: val(v.r1), pL: val(v.pL), rL: val(v.rL) });
      break;
    case 'update':
      line = t('lesson.num.update', { step, p1: val(v.p1), r1: val(v.r1), pL: val(v.pL), rL: val(v.rL) });
      break;
    case 'saturation':
      line = t('lesson.num.saturation', { step, p: fmt.percent(v.p.v), pl: fmt.int(v.p.layer), r: fmt.percent(v.r.v), rl: fmt.int(v.r.layer) });
      break;
    case 'boundary':
      line = t('lesson.num.boundary', { step, pa: fmt.percent(v.pa), ra: fmt.percent(v.ra) });
      break;
    case 'chain':
      line = t('lesson.num.chain', { step, n: fmt.int(v.n), p: fmt.value(v.p), r: fmt.value(v.r), bound: fmt.value(v.bound), f: fmt.value(v.pL) });
      break;
    case 'sweep': {
      const num = (/** @type {number | null} */ x) => (x === null ? '–' : fmt.value(x));
      line = t('lesson.num.sweep', { metric: t(`sweep.metric.${v.metric}`), name: t(`setting.${v.name}.label`), x0: fmt.value(v.x0), x1: fmt.value(v.x1), p0: num(v.p0), p1: num(v.p1), r0: num(v.r0), r1: num(v.r1) });
      const lines = [line];
      if (v.chiOne !== null) lines.push(t('lesson.num.chi_one', { x: fmt.value(v.chiOne) }));
      return lines;
    }
    default:
      /* both stacks stopped at step 0 (diverged in the first step): there is only the start */
      line = n.step === 0 ? t('lesson.num.loss0', { p0: fmt.value(v.p0), r0: fmt.value(v.r0) })
        : t('lesson.num.loss', { step, p0: fmt.value(v.p0), p1: fmt.value(v.p1), r0: fmt.value(v.r0), r1: fmt.value(v.r1), pa: fmt.percent(v.pa), ra: fmt.percent(v.ra) });
  }
  const lines = [line];
  for (const d of n.diverged) lines.push(t('lesson.num.diverged', { stack: t(`series.${d.arch}`), step: fmt.int(d.step) }));
  return lines;
}
