// @ts-check
/*
 * main.js - the composition root: the only module that imports the lab's
 * parts and wires them together.  It creates the store, i18n, the history
 * and the Worker client; when the engine is ready (its settings table) it
 * builds the settings form, loads the link's state and configures; it mounts
 * the plug-ins (conv mode, the lesson) with the store, the Worker client,
 * i18n and the lab's extension points, and the debug surface last.
 *
 *   index.html -> js/boot.js (the Worker and the strings, started early),
 *   vendor scripts, js/engine/protocol.js, then this module.  The lesson
 *   (and with it KaTeX) is imported after the first chart.
 */
import { Protocol, boot } from './vendor.js';
import { $, download } from './ui/dom.js';
import { createStore } from './ui/store.js';
import { createI18n } from './ui/i18n.js';
import { createMessages } from './ui/messages.js';
import { createWorkerClient } from './ui/worker-client.js';
import { create as createSchema, LANGS } from './lab/schema.js';
import { FIXED } from './lab/settings-rules.js';
import { createSettingsForm } from './lab/settings-form.js';
import { createHistory } from './lab/history.js';
import { createSession } from './lab/session.js';
import { createLabCharts } from './lab/lab-charts.js';
import { createStacks } from './lab/stacks.js';
import { createChartText } from './lab/chart-text.js';
import { createFrame } from './ui/frame.js';
import { mountRunControls } from './lab/run-controls.js';
import { mountBoundary } from './lab/boundary.js';
import { mountExport } from './lab/export.js';
import { createHighlight } from './lab/highlight.js';
import { mountUrl } from './lab/url.js';
import { applyPageText } from './lab/page-text.js';
import { mountDebug } from './lab/debug.js';
import { mountTimeline } from './lab/timeline.js';
import { createSelection } from './lab/selection.js';
import { mountDistView } from './lab/dist-view.js';
import { mountCourse } from './lab/course.js';
import { mountLayerCard } from './lab/layer-card.js';
import { startOffline } from './lab/offline.js';
import { mountConvMode } from './conv/conv-mode.js';
import { mountChainChart } from './sweep/chain-chart.js';
import { mountSweepPanel } from './sweep/sweep-panel.js';
import { mountDiagram } from './diagram/diagram.js';
import { mountWalk } from './diagram/walk.js';
import { heatScale } from './lab/charts.js';
import { URL_KEYS as SWEEP_KEYS, decodeState as decodeSweep, encodeState as encodeSweep } from './sweep/sweep-model.js';

/* the way to the first chart, for tests/bench/bench_load.mjs: performance marks
   gradlab:main (this module runs), gradlab:wired (it has run; boot.js's
   gradlab:engine: the engine's first reply), gradlab:ready (the table is handled),
   gradlab:configure (the first configure is sent), gradlab:built (the settings form and the
   page's words are built), gradlab:configured (the configure's reply) */
performance.mark('gradlab:main');

/** @param {string} url */
async function fetchJson(url) {
  const early = boot ? boot.fetched(url) : null;
  if (early) return early;
  const r = await fetch(url, { cache: 'no-cache' });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

/** the language before the engine's table is there: the link's, else the browser's */
function firstLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && LANGS.includes(asked)) return asked;
  return (navigator.language || '').toLowerCase().startsWith('fa') ? 'fa' : 'en';
}

/** @type {import('./lab/state.js').LabStore} */
const store = createStore({ hide: [], step: null, predict: null, pending: 0, configuredCount: 0, received: 0, layers: [], fields: [], config: null, latest: null, csv: null, sweep: null, cursor: null, shown: null, selected: null, gradMetric: 'weight', changes: [], blockLayers: { plain: [], residual: [] }, walk: null });
const i18n = createI18n(fetchJson);
const stringsLoaded = i18n.load(firstLanguage());
const messages = createMessages(i18n);
const history = createHistory();
/* the selected layer (selection.js): a click on a chart that can pick one selects it */
const selection = createSelection({ store });
const labCharts = createLabCharts({ i18n, history, select: selection.select });
labCharts.create();
const stacks = createStacks({ i18n });
const chartText = createChartText({ i18n, labCharts });

