// history.test.mjs - web/js/lab/history.js: the export history stays within
// its limit however many records arrive, keeps the first and the newest,
// keeps the rest evenly spread (every stride-th), counts its bytes (the
// limit follows what the records hold: history-memory.test.mjs measures
// it at depth 100), and finds the newest record with an update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory, historyLimit, latestWithUpdate, recordBytes, HISTORY_BYTES, HISTORY_MAX_BYTES, MIN_RECORDS } from '../../../web/js/lab/history.js';

const rec = (step) => ({ plain: { step, update_ratio: [step % 3 === 0 ? 0 : 0.1] }, residual: { step, update_ratio: [0] } });

test('historyLimit: even, HISTORY_BYTES worth, at least MIN_RECORDS where they fit under HISTORY_MAX_BYTES', () => {
  const MB = 2 ** 20;
  /* small records: the budget */
  assert.equal(historyLimit(1000), 2 * Math.floor(HISTORY_BYTES / 1000 / 2));
  assert.ok(historyLimit(32 * 1024) * 32 * 1024 <= HISTORY_BYTES, 'depth 100: within the budget');
  /* records of 1 MB: the budget allows 32, the floor 200 does not fit under 48 MB: 46 (47 held at the peak) */
  assert.equal(historyLimit(MB), 46);
  assert.ok((historyLimit(MB) + 1) * MB <= HISTORY_MAX_BYTES);
  /* records of 200 KB: the floor (200 records, 39 MB at the peak) */
  assert.equal(historyLimit(200 * 1024), MIN_RECORDS);
  /* a record bigger than the ceiling: still the first and the newest */
  assert.equal(historyLimit(HISTORY_MAX_BYTES * 2), 2);
  for (const b of [1, 100, 5e3, 3e4, 3e5, 3e6]) assert.equal(historyLimit(b) % 2, 0, `${b} bytes`);
});

test('recordBytes counts the typed arrays (histograms too) and the scalars; a record that grows lowers the limit', () => {
  const small = { plain: { step: 0, grad_norm: new Float64Array(100) }, residual: { step: 0, grad_norm: new Float64Array(100) } };
  const big = { plain: { ...small.plain, hist_pre: new Uint32Array(100 * 106) }, residual: small.residual };
  assert.ok(recordBytes(small) >= 2 * 800 && recordBytes(small) < 2 * 800 + 600, `${recordBytes(small)}`);
  assert.ok(recordBytes(big) - recordBytes(small) >= 4 * 100 * 106, 'the histogram counted in bytes');
  const h = createHistory();
  for (let i = 0; i < 10; i++) h.keep(structuredClone(small));
  const before = h.limit;
  h.keep(structuredClone(big));
  assert.equal(h.recordBytes, recordBytes(big));
  assert.ok(h.limit < before, 'the limit follows the largest record');
  assert.equal(h.bytes, 10 * recordBytes(small) + recordBytes(big) - (h.received - h.records.length) * recordBytes(small));
});

test('thinning: bounded, first and newest kept, evenly strided, every count', () => {
  const limit = 10;
  for (const n of [1, 2, 9, 10, 11, 12, 25, 100, 1000, 4097]) {
    const h = createHistory({ limit: () => limit });
    for (let i = 0; i < n; i++) h.keep(rec(i));
    const steps = h.records.map((r) => r.plain.step);
    assert.equal(h.received, n);
    assert.ok(steps.length <= limit + 1, `${n} records: ${steps.length} kept`);
    assert.equal(steps[0], 0, `${n}: the first record is kept`);
    assert.equal(steps[steps.length - 1], n - 1, `${n}: the newest record is kept`);
    /* all but the newest sit on the stride: 0, s, 2s, ... */
    const body = steps.slice(0, (n - 1) % h.stride === 0 ? steps.length : -1);
    body.forEach((s, i) => assert.equal(s, i * h.stride, `${n}: record ${i} of stride ${h.stride}`));
    if (n > limit) assert.ok(h.stride > 1 && steps.length >= limit / 2, `${n}: stride ${h.stride}, ${steps.length} kept`);
  }
});

test('clear starts again; latestWithUpdate skips records without an update', () => {
  const h = createHistory({ limit: () => 100 });
  for (let i = 0; i < 7; i++) h.keep(rec(i));
  assert.equal(h.latestWithUpdate('plain').step, 5, 'step 6 has update_ratio 0');
  assert.equal(h.latestWithUpdate('residual'), null);
  assert.equal(latestWithUpdate([rec(3)], 'plain'), null);
  h.clear();
  assert.deepEqual([h.records.length, h.received, h.stride], [0, 0, 1]);
});

test('a record that lowers the limit far thins as often as it takes, first and newest kept, on the stride', () => {
  const small = (step) => ({ plain: { step, update_ratio: new Float64Array(4) }, residual: { step, update_ratio: new Float64Array(4) } });
  const big = (step) => ({ plain: { step, update_ratio: new Float64Array(4), hist_pre: new Uint32Array(1000) }, residual: { step, update_ratio: new Float64Array(4) } });
  const h = createHistory({ limit: (bytes) => (bytes > 2000 ? 6 : 100) });
  for (let i = 0; i < 64; i++) h.keep(small(i));
  assert.equal(h.stride, 1);
  h.keep(big(64));
  assert.ok(h.records.length <= 7, `${h.records.length} kept`);
  assert.equal(h.stride, 16);
  const steps = h.records.map((r) => r.plain.step);
  assert.deepEqual(steps, [0, 16, 32, 48, 64]);
  for (let i = 65; i < 100; i++) h.keep(big(i));
  const later = h.records.map((r) => r.plain.step);
  assert.equal(later[0], 0);
  assert.equal(later.at(-1), 99);
  later.slice(0, -1).forEach((s) => assert.equal(s % h.stride, 0, `${s} on the stride ${h.stride}`));
  assert.equal(h.bytes, h.records.reduce((sum, r) => sum + recordBytes(r), 0), 'the bytes held are the kept records\'');
});
