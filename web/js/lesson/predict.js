// @ts-check
/*
 * predict.js - predict, then run: before an experiment runs the student
 * commits a prediction on the quantity its question asks (experiments.json
 * `predict`: a choice or a slider over one of the experiment's named values;
 * the words, `predict` of the experiment in lesson/<lang>.json: `q`,
 * `choices` or `unit`, `gap`).  After the run the experiment's card shows
 * the prediction beside the measured value (the named value, evaluated by
 * values.js on the run's records at the experiment's moment `at`: the
 * number the answer quotes) and the one gap line.
 *
 * Predictions stay in this browser (localStorage; nothing is sent) and can
 * be cleared.  In classroom mode a link's `predict=required` (the store's
 * `predict`, lab/schema.js) makes one required before the experiment's Run.
 *
 * The pure parts (runsOf .. createStorage) are tested in node
 * (tests/node/lesson-predict.test.mjs); createPredictions is the DOM, which
 * lesson.js hooks into each experiment card.  Owns the .predict sections.
 */
import { el } from '../ui/dom.js';
import { evaluateValues, evaluateSweepValues, inRange } from './values.js';
import { target } from '../lab/timeline.js';
import { rich } from './rich-text.js';

/** @typedef {import('./values.js').Value} Value */
/** @typedef {{min?: number, max?: number, arch?: string}} Choice a choice of experiments.json: the range (both ends inclusive) or the stack it stands for */
/** @typedef {{kind: 'choice', value: string, choices: Choice[]} | {kind: 'slider', value: string, min: number, max: number, step: number}} PredictSpec experiments.json `predict` */
/** @typedef {{q: string, choices?: string[], unit?: string, gap: string}} PredictWords lesson/<lang>.json `predict` */
/** @typedef {{choice: number} | {value: number}} Guess what the student committed: a choice's index or the slider's number */

/** the localStorage key of the committed predictions: {version: 1, items: {experiment id: Guess}} */
export const STORAGE_KEY = 'gradlab.predictions';

/**
 * The run as values.js reads it, from the page's records (lab.records(),
 * oldest first): `init` the step-0 record with the first update's
 * statistics (records[1] when it has step 0, else [0]: timeline.js
 * target('init')), `end` the newest.  null without records.
 * @param {readonly Record<string, any>[]} records
 * @returns {import('./values.js').Runs | null}
 */
export function runsOf(records) {
  if (!records.length) return null;
  const init = records[target(/** @type {any} */ (records), 'init')], end = records[records.length - 1];
  /** @type {Record<string, any>} */
  const runs = {};
  for (const a of ['plain', 'residual']) {
    if (!init[a] || !end[a]) continue;
    runs[a] = { init: init[a], end: end[a] };
    if (typeof end[a].dead_step === 'number') runs[a].dead_step = end[a].dead_step;
  }
  return runs;
}

/**
 * The measured value a prediction is compared with: the experiment's named
 * value `predict.value`, on the run's records at the experiment's moment (or
 * on the engine's sweep result for a sweep experiment).  null when the run
 * left nothing to read.
 * @param {{at: string, values: Record<string, any>, predict: PredictSpec, sweep?: any}} exp
 * @param {{records?: readonly Record<string, any>[], sweep?: Record<string, any>}} input
 * @returns {Value | null}
 */
export function measure(exp, input) {
  const name = exp.predict.value;
  const spec = exp.values[name];
  if (!spec) return null;
  if (exp.sweep) return input.sweep ? evaluateSweepValues(exp.values, input.sweep)[name] : null;
  const runs = input.records ? runsOf(input.records) : null;
  if (!runs || !runs.plain || !runs.residual) return null;
  return evaluateValues(exp.values, runs, exp.at)[name];
}

/**
 * The index of the choice the measured value falls in (the first that
 * holds it: the node suite checks that exactly one does), -1 when none.
 * An underflowed value falls in a range only through the bound its
 * underflow proves (values.js inRange).
 * @param {PredictSpec} predict @param {Value | null} v
 */
