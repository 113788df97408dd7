// @ts-check
/*
 * lab-charts.js - makes and renders the lab's charts from the registry
 * (charts.js): one loop over its entries for each of create, texts (the
 * page's language), reset (a new configuration), append (a record that
 * grows the charts over the steps), render (the record the time cursor
 * shows, timeline.js) and the titles and notes the entries say.  The other modules reach a chart by
 * its name: its wrapper (get), its title (title), its PNG (png), its text
 * alternative (describe); none of them touches Chart.js.
 *
 * Made when needed: the registry's first chart (the gradient norms, at the
 * top of the charts) is made at once; every other chart, out of sight below
 * it, one per task after the first chart has been drawn, or earlier when
 * something asks for it (get, png, snapshot ...).  A chart made late catches
 * up: its texts, the configuration's reset, the records appended since, the
 * record shown.  So the page's start makes and draws one Chart.js chart, not
 * ten, before its first chart (tests/bench/bench_load.mjs; docs/performance.md).
 */
import { $ } from '../ui/dom.js';
import { setup } from '../ui/chart-common.js';
import { CHARTS, entryOf, entriesOf } from './charts.js';
import { courseMarks, markLabel } from './course.js';
import { stepOf } from './timeline.js';

/** @typedef {import('./charts.js').ChartEntry} ChartEntry */
/** @typedef {import('./charts.js').ChartContext} ChartContext */
/** @typedef {import('./state.js').LabRecord} LabRecord */

/**
 * @param {{i18n: import('../ui/i18n.js').I18n, history: import('./history.js').History,
 *          registry?: readonly ChartEntry[], select?: (sel: import('./selection.js').Selected | null) => boolean}} deps
 *   registry: the charts (CHARTS); select: what a click on a chart that can pick a layer calls (selection.js)
 */
