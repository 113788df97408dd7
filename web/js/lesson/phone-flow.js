// @ts-check
/*
 * phone-flow.js - the lesson on a narrow screen (a phone, a tablet: wherever
 * the lesson is not a column beside the charts, max-width FLOW_QUERY): the
 * lesson comes first on the page (gradlab.css), and an experiment brings
 * the chart its question is about into the lesson.  The chart's own card
 * (the registry's or a plug-in's, with its canvas, its buttons and its text
 * alternative) and the time cursor move into the experiment's card, between
 * the question and the answer, and go back to their places in the lab when
 * another experiment runs, the step changes, the experiment is stopped by a
 * change of the settings, or the screen grows wide enough for the columns.
 * Where a card was, the lab shows a link to it in the lesson.  A card folds
 * its description, and the Sweep panel its settings (FOLD), behind one button
 * while it is in the lesson, so that the answer starts within a screen of
 * the question.
 *
 * The header's Lesson button goes to the lesson here (shows it, scrolls to
 * the step's title and focuses it) instead of hiding it.
 *
 * lab.highlight (lab/highlight.js) still outlines the cards and marks the
 * layer; this module asks it which cards a spec means (its `cards`), moves
 * them, and scrolls the experiment's question to the top of the screen, the
 * chart under it, instead of the card alone.  On a wide screen every call is
 * lab.highlight as before.  Owns the slot .lesson-charts and the
 * placeholders .card-moved.
 */
import { $, el } from '../ui/dom.js';
import { chartKey } from '../lab/highlight.js';

/** the lesson is not beside the charts below this width (gradlab.css, the same number) */
export const FLOW_QUERY = '(max-width: 1180px)';
/**
 * What a card folds away while it is in the lesson, behind one button: its
 * description (the lesson's text and question say what to look at) and the
 * Sweep panel's settings (the experiment set them).
 */
export const FOLD = '#note-grad, #note-chain, #note-sweep, #card-sweep .sweep-controls';

/**
 * @param {{lab: import('../ui/plugin.js').Lab, t: (key: string, vars?: Record<string, any> | null) => string,
 *          media?: MediaQueryList | null}} deps
 *   media  the flow's media query (tests may hand another); default matchMedia(FLOW_QUERY)
 */
