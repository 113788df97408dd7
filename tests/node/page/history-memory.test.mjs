// history-memory.test.mjs - the page's history (web/js/lab/history.js) at
// depth 100 over 2,000 steps, every step recorded (record_every = 1: 2,002
// records, the heaviest a run of that length can send), with the records the
// engine makes (per-layer fields, a residual stack's per-block fields) and
// then with the four histograms per layer another piece will add (planned:
// Uint32Array counts, 66..106 per layer each).  It measures the bytes the
// kept records hold (history.bytes, and the process's own count of typed
// array bytes and heap, after a garbage collection) and keeps them under
// 64 MB; the records past the limit are thinned, and the history says so
// (stride > 1: the export card's note).  The numbers are printed as the
// test's diagnostics: docs/performance.md quotes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadEngine } from '../helpers.mjs';
import { createHistory, recordBytes, historyLimit, HISTORY_MAX_BYTES } from '../../../web/js/lab/history.js';

v8.setFlagsFromString('--expose-gc');
const gcOnce = vm.runInNewContext('gc');
/* a full collection, twice, with a turn between: array buffers' memory goes back a little later than their objects */
async function gc() {
  for (let i = 0; i < 3; i++) {
    gcOnce();
    await new Promise((ok) => setTimeout(ok, 20));
  }
}
const MB = 2 ** 20, CEILING = 64 * MB, STEPS = 2000;
/* four histograms per layer: counts per layer as issue 24 plans them (about 66 to 106) */
const HISTS = { hist_pre: 106, hist_act: 66, hist_grad: 86, hist_wgrad: 86 };

/** a run's records as the Worker sends them: {plain, residual} from the engine, then copies */
async function records(withHist) {
  const engine = await loadEngine();
  const config = { depth: 100, width: 4, block: 2, points: 32, record_every: 1 };
  const nets = { plain: engine.create(config, 'plain'), residual: engine.create(config, 'residual') };
  const snap = () => {
    const r = {};
    for (const [a, net] of Object.entries(nets)) {
      r[a] = net.stats();
      if (withHist) for (const [name, bins] of Object.entries(HISTS)) r[a][name] = new Uint32Array(102 * bins).fill(1);
    }
    return r;
  };
  const first = [snap()];
  for (let i = 0; i < 3; i++) {
    for (const net of Object.values(nets)) net.step(1);
    first.push(snap());
  }
  for (const net of Object.values(nets)) net.free();
  /* the rest: copies (structuredClone: every typed array its own buffer, as postMessage delivers them) */
  return function* () {
    for (let k = 0; k < STEPS + 2; k++) {
      const r = structuredClone(first[Math.min(k, first.length - 1)]);
      for (const a of Object.keys(r)) r[a].step = k;
      yield r;
    }
  };
}

for (const withHist of [false, true]) {
  test(`history at depth 100 over ${STEPS} steps${withHist ? ' with 4 histograms per layer' : ''}: under 64 MB, thinned and said so`, { timeout: 240_000 }, async (t) => {
    const gen = await records(withHist);
    await gc();
    const before = process.memoryUsage();
    const h = createHistory();
    let peak = 0, perRecord = 0;
    for (const r of gen()) {
      h.keep(r);
      perRecord = recordBytes(r);
      peak = Math.max(peak, h.bytes);
    }
    await gc();
    const after = process.memoryUsage();
    const measured = (after.arrayBuffers - before.arrayBuffers) + (after.heapUsed - before.heapUsed);
    const limit = historyLimit(perRecord);
    t.diagnostic(`record ${(perRecord / 1024).toFixed(1)} KB; limit ${limit} records; kept ${h.records.length} of ${h.received} (one in ${h.stride}); ` +
      `held ${(h.bytes / MB).toFixed(1)} MB (peak ${(peak / MB).toFixed(1)} MB); measured ${(measured / MB).toFixed(1)} MB (typed arrays ${((after.arrayBuffers - before.arrayBuffers) / MB).toFixed(1)} MB)`);
    assert.equal(h.received, STEPS + 2);
    assert.ok(h.records[0].plain.step === 0 && h.records.at(-1).plain.step === STEPS + 1, 'the first and the newest record kept');
    assert.ok(peak < HISTORY_MAX_BYTES, `the history's count: peak ${(peak / MB).toFixed(1)} MB`);
    assert.ok(measured < CEILING, `measured ${(measured / MB).toFixed(1)} MB`);
    /* the count is an honest estimate of what the process holds: within a fifth */
    assert.ok(Math.abs(measured - h.bytes) < 0.2 * h.bytes, `counted ${(h.bytes / MB).toFixed(1)} MB, measured ${(measured / MB).toFixed(1)} MB`);
    /* thinned, and the export note says so (it reads stride > 1) */
    assert.ok(h.stride > 1, `stride ${h.stride}`);
    if (withHist) assert.ok(h.records.length < 200, `big records: fewer than the usual floor of 200 (${h.records.length})`);
    h.clear();
  });
}
