// selection.test.mjs - the page's one selected layer (web/js/lab/selection.js):
// only a layer the network has, cleared by a configuration that loses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../../web/js/ui/store.js';
import { createSelection, isSelection } from '../../../web/js/lab/selection.js';

const fresh = (layers) => createStore({ layers: Array.from({ length: layers }, (_, i) => `Lin_${i + 1}`), configuredCount: 1, selected: null });

test('select: a layer of a stack the network has, else refused and unchanged', () => {
  const store = fresh(5);
  const sel = createSelection({ store });
  assert.equal(sel.select({ arch: 'residual', layer: 5 }), true);
  assert.deepEqual(store.get().selected, { arch: 'residual', layer: 5 });
  for (const bad of [{ arch: 'residual', layer: 6 }, { arch: 'residual', layer: 0 }, { arch: 'both', layer: 1 }, { arch: 'plain', layer: 1.5 }]) {
    assert.equal(sel.select(/** @type {any} */ (bad)), false, JSON.stringify(bad));
    assert.deepEqual(sel.get(), { arch: 'residual', layer: 5 });
  }
  assert.equal(sel.select(null), true);
  assert.equal(sel.get(), null);
  assert.equal(isSelection({ arch: 'plain', layer: 3 }, 3), true);
  assert.equal(isSelection(null, 3), false);
});

test('a new configuration keeps the selection only while its layer exists', () => {
  const store = fresh(5);
  const sel = createSelection({ store });
  sel.select({ arch: 'plain', layer: 4 });
  store.update({ layers: ['a', 'b', 'c', 'd', 'e', 'f'], configuredCount: 2 });
  assert.deepEqual(sel.get(), { arch: 'plain', layer: 4 }, 'deeper network: layer 4 is still there');
  store.update({ layers: ['a', 'b', 'c'], configuredCount: 3 });
  assert.equal(sel.get(), null, 'three layers: layer 4 is gone');
});
