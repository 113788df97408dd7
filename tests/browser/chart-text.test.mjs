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
import { CHARTS } from '../../web/js/lab/charts.js';

/* the lab's charts: the registry's canvases; the plug-ins' charts add their own */
const LAB_CANVASES = CHARTS.map((c) => c.canvas);
const PLUGIN_CANVASES = ['chart-chain-factor', 'chart-chain-product', 'chart-degradation', 'chart-sweep', 'chart-sweep-plain', 'chart-sweep-residual'];

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
    for (const id of LAB_CANVASES) {
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

/* ---- the plug-ins' charts: each owner hands chart-text.js its own table ---- */

/* a canvas's text alternative as the page holds it: the box it is aria-describedby */
function readAlt(page, id) {
  return page.evaluate((cid) => {
    const c = document.getElementById(cid);
    const bid = c && c.getAttribute('aria-describedby');
    const box = bid && document.getElementById(bid);
    if (!box) return null;
    const cap = box.querySelector('caption');
    return {
      srOnly: box.classList.contains('sr-only'), text: box.textContent, caption: cap ? cap.textContent : null,
      head: [...box.querySelectorAll('thead th')].map((x) => x.textContent),
      rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((x) => x.textContent)),
      rowHeaders: [...box.querySelectorAll('tbody th[scope="row"]')].length,
    };
  }, id);
}

/* what the chain tables must hold, from the chain chart's own debug data
   (its charts' points) and the page's formatters: the same strings */
function expectedChain(page) {
  return page.evaluate(() => {
    const f = window.gradlab.format(), t = window.gradlab.t;
    const chain = window.GradLabSweep.chain(), d = window.gradlab.debug();
    const cell = (p) => (p && p.y !== null ? f.value(p.y) : '–');
    const out = {};
    for (const which of ['factor', 'product']) {
      const by = Object.fromEntries(chain[which].map((s) => [s.id, s.data]));
      const rows = by.plain.map((p, i) => [`${f.int(i + 1)} · ${d.layers[i]}`, cell(p), cell(by.residual[i]), cell(by.theory[i])]);
      out[which] = {
        caption: t(`alt.chain.${which}`, { step: f.int(chain.step), bound: f.value(d.latest.plain.act_max_slope) }),
        head: [t('alt.layer'), t('stack.plain'), t('stack.residual'), t(`chain.series.theory_${which}`)],
        rows,
      };
    }
    return { out, step: chain.step, latest: d.latest, lang: d.lang };
  });
}

/* the caption may carry the note on gaps after it */
function sameChain(got, want, label) {
  assert.ok(got, `${label}: described by a table`);
  assert.ok(got.srOnly, `${label}: visually hidden`);
  assert.ok(got.caption.startsWith(want.caption), `${label}: caption «${got.caption}» starts «${want.caption}»`);
  assert.deepEqual(got.head, want.head, `${label}: column heads`);
  assert.deepEqual(got.rows, want.rows, `${label}: the chart's numbers`);
  assert.equal(got.rowHeaders, want.rows.length, `${label}: each row named by a row header`);
}

