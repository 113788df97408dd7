// bench_load.mjs - what a first visit costs, in Debian's chromium (headless,
// playwright-core), the page served by scripts/serve.mjs from build/site:
//   bench load floor first_record_ms=N           the engine floor (below), median of RUNS
//   bench load floor timeline ready=N configured=N   its marks (as the lab's timeline's), medians
//   bench load en first_chart/floor=N.NN         the lab's first chart over the floor of the same
//                                                round (median of the RUNS paired ratios)
//   bench load en bytes_before_first_chart=N responses=N first_chart_ms=N (median of RUNS)
//   bench load fa ...                                  the same in Persian (?lang=fa)
//   bench load en share katex=N lesson=N vazirmatn=N   bytes of those before the first chart
//   bench load en timeline engine=N main=N wired=N ready=N configure=N built=N configured=N first_chart=N   ms, medians
//   bench load precache entries=N bytes=N transferred=N  the service worker's download after it
// Each visit is a fresh browser context (cold HTTP cache, no service worker);
// a round visits the floor, the lab in English and in Persian (and the BEFORE
// site's, below), in an order that rotates from round to round.
// The floor: tests/bench/floor.html and floor.js (bundled here with rollup,
// as the lab's modules are), a bare page that starts the lab's Worker script,
// sends the configuration the lab would send and stops at the first record
// (the `configured` reply, whose step-0 record is the lab's first chart).
// It is served with the lab from one temporary root of links to the site's
// files plus the floor's two files, so the same server sends both with the
// same headers; nothing of it goes into build/site.
// "Before the first charted step" means responses that ended before the page
// drew step 0 (debug().firstChartAt); the Worker's and the service worker's
// requests count the same way.  Transfer sizes are bytes on the wire
// (headers + encoded body).  Not a test: nothing is asserted.  For a
// before/after: COMPRESS=0 serves without compression (the old `make serve`),
// SITE=dir serves another built folder (e.g. an older web/ with this engine),
// BEFORE=dir also visits that built folder (served under /before/ by the same
// server) in every round and prints its lines with "before" and after/before.
// The "share" line is what lazy loading would take off the first visit:
// KaTeX (js, css; its fonts load with the lesson's first formula) and the
// lesson (lesson.js, its JSON) when the lesson is first shown, and the
// Persian font in English.
import { chromium } from 'playwright-core';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.RUNS || 5);
const compress = process.env.COMPRESS !== '0';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/* the served root: a link to each file of the site, the floor page and its bundled module, the BEFORE site */
const SITE = resolve(process.env.SITE || join(ROOT, 'build', 'site'));
const BEFORE = process.env.BEFORE ? resolve(process.env.BEFORE) : null;
const served = mkdtempSync(join(tmpdir(), 'gradlab-bench-load-'));
for (const entry of readdirSync(SITE)) symlinkSync(join(SITE, entry), join(served, entry));
if (BEFORE) symlinkSync(BEFORE, join(served, 'before'));
copyFileSync(join(ROOT, 'tests/bench/floor.html'), join(served, 'bench-floor.html'));
const floorBundle = await rollup({ input: join(ROOT, 'tests/bench/floor.js') });
await floorBundle.write({ file: join(served, 'bench-floor.js'), format: 'es' });
await floorBundle.close();

const { server, url } = await startServer({ port: 0, root: served, quiet: true, compress });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const kib = (n) => `${(n / 1024).toFixed(1)}KiB`;
/* the server compresses a file without a .br beside it once, on its first request (the floor's two files): not in a visit */
for (const f of ['bench-floor.html', 'bench-floor.js']) await fetch(url + f, { headers: { 'accept-encoding': 'br, gzip' } }).then((r) => r.arrayBuffer());

/* one cold visit of path (the lab: '' or 'before/'; the floor: 'bench-floor.html'):
   [{url, bytes, end (epoch ms), fromSW}], firstChart (epoch ms), firstChartAt (ms after navigation) */
async function visit(path, lang, { waitPrecache = false, floor = false } = {}) {
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
  await page.goto(`${url}${path}?lang=${lang}`);
  const ready = floor ? () => window.floor && (window.floor.at !== null || window.floor.error !== null)
    : () => window.gradlab && window.gradlab.debug().firstChartAt !== null;
  await page.waitForFunction(ready, null, { timeout: 60_000 });
  const { origin, at, marks, error } = await page.evaluate((isFloor) => ({
    origin: performance.timeOrigin, at: isFloor ? window.floor.at : window.gradlab.debug().firstChartAt,
    error: isFloor ? window.floor.error : null,
    marks: Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('gradlab:')).map((m) => [m.name.slice(8), m.startTime])),
  }), floor);
  if (error) errors.push(error);
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
  if (errors.length) throw new Error(`bench_load: page errors (${path || 'the lab'}, ${lang}): ${errors.join('; ')}`);
  return { got, firstChart: origin + at, firstChartAt: at, precache, marks };
}

