// @ts-check
/*
 * chart-text.js - every chart's text alternative: a visually hidden table
 * of the numbers the chart shows now, from the engine's latest record and
 * the page's formatters, which a screen reader reaches after the chart (the
 * canvas is aria-describedby its table).  Per layer for charts 1, 3 and 4
 * (grad_norm, the heatmap's newest column, saturation, update_ratio), per
 * stack for chart 2 (loss, accuracy) and the decision boundaries.  Rewritten
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
import { ARCHS } from './history.js';
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

/** chart name -> its canvas id and what its table lists */
const CHARTS = /** @type {const} */ ({
  grad: { canvas: 'chart-grad', kind: 'layers', field: 'grad_norm' },
  loss: { canvas: 'chart-loss', kind: 'stacks' },
  sat: { canvas: 'chart-sat', kind: 'layers', field: 'saturation' },
  update: { canvas: 'chart-update', kind: 'layers', field: 'update_ratio' },
  heatPlain: { canvas: 'chart-heat-plain', kind: 'layers', field: 'grad_norm', arch: 'plain' },
  heatResidual: { canvas: 'chart-heat-residual', kind: 'layers', field: 'grad_norm', arch: 'residual' },
  boundaryPlain: { canvas: 'chart-boundary-plain', kind: 'stacks', arch: 'plain' },
  boundaryResidual: { canvas: 'chart-boundary-residual', kind: 'stacks', arch: 'residual' },
});

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
 * @param {{i18n: import('../ui/i18n.js').I18n, history: import('./history.js').History}} deps
 */
export function createChartText({ i18n, history }) {
  const t = i18n.t;
  /** @type {Record<string, HTMLElement>} */
  const boxes = {};
  for (const [name, c] of Object.entries(CHARTS)) boxes[name] = attach($(c.canvas));
  let last = 0, shown = /** @type {any} */ (null), lang = '';

  /** @param {import('../ui/store.js').State} state */
  function render(state) {
    const r = state.latest;
    if (!r || !r.plain) return;
    const now = performance.now();
    if (r === shown && lang === i18n.lang) return;
    if (isRunning(state) && now - last < ALT_MS) return;
    last = now;
    shown = r;
    lang = i18n.lang;
    const f = i18n.format();
    const num = (/** @type {any} */ v) => cell(v, f.value);
    const stackName = (/** @type {string} */ a) => t(`stack.${a}`);
    for (const [name, c] of Object.entries(CHARTS)) {
      const archs = 'arch' in c ? [c.arch] : ARCHS;
      const box = boxes[name];
      if (c.kind === 'layers') {
        /* update_ratio: the newest record that made an update (lab-charts.js shows the same) */
        const src = (/** @type {import('../ui/store.js').Arch} */ a) => (c.field === 'update_ratio' ? history.latestWithUpdate(a) : r[a]);
        const step = src(archs[0]) ? src(archs[0]).step : r.plain.step;
        const rows = state.layers.map((/** @type {string} */ layer, /** @type {number} */ i) => [`${f.int(i + 1)} · ${layer}`,
          ...archs.map((a) => {
            const s = src(a);
            if (!s) return GAP;
            if (c.field === 'grad_norm' && s.underflow && s.underflow[i] === 1) return t('alt.underflow');
            return c.field === 'saturation' ? f.percent(s.saturation[i]) : num(s[c.field][i]);
          })]);
        write(box, { head: [t('alt.layer'), ...archs.map(stackName)], rows,
          caption: t('alt.caption', { what: t(`alt.field.${c.field}`), step: f.int(step) }) });
      } else {
        const rows = archs.map((a) => {
          const s = r[a];
          return [stackName(a), f.int(s.step), num(s.loss), f.percent(s.acc),
            ...(r.plain.test_acc !== undefined && r.plain.test_acc !== null ? [num(s.test_loss), f.percent(s.test_acc)] : [])];
        });
        const head = [t('alt.stack'), t('alt.step'), t('alt.loss'), t('alt.acc'),
          ...(r.plain.test_acc !== undefined && r.plain.test_acc !== null ? [t('alt.test_loss'), t('alt.test_acc')] : [])];
        write(box, { head, rows, caption: t('alt.caption_stacks', { step: f.int(r.plain.step) }) });
      }
    }
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
