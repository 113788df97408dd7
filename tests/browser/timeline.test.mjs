// timeline.test.mjs - the time cursor (web/js/lab/timeline.js) in chromium,
// in English and in Persian: the slider moved by its keys (Home, arrows,
// End) and by a drag (its value set, an input event) changes what chart 1,
// the chain chart, the update-ratio chart, the stack cards and chart 1's
// text alternative show to that record's numbers, as window.gradlab.debug()
// reports them; the loss chart and the heatmaps mark the step; show('init')
// goes to step 0's first update, Play runs to the newest, and End follows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, runToEnd, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const QUERY = 'depth=6&act=sigmoid&block=1&steps=60&record_every=10';

/* what the page shows now, and what it should show for the cursor's record */
function state(page) {
  return page.evaluate(() => {
    const d = window.gradlab.debug(), f = window.gradlab.format(), t = window.gradlab.t;
    const records = window.gradlab.records();
    const i = d.timeline.index, r = records[i];
    const step = Math.max(r.plain.step, r.residual.step);
    const chain = window.GradLabSweep.chain();
    const series = (c, id) => c.find((s) => s.id === id).data.map((p) => p.y);
    const slider = document.getElementById('timeline-slider');
    return {
      d, i, step, n: records.length, r, lang: d.lang,
      grad: { plain: series(d.charts.grad_norm, 'plain'), residual: series(d.charts.grad_norm, 'residual') },
      chain: { step: chain.step, plain: series(chain.factor, 'plain'), residual: series(chain.factor, 'residual'), product: series(chain.product, 'plain') },
      sat: series(d.charts.saturation, 'plain'),
      update: series(d.charts.update_ratio, 'plain'),
      titles: { grad: document.getElementById('title-grad').textContent, sat: document.getElementById('title-sat').textContent, update: document.getElementById('title-update').textContent, chain: document.getElementById('title-chain').textContent },
      want: {
        grad: t('chart.grad_norm.step', { step: f.int(step) }), sat: t('chart.saturation.step', { step: f.int(step) }),
        chain: t('chain.title_step', { step: f.int(step) }),
        position: t(d.cursor ? 'timeline.position' : 'timeline.position_live', { step: f.int(step), steps: f.int(d.config.steps) }),
        numbers: t('stack.numbers', { step: f.int(r.plain.step), loss: f.value(r.plain.loss), acc: f.percent(r.plain.acc) }),
        caption: t('alt.caption', { what: t('alt.field.grad_norm'), step: f.int(step) }),
      },
      note: { hidden: document.getElementById('note-update').hidden, text: document.getElementById('note-update').textContent },
      output: document.getElementById('timeline-step').value,
      valuetext: slider.getAttribute('aria-valuetext'), sliderValue: Number(slider.value), dir: slider.getAttribute('dir'),
      numbers: document.getElementById('numbers-plain').textContent,
      caption: document.querySelector('#text-chart-grad caption').textContent,
    };
  });
}

/* the page shows record i, every per-layer view with that record's numbers */
async function expectShown(page, i, label) {
  await page.waitForFunction((k) => window.gradlab.debug().timeline.index === k && window.GradLabSweep.chain().step !== null, i, { timeout: TIMEOUT });
  /* the chain chart redraws within 150 ms, the rest on the next animation frame */
  await page.waitForFunction(() => {
    const d = window.gradlab.debug(), r = window.gradlab.records()[d.timeline.index];
    return window.GradLabSweep.chain().step === Math.max(r.plain.step, r.residual.step) && d.shown && d.shown.plain.step === r.plain.step
      && document.getElementById('title-grad').textContent.length > 0;
  }, null, { timeout: TIMEOUT });
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const s = await state(page);
  const { r } = s;
  assert.equal(s.i, i, `${label}: index`);
  assert.equal(s.sliderValue, i, `${label}: the slider`);
  assert.deepEqual(s.d.shown.plain.grad_norm, r.plain.grad_norm, `${label}: shown is the cursor's record`);
  assert.deepEqual(s.grad.plain, r.plain.grad_norm, `${label}: chart 1 draws the record's plain grad_norm`);
  assert.deepEqual(s.grad.residual, r.residual.grad_norm, `${label}: chart 1 draws the record's residual grad_norm`);
  assert.deepEqual(s.sat, r.plain.saturation, `${label}: the saturation chart`);
  const pos = (v) => (v > 0 ? v : null);
  assert.equal(s.chain.step, s.step, `${label}: the chain chart's step`);
  assert.deepEqual(s.chain.plain, r.plain.chain_factor.map(pos), `${label}: the chain chart's factors`);
  assert.deepEqual(s.chain.residual, r.residual.chain_factor.map(pos), `${label}: the chain chart's residual factors`);
  assert.deepEqual(s.chain.product, r.plain.chain_product.map(pos), `${label}: the chain chart's products`);
  assert.equal(s.titles.grad, s.want.grad, `${label}: chart 1's title names the step`);
  assert.equal(s.titles.sat, s.want.sat, `${label}: the saturation chart's title names the step`);
  assert.equal(s.titles.chain, s.want.chain, `${label}: the chain card's title names the step`);
  assert.equal(s.output, s.want.position, `${label}: the slider's step`);
  assert.equal(s.valuetext, s.want.position, `${label}: the slider's aria-valuetext`);
  assert.equal(s.numbers, s.want.numbers, `${label}: the plain stack's card`);
  assert.equal(s.caption, s.want.caption, `${label}: chart 1's text alternative names the step`);
  /* the loss chart and the heatmaps mark the step, unless the cursor follows the newest */
  const mark = s.d.cursor ? s.step : null;
  assert.equal(s.d.cursors.loss, mark, `${label}: the loss chart's cursor`);
  assert.equal(s.d.cursors.heatmap_plain, mark, `${label}: the plain heatmap's cursor`);
  return s;
}

