// dist.test.mjs - the distributions view (#card-dist; charts dist_plain and
// dist_residual of the registry, js/lab/dist-view.js):
//   - closed, the records hold no histograms (the page fixes hist = 0); open,
//     the next records do, and closing it stops them again (the Worker's hist);
//   - a short tanh run (std 1, 6 layers): a line per layer, the slow region
//     hatched where the engine says (act_slow_region), phi and phi' drawn from
//     the engine's samples, and the text alternative's "share saturated" is the
//     record's saturation, which the z histogram's bins bound (the bins wholly
//     inside the region and those meeting it);
//   - linked selection: a click on chart 1's point selects that layer (the view
//     draws it emphasised, the heatmap outlines its row), the view's layer
//     picker selects one that chart 1 rings, a click on a deep stack's
//     layer x value map selects that row;
//   - depth 30: the map (grid mode), in Persian too, with the z axis's
//     curves and hatched region.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, runToEnd, shotPath, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const open = (page) => page.evaluate(() => {
  const d = document.getElementById('card-dist');
  d.open = true;
  return new Promise((ok) => d.addEventListener('toggle', () => requestAnimationFrame(ok), { once: true }));
});
const frame = (page) => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));

test('closed: no histograms; open: the records count them; closed again: they stop', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=4&steps=60&record_every=10&speed=0`);
  await waitReady(page);
  const has = () => page.evaluate(() => window.gradlab.records().map((r) => !!r.plain.hist_pre));
  assert.deepEqual(await has(), [false], 'step 0 measured with the view closed');
  assert.equal(await page.evaluate(() => window.gradlab.debug().config.hist), 0);
  await page.click('#btn-step');
  await page.waitForFunction(() => window.gradlab.records().length >= 2, null, { timeout: TIMEOUT });
  await page.click('#card-dist > summary');
  await page.waitForFunction(() => window.gradlab.debug().dist.told === true, null, { timeout: TIMEOUT });
  await page.click('#btn-step');
  await page.waitForFunction(() => window.gradlab.records().length >= 3, null, { timeout: TIMEOUT });
  assert.deepEqual(await has(), [false, false, true], 'from the next record on');
  await page.click('#card-dist > summary');
  await page.waitForFunction(() => window.gradlab.debug().dist.told === false, null, { timeout: TIMEOUT });
  await page.click('#btn-step');
  await page.waitForFunction(() => window.gradlab.records().length >= 4, null, { timeout: TIMEOUT });
  assert.deepEqual(await has(), [false, false, true, false]);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('opened before the first step: step 0 measured again with its histograms, drawn at once, its other numbers the same', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=fa&depth=4&act=tanh&steps=20&record_every=10`);
  await waitReady(page);
  const before = await page.evaluate(() => window.gradlab.records().map((r) => ({ ...r.plain })));
  assert.equal(before.length, 1);
  assert.ok(!before[0].hist_pre, 'measured with the view closed');
  await open(page);
  await page.waitForFunction(() => !!window.gradlab.records()[0].plain.hist_pre, null, { timeout: TIMEOUT });
  await frame(page);
  const after = await page.evaluate(() => {
    const x = window.gradlab.debug();
    return { records: window.gradlab.records().map((r) => ({ ...r.plain })), chart: x.charts.dist_plain, shownHas: !!x.shown.plain.hist_pre, layers: x.layers.length };
  });
  assert.equal(after.records.length, 1, 'still one record: step 0');
  for (const [k, v] of Object.entries(before[0])) assert.deepEqual(after.records[0][k], v, `step 0's ${k} unchanged`);
  assert.ok(after.shownHas, 'the time cursor shows the new step 0');
  assert.equal(after.chart.datasets.filter((d) => /^l\d+$/.test(d.id) && d.data.length).length, after.layers, 'a line per layer at step 0');
  const note = await page.evaluate(() => Array.from(document.querySelectorAll('#note-dist-plain, #note-dist-residual')).map((n) => n.hidden ? '' : n.textContent).join(' '));
  assert.doesNotMatch(note, /بدون هیستوگرام|without histograms/);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('a tanh run: lines per layer, the slow region and phi\' from the engine, saturation in the table = the bins\' share', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=4&act=tanh&init=normal&init_std=1&steps=20&record_every=10`);
  await waitReady(page);
  await open(page);
  await page.waitForFunction(() => window.gradlab.records().length === 1 && !!window.gradlab.records()[0].plain.hist_pre, null, { timeout: TIMEOUT });
  await runToEnd(page);
  const d = await page.evaluate(() => {
    const x = window.gradlab.debug();
    return { chart: x.charts.dist_plain, shown: x.shown, layers: x.layers };
  });
  assert.equal(d.chart.mode, 'lines');
  const L = d.layers.length;
  const lines = d.chart.datasets.filter((s) => /^l\d+$/.test(s.id) && s.data.length);
  assert.equal(lines.length, L, 'a line per layer');
  const region = d.shown.plain.act_slow_region;
  assert.ok(Math.abs(region.hi - 1.8184464592320668) < 1e-12);
  assert.deepEqual(d.chart.bands, [{ lo: null, hi: region.lo }, { lo: region.hi, hi: null }]);
  const dphi = d.chart.datasets.find((s) => s.id === 'dphi').data;
  const at0 = dphi.find((p) => Math.abs(p.x) < 1e-9);
  assert.ok(Math.abs(at0.y - 1) < 1e-6, `tanh' (0) = ${at0.y}`);
  for (const p of dphi) if (Math.abs(p.x - region.hi) > 1e-3 && Math.abs(p.x - region.lo) > 1e-3) assert.equal(p.y < 0.1, p.x <= region.lo || p.x > region.hi, `phi'(${p.x})`);
  /* the text alternative's saturation column is the engine's saturation; the bins bound it */
  const rows = await page.$$eval('#text-chart-dist-plain tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
  assert.equal(rows.length, L);
  const fmt = (v) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(v);
  const edges = await page.evaluate(() => Array.from(window.gradlab.debug().charts.dist_plain.datasets.find((s) => s.id === 'l1').data, (p) => p.x));
  const bins = edges.length;
  let tested = 0;
  for (let l = 1; l < L; l++) {
    const sat = d.shown.plain.saturation[l - 1];
    assert.equal(rows[l - 1][3], fmt(sat), `layer ${l}: the table shows the engine's saturation`);
    const c = d.shown.plain.hist_pre.slice((l - 1) * bins, l * bins), total = c.reduce((a, v) => a + v, 0);
    let inside = 0, meeting = 0;
    c.forEach((n, b) => {
      const lo = b === 0 ? -Infinity : -8 + 0.25 * (b - 1), hi = b === bins - 1 ? Infinity : -8 + 0.25 * b;
      if (hi <= region.lo || lo >= region.hi) inside += n;
      if (lo < region.lo || hi > region.hi) meeting += n;
    });
    assert.ok(sat >= inside / total - 1e-12 && sat <= meeting / total + 1e-12, `layer ${l}: saturation ${sat} within the bins' ${inside / total}..${meeting / total}`);
    if (sat > 0.05) tested++;
  }
  assert.ok(tested >= 2, `tanh std 1 saturates: ${tested} layers over 5%`);
  assert.match(await page.textContent('#note-dist-plain'), /Share of z there/);
  await page.locator('#card-dist').screenshot({ path: shotPath('dist-en-1366.png') });
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('linked selection: chart 1 -> the view and the heatmap, the view\'s picker -> chart 1, a click on the map -> its row', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=6&act=sigmoid&steps=20&record_every=10`);
  await waitReady(page);
  await open(page);
  await runToEnd(page);
  /* a click on chart 1's plain point at layer 3 */
  const y = await page.evaluate(() => window.gradlab.debug().charts.grad_norm.find((s) => s.id === 'plain').data[2].y);
  await page.locator('#card-grad').scrollIntoViewIfNeeded();
  const at = await page.evaluate(([yy]) => window.gradlab.pixel('grad_norm', 3, yy), [y]);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => { const s = window.gradlab.debug().selected; return s && s.arch === 'plain' && s.layer === 3; }, null, { timeout: TIMEOUT });
  await frame(page);
  const d = await page.evaluate(() => window.gradlab.debug());
  assert.equal(d.charts.dist_plain.emphasis, 3, 'the view draws layer 3 emphasised');
  assert.equal(d.charts.dist_residual.emphasis, null);
  let ringed = await page.evaluate(() => window.gradlab.ringed());
  assert.deepEqual(ringed.grad_norm, [{ series: 'plain', x: 3 }, { series: 'plain_underflow', x: 3 }], 'chart 1 rings it');
  assert.equal(ringed.heatmap_plain, 3, 'the plain heatmap outlines its row');
  assert.equal(ringed.heatmap_residual, null);
  assert.equal(await page.inputValue('#dist-layer'), 'plain:3', 'the view\'s picker shows it');
  /* the view's picker selects residual layer 5: chart 1 rings it, the residual heatmap outlines its row */
  await page.selectOption('#dist-layer', 'residual:5');
  await page.waitForFunction(() => { const s = window.gradlab.debug().selected; return s && s.arch === 'residual' && s.layer === 5; }, null, { timeout: TIMEOUT });
  await frame(page);
  assert.equal(await page.evaluate(() => window.gradlab.debug().charts.dist_residual.emphasis), 5);
  ringed = await page.evaluate(() => window.gradlab.ringed());
  assert.deepEqual(ringed.grad_norm, [{ series: 'residual', x: 5 }, { series: 'residual_underflow', x: 5 }]);
  assert.equal(ringed.heatmap_residual, 5);
  assert.equal(ringed.heatmap_plain, null);
  await page.selectOption('#dist-layer', '');
  await page.waitForFunction(() => window.gradlab.debug().selected === null, null, { timeout: TIMEOUT });
  assert.deepEqual(log.errors, []);
  await page.close();
});

for (const [lang, viewport] of [['fa', { width: 1366, height: 768 }], ['en', { width: 390, height: 844 }]]) {
  test(`depth 30 (${lang}, ${viewport.width} px): a layer x value map, a click on a row selects that layer`, async () => {
    const { page, log } = await env.newPage({ viewport });
    await page.goto(`${env.url}?lang=${lang}&depth=30&act=sigmoid&init=normal&init_std=1&steps=10&record_every=10`);
    await waitReady(page);
    await open(page);
    await runToEnd(page);
    const c = await page.evaluate(() => window.gradlab.debug().charts.dist_plain);
    assert.equal(c.mode, 'grid');
    assert.equal(c.rows, 32);
    assert.equal(c.columns.length, 66, 'every bin of z, the open ends too');
    assert.equal(c.curves.length, 2, 'phi and phi\' over the map');
    assert.equal(c.bands.length, 2);
    await page.locator('#chart-dist-plain').scrollIntoViewIfNeeded();
    const at = await page.evaluate(() => window.gradlab.pixel('dist_plain', 0, 12));
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => { const s = window.gradlab.debug().selected; return s && s.arch === 'plain' && s.layer === 12; }, null, { timeout: TIMEOUT });
    await frame(page);
    assert.equal(await page.evaluate(() => window.gradlab.debug().charts.dist_plain.selectedRow), 12);
    await page.check('#dist-q-hist_grad');
    await frame(page);
    const g = await page.evaluate(() => window.gradlab.debug().charts.dist_plain);
    assert.equal(g.columns.length, 106);
    assert.deepEqual(g.bands, [], 'no shading off the z view');
    await page.locator('#card-dist').screenshot({ path: shotPath(`dist-${lang}-${viewport.width}-deep.png`) });
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}
