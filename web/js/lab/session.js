// @ts-check
/*
 * session.js - what the lab asks the engine and how its replies change the
 * store: configure (with the fallback when the engine refuses settings),
 * reset, run, pause, step, speed, and the records that arrive.  It moves the
 * store's phase (store.js) and keeps the history (history.js); it never
 * touches the DOM except the page's busy cursor.
 *
 * A configuration in flight is a context {source, config, csv?, resume?,
 * changes?}: source 'url' (the link), 'control' (a changed control, a reset,
 * the lesson), 'csv' (a picked file) or 'fallback' (the previous or default
 * settings after a refusal); changes: the run's changes of course (the
 * link's, the lesson's, or the ones a reset replays).  Replies come in the
 * order of the requests.
 *
 * Changing course (docs/page.md): lr, clip and momentum changed in their
 * controls during a run (after step 0, before its end) go to the Worker as
 * `change` instead of a new configuration; the run goes on from its weights.
 * The store's `changes` lists the run's course, [{step, settings}] in step
 * order: what was changed and the link's or lesson's changes, which the
 * Worker holds for their steps (sent after `configured`, again after a
 * reset).  Any other configuration starts a run without changes, from the
 * values the controls show.
 */
import { FIXED } from './settings-rules.js';
import { ARCHS } from './history.js';
import { CHANGEABLE, inForce, sortChanges } from './schema.js';

/** @typedef {Record<string, any>} Config */
/** @typedef {import('./schema.js').Change} Change */
/** @typedef {{source: string, config?: Config, csv?: {name: string, text: string}, resume?: boolean, changes?: Change[]}} Context */

/**
 * @param {{
 *   store: import('./state.js').LabStore, worker: import('../ui/worker-client.js').WorkerClient,
 *   history: import('./history.js').History, i18n: import('../ui/i18n.js').I18n,
 *   messages: ReturnType<typeof import('../ui/messages.js').createMessages>,
 * }} deps
 */
