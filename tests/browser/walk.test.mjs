// walk.test.mjs - the network drawn (web/js/diagram/diagram.js), the walk
// through the backward pass (walk.js) and the chain chart's block view
// (sweep/chain-chart.js), in chromium, in English and in Persian:
//   - every layer's box has the colour the heatmaps give its gradient norm:
//     the record's grad_norm through the shared colour map (ui/chart-heatmap.js
//     heatColor, lab/charts.js heatValue) on the heatmaps' own range; its
//     text alternative is the record's numbers;
//   - the diagram follows the time cursor (show('init'), the slider);
//   - the walk visits every layer of the plain stack and every part of the
//     residual one (head, blocks from the last, stem) in order, both framed
//     on the diagram and marked on the chain chart; its lines' right-hand side
//     is the engine's chain_product of the layer, and at the input the
//     residual stack's is the chain product the chain card shows; keys
//     (ArrowLeft, ArrowRight, Home, End) and Play;
//   - hover and focus show a layer's numbers, click and Enter select it;
//   - the chain chart shows the residual stack block by block by default,
//     its product the engine's chain_product of layer 1; one toggle away
//     layer by layer;
//   - the diagram's PNG; axe 0 with the walk and a tooltip open, both languages;
//   - screenshots at 1366x768 and 390x844, fa and en, depth 5 and 100, dense
//     and conv (test-output/screenshots/diagram-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { setup, waitReady, runToEnd, shotPath, TIMEOUT } from './helpers.mjs';
import { heatColor, rgbHex } from '../../web/js/ui/chart-heatmap.js';
import { heatValue, HEAT_NULL } from '../../web/js/lab/charts.js';
import { residualParts, partOf } from '../../web/js/lab/blocks.js';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const QUERY = 'depth=6&block=2&act=sigmoid&steps=40&record_every=10';

/* what the diagram shows, the record it should show, the heatmaps' range and the page's formatting */
function snapshot(page) {
  return page.evaluate(() => {
    const d = window.gradlab.debug();
    const records = window.gradlab.records();
    return {
      diagram: window.GradLabDiagram.debug(), walk: window.GradLabDiagram.walk(), chain: window.GradLabSweep.chain(),
      record: records[d.timeline.index], shown: d.shown, layers: d.layers, lang: d.lang,
      heat: { vmin: d.charts.heatmap_plain.vmin, vmax: d.charts.heatmap_plain.vmax, vmin2: d.charts.heatmap_residual.vmin, vmax2: d.charts.heatmap_residual.vmax },
    };
  });
}

/* the diagram's colours are the record's norms through the heatmaps' map and range */
function expectColours(s, label) {
  assert.deepEqual(s.diagram.scale, { min: s.heat.vmin, max: s.heat.vmax }, `${label}: the heatmaps' range`);
  assert.deepEqual([s.heat.vmin2, s.heat.vmax2], [s.heat.vmin, s.heat.vmax], 'one range for both heatmaps');
  for (const arch of ['plain', 'residual']) {
    const rec = s.record[arch];
    const want = rec.grad_norm.map((_, i) => {
      const rgb = heatColor(heatValue(rec, i), s.heat.vmin, s.heat.vmax);
      return rgb ? rgbHex(rgb) : HEAT_NULL;
    });
    assert.deepEqual(s.diagram.fills[arch], want, `${label}: ${arch} layers' colours`);
  }
}

/* wait until the diagram shows the time cursor's record (it repaints within 150 ms) */
async function settled(page) {
  await page.waitForFunction(() => {
    const d = window.gradlab.debug(), r = window.gradlab.records()[d.timeline.index];
    return r && window.GradLabDiagram.debug().step === Math.max(r.plain.step, r.residual.step);
  }, null, { timeout: TIMEOUT });
  await page.evaluate(() => new Promise((ok) => setTimeout(() => requestAnimationFrame(() => ok()), 200)));
}

