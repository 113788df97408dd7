// bench_sweep.mjs - how long a sweep takes in the WASM build (under node):
// 20 depths from 1 to 100 (evenly spaced, block 1 so every depth is legal)
// x 5 seeds x plain and residual, at width 32 on the 256-point spiral, at
// initialisation: 200 networks made, measured once and freed, one at a time.
//   bench sweep wasm units=200 depths=1..100:20 seeds=5 width=32 seconds=N.NN cpu_seconds=N.NN (median of RUNS; aim < 2 s)
//   bench sweep native seconds=N.NN  (build/gradlab --sweep, the same sweep, process start included)
// RUNS (default 5) as for the other benchmarks.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, root } from '../node/helpers.mjs';

const RUNS = Number(process.env.RUNS || 5);
const depths = Array.from({ length: 20 }, (_, i) => Math.round(1 + (99 * i) / 19));
const config = { width: 32, block: 1, act: 'sigmoid', data: 'spiral', points: 256 };
const spec = { sweep: 'depth=' + depths.join(','), seeds: '1..5', arch: 'both', steps: 0 };
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

const engine = await loadEngine();
const times = [], cpu = [];
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
}
console.log(`bench sweep wasm units=${units} depths=1..100:20 seeds=5 width=32 seconds=${median(times).toFixed(2)}` +
  ` cpu_seconds=${median(cpu).toFixed(2)} (median of ${RUNS}; aim < 2 s; cpu: this process's own time, which a busy machine moves less; plain slope ${slope.toFixed(3)} log10/layer)`);

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
