// @ts-check
/*
 * chart-heatmap.js - heatmap(canvas, spec): a rows x columns grid of values
 * coloured by viridis, with a colour bar, one column added per step
 * (addColumn), and a marker on one row (setMarker).  A grid of categories
 * (a plane of two swept settings) is set whole (setGrid) with a label per
 * column and row (setLabels); lines drawn over it (setOverlays) get a
 * legend, a cell can be outlined (setFocus), clicked (onCell) and found by
 * its pixels (cellAt, cellCenter).
 */
import { Chart } from '../vendor.js';
import { defaultFormat, axisOptions, whiteBackground, baseOptions, thin, markerLabel, MARK, cursorLine, eventLines, chartMethods, xBands, valueAt } from './chart-common.js';
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

/**
 * The colour of a value on a heatmap's scale [vmin, vmax] (viridis; a value
 * outside it takes the end's colour): what paint() fills a cell with, and
 * what a view that colours the same numbers the same way (the network
 * diagram) calls.  null for a value that is not finite (the null colour's).
 * @param {number | null} value @param {number} vmin @param {number} vmax
 * @returns {number[] | null} r, g, b
 */
export function heatColor(value, vmin, vmax) {
  if (value === null || !Number.isFinite(value)) return null;
  return viridis((value - vmin) / (vmax - vmin || 1));
}

/** '#rrggbb' of r, g, b (0..255, rounded) @param {number[]} rgb */
export function rgbHex(rgb) {
  return '#' + rgb.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('');
}

/** @param {string} hex '#rrggbb' @returns {number[]} r, g, b */
export function hexRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/**
 * The ticks of a colour bar over [lo, hi]: 'integer' (every whole number,
 * thinned to about six), 'pow10' (the same, read as powers of ten),
 * 'percent' (tenths, fifths or quarters) and 'number' (1, 2 or 5 times a
 * power of ten): values inside the range, at most about seven.
 * @param {number} lo @param {number} hi @param {'integer' | 'pow10' | 'percent' | 'number'} kind
 * @returns {number[]}
 */
export function colorbarTicks(lo, hi, kind) {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  let step;
  if (kind === 'integer' || kind === 'pow10') step = Math.max(1, Math.ceil((Math.floor(hi) - Math.ceil(lo)) / 6));
  else {
    const raw = (hi - lo) / 6, p = Math.pow(10, Math.floor(Math.log10(raw)));
    step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw - 1e-12) || 10 * p;
  }
  const out = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * A legend's picture of an overlay (a canvas, 30 x 12): its line (dash,
 * width) on a white halo, with its point marker, or a filled square (a
 * colour's meaning, e.g. the null colour).  The caller puts it beside the
 * overlay's words (an HTML legend, a PNG).
 * @param {{color: string, dash?: number[], width?: number, marker?: string, square?: boolean}} o
 */
export function overlaySwatch(o) {
  const c = document.createElement('canvas');
  c.width = 30;
  c.height = 12;
  const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
  if (o.square) {
    ctx.fillStyle = o.color;
    ctx.fillRect(9, 0.5, 11, 11);
    ctx.strokeStyle = '#555';
    ctx.strokeRect(9.5, 0.5, 11, 11);
    return c;
  }
  ctx.lineCap = 'butt';
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = (o.width || 2) + 3;
  ctx.beginPath();
  ctx.moveTo(1, 6);
  ctx.lineTo(29, 6);
  ctx.stroke();
  ctx.strokeStyle = o.color;
  ctx.lineWidth = o.width || 2;
  ctx.setLineDash(o.dash || []);
  ctx.stroke();
  if (o.marker) {
    ctx.setLineDash([]);
    ctx.fillStyle = o.color;
    ctx.beginPath();
    ctx.moveTo(15, 1.5);
    ctx.lineTo(19.5, 6);
    ctx.lineTo(15, 10.5);
    ctx.lineTo(10.5, 6);
    ctx.closePath();
    ctx.fill();
  }
  return c;
}

/* --------------------------------------------------------------- heatmap */
/*
 * spec: { x: {title}, y: {title}, colorbar: {title, ticks}, nullColor, nullLabel, format, maxColumns }
 * Rows are numbered 1..rows from the bottom; a column is {x, values[rows]};
 * a null value is drawn in nullColor (explained above the chart when
 * nullLabel is given).  Overlays have no legend of their own: the caller
 * says what they are (overlaySwatch draws each one's picture).
 */
/**
 * A line over the grid, in cell units (column i at x = i, row j at y = j,
 * both from 1), with a white halo so that it reads on every colour.
 * @typedef {{id: string, label?: string, color: string, dash?: number[], width?: number, marker?: string,
 *            points: Array<{x: number, y: number}>}} Overlay
 */
/** the columns a heatmap keeps unless its spec says (addColumn thins them to this many) */
export const MAX_COLUMNS = 400;

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{x: import('./chart-common.js').AxisSpec, y: import('./chart-common.js').AxisSpec,
 *          colorbar: {title: string, ticks?: 'integer' | 'pow10' | 'percent' | 'number'},
 *          nullColor?: string, nullLabel?: string, format?: Partial<import('./chart-common.js').TickFormat>, maxColumns?: number}} spec
 */
