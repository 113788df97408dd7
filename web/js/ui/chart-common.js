// @ts-check
/*
 * chart-common.js - what the three Chart.js adapters (chart-line.js,
 * chart-heatmap.js, chart-field.js) share: tick formatting, axis options,
 * the white PNG background, the "look here" marker, thinning long series,
 * and the page-wide font (setup).  The adapters know nothing of networks:
 * the caller hands in numbers and words.  Values that are not finite
 * numbers never reach Chart.js: they become gaps (null).
 */
import { Chart } from '../vendor.js';
import { superscript } from './i18n.js';
/** @typedef {{number: (x: number) => string, pow10: (e: number) => string, percent: (x: number) => string}} TickFormat */
/**
 * @typedef {{title?: string, type?: string, integer?: boolean, min?: number, max?: number, maxTicks?: number,
 *            includeBounds?: boolean, percent?: boolean, grid?: boolean, pow10?: boolean, display?: boolean}} AxisSpec
 */
/** @typedef {{x: number, y: number | null, label?: string}} Point */

/* ---- formatting (numbers for ticks; the caller may pass a locale's) ---- */
/** @type {TickFormat} */
export const defaultFormat = {
  number: (x) => String(Number(x.toPrecision(4))),
  pow10: (e) => '10' + superscript(e),
  percent: (x) => `${Math.round(x * 100)}%`,
};