/* the engine's Worker: boot.js started it before these modules arrived (it posts `ready` unasked) */
const port = { postMessage: (/** @type {any} */ m) => { if (raw) raw.postMessage(m); }, onmessage: /** @type {any} */ (null) };
const worker = createWorkerClient(port, Protocol);
/** @param {ErrorEvent} ev */
const onWorkerError = (ev) => {
  ev.preventDefault();
  messages.show('error', i18n.t('msg.worker_error'), [ev.message || 'unknown error']);
};
/** @type {Worker | null} */
let raw = null;
/** @type {any} */
let startError = null;
if (boot) ({ worker: raw, error: startError } = boot);
else {
  try {
    raw = new Worker('js/engine/worker.js');
    raw.onmessage = (ev) => port.onmessage(ev);
    raw.onerror = onWorkerError;
  } catch (e) {
    startError = e;
  }
}
if (!raw) {
  stringsLoaded.then(() => messages.show('error', i18n.t('msg.engine_failed'), [startError ? /** @type {Error} */ (startError).message : 'no Worker']));
  store.update({ phase: 'failed' });
}

const session = createSession({ store, worker, history, i18n, messages });
const controls = mountRunControls({ store, session, i18n });
const exporter = mountExport({ store, history, labCharts, i18n });
/* the first charted step, once the settings form is built too (the first configure goes out
   before it): the service worker registers and the lesson loads only after both */
/** @type {() => void} */
let firstChartSeen = () => {};
/** @type {() => void} */
let pageBuilt = () => {};
const firstChart = Promise.all([new Promise((ok) => { firstChartSeen = () => ok(undefined); }), new Promise((ok) => { pageBuilt = () => ok(undefined); })]);
const frame = createFrame(store, [(s) => {
  labCharts.render(s);
  if (labCharts.firstChartAt !== null) firstChartSeen();
}, (s) => stacks.render(s), (s) => controls.render(s), () => exporter.render(), (s) => chartText.render(s)]);
session.onRecord((r) => {
  labCharts.append(r);
  frame.markDirty();
});
store.watch((s) => s.configuredCount, (n, s) => {
  if (n === 1) performance.mark('gradlab:configured');
  labCharts.setView({ histEdges: s.histEdges || null, actCurve: s.actCurve || null });
  labCharts.reset(s.layers);
  if (s.latest) labCharts.append(s.latest);
});
const boundary = mountBoundary({ store, worker, labCharts, i18n });
const timeline = mountTimeline({ store, history, i18n });
const distView = mountDistView({ store, worker, i18n, select: selection.select, addPreparer: session.addPreparer, markDirty: frame.markDirty });
const layerCard = mountLayerCard({ store, i18n, selection, labCharts, history });
/* the gradient chart's switch: the weight gradients or the back-propagated ones (charts.js GRAD_METRICS) */
const gradMetric = /** @type {HTMLSelectElement} */ ($('grad-metric'));
gradMetric.addEventListener('change', () => store.update({ gradMetric: gradMetric.value === 'backprop' ? 'backprop' : 'weight' }));
store.watch((s) => s.gradMetric, (m) => {
  gradMetric.value = m;
  frame.markDirty();
});
const highlight = createHighlight({ store, labCharts, i18n, markDirty: frame.markDirty });
const url = mountUrl({ store, i18n, messages, extra: (s) => (s.sweep ? encodeSweep(s.sweep) : {}) });
if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => frame.markDirty());

/** @type {any} */
let schema = null;
/** @type {ReturnType<typeof createSettingsForm> | null} */
let form = null;

/** Every text the lab's own modules show, in the page's language. */
function retranslate() {
  const s = store.get();
  applyPageText(i18n, { version: s.version, threads: s.threads });
  controls.texts();
  timeline.texts();
  if (form) form.texts();
  labCharts.texts();
  chartText.texts();
  highlight.texts();
  frame.markDirty();
  boundary.texts();
}

/** @param {string} lang */
async function setLanguage(lang) {
  if (!LANGS.includes(lang)) return;
  await i18n.load(lang);
  retranslate();
  store.update({ lang });
  offline.setLanguage(lang);
}
$('lang-select').addEventListener('change', () => setLanguage($('lang-select').value));

/* offline use: the service worker, the manifest of the page's language, the new-version prompt */
const offline = startOffline({ t: (key) => i18n.t(key), host: $('sw-update'), status: $('offline-status'), after: firstChart, lang: firstLanguage() });

