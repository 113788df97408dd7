// @ts-check
/*
 * timeline.js - the time cursor: which of the kept records (history.js) the
 * page shows.  It owns two keys of the store (lab/state.js):
 *
 *   cursor  null: follow the newest record (live, while training and after);
 *           else {step, index}: the kept record at that index, of that step
 *   shown   the record every per-layer view draws (charts 1 and 4, the chain
 *           chart, the stack cards' numbers, the text alternatives); the
 *           loss chart and the heatmaps mark its step
 *
 * The cursor is null whenever it would point at the newest record, so
 * "live" and "at the end" are one state.  History thinning may drop the
 * record it points at: it then moves to the kept record nearest its step.
 * A new configuration, Run and Step go back to live.
 *
 * The UI (#timeline in the run bar): a slider over the kept records (it
 * runs left to right in both languages, as the charts' step axes do), the
 * step it shows ("step 37 of 500"), Play/Stop (one kept record every
 * PLAY_MS) and "Follow the newest".  The slider's own keys move it: arrows
 * one record, Home the first, End the newest.
 *
 * show('init' | 'end' | step) is the plug-ins' way in (lab.timeline.show):
 * 'init' = the step-0 record that carries the first update's statistics
 * (records[1] when it has step 0, else records[0]), 'end' = the newest.
 * The pure parts (stepOf .. updateSource) are tested in node.
 */
import { $ } from '../ui/dom.js';

/** @typedef {import('./state.js').LabRecord} LabRecord */
/** @typedef {import('./state.js').Stats} Stats */
/** @typedef {import('./state.js').Arch} Arch */
/** @typedef {{step: number, index: number} | null} Cursor */

export const PLAY_MS = 300;

/** a record's step: the newest of its stacks' (a diverged stack keeps its last finite record) @param {LabRecord} r */
export const stepOf = (r) => Math.max(r.plain ? r.plain.step : 0, r.residual ? r.residual.step : 0);

/** the stack's record was measured after an update (step 0 at configure and the final measurement were not) @param {Stats | null | undefined} s */
export const hasUpdate = (s) => !!s && Array.prototype.some.call(s.update_ratio, (/** @type {number} */ v) => v > 0);

/**
 * The index of the kept record nearest `step` (a tie goes to the later one:
 * step 0 is then the record with the first update's statistics), -1 if none.
 * @param {readonly LabRecord[]} records @param {number} step
 */
export function nearest(records, step) {
  let best = -1, gap = Infinity;
  records.forEach((r, i) => {
    const d = Math.abs(stepOf(r) - step);
    if (d <= gap) {
      best = i;
      gap = d;
    }
  });
  return best;
}

/**
 * The index of the record a cursor shows: the newest when it is null; its
 * own index while that record is still there; else (thinned away) the kept
 * record nearest its step.  -1 when there are no records.
 * @param {readonly LabRecord[]} records @param {Cursor} cursor
 */
export function locate(records, cursor) {
  if (!records.length) return -1;
  if (!cursor) return records.length - 1;
  const r = records[cursor.index];
  if (r && stepOf(r) === cursor.step) return cursor.index;
  return nearest(records, cursor.step);
}

/** the cursor that shows records[i]: null (follow) at the newest @param {readonly LabRecord[]} records @param {number} i @returns {Cursor} */
export function cursorAt(records, i) {
  if (i < 0 || i >= records.length - 1) return null;
  return { step: stepOf(records[i]), index: i };
}

/**
 * The index show() goes to: 'init' the step-0 record with the first
 * update's statistics (records[1] when it has step 0, else records[0]),
 * 'end' the newest, a number the kept record nearest that step.
 * @param {readonly LabRecord[]} records @param {'init' | 'end' | number} what
 */
export function target(records, what) {
  if (!records.length) return -1;
  if (what === 'init') return records.length > 1 && stepOf(records[1]) === 0 ? 1 : 0;
  if (what === 'end') return records.length - 1;
  return nearest(records, what);
}

/**
 * The record whose update ratio the chart shows for records[i] and one
 * stack: its own when it has one; else the nearest kept record with one,
 * looking back first (the update made last before this moment: the final
 * measurement shows the last update), then forward (step 0 measured at
 * configure shows the first update, at step 0 too).  null when no kept
 * record has one.
 * @param {readonly LabRecord[]} records @param {number} i @param {Arch} arch
 * @returns {Stats | null}
 */
