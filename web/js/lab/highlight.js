// @ts-check
/*
 * highlight.js - the lesson's "look here": spec = {chart, layer, what} from
 * experiments.json (`chart`: a name or family of the registry, charts.js:
 * grad_norm, loss, heatmap, saturation, update_ratio, boundary; or a
 * plug-in's card `card-<chart>`: chain, sweep; `layer`: 1, 'last' or null).
 * The chart's card is outlined (it pulses a few times) and scrolled into
 * view, and the layer is marked on the charts of those cards whose entry
 * says how (`mark`).  A new configuration clears it.  Owns the lesson-focus
 * class on the lab's cards.
 */
import { $ } from '../ui/dom.js';
import { ARCHS } from './history.js';
import { hasDiverged } from './stacks.js';

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
 * @param {{store: import('./state.js').LabStore, labCharts: import('./lab-charts.js').LabCharts,
 *          i18n: import('../ui/i18n.js').I18n, markDirty: () => void}} deps
 */
export function createHighlight({ store, labCharts, i18n, markDirty }) {
  /** @type {any} */
  let current = null;

  /** the cards of a chart: its registry entries' (a family: every member's), else a plug-in's card-<name> @param {string} key */
  function chartCards(key) {
    const entries = labCharts.entriesOf(key);
    if (entries.length) return entries.map((e) => e.card);
    return document.getElementById(`card-${key}`) ? [`card-${key}`] : [];
  }

  function cardsOf(/** @type {any} */ spec) {
    const ids = chartCards(chartKey(spec));
    /* a diverged run: first the stack cards with their banners (step and layer), then the chart */
    const latest = store.get().latest;
    if (spec.what === 'diverged') ids.unshift(...ARCHS.filter((a) => latest && hasDiverged(latest[a])).map((a) => `stack-${a}`));
    return ids;
  }

  /** the layer marked on every chart that can mark one and whose card is highlighted */
  function setMarkers(/** @type {any} */ h) {
    const x = h ? h.x : null;
    const t = i18n.t;
    const label = x === null ? ''
      : h.layer === 'last' ? t('lesson.mark_last')
        : x === 1 ? t('lesson.mark_first') : t('lesson.mark_layer', { layer: i18n.format().int(x) });
    for (const e of labCharts.entries) {
      if (!e.mark) continue;
      const on = x !== null && h.cards.includes(e.card);
      /* a chart not made yet has no marker to clear */
      const chart = on ? labCharts.get(e.name) : labCharts.ifMade(e.name);
      if (chart) chart.setMarker(on ? (e.mark === 'row' ? { row: x, label } : { x, label }) : null);
    }
    markDirty();
  }

  /**
   * Points at a chart, or clears the pointer (spec null); returns what is highlighted.
   * @param {any} spec @param {{scroll?: boolean}} [options]
   */
  function set(spec, { scroll = true } = {}) {
    for (const c of document.querySelectorAll('.lesson-focus')) c.classList.remove('lesson-focus');
    current = null;
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
    /** the markers on the charts that can mark a layer, by chart name (the debug surface) */
    markers() {
      /** @type {Record<string, any>} */
      const out = {};
      for (const e of labCharts.entries) if (e.mark) out[e.name] = labCharts.get(e.name).marker();
      return out;
    },
  };
}

/** @typedef {ReturnType<typeof createHighlight>} Highlight */
