// @ts-check
/*
 * layer-card.js - a layer's card: the numbers of one layer in its own
 * formula, chi = sigma_w^2 E[phi'(z)^2] = n_in Var(W) E[phi'(z)^2] with the
 * layer's fan-in, variance of its weights and mean squared derivative (the
 * engine's fields fan_in, weight_var, act_slope_sq: chi is their product),
 * next to the factor the network measured (chi_measured, chain_factor), and
 * a table of the layer in both stacks: ||W||, the weight gradient's norm,
 * the update ratio, the saturated share and, for a layer inside a residual
 * block, the block's factor with its shortcut's and branch's shares.  Every
 * number is the engine's, of the record the time cursor shows (the store's
 * `shown`): the card follows the cursor.
 *
 * Both stacks side by side (the lab is the comparison of a stack with its
 * residual twin, and at one layer that comparison is the question: what did
 * the shortcut change here?); the formula spells out the selected stack's
 * numbers only, as one formula with two sets of numbers does not read at
 * phone width.  The selected stack's column is marked.
 *
 * Opening: the store's `selected` ({arch, layer}, selection.js) — a click on
 * a point of the gradient-norm chart or on a row of a heatmap (here), a box
 * of the network diagram (lab.select), or the "Layer card" button in those
 * charts' cards (the keyboard's way: then the stack and layer pickers in the
 * card move it).  The card is a non-modal dialog (the time cursor stays
 * usable), fixed at the bottom of the window; Escape or its close button
 * closes it (selects nothing) and gives the focus back to where it came
 * from.  Its fold button hides all but its title and step line; on a phone,
 * where the card is a sheet over the page's bottom, a card opened by another
 * view's select (the distributions' picker or map, the diagram) starts folded,
 * so that view stays in sight.  Owns #layer-card and the .layer-card-open
 * buttons it adds.
 */
import { $, el } from '../ui/dom.js';
import { loadKatex } from '../vendor.js';
import { math } from '../lesson/rich-text.js';
import { ARCHS } from './history.js';
import { stepOf, hasUpdate } from './timeline.js';

/** @typedef {import('./state.js').Arch} Arch */
/** @typedef {import('./state.js').Stats} Stats */

/** the width where the card is a sheet over the page's bottom (gradlab.css) */
const PHONE = '(max-width: 420px)';

/** the charts a click selects a layer on: their registry name, canvas and stack (null: the point's) */
const PICKERS = [
  { chart: 'grad_norm', card: 'card-grad', arch: /** @type {Arch | null} */ (null) },
  { chart: 'heatmap_plain', card: 'card-heat-plain', arch: /** @type {Arch | null} */ ('plain') },
  { chart: 'heatmap_residual', card: 'card-heat-residual', arch: /** @type {Arch | null} */ ('residual') },
];

/**
 * A number inside a formula (KaTeX, Latin digits as the lesson's formulas write them): four
 * significant digits as the table beside it (i18n.js value), a power of ten below 10^-3 and
 * from 10^5.
 * @param {number} x
 */
export function tex(x) {
  if (!Number.isFinite(x)) return '\\text{–}';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = x.toExponential(3).split('e');
    return `${Number(m)} \\times 10^{${Number(e)}}`;
  }
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

/**
 * The block of a residual stack that holds a layer: {block (1-based), first, last}, or null.
 * @param {number[][] | null | undefined} blocks [[first, last], ...] 1-based layers @param {number} layer
 */
export function blockOf(blocks, layer) {
  const i = (blocks || []).findIndex(([a, b]) => layer >= a && layer <= b);
  return i < 0 ? null : { block: i + 1, first: /** @type {number[][]} */ (blocks)[i][0], last: /** @type {number[][]} */ (blocks)[i][1] };
}

/**
 * The rows of the card's table for one layer: [key, symbol (TeX), plain value, residual value],
 * the record's numbers picked (null: none for that stack).
 * @param {{plain: Stats, residual: Stats}} r @param {number} layer 1-based
 * @param {number[][] | null} residualBlocks
 * @returns {Array<{key: string, tex: string, values: Record<Arch, number | null>, percent?: boolean, int?: boolean, block?: {block: number, first: number, last: number}}>}
 */
