// bench_sweep.mjs - how long a sweep takes in the WASM build (under node):
// 20 depths from 1 to 100 (evenly spaced, block 1 so every depth is legal)
// x 5 seeds x plain and residual, at width 32 on the 256-point spiral, at
// initialisation: 200 networks made, measured once and freed, one at a time.
//   bench sweep wasm units=200 depths=1..100:20 seeds=5 width=32 seconds=N.NN cpu_seconds=N.NN (median of RUNS; aim < 2 s)
//   bench sweep native seconds=N.NN  (build/gradlab --sweep, the same sweep, process start included)
// and a plane (issue 27): init_std (12 values) x depth (12, evenly from 1 to
// 100) x 3 seeds x plain and residual, the same width, data and activation,
// at initialisation: 864 networks, 43,632 hidden layers.  Its time per
// hidden layer against the 1-D sweep's, the two run alternately in one
// process (the median of RUNS paired ratios; aim <= 1.2):
//   bench sweep2d wasm units=864 grid=12x12 seeds=3 width=32 seconds=N.NN us_per_hidden_layer=N.N
//   bench sweep2d wasm per_hidden_layer plane/1d=N.NN  (paired with the 1-D sweep, 1-D: N.N us)
// Per hidden layer-example (a sweep's CPU time / (10,100 hidden layers x 256 points): this
// process's own time, which the other work on a shared machine moves less than wall time), the
// sigmoid sweep, the same sweep with tanh (no subnormals: issue 26) and W1's training step
// (/ (50 hidden layers x 32 examples)), in the same rounds, and their ratios:
//   bench sweep wasm act=sigmoid ns_per_layer_example=N.N of_W1=N.NN of_tanh=N.NN
//   bench sweep wasm act=tanh ns_per_layer_example=N.N of_W1=N.NN   (aim <= 1.5)
//   bench sweep wasm W1 ns_per_layer_example=N.N
// RUNS (default 5) as for the other benchmarks; W1_S (default 1) seconds of W1 per round.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadEngine, root } from '../node/helpers.mjs';

const RUNS = Number(process.env.RUNS || 5);
const depths = Array.from({ length: 20 }, (_, i) => Math.round(1 + (99 * i) / 19));
const config = { width: 32, block: 1, act: 'sigmoid', data: 'spiral', points: 256 };
const spec = { sweep: 'depth=' + depths.join(','), seeds: '1..5', arch: 'both', steps: 0 };
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

const engine = await loadEngine();
/* W1 (workloads.json), trained on the same module between the sweeps: its time per hidden
 * layer-example (a step's time / (50 hidden layers x 32 examples)) beside the sweeps' */
