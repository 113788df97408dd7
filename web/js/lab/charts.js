// @ts-check
/*
 * charts.js - the lab's charts, one entry each: the registry.  An entry is
 * everything the page knows of one chart, under its one name (the name the
 * lesson points at, the debug surface's key, the PNG's file name, the
 * PNG button's data-chart):
 *
 *   name, family, arch  its name; two charts that answer together (one per
 *                       stack) share a family, the name the lesson uses for both
 *   card, canvas, titleId  the ids of its card, canvas and heading in index.html
 *   titleKey            its title's UI string (the PNG's title unless title() says more)
 *   make(canvas, ctx)   the chart wrapper (ui/chart-line.js, chart-heatmap.js, chart-field.js)
 *   texts(chart, ctx)   axis titles and legend words in the page's language
 *   reset(chart, ctx)   a new configuration (ctx.layers are its layers)
 *   append(chart, r, ctx)  a record that grows the chart (loss, heatmaps)
 *   render(chart, r, ctx)  the chart from the record shown
 *   title(ctx)          the title now ("... at step 37"), written into titleId and the PNG
 *   note: {id, text(ctx)}  a note under the title, shown when text() says one
 *   describe(r, ctx)    its text alternative: a table of the numbers it shows (chart-text.js)
 *   mark                how the lesson marks a layer on it: 'x' (a band on the layer axis),
 *                       'row' (an outlined row of a heatmap), none
 *   pick(chart, ev, ctx)  the layer a click on it selects ({arch, layer}: selection.js), or null
 *   range(records)      the heatmaps: the range of the values these records' columns hold, as the
 *                       chart's dataRange() after appending them (lab-charts.js dataRange of a
 *                       heatmap not made yet, for heatScale: the network diagram's colours)
 *
 * lab-charts.js makes and renders them, chart-text.js writes their text
 * alternatives, export.js their PNGs, highlight.js points at them, and the
 * tests read this list.  A new chart is an entry here, its card in
 * index.html and its strings in ui-en.json and ui-fa.json (docs/page.md,
 * "Adding a chart").  What an entry computes is drawing only: the log
 * axis's floor, log10 for a colour, one colour range for both heatmaps.
 */
import { ARCHS } from './history.js';
import { line } from '../ui/chart-line.js';
import { heatmap, MAX_COLUMNS } from '../ui/chart-heatmap.js';
import { thin } from '../ui/chart-common.js';
import { field } from '../ui/chart-field.js';
import { distribution } from '../ui/chart-dist.js';
import { viridis } from '../ui/chart-heatmap.js';
import { QUANTITIES, LINES_MAX, GRID_RANGE, LINE_SCALE_TOP, binCentres, layerShares, firstBinShare, modeOf, slowBands, layerOfSeries, hasHist } from './dist-model.js';
import { cell, GAP } from './chart-text.js';
import { stepOf, updateSource } from './timeline.js';
import { hasDiverged } from './stacks.js';

/** @typedef {import('./state.js').LabRecord} LabRecord */
/** @typedef {import('./state.js').Stats} Stats */
/** @typedef {import('./state.js').Arch} Arch */
/** @typedef {import('./chart-text.js').ChartTable} ChartTable */
/**
 * A chart wrapper: what every ui/chart-*.js returns, plus what each kind adds.
 * @typedef {ReturnType<typeof line> | ReturnType<typeof heatmap> | ReturnType<typeof field>} AnyChart
 */
/**
 * What an entry's functions are handed.
 * @typedef {{
 *   t: import('../ui/i18n.js').I18n['t'], fmt: import('../ui/i18n.js').Formatters, lang: string, rtl: boolean,
 *   layers: string[], last: string, layerTip: (x: number) => string,
 *   history: import('./history.js').History, record: LabRecord | null, latest: LabRecord | null,
 *   cursor: {step: number, index: number} | null, records: readonly LabRecord[], index: number,
 *   family: (name: string) => AnyChart[],
 *   selected: import('./selection.js').Selected | null, quantity: string,
 *   histEdges: Record<string, ArrayLike<number>> | null,
 *   actCurve: {z: ArrayLike<number>, phi: ArrayLike<number>, dphi: ArrayLike<number>} | null,
 *   course: import('./course.js').Mark[], marks: Array<{x: number, label: string}>,
 *   gradMetric: string,
 * }} ChartContext
 *   layers    the configuration's layer names, input first
 *   last      the last layer's number as the axis titles write it ('…' before a configuration)
 *   layerTip  a tooltip's title for a point at layer x ("3 · dense_3")
 *   record    the record the charts show: the time cursor's (timeline.js State `shown`)
 *   latest    the newest record (the decision boundary is the newest weights')
 *   cursor    the time cursor (null: it follows the newest record); records, index: the kept
 *             records and the index of `record` among them
 *   family    the charts of a family, in registry order
 *   selected  the selected layer (selection.js), or null
 *   quantity  the distributions view's histogram (dist-model.js QUANTITIES)
 *   histEdges, actCurve  the configuration's histogram edges and phi, phi' samples (the
 *             `configured` message's hist_edges and act_curve; null before one)
 *   gradMetric  the gradient chart's metric: 'weight' (grad_norm) or 'backprop' (act_grad_norm)
 *   course, marks  the run's changes of course it has reached (course.js) and their labels at
 *             their steps ("lr 0.1 → 0.01"): the loss chart and the heatmaps draw them
 */
