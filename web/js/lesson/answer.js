// @ts-check
/*
 * answer.js - an experiment's answer as the student reads it, from the run
 * the page shows: the moment the answer is about (`at` of experiments.json:
 * the record timeline.show(at) puts on every chart), the named values of
 * values.js evaluated on the records of that moment, the answer's and the
 * `if` sentences' {placeholders} filled with them in the page's formatters
 * and digits, and for the numbers panel a line per quoted number that the
 * charts do not show as it stands (a ratio in decades, a slope, a median, a
 * value of the other moment): where it comes from, with the numbers it is
 * made of.  Pure: no DOM; the records come from the page (lab.records()).
 *
 * How a value is printed (formatValue), by its unit (values.js):
 *   decades  `digits` decimals (default 1)       19.5
 *   pow10    10 to the rounded value             10⁻²⁰
 *   value    four significant digits             9.12×10⁻²², 0.6931
 *   percent  per cent                            49.6%
 *   step, layer, count   an integer
 *   arch     the stack's name (series.plain, series.residual)
 *   underflowed: the word lesson.underflow; no number at all: '–'
 */
import { target, stepOf } from '../lab/timeline.js';
import { ARCHS } from '../lab/history.js';
import { evaluateExperiment, evaluateValues, layerIndex, placeholders, stackState, CONDITIONS } from './values.js';

/** @typedef {import('./values.js').Value} Value */
/** @typedef {import('./values.js').Values} Values */
/** @typedef {import('./values.js').ValueSpec} ValueSpec */
/** @typedef {import('./values.js').Runs} Runs */
/** @typedef {import('../ui/i18n.js').Formatters} Formatters */
/** @typedef {(key: string, vars?: Record<string, any> | null) => string} T */
/** @typedef {{at: 'init' | 'end', index: number, step: number, runs: Runs}} Moment */
/** @typedef {{state: string, step?: number, layer?: number, where?: string}} StackState */

/** '–': no number (the charts' own sign for a value they cannot draw) */
export const NONE = '–';

/**
 * The moment of an experiment on the page's records: the index of the
 * record timeline.show(at) shows (timeline.js target: 'init' = the step-0
 * record with the first update's statistics, 'end' = the newest), its step,
 * and the runs values.js reads ({plain: {init, end}, residual: ...}, a
 * diverged stack's end being its last finite record).  null without
 * records.
 * @param {'init' | 'end'} at @param {readonly any[]} records the page's records, oldest first
 * @returns {Moment | null}
 */
export function momentOf(at, records) {
  if (records.length < 1) return null;
  const index = target(records, at), first = records[target(records, 'init')], last = records[records.length - 1];
  /** @type {any} */
  const runs = {};
  for (const a of ARCHS) if (first[a] && last[a]) runs[a] = { init: first[a], end: last[a] };
  return { at, index, step: stepOf(records[index]), runs };
}

/**
 * Everything the page needs after a run: the moment, the values, the `if`
 * conditions and each stack's state (stack-state.js: the run status reads
 * the same).
 * @param {{at: 'init' | 'end', values?: Record<string, ValueSpec>}} x the experiment
 * @param {readonly any[]} records
 */
export function resultOf(x, records) {
  const moment = momentOf(x.at, records);
  if (!moment) return null;
  const { values, conditions } = evaluateExperiment(x, moment.runs);
  /** @type {Record<string, StackState>} */
  const states = {};
  for (const a of ARCHS) {
    const run = /** @type {any} */ (moment.runs)[a];
    states[a] = run ? stackState(run.end, run.init) : { state: 'ok' };
  }
  return { moment, values, conditions, states };
}

/**
 * A value as the page prints it.
 * @param {Value | undefined} v @param {Formatters} fmt @param {T} t
 */
export function formatValue(v, fmt, t) {
  if (!v) return NONE;
  if (v.value === null || v.value === undefined) return v.underflow ? t('lesson.underflow') : NONE;
  if (v.unit === 'arch') return t(`series.${v.value}`);
  const x = Number(v.value);
  if (!Number.isFinite(x)) return NONE;
  switch (v.unit) {
    case 'decades': return fmt.fixed(x, v.digits === undefined ? 1 : v.digits);
    case 'pow10': return fmt.pow10(Math.round(x));
    case 'percent': return fmt.percent(x);
    case 'step': case 'layer': case 'count': return fmt.int(x);
    default: return fmt.value(x);
  }
}

