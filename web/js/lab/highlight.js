// @ts-check
/*
 * highlight.js - the lesson's "look here": spec = {chart, layer, what} from
 * experiments.json (`chart`: grad_norm, loss, heatmap, saturation,
 * update_ratio, boundary; `layer`: 1, 'last' or null).  The chart's card is
 * outlined (it pulses a few times) and scrolled into view, and the layer is
 * marked on that card's charts that have a layer axis.  A new configuration
 * clears it.  Owns the lesson-focus class on the lab's cards.
 */
import { $ } from '../ui/dom.js';
import { ARCHS } from './history.js';
import { HEAT } from './lab-charts.js';
import { hasDiverged } from './stacks.js';

/** the cards of each chart the lesson can point at */
export const CHART_CARDS = Object.freeze({
  grad_norm: ['card-grad'],
  loss: ['card-loss'],
  heatmap: ['card-heat-plain', 'card-heat-residual'],
  saturation: ['card-sat'],
  update_ratio: ['card-update'],
  boundary: ['card-boundary-plain', 'card-boundary-residual'],
  chain: ['card-chain'],
  sweep: ['card-sweep'],
});

/**
 * The chart a spec means: chart 4 is two cards, and `what` mentioning the
 * update means the update ratio's.
 * @param {{chart: string, what?: string | null}} spec
 */
export function chartKey(spec) {
  if (spec.chart === 'saturation' && /update/.test(spec.what || '')) return 'update_ratio';
  return spec.chart;
}

/**
 * The layer to mark (1-based), or null.
 * @param {number | string | null | undefined} layer @param {number} n the layer count
 */
export function layerOf(layer, n) {
  if (layer === 'last') return n || null;
  const k = Number(layer);
  return layer !== null && layer !== undefined && Number.isInteger(k) && k >= 1 && k <= n ? k : null;
}

/**
 * @param {{store: import('../ui/store.js').Store, labCharts: import('./lab-charts.js').LabCharts,
 *          i18n: import('../ui/i18n.js').I18n, markDirty: () => void}} deps
 */
export function createHighlight({ store, labCharts, i18n, markDirty }) {
  const charts = labCharts.charts;
  /** @type {any} */
  let current = null;

  function cardsOf(/** @type {any} */ spec) {
    const ids = (/** @type {Record<string, string[]>} */ (CHART_CARDS)[chartKey(spec)] || []).slice();
    /* a diverged run: first the stack cards with their banners (step and layer), then the chart */
    const latest = store.get().latest;
    if (spec.what === 'diverged') ids.unshift(...ARCHS.filter((a) => latest && hasDiverged(latest[a])).map((a) => `stack-${a}`));
    return ids;
  }

  function setMarkers(/** @type {any} */ h) {
    const x = h ? h.x : null;
    const t = i18n.t;
    const label = x === null ? ''
      : h.layer === 'last' ? t('lesson.mark_last')
        : x === 1 ? t('lesson.mark_first') : t('lesson.mark_layer', { layer: i18n.format().int(x) });
    const on = (/** @type {string} */ id) => x !== null && h.cards.includes(id);
    charts.grad.setMarker(on('card-grad') ? { x, label } : null);
    charts.sat.setMarker(on('card-sat') ? { x, label } : null);
    charts.update.setMarker(on('card-update') ? { x, label } : null);
    for (const a of ARCHS) charts[/** @type {any} */ (HEAT)[a]].setMarker(on(`card-heat-${a}`) ? { row: x, label } : null);
    markDirty();
  }

  /**
   * Points at a chart, or clears the pointer (spec null); returns what is highlighted.
   * @param {any} spec @param {{scroll?: boolean}} [options]
   */
  function set(spec, { scroll = true } = {}) {
    for (const c of document.querySelectorAll('.lesson-focus')) c.classList.remove('lesson-focus');
    current = null;
    if (!charts.grad) return null;
    if (!spec || !spec.chart) {
      setMarkers(null);
      return null;
    }
    const cards = cardsOf(spec);
    current = { chart: spec.chart, layer: spec.layer === undefined ? null : spec.layer, what: spec.what || null, cards, x: layerOf(spec.layer, store.get().layers.length) };
    const els = cards.map($).filter(Boolean);
    for (const e of els) {
      void e.offsetWidth; /* restarts the pulse when the same card is highlighted again */
      e.classList.add('lesson-focus');
    }
    setMarkers(current);
    if (scroll && els[0]) {
      const smooth = !(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
      els[0].scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
    }
    return Object.assign({}, current);
  }

  store.watch((s) => s.configuredCount, () => set(null));

  return {
    set,
    /** what is highlighted now (a copy), or null */
    get: () => (current ? Object.assign({}, current) : null),
    /** the markers again, in the page's language */
    texts: () => { if (current) setMarkers(current); },
    /** the markers on the charts (the debug surface) */
    markers: () => (charts.grad ? {
      grad: charts.grad.marker(), sat: charts.sat.marker(), update: charts.update.marker(),
      heatPlain: charts.heatPlain.marker(), heatResidual: charts.heatResidual.marker(),
    } : {}),
  };
}

/** @typedef {ReturnType<typeof createHighlight>} Highlight */
