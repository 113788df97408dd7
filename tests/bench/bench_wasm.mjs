// bench_wasm.mjs - the WASM build's training speed under node, on the same
// workloads as bench.c (tests/bench/workloads.json):
//   bench W1 wasm steps_per_s=NNN gflops=NNN
// The exported step is called once per batch of steps (V8 does not move an
// already-running WASM function to optimised code, so one long call would
// stay in the baseline tier).  RUN_S, RUNS, WARM_S as for bench.c.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, root } from '../node/helpers.mjs';

const RUN_S = Number(process.env.RUN_S || 2), RUNS = Number(process.env.RUNS || 5);
const WARM_S = Number(process.env.WARM_S || 1);
const workloads = JSON.parse(readFileSync(join(root, 'tests/bench/workloads.json'), 'utf8'));
const engine = await loadEngine();
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

/** The first n training digits as a digits file of their own (W3's `images` key). */
function firstDigits(n) {
  const t = readFileSync(join(root, 'web/data/digits-train.bin'));
  const b = new Uint8Array(t.subarray(0, 16 + n * (1 + t[8] * t[9])));
  new DataView(b.buffer).setUint32(12, n, true);
  return b;
}

/** FLOPs per step of the conv model: 6 * batch * pixels * fan_in * fan_out per conv
 * (maps halve after the block that ends each of pool+1 stages, as in net.c), then fc. */
function convFlops(config, B, image, classes) {
  const C = Number(config.channels), NB = Number(config.blocks), P = Number(config.pool);
  let hw = image.h * image.w, h = image.h, w = image.w, f = 9 * C * hw;
  for (let b = 0; b < NB; b++) {
    f += 2 * 9 * C * C * hw;
    for (let k = 1; k <= P; k++) if (b + 1 === Math.floor((k * NB) / (P + 1))) { h >>= 1; w >>= 1; hw = h * w; }
  }
  return 6 * B * (f + C * classes);
}

for (const name of ['W1', 'W2', 'W3']) {
  if (only && only !== name) continue;
  const config = Object.fromEntries(workloads[name].split(' ').map((kv) => kv.split('=')));
  if (config.images) {
    config.digits = { train: firstDigits(Number(config.images)) };
    delete config.images;
  }
  const peak = ceiling();
  const net = engine.create(config, config.arch);
  const d = net.data();
  // dense layer shapes: d -> width (depth+1 times) -> classes
  const W = Number(config.width), L = Number(config.depth), B = d.n;
  const flops = config.model === 'conv' ? convFlops(config, B, net.image, d.classes)
    : 6 * B * (d.d * W + L * W * W + W * d.classes);
  const now = () => performance.now() / 1000;
  // calibrate a batch of steps to ~20 ms per call
  let chunk = 1;
  for (let t0 = now(); now() - t0 < WARM_S;) {
    const s0 = now();
    net.step(chunk);
    if (now() - s0 < 0.02) chunk *= 2;
  }
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    let steps = 0;
    const s0 = now();
    let el;
    do {
      net.step(chunk);
      steps += chunk;
      el = now() - s0;
    } while (el < RUN_S);
    rates.push(steps / el);
  }
  rates.sort((a, b) => a - b);
  const med = rates[rates.length >> 1];
  let ratio = native[name] ? `\nbench ${name} wasm/native ratio=${(med / native[name]).toFixed(2)}` : '';
  if (peak) ratio += `\nbench ${name} wasm peak_gflops=${peak.toFixed(1)} of_peak=${((med * flops) / 1e9 / peak).toFixed(2)}  (f32x4 multiply+add ceiling measured just before)`;
  console.log(`bench ${name} wasm steps_per_s=${med.toFixed(1)} gflops=${(med * flops / 1e9).toFixed(2)}  (runs ${RUNS} x ${RUN_S} s, ${chunk} steps per call, min ${rates[0].toFixed(1)} max ${rates[rates.length - 1].toFixed(1)}, status ${net.stats().status})${ratio}`);
  net.free();
}
