// url.test.mjs - the configuration lives in the URL: a copied link restores
// every control; a malformed link shows the validator's or the engine's
// message and falls back to the defaults; classroom mode hides controls
// through the link; a CSV file with a bad row shows the engine's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* every control's state: id -> value or checked */
const controlState = (page) => page.evaluate(() => {
  const out = {};
  for (const e of document.querySelectorAll('#controls input, #controls select')) {
    if (e.type === 'file') continue;
    out[e.id] = e.type === 'checkbox' ? e.checked : e.value;
  }
  return out;
});

const engineDefaults = (page) => page.evaluate(() => window.gradlab.debug().defaults);

async function setText(page, id, value) {
  await page.fill(`#${id}`, String(value));
  await page.dispatchEvent(`#${id}`, 'change');
}

test('URL round trip: a copied link restores every control', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(env.url + '?lang=en');
  await waitReady(page);
  await setText(page, 'set-depth', 12);
  await setText(page, 'set-width', 16);
  await setText(page, 'set-block', 1);
  await page.selectOption('#set-form', 'post');
  await page.selectOption('#set-res_scale-kind', 'value');
  await setText(page, 'set-res_scale', 0.5);
  await page.selectOption('#set-act', 'tanh');
  await page.selectOption('#set-init', 'normal');
  await setText(page, 'set-init_std', 0.25);
  await page.selectOption('#set-loss', 'mse');
  await page.selectOption('#set-optimizer', 'momentum');
  await setText(page, 'set-momentum', 0.8);
  await setText(page, 'set-lr', 0.05);
  await setText(page, 'set-batch', 32);
  await page.check('#set-clip-on');
  await setText(page, 'set-clip', 2.5);
  await setText(page, 'set-seed', 7);
  await page.selectOption('#set-data', 'circles');
  await setText(page, 'set-points', 200);
  await setText(page, 'set-noise', 0.2);
  await setText(page, 'set-data_seed', 3);
  await page.check('#set-standardize');
  await setText(page, 'set-record_every', 5);
  await setText(page, 'set-steps', 120);
  const want = { depth: 12, width: 16, block: 1, form: 'post', res_scale: 0.5, act: 'tanh', init: 'normal', init_std: 0.25, loss: 'mse', optimizer: 'momentum', momentum: 0.8, lr: 0.05, batch: 32, clip: 2.5, seed: 7, data: 'circles', points: 200, noise: 0.2, data_seed: 3, standardize: 1, record_every: 5, steps: 120 };
  await page.waitForFunction((w) => {
    const c = window.gradlab.debug().config;
    return c && Object.entries(w).every(([k, v]) => c[k] === v);
  }, want, { timeout: TIMEOUT });
  await page.click('#copy-link');
  const link = await page.inputValue('#share-link');
  for (const [k, v] of Object.entries(want)) assert.ok(new URL(link).searchParams.get(k) === String(v), `link carries ${k}=${v}: ${link}`);
  const before = await controlState(page);

  const { page: page2, log: log2 } = await env.newPage();
  await page2.goto(link);
  await waitReady(page2);
  const after = await controlState(page2);
  assert.deepEqual(after, before, 'every control restored');
  const c2 = await page2.evaluate(() => window.gradlab.debug().config);
  for (const [k, v] of Object.entries(want)) assert.equal(c2[k], v, `configuration ${k}`);
  assert.equal(await page2.isVisible('#messages .message.error'), false, 'no error message for a good link');
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log2.errors, []);
});

test('a malformed link shows the message and falls back to the defaults', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(env.url + '?depth=abc&lr=nan&act=swish&lang=en');
  await waitReady(page);
  const msg = page.locator('#messages .message.error');
  await msg.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  const text = await msg.first().innerText();
  console.log(`message: ${text.replace(/\s+/g, ' ')}`);
  for (const part of ["depth: 'abc' is not an integer", "lr: 'nan' is not a finite number", "act: unknown value 'swish'"]) {
    assert.ok(text.includes(part), `message says ${part}`);
  }
  const def = await engineDefaults(page);
  assert.equal(await page.inputValue('#set-depth'), String(def.depth));
  assert.equal(await page.inputValue('#set-lr'), String(def.lr));
  assert.equal(await page.inputValue('#set-act'), def.act);
  const c = await page.evaluate(() => window.gradlab.debug().config);
  assert.equal(c.depth, def.depth);
  assert.equal(c.lr, def.lr);
  assert.equal(c.act, def.act);
  const grad = await page.evaluate(() => window.gradlab.debug().charts.grad_norm.find((s) => s.id === 'plain').data);
  assert.ok(grad.length > 0 && grad.every((p) => Number.isFinite(p.y)), 'the default run is charted');
  assert.ok(!page.url().includes('abc'), 'the URL was rewritten to the valid configuration');
  assert.deepEqual(log.errors, []);
});

