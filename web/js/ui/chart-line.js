// @ts-check
/*
 * chart-line.js - line(canvas, spec): x/y series on linear or log axes (an
 * optional second y axis), with set/append/clear/render/png/snapshot/
 * setTexts/setFormat/setAxis and a marker (setMarker: a highlighted band
 * across one x value with a label, for the lesson's "look here").
 */
import { Chart } from '../vendor.js';
import { defaultFormat, finite, axisOptions, whiteBackground, columnMarker, cursorLine, baseOptions, thin, chartMethods } from './chart-common.js';
/*
 * spec: { x: {title, type, integer, min, max}, y: {...}, y2: {...} (optional),
 *         series: [{id, label, color, dash, axis ('y'|'y2'), marker, radius, line (bool),
 *                   legendWhenEmpty (bool), fill, fillTo (the id of an earlier series:
 *                   the area between the two is filled with `fill`, a band),
 *                   legend (false: never in the legend, e.g. a band's edges)}],
 *         format, maxPoints, legendLines (bool), tooltipTitle: (x) -> text }
 * An axis may also say maxTicks (log axes), includeBounds, percent, integer.
 */
/**
 * @typedef {{id: string, label?: string, color: string, fill?: string, dash?: number[], width?: number, axis?: string,
 *            marker?: string, radius?: number, line?: boolean, pointBorder?: string, pointBorderWidth?: number,
 *            order?: number, legendWhenEmpty?: boolean, fillTo?: string, legend?: boolean}} SeriesSpec
 */
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{x: import('./chart-common.js').AxisSpec, y: import('./chart-common.js').AxisSpec, y2?: import('./chart-common.js').AxisSpec,
 *          series: SeriesSpec[], format?: Partial<import('./chart-common.js').TickFormat>, maxPoints?: number,
 *          legendLines?: boolean, tooltipTitle?: (x: number) => string}} spec
 */
