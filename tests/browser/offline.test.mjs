// offline.test.mjs - offline first, in a real browser: after one visit the
// service worker (sw.js, Workbox precache written by the build) is active;
// with the network cut (context.setOffline) a reload still loads the lab,
// cross-origin isolated as online (the cached responses keep their COOP/COEP,
// so the multi-threaded engine still runs), trains both stacks, switches to
// Persian (strings and font from the cache), opens the lesson with its KaTeX
// formulas and trains in conv mode; then a rebuilt site (one changed file,
// the service worker regenerated) is found on the next visit, the page offers
// it with the bilingual prompt, and after "reload" the cache holds the new
// build only: the changed file's old revision is gone.
// The site is served from a temporary copy of build/site, so rebuilding it
// touches nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, waitReady, runToEnd, shotPath, SITE, ROOT, TIMEOUT } from './helpers.mjs';
import { buildServiceWorker } from '../../scripts/service-worker.mjs';
import { compressTree } from '../../scripts/compress-site.mjs';
import { AxeBuilder } from '@axe-core/playwright';

const UI = {
  en: JSON.parse(readFileSync(join(ROOT, 'web/lesson/ui-en.json'), 'utf8')),
  fa: JSON.parse(readFileSync(join(ROOT, 'web/lesson/ui-fa.json'), 'utf8')),
};
let env, dir, page, log;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gradlab-offline-site-'));
  cpSync(SITE, dir, { recursive: true });
  env = await setup({ root: dir });
  ({ page, log } = await env.newPage());
});
after(async () => {
  if (env) await env.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/* the precache's keys as [path, revision] (Workbox keys carry ?__WB_REVISION__=md5 unless the URL is hashed) */
const cacheKeys = (p) => p.evaluate(async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const r of await cache.keys()) {
      const u = new URL(r.url);
      out.push([name, u.pathname, u.searchParams.get('__WB_REVISION__')]);
    }
  }
  return out;
});

/* waits until a service worker controls the page and says the lab works offline */
async function waitControlled(p, lang) {
  await p.waitForFunction(() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === 'activated', null, { timeout: TIMEOUT });
  await p.waitForFunction((text) => document.getElementById('offline-status').textContent === text, UI[lang]['sw.ready'], { timeout: TIMEOUT });
}

