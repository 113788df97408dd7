// bench_browser.mjs - the WASM build's training speed in Debian's chromium
// (headless, driven by playwright-core), the browser the lab's students run:
//   bench W1 chromium steps_per_s=NNN gflops=NNN
// Same workloads, loop and defaults as bench_wasm.mjs (RUN_S, RUNS, WARM_S),
// run on the page's main thread of a blank document served from build/site
// by scripts/serve.mjs, with the engine loaded by its own script tags.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUN_S = Number(process.env.RUN_S || 2), RUNS = Number(process.env.RUNS || 5);
const WARM_S = Number(process.env.WARM_S || 1);
const workloads = JSON.parse(readFileSync(join(ROOT, 'tests/bench/workloads.json'), 'utf8'));
const only = process.argv[2];

const { server, url } = await startServer({ port: 0, root: join(ROOT, 'build', 'site'), quiet: true });
const profile = mkdtempSync(join(tmpdir(), 'gradlab-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('engine/', url).href); // a blank same-origin document (404 text)
  await page.addScriptTag({ url: new URL('engine/gradlab-engine.js', url).href });
  await page.addScriptTag({ url: new URL('js/gradlab.js', url).href });
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)[0]);
  for (const name of ['W1', 'W2', 'W3']) {
    if (only && only !== name) continue;
    const line = await page.evaluate(async ({ name, text, RUN_S, RUNS, WARM_S }) => {
      const engine = await GradLab.load();
      const config = Object.fromEntries(text.split(' ').map((kv) => kv.split('=')));
      if (config.images) { // the first n training digits, as bench_wasm.mjs does
        const t = new Uint8Array(await (await fetch('../data/digits-train.bin')).arrayBuffer());
        const n = Number(config.images);
        const b = t.slice(0, 16 + n * (1 + t[8] * t[9]));
        new DataView(b.buffer).setUint32(12, n, true);
        config.digits = { train: b };
        delete config.images;
      }
      const net = engine.create(config, config.arch);
      const d = net.data();
      const W = Number(config.width), L = Number(config.depth), B = d.n;
      let flops = 6 * B * (d.d * W + L * W * W + W * d.classes);
      if (config.model === 'conv') { // as convFlops in bench_wasm.mjs
        const C = Number(config.channels), NB = Number(config.blocks), P = Number(config.pool);
        let h = net.image.h, w = net.image.w, hw = h * w, f = 9 * C * hw;
        for (let b = 0; b < NB; b++) {
          f += 2 * 9 * C * C * hw;
          for (let k = 1; k <= P; k++) if (b + 1 === Math.floor((k * NB) / (P + 1))) { h >>= 1; w >>= 1; hw = h * w; }
        }
        flops = 6 * B * (f + C * d.classes);
      }
      const now = () => performance.now() / 1000;
      let chunk = 1;
      for (let t0 = now(); now() - t0 < WARM_S;) {
        const s0 = now();
        net.step(chunk);
        if (now() - s0 < 0.02) chunk *= 2;
      }
      const rates = [];
      for (let r = 0; r < RUNS; r++) {
        let steps = 0, el;
        const s0 = now();
        do { net.step(chunk); steps += chunk; el = now() - s0; } while (el < RUN_S);
        rates.push(steps / el);
      }
      rates.sort((a, b) => a - b);
      const med = rates[rates.length >> 1], status = net.stats().status;
      net.free();
      return `bench ${name} chromium steps_per_s=${med.toFixed(1)} gflops=${(med * flops / 1e9).toFixed(2)}  (runs ${RUNS} x ${RUN_S} s, ${chunk} steps per call, min ${rates[0].toFixed(1)} max ${rates[rates.length - 1].toFixed(1)}, status ${status})`;
    }, { name, text: workloads[name], RUN_S, RUNS, WARM_S });
    console.log(line + (name === 'W1' || (only && only === name) ? `  [${version}, main thread]` : ''));
  }
  if (errors.length) { console.error(`bench_browser: page errors: ${errors.join('; ')}`); process.exitCode = 1; }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
