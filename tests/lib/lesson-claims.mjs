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
import { defaultState, sweepConfig, sweepText, seedsText } from '../../web/js/sweep/sweep-model.js';

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
      case 'hidden_median': {
        /* the median over the hidden layers (2 .. L-1) of a per-layer field, against [min, max]
           or, with below_bound, against the record's act_max_slope times below_bound */
        const rc = rec(c.arch, c.at), v = Array.from(rc[c.field]).slice(1, -1).sort((a, b) => a - b);
        value = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        ok = Number.isFinite(value) && inRange(value) && (c.below_bound === undefined || value <= c.below_bound * rc.act_max_slope);
        break;
      }
      case 'log10_value': {
        const rc = rec(c.arch, c.at);
        value = Math.log10(rc[c.field][layerIndex(rc, c.layer)]);
        ok = !Number.isNaN(value) && inRange(value);
        break;
      }
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

/*
 * A sweep experiment's claims (experiments.json `sweep`), against the
 * engine's sweep result (the JSON of docs/api.md), per arch and metric, on
 * the medians over the seeds:
 *   sweep_slope    least-squares slope of the median against the swept value in
 *                  [min, max], and r2 >= r2_min: "a straight line on a log axis"
 *   sweep_range    every median in [min, max] (e.g. the residual stack stays flat)
 *   sweep_at       the median at value index `index` (-1 = the last) in [min, max]
 *   sweep_crossing the swept value where the median first changes sign from < 0 to
 *                  >= 0 (linear between the two values around it) in [min, max]
 */
export function checkSweepClaims(claims, result) {
  return claims.map((c) => {
    const xs = result.values;
    const m = result[c.arch] && result[c.arch][c.metric] ? result[c.arch][c.metric].median : null;
    const inRange = (v) => (c.min === undefined || v >= c.min) && (c.max === undefined || v <= c.max);
    let value, ok;
    if (!m || m.some((v) => v === null)) return { claim: c, value: m, ok: false };
    switch (c.kind) {
      case 'sweep_slope': {
        const n = xs.length, mx = xs.reduce((s, x) => s + x, 0) / n, my = m.reduce((s, y) => s + y, 0) / n;
        let sxy = 0, sxx = 0, syy = 0;
        xs.forEach((x, i) => { sxy += (x - mx) * (m[i] - my); sxx += (x - mx) ** 2; syy += (m[i] - my) ** 2; });
        const slope = sxy / sxx, r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
        value = { slope, r2 };
        ok = inRange(slope) && (c.r2_min === undefined || r2 >= c.r2_min);
        break;
      }
      case 'sweep_range':
        value = [Math.min(...m), Math.max(...m)];
        ok = m.every(inRange);
        break;
      case 'sweep_at':
        value = m[c.index < 0 ? m.length + c.index : c.index];
        ok = Number.isFinite(value) && inRange(value);
        break;
      case 'sweep_crossing': {
        value = null;
        for (let i = 1; i < m.length; i++) {
          if (m[i - 1] < 0 && m[i] >= 0) {
            value = xs[i - 1] + (xs[i] - xs[i - 1]) * (-m[i - 1]) / (m[i] - m[i - 1]);
            break;
          }
        }
        ok = value !== null && inRange(value);
        break;
      }
      default:
        value = undefined;
        ok = false;
    }
    return { claim: c, value, ok };
  });
}

/** The engine's sweep for an experiment's `sweep` spec on its config (node), as the page's panel sends it. */
export function runSweepExperiment(engine, exp) {
  /* the panel's own state and configuration (web/js/sweep/sweep-model.js) */
  const st = Object.assign(defaultState(), exp.sweep);
  const sw = engine.sweep(sweepConfig(exp.config, st), { sweep: sweepText(st), seeds: seedsText(st), arch: 'both', steps: st.steps });
  try {
    while (!sw.finished) sw.run(1000);
    return sw.result();
  } finally {
    sw.free();
  }
}
