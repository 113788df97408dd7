// @ts-check
/*
 * chart-text.js - every chart's text alternative: a visually hidden table
 * of the numbers the chart shows now, in the page's language and
 * formatters, which a screen reader reaches after the chart (the canvas is
 * aria-describedby its table).  The lab's charts: each entry of the
 * registry (charts.js) says its table (describe: per layer for grad_norm,
 * the heatmaps, saturation, update_ratio; per stack for loss and accuracy
 * and the decision boundaries).  Rewritten
 * at most every ALT_MS while training (a table that changes on every frame
 * is unreadable) and at once when the lab stops.  Owns the .chart-text
 * elements it adds after each .chart-box.
 *
 * The charts of the plug-ins (the chain chart, the Sweep chart, conv mode's
 * degradation chart) keep their own numbers: each registers its canvas with
 * describeChart() and a function that returns {caption, head, rows} from its
 * own model, already in the page's language and formatters; this module only
 * writes that table and keeps to the same pace (ALT_MS while busy).
 *
 *   const alt = describeChart(canvas, () => ({caption, head: ['Layer', ...], rows: [['1 · dense', '0.31', ...]]}),
 *                             { busy: () => running });
 *   alt.update();        // the data or the language changed
 */
import { $, el } from '../ui/dom.js';
import { isRunning } from '../ui/store.js';

export const ALT_MS = 2000;
/** a cell whose number the chart cannot draw (not measured, not finite, or <= 0 on a log axis) */
export const GAP = '–';

/**
 * A number as its chart shows it, or GAP.
 * @param {number | null | undefined} v @param {(v: number) => string} format
 */
export function cell(v, format) {
  return typeof v === 'number' && Number.isFinite(v) ? format(v) : GAP;
}

/**
 * The caption, followed by `note` (what a GAP means) when a row has one.
 * @param {string} caption a phrase, or sentences ending in '.' @param {string[][]} rows @param {string} note
 */
export function withGapNote(caption, rows, note) {
  return rows.some((r) => r.includes(GAP)) ? `${caption.replace(/\.$/, '')}. ${note}` : caption;
}

/**
 * A chart's table: a caption, the column heads and rows whose first cell
 * names the row (a row header).  No rows: the caption alone, as a sentence.
 * @typedef {{caption: string, head: string[], rows: string[][]}} ChartTable
 */

/**
 * The hidden box after a canvas's .chart-box, and the canvas described by it.
 * @param {HTMLElement} canvas @returns {HTMLElement}
 */
function attach(canvas) {
  const box = el('div', { class: 'sr-only chart-text', id: `text-${canvas.id}` });
  /** @type {Element} */ (canvas.parentElement).after(box);
  canvas.setAttribute('aria-describedby', box.id);
  return box;
}

/** @param {HTMLElement} box @param {ChartTable} data */
function write(box, { caption, head, rows }) {
  box.textContent = '';
  if (!rows.length) {
    box.append(el('p', { text: caption }));
    return;
  }
  box.append(el('table', {},
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, el('th', { scope: 'row', text: r[0] }), ...r.slice(1).map((v) => el('td', { text: v })))))));
}

/**
 * A plug-in's chart: a hidden table after its .chart-box, written from
 * `data()` (the owner's numbers, formatted by the owner) whenever the owner
 * calls update(): at once, or while `busy()` (training, a sweep running) at
 * most every ALT_MS, the last call written when its turn comes.
 * @param {HTMLElement} canvas inside a .chart-box, with an id
 * @param {() => ChartTable} data
 * @param {{busy?: () => boolean}} [options]
 */
export function describeChart(canvas, data, options = {}) {
  const box = attach(canvas);
  const busy = options.busy || (() => false);
  let last = -Infinity, timer = 0;
  function now() {
    if (timer) window.clearTimeout(timer);
    timer = 0;
    last = performance.now();
    write(box, data());
  }
  return {
    box,
    update() {
      const wait = last + ALT_MS - performance.now();
      if (!busy() || wait <= 0) now();
      else if (!timer) timer = window.setTimeout(now, wait);
    },
  };
}

/**
 * The lab's charts (the registry, charts.js): each canvas described by its
 * entry's table of the record shown.
 * @param {{i18n: import('../ui/i18n.js').I18n, labCharts: import('./lab-charts.js').LabCharts}} deps
 */
export function createChartText({ i18n, labCharts }) {
  /** @type {Record<string, HTMLElement>} */
  const boxes = {};
  for (const e of labCharts.entries) boxes[e.name] = attach($(e.canvas));
  let last = 0, shown = /** @type {any} */ (null), lang = '', metric = '';

  /** @param {import('./state.js').State} state */
  function render(state) {
    const r = state.shown;
    if (!r || !r.plain) return;
    const now = performance.now();
    /* the gradient chart's switch changes what its table holds */
    if (r === shown && lang === i18n.lang && metric === state.gradMetric) return;
    if (isRunning(state) && now - last < ALT_MS) return;
    last = now;
    shown = r;
    lang = i18n.lang;
    metric = state.gradMetric;
    for (const e of labCharts.entries) write(boxes[e.name], labCharts.describe(e.name, r));
  }

  return {
    render,
    /** the page's language changed: rewrite now */
    texts() {
      lang = '';
      last = 0;
    },
  };
}
