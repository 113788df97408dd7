// @ts-check
/*
 * chart-heatmap.js - heatmap(canvas, spec): a rows x columns grid of values
 * coloured by viridis, with a colour bar, one column added per step
 * (addColumn), and a marker on one row (setMarker).
 */
import { Chart } from '../vendor.js';
import { defaultFormat, axisOptions, whiteBackground, baseOptions, thin, markerLabel, MARK, cursorLine, eventLines, chartMethods } from './chart-common.js';
/* viridis (perceptually uniform, colour-blind safe), 10 anchors from 0 to 1 */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725']
  .map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));

/** @param {number} t in [0, 1] @returns {number[]} r, g, b */
export function viridis(t) {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** @param {string} hex '#rrggbb' @returns {number[]} r, g, b */
export function hexRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/* --------------------------------------------------------------- heatmap */
/*
 * spec: { x: {title}, y: {title}, colorbar: {title}, nullColor, nullLabel, format, maxColumns }
 * Rows are numbered 1..rows from the bottom; a column is {x, values[rows]};
 * a null value is drawn in nullColor (explained above the chart).
 */
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{x: import('./chart-common.js').AxisSpec, y: import('./chart-common.js').AxisSpec, colorbar: {title: string},
 *          nullColor?: string, nullLabel?: string, format?: Partial<import('./chart-common.js').TickFormat>, maxColumns?: number}} spec
 */