test('chart text alternatives: the chain chart\'s two tables follow the record and the language', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=6&act=sigmoid&block=1&steps=30&record_every=10`);
  await waitReady(page);
  /* the residual stack layer by layer (the block view's tables: walk.test.mjs) */
  await page.check('#chain-per-layer');
  await page.waitForFunction(() => window.GradLabSweep.chain().step === 0, null, { timeout: TIMEOUT });
  await page.waitForFunction(() => /\(step 0;/.test(document.querySelector('#text-chart-chain-factor caption')?.textContent || ''), null, { timeout: TIMEOUT });
  let want = await expectedChain(page);
  const before = await readAlt(page, 'chart-chain-factor');
  sameChain(before, want.out.factor, 'factor at step 0');
  sameChain(await readAlt(page, 'chart-chain-product'), want.out.product, 'product at step 0');

  await runToEnd(page);
  await page.waitForFunction(() => window.GradLabSweep.chain().step === 30
    && /\(step 30;/.test(document.querySelector('#text-chart-chain-factor caption')?.textContent || '')
    && /step 30\)/.test(document.querySelector('#text-chart-chain-product caption')?.textContent || ''), null, { timeout: TIMEOUT });
  want = await expectedChain(page);
  const factor = await readAlt(page, 'chart-chain-factor'), product = await readAlt(page, 'chart-chain-product');
  sameChain(factor, want.out.factor, 'factor at step 30');
  sameChain(product, want.out.product, 'product at step 30');
  assert.notDeepEqual(factor.rows, before.rows, 'the table changed with the record');
  /* the cells read back as the engine's record (chain_factor, chain_product and their mean-field values) */
  const P = want.latest.plain, R = want.latest.residual;
  for (let i = 0; i < P.chain_factor.length; i++) {
    for (const [k, v] of [[1, P.chain_factor[i]], [2, R.chain_factor[i]], [3, P.chain_factor_theory[i]]]) {
      if (v > 0) assert.ok(close(parseEn(factor.rows[i][k]), v, 5e-3), `chain_factor layer ${i + 1} col ${k}: «${factor.rows[i][k]}» vs ${v}`);
      else assert.equal(factor.rows[i][k], '–');
    }
    for (const [k, v] of [[1, P.chain_product[i]], [2, R.chain_product[i]], [3, P.chain_product_theory[i]]]) {
      if (v > 0) assert.ok(close(parseEn(product.rows[i][k]), v, 5e-3), `chain_product layer ${i + 1} col ${k}: «${product.rows[i][k]}» vs ${v}`);
      else assert.equal(product.rows[i][k], '–');
    }
  }
  assert.ok(close(parseEn(/φ′ is ([^)]+)\)/.exec(factor.caption)[1]), P.act_max_slope, 1e-3), 'the slope bound in the caption');

  /* the language: rewritten at once in Persian, with Persian digits */
  await page.evaluate(() => window.gradlab.setLanguage('fa'));
  await page.waitForFunction(() => /[۰-۹]/.test(document.querySelector('#text-chart-chain-factor caption')?.textContent || ''), null, { timeout: TIMEOUT });
  want = await expectedChain(page);
  assert.equal(want.lang, 'fa');
  const fa = await readAlt(page, 'chart-chain-factor');
  sameChain(fa, want.out.factor, 'factor in Persian');
  sameChain(await readAlt(page, 'chart-chain-product'), want.out.product, 'product in Persian');
  assert.ok(fa.rows.every((r) => r.slice(1).every((c) => c === '–' || (/[۰-۹]/.test(c) && !/[0-9]/.test(c)))), 'Persian digits only');
  assert.deepEqual(log.errors, []);
  await page.close();
});

/* what the Sweep table must hold, from the Sweep panel's debug data (the engine's result) */
function expectedSweep(page) {
  return page.evaluate(() => {
    const f = window.gradlab.format(), t = window.gradlab.t;
    const d = window.GradLabSweep.debug(), r = d.result, metric = d.state.metric;
    const pct = metric === 'final_acc' || metric === 'diverged_share';
    const cell = (v) => (v === null || v === undefined ? '–' : pct ? f.percent(v) : f.value(v));
    const band = metric !== 'diverged_share';
    const stacks = ['plain', 'residual'];
    const m = (a) => (metric === 'diverged_share' ? { median: r[a].diverged_share } : r[a][metric]);
    const rows = r.values.map((x, i) => [f.value(x), ...stacks.flatMap((a) => (band
      ? [cell(m(a).median[i]), t('alt.range', { lo: cell(m(a).p10[i]), hi: cell(m(a).p90[i]) })] : [cell(m(a).median[i])]))]);
    const law = { grad_ratio_log10: 'grad_ratio_theory_log10', act_grad_ratio_log10: 'act_grad_ratio_theory_log10' }[metric];
    if (law) rows.forEach((row, i) => row.push(cell(r.plain[law].median[i])));
    return { rows, metric, result: r, theoryHead: t('sweep.series.theory'), caption: t(band ? 'alt.sweep.caption' : 'alt.sweep.caption_share', { metric: t(`sweep.metric.${metric}`), setting: t(`setting.${r.name}.label`), seeds: f.int(r.seeds[1] - r.seeds[0] + 1) }) };
  });
}

test('chart text alternatives: the Sweep chart\'s table holds the sweep\'s result, follows the metric and the language', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&act=sigmoid&width=16&points=64&sweep=depth=2..10:3&sweep_seeds=1..2`);
  await waitReady(page);
  let got = await readAlt(page, 'chart-sweep');
  assert.ok(got && got.srOnly, 'the Sweep chart is described by a hidden box');
  assert.equal(got.rows.length, 0, 'no sweep yet: no rows');
  assert.equal(got.text, await page.evaluate(() => window.gradlab.t('alt.sweep.none')));
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'done', null, { timeout: TIMEOUT });
  await page.waitForFunction(() => document.querySelectorAll('#text-chart-sweep tbody tr').length === 3
    && !/running/.test(document.querySelector('#text-chart-sweep caption').textContent), null, { timeout: TIMEOUT });
  let want = await expectedSweep(page);
  got = await readAlt(page, 'chart-sweep');
  assert.equal(want.metric, 'grad_ratio_log10');
  assert.deepEqual(got.rows, want.rows, 'the result\'s median, p10-p90 and theory per swept value');
  assert.ok(got.caption.startsWith(want.caption), `caption «${got.caption}»`);
  assert.match(got.caption, /log₁₀/, 'the log10 values are said to be log10');
  assert.deepEqual(got.head, ['Depth', 'Plain stack: median', 'Plain stack: 10th to 90th percentile (p10–p90)', 'Residual stack: median', 'Residual stack: 10th to 90th percentile (p10–p90)', want.theoryHead],
    'the setting, each stack\'s median and band, the theory');
  /* English cells read back as the engine's numbers: the first value's plain median */
  const r = want.result;
  assert.deepEqual(got.rows.map((row) => Number(row[0])), r.values, 'the swept values');
  assert.ok(close(parseEn(got.rows[0][1]), r.plain.grad_ratio_log10.median[0], 5e-3) || Math.abs(parseEn(got.rows[0][1]) - r.plain.grad_ratio_log10.median[0]) < 1e-3);

  /* another metric: the same result, another column of it */
  await page.selectOption('#sweep-metric', 'chi_geomean');
  await page.waitForFunction(() => window.GradLabSweep.debug().state.metric === 'chi_geomean', null, { timeout: TIMEOUT });
  want = await expectedSweep(page);
  const chi = await readAlt(page, 'chart-sweep');
  assert.deepEqual(chi.rows, want.rows, 'chi_geomean per swept value');
  assert.notDeepEqual(chi.rows, got.rows);
  assert.ok(chi.caption.startsWith(want.caption) && !/log₁₀/.test(chi.caption));

  /* a second sweep: while it runs the table may lag (ALT_MS) but ends on the new result */
  await page.fill('#sweep-to', '14');
  await page.dispatchEvent('#sweep-to', 'change');
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'done' && window.GradLabSweep.debug().result.values.at(-1) === 14, null, { timeout: TIMEOUT });
  await page.waitForFunction(() => /^14$/.test(document.querySelector('#text-chart-sweep tbody tr:last-child th')?.textContent || ''), null, { timeout: TIMEOUT });
  want = await expectedSweep(page);
  assert.deepEqual((await readAlt(page, 'chart-sweep')).rows, want.rows, 'the new result');

  /* Persian */
  await page.evaluate(() => window.gradlab.setLanguage('fa'));
  await page.waitForFunction(() => /[۰-۹]/.test(document.querySelector('#text-chart-sweep tbody th')?.textContent || ''), null, { timeout: TIMEOUT });
  want = await expectedSweep(page);
  const fa = await readAlt(page, 'chart-sweep');
  assert.deepEqual(fa.rows, want.rows, 'the same numbers in Persian');
  assert.ok(fa.caption.startsWith(want.caption));
  assert.ok(fa.rows.every((row) => row.every((c) => !/[0-9]/.test(c.replace(/⁦p10⁩|⁦p90⁩/g, '')))), 'Persian digits only');
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('chart text alternatives: every chart canvas on the page is described by a table box', { timeout: 2 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&depth=4&steps=10&record_every=5`);
  await waitReady(page);
  await runToEnd(page);
  const canvases = await page.evaluate(() => [...document.querySelectorAll('canvas')]
    .filter((c) => c.getAttribute('aria-hidden') !== 'true')
    .map((c) => {
      const box = document.getElementById((c.getAttribute('aria-describedby') || '').split(' ')[0]); /* the table first; a plane's cell line may follow */
      return { id: c.id, role: c.getAttribute('role'), label: c.getAttribute('aria-label'), box: !!box && box.classList.contains('chart-text') && box.classList.contains('sr-only') };
    }));
  assert.deepEqual(canvases.map((c) => c.id).sort(), [...LAB_CANVASES, ...PLUGIN_CANVASES].sort());
  for (const c of canvases) {
    assert.equal(c.role, 'img', `${c.id}: an image`);
    assert.ok(c.label, `${c.id}: a name`);
    assert.ok(c.box, `${c.id}: described by a hidden .chart-text box`);
  }
  assert.deepEqual(log.errors, []);
  await page.close();
});
