// layer-card.test.mjs - a layer's card (web/js/lab/layer-card.js) in chromium:
//   - a click on a point of the gradient-norm chart selects that stack's layer
//     and opens the card, the focus in it; a click on a heatmap's row, the
//     "Layer card" buttons (the keyboard: Enter, then the card's pickers), and
//     another view's lab.select (the network diagram's way: gradlab.select)
//     open it too; Escape closes it and gives the focus back;
//   - its numbers are the record's the time cursor shows, for both stacks:
//     the formula's fan_in x weight_var x act_slope_sq = chi, chi_measured, the
//     table's cells as the page formats them; moving the time cursor moves
//     them; a residual block's layer shows the block's factor;
//   - axe finds nothing with the card open, in English and in Persian;
//   - screenshots in both languages at 1366 x 768 and 390 x 844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { setup, waitReady, runToEnd, TIMEOUT, shotPath } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const RUN = 'depth=6&act=sigmoid&steps=40&record_every=10';
const KEYS = ['fan_in', 'weight_norm', 'weight_var', 'act_slope_sq', 'chi', 'chi_measured', 'grad_norm', 'update_ratio', 'saturation'];

/* the card against the record it should show: the shown one, both stacks, the selected layer */
async function cardMatchesRecord(page, label) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const { card, r, want } = await page.evaluate((keys) => {
    const d = window.gradlab.debug();
    const f = window.gradlab.format();
    const r = window.gradlab.records()[d.timeline.index];
    const c = d.card;
    const hasUpdate = (s) => s.update_ratio.some((v) => v > 0);
    /* what each cell should read: the record's number as the page formats it */
    const want = {};
    for (const k of keys) {
      want[k] = {};
      for (const a of ['plain', 'residual']) {
        const v = r[a][k][c.layer - 1];
        want[k][a] = k === 'update_ratio' && !hasUpdate(r[a]) ? '–' : k === 'saturation' ? f.percent(v) : k === 'fan_in' ? f.int(v) : f.value(v);
      }
    }
    return { card: c, r, want };
  }, KEYS);
  assert.equal(card.open, true, `${label}: the card is open`);
  const step = Math.max(r.plain.step, r.residual.step);
  assert.equal(card.step, step, `${label}: the card's step is the shown record's`);
  const me = r[card.arch], i = card.layer - 1;
  for (const k of ['fan_in', 'weight_var', 'act_slope_sq', 'chi', 'chi_measured']) assert.equal(card.formula[k], me[k][i], `${label}: the formula's ${k} is the record's`);
  assert.equal(card.formula.fan_in * card.formula.weight_var * card.formula.act_slope_sq, card.formula.chi, `${label}: chi is the product of its factors`);
  for (const k of KEYS) {
    for (const a of ['plain', 'residual']) {
      if (k !== 'update_ratio' || r[a].update_ratio.some((v) => v > 0)) assert.equal(card.values[k][a], r[a][k][i], `${label}: ${k} of ${a}`);
      assert.equal(card.cells[k][a], want[k][a], `${label}: the ${k} cell of ${a}`);
    }
  }
  return { card, r };
}

