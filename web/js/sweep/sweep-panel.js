// @ts-check
/*
 * sweep-panel.js - the Sweep panel, a plug-in that main.js mounts with the
 * store, the Worker client, i18n and the lab's extension points.  It owns
 * #card-sweep: choose a setting (depth, init_std, res_scale, width, lr), its
 * range, the seeds and the training steps; Run sends the Worker a `sweep`
 * message (docs/worker-protocol.md) built from the lab's configuration, a
 * progress bar follows `sweep_progress`, Cancel sends `sweep_cancel`; the
 * chart shows the chosen metric of the engine's result against the swept
 * value, plain and residual with their p10-p90 bands, the theory line
 * (grad_ratio_theory_log10) and a grey line at ratio 1 (chi = 1), with a
 * marker where the theory line meets it and one where the plain stack's
 * measured curve does (sweep-model.js crossing).  A refused
 * sweep shows the engine's message.  Its state is in the store (`sweep`,
 * and so in the link: url.js, schema.js) and `hide=sweep` hides the card.
 * What it draws is picked by sweep-model.js; exports go through lab.download.
 * The chart's text alternative (chart-text.js describeChart) is a table of
 * the same numbers per swept value (sweep-model.js sweepRows).
 *
 * A second setting (its range and count; none = the 1-D sweep) makes a
 * plane: the message gets `sweep2`, and plane-view.js shows a heatmap of the
 * metric per stack with the engine's mean field over it, the grids filling
 * in as the progress messages bring them; a click on a cell (or Enter on
 * the outlined one) loads that network into the lab (lab.applySettings with
 * the sweep's configuration and the cell's two values: sweep-model.js
 * cellSettings), so the link follows and Run trains it.
 */
import { el } from '../ui/dom.js';
import { line } from '../ui/chart-line.js';
import { describeChart, cell, withGapNote } from '../lab/chart-text.js';
import { COLORS } from '../lab/charts.js';
import {
  SWEEP_SETTINGS, STEP_CHOICES, MAX_SEEDS, defaultState, sweepText, sweep2Text, withSetting, withSetting2, sweepConfig, sweepSpec,
  metricsFor, metricOf, chartData, logX, resultCsv, sweepRows, planeCsv, cellSettings,
} from './sweep-model.js';
import { createPlaneView } from './plane-view.js';

const BAND = { plain: 'rgba(213, 94, 0, 0.15)', residual: 'rgba(0, 114, 178, 0.15)' };

