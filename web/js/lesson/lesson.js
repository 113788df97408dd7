// @ts-check
/*
 * lesson.js - the guided lesson beside the lab, a plug-in that main.js
 * mounts with the store, the Worker client, i18n and the lab's extension
 * points (ui/plugin.js PluginContext).
 *
 * Renders one step at a time from the content files: the words from
 * lesson/<lang>.json, the experiments' settings from lesson/experiments.json
 * (docs/lesson-authoring.md describes both); text and math through
 * rich-text.js, the quiz through quiz.js, the answer's numbers through
 * answer.js and values.js, the numbers panel through numbers.js.  This file
 * holds no lesson text and computes no statistic.
 *
 * An experiment button calls lab.applySettings(config, {run: true}), waits
 * for the store's next configuration with that config and for the run's
 * end (phase finished or diverged), then puts the time cursor on the
 * record of the answer's moment (lab.timeline.show(at)), shows the answer
 * with its numbers filled from that record, the `if` sentences of a stack
 * that diverged or died, and asks the lab to point at the chart
 * (lab.highlight); an experiment with `walk` then starts the walk through
 * the backward pass (lab.walk).  When the student moves the cursor off that moment (or
 * runs something else), the answer says so and offers the way back.  An experiment with a `sweep`
 * runs it through the Sweep panel (lab.sweep) on its config instead (and
 * loads that config into the lab, not run, so the settings column shows
 * what the sweep was built from) and answers when the panel's result
 * comes back.  The step lives in the store (and
 * so in the URL, url.js); schema.js validates it.  Owns #lesson, the toggle
 * #lesson-toggle and #lesson-live.
 *
 * Two helpers hook into each experiment card: predict.js (the prediction the
 * student commits before the run, shown beside the measured value after it)
 * and phone-flow.js (on a narrow screen the chart comes into the lesson, next
 * to the question; every pointer at a chart goes through its point()).
 */
import { $, el } from '../ui/dom.js';
import { checkStep } from '../lab/schema.js';
import { chartKey } from '../lab/highlight.js';
import { isFinished } from '../ui/store.js';
import { rich, plain, paragraph, ltrRuns, setFormulaLabel } from './rich-text.js';
import { loadKatex } from '../vendor.js';
import { panelOf, panelLine, sweepNumbers, sweepLines } from './numbers.js';
import { resultOf, fillText, ifSentences, quoted, howLines, formatValue } from './answer.js';
import { evaluateExperiment } from './values.js';
import { stepOf } from '../lab/timeline.js';
import { createQuiz } from './quiz.js';
import { createPredictions, createStorage } from './predict.js';
import { createPhoneFlow } from './phone-flow.js';
import { sameSweep, defaultState } from '../sweep/sweep-model.js';

/** @typedef {{id: string, label: string, question: string, answer: string, if?: Record<string, string>, predict?: import('./predict.js').PredictWords}} StepExperiment an experiment as a step shows it (`if`: the sentences of a stack that diverged or died) */
/** @typedef {{label: string, detail?: string}} Stage */
/** @typedef {{id: string, title: string, body: string[], diagram?: Stage[], experiments: StepExperiment[]}} Step */
/** @typedef {{lang: string, dir: string, title: string, steps: Step[], quiz?: import('./quiz.js').QuizItem[]}} LessonDoc lesson/<lang>.json */
/** @typedef {import('./numbers.js').Experiment} Experiment */
/** @typedef {import('./answer.js').Moment} Moment */

