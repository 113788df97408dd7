/*
 * app.js - the page: the only module that touches the DOM, the URL and timers.
 *
 * Data path: the Worker (js/worker.js) trains both stacks and posts records;
 * this file keeps them (history, for export), hands their numbers to the
 * charts (js/charts.js) and writes the settings into the URL (js/state.js).
 * No statistic is computed here: every number shown comes from a worker
 * message.  What this file does compute is drawing: axis ranges, log10 for
 * the heatmap colour, the boundary plot's extent.
 *
 * All page state lives in the one object `app` below.  Hooks for the lesson
 * (js/lesson.js): window.gradlab.{setLanguage, applySettings, t, debug,
 * records, format, message, lessonStep, setLessonStep, highlight} and the
 * events 'gradlab:language', 'gradlab:configured', 'gradlab:done' and
 * 'gradlab:paused' on document.
 */
(function () {
  'use strict';

  /* ---- fixed presentation choices (not a list of settings) ---- */
  const COLORS = { plain: '#D55E00', residual: '#0072B2', theory: '#000000' }; /* Okabe–Ito */
  const CLASS_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#F0E442', '#0072B2', '#D55E00', '#999999'];
  const ARCHS = ['plain', 'residual'];
  const FLOAT32_MIN_NORMAL = 1.2e-38;   /* the engine's underflow threshold (docs/worker-protocol.md) */
  const GRID = 48;                      /* decision boundary: GRID x GRID predictions */
  const RENDER_MS = 100;                /* charts redraw at most this often while training */
  const PREDICT_MS = 500;               /* boundary refresh while training */
  const HISTORY_VALUES = 4e6;           /* numbers the export history may hold (about 32 MB) */
  /* which group a setting's control goes in; a setting not named here goes in 'other' */
  const GROUP_OF = {
    model: 'network', blocks: 'network', channels: 'network', pool: 'network',
    depth: 'network', width: 'network', act: 'network', init: 'network', init_std: 'network',
    block: 'residual', form: 'residual', res_scale: 'residual',
    loss: 'training', optimizer: 'training', lr: 'training', momentum: 'training', batch: 'training',
    clip: 'training', steps: 'training', record_every: 'training', seed: 'training',
    data: 'data', points: 'data', noise: 'data', data_seed: 'data', standardize: 'data',
  };
  const GROUPS = ['network', 'residual', 'training', 'data', 'other'];
  /* a control is greyed out when its setting does not apply */
  const builtInData = (c) => c.data !== 'csv' && c.data !== 'digits'; /* the generated 2-D sets */
  const APPLIES = {
    depth: (c) => c.model !== 'conv',
    width: (c) => c.model !== 'conv',
    blocks: (c) => c.model === 'conv',
    channels: (c) => c.model === 'conv',
    pool: (c) => c.model === 'conv',
    init_std: (c) => c.init === 'normal',
    momentum: (c) => c.optimizer === 'momentum',
    points: builtInData,
    noise: builtInData,
    data_seed: builtInData,
  };
  /* settings whose control is "on/off + a value", off meaning 0 */
  const TOGGLED = { clip: { onValue: 1 } };
  const FIXED = { arch: 'both' };  /* the page always shows both stacks */
  /* the cards of each chart the lesson can point at (experiments.json `chart`) */
  const CHART_CARDS = {
    grad_norm: ['card-grad'],
    loss: ['card-loss'],
    heatmap: ['card-heat-plain', 'card-heat-residual'],
    saturation: ['card-sat'],
    update_ratio: ['card-update'],
    boundary: ['card-boundary-plain', 'card-boundary-residual'],
  };

  /* English text used when lesson/ui-<lang>.json lacks a key */
  const EN = {
    'app.title': 'GradLab',
    'app.subtitle': 'Vanishing and exploding gradients: a plain stack next to its residual twin',
    skip_to_charts: 'Skip to the charts', language: 'Language', lesson: 'Lesson', loading: 'Loading the engine…',
    settings: 'Settings', settings_note: 'Both stacks are built from these settings: same data, same seed, same initialisation.',
    share: 'Share this experiment', share_link: 'Link to this experiment', copy_link: 'Copy link',
    classroom_mode: 'Classroom mode', classroom_help: 'Tick the controls to hide from students, then copy the link: opening it hides them.',
    run: 'Run', pause: 'Pause', step: 'Step', reset: 'Reset', speed: 'Speed',
    export: 'Export this run', export_json: 'Statistics (JSON)', export_csv: 'Statistics (CSV)', export_png: 'PNG', export_png_all: 'All charts (PNG)',
    export_note: '{records} records of both stacks; the files use the record\'s field names.',
    export_note_thinned: '{records} of the {received} records of both stacks (one in every {every}, and the newest, so that a long run stays within memory); the files use the record\'s field names.',
    footer: 'GradLab trains both networks in your browser with a C engine compiled to WebAssembly; nothing leaves this page.',
    'footer.engine': '(engine {version}, one thread)',
    'footer.engine_threads': '(engine {version}, {threads} threads; the same numbers as on one)',
    'group.network': 'Network', 'group.residual': 'Residual stack', 'group.training': 'Training', 'group.data': 'Data', 'group.other': 'More',
    'stack.plain': 'Plain stack', 'stack.residual': 'Residual stack',
    'status.ready': 'Ready: step {step} of {steps}', 'status.running': 'Training: step {step} of {steps}',
    'status.paused': 'Paused at step {step} of {steps}', 'status.done': 'Finished: step {step} of {steps}',
    'status.stopped': 'Stopped at step {step}: both stacks diverged',
    'stack.numbers': 'step {step} · loss {loss} · accuracy {acc}',
    'banner.diverged': 'Diverged at step {step} in layer {layer} ({name}, {where}); the charts keep its last finite numbers.',
    'banner.diverged_loss': 'Diverged at step {step} in the loss; the charts keep its last finite numbers.',
    'where.forward': 'forward pass', 'where.backward': 'backward pass', 'where.loss': 'loss',
    'chart.grad.title': 'Gradient norm per layer',
    'chart.grad.note': 'Each layer\'s weight-gradient norm at the current step. Input is on the left, output on the right; a line falling towards the input is a vanishing gradient.',
    'chart.grad.step': 'Gradient norm per layer at step {step}',
    'chart.grad.x': 'layer (1 = input … {last} = output)',
    'chart.grad.y': 'gradient norm ‖∂loss/∂W‖ (log scale)',
    'series.plain': 'plain', 'series.residual': 'residual',
    'series.theory': 'theory for plain (mean field: ×√chi per layer)',
    'series.plain_underflow': 'plain: underflow (below 1.2×10⁻³⁸), at the floor',
    'series.residual_underflow': 'residual: underflow (below 1.2×10⁻³⁸), at the floor',
    'chart.loss.title': 'Loss and accuracy', 'chart.loss.x': 'training step', 'chart.loss.y': 'loss (nats; MSE: squared units)',
    'chart.loss.y2': 'accuracy on the training set (%)',
    'series.plain_loss': 'plain loss', 'series.residual_loss': 'residual loss', 'series.plain_acc': 'plain accuracy', 'series.residual_acc': 'residual accuracy',
    'chart.sat.title': 'Saturated or dead units per layer', 'chart.sat.x': 'layer (1 = input … {last} = output)',
    'chart.sat.y': 'saturated or dead units (% of the layer)',
    'chart.update.title': 'Update ratio per layer', 'chart.update.x': 'layer (1 = input … {last} = output)',
    'chart.update.y': '‖ΔW‖ / ‖W‖ per step (log scale)',
    'chart.update.step': 'Update ratio per layer at step {step}',
    'chart.update.none': 'No update yet: step 0 is measured before the first update.',
    'chart.heat.title_plain': 'Plain stack: gradient norm, layer × step', 'chart.heat.title_residual': 'Residual stack: gradient norm, layer × step',
    'chart.heat.x': 'training step', 'chart.heat.y': 'layer (1 = input)', 'chart.heat.colorbar': 'log₁₀ gradient norm',
    'chart.heat.null': 'zero or underflow',
    'chart.boundary.title_plain': 'Plain stack: decision boundary', 'chart.boundary.title_residual': 'Residual stack: decision boundary',
    'chart.boundary.x': 'x₁ (input feature 1, data units)', 'chart.boundary.y': 'x₂ (input feature 2, data units)',
    'chart.boundary.class': 'class {class}',
    'chart.boundary.not2d': 'The decision boundary is drawn for 2-D data; this data set has {d} inputs.',
    'choice.res_scale.value': 'a number',
    'control.value': 'value', 'control.on': 'on', 'control.csv': 'CSV file (features…, label)',
    'control.csv_help': 'Numeric feature columns, then an integer class label (0, 1, …) last; an optional header line.',
    'msg.bad_link': 'This link has values the lab cannot use; they fell back to the defaults:',
    'msg.bad_value': 'That value cannot be used; the control fell back to its default:',
    'msg.refused': 'The engine refused these settings; the lab went back to the previous ones:',
    'msg.refused_link': 'The engine refused the settings of this link; the lab uses the defaults:',
    'msg.csv_failed': 'The CSV file {file} could not be used:',
    'msg.csv_pick': 'Choose a CSV file to train on (data = csv).',
    'msg.link_copied': 'Link copied.', 'msg.link_select': 'Copy the link from the box (Ctrl+C).',
    'msg.engine_failed': 'The engine could not start:',
    'msg.worker_error': 'The training worker reported a problem:',
    dismiss: 'Dismiss', to_settings: 'Settings ↓',
    'lesson.mark_first': 'layer 1', 'lesson.mark_last': 'output layer', 'lesson.mark_layer': 'layer {layer}',
  };

  /* ---------------------------------------------------------------- state */
  const app = {
    worker: null,
    settings: null,        /* the engine's settings table (ready message) */
    fields: [],            /* statistics field names (ready message) */
    schema: null,          /* GradLabState over the table */
    version: '',
    lang: 'en',
    strings: { en: null, fa: null },
    config: null,          /* the page's values of the running configuration */
    lastGood: null,
    pendingConfigs: [],    /* contexts of configure/reset messages in flight, oldest first */
    csv: null,             /* {name, text} of the picked file */
    hide: [],
    step: null,            /* the lesson's current step id (URL `step`), set by the lesson */
    highlight: null,       /* what the lesson points at: {chart, layer, what, cards} */
    running: false,
    finished: false,
    resumeAfterConfigure: false,
    speed: 3,
    layers: [],
    data: null,
    bounds: null,
    history: [],           /* the {plain, residual} records received since configure (keepRecord) */
    historyCount: 0,       /* records received since configure */
    historyStride: 1,      /* history keeps every historyStride-th of them, and the newest */
    latest: null,
    charts: {},
    dirty: false,
    raf: 0,
    lastRender: 0,
    predict: { pending: false, wanted: false, timer: 0 },
    firstChartAt: null,
    controls: {},          /* name -> {setting, el: {...}} */
    messages: [],
  };

  /* ---------------------------------------------------------------- text */
  function t(key, vars, fallback) {
    const own = app.strings[app.lang];
    const en = app.strings.en;
    let s = own && typeof own[key] === 'string' ? own[key]
      : en && typeof en[key] === 'string' ? en[key]
        : key in EN ? EN[key] : fallback !== undefined ? fallback : key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  function settingLabel(name) {
    return t(`setting.${name}.label`, null, name);
  }

  function settingHelp(s) {
    return t(`setting.${s.name}.help`, null, s.help || '');
  }

  function choiceLabel(setting, value) {
    return t(`choice.${setting}.${value}`, null, String(value));
  }

  /* Numbers shown on the page and on chart ticks, in the page's language. */
  function formatters() {
    const loc = app.lang === 'fa' ? 'fa-IR' : 'en-US';
    const sig = new Intl.NumberFormat(loc, { maximumSignificantDigits: 4 });
    const pct = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 });
    const int = new Intl.NumberFormat(loc, { maximumFractionDigits: 0, useGrouping: false });
    const SUP = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
    const sup = (e) => String(e).split('').map((c) => SUP[c] || c).join('');
    /* scientific notation: 4.44×10¹⁷ in English, the locale's own form in Persian */
    const sciFa = new Intl.NumberFormat(loc, { notation: 'scientific', maximumSignificantDigits: 3 });
    /* fa-IR writes the exponent as "^-۴": raise it (superscript digits exist only in Latin form) */
    const raise = (text) => text.replace(/\^\u200E?([-\u2212]?)\u200E?([\u06F0-\u06F9]+)/g, (m, sign, d) =>
      (sign ? '⁻' : '') + sup([...d].map((c) => c.charCodeAt(0) - 0x6f0).join('')));
    const sci = app.lang === 'fa' ? { format: (x) => raise(sciFa.format(x)) } : {
      format: (x) => {
        const [m, e] = x.toExponential(2).split('e');
        return `${Number(m)}×10${sup(Number(e))}`;
      },
    };
    /* in right-to-left text a number stays one left-to-right run (LRI ... PDI) */
    const iso = app.lang === 'fa' ? (f) => (x) => `\u2066${f(x)}\u2069` : (f) => f;
    const big = (x) => x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3);
    return {
      number: iso((x) => (big(x) ? sci.format(x) : Number.isInteger(x) ? int.format(x) : sig.format(x))),
      percent: iso((x) => pct.format(x)),
      pow10: app.lang === 'fa'
        ? iso((e) => raise(sciFa.format(Number(`1e${e}`)).replace(/^۱×/, '')))
        : (e) => '10' + sup(e),
      value: iso((x) => {
        if (!Number.isFinite(x)) return String(x);
        const a = Math.abs(x);
        return a !== 0 && (a < 1e-3 || a >= 1e5) ? sci.format(x) : sig.format(x);
      }),
      int: iso((x) => int.format(x)),
    };
  }

  /* ------------------------------------------------------------ messages */
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  }
  /* the one DOM builder, shared with lesson.js and conv-mode.js (loaded after this file) */
  window.GradLabDom = { el };

  /* kind: 'error' | 'info'; lines: the engine's or the validator's messages */
  function showMessage(kind, title, lines = [], key = null) {
    const box = $('messages');
    if (key) for (const old of box.querySelectorAll(`[data-key="${key}"]`)) old.remove();
    const item = el('div', { class: `message ${kind}`, 'data-key': key, role: kind === 'error' ? 'alert' : null });
    const body = el('div', { class: 'message-body' }, el('p', { class: 'message-title', text: title }));
    if (lines.length) body.append(el('ul', {}, ...lines.map((l) => el('li', { text: l, dir: 'ltr' }))));
    item.append(body, el('button', {
      type: 'button', class: 'dismiss', 'aria-label': t('dismiss'), text: '×',
      onclick: () => item.remove(),
    }));
    box.append(item);
    if (kind === 'info') setTimeout(() => item.remove(), 4000);
    return item;
  }

  /* ---------------------------------------------------------------- worker */
  function post(msg) {
    app.worker.postMessage(msg);
  }

  function startWorker() {
    try {
      app.worker = new Worker('js/engine/worker.js');
    } catch (e) {
      showMessage('error', t('msg.engine_failed'), [e.message]);
      return;
    }
    app.worker.onmessage = (ev) => onWorkerMessage(ev.data);
    app.worker.onerror = (ev) => {
      ev.preventDefault();
      showMessage('error', t('msg.worker_error'), [ev.message || 'unknown error']);
    };
    post({ type: 'init' });
  }

  function onWorkerMessage(m) {
    switch (m.type) {
      case 'ready': return onReady(m);
      case 'configured': return onConfigured(m);
      case 'stats': return onStats(m);
      case 'done':
        app.running = false;
        app.finished = true;
        stopPredictTimer();
        requestPredict();
        markDirty();
        updateButtons();
        return document.dispatchEvent(new CustomEvent('gradlab:done', { detail: { steps_done: m.steps_done } }));
      case 'paused':
        app.running = false;
        stopPredictTimer();
        requestPredict();
        markDirty();
        updateButtons();
        return document.dispatchEvent(new CustomEvent('gradlab:paused', { detail: { steps_done: m.steps_done } }));
      case 'speed': app.speed = m.value; return undefined;
      case 'boundary': return onBoundary(m);
      case 'error': return onWorkerError(m);
      default: return window.GradLabConv ? window.GradLabConv.onMessage(m) : undefined; /* conv mode's replies */
    }
  }

  function onWorkerError(m) {
    if (m.where === 'configure' || m.where === 'reset') {
      const ctx = app.pendingConfigs.shift() || { source: 'control' };
      return onConfigureFailed(ctx, m.message);
    }
    if (m.where === 'load') {
      return showMessage('error', t('msg.engine_failed'), [m.message], 'load');
    }
    if (m.where === 'predict') {
      app.predict.pending = false;
      return undefined;
    }
    if (window.GradLabConv && window.GradLabConv.onError(m)) return undefined;
    app.running = false;
    updateButtons();
    return showMessage('error', t('msg.worker_error'), [m.message]);
  }

  /* ---------------------------------------------------------------- start */
  async function onReady(m) {
    app.settings = m.settings;
    app.fields = m.fields;
    app.version = m.version;
    app.speed = m.speed;
    $('speed').max = String(m.speeds - 1);
    $('speed').value = String(m.speed);
    app.threads = m.threads || 1;
    app.schema = GradLabState.create(m.settings, { fixed: FIXED, notFromUrl: { data: ['csv'] } });
    const decoded = app.schema.decode(location.search);
    app.hide = decoded.hide;
    app.step = decoded.step;
    const nav = (navigator.language || '').toLowerCase();
    await loadStrings(decoded.lang || (nav.startsWith('fa') ? 'fa' : 'en'));
    buildControls();
    applyLanguage();
    setControls(decoded.config);
    applyHidden();
    if (decoded.messages.length) showMessage('error', t('msg.bad_link'), decoded.messages, 'link');
    configure(decoded.config, { source: 'url' });
  }

  async function fetchStrings(lang) {
    try {
      const r = await fetch(`lesson/ui-${lang}.json`, { cache: 'no-cache' });
      if (!r.ok) return {};
      const j = await r.json();
      return j && typeof j === 'object' && !Array.isArray(j) ? j : {};
    } catch (e) {
      return {};
    }
  }

  async function loadStrings(lang) {
    if (!app.strings.en) app.strings.en = await fetchStrings('en');
    if (lang === 'fa' && !app.strings.fa) app.strings.fa = await fetchStrings('fa');
    app.lang = lang;
  }

  /* ------------------------------------------------------------- controls */
  function controlId(name) {
    return `set-${name}`;
  }

  function buildControls() {
    const form = $('controls');
    form.textContent = '';
    form.addEventListener('submit', (e) => e.preventDefault());
    const groups = {};
    for (const g of GROUPS) {
      groups[g] = el('fieldset', { class: `group group-${g}`, 'data-group': g }, el('legend', { 'data-i18n': `group.${g}` }));
    }
    for (const s of app.settings) {
      if (s.name in FIXED) continue;
      if (s.type === 'choice' && s.choices.length < 2) continue; /* nothing to choose */
      const g = groups[GROUP_OF[s.name] || 'other'];
      const c = buildControl(s);
      app.controls[s.name] = c;
      g.append(c.root);
      if (s.name === 'data') g.append(buildCsvPicker());
    }
    for (const g of GROUPS) if (groups[g].children.length > 1) form.append(groups[g]);
    buildClassroom();
  }

  function buildControl(s) {
    const id = controlId(s.name);
    const help = el('small', { class: 'help', id: `help-${s.name}` });
    const label = el('label', { for: id, class: 'control-label' });
    const root = el('div', { class: `control type-${s.type}`, 'data-setting': s.name });
    const c = { setting: s, root, label, help, el: {} };
    const onChange = () => onControlChange(s.name);
    const describedBy = `help-${s.name}`;
    if (s.type === 'choice') {
      c.el.input = el('select', { id, name: s.name, 'aria-describedby': describedBy, onchange: onChange },
        ...s.choices.map((v) => el('option', { value: v })));
      root.append(label, c.el.input, help);
    } else if (s.type === 'bool') {
      c.el.input = el('input', { id, name: s.name, type: 'checkbox', 'aria-describedby': describedBy, onchange: onChange });
      root.classList.add('checkbox');
      root.append(c.el.input, label, help);
    } else if (s.type === 'scale') {
      const kindId = `${id}-kind`;
      label.setAttribute('for', kindId);
      c.el.kind = el('select', { id: kindId, name: `${s.name}-kind`, 'aria-describedby': describedBy, onchange: () => { syncScale(c); onChange(); } },
        el('option', { value: 'value' }), ...(s.choices || []).map((v) => el('option', { value: v })));
      c.el.input = el('input', { id, name: s.name, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', 'aria-describedby': describedBy, onchange: onChange });
      c.el.valueLabel = el('label', { for: id, class: 'sr-only' });
      root.append(label, el('div', { class: 'pair' }, c.el.kind, c.el.valueLabel, c.el.input), help);
    } else if (TOGGLED[s.name]) {
      const onId = `${id}-on`;
      c.el.on = el('input', { id: onId, type: 'checkbox', name: `${s.name}-on`, 'aria-describedby': describedBy, onchange: () => { syncToggle(c); onChange(); } });
      c.el.onLabel = el('label', { for: onId });
      c.el.input = el('input', { id, name: s.name, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', 'aria-describedby': describedBy, onchange: onChange });
      root.append(label, el('div', { class: 'pair' }, el('span', { class: 'toggle' }, c.el.on, c.el.onLabel), c.el.input), help);
    } else if (s.type === 'int') {
      c.el.input = el('input', { id, name: s.name, type: 'number', inputmode: 'numeric', step: '1', min: s.min, max: s.max, dir: 'ltr', 'aria-describedby': describedBy, onchange: onChange });
      root.append(label, c.el.input, help);
    } else {
      c.el.input = el('input', { id, name: s.name, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', 'aria-describedby': describedBy, onchange: onChange });
      root.append(label, c.el.input, help);
    }
    return c;
  }

  function buildCsvPicker() {
    const input = el('input', { id: 'csv-file', type: 'file', accept: '.csv,text/csv,text/plain', 'aria-describedby': 'help-csv', onchange: onCsvPicked });
    app.csvInput = input;
    return el('div', { class: 'control csv', 'data-setting': 'data', 'data-csv': '' },
      el('label', { for: 'csv-file', class: 'control-label', 'data-i18n': 'control.csv' }),
      input,
      el('small', { class: 'help', id: 'help-csv', 'data-i18n': 'control.csv_help' }),
      el('small', { class: 'csv-name', id: 'csv-name' }));
  }

  function syncScale(c) {
    const isValue = c.el.kind.value === 'value';
    c.el.input.disabled = !isValue;
    c.el.input.hidden = !isValue;
    if (isValue && c.el.input.value === '') c.el.input.value = '1';
  }

  function syncToggle(c) {
    c.el.input.disabled = !c.el.on.checked;
    if (c.el.on.checked && (c.el.input.value === '' || c.el.input.value === '0')) c.el.input.value = String(TOGGLED[c.setting.name].onValue);
  }

  /* Text of one control, as the URL would carry it. */
  function readControl(c) {
    const s = c.setting;
    if (s.type === 'choice') return c.el.input.value;
    if (s.type === 'bool') return c.el.input.checked ? '1' : '0';
    if (s.type === 'scale') return c.el.kind.value === 'value' ? c.el.input.value.trim() : c.el.kind.value;
    if (TOGGLED[s.name] && !c.el.on.checked) return '0';
    return c.el.input.value.trim();
  }

  function writeControl(c, value) {
    const s = c.setting;
    if (s.type === 'choice') c.el.input.value = String(value);
    else if (s.type === 'bool') c.el.input.checked = Number(value) === 1;
    else if (s.type === 'scale') {
      const kw = (s.choices || []).includes(value);
      c.el.kind.value = kw ? value : 'value';
      if (!kw) c.el.input.value = String(value);
      syncScale(c);
    } else if (TOGGLED[s.name]) {
      const on = Number(value) !== 0;
      c.el.on.checked = on;
      if (on) c.el.input.value = String(value);
      else if (c.el.input.value === '') c.el.input.value = String(TOGGLED[s.name].onValue);
      c.el.input.disabled = !on;
    } else c.el.input.value = String(value);
    c.root.querySelectorAll('input, select').forEach((x) => x.removeAttribute('aria-invalid'));
  }

  function setControls(config) {
    for (const c of Object.values(app.controls)) if (config[c.setting.name] !== undefined) writeControl(c, config[c.setting.name]);
    applyRelevance(config);
  }

  /* A setting that does not apply to the configuration (init_std unless
     init = normal, ...) is disabled and out of sight until it does. */
  function applyRelevance(config) {
    for (const [name, applies] of Object.entries(APPLIES)) {
      const c = app.controls[name];
      if (!c) continue;
      const on = applies(config);
      c.root.classList.toggle('irrelevant', !on);
      for (const x of c.root.querySelectorAll('input, select')) {
        x.disabled = !on || (x === c.el.input && ((c.el.on && !c.el.on.checked) || (c.el.kind && c.el.kind.value !== 'value')));
      }
    }
    applyHidden();
  }

  /* Reads every control; invalid values take their defaults (and are reported). */
  function readControls() {
    const config = Object.assign({}, app.config || app.schema.defaults());
    const defaults = app.schema.defaults();
    const problems = [];
    for (const c of Object.values(app.controls)) {
      const name = c.setting.name;
      const r = app.schema.parse(name, readControl(c));
      if (r.ok) config[name] = r.value;
      else {
        problems.push(r.message);
        config[name] = defaults[name];
        writeControl(c, defaults[name]);
        const bad = c.el.input;
        bad.setAttribute('aria-invalid', 'true');
      }
    }
    return { config, problems };
  }

  function onControlChange(name) {
    const { config, problems } = readControls();
    if (problems.length) showMessage('error', t('msg.bad_value'), problems, 'value');
    applyRelevance(config);
    if (name === 'data' && config.data === 'csv' && !app.csv) {
      showMessage('info', t('msg.csv_pick'), [], 'csv-pick');
      app.csvInput.focus();
      return;
    }
    if (sameConfig(config, app.config)) return;
    configure(config, { source: 'control' });
  }

  function sameConfig(a, b) {
    if (!a || !b) return false;
    return app.settings.every((s) => String(a[s.name]) === String(b[s.name]));
  }

  function onCsvPicked() {
    const file = app.csvInput.files && app.csvInput.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const csv = { name: file.name, text: String(reader.result) };
      const { config } = readControls();
      config.data = 'csv';
      configure(config, { source: 'csv', csv });
    };
    reader.onerror = () => showMessage('error', t('msg.csv_failed', { file: file.name }), [String(reader.error && reader.error.message)], 'csv');
    reader.readAsText(file);
  }

  /* ------------------------------------------------------------ classroom */
  function buildClassroom() {
    const list = $('classroom-list');
    list.textContent = '';
    for (const c of Object.values(app.controls)) {
      const name = c.setting.name;
      const id = `hide-${name}`;
      const box = el('input', { type: 'checkbox', id, value: name, onchange: onHideChange });
      c.hideLabel = el('label', { for: id });
      list.append(el('div', { class: 'hide-item' }, box, c.hideLabel));
    }
  }

  function onHideChange() {
    app.hide = [...$('classroom-list').querySelectorAll('input:checked')].map((x) => x.value);
    applyHidden();
    writeUrl();
  }

  function applyHidden() {
    for (const c of Object.values(app.controls)) {
      const hidden = app.hide.includes(c.setting.name);
      c.root.hidden = hidden || c.root.classList.contains('irrelevant');
      const box = $(`hide-${c.setting.name}`);
      if (box) box.checked = hidden;
    }
    const csv = document.querySelector('[data-csv]');
    if (csv) csv.hidden = app.hide.includes('data');
    for (const g of document.querySelectorAll('#controls fieldset')) {
      g.hidden = ![...g.querySelectorAll('.control')].some((x) => !x.hidden);
    }
  }

  /* ---------------------------------------------------------------- URL */
  function writeUrl() {
    if (!app.config) return;
    const q = app.schema.encode(app.config, { hide: app.hide, lang: app.lang, step: app.step });
    history.replaceState(null, '', q + location.hash);
    $('share-link').value = location.href;
  }

  /* ------------------------------------------------------------ configure */
  function configure(config, ctx) {
    const msg = { type: 'configure', config: Object.assign({}, config, FIXED) };
    /* data=digits: the bytes of data/digits-*.bin, fetched once by js/conv-mode.js */
    if (config.data === 'digits' && window.GradLabConv) {
      const digits = window.GradLabConv.digits();
      if (!digits) {
        setBusy(true);
        window.GradLabConv.loadDigits().then(() => configure(config, ctx), (e) => onConfigureFailed(ctx, e.message));
        return;
      }
      msg.config.digits = digits;
    }
    if (config.data === 'csv') {
      const csv = ctx.csv || app.csv;
      if (csv) msg.config.csv = csv.text;
    }
    app.resumeAfterConfigure = app.running || !!ctx.resume;
    ctx.config = config;
    app.pendingConfigs.push(ctx);
    setBusy(true);
    post(msg);
  }

  function onConfigureFailed(ctx, message) {
    setBusy(false);
    if (ctx.source === 'fallback') {
      showMessage('error', t('msg.refused'), [message], 'refused');
      return;
    }
    if (ctx.source === 'csv') {
      showMessage('error', t('msg.csv_failed', { file: ctx.csv ? `“${ctx.csv.name}”` : '' }), [message], 'csv');
      if (app.csvInput) app.csvInput.value = '';
    } else if (ctx.source === 'url' || !app.lastGood) {
      showMessage('error', t('msg.refused_link'), [message], 'refused');
    } else {
      showMessage('error', t('msg.refused'), [message], 'refused');
    }
    const back = ctx.source === 'url' || !app.lastGood ? app.schema.defaults() : app.lastGood;
    setControls(back);
    configure(back, { source: 'fallback', resume: false });
  }

  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
  }

  function onConfigured(m) {
    const ctx = app.pendingConfigs.shift() || { source: 'reset' };
    setBusy(app.pendingConfigs.length > 0);
    const config = app.schema.fromCanonical(m.config);
    if (ctx.source === 'csv') {
      app.csv = ctx.csv;
      $('csv-name').textContent = ctx.csv.name;
    }
    if (config.data !== 'csv') {
      app.csv = app.csv || null;
    }
    app.config = config;
    app.lastGood = config;
    /* a control the student changed already shows its value; rewriting it
       could undo what they are typing into another control meanwhile */
    if (ctx.source === 'control' || ctx.source === 'csv') applyRelevance(config);
    else setControls(config);
    writeUrl();
    app.layers = m.layers;
    app.data = m.data;
    app.history = [];
    app.historyCount = 0;
    app.historyStride = 1;
    keepRecord(m.stats);
    app.latest = m.stats;
    app.finished = false;
    app.running = false;
    setHighlight(null);
    resetCharts();
    appendRecord(m.stats);
    markDirty();
    requestPredict(true);
    const resume = app.resumeAfterConfigure && app.pendingConfigs.length === 0;
    app.resumeAfterConfigure = false;
    if (resume) run();
    updateButtons();
    document.dispatchEvent(new CustomEvent('gradlab:configured', { detail: { config } }));
  }

  /* ---------------------------------------------------------------- run */
  function run() {
    if (!app.config || app.finished) return;
    app.running = true;
    post({ type: 'run' });
    startPredictTimer();
    updateButtons();
  }

  function pause() {
    post({ type: 'pause' });
  }

  function step() {
    app.running = false;
    stopPredictTimer();
    post({ type: 'step', intervals: 1 });
    updateButtons();
  }

  function reset() {
    app.resumeAfterConfigure = false;
    stopPredictTimer();
    app.running = false;
    app.pendingConfigs.push({ source: 'control', config: app.config });
    post({ type: 'reset' });
  }

  function onStats(m) {
    for (const r of m.records) {
      keepRecord(r);
      appendRecord(r);
    }
    if (m.records.length) app.latest = m.records[m.records.length - 1];
    if (!m.running && !app.running) requestPredict();
    markDirty();
  }

  /* The export history stays bounded however long the run: past its limit
     every other record goes and later records are kept at twice the stride,
     so what is kept stays evenly spread over the run; the first record (step 0
     at configure) and the newest are always kept. */
  function historyLimit() {
    const perRecord = Math.max(1, ARCHS.length * app.layers.length * app.fields.length);
    return 2 * Math.max(100, Math.floor(HISTORY_VALUES / perRecord / 2));
  }

  function keepRecord(r) {
    const h = app.history;
    /* the newest record so far was kept off the stride: this one takes its place */
    if (app.historyCount > 0 && (app.historyCount - 1) % app.historyStride !== 0) h.pop();
    const k = app.historyCount++;
    h.push(r);
    if (k % app.historyStride === 0 && h.length > historyLimit()) {
      let w = 0;
      for (let i = 0; i < h.length; i += 2) h[w++] = h[i];
      h.length = w;
      app.historyStride *= 2;
      if (h[w - 1] !== r) h.push(r);
    }
  }

  function updateButtons() {
    const ready = !!app.config;
    $('btn-run').disabled = !ready || app.running || app.finished;
    $('btn-pause').disabled = !ready || !app.running;
    $('btn-step').disabled = !ready || app.finished;
    $('btn-reset').disabled = !ready;
    markDirty();
  }

  /* ---------------------------------------------------------------- charts */
  function createCharts() {
    const fmt = formatters();
    GradLabCharts.setup({ fontFamily: getComputedStyle(document.body).fontFamily, color: '#333' });
    const layerTip = (x) => {
      const name = app.layers[Math.round(x) - 1];
      return name ? `${fmt.int(Math.round(x))} · ${name}` : '';
    };
    app.charts.grad = GradLabCharts.line($('chart-grad'), {
      x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: fmt, tooltipTitle: layerTip,
      series: [
        { id: 'plain', color: COLORS.plain, radius: 3 },
        { id: 'residual', color: COLORS.residual, radius: 3, marker: 'rect' },
        { id: 'theory', color: COLORS.theory, dash: [6, 4], radius: 0, width: 1.5, marker: 'line' },
        { id: 'plain_underflow', color: COLORS.plain, fill: '#ffffff', marker: 'triangle', radius: 7, line: false, pointBorderWidth: 2, legendWhenEmpty: false },
        { id: 'residual_underflow', color: COLORS.residual, fill: '#ffffff', marker: 'rectRot', radius: 7, line: false, pointBorderWidth: 2, legendWhenEmpty: false },
      ],
    });
    app.charts.loss = GradLabCharts.line($('chart-loss'), {
      x: { type: 'linear', integer: true }, y: { type: 'linear', min: 0 }, y2: { type: 'linear', min: 0, max: 1, percent: true }, format: fmt, legendLines: true,
      series: [
        { id: 'plain_loss', color: COLORS.plain, radius: 0, marker: 'line' },
        { id: 'residual_loss', color: COLORS.residual, radius: 0, marker: 'line' },
        { id: 'plain_acc', color: COLORS.plain, dash: [5, 4], radius: 0, axis: 'y2', marker: 'line' },
        { id: 'residual_acc', color: COLORS.residual, dash: [5, 4], radius: 0, axis: 'y2', marker: 'line' },
      ],
    });
    app.charts.sat = GradLabCharts.line($('chart-sat'), {
      x: { type: 'linear', integer: true }, y: { type: 'linear', min: 0, max: 1, percent: true }, format: fmt, tooltipTitle: layerTip,
      series: [
        { id: 'plain', color: COLORS.plain, radius: 2 },
        { id: 'residual', color: COLORS.residual, radius: 2, marker: 'rect' },
      ],
    });
    app.charts.update = GradLabCharts.line($('chart-update'), {
      x: { type: 'linear', integer: true }, y: { type: 'logarithmic' }, format: fmt, tooltipTitle: layerTip,
      series: [
        { id: 'plain', color: COLORS.plain, radius: 2 },
        { id: 'residual', color: COLORS.residual, radius: 2, marker: 'rect' },
      ],
    });
    for (const a of ARCHS) {
      const A = a[0].toUpperCase() + a.slice(1);
      app.charts[`heat${A}`] = GradLabCharts.heatmap($(`chart-heat-${a}`), {
        x: { type: 'linear', integer: true }, y: {}, colorbar: { title: '' }, nullColor: '#c8c8c8', format: fmt,
      });
      app.charts[`boundary${A}`] = GradLabCharts.field($(`chart-boundary-${a}`), {
        x: {}, y: {}, classColors: CLASS_COLORS, format: fmt,
      });
    }
  }

  function chartTexts() {
    const last = app.layers.length || '…';
    const fmt = formatters();
    const L = fmt.int(typeof last === 'number' ? last : 0) || last;
    app.charts.grad.setTexts({
      x: t('chart.grad.x', { last: L }), y: t('chart.grad.y'),
      series: {
        plain: t('series.plain'), residual: t('series.residual'), theory: t('series.theory'),
        plain_underflow: t('series.plain_underflow'), residual_underflow: t('series.residual_underflow'),
      },
    });
    app.charts.loss.setTexts({
      x: t('chart.loss.x'), y: t('chart.loss.y'), y2: t('chart.loss.y2'),
      series: { plain_loss: t('series.plain_loss'), residual_loss: t('series.residual_loss'), plain_acc: t('series.plain_acc'), residual_acc: t('series.residual_acc') },
    });
    app.charts.sat.setTexts({ x: t('chart.sat.x', { last: L }), y: t('chart.sat.y'), series: { plain: t('series.plain'), residual: t('series.residual') } });
    app.charts.update.setTexts({ x: t('chart.update.x', { last: L }), y: t('chart.update.y'), series: { plain: t('series.plain'), residual: t('series.residual') } });
    for (const A of ['Plain', 'Residual']) {
      app.charts[`heat${A}`].setTexts({ x: t('chart.heat.x'), y: t('chart.heat.y'), colorbar: t('chart.heat.colorbar'), nullLabel: t('chart.heat.null') });
      app.charts[`boundary${A}`].setTexts({ x: t('chart.boundary.x'), y: t('chart.boundary.y'), classLabel: (c) => t('chart.boundary.class', { class: fmt.int(c) }) });
    }
    const rtl = app.lang === 'fa';
    for (const c of Object.values(app.charts)) c.setFormat(fmt, rtl);
  }

  function resetCharts() {
    const L = app.layers.length;
    app.charts.grad.clear();
    app.charts.loss.clear();
    app.charts.sat.clear();
    app.charts.update.clear();
    for (const c of [app.charts.grad, app.charts.sat, app.charts.update]) c.setAxis('x', { min: 1, max: L });
    app.charts.heatPlain.reset(L);
    app.charts.heatResidual.reset(L);
    chartTexts();
    resetBoundary();
  }

  /* Adds one record to the charts that grow with steps (loss/accuracy, heatmaps). */
  function appendRecord(r) {
    for (const a of ARCHS) {
      const s = r[a];
      if (!s) continue;
      app.charts.loss.append(`${a}_loss`, s.step, s.loss);
      app.charts.loss.append(`${a}_acc`, s.step, s.acc);
      const col = Array.from(s.grad_norm, (g, i) => (s.underflow[i] === 1 || !(g > 0) ? null : Math.log10(g)));
      app.charts[a === 'plain' ? 'heatPlain' : 'heatResidual'].addColumn(s.step, col);
    }
  }

  function markDirty() {
    app.dirty = true;
    if (!app.raf) app.raf = requestAnimationFrame(frame);
  }

  function frame(now) {
    app.raf = 0;
    if (!app.dirty) return;
    if (app.running && now - app.lastRender < RENDER_MS) {
      app.raf = requestAnimationFrame(frame);
      return;
    }
    app.lastRender = now;
    app.dirty = false;
    render();
  }

  /* The per-layer charts from the latest record, the growing charts, the numbers. */
  function render() {
    const r = app.latest;
    if (!r) return;
    const fmt = formatters();
    const L = app.layers.length;
    const layerPoints = (arr, map) => Array.from(arr, (v, i) => ({ x: i + 1, y: map ? map(v, i) : v }));

    /* chart 1: grad_norm per layer, underflow drawn at the floor */
    let lowest = Infinity;
    let anyUnderflow = false;
    for (const a of ARCHS) {
      const s = r[a];
      s.grad_norm.forEach((g, i) => {
        if (s.underflow[i] === 1 || !(g > 0)) anyUnderflow = true;
        else if (Number.isFinite(g) && g < lowest) lowest = g;
      });
    }
    for (const v of r.plain.grad_norm_theory) if (v > 0 && Number.isFinite(v) && v < lowest) lowest = v;
    if (anyUnderflow) lowest = Math.min(lowest, FLOAT32_MIN_NORMAL);
    if (!Number.isFinite(lowest)) lowest = 1e-12;
    const floor = Math.max(1e-300, Math.pow(10, Math.floor(Math.log10(lowest)) - 1));
    const g = app.charts.grad;
    for (const a of ARCHS) {
      const s = r[a];
      const under = (i) => s.underflow[i] === 1 || !(s.grad_norm[i] > 0);
      g.set(a, layerPoints(s.grad_norm, (v, i) => (under(i) ? floor : v)));
      g.set(`${a}_underflow`, layerPoints(s.grad_norm, (v, i) => (under(i) ? floor : null)));
    }
    g.set('theory', layerPoints(r.plain.grad_norm_theory, (v) => (v > 0 ? Math.max(v, floor) : null)));
    g.setAxis('y', { min: floor });
    g.render();
    $('title-grad').textContent = t('chart.grad.step', { step: fmt.int(r.plain.step) });
    if (app.firstChartAt === null && g.snapshot()[1].data.length === L) app.firstChartAt = performance.now();

    /* chart 4: saturation and update ratio per layer */
    for (const a of ARCHS) app.charts.sat.set(a, layerPoints(r[a].saturation));
    app.charts.sat.render();
    /* update_ratio: a record measured without an update (step 0, the final
       measurement) has none, so this chart shows the newest record that has one */
    let updateStep = null;
    for (const a of ARCHS) {
      const u = latestWithUpdate(a);
      app.charts.update.set(a, u ? layerPoints(u.update_ratio, (v) => (v > 0 ? v : null)) : []);
      if (u) updateStep = Math.max(updateStep === null ? 0 : updateStep, u.step);
    }
    app.charts.update.render();
    $('title-update').textContent = updateStep === null ? t('chart.update.title') : t('chart.update.step', { step: fmt.int(updateStep) });
    $('note-update').hidden = updateStep !== null;
    $('note-update').textContent = t('chart.update.none');

    /* chart 2 and 3 grow in appendRecord; here the heatmaps share one colour range */
    app.charts.loss.render();
    const rp = app.charts.heatPlain.dataRange(), rr = app.charts.heatResidual.dataRange();
    const ranges = [rp, rr].filter(Boolean);
    if (ranges.length) {
      const lo = Math.floor(Math.min(...ranges.map((x) => x.min)));
      const hi = Math.ceil(Math.max(...ranges.map((x) => x.max)));
      app.charts.heatPlain.setRange(lo, hi);
      app.charts.heatResidual.setRange(lo, hi);
    }
    app.charts.heatPlain.render();
    app.charts.heatResidual.render();

    /* numbers and banners */
    for (const a of ARCHS) {
      const s = r[a];
      $(`numbers-${a}`).textContent = t('stack.numbers', { step: fmt.int(s.step), loss: fmt.value(s.loss), acc: fmt.percent(s.acc) });
      const banner = s.status === 'diverged' && s.diverged ? divergedText(s.diverged) : '';
      for (const b of [$(`banner-${a}`), ...document.querySelectorAll(`[data-banner="${a}"]`)]) {
        b.hidden = !banner;
        b.textContent = banner;
      }
      $(`stack-${a}`).classList.toggle('is-diverged', !!banner);
    }
    const both = ARCHS.every((a) => r[a].status === 'diverged');
    const stepNow = Math.max(...ARCHS.map((a) => r[a].steps_done));
    const vars = { step: fmt.int(stepNow), steps: fmt.int(app.config.steps) };
    $('run-status').textContent = both ? t('status.stopped', vars)
      : app.running ? t('status.running', vars)
        : app.finished ? t('status.done', vars)
          : stepNow > 0 ? t('status.paused', vars) : t('status.ready', vars);
    $('export-note').textContent = app.historyStride > 1
      ? t('export_note_thinned', { records: fmt.int(app.history.length), received: fmt.int(app.historyCount), every: fmt.int(app.historyStride) })
      : t('export_note', { records: fmt.int(app.history.length) });
  }

  function latestWithUpdate(arch) {
    for (let i = app.history.length - 1; i >= 0; i--) {
      const s = app.history[i][arch];
      if (s && s.update_ratio.some((v) => v > 0)) return s;
    }
    return null;
  }

  function divergedText(d) {
    const fmt = formatters();
    if (d.layer === 0) return t('banner.diverged_loss', { step: fmt.int(d.step) });
    return t('banner.diverged', {
      step: fmt.int(d.step), layer: fmt.int(d.layer), name: app.layers[d.layer - 1] || '?', where: t(`where.${d.where}`, null, d.where),
    });
  }

  /* ------------------------------------------------------ decision boundary */
  function resetBoundary() {
    const d = app.data;
    const notes = document.querySelectorAll('[data-boundary-note]');
    for (const A of ['Plain', 'Residual']) app.charts[`boundary${A}`].clearImage();
    if (!d || d.d !== 2) {
      app.bounds = null;
      for (const n of notes) {
        n.hidden = false;
        n.textContent = t('chart.boundary.not2d', { d: d ? d.d : '?' });
      }
      for (const A of ['Plain', 'Residual']) {
        app.charts[`boundary${A}`].setPoints([], [], []);
        app.charts[`boundary${A}`].render();
      }
      return;
    }
    for (const n of notes) n.hidden = true;
    /* the plot's extent: the data's, plus a margin (drawing only) */
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    const xs = new Float64Array(d.n), ys = new Float64Array(d.n);
    for (let i = 0; i < d.n; i++) {
      xs[i] = d.x[2 * i];
      ys[i] = d.x[2 * i + 1];
      if (xs[i] < x0) x0 = xs[i];
      if (xs[i] > x1) x1 = xs[i];
      if (ys[i] < y0) y0 = ys[i];
      if (ys[i] > y1) y1 = ys[i];
    }
    const mx = (x1 - x0) * 0.08 || 1, my = (y1 - y0) * 0.08 || 1;
    app.bounds = [x0 - mx, x1 + mx, y0 - my, y1 + my].map((v) => Number(v.toPrecision(6)));
    for (const A of ['Plain', 'Residual']) {
      const f = app.charts[`boundary${A}`];
      f.setBounds(app.bounds);
      f.setPoints(xs, ys, d.y);
      f.render();
    }
  }

  function requestPredict(force) {
    if (!app.bounds || !app.config) return;
    if (app.predict.pending && !force) {
      app.predict.wanted = true;
      return;
    }
    app.predict.pending = true;
    app.predict.wanted = false;
    post({ type: 'predict', nx: GRID, ny: GRID, bounds: app.bounds });
  }

  function onBoundary(m) {
    app.predict.pending = false;
    if (!app.bounds || m.bounds.some((v, i) => v !== app.bounds[i])) return;
    for (const a of ARCHS) {
      const grid = m.grids[a];
      if (!grid) continue;
      const f = app.charts[a === 'plain' ? 'boundaryPlain' : 'boundaryResidual'];
      f.setProbabilities(m.nx, m.ny, m.classes, grid);
      f.render();
    }
    if (app.predict.wanted) requestPredict();
  }

  function startPredictTimer() {
    stopPredictTimer();
    app.predict.timer = setInterval(() => requestPredict(), PREDICT_MS);
  }

  function stopPredictTimer() {
    if (app.predict.timer) clearInterval(app.predict.timer);
    app.predict.timer = 0;
  }

  /* ---------------------------------------------------------------- export */
  function plainRecord(s) {
    const out = {};
    for (const [k, v] of Object.entries(s)) out[k] = ArrayBuffer.isView(v) ? Array.from(v) : v;
    return out;
  }

  function download(name, href, revoke) {
    const a = el('a', { href, download: name, text: name });
    const box = $('downloads');
    for (const old of box.querySelectorAll(`a[download="${name}"]`)) old.remove();
    box.append(a);
    a.click();
    if (revoke) setTimeout(() => URL.revokeObjectURL(href), 60000);
  }

  function exportJson() {
    const doc = {
      gradlab: app.version,
      config: app.config,
      layers: app.layers,
      fields: app.fields,
      records: app.history.map((r) => {
        const o = {};
        for (const a of ARCHS) if (r[a]) o[a] = plainRecord(r[a]);
        return o;
      }),
    };
    const blob = new Blob([JSON.stringify(doc, null, 1)], { type: 'application/json' });
    download('gradlab-stats.json', URL.createObjectURL(blob), true);
  }

  function csvCell(v) {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  function exportCsv() {
    const head = ['arch', 'step', 'steps_done', 'loss', 'acc', 'status', 'layer', 'layer_name', ...app.fields];
    const lines = [head.join(',')];
    for (const r of app.history) {
      for (const a of ARCHS) {
        const s = r[a];
        if (!s) continue;
        for (let l = 0; l < app.layers.length; l++) {
          const row = [a, s.step, s.steps_done, s.loss, s.acc, s.status, l + 1, app.layers[l], ...app.fields.map((f) => s[f][l])];
          lines.push(row.map(csvCell).join(','));
        }
      }
    }
    const blob = new Blob([lines.join('\n') + '\n'], { type: 'text/csv' });
    download('gradlab-stats.csv', URL.createObjectURL(blob), true);
  }

  const CHART_TITLES = {
    grad: () => $('title-grad').textContent, loss: () => t('chart.loss.title'), sat: () => t('chart.sat.title'),
    update: () => t('chart.update.title'), heatPlain: () => t('chart.heat.title_plain'), heatResidual: () => t('chart.heat.title_residual'),
    boundaryPlain: () => t('chart.boundary.title_plain'), boundaryResidual: () => t('chart.boundary.title_residual'),
  };

  function exportPng(name) {
    const c = app.charts[name];
    if (!c) return;
    download(`gradlab-${name}.png`, c.png(CHART_TITLES[name]()), false);
  }

  /* ---------------------------------------------------------------- language */
  function applyLanguage() {
    const html = document.documentElement;
    html.lang = app.lang;
    html.dir = app.lang === 'fa' ? 'rtl' : 'ltr';
    $('lang-select').value = app.lang;
    $('speed-out').value = formatters().int(Number($('speed').value));
    for (const e of document.querySelectorAll('[data-i18n]')) {
      if (!e.dataset.en) e.dataset.en = e.textContent;
      e.textContent = t(e.dataset.i18n, null, e.dataset.en);
    }
    document.title = `${t('app.title')}: ${t('app.subtitle')}`;
    if (app.version) {
      const f = formatters();
      $('engine-version').textContent = t(app.threads > 1 ? 'footer.engine_threads' : 'footer.engine',
        { version: app.version, threads: f.int(app.threads) });
    }
    for (const c of Object.values(app.controls)) {
      const s = c.setting;
      c.label.textContent = settingLabel(s.name);
      c.help.textContent = settingHelp(s);
      if (c.hideLabel) c.hideLabel.textContent = settingLabel(s.name);
      if (s.type === 'choice') for (const o of c.el.input.options) o.textContent = choiceLabel(s.name, o.value);
      if (s.type === 'scale') {
        for (const o of c.el.kind.options) o.textContent = choiceLabel(s.name, o.value);
        c.el.valueLabel.textContent = `${settingLabel(s.name)}: ${t('control.value')}`;
      }
      if (c.el.onLabel) c.el.onLabel.textContent = t('control.on');
    }
    if (app.charts.grad) {
      GradLabCharts.setup({ fontFamily: getComputedStyle(document.body).fontFamily });
      chartTexts();
      if (app.highlight) setMarkers(app.highlight);
      markDirty();
      for (const A of ['Plain', 'Residual']) app.charts[`boundary${A}`].render();
    }
    document.dispatchEvent(new CustomEvent('gradlab:language', { detail: { lang: app.lang } }));
  }

  async function setLanguage(lang) {
    if (!GradLabState.LANGS.includes(lang)) return;
    await loadStrings(lang);
    applyLanguage();
    if (app.config) {
      resetBoundaryTexts();
      writeUrl();
    }
  }

  function resetBoundaryTexts() {
    if (!app.data || app.data.d === 2) return;
    for (const n of document.querySelectorAll('[data-boundary-note]')) n.textContent = t('chart.boundary.not2d', { d: app.data.d });
  }

  /* ------------------------------------------------- lesson: look here */
  /*
   * The lesson points at the chart that answers a step's question:
   * spec = {chart, layer, what} from experiments.json (`chart`: grad_norm,
   * loss, heatmap, saturation, boundary; `layer`: 1, 'last' or null).  The
   * chart's card is outlined (it pulses a few times), scrolled into view,
   * and the layer is marked on the charts of that card that have a layer
   * axis.  A new configuration clears it.
   */
  function layerOf(layer) {
    if (layer === 'last') return app.layers.length || null;
    const n = Number(layer);
    return layer !== null && Number.isInteger(n) && n >= 1 && n <= app.layers.length ? n : null;
  }

  function cardsOf(spec) {
    /* chart 4 is two cards: the update ratio's when that is what to read */
    if (spec.chart === 'saturation' && /update/.test(spec.what || '')) return CHART_CARDS.update_ratio.slice();
    const ids = (CHART_CARDS[spec.chart] || []).slice();
    /* a diverged run: first the stack cards with their banners (step and layer), then the chart */
    if (spec.what === 'diverged') ids.unshift(...ARCHS.map((a) => `stack-${a}`).filter((id) => $(id).classList.contains('is-diverged')));
    return ids;
  }

  function setMarkers(h) {
    const x = h ? h.x : null;
    const label = x === null ? ''
      : h.layer === 'last' ? t('lesson.mark_last')
        : x === 1 ? t('lesson.mark_first') : t('lesson.mark_layer', { layer: formatters().int(x) });
    const on = (id) => x !== null && h.cards.includes(id);
    app.charts.grad.setMarker(on('card-grad') ? { x, label } : null);
    app.charts.sat.setMarker(on('card-sat') ? { x, label } : null);
    app.charts.update.setMarker(on('card-update') ? { x, label } : null);
    for (const a of ARCHS) {
      app.charts[a === 'plain' ? 'heatPlain' : 'heatResidual'].setMarker(on(`card-heat-${a}`) ? { row: x, label } : null);
    }
    markDirty();
  }

  function setHighlight(spec, { scroll = true } = {}) {
    for (const c of document.querySelectorAll('.lesson-focus')) c.classList.remove('lesson-focus');
    app.highlight = null;
    if (!app.charts.grad) return null;
    if (!spec || !spec.chart) {
      setMarkers(null);
      return null;
    }
    const cards = cardsOf(spec);
    app.highlight = { chart: spec.chart, layer: spec.layer === undefined ? null : spec.layer, what: spec.what || null, cards, x: layerOf(spec.layer) };
    const els = cards.map($).filter(Boolean);
    for (const e of els) {
      void e.offsetWidth; /* restarts the pulse when the same card is highlighted again */
      e.classList.add('lesson-focus');
    }
    setMarkers(app.highlight);
    if (scroll && els[0]) {
      const smooth = !(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
      els[0].scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
    }
    return Object.assign({}, app.highlight);
  }

  /* ---------------------------------------------------------------- wiring */
  function wire() {
    $('btn-run').addEventListener('click', run);
    $('btn-pause').addEventListener('click', pause);
    $('btn-step').addEventListener('click', step);
    $('btn-reset').addEventListener('click', reset);
    $('speed').addEventListener('input', () => {
      const v = Number($('speed').value);
      $('speed-out').value = formatters().int(v);
      post({ type: 'speed', value: v });
    });
    $('lang-select').addEventListener('change', () => setLanguage($('lang-select').value));
    $('copy-link').addEventListener('click', async () => {
      const box = $('share-link');
      box.value = location.href;
      try {
        await navigator.clipboard.writeText(box.value);
        showMessage('info', t('msg.link_copied'), [], 'copy');
      } catch (e) {
        box.select();
        showMessage('info', t('msg.link_select'), [], 'copy');
      }
    });
    $('export-json').addEventListener('click', exportJson);
    $('export-csv').addEventListener('click', exportCsv);
    $('export-png-all').addEventListener('click', () => Object.keys(CHART_TITLES).forEach(exportPng));
    for (const b of document.querySelectorAll('button.png')) b.addEventListener('click', () => exportPng(b.dataset.chart));
    $('lesson-toggle').addEventListener('click', () => {
      const lesson = $('lesson');
      lesson.hidden = !lesson.hidden;
      $('lesson-toggle').setAttribute('aria-expanded', String(!lesson.hidden));
    });
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => markDirty());
  }

  /* A record {plain, residual} as plain objects (typed arrays become arrays). */
  function recordCopy(r) {
    if (!r) return null;
    const o = {};
    for (const a of ARCHS) if (r[a]) o[a] = plainRecord(r[a]);
    return o;
  }

  /* What the tests and the lesson read: copies, never live objects. */
  function debug() {
    const rec = recordCopy;
    const charts = {};
    for (const [k, c] of Object.entries(app.charts)) charts[k] = c.snapshot();
    return {
      version: app.version, lang: app.lang, config: app.config, hide: app.hide.slice(), layers: app.layers.slice(),
      running: app.running, finished: app.finished, records: app.history.length,
      received: app.historyCount, stride: app.historyStride, historyLimit: historyLimit(),
      latest: rec(app.latest), charts, firstChartAt: app.firstChartAt,
      messages: [...document.querySelectorAll('#messages .message')].map((m) => m.textContent),
      step: app.step,
      highlight: app.highlight ? Object.assign({}, app.highlight) : null,
      markers: app.charts.grad ? {
        grad: app.charts.grad.marker(), sat: app.charts.sat.marker(), update: app.charts.update.marker(),
        heatPlain: app.charts.heatPlain.marker(), heatResidual: app.charts.heatResidual.marker(),
      } : {},
    };
  }

  window.gradlab = {
    debug,
    t,
    setLanguage,
    /* for the lesson: load settings (a partial config) as if typed into the controls;
       fromDefaults: settings the partial config leaves out take their defaults
       (not the current values), so an experiment is the same whatever came before */
    applySettings(partial, { run: start = false, fromDefaults = false } = {}) {
      const base = Object.assign({}, fromDefaults || !app.config ? app.schema.defaults() : app.config);
      const problems = [];
      for (const [k, v] of Object.entries(partial || {})) {
        const r = app.schema.parse(k, String(v));
        if (r.ok) base[k] = r.value;
        else problems.push(r.message);
      }
      if (problems.length) showMessage('error', t('msg.bad_value'), problems, 'value');
      setControls(base);
      configure(base, { source: 'control', resume: start });
    },
    /* the records kept since the last (re)configure, oldest first, as copies:
       [0] is step 0 measured at configure, [1] the first record of a run (step 0
       with the first update's statistics), the last one the newest; a run past
       the history's limit keeps every 2nd, 4th, ... record between them */
    records() {
      return app.history.map(recordCopy);
    },
    /* number formatters of the current language: number, value, percent, int, pow10 */
    format() {
      return formatters();
    },
    /* a message in the page's message area: kind 'error' | 'info' */
    message(kind, title, lines = [], key = null) {
      showMessage(kind === 'error' ? 'error' : 'info', String(title), lines.map(String), key);
    },
    /* the lesson's step lives in the URL with the rest of the state */
    lessonStep() {
      return app.step;
    },
    setLessonStep(id) {
      app.step = id ? String(id) : null;
      writeUrl();
    },
    /* points at a chart: {chart, layer, what} (experiments.json) or null; returns what is highlighted */
    highlight(spec, options) {
      return setHighlight(spec, options);
    },
    get state() {
      return app;
    },
  };

  function main() {
    wire();
    createCharts();
    startWorker();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
})();
