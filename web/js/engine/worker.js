// @ts-check
/*
 * worker.js - the browser Worker: loads the engine as soon as the script
 * runs, unasked (the core then posts `ready`), and hands every message to the
 * protocol core (worker-core.js); requests that come before the engine is
 * loaded wait in order.  Classic worker script, same origin.
 */
/* global GradLab, GradLabWorkerCore */
/* A cross-origin isolated page (the COOP/COEP headers of scripts/serve.mjs)
 * may share memory between Workers: it gets the engine built with helper
 * threads, on up to 4 of the machine's cores.  Anywhere else (a static host
 * without those headers) the single-threaded module computes the same
 * numbers, more slowly. */
const MT = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
const ENGINE = MT ? 'gradlab-engine-mt.js' : 'gradlab-engine.js';

/* the .wasm (and the helper threads' script) sit beside the engine's .js, not
 * beside this worker script; helper threads load the engine by absolute URL */
const engineUrl = (/** @type {string} */ file) => new URL('../../engine/' + file, self.location.href).href;
/* The engine first, and its module started at once: importScripts fetches
 * one file after another, so the .wasm downloads and compiles while the JS
 * API and the core below arrive, not after them. */
importScripts('../../engine/' + ENGINE);
const engineModule = createGradLabModule({ locateFile: engineUrl, mainScriptUrlOrBlob: engineUrl(ENGINE) });
/* build/site serves these six joined, one file in one fetch (scripts/assemble-site.mjs
 * rewrites this line to importScripts('worker-scripts.js')) */
importScripts('net.js', 'sweep.js', 'gradlab.js', 'protocol.js', 'worker-sweep.js', 'worker-core.js');

/** requests that came before the engine: handled in order once it is loaded */
/** @type {import('./protocol.js').Request[]} */
const queue = [];
/** @type {ReturnType<typeof GradLabWorkerCore.create> | null} */
let core = null;
const post = (/** @type {import('./protocol.js').Reply} */ m) => self.postMessage(m);

GradLab.load({ factory: () => engineModule })
  .then((engine) => {
    if (MT) {
      const want = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
      try {
        engine.setThreads(want);
      } catch (e) {
        /* a helper would not start: the engine keeps those that did (engine.threads) */
        console.warn('GradLab: ' + e.message);
      }
    }
    core = GradLabWorkerCore.create(engine, post);
    for (const m of queue.splice(0)) core.handle(m);
  })
  .catch((e) => post({ type: 'error', where: 'load', message: 'the engine failed to load: ' + e.message, code: 0 }));

self.onmessage = (ev) => {
  if (core) core.handle(ev.data);
  else queue.push(ev.data);
};