/** @param {import('../ui/plugin.js').PluginContext} ctx */
export function mountLesson({ store, i18n, lab }) {
  const t = i18n.t;
  /* one state object for the lesson */
  const S = {
    lang: /** @type {string | null} */ (null),
    doc: /** @type {LessonDoc | null} */ (null),       /* the content file shown (lesson/<lang>.json) */
    missing: false,                        /* no lesson file in the page's language: English is shown */
    docs: /** @type {Record<string, LessonDoc>} */ ({}),  /* loaded content files by language */
    experiments: /** @type {Record<string, Experiment> | null} */ (null), /* experiments.json `experiments` */
    index: 0,                              /* the current step */
    started: false,
    loadToken: 0,
    active: /** @type {{id: string, phase: string} | null} */ (null),     /* the experiment in flight: {id, phase: 'configuring' | 'running'} */
    /* experiment id -> {state: 'running' | 'done' | 'cancelled' | 'refused'}; when done also
       {moment: {at, index, step}, configured, values, conditions, states, panel | sweep} */
    results: /** @type {Record<string, any>} */ ({}),
    /* experiment id -> the moment's runs (the records an answer's lines read), kept out of results */
    moments: /** @type {Record<string, Moment>} */ ({}),
    /* experiment id -> each quoted value as the answer shown last printed it (for the tests) */
    printed: /** @type {Record<string, Record<string, string>>} */ ({}),
  };
  const plainText = (/** @type {any} */ text) => plain(text, !!S.doc && S.doc.dir === 'rtl');
  const quiz = createQuiz({ t, format: () => i18n.format(), doc: () => S.doc });
  /** localStorage, when the browser lets the page use it */
  const local = (() => { try { return window.localStorage; } catch { return null; } })();
  const predictions = createPredictions({
    t, format: () => i18n.format(), lang: () => i18n.lang, required: () => store.get().predict === 'required',
    storage: createStorage(local), rerender: (id) => updateCard(id),
  });
  const flow = createPhoneFlow({ lab, t });

  /** @param {string} url */
  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-cache' });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
  }

  /** @param {string} lang @returns {Promise<LessonDoc | null>} */
  async function loadDoc(lang) {
    if (S.docs[lang]) return S.docs[lang];
    try {
      S.docs[lang] = await getJson(`lesson/${lang}.json`);
      return S.docs[lang];
    } catch (e) {
      if (lang === 'en') throw e;
      return null; /* no lesson in this language yet: English, with a note */
    }
  }

  /** @param {string} lang */
  async function setLanguage(lang) {
    const token = ++S.loadToken;
    S.lang = lang;
    try {
      const [exps] = await Promise.all([S.experiments ? null : getJson('lesson/experiments.json'), loadKatex()]);
      if (exps) S.experiments = exps.experiments;
      let doc = await loadDoc(lang);
      S.missing = !doc;
      if (!doc) doc = /** @type {LessonDoc} */ (await loadDoc('en'));
      if (token !== S.loadToken) return; /* a newer switch is on its way */
      const stepId = S.doc ? S.doc.steps[S.index].id : null;
      S.doc = doc;
      if (!S.started) start();
      else {
        const i = doc.steps.findIndex((st) => st.id === stepId);
        S.index = i >= 0 ? i : Math.min(S.index, doc.steps.length - 1);
      }
      render();
    } catch (e) {
      if (token !== S.loadToken) return;
      lab.message('error', t('lesson.load_failed'), [/** @type {Error} */ (e).message], 'lesson');
    }
  }

  /* The first render: the step the link names (validated), else the first one. */
  function start() {
    S.started = true;
    const ids = /** @type {LessonDoc} */ (S.doc).steps.map((st) => st.id);
    const wanted = store.get().step;
    S.index = 0;
    if (wanted !== null && wanted !== undefined) {
      const r = checkStep(wanted, ids);
      if (r.ok) S.index = ids.indexOf(r.value);
      else lab.message('error', t('msg.bad_step'), [r.message], 'step');
    }
    store.update({ step: ids[S.index] });
    /* one live region that outlives re-rendering: what an experiment is doing, for screen readers */
    document.body.append(el('p', { id: 'lesson-live', class: 'sr-only', role: 'status', 'aria-live': 'polite' }));
    const panel = $('lesson'), toggle = $('lesson-toggle');
    panel.hidden = false;
    toggle.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    toggle.addEventListener('click', () => {
      /* on a narrow screen the lesson comes first and the button goes to it (phone-flow.js) */
      if (flow.goToLesson()) {
        toggle.setAttribute('aria-expanded', 'true');
        toggleTitle();
        return;
      }
      panel.hidden = !panel.hidden;
      if (panel.hidden) flow.restore();
      toggle.setAttribute('aria-expanded', String(!panel.hidden));
      toggleTitle();
    });
  }

  function toggleTitle() {
    const toggle = $('lesson-toggle');
    toggle.title = t(flow.active() ? 'lesson.flow.go' : $('lesson').hidden ? 'lesson.toggle_show' : 'lesson.toggle_hide');
  }

  /* ------------------------------------------------------------- rendering */
  function render() {
    const doc = /** @type {LessonDoc} */ (S.doc);
    const step = doc.steps[S.index];
    const fmt = i18n.format();
    const root = $('lesson');
    const n = S.index + 1, m = doc.steps.length;
    const stepOf = t('lesson.step_of', { n: fmt.int(n), m: fmt.int(m) });
    root.textContent = '';
    root.lang = doc.lang;
    root.dir = doc.dir;
    root.setAttribute('aria-label', t('lesson.title'));
    setFormulaLabel(t('lesson.formula'));
    toggleTitle();

    const jump = el('select', { id: 'lesson-jump', onchange: (/** @type {Event} */ e) => go(Number(/** @type {HTMLSelectElement} */ (e.target).value)) },
      ...doc.steps.map((s, i) => el('option', { value: String(i), selected: i === S.index, text: `${fmt.int(i + 1)}. ${plainText(s.title)}` })));
    root.append(el('div', { class: 'lesson-head' },
      el('p', { class: 'lesson-kicker', text: plainText(doc.title) }),
      el('div', { class: 'lesson-jumpbar' },
        el('button', { type: 'button', class: 'lesson-prev icon', 'aria-label': t('lesson.previous'), title: t('lesson.previous'), disabled: S.index === 0, onclick: () => go(S.index - 1) }),
        el('label', { class: 'sr-only', for: 'lesson-jump', text: t('lesson.contents') }),
        jump,
        el('button', { type: 'button', class: 'lesson-next icon', 'aria-label': t('lesson.next'), title: t('lesson.next'), disabled: S.index === m - 1, onclick: () => go(S.index + 1) }))));
    if (S.missing) root.append(el('p', { class: 'lesson-note', text: t('lesson.missing_language') }));

    const article = el('article', { class: 'lesson-step', 'data-step-id': step.id, 'aria-labelledby': 'lesson-step-title' },
      el('p', { class: 'lesson-progress', text: stepOf }),
      el('h2', { id: 'lesson-step-title', tabindex: '-1', text: plainText(step.title) }));
    const body = el('div', { class: 'lesson-body' });
    for (const p of step.body) body.append(paragraph(p));
    article.append(body);
    if (Array.isArray(step.diagram) && step.diagram.length) article.append(diagram(step.diagram));

    const exps = el('section', { class: 'experiments', 'aria-labelledby': 'lesson-experiments-title' },
      el('h3', { id: 'lesson-experiments-title', text: t('lesson.experiments') }));
    for (const e of step.experiments) exps.append(experimentCard(e));
    article.append(exps);
    if (S.index === m - 1 && Array.isArray(doc.quiz) && doc.quiz.length) article.append(quiz.section(doc.quiz));
    root.append(article);

    root.append(el('nav', { class: 'lesson-nav', 'aria-label': t('lesson.contents') },
      el('button', { type: 'button', class: 'lesson-prev', id: 'lesson-prev', disabled: S.index === 0, onclick: () => go(S.index - 1), text: t('lesson.previous') }),
      el('span', { class: 'lesson-count', text: stepOf }),
      el('button', { type: 'button', class: 'lesson-next', id: 'lesson-next', disabled: S.index === m - 1, onclick: () => go(S.index + 1), text: t('lesson.next') })));
    flow.afterRender();
  }

  /** @param {number} index */
  function go(index) {
    if (!S.doc || index < 0 || index >= S.doc.steps.length) return;
    S.index = index;
    store.update({ step: S.doc.steps[index].id });
    render();
    const root = $('lesson');
    root.scrollTop = 0;
    const h = $('lesson-step-title');
    if (h) h.focus({ preventScroll: true });
  }

  /* A chain of stages, first to last (top to bottom). */
  /** @param {Stage[]} stages */
  function diagram(stages) {
    return el('figure', { class: 'pipeline', role: 'group', 'aria-label': t('lesson.diagram') },
      el('ol', {}, ...stages.map((s) => el('li', { class: 'stage' },
        el('span', { class: 'stage-label', text: plainText(s.label) }),
        s.detail ? el('span', { class: 'stage-detail', text: plainText(s.detail) }) : null))));
  }

  /* ----------------------------------------------------------- experiments */
  /** @param {string} id @returns {Experiment | undefined} */
  function spec(id) {
    return S.experiments ? S.experiments[id] : undefined;
  }

  /* what the page should point at (experiments.json `chart` and `highlight`) */
  /** @param {Experiment} x */
  function pointer(x) {
    const h = x.highlight || {};
    return { chart: x.chart, layer: h.layer === undefined ? null : h.layer, what: h.what || null };
  }

  /** @param {StepExperiment} e */
  function experimentCard(e) {
    const x = /** @type {Experiment} */ (spec(e.id));
    const r = S.results[e.id] || { state: 'idle' };
    const card = el('section', { class: 'experiment', id: `exp-${e.id}`, 'data-experiment-id': e.id, 'data-state': r.state });
    const running = r.state === 'running';
    const waits = predictions.blockedBy(e.id, x);
    card.append(
      el('button', { type: 'button', class: 'primary run-experiment', disabled: running || !x || !!waits, 'aria-describedby': waits ? `q-${e.id} ${waits}` : `q-${e.id}`, onclick: () => runExperiment(e.id), text: plainText(e.label) }),
      el('p', { class: 'question', id: `q-${e.id}` }, el('strong', { text: `${t('lesson.question')}: ` }), rich(e.question)),
      el('p', { class: 'exp-status', text: statusText(e.id) }),
      /* on a narrow screen the chart it points at, moved here (phone-flow.js); the prediction (predict.js) */
      ...[flow.slotFor(e.id), predictions.section(e.id, x, e.predict, r.state)].filter((n) => n !== null));
    if (r.state === 'done') card.append(answerBox(e, x, r));
    return card;
  }

  /**
   * The revealed answer: its text with the run's numbers, the `if` sentences
   * that hold, the note on the moment (hidden while the charts show it), the
   * numbers panel and "Show me on the chart".
   * @param {StepExperiment} e @param {Experiment} x @param {any} r
   */
  function answerBox(e, x, r) {
    const fmt = i18n.format();
    const ifs = ifSentences(r.conditions, e.if, r.states, r.values, fmt, t);
    const answer = el('div', { class: 'answer', 'data-moment-step': r.moment ? String(r.moment.step) : null },
      el('p', { class: 'answer-text' }, el('strong', { text: `${t('lesson.answer')}: ` }), rich(fillText(e.answer, r.values, fmt, t))),
      ...ifs.map((s) => el('p', { class: 'if-sentence', 'data-condition': s.condition }, rich(s.text))),
      el('div', { class: 'moment-note', role: 'status', hidden: true }));
    const names = quoted([e.answer, ...ifs.map((s) => /** @type {Record<string, string>} */ (e.if || {})[s.condition] || '')]);
    S.printed[e.id] = Object.fromEntries(names.map((n) => [n, formatValue(r.values[n], fmt, t)]));
    const lines = r.sweep ? sweepLines(r.sweep, t, fmt) : [panelLine(r.panel, t, fmt)];
    lines.push(...howLines(x, names, r.values, S.moments[e.id] || null, r.sweepResult || null, fmt, t, new Set(r.panel ? Object.values(r.panel.v) : [])));
    const shown = lines.filter((l) => !!l);
    if (shown.length) {
      answer.append(el('div', { class: 'numbers' },
        el('p', { class: 'numbers-title', text: t('lesson.numbers_title') }),
        ...shown.map((line) => el('p', {}, ltrRuns(/** @type {string} */ (line))))));
    }
    answer.append(el('button', { type: 'button', class: 'ghost show-chart', onclick: () => flow.point(e.id, pointer(x)), text: t('lesson.show_chart') }));
    momentNote(answer, e.id);
    return answer;
  }

  /**
   * The note under an answer about a run's moment: nothing while the charts
   * show the answer's record; else which step the answer is about, which one
   * the charts show, and a button back to it (or, after another run, to run
   * this experiment again).
   * @param {Element} box the .answer @param {string} id
   */
  function momentNote(box, id) {
    const note = /** @type {HTMLElement | null} */ (box.querySelector('.moment-note'));
    const r = S.results[id];
    if (!note || !r || r.state !== 'done' || !r.moment) return;
    const s = store.get();
    const fmt = i18n.format();
    const at = fmt.int(r.moment.step);
    let text = '', label = '', act = () => {};
    if (s.configuredCount !== r.configured) {
      text = t('lesson.moment_other_run', { at });
      label = t('lesson.moment_rerun');
      act = () => runExperiment(id);
    } else if (s.shown && stepOf(s.shown) !== r.moment.step) {
      text = t('lesson.moment_moved', { at, now: fmt.int(stepOf(s.shown)) });
      label = t('lesson.moment_back', { at });
      act = () => lab.timeline.show(r.moment.at);
    }
    if ((note.dataset.text || '') === text) return;
    note.dataset.text = text;
    note.textContent = '';
    note.hidden = !text;
    if (text) note.append(el('span', { text: `${text} ` }), el('button', { type: 'button', class: 'ghost moment-back', onclick: act, text: label }));
  }

  /* every answer shown: its note on the moment (the cursor moved, another run came) */
  function refreshMoments() {
    for (const box of document.querySelectorAll('#lesson .experiment[data-state="done"] .answer')) {
      const card = /** @type {HTMLElement} */ (box.closest('.experiment'));
      momentNote(box, /** @type {string} */ (card.dataset.experimentId));
    }
  }

  /** @param {string} id */
  function statusText(id) {
    const r = S.results[id];
    const x = spec(id);
    if (!r || !x) return '';
    const fmt = i18n.format();
    const chart = chartKey({ chart: x.chart, what: x.highlight && x.highlight.what });
    if (r.state === 'running' && x.sweep) return t('lesson.sweep_running', { chart: t('lesson.chart.sweep') });
    if (r.state === 'running') return t('lesson.running', { steps: fmt.int(Number(x.config.steps)), chart: t(`lesson.chart.${chart}`) });
    if (r.state === 'done') {
      /* a stack that diverged or died: say which and when (the run status's words), not "done" alone */
      const failed = Object.entries(r.states || {}).filter(([, st]) => st.state !== 'ok')
        .map(([a, st]) => t(`status.stack_${st.state}`, { stack: t(`stack.${a}`), step: fmt.int(st.step) }));
      return failed.length ? t('lesson.done_failed', { what: failed.join(t('lesson.list_sep')) }) : t('lesson.done');
    }
    if (r.state === 'cancelled') return t('lesson.cancelled');
    if (r.state === 'refused') return t('lesson.refused');
    return '';
  }

  /* Re-renders one experiment's card in place (if its step is shown). */
  /** @param {string} id */
  function updateCard(id) {
    const old = document.querySelector(`#lesson [data-experiment-id="${id}"]`);
    if (!old) return;
    const e = /** @type {LessonDoc} */ (S.doc).steps[S.index].experiments.find((x) => x.id === id);
    if (!e) return;
    const fresh = experimentCard(e);
    const hadFocus = old.contains(document.activeElement);
    old.replaceWith(fresh);
    if (hadFocus) {
      const b = fresh.querySelector('.run-experiment:not([disabled])') || fresh.querySelector('.show-chart');
      if (b) b.focus({ preventScroll: true });
    }
  }

  /** @param {string} id */
  function runExperiment(id) {
    const x = spec(id);
    if (!x || predictions.blocks(id, x)) return;
    if (S.active && S.active.id !== id) setResult(S.active.id, { state: 'cancelled' });
    lab.highlight(null);
    predictions.started(id, x);
    if (x.sweep && lab.sweep) {
      /* a sweep: the panel runs it on the experiment's config (the lab's stacks are not trained) */
      S.active = { id, phase: 'sweeping' };
      setResult(id, { state: 'running' });
      /* the settings column shows what the sweep is built from (its card says "from the
         settings on the left"); the lab's stacks take them too, at step 0, not run */
      lab.applySettings(x.config, { run: false, fromDefaults: true });
      flow.point(id, pointer(x), { scroll: onThisStep(id) });
      lab.sweep.run(x.sweep, x.config);
      return;
    }
    S.active = { id, phase: 'configuring' };
    setResult(id, { state: 'running' });
    /* an experiment about the distributions opens their view first: the configure then counts them */
    if (x.dist && lab.distributions) lab.distributions.open();
    /* on a narrow screen the chart comes next to the question at once, and fills as the run goes */
    if (flow.active()) flow.point(id, pointer(x));
    const changes = (x.changes || []).map((/** @type {Record<string, any>} */ c) => ({ step: c.step, settings: Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'step')) }));
    lab.applySettings(x.config, { run: true, fromDefaults: true, changes });
  }

  /** @param {any} result @param {any} request the panel's finished sweep */
  function onSweepResult(result, request) {
    const a = S.active;
    if (!a || a.phase !== 'sweeping') return;
    const x = spec(a.id);
    /* the panel's result is this experiment's sweep: its setting (and a plane's second one) and ranges */
    if (!x || !x.sweep || !sameSweep(request, { ...defaultState(), name2: '', ...x.sweep })) return;
    S.active = null;
    const { values, conditions } = evaluateExperiment(x, result);
    setResult(a.id, {
      state: 'done', values, conditions, states: {}, sweep: sweepNumbers(result, x.sweep.metric || 'grad_ratio_log10'),
      sweepResult: { name: result.name, values: result.values },
    });
    predictions.finished(a.id, x, { sweep: result });
    const here = onThisStep(a.id);
    flow.point(a.id, pointer(x), { scroll: here });
    if (here) reveal(document.querySelector(`#lesson [data-experiment-id="${a.id}"] .answer`));
  }
  if (lab.sweep) lab.sweep.onResult(onSweepResult);

  /** @param {string} id @param {{state: string, [k: string]: any}} r */
  function setResult(id, r) {
    S.results[id] = r;
    if (r.state === 'cancelled' || r.state === 'refused') {
      predictions.stopped(id);
      flow.release(id);
    }
    updateCard(id);
    const live = $('lesson-live');
    if (live) live.textContent = statusText(id);
  }

  /* the configuration the page runs is the experiment's (every setting the experiment names) */
  /** @param {Record<string, any>} config @param {Record<string, any>} canonical */
  function matches(config, canonical) {
    return Object.entries(config).every(([k, v]) => canonical[k] === undefined || String(canonical[k]) === String(v));
  }

  function onConfigured(/** @type {Record<string, any>} */ config) {
    const a = S.active;
    if (!a || a.phase === 'sweeping') return;
    const x = spec(a.id);
    if (x && matches(x.config, config)) {
      if (a.phase === 'configuring') a.phase = 'running';
      /* on a narrow screen the experiment is in view already (runExperiment) */
      flow.point(a.id, pointer(x), { scroll: onThisStep(a.id) && !flow.active() });
      return;
    }
    /* an older request still on its way: wait for ours */
    if (a.phase === 'configuring' && store.get().pending > 0) return;
    S.active = null;
    setResult(a.id, { state: a.phase === 'configuring' ? 'refused' : 'cancelled' });
  }

  function onDone() {
    const a = S.active;
    if (!a || a.phase !== 'running') return;
    const x = /** @type {Experiment} */ (spec(a.id));
    S.active = null;
    const records = lab.records();
    const res = resultOf(x, records);
    if (!res) {
      setResult(a.id, { state: 'cancelled' });
      return;
    }
    predictions.finished(a.id, x, { records });
    /* the charts show the record the answer is about (its title says the step) */
    lab.timeline.show(x.at);
    S.moments[a.id] = res.moment;
    const { at, index, step } = res.moment;
    setResult(a.id, {
      state: 'done', moment: { at, index, step }, configured: store.get().configuredCount,
      values: res.values, conditions: res.conditions, states: res.states,
      panel: panelOf(chartKey({ chart: x.chart, what: x.highlight && x.highlight.what }), x, res.values, res.moment, records),
    });
    const here = onThisStep(a.id);
    flow.point(a.id, pointer(x), { scroll: here });
    /* the walk through the backward pass, at the record the page shows (experiments.json `walk`) */
    if (x.walk && lab.walk) lab.walk.start();
    if (here) reveal(document.querySelector(`#lesson [data-experiment-id="${a.id}"] .answer`));
  }

  /* Scrolls the lesson column (not the page) so that node is in view above the navigation bar. */
  /** @param {Element | null} node */
  function reveal(node) {
    const panel = $('lesson');
    if (!node || panel.scrollHeight <= panel.clientHeight) return;
    const p = panel.getBoundingClientRect(), r = node.getBoundingClientRect();
    const nav = panel.querySelector('.lesson-nav');
    const bottom = p.bottom - (nav ? nav.offsetHeight : 0) - 8;
    if (r.bottom > bottom) panel.scrollTop += Math.min(r.bottom - bottom, Math.max(0, r.top - p.top - 8));
    else if (r.top < p.top) panel.scrollTop -= p.top - r.top + 8;
  }

  /** @param {string} id */
  function onThisStep(id) {
    return !!S.doc && S.doc.steps[S.index].experiments.some((e) => e.id === id);
  }

  store.watch((s) => s.lang, (lang) => { if (lang) setLanguage(lang); });
  /* mounted after the first chart (main.js): the page's language is known already */
  const lang0 = store.get().lang;
  if (lang0) setLanguage(lang0);
  store.watch((s) => s.configuredCount, (n, s) => onConfigured(s.config || {}));
  store.watch((s) => s.phase, (phase, s) => { if (isFinished(s)) onDone(); });
  store.watch((s) => s.shown, refreshMoments);
  store.watch((s) => s.configuredCount, refreshMoments);
  /* a teacher's link may require a prediction before each experiment (predict=required) */
  store.watch((s) => s.predict, () => { if (S.doc) render(); });

  return {
    /* what the tests read */
    debug() {
      return {
        lang: S.doc ? S.doc.lang : null,
        step: S.doc ? S.doc.steps[S.index].id : null,
        index: S.index,
        active: S.active ? Object.assign({}, S.active) : null,
        results: JSON.parse(JSON.stringify(S.results)),
        printed: JSON.parse(JSON.stringify(S.printed)),
        quiz: JSON.parse(JSON.stringify(quiz.answers)),
        predict: predictions.debug(),
        flow: flow.debug(),
      };
    },
  };
}
