// load.test.mjs - the page loads cleanly: no console errors, no failed
// requests, nothing from another origin, a Content-Security-Policy in the
// header and in a meta tag; prints the time to the first charted step and the
// bytes downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, TIMEOUT } from './helpers.mjs';
import { CSP } from '../../scripts/serve.mjs';
import { FIXED } from '../../web/js/lab/settings-rules.js';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

test('the page loads with no console errors, no failed requests and no request to another origin', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  const t0 = Date.now();
  const resp = await page.goto(env.url);
  await waitReady(page);
  const wall = Date.now() - t0;
  await page.waitForLoadState('networkidle');
  const first = await page.evaluate(() => window.gradlab.debug().firstChartAt);
  console.log(`time from navigation to the first charted step: ${Math.round(first)} ms (in-page, from navigation start); ${wall} ms (test wall clock)`);
  console.log(`downloaded: ${log.bytes} bytes (${(log.bytes / 1024).toFixed(1)} KiB) in ${log.responses} responses`);
  assert.deepEqual(log.errors, [], 'console errors');
  assert.deepEqual(log.failed, [], 'failed requests');
  assert.deepEqual(log.foreign, [], 'requests to another origin');
  assert.ok(log.requests.length > 5, `the page made ${log.requests.length} requests`);
  assert.equal(resp.headers()['content-security-policy'], CSP, 'CSP header');
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.equal(meta, CSP, 'the meta CSP matches the server\'s');
  assert.ok(first > 0 && first < TIMEOUT, `first chart at ${first} ms`);
});

test('controls are generated from the engine\'s settings table, with labels', { timeout: TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(env.url + '?lang=en');
  await waitReady(page);
  /* the settings the page fixes (arch: both stacks; hist: the distributions view's) have no control */
  const { settings, missing, unlabeled } = await page.evaluate((fixed) => {
    const table = window.gradlab.debug().settings;
    const shown = table.filter((s) => !fixed.includes(s.name) && !(s.type === 'choice' && s.choices.length < 2));
    const missing = shown.filter((s) => !document.querySelector(`[data-setting="${s.name}"] input, [data-setting="${s.name}"] select`)).map((s) => s.name);
    const unlabeled = [...document.querySelectorAll('#controls input, #controls select, .runbar input, #lang-select')]
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id);
    return { settings: shown.map((s) => s.name), missing, unlabeled };
  }, Object.keys(FIXED));
  assert.ok(settings.length >= 20, `${settings.length} settings shown`);
  assert.deepEqual(missing, [], 'settings without a control');
  assert.deepEqual(unlabeled, [], 'controls without a label');
  for (const b of ['#btn-run', '#btn-pause', '#btn-step', '#btn-reset', '#copy-link', '#export-json', '#export-csv']) {
    assert.equal(await page.evaluate((sel) => document.querySelector(sel).tagName, b), 'BUTTON', `${b} is a real button`);
  }
});

test('the language switch changes text, direction, digits and the URL live', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(env.url + '?lang=en&depth=6&steps=20');
  await waitReady(page);
  assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
  const heard = page.evaluate(() => new Promise((ok) => document.addEventListener('gradlab:language', (e) => ok(e.detail.lang), { once: true })));
  await page.selectOption('#lang-select', 'fa');
  assert.equal(await heard, 'fa', 'gradlab:language event');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl' && /[۰-۹]/.test(document.getElementById('run-status').textContent), null, { timeout: TIMEOUT });
  assert.equal(new URL(page.url()).searchParams.get('lang'), 'fa');
  assert.equal(await page.getAttribute('html', 'lang'), 'fa');
  const ticks = await page.evaluate(() => window.gradlab.tickLabels('grad_norm', 'x'));
  assert.ok(ticks.some((l) => /[۰-۹]/.test(l)), `Persian digits on chart ticks: ${ticks.join(' ')}`);
  await page.selectOption('#lang-select', 'en');
  await page.waitForFunction(() => document.documentElement.dir === 'ltr', null, { timeout: TIMEOUT });
  assert.deepEqual(log.errors, []);
});
