// @ts-check
/*
 * chart-field.js - field(canvas, spec): a class-probability image (the
 * decision boundary) under a scatter of labelled points.
 */
import { Chart } from '../vendor.js';
import { defaultFormat, axisOptions, whiteBackground, baseOptions, finite, chartMethods } from './chart-common.js';
import { hexRgb } from './chart-heatmap.js';
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{x: import('./chart-common.js').AxisSpec, y: import('./chart-common.js').AxisSpec, classColors: string[],
 *          classLabel?: (c: number) => string, format?: Partial<import('./chart-common.js').TickFormat>}} spec
 */
export function field(canvas, spec) {
  let fmt = Object.assign({}, defaultFormat, spec.format);
  const colors = spec.classColors.map(hexRgb);
  const off = document.createElement('canvas');
  /** @type {{bounds: number[] | null, hasImage: boolean, classLabel: (c: number) => string}} */
  const st = { bounds: null, hasImage: false, classLabel: spec.classLabel || ((c) => `class ${c}`) };

  const draw = {
    id: 'glField',
    beforeDatasetsDraw(/** @type {any} */ chart) {
      if (!st.hasImage) return;
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.restore();
    },
  };
  const options = baseOptions(spec);
  options.scales = {
    x: axisOptions(Object.assign({ includeBounds: false }, spec.x), fmt, 'bottom'),
    y: axisOptions(Object.assign({ includeBounds: false }, spec.y), fmt, 'left'),
  };
  options.plugins.tooltip.enabled = false;
  options.plugins.legend.labels.boxWidth = 7;
  const chart = new Chart(canvas, { type: 'scatter', data: { datasets: [] }, options, plugins: [whiteBackground, draw] });

  return {
    ...chartMethods(chart),
    /** @param {number[]} b [x0, x1, y0, y1] */
    setBounds(b) {
      st.bounds = b;
      Object.assign(chart.options.scales.x, { min: b[0], max: b[1] });
      Object.assign(chart.options.scales.y, { min: b[2], max: b[3] });
    },
    /* xs, ys, labels: arrays of one length; at most maxPoints are drawn (evenly picked) */
    /** @param {ArrayLike<number>} xs @param {ArrayLike<number>} ys @param {ArrayLike<number>} labels @param {number} [maxPoints] */
    setPoints(xs, ys, labels, maxPoints = 1500) {
      const n = labels.length;
      const every = Math.max(1, Math.ceil(n / maxPoints));
      const byClass = new Map();
      for (let i = 0; i < n; i += every) {
        const c = labels[i];
        if (!byClass.has(c)) byClass.set(c, []);
        const x = finite(xs[i]), y = finite(ys[i]);
        if (x !== null && y !== null) byClass.get(c).push({ x, y });
      }
      chart.data.datasets = [...byClass.keys()].sort((a, b) => a - b).map((c) => {
        const rgb = colors[c % colors.length];
        return {
          label: st.classLabel(c),
          data: byClass.get(c),
          pointRadius: n > 600 ? 2 : 3,
          pointBackgroundColor: `rgb(${rgb.join(',')})`,
          pointBorderColor: '#1a1a1a',
          pointBorderWidth: 0.8,
          backgroundColor: `rgb(${rgb.join(',')})`,
          borderColor: '#1a1a1a',
          glClass: c,
        };
      });
    },
    /** @param {number} nx @param {number} ny @param {number} classes @param {ArrayLike<number>} grid (iy*nx+ix)*classes + c */
    setProbabilities(nx, ny, classes, grid) {
      off.width = nx;
      off.height = ny;
      const octx = /** @type {CanvasRenderingContext2D} */ (off.getContext('2d'));
      const img = octx.createImageData(nx, ny);
      for (let iy = 0; iy < ny; iy++) {
        for (let ix = 0; ix < nx; ix++) {
          const base = (iy * nx + ix) * classes;
          let r = 0, g = 0, b = 0, pmax = 0, total = 0;
          for (let c = 0; c < classes; c++) {
            const p = Number.isFinite(grid[base + c]) ? grid[base + c] : 0;
            const rgb = colors[c % colors.length];
            r += p * rgb[0];
            g += p * rgb[1];
            b += p * rgb[2];
            total += p;
            if (p > pmax) pmax = p;
          }
          if (total > 0) { r /= total; g /= total; b /= total; pmax /= total; }
          /* confident cells show the class colour, uncertain ones fade to white */
          const k = classes > 1 ? (pmax - 1 / classes) / (1 - 1 / classes) : 1;
          const alpha = total > 0 ? 0.15 + 0.55 * Math.max(0, Math.min(1, k)) : 0;
          const at = ((ny - 1 - iy) * nx + ix) * 4; /* iy = 0 is the bottom row */
          img.data[at] = 255 + alpha * (r - 255);
          img.data[at + 1] = 255 + alpha * (g - 255);
          img.data[at + 2] = 255 + alpha * (b - 255);
          img.data[at + 3] = 255;
        }
      }
      octx.putImageData(img, 0, 0);
      st.hasImage = true;
    },
    clearImage() {
      st.hasImage = false;
    },
    /** @param {any} texts */
    setTexts(texts) {
      if (texts.x !== undefined) chart.options.scales.x.title.text = texts.x;
      if (texts.y !== undefined) chart.options.scales.y.title.text = texts.y;
      if (texts.classLabel) {
        st.classLabel = texts.classLabel;
        for (const ds of chart.data.datasets) ds.label = st.classLabel(ds.glClass);
      }
    },
    /** @param {Partial<import('./chart-common.js').TickFormat>} format @param {boolean} [rtl] */
    setFormat(format, rtl) {
      fmt = Object.assign({}, defaultFormat, format);
      chart.options.scales.x.ticks.callback = (/** @type {number} */ v) => fmt.number(v);
      chart.options.scales.y.ticks.callback = (/** @type {number} */ v) => fmt.number(v);
      chart.options.plugins.legend.rtl = !!rtl;
    },
    render() {
      chart.update('none');
    },
    snapshot() {
      return { hasImage: st.hasImage, bounds: st.bounds, datasets: chart.data.datasets.map((/** @type {any} */ d) => ({ label: d.label, data: d.data.slice() })) };
    },
  };
}

