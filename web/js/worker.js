/*
 * worker.js - the browser Worker: loads the engine and hands every message to
 * the protocol core (worker-core.js).  Classic worker script, same origin.
 */
/* global importScripts, createGradLabModule, GradLab, GradLabWorkerCore */
importScripts('../engine/gradlab-engine.js', 'gradlab.js', 'worker-core.js');

const queue = [];
let core = null;
const post = (m) => self.postMessage(m);

/* the .wasm sits beside gradlab-engine.js, not beside this worker script */
GradLab.load({ factory: createGradLabModule, moduleOptions: { locateFile: (file) => '../engine/' + file } })
  .then((engine) => {
    core = GradLabWorkerCore.create(engine, post);
    for (const m of queue.splice(0)) core.handle(m);
  })
  .catch((e) => post({ type: 'error', where: 'load', message: 'the engine failed to load: ' + e.message, code: 0 }));

self.onmessage = (ev) => {
  if (core) core.handle(ev.data);
  else queue.push(ev.data);
};
