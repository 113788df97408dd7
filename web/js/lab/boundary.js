// @ts-check
/*
 * boundary.js - the decision-boundary cards: the plot's extent (the data's,
 * plus a margin: drawing only), predict requests to the Worker (at most one
 * in flight; every PREDICT_MS while training, once after a step or a stop),
 * and the probability images they bring back.  2-D data only: other data
 * get a note, and image data (the digits) hide the cards, whose place the
 * conv mode's strip takes.  Owns #card-boundary-* and [data-boundary-note].
 */
import { $ } from '../ui/dom.js';
import { ARCHS } from './history.js';
import { isRunning } from '../ui/store.js';

export const GRID = 48;          /* GRID x GRID predictions */
export const PREDICT_MS = 500;   /* refresh while training */

/**
 * The plot's extent [x0, x1, y0, y1]: the points' range plus 8% each side, 6 digits.
 * @param {{n: number, x: ArrayLike<number>}} d 2-D data, x row-major n x 2
 */
export function extentOf(d) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < d.n; i++) {
    const x = d.x[2 * i], y = d.x[2 * i + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const mx = (x1 - x0) * 0.08 || 1, my = (y1 - y0) * 0.08 || 1;
  return [x0 - mx, x1 + mx, y0 - my, y1 + my].map((v) => Number(v.toPrecision(6)));
}

/**
 * @param {{store: import('./state.js').LabStore, worker: import('../ui/worker-client.js').WorkerClient,
 *          labCharts: import('./lab-charts.js').LabCharts, i18n: import('../ui/i18n.js').I18n}} deps
 */
export function mountBoundary({ store, worker, labCharts, i18n }) {
  /* the charts are made when they are needed (lab-charts.js): what they show is kept here and
     drawn on a chart made later (draw, onMade) */
  const chartOf = (/** @type {string} */ a) => labCharts.ifMade(`boundary_${a}`);
  /** @type {number[] | null} */
  let bounds = null;
  /** the data's points (2-D data), or null @type {{xs: Float64Array, ys: Float64Array, y: any} | null} */
  let points = null;
  /** the last predicted grid of each stack: setProbabilities' arguments @type {Record<string, [number, number, number, any]>} */
  let grids = {};

  /** a chart from what is kept: the points, the last grid @param {string} a @param {any} f */
  function draw(a, f) {
    f.clearImage();
    if (points) {
      f.setBounds(bounds);
      f.setPoints(points.xs, points.ys, points.y);
    } else {
      f.setPoints([], [], []);
    }
    const g = grids[a];
    if (g) f.setProbabilities(...g);
    f.render();
  }
  for (const a of ARCHS) labCharts.onMade(`boundary_${a}`, (f) => draw(a, f));
  const predict = { pending: false, wanted: false, timer: /** @type {any} */ (0) };

  function note() {
    const d = store.get().data;
    for (const n of document.querySelectorAll('[data-boundary-note]')) n.textContent = i18n.t('chart.boundary.not2d', { d: d ? d.d : '?' });
  }

  function reset() {
    const { data: d, config } = store.get();
    const notes = /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-boundary-note]'));
    const images = !!config && config.data === 'digits';
    for (const a of ARCHS) $(`card-boundary-${a}`).hidden = images;
    grids = {};
    if (!d || d.d !== 2) {
      bounds = null;
      points = null;
      for (const n of notes) n.hidden = false;
      note();
    } else {
      for (const n of notes) n.hidden = true;
      const xs = new Float64Array(d.n), ys = new Float64Array(d.n);
      for (let i = 0; i < d.n; i++) {
        xs[i] = d.x[2 * i];
        ys[i] = d.x[2 * i + 1];
      }
      bounds = extentOf(d);
      points = { xs, ys, y: d.y };
    }
    for (const a of ARCHS) {
      const f = chartOf(a);
      if (f) draw(a, f);
    }
  }

  function request(force = false) {
    if (!bounds || !store.get().config) return;
    if (predict.pending && !force) {
      predict.wanted = true;
      return;
    }
    predict.pending = true;
    predict.wanted = false;
    worker.send({ type: 'predict', nx: GRID, ny: GRID, bounds });
  }

  worker.on('boundary', (m) => {
    predict.pending = false;
    if (!bounds || m.bounds.some((/** @type {number} */ v, /** @type {number} */ i) => v !== /** @type {number[]} */ (bounds)[i])) return;
    for (const a of ARCHS) {
      const grid = m.grids[a];
      if (!grid) continue;
      grids[a] = [m.nx, m.ny, m.classes, grid];
      const f = chartOf(a);
      if (!f) continue;
      f.setProbabilities(m.nx, m.ny, m.classes, grid);
      f.render();
    }
    if (predict.wanted) request();
  });
  worker.on('error:predict', () => { predict.pending = false; });
  /* a step's records (not a running stream): the boundary after them */
  worker.on('stats', (m) => { if (!m.running && !isRunning(store.get())) request(); });

  function stopTimer() {
    if (predict.timer) clearInterval(predict.timer);
    predict.timer = 0;
  }

  store.watch((s) => s.configuredCount, () => {
    stopTimer();
    reset();
    /* after the next frame, which draws the configuration's first chart: the engine's prediction
       would share the machine's cores with that drawing */
    requestAnimationFrame(() => setTimeout(() => request(true), 0));
  });
  /* training: a refresh every PREDICT_MS; a stop (pause, the end): once more */
  store.watch((s) => s.phase, (phase) => {
    if (phase === 'running') {
      stopTimer();
      predict.timer = setInterval(() => request(), PREDICT_MS);
    } else if (phase !== 'configuring') {
      const was = predict.timer;
      stopTimer();
      if (was || phase === 'finished' || phase === 'diverged') request();
    }
  });

  return {
    /** the cards are hidden (image data) */
    hidden: () => ARCHS.every((a) => $(`card-boundary-${a}`).hidden),
    /** the note in the page's language (non-2-D data); the charts redraw their texts */
    texts() {
      const d = store.get().data;
      if (d && d.d !== 2) note();
      for (const a of ARCHS) {
        const f = chartOf(a);
        if (f) f.render();
      }
    },
  };
}