/**
 * @typedef {{
 *   name: string, family?: string, arch?: Arch,
 *   card: string, canvas: string, titleId: string, titleKey: string,
 *   make: (canvas: HTMLCanvasElement, ctx: ChartContext) => any,
 *   texts: (chart: any, ctx: ChartContext) => void,
 *   reset?: (chart: any, ctx: ChartContext) => void,
 *   append?: (chart: any, r: LabRecord, ctx: ChartContext) => void,
 *   render?: (chart: any, r: LabRecord, ctx: ChartContext) => void,
 *   title?: (ctx: ChartContext) => string,
 *   note?: {id: string, text: (ctx: ChartContext) => string | null},
 *   describe: (r: LabRecord, ctx: ChartContext) => ChartTable,
 *   range?: (records: readonly LabRecord[]) => {min: number, max: number} | null,
 *   mark?: 'x' | 'row',
 *   pick?: (chart: any, ev: MouseEvent, ctx: ChartContext) => import('./selection.js').Selected | null,
 * }} ChartEntry
 */

export const COLORS = { plain: '#D55E00', residual: '#0072B2', theory: '#000000' }; /* Okabe–Ito */
const CLASS_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#F0E442', '#0072B2', '#D55E00', '#999999'];
const FLOAT32_MIN_NORMAL = 1.2e-38;   /* the engine's underflow threshold (docs/worker-protocol.md) */

/* ---- helpers an entry may use ---- */

/** the x axis of a per-layer chart: layers 1..L */
export const LAYER_X = { type: 'linear', integer: true };

/** Per-layer points of one field (x = layer 1..L), mapped. @param {ArrayLike<number>} arr @param {(v: number, i: number) => number | null} [map] */
export const layerPoints = (arr, map) => Array.from(arr, (v, i) => ({ x: i + 1, y: map ? map(v, i) : v }));

/** the two stacks' series of a per-layer chart (plain circles, residual squares) @param {number} radius */
export const stackSeries = (radius) => [
  { id: 'plain', color: COLORS.plain, radius },
  { id: 'residual', color: COLORS.residual, radius, marker: 'rect' },
];

/** reset of a per-layer line chart: empty, x from layer 1 to the last @param {any} c @param {ChartContext} ctx */
export function layerReset(c, ctx) {
  c.clear();
  c.setAxis('x', { min: 1, max: ctx.layers.length });
}

/** the series' names of a per-layer chart @param {ChartContext} ctx */
const stackNames = (ctx) => ({ plain: ctx.t('series.plain'), residual: ctx.t('series.residual') });

/**
 * A per-layer chart's table: one row per layer, one column per stack, the
 * record's `field` as the chart draws it (GAP where it cannot).
 * @param {ChartContext} ctx
 * @param {{field: string, archs?: readonly Arch[], source?: (a: Arch) => Stats | null,
 *          format?: (s: Stats, i: number) => string, step?: number}} spec
 *   source  the record of each stack (default: the record shown)
 *   format  one cell (default: the page's number, GAP when not finite)
 *   step    the step the caption names (default: the record shown's)
 * @returns {ChartTable}
 */
export function layerTable(ctx, { field: name, archs = ARCHS, source, format, step }) {
  const { t, fmt: f } = ctx;
  const r = /** @type {LabRecord} */ (ctx.record);
  const src = source || ((/** @type {Arch} */ a) => r[a]);
  const one = format || ((/** @type {Stats} */ s, /** @type {number} */ i) => cell(s[name][i], f.value));
  const rows = ctx.layers.map((layer, i) => [`${f.int(i + 1)} · ${layer}`, ...archs.map((a) => {
    const s = src(a);
    return s ? one(s, i) : GAP;
  })]);
  return {
    head: [t('alt.layer'), ...archs.map((a) => t(`stack.${a}`))], rows,
    caption: t('alt.caption', { what: t(`alt.field.${name}`), step: f.int(step === undefined ? stepOf(r) : step) }),
  };
}

/**
 * A per-stack table: step, loss, accuracy (and the test split's, when the record has one).
 * @param {ChartContext} ctx @param {LabRecord} r @param {readonly Arch[]} archs
 * @returns {ChartTable}
 */
