/*
 * charts.js - Chart.js behind a small interface that knows nothing of networks.
 *
 *   line(canvas, spec)     x/y series on linear or log axes (an optional second y axis)
 *   heatmap(canvas, spec)  a rows x columns grid of values coloured by viridis, with a colour bar
 *   field(canvas, spec)    class-probability image under a scatter of labelled points
 *
 * Each returns an object with set/append/render/png/snapshot/setTexts; the
 * caller hands in numbers and words, this file only draws them.  line() and
 * heatmap() also take a marker (setMarker): a highlighted band across one x
 * value (line) or one row (heatmap) with a label, for "look here".  Values that
 * are not finite numbers never reach Chart.js: they become gaps (null), so no
 * chart is ever drawn from NaN.  Classic script: defines self.GradLabCharts;
 * needs the global Chart (vendor/chart.umd.min.js).
 */
(function (root, factory) {
  root.GradLabCharts = factory(root.Chart);
})(typeof self !== 'undefined' ? self : this, function (Chart) {
  'use strict';

  /* ---- formatting (numbers for ticks; the caller may pass a locale's) ---- */
  const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
  const defaultFormat = {
    number: (x) => String(Number(x.toPrecision(4))),
    pow10: (e) => '10' + String(e).split('').map((c) => SUPERSCRIPT[c] || c).join(''),
    percent: (x) => `${Math.round(x * 100)}%`,
  };

  const finite = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

  /* Ticks of a log axis: a label on each power of ten, none between. */
  function logTick(fmt) {
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

  function axisOptions(axis, fmt, position) {
    const type = axis.type || 'linear';
    const o = {
      type,
      position,
      title: { display: !!axis.title, text: axis.title || '' },
      grid: { color: axis.grid === false ? 'transparent' : '#e6e6e6', drawOnChartArea: axis.grid !== false },
      ticks: { maxRotation: 0, autoSkipPadding: 8 },
    };
    if (axis.includeBounds === false) o.ticks.includeBounds = false;
    if (axis.min !== undefined) o.min = axis.min;
    if (axis.max !== undefined) o.max = axis.max;
    if (type === 'logarithmic') {
      o.ticks.callback = logTick(fmt);
      /* one tick every k-th power of ten, k chosen so about 8 labels fit */
      o.afterBuildTicks = (scale) => {
        if (!(scale.min > 0 && scale.max > scale.min)) return;
        const lo = Math.ceil(Math.log10(scale.min) - 1e-9), hi = Math.floor(Math.log10(scale.max) + 1e-9);
        if (hi < lo) return;
        const k = Math.max(1, Math.ceil((hi - lo + 1) / (axis.maxTicks || 8)));
        const ticks = [];
        for (let e = Math.floor(hi / k) * k; e >= lo; e -= k) ticks.unshift({ value: Math.pow(10, e) });
        if (ticks.length >= 2) scale.ticks = ticks;
      };
    }
    else if (axis.percent) o.ticks.callback = (v) => fmt.percent(v);
    else if (axis.integer) {
      o.ticks.precision = 0;
      o.ticks.callback = (v) => (Number.isInteger(v) ? fmt.number(v) : '');
    } else o.ticks.callback = (v) => fmt.number(v);
    return o;
  }

  /* Paints the canvas white under the chart, so an exported PNG is readable. */
  const whiteBackground = {
    id: 'glWhite',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };

  /* The marker: a translucent band with a label (Okabe–Ito orange, like the focus ring). */
  const MARK = { fill: 'rgba(230, 159, 0, 0.22)', edge: '#b36b00', text: '#ffffff', box: '#8a4f00' };

  function markerLabel(ctx, chart, text, cx, top) {
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

  /* get() -> {x, label} or null: a band at x (one unit wide, at least 12 px) and a label at the top. */
  function columnMarker(get) {
    return {
      id: 'glMarker',
      beforeDatasetsDraw(chart) {
        const m = get();
        if (!m || !chart.scales.x) return;
        const a = chart.chartArea, sx = chart.scales.x;
        const cx = sx.getPixelForValue(m.x);
        if (!(cx >= a.left - 1 && cx <= a.right + 1)) return;
        const half = Math.max(6, Math.abs(sx.getPixelForValue(m.x + 0.5) - cx));
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
      },
      afterDatasetsDraw(chart) {
        const m = get();
        if (!m || !m.label || !chart.scales.x) return;
        const a = chart.chartArea;
        const cx = chart.scales.x.getPixelForValue(m.x);
        if (!(cx >= a.left - 1 && cx <= a.right + 1)) return;
        chart.ctx.save();
        markerLabel(chart.ctx, chart, m.label, cx, a.top + 4);
        chart.ctx.restore();
      },
    };
  }

  function pngOf(chart, title) {
    const t = chart.options.plugins.title;
    const was = { display: t.display, text: t.text };
    t.display = true;
    t.text = title || '';
    chart.update('none');
    const url = chart.canvas.toDataURL('image/png');
    t.display = was.display;
    t.text = was.text;
    chart.update('none');
    return url;
  }

  function baseOptions(spec) {
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
  function thin(data, max) {
    if (data.length <= max) return;
    const last = data[data.length - 1];
    let w = 0;
    for (let i = 0; i < data.length; i += 2) data[w++] = data[i];
    data.length = w;
    if (data[w - 1] !== last) data.push(last);
  }

  /* ------------------------------------------------------------------ line */
  /*
   * spec: { x: {title, type, integer, min, max}, y: {...}, y2: {...} (optional),
   *         series: [{id, label, color, dash, axis ('y'|'y2'), marker, radius, line (bool),
   *                   legendWhenEmpty (bool), fill}],
   *         format, maxPoints, legendLines (bool), tooltipTitle: (x) -> text }
   * An axis may also say maxTicks (log axes), includeBounds, percent, integer.
   */
  function line(canvas, spec) {
    let fmt = Object.assign({}, defaultFormat, spec.format);
    const maxPoints = spec.maxPoints || 2000;
    const byId = {};
    const datasets = spec.series.map((s) => {
      const ds = {
        label: s.label,
        data: [],
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
      };
      byId[s.id] = ds;
      return ds;
    });
    const options = baseOptions(spec);
    options.scales = { x: axisOptions(spec.x, fmt, 'bottom'), y: axisOptions(spec.y, fmt, 'left') };
    if (spec.y2) options.scales.y2 = axisOptions(Object.assign({ grid: false }, spec.y2), fmt, 'right');
    options.plugins.legend.labels.filter = (item, data) => {
      const ds = data.datasets[item.datasetIndex];
      return ds.glLegendWhenEmpty || ds.data.some((p) => p.y !== null);
    };
    if (spec.tooltipTitle) options.plugins.tooltip.callbacks = { title: (items) => (items.length ? spec.tooltipTitle(items[0].parsed.x) : '') };
    let marker = null;
    const chart = new Chart(canvas, { type: 'line', data: { datasets }, options, plugins: [whiteBackground, columnMarker(() => marker)] });

    const api = {
      chart,
      /* {x, label} marks one x value (e.g. a layer); null removes it */
      setMarker(m) {
        marker = m && Number.isFinite(m.x) ? { x: m.x, label: m.label || '' } : null;
      },
      marker() {
        return marker ? Object.assign({}, marker) : null;
      },
      /* points: [{x, y}] (non-finite y becomes a gap) */
      set(id, points) {
        const ds = byId[id];
        ds.data = points.map((p) => ({ x: p.x, y: finite(p.y) }));
        thin(ds.data, maxPoints);
      },
      /* a point at the same x as the last one replaces it */
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
      setAxis(name, range) {
        const s = chart.options.scales[name];
        if ('min' in range) s.min = range.min === null ? undefined : range.min;
        if ('max' in range) s.max = range.max === null ? undefined : range.max;
      },
      /* texts: {x, y, y2, series: {id: label}} */
      setTexts(texts) {
        for (const a of ['x', 'y', 'y2']) {
          if (texts[a] !== undefined && chart.options.scales[a]) chart.options.scales[a].title.text = texts[a];
        }
        for (const [id, label] of Object.entries(texts.series || {})) if (byId[id]) byId[id].label = label;
      },
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
      png(title) {
        return pngOf(chart, title);
      },
      snapshot() {
        return datasets.map((ds) => ({ id: ds.glId, label: ds.label, data: ds.data.map((p) => ({ x: p.x, y: p.y })) }));
      },
    };
    return api;
  }

  /* ------------------------------------------------------------ colour map */
  /* viridis (perceptually uniform, colour-blind safe), 10 anchors from 0 to 1 */
  const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725']
    .map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));

  function viridis(t) {
    const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
    const f = u - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
  }

  function hexRgb(hex) {
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }

  /* --------------------------------------------------------------- heatmap */
  /*
   * spec: { x: {title}, y: {title}, colorbar: {title}, nullColor, nullLabel, format, maxColumns }
   * Rows are numbered 1..rows from the bottom; a column is {x, values[rows]};
   * a null value is drawn in nullColor (explained above the chart).
   */
  function heatmap(canvas, spec) {
    let fmt = Object.assign({}, defaultFormat, spec.format);
    const maxColumns = spec.maxColumns || 400;
    const nullRgb = hexRgb(spec.nullColor || '#c8c8c8');
    const st = { rows: 1, columns: [], vmin: 0, vmax: 1, dirty: true, colorbarTitle: spec.colorbar.title, nullLabel: spec.nullLabel || '', marker: null };
    const off = document.createElement('canvas');

    function paint() {
      const n = st.columns.length, rows = st.rows;
      off.width = Math.max(1, n);
      off.height = Math.max(1, rows);
      if (!n) return;
      const octx = off.getContext('2d');
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
      beforeDatasetsDraw(chart) {
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
      afterDatasetsDraw(chart) {
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
      afterDraw(chart) {
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
    const inColumns = (v) => st.columns.length && v >= st.columns[0].x && v <= st.columns[st.columns.length - 1].x;
    options.scales.x.ticks.callback = (v) => (inColumns(v) && Number.isInteger(v) ? fmt.number(v) : '');
    options.plugins.tooltip.enabled = false;
    const chart = new Chart(canvas, { type: 'scatter', data: { datasets: [{ data: [] }] }, options, plugins: [whiteBackground, draw] });

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
      chart,
      /* {row, label} outlines one row (e.g. layer 1); null removes it */
      setMarker(m) {
        st.marker = m && Number.isFinite(m.row) ? { row: m.row, label: m.label || '' } : null;
      },
      marker() {
        return st.marker ? Object.assign({}, st.marker) : null;
      },
      reset(rows) {
        st.rows = Math.max(1, rows);
        st.columns = [];
        st.dirty = true;
      },
      /* values: rows numbers (row 1 first); null / non-finite -> the null colour */
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
      setRange(vmin, vmax) {
        if (!(Number.isFinite(vmin) && Number.isFinite(vmax))) return;
        if (vmin === st.vmin && vmax === st.vmax) return;
        st.vmin = vmin;
        st.vmax = vmax > vmin ? vmax : vmin + 1;
        st.dirty = true;
      },
      setTexts(texts) {
        if (texts.x !== undefined) chart.options.scales.x.title.text = texts.x;
        if (texts.y !== undefined) chart.options.scales.y.title.text = texts.y;
        if (texts.colorbar !== undefined) st.colorbarTitle = texts.colorbar;
        if (texts.nullLabel !== undefined) st.nullLabel = texts.nullLabel;
      },
      setFormat(format) {
        fmt = Object.assign({}, defaultFormat, format);
        chart.options.scales.x.ticks.callback = (v) => (inColumns(v) && Number.isInteger(v) ? fmt.number(v) : '');
        chart.options.scales.y.ticks.callback = (v) => (Number.isInteger(v) ? fmt.number(v) : '');
      },
      render() {
        updateScales();
        chart.update('none');
      },
      png(title) {
        return pngOf(chart, title);
      },
      snapshot() {
        return { rows: st.rows, vmin: st.vmin, vmax: st.vmax, columns: st.columns.map((c) => ({ x: c.x, values: Array.from(c.values, (v) => (Number.isFinite(v) ? v : null)) })) };
      },
    };
  }

  /* ----------------------------------------------------------------- field */
  /*
   * spec: { x: {title}, y: {title}, classColors: ['#rrggbb', ...], classLabel: (c) -> text, format }
   * setProbabilities(nx, ny, classes, grid): grid[(iy*nx + ix)*classes + c], row iy = 0 at y0.
   */
  function field(canvas, spec) {
    let fmt = Object.assign({}, defaultFormat, spec.format);
    const colors = spec.classColors.map(hexRgb);
    const off = document.createElement('canvas');
    const st = { bounds: null, hasImage: false, classLabel: spec.classLabel || ((c) => `class ${c}`) };

    const draw = {
      id: 'glField',
      beforeDatasetsDraw(chart) {
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
      chart,
      setBounds(b) {
        st.bounds = b;
        Object.assign(chart.options.scales.x, { min: b[0], max: b[1] });
        Object.assign(chart.options.scales.y, { min: b[2], max: b[3] });
      },
      /* xs, ys, labels: arrays of one length; at most maxPoints are drawn (evenly picked) */
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
      setProbabilities(nx, ny, classes, grid) {
        off.width = nx;
        off.height = ny;
        const octx = off.getContext('2d');
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
      setTexts(texts) {
        if (texts.x !== undefined) chart.options.scales.x.title.text = texts.x;
        if (texts.y !== undefined) chart.options.scales.y.title.text = texts.y;
        if (texts.classLabel) {
          st.classLabel = texts.classLabel;
          for (const ds of chart.data.datasets) ds.label = st.classLabel(ds.glClass);
        }
      },
      setFormat(format, rtl) {
        fmt = Object.assign({}, defaultFormat, format);
        chart.options.scales.x.ticks.callback = (v) => fmt.number(v);
        chart.options.scales.y.ticks.callback = (v) => fmt.number(v);
        chart.options.plugins.legend.rtl = !!rtl;
      },
      render() {
        chart.update('none');
      },
      png(title) {
        return pngOf(chart, title);
      },
      snapshot() {
        return { hasImage: st.hasImage, bounds: st.bounds, datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data.slice() })) };
      },
    };
  }

  /* Page-wide defaults: font and colours of text. */
  function setup({ fontFamily, color } = {}) {
    if (fontFamily) Chart.defaults.font.family = fontFamily;
    Chart.defaults.font.size = 12;
    if (color) Chart.defaults.color = color;
  }

  return { line, heatmap, field, setup, viridis };
});