export function updateSource(records, i, arch) {
  if (i < 0 || i >= records.length) return null;
  if (hasUpdate(records[i][arch])) return records[i][arch];
  for (let k = i - 1; k >= 0; k--) if (hasUpdate(records[k][arch])) return records[k][arch];
  for (let k = i + 1; k < records.length; k++) if (hasUpdate(records[k][arch])) return records[k][arch];
  return null;
}

/**
 * @param {{store: import('./state.js').LabStore, history: import('./history.js').History,
 *          i18n: import('../ui/i18n.js').I18n}} deps
 */
export function mountTimeline({ store, history, i18n }) {
  const t = i18n.t;
  const slider = /** @type {HTMLInputElement} */ ($('timeline-slider'));
  const out = /** @type {HTMLOutputElement} */ ($('timeline-step'));
  const play = /** @type {HTMLButtonElement} */ ($('timeline-play'));
  const live = /** @type {HTMLButtonElement} */ ($('timeline-live'));
  let timer = 0;

  /** the cursor and the record it shows into the store (nothing if neither changed) @param {Cursor} cursor */
  function set(cursor) {
    const records = history.records;
    const i = locate(records, cursor);
    const next = i < 0 ? null : cursorAt(records, i);
    const shown = i < 0 ? null : records[i];
    const s = store.get();
    const same = (/** @type {Cursor} */ a, /** @type {Cursor} */ b) => (a === null ? b === null : b !== null && a.step === b.step && a.index === b.index);
    if (shown !== s.shown || !same(next, s.cursor || null)) store.update({ cursor: next, shown });
    render();
  }

  /** @param {'init' | 'end' | number} what */
  function show(what) {
    stop();
    const records = history.records;
    set(cursorAt(records, target(records, what)));
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = 0;
    render();
  }

  function start() {
    const records = history.records;
    if (records.length < 2) return;
    /* at the newest: play the run from its start */
    if (!store.get().cursor) set(cursorAt(records, 0));
    timer = window.setInterval(() => {
      const c = store.get().cursor;
      const rs = history.records;
      if (!c) {
        stop();
        return;
      }
      set(cursorAt(rs, locate(rs, c) + 1));
    }, PLAY_MS);
    render();
  }

  function render() {
    const s = store.get();
    const records = history.records;
    const i = locate(records, s.cursor || null);
    const fmt = i18n.format();
    slider.max = String(Math.max(0, records.length - 1));
    slider.value = String(Math.max(0, i));
    slider.disabled = records.length < 2;
    const steps = s.config ? Number(s.config.steps) : 0;
    const text = i < 0 ? '' : t(s.cursor ? 'timeline.position' : 'timeline.position_live',
      { step: fmt.int(stepOf(records[i])), steps: fmt.int(steps) });
    out.value = text;
    slider.setAttribute('aria-valuetext', text);
    play.textContent = t(timer ? 'timeline.stop' : 'timeline.play');
    play.setAttribute('aria-pressed', String(!!timer));
    play.disabled = records.length < 2;
    live.disabled = !s.cursor;
  }

  slider.addEventListener('input', () => {
    if (timer) stop();
    set(cursorAt(history.records, Number(slider.value)));
  });
  play.addEventListener('click', () => (timer ? stop() : start()));
  live.addEventListener('click', () => show('end'));

  /* a new configuration: live again; new records: follow them, or keep the cursor on a kept record */
  store.watch((s) => s.configuredCount, () => {
    stop();
    set(null);
  });
  store.watch((s) => s.latest, () => set(store.get().cursor || null));
  /* Run and Step go live: the student asked to see training go on */
  for (const id of ['btn-run', 'btn-step']) $(id).addEventListener('click', () => show('end'));
  store.watch((s) => s.lang, render);

  return {
    show,
    /** the slider's words in the page's language */
    texts: render,
    /** what the tests read */
    debug() {
      const s = store.get();
      const records = history.records;
      return { index: locate(records, s.cursor || null), count: records.length, live: !s.cursor, playing: !!timer, text: out.value };
    },
  };
}

/** @typedef {ReturnType<typeof mountTimeline>} Timeline */