for (const lang of ['en', 'fa']) {
  test(`the time cursor drives the per-layer views (${lang}): keys, a drag, show, play`, { timeout: 4 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.goto(`${env.url}?lang=${lang}&${QUERY}`);
    await waitReady(page);
    /* the chain chart's residual stack layer by layer (its default is block by block: walk.test.mjs) */
    await page.check('#chain-per-layer');
    await runToEnd(page);
    const records = await page.evaluate(() => window.gradlab.records());
    const n = records.length;
    assert.ok(n >= 7, `${n} records kept`);
    let s = await expectShown(page, n - 1, 'after the run: the newest');
    assert.equal(s.d.cursor, null, 'live');
    assert.equal(s.dir, 'ltr', 'the slider runs left to right, as the step axes do');
    /* the final measurement has no update: the chart shows the last update and says so */
    const lastUpdate = records[n - 2].plain.step;
    assert.deepEqual(s.update, records[n - 2].plain.update_ratio.map((v) => (v > 0 ? v : null)), 'the last update\'s ratios');
    assert.ok(!s.note.hidden && s.note.text === await page.evaluate(([a, b]) => window.gradlab.t('chart.update_ratio.other', { shown: window.gradlab.format().int(a), step: window.gradlab.format().int(b) }), [s.step, lastUpdate]), `the note: ${s.note.text}`);

    /* keys: Home, ArrowRight, ArrowRight ArrowRight, End (the thumb moves the way the arrow points, in Persian too) */
    await page.focus('#timeline-slider');
    await page.keyboard.press('Home');
    s = await expectShown(page, 0, 'Home');
    assert.deepEqual(s.d.cursor, { step: 0, index: 0 });
    assert.deepEqual(s.update, records[1].plain.update_ratio.map((v) => (v > 0 ? v : null)), 'step 0 at configure: the first update\'s ratios');
    assert.ok(s.note.hidden, 'the first update is at step 0 too: no note');
    await page.keyboard.press('ArrowRight');
    s = await expectShown(page, 1, 'ArrowRight');
    assert.deepEqual(s.update, records[1].plain.update_ratio.map((v) => (v > 0 ? v : null)), 'its own update ratio');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    s = await expectShown(page, 3, 'ArrowRight twice more');
    assert.notDeepEqual(s.grad.plain, records[n - 1].plain.grad_norm, 'not the newest record\'s numbers');
    await page.keyboard.press('ArrowLeft');
    await expectShown(page, 2, 'ArrowLeft');
    await page.keyboard.press('End');
    s = await expectShown(page, n - 1, 'End');
    assert.equal(s.d.cursor, null, 'End follows the newest');

    /* a drag: the slider's value set and its input event */
    await page.evaluate(() => {
      const el = document.getElementById('timeline-slider');
      el.value = '4';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    s = await expectShown(page, 4, 'a drag to 4');
    assert.equal(s.d.cursor.step, Math.max(records[4].plain.step, records[4].residual.step));

    /* the plug-ins' way in: show('init') and show('end') */
    await page.evaluate(() => window.gradlab.show('init'));
    await expectShown(page, 1, "show('init')");
    await page.evaluate(() => window.gradlab.show('end'));
    await expectShown(page, n - 1, "show('end')");

    /* Play from the newest: back to the first record, then one record at a time to the newest, then live */
    await page.click('#timeline-play');
    await page.waitForFunction(() => window.gradlab.debug().timeline.playing, null, { timeout: TIMEOUT });
    await page.waitForFunction(() => { const tl = window.gradlab.debug().timeline; return tl.live && !tl.playing; }, null, { timeout: TIMEOUT });
    await expectShown(page, n - 1, 'after Play');

    if (lang === 'fa') {
      assert.match(s.output, /[۰-۹]/, `Persian digits: ${s.output}`);
      assert.ok(!/[0-9]/.test(s.output), `no Latin digits: ${s.output}`);
    }
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}

test('the time cursor: Run goes back to following the newest; a new configuration too', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&${QUERY}&steps=40`);
  await waitReady(page);
  await page.click('#btn-step');
  await page.waitForFunction(() => window.gradlab.records().length >= 2 && window.gradlab.debug().phase === 'paused', null, { timeout: TIMEOUT });
  await page.click('#btn-step');
  await page.waitForFunction(() => window.gradlab.records().length >= 3 && window.gradlab.debug().phase === 'paused', null, { timeout: TIMEOUT });
  await page.evaluate(() => window.gradlab.show(0));
  await page.waitForFunction(() => window.gradlab.debug().cursor !== null, null, { timeout: TIMEOUT });
  await runToEnd(page);
  const d = await page.evaluate(() => window.gradlab.debug());
  assert.equal(d.cursor, null, 'Run: live again');
  assert.equal(d.shown.plain.step, d.latest.plain.step);
  await page.evaluate(() => window.gradlab.show('init'));
  await page.waitForFunction(() => window.gradlab.debug().cursor !== null, null, { timeout: TIMEOUT });
  await page.evaluate(() => window.gradlab.applySettings({ depth: 5 }));
  await page.waitForFunction(() => window.gradlab.debug().layers.length === 7 && window.gradlab.debug().cursor === null, null, { timeout: TIMEOUT });
  assert.deepEqual(log.errors, []);
  await page.close();
});
