// worker-shim.cjs - runs the page's Worker core (web/js/engine/worker-core.js) in a
// node worker_threads Worker, exactly as web/js/engine/worker.js does in a browser.
const { parentPort, workerData } = require('node:worker_threads');
const GradLab = require(workerData.gradlab);
const Core = require(workerData.core);
const queue = [];
let core = null;
parentPort.on('message', (m) => (core ? core.handle(m) : queue.push(m)));
GradLab.loadNode(workerData.engineDir).then((engine) => {
  core = Core.create(engine, (m) => parentPort.postMessage(m));
  for (const m of queue.splice(0)) core.handle(m);
});
