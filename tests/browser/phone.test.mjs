// phone.test.mjs - the lab on a phone, 390x844 (CSS px), in English and in
// Persian, with the lesson open and after a short run, and in conv mode:
//   - nothing scrolls sideways: the document is no wider than the viewport;
//   - every control is reachable: each enabled, shown button, select, input,
//     link and summary, scrolled into view, lies inside the viewport's width
//     and is the element found at its own centre (nothing covers it);
//   - the charts are readable: every shown chart canvas is at least 300 px
//     wide and 160 px high, inside the viewport.
// Full-page screenshots under test-output/screenshots/phone-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, runToEnd, shotPath, TIMEOUT } from './helpers.mjs';

const PHONE = { width: 390, height: 844 };
let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* what does not fit on the phone, as strings */
async function problems(page) {
  const out = [];
  const wide = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, vw: window.innerWidth }));
  if (wide.doc > wide.vw || wide.body > wide.vw) out.push(`the page scrolls sideways: ${wide.doc} (body ${wide.body}) px in ${wide.vw} px`);
  const controls = await page.evaluate(() => {
    const sel = 'button, select, input, a[href], summary, [tabindex="0"]';
    for (const e of document.querySelectorAll('[data-phone-index]')) delete e.dataset.phoneIndex;
    const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[hidden], .sr-only');
    return [...document.querySelectorAll(sel)].filter((e) => shown(e) && !e.disabled).map((e, i) => {
      e.dataset.phoneIndex = String(i);
      return { i, name: `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}` };
    });
  });
  for (const c of controls) {
    const r = await page.evaluate((i) => {
      const e = document.querySelector(`[data-phone-index="${i}"]`);
      /* a skip link is shown when focused */
      if (e.classList.contains('skip')) return { ok: true };
      e.scrollIntoView({ block: 'center', inline: 'nearest' });
      const b = e.getBoundingClientRect();
      const x = Math.min(Math.max(b.left + b.width / 2, 0), window.innerWidth - 1), y = Math.min(Math.max(b.top + b.height / 2, 0), window.innerHeight - 1);
      const at = document.elementFromPoint(x, y);
      const inside = b.left >= -1 && b.right <= window.innerWidth + 1 && b.width > 0 && b.height > 0;
      /* the element at its centre is it, inside it, or its label */
      const hit = !!at && (at === e || e.contains(at) || at.contains(e) || (at.closest('label') && at.closest('label').contains(e)) || (e.labels && [...e.labels].some((l) => l.contains(at))));
      return { ok: inside && hit, box: `${Math.round(b.left)}..${Math.round(b.right)} x ${Math.round(b.top)}..${Math.round(b.bottom)}`, at: at ? `${at.tagName.toLowerCase()}${at.id ? '#' + at.id : ''}.${String(at.className)}` : 'nothing' };
    }, c.i);
    if (!r.ok) out.push(`${c.name} is not reachable: box ${r.box}, at its centre ${r.at}`);
  }
  const charts = await page.evaluate(() => [...document.querySelectorAll('.chart-box canvas')]
    .filter((c) => c.getClientRects().length > 0 && !c.closest('[hidden]'))
    .map((c) => { const b = c.getBoundingClientRect(); return { id: c.id, w: b.width, h: b.height, left: b.left, right: b.right }; }));
  for (const c of charts) {
    if (c.w < 300 || c.h < 160 || c.left < -1 || c.right > PHONE.width + 1) out.push(`chart ${c.id}: ${Math.round(c.w)}x${Math.round(c.h)} at ${Math.round(c.left)}..${Math.round(c.right)}`);
  }
  assert.ok(charts.length >= 6, `${charts.length} charts shown`);
  return out;
}

for (const lang of ['en', 'fa']) {
  test(`phone 390x844 (${lang}): no sideways scrolling, every control reachable, charts readable`, { timeout: 4 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage({ viewport: PHONE });
    await page.goto(`${env.url}?lang=${lang}&depth=6&steps=20&record_every=5&step=descent`);
    await waitReady(page);
    await page.waitForSelector('#lesson .lesson-step .katex', { timeout: TIMEOUT });
    await runToEnd(page);
    await page.evaluate(() => { document.getElementById('classroom').open = true; });
    assert.deepEqual(await problems(page), [], `${lang}: the dense lab with the lesson`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shotPath(`phone-${lang}.png`), fullPage: true });

    await page.selectOption('#set-model', 'conv');
    await page.waitForFunction(() => window.GradLabConv && window.GradLabConv.debug().strip.images >= 12, null, { timeout: TIMEOUT });
    assert.deepEqual(await problems(page), [], `${lang}: conv mode`);
    await page.evaluate(() => document.getElementById('card-digits').scrollIntoView());
    await page.screenshot({ path: shotPath(`phone-${lang}-conv.png`) });
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}
