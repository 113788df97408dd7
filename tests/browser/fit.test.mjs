// fit.test.mjs - every control's text fits its box, in Persian and in English,
// at 1366x768 and at phone width 390x844: the text of every option of every
// visible <select> (any of them may be the one shown), every setting's label,
// every button and every text input's value.  A select's text is measured
// with the select's own font on a canvas and compared with the room the
// select leaves for it (its content box minus the drop-down arrow).  Run in
// the dense mode the page opens in and in conv mode (its extra controls and
// the degradation card).  A screenshot of the settings panel per case is
// saved under test-output/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, shotPath, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* The room Chromium's drop-down arrow takes at the inline end of a <select>. */
const ARROW = 20;

/* Everything in the page whose text does not fit, as strings. */
const misfits = (page, arrow) => page.evaluate((arrowPx) => {
  const out = [];
  const visible = (e) => e.offsetParent !== null && e.getClientRects().length > 0;
  const name = (e) => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`;
  const ctx = document.createElement('canvas').getContext('2d');
  const measure = (text, cs) => {
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    return ctx.measureText(text).width;
  };
  for (const s of document.querySelectorAll('select')) {
    if (!visible(s)) continue;
    const cs = getComputedStyle(s);
    const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - arrowPx;
    for (const o of s.options) {
      const w = measure(o.text, cs);
      if (w > room + 0.5) out.push(`${name(s)} option «${o.text}»: ${w.toFixed(0)} px of text in ${room.toFixed(0)} px`);
    }
  }
  for (const e of document.querySelectorAll('.control-label, button, label, .group legend')) {
    if (!visible(e) || e.clientWidth <= 1) continue;   /* .sr-only: read by screen readers, not shown */
    if (e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} «${e.textContent.trim().slice(0, 40)}»: ${e.scrollWidth} px of text in ${e.clientWidth} px`);
  }
  for (const i of document.querySelectorAll('input[type="text"], input[type="number"]')) {
    if (!visible(i) || !i.value || i.readOnly) continue;   /* the share link scrolls in its box by design */
    const cs = getComputedStyle(i);
    const room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const w = measure(i.value, cs);
    if (w > room + 0.5) out.push(`${name(i)} value «${i.value}»: ${w.toFixed(0)} px in ${room.toFixed(0)} px`);
  }
  return out;
}, arrow);

/* How many selects were measured (so the test cannot pass on an empty page). */
const selectCount = (page) => page.evaluate(() => [...document.querySelectorAll('select')].filter((s) => s.offsetParent !== null).length);

const VIEWPORTS = [{ width: 1366, height: 768 }, { width: 390, height: 844 }];

for (const lang of ['fa', 'en']) {
  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    test(`${lang} at ${size}: every select option, label and button fits its box (dense mode and conv mode)`, { timeout: 3 * TIMEOUT }, async () => {
      const { page, log } = await env.newPage({ viewport });
      await page.goto(`${env.url}?lang=${lang}`);
      await waitReady(page);
      await page.evaluate(() => document.fonts.ready);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const dense = await misfits(page, ARROW);
      const nDense = await selectCount(page);
      assert.ok(nDense >= 8, `${nDense} visible selects measured in dense mode`);
      await page.locator('.controls-panel').screenshot({ path: shotPath(`fit-${lang}-${size}-settings.png`) });

      await page.selectOption('#set-model', 'conv');
      await page.waitForFunction(() => window.gradlab.debug().config && window.gradlab.debug().config.model === 'conv', null, { timeout: TIMEOUT });
      await page.waitForTimeout(300);
      const conv = await misfits(page, ARROW);
      const nConv = await selectCount(page);
      assert.ok(nConv >= 6, `${nConv} visible selects measured in conv mode`);
      await page.locator('.controls-panel').screenshot({ path: shotPath(`fit-${lang}-${size}-settings-conv.png`) });

      assert.deepEqual(dense, [], `dense mode:\n${dense.join('\n')}`);
      assert.deepEqual(conv, [], `conv mode:\n${conv.join('\n')}`);
      assert.deepEqual(log.errors, []);
      await page.close();
    });
  }
}
