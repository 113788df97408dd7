// @ts-check
/*
 * numbers.js - the numbers panel under an answer: "Numbers from this run".
 * Its first line reads the chart the experiment points at on the record of
 * the answer's moment (the record the page shows: timeline.show(at)), with
 * values.js; where the answer quotes the same number, the panel takes the
 * answer's own value, so the two print one number in one form.  Then the
 * lines of answer.js howLines (each quoted number the charts do not print
 * as it stands, and where it comes from).  A sweep experiment: the sweep's
 * medians at both ends and where chi reaches 1 (the panel's own picks,
 * sweep-model.js chartData).  Pure.
 */
import { updateSource } from '../lab/timeline.js';
import { chartData } from '../sweep/sweep-model.js';
import { evaluateValues } from './values.js';
import { formatValue } from './answer.js';

/** @typedef {import('./values.js').Value} Value */
/** @typedef {import('./values.js').Values} Values */
/** @typedef {import('./values.js').ValueSpec} ValueSpec */
/** @typedef {import('./values.js').Runs} Runs */
/** @typedef {import('./answer.js').Moment} Moment */
/** @typedef {import('./answer.js').T} T */
/** @typedef {import('../ui/i18n.js').Formatters} Formatters */
/** @typedef {{chart: string, at: 'init' | 'end', highlight?: {layer?: any, what?: string}, config: Record<string, any>, sweep?: Record<string, any>, values?: Record<string, ValueSpec>, walk?: boolean, dist?: boolean,
 *   changes?: Array<{step: number, [name: string]: number}>}} Experiment experiments.json's entry (changes: the run's scheduled changes of course; dist: the run counts the histograms: the lesson opens the distributions view first) */
/** @typedef {{kind: string, step: number, v: Record<string, Value>, bound?: number}} Panel */

/**
 * The panel's first line, as values: the chart `kind` (highlight.js
 * chartKey) read on the moment's record.
 *   grad_norm, heatmap  gradient norm of layer 1 and the output layer, both stacks
 *   update_ratio  the same layers' update ratio, from the record the chart shows
 *                 for this moment (timeline.js updateSource: its own, else the nearest update)
 *   saturation, dist  the largest saturated share and its layer (the distributions view: the
 *                 share of z where phi' is small)
 *   boundary      the accuracy;  chain  the product of the factors, their median, the bound
 *   loss          loss at step 0 (init), or from step 0 to the end and the accuracy (end)
 * @param {string} kind @param {Experiment} x @param {Values} values the experiment's values
 * @param {Moment} moment @param {readonly any[]} records the page's records
 * @returns {Panel | null}
 */
export function panelOf(kind, x, values, moment, records) {
  const specs = x.values || {};
  const at = moment.at;
  /* the name of the experiment's value with this spec at this moment, if it has one */
  const same = (/** @type {ValueSpec} */ s) => Object.keys(specs).find((n) => {
    const o = /** @type {Record<string, any>} */ (specs[n]), w = /** @type {Record<string, any>} */ (s), v = values[n];
    if (!v || v.at !== (w.at || at)) return false;
    const keys = new Set([...Object.keys(o), ...Object.keys(w)].filter((k) => k !== 'at'));
    return [...keys].every((k) => String(o[k]) === String(w[k]));
  });
  /** @param {Record<string, ValueSpec>} want @param {Runs} runs */
  const read = (want, runs) => {
    const fresh = evaluateValues(want, runs, at);
    /** @type {Record<string, Value>} */
    const out = {};
    for (const [k, s] of Object.entries(want)) {
      const n = runs === moment.runs ? same(s) : undefined;
      out[k] = n ? values[n] : fresh[k];
    }
    return out;
  };
  const four = (/** @type {string} */ field) => ({
    p1: { kind: 'field', arch: 'plain', field, layer: 1 }, r1: { kind: 'field', arch: 'residual', field, layer: 1 },
    pL: { kind: 'field', arch: 'plain', field, layer: 'last' }, rL: { kind: 'field', arch: 'residual', field, layer: 'last' },
  });
  const runs = /** @type {Record<string, any>} */ (moment.runs);
  if (!runs.plain || !runs.residual) return null;
  switch (kind) {
    case 'grad_norm':
    case 'heatmap':
      return { kind: 'grad', step: moment.step, v: read(four('grad_norm'), moment.runs) };
    case 'update_ratio': {
      const p = updateSource(records, moment.index, 'plain'), r = updateSource(records, moment.index, 'residual');
      if (!p || !r) return null;
      /* the moment's own records when they carry the update (init), else the ones the chart shows */
      const own = p === runs.plain[at] && r === runs.residual[at];
      const src = own ? moment.runs : { plain: { init: p, end: p }, residual: { init: r, end: r } };
      return { kind: 'update', step: Math.max(p.step, r.step), v: read(four('update_ratio'), src) };
    }
    case 'dist': /* the distributions view: its z panel shows each layer's saturated share */
    case 'saturation':
      return {
        kind: 'saturation', step: moment.step, v: read({
          p: { kind: 'max_saturation', arch: 'plain' }, pl: { kind: 'max_saturation', arch: 'plain', part: 'layer' },
          r: { kind: 'max_saturation', arch: 'residual' }, rl: { kind: 'max_saturation', arch: 'residual', part: 'layer' },
        }, moment.runs),
      };
    case 'boundary':
      return { kind: 'boundary', step: moment.step, v: read({ pa: { kind: 'acc', arch: 'plain' }, ra: { kind: 'acc', arch: 'residual' } }, moment.runs) };
    case 'diagram': /* the network diagram's walk ends on the same product */
    case 'chain':
      return {
        kind: 'chain', step: moment.step, bound: runs.plain[at].act_max_slope, v: read({
          p: { kind: 'chain_product', arch: 'plain' }, r: { kind: 'chain_product', arch: 'residual' }, n: { kind: 'layers' },
          f: { kind: 'hidden_median', arch: 'plain', field: 'chain_factor' },
        }, moment.runs),
      };
    default: { /* loss */
      const v = read({
        p0: { kind: 'loss', arch: 'plain', at: 'init' }, r0: { kind: 'loss', arch: 'residual', at: 'init' },
        p1: { kind: 'loss', arch: 'plain', at: 'end' }, r1: { kind: 'loss', arch: 'residual', at: 'end' },
        pa: { kind: 'acc', arch: 'plain', at: 'end' }, ra: { kind: 'acc', arch: 'residual', at: 'end' },
      }, moment.runs);
      return { kind: at === 'init' ? 'loss0' : 'loss', step: moment.step, v };
    }
  }
}

