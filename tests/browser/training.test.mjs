// training.test.mjs - the lesson's two regimes in a real browser: a deep
// sigmoid stack whose plain gradients vanish (chart 1 shows it, numbers read
// from the page), an exploding relu stack that diverges (banner, no NaN),
// the UI's frame rate while training, and the exports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup, waitReady, runToEnd, chartNumbers, TIMEOUT } from './helpers.mjs';
import { historyLimit, HISTORY_MAX_BYTES } from '../../web/js/lab/history.js';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

test('deep plain sigmoid: chart 1 holds every layer of both stacks, plain first layer >= 1e10 below residual', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(env.url + '?depth=30&act=sigmoid&init=xavier&steps=50&lang=en');
  await waitReady(page);
  await runToEnd(page);
  const d = await page.evaluate(() => window.gradlab.debug());
  const L = d.layers.length;
  assert.equal(L, 32, 'depth 30 + input and output layers');
  assert.equal(d.latest.plain.step, 50);
  const ds = Object.fromEntries(d.charts.grad_norm.map((s) => [s.id, s.data]));
  for (const id of ['plain', 'residual', 'theory']) {
    assert.equal(ds[id].length, L, `${id}: one point per layer`);
    assert.deepEqual(ds[id].map((p) => p.x), Array.from({ length: L }, (_, i) => i + 1), `${id}: x runs 1 (input) .. ${L} (output)`);
    for (const p of ds[id]) assert.ok(Number.isFinite(p.y) && p.y > 0, `${id} layer ${p.x}: ${p.y} is a positive number`);
  }
  /* the charted numbers are the engine's */
  for (const a of ['plain', 'residual']) {
    d.latest[a].grad_norm.forEach((g, i) => {
      if (!d.latest[a].underflow[i]) assert.equal(ds[a][i].y, g, `${a} layer ${i + 1} charts the record's grad_norm`);
    });
  }
  d.latest.plain.grad_norm_theory.forEach((v, i) => assert.ok(Math.abs(ds.theory[i].y - v) <= 1e-12 * v || ds.theory[i].y > v, `theory layer ${i + 1}`));
  const ratio = ds.residual[0].y / ds.plain[0].y;
  console.log(`layer 1 grad_norm: plain ${ds.plain[0].y.toExponential(3)}, residual ${ds.residual[0].y.toExponential(3)}, ratio ${ratio.toExponential(2)}`);
  assert.ok(ratio >= 1e10, `residual/plain at layer 1 = ${ratio}`);
  const title = await page.textContent('#title-grad');
  assert.match(title, /50/, 'chart 1 names the step it shows');
  assert.deepEqual(log.errors, []);
});

test('exploding preset: a diverged banner with step and layer, and no NaN in any chart', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(env.url + '?act=relu&init=normal&init_std=1&depth=30&lr=0.1&lang=en');
  await waitReady(page);
  await runToEnd(page);
  await page.waitForFunction(() => !document.getElementById('banner-plain').hidden, null, { timeout: TIMEOUT });
  const d = await page.evaluate(() => window.gradlab.debug());
  for (const a of ['plain', 'residual']) {
    const r = d.latest[a];
    if (r.status !== 'diverged') continue;
    const text = await page.textContent(`#banner-${a}`);
    console.log(`${a}: ${text}`);
    assert.ok(await page.isVisible(`#banner-${a}`), `${a} banner visible`);
    assert.match(text, new RegExp(`step ${r.diverged.step}\\b`), `${a} banner names the step`);
    assert.match(text, r.diverged.layer ? new RegExp(`layer ${r.diverged.layer}\\b`) : /loss/, `${a} banner names the layer`);
  }
  assert.equal(d.latest.plain.status, 'diverged', 'the plain stack diverges in this preset');
  const nums = chartNumbers(d);
  assert.ok(nums.length > 100, `${nums.length} charted numbers`);
  const bad = nums.filter((p) => (p.y !== null && !Number.isFinite(p.y)) || !Number.isFinite(p.x));
  assert.deepEqual(bad, [], 'every charted number is finite or a gap');
  const text = await page.evaluate(() => document.body.innerText);
  assert.ok(!/\bNaN\b/.test(text), 'no NaN on the page');
  assert.deepEqual(log.errors, []);
});

