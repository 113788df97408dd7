// @ts-check
/*
 * schema.js - the page's settings <-> URL state, pure: no DOM, no window.
 *
 * Driven by the engine's settings table (the worker's `ready` message:
 * [{name, type, default, min, max, choices, help}]), so a setting added to
 * the C table appears here without a change.  The same table validates a
 * value typed into a control and a value read from a link, with messages in
 * the engine's words ("depth: 'abc' is not an integer").
 *
 *   const schema = create(settings, { fixed: { arch: 'both' } });
 *   const { config, hide, lang, step, predict, messages } = schema.decode(location.search);
 *   const query = schema.encode(config, { hide, lang, step, predict });   // '?form=pre&depth=20&...'
 *   checkStep(step, ['descent', ...])   // {ok, value} or {ok: false, message}
 *   schema.parseChanges('7:lr=0.01,7:clip=1', 500)   // {changes: [{step, settings}], messages}
 *
 * `change=` carries the run's changes of course (lr, clip, momentum from an
 * update on: docs/page.md), each part STEP:name=value as the CLI's --change,
 * in step order (for one step, in the order they were made).
 *
 * An ES module: import { create, checkStep, LANGS } from './schema.js'.
 */

/** @typedef {{name: string, type: string, default: any, min?: number, max?: number, choices?: string[], help?: string}} Setting a row of the engine's settings table */
/** @typedef {{ok: true, value: any, message?: undefined} | {ok: false, message: string, value?: undefined}} Parsed {ok: true, value} or {ok: false, message} */
/** @typedef {Record<string, any>} Config */

/* URL parameters that are page state, not engine settings */
const PAGE_KEYS = ['lang', 'hide', 'step', 'predict', 'grad', 'change'];
/* the settings a run may change mid-run (the engine's gl_net_set) */
const CHANGEABLE = Object.freeze(['lr', 'clip', 'momentum']);
/* one part of `change=`: STEP:name=value */
const CHANGE_RE = /^(\d{1,8}):([^=]+)=(.+)$/;
const MAX_CHANGE_STEP = 10000000;
const LANGS = ['en', 'fa'];
/* predict=required: the lesson asks for a prediction before each experiment runs (classroom mode) */
const PREDICT_MODES = ['required'];
/* grad=backprop: the gradient chart shows the back-propagated ||dL/dh|| (the default, weight, is not written) */
const GRAD_MODES = ['weight', 'backprop'];
/* a lesson step id as the content files write it (snake_case) */
const STEP_RE = /^[a-z][a-z0-9_]{0,63}$/;

const INT_RE = /^[+-]?\d+$/;
const REAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** @param {any} text */
function quote(text) {
  const s = String(text);
  return s.length > 60 ? s.slice(0, 60) : s;
}

