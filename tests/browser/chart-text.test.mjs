// chart-text.test.mjs - every chart's text alternative (web/js/lab/chart-text.js):
// each chart canvas is aria-describedby a visually hidden table that a
// screen reader reaches, holding the numbers of the engine's latest record
// in the page's language: per layer for grad_norm, saturation and the
// heatmaps, per stack for loss and accuracy; in English the cells read back
// as the record's numbers (to the 3-4 significant digits shown), in Persian they are
// written in Persian digits.  The tables follow the record at the end of a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, runToEnd, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* "1.23×10⁻⁵" or "0.6931" or "45.5%" -> a number */
const SUP = { '⁻': '-', '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };
function parseEn(text) {
  const t = text.replace(/,/g, '');
  const m = /^(-?[\d.]+)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(t);
  if (m) return Number(m[1]) * 10 ** Number([...m[2]].map((c) => SUP[c]).join(''));
  if (t.endsWith('%')) return Number(t.slice(0, -1)) / 100;
  return Number(t);
}
const close = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

for (const lang of ['en', 'fa']) {
  test(`chart text alternatives (${lang}): a hidden table of the latest numbers per chart`, { timeout: 3 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.goto(`${env.url}?lang=${lang}&depth=6&steps=30&record_every=10`);
    await waitReady(page);
    await runToEnd(page);
    await page.waitForFunction(() => {
      const d = window.gradlab.debug();
      const cap = document.querySelector('#text-chart-grad caption');
      return cap && d.latest && cap.textContent.length > 0;
    }, null, { timeout: TIMEOUT });
    await page.waitForTimeout(300);
    const got = await page.evaluate(() => {
      const out = {};
      for (const c of document.querySelectorAll('.chart-box canvas')) {
        const id = c.getAttribute('aria-describedby');
        const box = id && document.getElementById(id);
        out[c.id] = box ? {
          srOnly: box.classList.contains('sr-only'),
          caption: box.querySelector('caption') ? box.querySelector('caption').textContent : '',
          rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((x) => x.textContent)),
        } : null;
      }
      return { out, d: window.gradlab.debug() };
    });
    const { out, d } = got;
    const L = d.layers.length;
    for (const id of ['chart-grad', 'chart-loss', 'chart-sat', 'chart-update', 'chart-heat-plain', 'chart-heat-residual', 'chart-boundary-plain', 'chart-boundary-residual']) {
      assert.ok(out[id], `${id} is described by a table`);
      assert.ok(out[id].srOnly && out[id].caption, `${id}: visually hidden, with a caption`);
    }
    assert.equal(out['chart-grad'].rows.length, L, 'one row per layer');
    assert.equal(out['chart-loss'].rows.length, 2, 'one row per stack');
    assert.equal(out['chart-heat-plain'].rows[0].length, 2, 'a per-stack chart: the layer and its own stack');
    const last = d.latest;
    assert.equal(last.plain.step, 30);
    if (lang === 'en') {
      assert.match(out['chart-grad'].caption, /step 30/);
      for (let i = 0; i < L; i++) {
        for (const [k, a] of [[1, 'plain'], [2, 'residual']]) {
          const cell = out['chart-grad'].rows[i][k], v = last[a].grad_norm[i];
          if (last[a].underflow[i] === 1) assert.match(cell, /underflow/);
          else assert.ok(close(parseEn(cell), v, 5e-3), `grad_norm ${a} layer ${i + 1}: «${cell}» vs ${v}`);
        }
        assert.ok(close(parseEn(out['chart-sat'].rows[i][1]), last.plain.saturation[i], 2e-3) || Math.abs(parseEn(out['chart-sat'].rows[i][1]) - last.plain.saturation[i]) < 1e-3, `saturation layer ${i + 1}`);
      }
      const [, step, loss, acc] = out['chart-loss'].rows[0];
      assert.equal(Number(step), 30);
      assert.ok(close(parseEn(loss), last.plain.loss, 1e-3), `loss «${loss}» vs ${last.plain.loss}`);
      assert.ok(Math.abs(parseEn(acc) - last.plain.acc) <= 0.0005, `accuracy «${acc}» vs ${last.plain.acc}`);
    } else {
      assert.match(out['chart-grad'].caption, /۳۰/, 'the step in Persian digits');
      assert.match(out['chart-loss'].rows[0][1], /۳۰/);
      assert.ok(out['chart-grad'].rows.every((r) => /[۰-۹]/.test(r[1]) && !/[0-9]/.test(r[1].replace(/\u2066|\u2069/g, ''))), 'per-layer numbers in Persian digits');
    }
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}
