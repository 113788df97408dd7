// @ts-check
/*
 * plane-view.js - what the Sweep panel shows of a plane (a sweep over two
 * settings, docs/api.md "Planes"): one heatmap per stack, side by side (one
 * column on a phone), the chosen metric of every cell (columns = the first
 * setting's values, rows = the second's, from the bottom), one colour range
 * for both with a colour bar, and over them the engine's mean field where
 * the axes allow it: the χ = 1 line and the curves 6ξ and 6ξ_c (sweep-model.js
 * planeData places them; the legend says which is which).  A click on a cell,
 * or Enter on the heatmap with its outlined cell (arrow keys move it), calls
 * onCell(i, j); hovering or moving the outline writes the cell's numbers in a
 * line under the heatmaps.  Each heatmap's text alternative is a table of
 * the same grid and the mean field per value (chart-text.js describeChart).
 * The panel (sweep-panel.js) owns the state, the Worker and the exports.
 *
 *   const view = createPlaneView({ i18n, onCell: (i, j) => ..., busy: () => running });
 *   card.append(view.root);
 *   view.draw(result, {metric, running, done, total});
 */
import { el } from '../ui/dom.js';
import { heatmap, overlaySwatch } from '../ui/chart-heatmap.js';
import { describeChart, cell, GAP, withGapNote } from '../lab/chart-text.js';
import { planeData, colorRange, metricOf } from './sweep-model.js';

const ARCHS = /** @type {const} */ (['plain', 'residual']);
/* the overlays: black on a white halo (they read on every viridis colour), told apart by their dashes */
const LINES = {
  chi_one: { color: '#000000', dash: [2, 3], width: 2 },
  xi: { color: '#000000', dash: [], width: 2 },
  xi_c: { color: '#000000', dash: [7, 4], width: 2, marker: 'rectRot' },
};
const NULL_COLOR = '#c8c8c8';

/**
 * @param {{i18n: import('../ui/i18n.js').I18n, onCell: (i: number, j: number) => void, busy: () => boolean}} deps
 */
