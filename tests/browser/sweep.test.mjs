// sweep.test.mjs - the chain chart and the Sweep panel (web/js/sweep/) on the
// page: the chain chart draws the record's chain fields exactly (factor,
// mean-field factor, the slope bound, the running product) and its line
// ends in the product at layer 1; a small depth sweep runs in the Worker
// with progress while the page keeps answering, its chart holds the engine's
// medians, bands and theory, and its state is in the link; a second sweep is
// cancelled; a bad range shows the engine's message; hide=sweep hides the
// card.  Screenshots in English and Persian at 1366x768 and 390x844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, TIMEOUT, shotPath } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const chainPoints = (snap, id) => snap.find((s) => s.id === id).data;

test('the chain chart shows the record\'s factors and their product', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=12&act=sigmoid&block=1&steps=20`);
  await waitReady(page);
  /* the residual stack layer by layer (its default is block by block: walk.test.mjs) */
  await page.check('#chain-per-layer');
  await page.waitForFunction(() => window.GradLabSweep.chain().step !== null, null, { timeout: TIMEOUT });
  const { chain, latest } = await page.evaluate(() => ({ chain: window.GradLabSweep.chain(), latest: window.gradlab.debug().latest }));
  const P = latest.plain, R = latest.residual, L = P.chain_factor.length;
  assert.equal(L, 14);
  const same = (pts, values, what) => {
    assert.equal(pts.length, values.length, what);
    pts.forEach((p, i) => assert.ok(p.x === i + 1 && (values[i] > 0 ? p.y === values[i] : p.y === null), `${what} layer ${i + 1}: ${p.y} vs ${values[i]}`));
  };
  same(chainPoints(chain.factor, 'plain'), P.chain_factor, 'plain factor');
  same(chainPoints(chain.factor, 'residual'), R.chain_factor, 'residual factor');
  same(chainPoints(chain.factor, 'theory'), P.chain_factor_theory, 'mean-field factor');
  same(chainPoints(chain.product, 'plain'), P.chain_product, 'plain product');
  same(chainPoints(chain.product, 'residual'), R.chain_product, 'residual product');
  same(chainPoints(chain.product, 'theory'), P.chain_product_theory, 'mean-field product');
  assert.equal(P.act_max_slope, 0.25, 'sigmoid: the engine\'s slope bound');
  assert.deepEqual(chainPoints(chain.factor, 'bound').map((p) => p.y), [0.25, 0.25]);
  assert.deepEqual(chainPoints(chain.factor, 'one').map((p) => p.y), [1, 1]);
  // the plain sigmoid stack: the hidden layers' factors near or below the bound 1/4 (the
  // weights' scale sqrt(fan_in) sigma_w is about 1 with xavier), most below; the product tiny
  const hidden = Array.from(P.chain_factor).slice(1, L - 1);
  assert.ok(hidden.every((f) => f < 0.3) && hidden.filter((f) => f < 0.25).length > hidden.length / 2, `plain factors ${hidden}`);
  assert.ok(P.chain_product[0] < 1e-6, `plain product ${P.chain_product[0]}`);
  // the line reads "0.35 × 0.2 × 0.2 × … × 0.04 = 1.2×10⁻⁹ (14 factors)" in the page's formatting
  const fmt = await page.evaluate((v) => { const f = window.gradlab.format(); return v.map((x) => f.value(x)); }, [P.chain_factor[L - 1], P.chain_factor[0], P.chain_product[0]]);
  const plainLine = chain.lines.find((x) => x.arch === 'plain').text;
  assert.ok(plainLine.startsWith('Plain stack: ' + fmt[0] + ' × ') && plainLine.includes(`… × ${fmt[1]} = ${fmt[2]}`) && plainLine.includes('14 factors'), plainLine);
  assert.deepEqual(log.errors, []);
});

test('a depth sweep runs in the Worker; Cancel stops another; bad ranges show the engine\'s message', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&act=sigmoid&width=16&points=64&sweep=depth=2..10:3&sweep_seeds=1..2`);
  await waitReady(page);
  let d = await page.evaluate(() => window.GradLabSweep.debug());
  assert.equal(d.sweepText, 'depth=2..10:3', 'the link\'s sweep is the panel\'s');
  assert.equal(await page.inputValue('#sweep-count'), '3');
  await page.click('#sweep-run');
  // the page answers while the Worker sweeps: the form stays usable
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'done', null, { timeout: TIMEOUT });
  d = await page.evaluate(() => window.GradLabSweep.debug());
  assert.deepEqual(d.result.values, [2, 6, 10]);
  assert.deepEqual(d.result.seeds, [1, 2]);
  assert.equal(d.total, 12);
  assert.equal(d.request.config.block, 1, 'a depth sweep uses blocks of one layer');
  const series = (id) => d.chart.find((s) => s.id === id).data;
  const P = d.result.plain.grad_ratio_log10, T = d.result.plain.grad_ratio_theory_log10;
  assert.deepEqual(series('plain').map((p) => [p.x, p.y]), d.result.values.map((x, i) => [x, P.median[i]]));
  assert.deepEqual(series('plain_p10').map((p) => p.y), P.p10);
  assert.deepEqual(series('plain_p90').map((p) => p.y), P.p90);
  assert.deepEqual(series('residual').map((p) => p.y), d.result.residual.grad_ratio_log10.median);
  assert.deepEqual(series('theory').map((p) => p.y), T.median);
  // the law: the plain stack's ratio falls with depth, the residual's does not fall as far
  assert.ok(P.median[2] < P.median[0] - 2, `plain ${P.median}`);
  assert.ok(d.result.residual.grad_ratio_log10.median[2] > P.median[2] + 2, 'residual above plain at depth 10');
  // the y axis reads powers of ten
  const ticks = await page.evaluate(() => [...document.querySelectorAll('#chart-sweep')].length);
  assert.equal(ticks, 1);
  assert.ok(/sweep=depth%3D2..10%3A3|sweep=depth=2..10:3/.test(await page.evaluate(() => location.search)), 'the sweep is in the link');
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => document.getElementById('card-sweep').scrollIntoView());
  await page.screenshot({ path: shotPath('sweep-en-1366.png') });

  // a bigger sweep (300 training steps per network), cancelled while it runs
  await page.selectOption('#sweep-steps', '300');
  await page.fill('#sweep-to', '60');
  await page.fill('#sweep-count', '12');
  await page.dispatchEvent('#sweep-count', 'change');
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().done >= 1, null, { timeout: TIMEOUT });
  await page.click('#sweep-cancel');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'cancelled', null, { timeout: TIMEOUT });
  d = await page.evaluate(() => window.GradLabSweep.debug());
  assert.ok(d.done < d.total, `cancelled at ${d.done} of ${d.total}`);
  assert.equal(await page.isEnabled('#sweep-run'), true);

  // a range the engine refuses: its message, visible
  await page.fill('#sweep-to', '2000');
  await page.dispatchEvent('#sweep-to', 'change');
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'failed', null, { timeout: TIMEOUT });
  const status = await page.textContent('#sweep-status');
  assert.match(status, /depth: \d+ is out of range \[1, 1000\]/);
  const shown = await page.evaluate(() => window.gradlab.debug().messages);
  assert.ok(JSON.stringify(shown).includes('out of range'), JSON.stringify(shown));
  assert.deepEqual(log.errors, []);
});

