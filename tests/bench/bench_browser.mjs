// bench_browser.mjs - the WASM build's training speed in Debian's chromium
// (headless, driven by playwright-core), the browser the lab's students run:
//   bench W1 chromium steps_per_s=NNN gflops=NNN             single-threaded module
//   bench W1 chromium threads=2 steps_per_s=NNN gflops=NNN   multi-threaded module (THREADS,
//                                                             default 2; the page is cross-origin isolated)
// Same workloads, defaults (RUN_S, RUNS, WARM_S) and code as bench_wasm.mjs
// (bench-core.js, evaluated in the page), run on the main thread of a blank
// document served from build/site by scripts/serve.mjs, with the engine
// loaded by its own script tags.
/* global GradLab, GradLabBench */
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
const THREADS = Number(process.env.THREADS || 2);

/* A blank same-origin document (the 404 text of engine/) with one engine
 * module, net.js, sweep.js and gradlab.js (the JS API) and bench-core.js loaded. */
async function openWith(engineFile, errors) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('engine/', url).href);
  await page.addScriptTag({ url: new URL('engine/' + engineFile, url).href });
  await page.addScriptTag({ url: new URL('js/engine/net.js', url).href });
  await page.addScriptTag({ url: new URL('js/engine/sweep.js', url).href });
  await page.addScriptTag({ url: new URL('js/engine/gradlab.js', url).href });
  await page.evaluate(readFileSync(join(ROOT, 'tests/bench/bench-core.js'), 'utf8'));
  return page;
}

/* In the page: one workload on the page's engine module, its line (threads
 * 0) or, on the multi-threaded module, its threaded and speedup lines. */
async function benchInPage({ name, text, opts, threads }) {
  if (threads && !self.crossOriginIsolated) return `bench ${name} chromium threads=${threads}: not cross-origin isolated, no SharedArrayBuffer`;
  const engine = self.benchEngine || (self.benchEngine = await GradLab.load());
  const train = new Uint8Array(await (await fetch('../data/digits-train.bin')).arrayBuffer());
  const config = GradLabBench.takeDigits(GradLabBench.parseWorkload(text), train);
  const net = engine.create(config, config.arch);
  const flops = GradLabBench.stepFlops(config, net);
  const out = threads
    ? GradLabBench.threadLines(name, 'chromium', threads, flops,
      GradLabBench.measurePaired(net, () => engine.setThreads(threads), () => engine.setThreads(1), opts), opts, net.stats().status)
    : GradLabBench.line(name, 'chromium', flops, GradLabBench.measure(net, opts), opts, net.stats().status);
  net.free();
  return out;
}

try {
  const errors = [];
  const page = await openWith('gradlab-engine.js', errors);
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)[0]);
  const mtPage = THREADS > 1 ? await openWith('gradlab-engine-mt.js', errors) : null;
  for (const name of ['W1', 'W2', 'W3']) {
    if (only && only !== name) continue;
    const args = { name, text: workloads[name], opts: { RUN_S, RUNS, WARM_S } };
    const line = await page.evaluate(benchInPage, { ...args, threads: 0 });
    console.log(line + (name === 'W1' || (only && only === name) ? `  [${version}, main thread]` : ''));
    if (mtPage) console.log(await mtPage.evaluate(benchInPage, { ...args, threads: THREADS }));
  }
  if (errors.length) { console.error(`bench_browser: page errors: ${errors.join('; ')}`); process.exitCode = 1; }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
