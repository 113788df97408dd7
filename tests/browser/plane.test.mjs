// plane.test.mjs - the Sweep panel's second setting (a plane, docs/page.md):
// a small plane at initialisation (tanh, 4 weight scales x 4 depths, one
// seed) runs in the Worker from a link, in English and in Persian; each
// heatmap's cells are the engine's grid, the chi = 1 line and the 6xi / 6xi_c
// curves are placed where the result's axes (chi_mf, depth_6xi, depth_6xi_c)
// put them, the legend names them, the text alternative holds the grid and
// the mean field; a click on a cell and Enter on the outlined one load that
// network into the lab (form and link); the panel's state is in the link;
// axe finds nothing; screenshots at 1366x768 and 390x844.  A trained plane
// is cancelled mid-way (its grey cells were not measured) and one over the
// engine's budget shows the engine's one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { setup, waitReady, TIMEOUT, shotPath } from './helpers.mjs';
import { planeData, axisPosition } from '../../web/js/sweep/sweep-model.js';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

const PLANE = 'act=tanh&init=normal&width=32&points=64&sweep=init_std=0.08838835..0.44194174:4&sweep2=depth=2..30:4&sweep_seeds=1..1';
const sweepDebug = (page) => page.evaluate(() => window.GradLabSweep.debug());

/* clicks the centre of cell (i, j) of a stack's heatmap */
async function clickCell(page, arch, i, j) {
  const at = await page.evaluate(([a, x, y]) => window.GradLabSweep.cellCenter(a, x, y), [arch, i, j]);
  const box = await page.locator(`#chart-sweep-${arch}`).boundingBox();
  await page.mouse.click(box.x + at.x, box.y + at.y);
}

