// @ts-check
/*
 * chart-line.js - line(canvas, spec): x/y series on linear or log axes (an
 * optional second y axis), with set/append/clear/render/png/snapshot/
 * setTexts/setFormat/setAxis and a marker (setMarker: a highlighted band
 * across one x value with a label, for the lesson's "look here").
 */
import { Chart } from '../vendor.js';
import { defaultFormat, finite, axisOptions, whiteBackground, columnMarker, cursorLine, eventLines, baseOptions, thin, chartMethods, htmlLegend, xBands } from './chart-common.js';
/*
 * spec: { x: {title, type, integer, min, max}, y: {...}, y2: {...} (optional),
 *         series: [{id, label, color, dash, axis ('y'|'y2'), marker, radius, line (bool),
 *                   legendWhenEmpty (bool), fill, fillTo (the id of an earlier series:
 *                   the area between the two is filled with `fill`, a band),
 *                   legend (false: never in the legend, e.g. a band's edges)}],
 *         format, maxPoints, legendLines (bool), legend (false: none), tooltipTitle: (x) -> text }
 * The legend is HTML, above the chart's box (chart-common.js htmlLegend).
 * An axis may also say maxTicks (log axes), includeBounds, percent, integer.
 */
/**
 * @typedef {{id: string, label?: string, color: string, fill?: string, dash?: number[], width?: number, axis?: string,
 *            marker?: string, radius?: number, line?: boolean, pointBorder?: string, pointBorderWidth?: number,
 *            order?: number, legendWhenEmpty?: boolean, fillTo?: string, legend?: boolean, pointLabels?: boolean}} SeriesSpec
 */
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{x: import('./chart-common.js').AxisSpec, y: import('./chart-common.js').AxisSpec, y2?: import('./chart-common.js').AxisSpec,
 *          series: SeriesSpec[], format?: Partial<import('./chart-common.js').TickFormat>, maxPoints?: number,
 *          legendLines?: boolean, legend?: boolean, tooltipTitle?: (x: number) => string}} spec
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
      glPointLabels: !!s.pointLabels,
    };
    byId[s.id] = ds;
    return ds;
  });
  /* a band: fill from this series to an earlier one (Chart.js's filler, by dataset index) */
  spec.series.forEach((s, i) => {
    if (s.fillTo) Object.assign(datasets[i], { fill: { target: spec.series.findIndex((o) => o.id === s.fillTo) } });
  });
  const options = baseOptions(spec);
  /** the axes as specified (setScale replaces one) @type {Record<string, import('./chart-common.js').AxisSpec>} */
  const axes = { x: spec.x, y: spec.y };
  if (spec.y2) axes.y2 = Object.assign({ grid: false }, spec.y2);
  const POSITION = /** @type {Record<string, string>} */ ({ x: 'bottom', y: 'left', y2: 'right' });
  options.scales = {};
  for (const [name, a] of Object.entries(axes)) options.scales[name] = axisOptions(a, fmt, POSITION[name]);
  options.plugins.legend.labels.filter = (/** @type {any} */ item, /** @type {any} */ data) => {
    const ds = data.datasets[item.datasetIndex];
    if (!ds.glLegend) return false;
    return ds.glLegendWhenEmpty || ds.data.some((/** @type {any} */ p) => p.y !== null);
  };
  const tooltipTitle = spec.tooltipTitle;
  if (tooltipTitle) options.plugins.tooltip.callbacks = { title: (/** @type {any[]} */ items) => (items.length ? tooltipTitle(items[0].parsed.x) : '') };
  /** @type {Array<{x: number, label: string, half?: number, row?: number}>} */
  let markers = [];
  /** @type {number | null} the time cursor's x (a step), or null */
  let cursor = null;
  /** @type {Array<{x: number, label: string}>} events on the x axis (a run's changes of course) */
  let events = [];
  let rtlText = false;
  /** @type {Array<{lo: number | null, hi: number | null}>} shaded x ranges (setBands) */
  let bands = [];
  /** @type {Array<{series: string, x: number}>} points ringed (setRings: a selected layer) */
  let rings = [];
  const ringPlugin = {
    id: 'glRings',
    afterDatasetsDraw(/** @type {any} */ ch) {
      for (const r of rings) {
        const k = ch.data.datasets.findIndex((/** @type {any} */ ds) => ds.glId === r.series);
        if (k < 0 || !ch.isDatasetVisible(k)) continue;
        const i = ch.data.datasets[k].data.findIndex((/** @type {any} */ p) => p.x === r.x && p.y !== null);
        const el = i < 0 ? null : ch.getDatasetMeta(k).data[i];
        if (!el || !Number.isFinite(el.x) || !Number.isFinite(el.y)) continue;
        const ctx = ch.ctx;
        ctx.save();
        ctx.lineWidth = 4;
        ctx.strokeStyle = '#ffffff';
        ctx.beginPath();
        ctx.arc(el.x, el.y, 9, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#1d2126';
        ctx.stroke();
        ctx.restore();
      }
    },
  };
  /* a label beside a point that carries one (a series with pointLabels: e.g. "diverged at step 2") */
  const pointLabels = {
    id: 'glPointLabels',
    afterDatasetsDraw(/** @type {any} */ ch) {
      const a = ch.chartArea, ctx = ch.ctx;
      ch.data.datasets.forEach((/** @type {any} */ ds, /** @type {number} */ k) => {
        if (!ds.glPointLabels || !ch.isDatasetVisible(k)) return;
        const meta = ch.getDatasetMeta(k);
        ds.data.forEach((/** @type {any} */ p, /** @type {number} */ i) => {
          const el = meta.data[i];
          if (!p.label || p.y === null || !el || !Number.isFinite(el.x) || !Number.isFinite(el.y)) return;
          ctx.save();
          ctx.font = `bold 12px ${Chart.defaults.font.family}`;
          ctx.direction = rtlText ? 'rtl' : 'ltr';
          ctx.textBaseline = 'middle';
          const w = ctx.measureText(p.label).width;
          /* right of the point, or left of it when it would leave the plot; inside the plot vertically */
          const right = el.x + 12 + w <= a.right;
          const x = right ? el.x + 12 : el.x - 12;
          const y = Math.min(Math.max(el.y, a.top + 9), a.bottom - 9);
          ctx.textAlign = right ? 'left' : 'right';
          ctx.lineWidth = 4;
          ctx.strokeStyle = '#ffffff';
          ctx.lineJoin = 'round';
          ctx.strokeText(p.label, x, y);
          ctx.fillStyle = ds.borderColor;
          ctx.fillText(p.label, x, y);
          ctx.restore();
        });
      });
    },
  };
  /* the legend is HTML above the chart (it wraps on a phone); Chart.js's is drawn into the PNG only */
  /** @type {any[]} */
  const plugins = [whiteBackground, xBands(() => bands), columnMarker(() => markers), eventLines(() => events, () => rtlText), cursorLine(() => cursor), pointLabels, ringPlugin];
  if (spec.legend !== false) {
    options.plugins.legend.display = false;
    plugins.push(htmlLegend(canvas));
  }
  const chart = new Chart(canvas, { type: 'line', data: { datasets }, options, plugins });

  const api = {
    ...chartMethods(chart),
    /* {x, label, half?} marks one x value (e.g. a layer; half: the band's half width in x units, default 0.5); null removes it */
    /** @param {any} m */
    setMarker(m) {
      api.setMarkers(m ? [m] : []);
    },
    /* several marks at once, each {x, label, half?, row?} (row: its label that many heights lower) */
    /** @param {any[]} list */
    setMarkers(list) {
      markers = list.filter((m) => m && Number.isFinite(m.x)).map((m) => Object.assign({ x: m.x, label: m.label || '' },
        Number.isFinite(m.half) ? { half: m.half } : {}, Number.isFinite(m.row) ? { row: m.row } : {}));
    },
    /** the first mark, or null */
    marker() {
      return markers.length ? Object.assign({}, markers[0]) : null;
    },
    /** every mark */
    markers: () => markers.map((m) => Object.assign({}, m)),
    /** a vertical line at x (the time cursor's step); null removes it @param {number | null} x */
    setCursor(x) {
      cursor = typeof x === 'number' && Number.isFinite(x) ? x : null;
    },
    /* points: [{x, y}] (non-finite y becomes a gap); a point's `label` is drawn beside it when the series has pointLabels */
    /** @param {string} id @param {Array<{x: number, y: any, label?: string}>} points */
    set(id, points) {
      const ds = byId[id];
      ds.data = points.map((p) => (p.label ? { x: p.x, y: finite(p.y), label: p.label } : { x: p.x, y: finite(p.y) }));
      thin(ds.data, maxPoints);
    },
    /**
     * One axis anew (its title kept): e.g. the loss axis from linear to logarithmic.
     * @param {string} name 'x' | 'y' | 'y2' @param {import('./chart-common.js').AxisSpec} axis
     */
    setScale(name, axis) {
      const old = chart.options.scales[name];
      axes[name] = name === 'y2' ? Object.assign({ grid: false }, axis) : axis;
      const o = axisOptions(axes[name], fmt, POSITION[name]);
      o.title = old.title;
      chart.options.scales[name] = o;
    },
    /** shows or hides one axis (its ticks and title) @param {string} name @param {boolean} on */
    showAxis(name, on) {
      if (chart.options.scales[name]) chart.options.scales[name].display = on;
    },
    /** shaded, hatched x ranges ({lo, hi}, null: the axis's end); [] removes them @param {Array<{lo: number | null, hi: number | null}>} list */
    setBands(list) {
      bands = list.map((b) => ({ lo: b.lo, hi: b.hi }));
    },
    /** the shaded ranges */
    bands: () => bands.map((b) => ({ ...b })),
    /** a ring around the point of a series at x (a selected layer); [] removes them @param {Array<{series: string, x: number}>} list */
    setRings(list) {
      rings = list.map((r) => ({ series: r.series, x: r.x }));
    },
    /** the rings */
    rings: () => rings.map((r) => ({ ...r })),
    /** a series' colour and line width from now on @param {string} id @param {{color?: string, width?: number}} st */
    style(id, st) {
      const ds = byId[id];
      if (!ds) return;
      if (st.color) Object.assign(ds, { borderColor: st.color, backgroundColor: st.color, pointBorderColor: st.color });
      if (st.width) ds.borderWidth = st.width;
    },
    /** the series and point nearest a mouse event ({id, x, y}), or null @param {MouseEvent} ev */
    pointAt(ev) {
      const hits = chart.getElementsAtEventForMode(ev, 'nearest', { intersect: false }, true);
      const h = hits.find((/** @type {any} */ e) => chart.data.datasets[e.datasetIndex].data[e.index].y !== null);
      if (!h) return null;
      const ds = chart.data.datasets[h.datasetIndex], p = ds.data[h.index];
      return { id: ds.glId, x: p.x, y: p.y };
    },
    /** the axis's type now ('linear' | 'logarithmic') @param {string} name */
    scaleType: (name) => chart.options.scales[name].type,
    /**
     * The smallest positive and the largest finite value of the series on one y axis, or null.
     * @param {string} [axis] 'y' (default) | 'y2'
     * @returns {{min: number, max: number} | null}
     */
    range(axis = 'y') {
      let min = Infinity, max = -Infinity;
      for (const ds of datasets) {
        if (ds.yAxisID !== axis) continue;
        for (const p of ds.data) {
          if (p.y === null) continue;
          if (p.y > 0 && p.y < min) min = p.y;
          if (p.y > max) max = p.y;
        }
      }
      return min <= max ? { min, max } : null;
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
    /** @param {string} name @param {{min?: number | null, max?: number | null}} range null: Chart.js chooses */
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
      for (const [name, a] of Object.entries(axes)) chart.options.scales[name].ticks.callback = axisOptions(a, fmt, POSITION[name]).ticks.callback;
      rtlText = !!rtl;
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
      return datasets.map((ds) => ({ id: ds.glId, label: ds.label, data: ds.data.map((/** @type {any} */ p) => (p.label ? { x: p.x, y: p.y, label: p.label } : { x: p.x, y: p.y })) }));
    },
    /** the time cursor's x, or null */
    cursor: () => cursor,
    /** events on the x axis, each a dashed line with its label (a run's changes of course) @param {Array<{x: number, label: string}>} list */
    setEvents(list) {
      events = list.filter((e) => Number.isFinite(e.x)).map((e) => ({ x: e.x, label: e.label || '' }));
    },
    /** the events drawn (copies) */
    events: () => events.map((e) => ({ ...e })),
    /** where a drawn point of series `id` at x is on the canvas (CSS pixels), or null @param {string} id @param {number} x */
    pixelOf(id, x) {
      const k = datasets.findIndex((ds) => ds.glId === id);
      if (k < 0) return null;
      const i = datasets[k].data.findIndex((/** @type {any} */ p) => p.x === x && p.y !== null);
      const el = i < 0 ? null : chart.getDatasetMeta(k).data[i];
      return el && Number.isFinite(el.x) ? { x: el.x, y: el.y } : null;
    },
    /**
     * The drawn point nearest a point of the canvas (CSS pixels from its top left) among the
     * series `ids`, within `reach` pixels: {id, x, y}, or null (a click picks a layer).
     * @param {number} px @param {number} py @param {string[]} ids @param {number} [reach]
     * @returns {{id: string, x: number, y: number} | null}
     */
    pick(px, py, ids, reach = 24) {
      /** @type {{id: string, x: number, y: number} | null} */
      let best = null;
      let gap = reach;
      datasets.forEach((ds, k) => {
        if (!ids.includes(ds.glId) || !chart.isDatasetVisible(k)) return;
        chart.getDatasetMeta(k).data.forEach((/** @type {any} */ el, /** @type {number} */ i) => {
          const p = ds.data[i];
          if (!p || p.y === null || !Number.isFinite(el.x) || !Number.isFinite(el.y)) return;
          const d = Math.hypot(el.x - px, el.y - py);
          if (d <= gap) {
            gap = d;
            best = { id: ds.glId, x: p.x, y: p.y };
          }
        });
      });
      return best;
    },
  };
  return api;
}

/* ------------------------------------------------------------ colour map */
