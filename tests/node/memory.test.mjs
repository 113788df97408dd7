// memory.test.mjs - 10,000 create/step/free cycles (and failed creates;
// norm none, batch and layer in turn)
// leave the WASM heap where it was: malloc's bytes in use are measured
// before and after, and the linear memory does not grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';

test('10,000 create/step/free cycles leave the heap where it was', async () => {
  const engine = await loadEngine();
  // warm up once (first calls may allocate lazily-initialised runtime state)
  engine.create({ depth: 4, width: 8 }, 'plain').free();
  try { engine.create({ depth: 0 }); } catch { /* expected */ }
  const before = engine.heapInUse(), pages = engine.mod.HEAPU8.length;
  const archs = ['plain', 'residual'];
  for (let i = 0; i < 10000; i++) {
    const net = engine.create({ depth: 4, width: 8, points: 32, res_scale: i % 3 ? 1 : 'rezero', optimizer: ['sgd', 'momentum', 'adam'][i % 3], data: i % 7 ? 'spiral' : 'csv', csv: '0,1,0\n1,0,1\n', norm: ['none', 'batch', 'layer'][i % 5 % 3] }, archs[i % 2]);
    net.step(2);
    net.stats();
    net.free();
    if (i % 100 === 0) {
      try { engine.create({ data: 'csv', csv: '1,2,0\nbad\n' }, 'plain'); } catch { /* expected */ }
      try { engine.create({ norm: 'batch', batch: 1 }, 'plain'); } catch { /* expected: a batch of 1 */ }
    }
  }
  const after = engine.heapInUse();
  assert.equal(after, before, `bytes in use: before ${before}, after ${after}`);
  assert.equal(engine.mod.HEAPU8.length, pages, 'the linear memory did not grow');
});