export function createSession({ store, worker, history, i18n, messages }) {
  const t = i18n.t;
  /** @type {Context[]} configure/reset messages in flight, oldest first */
  const pending = [];
  let resumeAfterConfigure = false;
  /** @type {any} */
  let schema = null;
  /** @type {{showConfig: (c: Config) => void, relevance: (c: Config) => void, clearCsv: () => void, showCsvName: (n: string) => void,
   *           showValues?: (c: Config) => void} | null} */
  let form = null;
  /** @type {Array<(config: Config) => null | Config | Promise<Config>>} */
  const preparers = [];
  /** @type {Array<(r: any) => void>} */
  const recordListeners = [];
  /** @type {Config | null} */
  let lastGood = null;
  /** @type {Array<'held' | 'now'>} the `change` requests in flight, oldest first: held for a step, or now */
  const changing = [];
  /** the step of the last change made now (its `changed` reply): in force from there at once */
  let changedAt = -1;

  const setBusy = (/** @type {boolean} */ busy) => document.body.classList.toggle('busy', busy);
  const phase = () => store.get().phase;

  function configure(/** @type {Config} */ config, /** @type {Context} */ ctx) {
    /** @type {Config} */
    const msg = { type: 'configure', config: Object.assign({}, config, FIXED) };
    /* what a plug-in adds to the message (conv mode: the digits' bytes); a promise: wait, then configure */
    for (const prepare of preparers) {
      const extra = prepare(config);
      if (extra && typeof (/** @type {any} */ (extra).then) === 'function') {
        setBusy(true);
        /** @type {Promise<Config>} */ (extra).then(() => configure(config, ctx), (e) => onConfigureFailed(ctx, e.message));
        return;
      }
      if (extra) Object.assign(msg.config, extra);
    }
    if (config.data === 'csv') {
      const csv = ctx.csv || store.get().csv;
      if (csv) msg.config.csv = csv.text;
    }
    resumeAfterConfigure = phase() === 'running' || !!ctx.resume;
    ctx.config = config;
    pending.push(ctx);
    setBusy(true);
    store.update({ phase: 'configuring', pending: pending.length });
    worker.send(/** @type {any} */ (msg));
  }

  function onConfigureFailed(/** @type {Context} */ ctx, /** @type {string} */ message) {
    setBusy(false);
    if (ctx.source === 'fallback') {
      messages.show('error', t('msg.refused'), [message], 'refused');
      return;
    }
    if (ctx.source === 'csv') {
      messages.show('error', t('msg.csv_failed', { file: ctx.csv ? `“${ctx.csv.name}”` : '' }), [message], 'csv');
      if (form) form.clearCsv();
    } else if (ctx.source === 'url' || !lastGood) {
      messages.show('error', t('msg.refused_link'), [message], 'refused');
    } else {
      messages.show('error', t('msg.refused'), [message], 'refused');
    }
    const back = ctx.source === 'url' || !lastGood ? schema.defaults() : lastGood;
    if (form) form.showConfig(back);
    configure(back, { source: 'fallback', resume: false });
  }

  worker.on('configured', (m) => {
    const ctx = pending.shift() || { source: 'reset' };
    setBusy(pending.length > 0);
    const config = schema.fromCanonical(m.config);
    let csv = store.get().csv || null;
    if (ctx.source === 'csv' && ctx.csv) {
      csv = ctx.csv;
      if (form) form.showCsvName(ctx.csv.name);
    }
    lastGood = config;
    /* a control the student changed already shows its value; rewriting it
       could undo what they are typing into another control meanwhile */
    if (form) {
      if (ctx.source === 'control' || ctx.source === 'csv') form.relevance(config);
      else form.showConfig(config);
    }
    history.clear();
    history.keep(m.stats);
    const resume = resumeAfterConfigure && pending.length === 0;
    resumeAfterConfigure = false;
    const s = store.get();
    /* the run's course: the link's, the lesson's or a reset's changes, held by the Worker for their steps */
    const changes = (ctx.changes || []).filter((c) => c.step < Number(config.steps));
    changedAt = -1;
    for (const c of changes) {
      changing.push('held');
      worker.send({ type: 'change', step: c.step, settings: c.settings });
    }
    store.update({
      phase: pending.length > 0 ? 'configuring' : 'ready', pending: pending.length,
      config, csv, layers: m.layers, data: m.data, measured: m.measured, latest: m.stats, received: history.received,
      histEdges: m.hist_edges || null, actCurve: m.act_curve || null,
      blockLayers: m.blockLayers || { plain: [], residual: [] },
      stepsDone: 0, configuredCount: (s.configuredCount || 0) + 1, changes,
    });
    if (resume) run();
  });

  /* a change of course: a held one is in the store's list already; one made now joins it at its step */
  worker.on('changed', (m) => {
    const kind = changing.shift();
    if (kind !== 'now' || phase() === 'configuring') return;
    const s = store.get();
    if (!s.config) return;
    if (m.step >= Number(s.config.steps)) {
      /* the run had ended before the change reached it: a new run with the values the controls show */
      configure(inForce(s.config, [...(s.changes || []), { step: m.step, settings: m.settings }]), { source: 'control' });
      return;
    }
    changedAt = Math.max(changedAt, m.step);
    const added = Object.entries(m.settings).map(([name, value]) => ({ step: m.step, settings: { [name]: value } }));
    store.update({ changes: sortChanges([...(s.changes || []), ...added]) });
  });
  worker.on('error:change', (m) => {
    const kind = changing.shift();
    messages.show('error', t('msg.change_refused'), [m.message], 'change');
    /* the control goes back to the value in force */
    const now = current();
    if (kind === 'now' && form && form.showValues && now) form.showValues(now);
  });

  const onRefused = (/** @type {any} */ m) => onConfigureFailed(pending.shift() || { source: 'control' }, m.message);
  worker.on('error:configure', onRefused);
  worker.on('error:reset', onRefused);

  worker.on('stats', (m) => {
    for (const r of m.records) {
      history.keep(r);
      for (const fn of recordListeners) fn(r);
    }
    if (m.records.length) store.update({ latest: m.records[m.records.length - 1], received: history.received });
  });

  /* the histograms switched on before the first step: step 0 measured again, with them */
  worker.on('hist', (m) => {
    if (!m.stats || phase() === 'configuring') return;
    history.clear();
    history.keep(m.stats);
    store.update({ latest: m.stats, received: history.received });
  });

  worker.on('done', (m) => {
    if (phase() === 'configuring') return; /* the old configuration's end */
    const latest = store.get().latest;
    const diverged = latest && ARCHS.every((a) => latest[a] && latest[a].status === 'diverged');
    store.update({ phase: diverged ? 'diverged' : 'finished', stepsDone: m.steps_done });
  });

  worker.on('paused', (m) => {
    const p = phase();
    if (p === 'running' || p === 'ready' || p === 'paused') store.update({ phase: 'paused', stepsDone: m.steps_done });
  });

  worker.on('speed', (m) => store.update({ speed: m.value }));

  worker.on('error:load', (m) => {
    messages.show('error', t('msg.engine_failed'), [m.message], 'load');
    store.update({ phase: 'failed' });
  });

  /* any other failure (a run, a step): the lab stops and says why */
  worker.on('error', (m) => {
    store.update({ phase: 'failed' });
    messages.show('error', t('msg.worker_error'), [m.message]);
  });

  /** the networks' updates so far: the newest record's */
  function stepsNow() {
    const r = store.get().latest;
    return r ? Math.max(...ARCHS.map((a) => (r[a] ? r[a].steps_done : 0))) : 0;
  }

  /**
   * The settings in force now: the configuration with each change made or reached so far (a held
   * change counts from when the networks reach its step).
   * @returns {Config | null}
   */
  function current() {
    const s = store.get();
    return s.config ? inForce(s.config, s.changes || [], Math.max(stepsNow(), changedAt)) : null;
  }

  /** Mid-run: trained past step 0, not at its end, a stack still going (a change then changes course). */
  function midRun() {
    const s = store.get();
    const r = s.latest;
    if (!s.config || !r || s.phase === 'configuring' || s.phase === 'finished' || s.phase === 'diverged' || s.phase === 'failed') return false;
    const n = stepsNow();
    return n > 0 && n < Number(s.config.steps) && ARCHS.some((a) => r[a] && r[a].status !== 'diverged');
  }

  /**
   * What a changed control asks for: mid-run, when only lr, clip or momentum differ from the
   * values in force, a change of course (the run goes on); else a new configuration.
   * @param {Config} config @param {Context} ctx
   */
  function fromControls(config, ctx) {
    const now = current();
    if (ctx.source === 'control' && now && midRun()) {
      const differ = Object.keys(config).filter((k) => String(config[k]) !== String(now[k]));
      if (differ.length && differ.every((k) => CHANGEABLE.includes(k))) {
        /** @type {Record<string, number>} */
        const settings = {};
        for (const k of differ) settings[k] = config[k];
        changing.push('now');
        worker.send({ type: 'change', settings });
        return;
      }
    }
    configure(config, ctx);
  }

  function run() {
    const s = store.get();
    if (!s.config || s.phase === 'finished' || s.phase === 'diverged' || s.phase === 'configuring') return;
    worker.send({ type: 'run' });
    store.update({ phase: 'running' });
  }

  return {
    configure,
    run,
    pause() {
      worker.send({ type: 'pause' });
    },
    step() {
      const p = phase();
      if (p === 'running' || p === 'ready') store.update({ phase: 'paused' });
      worker.send({ type: 'step', intervals: 1 });
    },
    reset() {
      resumeAfterConfigure = false;
      const config = store.get().config || undefined;
      /* the same run again: its changes of course too */
      pending.push({ source: 'control', config, changes: (store.get().changes || []).slice() });
      store.update({ phase: 'configuring', pending: pending.length });
      worker.send({ type: 'reset' });
    },
    /** @param {number} value the worker's speed level */
    speed(value) {
      worker.send({ type: 'speed', value });
    },
    /** the settings schema (schema.js), once the engine has sent its table @param {any} s */
    setSchema(s) {
      schema = s;
    },
    fromControls,
    current,
    /** the updates the run has made, as far as the page knows (a change made now counts at once) */
    horizon: () => Math.max(stepsNow(), changedAt),
    /** the settings form, which shows a configuration the page chose @param {any} f */
    setForm(f) {
      form = f;
    },
    /**
     * What a plug-in adds to a configure message: fn(config) returns null,
     * fields to add, or a promise (configure waits for it, then asks fn again).
     * @param {(config: Config) => null | Config | Promise<Config>} fn
     */
    addPreparer(fn) {
      preparers.push(fn);
    },
    /** fn(record) for every record a run or step delivers (not the configure's step 0) @param {(r: any) => void} fn */
    onRecord(fn) {
      recordListeners.push(fn);
    },
    /**
     * Loads settings (a partial config) as if typed into the controls; fromDefaults:
     * the settings it leaves out take their defaults, not the current values; changes: the
     * run's changes of course, [{step, settings}] (the lesson's `changes`), each from its step.
     * @param {Config} partial
     * @param {{run?: boolean, fromDefaults?: boolean, changes?: Array<{step: number, settings: Record<string, any>}>}} [options]
     */
    applySettings(partial, { run: start = false, fromDefaults = false, changes = [] } = {}) {
      const cur = store.get().config;
      const base = Object.assign({}, fromDefaults || !cur ? schema.defaults() : cur);
      /** @type {string[]} */
      const problems = [];
      for (const [k, v] of Object.entries(partial || {})) {
        const r = schema.parse(k, String(v));
        if (r.ok) base[k] = r.value;
        else problems.push(r.message);
      }
      /* the changes in the link's words, checked as a link's are */
      const text = changes.flatMap((c) => Object.entries(c.settings).map(([k, v]) => `${c.step}:${k}=${v}`)).join(',');
      const course = text ? schema.parseChanges(text, Number(base.steps)) : { changes: [], messages: [] };
      problems.push(...course.messages);
      if (problems.length) messages.show('error', t('msg.bad_value'), problems, 'value');
      if (form) form.showConfig(base);
      configure(base, { source: 'control', resume: start, changes: course.changes });
    },
  };
}

/** @typedef {ReturnType<typeof createSession>} Session */
