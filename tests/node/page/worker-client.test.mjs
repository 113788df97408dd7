// worker-client.test.mjs - web/js/ui/worker-client.js with a fake Worker:
// replies go to the listeners of their type, an error to 'error:<where>'
// (then 'error' if nobody took it), request() matches its reply by id and
// rejects on an error reply; types outside protocol.js are refused.  Then
// the same client against the real protocol core (worker-core.js) and
// engine: init, configure, predict_test by request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createWorkerClient } from '../../../web/js/ui/worker-client.js';
import { root, loadEngine, WorkerCore } from '../helpers.mjs';

const Protocol = createRequire(import.meta.url)(join(root, 'web/js/engine/protocol.js'));

function fakeWorker() {
  const w = { sent: [], onmessage: null, postMessage(m) { w.sent.push(m); }, reply(m) { w.onmessage({ data: m }); } };
  return w;
}

test('dispatch by type; errors by where, then to error; unsubscribe', () => {
  const w = fakeWorker();
  const c = createWorkerClient(w, Protocol);
  const got = [];
  const off = c.on('stats', (m) => got.push(['stats', m.n]));
  c.on('error:predict', (m) => got.push(['predict', m.message]));
  c.on('error', (m) => got.push(['error', m.where]));
  w.reply({ type: 'stats', n: 1 });
  w.reply({ type: 'error', where: 'predict', message: 'no' });
  w.reply({ type: 'error', where: 'run', message: 'x' });
  w.reply({ type: 'done' });
  off();
  w.reply({ type: 'stats', n: 2 });
  assert.deepEqual(got, [['stats', 1], ['predict', 'no'], ['error', 'run']]);
});

test('request: an id, the reply with that id resolves, an error reply rejects; others go to listeners', async () => {
  const w = fakeWorker();
  const c = createWorkerClient(w, Protocol);
  const heard = [];
  c.on('test_predictions', (m) => heard.push(m.id));
  const a = c.request({ type: 'predict_test', count: 2 });
  const b = c.request({ type: 'predict_test', count: 3 });
  const [ida, idb] = w.sent.map((m) => m.id);
  assert.notEqual(ida, idb);
  w.reply({ type: 'test_predictions', id: 'someone-else' });
  w.reply({ type: 'test_predictions', id: idb, count: 3 });
  w.reply({ type: 'error', where: 'predict_test', id: ida, message: 'images 0 .. 1 are outside', code: 1 });
  assert.equal((await b).count, 3);
  await assert.rejects(a, (e) => e.message === 'images 0 .. 1 are outside' && e.code === 1);
  assert.deepEqual(heard, ['someone-else']);
});

test('types outside protocol.js are refused on both sides', () => {
  const w = fakeWorker();
  const c = createWorkerClient(w, Protocol);
  assert.throws(() => c.send({ type: 'bogus' }), /not a request/);
  assert.throws(() => c.on('bogus', () => {}), /not a reply/);
  assert.throws(() => c.on('error:bogus', () => {}), /not a reply/);
  assert.doesNotThrow(() => c.on('error:configure', () => {}));
  assert.equal(w.sent.length, 0);
  assert.deepEqual(WorkerCore.Protocol, Protocol, 'the core reads the same list');
});

test('against the real core and engine: ready unasked, configure, a predict_test request', async () => {
  const engine = await loadEngine();
  const w = { onmessage: null, postMessage(m) { setTimeout(() => core.handle(m), 0); } };
  const core = WorkerCore.create(engine, (m) => setTimeout(() => w.onmessage({ data: m }), 0));
  const c = createWorkerClient(w, Protocol);
  const ready = await new Promise((ok) => c.on('ready', ok));
  assert.equal(ready.version, engine.version);
  assert.deepEqual(ready.settings, engine.settings);
  assert.deepEqual(ready.fields, engine.fieldNames);
  assert.throws(() => c.send({ type: 'init' }), /not a request/, 'nothing asks for ready');
  const configured = new Promise((ok) => c.on('configured', ok));
  c.send({ type: 'configure', config: { depth: 4, width: 8, arch: 'both' } });
  const m = await configured;
  assert.equal(m.layers.length, 6, m.layers.join(','));
  await assert.rejects(c.request({ type: 'predict_test', count: 4 }), /test/, 'no test images for data=spiral');
  const p = await c.request({ type: 'predict', nx: 2, ny: 2, bounds: [-1, 1, -1, 1] });
  assert.equal(p.type, 'boundary');
  assert.equal(p.grids.plain.length, 2 * 2 * p.classes);
});
