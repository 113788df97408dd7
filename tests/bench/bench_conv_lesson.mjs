// bench_conv_lesson.mjs - how long the lesson's conv experiments take in Debian's
// chromium (headless, playwright-core), run as the page runs them: the page's
// Worker (web/js/engine/worker.js) on a cross-origin isolated document from the
// lab's own server (scripts/serve.mjs), so the threaded engine on up to 4 of the
// machine's cores, sent what the page sends (a `configure` with the
// experiment's config, `arch: 'both'`, `hist: 0` and the digits' bytes, then
// `run` at the default speed) until `done`:
//   bench conv_lesson chromium resnet_conv ms=N  (...)        configure sent .. done, median of RUNS
//   bench conv_lesson chromium norm_degradation ms=N  (...)
//   bench conv_lesson chromium all ms=N  (...)                the experiments one after another
// With SITE_BEFORE=dir (another built site, say main's build/site) each round
// runs both sites' Workers, alternating which goes first, and prints the after/before
// ratio of each round's times (median over the rounds; aim for "all": <= 0.6):
//   bench conv_lesson chromium all ms=N before_ms=N ratio=N.NN  (...)
// The experiments are those of web/lesson/experiments.json whose config has
// "model": "conv".  SITE=dir measures another built site than build/site.
// Not a test: nothing is asserted.
/* global self, Worker */
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.RUNS || 5);
const experiments = Object.entries(JSON.parse(readFileSync(join(ROOT, 'web/lesson/experiments.json'), 'utf8')).experiments)
  .filter(([, e]) => e && e.config && e.config.model === 'conv')
  .map(([name, e]) => ({ name, config: e.config }));
const sites = [{ label: 'after', root: process.env.SITE || join(ROOT, 'build', 'site') }];
if (process.env.SITE_BEFORE) sites.push({ label: 'before', root: process.env.SITE_BEFORE });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/* In the page: the page's Worker, started once; its `ready` message. */
async function startWorker() {
  const w = new Worker('../js/engine/worker.js');
  self.benchWorker = w;
  return new Promise((ok, fail) => {
    w.onmessage = (ev) => { if (ev.data.type === 'ready') ok({ threads: ev.data.threads, isolated: self.crossOriginIsolated }); };
    w.onerror = (e) => fail(new Error('worker: ' + e.message));
  });
}

/* In the page: one experiment, `configure` sent until `done` received, in ms. */
async function runExperiment(config) {
  const w = self.benchWorker;
  const bytes = async (f) => (await fetch('../data/' + f)).arrayBuffer();
  const digits = self.benchDigits || (self.benchDigits = { train: await bytes('digits-train.bin'), test: await bytes('digits-test.bin') });
  return new Promise((ok, fail) => {
    let t0 = 0;
    w.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === 'configured') w.postMessage({ type: 'run' });
      else if (m.type === 'done') ok({ ms: performance.now() - t0, steps: m.steps_done });
      else if (m.type === 'error') fail(new Error(`${m.where}: ${m.message}`));
    };
    t0 = performance.now();
    /* the digits copied, as the page's structured clone copies them */
    w.postMessage({ type: 'configure', config: Object.assign({}, config, { arch: 'both', hist: 0 },
      { digits: { train: digits.train.slice(0), test: digits.test.slice(0) } }) });
  });
}

const servers = [];
try {
  const errors = [];
  for (const s of sites) {
    const { server, url } = await startServer({ port: 0, root: s.root, quiet: true });
    servers.push(server);
    /* a context (a window) of its own per site: each page is the front page of its window */
    s.context = await browser.newContext();
    s.page = await s.context.newPage();
    s.page.on('pageerror', (e) => errors.push(e.message));
    await s.page.goto(new URL('engine/', url).href); /* a blank same-origin document (engine/'s 404 text) */
    s.info = await s.page.evaluate(startWorker);
    s.times = Object.fromEntries(experiments.map((e) => [e.name, []]).concat([['all', []]]));
  }
  const version = await sites[0].page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)[0]);
  /* one round unmeasured (compiles, caches), then RUNS rounds; with two sites,
   * each round runs both, the first of the pair alternating */
  for (let round = -1; round < RUNS; round++) {
    const order = round % 2 && sites.length > 1 ? [sites[1], sites[0]] : sites;
    for (const s of order) {
      let all = 0;
      for (const e of experiments) {
        const { ms } = await s.page.evaluate(runExperiment, e.config);
        all += ms;
        if (round >= 0) s.times[e.name].push(ms);
      }
      if (round >= 0) s.times.all.push(all);
    }
  }
  const [after, before] = sites;
  for (const name of [...experiments.map((e) => e.name), 'all']) {
    const a = after.times[name];
    let line = `bench conv_lesson chromium ${name} ms=${Math.round(median(a))}`;
    if (before) {
      const b = before.times[name];
      line += ` before_ms=${Math.round(median(b))} ratio=${median(a.map((x, i) => x / b[i])).toFixed(2)}`;
    }
    const what = name === 'all' ? `the ${experiments.length} conv experiments one after another` :
      `${experiments.find((e) => e.name === name).config.steps} steps, both stacks`;
    line += `  (${what}, configure sent .. done; median of ${RUNS}${before ? ' paired rounds, ratio = median of after/before, aim for all <= 0.6' : ''}; ` +
      `the page's Worker, threads=${after.info.threads}${before ? `/${before.info.threads}` : ''}${after.info.isolated ? '' : ', NOT cross-origin isolated'}` +
      `${name === 'all' ? `; ${version}` : ''})`;
    console.log(line);
  }
  if (errors.length) { console.error(`bench_conv_lesson: page errors: ${errors.join('; ')}`); process.exitCode = 1; }
} finally {
  await browser.close();
  for (const s of servers) s.close();
}
