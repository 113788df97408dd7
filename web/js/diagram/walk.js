// @ts-check
/*
 * walk.js - walking the backward pass (a plug-in main.js mounts into the
 * diagram's card; it owns the store key `walk` and the controls it makes):
 * at the record the time cursor shows, from the output to the input, one
 * layer of the plain stack and, in step with it, one block of the residual
 * stack at a time (walk-model.js).  The diagram and the chain chart frame
 * the current layer and block; the lines under the diagram say the running
 * product so far, "0.33 × 0.24 × 0.27 = 0.021", and for a residual block
 * "shortcut ×1 + branch ×0.07".
 *
 *   walk     null (no walk) or {pos, playing}: pos 0 .. L-1 from the output
 *
 * Controls: Start (at the output) / Stop, Previous, Play / Pause, Next, the
 * speed; keys inside the controls: ArrowLeft one layer towards the input (as
 * the diagram runs, in both languages), ArrowRight back towards the output,
 * Home the output, End the input.  Playing stops at the input.  The walk
 * follows the time cursor (its numbers are the shown record's); a new
 * configuration ends it.  lab.walk.start() is the lesson's way in.
 */
import { el } from '../ui/dom.js';
import { stepOf } from '../lab/timeline.js';
import { residualParts, walkAt, walkLength, productText } from './walk-model.js';

/** ms per step at each speed: slow, medium, fast */
export const WALK_MS = [1600, 900, 350];

/**
 * @param {import('../ui/plugin.js').PluginContext & {host: Element}} ctx
 */
