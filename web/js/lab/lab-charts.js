// @ts-check
/*
 * lab-charts.js - the lab's six charts, from the engine's records:
 *   grad      chart 1: grad_norm per layer (underflow drawn at the floor) and the theory line
 *   loss      chart 2: loss and accuracy over steps
 *   sat       chart 4: saturation per layer      update: update_ratio per layer
 *   heatPlain, heatResidual    chart 3: log10 grad_norm, layer x step
 *   boundaryPlain, boundaryResidual: the decision boundary (drawn by boundary.js)
 * What it computes is drawing only: the log floor, log10 for the heatmap
 * colour, one colour range for both heatmaps.  It owns the chart canvases
 * and the titles it rewrites (#title-grad, #title-update, #note-update).
 */
import { $ } from '../ui/dom.js';
import { ARCHS } from './history.js';
import { setup } from '../ui/chart-common.js';
import { line } from '../ui/chart-line.js';
import { heatmap } from '../ui/chart-heatmap.js';
import { field } from '../ui/chart-field.js';

export const COLORS = { plain: '#D55E00', residual: '#0072B2', theory: '#000000' }; /* Okabe–Ito */
const CLASS_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#F0E442', '#0072B2', '#D55E00', '#999999'];
const FLOAT32_MIN_NORMAL = 1.2e-38;   /* the engine's underflow threshold (docs/worker-protocol.md) */
/** the per-stack charts' names */
export const HEAT = { plain: 'heatPlain', residual: 'heatResidual' };
export const BOUNDARY = { plain: 'boundaryPlain', residual: 'boundaryResidual' };

/**
 * @param {{i18n: import('../ui/i18n.js').I18n, history: import('./history.js').History}} deps
 */
