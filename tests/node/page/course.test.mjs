// course.test.mjs - web/js/lab/course.js: a run's changes of course as the
// page shows them (pure parts): the marks on the step axis (one per step the
// run has reached, each setting from its value before to its value after),
// their labels in both languages, the line under a changed control; and
// layer-card.js's pure parts (the numbers in a formula, the block of a layer,
// the card's rows picked from a record).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { courseMarks, markLabel, noteOf, valueWords } from '../../../web/js/lab/course.js';
import { tex, blockOf, cardRows } from '../../../web/js/lab/layer-card.js';
import { formatters, fill } from '../../../web/js/ui/i18n.js';
import { root } from '../helpers.mjs';

const strings = (lang) => JSON.parse(readFileSync(join(root, `web/lesson/ui-${lang}.json`), 'utf8'));
const words = (lang) => {
  const s = strings(lang);
  return (key, vars) => fill(s[key], vars);
};
const config = { lr: 0.1, clip: 0, momentum: 0.9 };
const changes = [
  { step: 3, settings: { clip: 1 } }, { step: 3, settings: { lr: 0.01 } },
  { step: 7, settings: { lr: 0.05 } }, { step: 7, settings: { lr: 0.01 } },
  { step: 20, settings: { momentum: 0.5 } },
];

test('courseMarks: one mark per step reached, each setting from before to after; a change that changed nothing is no mark', () => {
  assert.deepEqual(courseMarks(config, changes, 2), []);
  assert.deepEqual(courseMarks(config, changes, 3), [{ step: 3, parts: [{ name: 'clip', from: 0, to: 1 }, { name: 'lr', from: 0.1, to: 0.01 }] }]);
  /* at step 7 lr went 0.01 -> 0.05 -> 0.01: no change in the end, no mark */
  assert.deepEqual(courseMarks(config, changes, 19).map((m) => m.step), [3]);
  assert.deepEqual(courseMarks(config, changes, 1e9).map((m) => [m.step, m.parts.map((p) => `${p.name}:${p.from}->${p.to}`)]),
    [[3, ['clip:0->1', 'lr:0.1->0.01']], [20, ['momentum:0.9->0.5']]]);
});

test('a mark\'s label and a control\'s line, in English and in Persian (Persian digits, the arrow pointing the way it reads)', () => {
  const [m] = courseMarks(config, changes, 3);
  assert.equal(markLabel(words('en'), formatters('en'), m), 'clip off → 1 · lr 0.1 → 0.01');
  const fa = markLabel(words('fa'), formatters('fa'), m);
  assert.equal(fa.replace(/[\u2066\u2069]/g, ''), 'برش گرادیان خاموش ← ۱ · نرخ یادگیری ۰٫۱ ← ۰٫۰۱');
  assert.equal(valueWords(words('en'), formatters('en'), 'clip', 0), 'off');
  assert.equal(valueWords(words('en'), formatters('en'), 'lr', 0), '0', 'only clipping 0 means off');
  assert.equal(noteOf(words('en'), formatters('en'), config, changes, 'lr', 10), '0.01 from step 7 on (was 0.05): the run went on from its weights.');
  assert.equal(noteOf(words('en'), formatters('en'), config, changes, 'momentum', 10), '0.5 from step 20 on (planned).');
  assert.equal(noteOf(words('en'), formatters('en'), config, [], 'lr', 10), null);
  assert.match(noteOf(words('fa'), formatters('fa'), config, changes, 'clip', 10).replace(/[\u2066\u2069]/g, ''), /^از گام ۳ به بعد: ۱ \(پیش از آن: خاموش\)/);
});

test('layer card: numbers in a formula, the block of a layer, the rows picked from a record', () => {
  assert.equal(tex(0.031249), '0.03125');
  assert.equal(tex(0.0571234), '0.05712');
  assert.equal(tex(32), '32');
  assert.equal(tex(1.5e-7), '1.5 \\times 10^{-7}');
  assert.equal(tex(123456), '1.235 \\times 10^{5}');
  assert.equal(tex(NaN), '\\text{–}');
  const blocks = [[2, 3], [4, 5]];
  assert.deepEqual(blockOf(blocks, 4), { block: 2, first: 4, last: 5 });
  assert.equal(blockOf(blocks, 1), null);
  assert.equal(blockOf(null, 3), null);
  const rec = (k) => {
    const f = (x) => Float64Array.from([x, x + 1, x + 2, x + 3, x + 4, x + 5]);
    return {
      fan_in: f(2), weight_norm: f(10 * k), weight_var: f(0.1 * k), act_slope_sq: f(0.2), chi: f(k), chi_measured: f(k + 0.5),
      grad_norm: f(k / 10), update_ratio: new Float64Array(6), saturation: f(0.01), block_factor: Float64Array.from([0.9, 1.1]),
      block_shortcut: Float64Array.from([1, 1]), block_branch: Float64Array.from([0.1, 0.2]),
    };
  };
  const rows = cardRows({ plain: rec(1), residual: rec(2) }, 5, blocks);
  const by = Object.fromEntries(rows.map((r) => [r.key, r.values]));
  assert.deepEqual(by.chi, { plain: 5, residual: 6 }, 'layer 5 is index 4');
  assert.deepEqual(by.update_ratio, { plain: null, residual: null }, 'a record without an update has none');
  assert.deepEqual(by.block_factor, { plain: null, residual: 1.1 }, 'layer 5 is in block 2');
  assert.deepEqual(rows.map((r) => r.key), ['fan_in', 'weight_norm', 'weight_var', 'act_slope_sq', 'chi', 'chi_measured', 'grad_norm', 'update_ratio', 'saturation', 'block_factor', 'block_shortcut', 'block_branch']);
  assert.equal(cardRows({ plain: rec(1), residual: rec(2) }, 1, blocks).length, 9, 'layer 1 is in no block');
});