export function stackTable(ctx, r, archs) {
  const { t, fmt: f } = ctx;
  const num = (/** @type {any} */ v) => cell(v, f.value);
  const test = r.plain.test_acc !== undefined && r.plain.test_acc !== null;
  const rows = archs.map((a) => {
    const s = r[a];
    return [t(`stack.${a}`), f.int(s.step), num(s.loss), f.percent(s.acc), ...(test ? [num(s.test_loss), f.percent(/** @type {number} */ (s.test_acc))] : [])];
  });
  const head = [t('alt.stack'), t('alt.step'), t('alt.loss'), t('alt.acc'), ...(test ? [t('alt.test_loss'), t('alt.test_acc')] : [])];
  return { head, rows, caption: t('alt.caption_stacks', { step: f.int(stepOf(r)) }) };
}

/** "plain: diverged at step 2" @param {ChartContext} ctx @param {Arch} a @param {Stats} s */
const divergedLabel = (ctx, a, s) => ctx.t('chart.loss.diverged', { stack: ctx.t(`series.${a}`), step: ctx.fmt.int(/** @type {{step: number}} */ (s.diverged).step) });

/** the layer is lost to float32 (drawn at the floor) @param {Stats} s @param {number} i */
const underflows = (s, i) => s.underflow[i] === 1 || !(s.grad_norm[i] > 0);

/** update_ratio: a record measured without an update (step 0 at configure, the final
    measurement) has none; each stack's chart then shows the nearest kept record that has one
    (timeline.js updateSource), and says so @param {ChartContext} ctx */
function updateSources(ctx) {
  /** @type {{plain: Stats | null, residual: Stats | null}} */
  const src = { plain: updateSource(ctx.records, ctx.index, 'plain'), residual: updateSource(ctx.records, ctx.index, 'residual') };
  /** @type {number | null} */
  let step = null;
  for (const a of ARCHS) {
    const u = src[a];
    if (u) step = Math.max(step === null ? 0 : step, u.step);
  }
  return { src, step };
}

/* ---- the heatmaps' colour scale, shared with the views that colour a layer by its gradient norm ---- */

/** the colour of a layer whose gradient norm is 0 or lost to float32 (the heatmaps' null) */
export const HEAT_NULL = '#c8c8c8';

/**
 * The value a heatmap's cell of layer i holds for a stack's record: log10
 * grad_norm, or null (drawn HEAT_NULL) where the gradient underflows or is 0.
 * @param {Stats} s @param {number} i 0-based
 */
export const heatValue = (s, i) => (underflows(s, i) ? null : Math.log10(s.grad_norm[i]));

/**
 * The heatmaps' one colour range: from the floor of the smallest log10 grad_norm
 * they hold to the ceiling of the largest (both stacks, every step they keep);
 * null while they hold none.  The heatmaps draw with it, and so does every view
 * that colours a layer the same way (the network diagram: ui/chart-heatmap.js heatColor).
 * @param {any[]} heatmaps the wrappers of the family 'heatmap'
 * @returns {{min: number, max: number} | null}
 */
export function heatScale(heatmaps) {
  const ranges = heatmaps.map((h) => h.dataRange()).filter(Boolean);
  if (!ranges.length) return null;
  return { min: Math.floor(Math.min(...ranges.map((x) => x.min))), max: Math.ceil(Math.max(...ranges.map((x) => x.max))) };
}

/** the losses span this factor or more: the loss axis goes logarithmic (unless the student chose) */
export const LOG_SPAN = 100;

/**
 * The loss chart's y axis: logarithmic when the student ticked the switch, or, until they touch
 * it, when the losses drawn span LOG_SPAN or more (a loss of 4,121 next to one of 400,000 is
 * not 0); the switch shows which.
 * @param {any} c the loss chart, with its switch (make's `log`)
 */
function lossScale(c) {
  const range = c.range('y');
  const auto = !!range && range.max / range.min >= LOG_SPAN;
  const log = c.log.choice === null ? auto : c.log.choice;
  if (log !== (c.scaleType('y') === 'logarithmic')) c.setScale('y', log ? { type: 'logarithmic' } : { type: 'linear', min: 0 });
  if (c.log.box) c.log.box.checked = log;
}

/* ---- the distributions view (dist_plain, dist_residual) ---- */

/** a layer's count of values (the sum of its counts) @param {ArrayLike<number>} counts @param {number} bins @param {number} l */
function layerTotal(counts, bins, l) {
  let n = 0;
  for (let b = 0; b < bins; b++) n += counts[(l - 1) * bins + b];
  return n;
}

/** a curve's samples drawn from 0 (its smallest) to 0.92 of the plot (its largest): over the heatmap
    @param {ArrayLike<number>} xs @param {ArrayLike<number>} ys */
function scaled(xs, ys) {
  let lo = Infinity, hi = -Infinity;
  for (const v of Array.from(ys)) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi - lo || 1;
  return Array.from(xs, (x, i) => ({ x, y: 0.03 + (0.89 * (ys[i] - lo)) / span }));
}

/** "z in the shaded region (the saturation the engine counts): layer 1 3 % … layer 6 45 %; most: 45 % (layer 6)"
    @param {ChartContext} ctx @param {Stats} s @param {number | null} sel */