/** the diagram's text alternative as rows */
function altRows(page) {
  return page.evaluate(() => {
    const box = document.getElementById('text-chart-diagram');
    return {
      caption: box.querySelector('caption') ? box.querySelector('caption').textContent : box.textContent,
      head: [...box.querySelectorAll('thead th')].map((x) => x.textContent),
      rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((x) => x.textContent)),
      describedBy: document.getElementById('chart-diagram').getAttribute('aria-describedby'),
    };
  });
}

for (const lang of ['en', 'fa']) {
  test(`the network drawn and the walk (${lang}): colours, text, time cursor, the walk in order, keys, selection`, { timeout: 4 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.goto(`${env.url}?lang=${lang}&${QUERY}`);
    await waitReady(page);
    await runToEnd(page);
    await settled(page);
    let s = await snapshot(page);
    const L = s.layers.length;
    assert.equal(L, 8);
    assert.equal(s.diagram.arcs, 3, 'one arc per block');
    expectColours(s, 'the newest record');

    /* its text alternative: per layer the gradient norm of both stacks, as chart 1's table, and the part */
    const fmt = await page.evaluate(() => {
      const f = window.gradlab.format(), t = window.gradlab.t, d = window.gradlab.debug(), r = window.gradlab.records()[d.timeline.index];
      const blockLayers = [[2, 3], [4, 5], [6, 7]];
      return {
        rows: d.layers.map((name, i) => [`${f.int(i + 1)} · ${name}`, f.value(r.plain.grad_norm[i]), f.value(r.residual.grad_norm[i])]),
        caption: t('diagram.alt.caption', { step: f.int(Math.max(r.plain.step, r.residual.step)) }),
        parts: [t('diagram.part.stem'), ...blockLayers.flatMap((_, b) => [t('diagram.part.block', { b: f.int(b + 1) }), t('diagram.part.block', { b: f.int(b + 1) })]), t('diagram.part.head')],
      };
    });
    let alt = await altRows(page);
    assert.equal(alt.describedBy, 'text-chart-diagram');
    assert.equal(alt.caption, fmt.caption);
    assert.deepEqual(alt.rows.map((r) => r.slice(0, 3)), fmt.rows, 'the table holds the record\'s grad_norm');
    assert.deepEqual(alt.rows.map((r) => r[3]), fmt.parts, 'and the residual stack\'s parts');

    /* the time cursor: show('init') and the diagram repaints that record, its table too */
    await page.evaluate(() => window.gradlab.show('init'));
    await settled(page);
    s = await snapshot(page);
    assert.equal(s.diagram.step, 0);
    expectColours(s, 'init');
    await page.waitForFunction((c) => document.querySelector('#text-chart-diagram caption').textContent !== c, alt.caption, { timeout: TIMEOUT });
    alt = await altRows(page);
    const initRows = await page.evaluate(() => { const f = window.gradlab.format(), r = window.gradlab.records()[window.gradlab.debug().timeline.index]; return r.plain.grad_norm.map((g) => f.value(g)); });
    assert.deepEqual(alt.rows.map((r) => r[1]), initRows, 'the table follows the time cursor');
    /* the slider: one record on */
    await page.focus('#timeline-slider');
    await page.keyboard.press('ArrowRight');
    await settled(page);
    s = await snapshot(page);
    assert.equal(s.diagram.step, Math.max(s.record.plain.step, s.record.residual.step));
    assert.ok(s.diagram.step > 0);
    expectColours(s, 'the slider');

    /* the walk, at the record shown: every layer from the output, both stacks in step */
    await page.evaluate(() => window.GradLabDiagram.start({ play: false }));
    const r = s.record;
    const parts = residualParts([[2, 3], [4, 5], [6, 7]], L);
    const order = [];
    for (let k = 0; k < L; k++) {
      if (k > 0) await page.click('#walk-next');
      await page.waitForFunction((p) => window.GradLabDiagram.walk().state.pos === p, k, { timeout: TIMEOUT });
      const w = await page.evaluate(() => ({ walk: window.GradLabDiagram.walk(), diagram: window.GradLabDiagram.debug(), chain: window.GradLabSweep.chain(), f: null }));
      const layer = L - k, p = parts[partOf(parts, layer)];
      assert.deepEqual(w.diagram.walk, [{ arch: 'plain', first: layer, last: layer }, { arch: 'residual', first: p.first, last: p.last }], `step ${k}: the frames`);
      const bands = w.chain.marks.map((m) => [m.x - (m.half ?? 0.5), m.x + (m.half ?? 0.5)]);
      assert.deepEqual(bands[0], [layer - 0.5, layer + 0.5], `step ${k}: the chain chart marks the layer`);
      if (bands[1]) assert.deepEqual(bands[1], [p.first - 0.5, p.last + 0.5], `step ${k}: and the block`);
      const want = await page.evaluate(([l, done]) => {
        const f = window.gradlab.format(), rr = window.gradlab.records()[window.gradlab.debug().timeline.index];
        return { plain: f.value(rr.plain.chain_product[l - 1]), residual: done ? f.value(rr.residual.chain_product[0]) : null };
      }, [layer, p.kind === 'stem']);
      const lines = Object.fromEntries(w.walk.lines.map((x) => [x.arch, x]));
      const bare = (text) => text.replace(/[\u2066-\u2069]/g, '');
      const rhs = (text) => bare(text).split(' = ')[1].split(' ')[0];
      assert.equal(rhs(lines.plain.product), bare(want.plain), `step ${k}: the plain running product is chain_product of layer ${layer}`);
      if (want.residual) assert.equal(rhs(lines.residual.product), bare(want.residual), 'at the input: the residual chain_product of layer 1');
      if (!order.length || order.at(-1) !== p) order.push(p);
    }
    assert.deepEqual(order.map((p) => p.kind + p.b), ['head4', 'block3', 'block2', 'block1', 'stem0'], 'head, blocks from the last, stem');
    /* at the input the residual product is the chain card's product (the block view's line) */
    const chainLine = s.chain.lines.find((x) => x.arch === 'residual');
    const final = await page.evaluate(() => window.GradLabDiagram.walk());
    const resProduct = final.lines.find((x) => x.arch === 'residual').product.replace(/[\u2066-\u2069]/g, '').split(' = ')[1].split(' ')[0];
    assert.ok(chainLine.text.replace(/[\u2066-\u2069]/g, '').includes(`= ${resProduct}`), `walk ${resProduct} in the chain card's line «${chainLine.text}»`);
    assert.equal(await page.isDisabled('#walk-next'), true, 'the input: no next');
    assert.ok(r.residual.chain_product[0] > 0);

    /* keys inside the walk's controls: Home the output, ArrowLeft towards the input, End the input, ArrowRight back */
    await page.focus('#walk-play');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => window.GradLabDiagram.walk().state.pos === 0, null, { timeout: TIMEOUT });
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => window.GradLabDiagram.walk().state.pos === 1, null, { timeout: TIMEOUT });
    await page.keyboard.press('End');
    await page.waitForFunction((n) => window.GradLabDiagram.walk().state.pos === n - 1, L, { timeout: TIMEOUT });
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => window.GradLabDiagram.walk().state.pos === n - 2, L, { timeout: TIMEOUT });
    /* Play from the output at the fast speed: to the input, then it stops */
    await page.selectOption('#walk-speed', '2');
    await page.keyboard.press('Home');
    await page.click('#walk-play');
    assert.equal(await page.getAttribute('#walk-play', 'aria-pressed'), 'true');
    await page.waitForFunction((n) => { const st = window.GradLabDiagram.walk().state; return st.pos === n - 1 && !st.playing; }, L, { timeout: TIMEOUT });
    assert.equal(await page.getAttribute('#walk-play', 'aria-pressed'), 'false');

    /* hover a layer: its numbers; focus and Enter select it, the selection marked; Escape hides the numbers */
    const box = await page.$('#chart-diagram .dg-layer[data-arch="residual"][data-layer="3"]');
    await box.hover();
    await page.waitForFunction(() => window.GradLabDiagram.debug().tip !== null, null, { timeout: TIMEOUT });
    const tip = (await page.evaluate(() => window.GradLabDiagram.debug().tip));
    const tipWant = await page.evaluate(() => {
      const f = window.gradlab.format(), rr = window.gradlab.records()[window.gradlab.debug().timeline.index].residual;
      return [rr.grad_norm[2], rr.act_grad_norm[2], rr.chain_factor[2], rr.block_factor[0], rr.block_shortcut[0], rr.block_branch[0]].map((v) => f.value(v));
    });
    for (const v of tipWant) assert.ok(tip.includes(v), `the tooltip «${tip}» has ${v}`);
    await box.click();
    await page.waitForFunction(() => window.GradLabDiagram.debug().selected.length === 1, null, { timeout: TIMEOUT });
    assert.deepEqual((await page.evaluate(() => window.GradLabDiagram.debug())).selected, [{ arch: 'residual', layer: 3 }]);
    assert.equal(await box.getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => [document.activeElement.getAttribute('data-arch'), document.activeElement.getAttribute('data-layer'), document.activeElement.getAttribute('aria-describedby')]);
    assert.deepEqual(focused, ['plain', '2', 'diagram-tip'], 'arrows move the focus, which shows the numbers');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => { const s2 = window.GradLabDiagram.debug().selected; return s2.length === 1 && s2[0].arch === 'plain' && s2[0].layer === 2; }, null, { timeout: TIMEOUT });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.GradLabDiagram.debug().selected.length === 0, null, { timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    assert.equal((await page.evaluate(() => window.GradLabDiagram.debug())).tip, null);

    /* the chain chart: block by block by default, its product the engine's chain_product of layer 1 */
    s = await snapshot(page);
    assert.equal(s.chain.view, 'blocks');
    const blocks = s.chain.factor.find((x) => x.id === 'block').data.map((p) => p.y);
    assert.deepEqual(blocks, [s.record.residual.stem_factor, ...s.record.residual.block_factor, s.record.residual.head_factor]);
    assert.deepEqual(s.chain.factor.find((x) => x.id === 'residual').data, [], 'the residual layers are one toggle away');
    const prods = s.chain.product.find((x) => x.id === 'block').data;
    assert.equal(prods[0].y, s.record.residual.chain_product[0]);
    await page.check('#chain-per-layer');
    s = await snapshot(page);
    assert.equal(s.chain.view, 'layers');
    assert.deepEqual(s.chain.factor.find((x) => x.id === 'residual').data.map((p) => p.y), s.record.residual.chain_factor);
    await page.uncheck('#chain-per-layer');

    /* the PNG */
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('#diagram-png')]);
    assert.equal(dl.suggestedFilename(), 'gradlab-diagram.png');
    const bytes = readFileSync(await dl.path());
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.ok(bytes.length > 3000, `${bytes.length} bytes`);

    /* axe with the walk's lines and a layer's numbers open */
    await page.evaluate(() => window.GradLabDiagram.start({ play: false }));
    await page.focus('#chart-diagram .dg-layer[tabindex="0"]');
    const axe = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], 'axe');
    if (lang === 'fa') {
      const text = (await page.evaluate(() => window.GradLabDiagram.walk())).lines.map((x) => x.product).join(' ');
      assert.ok(/[۰-۹]/.test(text) && !/[0-9]/.test(text.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]/g, '')), `Persian digits: ${text}`);
    }
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}

