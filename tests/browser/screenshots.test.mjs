// screenshots.test.mjs - the page after a run, as a student sees it, saved
// under test-output/screenshots/ (git-ignored): 1366x768 in English and in
// Persian (right to left, Persian digits), at phone width (390x844) in both, and conv
// mode (the digit strip and the degradation card) in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { setup, waitReady, runToEnd, shotPath, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const PRESET = '?depth=30&act=sigmoid&init=xavier&steps=200';

async function shoot(name, query, viewport) {
  const { page, log } = await env.newPage({ viewport });
  await page.goto(env.url + query);
  await waitReady(page);
  await runToEnd(page);
  await page.waitForFunction(() => window.gradlab.debug().charts.boundary_residual.hasImage, null, { timeout: TIMEOUT });
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300); /* one more throttled redraw after the last record */
  const view = shotPath(`${name}.png`);
  const full = shotPath(`${name}-full.png`);
  await page.screenshot({ path: view });
  await page.screenshot({ path: full, fullPage: true });
  for (const f of [view, full]) assert.ok(statSync(f).size > 10_000, `${f} written`);
  console.log(`saved ${view} and ${full}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px too wide)`);
  assert.deepEqual(log.errors, []);
  return page;
}

test('screenshot after a run at 1366x768, English', { timeout: TIMEOUT }, async () => {
  await shoot('run-en-1366x768', PRESET + '&lang=en', { width: 1366, height: 768 });
});

test('screenshot after a run at 1366x768, Persian (rtl, Persian digits on the ticks)', { timeout: TIMEOUT }, async () => {
  const page = await shoot('run-fa-1366x768', PRESET + '&lang=fa', { width: 1366, height: 768 });
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.getAttribute('html', 'lang'), 'fa');
  const status = await page.textContent('#run-status');
  assert.match(status, /[۰-۹]/, `Persian digits in the status: ${status}`);
});

test('screenshot after a run at phone width 390x844: one column', { timeout: TIMEOUT }, async () => {
  const page = await shoot('run-en-390x844', PRESET + '&lang=en', { width: 390, height: 844 });
  const boxes = await page.evaluate(() => ['stack-plain', 'stack-residual'].map((id) => document.getElementById(id).getBoundingClientRect().toJSON()));
  assert.ok(boxes[1].top >= boxes[0].bottom, 'the two stacks are stacked vertically');
});

test('screenshot after a run at phone width 390x844, Persian: one column, the time cursor in the run bar', { timeout: TIMEOUT }, async () => {
  const page = await shoot('run-fa-390x844', PRESET + '&lang=fa', { width: 390, height: 844 });
  const slider = await page.evaluate(() => document.getElementById('timeline-slider').getBoundingClientRect().toJSON());
  assert.ok(slider.width >= 100 && slider.right <= 390, `the slider fits: ${JSON.stringify(slider)}`);
});

test('screenshot of conv mode after a short run at 1366x768, English and Persian: the digit strip and the degradation card', { timeout: 4 * TIMEOUT }, async () => {
  for (const lang of ['en', 'fa']) {
    const { page, log } = await env.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${env.url}?lang=${lang}&model=conv&data=digits&blocks=4&channels=8&steps=100&record_every=50&batch=32`);
    await waitReady(page);
    await runToEnd(page);
    await page.waitForFunction(() => { const c = window.GradLabConv.debug(); return c.strip.images >= 12 && c.strip.predicted; }, null, { timeout: TIMEOUT });
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    const view = shotPath(`conv-${lang}-1366x768.png`), full = shotPath(`conv-${lang}-1366x768-full.png`);
    await page.screenshot({ path: view });
    await page.screenshot({ path: full, fullPage: true });
    for (const f of [view, full]) assert.ok(statSync(f).size > 10_000, `${f} written`);
    console.log(`saved ${view} and ${full}`);
    const c = await page.evaluate(() => window.GradLabConv.debug());
    assert.ok(c.strip.visible && c.strip.boundaryHidden && c.degradation.visible);
    assert.deepEqual(log.errors, []);
    await page.close();
  }
});
