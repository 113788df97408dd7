// bench-core.js - the parts of the WASM benchmark that run in node
// (bench_wasm.mjs, through require) and in chromium (bench_browser.mjs,
// evaluated in the page): the workload text as a config, W3's digits, the
// FLOPs of one step, the timing loops and the printed lines.  A classic script
// so that both can load it without a bundler.
(function (root) {
  /** 'k=v k=v ...' (tests/bench/workloads.json) -> config object. */
  function parseWorkload(text) {
    return Object.fromEntries(text.split(' ').map((kv) => kv.split('=')));
  }

  /** W3's `images` key: the first n images of the training digits file
   * (bytes) as a digits file of their own, set on config.digits. */
  function takeDigits(config, trainBytes) {
    if (!config.images) return config;
    const t = trainBytes, n = Number(config.images);
    const b = new Uint8Array(t.subarray(0, 16 + n * (1 + t[8] * t[9])));
    new DataView(b.buffer).setUint32(12, n, true);
    config.digits = { train: b };
    delete config.images;
    return config;
  }

  /** FLOPs of one step, 6 * batch * fan_in * fan_out per layer (forward, dW,
   * dx).  Dense: d -> width (depth+1 times) -> classes.  Conv: per 3x3 conv
   * over the current map (maps halve after the block that ends each of
   * pool+1 stages, as in graph.c), then the fully connected layer. */
  function stepFlops(config, net) {
    const d = net.data(), B = d.n;
    if (config.model !== 'conv') {
      const W = Number(config.width), L = Number(config.depth);
      return 6 * B * (d.d * W + L * W * W + W * d.classes);
    }
    const C = Number(config.channels), NB = Number(config.blocks), P = Number(config.pool);
    let h = net.image.h, w = net.image.w, hw = h * w, f = 9 * C * hw;
    for (let b = 0; b < NB; b++) {
      f += 2 * 9 * C * C * hw;
      for (let k = 1; k <= P; k++) if (b + 1 === Math.floor((k * NB) / (P + 1))) { h >>= 1; w >>= 1; hw = h * w; }
    }
    return 6 * B * (f + C * d.classes);
  }

  const now = () => performance.now() / 1000;

  /* steps per call: calibrated to ~20 ms per call during WARM_S */
  function warm(net, WARM_S) {
    let chunk = 1;
    for (let t0 = now(); now() - t0 < WARM_S;) {
      const s0 = now();
      net.step(chunk);
      if (now() - s0 < 0.02) chunk *= 2;
    }
    return chunk;
  }

  /* steps/s over one run of RUN_S seconds */
  function run(net, chunk, RUN_S) {
    let steps = 0, el;
    const s0 = now();
    do {
      net.step(chunk);
      steps += chunk;
      el = now() - s0;
    } while (el < RUN_S);
    return steps / el;
  }

  function summary(rates, chunk) {
    const r = [...rates].sort((a, b) => a - b);
    return { median: r[r.length >> 1], min: r[0], max: r[r.length - 1], chunk };
  }

  /** Steps/s of net: the exported step is called with a batch of steps
   * calibrated to ~20 ms per call during WARM_S (V8 does not move an
   * already-running WASM function to optimised code), then RUNS runs of
   * RUN_S seconds.  Returns {median, min, max, chunk}. */
  function measure(net, { RUN_S, RUNS, WARM_S }) {
    const chunk = warm(net, WARM_S);
    const rates = [];
    for (let r = 0; r < RUNS; r++) rates.push(run(net, chunk, RUN_S));
    return summary(rates, chunk);
  }

  /** Two settings of one net (say 2 threads, then 1) measured in alternate
   * runs, so that the machine's drift (up to 2x minute to minute here) falls
   * on both alike: {a, b, ratio}, ratio the median over pairs of a/b. */
  function measurePaired(net, setA, setB, { RUN_S, RUNS, WARM_S }) {
    setA();
    const chunk = warm(net, WARM_S);
    const ra = [], rb = [], q = [];
    for (let r = 0; r < RUNS; r++) {
      setA();
      ra.push(run(net, chunk, RUN_S));
      setB();
      rb.push(run(net, chunk, RUN_S));
      q.push(ra[r] / rb[r]);
    }
    setA();
    return { a: summary(ra, chunk), b: summary(rb, chunk), ratio: summary(q, chunk).median };
  }

  /** Two nets (say a workload without and with norm=batch) measured in
   * alternate runs of the same length: {a, b, ratio}, ratio the median over
   * pairs of a/b steps per second, that is b's step time over a's. */
  function measureTwoNets(netA, netB, { RUN_S, RUNS, WARM_S }) {
    const ca = warm(netA, WARM_S / 2), cb = warm(netB, WARM_S / 2);
    const ra = [], rb = [], q = [];
    for (let r = 0; r < RUNS; r++) {
      ra.push(run(netA, ca, RUN_S / 2));
      rb.push(run(netB, cb, RUN_S / 2));
      q.push(ra[r] / rb[r]);
    }
    return { a: summary(ra, ca), b: summary(rb, cb), ratio: summary(q, ca).median, lo: Math.min(...q), hi: Math.max(...q) };
  }

  /** 'bench <name> <where> time_ratio_to_<base>=N.NNN  (...)' from measureTwoNets(a, b): b's step
   * time over a's; withB and withoutA say what the nets differ by ('with norm=batch', 'without'). */
  function ratioLine(name, base, where, p, opts, status, withB, withoutA) {
    return `bench ${name} ${where} time_ratio_to_${base}=${p.ratio.toFixed(3)}  (steps/s ${p.b.median.toFixed(1)} ${withB}, ` +
      `${p.a.median.toFixed(1)} ${withoutA}; ${opts.RUNS} interleaved pairs of ${opts.RUN_S / 2} s, ratios ${p.lo.toFixed(3)} .. ${p.hi.toFixed(3)}, status ${status})`;
  }

  /** 'bench W1bn <where> time_ratio_to_W1=N.NNN  (...)' from measureTwoNets(base, with norm). */
  function normRatioLine(name, base, where, p, opts, status) {
    return ratioLine(name, base, where, p, opts, status, 'with norm=batch', 'without');
  }

  /** 'bench W1 <where> steps_per_s=NNN gflops=NNN  (...)' */
  function line(name, where, flops, m, opts, status) {
    return `bench ${name} ${where} steps_per_s=${m.median.toFixed(1)} gflops=${(m.median * flops / 1e9).toFixed(2)}` +
      `  (runs ${opts.RUNS} x ${opts.RUN_S} s, ${m.chunk} steps per call, min ${m.min.toFixed(1)} max ${m.max.toFixed(1)}, status ${status})`;
  }

  /** The line of a net on `threads` threads and its speedup line, from
   * measurePaired(net, threads, one thread). */
  function threadLines(name, where, threads, flops, p, opts, status) {
    return line(name, `${where} threads=${threads}`, flops, p.a, opts, status) +
      `\nbench ${name} ${where} threads=${threads} speedup=${p.ratio.toFixed(2)}  (median over ${opts.RUNS} pairs` +
      ` of runs alternating with 1 thread on the same module; 1 thread: ${p.b.median.toFixed(1)} steps/s)`;
  }

  const api = { parseWorkload, takeDigits, stepFlops, measure, measurePaired, measureTwoNets, line, threadLines, ratioLine, normRatioLine };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.GradLabBench = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