export function createLabCharts({ i18n, history }) {
  const t = i18n.t;
  /** @type {Record<string, any>} */
  const charts = {};
  /** @type {string[]} */
  let layers = [];
  /** @type {number | null} */
  let firstChartAt = null;
  /** @type {number | null} the step chart 1 shows (its title names it) */
  let gradStep = null;

  function create() {
    const fmt = i18n.format();
    setup({ fontFamily: getComputedStyle(document.body).fontFamily, color: '#333' });
    const layerTip = (/** @type {number} */ x) => {
      const name = layers[Math.round(x) - 1];
      return name ? `${fmt.int(Math.round(x))} · ${name}` : '';
    };
    charts.grad = line($('chart-grad'), {
      x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: fmt, tooltipTitle: layerTip,
      series: [
        { id: 'plain', color: COLORS.plain, radius: 3 },
        { id: 'residual', color: COLORS.residual, radius: 3, marker: 'rect' },
        { id: 'theory', color: COLORS.theory, dash: [6, 4], radius: 0, width: 1.5, marker: 'line' },
        { id: 'plain_underflow', color: COLORS.plain, fill: '#ffffff', marker: 'triangle', radius: 7, line: false, pointBorderWidth: 2, legendWhenEmpty: false },
        { id: 'residual_underflow', color: COLORS.residual, fill: '#ffffff', marker: 'rectRot', radius: 7, line: false, pointBorderWidth: 2, legendWhenEmpty: false },
      ],
    });
    charts.loss = line($('chart-loss'), {
      x: { type: 'linear', integer: true }, y: { type: 'linear', min: 0 }, y2: { type: 'linear', min: 0, max: 1, percent: true }, format: fmt, legendLines: true,
      series: [
        { id: 'plain_loss', color: COLORS.plain, radius: 0, marker: 'line' },
        { id: 'residual_loss', color: COLORS.residual, radius: 0, marker: 'line' },
        { id: 'plain_acc', color: COLORS.plain, dash: [5, 4], radius: 0, axis: 'y2', marker: 'line' },
        { id: 'residual_acc', color: COLORS.residual, dash: [5, 4], radius: 0, axis: 'y2', marker: 'line' },
      ],
    });
    const perLayer = (/** @type {number} */ radius) => [
      { id: 'plain', color: COLORS.plain, radius },
      { id: 'residual', color: COLORS.residual, radius, marker: 'rect' },
    ];
    charts.sat = line($('chart-sat'), {
      x: { type: 'linear', integer: true }, y: { type: 'linear', min: 0, max: 1, percent: true }, format: fmt, tooltipTitle: layerTip, series: perLayer(2),
    });
    charts.update = line($('chart-update'), {
      x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: fmt, tooltipTitle: layerTip, series: perLayer(2),
    });
    for (const a of ARCHS) {
      charts[/** @type {any} */ (HEAT)[a]] = heatmap($(`chart-heat-${a}`), {
        x: { type: 'linear', integer: true }, y: {}, colorbar: { title: '' }, nullColor: '#c8c8c8', format: fmt,
      });
      charts[/** @type {any} */ (BOUNDARY)[a]] = field($(`chart-boundary-${a}`), {
        x: {}, y: {}, classColors: CLASS_COLORS, format: fmt,
      });
    }
  }

  /** Axis titles, legends, tick formats and the font (the page's, e.g. Vazirmatn in Persian) in the page's language. */
  function texts() {
    setup({ fontFamily: getComputedStyle(document.body).fontFamily });
    const last = layers.length || '…';
    const fmt = i18n.format();
    const L = fmt.int(typeof last === 'number' ? last : 0) || last;
    const perStack = { plain: t('series.plain'), residual: t('series.residual') };
    charts.grad.setTexts({
      x: t('chart.grad.x', { last: L }), y: t('chart.grad.y'),
      series: {
        ...perStack, theory: t('series.theory'),
        plain_underflow: t('series.plain_underflow'), residual_underflow: t('series.residual_underflow'),
      },
    });
    charts.loss.setTexts({
      x: t('chart.loss.x'), y: t('chart.loss.y'), y2: t('chart.loss.y2'),
      series: { plain_loss: t('series.plain_loss'), residual_loss: t('series.residual_loss'), plain_acc: t('series.plain_acc'), residual_acc: t('series.residual_acc') },
    });
    charts.sat.setTexts({ x: t('chart.sat.x', { last: L }), y: t('chart.sat.y'), series: perStack });
    charts.update.setTexts({ x: t('chart.update.x', { last: L }), y: t('chart.update.y'), series: perStack });
    for (const a of ARCHS) {
      charts[/** @type {any} */ (HEAT)[a]].setTexts({ x: t('chart.heat.x'), y: t('chart.heat.y'), colorbar: t('chart.heat.colorbar'), nullLabel: t('chart.heat.null') });
      charts[/** @type {any} */ (BOUNDARY)[a]].setTexts({ x: t('chart.boundary.x'), y: t('chart.boundary.y'), classLabel: (/** @type {number} */ c) => t('chart.boundary.class', { class: fmt.int(c) }) });
    }
    const rtl = i18n.lang === 'fa';
    for (const c of Object.values(charts)) c.setFormat(fmt, rtl);
  }

  /** A new configuration: empty charts with its layers. @param {string[]} names */
  function reset(names) {
    layers = names.slice();
    const L = layers.length;
    for (const k of ['grad', 'loss', 'sat', 'update']) charts[k].clear();
    for (const c of [charts.grad, charts.sat, charts.update]) c.setAxis('x', { min: 1, max: L });
    for (const a of ARCHS) charts[/** @type {any} */ (HEAT)[a]].reset(L);
    texts();
  }

  /** One record into the charts that grow with steps (loss/accuracy, heatmaps). @param {any} r */
  function append(r) {
    for (const a of ARCHS) {
      const s = r[a];
      if (!s) continue;
      charts.loss.append(`${a}_loss`, s.step, s.loss);
      charts.loss.append(`${a}_acc`, s.step, s.acc);
      const col = Array.from(s.grad_norm, (/** @type {number} */ g, i) => (s.underflow[i] === 1 || !(g > 0) ? null : Math.log10(g)));
      charts[/** @type {any} */ (HEAT)[a]].addColumn(s.step, col);
    }
  }

  /** The per-layer charts from the latest record r, the growing charts redrawn. @param {any} r */
  function render(r) {
    if (!r) return;
    const fmt = i18n.format();
    const L = layers.length;
    /** @param {ArrayLike<number>} arr @param {(v: number, i: number) => number | null} [map] */
    const layerPoints = (arr, map) => Array.from(arr, (v, i) => ({ x: i + 1, y: map ? map(v, i) : v }));

    /* chart 1: grad_norm per layer, underflow drawn at the floor */
    let lowest = Infinity;
    let anyUnderflow = false;
    for (const a of ARCHS) {
      const s = r[a];
      s.grad_norm.forEach((/** @type {number} */ g, /** @type {number} */ i) => {
        if (s.underflow[i] === 1 || !(g > 0)) anyUnderflow = true;
        else if (Number.isFinite(g) && g < lowest) lowest = g;
      });
    }
    for (const v of r.plain.grad_norm_theory) if (v > 0 && Number.isFinite(v) && v < lowest) lowest = v;
    if (anyUnderflow) lowest = Math.min(lowest, FLOAT32_MIN_NORMAL);
    if (!Number.isFinite(lowest)) lowest = 1e-12;
    const floor = Math.max(1e-300, Math.pow(10, Math.floor(Math.log10(lowest)) - 1));
    const g = charts.grad;
    for (const a of ARCHS) {
      const s = r[a];
      const under = (/** @type {number} */ i) => s.underflow[i] === 1 || !(s.grad_norm[i] > 0);
      g.set(a, layerPoints(s.grad_norm, (v, i) => (under(i) ? floor : v)));
      g.set(`${a}_underflow`, layerPoints(s.grad_norm, (v, i) => (under(i) ? floor : null)));
    }
    g.set('theory', layerPoints(r.plain.grad_norm_theory, (v) => (v > 0 ? Math.max(v, floor) : null)));
    g.setAxis('y', { min: floor });
    g.render();
    gradStep = r.plain.step;
    $('title-grad').textContent = gradTitle();
    if (firstChartAt === null && g.snapshot()[1].data.length === L) firstChartAt = performance.now();

    /* chart 4: saturation and update ratio per layer */
    for (const a of ARCHS) charts.sat.set(a, layerPoints(r[a].saturation));
    charts.sat.render();
    /* update_ratio: a record measured without an update (step 0, the final
       measurement) has none, so this chart shows the newest record that has one */
    /** @type {number | null} */
    let updateStep = null;
    for (const a of ARCHS) {
      const u = history.latestWithUpdate(a);
      charts.update.set(a, u ? layerPoints(u.update_ratio, (v) => (v > 0 ? v : null)) : []);
      if (u) updateStep = Math.max(updateStep === null ? 0 : updateStep, u.step);
    }
    charts.update.render();
    $('title-update').textContent = updateStep === null ? t('chart.update.title') : t('chart.update.step', { step: fmt.int(updateStep) });
    $('note-update').hidden = updateStep !== null;
    $('note-update').textContent = t('chart.update.none');

    /* chart 2 and 3 grow in append; here the heatmaps share one colour range */
    charts.loss.render();
    const ranges = [charts.heatPlain.dataRange(), charts.heatResidual.dataRange()].filter(Boolean);
    if (ranges.length) {
      const lo = Math.floor(Math.min(...ranges.map((x) => x.min)));
      const hi = Math.ceil(Math.max(...ranges.map((x) => x.max)));
      charts.heatPlain.setRange(lo, hi);
      charts.heatResidual.setRange(lo, hi);
    }
    charts.heatPlain.render();
    charts.heatResidual.render();
  }

  /** chart 1's title: the step it shows, once it shows one */
  function gradTitle() {
    return gradStep === null ? t('chart.grad.title') : t('chart.grad.step', { step: i18n.format().int(gradStep) });
  }

  /** Every chart's data, as copies (the debug surface). */
  function snapshot() {
    /** @type {Record<string, any>} */
    const out = {};
    for (const [k, c] of Object.entries(charts)) out[k] = c.snapshot();
    return out;
  }

  return {
    create, texts, reset, append, render, snapshot, gradTitle,
    /** the chart objects by name (boundary.js draws the boundary ones; export.js takes PNGs) */
    charts,
    /** when chart 1 first showed every layer (performance.now()), or null */
    get firstChartAt() {
      return firstChartAt;
    },
  };
}

/** @typedef {ReturnType<typeof createLabCharts>} LabCharts */
