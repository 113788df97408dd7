// @ts-check
/*
 * degradation-panel.js - conv mode's degradation experiment (the ResNet
 * paper's, at toy scale): four new networks, plain and residual at 2 and 10
 * blocks, trained on the digits from the lab's settings (Worker message
 * degradation), their training-loss curves on one chart, a status line and
 * a PNG export.  Owns #card-degradation.  The chart's text alternative
 * (chart-text.js describeChart) is a table of each curve's newest point.
 */
import { el } from '../ui/dom.js';
import { line } from '../ui/chart-line.js';
import { describeChart, cell, withGapNote } from '../lab/chart-text.js';

export const DEPTHS = [2, 10];      /* the shallow and the deep stack */
export const STEP_CHOICES = [100, 300, 600];
export const DEFAULT_STEPS = 300;
const DEPTH_COLORS = ['#E69F00', '#0072B2'];   /* Okabe–Ito orange (shallow), blue (deep) */
/* the setting of docs/experiments.md where the deep plain stack fails to train */
export const PAPER_PRESET = Object.freeze({
  model: 'conv', data: 'digits', blocks: 10, channels: 8, pool: 1, act: 'relu', init: 'he',
  res_scale: 'invsqrt', optimizer: 'momentum', momentum: 0.9, lr: 0.02, batch: 32, seed: 1,
});

const seriesId = (/** @type {string} */ arch, /** @type {number} */ depth) => `${arch}_${depth}`;

/**
 * Steps done so far over the four networks: each network's latest steps_done, summed.
 * @param {Array<{arch: string, depth: number, steps_done: number}>} records
 */
export function stepsDone(records) {
  /** @type {Record<string, number>} */
  const last = {};
  for (const r of records) last[seriesId(r.arch, r.depth)] = r.steps_done;
  return Object.values(last).reduce((s, v) => s + v, 0);
}

/**
 * Each curve's newest point, in the chart's order (plain and residual at
 * each depth): the last record of that network, or null before its first.
 * @param {Array<{arch: string, depth: number, step: number, loss: number}>} records
 * @returns {Array<{arch: string, depth: number, record: {step: number, loss: number} | null}>}
 */
export function newestPoints(records) {
  /** @type {Record<string, any>} */
  const last = {};
  for (const r of records) last[seriesId(r.arch, r.depth)] = r;
  return DEPTHS.flatMap((depth) => ['plain', 'residual'].map((arch) => ({ arch, depth, record: last[seriesId(arch, depth)] || null })));
}

/**
 * @param {import('../ui/plugin.js').PluginContext} ctx
 * @param {{digits: () => any}} conv the digits' bytes (conv-mode.js)
 */