/**
 * A text with its {placeholders} filled (only in the prose: braces inside
 * $...$ are TeX).  A name that is no value stays as it is (a test finds it).
 * @param {string} text @param {Values} values @param {Formatters} fmt @param {T} t
 */
export function fillText(text, values, fmt, t) {
  return String(text).split(/(\$\$[\s\S]*?\$\$|\$[^$]*\$)/).map((part, i) => (i % 2 ? part
    : part.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name) => (values[name] ? formatValue(values[name], fmt, t) : m)))).join('');
}

/**
 * The `if` sentences to show after the answer, in order (plain, residual;
 * diverged, dead): exactly the conditions that hold.  A condition the
 * language file has no sentence for still says what happened, in the run
 * status's words (status.stack_diverged / status.stack_dead), so nothing
 * fails quietly.
 * @param {Record<string, boolean>} conditions @param {Record<string, string> | undefined} words the language file's `if`
 * @param {Record<string, StackState>} states @param {Values} values @param {Formatters} fmt @param {T} t
 * @returns {{condition: string, text: string}[]}
 */
export function ifSentences(conditions, words, states, values, fmt, t) {
  return CONDITIONS.filter((c) => conditions[c]).map((c) => {
    const own = words && words[c];
    if (own) return { condition: c, text: fillText(own, values, fmt, t) };
    const [arch, what] = c.split('_');
    const st = states[arch];
    return { condition: c, text: `${t(`status.stack_${what}`, { stack: t(`stack.${arch}`), step: fmt.int(st && st.step !== undefined ? st.step : 0) })}.` };
  });
}

/** The names an answer and its shown `if` sentences quote, first appearance first. @param {string[]} texts */
export function quoted(texts) {
  return [...new Set(texts.flatMap((s) => placeholders(s)))];
}

/* -------------------------------------------------------------- how lines */

/** the page's words for a layer: "layer 1", "the output layer", "layer 7" @param {number | string | undefined} l @param {any} rec @param {Formatters} fmt @param {T} t */
function layerWords(l, rec, fmt, t) {
  const i = layerIndex(rec, l);
  if (i === 0) return t('lesson.mark_first');
  if (i === rec.grad_norm.length - 1) return t('lesson.mark_last');
  return t('lesson.mark_layer', { layer: fmt.int(i + 1) });
}

/** a record's number as its chart prints it, or the underflow word @param {any} rec @param {string} field @param {number} i @param {Formatters} fmt @param {T} t */
function raw(rec, field, i, fmt, t) {
  const v = rec[field][i];
  if (field === 'grad_norm' && rec.underflow && rec.underflow[i] === 1) return t('lesson.underflow');
  if (v === 0 && /grad|chain_product/.test(field)) return t('lesson.underflow');
  return typeof v === 'number' && Number.isFinite(v) ? fmt.value(v) : NONE;
}

/**
 * Is this value printed on the page as it stands at this moment, in the
 * same form (a cell of a chart's table, a stack card, the chain line, a
 * chart's title, the run status, the sweep's text)?  Then the numbers panel
 * needs no line for it.
 * @param {ValueSpec} spec @param {Value} v @param {Moment | null} moment
 */
function shownAsIs(spec, v, moment) {
  const now = moment && v.at === moment.at;
  switch (spec.kind) {
    case 'field': return !!now && ['grad_norm', 'saturation', 'chain_factor'].includes(/** @type {string} */ (spec.field))
      || (!!now && spec.field === 'update_ratio' && moment.at === 'init');
    case 'loss': case 'acc': case 'chain_product': case 'max_saturation': return !!now;
    case 'step': case 'layers': case 'diverged_step': case 'dead_step': case 'sweep_first_reach':
    case 'arch_lower': case 'arch_higher': return true;
    default: return false;
  }
}

/**
 * The numbers panel's lines for the quoted values the page does not print
 * as they stand: each says where its number comes from, with the numbers
 * it is made of as the charts print them.
 * @param {{values?: Record<string, ValueSpec>, sweep?: any}} x the experiment
 * @param {string[]} names the quoted values, in order
 * @param {Values} values @param {Moment | null} moment (null: a sweep)
 * @param {any} sweepResult the engine's sweep result (a sweep experiment), else null
 * @param {Formatters} fmt @param {T} t
 * @param {Set<Value>} [printed] values the panel's first line prints already (numbers.js panelOf)
 * @returns {string[]}
 */