export function heatmap(canvas, spec) {
  let fmt = Object.assign({}, defaultFormat, spec.format);
  const maxColumns = spec.maxColumns || MAX_COLUMNS;
  const nullRgb = hexRgb(spec.nullColor || '#c8c8c8');
  /**
   * @type {{rows: number, columns: Array<{x: number, values: Float64Array}>, vmin: number, vmax: number, dirty: boolean, colorbarTitle: string,
   *         nullLabel: string, marker: any, cursor: number | null, ticks: 'integer' | 'pow10' | 'percent' | 'number',
   *         labels: {x: Array<string | string[]> | null, y: Array<string | string[]> | null}, overlays: Overlay[],
   *         focus: {column: number, row: number} | null, onCell: ((cell: {column: number, row: number}) => void) | null,
   *         onHover: ((cell: {column: number, row: number} | null) => void) | null,
   *         events: Array<{x: number, label: string}>, rtl: boolean}}
   */
  const st = {
    rows: 1, columns: [], vmin: 0, vmax: 1, dirty: true, colorbarTitle: spec.colorbar.title, nullLabel: spec.nullLabel || '', marker: null, cursor: null,
    ticks: spec.colorbar.ticks || 'integer', labels: { x: null, y: null }, overlays: [], focus: null, onCell: null, onHover: null, events: [], rtl: false,
  };
  /** @type {Array<{lo: number | null, hi: number | null}>} shaded x ranges (setBands) */
  let bands = [];
  /** @type {number | null} a row outlined in solid dark (a selected layer) */
  let selectedRow = null;
  /** @type {Array<{id: string, points: Array<{x: number, y: number}>, color: string, dash?: number[]}>} curves over the image, y in [0, 1] of the plot's height */
  let curves = [];
  const over = {
    id: 'glHeatOver',
    afterDatasetsDraw(/** @type {any} */ chart) {
      const { ctx, chartArea: a } = chart;
      const sx = chart.scales.x, sy = chart.scales.y;
      for (const c of curves) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
        ctx.clip();
        ctx.beginPath();
        c.points.forEach((p, i) => {
          const x = sx.getPixelForValue(p.x), y = a.bottom - p.y * (a.bottom - a.top);
          if (i) ctx.lineTo(x, y);
          else ctx.moveTo(x, y);
        });
        ctx.lineWidth = 4;
        ctx.strokeStyle = '#ffffff';
        ctx.setLineDash(c.dash || []);
        ctx.stroke();
        ctx.lineWidth = 2;
        ctx.strokeStyle = c.color;
        ctx.stroke();
        ctx.restore();
      }
      if (selectedRow !== null && selectedRow >= 1 && selectedRow <= st.rows) {
        const y0 = sy.getPixelForValue(selectedRow + 0.5), y1 = sy.getPixelForValue(selectedRow - 0.5);
        const top = Math.min(y0, y1), h = Math.max(3, Math.abs(y1 - y0));
        ctx.save();
        ctx.lineWidth = 4;
        ctx.strokeStyle = '#ffffff';
        ctx.strokeRect(a.left, top, a.right - a.left, h);
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#1d2126';
        ctx.strokeRect(a.left, top, a.right - a.left, h);
        ctx.restore();
      }
    },
  };
  const off = document.createElement('canvas');

  function paint() {
    const n = st.columns.length, rows = st.rows;
    off.width = Math.max(1, n);
    off.height = Math.max(1, rows);
    if (!n) return;
    const octx = /** @type {CanvasRenderingContext2D} */ (off.getContext('2d'));
    const img = octx.createImageData(n, rows);
    for (let c = 0; c < n; c++) {
      const v = st.columns[c].values;
      for (let r = 0; r < rows; r++) {
        const rgb = heatColor(v[r], st.vmin, st.vmax) || nullRgb;
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
      const f = st.focus;
      if (f && st.columns.length) {
        /* the focused cell: a white and a dark outline, visible on every colour */
        const { ctx } = chart, sx = chart.scales.x, sy = chart.scales.y;
        const x0 = sx.getPixelForValue(f.column - 0.5), x1 = sx.getPixelForValue(f.column + 0.5);
        const y0 = sy.getPixelForValue(f.row + 0.5), y1 = sy.getPixelForValue(f.row - 0.5);
        ctx.save();
        ctx.lineWidth = 4;
        ctx.strokeStyle = '#ffffff';
        ctx.strokeRect(x0 + 2, y0 + 2, x1 - x0 - 4, y1 - y0 - 4);
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#000000';
        ctx.strokeRect(x0 + 2, y0 + 2, x1 - x0 - 4, y1 - y0 - 4);
        ctx.restore();
      }
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
      const label = st.ticks === 'pow10' ? fmt.pow10 : st.ticks === 'percent' ? fmt.percent : fmt.number;
      for (const v of colorbarTicks(st.vmin, st.vmax, st.ticks)) {
        const y = top + h * (1 - (v - st.vmin) / (st.vmax - st.vmin || 1));
        ctx.fillRect(x + w, y, 3, 1);
        ctx.fillText(label(v), x + w + 5, y);
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
  /* the ticks: the columns' x (steps) and the rows' numbers, or the labels of a grid of categories */
  /** @type {any} the Chart.js object once made (its options hold the scales from then on) */
  let made = null;
  function tickCallbacks() {
    const xl = st.labels.x, yl = st.labels.y, scales = made ? made.options.scales : options.scales;
    scales.x.ticks.callback = xl
      ? (/** @type {number} */ v) => (Number.isInteger(v) && v >= 1 && v <= xl.length ? xl[v - 1] : '')
      : (/** @type {number} */ v) => (inColumns(v) && Number.isInteger(v) ? fmt.number(v) : '');
    scales.y.ticks.callback = yl
      ? (/** @type {number} */ v) => (Number.isInteger(v) && v >= 1 && v <= yl.length ? yl[v - 1] : '')
      : (/** @type {number} */ v) => (Number.isInteger(v) ? fmt.number(v) : '');
    /* a grid of categories: one tick per column and per row, at its centre */
    scales.x.afterBuildTicks = xl ? (/** @type {any} */ scale) => { scale.ticks = xl.map((_, i) => ({ value: i + 1 })); } : undefined;
    scales.y.afterBuildTicks = yl ? (/** @type {any} */ scale) => { scale.ticks = yl.map((_, i) => ({ value: i + 1 })); } : undefined;
  }
  tickCallbacks();
  options.plugins.tooltip.enabled = false;
  /** the cell under a point of the canvas (CSS pixels), or null @param {number} px @param {number} py */
  function cellAt(px, py) {
    const a = chart.chartArea;
    if (!st.columns.length || !a || px < a.left || px > a.right || py < a.top || py > a.bottom) return null;
    const column = Math.round(chart.scales.x.getValueForPixel(px)), row = Math.round(chart.scales.y.getValueForPixel(py));
    const first = st.columns[0].x, last = st.columns[st.columns.length - 1].x;
    return column >= first && column <= last && row >= 1 && row <= st.rows ? { column, row } : null;
  }
  options.onClick = (/** @type {any} */ e) => {
    const cell = cellAt(e.x, e.y);
    if (cell && st.onCell) st.onCell(cell);
  };
  options.onHover = (/** @type {any} */ e) => {
    const cell = st.onCell ? cellAt(e.x, e.y) : null;
    canvas.style.cursor = cell ? 'pointer' : '';
    if (st.onHover) st.onHover(cell);
  };
  const chart = new Chart(canvas, { type: 'scatter', data: { datasets: [{ data: [] }] }, options, plugins: [whiteBackground, draw, xBands(() => bands, { over: true }), over, eventLines(() => st.events, () => st.rtl), cursorLine(() => st.cursor)] });
  made = chart;

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
    /** shaded, hatched x ranges ({lo, hi}, null: the axis's end) @param {Array<{lo: number | null, hi: number | null}>} list */
    setBands(list) {
      bands = list.map((b) => ({ lo: b.lo, hi: b.hi }));
    },
    bands: () => bands.map((b) => ({ ...b })),
    /** curves drawn over the image, y from 0 (bottom) to 1 (top of the plot); [] removes them
        @param {Array<{id: string, points: Array<{x: number, y: number}>, color: string, dash?: number[]}>} list */
    setCurves(list) {
      curves = list.map((c) => ({ ...c, points: c.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)) }));
    },
    curves: () => curves.map((c) => ({ id: c.id, points: c.points.map((p) => ({ ...p })) })),
    /** outlines one row in solid dark (a selected layer); null removes it @param {number | null} row */
    setSelectedRow(row) {
      selectedRow = typeof row === 'number' && Number.isFinite(row) ? row : null;
    },
    selectedRow: () => selectedRow,
    /** the value and row under a mouse event: {x, row} (row 1 at the bottom), or null outside the plot @param {MouseEvent} ev */
    valueAt(ev) {
      const v = valueAt(chart, ev);
      return v ? { x: v.x, row: Math.min(st.rows, Math.max(1, Math.round(v.y))) } : null;
    },
    /**
     * A whole grid of categories: grid[j][i] is row j + 1 (from the bottom), column i + 1; null a gap.
     * @param {Array<Array<number | null>>} grid
     */
    setGrid(grid) {
      st.rows = Math.max(1, grid.length);
      const n = grid.length ? grid[0].length : 0;
      st.columns = Array.from({ length: n }, (_, i) => ({ x: i + 1, values: Float64Array.from(grid, (row) => (row[i] === null || row[i] === undefined ? NaN : /** @type {number} */ (row[i]))) }));
      st.dirty = true;
    },
    /**
     * The tick labels of a grid of categories (one per column, one per row; an
     * array is a label of several lines); null: the numbers again.
     * @param {{x?: Array<string | string[]> | null, y?: Array<string | string[]> | null}} labels
     */
    setLabels(labels) {
      if (labels.x !== undefined) st.labels.x = labels.x;
      if (labels.y !== undefined) st.labels.y = labels.y;
      tickCallbacks();
    },
    /** lines over the grid, in cell units; [] removes them @param {Overlay[]} list */
    setOverlays(list) {
      st.overlays = list.map((o) => ({ ...o, points: o.points.map((p) => ({ x: p.x, y: p.y })) }));
      const lines = st.overlays.map((o) => ({
        data: o.points, showLine: true, borderColor: o.color, backgroundColor: o.color, borderWidth: o.width || 2, borderDash: o.dash || [],
        pointRadius: o.marker ? 4 : 0, pointStyle: o.marker || 'circle', pointBorderColor: '#ffffff', pointBorderWidth: 1, tension: 0, order: 0, glId: o.id,
      }));
      const halos = st.overlays.map((o) => ({
        data: o.points, showLine: true, borderColor: '#ffffff', borderWidth: (o.width || 2) + 3, pointRadius: 0, tension: 0, order: 1, glId: `${o.id}_halo`,
      }));
      chart.data.datasets = [{ data: [], order: 2 }, ...lines, ...halos];
    },
    /** the overlays as set @returns {Overlay[]} */
    overlays: () => st.overlays.map((o) => ({ ...o, points: o.points.map((p) => ({ ...p })) })),
    /** outlines one cell (keyboard focus); null removes it @param {{column: number, row: number} | null} cell */
    setFocus(cell) {
      st.focus = cell ? { column: cell.column, row: cell.row } : null;
    },
    focus: () => (st.focus ? { ...st.focus } : null),
    /** called with {column, row} when a cell is clicked @param {(cell: {column: number, row: number}) => void} fn */
    onCell(fn) {
      st.onCell = fn;
    },
    /** called with the cell under the mouse, or null @param {(cell: {column: number, row: number} | null) => void} fn */
    onHover(fn) {
      st.onHover = fn;
    },
    /** the cell at a point of the canvas (CSS pixels), or null @param {number} px @param {number} py */
    cellAt,
    /** a cell's centre on the canvas (CSS pixels) @param {number} column @param {number} row */
    cellCenter: (column, row) => ({ x: chart.scales.x.getPixelForValue(column), y: chart.scales.y.getPixelForValue(row) }),
    /** how the colour bar's ticks read @param {'integer' | 'pow10' | 'percent' | 'number'} kind */
    setColorbarTicks(kind) {
      st.ticks = kind;
    },
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
    /** the colour scale now: heatColor(value, vmin, vmax) is a cell's colour */
    scale: () => ({ vmin: st.vmin, vmax: st.vmax }),
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
      /* an axis title is drawn when it has words */
      for (const a of ['x', 'y']) {
        if (texts[a] === undefined) continue;
        chart.options.scales[a].title.text = texts[a];
        chart.options.scales[a].title.display = !!texts[a];
      }
      if (texts.colorbar !== undefined) st.colorbarTitle = texts.colorbar;
      if (texts.nullLabel !== undefined) st.nullLabel = texts.nullLabel;
    },
    /** @param {Partial<import('./chart-common.js').TickFormat>} format @param {boolean} [rtl] */
    setFormat(format, rtl) {
      fmt = Object.assign({}, defaultFormat, format);
      st.rtl = !!rtl;
      tickCallbacks();
    },
    render() {
      updateScales();
      chart.update('none');
    },
    snapshot() {
      return {
        rows: st.rows, vmin: st.vmin, vmax: st.vmax, cursor: st.cursor,
        columns: st.columns.map((c) => ({ x: c.x, values: Array.from(c.values, (/** @type {number} */ v) => (Number.isFinite(v) ? v : null)) })),
        ...(st.labels.x || st.labels.y ? { labels: { x: st.labels.x, y: st.labels.y } } : {}),
        ...(st.overlays.length ? { overlays: st.overlays.map((o) => ({ id: o.id, label: o.label, points: o.points.map((p) => ({ ...p })) })) } : {}),
      };
    },
  };
}

/* ----------------------------------------------------------------- field */
/*
 * spec: { x: {title}, y: {title}, classColors: ['#rrggbb', ...], classLabel: (c) -> text, format }
 * setProbabilities(nx, ny, classes, grid): grid[(iy*nx + ix)*classes + c], row iy = 0 at y0.
 */
