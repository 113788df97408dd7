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
    for (const r of results) assert.ok(r.ok, `${JSON.stringify(r.claim)} measured ${r.value}`);
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
