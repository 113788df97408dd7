// lesson-claims.mjs - checks a lesson experiment's claims (web/lesson/
// experiments.json) against the engine's own records.  Shared by the node
// suite (engine driven directly) and the browser suite (records read from
// the page).  `at`: "init" = the record of step 0 (the first update's
// statistics), "end" = the record after the last step.
//   runs = { plain: { init, end, diverged }, residual: {...} }, records as Net.stats()
import { readFileSync } from 'node:fs';

export function checkClaims(claims, runs) {
  return claims.map((c) => {
    const r = (arch) => {
      const run = runs[arch];
      if (!run) throw new Error(`no ${arch} run`);
      return run;
    };
    const rec = (arch, at) => r(arch)[at === 'end' ? 'end' : 'init'];
    const layerIndex = (rc, l) => (l === 'last' ? rc.grad_norm.length - 1 : l - 1);
    const ratio = (rc, field, num, den) => Math.log10(rc[field][layerIndex(rc, num)] / rc[field][layerIndex(rc, den)]);
    const inRange = (v) => (c.min === undefined || v >= c.min) && (c.max === undefined || v <= c.max);
    let value, ok;
    switch (c.kind) {
      case 'log10_ratio': {
        value = ratio(rec(c.arch, c.at), c.field, c.num_layer, c.den_layer);
        ok = !Number.isNaN(value) && inRange(value);
        break;
      }
      case 'log10_change': {
        const a = rec(c.arch, 'init'), b = rec(c.arch, 'end'), i = layerIndex(a, c.layer);
        value = Math.log10(b[c.field][i] / a[c.field][i]);
        ok = !Number.isNaN(value) && inRange(value);
        break;
      }
      case 'compare_archs': {
        const p = rec('plain', c.at), q = rec('residual', c.at);
        const i = layerIndex(p, c.layer);
        value = Math.log10(q[c.field][i] / p[c.field][i]);
        ok = !Number.isNaN(value) && value >= c.residual_over_plain_log10_min;
        break;
      }
      case 'diverged':
        value = r(c.arch).end.status === 'diverged';
        ok = value === c.expect;
        break;
      case 'loss':
        value = rec(c.arch, c.at).loss;
        ok = Number.isFinite(value) && inRange(value);
        break;
      case 'acc':
        value = rec(c.arch, c.at).acc;
        ok = Number.isFinite(value) && inRange(value);
        break;
      case 'acc_compare':
        value = rec('residual', c.at).acc - rec('plain', c.at).acc;
        ok = value >= c.residual_minus_plain_min;
        break;
      case 'update_ratio_profile': {
        value = ratio(rec(c.arch, c.at), 'update_ratio', 1, 'last');
        ok = !Number.isNaN(value) && value <= c.first_over_last_log10_max;
        break;
      }
      default:
        value = undefined;
        ok = false;
    }
    return { claim: c, value, ok };
  });
}

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

/** Runs an experiment's config on the engine (node): {plain, residual} with init/end records.
    A data=digits config gets the bytes of web/data/digits-*.bin, as the page sends them. */
export function runExperiment(engine, config) {
  const full = config.data === 'digits' && !config.digits ? Object.assign({}, config, { digits: digitsBytes() }) : config;
  const runs = engine.createRuns(full);
  const out = {};
  try {
    for (const [arch, net] of Object.entries(runs)) {
      net.step(1);
      const init = net.stats();
      net.step(Math.max(0, config.steps - 1));
      if (net.stats().status === 'ok') net.measure();
      out[arch] = { init, end: net.stats() };
    }
  } finally {
    for (const n of Object.values(runs)) n.free();
  }
  return out;
}