export function cardRows(r, layer, residualBlocks) {
  const i = layer - 1;
  const pick = (/** @type {string} */ f) => /** @type {Record<Arch, number | null>} */ (Object.fromEntries(ARCHS.map((a) => [a, r[a] && r[a][f] ? r[a][f][i] : null])));
  const upd = /** @type {Record<Arch, number | null>} */ (Object.fromEntries(ARCHS.map((a) => [a, r[a] && hasUpdate(r[a]) ? r[a].update_ratio[i] : null])));
  /** @type {Array<{key: string, tex: string, values: Record<Arch, number | null>, percent?: boolean, int?: boolean, block?: {block: number, first: number, last: number}}>} */
  const rows = [
    { key: 'fan_in', tex: 'n_{\\text{in}}', values: pick('fan_in'), int: true },
    { key: 'weight_norm', tex: '\\|W_l\\|', values: pick('weight_norm') },
    { key: 'weight_var', tex: '\\operatorname{Var}(W_l)', values: pick('weight_var') },
    { key: 'act_slope_sq', tex: "\\mathbb{E}[\\varphi'(z)^2]", values: pick('act_slope_sq') },
    { key: 'chi', tex: '\\chi_l', values: pick('chi') },
    { key: 'chi_measured', tex: '\\hat\\chi_l', values: pick('chi_measured') },
    { key: 'grad_norm', tex: '\\|\\partial\\mathcal{L}/\\partial W_l\\|', values: pick('grad_norm') },
    { key: 'update_ratio', tex: '\\|\\Delta W_l\\|/\\|W_l\\|', values: upd },
    { key: 'saturation', tex: '', values: pick('saturation'), percent: true },
  ];
  const b = blockOf(residualBlocks, layer);
  if (b && r.residual && r.residual.block_factor) {
    for (const f of ['block_factor', 'block_shortcut', 'block_branch']) {
      rows.push({ key: f, tex: '', values: { plain: null, residual: r.residual[f][b.block - 1] }, block: b });
    }
  }
  return rows;
}

/**
 * @param {{store: import('./state.js').LabStore, i18n: import('../ui/i18n.js').I18n,
 *          selection: import('./selection.js').Selection, labCharts: import('./lab-charts.js').LabCharts,
 *          history: import('./history.js').History}} deps
 */
