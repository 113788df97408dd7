// bench_wasm.mjs - the WASM build's training speed under node, on the same
// workloads as bench.c (tests/bench/workloads.json):
//   bench W1 wasm steps_per_s=NNN gflops=NNN             the single-threaded module
//   bench W1 wasm threads=2 steps_per_s=NNN gflops=NNN   the multi-threaded one (THREADS, default 2),
//   bench W1 wasm threads=2 speedup=N.NN                 in runs alternating with 1 thread
//   bench W1bn wasm time_ratio_to_W1=N.NNN               W1 with norm=batch against W1, the two nets
//   bench W1bn wasm threads=2 time_ratio_to_W1=N.NNN     taking turns (W3bn likewise)
//   bench W1bn wasm record_every=10 time_ratio_to_W1=N.NNN   both nets recording every 10 steps
//   bench W1hist wasm time_ratio_to_W1=N.NNN             W1 with hist=1 against hist=0, taking turns
//   bench W1hist wasm threads=2 time_ratio_to_W1=N.NNN   (W3hist likewise): the record's histograms
// The timing loop, FLOP counts and line format are bench-core.js's, shared
// with bench_browser.mjs.  RUN_S, RUNS, WARM_S as for bench.c.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { GradLab, engineDir, loadEngine, root } from '../node/helpers.mjs';

const Bench = createRequire(import.meta.url)('./bench-core.js');

const RUN_S = Number(process.env.RUN_S || 2), RUNS = Number(process.env.RUNS || 5);
const WARM_S = Number(process.env.WARM_S || 1);
const workloads = JSON.parse(readFileSync(join(root, 'tests/bench/workloads.json'), 'utf8'));
const engine = await loadEngine();
const THREADS = Number(process.env.THREADS || 2);
const mt = THREADS > 1 ? await GradLab.loadNode(engineDir, { threads: THREADS }) : null;
// --native FILE: the output of build/bench, to print a wasm/native ratio line per workload
const argv = process.argv.slice(2);
const nativeAt = argv.indexOf('--native');
const nativeFile = nativeAt >= 0 ? argv.splice(nativeAt, 2)[1] : null;
const native = {};
if (nativeFile) {
  for (const m of readFileSync(nativeFile, 'utf8').matchAll(/^bench (\w+) native steps_per_s=([\d.]+)/gm)) native[m[1]] = Number(m[2]);
}
const only = argv[0];

/* The SIMD128 multiply+add ceiling of this machine right now (peak.c), in
 * GFLOP/s: best of 5 runs of ~0.2 s after a warm-up call.  Measured before
 * each workload, because the machine's speed moves (up to 2x) run to run. */
const peakPath = join(root, 'build/bench-peak.wasm');
let peakFn = null;
try {
  const { instance } = await WebAssembly.instantiate(readFileSync(peakPath), {});
  peakFn = instance.exports.peak;
} catch {
  console.log(`bench peak: ${peakPath} not built (make build/bench-peak.wasm); no ceiling line`);
}
function ceiling() {
  if (!peakFn) return 0;
  peakFn(1e6, 1e-9);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const n = 2e7, t0 = performance.now();
    peakFn(n, 1e-9);
    best = Math.max(best, (n * 12 * 8) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return best;
}

const opts = { RUN_S, RUNS, WARM_S };
const trainDigits = readFileSync(join(root, 'web/data/digits-train.bin'));
for (const name of ['W1', 'W2', 'W3']) {
  if (only && only !== name) continue;
  const config = Bench.takeDigits(Bench.parseWorkload(workloads[name]), trainDigits);
  const peak = ceiling();
  const net = engine.create(config, config.arch);
  const flops = Bench.stepFlops(config, net);
  const m = Bench.measure(net, opts), med = m.median;
  let ratio = native[name] ? `\nbench ${name} wasm/native ratio=${(med / native[name]).toFixed(2)}` : '';
  if (peak) ratio += `\nbench ${name} wasm peak_gflops=${peak.toFixed(1)} of_peak=${((med * flops) / 1e9 / peak).toFixed(2)}  (f32x4 multiply+add ceiling measured just before)`;
  console.log(Bench.line(name, 'wasm', flops, m, opts, net.stats().status) + ratio);
  net.free();
  if (!mt) continue;
  const tnet = mt.create(config, config.arch);
  const p = Bench.measurePaired(tnet, () => mt.setThreads(THREADS), () => mt.setThreads(1), opts);
  const more = peak ? `\nbench ${name} wasm threads=${THREADS} of_peak=${((p.a.median * flops) / 1e9 / (THREADS * peak)).toFixed(2)}  (of ${THREADS} x the one-core ceiling)` : '';
  console.log(Bench.threadLines(name, 'wasm', THREADS, flops, p, opts, tnet.stats().status) + more);
  tnet.free();
}

// W1bn, W3bn: the workload with norm=batch against the workload, interleaved;
// W1bn once more with a record every 10 steps for both (batch norm's own cost,
// mostly without the record's evaluation-mode forward pass)
for (const [name, base, extra] of [['W1bn', 'W1', null], ['W3bn', 'W3', null], ['W1bn', 'W1', { record_every: 10 }]]) {
  if (only && only !== name) continue;
  const config = { ...Bench.takeDigits(Bench.parseWorkload(workloads[base]), trainDigits), ...(extra || {}) };
  const named = extra ? ' record_every=10' : '';
  for (const mod of mt ? [engine, mt] : [engine]) {
    const a = mod.create(config, config.arch), b = mod.create({ ...config, norm: 'batch' }, config.arch);
    const p = Bench.measureTwoNets(a, b, opts);
    console.log(Bench.normRatioLine(name, base, (mod === engine ? 'wasm' : `wasm threads=${THREADS}`) + named, p, opts, b.stats().status));
    a.free();
    b.free();
  }
}

// W1hist, W3hist: the workload with the record's histograms (hist=1) against
// the same without (the workloads' hist=0), every step recorded, interleaved
for (const [name, base] of [['W1hist', 'W1'], ['W3hist', 'W3']]) {
  if (only && only !== name) continue;
  const config = Bench.takeDigits(Bench.parseWorkload(workloads[base]), trainDigits);
  for (const mod of mt ? [engine, mt] : [engine]) {
    const a = mod.create({ ...config, hist: 0 }, config.arch), b = mod.create({ ...config, hist: 1 }, config.arch);
    const p = Bench.measureTwoNets(a, b, opts);
    console.log(Bench.ratioLine(name, base, mod === engine ? 'wasm' : `wasm threads=${THREADS}`, p, opts, b.stats().status, 'with hist=1', 'with hist=0'));
    a.free();
    b.free();
  }
}
