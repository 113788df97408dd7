// lesson-claims.mjs - the node side of the lesson's checks: running an
// experiment on the engine as the page does (runExperiment, runSweepExperiment),
// and, re-exported, the one checker both suites use: the named values and the
// claims of web/js/lesson/values.js (the page's own module, so that what the
// tests check is what the page computes).
//   runs = { plain: { init, end }, residual: {...} }, records as Net.stats():
//   init = step 0 with the first update's statistics, end = the last record.
import { readFileSync } from 'node:fs';
import { defaultState, sweepConfig, sweepSpec } from '../../web/js/sweep/sweep-model.js';

export {
  evaluateValues, evaluateSweepValues, evaluateExperiment, conditionsOf, checkClaims, checkSweepClaims,
  placeholders, isDead, deadStep, CONDITIONS, VALUE_KINDS, GAP_WORDS,
} from '../../web/js/lesson/values.js';

/** The digits files of web/data as {train, test} bytes (read once; node only). */
let digitsCache = null;
export function digitsBytes() {
  if (!digitsCache) {
    const dir = new URL('../../web/data/', import.meta.url);
    digitsCache = {
      train: new Uint8Array(readFileSync(new URL('digits-train.bin', dir))),
      test: new Uint8Array(readFileSync(new URL('digits-test.bin', dir))),
    };
  }
  return digitsCache;
}

/** An experiment's `changes` ([{step, clip: 1}, ...]) as the page sends them: [{step, settings}]. */
export function changesOf(exp) {
  return (exp.changes || []).map((c) => ({ step: c.step, settings: Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'step')) }));
}

/** n steps of a net from its steps_done, each change of course set just before its update (the Worker's held changes). */
function stepWith(net, n, changes) {
  const end = net.stepsDone + n;
  while (net.stepsDone < end && !net.diverged) {
    for (const c of changes) if (c.step === net.stepsDone) for (const [k, v] of Object.entries(c.settings)) net.set(k, v);
    const next = changes.find((c) => c.step > net.stepsDone);
    net.step(Math.min(end, next ? next.step : end) - net.stepsDone);
  }
}

/** Runs an experiment's config on the engine (node): {plain, residual} with init/end records.
    A data=digits config gets the bytes of web/data/digits-*.bin, as the page sends them;
    changes (changesOf: the experiment's scheduled changes of course) apply from their steps; hist:
    the records count the histograms (an experiment with `dist`). */
export function runExperiment(engine, config, changes = [], { hist = false } = {}) {
  let full = config.data === 'digits' && !config.digits ? Object.assign({}, config, { digits: digitsBytes() }) : config;
  /* an experiment about the distributions (experiments.json `dist`) counts the histograms, as the
     page does once it has opened the distributions view */
  if (hist) full = Object.assign({}, full, { hist: 1 });
  const runs = engine.createRuns(full);
  const out = {};
  try {
    for (const [arch, net] of Object.entries(runs)) {
      stepWith(net, 1, changes);
      const init = net.stats();
      stepWith(net, Math.max(0, config.steps - 1), changes);
      if (net.stats().status === 'ok') net.measure();
      out[arch] = { init, end: net.stats() };
    }
  } finally {
    for (const n of Object.values(runs)) n.free();
  }
  return out;
}

/** The engine's sweep (a plane when the spec has a second setting, name2) for an experiment's `sweep` spec on its config (node), as the page's panel sends it. */
export function runSweepExperiment(engine, exp) {
  /* the panel's own state, configuration and message (web/js/sweep/sweep-model.js) */
  const st = Object.assign(defaultState(), exp.sweep);
  const sw = engine.sweep(sweepConfig(exp.config, st), sweepSpec(st));
  try {
    while (!sw.finished) sw.run(1000);
    return sw.result();
  } finally {
    sw.free();
  }
}