export function createPlaneView({ i18n, onCell, busy }) {
  const t = i18n.t;
  /**
   * running: the sweep is on; partial: some cells were not measured (running, or cancelled)
   * keyboard: the outline was moved by a key after the mouse last moved (the line under the heatmaps follows it)
   * @type {{result: any, metric: string, running: boolean, partial: boolean, done: number, total: number,
   *         focus: {column: number, row: number}, hover: {column: number, row: number} | null, keyboard: boolean, loaded: string}}
   */
  const v = { result: null, metric: 'grad_ratio_log10', running: false, partial: false, done: 0, total: 0, focus: { column: 1, row: 1 }, hover: null, keyboard: false, loaded: '' };
  /** @type {Record<string, any>} the heatmaps, made when first drawn */
  const charts = { plain: null, residual: null };
  /** @type {Record<string, HTMLElement>} */
  const titles = {};
  /** @type {Record<string, HTMLCanvasElement>} */
  const canvases = {};
  const readout = el('p', { class: 'card-note plane-readout', id: 'sweep-cell', 'aria-live': 'polite' });
  /* the legend of both heatmaps: the overlays' lines and the grey of a cell without a number */
  const legend = el('ul', { class: 'plane-legend', id: 'sweep-plane-legend' });
  /** @type {Array<{swatch: any, text: string}>} what the legend shows now (the PNG draws it too) */
  let legendItems = [];
  const note = el('p', { class: 'card-note', id: 'sweep-plane-note' });
  const grid = el('div', { class: 'plane-grid' });
  for (const a of ARCHS) {
    titles[a] = el('h3', { id: `title-sweep-${a}` });
    canvases[a] = /** @type {HTMLCanvasElement} */ (el('canvas', { id: `chart-sweep-${a}`, role: 'img', tabindex: '0', 'aria-describedby': `sweep-cell` }));
    grid.append(el('div', { class: 'plane-stack', 'data-arch': a }, titles[a], el('div', { class: 'chart-box plane-box' }, canvases[a])));
  }
  const root = el('div', { class: 'sweep-plane', hidden: true }, legend, grid, readout, note);
  /* the text alternatives: one table per heatmap, after its box */
  const alts = Object.fromEntries(ARCHS.map((a) => [a, describeChart(canvases[a], () => table(a), { busy })]));
  /* describeChart points the canvas at its table; the cell line is read too */
  for (const a of ARCHS) canvases[a].setAttribute('aria-describedby', `text-chart-sweep-${a} sweep-cell`);

  /* ---- the numbers ---- */
  const data = () => (v.result ? planeData(v.result, v.metric) : null);
  const axisKind = () => (metricOf(v.metric) || { axis: 'log10' }).axis;
  /** a cell's number as the colour bar reads it */
  const num = (/** @type {number | null | undefined} */ x) => {
    const f = i18n.format();
    const ax = axisKind();
    return cell(x, ax === 'percent' ? f.percent : f.value);
  };
  /** a swept value, short (3 significant digits: tick labels) @param {number} x */
  const short = (x) => i18n.format().number(Number(x.toPrecision(3)));
  /** a column's or row's words: its value, and σ_w beside it on a weight-scale axis @param {any} axis @param {number} i */
  const valueWords = (axis, i) => (axis.sigma_w ? t('sweep.plane.value_sigma', { value: short(axis.values[i]), sigma: short(axis.sigma_w[i]) }) : short(axis.values[i]));
  /** a setting's name @param {string} name */
  const settingName = (name) => t(`setting.${name}.label`, null, name);

  /* ---- the heatmaps ---- */
  function make() {
    const f = i18n.format();
    for (const a of ARCHS) {
      if (charts[a]) continue;
      const c = heatmap(canvases[a], { x: { type: 'linear' }, y: {}, colorbar: { title: '' }, nullColor: NULL_COLOR, format: f });
      c.onCell((/** @type {{column: number, row: number}} */ at) => {
        v.focus = at;
        focusAll();
        onCell(at.column - 1, at.row - 1);
      });
      c.onHover((/** @type {{column: number, row: number} | null} */ at) => {
        v.hover = at;
        writeReadout();
      });
      charts[a] = c;
    }
  }

  /* arrow keys move the outlined cell, Home/End to the row's ends, Enter or space loads it */
  for (const a of ARCHS) {
    canvases[a].addEventListener('keydown', (e) => {
      const d = data();
      if (!d) return;
      const n = d.cols.values.length, m = d.rows.values.length;
      const f = v.focus;
      /* the columns run left to right in both languages, rows from the bottom */
      const moves = /** @type {Record<string, [number, number]>} */ ({ ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] });
      if (moves[e.key]) {
        v.focus = { column: Math.min(n, Math.max(1, f.column + moves[e.key][0])), row: Math.min(m, Math.max(1, f.row + moves[e.key][1])) };
      } else if (e.key === 'Home') v.focus = { column: 1, row: f.row };
      else if (e.key === 'End') v.focus = { column: n, row: f.row };
      else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onCell(f.column - 1, f.row - 1);
        return;
      } else return;
      e.preventDefault();
      v.keyboard = true;
      focusAll();
      writeReadout();
    });
    canvases[a].addEventListener('mousemove', () => { v.keyboard = false; });
    canvases[a].addEventListener('focus', () => { focusAll(); writeReadout(); });
    canvases[a].addEventListener('blur', () => { focusAll(); });
  }

  /* the outline shows on the heatmap that has the keyboard focus, and on its twin */
  function focusAll() {
    const on = ARCHS.some((a) => document.activeElement === canvases[a]);
    for (const a of ARCHS) {
      if (!charts[a]) continue;
      charts[a].setFocus(on ? v.focus : null);
      charts[a].render();
    }
  }

  /**
   * Draws a plane result (a partial one while the sweep runs).
   * @param {any} result @param {{metric: string, running: boolean, partial: boolean, done: number, total: number}} o
   */
  function draw(result, o) {
    v.result = result;
    v.metric = o.metric;
    v.running = o.running;
    v.partial = o.partial;
    v.done = o.done;
    v.total = o.total;
    root.hidden = false;
    make();
    const d = data();
    if (!d) return;
    const n = d.cols.values.length, m = d.rows.values.length;
    v.focus = { column: Math.min(v.focus.column, n), row: Math.min(v.focus.row, m) };
    const range = colorRange([d.plain, d.residual], v.metric);
    const ax = axisKind();
    const overlays = [];
    const ov = d.overlays;
    if (ov.chiOne) {
      const line = ov.chiOne.axis === 'x'
        ? [{ x: ov.chiOne.pos, y: 0.5 }, { x: ov.chiOne.pos, y: m + 0.5 }]
        : [{ x: 0.5, y: ov.chiOne.pos }, { x: n + 0.5, y: ov.chiOne.pos }];
      overlays.push({ id: 'chi_one', label: t('sweep.plane.chi_one'), ...LINES.chi_one, points: line });
    }
    if (ov.xi && ov.xi.length) overlays.push({ id: 'xi', label: t('sweep.plane.xi'), ...LINES.xi, points: ov.xi.map((p) => ({ x: p.x, y: p.y })) });
    if (ov.xiC && ov.xiC.length) overlays.push({ id: 'xi_c', label: t('sweep.plane.xi_c'), ...LINES.xi_c, points: ov.xiC.map((p) => ({ x: p.x, y: p.y })) });
    legendItems = [
      ...overlays.map((o) => ({ swatch: overlaySwatch(o), text: o.label })),
      { swatch: overlaySwatch({ color: NULL_COLOR, square: true }), text: '' },
    ];
    for (const a of ARCHS) {
      const c = charts[a], g = d[a];
      c.setGrid(g || d.rows.values.map(() => d.cols.values.map(() => null)));
      /* a weight-scale axis is labelled by σ_w, the number the theory (and the lesson) speaks of */
      const tick = (/** @type {any} */ axis) => axis.values.map((/** @type {number} */ x, /** @type {number} */ i) => short(axis.sigma_w ? axis.sigma_w[i] : x));
      c.setLabels({ x: tick(d.cols), y: tick(d.rows) });
      c.setOverlays(overlays);
      c.setColorbarTicks(ax === 'log10' ? 'pow10' : ax === 'percent' ? 'percent' : 'number');
      if (range) c.setRange(range.min, range.max);
    }
    texts();
    for (const a of ARCHS) alts[a].update();
  }

  /* words that follow the language and the result */
  function texts() {
    const d = data();
    const f = i18n.format();
    const rtl = i18n.lang === 'fa';
    const metric = t(`sweep.metric.${v.metric}`);
    for (const a of ARCHS) {
      titles[a].textContent = t('sweep.plane.title', { stack: t(`stack.${a}`), metric });
      /* named before a plane is drawn too (the heatmaps wait, hidden, for a second setting) */
      canvases[a].setAttribute('aria-label', `${t('sweep.plane.title', { stack: t(`stack.${a}`), metric })}. ${t('sweep.plane.keys')}`);
      const c = charts[a];
      if (!c) continue;
      const colName = d ? settingName(d.cols.name) : '', rowName = d ? settingName(d.rows.name) : '';
      c.setTexts({
        x: d && d.cols.sigma_w ? t('sweep.plane.axis_sigma') : colName,
        y: d && d.rows.sigma_w ? t('sweep.plane.axis_sigma') : rowName,
        colorbar: metric,
      });
      c.setFormat(f);
      c.render();
    }
    /* the legend: each overlay's line, then the grey */
    if (legendItems.length) legendItems[legendItems.length - 1].text = t(v.partial ? 'sweep.plane.null_running' : 'sweep.plane.null');
    legend.textContent = '';
    for (const it of legendItems) {
      const pic = it.swatch.cloneNode();
      /** @type {CanvasRenderingContext2D} */ (pic.getContext('2d')).drawImage(it.swatch, 0, 0);
      legend.append(el('li', {}, Object.assign(pic, { ariaHidden: 'true' }), el('span', { text: it.text })));
    }
    legend.dir = rtl ? 'rtl' : 'ltr';
    /* what the cells are and how to load one; σ_w and the χ = 1 line on a weight-scale axis; the curves when depth is the other */
    const words = [t('sweep.plane.note')];
    if (d && d.weight >= 0) words.push(t('sweep.plane.note_sigma'));
    if (d && d.overlays.chiOne) words.push(t('sweep.plane.note_chi'));
    if (d && (d.overlays.xi || d.overlays.xiC)) words.push(t('sweep.plane.note_theory'));
    note.textContent = words.join(' ');
    writeReadout();
  }

  /* the line under the heatmaps: the hovered (else the outlined) cell's numbers, or what was loaded */
  function writeReadout() {
    const d = data();
    if (!d) {
      readout.textContent = '';
      return;
    }
    const at = (!v.keyboard && v.hover) || v.focus;
    const i = at.column - 1, j = at.row - 1;
    /* a log10 metric reads as log10 of the ratio, two decimals */
    const log = axisKind() === 'log10';
    const f = i18n.format();
    const show = (/** @type {number | null} */ x) => (log ? cell(x, (y) => f.number(Number(y.toFixed(2)))) : num(x));
    const parts = [t(log ? 'sweep.plane.cell_log10' : 'sweep.plane.cell', {
      col: settingName(d.cols.name), x: valueWords(d.cols, i), row: settingName(d.rows.name), y: valueWords(d.rows, j),
      plain: show(d.plain ? d.plain[j][i] : null), residual: show(d.residual ? d.residual[j][i] : null),
    })];
    parts.push(v.loaded || t('sweep.plane.load_hint'));
    readout.textContent = parts.join(' ');
  }

  /* the text alternative of one heatmap: rows top first (as drawn), one column per value of the first setting */
  function table(/** @type {'plain' | 'residual'} */ a) {
    const d = data();
    const f = i18n.format();
    if (!d) return { caption: t('alt.sweep.none'), head: [], rows: [] };
    const g = d[a];
    const colName = settingName(d.cols.name), rowName = settingName(d.rows.name);
    const head = [t('alt.plane.corner', { row: rowName, col: colName }), ...d.cols.values.map((/** @type {number} */ _, /** @type {number} */ i) => valueWords(d.cols, i))];
    const rows = [];
    for (let j = d.rows.values.length - 1; j >= 0; j--) {
      rows.push([valueWords(d.rows, j), ...d.cols.values.map((/** @type {number} */ _, /** @type {number} */ i) => num(g ? g[j][i] : null))]);
    }
    /* the mean field per value of a weight-scale axis of the columns, as the engine gives it
       (null: infinite, where χ ≥ 1; a gap where it is not defined) */
    const w = d.weight === 0 ? d.cols : null;
    const inf = (/** @type {number | null} */ x, /** @type {number | null} */ chi) => (x !== null && x !== undefined ? f.value(x) : chi !== null && chi !== undefined && chi >= 1 ? '∞' : GAP);
    if (w) {
      rows.push([t('alt.plane.chi'), ...w.chi_mf.map((/** @type {number | null} */ x) => cell(x, f.value))]);
      if (w.depth_6xi) rows.push([t('alt.plane.xi'), ...w.depth_6xi.map((/** @type {number | null} */ x, /** @type {number} */ i) => inf(x, w.chi_mf[i]))]);
      if (w.depth_6xi_c) rows.push([t('alt.plane.xi_c'), ...w.depth_6xi_c.map((/** @type {number | null} */ x, /** @type {number} */ i) => inf(x, w.chi_c ? w.chi_c[i] : null))]);
    }
    const r = v.result;
    const seeds = f.int(r.seeds[1] - r.seeds[0] + 1);
    /* the diverged share is a share of the seeds, not a median over them */
    const share = v.metric === 'diverged_share';
    const parts = [`${t(share ? 'alt.plane.caption_share' : 'alt.plane.caption', {
      stack: t(`stack.${a}`), metric: t(`sweep.metric.${v.metric}`), seeds, steps: f.int(r.steps), col: colName, row: rowName,
    })}.`];
    if (axisKind() === 'log10') parts.push(t('alt.sweep.log10'));
    if (d.overlays.chiOne) parts.push(t('alt.plane.chi_one', { a: short(d.overlays.chiOne.between[0]), b: short(d.overlays.chiOne.between[1]) }));
    if (w) parts.push(t('alt.plane.theory'));
    if (d.weight === 1) parts.push(t('alt.plane.theory_rows'));
    if (v.running) parts.push(t('alt.sweep.partial', { done: f.int(v.done), total: f.int(v.total) }));
    return { caption: withGapNote(parts.join(' '), rows, t('alt.gap')), head, rows };
  }

  /**
   * Both heatmaps as one PNG (a data: URL): side by side, each with its title.
   * @returns {Promise<string | null>}
   */
  async function png() {
    if (!charts.plain || !charts.residual) return null;
    const metric = t(`sweep.metric.${v.metric}`);
    const urls = ARCHS.map((a) => charts[a].png(t('sweep.plane.title', { stack: t(`stack.${a}`), metric })));
    const imgs = await Promise.all(urls.map((u) => new Promise((ok, no) => {
      const im = new Image();
      im.onload = () => ok(im);
      im.onerror = no;
      im.src = u;
    })));
    /* the two heatmaps side by side, the legend under them (one line per item, in the page's direction) */
    const scale = window.devicePixelRatio || 1, lineH = Math.round(20 * scale);
    const out = document.createElement('canvas');
    out.width = imgs.reduce((s, im) => s + im.width, 0);
    const top = Math.max(...imgs.map((im) => im.height));
    out.height = top + lineH * legendItems.length + Math.round(10 * scale);
    const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext('2d'));
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    let x = 0;
    for (const im of imgs) {
      ctx.drawImage(im, x, 0);
      x += im.width;
    }
    const rtl = i18n.lang === 'fa', pad = Math.round(12 * scale), sw = 30 * scale;
    ctx.font = `${Math.round(12 * scale)}px ${getComputedStyle(root).fontFamily}`;
    ctx.fillStyle = '#333333';
    ctx.textBaseline = 'middle';
    ctx.direction = rtl ? 'rtl' : 'ltr';
    ctx.textAlign = rtl ? 'right' : 'left';
    legendItems.forEach((it, k) => {
      const y = top + k * lineH + lineH / 2;
      const sx = rtl ? out.width - pad - sw : pad;
      ctx.drawImage(it.swatch, sx, y - 6 * scale, sw, 12 * scale);
      ctx.fillText(it.text, rtl ? sx - 8 * scale : sx + sw + 8 * scale, y);
    });
    return out.toDataURL('image/png');
  }

  return {
    root, draw, texts, png,
    /** hides the view (a 1-D sweep is shown) */
    hide() {
      root.hidden = true;
    },
    /** the line under the heatmaps says what a click loaded @param {string} text */
    loaded(text) {
      v.loaded = text;
      writeReadout();
    },
    /** a new sweep: the outline back to the first cell, nothing loaded yet */
    reset() {
      v.focus = { column: 1, row: 1 };
      v.hover = null;
      v.loaded = '';
    },
    /** what the tests read: each heatmap's cells, labels and overlays, the outlined cell, the line */
    debug: () => ({
      charts: Object.fromEntries(ARCHS.map((a) => [a, charts[a] ? charts[a].snapshot() : null])),
      overlays: charts.plain ? charts.plain.overlays() : [],
      legend: legendItems.map((it) => it.text),
      focus: { ...v.focus }, readout: readout.textContent, hidden: root.hidden,
    }),
    /** a cell's centre on its canvas (CSS pixels), for a click @param {'plain' | 'residual'} a @param {number} i @param {number} j */
    cellCenter: (a, i, j) => (charts[a] ? charts[a].cellCenter(i + 1, j + 1) : null),
  };
}