function slowNote(ctx, s, sel) {
  const f = ctx.fmt, sat = Array.from(/** @type {ArrayLike<number>} */ (s.saturation));
  const L = sat.length;
  if (!L || !slowBands(s.act_slow_region).length) return ctx.t('chart.dist.no_slow');
  let at = 0;
  sat.forEach((v, i) => { if (v > sat[at]) at = i; });
  const text = ctx.t('chart.dist.slow', {
    first: f.percent(sat[0]), last: f.int(L), lastv: f.percent(sat[L - 1]), max: f.percent(sat[at]), at: f.int(at + 1),
  });
  return sel === null ? text : `${text} ${ctx.t('chart.dist.slow_selected', { layer: f.int(sel), value: f.percent(sat[sel - 1]) })}`;
}

/**
 * The view's text alternative, one stack: per layer the record's act_mean, act_std, saturation
 * (the share of z in the shaded region) and the share of exact-zero gradients (hist_grad's bin 0).
 * @param {ChartContext} ctx @param {LabRecord} r @param {Arch} a
 * @returns {ChartTable}
 */
export function distTable(ctx, r, a) {
  const { t, fmt: f } = ctx;
  const s = r[a];
  const e = ctx.histEdges ? ctx.histEdges.hist_grad : null;
  const rows = ctx.layers.map((layer, i) => {
    const zero = e && hasHist(s) ? firstBinShare(s.hist_grad, e.length + 1, i + 1) : null;
    return [`${f.int(i + 1)} · ${layer}`, cell(s.act_mean[i], f.value), cell(s.act_std[i], f.value), f.percent(s.saturation[i]),
      zero === null ? GAP : f.percent(zero)];
  });
  return {
    head: [t('alt.layer'), t('alt.dist.mean'), t('alt.dist.std'), t('alt.dist.saturated'), t('alt.dist.zero_grad')], rows,
    caption: t('alt.dist.caption', { stack: t(`stack.${a}`), step: f.int(stepOf(r)) }),
  };
}

/** the histograms the view switches between (dist-model.js) */
export const DIST_QUANTITIES = QUANTITIES;

const GRAD_BACKPROP = 'backprop';
/** the gradient chart draws the back-propagated gradients @param {ChartContext} ctx */
const backprop = (ctx) => ctx.gradMetric === GRAD_BACKPROP;

/**
 * The gradient chart's two metrics (the switch #grad-metric): each record field with the
 * engine's law for it and when a layer is drawn at the floor (lost to float32, or exactly 0).
 * @type {Record<string, {field: string, theory: string, lost: (s: Stats, i: number) => boolean}>}
 */
export const GRAD_METRICS = {
  weight: { field: 'grad_norm', theory: 'grad_norm_theory', lost: underflows },
  [GRAD_BACKPROP]: { field: 'act_grad_norm', theory: 'act_grad_norm_theory', lost: (s, i) => !(s.act_grad_norm[i] > 0) },
};

/* ---- the registry ---- */