export function createLabCharts({ i18n, history, registry = CHARTS, select }) {
  const t = i18n.t;
  /** @type {Record<string, any>} the wrappers by chart name */
  const charts = {};
  /** @type {string[]} */
  let layers = [];
  /** @type {LabRecord | null} the record the charts show (the time cursor's) */
  let record = null;
  /** @type {LabRecord | null} the newest record */
  let latest = null;
  /** @type {import('./state.js').State['cursor']} */
  let cursor = null;
  /** @type {number | null} */
  let firstChartAt = null;
  /** the store's view of the page the charts read: the selected layer, the distributions' quantity,
      the configuration's histogram edges and phi, phi' samples
      @type {{selected: import('./selection.js').Selected | null, quantity: string, histEdges: any, actCurve: any}} */
  let view = { selected: null, quantity: 'hist_pre', histEdges: null, actCurve: null };
  /** @type {import('./course.js').Mark[]} the run's changes of course it has reached */
  let course = [];
  /** the gradient chart's metric (store key gradMetric, GRAD_METRICS of charts.js) */
  let gradMetric = 'weight';

  /** @returns {ChartContext} */
  function context() {
    const fmt = i18n.format();
    const records = history.records;
    return {
      t, fmt, lang: i18n.lang, rtl: i18n.lang === 'fa', layers, history, record, latest, cursor,
      records, index: record ? records.indexOf(record) : -1,
      last: layers.length ? fmt.int(layers.length) : '…',
      layerTip: (x) => {
        const name = layers[Math.round(x) - 1];
        return name ? `${fmt.int(Math.round(x))} · ${name}` : '';
      },
      family: (f) => registry.filter((e) => e.family === f).map((e) => made(e)),
      ...view,
      course, gradMetric,
      marks: course.map((m) => ({ x: m.step, label: markLabel(t, fmt, m) })),
    };
  }

  /** the entries whose chart is not made yet */
  const waiting = new Set(registry);
  /** whether a configuration has reset the charts, and the records appended since (while a chart waits) */
  let wasReset = false;
  /** @type {LabRecord[] | null} */
  let appended = [];
  /** @type {Record<string, Array<(chart: any) => void>>} onMade's functions of the waiting charts */
  const madeHooks = {};

  /** The entry's chart, made now (caught up with the lab) if it was waiting. @param {ChartEntry} e */
  function made(e) {
    if (!waiting.has(e)) return charts[e.name];
    waiting.delete(e);
    const canvas = $(e.canvas);
    const c = charts[e.name] = e.make(canvas, context());
    const pick = e.pick;
    if (pick && select) {
      canvas.addEventListener('click', (/** @type {MouseEvent} */ ev) => {
        const sel = pick(charts[e.name], ev, context());
        if (sel) select(sel);
      });
    }
    const ctx = context();
    e.texts(c, ctx);
    c.setFormat(ctx.fmt, ctx.rtl);
    if (wasReset) {
      if (e.reset) e.reset(c, ctx);
      if (e.append) for (const r of appended || []) e.append(c, r, ctx);
    }
    if (record && e.render) e.render(c, record, ctx);
    for (const fn of madeHooks[e.name] || []) fn(c);
    delete madeHooks[e.name];
    if (!waiting.size) appended = null;
    return c;
  }

  /** the charts made so far, in the registry's order */
  const live = () => registry.filter((e) => !waiting.has(e));

  /** The first chart now; the others after it, or when asked (see the top of this file). */
  function create() {
    setup({ fontFamily: getComputedStyle(document.body).fontFamily, color: '#333' });
    if (registry.length) made(registry[0]);
  }

  /** After the first chart: the waiting charts, one per task, so that input and frames come between. */
  function makeRest() {
    const e = waiting.values().next().value;
    if (!e) return;
    made(e);
    setTimeout(makeRest, 0);
  }

  /** The view's state the charts read (the store's); texts again when the quantity changed.
      @param {{selected?: any, quantity?: string, histEdges?: any, actCurve?: any}} v */
  function setView(v) {
    const q = view.quantity;
    view = { ...view, ...v };
    if (view.quantity !== q) texts();
  }

  /** Axis titles, legends, tick formats and the font (the page's, e.g. Vazirmatn in Persian) in the page's language. */
  function texts() {
    setup({ fontFamily: getComputedStyle(document.body).fontFamily });
    const ctx = context();
    for (const e of live()) e.texts(charts[e.name], ctx);
    for (const e of live()) charts[e.name].setFormat(ctx.fmt, ctx.rtl);
  }

  /** A new configuration: empty charts with its layers. @param {string[]} names */
  function reset(names) {
    layers = names.slice();
    wasReset = true;
    if (appended) appended = [];
    const ctx = context();
    for (const e of live()) if (e.reset) e.reset(charts[e.name], ctx);
    texts();
  }

  /** One record into the charts that grow with the steps. @param {LabRecord} r */
  function append(r) {
    if (appended) appended.push(r);
    const ctx = context();
    for (const e of live()) if (e.append) e.append(charts[e.name], r, ctx);
  }

  /**
   * The charts from the record the time cursor shows (the loss chart and the
   * heatmaps mark its step), their titles and notes.
   * @param {{shown: LabRecord | null, latest: LabRecord | null, cursor: import('./state.js').State['cursor'],
   *          selected?: import('./selection.js').Selected | null, distQuantity?: string,
   *          config?: Record<string, any> | null, changes?: import('./schema.js').Change[], gradMetric?: string}} state
   */
  function render(state) {
    const r = state.shown;
    if (!r) return;
    setView({ selected: state.selected || null, quantity: state.distQuantity || view.quantity });
    record = r;
    latest = state.latest;
    cursor = state.cursor;
    /* the gradient chart's switch moved: its axis title and legend say which gradient (texts) */
    const metric = state.gradMetric || 'weight';
    const switched = metric !== gradMetric;
    gradMetric = metric;
    if (switched) texts();
    /* the changes of course the run has reached (its newest record's step) */
    course = state.config && state.changes && state.latest ? courseMarks(state.config, state.changes, stepOf(state.latest)) : [];
    const ctx = context();
    for (const e of live()) if (e.render) e.render(charts[e.name], r, ctx);
    for (const e of registry) {
      if (e.title) $(e.titleId).textContent = e.title(ctx);
      if (e.note) {
        const text = e.note.text(ctx);
        $(e.note.id).hidden = text === null;
        $(e.note.id).textContent = text || '';
      }
    }
    if (firstChartAt === null) {
      firstChartAt = performance.now();
      setTimeout(makeRest, 0);
    }
  }

  /** a chart's title now (the PNG's): what its entry says, else its title string @param {string} name */
  function title(name) {
    const e = entryOf(registry, name);
    if (!e) return '';
    return e.title ? e.title(context()) : t(e.titleKey);
  }

  /** Every chart's data, as copies, by name (the debug surface). */
  function snapshot() {
    /** @type {Record<string, any>} */
    const out = {};
    for (const e of registry) out[e.name] = made(e).snapshot();
    return out;
  }

  return {
    create, texts, reset, append, render, snapshot, title, setView,
    /** the registry's entries, in the page's order */
    entries: registry,
    /** the chart names, in the page's order */
    names: () => registry.map((e) => e.name),
    /** the entries a name means: that chart, or every chart of that family @param {string} name */
    entriesOf: (name) => entriesOf(registry, name),
    /** a chart's wrapper (ui/chart-*.js) by name, or undefined @param {string} name */
    get: (name) => {
      const e = entryOf(registry, name);
      return e ? made(e) : undefined;
    },
    /**
     * A chart's dataRange() (the heatmaps'): of a chart not made yet, from its entry's range of the
     * records it will be given, so that the network diagram's colours do not make the heatmaps.
     * @param {string} name @returns {{min: number, max: number} | null}
     */
    dataRange(name) {
      const e = entryOf(registry, name);
      if (!e) return null;
      if (waiting.has(e) && e.range) return wasReset && appended ? e.range(appended) : null;
      return made(e).dataRange();
    },
    /** a chart's wrapper if it is made already, else undefined (it will catch up when made) @param {string} name */
    ifMade: (name) => {
      const e = entryOf(registry, name);
      return e && !waiting.has(e) ? charts[name] : undefined;
    },
    /**
     * fn(wrapper) when the chart name is made, now if it is: what a module that draws on a chart
     * (boundary.js) adds to the catch-up (its texts, reset, records and render come first).
     * @param {string} name @param {(chart: any) => void} fn
     */
    onMade(name, fn) {
      const e = entryOf(registry, name);
      if (!e) return;
      if (!waiting.has(e)) fn(charts[name]);
      else (madeHooks[name] = madeHooks[name] || []).push(fn);
    },
    /** a chart as a PNG (a data: URL) with its title @param {string} name */
    png: (name) => made(/** @type {ChartEntry} */ (entryOf(registry, name))).png(title(name)),
    /** a chart's text alternative for the record r (charts.js describe) @param {string} name @param {LabRecord} r */
    describe(name, r) {
      const e = /** @type {ChartEntry} */ (entryOf(registry, name));
      return e.describe(r, Object.assign(context(), { record: r, index: history.records.indexOf(r) }));
    },
    /** the changes of course each chart marks, by name: [{x, label}] (the debug surface) */
    events() {
      /** @type {Record<string, Array<{x: number, label: string}>>} */
      const out = {};
      for (const e of registry) if (made(e).events) out[e.name] = charts[e.name].events();
      return out;
    },
    /** the time cursor's x on each chart that draws one, by name (the debug surface) */
    cursors() {
      /** @type {Record<string, number | null>} */
      const out = {};
      for (const e of registry) if (made(e).cursor) out[e.name] = charts[e.name].cursor();
      return out;
    },
    /** when the charts first showed a record (performance.now()), or null */
    get firstChartAt() {
      return firstChartAt;
    },
  };
}

/** @typedef {ReturnType<typeof createLabCharts>} LabCharts */