export function heatmap(canvas, spec) {
  let fmt = Object.assign({}, defaultFormat, spec.format);
  const maxColumns = spec.maxColumns || 400;
  const nullRgb = hexRgb(spec.nullColor || '#c8c8c8');
  /** @type {{rows: number, columns: Array<{x: number, values: Float64Array}>, vmin: number, vmax: number, dirty: boolean, colorbarTitle: string, nullLabel: string, marker: any, cursor: number | null, events: Array<{x: number, label: string}>, rtl: boolean}} */
  const st = { rows: 1, columns: [], vmin: 0, vmax: 1, dirty: true, colorbarTitle: spec.colorbar.title, nullLabel: spec.nullLabel || '', marker: null, cursor: null, events: [], rtl: false };
  const off = document.createElement('canvas');

  function paint() {
    const n = st.columns.length, rows = st.rows;
    off.width = Math.max(1, n);
    off.height = Math.max(1, rows);
    if (!n) return;
    const octx = /** @type {CanvasRenderingContext2D} */ (off.getContext('2d'));
    const img = octx.createImageData(n, rows);
    const span = st.vmax - st.vmin || 1;
    for (let c = 0; c < n; c++) {
      const v = st.columns[c].values;
      for (let r = 0; r < rows; r++) {
        const val = v[r];
        const rgb = Number.isFinite(val) ? viridis((val - st.vmin) / span) : nullRgb;
        const at = ((rows - 1 - r) * n + c) * 4; /* row 1 at the bottom */
        img.data[at] = rgb[0];
        img.data[at + 1] = rgb[1];
        img.data[at + 2] = rgb[2];
        img.data[at + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
  }

  const draw = {
    id: 'glHeat',
    beforeDatasetsDraw(/** @type {any} */ chart) {
      if (!st.columns.length) return;
      if (st.dirty) {
        paint();
        st.dirty = false;
      }
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(off, a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.restore();
    },
    /* the marker: an outlined band around one row (white and dark, visible on every viridis colour) */
    afterDatasetsDraw(/** @type {any} */ chart) {
      const m = st.marker;
      if (!m || m.row < 1 || m.row > st.rows) return;
      const { ctx, chartArea: a } = chart;
      const sy = chart.scales.y;
      const y0 = sy.getPixelForValue(m.row + 0.5), y1 = sy.getPixelForValue(m.row - 0.5);
      const top = Math.max(a.top, Math.min(y0, y1)), h = Math.max(4, Math.abs(y1 - y0));
      ctx.save();
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(a.left + 1, top - 1, a.right - a.left - 2, h + 2);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = MARK.box;
      ctx.setLineDash([5, 3]);
      ctx.strokeRect(a.left + 1, top - 1, a.right - a.left - 2, h + 2);
      ctx.setLineDash([]);
      if (m.label) {
        /* above the band, or below it when the band is at the top */
        const labelTop = top - 24 >= a.top ? top - 24 : top + h + 4;
        markerLabel(ctx, chart, m.label, a.left + (a.right - a.left) / 2, labelTop);
      }
      ctx.restore();
    },
    afterDraw(/** @type {any} */ chart) {
      const { ctx, chartArea: a } = chart;
      const x = a.right + 14, w = 12, top = a.top, h = a.bottom - a.top;
      ctx.save();
      for (let i = 0; i < h; i++) {
        const rgb = viridis(1 - i / Math.max(1, h - 1));
        ctx.fillStyle = `rgb(${rgb[0] | 0},${rgb[1] | 0},${rgb[2] | 0})`;
        ctx.fillRect(x, top + i, w, 1);
      }
      ctx.strokeStyle = '#555';
      ctx.strokeRect(x, top, w, h);
      ctx.fillStyle = '#333';
      ctx.font = `11px ${Chart.defaults.font.family}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      const lo = Math.ceil(st.vmin), hi = Math.floor(st.vmax);
      const stepTick = Math.max(1, Math.ceil((hi - lo) / 6));
      for (let v = lo; v <= hi; v += stepTick) {
        const y = top + h * (1 - (v - st.vmin) / (st.vmax - st.vmin || 1));
        ctx.fillRect(x + w, y, 3, 1);
        ctx.fillText(fmt.number(v), x + w + 5, y);
      }
      /* colour bar title, rotated, at the right edge */
      ctx.translate(chart.width - 6, top + h / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText(st.colorbarTitle, 0, 0);
      ctx.restore();
      /* the null colour's meaning, above the plot */
      if (st.nullLabel) {
        ctx.save();
        ctx.font = `11px ${Chart.defaults.font.family}`;
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'right';
        const tw = ctx.measureText(st.nullLabel).width;
        ctx.fillStyle = '#333';
        ctx.fillText(st.nullLabel, a.right, a.top - 9);
        ctx.fillStyle = `rgb(${nullRgb.join(',')})`;
        ctx.fillRect(a.right - tw - 16, a.top - 14, 11, 11);
        ctx.strokeStyle = '#555';
        ctx.strokeRect(a.right - tw - 16, a.top - 14, 11, 11);
        ctx.restore();
      }
    },
  };

  const options = baseOptions(Object.assign({ legend: false }, spec));
  options.layout.padding = { top: 20, right: 78, left: 4, bottom: 4 };
  options.scales = {
    x: axisOptions(Object.assign({ grid: false, includeBounds: false }, spec.x), fmt, 'bottom'),
    y: axisOptions(Object.assign({ grid: false, integer: true, includeBounds: false, min: 0.5, max: 1.5 }, spec.y), fmt, 'left'),
  };
  const inColumns = (/** @type {number} */ v) => st.columns.length && v >= st.columns[0].x && v <= st.columns[st.columns.length - 1].x;
  options.scales.x.ticks.callback = (/** @type {number} */ v) => (inColumns(v) && Number.isInteger(v) ? fmt.number(v) : '');
  options.plugins.tooltip.enabled = false;
  const chart = new Chart(canvas, { type: 'scatter', data: { datasets: [{ data: [] }] }, options, plugins: [whiteBackground, draw, eventLines(() => st.events, () => st.rtl), cursorLine(() => st.cursor)] });

  function updateScales() {
    const n = st.columns.length;
    const xs = chart.options.scales.x;
    if (n === 0) {
      xs.min = 0;
      xs.max = 1;
    } else {
      const first = st.columns[0].x, last = st.columns[n - 1].x;
      const dx = n > 1 ? (last - first) / (n - 1) : 1;
      xs.min = first - dx / 2;
      xs.max = last + dx / 2;
    }
    chart.options.scales.y.min = 0.5;
    chart.options.scales.y.max = st.rows + 0.5;
  }

  return {
    ...chartMethods(chart),
    /* {row, label} outlines one row (e.g. layer 1); null removes it */
    /** @param {any} m */
    setMarker(m) {
      st.marker = m && Number.isFinite(m.row) ? { row: m.row, label: m.label || '' } : null;
    },
    marker() {
      return st.marker ? Object.assign({}, st.marker) : null;
    },
    /** a vertical line at column x (the time cursor's step); null removes it @param {number | null} x */
    setCursor(x) {
      st.cursor = typeof x === 'number' && Number.isFinite(x) ? x : null;
    },
    /** the time cursor's x, or null */
    cursor: () => st.cursor,
    /** events on the step axis, each a dashed line with its label (a run's changes of course) @param {Array<{x: number, label: string}>} list */
    setEvents(list) {
      st.events = list.filter((e) => Number.isFinite(e.x)).map((e) => ({ x: e.x, label: e.label || '' }));
    },
    /** the events drawn (copies) */
    events: () => st.events.map((e) => ({ ...e })),
    /** where the cell of a row (layer) at column x (a step) is on the canvas (CSS pixels), or null @param {number} row @param {number} x */
    pixelOf(row, x) {
      if (!chart.chartArea || row < 1 || row > st.rows) return null;
      return { x: chart.scales.x.getPixelForValue(x), y: chart.scales.y.getPixelForValue(row) };
    },
    /**
     * The layer (row) and step (column) under a point of the canvas (CSS pixels from its
     * top left), or null outside the plot: a click picks a layer.
     * @param {number} px @param {number} py @returns {{row: number, x: number} | null}
     */
    pick(px, py) {
      const a = chart.chartArea;
      if (!a || px < a.left || px > a.right || py < a.top || py > a.bottom) return null;
      const row = Math.round(chart.scales.y.getValueForPixel(py));
      return row >= 1 && row <= st.rows ? { row, x: chart.scales.x.getValueForPixel(px) } : null;
    },
    /** @param {number} rows */
    reset(rows) {
      st.rows = Math.max(1, rows);
      st.columns = [];
      st.dirty = true;
    },
    /* values: rows numbers (row 1 first); null / non-finite -> the null colour */
    /** @param {number} x @param {ArrayLike<number | null>} values one per row, null a gap */
    addColumn(x, values) {
      const last = st.columns[st.columns.length - 1];
      if (last && last.x === x) st.columns.pop(); /* same x: the newer column replaces it */
      st.columns.push({ x, values: Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : v)) });
      if (st.columns.length > maxColumns) thin(st.columns, maxColumns);
      st.dirty = true;
    },
    dataRange() {
      let lo = Infinity, hi = -Infinity;
      for (const c of st.columns) for (const v of c.values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
      return lo <= hi ? { min: lo, max: hi } : null;
    },
    /** @param {number} vmin @param {number} vmax */
    setRange(vmin, vmax) {
      if (!(Number.isFinite(vmin) && Number.isFinite(vmax))) return;
      if (vmin === st.vmin && vmax === st.vmax) return;
      st.vmin = vmin;
      st.vmax = vmax > vmin ? vmax : vmin + 1;
      st.dirty = true;
    },
    /** @param {any} texts */
    setTexts(texts) {
      if (texts.x !== undefined) chart.options.scales.x.title.text = texts.x;
      if (texts.y !== undefined) chart.options.scales.y.title.text = texts.y;
      if (texts.colorbar !== undefined) st.colorbarTitle = texts.colorbar;
      if (texts.nullLabel !== undefined) st.nullLabel = texts.nullLabel;
    },
    /** @param {Partial<import('./chart-common.js').TickFormat>} format @param {boolean} [rtl] */
    setFormat(format, rtl) {
      fmt = Object.assign({}, defaultFormat, format);
      st.rtl = !!rtl;
      chart.options.scales.x.ticks.callback = (/** @type {number} */ v) => (inColumns(v) && Number.isInteger(v) ? fmt.number(v) : '');
      chart.options.scales.y.ticks.callback = (/** @type {number} */ v) => (Number.isInteger(v) ? fmt.number(v) : '');
    },
    render() {
      updateScales();
      chart.update('none');
    },
    snapshot() {
      return { rows: st.rows, vmin: st.vmin, vmax: st.vmax, cursor: st.cursor, columns: st.columns.map((c) => ({ x: c.x, values: Array.from(c.values, (/** @type {number} */ v) => (Number.isFinite(v) ? v : null)) })) };
    },
  };
}

/* ----------------------------------------------------------------- field */
/*
 * spec: { x: {title}, y: {title}, classColors: ['#rrggbb', ...], classLabel: (c) -> text, format }
 * setProbabilities(nx, ny, classes, grid): grid[(iy*nx + ix)*classes + c], row iy = 0 at y0.
 */
