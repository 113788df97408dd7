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
//   bench W1 wasm peak_gflops=NN.N of_peak=N.NN          the share of the SIMD128 ceiling: of the highest
//   bench ceiling wasm used=NN.N ...                     ceiling measured in this run (before and after
//                                                        each workload), printed after W3
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
 * GFLOP/s: best of 5 runs of ~0.2 s after a warm-up call.  The machine's
 * speed moves (up to 2x, for minutes at a time), so one measurement in a slow
 * moment would flatter the workload next to it (W3 once read 0.81 of a
 * ceiling of 17.7 GFLOP/s, against 25-26 around W1 and W2 in the same run;
 * 0.43 in the next).  It is measured before and after each workload, and
 * every share is taken of the highest measurement in the run: an aim is met
 * by the engine, not by a slow ceiling. */
const peakPath = join(root, 'build/bench-peak.wasm');
let peakFn = null;
try {
  const { instance } = await WebAssembly.instantiate(readFileSync(peakPath), {});
  peakFn = instance.exports.peak;
} catch {
  console.log(`bench peak: ${peakPath} not built (make build/bench-peak.wasm); no ceiling line`);
}
const ceilings = []; /* {at, gflops}: every measurement of the run, in order */
function ceiling(at) {
  if (!peakFn) return 0;
  peakFn(1e6, 1e-9);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const n = 2e7, t0 = performance.now();
    peakFn(n, 1e-9);
    best = Math.max(best, (n * 12 * 8) / ((performance.now() - t0) / 1000) / 1e9);
  }
  ceilings.push({ at, gflops: best });
  return best;
}

const opts = { RUN_S, RUNS, WARM_S };
const trainDigits = readFileSync(join(root, 'web/data/digits-train.bin'));
const shares = []; /* the of_peak lines, printed once every ceiling of W1..W3 is in */
for (const name of ['W1', 'W2', 'W3']) {
  if (only && only !== name) continue;
  const config = Bench.takeDigits(Bench.parseWorkload(workloads[name]), trainDigits);
  const before = ceiling(`before ${name}`);
  const net = engine.create(config, config.arch);
  const flops = Bench.stepFlops(config, net);
  const m = Bench.measure(net, opts), med = m.median;
  const after = ceiling(`after ${name}`);
  const ratio = native[name] ? `\nbench ${name} wasm/native ratio=${(med / native[name]).toFixed(2)}` : '';
  console.log(Bench.line(name, 'wasm', flops, m, opts, net.stats().status) + ratio);
  net.free();
  const share = { name, flops, med, before, after, mt: null };
  shares.push(share);
  if (!mt) continue;
  const tnet = mt.create(config, config.arch);
  const p = Bench.measurePaired(tnet, () => mt.setThreads(THREADS), () => mt.setThreads(1), opts);
  share.mt = p.a.median;
  console.log(Bench.threadLines(name, 'wasm', THREADS, flops, p, opts, tnet.stats().status));
  tnet.free();
}
if (peakFn && shares.length) {
  ceiling('end');
  const top = ceilings.reduce((a, c) => (c.gflops > a.gflops ? c : a));
  const g = (x) => x.toFixed(1);
  for (const s of shares) {
    const gf = (s.med * s.flops) / 1e9;
    console.log(`bench ${s.name} wasm peak_gflops=${g(top.gflops)} of_peak=${(gf / top.gflops).toFixed(2)}  (${g(gf)} GFLOP/s of the run's highest` +
      ` f32x4 multiply+add ceiling, measured ${top.at}; around ${s.name}: ${g(s.before)} before, ${g(s.after)} after, share ${(gf / Math.max(s.before, s.after)).toFixed(2)} of their higher)`);
    if (s.mt) console.log(`bench ${s.name} wasm threads=${THREADS} of_peak=${((s.mt * s.flops) / 1e9 / (THREADS * top.gflops)).toFixed(2)}  (of ${THREADS} x the one-core ceiling above)`);
  }
  console.log(`bench ceiling wasm used=${g(top.gflops)} (${top.at}; the highest of ${ceilings.length} measurements: ${ceilings.map((c) => `${c.at} ${g(c.gflops)}`).join(', ')})`);
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
