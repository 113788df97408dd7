// conv.test.mjs - the page's convolutional mode (web/js/conv/):
// choosing model=conv trains both conv stacks on the digits (chart 1 has
// conv_1 .. fc for both; a deep sigmoid stack shows the plain conv_1
// gradient orders of magnitude below the residual's), the strip of test
// digits shows images with each stack's prediction (colour and symbol), and
// the degradation run draws four finite training-loss curves.  No console
// errors, no request to another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, TIMEOUT, chartNumbers } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

test('conv mode: both stacks, the digit strip, the degradation experiment', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&blocks=10&channels=8&pool=1&act=sigmoid&init=xavier&steps=40&record_every=10`);
  await waitReady(page);
  const builtIn = ['#set-points', '#set-noise', '#set-data_seed'];
  for (const sel of builtIn) assert.ok(await page.isEnabled(sel), `${sel} enabled with data=spiral`);
  // switching the model control to conv sets data=digits and batch 32 by itself
  await page.selectOption('#set-model', 'conv');
  await page.waitForFunction(() => {
    const d = window.gradlab.debug();
    return d.config.model === 'conv' && d.layers[0] === 'conv_1' && d.charts.grad_norm[0].data.length === d.layers.length;
  }, null, { timeout: TIMEOUT });
  let d = await page.evaluate(() => window.gradlab.debug());
  assert.equal(d.config.data, 'digits');
  assert.equal(d.config.batch, 32);
  // the built-in sets' size, noise and seed do nothing to the digits: greyed out and disabled
  for (const sel of builtIn) assert.ok(await page.isDisabled(sel), `${sel} disabled with data=digits`);
  assert.equal(d.layers.length, 22, d.layers.join(','));
  assert.equal(d.layers[d.layers.length - 1], 'fc');
  for (const id of ['plain', 'residual']) {
    const s = d.charts.grad_norm.find((x) => x.id === id);
    assert.deepEqual(s.data.map((p) => p.x), d.layers.map((_, i) => i + 1), `${id}: a point for every layer`);
  }
  // the vanishing profile at step 0, from the page's own records
  const ratio = (a) => Math.log10(d.latest[a].grad_norm[0] / d.latest[a].grad_norm[d.layers.length - 1]);
  assert.ok(ratio('plain') <= -8, `plain conv_1/fc ${ratio('plain')}`);
  assert.ok(ratio('residual') >= -4, `residual conv_1/fc ${ratio('residual')}`);
  assert.ok(Math.log10(d.latest.residual.grad_norm[0] / d.latest.plain.grad_norm[0]) >= 6, 'residual conv_1 ≫ plain conv_1');

  // the strip: images with predictions, boundary cards hidden
  await page.waitForFunction(() => { const c = window.GradLabConv.debug(); return c.strip.images >= 12 && c.strip.predicted; }, null, { timeout: TIMEOUT });
  let c = await page.evaluate(() => window.GradLabConv.debug());
  assert.ok(c.strip.visible && c.strip.boundaryHidden);
  assert.equal(c.strip.canvases, c.strip.images);
  for (const marks of c.strip.marks) {
    assert.equal(marks.length, 2);
    for (const m of marks) assert.equal(m.symbol, m.ok ? '✓' : '✗');
  }
  assert.ok(await page.isVisible('#digit-strip .digit-cell canvas'));
  // what the figures are measured on: the engine's counts (configured.measured), batch 32
  assert.match(await page.textContent('#digits-eval'), /first 50 training images, the test figures on the first 50 test images/);

  // a short training run: test accuracy in the records
  const t0 = Date.now();
  await page.click('#btn-run');
  await page.waitForFunction(() => { const x = window.gradlab.debug(); return x.finished && !x.running; }, null, { timeout: 120_000 });
  const secs = (Date.now() - t0) / 1000;
  d = await page.evaluate(() => window.gradlab.debug());
  assert.equal(d.latest.plain.steps_done, 40);
  assert.ok(d.latest.residual.test_acc >= 0 && d.latest.residual.test_acc <= 1);
  console.log(`# conv 10 blocks x 8 channels, 40 steps (both stacks, record_every 10): ${secs.toFixed(1)} s, ${(40 / secs).toFixed(2)} steps/s; test acc plain ${d.latest.plain.test_acc}, residual ${d.latest.residual.test_acc}`);

  // the degradation experiment, short
  assert.ok(c.degradation.visible);
  await page.evaluate(() => window.GradLabConv.runDegradation(20));
  await page.waitForFunction(() => window.GradLabConv.debug().degradation.status === 'done', null, { timeout: 180_000 });
  c = await page.evaluate(() => window.GradLabConv.debug());
  assert.equal(c.degradation.chart.length, 4);
  for (const s of c.degradation.chart) {
    assert.ok(s.data.length >= 3, `${s.id}: ${s.data.length} points`);
    assert.equal(s.data[s.data.length - 1].x, 20);
    for (const p of s.data) assert.ok(Number.isFinite(p.y) && p.y > 0, `${s.id} ${p.x} ${p.y}`);
  }
  assert.equal(c.degradation.final.length, 4);
  assert.match(await page.textContent('#deg-status'), /Done after 20 steps/);
  /* its text alternative (chart-text.js describeChart): each curve's newest point, as the chart draws it */
  const alt = await page.evaluate(() => {
    const f = window.gradlab.format(), t = window.gradlab.t;
    const c = document.getElementById('chart-degradation'), box = document.getElementById(c.getAttribute('aria-describedby'));
    const want = window.GradLabConv.debug().degradation.chart.map((s) => {
      const [arch, depth] = s.id.split('_'), p = s.data[s.data.length - 1];
      return [t('conv.deg.series', { arch: t(`conv.deg.${arch}`), blocks: f.int(Number(depth)) }), f.int(p.x), f.value(p.y)];
    });
    return { srOnly: box.classList.contains('sr-only'), caption: box.querySelector('caption').textContent, want,
      rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((x) => x.textContent)) };
  });
  assert.ok(alt.srOnly);
  assert.equal(alt.caption, 'Training loss of the four networks, the newest point of each curve');
  assert.deepEqual(alt.rows, alt.want, 'the degradation table holds the curves\' last points');
  assert.deepEqual(alt.rows.map((r) => r[1]), ['20', '20', '20', '20']);
  for (const v of chartNumbers(d)) assert.ok(v.y === null || Number.isFinite(v.y));
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.failed, []);
  assert.deepEqual(log.foreign, []);
  assert.ok(log.requests.some((u) => u.endsWith('/data/digits-train.bin')));
  assert.equal(log.requests.filter((u) => u.endsWith('/data/digits-test.bin')).length, 1, 'the digits are fetched once');
  await page.close();
});