/* %g-like text of a range bound, as the engine prints it */
/** @param {number} x */
function bound(x) {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(6)));
  const [m, e] = x.toExponential(5).split('e');
  const exp = Number(e);
  return `${Number(m)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/* Validates one setting's text against its table row: {ok, value} or {ok: false, message}. */
/** @param {Setting} setting @param {any} text @returns {Parsed} */
function parseValue(setting, text) {
  const name = setting.name;
  const t = text === undefined || text === null ? '' : String(text);
  /** @returns {Parsed} */
  const fail = (/** @type {string} */ message) => ({ ok: false, message });
  const choices = setting.choices || [];
  const min = /** @type {number} */ (setting.min), max = /** @type {number} */ (setting.max);
  switch (setting.type) {
    case 'choice':
      if (choices.includes(t)) return { ok: true, value: t };
      return fail(`${name}: unknown value '${quote(t)}' (choose one of ${choices.join('|')})`);
    case 'bool':
      if (t === '1' || t === 'true' || t === 'on') return { ok: true, value: 1 };
      if (t === '0' || t === 'false' || t === 'off') return { ok: true, value: 0 };
      return fail(`${name}: '${quote(t)}' is not a boolean (use 0 or 1)`);
    case 'int': {
      if (!INT_RE.test(t)) return fail(`${name}: '${quote(t)}' is not an integer`);
      const x = Number(t);
      if (x < min || x > max) {
        return fail(`${name}: ${quote(t)} is out of range [${min}, ${max}]`);
      }
      return { ok: true, value: x };
    }
    case 'real':
    case 'scale': {
      if (setting.type === 'scale' && (setting.choices || []).includes(t)) return { ok: true, value: t };
      const x = Number(t);
      if (!REAL_RE.test(t) || !Number.isFinite(x)) {
        return fail(`${name}: '${quote(t)}' is not a finite number${setting.type === 'scale' ? ` (or ${(setting.choices || []).join(', ')})` : ''}`);
      }
      if (x < min || x > max) {
        return fail(`${name}: ${quote(t)} is out of range [${bound(min)}, ${bound(max)}]`);
      }
      return { ok: true, value: x };
    }
    default:
      return fail(`${name}: unknown setting type '${setting.type}'`);
  }
}

/*
 * A lesson step named by a link, against the step ids of the loaded lesson:
 * {ok: true, value} or {ok: false, message}.  The decoder only checks the
 * form of the id (the lesson's content is loaded later); this checks that
 * the step exists.
 */
/** @param {any} text @param {string[] | null | undefined} ids @returns {Parsed} */
function checkStep(text, ids) {
  const t = text === undefined || text === null ? '' : String(text);
  if (Array.isArray(ids) && ids.includes(t)) return { ok: true, value: t };
  return { ok: false, message: `step: unknown lesson step '${quote(t)}' (choose one of ${(ids || []).join('|')})` };
}

/* Text form of a value, as the URL and the controls carry it. */
/** @param {any} value */
function valueText(value) {
  return String(value);
}

/*
 * create(settings, options) -> schema
 *   options.fixed: {name: value} settings the page pins (a link cannot change them)
 *   options.notFromUrl: {name: [values]} values a link cannot carry (e.g. data: ['csv'])
 */
/**
 * @param {Setting[]} settings
 * @param {{fixed?: Config, notFromUrl?: Record<string, any[]>, pageKeys?: string[], hidePanels?: string[]}} [options]
 *   pageKeys: more page keys a plug-in keeps in the link (decode hands their raw
 *   text back in `extra`, encode writes `extra`); hidePanels: names `hide` may
 *   list besides the settings (a plug-in's card, e.g. 'sweep')
 */
function create(settings, options = {}) {
  if (!Array.isArray(settings) || settings.length === 0) throw new Error('GradLabState: the settings table is empty');
  const byName = Object.create(null);
  for (const s of settings) byName[s.name] = s;
  const fixed = options.fixed || {};
  const notFromUrl = options.notFromUrl || {};
  const pageKeys = options.pageKeys || [];
  const hidePanels = options.hidePanels || [];

  /** @returns {Config} */
  function defaults() {
    /** @type {Config} */
    const out = {};
    for (const s of settings) {
      const r = parseValue(s, valueText(s.default));
      out[s.name] = r.ok ? r.value : s.default;
    }
    return Object.assign(out, fixed);
  }

  /**
   * The changes of course of a link (`change=7:lr=0.01,7:clip=1`), checked as the engine checks
   * the CLI's --change: STEP an update of the run (0 .. steps - 1), name lr, clip or momentum,
   * the value in the settings table's range.  A malformed part is left out with a message in
   * the engine's words; the rest are kept, in step order (stable).
   * @param {string} text @param {number} steps the run's steps
   * @returns {{changes: Change[], messages: string[]}}
   */
  function parseChanges(text, steps) {
    /** @type {Change[]} */
    const changes = [];
    /** @type {string[]} */
    const messages = [];
    for (const part of String(text).split(',').map((w) => w.trim()).filter(Boolean)) {
      const m = CHANGE_RE.exec(part);
      if (!m || Number(m[1]) > MAX_CHANGE_STEP) {
        messages.push(`change: '${quote(part)}' is not STEP:name=value (STEP an update from 0, name lr, clip or momentum)`);
        continue;
      }
      const step = Number(m[1]), name = m[2];
      if (!CHANGEABLE.includes(name) || !byName[name]) {
        messages.push(`change ${quote(part)}: ${quote(name)}: cannot change during a run; only lr, clip and momentum can`);
        continue;
      }
      const r = parseValue(byName[name], m[3]);
      if (!r.ok) {
        messages.push(`change ${quote(part)}: ${r.message}`);
        continue;
      }
      if (!(step < steps)) {
        messages.push(`change ${quote(part)}: the run has ${steps} steps; a change applies from an update before the last`);
        continue;
      }
      changes.push({ step, settings: { [name]: r.value } });
    }
    return { changes: sortChanges(changes), messages };
  }

  /** @param {string} name @param {any} text @returns {Parsed} */
  function parse(name, text) {
    const s = byName[name];
    if (!s) return { ok: false, message: `unknown setting '${quote(name)}'` };
    return parseValue(s, text);
  }

  /*
   * decode(search) -> {config, hide, lang, step, predict, grad, extra, messages, invalid}
   * Every valid setting is kept; an invalid one takes its default and adds
   * a message; `invalid` lists the names that fell back.
   */
  /** @param {any} search */
  function decode(search) {
    const config = defaults();
    /** @type {string[]} */
    const messages = [];
    /** @type {string[]} */
    const invalid = [];
    /** @type {string[]} */
    let hide = [];
    /** @type {string | null} */
    let lang = null;
    /** @type {string | null} */
    let step = null;
    /** @type {string | null} */
    let predict = null;
    /** @type {string | null} */
    let grad = null;
    /** @type {Record<string, string>} */
    const extra = {};
    /** @type {Change[]} */
    let changes = [];
    /** @type {string | null} */
    let changeText = null;
    let params;
    try {
      params = new URLSearchParams(typeof search === 'string' ? search : '');
    } catch (e) {
      return { config, hide, lang, step, predict, grad, extra, changes, messages: [`the link could not be read: ${/** @type {Error} */ (e).message}`], invalid };
    }
    for (const [key, text] of params) {
      if (key === 'change') {
        changeText = changeText === null ? text : `${changeText},${text}`;
        continue;
      }
      if (key === 'lang') {
        if (LANGS.includes(text)) lang = text;
        else messages.push(`lang: unknown value '${quote(text)}' (choose one of ${LANGS.join('|')})`);
        continue;
      }
      if (key === 'step') {
        if (STEP_RE.test(text)) step = text;
        else messages.push(`step: '${quote(text)}' is not a lesson step id (lower-case letters, digits and _)`);
        continue;
      }
      if (key === 'predict') {
        if (PREDICT_MODES.includes(text)) predict = text;
        else messages.push(`predict: unknown value '${quote(text)}' (choose one of ${PREDICT_MODES.join('|')})`);
        continue;
      }
      if (key === 'grad') {
        if (GRAD_MODES.includes(text)) grad = text;
        else messages.push(`grad: unknown value '${quote(text)}' (choose one of ${GRAD_MODES.join('|')})`);
        continue;
      }
      if (pageKeys.includes(key)) {
        extra[key] = text;
        continue;
      }
      if (key === 'hide') {
        hide = [];
        for (const name of text.split(',').map((w) => w.trim()).filter(Boolean)) {
          if ((byName[name] && !(name in fixed)) || hidePanels.includes(name)) {
            if (!hide.includes(name)) hide.push(name);
          } else messages.push(`hide: unknown setting '${quote(name)}'`);
        }
        continue;
      }
      if (!byName[key]) {
        messages.push(`unknown setting '${quote(key)}'`);
        continue;
      }
      if (key in fixed) {
        if (text !== valueText(fixed[key])) messages.push(`${key}: the page always uses ${fixed[key]} (the link asked for '${quote(text)}')`);
        continue;
      }
      const r = parseValue(byName[key], text);
      if (r.ok && (notFromUrl[key] || []).includes(r.value)) {
        messages.push(`${key}: a link cannot carry ${r.value} (choose the file again)`);
        if (!invalid.includes(key)) invalid.push(key);
        config[key] = defaults()[key];
      } else if (r.ok) {
        config[key] = r.value;
      } else {
        messages.push(r.message);
        if (!invalid.includes(key)) invalid.push(key);
        config[key] = defaults()[key];
      }
    }
    /* the changes of course, against the run's steps (known once every setting is read) */
    if (changeText !== null) {
      const r = parseChanges(changeText, Number(config.steps));
      changes = r.changes;
      messages.push(...r.messages);
    }
    return { config, hide, lang, step, predict, grad, extra, changes, messages, invalid };
  }

  /* encode(config, {hide, lang, step, predict, grad, changes}) -> '?name=value&...' in table order (fixed settings left out) */
  /** @param {Config} config @param {{hide?: string[], lang?: string | null, step?: string | null, predict?: string | null, grad?: string | null, extra?: Record<string, string>, changes?: Change[]}} [extra] */
  function encode(config, extra = {}) {
    const params = new URLSearchParams();
    for (const s of settings) {
      if (s.name in fixed) continue;
      if (config[s.name] === undefined) continue;
      params.set(s.name, valueText(config[s.name]));
    }
    if (extra.hide && extra.hide.length) params.set('hide', extra.hide.join(','));
    if (extra.lang) params.set('lang', extra.lang);
    if (extra.step) params.set('step', extra.step);
    if (extra.predict && PREDICT_MODES.includes(extra.predict)) params.set('predict', extra.predict);
    if (extra.grad && extra.grad !== GRAD_MODES[0] && GRAD_MODES.includes(extra.grad)) params.set('grad', extra.grad);
    for (const [k, v] of Object.entries(extra.extra || {})) if (pageKeys.includes(k)) params.set(k, v);
    /* the changes as the CLI writes them (numbers, ':', '=' and ',' need no escape in a query) */
    const change = extra.changes && extra.changes.length ? `&change=${changesText(extra.changes)}` : '';
    return '?' + params.toString().replace(/%2C/g, ',') + change;
  }

  /* Canonical engine config (the worker's `configured.config`) -> the page's values. */
  /** @param {Config} canonical @returns {Config} */
  function fromCanonical(canonical) {
    const out = defaults();
    for (const s of settings) {
      if (canonical[s.name] === undefined) continue;
      const r = parseValue(s, valueText(canonical[s.name]));
      if (r.ok) out[s.name] = r.value;
    }
    return Object.assign(out, fixed);
  }

  return { settings, byName, defaults, parse, parseChanges, decode, encode, fromCanonical, valueText };
}

/**
 * A change of course: from update `step` on, the run uses `settings` (one setting each when a
 * link or the CLI made it) — the CLI's JSON `changes` and the exports' form.
 * @typedef {{step: number, settings: Record<string, number>}} Change
 */

/** Changes in step order; for one step, the order they were made (a stable sort). @param {Change[]} list */
function sortChanges(list) {
  return list.map((c, i) => ({ c, i })).sort((a, b) => a.c.step - b.c.step || a.i - b.i).map((x) => x.c);
}

/** The link's text of changes: '7:lr=0.01,7:clip=1' (each setting of a change its own part). @param {Change[]} changes */
function changesText(changes) {
  return changes.flatMap((c) => Object.entries(c.settings).map(([name, v]) => `${c.step}:${name}=${valueText(v)}`)).join(',');
}

/**
 * The values in force after the changes made before or at update `step` (all of them without
 * one): the config's, each setting overridden by its latest change.
 * @param {Config} config @param {Change[]} changes @param {number} [step]
 */
function inForce(config, changes, step = Infinity) {
  const out = Object.assign({}, config);
  for (const c of changes) if (c.step <= step) Object.assign(out, c.settings);
  return out;
}

export { create, parseValue, checkStep, sortChanges, changesText, inForce, PAGE_KEYS, LANGS, PREDICT_MODES, CHANGEABLE };
