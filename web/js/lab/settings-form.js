// @ts-check
/*
 * settings-form.js - the settings panel, built from the engine's settings
 * table (one control per setting, in the groups of settings-rules.js), the
 * CSV file picker and the classroom list (controls to hide from students).
 * It reads and writes the controls' values as the URL carries them, greys
 * out a setting that does not apply, and hands a changed configuration to
 * configure() (session.js); it owns #controls and #classroom-list.
 */
import { $, el } from '../ui/dom.js';
import { GROUP_OF, GROUPS, TOGGLED, FIXED, APPLIES, impliedBy } from './settings-rules.js';

/** @typedef {Record<string, any>} Config */
/** @typedef {{name: string, type: string, default: any, min?: number, max?: number, choices?: string[], help?: string}} Setting */

const controlId = (/** @type {string} */ name) => `set-${name}`;
const toggled = (/** @type {string} */ name) => /** @type {Record<string, {onValue: number}>} */ (TOGGLED)[name];

/**
 * @param {{
 *   settings: Setting[], schema: any, i18n: import('../ui/i18n.js').I18n,
 *   messages: ReturnType<typeof import('../ui/messages.js').createMessages>,
 *   current: () => Config | null, hasCsv: () => boolean,
 *   configure: (config: Config, ctx: import('./session.js').Context) => void,
 *   onHide: (hide: string[]) => void,
 *   panels?: string[],
 *   predict?: {get: () => boolean, set: (on: boolean) => void},
 * }} deps
 *   panels: plug-in cards the classroom list may hide too (label: ui key `panel.<name>`)
 *   predict: the classroom's "a prediction before each lesson experiment" (#classroom-predict; the link's predict=required)
 */