test('hide=sweep hides the panel; Persian and the phone layout', async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&hide=sweep`);
  await waitReady(page);
  assert.equal(await page.isHidden('#card-sweep'), true, 'hide=sweep hides the card');
  assert.equal(await page.isChecked('#hide-sweep'), true, 'and ticks it in the classroom list');
  const msgs = await page.evaluate(() => window.gradlab.debug().messages);
  assert.ok(!JSON.stringify(msgs).includes('hide'), JSON.stringify(msgs));

  await page.goto(`${env.url}?lang=fa&act=tanh&width=64&points=64&init=normal&sweep=init_std=0.05..0.3:4&sweep_seeds=1..2&sweep_metric=act_grad_ratio_log10`);
  await waitReady(page);
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'done', null, { timeout: TIMEOUT });
  const d = await page.evaluate(() => window.GradLabSweep.debug());
  assert.equal(d.result.name, 'init_std');
  assert.equal(d.request.config.init, 'normal');
  const title = await page.textContent('#title-sweep');
  assert.ok(/[\u0600-\u06FF]/.test(title), title);
  const status = await page.textContent('#sweep-status');
  assert.ok(/[۰-۹]/.test(status), `Persian digits in the status: ${status}`);
  for (const [w, h] of [[1366, 768], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => document.getElementById('card-sweep').scrollIntoView());
    await page.screenshot({ path: shotPath(`sweep-fa-${w}.png`) });
    await page.evaluate(() => document.getElementById('card-chain').scrollIntoView());
    await page.screenshot({ path: shotPath(`chain-fa-${w}.png`) });
    // nothing of the two cards is wider than the page
    const over = await page.evaluate(() => ['card-sweep', 'card-chain'].map((id) => document.getElementById(id).scrollWidth - document.getElementById(id).clientWidth));
    assert.ok(over.every((x) => x <= 1), `overflow ${over} at ${w}`);
  }
  // the lesson's depth sweep in Persian: its button runs the panel, the answer quotes the engine's medians
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${env.url}?lang=fa&step=vanishing`);
  await waitReady(page);
  const btn = '#lesson [data-experiment-id="vanish_sweep"] .run-experiment';
  await page.waitForSelector(btn, { timeout: TIMEOUT });
  await page.click(btn);
  await page.waitForSelector('#lesson [data-experiment-id="vanish_sweep"][data-state="done"]', { timeout: TIMEOUT });
  const lessonSweep = await page.evaluate(() => ({ sweep: window.GradLabSweep.debug(), numbers: document.querySelector('#lesson [data-experiment-id="vanish_sweep"] .numbers').innerText }));
  assert.equal(lessonSweep.sweep.sweepText, 'depth=2..40:8');
  const f = await page.evaluate((v) => window.gradlab.format().value(v), lessonSweep.sweep.result.plain.grad_ratio_log10.median[7]);
  /* the numbers panel sets a number as a left-to-right run of its own (lesson/rich-text.js ltrRuns), not between the formatter's isolates */
  assert.ok(lessonSweep.numbers.includes(f.replace(/[\u2066-\u2069]/g, '')), `the answer quotes the plain median at depth 40 (${f}): ${lessonSweep.numbers}`);
  await page.waitForFunction(() => document.getElementById('card-sweep').classList.contains('lesson-focus'), null, { timeout: TIMEOUT });
  await page.waitForTimeout(1200);   /* the highlight's smooth scroll */
  await page.screenshot({ path: shotPath('sweep-lesson-fa-1366.png') });

  await page.goto(`${env.url}?lang=en&depth=20&act=sigmoid`);
  await waitReady(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => document.getElementById('card-chain').scrollIntoView());
  await page.screenshot({ path: shotPath('chain-en-390.png') });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => document.getElementById('card-chain').scrollIntoView());
  await page.screenshot({ path: shotPath('chain-en-1366.png') });
  assert.deepEqual(log.errors, []);
});