const Bench = createRequire(import.meta.url)('./bench-core.js');
const w1cfg = Bench.parseWorkload(JSON.parse(readFileSync(join(root, 'tests/bench/workloads.json'), 'utf8')).W1);
const w1 = engine.create(w1cfg, w1cfg.arch);
const w1LayerExamples = Number(w1cfg.depth) * Number(w1cfg.points);
const W1_S = Number(process.env.W1_S || 1);
let w1chunk = 1;
for (let t0 = performance.now(); performance.now() - t0 < 500;) {
  const s0 = performance.now();
  w1.step(w1chunk);
  if (performance.now() - s0 < 20) w1chunk *= 2;
}
const cpuS = (c0) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1e6; };
/** W1's CPU seconds per hidden layer-example over W1_S seconds of steps */
function timeW1() {
  let steps = 0;
  const t0 = performance.now(), c0 = process.cpuUsage();
  do {
    w1.step(w1chunk);
    steps += w1chunk;
  } while (performance.now() - t0 < W1_S * 1000);
  return cpuS(c0) / steps / w1LayerExamples;
}
const tanhConfig = { ...config, act: 'tanh' };
const layerExamples = depths.reduce((a, b) => a + b, 0) * 5 * 2 * config.points; /* 10,100 hidden layers x 256 */
const times = [], cpu = [], tanhPer = [], sigPer = [], w1Per = [], tanhW1 = [], sigW1 = [], sigTanh = [];
let units = 0, slope = 0;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const sw = engine.sweep(config, spec);
  while (!sw.finished) sw.run(1);
  const res = sw.result();
  times.push((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
  units = sw.total;
  sw.free();
  /* the result is real: the plain stack's line, log10 per layer between depth 1 and 100 */
  const p = res.plain.grad_ratio_log10;
  const last = p.median.findLastIndex((v) => v !== null);
  slope = (p.median[last] - p.median[0]) / (res.values[last] - res.values[0]);
  /* the same sweep with tanh, then W1, in the same round */
  const c1 = process.cpuUsage();
  const tw = engine.sweep(tanhConfig, spec);
  while (!tw.finished) tw.run(1);
  tw.result();
  tw.free();
  const tanhS = cpuS(c1) / layerExamples, sigS = cpu[r] / layerExamples, w1S = timeW1();
  tanhPer.push(tanhS);
  sigPer.push(sigS);
  w1Per.push(w1S);
  tanhW1.push(tanhS / w1S);
  sigW1.push(sigS / w1S);
  sigTanh.push(sigS / tanhS);
}
w1.free();
console.log(`bench sweep wasm units=${units} depths=1..100:20 seeds=5 width=32 seconds=${median(times).toFixed(2)}` +
  ` cpu_seconds=${median(cpu).toFixed(2)} (median of ${RUNS}; aim < 2 s; cpu: this process's own time, which a busy machine moves less; plain slope ${slope.toFixed(3)} log10/layer)`);
const ns = (v) => (1e9 * median(v)).toFixed(1);
console.log(`bench sweep wasm act=sigmoid ns_per_layer_example=${ns(sigPer)} of_W1=${median(sigW1).toFixed(2)} of_tanh=${median(sigTanh).toFixed(2)}` +
  `  (the sweep above, CPU time per hidden layer-example, ${layerExamples} of them; medians of ${RUNS} rounds' ratios)`);
console.log(`bench sweep wasm act=tanh ns_per_layer_example=${ns(tanhPer)} of_W1=${median(tanhW1).toFixed(2)}` +
  `  (the same sweep with tanh, no subnormals, in the same rounds; aim of_W1 <= 1.5)`);
console.log(`bench sweep wasm W1 ns_per_layer_example=${ns(w1Per)}  (W1's training step's CPU time, every step recorded, / (50 hidden layers x 32 examples),` +
  ` ${W1_S} s of steps in each round, same module)`);

const exe = join(root, 'build/gradlab');
if (existsSync(exe)) {
  const args = ['--sweep', spec.sweep, '--seeds', spec.seeds, '--arch', 'both', '--width', '32', '--block', '1', '--json'];
  const nt = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    execFileSync(exe, args, { maxBuffer: 1 << 26 });
    nt.push((performance.now() - t0) / 1000);
  }
  const n = median(nt);
  console.log(`bench sweep native seconds=${n.toFixed(2)} wasm/native=${(median(times) / n).toFixed(2)}  (build/gradlab --sweep, process start included)`);
}

/* ---- the plane: its time per hidden layer, paired with the 1-D sweep's ---- */
const planeConfig = { ...config, init: 'normal' };
const planeDepths = Array.from({ length: 12 }, (_, i) => 1 + 9 * i); /* 1, 10, ..., 100 */
const planeSpec = { sweep: 'init_std=0.05..0.6:12', sweep2: 'depth=' + planeDepths.join(','), seeds: '1..3', arch: 'both', steps: 0 };
const sum = (v) => v.reduce((a, b) => a + b, 0);
const hidden1d = sum(depths) * 5 * 2, hidden2d = sum(planeDepths) * 12 * 3 * 2;
/** seconds to make, run to the end and read a sweep, one run(1) per unit as the Worker does at init */
function timeSweep(cfg, sp) {
  const t0 = performance.now();
  const sw = engine.sweep(cfg, sp);
  while (!sw.finished) sw.run(1);
  const res = sw.result();
  const s = (performance.now() - t0) / 1000;
  const n = sw.total;
  sw.free();
  return { s, n, res };
}
const ratios = [], planeTimes = [], oneTimes = [];
let planeUnits = 0, planeRes = null;
for (let r = 0; r < RUNS; r++) {
  const one = timeSweep(config, spec);
  const pl = timeSweep(planeConfig, planeSpec);
  planeUnits = pl.n;
  planeRes = pl.res;
  oneTimes.push(one.s / hidden1d);
  planeTimes.push(pl.s);
  ratios.push((pl.s / hidden2d) / (one.s / hidden1d));
}
/* the result is real: 12 x 12 grids, chi_mf from the engine on the init_std axis */
const g = planeRes.plain.chi_geomean.median;
if (g.length !== 12 || g.some((row) => row.length !== 12) || planeRes.axes[0].chi_mf.length !== 12) throw new Error('bench sweep2d: not a 12 x 12 plane');
console.log(`bench sweep2d wasm units=${planeUnits} grid=12x12 (init_std x depth 1..100) seeds=3 width=32 seconds=${median(planeTimes).toFixed(2)}` +
  ` us_per_hidden_layer=${(1e6 * median(planeTimes) / hidden2d).toFixed(1)} (median of ${RUNS}; ${hidden2d} hidden layers)`);
console.log(`bench sweep2d wasm per_hidden_layer plane/1d=${median(ratios).toFixed(2)}  (median of ${RUNS} paired runs with the 1-D sweep above,` +
  ` whose hidden layer took ${(1e6 * median(oneTimes)).toFixed(1)} us; aim <= 1.2)`);