/**
 * The panel's first line in the page's language.
 * @param {Panel | null} n @param {T} t @param {Formatters} fmt @returns {string | null}
 */
export function panelLine(n, t, fmt) {
  if (!n) return null;
  const f = (/** @type {string} */ k) => formatValue(n.v[k], fmt, t);
  const step = fmt.int(n.step);
  switch (n.kind) {
    case 'grad': return t('lesson.num.grad', { step, p1: f('p1'), r1: f('r1'), pL: f('pL'), rL: f('rL') });
    case 'update': return t('lesson.num.update', { step, p1: f('p1'), r1: f('r1'), pL: f('pL'), rL: f('rL') });
    case 'saturation': return t('lesson.num.saturation', { step, p: f('p'), pl: f('pl'), r: f('r'), rl: f('rl') });
    case 'boundary': return t('lesson.num.boundary', { step, pa: f('pa'), ra: f('ra') });
    case 'chain': return t('lesson.num.chain', { step, n: f('n'), p: f('p'), r: f('r'), f: f('f'), bound: typeof n.bound === 'number' ? fmt.value(n.bound) : '–' });
    case 'loss0': return t('lesson.num.loss0', { p0: f('p0'), r0: f('r0') });
    default: return t('lesson.num.loss', { step, p0: f('p0'), p1: f('p1'), r0: f('r0'), r1: f('r1'), pa: f('pa'), ra: f('ra') });
  }
}

/**
 * A sweep experiment's panel, picked from the engine's sweep result: the
 * metric's median at the first and the last swept value for both stacks,
 * and where the plain stack's chi reaches 1 (sweep-model.js chartData, the
 * Sweep chart's own picks). A plane has none here: its answer quotes its
 * named values, its cells are on the panel.
 * @param {any} result @param {string} metric
 */
export function sweepNumbers(result, metric) {
  if (result.axes) return null;
  const d = chartData(result, metric);
  const last = d.values.length - 1;
  const at = (/** @type {any} */ s, /** @type {number} */ i) => (s ? s.median[i] : null);
  return { name: result.name, metric, x0: d.values[0], x1: d.values[last], p0: at(d.plain, 0), p1: at(d.plain, last), r0: at(d.residual, 0), r1: at(d.residual, last), chiOne: d.chiOne };
}

/**
 * @param {ReturnType<typeof sweepNumbers>} v @param {T} t @param {Formatters} fmt
 * @returns {string[]}
 */
export function sweepLines(v, t, fmt) {
  if (!v) return [];
  const num = (/** @type {number | null} */ x) => (x === null ? '–' : fmt.value(x));
  const lines = [t('lesson.num.sweep', { metric: t(`sweep.metric.${v.metric}`), name: t(`setting.${v.name}.label`), x0: fmt.value(v.x0), x1: fmt.value(v.x1), p0: num(v.p0), p1: num(v.p1), r0: num(v.r0), r1: num(v.r1) })];
  if (v.chiOne !== null) lines.push(t('lesson.num.chi_one', { x: fmt.value(v.chiOne) }));
  return lines;
}