test('a link the engine refuses (depth not a multiple of block) shows the engine\'s message and the defaults', { timeout: TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(env.url + '?depth=7&block=2&width=20&lang=en');
  const msg = page.locator('#messages .message.error');
  await msg.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.waitForFunction(() => window.gradlab.debug().config, null, { timeout: TIMEOUT });
  const text = await msg.first().innerText();
  assert.ok(text.includes('depth: 7 is not a multiple of block (2)'), text);
  const def = await engineDefaults(page);
  const c = await page.evaluate(() => window.gradlab.debug().config);
  assert.equal(c.depth, def.depth);
  assert.equal(c.width, def.width, 'the whole link fell back to the defaults');
  assert.equal(await page.inputValue('#set-depth'), String(def.depth));
});

test('a bad value typed into a control shows the message and the control falls back to its default', { timeout: TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(env.url + '?lr=0.5&lang=en');
  await waitReady(page);
  await setText(page, 'set-lr', '-3');
  const msg = page.locator('#messages .message.error');
  await msg.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.match(await msg.first().innerText(), /lr: -3 is out of range/);
  const def = await engineDefaults(page);
  assert.equal(await page.inputValue('#set-lr'), String(def.lr));
  await page.waitForFunction((v) => window.gradlab.debug().config.lr === v, def.lr, { timeout: TIMEOUT });
});

test('classroom mode: hidden controls stay hidden when the link is opened', { timeout: TIMEOUT }, async () => {
  const { page } = await env.newPage();
  await page.goto(env.url + '?lang=en');
  await waitReady(page);
  await page.click('#classroom summary');
  await page.check('#hide-lr');
  await page.check('#hide-depth');
  assert.equal(await page.isVisible('[data-setting="lr"]'), false, 'lr hidden at once');
  const link = await page.inputValue('#share-link');
  assert.equal(new URL(link).searchParams.get('hide'), 'depth,lr', link);

  const { page: page2 } = await env.newPage();
  await page2.goto(link);
  await waitReady(page2);
  assert.equal(await page2.isVisible('[data-setting="lr"]'), false, 'lr hidden after opening the link');
  assert.equal(await page2.isVisible('[data-setting="depth"]'), false, 'depth hidden after opening the link');
  assert.equal(await page2.isVisible('[data-setting="width"]'), true, 'width still shown');
  assert.equal(await page2.isVisible('[data-setting="act"]'), true, 'act still shown');
  await page2.reload();
  await waitReady(page2);
  assert.equal(await page2.isVisible('[data-setting="lr"]'), false, 'still hidden after a reload');
});

test('CSV upload: a malformed row shows the engine\'s message naming the line; a good file trains', { timeout: TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(env.url + '?lang=en');
  await waitReady(page);
  const bad = 'x1,x2,label\n0.1,0.2,0\n0.3,abc,1\n0.5,0.6,1\n';
  await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  const msg = page.locator('#messages .message.error');
  await msg.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  const text = await msg.first().innerText();
  console.log(`message: ${text.replace(/\s+/g, ' ')}`);
  assert.match(text, /CSV line 3, column 2: 'abc' is not a finite number/);
  assert.match(text, /bad\.csv/);
  await page.waitForFunction(() => window.gradlab.debug().config && window.gradlab.debug().config.data !== 'csv' && document.body.classList.contains('busy') === false, null, { timeout: TIMEOUT });

  let good = 'x1,x2,label\n';
  for (let i = 0; i < 40; i++) good += `${(i % 7) / 7 - 0.5},${(i % 5) / 5 - 0.5},${i % 2}\n`;
  await page.setInputFiles('#csv-file', { name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.waitForFunction(() => window.gradlab.debug().config.data === 'csv', null, { timeout: TIMEOUT });
  await page.waitForFunction(() => window.gradlab.debug().charts.boundary_plain.hasImage, null, { timeout: TIMEOUT });
  const d = await page.evaluate(() => window.gradlab.debug());
  const points = d.charts.boundary_plain.datasets.reduce((s, ds) => s + ds.data.length, 0);
  assert.equal(points, 40, 'the file\'s points are drawn on the boundary chart');
  assert.match(await page.textContent('#csv-name'), /good\.csv/);
  assert.deepEqual(log.errors, []);
});
