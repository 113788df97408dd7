// @ts-check
/*
 * settings-rules.js - how the settings relate, as data (the settings
 * themselves are the engine's table): which group a control goes in, when a
 * setting applies, which settings are "on/off + a value", what the page
 * fixes, and what choosing one value sets in other settings.  Pure: the
 * settings form (settings-form.js) applies these rules.
 */

/** @typedef {Record<string, any>} Config */

/** which group a setting's control goes in; a setting not named here goes in 'other' */
export const GROUP_OF = Object.freeze({
  model: 'network', blocks: 'network', channels: 'network', pool: 'network', norm: 'network',
  depth: 'network', width: 'network', act: 'network', init: 'network', init_std: 'network', init_value: 'network',
  block: 'residual', form: 'residual', res_scale: 'residual',
  loss: 'training', optimizer: 'training', lr: 'training', momentum: 'training', batch: 'training',
  clip: 'training', steps: 'training', record_every: 'training', seed: 'training',
  data: 'data', points: 'data', noise: 'data', data_seed: 'data', standardize: 'data',
});
export const GROUPS = Object.freeze(['network', 'residual', 'training', 'data', 'other']);

/** the generated 2-D sets (not a CSV file, not the digit images) @param {Config} c */
const builtInData = (c) => c.data !== 'csv' && c.data !== 'digits';

/** a setting applies (its control is live) when its rule says so; one without a rule always applies */
export const APPLIES = Object.freeze({
  depth: (/** @type {Config} */ c) => c.model !== 'conv',
  width: (/** @type {Config} */ c) => c.model !== 'conv',
  blocks: (/** @type {Config} */ c) => c.model === 'conv',
  channels: (/** @type {Config} */ c) => c.model === 'conv',
  pool: (/** @type {Config} */ c) => c.model === 'conv',
  init_std: (/** @type {Config} */ c) => c.init === 'normal',
  init_value: (/** @type {Config} */ c) => c.init === 'constant',
  momentum: (/** @type {Config} */ c) => c.optimizer === 'momentum',
  points: builtInData,
  noise: builtInData,
  data_seed: builtInData,
});

/** settings whose control is "on/off + a value", off meaning 0 */
export const TOGGLED = Object.freeze({ clip: { onValue: 1 } });
/** the page always shows both stacks; it counts the histograms only while the distributions view
    is open (dist-view.js adds hist = 1 to the configure message then, and sends the Worker `hist`
    when the view opens or closes): a recorded step costs 1.15-1.5x with them */
export const FIXED = Object.freeze({ arch: 'both', hist: 0 });

/**
 * What choosing a value sets in other settings, applied when the student
 * changes that control (not to a link, which says every setting itself):
 * model=conv trains on the digits with a batch that keeps a step short and
 * a record interval of at least 50 steps (each record measures loss and
 * accuracy on all 1,000 training digits: about 1.3 s for a 10-block net).
 * `needs` names a choice the engine must offer for the rule to apply.
 */
export const ON_CHOICE = Object.freeze([
  {
    setting: 'model', value: 'conv', needs: { data: 'digits' },
    set: (/** @type {Config} */ c) => ({ data: 'digits', batch: 32, record_every: Number(c.record_every) >= 50 ? c.record_every : 50 }),
  },
]);

/**
 * The settings the student's change of `name` implies (ON_CHOICE), as a patch.
 * @param {string} name the control that changed
 * @param {Config} config the controls' values after the change
 * @param {Record<string, {choices?: string[]}>} byName the engine's settings by name
 * @returns {Config}
 */
export function impliedBy(name, config, byName) {
  let patch = {};
  for (const r of ON_CHOICE) {
    if (r.setting !== name || config[name] !== r.value) continue;
    const offered = Object.entries(r.needs).every(([k, v]) => (byName[k] && byName[k].choices || []).includes(v));
    if (offered) patch = { ...patch, ...r.set(config) };
  }
  return patch;
}

/** @param {string} name @param {Config} config */
export function applies(name, config) {
  const rule = /** @type {Record<string, (c: Config) => boolean>} */ (APPLIES)[name];
  return rule ? rule(config) : true;
}