const before = (v) => v.got.filter((r) => r.end <= v.firstChart && !r.sw);
const bytesBefore = (v) => before(v).reduce((a, r) => a + r.bytes, 0);
const share = (rs, re) => rs.filter((r) => re.test(new URL(r.url).pathname)).reduce((a, r) => a + r.bytes, 0);
const LANGS = ['en', 'fa'];
/* the page's marks (main.js, boot.js) a timeline line prints, in order */
const TIMELINE = ['engine', 'main', 'wired', 'ready', 'configure', 'built', 'configured'];
try {
  /* the rounds: the floor and each lab visit, paired by round, the order rotating */
  const kinds = [{ key: 'floor', path: 'bench-floor.html', lang: 'en', floor: true },
    ...LANGS.map((lang) => ({ key: lang, path: '', lang })),
    ...(BEFORE ? LANGS.map((lang) => ({ key: `before ${lang}`, path: 'before/', lang })) : [])];
  /** @type {Record<string, any[]>} */
  const runs = Object.fromEntries(kinds.map((k) => [k.key, []]));
  for (let i = 0; i < RUNS; i++) {
    for (let j = 0; j < kinds.length; j++) {
      const k = kinds[(i + j) % kinds.length];
      runs[k.key].push(await visit(k.path, k.lang, { floor: !!k.floor }));
    }
  }
  const floorMs = runs.floor.map((r) => r.firstChartAt);
  console.log(`bench load floor first_record_ms=${Math.round(median(floorMs))} bytes_before=${Math.round(median(runs.floor.map(bytesBefore)))} ` +
    `(medians of ${RUNS}, cold cache: a bare page, the lab's Worker and configuration, to its first record)`);
  const floorMark = (k) => Math.round(median(runs.floor.map((r) => r.marks[k])));
  console.log(`bench load floor timeline ready=${floorMark('ready')} configured=${floorMark('configured')}  (the engine's table reached the page, the configure's reply)`);
  const paired = (key) => median(runs[key].map((r, i) => r.firstChartAt / floorMs[i]));
  for (const lang of LANGS) {
    console.log(`bench load ${lang} first_chart/floor=${paired(lang).toFixed(2)} (median of ${RUNS} paired ratios; ` +
      `first_chart_ms=${Math.round(median(runs[lang].map((r) => r.firstChartAt)))} floor=${Math.round(median(floorMs))})`);
  }
  if (BEFORE) {
    for (const lang of LANGS) {
      const key = `before ${lang}`;
      console.log(`bench load before ${lang} first_chart/floor=${paired(key).toFixed(2)} first_chart_ms=${Math.round(median(runs[key].map((r) => r.firstChartAt)))} ` +
        `bytes_before_first_chart=${median(runs[key].map(bytesBefore))}  after/before=${median(runs[lang].map((r, i) => r.firstChartAt / runs[key][i].firstChartAt)).toFixed(2)} (paired, ${BEFORE})`);
      console.log(`bench load before ${lang} timeline ` + TIMELINE.map((k) => `${k}=${runs[key].every((r) => r.marks[k] !== undefined) ? Math.round(median(runs[key].map((r) => r.marks[k]))) : '-'}`).join(' ') +
        ` first_chart=${Math.round(median(runs[key].map((r) => r.firstChartAt)))}`);
    }
  }
  for (const lang of LANGS) {
    /* what ends before the first chart varies a little with timing (a font,
       the lesson's JSON): the median run, and the heaviest */
    const sums = runs[lang].map((r) => before(r)).map((rs) => ({ rs, bytes: rs.reduce((a, r) => a + r.bytes, 0) }))
      .sort((x, y) => x.bytes - y.bytes);
    const mid = sums[sums.length >> 1], max = sums[sums.length - 1];
    console.log(`bench load ${lang} bytes_before_first_chart=${mid.bytes} (${kib(mid.bytes)}, max ${max.bytes}) responses=${mid.rs.length} ` +
      `first_chart_ms=${Math.round(median(runs[lang].map((r) => r.firstChartAt)))} (medians of ${RUNS}, cold cache, compress=${compress ? 'br' : 'off'})`);
    /* where the time goes: medians of the page's marks (main.js), ms after navigation */
    console.log(`bench load ${lang} timeline ` + TIMELINE.map((k) => `${k}=${runs[lang].every((r) => r.marks[k] !== undefined) ? Math.round(median(runs[lang].map((r) => r.marks[k]))) : '-'}`).join(' ') +
      ` first_chart=${Math.round(median(runs[lang].map((r) => r.firstChartAt)))}  (engine: its first reply reached the page; main: js/main.js starts, wired: has run; ready: the table handled; configure sent; built: the form and the page's words; configured: its reply)`);
    const first = max.rs;
    console.log(`bench load ${lang} share katex=${share(first, /\/vendor\/katex\//)} ` +
      `lesson=${share(first, /\/(js\/lesson\/.*\.js|lesson\/(en|fa|experiments)\.json)$/)} ` +
      `vazirmatn=${share(first, /\/vendor\/vazirmatn\//)}  (of the heaviest run: what lazy loading would move after the first chart)`);
  }
  const v = await visit('', 'en', { waitPrecache: true });
  if (!v.precache) console.log('bench load precache: no service worker');
  else {
    const sw = v.got.filter((r) => r.sw);
    console.log(`bench load precache entries=${v.precache.entries} bytes=${v.precache.bytes} (${kib(v.precache.bytes)} in the cache) ` +
      `transferred=${sw.reduce((a, r) => a + r.bytes, 0)} (${kib(sw.reduce((a, r) => a + r.bytes, 0))} in ${sw.length} responses, after the first chart)`);
  }
} finally {
  await browser.close();
  server.close();
  rmSync(served, { recursive: true, force: true });
}
