// @ts-check
/*
 * digit-strip.js - conv mode's strip of test digits (data=digits): images
 * 0..STRIP-1 of the test split with the label and each stack's prediction
 * (✓ right, ✗ wrong), refreshed while training and after every new record
 * (Worker request predict_test, matched by its id).  Owns #card-digits.
 */
import { el } from '../ui/dom.js';
import { isRunning } from '../ui/store.js';

export const STRIP = 20;           /* test digits in the strip: images 0..19, two of each class */
export const PREDICT_MS = 1000;    /* refresh while training */
const RIGHT = '#007a4d', WRONG = '#b00020';

/** @typedef {import('../ui/plugin.js').PluginContext} PluginContext */

/**
 * Greys of one image, ink dark on white, scaled to the image's own range.
 * @param {ArrayLike<number>} x pixels @param {number} offset @param {number} n pixels in the image
 * @returns {Uint8ClampedArray} n grey levels
 */
export function greys(x, offset, n) {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[offset + i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const out = new Uint8ClampedArray(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(255 * (1 - (x[offset + i] - lo) / span));
  return out;
}

/** @param {PluginContext} ctx */
export function createDigitStrip({ store, worker, i18n }) {
  const t = i18n.t;
  const s = { images: /** @type {any} */ (null), y: /** @type {any} */ (null), height: 0, width: 0, predicted: /** @type {any} */ (null), probs: /** @type {any} */ (null), pending: false, generation: 0, seen: 0, on: false };
  const box = el('div', { class: 'digit-strip', id: 'digit-strip', role: 'list' });
  const title = el('h2', { id: 'title-digits' }), note = el('p', { class: 'card-note', id: 'note-digits' });
  const summary = el('p', { class: 'card-note', id: 'digits-summary', 'aria-live': 'polite' });
  /* what the loss and accuracy figures (stack cards, chart 2, this summary) are measured on */
  const evalNote = el('p', { class: 'card-note', id: 'digits-eval' });
  const card = el('section', { class: 'card wide conv-card', id: 'card-digits', 'aria-labelledby': 'title-digits', hidden: true },
    el('div', { class: 'card-head' }, title), note, box, summary, evalNote);

  function request() {
    if (!s.on || !store.get().config || s.pending) return false;
    s.pending = true;
    const gen = s.generation;
    worker.request({ type: 'predict_test', first: 0, count: STRIP, images: !s.images }).then((m) => {
      s.pending = false;
      if (gen !== s.generation) return; /* from an older configuration */
      if (m.x) {
        s.images = m.x;
        s.height = m.height;
        s.width = m.width;
      }
      s.y = m.y;
      s.predicted = m.predicted;
      s.probs = m.probs;
      render();
    }, () => { s.pending = false; });
    return true;
  }

  /* the strip follows training: every PREDICT_MS while running, and after any new record */
  setInterval(() => {
    const st = store.get();
    if (!s.on || !st.config) return;
    const n = st.received || 0;
    if ((isRunning(st) || n !== s.seen) && request()) s.seen = n;
  }, PREDICT_MS);

  function drawDigit(/** @type {any} */ canvas, /** @type {number} */ offset) {
    const ctx = canvas.getContext('2d');
    const n = s.height * s.width;
    const img = ctx.createImageData(s.width, s.height);
    const g = greys(s.images, offset, n);
    for (let i = 0; i < n; i++) {
      img.data[4 * i] = g[i];
      img.data[4 * i + 1] = g[i];
      img.data[4 * i + 2] = g[i];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function render() {
    /* what the records' figures are measured on, as the engine says (configured.measured:
       the whole of each split, or a conv model's first images of each) */
    const m = store.get().measured;
    const int = i18n.format().int;
    evalNote.textContent = !m ? ''
      : m.train === m.trainOf && m.test === m.testOf ? t('conv.eval.dense', { test: int(m.testOf) })
        : m.train === m.trainOf ? t('conv.eval.conv_full', { n: int(m.test) })
          : t('conv.eval.conv', { n: int(m.train) });
    if (!s.on || !s.images || !s.y) {
      box.textContent = '';
      summary.textContent = '';
      return;
    }
    const f = i18n.format();
    const h = s.height, w = s.width, n = s.y.length;
    if (box.children.length !== n) {
      box.textContent = '';
      for (let i = 0; i < n; i++) {
        const canvas = el('canvas', { width: String(w), height: String(h), class: 'digit', 'aria-hidden': 'true' });
        drawDigit(canvas, i * h * w);
        /* a <figure> may not be a listitem: a <div role="listitem"> holds the image and its caption */
        box.append(el('div', { class: 'digit-cell', role: 'listitem' }, canvas, el('p', { class: 'digit-caption' })));
      }
    }
    const right = { plain: 0, residual: 0 };
    [...box.children].forEach((cell, i) => {
      const cap = cell.querySelector('.digit-caption');
      cap.textContent = '';
      cap.append(el('span', { class: 'digit-label', text: t('conv.strip.label', { y: f.int(s.y[i]) }) }));
      const alt = { i: f.int(i + 1), y: f.int(s.y[i]), p: '–', r: '–', pv: '', rv: '' };
      for (const a of /** @type {const} */ (['plain', 'residual'])) {
        if (!s.predicted || !s.predicted[a]) continue;
        const p = s.predicted[a][i];
        const ok = p === s.y[i];
        if (ok) right[a]++;
        const verdict = t(ok ? 'conv.strip.right' : 'conv.strip.wrong');
        alt[a === 'plain' ? 'p' : 'r'] = f.int(p);
        alt[a === 'plain' ? 'pv' : 'rv'] = verdict;
        const line = el('span', { class: `digit-pred ${a} ${ok ? 'right' : 'wrong'}`, 'data-arch': a, 'data-pred': String(p), 'data-ok': String(ok) },
          `${t(`conv.strip.${a}`)}: ${f.int(p)} `, el('b', { 'aria-hidden': 'true', text: ok ? '✓' : '✗' }));
        line.style.color = ok ? RIGHT : WRONG;
        cap.append(line);
      }
      cell.setAttribute('aria-label', t('conv.strip.alt', alt));
    });
    const latest = store.get().latest, measured = store.get().measured;
    const acc = (/** @type {import('../lab/state.js').Arch} */ a) => (latest && latest[a] && latest[a].test_acc !== null && latest[a].test_acc !== undefined ? f.percent(latest[a].test_acc) : '–');
    summary.textContent = s.predicted ? t('conv.strip.summary', {
      n: f.int(n), p: f.int(right.plain), r: f.int(right.residual), all: f.int(measured ? measured.test : 0), pa: acc('plain'), ra: acc('residual'),
    }) : '';
  }

  return {
    card,
    /** a new configuration: image data or not @param {boolean} on @param {number} received */
    configured(on, received) {
      s.on = on;
      card.hidden = !on;
      s.generation++;
      s.predicted = null;
      s.probs = null;
      s.pending = false;
      s.seen = received;
      if (on) request();
      else render();
    },
    request,
    texts() {
      title.textContent = t('conv.strip.title');
      note.textContent = t('conv.strip.note');
      render();
    },
    debug() {
      const cells = [...box.querySelectorAll('.digit-cell')];
      return {
        images: cells.length,
        canvases: cells.filter((c) => c.querySelector('canvas')).length,
        labels: s.y ? Array.from(s.y) : [],
        predicted: s.predicted ? { plain: Array.from(s.predicted.plain || []), residual: Array.from(s.predicted.residual || []) } : null,
        marks: cells.map((c) => [...c.querySelectorAll('.digit-pred')].map((p) => ({ arch: p.dataset.arch, pred: Number(p.dataset.pred), ok: p.dataset.ok === 'true', symbol: p.querySelector('b').textContent }))),
        visible: !card.hidden,
      };
    },
  };
}
