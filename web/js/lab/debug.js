// @ts-check
/*
 * debug.js - the page's test and debug surface, and the only module that
 * writes to window:
 *
 *   window.gradlab        debug() (a copy of what the page shows and holds),
 *                         records(), t(), format(), setLanguage(), applySettings(),
 *                         message(), lessonStep(), setLessonStep(), highlight(),
 *                         tickLabels(chart, axis), show(what) (the time cursor),
 *                         select(sel) (a layer, as lab.select: the layer's card opens),
 *                         pixelOf(chart, what, x) (where a chart draws a point or a cell)
 *   window.GradLabConv    conv mode's debug(), runDegradation(steps), stopDegradation()
 *   window.gradlabLesson  the lesson's debug()
 *   window.GradLabSweep   the Sweep panel's debug(), run(state), cancel(); chain() the chain chart's debug()
 *   window.GradLabDiagram the network diagram's debug(), walk() the walk's debug(), and the walk's
 *                         controls (lab.walk: start, stop, next, previous, go, toggle, state)
 *
 * and the events 'gradlab:language', 'gradlab:configured', 'gradlab:done'
 * and 'gradlab:paused' on document, from the store's changes.  Everything
 * handed out is a copy, never a live object.  docs/page.md lists the fields.
 */
import { recordCopy } from './export.js';
import { isRunning, isFinished } from '../ui/store.js';

/**
 * @param {{
 *   store: import('./state.js').LabStore, history: import('./history.js').History, i18n: import('../ui/i18n.js').I18n,
 *   session: import('./session.js').Session, labCharts: import('./lab-charts.js').LabCharts,
 *   highlight: import('./highlight.js').Highlight, messages: ReturnType<typeof import('../ui/messages.js').createMessages>,
 *   setLanguage: (lang: string) => Promise<void>, schema: () => any, boundaryHidden: () => boolean,
 *   timeline: import('./timeline.js').Timeline,
 *   conv: any, lesson: any, sweep?: any, chain?: any, diagram?: any, walk?: any, layerCard?: {debug: () => any}, distView?: import('./dist-view.js').DistView,
 *   select: (sel: any) => boolean,
 * }} deps
 */