export function mountWalk({ store, i18n, host }) {
  const t = i18n.t;
  const heading = el('h3', { id: 'walk-title' });
  const start = el('button', { type: 'button', id: 'walk-start', class: 'primary' });
  const prev = el('button', { type: 'button', id: 'walk-prev' });
  const play = el('button', { type: 'button', id: 'walk-play', 'aria-pressed': 'false' });
  const next = el('button', { type: 'button', id: 'walk-next' });
  const speedLabel = el('span');
  const speed = el('select', { id: 'walk-speed' }, ...WALK_MS.map((_, i) => el('option', { value: String(i) })));
  speed.value = '1';
  const pos = el('output', { id: 'walk-pos', for: 'walk-speed' });
  const help = el('p', { class: 'card-note walk-help', id: 'walk-help' });
  const lines = el('div', { class: 'walk-lines', id: 'walk-lines', 'aria-live': 'polite' });
  const controls = el('div', { class: 'walk-controls' }, start, prev, play, next, el('label', { class: 'walk-speed' }, speedLabel, speed), pos);
  const panel = el('div', { class: 'walk', id: 'walk', role: 'group', 'aria-labelledby': 'walk-title', 'aria-describedby': 'walk-help' },
    heading, help, controls, lines);
  host.append(panel);

  let timer = 0;
  const L = () => walkLength(store.get().shown);
  const walk = () => store.get().walk;

  /** @param {number} p @param {boolean} playing */
  function set(p, playing) {
    const n = L();
    if (!n) return;
    store.update({ walk: { pos: Math.min(Math.max(0, p), n - 1), playing } });
  }

  function stopTimer() {
    if (timer) window.clearInterval(timer);
    timer = 0;
  }

  function startTimer() {
    stopTimer();
    timer = window.setInterval(() => {
      const w = walk();
      if (!w || !w.playing) return stopTimer();
      if (w.pos >= L() - 1) {
        set(w.pos, false);
        return stopTimer();
      }
      set(w.pos + 1, true);
    }, WALK_MS[Number(speed.value)] || WALK_MS[1]);
  }

  const api = {
    /** starts the walk at the output (playing unless told not to) @param {{play?: boolean}} [options] */
    start(options = {}) {
      if (!L()) return false;
      set(0, options.play !== false);
      return true;
    },
    /** ends the walk: no frames, no lines */
    stop() {
      stopTimer();
      if (walk()) store.update({ walk: null });
    },
    next: () => step(1),
    previous: () => step(-1),
    /** to a position (0 = the output, L-1 = the input) @param {number} p */
    go: (p) => set(p, false),
    /** play or pause */
    toggle() {
      const w = walk();
      if (!w) return api.start();
      /* at the input, Play walks again from the output */
      set(w.playing ? w.pos : (w.pos >= L() - 1 ? 0 : w.pos), !w.playing);
      return true;
    },
    /** the walk's state: null, or {pos, playing, length} */
    state() {
      const w = walk();
      return w ? { pos: w.pos, playing: w.playing, length: L() } : null;
    },
  };

  /** @param {number} d */
  function step(d) {
    const w = walk();
    if (!w) return set(d > 0 ? 0 : L() - 1, false);
    set(w.pos + d, false);
  }

  start.addEventListener('click', () => (walk() ? api.stop() : api.start()));
  prev.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => step(1));
  play.addEventListener('click', () => api.toggle());
  speed.addEventListener('change', () => {
    const w = walk();
    if (w && w.playing) startTimer();
  });
  panel.addEventListener('keydown', (/** @type {KeyboardEvent} */ ev) => {
    if (ev.target === speed) return;
    const n = L();
    if (!n) return;
    const keys = /** @type {Record<string, () => void>} */ ({
      ArrowLeft: () => step(1), ArrowRight: () => step(-1), Home: () => set(0, false), End: () => set(n - 1, false),
    });
    const fn = keys[ev.key];
    if (!fn) return;
    ev.preventDefault();
    fn();
  });

  /* ---- the lines: where each stack's walk stands, its factor and the product so far ---- */
  function render() {
    const s = store.get();
    const w = s.walk;
    const r = s.shown;
    const f = i18n.format();
    const n = L();
    start.textContent = t(w ? 'walk.stop' : 'walk.start');
    start.classList.toggle('primary', !w);
    prev.disabled = !w || w.pos <= 0;
    next.disabled = !n || (!!w && w.pos >= n - 1);
    play.disabled = !n;
    play.textContent = t(w && w.playing ? 'walk.pause' : 'walk.play');
    play.setAttribute('aria-pressed', String(!!(w && w.playing)));
    start.disabled = !n;
    lines.setAttribute('aria-live', w && w.playing ? 'off' : 'polite');
    lines.textContent = '';
    if (!w || !r || !n) {
      pos.value = '';
      return;
    }
    const P = residualParts((s.blockLayers && s.blockLayers.residual) || [], n);
    const pw = walkAt(r.plain, 'plain', w.pos, []);
    pos.value = t('walk.position', { layer: f.int(pw.layer), name: s.layers[pw.layer - 1] || '', steps: f.int(w.pos + 1), of: f.int(n), step: f.int(stepOf(r)) });
    lines.append(lineOf('plain', t('walk.plain', { layer: f.int(pw.layer), name: s.layers[pw.layer - 1] || '', factor: f.value(pw.factor) }), pw, f));
    if (r.residual && P.length) {
      const rw = walkAt(r.residual, 'residual', w.pos, P);
      const p = /** @type {import('./walk-model.js').Part} */ (rw.part);
      const span = { first: f.int(p.first), last: f.int(p.last), factor: f.value(rw.factor) };
      const what = p.kind === 'block'
        ? t('walk.block', { b: f.int(p.b), ...span, shortcut: f.value(/** @type {number} */ (rw.shortcut)), branch: f.value(/** @type {number} */ (rw.branch)) })
        : t(`walk.${p.kind}`, span);
      lines.append(lineOf('residual', what, rw, f));
    }
  }

  /**
   * One stack's line: what the current step multiplies by, then the product so far.
   * @param {'plain' | 'residual'} arch @param {string} what @param {ReturnType<typeof walkAt>} at @param {import('../ui/i18n.js').Formatters} f
   */
  function lineOf(arch, what, at, f) {
    /* the formula in a left-to-right box of its own: in Persian a wrapped left-to-right run reads out of order */
    const formula = el('bdi', { class: 'walk-formula', dir: 'ltr', text: productText(at.factors, at.product, f.value) });
    const [before, after] = t(at.done ? 'walk.product_done' : 'walk.product', { product: '\u0000', n: f.int(at.factors.length) }).split('\u0000');
    return el('p', { class: `walk-line ${arch}`, 'data-arch': arch },
      el('strong', { text: `${t(`stack.${arch}`)}: ` }), el('span', { class: 'walk-what', text: what }), ' ',
      el('span', { class: 'walk-product', 'data-product': String(at.product) }, before, formula, after || ''));
  }

  function texts() {
    heading.textContent = t('walk.title');
    help.textContent = t('walk.help');
    prev.textContent = t('walk.previous');
    next.textContent = t('walk.next');
    speedLabel.textContent = `${t('walk.speed')} `;
    [...speed.options].forEach((o, i) => { o.textContent = t(`walk.speed_${i}`); });
    render();
  }

  store.watch((s) => s.walk, (w, s) => {
    if (w && w.playing && !timer) startTimer();
    if ((!w || !w.playing) && timer) stopTimer();
    render();
  });
  store.watch((s) => s.shown, render);
  store.watch((s) => s.configuredCount, () => api.stop());
  store.watch((s) => s.lang, texts);
  texts();

  return {
    api,
    /** what the tests read: the state and the lines as written */
    debug() {
      return {
        state: api.state(),
        position: pos.value,
        lines: [...lines.querySelectorAll('.walk-line')].map((p) => ({
          arch: /** @type {HTMLElement} */ (p).dataset.arch, text: p.textContent,
          what: /** @type {HTMLElement} */ (p.querySelector('.walk-what')).textContent,
          product: /** @type {HTMLElement} */ (p.querySelector('.walk-product')).textContent,
        })),
      };
    },
  };
}
