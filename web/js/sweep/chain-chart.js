// @ts-check
/*
 * chain-chart.js - the chain rule, layer by layer: a card with two charts of
 * the record the time cursor shows (the store's `shown`; a plug-in that
 * main.js mounts; it owns #card-chain):
 *
 *   left   the factor each layer applied to the back-propagated gradient,
 *          chain_factor = sqrt(chi_measured) = ||dL/dh_{l-1}|| / ||dL/dh_l||,
 *          plain and residual, the mean-field factor sqrt(chi) of the plain
 *          stack (chain_factor_theory), a line at 1 and the activation's
 *          slope bound max phi' (act_max_slope: 1/4 sigmoid, 1 tanh/relu);
 *   right  the running product from the output down (chain_product, and the
 *          mean-field chain_product_theory), log axis;
 *   below  one line per stack, "0.35 x 0.21 x 0.26 x ... x 0.04 = 1.4e-6":
 *          the first factors from the output, the last one and the product.
 *
 * Every number is a field of the engine's record; chain-model.js picks
 * them (a value <= 0 is a gap on a log axis).  Each chart's text
 * alternative (chart-text.js describeChart) is a table of the same
 * numbers per layer: plain, residual and the mean-field value.  docs/page.md.
 */
import { el } from '../ui/dom.js';
import { line } from '../ui/chart-line.js';
import { COLORS } from '../lab/charts.js';
import { describeChart, cell, withGapNote } from '../lab/chart-text.js';
import { isRunning } from '../ui/store.js';
import { stepOf } from '../lab/timeline.js';
import { layerPoints, chainSummary, chainRows } from './chain-model.js';