test('depth 100 and conv: every layer keeps its colour, the shortcuts and poolings drawn; screenshots', { timeout: 6 * TIMEOUT }, async () => {
  const scenes = [
    { name: 'dense-d5', query: 'depth=4&block=2&act=sigmoid&steps=0', L: 6, arcs: 2 },
    { name: 'dense-d100', query: 'depth=100&block=2&act=sigmoid&steps=0', L: 102, arcs: 50 },
    { name: 'conv', query: 'model=conv&data=digits&batch=32&blocks=4&pool=1&steps=0', L: 10, arcs: 4 },
    { name: 'post-norm-d100', query: 'depth=100&block=1&form=post&norm=batch&act=relu&init=he&steps=0', L: 102, arcs: 100 },
  ];
  for (const vp of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    for (const lang of ['en', 'fa']) {
      const { page, log } = await env.newPage({ viewport: vp });
      for (const sc of scenes) {
        await page.goto(`${env.url}?lang=${lang}&${sc.query}`);
        await waitReady(page);
        await settled(page);
        await page.evaluate(() => { window.GradLabDiagram.start({ play: false }); for (let i = 0; i < 5; i++) window.GradLabDiagram.next(); });
        await page.evaluate(() => new Promise((ok) => setTimeout(ok, 200)));
        const s = await snapshot(page);
        assert.equal(s.diagram.fills.plain.length, sc.L);
        assert.equal(s.diagram.arcs, sc.arcs, `${sc.name}: arcs`);
        expectColours(s, `${sc.name} ${lang} ${vp.width}`);
        for (const a of ['plain', 'residual']) assert.ok(s.diagram.widths[a].every((w) => w >= 1), `${sc.name}: every layer at least 1 px wide`);
        /* it fits its card at these depths (no sideways scroll) */
        const fit = await page.evaluate(() => { const b = document.querySelector('.diagram-box'); return [b.scrollWidth, b.clientWidth]; });
        assert.ok(fit[0] <= fit[1] + 1, `${sc.name} ${lang} ${vp.width}: ${fit[0]} px in a box of ${fit[1]}`);
        if (sc.L > 100) assert.ok(s.diagram.compressed, `${sc.name}: the middle compressed`);
        const clip = await page.evaluate(() => { const r = document.getElementById('card-diagram').getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; });
        await page.screenshot({ path: shotPath(`diagram-${sc.name}-${lang}-${vp.width}.png`), fullPage: true, clip });
        const chain = await page.evaluate(() => { const r = document.getElementById('card-chain').getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; });
        await page.screenshot({ path: shotPath(`chain-${sc.name}-${lang}-${vp.width}.png`), fullPage: true, clip: chain });
      }
      assert.deepEqual(log.errors, []);
      await page.close();
    }
  }
});

for (const [step, id] of [['vanishing', 'vanish_walk'], ['residual', 'res_walk']]) {
  test(`the lesson's ${step} step starts the walk (${id}) on the network diagram`, { timeout: 3 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${env.url}?lang=en&step=${step}`);
    await waitReady(page);
    await page.waitForSelector(`#lesson [data-experiment-id="${id}"] .run-experiment`, { timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => window.GradLabDiagram.walk().state), null, 'no walk before');
    await page.click(`#lesson [data-experiment-id="${id}"] .run-experiment`);
    await page.waitForSelector(`#lesson [data-experiment-id="${id}"][data-state="done"]`, { timeout: 2 * TIMEOUT });
    await page.waitForFunction(() => window.GradLabDiagram.walk().state !== null, null, { timeout: TIMEOUT });
    const s = await page.evaluate(() => ({ walk: window.GradLabDiagram.walk(), focus: [...document.querySelectorAll('.lesson-focus')].map((e) => e.id) }));
    assert.ok(s.focus.includes('card-diagram'), `the lesson points at the diagram (${s.focus})`);
    assert.equal(s.walk.lines.length, 2, 'both stacks walk');
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}
