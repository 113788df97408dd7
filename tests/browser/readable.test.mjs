// readable.test.mjs - charts that can be read and a run that says how it went
// (issue 22, items 3 and 4, the page's side), in chromium:
//   - a stack that diverges while the other goes on: the run status next to
//     the buttons says which and when (en, fa), and the loss chart draws it
//     to its last finite loss with a cross and "diverged at step S" (the
//     residual's 16.33 of the lesson's res_relu_scale1 was not drawn: its
//     records all keep step 0, one point, and a line of one point is nothing);
//   - a loss axis that goes logarithmic when the losses span decades, with a
//     switch that shows it and that the student may turn;
//   - every chart of the registry has numbers on its y axis (the update-ratio
//     chart had none when its values sat between two powers of ten);
//   - the Sweep chart marks where the theory line and where the measured
//     curve meet the line at 1, each with its own label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, runToEnd, TIMEOUT } from './helpers.mjs';
import { CHARTS } from '../../web/js/lab/charts.js';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* the lesson's experiments (web/lesson/experiments.json), as links */
const RES_RELU_SCALE1 = 'model=dense&depth=30&width=32&block=2&act=relu&init=he&res_scale=1&lr=0.1&seed=2&data=spiral&record_every=10&steps=100';
const EXPLODE_RELU = 'model=dense&depth=10&width=32&block=2&act=relu&init=normal&init_std=1&res_scale=1&lr=0.1&seed=1&data=spiral&record_every=10&steps=100';
/* the student's own try: relu, Gaussian weights of std 2, depth 20: the plain stack diverges, the residual goes on */
const RELU_STD2 = 'act=relu&init=normal&init_std=2&depth=20&steps=100';
const EXPLODE_RELU_CLIP = 'model=dense&depth=10&width=32&block=2&act=relu&init=normal&init_std=1&res_scale=1&lr=0.1&clip=1&seed=1&data=spiral&record_every=10&steps=100';

/* what the status line and the loss chart say about the stacks */
function diverged(page) {
  return page.evaluate(() => {
    const d = window.gradlab.debug(), f = window.gradlab.format(), t = window.gradlab.t;
    const notes = [...document.querySelectorAll('#run-status .status-note[data-state="diverged"]')].map((n) => ({ arch: n.dataset.arch, text: n.textContent }));
    /* a stack that stopped learning (every weight gradient zero or underflowed: stack-state.js) has its own note */
    const dead = [...document.querySelectorAll('#run-status .status-note[data-state="dead"]')].map((n) => ({ arch: n.dataset.arch, text: n.textContent }));
    const deadWant = Object.fromEntries(['plain', 'residual'].filter((a) => d.latest[a].dead_step >= 0 && d.latest[a].status !== 'diverged')
      .map((a) => [a, t('status.stack_dead', { stack: t(`stack.${a}`), step: f.int(d.latest[a].dead_step) })]));
    const want = {}, marks = {};
    for (const a of ['plain', 'residual']) {
      const s = d.latest[a];
      if (s.status === 'diverged') want[a] = { status: t('status.stack_diverged', { stack: t(`stack.${a}`), step: f.int(s.diverged.step) }), label: t('chart.loss.diverged', { stack: t(`series.${a}`), step: f.int(s.diverged.step) }), step: s.step, loss: s.loss, at: s.diverged.step };
      marks[a] = d.charts.loss.find((x) => x.id === `${a}_diverged`).data;
    }
    return { notes, dead, deadWant, want, marks, phase: d.phase, lossTable: document.querySelector('#text-chart-loss caption').textContent, status: document.getElementById('run-status').textContent };
  });
}