export function line(canvas, spec) {
  let fmt = Object.assign({}, defaultFormat, spec.format);
  const maxPoints = spec.maxPoints || 2000;
  /** @type {Record<string, any>} */
  const byId = {};
  const datasets = spec.series.map((s) => {
    const ds = {
      label: s.label,
      data: /** @type {import('./chart-common.js').Point[]} */ ([]),
      yAxisID: s.axis || 'y',
      borderColor: s.color,
      backgroundColor: s.fill || s.color,
      borderDash: s.dash || [],
      borderWidth: s.width || 2,
      pointStyle: s.marker || 'circle',
      pointRadius: s.radius === undefined ? 2 : s.radius,
      pointHoverRadius: (s.radius === undefined ? 2 : s.radius) + 2,
      pointBorderColor: s.pointBorder || s.color,
      pointBorderWidth: s.pointBorderWidth || 1,
      showLine: s.line !== false,
      spanGaps: false,
      tension: 0,
      order: s.order || 0,
      glId: s.id,
      glLegendWhenEmpty: s.legendWhenEmpty !== false,
      glLegend: s.legend !== false,
    };
    byId[s.id] = ds;
    return ds;
  });
  /* a band: fill from this series to an earlier one (Chart.js's filler, by dataset index) */
  spec.series.forEach((s, i) => {
    if (s.fillTo) Object.assign(datasets[i], { fill: { target: spec.series.findIndex((o) => o.id === s.fillTo) } });
  });
  const options = baseOptions(spec);
  options.scales = { x: axisOptions(spec.x, fmt, 'bottom'), y: axisOptions(spec.y, fmt, 'left') };
  if (spec.y2) options.scales.y2 = axisOptions(Object.assign({ grid: false }, spec.y2), fmt, 'right');
  options.plugins.legend.labels.filter = (/** @type {any} */ item, /** @type {any} */ data) => {
    const ds = data.datasets[item.datasetIndex];
    if (!ds.glLegend) return false;
    return ds.glLegendWhenEmpty || ds.data.some((/** @type {any} */ p) => p.y !== null);
  };
  const tooltipTitle = spec.tooltipTitle;
  if (tooltipTitle) options.plugins.tooltip.callbacks = { title: (/** @type {any[]} */ items) => (items.length ? tooltipTitle(items[0].parsed.x) : '') };
  /** @type {{x: number, label: string, half?: number} | null} */
  let marker = null;
  /** @type {number | null} the time cursor's x (a step), or null */
  let cursor = null;
  const chart = new Chart(canvas, { type: 'line', data: { datasets }, options, plugins: [whiteBackground, columnMarker(() => marker), cursorLine(() => cursor)] });

  const api = {
    ...chartMethods(chart),
    /* {x, label, half?} marks one x value (e.g. a layer; half: the band's half width in x units, default 0.5); null removes it */
    /** @param {any} m */
    setMarker(m) {
      marker = m && Number.isFinite(m.x) ? Object.assign({ x: m.x, label: m.label || '' }, Number.isFinite(m.half) ? { half: m.half } : {}) : null;
    },
    marker() {
      return marker ? Object.assign({}, marker) : null;
    },
    /** a vertical line at x (the time cursor's step); null removes it @param {number | null} x */
    setCursor(x) {
      cursor = typeof x === 'number' && Number.isFinite(x) ? x : null;
    },
    /* points: [{x, y}] (non-finite y becomes a gap) */
    /** @param {string} id @param {Array<{x: number, y: any}>} points */
    set(id, points) {
      const ds = byId[id];
      ds.data = points.map((p) => ({ x: p.x, y: finite(p.y) }));
      thin(ds.data, maxPoints);
    },
    /* a point at the same x as the last one replaces it */
    /** @param {string} id @param {number} x @param {any} y */
    append(id, x, y) {
      const ds = byId[id];
      const last = ds.data[ds.data.length - 1];
      if (last && last.x === x) ds.data.pop();
      ds.data.push({ x, y: finite(y) });
      thin(ds.data, maxPoints);
    },
    clear() {
      for (const ds of datasets) ds.data = [];
    },
    /** @param {string} name @param {{min?: number, max?: number}} range */
    setAxis(name, range) {
      const s = chart.options.scales[name];
      if ('min' in range) s.min = range.min === null ? undefined : range.min;
      if ('max' in range) s.max = range.max === null ? undefined : range.max;
    },
    /* texts: {x, y, y2, series: {id: label}} */
    /** @param {any} texts */
    setTexts(texts) {
      for (const a of ['x', 'y', 'y2']) {
        if (texts[a] !== undefined && chart.options.scales[a]) chart.options.scales[a].title.text = texts[a];
      }
      for (const [id, label] of Object.entries(texts.series || {})) if (byId[id]) byId[id].label = label;
    },
    /** @param {Partial<import('./chart-common.js').TickFormat>} format @param {boolean} [rtl] */
    setFormat(format, rtl) {
      fmt = Object.assign({}, defaultFormat, format);
      chart.options.scales.y.ticks.callback = axisOptions(spec.y, fmt, 'left').ticks.callback;
      chart.options.scales.x.ticks.callback = axisOptions(spec.x, fmt, 'bottom').ticks.callback;
      if (spec.y2) chart.options.scales.y2.ticks.callback = axisOptions(spec.y2, fmt, 'right').ticks.callback;
      chart.options.plugins.legend.rtl = !!rtl;
      chart.options.plugins.tooltip.rtl = !!rtl;
      /* the base direction of the legend's and tooltip's text (a Persian label with a Latin
         number in a left-to-right isolate needs an explicit right-to-left paragraph) */
      chart.options.plugins.legend.textDirection = rtl ? 'rtl' : 'ltr';
      chart.options.plugins.tooltip.textDirection = rtl ? 'rtl' : 'ltr';
    },
    render() {
      chart.update('none');
    },
    snapshot() {
      return datasets.map((ds) => ({ id: ds.glId, label: ds.label, data: ds.data.map((p) => ({ x: p.x, y: p.y })) }));
    },
    /** the time cursor's x, or null */
    cursor: () => cursor,
  };
  return api;
}

/* ------------------------------------------------------------ colour map */