const ONE_COLOR = '#777777', BOUND_COLOR = '#009E73';   /* grey; Okabe–Ito bluish green */
/** @param {import('../ui/plugin.js').PluginContext} ctx */
export function mountChainChart({ store, i18n, lab }) {
  const t = i18n.t;
  const title = el('h2', { id: 'title-chain' });
  const note = el('p', { class: 'card-note', id: 'note-chain' });
  const pngF = el('button', { type: 'button', class: 'png', id: 'chain-png-factor', onclick: () => exportPng('factor') });
  const pngP = el('button', { type: 'button', class: 'png', id: 'chain-png-product', onclick: () => exportPng('product') });
  const canvasF = el('canvas', { id: 'chart-chain-factor', role: 'img' });
  const canvasP = el('canvas', { id: 'chart-chain-product', role: 'img' });
  const titleF = el('h3', { id: 'title-chain-factor' });
  const titleP = el('h3', { id: 'title-chain-product' });
  const lines = el('div', { class: 'chain-lines', id: 'chain-lines', 'aria-live': 'off' });
  const card = el('section', { class: 'card wide', id: 'card-chain', 'aria-labelledby': 'title-chain' },
    el('div', { class: 'card-head' }, title), note,
    el('div', { class: 'chain-grid' },
      el('div', {}, el('div', { class: 'card-head' }, titleF, pngF), el('div', { class: 'chart-box' }, canvasF)),
      el('div', {}, el('div', { class: 'card-head' }, titleP, pngP), el('div', { class: 'chart-box' }, canvasP))),
    lines);
  const grad = document.getElementById('card-grad');
  if (grad) grad.after(card);
  else lab.after.before(card);

  /** @type {string[]} */
  let layers = [];
  const tip = (/** @type {number} */ x) => {
    const name = layers[Math.round(x) - 1];
    return name ? `${i18n.format().int(Math.round(x))} · ${name}` : '';
  };
  /* both charts: the two stacks' measured values and the mean-field line */
  const stackSeries = [
    { id: 'plain', color: COLORS.plain, radius: 3 },
    { id: 'residual', color: COLORS.residual, radius: 3, marker: 'rect' },
    { id: 'theory', color: COLORS.theory, dash: [6, 4], radius: 0, width: 1.5, marker: 'line' },
  ];
  const factor = line(canvasF, {
    x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: i18n.format(), tooltipTitle: tip,
    series: [
      ...stackSeries,
      { id: 'one', color: ONE_COLOR, radius: 0, width: 1, marker: 'line' },
      { id: 'bound', color: BOUND_COLOR, dash: [2, 3], radius: 0, width: 2, marker: 'line' },
    ],
  });
  const product = line(canvasP, {
    x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: i18n.format(), tooltipTitle: tip,
    series: stackSeries,
  });

  /** @type {any} */
  let shown = null;
  let timer = 0;

  /* the text alternatives: the numbers of both charts per layer, as drawn (a gap is a dash) */
  /** @param {'factor' | 'product'} which */
  function altTable(which) {
    const f = i18n.format();
    if (!shown) return { caption: t('alt.empty'), head: [], rows: [] };
    const rows = chainRows(shown, which === 'factor' ? 'chain_factor' : 'chain_product')
      .map((r, i) => [tip(i + 1) || f.int(i + 1), cell(r.plain, f.value), cell(r.residual, f.value), cell(r.theory, f.value)]);
    const caption = t(`alt.chain.${which}`, { step: f.int(shown.plain.step), bound: f.value(shown.plain.act_max_slope) });
    return {
      caption: withGapNote(caption, rows, t('alt.gap')),
      head: [t('alt.layer'), t('stack.plain'), t('stack.residual'), t(`chain.series.theory_${which}`)],
      rows,
    };
  }
  const busy = () => isRunning(store.get());
  const altF = describeChart(canvasF, () => altTable('factor'), { busy });
  const altP = describeChart(canvasP, () => altTable('product'), { busy });
  const altUpdate = () => {
    altF.update();
    altP.update();
  };

  function render() {
    timer = 0;
    const r = store.get().shown;
    if (!r || !r.plain || !r.plain.chain_factor) return;
    shown = r;
    const P = r.plain, R = r.residual, L = P.chain_factor.length;
    factor.set('plain', layerPoints(P.chain_factor));
    factor.set('residual', R ? layerPoints(R.chain_factor) : []);
    factor.set('theory', layerPoints(P.chain_factor_theory));
    factor.set('one', [{ x: 1, y: 1 }, { x: L, y: 1 }]);
    factor.set('bound', [{ x: 1, y: P.act_max_slope }, { x: L, y: P.act_max_slope }]);
    product.set('plain', layerPoints(P.chain_product));
    product.set('residual', R ? layerPoints(R.chain_product) : []);
    product.set('theory', layerPoints(P.chain_product_theory));
    factor.render();
    product.render();
    title.textContent = titleText();
    renderLines();
    altUpdate();
  }

  /** the card's title: the step it shows, once it shows one */
  function titleText() {
    return shown ? t('chain.title_step', { step: i18n.format().int(stepOf(shown)) }) : t('chain.title');
  }

  function renderLines() {
    if (!shown) return;
    const f = i18n.format();
    lines.textContent = '';
    for (const arch of ['plain', 'residual']) {
      const rec = shown[arch];
      if (!rec) continue;
      const s = chainSummary(rec);
      const parts = s.first.map((v) => f.value(v));
      if (s.last !== null) parts.push('…', f.value(s.last));
      lines.append(el('p', { class: `chain-line ${arch}`, 'data-arch': arch },
        el('strong', { text: `${t(`stack.${arch}`)}: ` }),
        t('chain.product_line', { factors: parts.join(' × '), n: f.int(s.n), product: f.value(s.product) })));
    }
  }

  function schedule() {
    if (!timer) timer = window.setTimeout(render, 150);
  }

  function texts() {
    const f = i18n.format();
    title.textContent = titleText();
    note.textContent = t('chain.note');
    titleF.textContent = t('chain.factor.title');
    titleP.textContent = t('chain.product.title');
    pngF.textContent = t('export_png');
    pngP.textContent = t('export_png');
    canvasF.setAttribute('aria-label', t('chain.factor.title'));
    canvasP.setAttribute('aria-label', t('chain.product.title'));
    const bound = shown ? f.value(shown.plain.act_max_slope) : '';
    const x = t('chain.x');
    factor.setTexts({ x, y: t('chain.factor.y'), series: { plain: t('series.plain'), residual: t('series.residual'), theory: t('chain.series.theory_factor'), one: t('chain.series.one'), bound: t('chain.series.bound', { bound }) } });
    product.setTexts({ x, y: t('chain.product.y'), series: { plain: t('series.plain'), residual: t('series.residual'), theory: t('chain.series.theory_product') } });
    for (const c of [factor, product]) {
      c.setFormat(f, i18n.lang === 'fa');
      c.render();
    }
    renderLines();
    altUpdate();
  }

  /** @param {'factor' | 'product'} which */
  function exportPng(which) {
    const c = which === 'factor' ? factor : product;
    lab.download(`gradlab-chain-${which}.png`, c.png(t(`chain.${which}.title`)), false);
  }

  store.watch((s) => s.shown, schedule);
  store.watch((s) => s.configuredCount, (n, s) => {
    layers = s.layers || [];
    render();
    texts();
  });
  store.watch((s) => s.lang, texts);
  /* the lab stopped: the tables show the last record at once */
  store.watch((s) => isRunning(s), (running) => { if (!running) altUpdate(); });

  return {
    card,
    /* what the tests read: the charts' points and the lines' text */
    debug: () => ({
      step: shown ? shown.plain.step : null,
      factor: factor.snapshot(), product: product.snapshot(),
      lines: [...lines.querySelectorAll('.chain-line')].map((p) => ({ arch: /** @type {HTMLElement} */ (p).dataset.arch, text: p.textContent })),
    }),
  };
}
