// lesson.test.mjs - the lesson's content: every experiment, run on the real
// WASM engine, produces what its step's text claims (checked from the
// engine's statistics, not from the text); the Persian and English files
// have the same steps, experiments and quiz (and the same UI string keys);
// every formula renders in KaTeX; Persian typography follows the glossary;
// the first run (the engine's defaults) shows the plain/residual contrast and
// is step 3's first experiment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { loadEngine, root } from './helpers.mjs';
import { checkClaims, runExperiment, checkSweepClaims, runSweepExperiment } from '../lib/lesson-claims.mjs';

const read = (f) => JSON.parse(readFileSync(join(root, 'web/lesson', f), 'utf8'));
const experiments = read('experiments.json').experiments;
const fa = read('fa.json'), en = read('en.json');
const katex = createRequire(import.meta.url)(join(root, 'node_modules/katex'));
const engine = await loadEngine();

test('Persian and English have the same steps, experiments and quiz', () => {
  assert.equal(fa.lang, 'fa');
  assert.equal(fa.dir, 'rtl');
  assert.equal(en.lang, 'en');
  assert.equal(en.dir, 'ltr');
  assert.deepEqual(fa.steps.map((s) => s.id), en.steps.map((s) => s.id));
  assert.ok(fa.steps.length >= 8, `${fa.steps.length} steps`);
  fa.steps.forEach((s, i) => {
    assert.deepEqual(s.experiments.map((e) => e.id), en.steps[i].experiments.map((e) => e.id), `step ${s.id}`);
    assert.ok(s.experiments.length >= 1, `step ${s.id} has an experiment`);
    for (const e of s.experiments) assert.ok(experiments[e.id], `experiment ${e.id} is defined`);
    assert.equal((s.diagram || []).length, (en.steps[i].diagram || []).length);
  });
  assert.deepEqual(fa.quiz.map((q) => [q.answer, q.choices.length]), en.quiz.map((q) => [q.answer, q.choices.length]));
  const ui = [read('ui-fa.json'), read('ui-en.json')];
  assert.deepEqual(Object.keys(ui[0]).sort(), Object.keys(ui[1]).sort(), 'UI string keys');
});

test('every formula renders with KaTeX in both languages', () => {
  let count = 0;
  for (const doc of [fa, en]) {
    const texts = [];
    for (const s of doc.steps) texts.push(s.title, ...s.body, ...s.experiments.flatMap((e) => [e.label, e.question, e.answer]));
    for (const q of doc.quiz) texts.push(q.q, ...q.choices, q.explain);
    for (const t of texts) {
      for (const m of String(t).matchAll(/\$\$([^$]+)\$\$|\$([^$]+)\$/g)) {
        katex.renderToString(m[1] || m[2], { throwOnError: true, displayMode: !!m[1] });
        count++;
      }
    }
  }
  assert.ok(count > 50, `${count} formulas rendered`);
});

test('Persian text uses Persian letters and punctuation', () => {
  const text = JSON.stringify(fa) + JSON.stringify(read('ui-fa.json'));
  assert.ok(!/[\u064A\u0643]/.test(text), 'no Arabic yeh or kaf');
  assert.ok((text.match(/\u200C/g) || []).length > 100, 'half-spaces (ZWNJ) are used');
  assert.ok(/[۰-۹]/.test(text), 'Persian digits are used');
});

for (const [id, exp] of Object.entries(experiments)) {
  test(`lesson experiment ${id}: ${exp.claims.map((c) => c.kind).join(', ')}`, () => {
    if (exp.sweep) {
      /* a sweep experiment: the engine's sweep, as the Sweep panel runs it */
      const results = checkSweepClaims(exp.claims, runSweepExperiment(engine, exp));
      for (const r of results) assert.ok(r.ok, `${JSON.stringify(r.claim)} measured ${JSON.stringify(r.value)}`);
      return;
    }
    const runs = runExperiment(engine, exp.config);
    const results = checkClaims(exp.claims, runs);
    for (const r of results) assert.ok(r.ok, `${JSON.stringify(r.claim)} measured ${r.value}${r.r2 === undefined ? '' : ` (r² ${r.r2})`}`);
  });
}

/* The first run: what a student sees after pressing Run on the page as it
   opens (the engine's defaults) makes the lesson's point, and it is the run
   that step 3 (training_stall) says it is. */
test('the first run (engine defaults): the plain network stays at ln 2, the residual one learns the data', () => {
  const defaults = engine.normalize({});
  const runs = runExperiment(engine, defaults);
  assert.equal(runs.plain.end.status, 'ok');
  assert.equal(runs.residual.end.status, 'ok');
  assert.ok(runs.plain.end.loss > 0.6, `plain loss ${runs.plain.end.loss} stays near ln 2`);
  assert.ok(runs.plain.end.acc < 0.65, `plain accuracy ${runs.plain.end.acc} near one half`);
  assert.ok(runs.residual.end.loss < 0.2, `residual loss ${runs.residual.end.loss} near zero`);
  assert.ok(runs.residual.end.acc > 0.9, `residual accuracy ${runs.residual.end.acc} near 100%`);
  const stall = engine.normalize(experiments.stall_loss.config);
  assert.deepEqual(stall, defaults, 'step 3 says its first experiment is the page\'s default run');
});

/* The two claim kinds of step 8 can fail: a straight line passes, a bent one
   or one of the wrong slope does not; a lower residual loss passes, a higher
   one does not (records made up here, not the engine's: this checks the checker). */
test('claims log10_slope and loss_compare pass and fail on what they measure', () => {
  const rec = (g, loss) => ({ grad_norm: Float64Array.from(g), loss });
  const line = [4, 3, 2, 1, 0].map((e) => 10 ** e);      /* -1 decade per layer, r² = 1 */
  const bent = [0, 3, 0, 3, 0].map((e) => 10 ** e);
  const runs = (g, lp, lr) => ({ plain: { init: rec(g, lp), end: rec(g, lp) }, residual: { init: rec(g, lr), end: rec(g, lr) } });
  const slope = { kind: 'log10_slope', arch: 'plain', field: 'grad_norm', at: 'init', from_layer: 1, to_layer: 5, min: -1.1, max: -0.9, r2_min: 0.9 };
  const [ok] = checkClaims([slope], runs(line, 1, 0.5));
  assert.ok(ok.ok, `a straight line: slope ${ok.value}, r² ${ok.r2}`);
  assert.ok(Math.abs(ok.value + 1) < 1e-12 && Math.abs(ok.r2 - 1) < 1e-12);
  assert.equal(checkClaims([slope], runs(bent, 1, 0.5))[0].ok, false, 'a zigzag is not a line');
  assert.equal(checkClaims([{ ...slope, min: -0.5, max: 0 }], runs(line, 1, 0.5))[0].ok, false, 'the wrong slope');
  const cmp = { kind: 'loss_compare', at: 'end', residual_minus_plain_max: -0.1 };
  assert.equal(checkClaims([cmp], runs(line, 1, 0.5))[0].ok, true, 'residual 0.5 below plain 1');
  assert.equal(checkClaims([cmp], runs(line, 1, 0.95))[0].ok, false, 'residual only 0.05 below');
});