export function createDegradationPanel({ store, worker, i18n, lab }, conv) {
  const t = i18n.t;
  const d = { running: false, records: /** @type {any[]} */ ([]), steps: DEFAULT_STEPS, log: false, status: 'idle', final: /** @type {any[] | null} */ (null), error: /** @type {string | null} */ (null), chart: /** @type {any} */ (null) };

  const stepsSel = el('select', { id: 'deg-steps', onchange: () => { d.steps = Number(stepsSel.value); } },
    ...STEP_CHOICES.map((n) => el('option', { value: String(n), text: String(n) })));
  stepsSel.value = String(DEFAULT_STEPS);
  const logBox = el('input', { type: 'checkbox', id: 'deg-log', onchange: () => { d.log = logBox.checked; makeChart(); } });
  const title = el('h2', { id: 'title-degradation' });
  const png = el('button', { type: 'button', class: 'png', id: 'deg-png', onclick: exportPng, text: 'PNG' });
  const note = el('p', { class: 'card-note', id: 'note-degradation' });
  const stepsLabel = el('label', { for: 'deg-steps', id: 'deg-steps-label' });
  const runBtn = el('button', { type: 'button', class: 'primary', id: 'deg-run', onclick: () => run() });
  const stopBtn = el('button', { type: 'button', id: 'deg-stop', onclick: stop, disabled: true });
  const logLabel = el('label', { for: 'deg-log', id: 'deg-log-label' });
  const presetBtn = el('button', { type: 'button', class: 'ghost', id: 'deg-preset', onclick: () => lab.applySettings(PAPER_PRESET, { run: false, fromDefaults: true }) });
  const status = el('p', { class: 'card-note', id: 'deg-status', 'aria-live': 'polite' });
  const canvas = el('canvas', { id: 'chart-degradation', role: 'img' });
  const card = el('section', { class: 'card wide conv-card', id: 'card-degradation', 'aria-labelledby': 'title-degradation', hidden: true },
    el('div', { class: 'card-head' }, title, png), note,
    el('div', { class: 'deg-controls' }, stepsLabel, stepsSel, runBtn, stopBtn, el('span', { class: 'toggle' }, logBox, logLabel), presetBtn),
    status,
    el('div', { class: 'chart-box tall' }, canvas));

  /* the text alternative: each curve's newest point, the numbers the chart draws */
  const alt = describeChart(canvas, () => {
    const f = i18n.format();
    if (!d.records.length) return { caption: t('alt.empty'), head: [], rows: [] };
    const rows = newestPoints(d.records).map(({ arch, depth, record }) => [
      t('conv.deg.series', { arch: t(`conv.deg.${arch}`), blocks: f.int(depth) }),
      cell(record && record.step, f.int),
      cell(record && record.loss, f.value),
    ]);
    return { caption: withGapNote(t('alt.deg.caption'), rows, t('alt.gap')), head: [t('alt.deg.network'), t('alt.step'), t('alt.deg.loss')], rows };
  }, { busy: () => d.running });

  function makeChart() {
    if (d.chart) d.chart.destroy();
    /** @type {any[]} */
    const series = [];
    DEPTHS.forEach((depth, k) => {
      series.push({ id: seriesId('plain', depth), color: DEPTH_COLORS[k], dash: [6, 4], radius: 2, marker: 'circle' });
      series.push({ id: seriesId('residual', depth), color: DEPTH_COLORS[k], radius: 2, marker: 'rect' });
    });
    d.chart = line(canvas, {
      x: { type: 'linear', integer: true, min: 0 }, y: d.log ? { type: 'logarithmic' } : { type: 'linear', min: 0 },
      format: i18n.format(), legendLines: true, series,
    });
    for (const r of d.records) d.chart.append(seriesId(r.arch, r.depth), r.step, r.loss);
    chartTexts();
    d.chart.render();
  }

  function chartTexts() {
    const c = d.chart;
    if (!c) return;
    const f = i18n.format();
    /** @type {Record<string, string>} */
    const series = {};
    for (const depth of DEPTHS) {
      for (const arch of ['plain', 'residual']) series[seriesId(arch, depth)] = t('conv.deg.series', { arch: t(`conv.deg.${arch}`), blocks: f.int(depth) });
    }
    c.setTexts({ x: t('conv.deg.x'), y: t('conv.deg.y'), series });
    c.setFormat(f, i18n.lang === 'fa');
    c.render();
  }

  /** @param {number} [steps] */
  function run(steps) {
    if (steps !== undefined) {
      d.steps = steps;
      if (![...stepsSel.options].some((o) => Number(o.value) === steps)) stepsSel.append(el('option', { value: String(steps), text: String(steps) }));
      stepsSel.value = String(steps);
    }
    const config = store.get().config;
    const digits = conv.digits();
    if (!config || config.model !== 'conv' || !digits) return;
    d.records = [];
    d.final = null;
    d.error = null;
    d.running = true;
    d.status = 'running';
    d.chart.clear();
    d.chart.setAxis('x', { min: 0, max: d.steps });
    d.chart.render();
    worker.send({ type: 'degradation', config: { ...config, arch: 'both', digits }, depths: DEPTHS, steps: d.steps, every: Math.max(1, Math.round(d.steps / 20)) });
    renderStatus();
  }

  function stop() {
    if (d.running) worker.send({ type: 'degradation_stop' });
  }

  worker.on('degradation_stats', (m) => {
    for (const r of m.records) {
      d.records.push(r);
      d.chart.append(seriesId(r.arch, r.depth), r.step, r.loss);
    }
    d.chart.render();
    renderStatus();
  });
  worker.on('degradation_done', (m) => {
    d.running = false;
    d.status = 'done';
    d.final = m.records;
    renderStatus();
  });
  worker.on('degradation_stopped', () => {
    if (d.running) {
      d.running = false;
      d.status = 'stopped';
    }
    renderStatus();
  });
  worker.on('error:degradation', (m) => {
    d.running = false;
    d.status = 'failed';
    d.error = m.message;
    renderStatus();
  });

  function renderStatus() {
    const f = i18n.format();
    runBtn.disabled = d.running;
    stopBtn.disabled = !d.running;
    stepsSel.disabled = d.running;
    let text;
    if (d.status === 'running') {
      const done = d.records.reduce((s, r) => s + (r.steps_done || 0), 0);
      text = t('conv.deg.running', { done: f.int(done ? stepsDone(d.records) : 0), total: f.int(4 * d.steps) });
    } else if (d.status === 'done' && d.final) {
      const list = d.final.map((r) => `${t('conv.deg.series', { arch: t(`conv.deg.${r.arch}`), blocks: f.int(r.depth) })} ${r.status === 'ok' ? f.value(r.loss) : t('conv.deg.diverged')}`).join('; ');
      text = t('conv.deg.done', { steps: f.int(d.steps), list });
    } else if (d.status === 'stopped') text = t('conv.deg.stopped');
    else if (d.status === 'failed') text = t('conv.deg.failed', { message: d.error });
    else text = t('conv.deg.idle');
    status.textContent = text;
    alt.update();
  }

  function exportPng() {
    if (d.chart) lab.download('gradlab-degradation.png', d.chart.png(t('conv.deg.title')), false);
  }

  return {
    card, makeChart, run, stop,
    /** whether makeChart has made the chart (conv-mode.js makes it when the card is first shown) */
    hasChart: () => !!d.chart,
    texts() {
      const f = i18n.format();
      title.textContent = t('conv.deg.title');
      note.textContent = t('conv.deg.note', { shallow: f.int(DEPTHS[0]), deep: f.int(DEPTHS[1]) });
      stepsLabel.textContent = t('conv.deg.steps');
      for (const o of stepsSel.options) o.textContent = f.int(Number(o.value));
      runBtn.textContent = t('conv.deg.run');
      stopBtn.textContent = t('conv.deg.stop');
      presetBtn.textContent = t('conv.deg.preset');
      logLabel.textContent = t('conv.deg.log');
      png.textContent = t('export_png');
      canvas.setAttribute('aria-label', t('conv.deg.title'));
      chartTexts();
      renderStatus();
    },
    debug() {
      return {
        running: d.running, status: d.status, steps: d.steps, records: d.records.map((r) => ({ ...r })),
        final: d.final ? d.final.map((r) => ({ ...r })) : null, error: d.error,
        chart: d.chart ? d.chart.snapshot() : null, visible: !card.hidden,
      };
    },
  };
}
