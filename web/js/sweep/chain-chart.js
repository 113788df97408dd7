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
 * The residual stack block by block (the default view while it has blocks;
 * #chain-per-layer switches to its layers): the factor of each part, the
 * stem (stem_factor), block b (block_factor, with the shortcut's and the
 * branch's shares block_shortcut and block_branch) and the head
 * (head_factor), a segment over the part's layers beside the plain stack's
 * factor per layer; on the right the residual stack's product after each
 * part, at its first layer; its line under the charts the parts' factors,
 * whose product is chain_product of layer 1 as layer by layer.  The walk
 * (diagram/walk.js, the store's `walk`) is marked on both charts: a band
 * over the plain stack's current layer and the residual stack's current part.
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
import { layerPoints, chainSummary, chainRows, blockSeries, blockSummary } from './chain-model.js';
import { residualParts, partOf, walkAt } from '../diagram/walk-model.js';
import { GAP } from '../lab/chart-text.js';

const ONE_COLOR = '#777777', BOUND_COLOR = '#009E73', BRANCH_COLOR = '#56B4E9';   /* grey; Okabe–Ito bluish green, sky blue */
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
  /* the residual stack block by block (default) or layer by layer */
  const perLayer = el('input', { type: 'checkbox', id: 'chain-per-layer' });
  const perLayerLabel = el('label', { for: 'chain-per-layer' });
  const viewToggle = el('span', { class: 'toggle', id: 'chain-view' }, perLayer, perLayerLabel);
  const card = el('section', { class: 'card wide', id: 'card-chain', 'aria-labelledby': 'title-chain' },
    el('div', { class: 'card-head' }, title, el('span', { class: 'card-tools' }, viewToggle)), note,
    el('div', { class: 'chain-grid' },
      el('div', {}, el('div', { class: 'card-head' }, titleF, pngF), el('div', { class: 'chart-box' }, canvasF)),
      el('div', {}, el('div', { class: 'card-head' }, titleP, pngP), el('div', { class: 'chart-box' }, canvasP))),
    lines);
  const grad = document.getElementById('card-grad');
  if (grad) grad.after(card);
  else lab.after.before(card);

  /** @type {string[]} */
  let layers = [];
  /** @type {import('../diagram/walk-model.js').Part[]} the residual stack's parts (none: no block view) */
  let parts = [];
  /** the block view is on (the residual stack has blocks and the student has not asked for its layers) */
  const blocks = () => parts.length > 0 && !perLayer.checked;
  /** a part's name: "block 3 (layers 6–7)", "stem (layer 1)" @param {import('../diagram/walk-model.js').Part} p */
  const partName = (p) => {
    const f = i18n.format();
    return t(`chain.block.${p.kind}`, { b: f.int(p.b), first: f.int(p.first), last: f.int(p.last) });
  };
  const tip = (/** @type {number} */ x) => {
    /* a block's point sits between its layers */
    if (blocks() && !Number.isInteger(x)) {
      const p = parts.find((q) => (q.first + q.last) / 2 === x);
      if (p) return partName(p);
    }
    const name = layers[Math.round(x) - 1];
    return name ? `${i18n.format().int(Math.round(x))} · ${name}` : '';
  };
  /* both charts: the two stacks' measured values and the mean-field line */
  const stackSeries = [
    { id: 'plain', color: COLORS.plain, radius: 3 },
    { id: 'residual', color: COLORS.residual, radius: 3, marker: 'rect', legendWhenEmpty: false },
    { id: 'theory', color: COLORS.theory, dash: [6, 4], radius: 0, width: 1.5, marker: 'line' },
  ];
  /* the block view's series: a part's factor as a segment over its layers and a point at its middle,
     a block's shares as segments; on the right the product after each part */
  const blockFactorSeries = [
    { id: 'block_line', color: COLORS.residual, radius: 0, width: 2.5, legend: false, legendWhenEmpty: false },
    { id: 'block', color: COLORS.residual, radius: 4, marker: 'rect', line: false, legendWhenEmpty: false },
    { id: 'shortcut', color: COLORS.residual, dash: [6, 3], radius: 0, width: 1.5, marker: 'line', legendWhenEmpty: false },
    { id: 'branch', color: BRANCH_COLOR, dash: [2, 2], radius: 0, width: 2, marker: 'line', legendWhenEmpty: false },
  ];
  /* The two charts are made, and drawn, after the page's first chart (lab.firstChart) or when
     asked (debug, PNG): the card is out of sight below the gradient chart, and making and drawing
     them in the page's start cost some 60-120 ms before the first chart (docs/performance.md);
     until then render and texts do nothing (goLive does both). */
  /** @type {ReturnType<typeof line>} */
  let factor;
  /** @type {ReturnType<typeof line>} */
  let product;
  let live = false;
  function goLive() {
    if (live) return;
    live = true;
    factor = line(canvasF, {
      x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: i18n.format(), tooltipTitle: tip,
      series: [
        ...stackSeries,
        { id: 'one', color: ONE_COLOR, radius: 0, width: 1, marker: 'line' },
        { id: 'bound', color: BOUND_COLOR, dash: [2, 3], radius: 0, width: 2, marker: 'line' },
        ...blockFactorSeries,
      ],
    });
    product = line(canvasP, {
      x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: i18n.format(), tooltipTitle: tip,
      series: [...stackSeries, { id: 'block', color: COLORS.residual, radius: 4, marker: 'rect', width: 1.5, legendWhenEmpty: false }],
    });
    render();
    texts();
  }
  lab.firstChart.then(() => setTimeout(goLive, 0));

  /** @type {any} */
  let shown = null;
  let timer = 0;

  /* the text alternatives: the numbers of both charts per layer, as drawn (a gap is a dash) */
  /** @param {'factor' | 'product'} which */
  function altTable(which) {
    const f = i18n.format();
    if (!shown) return { caption: t('alt.empty'), head: [], rows: [] };
    const name = (/** @type {number} */ l) => `${f.int(l)} · ${layers[l - 1] || ''}`;
    const caption = t(`alt.chain.${which}`, { step: f.int(shown.plain.step), bound: f.value(shown.plain.act_max_slope) });
    if (blocks() && shown.residual) {
      /* the block view: the residual stack's column is its part's (factor; product after the part, at its first layer) */
      const bs = blockSeries(shown.residual, parts);
      const rows = chainRows(shown, which === 'factor' ? 'chain_factor' : 'chain_product').map((r, i) => {
        const k = partOf(parts, i + 1);
        const v = which === 'factor' ? bs.points[k].y : (parts[k].first === i + 1 ? bs.products[k].y : null);
        return [name(i + 1), cell(r.plain, f.value), v === null ? GAP : f.value(v), partName(parts[k]), cell(r.theory, f.value)];
      });
      return {
        caption: withGapNote(`${caption.replace(/\.$/, '')}. ${t(`alt.chain.blocks_${which}`)}`, rows, t('alt.gap')),
        head: [t('alt.layer'), t('stack.plain'), t(`chain.alt.residual_${which}`), t('chain.alt.part'), t(`chain.series.theory_${which}`)],
        rows,
      };
    }
    const rows = chainRows(shown, which === 'factor' ? 'chain_factor' : 'chain_product')
      .map((r, i) => [name(i + 1), cell(r.plain, f.value), cell(r.residual, f.value), cell(r.theory, f.value)]);
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
    if (!live) return;
    const r = store.get().shown;
    if (!r || !r.plain || !r.plain.chain_factor) return;
    shown = r;
    const P = r.plain, R = r.residual, L = P.chain_factor.length;
    const byBlock = blocks() && !!R;
    const bs = byBlock ? blockSeries(R, parts) : null;
    factor.set('plain', layerPoints(P.chain_factor));
    factor.set('residual', R && !bs ? layerPoints(R.chain_factor) : []);
    factor.set('block_line', bs ? bs.segments : []);
    factor.set('block', bs ? bs.points : []);
    factor.set('shortcut', bs ? bs.shortcut : []);
    factor.set('branch', bs ? bs.branch : []);
    product.set('block', bs ? bs.products : []);
    factor.set('theory', layerPoints(P.chain_factor_theory));
    factor.set('one', [{ x: 1, y: 1 }, { x: L, y: 1 }]);
    factor.set('bound', [{ x: 1, y: P.act_max_slope }, { x: L, y: P.act_max_slope }]);
    product.set('plain', layerPoints(P.chain_product));
    product.set('residual', R && !bs ? layerPoints(R.chain_product) : []);
    product.set('theory', layerPoints(P.chain_product_theory));
    /* the block view's segments reach half a layer past the ends */
    for (const c of [factor, product]) c.setAxis('x', bs ? { min: 0.5, max: L + 0.5 } : { min: null, max: null });
    setWalkMarks();
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
      const byBlock = arch === 'residual' && blocks();
      const s = byBlock ? blockSummary(rec, parts) : chainSummary(rec);
      const factors = s.first.map((v) => f.value(v));
      if (s.last !== null) factors.push('…', f.value(s.last));
      const vars = { factors: factors.join(' × '), n: f.int(s.n), product: f.value(s.product), blocks: f.int(parts.length - 2) };
      /* the formula "0.35 × … = 1.4e-6" in a left-to-right box of its own: wrapped inside Persian text
         a left-to-right run reads out of order */
      const text = t(byBlock ? 'chain.product_line_blocks' : 'chain.product_line', { ...vars, factors: '\u0001', product: '\u0002' });
      const i = text.indexOf('\u0001'), j = text.indexOf('\u0002');
      const formula = i >= 0 && j > i
        ? [text.slice(0, i), el('bdi', { class: 'walk-formula', dir: 'ltr', text: `${vars.factors}${text.slice(i + 1, j)}${vars.product}` }), text.slice(j + 1)]
        : [t(byBlock ? 'chain.product_line_blocks' : 'chain.product_line', vars)];
      lines.append(el('p', { class: `chain-line ${arch}`, 'data-arch': arch, 'data-view': byBlock ? 'blocks' : 'layers' },
        el('strong', { text: `${t(`stack.${arch}`)}: ` }), ...formula));
    }
  }

  /* the walk's bands: the plain stack's current layer, the residual stack's current part */
  function setWalkMarks() {
    const w = store.get().walk;
    const marks = [];
    if (w && shown && shown.plain) {
      const pw = walkAt(shown.plain, 'plain', w.pos, []);
      marks.push({ x: pw.layer, half: 0.5 });
      if (shown.residual && parts.length) {
        const rw = walkAt(shown.residual, 'residual', w.pos, parts);
        const p = /** @type {import('../diagram/walk-model.js').Part} */ (rw.part);
        if (p.first !== p.last || p.first !== pw.layer) marks.push({ x: (p.first + p.last) / 2, half: (p.last - p.first) / 2 + 0.5 });
      }
    }
    factor.setMarkers(marks);
    product.setMarkers(marks);
  }

  function schedule() {
    if (!timer) timer = window.setTimeout(render, 150);
  }

  function texts() {
    if (!live) return;
    const f = i18n.format();
    title.textContent = titleText();
    note.textContent = blocks() ? `${t('chain.note')} ${t('chain.note_blocks')}` : t('chain.note');
    perLayerLabel.textContent = t('chain.per_layer');
    viewToggle.hidden = parts.length === 0;
    titleF.textContent = t('chain.factor.title');
    titleP.textContent = t('chain.product.title');
    pngF.textContent = t('export_png');
    pngP.textContent = t('export_png');
    canvasF.setAttribute('aria-label', t('chain.factor.title'));
    canvasP.setAttribute('aria-label', t('chain.product.title'));
    const bound = shown ? f.value(shown.plain.act_max_slope) : '';
    const x = t('chain.x');
    factor.setTexts({ x, y: t('chain.factor.y'), series: {
      plain: t('series.plain'), residual: t('series.residual'), theory: t('chain.series.theory_factor'), one: t('chain.series.one'), bound: t('chain.series.bound', { bound }),
      block: t('chain.series.block'), shortcut: t('chain.series.shortcut'), branch: t('chain.series.branch'),
    } });
    product.setTexts({ x, y: t('chain.product.y'), series: { plain: t('series.plain'), residual: t('series.residual'), theory: t('chain.series.theory_product'), block: t('chain.series.block_product') } });
    for (const c of [factor, product]) {
      c.setFormat(f, i18n.lang === 'fa');
      c.render();
    }
    renderLines();
    altUpdate();
  }

  /** @param {'factor' | 'product'} which */
  function exportPng(which) {
    goLive();
    const c = which === 'factor' ? factor : product;
    lab.download(`gradlab-chain-${which}.png`, c.png(t(`chain.${which}.title`)), false);
  }

  store.watch((s) => s.shown, schedule);
  store.watch((s) => s.configuredCount, (n, s) => {
    layers = s.layers || [];
    parts = residualParts((s.blockLayers && s.blockLayers.residual) || [], layers.length);
    render();
    texts();
  });
  perLayer.addEventListener('change', () => {
    render();
    texts();
  });
  store.watch((s) => s.walk, () => {
    if (!live) return;
    setWalkMarks();
    factor.render();
    product.render();
  });
  store.watch((s) => s.lang, texts);
  /* the lab stopped: the tables show the last record at once */
  store.watch((s) => isRunning(s), (running) => { if (!running) altUpdate(); });

  return {
    card,
    /* what the tests read: the charts' points and the lines' text */
    debug() {
      goLive();
      return {
        step: shown ? shown.plain.step : null, view: blocks() ? 'blocks' : 'layers',
        factor: factor.snapshot(), product: product.snapshot(), marks: factor.markers(),
        lines: [...lines.querySelectorAll('.chain-line')].map((p) => ({ arch: /** @type {HTMLElement} */ (p).dataset.arch, text: p.textContent })),
      };
    },
  };
}