export function choiceOf(predict, v) {
  if (predict.kind !== 'choice' || !v) return -1;
  return predict.choices.findIndex((c) => (c.arch !== undefined ? inRange(v, { equals: c.arch }) : inRange(v, { min: c.min, max: c.max })));
}

/** the decimals a slider's step needs (1 -> 0, 0.5 -> 1, 0.25 -> 2) @param {number} step */
export function stepDigits(step) {
  const s = String(step);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** the slider's starting point: the middle of its range, on a step @param {{min: number, max: number, step: number}} p */
export function sliderStart(p) {
  const n = Math.round((p.max - p.min) / p.step / 2);
  return Number((p.min + n * p.step).toFixed(stepDigits(p.step)));
}

/**
 * A saved guess that still fits the experiment's prediction (a choice in
 * range, a number on the slider), else null: the lesson may have changed
 * since it was saved.
 * @param {PredictSpec} predict @param {any} g @returns {Guess | null}
 */
export function validGuess(predict, g) {
  if (!g || typeof g !== 'object') return null;
  if (predict.kind === 'choice') return Number.isInteger(g.choice) && g.choice >= 0 && g.choice < predict.choices.length ? { choice: g.choice } : null;
  return typeof g.value === 'number' && Number.isFinite(g.value) && g.value >= predict.min && g.value <= predict.max ? { value: g.value } : null;
}

/**
 * A number in the page's language with a fixed number of decimals (Persian
 * digits and a left-to-right isolate in Persian, as i18n.js formatters do).
 * @param {number} x @param {number} digits @param {string} lang
 */
export function fixed(x, digits, lang) {
  const fa = lang === 'fa';
  const s = new Intl.NumberFormat(fa ? 'fa-IR' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(x);
  return fa ? `\u2066${s}\u2069` : s;
}

/**
 * A value as the answer prints it (docs/lesson-authoring.md, "How the page
 * prints a value"): decades to `digits` decimals, pow10 as ten to the
 * rounded value, a plain number with four significant digits, per cent,
 * steps, layers and counts as integers, a stack by its name, an underflowed
 * value as the word for underflow.
 * @param {Value | null} v
 * @param {{t: (key: string, vars?: Record<string, any> | null) => string, fmt: import('../ui/i18n.js').Formatters, lang: string}} ctx
 */
export function formatValue(v, { t, fmt, lang }) {
  if (!v || v.value === null || v.value === undefined) return v && v.underflow ? t('lesson.underflow') : '–';
  if (v.unit === 'arch') return t(`series.${v.value}`);
  const x = Number(v.value);
  switch (v.unit) {
    case 'decades': return fixed(x, v.digits === undefined ? 1 : v.digits, lang);
    case 'pow10': return fmt.pow10(Math.round(x));
    case 'percent': return fmt.percent(x);
    case 'step': case 'layer': case 'count': return fmt.int(x);
    default: return fmt.value(x);
  }
}

/**
 * The words of a gap line: {guess} the student's choice (its words) or
 * number, {value} the measured value as the answer prints it, {right} the
 * words of the choice the value falls in, {off} how far a slider's guess
 * was, in the value's unit.  `hit`: the guess is the choice the value
 * falls in (null for a slider).
 * @param {PredictSpec} predict @param {PredictWords} words @param {Guess} guess @param {Value | null} v
 * @param {{t: (key: string, vars?: Record<string, any> | null) => string, fmt: import('../ui/i18n.js').Formatters, lang: string}} ctx
 * @returns {{vars: Record<string, string>, hit: boolean | null}}
 */
export function gapOf(predict, words, guess, v, ctx) {
  const value = formatValue(v, ctx);
  if (predict.kind === 'choice') {
    const right = choiceOf(predict, v);
    const g = /** @type {{choice: number}} */ (guess).choice;
    const names = words.choices || [];
    return { vars: { guess: names[g] || '', value, right: right >= 0 ? names[right] || '' : '–' }, hit: right === g };
  }
  const n = /** @type {{value: number}} */ (guess).value;
  const measured = v && typeof v.value === 'number' ? v.value : null;
  const digits = v && v.digits !== undefined ? v.digits : stepDigits(predict.step);
  return {
    vars: { guess: fixed(n, stepDigits(predict.step), ctx.lang), value, off: measured === null ? '–' : fixed(Math.abs(n - measured), digits, ctx.lang) },
    hit: null,
  };
}

/**
 * A gap line (or any lesson string) with its {placeholders} filled in the
 * prose only: braces inside $...$ are TeX.
 * @param {string} text @param {Record<string, string>} vars
 */
export function fillProse(text, vars) {
  return String(text).split(/(\$\$[\s\S]*?\$\$|\$[^$]*\$)/).map((part, i) => (i % 2 ? part
    : part.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, k) => (k in vars ? vars[k] : m)))).join('');
}

