// export.test.mjs - web/js/lab/export.js on the engine's own records: the
// CSV has one row per stack, record and layer with the record's numbers in
// the field columns, quotes what needs quoting; the JSON document holds the
// same numbers as plain arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvText, csvCell, jsonDoc, recordCopy } from '../../../web/js/lab/export.js';
import { loadEngine } from '../helpers.mjs';

const engine = await loadEngine();
const runs = engine.createRuns({ depth: 4, width: 8, steps: 20, record_every: 10, arch: 'both' });
const records = [];
for (let i = 0; i < 3; i++) {
  if (i) for (const n of Object.values(runs)) n.step(10);
  else for (const n of Object.values(runs)) n.measure();
  records.push({ plain: runs.plain.stats(), residual: runs.residual.stats() });
}
const layers = runs.plain.layers, fields = engine.fieldNames;

test('csvCell quotes commas, quotes and newlines, and leaves the rest', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "x"'), '"say ""x"""');
  assert.equal(csvCell('l1\nl2'), '"l1\nl2"');
  assert.equal(csvCell(1.5e-21), '1.5e-21');
  assert.equal(csvCell(null), '');
});

test('the CSV: a header, then stacks x records x layers rows of the engine\'s numbers', () => {
  const lines = csvText({ layers, fields, records }).trimEnd().split('\n');
  assert.deepEqual(lines[0].split(','), ['arch', 'step', 'steps_done', 'loss', 'acc', 'status', 'layer', 'layer_name', ...fields]);
  assert.equal(lines.length, 1 + 2 * records.length * layers.length);
  const last = records[2].residual;
  const row = lines[lines.length - 1].split(',');
  assert.deepEqual(row.slice(0, 8), ['residual', String(last.step), '20', String(last.loss), String(last.acc), 'ok', String(layers.length), layers[layers.length - 1]]);
  fields.forEach((f, i) => assert.equal(Number(row[8 + i]), last[f][layers.length - 1], f));
});

test('the JSON document: plain arrays equal to the typed ones', () => {
  const doc = JSON.parse(JSON.stringify(jsonDoc({ version: engine.version, config: { depth: 4 }, layers, fields, records })));
  assert.equal(doc.gradlab, engine.version);
  assert.equal(doc.records.length, 3);
  assert.deepEqual(doc.records[1].plain.grad_norm, Array.from(records[1].plain.grad_norm));
  assert.ok(Array.isArray(recordCopy(records[0]).residual.saturation));
  assert.equal(recordCopy(null), null);
});

test('the CSV with the residual stack\'s blocks: part, block and the block fields by name on each residual row', () => {
  const blockLayers = { plain: runs.plain.blockLayers, residual: runs.residual.blockLayers };
  const blockFields = engine.blockFieldNames;
  assert.deepEqual(blockFields, ['block_factor', 'block_shortcut', 'block_branch']);
  assert.deepEqual(blockLayers.residual, [[2, 3], [4, 5]], 'depth 4, blocks of 2: layers 2-3 and 4-5');
  const lines = csvText({ layers, fields, records, blockLayers, blockFields }).trimEnd().split('\n').map((x) => x.split(','));
  const head = lines[0];
  assert.deepEqual(head.slice(8 + fields.length), ['part', 'block', ...blockFields, 'stem_factor', 'head_factor']);
  const col = (name) => head.indexOf(name);
  assert.equal(lines.length, 1 + 2 * records.length * layers.length, 'still one row per stack, record and layer');
  const rec = records[2].residual;
  const rows = lines.filter((r) => r[0] === 'residual' && r[1] === String(rec.step) && r[2] === '20');
  assert.deepEqual(rows.map((r) => r[col('part')]), ['stem', 'block', 'block', 'block', 'block', 'head']);
  assert.deepEqual(rows.map((r) => r[col('block')]), ['', '1', '1', '2', '2', '']);
  for (const r of rows) {
    const b = Number(r[col('block')]);
    for (const f of blockFields) assert.equal(r[col(f)], b ? String(rec[f][b - 1]) : '', `${f} of layer ${r[6]}`);
    assert.equal(Number(r[col('stem_factor')]), rec.stem_factor);
    assert.equal(Number(r[col('head_factor')]), rec.head_factor);
  }
  /* the product of the parts is the chain's (the engine's identity, read back from the file) */
  const parts = [rows[0], rows[1], rows[3]].map((r, i) => Number(r[col(i ? 'block_factor' : 'stem_factor')]));
  const product = parts.reduce((a, b) => a * b, 1) * Number(rows[0][col('head_factor')]);
  assert.ok(Math.abs(product / rec.chain_product[0] - 1) < 1e-9, `${product} vs ${rec.chain_product[0]}`);
  const plainRows = lines.filter((r) => r[0] === 'plain');
  assert.ok(plainRows.every((r) => r.slice(col('part')).every((c) => c === '')), 'the plain stack\'s rows leave them empty');
  /* the JSON has them already: the record's own names */
  const doc = jsonDoc({ version: engine.version, config: {}, layers, fields, records });
  for (const f of [...blockFields, 'stem_factor', 'head_factor']) assert.ok(f in doc.records[2].residual, `JSON ${f}`);
  assert.deepEqual(doc.records[2].residual.block_factor, Array.from(rec.block_factor));
});

test('a run that changed course: the JSON lists its changes as the CLI does; the CSV says per record the lr, clip and momentum its update used', () => {
  const config = { depth: 4, lr: 0.1, clip: 0, momentum: 0.9 };
  const changes = [{ step: 10, settings: { clip: 1 } }, { step: 20, settings: { lr: 0.01 } }];
  const doc = JSON.parse(JSON.stringify(jsonDoc({ version: engine.version, config, changes, layers, fields, records })));
  assert.deepEqual(doc.changes, changes);
  assert.deepEqual(Object.keys(doc), ['gradlab', 'config', 'changes', 'layers', 'fields', 'records']);
  assert.deepEqual(jsonDoc({ version: '', config, layers, fields, records: [] }).changes, [], 'none: an empty list');
  const lines = csvText({ layers, fields, records, config, changes }).trimEnd().split('\n').map((l) => l.split(','));
  assert.deepEqual(lines[0].slice(0, 11), ['arch', 'step', 'steps_done', 'loss', 'acc', 'status', 'lr', 'clip', 'momentum', 'layer', 'layer_name']);
  /* the records' steps 0, 0 and 10: clip 1 from the update at step 10 (lr 0.01 from 20, not reached) */
  const bySteps = lines.slice(1).filter((r) => r[0] === 'plain' && r[9] === '1').map((r) => r.slice(1, 2).concat(r.slice(6, 9)));
  assert.deepEqual(bySteps, [['0', '0.1', '0', '0.9'], ['0', '0.1', '0', '0.9'], ['10', '0.1', '1', '0.9']]);
  const later = csvText({ layers, fields, records, config, changes: [{ step: 10, settings: { lr: 0.01 } }, { step: 10, settings: { lr: 0.02 } }] }).trimEnd().split('\n');
  assert.equal(later[later.length - 1].split(',')[6], '0.02', 'for one step, the later change');
});
