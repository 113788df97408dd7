// timeline.test.mjs - the time cursor's pure parts (web/js/lab/timeline.js):
// which kept record a cursor shows, where show('init' | 'end' | step) goes,
// that history thinning moves the cursor to the nearest kept step, and
// whose update ratio the chart shows for a record measured without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepOf, hasUpdate, nearest, locate, cursorAt, target, updateSource } from '../../../web/js/lab/timeline.js';
import { createHistory } from '../../../web/js/lab/history.js';

/* a record of both stacks at `step`; `update` false: measured without an update */
const rec = (step, update = true, residualStep = step) => ({
  plain: { step, update_ratio: [update ? 0.01 : 0, update ? 0.02 : 0] },
  residual: { step: residualStep, update_ratio: [update ? 0.03 : 0, 0] },
});
/* a run as the page keeps it: [0] step 0 at configure, [1] step 0 with the first update, ..., the final measurement */
const run = (steps, every) => {
  const r = [rec(0, false)];
  for (let s = 0; s < steps; s += every) r.push(rec(s));
  r.push(rec(steps, false));
  return r;
};

test('stepOf: the newest of the stacks\' steps (a diverged stack keeps its last record)', () => {
  assert.equal(stepOf(rec(40)), 40);
  assert.equal(stepOf(rec(2, true, 60)), 60);
  assert.ok(hasUpdate(rec(3).plain) && !hasUpdate(rec(3, false).plain) && !hasUpdate(null));
});

test('nearest: the kept record nearest a step, a tie to the later one', () => {
  const r = run(50, 10); /* steps 0 0 10 20 30 40 50 */
  assert.equal(nearest(r, 0), 1, 'step 0: the record with the first update');
  assert.equal(nearest(r, 24), 3);
  assert.equal(nearest(r, 25), 4, 'halfway: the later');
  assert.equal(nearest(r, 999), 6);
  assert.equal(nearest([], 3), -1);
});

test('locate and cursorAt: null follows the newest; a cursor stays on its record', () => {
  const r = run(50, 10);
  assert.equal(locate(r, null), 6);
  assert.equal(locate(r, { step: 20, index: 3 }), 3);
  assert.equal(locate([], null), -1);
  assert.deepEqual(cursorAt(r, 3), { step: 20, index: 3 });
  assert.equal(cursorAt(r, 6), null, 'the newest is the live state');
  assert.equal(cursorAt(r, -1), null);
  assert.equal(locate(r, cursorAt(r, 0)), 0, 'step 0 at configure is its own record');
});

test('target: init is the step-0 record with the first update, end the newest, a number the nearest kept step', () => {
  const r = run(50, 10);
  assert.equal(target(r, 'init'), 1);
  assert.equal(target([rec(0, false)], 'init'), 0, 'before the first update: step 0 at configure');
  assert.equal(target([rec(0, false), rec(10)], 'init'), 0, '[1] is not step 0');
  assert.equal(target(r, 'end'), 6);
  assert.equal(target(r, 31), 4);
  assert.equal(target([], 'init'), -1);
});

test('thinning: the cursor moves to the kept record nearest its step', () => {
  const h = createHistory({ limit: () => 10 });
  h.keep(rec(0, false));
  for (let s = 0; s <= 80; s += 10) h.keep(rec(s));   /* 10 records: steps 0 0 10 .. 80 */
  const on30 = cursorAt(h.records, 4), on20 = cursorAt(h.records, 3);
  assert.deepEqual([on30, on20], [{ step: 30, index: 4 }, { step: 20, index: 3 }]);
  h.keep(rec(90));                                   /* the 11th: every other record goes */
  assert.deepEqual(h.records.map(stepOf), [0, 10, 30, 50, 70, 90], 'thinned to stride 2');
  assert.equal(locate(h.records, on30), 2, 'step 30 is still kept: the cursor follows it to its new index');
  assert.equal(locate(h.records, on20), 2, 'step 20 is gone: the nearest kept step (10 and 30 tie: the later)');
  h.keep(rec(100));
  assert.equal(stepOf(h.records[locate(h.records, on30)]), 30);
  assert.equal(locate(h.records, cursorAt(h.records, 1)), 1, 'a cursor whose record is there stays');
});

test('updateSource: the record\'s own update ratio, else the nearest earlier one, else the next', () => {
  const r = run(50, 10);
  assert.equal(updateSource(r, 3, 'plain'), r[3].plain, 'its own');
  assert.equal(updateSource(r, 6, 'plain'), r[5].plain, 'the final measurement: the last update');
  assert.equal(updateSource(r, 0, 'plain'), r[1].plain, 'step 0 at configure: the first update');
  const mid = [rec(0, false), rec(10), rec(15, false), rec(20)];
  assert.equal(updateSource(mid, 2, 'plain'), mid[1].plain, 'updates on both sides: the one made before this moment');
  assert.equal(updateSource([rec(0, false)], 0, 'plain'), null, 'no update yet');
  assert.equal(updateSource(r, 9, 'plain'), null, 'no such record');
  /* per stack: a stack whose records have no update looks further */
  const mixed = [rec(0, false), { plain: rec(10).plain, residual: rec(10, false).residual }, rec(20)];
  assert.equal(updateSource(mixed, 1, 'plain'), mixed[1].plain);
  assert.equal(updateSource(mixed, 1, 'residual'), mixed[2].residual);
});
