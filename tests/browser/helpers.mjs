// helpers.mjs - shared set-up of the browser tests: the static server on a
// free port, Debian's chromium through playwright-core with a fresh empty
// profile, and a page that records console errors, failed requests and every
// request's origin and size.
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SITE = join(ROOT, 'build', 'site');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const TIMEOUT = 60_000;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/* The lesson's UI files may not exist yet (another issue writes them): a 404
   for one of those is expected then, and only then. */
export function optionalMissing(url) {
  const m = /\/lesson\/(ui-(?:en|fa)\.json)$/.exec(new URL(url).pathname);
  return !!m && !existsSync(join(SITE, 'lesson', m[1]));
}

/* Starts the server (isolate: with COOP/COEP; root: the folder served, build/site
   unless a test serves a copy) and the browser; returns {url, browser, newPage, close}. */
export async function setup({ isolate = true, root = SITE } = {}) {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root}/index.html is missing: run make all first`);
  const { server, url } = await startServer({ port: 0, root, quiet: true, isolate });
  const profile = mkdtempSync(join(tmpdir(), 'gradlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', args: ARGS, headless: true,
    viewport: { width: 1366, height: 768 }, locale: 'en-US', acceptDownloads: true,
  });
  const origin = new URL(url).origin;

  /* a page with its log: console errors, failed requests, foreign requests, bytes */
  async function newPage(options = {}) {
    const page = await context.newPage();
    if (options.viewport) await page.setViewportSize(options.viewport);
    const log = { errors: [], failed: [], foreign: [], requests: [], bytes: 0, responses: 0 };
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location() && msg.location().url;
      if (/Failed to load resource/.test(msg.text()) && where && optionalMissing(where)) return;
      log.errors.push(msg.text());
    });
    page.on('pageerror', (e) => log.errors.push(`pageerror: ${e.message}`));
    page.on('request', (req) => {
      log.requests.push(req.url());
      const u = req.url();
      if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) log.foreign.push(u);
    });
    page.on('requestfailed', (req) => log.failed.push(`${req.url()}: ${req.failure() && req.failure().errorText}`));
    page.on('requestfinished', async (req) => {
      try {
        /* both calls fail once the page is closed (a request that finished as the test ended) */
        const resp = await req.response();
        if (!resp) return;
        if (resp.status() >= 400 && !optionalMissing(req.url())) log.failed.push(`${req.url()}: HTTP ${resp.status()}`);
        const sizes = await req.sizes();
        log.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
        log.responses++;
      } catch { /* page closed */ }
    });
    return { page, log };
  }

  async function close() {
    await context.close().catch(() => {});
    await new Promise((ok) => server.close(ok));
    rmSync(profile, { recursive: true, force: true });
  }
  return { url, origin, context, newPage, close };
}

/* Waits until the page has a configured run charted (step 0 at least). */
export async function waitReady(page) {
  await page.waitForFunction(() => window.gradlab && window.gradlab.debug().config && window.gradlab.debug().charts.grad_norm[1].data.length > 0, null, { timeout: TIMEOUT });
}

/* Runs to the end (done, or every stack diverged).  Polled every 250 ms, not
   every frame: debug() copies every chart, and on a deep net (1000 layers)
   copying them 60 times a second slowed the run it waited for about twofold
   (53 s instead of 26-31 s for training.test's long run on a loaded machine). */
export async function runToEnd(page) {
  await page.click('#btn-run');
  await page.waitForFunction(() => {
    const d = window.gradlab.debug();
    return d.finished && !d.running;
  }, null, { timeout: TIMEOUT, polling: 250 });
  /* the charts take the last record on the next animation frame (frame.js): wait for it */
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

export function shotPath(name) {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, name);
}

/* Every number in every chart dataset, for the no-NaN checks. */
export function chartNumbers(debug) {
  const out = [];
  for (const [name, c] of Object.entries(debug.charts)) {
    if (Array.isArray(c)) for (const ds of c) for (const p of ds.data) out.push({ name, id: ds.id, x: p.x, y: p.y });
    else if (c.columns) for (const col of c.columns) for (const v of col.values) out.push({ name, x: col.x, y: v });
    else if (c.datasets) for (const ds of c.datasets) for (const p of ds.data) out.push({ name, x: p.x, y: p.y });
  }
  return out;
}