/** @param {import('../ui/plugin.js').PluginContext} ctx */
export function mountSweepPanel({ store, worker, i18n, lab }) {
  const t = i18n.t;
  const d = {
    state: defaultState(),
    running: false,
    status: 'idle',          /* idle | running | done | cancelled | failed */
    progress: 0, done: 0, total: 0,
    result: /** @type {any} */ (null),
    request: /** @type {any} */ (null),   /* the message that made `result` */
    error: /** @type {string | null} */ (null),
    id: 0,
    chart: /** @type {any} */ (null),
    chartKind: '',
    started: 0,              /* performance.now() when the sweep was sent */
    seconds: 0,              /* how long it has run (it ran) */
    loadedCell: /** @type {{i: number, j: number, settings: Record<string, any>} | null} */ (null),
  };
  /** @type {Array<(result: any, request: any) => void>} */
  const listeners = [];

  /* ---- the card ---- */
  const title = el('h2', { id: 'title-sweep' });
  const pngBtn = el('button', { type: 'button', class: 'png', id: 'sweep-png', onclick: () => exportFile('png') });
  const jsonBtn = el('button', { type: 'button', class: 'png', id: 'sweep-json', onclick: () => exportFile('json') });
  const csvBtn = el('button', { type: 'button', class: 'png', id: 'sweep-csv', onclick: () => exportFile('csv') });
  const note = el('p', { class: 'card-note', id: 'note-sweep' });
  /** @param {string} id @param {Record<string, any>} attrs */
  /* numbers read left to right in Persian too (a long value shows its start, 0.0883…) */
  const input = (id, attrs) => el('input', Object.assign({ id, type: 'number', dir: 'ltr', onchange: readForm }, attrs));
  const nameSel = el('select', { id: 'sweep-name', onchange: () => { setState(withSetting(d.state, nameSel.value)); } },
    ...SWEEP_SETTINGS.map((s) => el('option', { value: s.name })));
  const fromIn = input('sweep-from', { step: 'any' });
  const toIn = input('sweep-to', { step: 'any' });
  const countIn = input('sweep-count', { min: '2', max: '200', step: '1' });
  /* the second setting: none (the 1-D sweep) or another one, with its range */
  const name2Sel = el('select', { id: 'sweep-name2', onchange: () => { setState(withSetting2(d.state, name2Sel.value)); drawResult(); } });
  const from2In = input('sweep-from2', { step: 'any' });
  const to2In = input('sweep-to2', { step: 'any' });
  const count2In = input('sweep-count2', { min: '1', max: '200', step: '1' });
  const seedFromIn = input('sweep-seed-from', { min: '0', step: '1' });
  const seedToIn = input('sweep-seed-to', { min: '0', step: '1' });
  const stepsSel = el('select', { id: 'sweep-steps', onchange: readForm }, ...STEP_CHOICES.map((n) => el('option', { value: String(n) })));
  const metricSel = el('select', { id: 'sweep-metric', onchange: readForm });
  const runBtn = el('button', { type: 'button', class: 'primary', id: 'sweep-run', onclick: () => run() });
  const cancelBtn = el('button', { type: 'button', id: 'sweep-cancel', onclick: cancel, disabled: true });
  const bar = /** @type {HTMLProgressElement} */ (el('progress', { id: 'sweep-progress', max: '1', value: '0' }));
  const status = el('p', { class: 'card-note', id: 'sweep-status', 'aria-live': 'polite' });
  const canvas = el('canvas', { id: 'chart-sweep', role: 'img' });
  const plane = createPlaneView({ i18n, onCell: loadCell, busy: () => d.running });
  /** @type {Record<string, HTMLElement>} */
  const labels = {};
  /** @param {string} key @param {HTMLElement} control */
  const field = (key, control) => {
    labels[key] = el('label', { for: control.id });
    return el('div', { class: 'sweep-field' }, labels[key], control);
  };
  const second = [field('from2', from2In), field('to2', to2In), field('count2', count2In)];
  const lineView = el('div', { class: 'sweep-line' }, el('div', { class: 'chart-box tall' }, canvas));
  const card = el('section', { class: 'card wide', id: 'card-sweep', 'aria-labelledby': 'title-sweep' },
    el('div', { class: 'card-head' }, title, el('span', { class: 'sweep-exports' }, pngBtn, jsonBtn, csvBtn)), note,
    el('div', { class: 'sweep-controls' },
      el('div', { class: 'sweep-axis' }, field('name', nameSel), field('from', fromIn), field('to', toIn), field('count', countIn)),
      el('div', { class: 'sweep-axis' }, field('name2', name2Sel), ...second),
      el('div', { class: 'sweep-axis' }, field('seed_from', seedFromIn), field('seed_to', seedToIn), field('steps', stepsSel), field('metric', metricSel)),
      el('div', { class: 'sweep-buttons' }, runBtn, cancelBtn)),
    el('div', { class: 'sweep-run-line' }, bar, status),
    lineView, plane.root);
  lab.after.after(card);
  const alt = describeChart(canvas, altTable, { busy: () => d.running });

  /* ---- state <-> form ---- */
  /** @param {import('./sweep-model.js').SweepState} st @param {{silent?: boolean}} [o] */
  function setState(st, o = {}) {
    d.state = st;
    showForm();
    if (!o.silent) store.update({ sweep: { ...st } });
  }

  function showForm() {
    const st = d.state, f = i18n.format();
    nameSel.value = st.name;
    fromIn.value = String(st.from);
    toIn.value = String(st.to);
    countIn.value = String(st.count);
    /* the second setting: none, or one of the others */
    name2Sel.textContent = '';
    name2Sel.append(el('option', { value: '', text: t('sweep.none') }),
      ...SWEEP_SETTINGS.filter((x) => x.name !== st.name).map((x) => el('option', { value: x.name, text: t(`setting.${x.name}.label`, null, x.name) })));
    name2Sel.value = st.name2;
    from2In.value = st.name2 ? String(st.from2) : '';
    to2In.value = st.name2 ? String(st.to2) : '';
    count2In.value = st.name2 ? String(st.count2) : '';
    for (const f2 of second) f2.hidden = !st.name2;
    seedFromIn.value = String(st.seedFrom);
    seedToIn.value = String(st.seedTo);
    stepsSel.value = String(st.steps);
    metricSel.textContent = '';
    for (const m of metricsFor(st.steps)) metricSel.append(el('option', { value: m.name, text: t(`sweep.metric.${m.name}`) }));
    if (!metricsFor(st.steps).some((m) => m.name === st.metric)) st.metric = 'grad_ratio_log10';
    metricSel.value = st.metric;
    for (const o of stepsSel.options) o.textContent = f.int(Number(o.value));
    for (const o of nameSel.options) o.textContent = t(`setting.${o.value}.label`, null, o.value);
  }

  function readForm() {
    const num = (/** @type {HTMLInputElement} */ x) => Number(x.value);
    const metric = metricSel.value;
    const two = d.state.name2 ? { from2: num(from2In), to2: num(to2In), count2: Math.round(num(count2In)) } : {};
    setState({
      ...d.state, from: num(fromIn), to: num(toIn), count: Math.round(num(countIn)), ...two,
      seedFrom: Math.round(num(seedFromIn)), seedTo: Math.round(num(seedToIn)), steps: Number(stepsSel.value), metric,
    });
    drawResult();
  }

  /* ---- running ---- */
  /**
   * Runs a sweep: the panel's state, or the one given (the lesson's
   * experiments), with the lab's configuration and `overrides` on top.
   * @param {Partial<import('./sweep-model.js').SweepState>} [st] @param {Record<string, any>} [overrides]
   */
  function run(st, overrides) {
    goLive();
    /* a state given without a second setting is a 1-D sweep, whatever the panel had */
    if (st) setState({ ...withSetting2(withSetting(d.state, st.name || d.state.name), ''), ...st });
    const s = d.state;
    const base = store.get().config;
    if (!base) return;
    d.error = null;
    if (!(s.seedTo >= s.seedFrom) || s.seedTo - s.seedFrom + 1 > MAX_SEEDS) {
      fail(t('sweep.bad_seeds', { max: i18n.format().int(MAX_SEEDS) }));
      return;
    }
    const config = sweepConfig({ ...base, ...(overrides || {}) }, s);
    const csv = store.get().csv;
    if (config.data === 'csv' && csv) config.csv = csv.text;
    d.id += 1;
    const msg = { type: 'sweep', id: `sweep${d.id}`, config, ...sweepSpec(s) };
    d.request = { ...msg, config: { ...config, csv: undefined } };
    d.running = true;
    d.status = 'running';
    d.progress = 0;
    d.done = 0;
    d.total = 0;
    d.result = null;
    d.started = performance.now();
    d.seconds = 0;
    plane.reset();
    worker.send(msg);
    renderStatus();
  }

  function cancel() {
    if (d.running) worker.send({ type: 'sweep_cancel' });
  }

  /** @param {string} message */
  function fail(message) {
    d.running = false;
    d.status = 'failed';
    d.error = message;
    lab.message('error', t('sweep.failed_title'), [message], 'sweep');
    renderStatus();
  }

  const mine = (/** @type {any} */ m) => m.id === `sweep${d.id}`;
  worker.on('sweep_progress', (m) => {
    if (!mine(m)) return;
    d.progress = m.progress;
    d.done = m.done;
    d.total = m.total;
    d.seconds = (performance.now() - d.started) / 1000;
    if (m.result) {
      d.result = m.result;
      drawResult();
    }
    renderStatus();
  });
  worker.on('sweep_result', (m) => {
    if (!mine(m)) return;
    d.running = false;
    d.status = 'done';
    d.progress = 1;
    d.seconds = (performance.now() - d.started) / 1000;
    d.done = m.done;
    d.total = m.total;
    d.result = m.result;
    drawResult();
    renderStatus();
    for (const fn of listeners) fn(d.result, d.request);
  });
  worker.on('sweep_cancelled', (m) => {
    if (m.replaced || !d.running) return;
    d.running = false;
    d.status = 'cancelled';
    d.seconds = (performance.now() - d.started) / 1000;
    drawResult();
    renderStatus();
  });
  worker.on('error:sweep', (m) => {
    if (m.id !== undefined && !mine(m)) return;
    fail(m.message);
  });

  /* ---- the chart ---- */
  function makeChart() {
    const r = d.result;
    const metric = metricOf(d.state.metric) || metricOf('grad_ratio_log10');
    const kind = `${metric ? metric.axis : ''}/${r && logX(r.name, r.values) ? 'log' : 'lin'}`;
    if (d.chart && d.chartKind === kind) return;
    if (d.chart) d.chart.destroy();
    d.chartKind = kind;
    const ax = metric ? metric.axis : 'log10';
    const y = ax === 'log10' ? { type: 'linear', pow10: true } : ax === 'log' ? { type: 'logarithmic' } : ax === 'percent' ? { type: 'linear', min: 0, max: 1, percent: true } : { type: 'linear', min: 0 };
    d.chart = line(canvas, {
      x: r && logX(r.name, r.values) ? { type: 'logarithmic' } : { type: 'linear' }, y, format: i18n.format(), legendLines: true,
      series: [
        { id: 'plain_p10', color: 'transparent', radius: 0, width: 0, legend: false },
        { id: 'plain_p90', color: 'transparent', fill: BAND.plain, fillTo: 'plain_p10', radius: 0, width: 0, legend: false },
        { id: 'residual_p10', color: 'transparent', radius: 0, width: 0, legend: false },
        { id: 'residual_p90', color: 'transparent', fill: BAND.residual, fillTo: 'residual_p10', radius: 0, width: 0, legend: false },
        { id: 'plain', color: COLORS.plain, radius: 3 },
        { id: 'residual', color: COLORS.residual, radius: 3, marker: 'rect' },
        { id: 'theory', color: COLORS.theory, dash: [6, 4], radius: 0, width: 1.5, marker: 'line', legendWhenEmpty: false },
        { id: 'one', color: '#777777', radius: 0, width: 1, marker: 'line', legendWhenEmpty: false },
      ],
    });
    chartTexts();
  }

  /* a plane (a result with axes, or a plane asked for and nothing yet) in plane-view.js; a 1-D sweep in the line chart */
  const showsPlane = () => (d.result ? !!d.result.axes : !!d.state.name2);

  /* The chart is made (and the result drawn) after the page's first chart (lab.firstChart), or
     when a sweep runs or the tests read it: it is out of sight below the lab's cards, and making it
     in the page's start cost some 40 ms before the first chart (docs/performance.md). */
  let live = false;
  function goLive() {
    if (live) return;
    live = true;
    drawResult();
  }
  lab.firstChart.then(() => setTimeout(goLive, 0));

  function drawResult() {
    if (!live) return;
    lineView.hidden = showsPlane();
    if (showsPlane()) {
      if (d.result) plane.draw(d.result, { metric: d.state.metric, running: d.running, partial: d.status !== 'done', done: d.done, total: d.total });
      else plane.hide();
      return;
    }
    plane.hide();
    makeChart();
    const c = d.chart;
    c.clear();
    c.setMarkers([]);
    const r = d.result;
    if (r) {
      const data = chartData(r, d.state.metric);
      const pts = (/** @type {Array<number | null> | null} */ ys) => (ys ? data.values.map((x, i) => ({ x, y: ys[i] })) : []);
      for (const arch of /** @type {const} */ (['plain', 'residual'])) {
        const s = data[arch];
        if (!s) continue;
        c.set(arch, pts(s.median));
        if (d.state.metric !== 'diverged_share') {
          c.set(`${arch}_p10`, pts(s.p10));
          c.set(`${arch}_p90`, pts(s.p90));
        }
      }
      c.set('theory', pts(data.theory));
      /* the line where a factor of 1 per layer would leave the gradient as it is */
      const ax = (metricOf(d.state.metric) || { axis: '' }).axis;
      if (ax === 'log10' || ax === 'log') {
        const one = ax === 'log10' ? 0 : 1;
        c.set('one', [{ x: data.values[0], y: one }, { x: data.values[data.values.length - 1], y: one }]);
      }
      /* where the drawn lines meet that line: the theory's (chi = 1 in mean-field theory) and the
         plain stack's measured curve, each marked and labelled on its own (they need not agree:
         the theory is a prediction, and the swept values are a grid) */
      const marks = [];
      if (data.ones.theory) marks.push({ x: data.ones.theory.x, label: t('sweep.one_theory'), half: 0, row: 0 });
      const measured = ax === 'log' ? 'sweep.one_measured_chi' : 'sweep.one_measured';
      if (data.ones.measured) marks.push({ x: data.ones.measured.x, label: t(measured), half: 0, row: marks.length });
      c.setMarkers(marks);
    }
    chartTexts();
    alt.update();
  }

  /* the text alternative: the chart's numbers per swept value, from the same result */
  function altTable() {
    const f = i18n.format();
    const r = d.result, metric = d.state.metric;
    /* a plane has its own tables (plane-view.js); this chart is hidden then */
    if (!r || r.axes) return { caption: t('alt.sweep.none'), head: [], rows: [] };
    const table = sweepRows(r, metric);
    const axis = (metricOf(metric) || { axis: 'log10' }).axis;
    const num = (/** @type {number | null} */ v) => cell(v, axis === 'percent' ? f.percent : f.value);
    const setting = t(`setting.${r.name}.label`, null, r.name);
    const stack = (/** @type {string} */ a) => t(`stack.${a}`);
    /** @type {string[]} */
    const head = [setting];
    for (const a of table.stacks) head.push(...(table.band ? [t('alt.sweep.median', { stack: stack(a) }), t('alt.sweep.band', { stack: stack(a) })] : [stack(a)]));
    if (table.theory) head.push(t('sweep.series.theory'));
    const rows = table.rows.map((row) => [f.value(row.value),
      ...row.stacks.flatMap((s) => (table.band ? [num(s.median), t('alt.range', { lo: num(s.p10), hi: num(s.p90) })] : [num(s.median)])),
      ...(table.theory ? [num(row.theory)] : [])]);
    const seeds = f.int(r.seeds[1] - r.seeds[0] + 1);
    /* the caption is a sentence; the notes after it are sentences of their own */
    const parts = [`${t(table.band ? 'alt.sweep.caption' : 'alt.sweep.caption_share', { metric: t(`sweep.metric.${metric}`), setting, seeds })}.`];
    if (axis === 'log10') parts.push(t('alt.sweep.log10'));
    if (table.ones.theory) parts.push(t('alt.sweep.one_theory', { a: f.value(table.ones.theory.between[0]), b: f.value(table.ones.theory.between[1]) }));
    if (table.ones.measured) parts.push(t('alt.sweep.one_measured', { a: f.value(table.ones.measured.between[0]), b: f.value(table.ones.measured.between[1]) }));
    if (table.chiOne !== null) parts.push(t('alt.sweep.chi_one', { setting, value: f.value(table.chiOne) }));
    if (d.running) parts.push(t('alt.sweep.partial', { done: f.int(d.done), total: f.int(d.total) }));
    return { caption: withGapNote(parts.join(' '), rows, t('alt.gap')), head, rows };
  }

  function chartTexts() {
    const c = d.chart;
    if (!c) return;
    const f = i18n.format();
    const name = d.result ? d.result.name : d.state.name;
    c.setTexts({
      x: t(`setting.${name}.label`, null, name), y: t(`sweep.metric.${d.state.metric}`),
      series: { plain: t('series.plain'), residual: t('series.residual'), theory: t('sweep.series.theory'), one: t('sweep.series.one') },
    });
    c.setFormat(f, i18n.lang === 'fa');
    c.render();
    canvas.setAttribute('aria-label', `${t('sweep.title')}: ${t(`sweep.metric.${d.state.metric}`)}`);
  }

  function renderStatus() {
    const f = i18n.format();
    runBtn.disabled = d.running;
    cancelBtn.disabled = !d.running;
    bar.value = d.progress;
    bar.hidden = d.status !== 'running';
    status.classList.toggle('error', d.status === 'failed');
    let text = t('sweep.idle');
    const r = d.result, req = d.request;
    const seeds = r ? r.seeds[1] - r.seeds[0] + 1 : 0;
    const secs = f.int(Math.round(d.seconds));
    if (d.status === 'running' && req && req.sweep2) {
      /* a plane runs seed by seed: every cell has its first seed's number before any has its second */
      const cells = r ? r.axes[0].values.length * r.axes[1].values.length * 2 : 0;
      const seed = cells && seeds ? Math.min(seeds, Math.floor(d.done / cells) + 1) : 1;
      text = t('sweep.running_plane', { done: f.int(d.done), total: f.int(d.total), percent: f.percent(d.progress), seconds: secs, seed: f.int(seed), seeds: f.int(seeds || 1) });
    } else if (d.status === 'running') text = t('sweep.running', { done: f.int(d.done), total: f.int(d.total), percent: f.percent(d.progress) });
    else if (d.status === 'done' && r.axes) {
      text = t('sweep.done_plane', { total: f.int(d.total), cols: f.int(r.axes[0].values.length), rows: f.int(r.axes[1].values.length), seeds: f.int(seeds), seconds: secs });
    } else if (d.status === 'done') text = t('sweep.done', { total: f.int(d.total), values: f.int(r.values.length), seeds: f.int(seeds) });
    else if (d.status === 'cancelled' && r && r.axes) text = t('sweep.cancelled_plane', { done: f.int(d.done), total: f.int(d.total) });
    else if (d.status === 'cancelled') text = t('sweep.cancelled');
    else if (d.status === 'failed') text = t('sweep.failed', { message: d.error || '' });
    status.textContent = text;
    alt.update();
  }

  /** @param {'png' | 'json' | 'csv'} kind */
  function exportFile(kind) {
    if (kind === 'png') {
      goLive();
      if (showsPlane()) {
        plane.png().then((url) => { if (url) lab.download('gradlab-sweep.png', url, false); });
        return;
      }
      if (d.chart) lab.download('gradlab-sweep.png', d.chart.png(`${t('sweep.title')}: ${t(`sweep.metric.${d.state.metric}`)}`), false);
      return;
    }
    if (!d.result) return;
    const text = kind === 'json'
      ? JSON.stringify({ gradlab: 'sweep', request: d.request, sweep: d.result }, null, 1)
      : d.result.axes ? planeCsv(d.result) : resultCsv(d.result);
    const blob = new Blob([text], { type: kind === 'json' ? 'application/json' : 'text/csv' });
    lab.download(`gradlab-sweep.${kind}`, URL.createObjectURL(blob), true);
  }

  function texts() {
    title.textContent = t('sweep.title');
    note.textContent = t('sweep.note');
    for (const k of Object.keys(labels)) labels[k].textContent = t(`sweep.${k}`);
    runBtn.textContent = t('sweep.run');
    cancelBtn.textContent = t('sweep.cancel');
    pngBtn.textContent = t('export_png');
    jsonBtn.textContent = t('export_json');
    csvBtn.textContent = t('export_csv');
    bar.setAttribute('aria-label', t('sweep.progress'));
    showForm();
    if (d.chart) {
      d.chart.destroy();
      d.chart = null;
    }
    plane.texts();
    drawResult();
    renderStatus();
  }

  /**
   * A cell of the plane into the lab: the sweep's configuration with the
   * cell's two values (sweep-model.js cellSettings); the link follows.
   * @param {number} i column @param {number} j row
   */
  function loadCell(i, j) {
    const r = d.result;
    if (!r || !r.axes || !d.request) return;
    const settings = cellSettings(d.request, r, i, j);
    lab.applySettings(settings, { run: false, fromDefaults: false });
    const f = i18n.format();
    const [c, w] = r.axes;
    d.loadedCell = { i, j, settings };
    plane.loaded(t('sweep.plane.loaded', {
      col: t(`setting.${c.name}.label`, null, c.name), x: f.value(c.values[i]), row: t(`setting.${w.name}.label`, null, w.name), y: f.value(w.values[j]),
      seed: f.int(settings.seed), steps: f.int(Number(settings.steps)),
    }));
  }

  store.watch((s) => s.lang, texts);
  store.watch((s) => s.hide, (hide) => { card.hidden = (hide || []).includes('sweep'); });
  /* the link's state (main.js puts the decoded one in the store once) */
  store.watch((s) => s.sweep, (st) => {
    if (st && JSON.stringify(st) !== JSON.stringify(d.state)) {
      d.state = { ...st };
      showForm();
    }
  });

  return {
    card, run, cancel,
    /** @param {(result: any, request: any) => void} fn called with every finished sweep */
    onResult(fn) {
      listeners.push(fn);
    },
    debug() {
      goLive();
      return {
        state: { ...d.state }, running: d.running, status: d.status, progress: d.progress, done: d.done, total: d.total,
        error: d.error, result: d.result ? JSON.parse(JSON.stringify(d.result)) : null, request: d.request,
        chart: d.chart ? d.chart.snapshot() : null, marker: d.chart ? d.chart.marker() : null, markers: d.chart ? d.chart.markers() : [], visible: !card.hidden,
        sweepText: sweepText(d.state), sweep2Text: sweep2Text(d.state),
        view: showsPlane() ? 'plane' : 'line', plane: plane.debug(), loaded: d.loadedCell ? JSON.parse(JSON.stringify(d.loadedCell)) : null,
        seconds: d.seconds,
      };
    },
    /** a plane cell's centre on its heatmap (CSS pixels), for the tests' clicks @param {'plain' | 'residual'} a @param {number} i @param {number} j */
    cellCenter: (a, i, j) => plane.cellCenter(a, i, j),
  };
}