export function mountDebug(deps) {
  const { store, history, i18n, session, labCharts, highlight, messages } = deps;
  /** @type {any} */
  const w = window;

  function debug() {
    const s = store.get();
    const layers = s.layers || [];
    const schema = deps.schema();
    return {
      version: s.version, threads: s.threads, lang: s.lang, phase: s.phase, config: s.config, hide: (s.hide || []).slice(), layers: layers.slice(),
      running: isRunning(s), finished: isFinished(s), records: history.records.length,
      received: history.received, stride: history.stride,
      historyLimit: history.limit, historyBytes: history.bytes, recordBytes: history.recordBytes,
      /* the charts' copies are made when read (a getter): they cost a copy of every chart and make
         the charts lab-charts.js has not made yet; a poll of firstChartAt or phase pays for neither */
      latest: recordCopy(s.latest), get charts() { return labCharts.snapshot(); }, firstChartAt: labCharts.firstChartAt,
      cursor: s.cursor ? { ...s.cursor } : null, shown: recordCopy(s.shown), timeline: deps.timeline.debug(), get cursors() { return labCharts.cursors(); },
      changes: JSON.parse(JSON.stringify(s.changes || [])), get events() { return labCharts.events(); }, selected: s.selected ? { ...s.selected } : null,
      card: deps.layerCard ? deps.layerCard.debug() : null,
      messages: messages.texts(),
      step: s.step,
      highlight: highlight.get(),
      get markers() { return highlight.markers(); },
      settings: s.settings ? JSON.parse(JSON.stringify(s.settings)) : null,
      fields: (s.fields || []).slice(),
      defaults: schema ? schema.defaults() : null,
      dist: deps.distView ? deps.distView.debug() : null,
    };
  }

  w.gradlab = {
    debug,
    t: i18n.t,
    setLanguage: deps.setLanguage,
    applySettings: session.applySettings,
    /* the records kept since the last (re)configure, oldest first, as copies:
       [0] is step 0 measured at configure, [1] the first record of a run (step 0
       with the first update's statistics), the last one the newest */
    records: () => history.records.map(recordCopy),
    format: () => i18n.format(),
    message(/** @type {string} */ kind, /** @type {string} */ title, /** @type {any[]} */ lines = [], /** @type {string | null} */ key = null) {
      messages.show(kind === 'error' ? 'error' : 'info', String(title), lines.map(String), key);
    },
    lessonStep: () => store.get().step,
    setLessonStep: (/** @type {string | null} */ id) => store.update({ step: id ? String(id) : null }),
    highlight: (/** @type {any} */ spec, /** @type {any} */ options) => highlight.set(spec, options),
    /** the record the page shows: 'init', 'end' or a step (timeline.js show) */
    show: (/** @type {'init' | 'end' | number} */ what) => deps.timeline.show(what),
    /** where a chart draws something, in CSS pixels of its canvas: a line chart's point of series
        `what` at x, a heatmap's cell of row `what` (a layer) at x (a step); null if not drawn
        @param {string} chart @param {any} what @param {number} x */
    pixelOf: (chart, what, x) => labCharts.get(chart).pixelOf(what, x),
    /** selects a layer as another view does (lab.select: the network diagram, ...); null clears @param {any} sel */
    select: (sel) => deps.select(sel),
    /** the tick labels Chart.js drew on one axis of one chart (a name of charts.js) @param {string} chart @param {string} axis */
    tickLabels: (chart, axis) => labCharts.get(chart).ticks(axis),
    /** what marks the selected layer: chart 1's rings, each heatmap's outlined row */
    ringed: () => ({
      grad_norm: labCharts.get('grad_norm').rings(),
      heatmap_plain: labCharts.get('heatmap_plain').selectedRow(), heatmap_residual: labCharts.get('heatmap_residual').selectedRow(),
    }),
    /** where data coordinates (x, y) of a registry chart are in the page (CSS pixels, for a click) @param {string} chart @param {number} x @param {number} y */
    pixel(chart, x, y) {
      const e = labCharts.entries.find((en) => en.name === chart);
      if (!e) return null;
      const p = labCharts.get(chart).pixel(x, y), r = document.getElementById(e.canvas)?.getBoundingClientRect();
      return r ? { x: r.left + p.x, y: r.top + p.y } : null;
    },
  };
  if (deps.conv) {
    w.GradLabConv = {
      debug() {
        const d = deps.conv.debug();
        d.strip.boundaryHidden = deps.boundaryHidden();
        return d;
      },
      runDegradation: (/** @type {number | undefined} */ steps) => deps.conv.runDegradation(steps),
      stopDegradation: () => deps.conv.stopDegradation(),
    };
  }
  if (deps.lesson) w.gradlabLesson = { debug: () => deps.lesson.debug() };
  if (deps.sweep && deps.chain) {
    w.GradLabSweep = {
      debug: () => deps.sweep.debug(),
      run: (/** @type {any} */ st, /** @type {any} */ overrides) => deps.sweep.run(st, overrides),
      cancel: () => deps.sweep.cancel(),
      chain: () => deps.chain.debug(),
      /* a plane's cell (column i, row j) on its stack's heatmap, in CSS pixels of the canvas: where a test clicks */
      cellCenter: (/** @type {'plain' | 'residual'} */ arch, /** @type {number} */ i, /** @type {number} */ j) => deps.sweep.cellCenter(arch, i, j),
    };
  }

  if (deps.diagram && deps.walk) {
    const api = deps.walk.api;
    w.GradLabDiagram = {
      debug: () => deps.diagram.debug(),
      walk: () => deps.walk.debug(),
      start: (/** @type {any} */ o) => api.start(o), stop: () => api.stop(), next: () => api.next(), previous: () => api.previous(),
      go: (/** @type {number} */ p) => api.go(p), toggle: () => api.toggle(), state: () => api.state(),
    };
  }

  const emit = (/** @type {string} */ name, /** @type {any} */ detail) => document.dispatchEvent(new CustomEvent(`gradlab:${name}`, { detail }));
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang && prev.lang !== undefined) emit('language', { lang: s.lang });
    if (s.configuredCount !== prev.configuredCount) emit('configured', { config: s.config });
    if (s.phase !== prev.phase && isFinished(s)) emit('done', { steps_done: s.stepsDone });
    if (s.phase !== prev.phase && s.phase === 'paused' && prev.phase === 'running') emit('paused', { steps_done: s.stepsDone });
  });
}