/* axe on the page as it is */
async function axe(page, label) {
  const res = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  const lines = res.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} - ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}`));
  assert.deepEqual(lines, [], `${label}: axe violations`);
}

test('a click on the gradient chart opens the card of that layer; its numbers are the shown record\'s and follow the time cursor; Escape closes it', { timeout: 4 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${env.url}?${RUN}&lang=en`);
  await waitReady(page);
  await runToEnd(page);
  assert.equal(await page.isVisible('#layer-card'), false, 'closed until a layer is selected');
  /* a click on the plain stack's point at layer 3 */
  const at = await page.evaluate(() => window.gradlab.pixelOf('grad_norm', 'plain', 3));
  await page.locator('#chart-grad').scrollIntoViewIfNeeded();
  const box = await page.locator('#chart-grad').boundingBox();
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await page.waitForFunction(() => window.gradlab.debug().card.open && window.gradlab.debug().card.layer === 3, null, { timeout: TIMEOUT });
  assert.deepEqual(await page.evaluate(() => window.gradlab.debug().selected), { arch: 'plain', layer: 3 });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'layer-card-title', 'the focus is in the card');
  await page.waitForSelector('#layer-card .layer-card-formula .katex', { timeout: TIMEOUT });
  const live = await cardMatchesRecord(page, 'the newest record');
  assert.equal(live.card.step, 40);
  /* the formula is KaTeX, left to right */
  assert.equal(await page.getAttribute('#layer-card .layer-card-formula', 'dir'), 'ltr');
  /* the time cursor moves, the card follows: step 0's first update, then step 20 */
  await page.evaluate(() => window.gradlab.show('init'));
  await page.waitForFunction(() => window.gradlab.debug().card.step === 0, null, { timeout: TIMEOUT });
  const init = await cardMatchesRecord(page, 'init');
  assert.notEqual(init.card.values.grad_norm.plain, live.card.values.grad_norm.plain, 'another record, other numbers');
  await page.evaluate(() => window.gradlab.show(20));
  await page.waitForFunction(() => window.gradlab.debug().card.step === 20, null, { timeout: TIMEOUT });
  await cardMatchesRecord(page, 'step 20');
  /* the residual stack's layer 4 (block 2 at block size 2: layers 4..5): its block's factor */
  await page.selectOption('#layer-card-stack', 'residual');
  await page.selectOption('#layer-card-layer', '4');
  await page.waitForFunction(() => window.gradlab.debug().card.arch === 'residual' && window.gradlab.debug().card.layer === 4, null, { timeout: TIMEOUT });
  const block = await page.evaluate(() => {
    const d = window.gradlab.debug(), r = window.gradlab.records()[d.timeline.index];
    return { card: d.card.values, want: { f: r.residual.block_factor[1], s: r.residual.block_shortcut[1], b: r.residual.block_branch[1] }, layers: d.layers.length };
  });
  assert.deepEqual([block.card.block_factor.residual, block.card.block_shortcut.residual, block.card.block_branch.residual], [block.want.f, block.want.s, block.want.b]);
  assert.equal(block.card.block_factor.plain, null, 'the plain stack has no blocks');
  await axe(page, 'card open (en)');
  /* Escape: closed, nothing selected, the focus back on the chart's "Layer card" button (a click has no focus to give back) */
  await page.focus('#layer-card-layer');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => window.gradlab.debug().selected), null);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-chart')), 'grad_norm');
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('a heatmap row, the keyboard (a "Layer card" button, the pickers) and another view\'s select open the card; Escape gives the focus back', { timeout: 4 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?${RUN}&lang=en`);
  await waitReady(page);
  await runToEnd(page);
  /* the residual heatmap's row 5 at step 20 */
  const at = await page.evaluate(() => window.gradlab.pixelOf('heatmap_residual', 5, 20));
  await page.locator('#chart-heat-residual').scrollIntoViewIfNeeded();
  const box = await page.locator('#chart-heat-residual').boundingBox();
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await page.waitForFunction(() => window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
  assert.deepEqual(await page.evaluate(() => window.gradlab.debug().selected), { arch: 'residual', layer: 5 });
  await cardMatchesRecord(page, 'from the heatmap');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
  /* the keyboard: the plain heatmap's button, Enter; the card opens on the plain stack's layer 1 */
  await page.focus('#card-heat-plain .layer-card-open');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
  assert.deepEqual(await page.evaluate(() => window.gradlab.debug().selected), { arch: 'plain', layer: 1 });
  assert.equal(await page.getAttribute('#card-heat-plain .layer-card-open', 'aria-expanded'), 'true');
  /* Tab to the layer picker, the arrow key: layer 2 */
  await page.focus('#layer-card-layer');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => window.gradlab.debug().card.layer === 2, null, { timeout: TIMEOUT });
  await cardMatchesRecord(page, 'layer 2 from the picker');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => document.activeElement === document.querySelector('#card-heat-plain .layer-card-open')), true, 'the focus is back on the button');
  /* another view (the network diagram) selects a layer: the card opens without taking the focus */
  await page.focus('#btn-reset');
  assert.equal(await page.evaluate(() => window.gradlab.select({ arch: 'residual', layer: 7 })), true);
  await page.waitForFunction(() => window.gradlab.debug().card.open && window.gradlab.debug().card.layer === 7, null, { timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'btn-reset');
  await cardMatchesRecord(page, 'from lab.select');
  assert.equal(await page.evaluate(() => window.gradlab.select({ arch: 'residual', layer: 99 })), false, 'no such layer');
  await page.evaluate(() => window.gradlab.select(null));
  await page.waitForFunction(() => !window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('the card in Persian and English, at 1366 x 768 and 390 x 844: axe finds nothing, Persian digits in the table, the formula left to right', { timeout: 5 * TIMEOUT }, async () => {
  for (const lang of ['fa', 'en']) {
    for (const [w, h] of [[1366, 768], [390, 844]]) {
      const { page, log } = await env.newPage({ viewport: { width: w, height: h } });
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.goto(`${env.url}?${RUN}&lang=${lang}`);
      await waitReady(page);
      await runToEnd(page);
      await page.evaluate(() => window.gradlab.select({ arch: 'residual', layer: 4 }));
      await page.waitForSelector('#layer-card .layer-card-formula .katex', { state: 'attached', timeout: TIMEOUT });
      /* another view's select: on a phone the card opens folded (its head and step line), unfolded by its button */
      const folded = await page.evaluate(() => document.getElementById('layer-card-body').hidden);
      assert.equal(folded, w < 420, `${lang} ${w}: folded ${folded}`);
      if (folded) {
        await page.click('#layer-card-fold');
        assert.equal(await page.getAttribute('#layer-card-fold', 'aria-expanded'), 'true');
      }
      await cardMatchesRecord(page, `${lang} ${w}`);
      const look = await page.evaluate(() => {
        const card = document.getElementById('layer-card').getBoundingClientRect();
        const cells = [...document.querySelectorAll('#layer-card td')].map((td) => td.textContent).join(' ');
        return { left: card.left, right: card.right, bottom: card.bottom, vw: innerWidth, vh: innerHeight, cells, scroll: document.querySelector('#layer-card').scrollWidth - document.querySelector('#layer-card').clientWidth };
      });
      assert.ok(look.left >= 0 && look.right <= look.vw && look.bottom <= look.vh, `${lang} ${w}: the card is inside the window (${JSON.stringify(look)})`);
      assert.ok(look.scroll <= 0, `${lang} ${w}: no sideways scroll in the card`);
      if (lang === 'fa') assert.ok(/[۰-۹]/.test(look.cells) && !/[0-9]/.test(look.cells.replace(/–/g, '')), `fa: Persian digits in the table (${look.cells.slice(0, 80)})`);
      await axe(page, `card open (${lang} ${w})`);
      await page.screenshot({ path: shotPath(`layer-card-${lang}-${w}.png`) });
      assert.deepEqual(log.errors, []);
      await page.close();
    }
  }
});

test('on a phone, a layer picked in the distributions view opens the card folded: the view stays in sight; a chart click opens it whole', { timeout: 4 * TIMEOUT }, async () => {
  for (const lang of ['fa', 'en']) {
    const { page, log } = await env.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${env.url}?${RUN}&lang=${lang}`);
    await waitReady(page);
    await page.click('#card-dist > summary');
    await page.waitForFunction(() => !!window.gradlab.records()[0].plain.hist_pre, null, { timeout: TIMEOUT });
    await page.locator('#dist-layer').scrollIntoViewIfNeeded();
    await page.selectOption('#dist-layer', 'plain:3');
    await page.waitForFunction(() => window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
    const look = await page.evaluate(() => {
      const card = document.getElementById('layer-card').getBoundingClientRect();
      const view = document.getElementById('chart-dist-plain').getBoundingClientRect();
      return { cardTop: card.top, cardH: card.height, viewBottom: view.bottom, vh: innerHeight, folded: document.getElementById('layer-card-body').hidden, fold: document.getElementById('layer-card-fold').textContent, title: document.getElementById('layer-card-title').textContent };
    });
    assert.ok(look.folded, `${lang}: folded`);
    assert.ok(look.cardH < 0.2 * look.vh, `${lang}: the folded card is a strip (${Math.round(look.cardH)} of ${look.vh} px)`);
    assert.equal(look.fold, await page.evaluate(() => window.gradlab.t('card.unfold')));
    assert.match(look.title, lang === 'fa' ? /۳/ : /3/, 'the title names layer 3');
    await page.screenshot({ path: shotPath(`layer-card-folded-${lang}-390.png`) });
    await axe(page, `card folded (${lang} 390)`);
    /* unfolded by its button, folded again */
    await page.click('#layer-card-fold');
    assert.equal(await page.evaluate(() => document.getElementById('layer-card-body').hidden), false);
    await page.click('#layer-card-fold');
    assert.equal(await page.evaluate(() => document.getElementById('layer-card-body').hidden), true);
    /* closed, then a click on the gradient chart's point: the card opens whole, the focus in it */
    await page.click('#layer-card-close');
    await page.waitForFunction(() => !window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
    const at = await page.evaluate(() => window.gradlab.pixelOf('grad_norm', 'plain', 2));
    await page.locator('#chart-grad').scrollIntoViewIfNeeded();
    const box = await page.locator('#chart-grad').boundingBox();
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForFunction(() => window.gradlab.debug().card.open, null, { timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => document.getElementById('layer-card-body').hidden), false, `${lang}: a chart click opens the card whole`);
    assert.deepEqual(log.errors, []);
    await page.close();
  }
});
