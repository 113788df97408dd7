// history.test.mjs - web/js/lab/history.js: the export history stays within
// its limit however many records arrive, keeps the first and the newest,
// keeps the rest evenly spread (every stride-th), and finds the newest
// record with an update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory, historyLimit, latestWithUpdate, HISTORY_VALUES } from '../../../web/js/lab/history.js';

const rec = (step) => ({ plain: { step, update_ratio: [step % 3 === 0 ? 0 : 0.1] }, residual: { step, update_ratio: [0] } });

test('historyLimit: even, at least 200, and about HISTORY_VALUES numbers', () => {
  assert.equal(historyLimit(2, 1, 1), 2 * Math.floor(HISTORY_VALUES / 2 / 2));
  assert.equal(historyLimit(2, 100000, 20), 200);
  const l = historyLimit(2, 32, 11);
  assert.equal(l % 2, 0);
  assert.ok(l * 2 * 32 * 11 <= HISTORY_VALUES, `${l} records of 704 numbers`);
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
