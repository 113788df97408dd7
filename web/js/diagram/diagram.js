// @ts-check
/*
 * diagram.js - the network drawn (a plug-in main.js mounts; it owns
 * #card-diagram): both stacks one above the other, input on the left and
 * output on the right in both languages, as the charts' layer axes run.
 *
 *   - every layer a box (a stripe in the compressed middle of a deep stack:
 *     layout.js), filled with the colour the heatmaps give its gradient norm
 *     (charts.js heatValue and heatScale, ui/chart-heatmap.js heatColor: the
 *     same colour for the same value, the grey of the heatmaps for 0 or an
 *     underflow), from the record the time cursor shows (the store's `shown`);
 *   - the residual stack's shortcuts as arcs over its blocks (blockLayers of
 *     the `configured` message), its adds as ⊕; the conv model's poolings as
 *     ▾ under the trunk and its global average pooling as a node before fc;
 *   - hover or focus a layer: its numbers in a tooltip (#diagram-tip, the
 *     focused layer's aria-describedby): grad_norm, act_grad_norm,
 *     chain_factor and, for the residual stack, its block's factor and
 *     shares (or the stem's, the head's);
 *   - click, Enter or Space selects the layer for every view (lab.select),
 *     the selection marked with a dashed frame; arrows move between layers
 *     (left and right) and stacks (up and down), Home and End go to the
 *     input and the output (one tab stop: a roving tabindex);
 *   - the walk (walk.js, the store's `walk`) framed in orange: the plain
 *     stack's current layer, the residual stack's current block (its arc too);
 *   - its text alternative: per layer the gradient norm of both stacks, as
 *     chart 1's table writes it, and the residual stack's part;
 *   - PNG: the SVG drawn to a canvas under the card's title.
 *
 * Only the engine's numbers are drawn; the colours are the heatmaps' map.
 */
import { el } from '../ui/dom.js';
import { heatColor, rgbHex } from '../ui/chart-heatmap.js';
import { COLORS, HEAT_NULL, heatValue, layerTable } from '../lab/charts.js';
import { describeChart, cell } from '../lab/chart-text.js';
import { stepOf } from '../lab/timeline.js';
import { isRunning } from '../ui/store.js';
import { layout, between, poolAfter, KEEP } from './layout.js';
import { residualParts, partOf, partFactor, walkAt } from './walk-model.js';

const NS = 'http://www.w3.org/2000/svg';
const ARCHS = /** @type {const} */ (['plain', 'residual']);
/* the rows: a label line, the arcs' room (both rows, so that they look alike), the boxes, the numbers */
const LABEL_H = 18, ARC_H = 24, BOX_H = 26, NUM_H = 16, ROW_GAP = 6;
const WALK_COLOR = '#E69F00', SELECT_COLOR = '#1d2126', TRUNK = '#8a939c', INK = '#1d2126', MUTED = '#59616b';
const FONT = 'system-ui, "DejaVu Sans", Vazirmatn, sans-serif';

/** an SVG element @param {string} tag @param {Record<string, any>} [attrs] @param {...any} children @returns {any} */
function svgEl(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined && v !== false) e.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * The branch of a residual block as the ops it runs, e.g. "φ → Lin → φ → Lin"
 * (docs/architecture.md, "Network semantics"); the caller sets it left to right.
 * @param {Record<string, any>} c the configuration
 */
export function branchText(c) {
  const conv = c.model === 'conv', W = conv ? 'conv 3×3' : 'Lin', N = c.norm && c.norm !== 'none' ? 'N' : null;
  const k = conv ? 2 : Number(c.block) || 1;
  /** @type {string[]} */
  const ops = [];
  if (c.form === 'post') {
    for (let j = 0; j < k; j++) {
      if (j > 0) ops.push('φ');
      ops.push(W);
      if (N) ops.push(N);
    }
  } else {
    for (let j = 0; j < k; j++) {
      if (N) ops.push(N);
      ops.push('φ', W);
    }
  }
  return ops.join(' → ');
}

