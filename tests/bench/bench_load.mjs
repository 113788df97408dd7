// bench_load.mjs - what a first visit costs, in Debian's chromium (headless,
// playwright-core), the page served by scripts/serve.mjs from build/site:
//   bench load en bytes_before_first_chart=N responses=N first_chart_ms=N (median of RUNS)
//   bench load fa ...                                  the same in Persian (?lang=fa)
//   bench load en share katex=N lesson=N vazirmatn=N   bytes of those before the first chart
//   bench load en timeline engine=N main=N wired=N ready=N configure=N configured=N first_chart=N   ms, medians
//   bench load precache entries=N bytes=N transferred=N  the service worker's download after it
// Each run is a fresh browser context (cold HTTP cache, no service worker).
// "Before the first charted step" means responses that ended before the page
// drew step 0 (debug().firstChartAt); the Worker's and the service worker's
// requests count the same way.  Transfer sizes are bytes on the wire
// (headers + encoded body).  Not a test: nothing is asserted.  For a
// before/after: COMPRESS=0 serves without compression (the old `make serve`),
// SITE=dir serves another built folder (e.g. an older web/ with this engine).
// The "share" line is what lazy loading would take off the first visit:
// KaTeX (js, css; its fonts load with the lesson's first formula) and the
// lesson (lesson.js, its JSON) when the lesson is first shown, and the
// Persian font in English.
import { chromium } from 'playwright-core';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.RUNS || 5);
const compress = process.env.COMPRESS !== '0';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const { server, url } = await startServer({ port: 0, root: process.env.SITE || join(ROOT, 'build', 'site'), quiet: true, compress });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const kib = (n) => `${(n / 1024).toFixed(1)}KiB`;

/* one cold visit: [{url, bytes, end (epoch ms), fromSW}], firstChart (epoch ms), firstChartAt (ms after navigation) */
async function visit(lang, { waitPrecache = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
  const got = [];
  context.on('requestfinished', async (req) => {
    try {
      const s = await req.sizes(), t = req.timing();
      got.push({ url: req.url(), bytes: s.responseBodySize + s.responseHeadersSize, end: t.startTime + t.responseEnd, sw: !!req.serviceWorker() });
    } catch { /* context closing */ }
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?lang=${lang}`);
  await page.waitForFunction(() => window.gradlab && window.gradlab.debug().firstChartAt !== null, null, { timeout: 60_000 });
  const { origin, at, marks } = await page.evaluate(() => ({
    origin: performance.timeOrigin, at: window.gradlab.debug().firstChartAt,
    marks: Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('gradlab:')).map((m) => [m.name.slice(8), m.startTime])),
  }));
  let precache = null;
  if (waitPrecache) {
    precache = await page.evaluate(async () => {
      if (!('serviceWorker' in navigator)) return null;
      const reg = await Promise.race([navigator.serviceWorker.ready, new Promise((ok) => setTimeout(() => ok(null), 30_000))]);
      if (!reg) return null;
      let entries = 0, bytes = 0;
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const r of await cache.keys()) { entries++; bytes += (await (await cache.match(r)).arrayBuffer()).byteLength; }
      }
      return { entries, bytes };
    });
  }
  await page.waitForLoadState('networkidle').catch(() => {});
  await context.close();
  if (errors.length) throw new Error(`bench_load: page errors: ${errors.join('; ')}`);
  return { got, firstChart: origin + at, firstChartAt: at, precache, marks };
}

const before = (v) => v.got.filter((r) => r.end <= v.firstChart && !r.sw);
const share = (rs, re) => rs.filter((r) => re.test(new URL(r.url).pathname)).reduce((a, r) => a + r.bytes, 0);
try {
  for (const lang of ['en', 'fa']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await visit(lang));
    /* what ends before the first chart varies a little with timing (a font,
       the lesson's JSON): the median run, and the heaviest */
    const sums = runs.map((r) => before(r)).map((rs) => ({ rs, bytes: rs.reduce((a, r) => a + r.bytes, 0) }))
      .sort((x, y) => x.bytes - y.bytes);
    const mid = sums[sums.length >> 1], max = sums[sums.length - 1];
    console.log(`bench load ${lang} bytes_before_first_chart=${mid.bytes} (${kib(mid.bytes)}, max ${max.bytes}) responses=${mid.rs.length} ` +
      `first_chart_ms=${Math.round(median(runs.map((r) => r.firstChartAt)))} (medians of ${RUNS}, cold cache, compress=${compress ? 'br' : 'off'})`);
    /* where the time goes: medians of the page's marks (main.js), ms after navigation */
    const names = ['engine', 'main', 'wired', 'ready', 'configure', 'configured'];
    console.log(`bench load ${lang} timeline ` + names.map((k) => `${k}=${runs.every((r) => r.marks[k] !== undefined) ? Math.round(median(runs.map((r) => r.marks[k]))) : '-'}`).join(' ') +
      ` first_chart=${Math.round(median(runs.map((r) => r.firstChartAt)))}  (engine: its first reply reached the page; main: js/main.js starts, wired: has run; ready: the table handled; configure sent; configured: its reply)`);
    const first = max.rs;
    console.log(`bench load ${lang} share katex=${share(first, /\/vendor\/katex\//)} ` +
      `lesson=${share(first, /\/(js\/lesson\/.*\.js|lesson\/(en|fa|experiments)\.json)$/)} ` +
      `vazirmatn=${share(first, /\/vendor\/vazirmatn\//)}  (of the heaviest run: what lazy loading would move after the first chart)`);
  }
  const v = await visit('en', { waitPrecache: true });
  if (!v.precache) console.log('bench load precache: no service worker');
  else {
    const sw = v.got.filter((r) => r.sw);
    console.log(`bench load precache entries=${v.precache.entries} bytes=${v.precache.bytes} (${kib(v.precache.bytes)} in the cache) ` +
      `transferred=${sw.reduce((a, r) => a + r.bytes, 0)} (${kib(sw.reduce((a, r) => a + r.bytes, 0))} in ${sw.length} responses, after the first chart)`);
  }
} finally {
  await browser.close();
  server.close();
}