for (const lang of ['en', 'fa']) {
  test(`a plane at initialisation in ${lang}: the engine's grid, its mean field, a cell into the lab, axe`, { timeout: 4 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${env.url}?lang=${lang}&${PLANE}`);
    await waitReady(page);
    /* the link's plane is the panel's */
    let d = await sweepDebug(page);
    assert.equal(d.sweep2Text, 'depth=2..30:4');
    assert.equal(await page.inputValue('#sweep-name2'), 'depth');
    assert.equal(await page.inputValue('#sweep-count2'), '4');
    await page.click('#sweep-run');
    await page.waitForFunction(() => window.GradLabSweep.debug().status === 'done', null, { timeout: TIMEOUT });
    d = await sweepDebug(page);
    const r = d.result;
    assert.equal(d.view, 'plane');
    assert.equal(d.request.sweep2, 'depth=2..30:4', 'the Worker got the second setting');
    assert.deepEqual(r.axes.map((a) => a.name), ['init_std', 'depth']);
    assert.equal(d.total, 4 * 4 * 1 * 2);
    assert.equal(await page.isHidden('#chart-sweep'), true, 'the 1-D chart gives way to the heatmaps');

    /* each heatmap's cells are the engine's grid: column i, row j (from the bottom) = median[j][i] */
    for (const a of ['plain', 'residual']) {
      const snap = d.plane.charts[a];
      const grid = r[a].grad_ratio_log10.median;
      assert.equal(snap.rows, 4);
      assert.equal(snap.columns.length, 4);
      snap.columns.forEach((c, i) => {
        assert.equal(c.x, i + 1);
        assert.deepEqual(c.values, grid.map((row) => row[i]), `${a} column ${i}`);
      });
      /* ticks: sigma_w for the weight scale, the depths */
      assert.deepEqual(snap.labels.y.length, 4);
    }
    const ticksX = d.plane.charts.plain.labels.x;
    const fmt = await page.evaluate((v) => { const f = window.gradlab.format(); return v.map((x) => f.number(Number(x.toPrecision(3)))); }, r.axes[0].sigma_w);
    assert.deepEqual(ticksX, fmt, 'the columns read sigma_w');

    /* the overlays come from the result's axes: chi = 1 where chi_mf crosses 1, 6xi and 6xi_c at their depths */
    const ax = r.axes[0], depths = r.axes[1].values;
    const want = planeData(r, 'grad_ratio_log10').overlays;
    const byId = Object.fromEntries(d.plane.overlays.map((o) => [o.id, o]));
    assert.deepEqual(Object.keys(byId).sort(), ['chi_one', 'xi', 'xi_c']);
    const k = ax.chi_mf.findIndex((x) => x >= 1);
    const chiX = byId.chi_one.points[0].x;
    assert.ok(k > 0 && chiX >= k && chiX <= k + 1 && byId.chi_one.points[1].x === chiX, `chi = 1 at ${chiX}: between columns ${k} and ${k + 1} (chi_mf ${ax.chi_mf})`);
    assert.equal(chiX, want.chiOne.pos);
    const xiCols = ax.depth_6xi.map((x, i) => (x === null ? null : i)).filter((i) => i !== null);
    assert.deepEqual(byId.xi.points.map((p) => p.x), xiCols.map((i) => i + 1), 'one 6xi point per column the engine gives a number for');
    byId.xi.points.forEach((p, n) => assert.equal(p.y, axisPosition(depths, ax.depth_6xi[xiCols[n]]).pos));
    const xiCCols = ax.depth_6xi_c.map((x, i) => (x === null ? null : i)).filter((i) => i !== null);
    byId.xi_c.points.forEach((p, n) => assert.equal(p.y, axisPosition(depths, ax.depth_6xi_c[xiCCols[n]]).pos));
    /* the legend says which is which, in the page's language */
    const words = await page.evaluate(() => ['sweep.plane.chi_one', 'sweep.plane.xi', 'sweep.plane.xi_c', 'sweep.plane.null'].map((x) => window.gradlab.t(x)));
    assert.deepEqual(d.plane.legend, words);
    assert.deepEqual(await page.locator('#sweep-plane-legend li').allInnerTexts(), words.map((w) => w.trim()));

    /* the text alternative: the grid, top row first, then the mean field per column */
    const rowsAlt = await page.$$eval('#text-chart-sweep-plain tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.equal(rowsAlt.length, 4 + 3, 'four depths, chi, 6xi, 6xi_c');
    const topRow = await page.evaluate((v) => { const f = window.gradlab.format(); return v.map((x) => f.value(x)); }, r.plain.grad_ratio_log10.median[3]);
    assert.deepEqual(rowsAlt[0].slice(1), topRow, 'the top row: the deepest networks');
    assert.ok(rowsAlt[6].slice(1).some((c) => c === '∞') || rowsAlt[5].slice(1).includes('∞'), 'an infinite depth scale reads ∞');
    assert.equal(await page.getAttribute('#chart-sweep-plain', 'aria-describedby'), 'text-chart-sweep-plain sweep-cell');

    /* the link holds the plane */
    assert.match(await page.evaluate(() => decodeURIComponent(location.search)), /sweep2=depth=2\.\.30:4/);

    /* screenshots: 1366x768 and 390x844 */
    await page.evaluate(() => document.getElementById('sweep-plane-legend').scrollIntoView());
    await page.screenshot({ path: shotPath(`plane-${lang}-1366.png`) });
    await page.locator('#card-sweep').screenshot({ path: shotPath(`plane-card-${lang}-1366.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.evaluate(() => document.getElementById('sweep-plane-legend').scrollIntoView());
    await page.screenshot({ path: shotPath(`plane-${lang}-390.png`) });
    await page.locator('#card-sweep').screenshot({ path: shotPath(`plane-card-${lang}-390.png`) });
    /* on a phone the heatmaps stack; the cells stay wide enough to hit */
    const boxes = await Promise.all(['plain', 'residual'].map((a) => page.locator(`#chart-sweep-${a}`).boundingBox()));
    assert.ok(boxes[1].y > boxes[0].y + boxes[0].height - 1, 'one column on a phone');
    assert.ok(boxes[0].width <= 390 && boxes[0].width > 250, `heatmap width ${boxes[0].width}`);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(300);

    /* a click on a cell loads that network into the lab: the two values, the sweep's config, its first seed */
    await page.evaluate(() => document.getElementById('chart-sweep-plain').scrollIntoView());
    await clickCell(page, 'plain', 2, 1);
    await page.waitForFunction(([x, y]) => {
      const c = window.gradlab.debug().config;
      return c && Number(c.init_std) === x && Number(c.depth) === y;
    }, [ax.values[2], depths[1]], { timeout: TIMEOUT });
    let cfg = await page.evaluate(() => window.gradlab.debug().config);
    assert.equal(cfg.act, 'tanh');
    assert.equal(cfg.init, 'normal');
    assert.equal(Number(cfg.block), 1, 'a depth sweep\'s blocks of one layer');
    assert.equal(Number(cfg.seed), 1);
    assert.equal(Number(await page.inputValue('#set-depth')), depths[1], 'the form shows it');
    assert.equal(Number(await page.inputValue('#set-init_std')), ax.values[2]);
    const q = new URLSearchParams(await page.evaluate(() => location.search));
    assert.equal(Number(q.get('depth')), depths[1], 'the link follows');
    assert.equal(Number(q.get('init_std')), ax.values[2]);
    assert.equal(q.get('sweep2'), 'depth=2..30:4', 'and keeps the plane');
    d = await sweepDebug(page);
    assert.deepEqual([d.loaded.i, d.loaded.j], [2, 1]);
    const loadedWords = await page.textContent('#sweep-cell');
    assert.ok(loadedWords.includes(await page.evaluate(() => window.gradlab.t('run'))), `the line says what to press: ${loadedWords}`);

    /* the keyboard: tab to the residual heatmap, arrows to a cell, Enter loads it */
    await page.focus('#chart-sweep-residual');
    await page.keyboard.press('Home');
    for (const key of ['ArrowRight', 'ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowDown']) await page.keyboard.press(key);
    d = await sweepDebug(page);
    assert.deepEqual(d.plane.focus, { column: 2, row: 3 }, 'the outline moved');
    /* the line under the heatmaps names the outlined cell: its depth and its sigma_w */
    const named = await page.evaluate(([y, s]) => { const f = window.gradlab.format(); return [f.number(y), f.number(Number(s.toPrecision(3)))]; }, [depths[2], ax.sigma_w[1]]);
    assert.ok(d.plane.readout.includes(`${named[0]}:`) && d.plane.readout.includes(named[1]), `${d.plane.readout} names depth ${named[0]} and sigma_w ${named[1]}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(([x, y]) => {
      const c = window.gradlab.debug().config;
      return c && Number(c.init_std) === x && Number(c.depth) === y;
    }, [ax.values[1], depths[2]], { timeout: TIMEOUT });
    cfg = await page.evaluate(() => window.gradlab.debug().config);
    assert.equal(Number(cfg.depth), depths[2]);

    /* exports: the CSV has one row per cell, stack and metric; the PNG is both heatmaps */
    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('#sweep-csv')]);
    const text = await (await import('node:fs')).promises.readFile(await csv.path(), 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], 'arch,metric,name,value,name2,value2,median,p10,p90,nulls');
    assert.equal(lines.length, 1 + 2 * Object.keys(r.plain).length * 16);
    const [png] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('#sweep-png')]);
    assert.equal(png.suggestedFilename(), 'gradlab-sweep.png');

    /* axe: the whole page, the panel with its heatmaps, legend, outlined cell and tables */
    const ax2 = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
    const found = ax2.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} - ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)}`));
    assert.deepEqual(found, [], 'axe violations');
    assert.deepEqual(log.errors, []);
  });
}