/** @param {any} v @returns {number | null} */
export const finite = (/** @type {number} */ v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/* Ticks of a log axis: a label on each power of ten, none between. */
/** @param {TickFormat} fmt */
export function logTick(fmt) {
  /** @this {any} @param {number} value */
  return function (value) {
    if (!(value > 0)) return '';
    const e = Math.round(Math.log10(value));
    if (Math.abs(value / Math.pow(10, e) - 1) < 1e-6) return fmt.pow10(e);
    /* a range of under two decades: label 2x and 5x too, as plain numbers */
    const narrow = this && this.max / this.min < 100;
    const m = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    return narrow && (Math.abs(m - 2) < 1e-6 || Math.abs(m - 5) < 1e-6) ? fmt.number(value) : '';
  };
}

/**
 * A log axis's range widened to hold two powers of ten (one labelled tick
 * each), or null when [min, max] already holds two: below a power of ten the
 * range reaches down to the next one, or up to the next one above, whichever
 * is nearer (in decades); with no power of ten inside, both ways.
 * @param {number} min @param {number} max @returns {[number, number] | null}
 */
export function decadeRange(min, max) {
  if (!(min > 0 && max >= min && Number.isFinite(max))) return null;
  const a = Math.log10(min), b = Math.log10(max), eps = 1e-9;
  const lo = Math.ceil(a - eps), hi = Math.floor(b + eps);
  if (hi - lo >= 1) return null;
  if (hi === lo) {
    /* one power of ten inside (10^lo): the nearer of 10^(lo-1) below and 10^(lo+1) above */
    return a - (lo - 1) <= (lo + 1) - b ? [Math.pow(10, lo - 1), max] : [min, Math.pow(10, lo + 1)];
  }
  /* none inside: the powers of ten on either side */
  return [Math.pow(10, hi), Math.pow(10, lo)];
}

/** Chart.js options of one axis. @param {AxisSpec} axis @param {TickFormat} fmt @param {string} position @returns {any} */
export function axisOptions(axis, fmt, position) {
  const type = axis.type || 'linear';
  /** @type {any} */
  const o = {
    type,
    position,
    title: { display: !!axis.title, text: axis.title || '' },
    grid: { color: axis.grid === false ? 'transparent' : '#e6e6e6', drawOnChartArea: axis.grid !== false },
    ticks: { maxRotation: 0, autoSkipPadding: 8 },
  };
  if (axis.display === false) o.display = false;
  if (axis.includeBounds === false) o.ticks.includeBounds = false;
  if (axis.min !== undefined) o.min = axis.min;
  if (axis.max !== undefined) o.max = axis.max;
  if (type === 'logarithmic') {
    o.ticks.callback = logTick(fmt);
    /* a range that holds fewer than two powers of ten (e.g. every value between 2e-4 and 8e-4)
       had no labelled tick at all: widen it to the nearest powers of ten, by the smaller step */
    o.afterDataLimits = (/** @type {any} */ scale) => {
      const range = decadeRange(scale.min, scale.max);
      if (range) [scale.min, scale.max] = range;
    };
    /* one tick every k-th power of ten, k chosen so about 8 labels fit */
    o.afterBuildTicks = (/** @type {any} */ scale) => {
      if (!(scale.min > 0 && scale.max > scale.min)) return;
      const lo = Math.ceil(Math.log10(scale.min) - 1e-9), hi = Math.floor(Math.log10(scale.max) + 1e-9);
      if (hi < lo) return;
      const k = Math.max(1, Math.ceil((hi - lo + 1) / (axis.maxTicks || 8)));
      const ticks = [];
      for (let e = Math.floor(hi / k) * k; e >= lo; e -= k) ticks.unshift({ value: Math.pow(10, e) });
      if (ticks.length >= 2) scale.ticks = ticks;
    };
  }
  /* a linear axis of log10 values (the engine's *_log10 numbers): an integer tick e reads 10^e */
  else if (axis.pow10) {
    o.ticks.precision = 0;
    o.ticks.callback = (/** @type {number} */ v) => (Number.isInteger(v) ? fmt.pow10(v) : '');
  }
  else if (axis.percent) o.ticks.callback = (/** @type {number} */ v) => fmt.percent(v);
  else if (axis.integer) {
    o.ticks.precision = 0;
    o.ticks.callback = (/** @type {number} */ v) => (Number.isInteger(v) ? fmt.number(v) : '');
  } else o.ticks.callback = (/** @type {number} */ v) => fmt.number(v);
  return o;
}

/* Paints the canvas white under the chart, so an exported PNG is readable. */
export const whiteBackground = {
  id: 'glWhite',
  beforeDraw(/** @type {any} */ chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/* The marker: a translucent band with a label (Okabe–Ito orange, like the focus ring). */
export const MARK = { fill: 'rgba(230, 159, 0, 0.22)', edge: '#b36b00', text: '#ffffff', box: '#8a4f00' };

/** @param {CanvasRenderingContext2D} ctx @param {any} chart @param {string} text @param {number} cx @param {number} top */
export function markerLabel(ctx, chart, text, cx, top) {
  const a = chart.chartArea;
  ctx.font = `bold 12px ${Chart.defaults.font.family}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  const w = ctx.measureText(text).width + 12, h = 18;
  const x = Math.min(Math.max(cx - w / 2, a.left + 2), a.right - w - 2);
  ctx.fillStyle = MARK.box;
  ctx.fillRect(x, top, w, h);
  ctx.fillStyle = MARK.text;
  ctx.fillText(text, x + w / 2, top + h / 2 + 1);
}

/* get() -> [{x, label, half?, row?}]: per marker a band at x (one unit wide, at least 12 px) and
   its label at the top (row k: k label heights lower, so that two markers close together both read) */
/** A Chart.js plugin drawing the markers get() returns. @param {() => Array<{x: number, label?: string, half?: number, row?: number}>} get */
export function columnMarker(get) {
  return {
    id: 'glMarker',
    beforeDatasetsDraw(/** @type {any} */ chart) {
      if (!chart.scales.x) return;
      const a = chart.chartArea, sx = chart.scales.x;
      for (const m of get()) {
        const cx = sx.getPixelForValue(m.x);
        if (!(cx >= a.left - 1 && cx <= a.right + 1)) continue;
        /* half a column (a layer) unless the marker says how wide, in x units (0: a thin band) */
        const half = Math.max(6, Math.abs(sx.getPixelForValue(m.x + (m.half === undefined ? 0.5 : m.half)) - cx));
        const ctx = chart.ctx;
        ctx.save();
        ctx.fillStyle = MARK.fill;
        const x0 = Math.max(a.left, cx - half), x1 = Math.min(a.right, cx + half);
        ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
        ctx.strokeStyle = MARK.edge;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([4, 3]);
        ctx.strokeRect(x0, a.top, x1 - x0, a.bottom - a.top);
        ctx.restore();
      }
    },
    afterDatasetsDraw(/** @type {any} */ chart) {
      if (!chart.scales.x) return;
      const a = chart.chartArea;
      for (const m of get()) {
        if (!m.label) continue;
        const cx = chart.scales.x.getPixelForValue(m.x);
        if (!(cx >= a.left - 1 && cx <= a.right + 1)) continue;
        chart.ctx.save();
        markerLabel(chart.ctx, chart, m.label, cx, a.top + 4 + 22 * (m.row || 0));
        chart.ctx.restore();
      }
    },
  };
}

/** The labels of the ticks Chart.js drew on one axis (none: []). @param {any} chart @param {string} axis @returns {string[]} */
export function ticksOf(chart, axis) {
  const scale = chart.scales[axis];
  return scale ? scale.ticks.map((/** @type {any} */ t) => (Array.isArray(t.label) ? t.label.join(' ') : String(t.label ?? ''))) : [];
}

/**
 * What every wrapper hands out of its Chart.js object, so that no caller
 * touches Chart.js: the tick labels drawn, the chart as a PNG, destroy.
 * @param {any} chart
 */
export function chartMethods(chart) {
  return {
    /** the tick labels Chart.js drew on one axis ('x', 'y', 'y2') @param {string} axis @returns {string[]} */
    ticks: (axis) => ticksOf(chart, axis),
    /** the chart as a PNG (a data: URL) with a title @param {string} title */
    png: (title) => pngOf(chart, title),
    /** frees the canvas for another chart (the wrapper is dead afterwards) */
    destroy: () => chart.destroy(),
    /** where data coordinates (x, y) are on the canvas, in CSS pixels (the tests click there) @param {number} x @param {number} y */
    pixel: (x, y) => ({ x: chart.scales.x.getPixelForValue(x), y: chart.scales.y.getPixelForValue(y) }),
  };
}

/* The time cursor: a vertical line at x (a step) across the plot, a small triangle on top. */
export const CURSOR_COLOR = '#1d2126';
/**
 * A vertical line across the plot at pixel cx, in `color` (dashed when `dash`
 * is given) over a white halo, so it reads over any colour under it: the time
 * cursor's and a change of course's.
 * @param {CanvasRenderingContext2D} ctx @param {number} cx
 * @param {{top: number, bottom: number}} a the chart area @param {string} color @param {number[]} [dash]
 */
function haloLine(ctx, cx, a, color, dash = []) {
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 4;
  ctx.beginPath();
  ctx.moveTo(cx, a.top);
  ctx.lineTo(cx, a.bottom);
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash(dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** A Chart.js plugin drawing a vertical line at the x get() returns (a number, or null: none). @param {() => number | null} get */
export function cursorLine(get) {
  return {
    id: 'glCursor',
    afterDatasetsDraw(/** @type {any} */ chart) {
      const x = get();
      if (x === null || !chart.scales.x) return;
      const a = chart.chartArea;
      const cx = chart.scales.x.getPixelForValue(x);
      if (!(cx >= a.left - 0.5 && cx <= a.right + 0.5)) return;
      const ctx = chart.ctx;
      ctx.save();
      haloLine(ctx, cx, a, CURSOR_COLOR);
      ctx.fillStyle = CURSOR_COLOR;
      ctx.beginPath();
      ctx.moveTo(cx - 6, a.top);
      ctx.lineTo(cx + 6, a.top);
      ctx.lineTo(cx, a.top + 8);
      ctx.closePath();
      ctx.fill();
      ctx.restore();
    },
  };
}

/* Shaded ranges of x (e.g. where the activation's slope is small): get() -> [{lo, hi}], null for
   the axis's end; hatched grey, readable on white and on every viridis colour.  over: drawn over
   the datasets (a heatmap paints its image below them) rather than under. */
/** @param {() => Array<{lo: number | null, hi: number | null}>} get @param {{over?: boolean}} [options] */
export function xBands(get, { over = false } = {}) {
  /** @param {any} chart */
  const paint = (chart) => {
    if (!chart.scales.x) return;
    const a = chart.chartArea, sx = chart.scales.x, ctx = chart.ctx;
    for (const b of get()) {
      const x0 = Math.max(a.left, b.lo === null ? a.left : sx.getPixelForValue(b.lo));
      const x1 = Math.min(a.right, b.hi === null ? a.right : sx.getPixelForValue(b.hi));
      if (!(x1 > x0)) continue;
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, a.top, x1 - x0, a.bottom - a.top);
      ctx.clip();
      ctx.fillStyle = over ? 'rgba(255, 255, 255, 0.28)' : 'rgba(110, 110, 110, 0.13)';
      ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
      ctx.strokeStyle = over ? 'rgba(255, 255, 255, 0.55)' : 'rgba(90, 90, 90, 0.35)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let x = x0 - (a.bottom - a.top); x < x1; x += 9) {
        ctx.moveTo(x, a.bottom);
        ctx.lineTo(x + (a.bottom - a.top), a.top);
      }
      ctx.stroke();
      ctx.restore();
    }
  };
  return over ? { id: 'glBands', afterDatasetsDraw: paint } : { id: 'glBands', beforeDatasetsDraw: paint };
}

/** The data coordinates under a mouse event, or null outside the plot. @param {any} chart @param {MouseEvent} ev */
export function valueAt(chart, ev) {
  const r = chart.canvas.getBoundingClientRect();
  const px = ev.clientX - r.left, py = ev.clientY - r.top, a = chart.chartArea;
  if (!a || px < a.left || px > a.right || py < a.top || py > a.bottom) return null;
  return { x: chart.scales.x.getValueForPixel(px), y: chart.scales.y.getValueForPixel(py) };
}

/* Events on the step axis (a run's changes of course): a dashed line at x and a label at the top. */
export const EVENT_COLOR = '#6a3d9a';
/**
 * A Chart.js plugin drawing a dashed vertical line at each x get() returns, with its label in
 * a small box at the top of the plot (beside the line, inside the plot; a label that would
 * overlap the one before goes a row lower).
 * @param {() => Array<{x: number, label: string}>} get @param {() => boolean} [rtl] the labels' text runs right to left
 */
export function eventLines(get, rtl) {
  return {
    id: 'glEvents',
    afterDatasetsDraw(/** @type {any} */ chart) {
      const list = get();
      if (!list.length || !chart.scales.x) return;
      const a = chart.chartArea, ctx = chart.ctx;
      /** @type {Array<{x0: number, x1: number, row: number}>} */
      const placed = [];
      for (const e of list) {
        const cx = chart.scales.x.getPixelForValue(e.x);
        if (!(cx >= a.left - 0.5 && cx <= a.right + 0.5)) continue;
        ctx.save();
        haloLine(ctx, cx, a, EVENT_COLOR, [6, 4]);
        if (e.label) {
          ctx.font = `bold 11px ${Chart.defaults.font.family}`;
          ctx.direction = rtl && rtl() ? 'rtl' : 'ltr';
          ctx.textBaseline = 'middle';
          ctx.textAlign = 'left';
          const w = Math.min(ctx.measureText(e.label).width + 10, a.right - a.left - 4), h = 16;
          let x0 = cx + 4 + w <= a.right ? cx + 4 : Math.max(a.left + 2, cx - 4 - w);
          let row = 0;
          while (placed.some((p) => p.row === row && x0 < p.x1 + 2 && x0 + w > p.x0 - 2)) row++;
          placed.push({ x0, x1: x0 + w, row });
          const y0 = a.top + 12 + row * (h + 3);
          ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
          ctx.fillRect(x0, y0, w, h);
          ctx.strokeStyle = EVENT_COLOR;
          ctx.lineWidth = 1;
          ctx.strokeRect(x0 + 0.5, y0 + 0.5, w - 1, h - 1);
          ctx.fillStyle = EVENT_COLOR;
          ctx.textAlign = ctx.direction === 'rtl' ? 'right' : 'left';
          ctx.fillText(e.label, ctx.direction === 'rtl' ? x0 + w - 5 : x0 + 5, y0 + h / 2 + 1, w - 10);
        }
        ctx.restore();
      }
    },
  };
}

/** @param {any} chart @param {string} title @returns {string} a data: URL */
export function pngOf(chart, title) {
  const t = chart.options.plugins.title;
  const was = { display: t.display, text: t.text };
  /* a chart whose legend is HTML (htmlLegend) draws Chart.js's into its PNG */
  const legend = chart.options.plugins.legend;
  const legendWas = legend.display;
  if (HTML_LEGEND.has(chart)) legend.display = true;
  t.display = true;
  t.text = title || '';
  chart.update('none');
  const url = chart.canvas.toDataURL('image/png');
  t.display = was.display;
  t.text = was.text;
  legend.display = legendWas;
  chart.update('none');
  return url;
}

/** the charts whose legend is HTML (htmlLegend) */
const HTML_LEGEND = new WeakSet();

/**
 * The legend as HTML above the chart's box: a list of buttons, one per
 * series in the legend, each with the series' marker (drawn by Chart.js's own
 * legend helper) and its label, which shows or hides the series
 * (aria-pressed).  Chart.js's legend, drawn in the canvas, cut a long label
 * off on a narrow screen ("theory for plain (mean field: ×√chi per la");
 * the list wraps.  Chart.js's legend is then hidden but still decides the
 * items (its labels' filter) and is drawn into a PNG (pngOf).  Returns the
 * Chart.js plugin that keeps the list in step with the chart.
 * @param {HTMLCanvasElement} canvas
 */
export function htmlLegend(canvas) {
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  const box = canvas.parentElement;
  (box && box.classList.contains('chart-box') ? box : canvas).before(list);
  let key = '';
  return {
    id: 'glHtmlLegend',
    /** @param {any} chart */
    beforeInit(chart) {
      HTML_LEGEND.add(chart);
    },
    /** @param {any} chart */
    afterUpdate(chart) {
      const opts = chart.options.plugins.legend;
      if (opts.display) return; /* a PNG is being drawn */
      const labels = opts.labels;
      const make = labels.generateLabels || Chart.defaults.plugins.legend.labels.generateLabels;
      let items = make(chart);
      if (labels.filter) items = items.filter((/** @type {any} */ it) => labels.filter(it, chart.data));
      const k = JSON.stringify([items.map((/** @type {any} */ it) => [it.text, it.hidden, it.fillStyle, it.strokeStyle, it.pointStyle, it.lineDash, it.lineWidth, it.datasetIndex]), opts.rtl, labels.pointStyleWidth]);
      if (k === key) return;
      key = k;
      list.textContent = '';
      for (const it of items) {
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('aria-pressed', String(!it.hidden));
        b.append(marker(it, labels));
        const text = document.createElement('span');
        text.className = 'legend-text';
        text.textContent = it.text;
        b.append(text);
        b.addEventListener('click', () => {
          chart.setDatasetVisibility(it.datasetIndex, !chart.isDatasetVisible(it.datasetIndex));
          chart.update();
        });
        const li = document.createElement('li');
        li.append(b);
        list.append(li);
      }
    },
    /** @param {any} chart */
    afterDestroy(chart) {
      HTML_LEGEND.delete(chart);
      list.remove();
    },
  };
}

/** one legend item's marker, as Chart.js's legend draws it, on a small canvas @param {any} it @param {any} labels */
function marker(it, labels) {
  const w = labels.pointStyleWidth || 12, h = 12, ratio = window.devicePixelRatio || 1;
  const c = document.createElement('canvas');
  c.width = Math.ceil((w + 4) * ratio);
  c.height = Math.ceil((h + 4) * ratio);
  c.style.width = `${w + 4}px`;
  c.style.height = `${h + 4}px`;
  c.setAttribute('aria-hidden', 'true');
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = it.fillStyle;
  ctx.strokeStyle = it.strokeStyle;
  ctx.lineWidth = it.lineWidth === undefined ? 1 : it.lineWidth;
  ctx.setLineDash(it.lineDash || []);
  const box = labels.boxHeight || 8;
  const draw = Chart.helpers && (Chart.helpers.drawPointLegend || Chart.helpers.drawPoint);
  if (draw) draw(ctx, { radius: box * Math.SQRT2 / 2, pointStyle: it.pointStyle, rotation: it.rotation, borderWidth: ctx.lineWidth }, (w + 4) / 2, (h + 4) / 2, labels.pointStyleWidth && w);
  return c;
}

/** @param {{padding?: number, legend?: boolean, legendLines?: boolean, [k: string]: any}} spec @returns {any} */
export function baseOptions(spec) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    layout: { padding: spec.padding || 4 },
    plugins: {
      title: { display: false, text: '' },
      legend: { display: spec.legend !== false, position: 'top', labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8, pointStyleWidth: spec.legendLines ? 28 : undefined } },
      tooltip: { enabled: true },
    },
  };
}

/* Downsamples a series in place to at most max points: every other point goes, the last stays. */
/** @param {any[]} data @param {number} max */
export function thin(data, max) {
  if (data.length <= max) return;
  const last = data[data.length - 1];
  let w = 0;
  for (let i = 0; i < data.length; i += 2) data[w++] = data[i];
  data.length = w;
  if (data[w - 1] !== last) data.push(last);
}

/* ------------------------------------------------------------------ line */
/* Page-wide defaults: font and colours of text. */
/** @param {{fontFamily?: string, color?: string}} [options] */
export function setup({ fontFamily, color } = {}) {
  if (fontFamily) Chart.defaults.font.family = fontFamily;
  Chart.defaults.font.size = 12;
  if (color) Chart.defaults.color = color;
}
