/*
 * lesson.js - the guided lesson beside the lab.
 *
 * Renders one step at a time from the content files: the words from
 * lesson/<lang>.json, the experiments' settings from lesson/experiments.json
 * (docs/lesson-authoring.md describes both).  Paragraphs carry **bold**,
 * inline $...$ and display $$...$$ math, typeset with KaTeX (vendor/katex);
 * step `resnet` has a diagram, drawn as a chain of stages; the last step
 * ends with the quiz.  This file holds no lesson text and computes no
 * statistic: the words come from the content and UI files, the numbers from
 * the engine's records (window.gradlab.records()).
 *
 * It talks to the lab only through window.gradlab (js/app.js) and its
 * events: an experiment button calls applySettings(config, {run: true}),
 * waits for 'gradlab:configured' with that configuration and for
 * 'gradlab:done', then shows the answer and asks the page to point at the
 * chart (highlight).  Language and step live in the URL with the rest of the
 * state (lessonStep / setLessonStep; js/state.js validates the step).
 *
 * Classic script; needs self.katex, self.GradLabState and window.gradlab.
 */
(function () {
  'use strict';

  const ARCHS = ['plain', 'residual'];
  /* one state object for the lesson */
  const S = {
    lang: null,
    doc: null,              /* the content file shown (lesson/<lang>.json) */
    missing: false,         /* no lesson file in the page's language: English is shown */
    docs: {},               /* loaded content files by language */
    experiments: null,      /* experiments.json `experiments` */
    index: 0,               /* the current step */
    started: false,
    loadToken: 0,
    active: null,           /* the experiment in flight: {id, phase: 'configuring' | 'running'} */
    results: {},            /* experiment id -> {state: 'running' | 'done' | 'cancelled' | 'refused', numbers} */
    quiz: {},               /* question index -> {choice, checked} */
  };

  const lab = () => window.gradlab;
  const t = (key, vars) => lab().t(key, vars);
  const $ = (id) => document.getElementById(id);

  const el = window.GradLabDom.el; /* app.js's DOM builder */

  /* ------------------------------------------------------------ rich text */
  /* $$display$$ or $inline$; the content never writes a literal dollar sign */
  const MATH_RE = /\$\$([\s\S]+?)\$\$|\$([^$]+?)\$/g;
  const DISPLAY_RE = /^\s*\$\$[\s\S]+\$\$\s*$/;

  function math(tex, display) {
    const box = el(display ? 'div' : 'span', { class: display ? 'math math-display' : 'math' });
    try {
      window.katex.render(tex, box, { displayMode: display, throwOnError: true, output: 'htmlAndMathml' });
    } catch (e) {
      /* a formula KaTeX cannot set is an authoring error: say so where it shows */
      console.error(`lesson: the formula ${JSON.stringify(tex)} does not render: ${e.message}`);
      box.classList.add('math-error');
      box.textContent = '⚠';
    }
    return box;
  }

  /* A string of the content as nodes: text, <strong> for **...**, KaTeX for $...$. */
  function rich(text) {
    const s = String(text === undefined || text === null ? '' : text);
    const frag = document.createDocumentFragment();
    let strong = null;
    const put = (node) => (strong || frag).append(node);
    const words = (part) => {
      part.split('**').forEach((piece, i) => {
        if (i > 0) {
          if (strong) strong = null;
          else {
            strong = el('strong');
            frag.append(strong);
          }
        }
        if (piece) put(document.createTextNode(piece));
      });
    };
    let last = 0;
    for (const m of s.matchAll(MATH_RE)) {
      const display = m[1] !== undefined;
      let before = s.slice(last, m.index);
      const node = math(display ? m[1] : m[2], display);
      last = m.index + m[0].length;
      /* an inline formula keeps its brackets and the punctuation after it on its line */
      const open = display ? '' : (/[(«[]+$/.exec(before) || [''])[0];
      const close = display ? '' : (/^[.,;:!?،؛…)»\]]+/.exec(s.slice(last)) || [''])[0];
      before = before.slice(0, before.length - open.length);
      words(before);
      if (open || close) put(el('span', { class: 'nowrap' }, open, node, close));
      else put(node);
      last += close.length;
    }
    words(s.slice(last));
    return frag;
  }

  /*
   * Plain text of a field without math (a button label, a title, a diagram
   * stage).  In right-to-left text a Latin formula such as y = x + F(x) or
   * 1/√B would be reordered by the bidi algorithm, so each such run is put in
   * a left-to-right isolate (U+2066 ... U+2069), as the UI strings do by hand.
   */
  const FORMULA_RE = /√?[A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9][A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9()]*(?:\s*[=+×\/√−·]\s*√?[A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9][A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9()]*)+/g;

  function plain(text) {
    const s = String(text === undefined || text === null ? '' : text);
    if (!S.doc || S.doc.dir !== 'rtl') return s;
    const balanced = (f) => (f.match(/\(/g) || []).length === (f.match(/\)/g) || []).length;
    return s.replace(FORMULA_RE, (f) => (balanced(f) ? `\u2066${f}\u2069` : f));
  }

  function paragraph(text) {
    return DISPLAY_RE.test(text) ? rich(text.trim()) : el('p', {}, rich(text));
  }

  /* --------------------------------------------------------------- loading */
  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-cache' });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
  }

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

  async function setLanguage(lang) {
    const token = ++S.loadToken;
    S.lang = lang;
    try {
      if (!S.experiments) S.experiments = (await getJson('lesson/experiments.json')).experiments;
      let doc = await loadDoc(lang);
      S.missing = !doc;
      if (!doc) doc = await loadDoc('en');
      if (token !== S.loadToken) return; /* a newer switch is on its way */
      const stepId = S.doc ? S.doc.steps[S.index].id : null;
      S.doc = doc;
      if (!S.started) start();
      else {
        const i = doc.steps.findIndex((s) => s.id === stepId);
        S.index = i >= 0 ? i : Math.min(S.index, doc.steps.length - 1);
      }
      render();
    } catch (e) {
      if (token !== S.loadToken) return;
      lab().message('error', t('lesson.load_failed'), [e.message], 'lesson');
    }
  }

  /* The first render: the step the link names (validated), else the first one. */
  function start() {
    S.started = true;
    const ids = S.doc.steps.map((s) => s.id);
    const wanted = lab().lessonStep();
    S.index = 0;
    if (wanted !== null && wanted !== undefined) {
      const r = GradLabState.checkStep(wanted, ids);
      if (r.ok) S.index = ids.indexOf(r.value);
      else lab().message('error', t('msg.bad_step'), [r.message], 'step');
    }
    lab().setLessonStep(ids[S.index]);
    /* one live region that outlives re-rendering: what an experiment is doing, for screen readers */
    document.body.append(el('p', { id: 'lesson-live', class: 'sr-only', role: 'status', 'aria-live': 'polite' }));
    const panel = $('lesson'), toggle = $('lesson-toggle');
    panel.hidden = false;
    toggle.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    toggle.addEventListener('click', toggleTitle);
  }

  function toggleTitle() {
    const toggle = $('lesson-toggle');
    toggle.title = t($('lesson').hidden ? 'lesson.toggle_show' : 'lesson.toggle_hide');
  }

  /* ------------------------------------------------------------- rendering */
  function render() {
    const doc = S.doc;
    const step = doc.steps[S.index];
    const fmt = lab().format();
    const root = $('lesson');
    const n = S.index + 1, m = doc.steps.length;
    const stepOf = t('lesson.step_of', { n: fmt.int(n), m: fmt.int(m) });
    root.textContent = '';
    root.lang = doc.lang;
    root.dir = doc.dir;
    root.setAttribute('aria-label', t('lesson.title'));
    toggleTitle();

    const jump = el('select', { id: 'lesson-jump', onchange: (e) => go(Number(e.target.value)) },
      ...doc.steps.map((s, i) => el('option', { value: String(i), selected: i === S.index, text: `${fmt.int(i + 1)}. ${plain(s.title)}` })));
    root.append(el('div', { class: 'lesson-head' },
      el('p', { class: 'lesson-kicker', text: plain(doc.title) }),
      el('div', { class: 'lesson-jumpbar' },
        el('button', { type: 'button', class: 'lesson-prev icon', 'aria-label': t('lesson.previous'), title: t('lesson.previous'), disabled: S.index === 0, onclick: () => go(S.index - 1) }),
        el('label', { class: 'sr-only', for: 'lesson-jump', text: t('lesson.contents') }),
        jump,
        el('button', { type: 'button', class: 'lesson-next icon', 'aria-label': t('lesson.next'), title: t('lesson.next'), disabled: S.index === m - 1, onclick: () => go(S.index + 1) }))));
    if (S.missing) root.append(el('p', { class: 'lesson-note', text: t('lesson.missing_language') }));

    const article = el('article', { class: 'lesson-step', 'data-step-id': step.id, 'aria-labelledby': 'lesson-step-title' },
      el('p', { class: 'lesson-progress', text: stepOf }),
      el('h2', { id: 'lesson-step-title', tabindex: '-1', text: plain(step.title) }));
    const body = el('div', { class: 'lesson-body' });
    for (const p of step.body) body.append(paragraph(p));
    article.append(body);
    if (Array.isArray(step.diagram) && step.diagram.length) article.append(diagram(step.diagram));

    const exps = el('section', { class: 'experiments', 'aria-labelledby': 'lesson-experiments-title' },
      el('h3', { id: 'lesson-experiments-title', text: t('lesson.experiments') }));
    for (const e of step.experiments) exps.append(experimentCard(e));
    article.append(exps);
    if (S.index === m - 1 && Array.isArray(doc.quiz) && doc.quiz.length) article.append(quizSection(doc.quiz));
    root.append(article);

    root.append(el('nav', { class: 'lesson-nav', 'aria-label': t('lesson.contents') },
      el('button', { type: 'button', class: 'lesson-prev', id: 'lesson-prev', disabled: S.index === 0, onclick: () => go(S.index - 1), text: t('lesson.previous') }),
      el('span', { class: 'lesson-count', text: stepOf }),
      el('button', { type: 'button', class: 'lesson-next', id: 'lesson-next', disabled: S.index === m - 1, onclick: () => go(S.index + 1), text: t('lesson.next') })));
  }

  function go(index) {
    if (!S.doc || index < 0 || index >= S.doc.steps.length) return;
    S.index = index;
    lab().setLessonStep(S.doc.steps[index].id);
    render();
    const root = $('lesson');
    root.scrollTop = 0;
    const h = $('lesson-step-title');
    if (h) h.focus({ preventScroll: true });
  }

  /* A chain of stages, first to last (top to bottom). */
  function diagram(stages) {
    return el('figure', { class: 'pipeline', role: 'group', 'aria-label': t('lesson.diagram') },
      el('ol', {}, ...stages.map((s) => el('li', { class: 'stage' },
        el('span', { class: 'stage-label', text: plain(s.label) }),
        s.detail ? el('span', { class: 'stage-detail', text: plain(s.detail) }) : null))));
  }

  /* ----------------------------------------------------------- experiments */
  function spec(id) {
    return S.experiments[id];
  }

  /* what the page should point at (experiments.json `chart` and `highlight`) */
  function pointer(x) {
    const h = x.highlight || {};
    return { chart: x.chart, layer: h.layer === undefined ? null : h.layer, what: h.what || null };
  }

  /* the chart's name, for "watch the chart ..." (chart 4: the update ratio when that is what to read) */
  function chartKey(x) {
    if (x.chart === 'saturation' && /update/.test((x.highlight && x.highlight.what) || '')) return 'update_ratio';
    return x.chart;
  }

  function experimentCard(e) {
    const x = spec(e.id);
    const r = S.results[e.id] || { state: 'idle' };
    const card = el('section', { class: 'experiment', 'data-experiment-id': e.id, 'data-state': r.state });
    const running = r.state === 'running';
    card.append(
      el('button', { type: 'button', class: 'primary run-experiment', disabled: running || !x, 'aria-describedby': `q-${e.id}`, onclick: () => runExperiment(e.id), text: plain(e.label) }),
      el('p', { class: 'question', id: `q-${e.id}` }, el('strong', { text: `${t('lesson.question')}: ` }), rich(e.question)),
      el('p', { class: 'exp-status', text: statusText(e.id) }));
    if (r.state === 'done') {
      const answer = el('div', { class: 'answer' },
        el('p', {}, el('strong', { text: `${t('lesson.answer')}: ` }), rich(e.answer)));
      const nums = numbersText(r.numbers);
      if (nums.length) {
        answer.append(el('div', { class: 'numbers' },
          el('p', { class: 'numbers-title', text: t('lesson.numbers_title') }),
          ...nums.map((line) => el('p', {}, powers(line)))));
      }
      answer.append(el('button', { type: 'button', class: 'ghost show-chart', onclick: () => lab().highlight(pointer(x)), text: t('lesson.show_chart') }));
      card.append(answer);
    }
    return card;
  }

  function statusText(id) {
    const r = S.results[id];
    const x = spec(id);
    if (!r || !x) return '';
    const fmt = lab().format();
    if (r.state === 'running') return t('lesson.running', { steps: fmt.int(Number(x.config.steps)), chart: t(`lesson.chart.${chartKey(x)}`) });
    if (r.state === 'done') return t('lesson.done');
    if (r.state === 'cancelled') return t('lesson.cancelled');
    if (r.state === 'refused') return t('lesson.refused');
    return '';
  }

  /* Re-renders one experiment's card in place (if its step is shown). */
  function updateCard(id) {
    const old = document.querySelector(`#lesson [data-experiment-id="${id}"]`);
    if (!old) return;
    const e = S.doc.steps[S.index].experiments.find((x) => x.id === id);
    if (!e) return;
    const fresh = experimentCard(e);
    const hadFocus = old.contains(document.activeElement);
    old.replaceWith(fresh);
    if (hadFocus) {
      const b = fresh.querySelector('.run-experiment:not([disabled])') || fresh.querySelector('.show-chart');
      if (b) b.focus({ preventScroll: true });
    }
  }

  function runExperiment(id) {
    const x = spec(id);
    if (!x) return;
    if (S.active && S.active.id !== id) setResult(S.active.id, { state: 'cancelled' });
    lab().highlight(null);
    S.active = { id, phase: 'configuring' };
    setResult(id, { state: 'running' });
    lab().applySettings(x.config, { run: true, fromDefaults: true });
  }

  function setResult(id, r) {
    S.results[id] = r;
    updateCard(id);
    const live = $('lesson-live');
    if (live) live.textContent = statusText(id);
  }

  /* the configuration the page runs is the experiment's (every setting the experiment names) */
  function matches(config, canonical) {
    return Object.entries(config).every(([k, v]) => canonical[k] === undefined || String(canonical[k]) === String(v));
  }

  function onConfigured(ev) {
    const a = S.active;
    if (!a) return;
    const x = spec(a.id);
    if (matches(x.config, ev.detail.config)) {
      if (a.phase === 'configuring') a.phase = 'running';
      lab().highlight(pointer(x), { scroll: onThisStep(a.id) });
      return;
    }
    /* an older request still on its way: wait for ours */
    if (a.phase === 'configuring' && lab().state.pendingConfigs.length > 0) return;
    S.active = null;
    setResult(a.id, { state: a.phase === 'configuring' ? 'refused' : 'cancelled' });
  }

  function onDone() {
    const a = S.active;
    if (!a || a.phase !== 'running') return;
    const x = spec(a.id);
    S.active = null;
    setResult(a.id, { state: 'done', numbers: numbersOf(x, lab().records()) });
    const here = onThisStep(a.id);
    lab().highlight(pointer(x), { scroll: here });
    if (here) reveal(document.querySelector(`#lesson [data-experiment-id="${a.id}"] .answer`));
  }

  /* Scrolls the lesson column (not the page) so that node is in view above the navigation bar. */
  function reveal(node) {
    const panel = $('lesson');
    if (!node || panel.scrollHeight <= panel.clientHeight) return;
    const p = panel.getBoundingClientRect(), r = node.getBoundingClientRect();
    const nav = panel.querySelector('.lesson-nav');
    const bottom = p.bottom - (nav ? nav.offsetHeight : 0) - 8;
    if (r.bottom > bottom) panel.scrollTop += Math.min(r.bottom - bottom, Math.max(0, r.top - p.top - 8));
    else if (r.top < p.top) panel.scrollTop -= p.top - r.top + 8;
  }

  function onThisStep(id) {
    return !!S.doc && S.doc.steps[S.index].experiments.some((e) => e.id === id);
  }

  /* --------------------------------------------------------------- numbers */
  /*
   * The numbers the answer quotes, read from the run's records (no
   * arithmetic beyond picking a layer or the largest value): the chart that
   * answers the question decides which.  Kept raw, formatted when shown, so
   * a change of language re-formats them.
   */
  function numbersOf(x, records) {
    const first = records[0], last = records[records.length - 1];
    if (!first || !last || !last.plain || !last.residual) return null;
    const P = last.plain, R = last.residual;
    const L = P.grad_norm.length;
    const out = { kind: chartKey(x), step: Math.max(P.step, R.step), v: {}, diverged: [] };
    for (const a of ARCHS) if (last[a].status === 'diverged' && last[a].diverged) out.diverged.push({ arch: a, step: last[a].diverged.step });
    const layerValue = (s, field, i) => ({ v: s[field][i], under: field === 'grad_norm' && (s.underflow[i] === 1 || !(s[field][i] > 0)) });
    switch (out.kind) {
      case 'grad_norm':
      case 'heatmap':
        out.kind = 'grad';
        out.v = { p1: layerValue(P, 'grad_norm', 0), r1: layerValue(R, 'grad_norm', 0), pL: layerValue(P, 'grad_norm', L - 1), rL: layerValue(R, 'grad_norm', L - 1) };
        break;
      case 'update_ratio': {
        /* the last record of a run is measured without an update: take the newest one with an update */
        const withUpdate = (a) => {
          for (let i = records.length - 1; i >= 0; i--) if (records[i][a] && records[i][a].update_ratio.some((u) => u > 0)) return records[i][a];
          return null;
        };
        const p = withUpdate('plain'), r = withUpdate('residual');
        if (!p || !r) return null;
        out.kind = 'update';
        out.step = Math.max(p.step, r.step);
        out.v = { p1: layerValue(p, 'update_ratio', 0), r1: layerValue(r, 'update_ratio', 0), pL: layerValue(p, 'update_ratio', L - 1), rL: layerValue(r, 'update_ratio', L - 1) };
        break;
      }
      case 'saturation': {
        const top = (s) => {
          let at = 0;
          s.saturation.forEach((v, i) => { if (v > s.saturation[at]) at = i; });
          return { v: s.saturation[at], layer: at + 1 };
        };
        out.v = { p: top(P), r: top(R) };
        break;
      }
      case 'boundary':
        out.v = { pa: P.acc, ra: R.acc };
        break;
      default: /* loss */
        out.kind = 'loss';
        out.v = { p0: first.plain.loss, p1: P.loss, r0: first.residual.loss, r1: R.loss, pa: P.acc, ra: R.acc };
    }
    return out;
  }

  /* "۱٫۵۵×۱۰^−۲۱" (the Persian scientific form) with the exponent raised: ۱٫۵۵×۱۰<sup>−۲۱</sup> */
  function powers(text) {
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of text.matchAll(/\^([\u200e\u061c]*[-−+]?[0-9۰-۹]+)/g)) {
      frag.append(text.slice(last, m.index), el('sup', { text: m[1] }));
      last = m.index + m[0].length;
    }
    frag.append(text.slice(last));
    return frag;
  }

  function numbersText(n) {
    if (!n) return [];
    const fmt = lab().format();
    const val = (x) => (x.under ? t('lesson.underflow') : fmt.value(x.v));
    const step = fmt.int(n.step);
    const v = n.v;
    let line;
    switch (n.kind) {
      case 'grad':
        line = t('lesson.num.grad', { step, p1: val(v.p1), r1: val(v.r1), pL: val(v.pL), rL: val(v.rL) });
        break;
      case 'update':
        line = t('lesson.num.update', { step, p1: val(v.p1), r1: val(v.r1), pL: val(v.pL), rL: val(v.rL) });
        break;
      case 'saturation':
        line = t('lesson.num.saturation', { step, p: fmt.percent(v.p.v), pl: fmt.int(v.p.layer), r: fmt.percent(v.r.v), rl: fmt.int(v.r.layer) });
        break;
      case 'boundary':
        line = t('lesson.num.boundary', { step, pa: fmt.percent(v.pa), ra: fmt.percent(v.ra) });
        break;
      default:
        /* both stacks stopped at step 0 (diverged in the first step): there is only the start */
        line = n.step === 0 ? t('lesson.num.loss0', { p0: fmt.value(v.p0), r0: fmt.value(v.r0) })
          : t('lesson.num.loss', { step, p0: fmt.value(v.p0), p1: fmt.value(v.p1), r0: fmt.value(v.r0), r1: fmt.value(v.r1), pa: fmt.percent(v.pa), ra: fmt.percent(v.ra) });
    }
    const lines = [line];
    for (const d of n.diverged) lines.push(t('lesson.num.diverged', { stack: t(`series.${d.arch}`), step: fmt.int(d.step) }));
    return lines;
  }

  /* ------------------------------------------------------------------ quiz */
  function quizSection(quiz) {
    const list = el('ol', { class: 'quiz-list' });
    quiz.forEach((q, qi) => list.append(quizItem(q, qi)));
    return el('section', { class: 'quiz', 'aria-labelledby': 'lesson-quiz-title' },
      el('h3', { id: 'lesson-quiz-title', text: t('lesson.quiz_title') }),
      list,
      el('p', { class: 'quiz-score', id: 'lesson-quiz-score', role: 'status', text: scoreText(quiz) }));
  }

  function scoreText(quiz) {
    const done = quiz.map((q, i) => S.quiz[i]).filter((s) => s && s.checked);
    if (done.length < quiz.length) return '';
    const fmt = lab().format();
    const right = quiz.filter((q, i) => S.quiz[i].choice === q.answer).length;
    return t('lesson.quiz_score', { n: fmt.int(right), m: fmt.int(quiz.length) });
  }

  function quizItem(q, qi) {
    const st = S.quiz[qi] || {};
    const checked = !!st.checked;
    const correct = checked && st.choice === q.answer;
    const item = el('li', { class: 'quiz-q', 'data-q': String(qi), 'data-state': checked ? (correct ? 'correct' : 'incorrect') : 'open' });
    const fs = el('fieldset', {}, el('legend', {}, rich(q.q)));
    q.choices.forEach((c, ci) => {
      const id = `quiz-${qi}-${ci}`;
      const isRight = checked && ci === q.answer, isWrong = checked && ci === st.choice && !correct;
      const row = el('div', { class: `choice${isRight ? ' is-correct' : ''}${isWrong ? ' is-wrong' : ''}`, 'data-choice': String(ci) },
        el('input', {
          type: 'radio', name: `quiz-${qi}`, id, value: String(ci), checked: st.choice === ci, disabled: checked,
          onchange: () => { S.quiz[qi] = { choice: ci, checked: false }; },
        }),
        el('label', { for: id }, rich(c)));
      if (isRight) row.append(el('span', { class: 'choice-tag', text: `✓ ${t('lesson.quiz_right_answer')}` }));
      if (isWrong) row.append(el('span', { class: 'choice-tag', text: `✗ ${t('lesson.quiz_your_answer')}` }));
      fs.append(row);
    });
    item.append(fs,
      el('button', { type: 'button', class: 'quiz-check', disabled: checked, onclick: () => checkQuiz(qi) , text: t('lesson.quiz_check') }),
      el('p', { class: 'quiz-verdict', tabindex: '-1', 'aria-live': 'polite', text: checked ? (correct ? t('lesson.correct') : t('lesson.incorrect')) : '' }));
    if (checked) item.append(el('div', { class: 'quiz-explain' }, el('p', {}, rich(q.explain))));
    return item;
  }

  function checkQuiz(qi) {
    const quiz = S.doc.quiz;
    const item = document.querySelector(`#lesson .quiz-q[data-q="${qi}"]`);
    const picked = item && item.querySelector('input[type="radio"]:checked');
    if (!picked) {
      item.querySelector('.quiz-verdict').textContent = t('lesson.quiz_pick');
      return;
    }
    S.quiz[qi] = { choice: Number(picked.value), checked: true };
    const fresh = quizItem(quiz[qi], qi);
    item.replaceWith(fresh);
    fresh.querySelector('.quiz-verdict').focus({ preventScroll: true });
    $('lesson-quiz-score').textContent = scoreText(quiz);
  }

  /* ---------------------------------------------------------------- wiring */
  document.addEventListener('gradlab:language', (ev) => setLanguage(ev.detail.lang));
  document.addEventListener('gradlab:configured', onConfigured);
  document.addEventListener('gradlab:done', onDone);

  /* what the tests read */
  window.gradlabLesson = {
    debug() {
      return {
        lang: S.doc ? S.doc.lang : null,
        step: S.doc ? S.doc.steps[S.index].id : null,
        index: S.index,
        active: S.active ? Object.assign({}, S.active) : null,
        results: JSON.parse(JSON.stringify(S.results)),
        quiz: JSON.parse(JSON.stringify(S.quiz)),
      };
    },
  };
})();