/** @type {ChartEntry[]} */
const ENTRIES = [
  /* chart 1: per layer, the weight-gradient norm grad_norm beside its law grad_norm_theory, or
     (the switch #grad-metric, store key gradMetric) the back-propagated act_grad_norm beside
     act_grad_norm_theory; underflow drawn at the floor */
  {
    name: 'grad_norm', card: 'card-grad', canvas: 'chart-grad', titleId: 'title-grad', titleKey: 'chart.grad_norm.title', mark: 'x',
    make: (canvas, ctx) => line(canvas, {
      x: LAYER_X, y: { type: 'logarithmic' }, format: ctx.fmt, tooltipTitle: ctx.layerTip,
      series: [
        ...stackSeries(3),
        { id: 'theory', color: COLORS.theory, dash: [6, 4], radius: 0, width: 1.5, marker: 'line' },
        { id: 'plain_underflow', color: COLORS.plain, fill: '#ffffff', marker: 'triangle', radius: 7, line: false, pointBorderWidth: 2, legendWhenEmpty: false },
        { id: 'residual_underflow', color: COLORS.residual, fill: '#ffffff', marker: 'rectRot', radius: 7, line: false, pointBorderWidth: 2, legendWhenEmpty: false },
      ],
    }),
    texts: (c, ctx) => c.setTexts({
      x: ctx.t('chart.grad_norm.x', { last: ctx.last }), y: ctx.t(backprop(ctx) ? 'chart.grad_norm.y_backprop' : 'chart.grad_norm.y'),
      series: {
        ...stackNames(ctx), theory: ctx.t(backprop(ctx) ? 'series.theory_backprop' : 'series.theory_weight'),
        plain_underflow: ctx.t('series.plain_underflow'), residual_underflow: ctx.t('series.residual_underflow'),
      },
    }),
    reset: layerReset,
    render(c, r, ctx) {
      const m = GRAD_METRICS[ctx.gradMetric] || GRAD_METRICS.weight;
      const lost = (/** @type {Stats} */ s, /** @type {number} */ i) => m.lost(s, i);
      let lowest = Infinity;
      let anyUnderflow = false;
      for (const a of ARCHS) {
        const s = r[a];
        s[m.field].forEach((/** @type {number} */ g, /** @type {number} */ i) => {
          if (lost(s, i)) anyUnderflow = true;
          else if (Number.isFinite(g) && g < lowest) lowest = g;
        });
      }
      for (const v of r.plain[m.theory]) if (v > 0 && Number.isFinite(v) && v < lowest) lowest = v;
      if (anyUnderflow) lowest = Math.min(lowest, FLOAT32_MIN_NORMAL);
      if (!Number.isFinite(lowest)) lowest = 1e-12;
      const floor = Math.max(1e-300, Math.pow(10, Math.floor(Math.log10(lowest)) - 1));
      for (const a of ARCHS) {
        const s = r[a];
        c.set(a, layerPoints(s[m.field], (v, i) => (lost(s, i) ? floor : v)));
        c.set(`${a}_underflow`, layerPoints(s[m.field], (v, i) => (lost(s, i) ? floor : null)));
      }
      c.set('theory', layerPoints(r.plain[m.theory], (v) => (v > 0 ? Math.max(v, floor) : null)));
      c.setAxis('y', { min: floor });
      const sel = ctx.selected;
      c.setRings(sel ? [{ series: sel.arch, x: sel.layer }, { series: `${sel.arch}_underflow`, x: sel.layer }] : []);
      c.render();
    },
    title: ({ t, fmt, record }) => (record ? t('chart.grad_norm.step', { step: fmt.int(stepOf(record)) }) : t('chart.grad_norm.title')),
    note: { id: 'note-grad', text: (ctx) => ctx.t(backprop(ctx) ? 'chart.grad_norm.note_backprop' : 'chart.grad_norm.note') },
    describe: (r, ctx) => {
      const m = GRAD_METRICS[ctx.gradMetric] || GRAD_METRICS.weight;
      return layerTable(ctx, {
        field: m.field,
        format: (s, i) => (m.field === 'grad_norm' && s.underflow && s.underflow[i] === 1 ? ctx.t('alt.underflow') : cell(s[m.field][i], ctx.fmt.value)),
      });
    },
  },

  /* chart 2: loss and accuracy over the steps; each stack drawn to its last finite loss, a
     diverged stack's marked there with a cross and "diverged at step S"; a log axis when the
     losses span decades (the switch #loss-log in the card) */
  {
    name: 'loss', card: 'card-loss', canvas: 'chart-loss', titleId: 'title-loss', titleKey: 'chart.loss.title',
    make(canvas, ctx) {
      const c = line(canvas, {
        x: { type: 'linear', integer: true }, y: { type: 'linear', min: 0 }, y2: { type: 'linear', min: 0, max: 1, percent: true }, format: ctx.fmt, legendLines: true,
        series: [
          { id: 'plain_loss', color: COLORS.plain, radius: 0, marker: 'line' },
          { id: 'residual_loss', color: COLORS.residual, radius: 0, marker: 'line' },
          { id: 'plain_acc', color: COLORS.plain, dash: [5, 4], radius: 0, axis: 'y2', marker: 'line' },
          { id: 'residual_acc', color: COLORS.residual, dash: [5, 4], radius: 0, axis: 'y2', marker: 'line' },
          ...ARCHS.map((a) => ({ id: `${a}_diverged`, color: COLORS[a], marker: 'crossRot', radius: 9, pointBorderWidth: 3, line: false, legend: false, pointLabels: true })),
        ],
      });
      /* the switch: null until the student touches it (the axis follows the losses), then theirs */
      const box = /** @type {HTMLInputElement | null} */ (document.getElementById('loss-log'));
      const out = Object.assign(c, { log: { choice: /** @type {boolean | null} */ (null), box } });
      if (box) {
        box.addEventListener('change', () => {
          out.log.choice = box.checked;
          lossScale(out);
          out.render();
        });
      }
      return out;
    },
    texts: (c, { t }) => c.setTexts({
      x: t('chart.loss.x'), y: t('chart.loss.y'), y2: t('chart.loss.y2'),
      series: { plain_loss: t('series.plain_loss'), residual_loss: t('series.residual_loss'), plain_acc: t('series.plain_acc'), residual_acc: t('series.residual_acc') },
    }),
    reset(c) {
      c.clear();
      c.log.choice = null;
    },
    append(c, r) {
      for (const a of ARCHS) {
        const s = r[a];
        if (!s) continue;
        c.append(`${a}_loss`, s.step, s.loss);
        c.append(`${a}_acc`, s.step, s.acc);
      }
    },
    render(c, r, ctx) {
      /* a diverged stack's records keep its last finite one: the cross marks that loss */
      for (const a of ARCHS) {
        const s = ctx.latest ? ctx.latest[a] : null;
        c.set(`${a}_diverged`, s && hasDiverged(s) ? [{ x: s.step, y: s.loss, label: divergedLabel(ctx, a, s) }] : []);
      }
      lossScale(c);
      c.setCursor(ctx.cursor ? ctx.cursor.step : null);
      c.setEvents(ctx.marks);
      c.render();
    },
    describe(r, ctx) {
      const table = stackTable(ctx, r, ARCHS);
      const notes = ARCHS.filter((a) => ctx.latest && hasDiverged(ctx.latest[a])).map((a) => divergedLabel(ctx, a, /** @type {LabRecord} */ (ctx.latest)[a]));
      /* the changes of course: "from step 37: lr 0.1 → 0.01" */
      notes.push(...ctx.marks.map((m) => ctx.t('change.alt', { step: ctx.fmt.int(m.x), what: m.label })));
      return notes.length ? { ...table, caption: `${table.caption.replace(/\.$/, '')}. ${notes.join('. ')}.` } : table;
    },
  },

  /* chart 4: saturated or dead units per layer */
  {
    name: 'saturation', card: 'card-sat', canvas: 'chart-sat', titleId: 'title-sat', titleKey: 'chart.saturation.title', mark: 'x',
    make: (canvas, ctx) => line(canvas, {
      x: LAYER_X, y: { type: 'linear', min: 0, max: 1, percent: true }, format: ctx.fmt, tooltipTitle: ctx.layerTip, series: stackSeries(2),
    }),
    texts: (c, ctx) => c.setTexts({ x: ctx.t('chart.saturation.x', { last: ctx.last }), y: ctx.t('chart.saturation.y'), series: stackNames(ctx) }),
    reset: layerReset,
    render(c, r) {
      for (const a of ARCHS) c.set(a, layerPoints(r[a].saturation));
      c.render();
    },
    title: ({ t, fmt, record }) => (record ? t('chart.saturation.step', { step: fmt.int(stepOf(record)) }) : t('chart.saturation.title')),
    describe: (r, ctx) => layerTable(ctx, { field: 'saturation', format: (s, i) => ctx.fmt.percent(s.saturation[i]) }),
  },

  /* chart 4': the update ratio per layer, from the newest record that made an update */
  {
    name: 'update_ratio', card: 'card-update', canvas: 'chart-update', titleId: 'title-update', titleKey: 'chart.update_ratio.title', mark: 'x',
    make: (canvas, ctx) => line(canvas, {
      x: LAYER_X, y: { type: 'logarithmic' }, format: ctx.fmt, tooltipTitle: ctx.layerTip, series: stackSeries(2),
    }),
    texts: (c, ctx) => c.setTexts({ x: ctx.t('chart.update_ratio.x', { last: ctx.last }), y: ctx.t('chart.update_ratio.y'), series: stackNames(ctx) }),
    reset: layerReset,
    render(c, r, ctx) {
      const { src } = updateSources(ctx);
      for (const a of ARCHS) {
        const u = src[a];
        c.set(a, u ? layerPoints(u.update_ratio, (v) => (v > 0 ? v : null)) : []);
      }
      c.render();
    },
    title(ctx) {
      const { step } = updateSources(ctx);
      return step === null ? ctx.t('chart.update_ratio.title') : ctx.t('chart.update_ratio.step', { step: ctx.fmt.int(step) });
    },
    note: {
      id: 'note-update',
      text(ctx) {
        const { step } = updateSources(ctx);
        if (step === null) return ctx.t('chart.update_ratio.none');
        const shown = ctx.record ? stepOf(ctx.record) : step;
        return step === shown ? null : ctx.t('chart.update_ratio.other', { shown: ctx.fmt.int(shown), step: ctx.fmt.int(step) });
      },
    },
    describe(r, ctx) {
      const { src, step } = updateSources(ctx);
      return layerTable(ctx, { field: 'update_ratio', source: (a) => src[a], step: step === null ? stepOf(r) : step });
    },
  },

  /* chart 3: log10 grad_norm, layer x step, one per stack, one colour range for both */
  ...ARCHS.map((a) => /** @type {ChartEntry} */ ({
    name: `heatmap_${a}`, family: 'heatmap', arch: a, card: `card-heat-${a}`, canvas: `chart-heat-${a}`, titleId: `title-heat-${a}`,
    titleKey: `chart.heatmap.title_${a}`, mark: 'row',
    make: (canvas, ctx) => heatmap(canvas, {
      x: { type: 'linear', integer: true }, y: {}, colorbar: { title: '' }, nullColor: HEAT_NULL, format: ctx.fmt,
    }),
    texts: (c, { t }) => c.setTexts({ x: t('chart.heatmap.x'), y: t('chart.heatmap.y'), colorbar: t('chart.heatmap.colorbar'), nullLabel: t('chart.heatmap.null') }),
    reset: (c, ctx) => c.reset(ctx.layers.length),
    append(c, r) {
      const s = r[a];
      if (!s) return;
      c.addColumn(s.step, Array.from(s.grad_norm, (_, i) => heatValue(s, i)));
    },
    range(records) {
      /* the columns append() would give the chart: a record of the same step replaces the one
         before, more than MAX_COLUMNS are thinned (chart-heatmap.js addColumn) */
      /** @type {Stats[]} */
      const cols = [];
      for (const r of records) {
        const s = r[a];
        if (!s) continue;
        if (cols.length && cols[cols.length - 1].step === s.step) cols.pop();
        cols.push(s);
        thin(cols, MAX_COLUMNS);
      }
      let lo = Infinity, hi = -Infinity;
      for (const s of cols) {
        for (let i = 0; i < s.grad_norm.length; i++) {
          const v = heatValue(s, i);
          if (v !== null && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
        }
      }
      return lo <= hi ? { min: lo, max: hi } : null;
    },
    render(c, r, ctx) {
      const scale = heatScale(ctx.family('heatmap'));
      if (scale) c.setRange(scale.min, scale.max);
      c.setCursor(ctx.cursor ? ctx.cursor.step : null);
      c.setSelectedRow(ctx.selected && ctx.selected.arch === a ? ctx.selected.layer : null);
      c.setEvents(ctx.marks);
      c.render();
    },
    describe: (r, ctx) => layerTable(ctx, {
      field: 'grad_norm', archs: [a],
      format: (s, i) => (s.underflow && s.underflow[i] === 1 ? ctx.t('alt.underflow') : cell(s.grad_norm[i], ctx.fmt.value)),
    }),
  })),

  /* the distributions of each layer's z, phi(z), dL/dh and dL/dW at the step shown (the record's
     hist_* counts): a line per layer coloured by depth (the heatmaps' viridis) up to LINES_MAX
     layers, else a layer x value heatmap; on z, phi and phi' (the engine's samples) and the slow
     region shaded; the selected layer drawn bold (lines) or outlined (heatmap) */
  ...ARCHS.map((a) => /** @type {ChartEntry} */ ({
    name: `dist_${a}`, family: 'dist', arch: a, card: 'card-dist', canvas: `chart-dist-${a}`, titleId: `title-dist-${a}`,
    titleKey: `chart.dist.title_${a}`,
    make: (canvas, ctx) => distribution(canvas, {
      lines: {
        x: { type: 'linear', includeBounds: false, title: ' ' }, y: { type: 'linear', min: 0, percent: true, title: ' ' }, y2: { type: 'linear', display: false, title: ' ' }, format: ctx.fmt, legendLines: true,
        series: [
          ...Array.from({ length: LINES_MAX }, (_, i) => ({ id: `l${i + 1}`, color: '#777777', radius: 0, width: 2, legendWhenEmpty: false, marker: 'line' })),
          { id: 'phi', color: '#000000', radius: 0, width: 1.5, axis: 'y2', legendWhenEmpty: false, marker: 'line', order: -1 },
          { id: 'dphi', color: '#000000', dash: [5, 4], radius: 0, width: 1.5, axis: 'y2', legendWhenEmpty: false, marker: 'line', order: -1 },
        ],
      },
      grid: { x: { type: 'linear', title: ' ' }, y: { title: ' ' }, colorbar: { title: '' }, nullColor: '#ffffff', format: ctx.fmt },
    }),
    texts: (c, ctx) => {
      const q = ctx.quantity;
      c.setTexts({
        lines: {
          x: ctx.t(`chart.dist.x.${q}`), y: ctx.t('chart.dist.y'), y2: ctx.t('chart.dist.y2'),
          series: {
            phi: ctx.t('series.phi'), dphi: ctx.t('series.dphi'),
            ...Object.fromEntries(Array.from({ length: LINES_MAX }, (_, i) => [`l${i + 1}`, ctx.t('chart.dist.series_layer', { layer: ctx.fmt.int(i + 1) })])),
          },
        },
        grid: { x: ctx.t(`chart.dist.x.${q}`), y: ctx.t('chart.dist.grid_y', { last: ctx.last }), colorbar: ctx.t('chart.dist.colorbar'), nullLabel: ctx.t('chart.dist.empty') },
      });
    },
    reset(c, ctx) {
      c.setMode(modeOf(ctx.layers.length));
      const ch = c.chart();
      if (c.mode() === 'lines') ch.clear();
      else ch.reset(ctx.layers.length);
    },
    render(c, r, ctx) {
      const s = r[a], q = ctx.quantity, L = ctx.layers.length;
      const edges = ctx.histEdges ? ctx.histEdges[q] : null;
      c.setMode(modeOf(L));
      const ch = c.chart();
      const centres = edges ? binCentres(edges) : [];
      const bins = centres.length;
      const z = q === 'hist_pre';
      const bands = z ? slowBands(s.act_slow_region) : [];
      const curve = z ? ctx.actCurve : null;
      const sel = ctx.selected && ctx.selected.arch === a ? ctx.selected.layer : null;
      c.setEmphasis(sel);
      ch.setBands(bands);
      if (c.mode() === 'lines') {
        ch.clear();
        if (edges && hasHist(s)) {
          for (let l = 1; l <= Math.min(L, LINES_MAX); l++) {
            const rgb = viridis(L > 1 ? ((l - 1) / (L - 1)) * LINE_SCALE_TOP : 0);
            const color = `rgb(${rgb.map((v) => Math.round(v)).join(',')})`;
            ch.style(`l${l}`, { color, width: sel === null ? 2 : l === sel ? 4 : 1 });
            const shares = layerShares(s[q], bins, l);
            ch.set(`l${l}`, centres.map((x, b) => ({ x, y: shares[b] })));
          }
        }
        /* no histograms in this record (the view was closed): an empty 0 to 100 % axis */
        ch.setAxis('y', { max: edges && hasHist(s) ? null : 1 });
        ch.showAxis('y2', !!curve);
        if (curve) {
          ch.set('phi', Array.from(curve.z, (x, i) => ({ x, y: curve.phi[i] })));
          ch.set('dphi', Array.from(curve.z, (x, i) => ({ x, y: curve.dphi[i] })));
        }
        if (centres.length) ch.setAxis('x', { min: centres[0], max: centres[bins - 1] });
      } else {
        ch.reset(L);
        if (edges && hasHist(s)) {
          for (let b = 0; b < bins; b++) {
            ch.addColumn(centres[b], Array.from({ length: L }, (_, i) => {
              const v = s[q][i * bins + b];
              const total = layerTotal(s[q], bins, i + 1);
              return v > 0 && total > 0 ? Math.max(GRID_RANGE.min, Math.log10(v / total)) : null;
            }));
          }
        }
        ch.setRange(GRID_RANGE.min, GRID_RANGE.max);
        ch.setSelectedRow(sel);
        /* phi and phi' over the image, each from its smallest to its largest sampled value */
        ch.setCurves(curve ? [
          { id: 'phi', color: '#000000', points: scaled(curve.z, curve.phi) },
          { id: 'dphi', color: '#000000', dash: [5, 4], points: scaled(curve.z, curve.dphi) },
        ] : []);
      }
      c.render();
    },
    pick(c, ev) {
      const ch = c.chart();
      if (c.mode() === 'grid') {
        const cell = ch.valueAt(ev);
        return cell ? { arch: a, layer: cell.row } : null;
      }
      const p = ch.pointAt(ev);
      const layer = p ? layerOfSeries(p.id) : null;
      return layer ? { arch: a, layer } : null;
    },
    title: ({ t, fmt, record, quantity }) => (record
      ? t(`chart.dist.step_${a}`, { what: t(`chart.dist.q.${quantity}`), step: fmt.int(stepOf(record)) })
      : t(`chart.dist.title_${a}`)),
    note: {
      id: `note-dist-${a}`,
      text(ctx) {
        const s = ctx.record ? ctx.record[a] : null;
        if (!s) return null;
        if (!hasHist(s)) return ctx.t('chart.dist.none');
        if (ctx.quantity !== 'hist_pre') return null;
        return slowNote(ctx, s, ctx.selected && ctx.selected.arch === a ? ctx.selected.layer : null);
      },
    },
    describe: (r, ctx) => distTable(ctx, r, a),
  })),

  /* the decision boundary of each stack (boundary.js asks the Worker and draws it) */
  ...ARCHS.map((a) => /** @type {ChartEntry} */ ({
    name: `boundary_${a}`, family: 'boundary', arch: a, card: `card-boundary-${a}`, canvas: `chart-boundary-${a}`, titleId: `title-boundary-${a}`,
    titleKey: `chart.boundary.title_${a}`,
    make: (canvas, ctx) => field(canvas, { x: {}, y: {}, classColors: CLASS_COLORS, format: ctx.fmt }),
    texts: (c, { t, fmt }) => c.setTexts({ x: t('chart.boundary.x'), y: t('chart.boundary.y'), classLabel: (/** @type {number} */ k) => t('chart.boundary.class', { class: fmt.int(k) }) }),
    describe: (r, ctx) => stackTable(ctx, ctx.latest || r, [a]),
  })),
  /* a new chart's entry goes here, or where it belongs in the page's order (docs/page.md, "Adding a chart") */
];

/** The lab's charts, in the page's order. */
export const CHARTS = Object.freeze(ENTRIES);

/** the entry of a name @param {readonly ChartEntry[]} registry @param {string} name */
export const entryOf = (registry, name) => registry.find((e) => e.name === name) || null;

/**
 * The entries a name means: the chart of that name, or every chart of that
 * family ('heatmap': both stacks' heatmaps).
 * @param {readonly ChartEntry[]} registry @param {string} name
 */
export const entriesOf = (registry, name) => registry.filter((e) => e.name === name || e.family === name);
