// chart-axes.test.mjs - the drawing decisions that make a chart readable, pure:
// a log axis always holds two labelled powers of ten (ui/chart-common.js
// decadeRange: the update-ratio chart had no y number when its values sat
// between two powers of ten), and where a drawn line meets the Sweep chart's
// line at 1 (sweep/sweep-model.js crossing), on linear and log axes; the
// ticks of a heatmap's colour bar (ui/chart-heatmap.js colorbarTicks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decadeRange } from '../../../web/js/ui/chart-common.js';
import { crossing } from '../../../web/js/sweep/sweep-model.js';
import { colorbarTicks } from '../../../web/js/ui/chart-heatmap.js';

const powersIn = ([lo, hi]) => {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(e);
  return out;
};

test('decadeRange: every log range ends up holding two powers of ten, widened no more than needed', () => {
  assert.equal(decadeRange(1e-5, 1e-2), null, 'four powers inside: as it is');
  assert.equal(decadeRange(1e-3, 1e-2), null, 'two, on the ends');
  for (const [min, max] of [[2e-4, 8e-4], [6e-4, 3e-3], [1.5e-3, 9e-3], [1e-3, 1e-3], [3e-4, 1.2e-3], [0.69, 0.71], [7, 7]]) {
    const r = decadeRange(min, max);
    assert.ok(r, `${min}..${max} is widened`);
    assert.ok(r[0] <= min && r[1] >= max, `${min}..${max} -> ${r}: the data stay inside`);
    assert.ok(powersIn(r).length >= 2, `${min}..${max} -> ${r}: ${powersIn(r)} powers of ten`);
    assert.ok(Math.log10(r[1] / r[0]) <= 2 + 1e-9, `${min}..${max} -> ${r}: at most two decades`);
  }
  /* one power inside: the nearer side */
  assert.deepEqual(decadeRange(6e-4, 3e-3), [6e-4, 1e-2], 'up: 1e-2 is nearer to 3e-3 than 1e-4 to 6e-4');
  assert.deepEqual(decadeRange(3e-4, 1.2e-3).map((v) => Number(v.toPrecision(6))), [1e-4, 1.2e-3], 'down');
  assert.equal(decadeRange(0, 1), null, 'not a log range');
  assert.equal(decadeRange(NaN, 1), null);
});

test('crossing: where the drawn segment meets the level, and the two swept values around it', () => {
  /* linear axes: a straight line from (1, -1) to (3, 1) meets 0 at x = 2 */
  assert.deepEqual(crossing([1, 3, 5], [-1, 1, 3], 0), { x: 2, between: [1, 3] });
  /* falling through the level counts too; a gap is skipped */
  assert.deepEqual(crossing([1, 2, 3, 4], [2, null, 1, -1], 0), { x: 3.5, between: [3, 4] });
  assert.equal(crossing([1, 2, 3], [-3, -2, -1], 0), null, 'never reaches it');
  /* a log x axis: the segment is straight in log10 x, so halfway is the geometric mean */
  const c = crossing([0.01, 0.1], [-1, 1], 0, { logX: true });
  assert.ok(Math.abs(c.x - Math.sqrt(0.01 * 0.1)) < 1e-12, `${c.x}`);
  /* a log y axis (chi): 0.5 -> 2 meets 1 halfway in log10 y */
  assert.ok(Math.abs(crossing([0, 1], [0.5, 2], 1, { logY: true }).x - 0.5) < 1e-12);
  /* the student's sweep: on a grid ... 0.05, 0.08 ... the line meets 1 between them, not at 0.08 */
  const m = crossing([0.02, 0.05, 0.08, 0.2], [-3, -0.6, 0.4, 3], 0, { logX: true });
  assert.deepEqual(m.between, [0.05, 0.08]);
  assert.ok(m.x > 0.05 && m.x < 0.08, `${m.x}`);
});

test('colorbarTicks: a colour bar\'s ticks lie in its range, a handful, on round numbers of its kind', () => {
  assert.deepEqual(colorbarTicks(-3, 2, 'pow10'), [-3, -2, -1, 0, 1, 2]);
  assert.deepEqual(colorbarTicks(-30, 2, 'integer'), [-30, -24, -18, -12, -6, 0], 'thinned to about six');
  assert.deepEqual(colorbarTicks(0.5, 1, 'percent'), [0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(colorbarTicks(0, 1, 'percent'), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(colorbarTicks(0.25, 1.61, 'number'), [0.25, 0.5, 0.75, 1, 1.25, 1.5]);
  for (const [lo, hi] of [[0.0137, 0.0291], [3, 4100], [-7.3, -1.2]]) {
    const t = colorbarTicks(lo, hi, 'number');
    assert.ok(t.length >= 2 && t.length <= 8 && t.every((v) => v >= lo && v <= hi), `${lo}..${hi}: ${t}`);
  }
  assert.deepEqual(colorbarTicks(1, 1, 'number'), [1], 'one value: one tick');
});