/**
 * The committed predictions in localStorage (or in memory when the browser
 * refuses it: a private window, a full store).  Nothing leaves the browser.
 * @param {Storage | null} [storage]
 */
export function createStorage(storage) {
  /** @type {Record<string, any>} */
  let items = {};
  try {
    const saved = storage ? JSON.parse(storage.getItem(STORAGE_KEY) || 'null') : null;
    if (saved && saved.version === 1 && saved.items && typeof saved.items === 'object') items = saved.items;
  } catch { /* unreadable: start empty */ }
  const write = () => {
    try {
      if (!storage) return;
      if (Object.keys(items).length) storage.setItem(STORAGE_KEY, JSON.stringify({ version: 1, items }));
      else storage.removeItem(STORAGE_KEY);
    } catch { /* kept in memory only */ }
  };
  return {
    /** @param {string} id @param {PredictSpec} predict @returns {Guess | null} */
    get: (id, predict) => validGuess(predict, items[id]),
    /** @param {string} id @param {Guess} guess */
    set(id, guess) {
      items[id] = guess;
      write();
    },
    /** @param {string} id */
    clear(id) {
      delete items[id];
      write();
    },
    /** every saved prediction (a copy) */
    all: () => JSON.parse(JSON.stringify(items)),
  };
}

/* ------------------------------------------------------------------ DOM */

/**
 * The prediction part of each experiment card.
 * @param {{t: (key: string, vars?: Record<string, any> | null) => string, format: () => import('../ui/i18n.js').Formatters,
 *          lang: () => string, required: () => boolean, storage: ReturnType<typeof createStorage>,
 *          rerender: (id: string) => void}} deps
 *   lang      the lesson's language (its words' and numbers')
 *   required  a prediction is required before an experiment runs (the link's predict=required)
 *   rerender  draws an experiment's card again (lesson.js updateCard)
 */