test('a trained plane shows its partial grids and stops on Cancel; one over the budget shows the engine\'s line', { timeout: 4 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  await page.goto(`${env.url}?lang=en&act=tanh&init=normal&width=32&points=64&batch=32&sweep=init_std=0.08838835..0.44194174:5&sweep2=depth=2..40:5&sweep_seeds=1..2&sweep_steps=300&sweep_metric=final_acc`);
  await waitReady(page);
  await page.click('#sweep-run');
  /* some cells measured, not all: the heatmap shows them, the rest grey (null) */
  await page.waitForFunction(() => window.GradLabSweep.debug().done >= 6, null, { timeout: TIMEOUT, polling: 200 });
  await page.waitForFunction(() => {
    const p = window.GradLabSweep.debug().plane.charts.plain;
    return p && p.columns.some((c) => c.values.some((v) => v !== null));
  }, null, { timeout: TIMEOUT, polling: 200 });
  const status = await page.textContent('#sweep-status');
  assert.match(status, /seed 1 of 2/, status);
  await page.click('#sweep-cancel');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'cancelled', null, { timeout: TIMEOUT });
  const d = await sweepDebug(page);
  assert.ok(d.done < d.total, `cancelled at ${d.done} of ${d.total}`);
  const cells = d.plane.charts.plain.columns.flatMap((c) => c.values);
  assert.ok(cells.some((v) => v === null) && cells.some((v) => v !== null), 'a partial grid: measured cells and grey ones');
  assert.match(await page.textContent('#sweep-status'), /cancelled after \d+ of 100 networks/);
  assert.deepEqual(d.plane.legend.at(-1), await page.evaluate(() => window.gradlab.t('sweep.plane.null_running')), 'grey: not measured');
  assert.equal(await page.isEnabled('#sweep-run'), true);

  /* over the engine's budget: refused before anything runs, its one line shown */
  await page.goto(`${env.url}?lang=en&sweep=depth=100..1000:20&sweep2=width=8..128:20&sweep_seeds=1..20&sweep_steps=300`);
  await waitReady(page);
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'failed', null, { timeout: TIMEOUT });
  const refused = await page.textContent('#sweep-status');
  assert.match(refused, /sweep: .* at most 1e\+08/, refused);
  assert.ok(JSON.stringify(await page.evaluate(() => window.gradlab.debug().messages)).includes('at most 1e+08'));
  assert.deepEqual(log.errors, []);
});