/** @param {import('../ui/plugin.js').PluginContext} ctx */
export function mountDiagram({ store, i18n, lab }) {
  const t = i18n.t;
  const title = el('h2', { id: 'title-diagram' });
  const png = el('button', { type: 'button', class: 'png', id: 'diagram-png', onclick: () => exportPng() });
  const note = el('p', { class: 'card-note', id: 'note-diagram' });
  const svg = svgEl('svg', { id: 'chart-diagram', role: 'group', 'aria-labelledby': 'title-diagram', direction: 'ltr', 'font-family': FONT });
  const box = el('div', { class: 'chart-box diagram-box' }, svg);
  const tip = el('div', { class: 'diagram-tip', id: 'diagram-tip', role: 'tooltip', hidden: true });
  const form = el('p', { class: 'card-note diagram-form', id: 'diagram-form' });
  const walkHost = el('div', { class: 'walk-host' });
  const card = el('section', { class: 'card wide', id: 'card-diagram', 'aria-labelledby': 'title-diagram' },
    el('div', { class: 'card-head' }, title, png), note, box, tip, form, walkHost);
  const grad = document.getElementById('card-grad');
  if (grad) grad.before(card);
  else lab.after.before(card);

  /** @typedef {{g: any, rect: any, arch: 'plain' | 'residual', layer: number}} LayerEl */
  /** @type {{plain: LayerEl[], residual: LayerEl[]}} */
  let els = { plain: [], residual: [] };
  /** @type {any} the current layout */
  let lay = null;
  /** @type {Record<string, {boxTop: number, trunk: number}>} */
  let rows = {};
  /** @type {any[]} per block its arc */
  let arcs = [];
  /** @type {any} */
  let overlay = null;
  /** @type {any} */
  let legendBar = null;
  /** @type {{arch: 'plain' | 'residual', layer: number}} the layer with the tab stop */
  let active = { arch: 'plain', layer: 1 };
  let builtFor = '';
  /** @type {{min: number, max: number} | null} */
  let scaleShown = null;
  /** @type {any} the record the boxes were last painted from */
  let painted = null;

  const state = () => store.get();
  const layers = () => state().layers || [];
  const blockLayers = () => (state().blockLayers && state().blockLayers.residual) || [];
  const parts = () => residualParts(blockLayers(), layers().length);

  /** the colour scale the heatmaps use now, else this record's own range @param {any} r */
  function scaleOf(r) {
    const s = lab.heatScale();
    if (s) return s;
    let lo = Infinity, hi = -Infinity;
    for (const a of ARCHS) {
      const rec = r[a];
      if (!rec) continue;
      for (let i = 0; i < rec.grad_norm.length; i++) {
        const v = heatValue(rec, i);
        if (v !== null && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
    return lo <= hi ? { min: Math.floor(lo), max: Math.ceil(hi) } : { min: 0, max: 1 };
  }

  /** the fill of layer i (0-based) of a stack's record: the heatmaps' colour of its value @param {any} rec @param {number} i @param {{min: number, max: number}} scale */
  function fillOf(rec, i, scale) {
    const rgb = heatColor(heatValue(rec, i), scale.min, scale.max);
    return rgb ? rgbHex(rgb) : HEAT_NULL;
  }

  /* ---------------------------------------------------------------- build */
  /** the SVG's structure: on a new configuration, width or language */
  function build() {
    const s = state();
    const L = layers().length;
    svg.textContent = '';
    painted = null;
    els = { plain: [], residual: [] };
    arcs = [];
    if (!L || !s.config) {
      builtFor = '';
      return;
    }
    const conv = s.config.model === 'conv';
    const width = Math.max(280, Math.floor(box.clientWidth || 600));
    lay = layout({ layers: L, width, conv });
    const f = i18n.format();
    const pools = poolAfter(s.config, blockLayers());
    const P = parts();
    let y = 4;
    rows = {};
    for (const arch of ARCHS) {
      const top = y, boxTop = top + LABEL_H + ARC_H, trunk = boxTop + BOX_H / 2;
      rows[arch] = { boxTop, trunk };
      const g = svgEl('g', { class: `dg-row ${arch}`, 'data-arch': arch });
      /* the stack's name, in its colour */
      g.append(svgEl('rect', { x: 4, y: top + 3, width: 11, height: 11, rx: arch === 'residual' ? 5.5 : 1.5, fill: COLORS[arch] }));
      g.append(svgEl('text', { x: 20, y: top + 13, 'font-size': 13, 'font-weight': 700, fill: INK }, t(`stack.${arch}`)));
      /* the trunk, the input x and the loss L */
      g.append(svgEl('line', { x1: lay.trunk.x0, x2: lay.trunk.x1, y1: trunk, y2: trunk, stroke: TRUNK, 'stroke-width': 1.5 }));
      g.append(svgEl('circle', { cx: lay.trunk.x0 - 9, cy: trunk, r: 9, fill: '#fff', stroke: TRUNK }));
      g.append(svgEl('text', { x: lay.trunk.x0 - 9, y: trunk + 4, 'text-anchor': 'middle', 'font-size': 12, 'font-style': 'italic', fill: INK }, 'x'));
      g.append(svgEl('circle', { cx: lay.trunk.x1 + 9, cy: trunk, r: 9, fill: '#fff', stroke: TRUNK }));
      g.append(svgEl('text', { x: lay.trunk.x1 + 9, y: trunk + 4, 'text-anchor': 'middle', 'font-size': 12, 'font-style': 'italic', fill: INK }, 'L'));
      if (lay.gapNode) {
        g.append(svgEl('rect', { x: lay.gapNode.x, y: trunk - 7, width: lay.gapNode.w, height: 14, rx: 7, fill: '#eef0f2', stroke: MUTED },
          svgEl('title', {}, t('diagram.gap'))));
        g.append(svgEl('text', { x: lay.gapNode.x + lay.gapNode.w / 2, y: boxTop + BOX_H + 12, 'text-anchor': 'middle', 'font-size': 9, fill: MUTED }, 'GAP'));
      }
      /* the shortcuts: an arc over each block, its add (⊕) where it lands */
      if (arch === 'residual') {
        for (const p of P) {
          if (p.kind !== 'block') continue;
          const xa = between(lay, p.first - 1), xb = between(lay, p.last);
          const inBoxes = lay.slots[p.first - 1].box && lay.slots[p.last - 1].box;
          const h = inBoxes ? ARC_H - 6 : Math.min(ARC_H - 6, 5 + (xb - xa) * 1.2);
          const arc = svgEl('path', { class: 'dg-arc', d: `M${xa},${boxTop} C${xa},${boxTop - h * 1.33} ${xb},${boxTop - h * 1.33} ${xb},${boxTop}`, fill: 'none', stroke: COLORS.residual, 'stroke-width': 1.6 });
          arcs[p.b] = arc;
          g.append(arc);
          if (inBoxes && lay.gap >= 8) {
            g.append(svgEl('circle', { cx: xb, cy: trunk, r: 4.5, fill: '#fff', stroke: COLORS.residual, 'stroke-width': 1.3 }));
            g.append(svgEl('path', { d: `M${xb - 2.6},${trunk} H${xb + 2.6} M${xb},${trunk - 2.6} V${trunk + 2.6}`, stroke: COLORS.residual, 'stroke-width': 1.3 }));
          }
        }
      }
      /* the layers */
      for (let l = 1; l <= L; l++) {
        const sl = lay.slots[l - 1];
        const rect = svgEl('rect', { x: sl.x, y: boxTop, width: sl.w, height: BOX_H, rx: sl.box && sl.w > 6 ? 3 : 0, fill: HEAT_NULL, stroke: sl.box ? '#4a4f55' : 'none', 'stroke-width': sl.box ? 0.8 : 0 });
        const lg = svgEl('g', { class: 'dg-layer', role: 'button', tabindex: -1, 'data-arch': arch, 'data-layer': l, 'aria-pressed': 'false' }, rect);
        g.append(lg);
        els[arch].push({ g: lg, rect, arch, layer: l });
      }
      /* the poolings (conv): ▾ under the trunk after the stage's last convolution */
      for (const l of pools) {
        const x = between(lay, l);
        g.append(svgEl('path', { d: `M${x - 4},${boxTop + BOX_H + 2} H${x + 4} L${x},${boxTop + BOX_H + 8} Z`, fill: INK }, svgEl('title', {}, t('diagram.pool'))));
      }
      /* the layer numbers: every box's where they fit, else the ends' and the compressed run's */
      const numY = boxTop + BOX_H + 13;
      const label = (/** @type {number} */ x, /** @type {string} */ text) => g.append(svgEl('text', { x, y: numY, 'text-anchor': 'middle', 'font-size': 10, fill: MUTED }, text));
      if (lay.compressed) {
        for (let l = 1; l <= L; l++) if (l <= KEEP || l > L - KEEP) label(lay.slots[l - 1].x + lay.slots[l - 1].w / 2, f.int(l));
        const c = lay.compressed;
        /* the words where they fit under the stripes, else the layers' numbers alone */
        const words = t('diagram.compressed', { first: f.int(c.first), last: f.int(c.last) });
        label((c.x0 + c.x1) / 2, words.length * 5.6 < c.x1 - c.x0 ? words : t('diagram.compressed_short', { first: f.int(c.first), last: f.int(c.last) }));
        /* the break marks at both ends of the stripes */
        for (const x of [c.x0 - 5, c.x1 + 5]) g.append(svgEl('path', { d: `M${x - 2},${boxTop - 2} l4,6 l-4,6 l4,6 l-4,6 l4,6`, fill: 'none', stroke: MUTED, 'stroke-width': 1 }));
      } else {
        const every = lay.slots[0].w >= 16 ? 1 : Math.ceil(24 / (lay.slots[0].w + lay.gap));
        for (let l = 1; l <= L; l++) if (l === 1 || l === L || (l % every === 0 && L - l >= every / 2)) label(lay.slots[l - 1].x + lay.slots[l - 1].w / 2, f.int(l));
      }
      svg.append(g);
      y = boxTop + BOX_H + NUM_H + ROW_GAP;
    }
    /* the marks on top: the walk's frames, the selection's */
    overlay = svgEl('g', { class: 'dg-overlay', 'pointer-events': 'none' });
    svg.append(overlay);
    /* the legend: the colour scale (the heatmaps'), the grey, the stacks' marks */
    legendBar = buildLegend(y + 4, lay.width, conv, pools.length > 0);
    svg.append(legendBar.g);
    const height = y + 4 + legendBar.height;
    svg.setAttribute('viewBox', `0 0 ${lay.width} ${height}`);
    svg.setAttribute('width', String(lay.width));
    svg.setAttribute('height', String(height));
    builtFor = `${s.configuredCount}|${width}|${i18n.lang}`;
    scaleShown = null;
    ensureActive();
  }

  /** the legend: a colour bar from 10^min to 10^max, the null grey, pooling and GAP (conv) */
  function buildLegend(/** @type {number} */ top, /** @type {number} */ width, /** @type {boolean} */ conv, /** @type {boolean} */ pooled) {
    const g = svgEl('g', { class: 'dg-legend' });
    const defs = svgEl('defs');
    const grad = svgEl('linearGradient', { id: 'dg-viridis', x1: 0, x2: 1, y1: 0, y2: 0 });
    for (let k = 0; k <= 10; k++) grad.append(svgEl('stop', { offset: k / 10, 'stop-color': rgbHex(/** @type {number[]} */ (heatColor(k / 10, 0, 1))) }));
    defs.append(grad);
    g.append(defs);
    const barX = 40, barW = Math.min(160, width * 0.3), y = top + 8;
    const lo = svgEl('text', { x: barX - 4, y: y + 9, 'text-anchor': 'end', 'font-size': 10, fill: INK });
    const hi = svgEl('text', { x: barX + barW + 4, y: y + 9, 'font-size': 10, fill: INK });
    g.append(lo, svgEl('rect', { x: barX, y, width: barW, height: 10, fill: 'url(#dg-viridis)', stroke: '#555', 'stroke-width': 0.6 }), hi);
    g.append(svgEl('text', { x: barX, y: y + 22, 'font-size': 10, fill: MUTED }, t('diagram.legend.scale')));
    let x = barX + barW + 44;
    let line = 0;
    /** an item after the bar, or on the next line (under the bar's caption) when the width runs out @param {any} mark @param {string} text */
    const item = (mark, text) => {
      const w = 16 + text.length * 5.6;
      if (x + w > width - 4 && x > barX) {
        x = barX;
        line++;
      }
      const yy = line ? y + 20 + 14 * line : y;
      const gi = svgEl('g', { transform: `translate(${x},${yy})` }, mark, svgEl('text', { x: 14, y: 9, 'font-size': 10, fill: INK }, text));
      g.append(gi);
      x += w + 10;
    };
    item(svgEl('rect', { x: 0, y: 0, width: 10, height: 10, fill: HEAT_NULL, stroke: '#555', 'stroke-width': 0.6 }), t('diagram.legend.null'));
    item(svgEl('path', { d: 'M0,8 C0,-2 10,-2 10,8', fill: 'none', stroke: COLORS.residual, 'stroke-width': 1.6 }), t('diagram.legend.shortcut'));
    if (pooled) item(svgEl('path', { d: 'M1,2 H9 L5,8 Z', fill: INK }), t('diagram.pool'));
    if (conv) item(svgEl('rect', { x: 0, y: 2, width: 10, height: 7, rx: 3.5, fill: '#eef0f2', stroke: MUTED }), t('diagram.gap'));
    return { g, lo, hi, height: 40 + 14 * line };
  }

  /* ---------------------------------------------------------------- paint */
  /** the colours, names and marks from the record shown, the selection and the walk */
  function paint() {
    const s = state();
    const r = s.shown;
    if (!r || !r.plain || !lay) return;
    const f = i18n.format();
    const scale = scaleOf(r);
    scaleShown = scale;
    painted = r;
    const L = layers().length;
    const P = parts();
    for (const arch of ARCHS) {
      const rec = r[arch];
      els[arch].forEach((e, i) => {
        if (!rec || i >= rec.grad_norm.length) return;
        e.rect.setAttribute('fill', fillOf(rec, i, scale));
        e.g.setAttribute('aria-label', t('diagram.layer_label', {
          layer: f.int(i + 1), name: layers()[i] || '', stack: t(`stack.${arch}`),
          value: rec.underflow && rec.underflow[i] === 1 ? t('alt.underflow') : cell(rec.grad_norm[i], f.value),
        }));
        const sel = s.selected && s.selected.arch === arch && s.selected.layer === i + 1;
        e.g.setAttribute('aria-pressed', sel ? 'true' : 'false');
      });
    }
    if (legendBar) {
      legendBar.lo.textContent = f.pow10(scale.min);
      legendBar.hi.textContent = f.pow10(scale.max);
    }
    /* the marks */
    overlay.textContent = '';
    for (const a of arcs) if (a) a.setAttribute('stroke-width', '1.6');
    const frame = (/** @type {'plain' | 'residual'} */ arch, /** @type {number} */ first, /** @type {number} */ last, /** @type {string} */ color, /** @type {string} */ cls, /** @type {string | null} */ dash) => {
      const a = lay.slots[first - 1], b = lay.slots[last - 1];
      let x0 = a.x - 3, x1 = b.x + b.w + 3;
      if (x1 - x0 < 10) {
        const c = (x0 + x1) / 2;
        x0 = c - 5;
        x1 = c + 5;
      }
      const top = rows[arch].boxTop - 3;
      overlay.append(svgEl('rect', { class: cls, 'data-arch': arch, 'data-first': first, 'data-last': last, x: x0, y: top, width: x1 - x0, height: BOX_H + 6, rx: 3, fill: 'none', stroke: color, 'stroke-width': 3, 'stroke-dasharray': dash }));
    };
    const walk = s.walk;
    if (walk && L) {
      const pw = walkAt(r.plain, 'plain', walk.pos, []);
      frame('plain', pw.layer, pw.layer, WALK_COLOR, 'dg-walk', null);
      if (r.residual && P.length) {
        const rw = walkAt(r.residual, 'residual', walk.pos, P);
        if (rw.part) {
          frame('residual', rw.part.first, rw.part.last, WALK_COLOR, 'dg-walk', null);
          const arc = arcs[rw.part.b];
          if (rw.part.kind === 'block' && arc) arc.setAttribute('stroke-width', '3.2');
        }
      }
    }
    if (s.selected && s.selected.layer <= L) frame(s.selected.arch, s.selected.layer, s.selected.layer, SELECT_COLOR, 'dg-selected', '4 2');
    title.textContent = t('diagram.title_step', { step: f.int(stepOf(r)) });
    alt.update();
    if (tipFor) showTip(tipFor.arch, tipFor.layer, tipFor.anchor);
  }

  /* ---------------------------------------------------------------- tooltip */
  /** @type {{arch: 'plain' | 'residual', layer: number, anchor: any} | null} */
  let tipFor = null;

  /** the numbers of one layer, as lines @param {'plain' | 'residual'} arch @param {number} layer */
  function tipLines(arch, layer) {
    const r = state().shown;
    const f = i18n.format();
    const rec = r && r[arch];
    if (!rec) return [];
    const i = layer - 1;
    const v = (/** @type {number} */ x) => cell(x, f.value);
    const lines = [
      t('diagram.tip.title', { layer: f.int(layer), name: layers()[i] || '', stack: t(`stack.${arch}`) }),
      t('diagram.tip.grad_norm', { value: rec.underflow && rec.underflow[i] === 1 ? t('alt.underflow') : v(rec.grad_norm[i]) }),
      t('diagram.tip.act_grad_norm', { value: v(rec.act_grad_norm[i]) }),
      t('diagram.tip.chain_factor', { value: v(rec.chain_factor[i]) }),
    ];
    const P = arch === 'residual' ? parts() : [];
    const k = partOf(P, layer);
    if (k >= 0) {
      const p = P[k];
      const span = { first: f.int(p.first), last: f.int(p.last) };
      if (p.kind === 'block') {
        lines.push(t('diagram.tip.block', { b: f.int(p.b), ...span, factor: v(partFactor(rec, p)), shortcut: v(rec.block_shortcut[p.b - 1]), branch: v(rec.block_branch[p.b - 1]) }));
      } else lines.push(t(`diagram.tip.${p.kind}`, { ...span, factor: v(partFactor(rec, p)) }));
    }
    return lines;
  }

  /** @param {'plain' | 'residual'} arch @param {number} layer @param {any} anchor the layer's element */
  function showTip(arch, layer, anchor) {
    tipFor = { arch, layer, anchor };
    const lines = tipLines(arch, layer);
    if (!lines.length) return hideTip();
    tip.textContent = '';
    tip.append(el('strong', { text: lines[0] }), ...lines.slice(1).map((x) => el('span', { text: x })));
    tip.hidden = false;
    /* under the layer, inside the card */
    const cr = card.getBoundingClientRect(), ar = anchor.getBoundingClientRect();
    const w = tip.offsetWidth;
    const left = Math.min(Math.max(4, ar.left + ar.width / 2 - cr.left - w / 2), cr.width - w - 4);
    tip.style.left = `${left}px`;
    tip.style.top = `${ar.bottom - cr.top + 6}px`;
  }

  function hideTip() {
    tipFor = null;
    tip.hidden = true;
  }

  /* ---------------------------------------------------------------- keys and pointer */
  /** @param {any} target @returns {LayerEl | null} */
  function layerOf(target) {
    const g = target && target.closest ? target.closest('.dg-layer') : null;
    if (!g) return null;
    const arch = g.getAttribute('data-arch'), l = Number(g.getAttribute('data-layer'));
    return (els[/** @type {'plain' | 'residual'} */ (arch)] || [])[l - 1] || null;
  }

  /** the tab stop on one layer (focused when asked) @param {'plain' | 'residual'} arch @param {number} layer @param {boolean} [focus] */
  function setActive(arch, layer, focus = false) {
    const prev = els[active.arch] && els[active.arch][active.layer - 1];
    if (prev) prev.g.setAttribute('tabindex', '-1');
    active = { arch, layer };
    const e = els[arch][layer - 1];
    if (!e) return;
    e.g.setAttribute('tabindex', '0');
    if (focus) e.g.focus();
  }

  /** the tab stop: the selected layer, else the one it was on (when it is still there), else the plain output */
  function ensureActive() {
    const L = layers().length;
    if (!L) return;
    const sel = state().selected;
    if (sel && sel.layer <= L) setActive(sel.arch, sel.layer);
    else setActive(active.arch, active.layer <= L ? active.layer : L);
  }

  svg.addEventListener('click', (/** @type {MouseEvent} */ ev) => {
    const e = layerOf(ev.target);
    if (!e) return;
    toggle(e);
    setActive(e.arch, e.layer, true);
  });
  /** select a layer, or clear the selection when it is that layer @param {LayerEl} e */
  function toggle(e) {
    const sel = state().selected;
    lab.select(sel && sel.arch === e.arch && sel.layer === e.layer ? null : { arch: e.arch, layer: e.layer });
  }
  svg.addEventListener('keydown', (/** @type {KeyboardEvent} */ ev) => {
    const e = layerOf(ev.target);
    if (!e) return;
    const L = layers().length;
    let { arch, layer } = e;
    switch (ev.key) {
      case 'ArrowLeft': layer = Math.max(1, layer - 1); break;
      case 'ArrowRight': layer = Math.min(L, layer + 1); break;
      case 'ArrowUp': arch = 'plain'; break;
      case 'ArrowDown': arch = 'residual'; break;
      case 'Home': layer = 1; break;
      case 'End': layer = L; break;
      case 'Enter': case ' ': toggle(e); ev.preventDefault(); return;
      case 'Escape': hideTip(); return;
      default: return;
    }
    ev.preventDefault();
    if (!els[arch][layer - 1]) return;
    setActive(arch, layer, true);
  });
  svg.addEventListener('focusin', (/** @type {FocusEvent} */ ev) => {
    const e = layerOf(ev.target);
    if (!e) return;
    e.g.setAttribute('aria-describedby', 'diagram-tip');
    showTip(e.arch, e.layer, e.g);
  });
  svg.addEventListener('focusout', (/** @type {FocusEvent} */ ev) => {
    const e = layerOf(ev.target);
    if (e) e.g.removeAttribute('aria-describedby');
    hideTip();
  });
  svg.addEventListener('pointerover', (/** @type {PointerEvent} */ ev) => {
    const e = layerOf(ev.target);
    if (e) showTip(e.arch, e.layer, e.g);
  });
  svg.addEventListener('pointerleave', () => {
    const focused = layerOf(document.activeElement);
    if (focused) showTip(focused.arch, focused.layer, focused.g);
    else hideTip();
  });

  /* ---------------------------------------------------------------- text alternative */
  const alt = describeChart(/** @type {any} */ (svg), () => {
    const s = state();
    const r = s.shown;
    if (!r || !r.plain || !layers().length) return { caption: t('alt.empty'), head: [], rows: [] };
    const f = i18n.format();
    const ctx = /** @type {any} */ ({ t, fmt: f, record: r, layers: layers() });
    const table = layerTable(ctx, {
      field: 'grad_norm',
      format: (st, i) => (st.underflow && st.underflow[i] === 1 ? t('alt.underflow') : cell(st.grad_norm[i], f.value)),
    });
    const P = parts();
    const partName = (/** @type {number} */ l) => {
      const k = partOf(P, l);
      if (k < 0) return '';
      const p = P[k];
      return p.kind === 'block' ? t('diagram.part.block', { b: f.int(p.b) }) : t(`diagram.part.${p.kind}`);
    };
    return {
      caption: t('diagram.alt.caption', { step: f.int(stepOf(r)) }),
      head: [...table.head, t('diagram.alt.part')],
      rows: table.rows.map((row, i) => [...row, partName(i + 1)]),
    };
  }, { busy: () => isRunning(store.get()) });

  /* ---------------------------------------------------------------- PNG */
  async function exportPng() {
    const clone = /** @type {SVGSVGElement} */ (svg.cloneNode(true));
    clone.setAttribute('xmlns', NS);
    for (const o of clone.querySelectorAll('[tabindex]')) o.removeAttribute('tabindex');
    const w = Number(svg.getAttribute('width')), h = Number(svg.getAttribute('height'));
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(clone))}`;
    await img.decode();
    const scale = 2, head = 30;
    const canvas = document.createElement('canvas');
    canvas.width = w * scale;
    canvas.height = (h + head) * scale;
    const c = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    c.scale(scale, scale);
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, w, h + head);
    c.fillStyle = INK;
    c.font = `bold 15px ${getComputedStyle(document.body).fontFamily}`;
    const rtl = i18n.lang === 'fa';
    c.direction = rtl ? 'rtl' : 'ltr';
    c.textAlign = rtl ? 'right' : 'left';
    c.fillText(title.textContent || '', rtl ? w - 8 : 8, 20);
    c.drawImage(img, 0, head, w, h);
    lab.download('gradlab-diagram.png', canvas.toDataURL('image/png'), false);
  }

  /* ---------------------------------------------------------------- words and wiring */
  function texts() {
    const s = state();
    const f = i18n.format();
    title.textContent = s.shown ? t('diagram.title_step', { step: f.int(stepOf(s.shown)) }) : t('diagram.title');
    note.textContent = t('diagram.note');
    png.textContent = t('export_png');
    svg.setAttribute('aria-roledescription', t('diagram.roledescription'));
    const c = s.config;
    if (c) {
      const key = c.form === 'post' ? 'diagram.form.post' : 'diagram.form.pre';
      /* the branch, a formula, in a left-to-right box of its own (it may wrap inside Persian text) */
      const [before, after] = t(key, { branch: '\u0000' }).split('\u0000');
      form.textContent = '';
      form.append(before, el('bdi', { class: 'walk-formula', dir: 'ltr', text: branchText(c) }), after || '', c.model === 'conv' ? ` ${t('diagram.form.conv')}` : '');
    }
  }

  let rebuildTimer = 0;
  function refresh() {
    const s = state();
    /* nothing to draw before the first configuration, and no reason to ask the page's layout
       for the width (the page's words arrive before it: that forced a layout of the whole page) */
    if (!s.config) return;
    const width = Math.max(280, Math.floor(box.clientWidth || 600));
    if (builtFor !== `${s.configuredCount}|${width}|${i18n.lang}`) build();
    paint();
  }
  let paintTimer = 0;
  const schedule = () => {
    if (!paintTimer) paintTimer = window.setTimeout(() => {
      paintTimer = 0;
      refresh();
    }, isRunning(state()) ? 150 : 0);
  };

  store.watch((s) => s.shown, schedule);
  store.watch((s) => s.selected, () => {
    ensureActive();
    paint();
  });
  store.watch((s) => s.walk, () => paint());
  store.watch((s) => s.configuredCount, () => {
    texts();
    refresh();
  });
  store.watch((s) => s.lang, () => {
    texts();
    refresh();
    alt.update();
  });
  new ResizeObserver(() => {
    if (rebuildTimer) window.clearTimeout(rebuildTimer);
    rebuildTimer = window.setTimeout(() => {
      rebuildTimer = 0;
      refresh();
    }, 100);
  }).observe(box);
  /* the heatmaps' colour range may widen with a record the diagram has already painted */
  store.watch((s) => s.latest, () => {
    const r = state().shown;
    if (!r || !scaleShown) return;
    const now = lab.heatScale();
    if (now && (now.min !== scaleShown.min || now.max !== scaleShown.max)) schedule();
  });

  return {
    card,
    /** where the walk's controls and lines go (walk.js) */
    walkHost,
    /** what the tests read: per stack and layer the fill, the scale, the marks, the layout */
    debug() {
      return {
        /* the step of the record the boxes show (painted, not just asked for) */
        step: painted ? stepOf(painted) : null,
        scale: scaleShown ? { ...scaleShown } : null,
        width: lay ? lay.width : 0,
        compressed: lay && lay.compressed ? { ...lay.compressed } : null,
        fills: Object.fromEntries(ARCHS.map((a) => [a, els[a].map((e) => e.rect.getAttribute('fill'))])),
        widths: Object.fromEntries(ARCHS.map((a) => [a, els[a].map((e) => Number(e.rect.getAttribute('width')))])),
        arcs: arcs.filter(Boolean).length,
        walk: [...overlay.querySelectorAll('.dg-walk')].map((m) => ({ arch: m.getAttribute('data-arch'), first: Number(m.getAttribute('data-first')), last: Number(m.getAttribute('data-last')) })),
        selected: [...overlay.querySelectorAll('.dg-selected')].map((m) => ({ arch: m.getAttribute('data-arch'), layer: Number(m.getAttribute('data-first')) })),
        tip: tip.hidden ? null : tip.textContent,
      };
    },
  };
}