test('one visit, then offline: reload, both stacks, Persian, the lesson with formulas, conv mode', { timeout: 6 * TIMEOUT }, async () => {
  await page.goto(`${env.url}?lang=en&depth=8&steps=30&record_every=5`);
  await waitReady(page);
  const online = await page.evaluate(() => ({ isolated: self.crossOriginIsolated, threads: window.gradlab.debug().threads }));
  await waitControlled(page, 'en');
  const keys = await cacheKeys(page);
  const paths = keys.map((k) => k[1]);
  for (const f of ['/index.html', '/engine/gradlab-engine.wasm', '/engine/gradlab-engine-mt.wasm', '/js/engine/worker.js', '/js/main.js',
    '/lesson/ui-fa.json', '/vendor/katex/katex.min.js', '/vendor/vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2']) {
    assert.ok(paths.includes(f), `${f} precached`);
  }
  assert.ok(!paths.some((p) => /\.(br|gz)$/.test(p)), 'no transfer copies in the precache');
  /* the Worker's scripts as the build joined them, not the six copies the page never fetches (protocol.js it does) */
  assert.ok(paths.includes('/js/engine/worker-scripts.js') && paths.includes('/js/engine/protocol.js'));
  assert.ok(!paths.includes('/js/engine/worker-core.js') && !paths.includes('/js/engine/gradlab.js'), 'the joined copies only once');

  await env.context.setOffline(true);
  const failedBefore = log.failed.length;
  await page.reload();
  await waitReady(page);
  const off = await page.evaluate(() => ({ isolated: self.crossOriginIsolated, threads: window.gradlab.debug().threads, online: navigator.onLine }));
  assert.equal(off.online, false, 'the browser is offline');
  assert.equal(off.isolated, online.isolated, 'cross-origin isolated offline as online');
  assert.equal(off.threads, online.threads, `the same engine offline (${off.threads} threads)`);
  assert.ok(off.isolated && off.threads > 1, 'served with COOP/COEP: the multi-threaded engine, offline too');

  /* both stacks train, with finite numbers from the engine */
  await runToEnd(page);
  let d = await page.evaluate(() => window.gradlab.debug());
  for (const a of ['plain', 'residual']) {
    assert.equal(d.latest[a].steps_done, 30, `${a}: 30 steps offline`);
    assert.ok(Number.isFinite(d.latest[a].loss), `${a}: loss ${d.latest[a].loss}`);
  }

  /* Persian: the strings of ui-fa.json and the Vazirmatn font, from the cache */
  await page.selectOption('#lang-select', 'fa');
  await page.waitForFunction((run) => document.documentElement.dir === 'rtl' && document.getElementById('btn-run').textContent === run, UI.fa.run, { timeout: TIMEOUT });
  await page.waitForFunction(() => [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Vazirmatn' && f.status === 'loaded'), null, { timeout: TIMEOUT });
  assert.equal(await page.textContent('#offline-status'), UI.fa['sw.ready'], 'the offline line in Persian');
  assert.equal(await page.getAttribute('link[rel="manifest"]', 'href'), 'manifest-fa.webmanifest');

  /* the lesson, on a step with formulas: KaTeX and its fonts from the cache */
  await page.goto(`${env.url}?lang=fa&step=descent`);
  await waitReady(page);
  await page.waitForSelector('#lesson .lesson-step', { timeout: TIMEOUT });
  const lesson = await page.evaluate(async () => {
    await document.fonts.ready;
    const root = document.getElementById('lesson');
    return {
      katex: root.querySelectorAll('.katex').length, errors: root.querySelectorAll('.math-error, .katex-error').length,
      fonts: [...document.fonts].filter((f) => f.family.replace(/"/g, '').startsWith('KaTeX') && f.status === 'loaded').length,
      hidden: root.hidden,
    };
  });
  assert.equal(lesson.hidden, false, 'the lesson is shown');
  assert.ok(lesson.katex > 0, `${lesson.katex} formulas`);
  assert.equal(lesson.errors, 0, 'no formula errors');
  assert.ok(lesson.fonts > 0, `${lesson.fonts} KaTeX fonts loaded offline`);
  await page.screenshot({ path: shotPath('offline-lesson-fa.png') });

  /* conv mode: digits from the cache, both conv stacks train */
  await page.goto(`${env.url}?lang=en&blocks=3&channels=4&pool=1&steps=10&record_every=5`);
  await waitReady(page);
  await page.selectOption('#set-model', 'conv');
  await page.waitForFunction(() => {
    const x = window.gradlab.debug();
    return x.config.model === 'conv' && x.layers[0] === 'conv_1' && x.charts.grad_norm[0].data.length === x.layers.length;
  }, null, { timeout: TIMEOUT });
  await runToEnd(page);
  d = await page.evaluate(() => window.gradlab.debug());
  assert.equal(d.layers[0], 'conv_1');
  for (const a of ['plain', 'residual']) {
    assert.equal(d.latest[a].steps_done, 10, `conv ${a}: 10 steps offline`);
    assert.ok(Number.isFinite(d.latest[a].loss) && Number.isFinite(d.latest[a].test_acc), `conv ${a}: loss and test accuracy`);
  }
  await page.screenshot({ path: shotPath('offline-conv-en.png') });
  /* ERR_ABORTED is a request the page itself cancelled (the favicon's, when a reload
     overtakes it), not one the network or the cache failed to answer */
  const failedOffline = log.failed.slice(failedBefore).filter((f) => !f.endsWith('net::ERR_ABORTED'));
  assert.deepEqual(failedOffline, [], 'no failed requests offline');
  assert.deepEqual(log.errors, [], 'no console errors');
  await env.context.setOffline(false);
});

test('a rebuilt site is picked up on the next visit, offered with a bilingual prompt, and replaces the old cache', { timeout: 3 * TIMEOUT }, async () => {
  await page.goto(`${env.url}?lang=fa&depth=6&steps=10`);
  await waitReady(page);
  await waitControlled(page, 'fa');
  const old = await cacheKeys(page);
  const oldCss = old.find((k) => k[1] === '/css/gradlab.css');
  assert.ok(oldCss && oldCss[2], 'gradlab.css is precached with its revision');

  /* the rebuild: one file changes, the build regenerates sw.js and the .br/.gz */
  appendFileSync(join(dir, 'css', 'gradlab.css'), '\n/* rebuilt by offline.test.mjs */\n');
  const sw = await buildServiceWorker(dir);
  compressTree(dir);

  /* the next visit finds the new sw.js; it installs and waits, and the page offers it */
  await page.goto(`${env.url}?lang=fa&depth=6&steps=10`);
  await waitReady(page);
  await page.waitForSelector('#sw-update .sw-update', { timeout: TIMEOUT });
  const prompt = () => page.evaluate(() => {
    const p = document.querySelector('#sw-update .sw-update');
    return { title: p.querySelector('.message-title').textContent, button: p.querySelector('.sw-reload').textContent };
  });
  assert.deepEqual(await prompt(), { title: UI.fa['sw.update'], button: UI.fa['sw.reload'] }, 'the prompt in Persian');
  await page.screenshot({ path: shotPath('offline-update-prompt-fa.png') });
  await page.selectOption('#lang-select', 'en');
  await page.waitForFunction(() => document.documentElement.dir === 'ltr', null, { timeout: TIMEOUT });
  assert.deepEqual(await prompt(), { title: UI.en['sw.update'], button: UI.en['sw.reload'] }, 'relabelled in English');
  await page.screenshot({ path: shotPath('offline-update-prompt-en.png') });
  const axe = await new AxeBuilder({ page }).include('#sw-update').analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], 'axe on the prompt');
  assert.ok(await page.evaluate(() => document.activeElement !== document.querySelector('#sw-update .sw-reload')), 'the prompt does not steal focus');
  await page.focus('#sw-update .sw-reload');
  /* the keyboard path: Enter on the focused button */
  await Promise.all([page.waitForEvent('load', { timeout: TIMEOUT }), page.keyboard.press('Enter')]);

  /* "Reload" (pressed above): the new worker took over and the page reloaded on the new build */
  await waitReady(page);
  const css = await page.evaluate(async () => (await fetch('css/gradlab.css')).text());
  assert.match(css, /rebuilt by offline\.test\.mjs/, 'the page is served the new build');
  const now = await cacheKeys(page);
  const newCss = now.filter((k) => k[1] === '/css/gradlab.css');
  assert.equal(newCss.length, 1, 'one gradlab.css in the cache');
  assert.notEqual(newCss[0][2], oldCss[2], 'with a new revision');
  assert.ok(!now.some((k) => k[1] === '/css/gradlab.css' && k[2] === oldCss[2]), 'the old revision is removed');
  assert.equal(now.length, sw.count, `the cache holds the new build's ${sw.count} entries and no others`);
  assert.equal(new Set(now.map((k) => k[0])).size, 1, 'one cache');
  assert.equal(await page.$('#sw-update .sw-update'), null, 'no prompt after the update');
  assert.deepEqual(log.errors, [], 'no console errors');
});