for (const lang of ['en', 'fa']) {
  test(`one stack diverges (${lang}): the status says which and when; the loss chart marks where`, { timeout: 3 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    for (const [query, arch, at] of [[RES_RELU_SCALE1, 'residual', 2], [RELU_STD2, 'plain', 1]]) {
      await page.goto(`${env.url}?lang=${lang}&${query}`);
      await waitReady(page);
      await runToEnd(page);
      await page.waitForTimeout(300);
      const g = await diverged(page);
      const other = arch === 'plain' ? 'residual' : 'plain';
      assert.equal(g.phase, 'finished', 'the other stack ran to the end');
      assert.ok(g.want[arch], `${arch} diverged`);
      assert.equal(g.want[arch].at, at, `${arch} diverged at step ${at}`);
      assert.equal(g.want[other], undefined, `${other} did not`);
      assert.deepEqual(g.notes, [{ arch, text: g.want[arch].status }], 'the status line names the stack and the step');
      /* the relu std 2 residual stack stops learning (its weight gradients underflow) while the plain one diverges: its own note, with the engine's dead_step */
      assert.deepEqual(g.dead, Object.entries(g.deadWant).map(([a, text]) => ({ arch: a, text })), 'a stack that stopped learning has its note, with the engine\'s dead_step');
      if (lang === 'fa') assert.ok(/[۰-۹]/.test(g.notes[0].text) && !/[0-9]/.test(g.notes[0].text), `Persian digits: ${g.notes[0].text}`);
      /* the loss chart: the stack's last finite loss, marked and labelled */
      assert.deepEqual(g.marks[arch], [{ x: g.want[arch].step, y: g.want[arch].loss, label: g.want[arch].label }]);
      assert.deepEqual(g.marks[other], []);
      assert.ok(g.lossTable.includes(g.want[arch].label), `the loss chart's text alternative says it: ${g.lossTable}`);
    }
    /* both stacks diverge (the lesson's explode_relu): the status says so once, both marked */
    await page.goto(`${env.url}?lang=${lang}&${EXPLODE_RELU}`);
    await waitReady(page);
    await runToEnd(page);
    await page.waitForTimeout(300);
    const both = await diverged(page);
    assert.equal(both.phase, 'diverged');
    assert.deepEqual(both.notes, [], 'no note per stack: the status line itself says both');
    assert.equal(both.status, await page.evaluate(() => {
      const d = window.gradlab.debug(), f = window.gradlab.format();
      return window.gradlab.t('status.stopped', { step: f.int(Math.max(d.latest.plain.steps_done, d.latest.residual.steps_done)), steps: f.int(d.config.steps) });
    }));
    for (const a of ['plain', 'residual']) assert.equal(both.marks[a][0].label, both.want[a].label, `${a} marked`);
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}

test('the loss axis: logarithmic when the losses span decades, a switch that shows it and that the student may turn', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  const axis = () => page.evaluate(() => {
    const ticks = window.gradlab.tickLabels('loss', 'y').filter(Boolean);
    const losses = window.gradlab.debug().charts.loss.filter((s) => /_loss$/.test(s.id)).flatMap((s) => s.data.map((p) => p.y)).filter((y) => y > 0);
    return { ticks, checked: document.getElementById('loss-log').checked, span: Math.max(...losses) / Math.min(...losses) };
  });
  await page.goto(`${env.url}?lang=en&${EXPLODE_RELU_CLIP}`);
  await waitReady(page);
  await runToEnd(page);
  await page.waitForTimeout(300);
  let a = await axis();
  assert.ok(a.span >= 100, `the losses span ${a.span.toExponential(1)}`);
  assert.ok(a.checked, 'the switch shows the log axis');
  assert.ok(a.ticks.length >= 3 && a.ticks.every((x) => /^10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+$/.test(x)), `powers of ten: ${a.ticks}`);
  /* the student turns it off: linear, and it stays so */
  await page.click('#loss-log');
  await page.waitForFunction(() => !window.gradlab.tickLabels('loss', 'y').some((x) => /^10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]/.test(x)), null, { timeout: TIMEOUT });
  a = await axis();
  assert.ok(!a.checked && a.ticks.length >= 2, `linear: ${a.ticks}`);
  await page.evaluate(() => window.gradlab.show('init'));
  await page.waitForFunction(() => window.gradlab.debug().cursor !== null, null, { timeout: TIMEOUT });
  await page.waitForTimeout(200);
  assert.equal((await axis()).checked, false, 'a redraw keeps the student\'s choice');
  /* a run whose losses stay within a decade: linear, the switch off */
  await page.evaluate(() => window.gradlab.applySettings({ depth: 4, act: 'tanh', init: 'xavier', data: 'circles', steps: 60 }, { run: true, fromDefaults: true }));
  await page.waitForFunction(() => window.gradlab.debug().finished && window.gradlab.debug().config.depth === 4, null, { timeout: TIMEOUT });
  await page.waitForTimeout(300);
  a = await axis();
  assert.ok(a.span < 100 && !a.checked, `span ${a.span}: linear, off`);
  assert.ok(a.ticks.length >= 2 && a.ticks.every((x) => !/^10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]/.test(x)), `numbers: ${a.ticks}`);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('every chart of the registry has at least two numbers on its y axis', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  /* the lesson's first run: its update ratios sit within one decade (no labelled tick before) */
  for (const query of ['model=dense&depth=4&width=32&block=2&act=tanh&init=xavier&data=circles&record_every=10&steps=400&seed=1', RES_RELU_SCALE1]) {
    await page.goto(`${env.url}?lang=en&${query}`);
    await waitReady(page);
    /* the distributions view open (a closed one draws nothing): its records count the histograms */
    await page.evaluate(() => { document.getElementById('card-dist').open = true; });
    await page.waitForFunction(() => window.gradlab.debug().dist.told === true, null, { timeout: TIMEOUT });
    await runToEnd(page);
    await page.waitForFunction(() => window.gradlab.debug().charts.boundary_residual.hasImage, null, { timeout: TIMEOUT });
    await page.waitForTimeout(300);
    for (const show of ['end', 'init']) {
      await page.evaluate((w) => window.gradlab.show(w), show);
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      const ticks = await page.evaluate((names) => Object.fromEntries(names.map((n) => [n, window.gradlab.tickLabels(n, 'y').filter(Boolean)])), CHARTS.map((c) => c.name));
      for (const [name, labels] of Object.entries(ticks)) assert.ok(labels.length >= 2, `${query.slice(0, 40)}, ${show}: ${name} y ticks ${JSON.stringify(labels)}`);
    }
  }
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('the Sweep chart marks where the theory line and the measured curve meet 1, each labelled', { timeout: 3 * TIMEOUT }, async () => {
  const { page, log } = await env.newPage();
  /* the lesson's init_std sweep (explode_sweep), smaller: tanh, Gaussian weights, at initialisation */
  await page.goto(`${env.url}?lang=en&act=tanh&init=normal&depth=10&width=64&block=1&points=64&sweep=init_std=0.02..0.3:8&sweep_seeds=1..2&sweep_metric=act_grad_ratio_log10`);
  await waitReady(page);
  await page.click('#sweep-run');
  await page.waitForFunction(() => window.GradLabSweep.debug().status === 'done', null, { timeout: TIMEOUT });
  await page.waitForFunction(() => !/partial|running/.test(document.querySelector('#text-chart-sweep caption')?.textContent || 'running'), null, { timeout: TIMEOUT });
  const g = await page.evaluate(() => {
    const d = window.GradLabSweep.debug(), t = window.gradlab.t;
    return { markers: d.markers, r: d.result, labels: [t('sweep.one_theory'), t('sweep.one_measured')], caption: document.querySelector('#text-chart-sweep caption').textContent };
  });
  const { r } = g;
  assert.equal(g.markers.length, 2, JSON.stringify(g.markers));
  const [theory, measured] = g.markers;
  assert.deepEqual([theory.label, measured.label], g.labels);
  assert.notEqual(theory.row, measured.row, 'the two labels on their own rows');
  /* each mark sits between the two swept values where its own line changes sign */
  const around = (ys, x) => {
    const i = r.values.findIndex((v, k) => k > 0 && ys[k - 1] < 0 && ys[k] >= 0);
    assert.ok(i > 0, `the line crosses 0: ${ys}`);
    /* strictly inside: where the drawn segment meets 1, not at a swept value (the old mark sat on the next one) */
    assert.ok(x > r.values[i - 1] && x < r.values[i], `${x} in (${r.values[i - 1]}, ${r.values[i]})`);
    return [r.values[i - 1], r.values[i]];
  };
  const tb = around(r.plain.act_grad_ratio_theory_log10.median, theory.x);
  const mb = around(r.plain.act_grad_ratio_log10.median, measured.x);
  /* the text alternative names the swept values around each crossing, not a computed number */
  const fmt = (v) => String(Number(v.toPrecision(4)));
  assert.ok(g.caption.includes(`between ${fmt(tb[0])} and ${fmt(tb[1])}`), g.caption);
  assert.ok(g.caption.includes(`measured curve crosses 1 between ${fmt(mb[0])} and ${fmt(mb[1])}`), g.caption);
  assert.deepEqual(log.errors, []);
  await page.close();
});

/* issue 22 item 5: the gradient chart draws one gradient beside its own law, and a switch shows
   the other.  ReLU with Gaussian weights of std 0.5 (depth 20, width 32): the forward signal grows
   as fast as the backward one, so the weight gradients stay within a decade from layer 1 to the
   output while the back-propagated ones climb several decades towards the input. */
for (const lang of ['en', 'fa']) {
  test(`the gradient chart's switch (${lang}): the weight gradients with their law, the back-propagated ones with theirs; the table and the words follow`, { timeout: 2 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.goto(`${env.url}?lang=${lang}&act=relu&init=normal&init_std=0.5&depth=20&width=32&steps=20`);
    await waitReady(page);
    const read = () => page.evaluate(() => {
      const d = window.gradlab.debug(), t = window.gradlab.t;
      const series = Object.fromEntries(d.charts.grad_norm.map((s) => [s.id, s]));
      const rows = [...document.querySelectorAll('#text-chart-grad tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
      return {
        shown: d.shown || d.latest, series, rows,
        note: document.getElementById('note-grad').textContent, select: document.getElementById('grad-metric').value,
        words: { weight: t('series.theory_weight'), backprop: t('series.theory_backprop'), noteW: t('chart.grad_norm.note'), noteB: t('chart.grad_norm.note_backprop') },
        fmtFirst: window.gradlab.format().value((d.shown || d.latest).plain.act_grad_norm[0]), fmtFirstW: window.gradlab.format().value((d.shown || d.latest).plain.grad_norm[0]),
      };
    });
    const decades = (arr) => Math.log10(arr[0] / arr[arr.length - 1]);
    const check = (g, field, theory, words, note, first) => {
      const rec = g.shown.plain;
      const ys = g.series.plain.data.map((p) => p.y);
      assert.deepEqual(ys, Array.from(rec[field]), `the plain series is the record's ${field}`);
      assert.deepEqual(g.series.theory.data.map((p) => p.y), Array.from(rec[theory]), `the dashed line is the record's ${theory}`);
      assert.equal(g.series.theory.label, words, 'the legend names the law drawn');
      assert.equal(g.note, note, 'the note under the title says which gradient');
      assert.equal(g.rows[0][1], first, 'the text alternative\'s first plain cell is the drawn gradient');
      return { measured: decades(Array.from(rec[field])), law: decades(Array.from(rec[theory])) };
    };
    let g = await read();
    assert.equal(g.select, 'weight', 'the weight gradients first');
    const w = check(g, 'grad_norm', 'grad_norm_theory', g.words.weight, g.words.noteW, g.fmtFirstW);
    await page.selectOption('#grad-metric', 'backprop');
    await page.waitForFunction(() => window.gradlab.debug().charts.grad_norm.find((s) => s.id === 'theory').label === window.gradlab.t('series.theory_backprop'), null, { timeout: TIMEOUT });
    g = await read();
    const b = check(g, 'act_grad_norm', 'act_grad_norm_theory', g.words.backprop, g.words.noteB, g.fmtFirst);
    assert.ok(Math.abs(w.measured) < 1, `weight gradients level: layer 1 vs the output ${w.measured.toFixed(2)} decades`);
    assert.ok(b.measured > 3, `back-propagated gradients climb: ${b.measured.toFixed(2)} decades`);
    assert.ok(Math.abs(w.measured - w.law) < 1 && Math.abs(b.measured - b.law) < 1,
      `each law within a decade of its gradient (weight ${w.measured.toFixed(2)} vs ${w.law.toFixed(2)}, back-propagated ${b.measured.toFixed(2)} vs ${b.law.toFixed(2)})`);
    /* a language switch keeps the choice and says it in the new words */
    const other = lang === 'en' ? 'fa' : 'en';
    await page.selectOption('#lang-select', other);
    await page.waitForFunction((l) => document.documentElement.lang === l, other, { timeout: TIMEOUT });
    await page.waitForTimeout(200);
    g = await read();
    assert.equal(g.select, 'backprop');
    assert.equal(g.series.theory.label, g.words.backprop);
    /* the link carries the choice (grad=backprop), and a page opened from it shows the same chart */
    const link = await page.evaluate(() => location.href);
    assert.match(link, /[?&]grad=backprop(&|$)/);
    const again = await env.newPage();
    await again.page.goto(link);
    await waitReady(again.page);
    assert.equal(await again.page.evaluate(() => document.getElementById('grad-metric').value), 'backprop');
    assert.equal(await again.page.evaluate(() => window.gradlab.debug().charts.grad_norm.find((s) => s.id === 'theory').label), g.words.backprop);
    assert.deepEqual(again.log.errors, []);
    await again.page.close();
    await page.selectOption('#grad-metric', 'weight');
    await page.waitForFunction(() => !/[?&]grad=/.test(location.search), null, { timeout: TIMEOUT });
    await page.waitForFunction(() => window.gradlab.debug().charts.grad_norm.find((s) => s.id === 'theory').label === window.gradlab.t('series.theory_weight'), null, { timeout: TIMEOUT });
    assert.deepEqual(log.errors, [], 'no error on the page');
    await page.close();
  });
}
