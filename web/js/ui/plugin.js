// @ts-check
/*
 * plugin.js - the plug-in contract: what main.js hands every plug-in (conv
 * mode, the chain chart, the Sweep panel, the lesson, and the views still
 * to come).  A plug-in is a function mount(ctx) that
 *
 *   - watches the store (lab/state.js State; `configuredCount` after every
 *     configuration, `phase`, `lang`, `latest`, and `shown`: the record
 *     the time cursor shows, which a view of one moment draws),
 *   - listens to its own Worker replies (worker.on) and sends its own
 *     requests (worker.send),
 *   - reaches the lab only through `lab` below,
 *   - owns only the DOM it creates.
 *
 * Types only: nothing here runs (`import('../ui/plugin.js').PluginContext`).
 */

/**
 * The lab's extension points.
 * @typedef {{
 *   applySettings: (partial: Record<string, any>, options?: {run?: boolean, fromDefaults?: boolean,
 *                   changes?: Array<{step: number, settings: Record<string, any>}>}) => void,
 *   addPreparer: (fn: (config: Record<string, any>) => any) => void,
 *   records: () => import('../lab/state.js').LabRecord[],
 *   highlight: (spec: any, options?: {scroll?: boolean}) => any,
 *   message: (kind: 'error' | 'info', title: string, lines?: string[], key?: string | null) => void,
 *   download: (name: string, href: string, revoke?: boolean) => void,
 *   after: Element,
 *   timeline: {show: (what: 'init' | 'end' | number) => void},
 *   select: (sel: import('../lab/selection.js').Selected | null) => boolean,
 *   distributions: {open: () => void},
 *   heatScale: () => {min: number, max: number} | null,
 *   firstChart: Promise<unknown>,
 *   walk?: {start: (options?: {play?: boolean}) => boolean, stop: () => void, next: () => void, previous: () => void,
 *           go: (pos: number) => void, toggle: () => boolean, state: () => {pos: number, playing: boolean, length: number} | null},
 *   sweep?: {run: (state?: Record<string, any>, overrides?: Record<string, any>) => void,
 *            onResult: (fn: (result: any, request: any) => void) => void},
 * }} Lab
 *   applySettings  loads settings as if typed into the controls (fromDefaults: the others take their defaults;
 *                  changes: the run's changes of course, each from its step, held by the Worker)
 *   addPreparer    adds to every configure message (a promise: configure waits for it)
 *   records        copies of the records kept since the last (re)configure, oldest first
 *   highlight      points at a chart ({chart, layer, what}) or clears the pointer (null)
 *   message        a line in the page's message area
 *   download       offers a file (a link in the export card's list, clicked)
 *   after          the element after which a plug-in may insert its cards
 *   timeline.show  the record the page shows: 'init' (step 0 with the first update's statistics),
 *                  'end' (the newest; it then follows new records) or the kept record nearest a step
 *   select         selects a layer of a stack for every per-layer view ({arch, layer}, 1-based; null
 *                  clears); false when the network has no such layer. Watch the store's `selected`
 *   distributions.open  opens the distributions view: from the next configure (or record) on the
 *                  records hold the histograms (hist_pre, ...), which the records count only then
 *   heatScale      the heatmaps' colour range now, {min, max} in log10 grad_norm (null before they hold a
 *                  value): with ui/chart-heatmap.js heatColor and lab/charts.js heatValue, a layer's
 *                  colour as the heatmaps draw it (the network diagram)
 *   firstChart     resolves once the page has drawn its first chart: what a plug-in shows out of sight
 *                  (below the first screen) can be made after it (sweep/chain-chart.js)
 *   walk           the walk through the backward pass (diagram/walk.js; mounted with the diagram):
 *                  start() from the output layer, playing unless {play: false}; stop(); next() and
 *                  previous() one layer towards the input / the output; go(pos) (0 = the output layer);
 *                  toggle() plays or pauses; state() null or {pos, playing, length}. The lesson starts it
 *                  for an experiment whose `walk` is true once its answer is shown
 *   sweep          the Sweep panel's run and result (the lesson's context only)
 */

/**
 * What main.js hands a plug-in.
 * @typedef {{
 *   store: import('../lab/state.js').LabStore,
 *   worker: import('./worker-client.js').WorkerClient,
 *   i18n: import('./i18n.js').I18n,
 *   lab: Lab,
 * }} PluginContext
 */

export {};
