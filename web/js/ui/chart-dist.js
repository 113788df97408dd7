// @ts-check
/*
 * chart-dist.js - distribution(canvas, spec): one canvas that is either a
 * line chart (a line per series over the same x: a few layers' histograms)
 * or a heatmap (rows x columns: many layers' histograms), switched with
 * setMode and drawn by ui/chart-line.js or ui/chart-heatmap.js (the old
 * chart is destroyed, the new one made on the same canvas).  What the
 * caller sets is kept per mode and said again after a switch: the texts, the
 * number format; the data it sets anew on every render.  Knows nothing of
 * networks.
 */
import { line } from './chart-line.js';
import { heatmap } from './chart-heatmap.js';

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{lines: Parameters<typeof line>[1], grid: Parameters<typeof heatmap>[1], mode?: 'lines' | 'grid'}} spec
 *   lines, grid: the spec of each mode's chart
 */
export function distribution(canvas, spec) {
  /** @type {'lines' | 'grid'} */
  let mode = spec.mode || 'lines';
  /** @type {any} */
  let inner = null;
  /** @type {{lines: any, grid: any}} */
  const texts = { lines: {}, grid: {} };
  /** @type {any} */
  let format = spec.lines.format || {};
  let rtl = false;
  /** @type {number | null} */
  let emphasis = null;

  function make() {
    if (inner) inner.destroy();
    inner = mode === 'lines' ? line(canvas, spec.lines) : heatmap(canvas, spec.grid);
    inner.setTexts(texts[mode]);
    inner.setFormat(format, rtl);
  }
  make();

  return {
    /** lines or a heatmap (a new chart on the canvas when it changes) @param {'lines' | 'grid'} m */
    setMode(m) {
      if (m === mode) return;
      mode = m;
      make();
    },
    /** the mode now */
    mode: () => mode,
    /** the chart of the mode now (ui/chart-line.js or chart-heatmap.js): its data setters */
    chart: () => inner,
    /** texts of each mode ({lines: {...}, grid: {...}}, as each chart's setTexts takes them) @param {{lines?: any, grid?: any}} t */
    setTexts(t) {
      if (t.lines) texts.lines = { ...texts.lines, ...t.lines, series: { ...(texts.lines.series || {}), ...(t.lines.series || {}) } };
      if (t.grid) texts.grid = { ...texts.grid, ...t.grid };
      inner.setTexts(texts[mode]);
    },
    /** @param {any} f @param {boolean} [r] */
    setFormat(f, r) {
      format = f;
      rtl = !!r;
      inner.setFormat(f, rtl);
    },
    render: () => inner.render(),
    /** @param {string} axis */
    ticks: (axis) => inner.ticks(axis),
    /** @param {string} title */
    png: (title) => inner.png(title),
    destroy: () => inner.destroy(),
    /** @param {number} x @param {number} y */
    pixel: (x, y) => inner.pixel(x, y),
    /** the layer drawn emphasised (the selected one), for the snapshot @param {number | null} layer */
    setEmphasis(layer) {
      emphasis = layer;
    },
    snapshot: () => ({ mode, emphasis, ...(mode === 'lines' ? { datasets: inner.snapshot() } : inner.snapshot()),
      bands: inner.bands(), ...(mode === 'lines' ? { rings: inner.rings() } : { selectedRow: inner.selectedRow(), curves: inner.curves() }) }),
  };
}