export function createPredictions({ t, format, lang, required, storage, rerender }) {
  /** the slider's or the choice's position before it is committed, by experiment @type {Record<string, Guess>} */
  const drafts = {};
  /** the prediction an experiment ran with (null: none), from the run's start @type {Record<string, Guess | null>} */
  const ran = {};
  /** what the run measured, once it is over @type {Record<string, {value: Value | null}>} */
  const outcomes = {};
  /** experiments whose prediction was cleared after their run: the form again, for the next run */
  const again = new Set();

  const ctx = () => ({ t, fmt: format(), lang: lang() });

  /** the guess in words: a choice's words (with their math), or "18 decades" @param {PredictSpec} p @param {PredictWords} w @param {Guess} g */
  function guessText(p, w, g) {
    if (p.kind === 'choice') return (w.choices || [])[/** @type {{choice: number}} */ (g).choice] || '';
    return t('lesson.predict.amount', { n: fixed(/** @type {{value: number}} */ (g).value, stepDigits(p.step), lang()), unit: w.unit || '' });
  }

  /** after a redraw: focus what the student is about to use @param {string} id @param {string} selector */
  function focusIn(id, selector) {
    const card = document.querySelector(`#lesson [data-experiment-id="${id}"]`);
    const target = card && /** @type {HTMLElement | null} */ (card.querySelector(selector));
    if (target) target.focus({ preventScroll: true });
  }

  /** @param {string} id @param {PredictSpec} p */
  function commit(id, p) {
    const card = document.querySelector(`#lesson [data-experiment-id="${id}"]`);
    if (!card) return;
    if (p.kind === 'choice') {
      const picked = /** @type {HTMLInputElement | null} */ (card.querySelector('.predict input[type="radio"]:checked'));
      if (!picked) {
        const note = /** @type {HTMLElement} */ (card.querySelector('.predict-verdict'));
        note.textContent = t('lesson.predict.pick');
        return;
      }
      storage.set(id, { choice: Number(picked.value) });
    } else {
      const range = /** @type {HTMLInputElement} */ (card.querySelector('.predict input[type="range"]'));
      storage.set(id, { value: Number(range.value) });
    }
    delete drafts[id];
    rerender(id);
    focusIn(id, '.run-experiment:not([disabled]), .predict-clear');
  }

  /** @param {string} id */
  function clear(id) {
    storage.clear(id);
    delete outcomes[id];
    delete ran[id];
    again.add(id);
    rerender(id);
    focusIn(id, '.predict input');
  }

  /** the form: the question, the choices or the slider, Commit @param {string} id @param {PredictSpec} p @param {PredictWords} w */
  function form(id, p, w) {
    const qId = `predict-q-${id}`;
    const fs = el('fieldset', { class: 'predict-form' },
      el('legend', { id: qId }, el('span', { class: 'predict-kicker', text: `${t('lesson.predict.title')}: ` }), rich(w.q)));
    if (p.kind === 'choice') {
      const draft = /** @type {{choice?: number}} */ (drafts[id] || {});
      (w.choices || []).forEach((words, i) => {
        const rid = `predict-${id}-${i}`;
        fs.append(el('div', { class: 'choice' },
          el('input', { type: 'radio', name: `predict-${id}`, id: rid, value: String(i), checked: draft.choice === i, onchange: () => { drafts[id] = { choice: i }; } }),
          el('label', { for: rid }, rich(words))));
      });
    } else {
      const draft = /** @type {{value?: number}} */ (drafts[id] || {});
      const start = draft.value === undefined ? sliderStart(p) : draft.value;
      const rid = `predict-${id}-range`;
      const text = (/** @type {number} */ n) => guessText(p, w, { value: n });
      const out = el('output', { for: rid, class: 'predict-value', text: text(start) });
      const range = el('input', {
        type: 'range', id: rid, min: String(p.min), max: String(p.max), step: String(p.step), value: String(start),
        'aria-valuetext': text(start), dir: 'ltr',
        oninput: () => {
          const n = Number(range.value);
          drafts[id] = { value: n };
          out.textContent = text(n);
          range.setAttribute('aria-valuetext', text(n));
        },
      });
      fs.append(el('div', { class: 'predict-slider' },
        el('label', { for: rid, text: t('lesson.predict.slider', { unit: w.unit || '' }) }), range, out,
        /* the ends under the ends (the slider runs left to right in both languages, as the charts' axes do) */
        el('span', { class: 'predict-range', dir: 'ltr', 'aria-hidden': 'true' },
          el('span', { text: fixed(p.min, stepDigits(p.step), lang()) }), el('span', { text: fixed(p.max, stepDigits(p.step), lang()) }))));
    }
    fs.append(el('div', { class: 'predict-buttons' },
      el('button', { type: 'button', class: 'predict-commit', onclick: () => commit(id, p), text: t('lesson.predict.commit') })),
    el('p', { class: 'predict-verdict', role: 'status' }),
    el('p', { class: 'predict-note', text: t('lesson.predict.private') }));
    return fs;
  }

  /**
   * The card's prediction part in the state of its run, or null (no
   * prediction for this experiment, or none in this language).
   * @param {string} id @param {any} x experiments.json's entry @param {PredictWords | undefined} w @param {string} state the run's: idle, running, done, cancelled, refused
   */
  function section(id, x, w, state) {
    const p = /** @type {PredictSpec | undefined} */ (x && x.predict);
    if (!p || !w) return null;
    const saved = storage.get(id, p);
    /* a plain box: the form's fieldset has its legend, the result speaks for itself (a labelled
       section would be one more landmark per experiment, all of one name) */
    const box = el('div', { class: 'predict', 'data-predict': p.kind });
    const outcome = outcomes[id];
    const guess = state === 'done' || state === 'running' ? (id in ran ? ran[id] : saved) : saved;
    if (state === 'done' && outcome && guess) {
      /* the prediction beside the measured value, and the gap line */
      const c = ctx();
      const gap = gapOf(p, w, guess, outcome.value, c);
      const v = outcome.value;
      const measured = v && v.step !== null && v.step !== undefined ? t('lesson.predict.measured_step', { step: c.fmt.int(v.step) }) : t('lesson.predict.measured');
      box.classList.add('is-result');
      if (gap.hit !== null) box.dataset.hit = String(gap.hit);
      box.append(
        el('div', { class: 'predict-compare' },
          el('p', { class: 'predict-cell guess' }, el('span', { class: 'predict-head', text: `${t('lesson.predict.yours')}: ` }), el('span', { class: 'predict-num' }, rich(guessText(p, w, guess)))),
          el('p', { class: 'predict-cell measured' }, el('span', { class: 'predict-head', text: `${measured}: ` }), el('span', { class: 'predict-num', text: formatValue(v, c) }))),
        el('p', { class: 'predict-gap' },
          gap.hit === null ? null : el('span', { class: 'predict-mark', text: gap.hit ? `✓ ${t('lesson.predict.hit')} ` : `✗ ${t('lesson.predict.miss')} ` }),
          rich(fillProse(w.gap, gap.vars)), ' ',
          el('button', { type: 'button', class: 'ghost predict-clear', onclick: () => clear(id), text: t('lesson.predict.again') })));
      return box;
    }
    if ((state === 'done' && !again.has(id)) || state === 'running') {
      /* ran without a prediction: nothing to compare; while running, the one it runs with */
      if (!guess) return null;
      box.append(el('p', { class: 'predict-committed' }, el('strong', { text: `${t('lesson.predict.yours')}: ` }), rich(guessText(p, w, guess))));
      return box;
    }
    if (saved) {
      box.append(el('p', { class: 'predict-committed' }, el('strong', { text: `${t('lesson.predict.yours')}: ` }), rich(guessText(p, w, saved))),
        el('button', { type: 'button', class: 'ghost predict-clear', onclick: () => clear(id), text: t('lesson.predict.clear') }));
      return box;
    }
    box.append(form(id, p, w));
    if (required()) box.append(el('p', { class: 'predict-required', id: `predict-required-${id}`, text: t('lesson.predict.required') }));
    return box;
  }

  return {
    section,
    /** the experiment may not run yet: a prediction is required and none is committed @param {string} id @param {any} x */
    blocks: (id, x) => !!(x && x.predict) && required() && !storage.get(id, x.predict),
    /** the id of the note that says why the button waits (for aria-describedby), or null @param {string} id @param {any} x */
    blockedBy: (id, x) => (!!(x && x.predict) && required() && !storage.get(id, x.predict) ? `predict-required-${id}` : null),
    /** a run starts: the prediction it is compared with is the one committed now @param {string} id @param {any} x */
    started(id, x) {
      delete outcomes[id];
      again.delete(id);
      if (x && x.predict) ran[id] = storage.get(id, x.predict);
    },
    /** the run is over: its measured value @param {string} id @param {any} x @param {{records?: any[], sweep?: any}} input */
    finished(id, x, input) {
      if (!x || !x.predict) return;
      let value = null;
      try {
        value = measure(x, input);
      } catch (e) {
        console.error(`lesson: ${id}: the prediction's value could not be read: ${/** @type {Error} */ (e).message}`);
      }
      outcomes[id] = { value };
    },
    /** the run stopped before its end: nothing to compare @param {string} id */
    stopped(id) {
      delete ran[id];
      delete outcomes[id];
    },
    /** what the tests read */
    debug: () => ({
      saved: storage.all(),
      ran: JSON.parse(JSON.stringify(ran)),
      outcomes: Object.fromEntries(Object.entries(outcomes).map(([k, o]) => [k, o.value ? { value: o.value.value, unit: o.value.unit, step: o.value.step } : null])),
      required: required(),
    }),
  };
}