/* the plug-ins: they see the store, the Worker client, i18n and these extension points */
const lab = {
  applySettings: session.applySettings,
  addPreparer: session.addPreparer,
  records: () => history.records.map((r) => r),
  highlight: highlight.set,
  message: messages.show,
  download,
  after: /** @type {Element} */ (document.querySelector('.grid2.per-stack')),
  timeline: { show: timeline.show },
  select: selection.select,
  heatScale: () => heatScale(labCharts.entriesOf('heatmap').map((e) => ({ dataRange: () => labCharts.dataRange(e.name) }))),
  distributions: { open: distView.open },
  firstChart,
};
const conv = mountConvMode({ store, worker, i18n, lab });
/* the network drawn, and the walk through its backward pass in the same card */
const diagram = mountDiagram({ store, worker, i18n, lab });
const walk = mountWalk({ store, worker, i18n, lab, host: diagram.walkHost });
/** @type {import('./ui/plugin.js').Lab} */ (lab).walk = walk.api;
const chain = mountChainChart({ store, worker, i18n, lab });
const sweep = mountSweepPanel({ store, worker, i18n, lab });
/* the lesson (its modules, content and KaTeX) loads once the first chart is drawn, or the engine failed */
/** @type {any} */
let lessonApi = null;
const lesson = { debug: () => (lessonApi ? lessonApi.debug() : { lang: null, step: null, index: 0, active: null, results: {}, quiz: {}, loading: true }) };
const engineFailed = new Promise((ok) => { store.watch((s) => s.phase, (p) => { if (p === 'failed') ok(undefined); }); });
Promise.race([firstChart, engineFailed]).then(() => import('./lesson/lesson.js')).then((m) => {
  /* the lesson runs its sweep experiments through the panel */
  lessonApi = m.mountLesson({ store, worker, i18n, lab: { ...lab, sweep: { run: sweep.run, onResult: sweep.onResult } } });
}, (e) => messages.show('error', i18n.t('lesson.load_failed'), [/** @type {Error} */ (e).message], 'lesson'));
mountDebug({
  store, history, i18n, session, labCharts, highlight, messages, setLanguage, timeline,
  schema: () => schema, boundaryHidden: boundary.hidden, conv, lesson, sweep, chain, diagram, walk, layerCard, select: selection.select, distView,
});

worker.on('ready', async (m) => {
  performance.mark('gradlab:ready');
  controls.setSpeeds(m.speeds, m.speed);
  schema = createSchema(m.settings, { fixed: FIXED, notFromUrl: { data: ['csv'] }, pageKeys: [...SWEEP_KEYS], hidePanels: ['sweep'] });
  session.setSchema(schema);
  url.setSchema(schema);
  const decoded = schema.decode(location.search);
  const sweepLink = decodeSweep(decoded.extra);
  decoded.messages.push(...sweepLink.messages);
  store.update({ settings: m.settings, fields: m.fields, blockFields: m.blockFields || [], version: m.version, speed: m.speed, threads: m.threads || 1, hide: decoded.hide, step: decoded.step, predict: decoded.predict, sweep: sweepLink.state, gradMetric: decoded.grad === 'backprop' ? 'backprop' : 'weight' });
  /* the link's configuration goes out first: the engine builds the networks and their step 0
     while the page builds the form (its reply waits for this handler; a refusal or the reply's
     configuration is what the form shows, below) */
  performance.mark('gradlab:configure');
  session.configure(decoded.config, { source: 'url', changes: decoded.changes });
  await stringsLoaded;
  const lang = decoded.lang || firstLanguage();
  await i18n.load(lang);
  const f = createSettingsForm({
    settings: m.settings, schema, i18n, messages,
    current: session.current,
    hasCsv: () => !!store.get().csv,
    /* lr, clip, momentum changed mid-run change course; anything else configures */
    configure: session.fromControls,
    onHide: (hide) => store.update({ hide }),
    panels: ['sweep'],
    predict: { get: () => store.get().predict === 'required', set: (on) => store.update({ predict: on ? 'required' : null }) },
  });
  form = f;
  f.build();
  session.setForm({ showConfig: f.set, relevance: f.relevance, clearCsv: f.clearCsv, showCsvName: f.showCsvName, showValues: f.showValues });
  mountCourse({ store, i18n, form: f, current: session.current, upTo: session.horizon });
  retranslate();
  /* the engine's configuration if its reply came while the strings loaded, else the link's */
  f.set(store.get().config || decoded.config);
  f.setHidden(decoded.hide);
  store.update({ lang });
  offline.setLanguage(lang);
  if (decoded.messages.length) messages.show('error', i18n.t('msg.bad_link'), decoded.messages, 'link');
  performance.mark('gradlab:built');
  pageBuilt();
});
/* every listener is in place: the replies that came before this module ran, then the rest */
performance.mark('gradlab:wired');
if (boot) boot.take((ev) => port.onmessage(ev), onWorkerError);