export function createSettingsForm(deps) {
  const { settings, schema, i18n, messages } = deps;
  const byName = Object.fromEntries(settings.map((s) => [s.name, s]));
  /** @type {Record<string, any>} name -> {setting, root, label, help, el: {...}, hideLabel} */
  const controls = {};
  /** @type {string[]} */
  let hide = [];
  /** @type {any} */
  let csvInput = null;

  function build() {
    const form = $('controls');
    form.textContent = '';
    form.addEventListener('submit', (/** @type {Event} */ e) => e.preventDefault());
    /** @type {Record<string, any>} */
    const groups = {};
    for (const g of GROUPS) {
      groups[g] = el('fieldset', { class: `group group-${g}`, 'data-group': g }, el('legend', { 'data-group-legend': g }));
    }
    for (const s of settings) {
      if (s.name in FIXED) continue;
      if (s.type === 'choice' && (s.choices || []).length < 2) continue; /* nothing to choose */
      const g = groups[/** @type {Record<string, string>} */ (GROUP_OF)[s.name] || 'other'];
      const c = buildControl(s);
      controls[s.name] = c;
      g.append(c.root);
      if (s.name === 'data') g.append(buildCsvPicker());
    }
    for (const g of GROUPS) if (groups[g].children.length > 1) form.append(groups[g]);
    buildClassroom();
  }

  function buildControl(/** @type {Setting} */ s) {
    const id = controlId(s.name);
    const help = el('small', { class: 'help', id: `help-${s.name}` });
    const label = el('label', { for: id, class: 'control-label' });
    const root = el('div', { class: `control type-${s.type}`, 'data-setting': s.name });
    /** @type {any} */
    const c = { setting: s, root, label, help, el: {} };
    const onChange = () => onControlChange(s.name);
    const describedBy = `help-${s.name}`;
    const text = () => el('input', { id, name: s.name, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', 'aria-describedby': describedBy, onchange: onChange });
    if (s.type === 'choice') {
      c.el.input = el('select', { id, name: s.name, 'aria-describedby': describedBy, onchange: onChange },
        ...(s.choices || []).map((v) => el('option', { value: v })));
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
      c.el.input = text();
      c.el.valueLabel = el('label', { for: id, class: 'sr-only' });
      root.append(label, el('div', { class: 'pair' }, c.el.kind, c.el.valueLabel, c.el.input), help);
    } else if (toggled(s.name)) {
      const onId = `${id}-on`;
      c.el.on = el('input', { id: onId, type: 'checkbox', name: `${s.name}-on`, 'aria-describedby': describedBy, onchange: () => { syncToggle(c); onChange(); } });
      c.el.onLabel = el('label', { for: onId });
      c.el.input = text();
      root.append(label, el('div', { class: 'pair' }, el('span', { class: 'toggle' }, c.el.on, c.el.onLabel), c.el.input), help);
    } else if (s.type === 'int') {
      c.el.input = el('input', { id, name: s.name, type: 'number', inputmode: 'numeric', step: '1', min: s.min, max: s.max, dir: 'ltr', 'aria-describedby': describedBy, onchange: onChange });
      root.append(label, c.el.input, help);
    } else {
      c.el.input = text();
      root.append(label, c.el.input, help);
    }
    return c;
  }

  function buildCsvPicker() {
    csvInput = el('input', { id: 'csv-file', type: 'file', accept: '.csv,text/csv,text/plain', 'aria-describedby': 'help-csv', onchange: onCsvPicked });
    return el('div', { class: 'control csv', 'data-setting': 'data', 'data-csv': '' },
      el('label', { for: 'csv-file', class: 'control-label', id: 'csv-label' }),
      csvInput,
      el('small', { class: 'help', id: 'help-csv' }),
      el('small', { class: 'csv-name', id: 'csv-name' }));
  }

  function syncScale(/** @type {any} */ c) {
    const isValue = c.el.kind.value === 'value';
    c.el.input.disabled = !isValue;
    c.el.input.hidden = !isValue;
    if (isValue && c.el.input.value === '') c.el.input.value = '1';
  }

  function syncToggle(/** @type {any} */ c) {
    c.el.input.disabled = !c.el.on.checked;
    if (c.el.on.checked && (c.el.input.value === '' || c.el.input.value === '0')) c.el.input.value = String(toggled(c.setting.name).onValue);
  }

  /** Text of one control, as the URL would carry it. */
  function readControl(/** @type {any} */ c) {
    const s = c.setting;
    if (s.type === 'choice') return c.el.input.value;
    if (s.type === 'bool') return c.el.input.checked ? '1' : '0';
    if (s.type === 'scale') return c.el.kind.value === 'value' ? c.el.input.value.trim() : c.el.kind.value;
    if (toggled(s.name) && !c.el.on.checked) return '0';
    return c.el.input.value.trim();
  }

  function writeControl(/** @type {any} */ c, /** @type {any} */ value) {
    const s = c.setting;
    if (s.type === 'choice') c.el.input.value = String(value);
    else if (s.type === 'bool') c.el.input.checked = Number(value) === 1;
    else if (s.type === 'scale') {
      const kw = (s.choices || []).includes(value);
      c.el.kind.value = kw ? value : 'value';
      if (!kw) c.el.input.value = String(value);
      syncScale(c);
    } else if (toggled(s.name)) {
      const on = Number(value) !== 0;
      c.el.on.checked = on;
      if (on) c.el.input.value = String(value);
      else if (c.el.input.value === '') c.el.input.value = String(toggled(s.name).onValue);
      c.el.input.disabled = !on;
    } else c.el.input.value = String(value);
    c.root.querySelectorAll('input, select').forEach((/** @type {any} */ x) => x.removeAttribute('aria-invalid'));
  }

  /** Shows a configuration in the controls. @param {Config} config */
  function set(config) {
    for (const c of Object.values(controls)) if (config[c.setting.name] !== undefined) writeControl(c, config[c.setting.name]);
    relevance(config);
  }

  /** A setting that does not apply (init_std unless init = normal, ...) is disabled and out of sight. @param {Config} config */
  function relevance(config) {
    for (const [name, rule] of Object.entries(APPLIES)) {
      const c = controls[name];
      if (!c) continue;
      const on = rule(config);
      c.root.classList.toggle('irrelevant', !on);
      for (const x of c.root.querySelectorAll('input, select')) {
        x.disabled = !on || (x === c.el.input && ((c.el.on && !c.el.on.checked) || (c.el.kind && c.el.kind.value !== 'value')));
      }
    }
    applyHidden();
  }

  /** Reads every control; invalid values take their defaults (and are reported). */
  function read() {
    const config = Object.assign({}, deps.current() || schema.defaults());
    const defaults = schema.defaults();
    /** @type {string[]} */
    const problems = [];
    for (const c of Object.values(controls)) {
      const name = c.setting.name;
      const r = schema.parse(name, readControl(c));
      if (r.ok) config[name] = r.value;
      else {
        problems.push(r.message);
        config[name] = defaults[name];
        writeControl(c, defaults[name]);
        c.el.input.setAttribute('aria-invalid', 'true');
      }
    }
    return { config, problems };
  }

  function onControlChange(/** @type {string} */ name) {
    const { config, problems } = read();
    if (problems.length) messages.show('error', i18n.t('msg.bad_value'), problems, 'value');
    /* what this choice implies for other settings (settings-rules.js ON_CHOICE) */
    const implied = impliedBy(name, config, byName);
    for (const [k, v] of Object.entries(implied)) {
      config[k] = v;
      if (controls[k]) writeControl(controls[k], v);
    }
    relevance(config);
    if (name === 'data' && config.data === 'csv' && !deps.hasCsv()) {
      messages.show('info', i18n.t('msg.csv_pick'), [], 'csv-pick');
      csvInput.focus();
      return;
    }
    if (sameConfig(config, deps.current())) return;
    deps.configure(config, { source: 'control' });
  }

  function sameConfig(/** @type {Config} */ a, /** @type {Config | null} */ b) {
    if (!a || !b) return false;
    return settings.every((s) => String(a[s.name]) === String(b[s.name]));
  }

  function onCsvPicked() {
    const file = csvInput.files && csvInput.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const csv = { name: file.name, text: String(reader.result) };
      const { config } = read();
      config.data = 'csv';
      deps.configure(config, { source: 'csv', csv });
    };
    reader.onerror = () => messages.show('error', i18n.t('msg.csv_failed', { file: file.name }), [String(reader.error && reader.error.message)], 'csv');
    reader.readAsText(file);
  }

  /* ---- classroom: controls hidden from students (URL `hide`) ---- */
  function buildClassroom() {
    const predict = /** @type {HTMLInputElement | null} */ ($('classroom-predict'));
    if (predict && deps.predict) {
      const p = deps.predict;
      predict.checked = p.get();
      predict.onchange = () => p.set(predict.checked);
    }
    const list = $('classroom-list');
    list.textContent = '';
    for (const c of Object.values(controls)) {
      const name = c.setting.name;
      const id = `hide-${name}`;
      const box = el('input', { type: 'checkbox', id, value: name, onchange: onHideChange });
      c.hideLabel = el('label', { for: id });
      list.append(el('div', { class: 'hide-item' }, box, c.hideLabel));
    }
    for (const name of deps.panels || []) {
      const box = el('input', { type: 'checkbox', id: `hide-${name}`, value: name, onchange: onHideChange });
      list.append(el('div', { class: 'hide-item' }, box, el('label', { for: `hide-${name}`, 'data-panel-label': name })));
    }
  }

  function onHideChange() {
    hide = [...$('classroom-list').querySelectorAll('input:checked')].map((x) => x.value);
    applyHidden();
    deps.onHide(hide.slice());
  }

  function applyHidden() {
    for (const c of Object.values(controls)) {
      const hidden = hide.includes(c.setting.name);
      c.root.hidden = hidden || c.root.classList.contains('irrelevant');
      const box = $(`hide-${c.setting.name}`);
      if (box) box.checked = hidden;
    }
    for (const name of deps.panels || []) {
      const box = $(`hide-${name}`);
      if (box) box.checked = hide.includes(name);
    }
    const csv = document.querySelector('[data-csv]');
    if (csv) /** @type {any} */ (csv).hidden = hide.includes('data');
    for (const g of document.querySelectorAll('#controls fieldset')) {
      /** @type {any} */ (g).hidden = ![...g.querySelectorAll('.control')].some((x) => !(/** @type {any} */ (x)).hidden);
    }
  }

  /** The controls' words in the page's language. */
  function texts() {
    const t = i18n.t;
    for (const legend of $('controls').querySelectorAll('legend[data-group-legend]')) legend.textContent = t(`group.${legend.dataset.groupLegend}`);
    if ($('csv-label')) {
      $('csv-label').textContent = t('control.csv');
      $('help-csv').textContent = t('control.csv_help');
    }
    const label = (/** @type {string} */ name) => t(`setting.${name}.label`, null, name);
    for (const p of document.querySelectorAll('#classroom-list [data-panel-label]')) {
      const name = /** @type {HTMLElement} */ (p).dataset.panelLabel;
      p.textContent = t(`panel.${name}`);
    }
    for (const c of Object.values(controls)) {
      const s = c.setting;
      c.label.textContent = label(s.name);
      c.help.textContent = t(`setting.${s.name}.help`, null, s.help || '');
      if (c.hideLabel) c.hideLabel.textContent = label(s.name);
      const choice = (/** @type {string} */ v) => t(`choice.${s.name}.${v}`, null, String(v));
      if (s.type === 'choice') for (const o of c.el.input.options) o.textContent = choice(o.value);
      if (s.type === 'scale') {
        for (const o of c.el.kind.options) o.textContent = choice(o.value);
        c.el.valueLabel.textContent = `${label(s.name)}: ${t('control.value')}`;
      }
      if (c.el.onLabel) c.el.onLabel.textContent = t('control.on');
    }
  }

  /**
   * The values of a run's changes of course in their controls (lr, clip, momentum: the values in
   * force), without touching any other control or what applies.
   * @param {Config} config
   */
  function showValues(config) {
    for (const name of ['lr', 'clip', 'momentum']) {
      const c = controls[name];
      if (c && config[name] !== undefined && readControl(c) !== String(config[name])) writeControl(c, config[name]);
    }
  }

  /**
   * A line under a control (the course it took: "0.01 from step 37 on, was 0.1"), or none.
   * @param {string} name @param {string | null} text
   */
  function setNote(name, text) {
    const c = controls[name];
    if (!c) return;
    if (!c.note) {
      c.note = el('small', { class: 'change-note', id: `change-note-${name}` });
      c.root.append(c.note);
      for (const x of c.root.querySelectorAll('input, select')) x.setAttribute('aria-describedby', `${x.getAttribute('aria-describedby') || ''} ${c.note.id}`.trim());
    }
    c.note.hidden = !text;
    c.note.textContent = text || '';
  }

  return {
    build, set, relevance, read, texts, showValues, setNote,
    /** @param {string[]} h */
    setHidden(h) {
      hide = h.slice();
      applyHidden();
    },
    /** the CSV picker after a refused file: empty again */
    clearCsv() {
      if (csvInput) csvInput.value = '';
    },
    /** @param {string} name the file the lab trains on */
    showCsvName(name) {
      $('csv-name').textContent = name;
    },
  };
}