export function createPhoneFlow({ lab, t, media }) {
  const mq = media === undefined ? (window.matchMedia ? window.matchMedia(FLOW_QUERY) : null) : media;
  /** the experiment whose card holds the charts, or null */
  let owner = /** @type {string | null} */ (null);
  /** the slot inside that experiment's card */
  const slot = el('div', { class: 'lesson-charts' });
  /** each moved card (or the time cursor) and the placeholder where it lives in the lab @type {Map<HTMLElement, HTMLElement>} */
  const homes = new Map();

  /** the flow is on: a narrow screen and the lesson shown */
  const active = () => !!mq && mq.matches && !$('lesson').hidden;
  const smooth = () => !(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  /** @param {string} id */
  const cardOf = (id) => /** @type {HTMLElement | null} */ (document.querySelector(`#lesson [data-experiment-id="${id}"]`));

  /**
   * A node into the slot, leaving a placeholder in the lab that names it: a chart by the lesson's
   * name for it (its title changes with the step shown), a stack's card by its heading.
   * @param {HTMLElement} node @param {string} id @param {string} chart
   */
  function move(node, id, chart) {
    if (!homes.has(node)) {
      const heading = node.querySelector('h2');
      const name = node.classList.contains('stack-card') ? (heading ? (heading.textContent || '').trim() : '') : chart;
      /* the time cursor leaves nothing behind (the run bar is shorter without it); a chart, a link to it */
      const home = node.id === 'timeline' ? el('span', { class: 'card-moved', hidden: true })
        : el('p', { class: 'card-moved' }, el('a', { href: `#exp-${id}`, onclick: (/** @type {Event} */ e) => { e.preventDefault(); goToExperiment(id); }, text: t('lesson.flow.moved', { chart: name }) }));
      home.dataset.for = node.id;
      node.before(home);
      homes.set(node, home);
      fold(node);
    }
    slot.append(node);
  }

  /** a tall card's description and settings behind one button (unfold() undoes it) @param {HTMLElement} node */
  function fold(node) {
    const parts = [...node.querySelectorAll(FOLD)];
    if (!parts.length) return;
    for (const p of parts) p.setAttribute('data-flow-folded', '');
    const button = el('button', {
      type: 'button', class: 'ghost flow-unfold', 'aria-expanded': 'false',
      text: t(node.querySelector('.sweep-controls') ? 'lesson.flow.more' : 'lesson.flow.about'),
      onclick: () => {
        const open = button.getAttribute('aria-expanded') !== 'true';
        button.setAttribute('aria-expanded', String(open));
        for (const p of parts) p.toggleAttribute('data-flow-folded', !open);
      },
    });
    parts[0].before(button);
  }

  /** @param {HTMLElement} node */
  function unfold(node) {
    for (const b of node.querySelectorAll('.flow-unfold')) b.remove();
    for (const p of node.querySelectorAll('[data-flow-folded]')) p.removeAttribute('data-flow-folded');
  }

  /** every moved node back to its place in the lab */
  function restore() {
    for (const [node, home] of homes) {
      unfold(node);
      home.replaceWith(node);
    }
    homes.clear();
    slot.remove();
    owner = null;
  }

  /** the experiment's question at the top of the screen, its chart under it @param {HTMLElement} card */
  function reveal(card) {
    const q = card.querySelector('.question') || card;
    q.scrollIntoView({ block: 'start', behavior: smooth() ? 'smooth' : 'auto' });
  }

  /** the experiment in view and its button focused (the link where a card was) @param {string} id */
  function goToExperiment(id) {
    const card = cardOf(id);
    if (!card) return;
    reveal(card);
    const b = /** @type {HTMLElement | null} */ (card.querySelector('.run-experiment'));
    if (b) b.focus({ preventScroll: true });
  }

  /**
   * Points at the chart of experiment `id` (spec as lab.highlight takes it).
   * On a narrow screen its cards and the time cursor move into the
   * experiment's card and the experiment scrolls into view (scroll); else
   * lab.highlight as it is.  Returns what is highlighted.
   * @param {string} id @param {any} spec @param {{scroll?: boolean}} [options]
   */
  function point(id, spec, { scroll = true } = {}) {
    const card = active() ? cardOf(id) : null;
    if (!card || !spec) {
      if (owner && spec) restore();
      return lab.highlight(spec, { scroll });
    }
    const h = lab.highlight(spec, { scroll: false });
    if (owner !== id) restore();
    owner = id;
    if (!slot.isConnected || !card.contains(slot)) placeSlot(card);
    const chart = t(`lesson.chart.${chartKey(spec)}`);
    for (const cid of (h && h.cards) || []) {
      const node = $(cid);
      if (node) move(node, id, chart);
    }
    const cursor = $('timeline');
    if (cursor && h && h.cards && h.cards.length) move(cursor, id, chart);
    if (scroll) reveal(card);
    return h;
  }

  /** the slot in an experiment's card: before its prediction and its answer @param {HTMLElement} card */
  function placeSlot(card) {
    const after = card.querySelector('.predict, .answer');
    if (after) after.before(slot);
    else card.append(slot);
  }

  if (mq) {
    const onChange = () => { if (!mq.matches && owner) restore(); };
    if (mq.addEventListener) mq.addEventListener('change', onChange);
  }

  return {
    point,
    active,
    /** the slot, if experiment id holds the charts (its card is drawn again: the slot goes with it) @param {string} id */
    slotFor: (id) => (owner === id ? slot : null),
    /** experiment id stopped (settings changed, refused): its charts go back to the lab @param {string} id */
    release(id) {
      if (owner === id) restore();
    },
    /** after the lesson drew a step: charts whose experiment is no longer shown go back */
    afterRender() {
      if (owner && !slot.isConnected) restore();
    },
    /** everything back to the lab (a new step, the lesson hidden) */
    restore,
    /**
     * The header's Lesson button on a narrow screen: shows the lesson and
     * lands on the step (its title, focused).  false on a wide screen (the
     * button then shows and hides the lesson as it always did).
     */
    goToLesson() {
      if (!mq || !mq.matches) return false;
      const panel = $('lesson');
      panel.hidden = false;
      const h = /** @type {HTMLElement | null} */ ($('lesson-step-title'));
      const target = h || panel;
      target.scrollIntoView({ block: 'start', behavior: smooth() ? 'smooth' : 'auto' });
      if (h) h.focus({ preventScroll: true });
      return true;
    },
    /** what the tests read: the experiment holding the charts and the ids moved */
    debug: () => ({ active: active(), owner, moved: [...homes.keys()].map((n) => n.id) }),
  };
}