export function mountLayerCard({ store, i18n, selection, labCharts, history }) {
  const t = i18n.t;
  const title = el('h2', { id: 'layer-card-title', tabindex: '-1' });
  const when = el('p', { class: 'layer-card-step', id: 'layer-card-step' });
  const close = el('button', { type: 'button', class: 'ghost layer-card-close', id: 'layer-card-close', onclick: () => shut() }, '×');
  const stackSel = el('select', { id: 'layer-card-stack', onchange: () => move() });
  const layerSel = el('select', { id: 'layer-card-layer', onchange: () => move() });
  const stackLabel = el('label', { for: 'layer-card-stack' });
  const layerLabel = el('label', { for: 'layer-card-layer' });
  const formula = el('div', { class: 'layer-card-formula', dir: 'ltr' });
  const verdict = el('p', { class: 'layer-card-verdict', id: 'layer-card-verdict' });
  const table = el('table', { class: 'layer-card-table' });
  const notes = el('p', { class: 'layer-card-notes' });
  const body = el('div', { class: 'layer-card-body', id: 'layer-card-body' },
    el('div', { class: 'layer-card-pick' }, el('span', {}, stackLabel, stackSel), el('span', {}, layerLabel, layerSel)),
    formula, verdict, table, notes);
  /* folds the card to its head and step line (and back): on a phone a card opened by another
     view's selection starts folded, so it does not cover that view (the distributions' map) */
  const fold = el('button', { type: 'button', class: 'ghost layer-card-fold', id: 'layer-card-fold', 'aria-controls': 'layer-card-body', 'aria-expanded': 'true', onclick: () => setFolded(!body.hidden) });
  const card = el('section', {
    id: 'layer-card', class: 'layer-card', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'layer-card-title',
    'aria-describedby': 'layer-card-step', hidden: true,
  },
  el('div', { class: 'layer-card-head' }, title, el('span', { class: 'layer-card-tools' }, fold, close)),
  when, body);
  card.addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      shut();
    }
  });
  document.body.append(card);

  /** @type {HTMLElement | null} where the focus goes back to on close */
  let opener = null;
  /** the next opening takes the focus (a click or a button here, not another view's select) */
  let takeFocus = false;
  let katexReady = false;
  let raf = 0;
  /** what the card shows now (the tests read it) */
  let shown = /** @type {any} */ (null);

  /* the "Layer card" buttons (the keyboard's way in) and the clicks on the charts */
  /** @type {HTMLButtonElement[]} */
  const buttons = [];
  for (const p of PICKERS) {
    const head = document.querySelector(`#${p.card} .card-head`);
    if (head) {
      const b = el('button', { type: 'button', class: 'ghost layer-card-open', 'data-chart': p.chart, 'aria-controls': 'layer-card', 'aria-expanded': 'false' });
      b.addEventListener('click', () => {
        const cur = selection.get();
        open(cur && (!p.arch || cur.arch === p.arch) ? cur : { arch: p.arch || 'plain', layer: 1 }, b);
      });
      const png = head.querySelector('button.png');
      if (png) png.before(b);
      else head.append(b);
      buttons.push(b);
    }
    const entry = labCharts.entries.find((e) => e.name === p.chart);
    const canvas = entry ? $(entry.canvas) : null;
    if (!canvas) continue;
    canvas.classList.add('pickable');
    canvas.addEventListener('click', (/** @type {MouseEvent} */ e) => {
      const c = labCharts.get(p.chart);
      if (!c || !c.pick) return;
      const at = p.arch ? c.pick(e.offsetX, e.offsetY) : c.pick(e.offsetX, e.offsetY, ['plain', 'residual', 'plain_underflow', 'residual_underflow'], 40);
      if (!at) return;
      const arch = /** @type {Arch} */ (p.arch || String(at.id).replace('_underflow', ''));
      open({ arch, layer: p.arch ? at.row : Math.round(at.x) }, head ? /** @type {HTMLElement} */ (head.querySelector('.layer-card-open')) : null);
    });
  }

  /**
   * Selects a layer and opens the card on it, the focus in the card.
   * @param {{arch: Arch, layer: number}} sel @param {HTMLElement | null} from where the focus goes back to
   */
  function open(sel, from) {
    /* a click on a chart leaves the focus on no control (the page's main box at most): the chart's button takes it back */
    const active = /** @type {HTMLElement | null} */ (document.activeElement);
    opener = from || (active && active !== document.body && !card.contains(active) ? active : null);
    takeFocus = true;
    if (!selection.select(sel)) return;
    /* the same layer again: the store does not change, the card is open already */
    if (!card.hidden) focusCard();
  }

  /** @param {boolean} folded */
  function setFolded(folded) {
    body.hidden = folded;
    card.classList.toggle('folded', folded);
    fold.setAttribute('aria-expanded', String(!folded));
    fold.textContent = t(folded ? 'card.unfold' : 'card.fold');
  }

  function focusCard() {
    takeFocus = false;
    title.focus({ preventScroll: true });
  }

  function shut() {
    selection.select(null);
  }

  /* the pickers moved: select that layer (the focus stays on the picker) */
  function move() {
    selection.select({ arch: /** @type {Arch} */ (stackSel.value), layer: Number(layerSel.value) });
  }

  function fillPickers() {
    const s = store.get();
    const fmt = i18n.format();
    stackLabel.textContent = t('card.stack');
    layerLabel.textContent = t('card.layer');
    stackSel.textContent = '';
    for (const a of ARCHS) stackSel.append(el('option', { value: a, text: t(`stack.${a}`) }));
    layerSel.textContent = '';
    s.layers.forEach((name, i) => layerSel.append(el('option', { value: String(i + 1), text: `${fmt.int(i + 1)} · ${name}` })));
    setFolded(body.hidden); /* its words in the new language */
    close.setAttribute('aria-label', t('card.close'));
    close.title = t('card.close');
    for (const b of buttons) b.textContent = t('card.open');
  }

  function render() {
    raf = 0;
    const s = store.get();
    const sel = s.selected;
    const r = s.shown;
    if (!sel || !r || !r.plain || !r.residual) {
      shown = null;
      return;
    }
    const fmt = i18n.format();
    const a = sel.arch, i = sel.layer - 1, me = r[a];
    const name = s.layers[i] || '';
    title.textContent = t('card.title', { layer: fmt.int(sel.layer), name, stack: t(`stack.${a}`) });
    const live = !s.cursor;
    when.textContent = t(live ? 'card.step_live' : 'card.step', { step: fmt.int(stepOf(r)) });
    if (stackSel.value !== a) stackSel.value = a;
    if (layerSel.value !== String(sel.layer)) layerSel.value = String(sel.layer);

    /* the formula, the selected stack's numbers */
    formula.textContent = '';
    const fan = me.fan_in[i], v = me.weight_var[i], e = me.act_slope_sq[i], chi = me.chi[i], chim = me.chi_measured[i];
    const lines = [
      "\\chi_l &= \\underbrace{n_{\\text{in}}\\operatorname{Var}(W_l)}_{\\sigma_w^2}\\;\\mathbb{E}[\\varphi'(z)^2]",
      `&= ${tex(fan)} \\times ${tex(v)} \\times ${tex(e)} = ${tex(chi)}`,
      `\\hat\\chi_l &= \\left(\\frac{\\|\\partial\\mathcal{L}/\\partial h_{l-1}\\|}{\\|\\partial\\mathcal{L}/\\partial h_l\\|}\\right)^{2} = ${tex(chim)}`,
    ];
    const texText = `\\begin{aligned}${lines.join('\\\\')}\\end{aligned}`;
    if (katexReady) formula.append(math(texText, true));
    formula.setAttribute('aria-label', t('card.formula'));

    /* what chi says, and what the network did */
    const th = me.chain_factor_theory[i], ms = me.chain_factor[i];
    verdict.textContent = t(chi < 1 ? 'card.shrink' : 'card.grow', { x: fmt.value(chi), f: fmt.value(th), m: fmt.value(ms) });

    /* both stacks side by side */
    const blocks = s.blockLayers ? s.blockLayers.residual : null;
    const rows = cardRows(r, sel.layer, blocks);
    table.textContent = '';
    const headCell = (/** @type {Arch} */ x) => el('th', { scope: 'col', class: x === a ? 'selected' : null, 'aria-current': x === a ? 'true' : null }, t(`stack.${x}`));
    table.append(el('caption', { class: 'sr-only', text: t('card.caption', { layer: fmt.int(sel.layer), step: fmt.int(stepOf(r)) }) }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('card.quantity') }), ...ARCHS.map(headCell))));
    const body = el('tbody');
    for (const row of rows) {
      const label = el('th', { scope: 'row' });
      if (row.tex && katexReady) label.append(math(row.tex, false), ' ');
      label.append(row.block ? t(`card.row.${row.key}`, { block: fmt.int(row.block.block), first: fmt.int(row.block.first), last: fmt.int(row.block.last) }) : t(`card.row.${row.key}`));
      const cell = (/** @type {Arch} */ x) => {
        const val = row.values[x];
        const text = val === null || !Number.isFinite(val) ? '–' : row.percent ? fmt.percent(val) : row.int ? fmt.int(val) : fmt.value(val);
        return el('td', { class: x === a ? 'selected' : null, 'data-arch': x, 'data-key': row.key }, text);
      };
      body.append(el('tr', { 'data-key': row.key }, label, ...ARCHS.map(cell)));
    }
    table.append(body);

    /* what a reader may wonder about */
    /** @type {string[]} */
    const extra = [];
    if (sel.layer === 1) extra.push(t('card.first_layer'));
    if (a === 'residual' && blockOf(blocks, sel.layer)) extra.push(t('card.residual'));
    if (s.config && s.config.norm && s.config.norm !== 'none') extra.push(t('card.norm'));
    if (ARCHS.some((x) => !hasUpdate(r[x]))) extra.push(t('card.no_update'));
    notes.textContent = extra.join(' ');
    notes.hidden = !extra.length;

    shown = {
      arch: a, layer: sel.layer, step: stepOf(r), index: history.records.indexOf(r),
      formula: { fan_in: fan, weight_var: v, act_slope_sq: e, chi, chi_measured: chim, tex: texText },
      values: Object.fromEntries(rows.map((x) => [x.key, { ...x.values }])),
      cells: Object.fromEntries(rows.map((x) => [x.key, Object.fromEntries(ARCHS.map((y) => [y, /** @type {HTMLElement} */ (table.querySelector(`td[data-key="${x.key}"][data-arch="${y}"]`)).textContent]))])),
    };
  }

  function schedule() {
    if (!raf) raf = requestAnimationFrame(render);
  }

  /* open when a layer is selected (anywhere), closed when none is */
  store.watch((s) => s.selected, (sel) => {
    const was = !card.hidden;
    card.hidden = !sel;
    for (const b of buttons) b.setAttribute('aria-expanded', String(!!sel));
    document.body.classList.toggle('has-layer-card', !!sel);
    if (!sel) {
      shown = null;
      if (was && card.contains(document.activeElement)) {
        const back = opener && document.contains(opener) ? opener : buttons[0];
        if (back) back.focus({ preventScroll: true });
      }
      opener = null;
      return;
    }
    /* opened now: by its own ways in (a click on a chart, its button) unfolded; by another view's select on a phone, folded */
    if (!was) setFolded(!takeFocus && matchMedia(PHONE).matches);
    if (!katexReady) {
      loadKatex().then(() => {
        katexReady = true;
        render();
      }, () => {});
    }
    render();
    if (takeFocus) focusCard();
  });
  store.watch((s) => s.shown, () => { if (!card.hidden) schedule(); });
  store.watch((s) => s.configuredCount, () => fillPickers());
  store.watch((s) => s.lang, () => {
    fillPickers();
    if (!card.hidden) render();
  });

  return {
    /** what the card shows: the selected layer, the step, its numbers and cells (null: closed) */
    debug: () => (shown ? JSON.parse(JSON.stringify({ ...shown, open: !card.hidden })) : { open: !card.hidden }),
  };
}
