// @ts-check
/*
 * stacks.js - the two stack cards' numbers (step, loss, accuracy) of the
 * record the time cursor shows (timeline.js), and the "diverged" banners
 * (on the stack card and on its per-stack chart cards) of the run: from
 * the newest record.  Owns #numbers-*, #banner-*, [data-banner] and the
 * cards' is-diverged class.
 */
import { $ } from '../ui/dom.js';
import { ARCHS } from './history.js';
import { stackState } from './stack-state.js';

/* A stack's state (ok, diverged, dead), read in one place: stack-state.js, which the lesson's
   `if` sentences read too (lesson/values.js). */
export { stackState };

/** the record says the stack diverged (and where) @param {any} s */
export const hasDiverged = (s) => stackState(s).state === 'diverged';

/** @param {{i18n: import('../ui/i18n.js').I18n}} deps */
export function createStacks({ i18n }) {
  const t = i18n.t;

  function divergedText(/** @type {any} */ d, /** @type {string[]} */ layers) {
    const fmt = i18n.format();
    if (d.layer === 0) return t('banner.diverged_loss', { step: fmt.int(d.step) });
    return t('banner.diverged', {
      step: fmt.int(d.step), layer: fmt.int(d.layer), name: layers[d.layer - 1] || '?', where: t(`where.${d.where}`, null, d.where),
    });
  }

  /** @param {import('./state.js').State} state */
  function render(state) {
    const r = state.latest, shown = state.shown || r;
    if (!r || !shown) return;
    const fmt = i18n.format();
    for (const a of ARCHS) {
      const s = r[a], n = shown[a];
      $(`numbers-${a}`).textContent = t('stack.numbers', { step: fmt.int(n.step), loss: fmt.value(n.loss), acc: fmt.percent(n.acc) });
      const banner = hasDiverged(s) ? divergedText(s.diverged, state.layers) : '';
      for (const b of [$(`banner-${a}`), ...document.querySelectorAll(`[data-banner="${a}"]`)]) {
        b.hidden = !banner;
        b.textContent = banner;
      }
      $(`stack-${a}`).classList.toggle('is-diverged', !!banner);
    }
  }

  return { render };
}
