// @ts-check
/*
 * course.js - a run's changes of course (lr, clip, momentum changed mid-run:
 * the store's `changes`, session.js) as the page shows them:
 *
 *   - marks: one per step at which the course changed, once the run has
 *     reached it, each with what changed from what to what (courseMarks);
 *     the loss chart and both heatmaps draw them as a dashed line labelled
 *     "lr 0.1 → 0.01" (charts.js, through lab-charts.js), the loss chart's
 *     text alternative lists them;
 *   - a line under each changed control, "0.01 from step 37 on (was 0.1)",
 *     or for a change still ahead (a link's, a lesson's) "0.01 from step 37
 *     on (planned)", and the control shows the value in force
 *     (mountCourse, through the settings form).
 *
 * The pure parts (courseMarks, markLabel, noteOf) are tested in node.
 */
import { CHANGEABLE } from './schema.js';

/** @typedef {import('./schema.js').Change} Change */
/** @typedef {{name: string, from: number, to: number}} Part what one setting did at a mark */
/** @typedef {{step: number, parts: Part[]}} Mark */

/**
 * The changes of course the run has reached (step <= upTo), one mark per step, each setting's
 * value before and after (several changes of one setting at one step: the first's before, the
 * last's after); a change that left a value as it was is no part.
 * @param {Record<string, any>} config @param {readonly Change[]} changes @param {number} upTo
 * @returns {Mark[]}
 */
export function courseMarks(config, changes, upTo) {
  /** @type {Record<string, number>} */
  const now = {};
  for (const name of CHANGEABLE) now[name] = Number(config[name]);
  /** @type {Mark[]} */
  const marks = [];
  for (const c of changes) {
    if (c.step > upTo) break;
    let mark = marks.length && marks[marks.length - 1].step === c.step ? marks[marks.length - 1] : null;
    if (!mark) {
      mark = { step: c.step, parts: [] };
      marks.push(mark);
    }
    for (const [name, v] of Object.entries(c.settings)) {
      const part = mark.parts.find((p) => p.name === name);
      if (part) part.to = Number(v);
      else mark.parts.push({ name, from: now[name], to: Number(v) });
      now[name] = Number(v);
    }
  }
  for (const m of marks) m.parts = m.parts.filter((p) => p.from !== p.to);
  return marks.filter((m) => m.parts.length);
}

/**
 * A setting's value in the page's words: clipping 0 is "off".
 * @param {(key: string, vars?: any) => string} t @param {import('../ui/i18n.js').Formatters} fmt
 * @param {string} name @param {number} v
 */
export function valueWords(t, fmt, name, v) {
  return name === 'clip' && v === 0 ? t('change.off') : fmt.value(v);
}

/**
 * A mark's label: "lr 0.1 → 0.01 · clip off → 1".
 * @param {(key: string, vars?: any) => string} t @param {import('../ui/i18n.js').Formatters} fmt @param {Mark} mark
 */
export function markLabel(t, fmt, mark) {
  return mark.parts.map((p) => t('change.mark', { name: t(`change.name.${p.name}`), from: valueWords(t, fmt, p.name, p.from), to: valueWords(t, fmt, p.name, p.to) })).join(' · ');
}

/**
 * The line under one control: its last change and when (reached: "from step 37 on (was 0.1)";
 * still ahead: "(planned)"), or null when the run has no change of it.
 * @param {(key: string, vars?: any) => string} t @param {import('../ui/i18n.js').Formatters} fmt
 * @param {Record<string, any>} config @param {readonly Change[]} changes @param {string} name @param {number} upTo
 * @returns {string | null}
 */
export function noteOf(t, fmt, config, changes, name, upTo) {
  const mine = changes.filter((c) => name in c.settings);
  if (!mine.length) return null;
  const reached = mine.filter((c) => c.step <= upTo);
  const ahead = mine.filter((c) => c.step > upTo);
  /** @type {string[]} */
  const parts = [];
  if (reached.length) {
    const last = reached[reached.length - 1];
    const before = reached.length > 1 ? reached[reached.length - 2].settings[name] : config[name];
    parts.push(t('change.note', { value: valueWords(t, fmt, name, Number(last.settings[name])), step: fmt.int(last.step), was: valueWords(t, fmt, name, Number(before)) }));
  }
  for (const c of ahead) parts.push(t('change.note_planned', { value: valueWords(t, fmt, name, Number(c.settings[name])), step: fmt.int(c.step) }));
  return parts.join(' ');
}

/**
 * The lines under lr, clip and momentum, and the values in force in those controls.
 * @param {{store: import('./state.js').LabStore, i18n: import('../ui/i18n.js').I18n,
 *          form: {showValues: (c: Record<string, any>) => void, setNote: (name: string, text: string | null) => void},
 *          current: () => Record<string, any> | null, upTo: () => number}} deps
 *   current  the settings in force now (session.js); upTo  the updates the run has made
 */
export function mountCourse({ store, i18n, form, current, upTo }) {
  let last = '';
  function render() {
    const s = store.get();
    if (!s.config) return;
    const n = upTo();
    const changes = s.changes || [];
    const notes = CHANGEABLE.map((name) => noteOf(i18n.t, i18n.format(), /** @type {any} */ (s.config), changes, name, n));
    const now = current();
    const key = JSON.stringify([notes, now && CHANGEABLE.map((k) => now[k]), i18n.lang]);
    if (key === last) return;
    last = key;
    CHANGEABLE.forEach((name, i) => form.setNote(name, notes[i]));
    if (now) form.showValues(now);
  }
  store.subscribe((s, prev) => {
    if (s.changes !== prev.changes || s.latest !== prev.latest || s.config !== prev.config || s.lang !== prev.lang) render();
  });
  return { render };
}