export function howLines(x, names, values, moment, sweepResult, fmt, t, printed = new Set()) {
  const specs = x.values || {};
  const out = [];
  for (const name of names) {
    const spec = specs[name], v = values[name];
    if (!spec || !v || printed.has(v) || shownAsIs(spec, v, moment)) continue;
    const line = howLine(spec, v, values, moment, sweepResult, fmt, t);
    if (line) out.push(line);
  }
  return out;
}

/* a histogram value over the hidden layers picks the smallest share unless it says (values.js) */
const DEFAULT_STAT = 'min';

/**
 * @param {ValueSpec} spec @param {Value} v @param {Values} values @param {Moment | null} moment @param {any} sweepResult
 * @param {Formatters} fmt @param {T} t @returns {string | null}
 */
function howLine(spec, v, values, moment, sweepResult, fmt, t) {
  const value = formatValue(v, fmt, t);
  const stack = spec.arch ? t(`stack.${spec.arch}`) : '';
  const what = spec.field ? t(`lesson.field.${spec.field}`) : '';
  const sign = spec.negate ? '−' : '';
  const step = v.step === null ? '' : fmt.int(v.step);
  const runs = moment ? /** @type {any} */ (moment.runs) : null;
  const rec = (/** @type {string | undefined} */ arch, /** @type {string | null} */ at) => (runs && arch && at ? runs[arch][at] : null);
  switch (spec.kind) {
    case 'field': case 'log10_field': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      const i = layerIndex(r, spec.layer);
      return t(`lesson.how.${spec.kind}`, { what, stack, layer: layerWords(spec.layer, r, fmt, t), step, a: raw(r, /** @type {string} */ (spec.field), i, fmt, t), value });
    }
    case 'log10_ratio': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      const f = /** @type {string} */ (spec.field);
      /* printed as a power of ten: the ratio itself, not its log */
      const key = v.unit === 'pow10' && !spec.negate ? 'lesson.how.ratio_pow10' : 'lesson.how.log10_ratio';
      return t(key, {
        what, stack, step, sign, value,
        num: layerWords(spec.num_layer, r, fmt, t), den: layerWords(spec.den_layer, r, fmt, t),
        a: raw(r, f, layerIndex(r, spec.num_layer), fmt, t), b: raw(r, f, layerIndex(r, spec.den_layer), fmt, t),
      });
    }
    case 'compare_archs': {
      const p = rec('plain', v.at), q = rec('residual', v.at);
      if (!p || !q) return null;
      const f = /** @type {string} */ (spec.field), i = layerIndex(p, spec.layer);
      return t('lesson.how.compare_archs', { what, step, sign, value, layer: layerWords(spec.layer, p, fmt, t), a: raw(q, f, i, fmt, t), b: raw(p, f, i, fmt, t) });
    }
    case 'log10_change': {
      const r0 = rec(spec.arch, 'init'), r1 = rec(spec.arch, 'end');
      if (!r0 || !r1) return null;
      const f = /** @type {string} */ (spec.field), i = layerIndex(r0, spec.layer);
      return t('lesson.how.log10_change', {
        what, stack, sign, value, layer: layerWords(spec.layer, r0, fmt, t),
        s0: fmt.int(r0.step), s1: fmt.int(r1.step), a: raw(r1, f, i, fmt, t), b: raw(r0, f, i, fmt, t),
      });
    }
    case 'log10_slope': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      return t('lesson.how.log10_slope', { what, stack, step, value, from: layerWords(spec.from_layer, r, fmt, t), to: layerWords(spec.to_layer, r, fmt, t) });
    }
    case 'hidden_median': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      return t('lesson.how.hidden_median', { what, stack, step, value, last: fmt.int(r.grad_norm.length - 1) });
    }
    case 'underflow_count': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      return t('lesson.how.underflow_count', { stack, step, value, n: fmt.int(r.grad_norm.length) });
    }
    case 'max_saturation': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      const all = evaluateValues({ p: { kind: 'max_saturation', arch: spec.arch }, l: { kind: 'max_saturation', arch: spec.arch, part: 'layer' } },
        /** @type {Runs} */ (runs), /** @type {string} */ (v.at));
      return t('lesson.how.max_saturation', { stack, step, value: formatValue(all.p, fmt, t), layer: formatValue(all.l, fmt, t) });
    }
    case 'loss': case 'acc': case 'chain_product':
      return t(`lesson.how.${spec.kind}`, { stack, step, value });
    case 'diff': {
      const a = values[/** @type {string} */ (spec.a)], b = values[/** @type {string} */ (spec.b)];
      return t('lesson.how.diff', { a: formatValue(a, fmt, t), b: formatValue(b, fmt, t), value });
    }
    case 'pow10': {
      /* the exponent with two more decimals than the answer prints it, so 10^x gives the value */
      const of = values[/** @type {string} */ (spec.of)];
      const x = of && typeof of.value === 'number' ? formatValue({ ...of, unit: 'decades', digits: (of.digits === undefined ? 1 : of.digits) + 2 }, fmt, t) : formatValue(of, fmt, t);
      return t('lesson.how.pow10', { x, value });
    }
    case 'sweep_at': case 'sweep_slope': case 'sweep_crossing': {
      if (!sweepResult) return null;
      const xs = /** @type {number[]} */ (sweepResult.values);
      const setting = t(`setting.${sweepResult.name}.label`);
      /* the mean-field line is a series of the chart, not a metric of the panel */
      const metric = /_theory_/.test(String(spec.metric)) ? t('sweep.series.theory') : t(`sweep.metric.${spec.metric}`);
      if (spec.kind === 'sweep_at') {
        const k = /** @type {number} */ (spec.index) < 0 ? xs.length + /** @type {number} */ (spec.index) : /** @type {number} */ (spec.index);
        /* the median as the sweep measured it; a negated value ("5.5 below") says both */
        const m = typeof v.value === 'number' ? formatValue({ ...v, value: spec.negate ? -v.value : v.value }, fmt, t) : value;
        return t(spec.negate ? 'lesson.how.sweep_at_below' : 'lesson.how.sweep_at', { stack, metric, setting, x: fmt.value(xs[k]), median: m, value });
      }
      if (spec.kind === 'sweep_slope') return t('lesson.how.sweep_slope', { stack, metric, setting, value });
      const between = /** @type {any} */ (v).between;
      return between ? t('lesson.how.sweep_crossing', { stack, metric, setting, a: fmt.value(between[0]), b: fmt.value(between[1]), value }) : null;
    }
    case 'block_field': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      return t('lesson.how.block_field', { what, stack, step, value, block: fmt.int(/** @type {number} */ (v.block)) });
    }
    case 'block_stat': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      const n = Array.from(/** @type {ArrayLike<number>} */ (r[/** @type {string} */ (spec.field)] || [])).length;
      const stat = spec.stat || 'median';
      return t(`lesson.how.block_stat.${stat}`, { what, stack, step, value, n: fmt.int(n) });
    }
    case 'part_factor':
      return t(`lesson.how.part_factor.${spec.part}`, { stack, step, value });
    case 'hist_share': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      const range = /** @type {Array<number | null>} */ (spec.out || spec.in || [null, null]);
      const num = (/** @type {number | null} */ x) => (x === null ? '' : fmt.number(x));
      const grad = spec.hist === 'hist_grad' || spec.hist === 'hist_wgrad';
      const where = spec.out ? 'out' : grad && range[0] === null && range[1] === r.hist_edges[/** @type {string} */ (spec.hist)][0] ? 'zero'
        : range[0] === null ? 'le' : range[1] === null ? 'gt' : 'in';
      const stat = spec.stat || DEFAULT_STAT;
      const layer = spec.layer === 'hidden'
        ? t(`lesson.how.hist_layer.${stat}`, { layer: v.layer === undefined ? '' : fmt.int(v.layer), last: fmt.int(r.grad_norm.length - 1) })
        : layerWords(spec.layer, r, fmt, t);
      return t('lesson.how.hist_share', {
        stack, step, layer, value, hist: t(`lesson.hist.${spec.hist}`),
        range: t(`lesson.how.range.${where}`, { lo: num(range[0]), hi: num(range[1]) }),
      });
    }
    case 'hist_bins': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      return t('lesson.how.hist_bins', { stack, step, value, hist: t(`lesson.hist.${spec.hist}`), layer: v.layer === undefined ? '' : fmt.int(v.layer) });
    }
    case 'hist_median': {
      const r = rec(spec.arch, v.at);
      if (!r) return null;
      return t('lesson.how.hist_median', { stack, step, value, hist: t(`lesson.hist.${spec.hist}`), layer: layerWords(spec.layer, r, fmt, t) });
    }
    default:
      return null;
  }
}
