// lesson-claims.mjs - checks a lesson experiment's claims (web/lesson/
// experiments.json) against the engine's own records.  Shared by the node
// suite (engine driven directly) and the browser suite (records read from
// the page).  `at`: "init" = the record of step 0 (the first update's
// statistics), "end" = the record after the last step.
//   runs = { plain: { init, end, diverged }, residual: {...} }, records as Net.stats()
// `log10_slope` fits a straight line, by least squares, to log10(field[l])
// against the layer number l = from_layer .. to_layer: its slope (decades per
// layer; negative = larger towards the input) within min/max and its r² at
// least r2_min: "a straight line on the log axis", checked.
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
    let value, ok, r2;
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
      case 'loss_compare':
        value = rec('residual', c.at).loss - rec('plain', c.at).loss;
        ok = Number.isFinite(value) && value <= c.residual_minus_plain_max;
        break;
      case 'update_ratio_profile': {
        value = ratio(rec(c.arch, c.at), 'update_ratio', 1, 'last');
        ok = !Number.isNaN(value) && value <= c.first_over_last_log10_max;
        break;
      }
      case 'log10_slope': {
        const rc = rec(c.arch, c.at);
        const lo = layerIndex(rc, c.from_layer), hi = layerIndex(rc, c.to_layer);
        const xs = [], ys = [];
        for (let i = lo; i <= hi; i++) { xs.push(i + 1); ys.push(Math.log10(rc[c.field][i])); }
        const n = xs.length, mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
        let sxy = 0, sxx = 0, syy = 0;
        for (let i = 0; i < n; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; syy += (ys[i] - my) ** 2; }
        const slope = sxy / sxx;
        r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
        value = slope;
        ok = n >= 3 && ys.every(Number.isFinite) && inRange(slope) && (c.r2_min === undefined || r2 >= c.r2_min);
        break;
      }
      default:
        value = undefined;
        ok = false;
    }
    return r2 === undefined ? { claim: c, value, ok } : { claim: c, value, ok, r2 };
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
