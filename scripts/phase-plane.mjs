#!/usr/bin/env node
// phase-plane.mjs - the lesson's phase diagram (issue 27; Schoenholz et al.
// 2017, Figure 5/6 at toy scale): tanh stacks over weight scale sigma_w x
// depth, trained a few hundred steps, plain and residual, run as one engine
// plane (engine.sweep with sweep2) on the multi-threaded WebAssembly build
// in node, the way the page's Worker runs it: pieces of training steps,
// progress as it goes.  `make wasm` first.
//
//   node scripts/phase-plane.mjs [--threads 2] [--seeds 1..2] [--steps 300]
//                                [--lr 0.003] [--out build/phase-plane.json]
//
// sigma_w = 0.5, 0.75, ..., 2.5 (init_std = sigma_w / sqrt(32), 9 values),
// depth 2..100 (10 values, log-spaced: 2, 3, 5, 7, 11, 18, 27, 42, 65, 100),
// width 32, the 256-point circles, batch 32, SGD with momentum 0.9.
// Prints the engine's mean field per sigma_w (chi_mf, 6 xi, 6 xi_c), the
// median final training accuracy of each stack as a grid (rows = depth) and
// the wall-clock time; writes the engine's plane JSON to --out.
// --threads 0 runs the single-threaded module instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const GradLab = require(join(root, 'web/js/engine/gradlab.js'));
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const THREADS = Number(opt('--threads', 2));
const OUT = opt('--out', join(root, 'build/phase-plane.json'));

const WIDTH = 32;
const sigmas = [0.5, 2.5];
const config = {
  act: 'tanh', init: 'normal', width: WIDTH, block: 1, data: 'circles', points: 256,
  batch: 32, optimizer: 'momentum', momentum: 0.9, lr: Number(opt('--lr', 0.003)), record_every: 1000,
};
const spec = {
  sweep: `init_std=${(sigmas[0] / Math.sqrt(WIDTH)).toFixed(8)}..${(sigmas[1] / Math.sqrt(WIDTH)).toFixed(8)}:9`,
  sweep2: 'depth=2..100:10', seeds: opt('--seeds', '1..2'), arch: 'both', steps: Number(opt('--steps', 300)),
};

const engine = await GradLab.loadNode(join(root, 'build/site/engine'), THREADS > 0 ? { threads: THREADS } : {});
const t0 = performance.now();
const sw = engine.sweep(config, spec);
let last = t0, maxSteps = 1;
/* pieces as the Worker cuts them: doubled while quick, halved when slow */
while (!sw.finished) {
  const p0 = performance.now();
  sw.run(maxSteps);
  const took = performance.now() - p0;
  if (took < 4 && maxSteps < 1 << 20) maxSteps *= 2;
  else if (took > 30 && maxSteps > 1) maxSteps >>= 1;
  if (performance.now() - last > 5000) {
    last = performance.now();
    process.stderr.write(`  ${sw.done} of ${sw.total} units, ${(100 * sw.progress).toFixed(0)}%, ${((last - t0) / 1000).toFixed(0)} s\n`);
  }
}
const res = sw.result();
const seconds = (performance.now() - t0) / 1000;
sw.free();
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ config, spec, threads: engine.threads, seconds, sweep: res }) + '\n');

const [ax, depths] = res.axes;
const cell = (v, d = 2) => (v === null ? 'null' : v.toFixed(d)).padStart(7);
const fmt = (v) => (v === null ? 'inf' : v < 1000 ? v.toFixed(1) : v.toExponential(0)).padStart(7);
console.log(`phase plane: ${ax.values.length} sigma_w x ${depths.values.length} depths x seeds ${res.seeds.join('..')} x plain, residual;` +
  ` ${res.steps} steps; ${engine.threads} thread(s) (${THREADS > 0 ? 'gradlab-engine-mt' : 'gradlab-engine'}); ${seconds.toFixed(1)} s`);
console.log(`  ${'sigma_w'.padEnd(12)}${ax.sigma_w.map((v) => cell(v)).join('')}`);
console.log(`  ${'chi_mf'.padEnd(12)}${ax.chi_mf.map((v) => cell(v, 3)).join('')}`);
console.log(`  ${'depth_6xi'.padEnd(12)}${ax.depth_6xi.map(fmt).join('')}`);
console.log(`  ${'depth_6xi_c'.padEnd(12)}${ax.depth_6xi_c.map(fmt).join('')}`);
for (const arch of ['plain', 'residual']) {
  console.log(`${arch}: median final training accuracy (diverged share in brackets where > 0)`);
  depths.values.forEach((d, j) => {
    const row = res[arch].final_acc.median[j].map((v, i) => {
      const div = res[arch].diverged_share[j][i];
      return div > 0 ? `${cell(v)}[${div.toFixed(1)}]` : cell(v);
    });
    console.log(`  depth ${String(d).padStart(4)}  ${row.join('')}`);
  });
}