test('the UI stays responsive while training: >= 20 animation frames per second', { timeout: TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(env.url + '?depth=30&width=64&steps=1000000&record_every=10&lang=en');
  await waitReady(page);
  await page.evaluate(() => {
    const s = document.getElementById('speed');
    s.value = s.max;
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.click('#btn-run');
  await page.waitForFunction(() => window.gradlab.debug().records > 3, null, { timeout: TIMEOUT });
  const m = await page.evaluate(() => new Promise((ok) => {
    const r0 = window.gradlab.debug().latest.plain.steps_done;
    let frames = 0;
    const t0 = performance.now();
    function f(t) {
      frames++;
      if (t - t0 < 2000) requestAnimationFrame(f);
      else ok({ fps: frames / ((t - t0) / 1000), steps: window.gradlab.debug().latest.plain.steps_done - r0, ms: t - t0 });
    }
    requestAnimationFrame(f);
  }));
  await page.click('#btn-pause');
  console.log(`while training (speed max): ${m.fps.toFixed(1)} animation frames/s; ${Math.round(m.steps / (m.ms / 1000))} steps/s of both stacks (depth 30, width 64)`);
  assert.ok(m.steps > 0, 'training went on during the measurement');
  assert.ok(m.fps >= 20, `${m.fps.toFixed(1)} frames/s`);
});

test('export: statistics as JSON and CSV with the record\'s field names, charts as PNG', { timeout: TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(env.url + '?depth=6&steps=30&lang=en');
  await waitReady(page);
  await runToEnd(page);
  const d = await page.evaluate(() => window.gradlab.debug());
  const fields = await page.evaluate(() => window.gradlab.debug().fields);
  const grab = async (selector) => {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click(selector)]);
    return { name: dl.suggestedFilename(), body: readFileSync(await dl.path()) };
  };
  const json = await grab('#export-json');
  assert.equal(json.name, 'gradlab-stats.json');
  const doc = JSON.parse(json.body.toString('utf8'));
  assert.equal(doc.records.length, d.records, 'every record received');
  for (const f of fields) assert.equal(doc.records.at(-1).plain[f].length, d.layers.length, `JSON ${f} per layer`);
  for (const k of ['step', 'loss', 'acc', 'status']) assert.ok(k in doc.records.at(-1).residual, `JSON has ${k}`);
  const csv = await grab('#export-csv');
  const lines = csv.body.toString('utf8').trim().split('\n');
  const head = lines[0].split(',');
  for (const f of ['step', 'loss', 'acc', 'status', ...fields]) assert.ok(head.includes(f), `CSV column ${f}`);
  assert.equal(lines.length - 1, d.records * 2 * d.layers.length, 'one row per record, stack and layer');
  const png = await grab('button.png[data-chart="grad_norm"]');
  assert.equal(png.name, 'gradlab-grad_norm.png');
  assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  const png2 = await grab('button.png[data-chart="heatmap_plain"]');
  assert.ok(png2.body.length > 1000, 'heatmap PNG');
});

test('a long run keeps a bounded export history, evenly spread, the first and the newest record included', { timeout: 120_000 }, async () => {
  const { page, log } = await env.newPage();
  // 1002 layers: a record of about 300 KB, so the history's limit is what fits under its ceiling
  // (HISTORY_MAX_BYTES: 48 MB), fewer than the usual floor of 200 records; 450 steps send about 450
  await page.goto(env.url + '?depth=1000&width=2&steps=450&record_every=1&lang=en');
  await waitReady(page);
  await runToEnd(page);
  const d = await page.evaluate(() => window.gradlab.debug());
  assert.equal(d.historyLimit, historyLimit(d.recordBytes));
  assert.ok(d.historyLimit < 200 && (d.historyLimit + 1) * d.recordBytes <= HISTORY_MAX_BYTES, `limit ${d.historyLimit} of ${d.recordBytes} bytes`);
  assert.ok(d.historyBytes <= HISTORY_MAX_BYTES, `${d.historyBytes} bytes held`);
  assert.ok(d.received >= 450, `${d.received} records received`);
  // the stride: the smallest power of two whose multiples among the received records fit the limit
  const kept = (s) => Math.floor((d.received - 1) / s) + 1;
  let stride = 1;
  while (kept(stride) > d.historyLimit) stride *= 2;
  assert.equal(d.stride, stride);
  assert.equal(stride, 4, 'halved twice');
  const last = (d.received - 1) % stride !== 0;
  assert.equal(d.records, kept(stride) + (last ? 1 : 0));
  const steps = await page.evaluate(() => window.gradlab.records().map((r) => [r.plain.step, r.plain.steps_done, r.residual.steps_done]));
  assert.equal(steps.length, d.records);
  assert.deepEqual(steps[0], [0, 0, 0], 'step 0 at configure');
  assert.deepEqual(steps.at(-1).slice(1), [450, 450], 'the newest record');
  // [1] is step 0 with the first update's statistics, the last the run's final measurement
  for (let i = 2; i < steps.length - 1; i++) assert.equal(steps[i][0] - steps[i - 1][0], stride, `even spacing at ${i}`);
  const note = await page.textContent('#export-note');
  assert.match(note, new RegExp(`^${d.records} of the ${d.received} records .*one in every ${stride},`), note);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('#export-json')]);
  const doc = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  assert.equal(doc.records.length, d.records, 'the export holds what was kept');
  assert.deepEqual(doc.records.at(-1).plain.steps_done, 450);
  assert.deepEqual(log.errors, []);
});
