// bench_conv_record.mjs - what a record costs in conv mode, in the WASM build
// (single-threaded module, under node), on the page's 10-block conv net:
//   bench conv_record wasm step_ms=N record_step_ms=N ratio=N.NN
// step_ms: a training step that records nothing (record_every = 10^6);
// record_step_ms: a step that records (record_every = 1): the step, the
// record's statistics and the loss and accuracy it measures (a conv model's
// on the first GL_CONV_EVAL = 50 training and 50 test images, gl_internal.h).
// The record itself costs ratio - 1 steps: the aim is at most 2 (docs/architecture.md,
// "What a conv record measures on").
// Both nets train in alternate rounds of ROUND steps (RUNS rounds), so the
// machine's drift falls on both alike; ratio = the median over rounds of
// record_step / step.  GRADLAB_ENGINE_DIR=dir measures another build (say
// the engine before the change).  Not a test: nothing is asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GradLab, engineDir, root, median } from '../node/helpers.mjs';

const RUNS = Number(process.env.RUNS || 5), ROUND = Number(process.env.ROUND || 4);
const engine = await GradLab.loadNode(engineDir);
const digits = { train: readFileSync(join(root, 'web/data/digits-train.bin')), test: readFileSync(join(root, 'web/data/digits-test.bin')) };
const base = { model: 'conv', data: 'digits', blocks: 10, channels: 8, pool: 1, act: 'relu', init: 'he', batch: 32, digits };
const plain = engine.create({ ...base, record_every: 1000000 }, 'residual');
const rec = engine.create({ ...base, record_every: 1 }, 'residual');
const time = (net) => {
  const t0 = performance.now();
  net.step(ROUND);
  return (performance.now() - t0) / ROUND;
};
time(plain);
time(rec);
const a = [], b = [], r = [];
for (let i = 0; i < RUNS; i++) {
  const x = time(plain), y = time(rec);
  a.push(x);
  b.push(y);
  r.push(y / x);
}
console.log(`bench conv_record wasm step_ms=${median(a).toFixed(1)} record_step_ms=${median(b).toFixed(1)} ratio=${median(r).toFixed(2)} ` +
  `(blocks 10, channels 8, batch 32; medians of ${RUNS} alternating rounds of ${ROUND} steps)`);
plain.free();
rec.free();
