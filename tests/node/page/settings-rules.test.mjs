// settings-rules.test.mjs - web/js/lab/settings-rules.js against the
// engine's own settings table: every setting a rule names exists, a rule
// says when its setting applies, and choosing model=conv implies the digits,
// batch 32 and a record interval of at least 50 (only where the engine
// offers the digits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_OF, APPLIES, TOGGLED, FIXED, ON_CHOICE, impliedBy, applies } from '../../../web/js/lab/settings-rules.js';
import { loadEngine } from '../helpers.mjs';

const engine = await loadEngine();
const byName = engine.settingsByName;

test('every setting the rules name is in the engine\'s table', () => {
  for (const name of [...Object.keys(GROUP_OF), ...Object.keys(APPLIES), ...Object.keys(TOGGLED), ...Object.keys(FIXED)]) {
    assert.ok(byName[name], `${name} is an engine setting`);
  }
  for (const r of ON_CHOICE) assert.ok(byName[r.setting].choices.includes(r.value), `${r.setting}=${r.value} is a choice`);
});

test('which settings apply, on the engine\'s defaults and on a conv config', () => {
  const dense = engine.normalize({});
  const conv = { ...dense, model: 'conv', data: 'digits' };
  assert.deepEqual(['depth', 'width', 'blocks', 'channels', 'pool', 'points'].map((n) => applies(n, dense)), [true, true, false, false, false, true]);
  assert.deepEqual(['depth', 'width', 'blocks', 'channels', 'pool', 'points', 'noise', 'data_seed'].map((n) => applies(n, conv)), [false, false, true, true, true, false, false, false]);
  assert.equal(applies('init_std', { ...dense, init: 'normal' }), true);
  assert.equal(applies('init_std', { ...dense, init: 'xavier' }), false);
  assert.equal(applies('momentum', { ...dense, optimizer: 'momentum' }), true);
  assert.equal(applies('lr', dense), true, 'a setting without a rule always applies');
});

test('model=conv implies the digits, batch 32, record_every >= 50', () => {
  const c = engine.normalize({});
  assert.deepEqual(impliedBy('model', { ...c, model: 'conv', record_every: 10 }, byName), { data: 'digits', batch: 32, record_every: 50 });
  assert.deepEqual(impliedBy('model', { ...c, model: 'conv', record_every: 80 }, byName), { data: 'digits', batch: 32, record_every: 80 });
  assert.deepEqual(impliedBy('model', { ...c, model: 'dense' }, byName), {});
  assert.deepEqual(impliedBy('depth', { ...c, model: 'conv' }, byName), {}, 'only a change of the model control');
  const noDigits = { ...byName, data: { ...byName.data, choices: byName.data.choices.filter((x) => x !== 'digits') } };
  assert.deepEqual(impliedBy('model', { ...c, model: 'conv' }, noDigits), {}, 'not where the engine has no digits');
  /* what it implies, the engine accepts */
  const conv = { ...c, model: 'conv', ...impliedBy('model', { ...c, model: 'conv' }, byName) };
  assert.equal(engine.normalize(conv).data, 'digits');
});
