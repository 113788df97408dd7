// badinput.test.mjs - every invalid input through the JS API becomes a JS
// Error carrying the engine's message (which names the field); malformed CSV
// names its line; a freed network refuses use; nothing aborts the module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';

const engine = await loadEngine();

const BAD = [
  [{ depth: 0 }, /^depth: 0 is out of range \[1, 1000\]/],
  [{ depth: -5 }, /^depth: /],
  [{ depth: 1001 }, /^depth: 1001 is out of range/],
  [{ depth: 'abc' }, /^depth: 'abc' is not an integer/],
  [{ depth: 2.5 }, /^depth: '2.5' is not an integer/],
  [{ depth: 7, block: 2 }, /^depth: 7 is not a multiple of block \(2\)/],
  [{ width: 0 }, /^width: /],
  [{ width: 1025 }, /^width: 1025 is out of range/],
  [{ batch: 5000 }, /^batch: /],
  [{ batch: 300, points: 256 }, /^batch: 300 is larger than the data set/],
  [{ lr: NaN }, /^lr: 'NaN' is not a finite number/],
  [{ lr: Infinity }, /^lr: 'Infinity' is not a finite number/],
  [{ lr: -0.1 }, /^lr: -0.1 is out of range/],
  [{ lr: 0 }, /^lr: 0 is out of range/],
  [{ clip: -1 }, /^clip: /],
  [{ momentum: 1.5 }, /^momentum: /],
  [{ act: 'swish' }, /^act: unknown value 'swish'/],
  [{ init: 'normal:-2' }, /^init: /],
  [{ init_std: 0 }, /^init_std: /],
  [{ res_scale: 'huge' }, /^res_scale: /],
  [{ res_scale: -1 }, /^res_scale: /],
  [{ optimizer: 'rmsprop' }, /^optimizer: unknown value/],
  [{ data: 'moons' }, /^data: unknown value 'moons'/],
  [{ data: 'csv' }, /^data: csv needs CSV text/],
  [{ points: 1 }, /^points: /],
  [{ seed: -1 }, /^seed: /],
  [{ record_every: 0 }, /^record_every: /],
  [{ colour: 'red' }, /^unknown setting 'colour'/],
  [{ norm: 'group' }, /^norm: unknown value 'group' \(choose one of none\|batch\|layer\)/],
  [{ norm: 'batch', batch: 1 }, /^batch: norm=batch needs at least 2 examples per step \(got 1\).*variance is 0/],
  [{ depth: 1000, width: 1024, points: 8192, batch: 4096 }, /needs \d+ MB, above the 1024 MB budget/],
];

for (const [config, re] of BAD) {
  test(`create ${JSON.stringify(config)} throws ${re}`, () => {
    assert.throws(() => engine.create(config, 'plain'), (e) => {
      assert.ok(e instanceof Error, 'an Error');
      assert.match(e.message, re);
      assert.ok(e.code > 0, 'carries the C code');
      return true;
    });
  });
}

test('a failed create carries the code the engine kept on the config (gl_config_errcode)', () => {
  for (const [config, code, codeName] of [
    [{ depth: 7, block: 2 }, 1, 'invalid setting'],
    [{ depth: 1000, width: 1024, points: 8192, batch: 4096 }, 2, 'out of memory'],
    [{ data: 'csv', csv: '1,2,0\n3,4\n' }, 3, 'malformed data'],
  ]) {
    assert.throws(() => engine.create(config, 'plain'), { name: 'GradLabError', code, codeName });
  }
});

const CSV_BAD = [
  ['', /CSV: the data is empty/],
  ['x,y,label\n', /CSV: no data rows/],
  ['1,2,0\n3,4\n', /CSV line 2: expected 3 columns, found 2/],
  ['1,2,0\n3,abc,1\n', /CSV line 2, column 2: 'abc' is not a finite number/],
  ['1,2,0\n3,4,1.5\n', /CSV line 2: label '1.5'/],
  ['1,2,0\n3,4,0\n', /need at least two classes/],
  ['1,NaN,0\n2,3,1\n', /CSV line 1, column 2/],
  ['a,b,c\n1,2,0\n\n3,4,-1\n', /CSV line 4: label '-1'/],
];
for (const [csv, re] of CSV_BAD) {
  test(`malformed CSV ${JSON.stringify(csv)} throws ${re}`, () => {
    assert.throws(() => engine.create({ data: 'csv', csv, depth: 2, width: 4 }, 'plain'), re);
  });
}

test('a good CSV trains; used as is unless standardize', () => {
  const csv = 'x1,x2,x3,label\n0.5,10,1,0\n-1,20,0,1\n2,30,1,2\n0,40,0,1\n';
  const net = engine.create({ data: 'csv', csv, depth: 2, width: 4 }, 'residual');
  const d = net.data();
  assert.equal(d.n, 4);
  assert.equal(d.d, 3);
  assert.equal(d.classes, 3);
  assert.equal(d.x[1], 10);
  net.step(3);
  assert.equal(net.stats().status, 'ok');
  net.free();
});

test('use after free throws; a second free is harmless', () => {
  const net = engine.create({ depth: 2, width: 4 }, 'plain');
  net.free();
  assert.throws(() => net.step(1), /this network has been freed/);
  assert.throws(() => net.stats(), /this network has been freed/);
  assert.throws(() => net.predictGrid(0, 1, 0, 1, 2, 2), /freed/);
  net.free();
});

test('bad arguments to methods throw', () => {
  const net = engine.create({ depth: 2, width: 4 }, 'plain');
  assert.throws(() => net.step(-1), /step: n must be an integer >= 0/);
  assert.throws(() => net.step(1.5), /step: n must be an integer/);
  assert.throws(() => net.predictGrid(1, 0, 0, 1, 4, 4), /predict_grid/);
  assert.throws(() => net.predictGrid(0, 1, 0, 1, 0, 4), /predict_grid/);
  assert.throws(() => engine.create(null), /config must be an object/);
  assert.throws(() => engine.create({}, 'both'), /arch: 'both' is not plain or residual/);
  net.free();
  // the module still works after all of that
  const ok = engine.create({ depth: 2, width: 4 }, 'plain');
  assert.equal(ok.step(2).stats().status, 'ok');
  ok.free();
});
