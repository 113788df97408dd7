/*
 * conv-mode.js - the page's convolutional mode (model=conv on data=digits):
 *
 *   - fetches data/digits-train.bin and data/digits-test.bin once (same
 *     origin) and hands their bytes to app.js's configure (config.digits);
 *   - choosing model=conv in the settings also sets data=digits, batch 32 and record_every >= 50;
 *   - with data=digits the decision-boundary cards give way to a strip of
 *     test digits with each stack's prediction (worker message predict_test);
 *   - in conv mode a card runs the degradation experiment (worker message
 *     degradation): plain and residual stacks of 2 and 10 blocks, four
 *     training-loss curves on one chart.
 *
 * Classic script after app.js; talks to the page through window.gradlab
 * (state, t, format, applySettings) and the gradlab:* events, and to the
 * worker through app.worker.  app.js calls GradLabConv.digits(),
 * loadDigits(), onMessage(m) (messages app.js does not handle) and
 * onError(m) (true when the error was conv mode's).  docs/page.md.
 */
(function () {
  'use strict';

  const STRIP = 20;                    /* test digits in the strip: images 0..19, two of each class */
  const PREDICT_MS = 1000;             /* strip refresh while training */
  const DEPTHS = [2, 10];              /* the degradation experiment's shallow and deep stacks */
  const STEP_CHOICES = [100, 300, 600];
  const DEFAULT_STEPS = 300;
  const DEPTH_COLORS = ['#E69F00', '#0072B2'];   /* Okabe–Ito orange (shallow), blue (deep) */
  const RIGHT = '#007a4d', WRONG = '#b00020';
  /* the setting of docs/experiments.md where the deep plain stack fails to train */
  const PAPER_PRESET = {
    model: 'conv', data: 'digits', blocks: 10, channels: 8, pool: 1, act: 'relu', init: 'he',
    res_scale: 'invsqrt', optimizer: 'momentum', momentum: 0.9, lr: 0.02, batch: 32, seed: 1,
  };

  /* strings: ui-<lang>.json may override any of these (same keys) */
  const TEXT = {
    en: {
      'conv.strip.title': 'Test digits: what each stack predicts',
      'conv.strip.note': 'Test images the networks never train on. Under each image: its label, then the plain (P) and residual (R) prediction; ✓ right, ✗ wrong.',
      'conv.strip.label': 'label {y}',
      'conv.strip.plain': 'P',
      'conv.strip.residual': 'R',
      'conv.strip.right': 'right',
      'conv.strip.wrong': 'wrong',
      'conv.strip.summary': 'On these {n} test digits: plain {p} right, residual {r} right. On all {all} test digits: plain {pa}, residual {ra} accuracy.',
      'conv.strip.alt': 'Test digit {i}, label {y}: plain predicts {p} ({pv}), residual predicts {r} ({rv})',
      'conv.deg.title': 'The degradation experiment (ResNet paper, toy scale)',
      'conv.deg.note': 'Trains four new networks on the same digits, from the same seed, for the same steps, with the settings on the left: plain and residual, {shallow} and {deep} blocks. If the deeper plain stack ends with a higher training loss than the shallower one, that is degradation: an optimisation failure, not overfitting.',
      'conv.deg.steps': 'Steps',
      'conv.deg.run': 'Run the degradation experiment',
      'conv.deg.stop': 'Stop',
      'conv.deg.preset': 'Load the setting where it shows (ReLU, He, momentum, scale 1/√B)',
      'conv.deg.log': 'Log scale',
      'conv.deg.x': 'training step',
      'conv.deg.y': 'training loss (cross-entropy, all training digits)',
      'conv.deg.series': '{arch}, {blocks} blocks',
      'conv.deg.plain': 'plain',
      'conv.deg.residual': 'residual',
      'conv.deg.idle': 'Not run yet.',
      'conv.deg.running': 'Training… {done} of {total} steps done (four networks).',
      'conv.deg.done': 'Done after {steps} steps. Final training loss: {list}.',
      'conv.deg.stopped': 'Stopped.',
      'conv.deg.failed': 'The experiment failed: {message}',
      'conv.deg.diverged': 'diverged',
      'conv.digits_failed': 'The digits could not be loaded',
    },
    fa: {
      'conv.strip.title': 'رقم‌های آزمون: پیش‌بینی هر شبکه',
      'conv.strip.note': 'تصویرهای آزمون که شبکه‌ها هرگز روی آن‌ها آموزش نمی‌بینند. زیر هر تصویر: برچسبش، سپس پیش‌بینی شبکهٔ ساده (س) و باقیمانده (ب)؛ ✓ درست، ✗ نادرست.',
      'conv.strip.label': 'برچسب {y}',
      'conv.strip.plain': 'س',
      'conv.strip.residual': 'ب',
      'conv.strip.right': 'درست',
      'conv.strip.wrong': 'نادرست',
      'conv.strip.summary': 'روی این {n} رقم آزمون: ساده {p} درست، باقیمانده {r} درست. روی همهٔ {all} رقم آزمون: دقت ساده {pa}، باقیمانده {ra}.',
      'conv.strip.alt': 'رقم آزمون {i}، برچسب {y}: پیش‌بینی ساده {p} ({pv})، پیش‌بینی باقیمانده {r} ({rv})',
      'conv.deg.title': 'آزمایش افت کارایی (مقالهٔ ResNet، در مقیاس کوچک)',
      'conv.deg.note': 'چهار شبکهٔ تازه را روی همان رقم‌ها، با همان بذر و همان تعداد گام و با تنظیمات ستون کناری آموزش می‌دهد: ساده و باقیمانده، با {shallow} و {deep} بلوک. اگر شبکهٔ سادهٔ عمیق‌تر با ضرر آموزشی بالاتری از شبکهٔ کم‌عمق‌تر تمام کند، این افت کارایی است: شکست بهینه‌سازی، نه بیش‌برازش.',
      'conv.deg.steps': 'گام‌ها',
      'conv.deg.run': 'اجرای آزمایش افت کارایی',
      'conv.deg.stop': 'توقف',
      'conv.deg.preset': 'بارگذاری تنظیماتی که افت کارایی در آن دیده می‌شود (ReLU، He، تکانه، ضریب مقیاس ⁦1/√B⁩)',
      'conv.deg.log': 'مقیاس لگاریتمی',
      'conv.deg.x': 'گام آموزش',
      'conv.deg.y': 'ضرر آموزش (آنتروپی متقاطع، همهٔ رقم‌های آموزشی)',
      'conv.deg.series': '{arch}، {blocks} بلوک',
      'conv.deg.plain': 'ساده',
      'conv.deg.residual': 'باقیمانده',
      'conv.deg.idle': 'هنوز اجرا نشده است.',
      'conv.deg.running': 'در حال آموزش… {done} از {total} گام انجام شد (چهار شبکه).',
      'conv.deg.done': 'پس از {steps} گام تمام شد. ضرر آموزشی پایانی: {list}.',
      'conv.deg.stopped': 'متوقف شد.',
      'conv.deg.failed': 'آزمایش ناموفق بود: {message}',
      'conv.deg.diverged': 'واگرا شد',
      'conv.digits_failed': 'رقم‌ها بارگذاری نشدند',
    },
  };

  const conv = {
    digits: null, loading: null,
    mode: 'dense', imageMode: false,
    strip: { images: null, y: null, height: 0, width: 0, predicted: null, probs: null, pending: false, timer: 0, generation: 0, seen: 0 },
    deg: { running: false, records: [], steps: DEFAULT_STEPS, log: false, status: 'idle', final: null, error: null, chart: null },
    built: false,
  };

  const $ = (id) => document.getElementById(id);
  const gl = () => window.gradlab;
  const app = () => window.gradlab && window.gradlab.state;
  const lang = () => (app() && app().lang) || 'en';
  function t(key, vars) {
    const fallback = (TEXT[lang()] && TEXT[lang()][key]) || TEXT.en[key];
    return gl().t(key, vars, fallback);
  }
  const fmt = () => gl().format();
  const post = (m) => app().worker.postMessage(m);

  const el = window.GradLabDom.el; /* app.js's DOM builder */

  /* ------------------------------------------------------------- the digits */
  async function fetchBytes(name) {
    const r = await fetch(`data/${name}`);
    if (!r.ok) throw new Error(`data/${name}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  }

  function loadDigits() {
    if (conv.digits) return Promise.resolve(conv.digits);
    if (!conv.loading) {
      conv.loading = Promise.all([fetchBytes('digits-train.bin'), fetchBytes('digits-test.bin')])
        .then(([train, test]) => {
          conv.digits = { train, test };
          return conv.digits;
        })
        .catch((e) => {
          conv.loading = null;
          gl().message('error', t('conv.digits_failed'), [e.message], 'digits');
          throw e;
        });
    }
    return conv.loading;
  }

  /* ------------------------------------------------------------- the DOM */
  function build() {
    if (conv.built) return;
    conv.built = true;
    const boundary = $('card-boundary-plain');
    const anchor = boundary ? boundary.closest('.grid2') : null;
    const strip = el('section', { class: 'card wide conv-card', id: 'card-digits', 'aria-labelledby': 'title-digits', hidden: true },
      el('div', { class: 'card-head' }, el('h2', { id: 'title-digits' })),
      el('p', { class: 'card-note', id: 'note-digits' }),
      el('div', { class: 'digit-strip', id: 'digit-strip', role: 'list' }),
      el('p', { class: 'card-note', id: 'digits-summary', 'aria-live': 'polite' }));
    const stepsSel = el('select', { id: 'deg-steps', onchange: () => { conv.deg.steps = Number(stepsSel.value); } },
      ...STEP_CHOICES.map((n) => el('option', { value: String(n), text: String(n) })));
    stepsSel.value = String(DEFAULT_STEPS);
    const logBox = el('input', { type: 'checkbox', id: 'deg-log', onchange: () => { conv.deg.log = logBox.checked; makeDegChart(); } });
    const deg = el('section', { class: 'card wide conv-card', id: 'card-degradation', 'aria-labelledby': 'title-degradation', hidden: true },
      el('div', { class: 'card-head' },
        el('h2', { id: 'title-degradation' }),
        el('button', { type: 'button', class: 'png', id: 'deg-png', onclick: exportDegPng, text: 'PNG' })),
      el('p', { class: 'card-note', id: 'note-degradation' }),
      el('div', { class: 'deg-controls' },
        el('label', { for: 'deg-steps', id: 'deg-steps-label' }), stepsSel,
        el('button', { type: 'button', class: 'primary', id: 'deg-run', onclick: runDegradation }),
        el('button', { type: 'button', id: 'deg-stop', onclick: stopDegradation, disabled: true }),
        el('span', { class: 'toggle' }, logBox, el('label', { for: 'deg-log', id: 'deg-log-label' })),
        el('button', { type: 'button', class: 'ghost', id: 'deg-preset', onclick: loadPreset })),
      el('p', { class: 'card-note', id: 'deg-status', 'aria-live': 'polite' }),
      el('div', { class: 'chart-box tall' }, el('canvas', { id: 'chart-degradation', role: 'img' })));
    if (anchor) anchor.after(strip, deg);
    else $('lab').append(strip, deg);
    makeDegChart();
    texts();
  }

  function texts() {
    if (!conv.built) return;
    const f = fmt();
    $('title-digits').textContent = t('conv.strip.title');
    $('note-digits').textContent = t('conv.strip.note');
    $('title-degradation').textContent = t('conv.deg.title');
    $('note-degradation').textContent = t('conv.deg.note', { shallow: f.int(DEPTHS[0]), deep: f.int(DEPTHS[1]) });
    $('deg-steps-label').textContent = t('conv.deg.steps');
    for (const o of $('deg-steps').options) o.textContent = f.int(Number(o.value));
    $('deg-run').textContent = t('conv.deg.run');
    $('deg-stop').textContent = t('conv.deg.stop');
    $('deg-preset').textContent = t('conv.deg.preset');
    $('deg-log-label').textContent = t('conv.deg.log');
    $('deg-png').textContent = t('export_png');
    $('chart-degradation').setAttribute('aria-label', t('conv.deg.title'));
    degTexts();
    renderStrip();
    renderDegStatus();
  }

  /* --------------------------------------------------- mode switching */
  function onConfigured(ev) {
    build();
    const config = ev.detail.config;
    conv.mode = config.model === 'conv' ? 'conv' : 'dense';
    conv.imageMode = config.data === 'digits';
    for (const id of ['card-boundary-plain', 'card-boundary-residual']) {
      const c = $(id);
      if (c) c.hidden = conv.imageMode;
    }
    $('card-digits').hidden = !conv.imageMode;
    $('card-degradation').hidden = conv.mode !== 'conv';
    conv.strip.generation++;
    conv.strip.predicted = null;
    conv.strip.probs = null;
    conv.strip.pending = false;
    conv.strip.seen = app().historyCount || 0;
    if (conv.imageMode) requestStrip();
    else renderStrip();
    if (!conv.strip.timer) conv.strip.timer = setInterval(poll, PREDICT_MS);
  }

  /* choosing model=conv: the digits, a batch that keeps a step short, and a
   * record interval of at least 50 steps (each record measures loss and
   * accuracy on all 1,000 training digits: about 1.3 s for a 10-block net) */
  function onControlsChange(ev) {
    const target = ev.target;
    if (!target || target.id !== 'set-model' || target.value !== 'conv') return;
    const data = $('set-data'), batch = $('set-batch'), every = $('set-record_every');
    if (data && [...data.options].some((o) => o.value === 'digits')) data.value = 'digits';
    if (batch) batch.value = '32';
    if (every && !(Number(every.value) >= 50)) every.value = '50';
  }

  /* ------------------------------------------------------------ the strip */
  function requestStrip() {
    const a = app();
    if (!conv.imageMode || !a || !a.config || conv.strip.pending) return false;
    conv.strip.pending = true;
    post({ type: 'predict_test', first: 0, count: STRIP, images: !conv.strip.images, id: `conv-strip-${conv.strip.generation}` });
    return true;
  }

  /* the strip follows training: every PREDICT_MS while running, and after any new record */
  function poll() {
    const a = app();
    if (!conv.imageMode || !a || !a.config) return;
    const n = a.historyCount || 0;
    if ((a.running || n !== conv.strip.seen) && requestStrip()) conv.strip.seen = n;
  }

  function onPredictions(m) {
    conv.strip.pending = false;
    if (m.id !== `conv-strip-${conv.strip.generation}`) return; /* from an older configuration */
    if (m.x) {
      conv.strip.images = m.x;
      conv.strip.height = m.height;
      conv.strip.width = m.width;
    }
    conv.strip.y = m.y;
    conv.strip.classes = m.classes;
    conv.strip.predicted = m.predicted;
    conv.strip.probs = m.probs;
    renderStrip();
  }

  function drawDigit(canvas, x, offset, h, w) {
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(w, h);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < h * w; i++) {
      const v = x[offset + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo || 1;
    for (let i = 0; i < h * w; i++) {
      const g = Math.round(255 * (1 - (x[offset + i] - lo) / span)); /* ink dark on white */
      img.data[4 * i] = g;
      img.data[4 * i + 1] = g;
      img.data[4 * i + 2] = g;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function renderStrip() {
    if (!conv.built) return;
    const box = $('digit-strip');
    const s = conv.strip;
    if (!conv.imageMode || !s.images || !s.y) {
      box.textContent = '';
      $('digits-summary').textContent = '';
      return;
    }
    const f = fmt();
    const h = s.height, w = s.width, n = s.y.length;
    if (box.children.length !== n) {
      box.textContent = '';
      for (let i = 0; i < n; i++) {
        const canvas = el('canvas', { width: String(w), height: String(h), class: 'digit', 'aria-hidden': 'true' });
        drawDigit(canvas, s.images, i * h * w, h, w);
        box.append(el('figure', { class: 'digit-cell', role: 'listitem' }, canvas, el('figcaption')));
      }
    }
    const right = { plain: 0, residual: 0 };
    [...box.children].forEach((cell, i) => {
      const cap = cell.querySelector('figcaption');
      cap.textContent = '';
      cap.append(el('span', { class: 'digit-label', text: t('conv.strip.label', { y: f.int(s.y[i]) }) }));
      const alt = { i: f.int(i + 1), y: f.int(s.y[i]), p: '–', r: '–', pv: '', rv: '' };
      for (const a of ['plain', 'residual']) {
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
    const latest = app() && app().latest;
    const acc = (a) => (latest && latest[a] && latest[a].test_acc !== null && latest[a].test_acc !== undefined ? f.percent(latest[a].test_acc) : '–');
    $('digits-summary').textContent = s.predicted ? t('conv.strip.summary', {
      n: f.int(n), p: f.int(right.plain), r: f.int(right.residual), all: f.int(500), pa: acc('plain'), ra: acc('residual'),
    }) : '';
  }

  /* ------------------------------------------------ the degradation run */
  const seriesId = (arch, depth) => `${arch}_${depth}`;

  function makeDegChart() {
    const canvas = $('chart-degradation');
    if (!canvas) return;
    if (conv.deg.chart) conv.deg.chart.chart.destroy();
    const series = [];
    DEPTHS.forEach((depth, k) => {
      series.push({ id: seriesId('plain', depth), color: DEPTH_COLORS[k], dash: [6, 4], radius: 2, marker: 'circle' });
      series.push({ id: seriesId('residual', depth), color: DEPTH_COLORS[k], radius: 2, marker: 'rect' });
    });
    conv.deg.chart = GradLabCharts.line(canvas, {
      x: { type: 'linear', integer: true, min: 0 }, y: conv.deg.log ? { type: 'logarithmic' } : { type: 'linear', min: 0 },
      format: fmt(), legendLines: true, series,
    });
    for (const r of conv.deg.records) conv.deg.chart.append(seriesId(r.arch, r.depth), r.step, r.loss);
    degTexts();
    conv.deg.chart.render();
  }

  function degTexts() {
    const c = conv.deg.chart;
    if (!c) return;
    const f = fmt();
    const series = {};
    for (const depth of DEPTHS) {
      for (const arch of ['plain', 'residual']) series[seriesId(arch, depth)] = t('conv.deg.series', { arch: t(`conv.deg.${arch}`), blocks: f.int(depth) });
    }
    c.setTexts({ x: t('conv.deg.x'), y: t('conv.deg.y'), series });
    c.setFormat(f, lang() === 'fa');
    c.render();
  }

  function runDegradation() {
    const a = app();
    if (!a.config || a.config.model !== 'conv' || !conv.digits) return;
    const steps = conv.deg.steps;
    conv.deg.records = [];
    conv.deg.final = null;
    conv.deg.error = null;
    conv.deg.running = true;
    conv.deg.status = 'running';
    conv.deg.chart.clear();
    conv.deg.chart.setAxis('x', { min: 0, max: steps });
    conv.deg.chart.render();
    const config = Object.assign({}, a.config, { arch: 'both', digits: conv.digits });
    post({ type: 'degradation', id: 'conv-degradation', config, depths: DEPTHS, steps, every: Math.max(1, Math.round(steps / 20)) });
    renderDegStatus();
  }

  function stopDegradation() {
    if (!conv.deg.running) return;
    post({ type: 'degradation_stop' });
  }

  function loadPreset() {
    gl().applySettings(PAPER_PRESET, { run: false, fromDefaults: true });
  }

  function onDegStats(m) {
    for (const r of m.records) {
      conv.deg.records.push(r);
      conv.deg.chart.append(seriesId(r.arch, r.depth), r.step, r.loss);
    }
    conv.deg.chart.render();
    renderDegStatus();
  }

  function renderDegStatus() {
    if (!conv.built) return;
    const f = fmt(), d = conv.deg;
    $('deg-run').disabled = d.running;
    $('deg-stop').disabled = !d.running;
    $('deg-steps').disabled = d.running;
    let text;
    if (d.status === 'running') {
      const done = d.records.reduce((s, r) => s + (r.steps_done || 0), 0);
      const last = {};
      for (const r of d.records) last[seriesId(r.arch, r.depth)] = r.steps_done;
      const sum = Object.values(last).reduce((s, v) => s + v, 0);
      text = t('conv.deg.running', { done: f.int(done ? sum : 0), total: f.int(4 * d.steps) });
    } else if (d.status === 'done' && d.final) {
      const list = d.final.map((r) => `${t('conv.deg.series', { arch: t(`conv.deg.${r.arch}`), blocks: f.int(r.depth) })} ${r.status === 'ok' ? f.value(r.loss) : t('conv.deg.diverged')}`).join('; ');
      text = t('conv.deg.done', { steps: f.int(d.steps), list });
    } else if (d.status === 'stopped') text = t('conv.deg.stopped');
    else if (d.status === 'failed') text = t('conv.deg.failed', { message: d.error });
    else text = t('conv.deg.idle');
    $('deg-status').textContent = text;
  }

  function exportDegPng() {
    if (!conv.deg.chart) return;
    const a = el('a', { href: conv.deg.chart.png(t('conv.deg.title')), download: 'gradlab-degradation.png', text: 'gradlab-degradation.png' });
    const box = $('downloads');
    for (const old of box.querySelectorAll('a[download="gradlab-degradation.png"]')) old.remove();
    box.append(a);
    a.click();
  }

  /* ------------------------------------------------ app.js's callbacks */
  function onMessage(m) {
    switch (m.type) {
      case 'test_predictions': return onPredictions(m);
      case 'degradation_stats': return onDegStats(m);
      case 'degradation_done':
        conv.deg.running = false;
        conv.deg.status = 'done';
        conv.deg.final = m.records;
        return renderDegStatus();
      case 'degradation_stopped':
        if (conv.deg.running) {
          conv.deg.running = false;
          conv.deg.status = 'stopped';
        }
        return renderDegStatus();
      default: return undefined;
    }
  }

  function onError(m) {
    if (m.where === 'predict_test') {
      conv.strip.pending = false;
      return true;
    }
    if (m.where === 'degradation') {
      conv.deg.running = false;
      conv.deg.status = 'failed';
      conv.deg.error = m.message;
      renderDegStatus();
      return true;
    }
    return false;
  }

  function debug() {
    const s = conv.strip, d = conv.deg;
    const cells = conv.built ? [...document.querySelectorAll('#digit-strip .digit-cell')] : [];
    return {
      mode: conv.mode, imageMode: conv.imageMode, digitsLoaded: !!conv.digits,
      strip: {
        images: cells.length,
        canvases: cells.filter((c) => c.querySelector('canvas')).length,
        labels: s.y ? Array.from(s.y) : [],
        predicted: s.predicted ? { plain: Array.from(s.predicted.plain || []), residual: Array.from(s.predicted.residual || []) } : null,
        marks: cells.map((c) => [...c.querySelectorAll('.digit-pred')].map((p) => ({ arch: p.dataset.arch, pred: Number(p.dataset.pred), ok: p.dataset.ok === 'true', symbol: p.querySelector('b').textContent }))),
        visible: conv.built && !$('card-digits').hidden,
        boundaryHidden: !!($('card-boundary-plain') && $('card-boundary-plain').hidden),
      },
      degradation: {
        running: d.running, status: d.status, steps: d.steps, records: d.records.map((r) => Object.assign({}, r)),
        final: d.final ? d.final.map((r) => Object.assign({}, r)) : null, error: d.error,
        chart: d.chart ? d.chart.snapshot() : null, visible: conv.built && !$('card-degradation').hidden,
      },
    };
  }

  window.GradLabConv = {
    digits: () => conv.digits,
    loadDigits,
    onMessage,
    onError,
    debug,
    /* for tests and the lesson: start or stop the degradation run, set its steps */
    runDegradation(steps) {
      if (steps !== undefined) {
        conv.deg.steps = steps;
        if ($('deg-steps')) {
          if (![...$('deg-steps').options].some((o) => Number(o.value) === steps)) $('deg-steps').append(el('option', { value: String(steps), text: String(steps) }));
          $('deg-steps').value = String(steps);
        }
      }
      runDegradation();
    },
    stopDegradation,
  };

  document.addEventListener('gradlab:configured', onConfigured);
  document.addEventListener('gradlab:done', () => requestStrip());
  document.addEventListener('gradlab:paused', () => requestStrip());
  document.addEventListener('gradlab:language', () => {
    if (conv.built && conv.deg.chart) texts();
  });
  const attach = () => {
    const form = $('controls');
    if (form) form.addEventListener('change', onControlsChange, true); /* before app.js's own handler */
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', attach);
  else attach();
})();
