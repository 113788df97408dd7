// threads.test.mjs - the engine's helper threads in the browser.  Served
// cross-origin isolated (scripts/serve.mjs's COOP/COEP headers), the page's
// Worker loads the multi-threaded module and uses min(4, cores) threads;
// served without those headers (a plain static host) it falls back to the
// single-threaded module.  Either way the page shows the same numbers, bit
// for bit, as the single-threaded engine run in node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { setup, waitReady, runToEnd, ROOT, SITE, TIMEOUT } from './helpers.mjs';

const GradLab = createRequire(import.meta.url)(join(ROOT, 'web', 'js', 'engine', 'gradlab.js'));
const QUERY = '?depth=16&width=48&act=tanh&steps=40&record_every=1&lang=en';
const CONFIG = { depth: 16, width: 48, act: 'tanh', steps: 40, record_every: 1 };

/* The single-threaded engine in node, run like the page: 40 steps, both stacks. */
async function reference() {
  const engine = await GradLab.loadNode(join(SITE, 'engine'));
  const out = {};
  for (const arch of ['plain', 'residual']) {
    const net = engine.create(CONFIG, arch);
    const st = net.step(40).measure().stats();
    out[arch] = { step: st.step, loss: st.loss, grad_norm: Array.from(st.grad_norm), chi_measured: Array.from(st.chi_measured) };
    net.free();
  }
  return out;
}

async function runPage(isolate) {
  const env = await setup({ isolate });
  try {
    const { page, log } = await env.newPage();
    await page.goto(env.url + QUERY);
    await waitReady(page);
    await runToEnd(page);
    const info = await page.evaluate(() => ({
      isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency,
      footer: document.getElementById('engine-version').textContent, latest: window.gradlab.debug().latest,
    }));
    const engineFiles = log.requests.map((u) => new URL(u).pathname).filter((p) => p.startsWith('/engine/'));
    return { info, log, engineFiles };
  } finally {
    await env.close();
  }
}

function assertSameNumbers(latest, ref) {
  for (const arch of ['plain', 'residual']) {
    const r = latest[arch];
    assert.equal(r.step, ref[arch].step);
    assert.ok(Object.is(r.loss, ref[arch].loss), `${arch} loss ${r.loss} vs ${ref[arch].loss}`);
    assert.deepEqual(Array.from(r.grad_norm), ref[arch].grad_norm, `${arch} grad_norm, bit for bit`);
    assert.deepEqual(Array.from(r.chi_measured), ref[arch].chi_measured, `${arch} chi_measured, bit for bit`);
  }
}

const ref = await reference();

test('cross-origin isolated: the Worker trains on helper threads, with the single-threaded numbers', { timeout: 2 * TIMEOUT }, async () => {
  const { info, log, engineFiles } = await runPage(true);
  assert.equal(info.isolated, true, 'the page is cross-origin isolated');
  assert.ok(engineFiles.includes('/engine/gradlab-engine-mt.wasm') && engineFiles.includes('/engine/gradlab-engine-mt.worker.js'),
    `the multi-threaded module is loaded: ${engineFiles.join(' ')}`);
  assert.ok(!engineFiles.includes('/engine/gradlab-engine.wasm'), 'and not the single-threaded one');
  const threads = Math.min(4, info.cores);
  assert.ok(threads > 1 ? info.footer.includes(`${threads} threads`) : info.footer.includes('one thread'),
    `footer names ${threads} thread(s): ${info.footer}`);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.failed, []);
  assert.deepEqual(log.foreign, []);
  assertSameNumbers(info.latest, ref);
});

test('not isolated (a plain static host): the single-threaded module, the same numbers', { timeout: 2 * TIMEOUT }, async () => {
  const { info, log, engineFiles } = await runPage(false);
  assert.equal(info.isolated, false);
  assert.ok(engineFiles.includes('/engine/gradlab-engine.wasm'), `single-threaded module: ${engineFiles.join(' ')}`);
  assert.ok(!engineFiles.some((p) => p.includes('-mt')), 'nothing of the multi-threaded one');
  assert.match(info.footer, /one thread/);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.failed, []);
  assertSameNumbers(info.latest, ref);
});
