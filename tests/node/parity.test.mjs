// parity.test.mjs - the WASM build and the native CLI compute the same
// numbers: per-layer grad_norm and the theory lines (grad_norm_theory,
// act_grad_norm_theory, grad_factor_theory: every activation's slopes go into
// them) over 50 training steps, for both architectures and every activation,
// within a relative 1e-5 (float32).
// (Both builds avoid fused multiply-add, so in practice they agree to the
// CLI's 9 printed digits.)  With batch and layer norm (dense and conv, plain
// and both residual forms) every field of every record, gamma_grad_norm and
// the evaluation-mode loss, test loss and accuracy included, must agree to
// those 9 digits.  A stack that dies (relu std 2) is dead at the same records,
// with the same dead_step, in both builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, cli, maxRelDiff, root } from './helpers.mjs';

const engine = await loadEngine();
const ACTS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'gelu'];

for (const act of ACTS) {
  for (const arch of ['plain', 'residual']) {
    test(`parity ${arch} ${act}: 50 steps, grad_norm and the theory lines within 1e-5`, () => {
      const cfg = {
        arch, act, depth: 10, width: 32, batch: 32, points: 128, data: 'circles',
        init: act.includes('relu') ? 'he' : 'xavier', steps: 50, record_every: 1, seed: 3,
        optimizer: act === 'gelu' ? 'adam' : act === 'tanh' ? 'momentum' : 'sgd', lr: act === 'gelu' ? 0.005 : 0.05,
      };
      const ref = cli(cfg).runs[arch].history;
      const net = engine.create(cfg, arch);
      let worst = 0, where = '';
      for (let s = 0; s < 50; s++) {
        const st = net.step(1).stats();
        assert.equal(st.step, ref[s].step);
        for (const f of ['grad_norm', 'grad_norm_theory', 'act_grad_norm_theory', 'grad_factor_theory']) {
          const d = maxRelDiff(st[f], ref[s][f]);
          if (d.worst > worst) { worst = d.worst; where = `${f}, step ${s}, layer ${d.at + 1}`; }
        }
        assert.ok(Math.abs(st.loss - ref[s].loss) <= 1e-5 * Math.abs(ref[s].loss) + 1e-9, `loss at step ${s}`);
      }
      net.free();
      assert.ok(worst <= 1e-5, `largest relative difference ${worst.toExponential(2)} at ${where}`);
    });
  }
}

/** Every field of a record against the CLI's (9 significant digits printed). */
function assertRecordMatches(st, ref, label, fields = engine.fieldNames) {
  assert.equal(st.step, ref.step, `${label}: step`);
  if (ref.dead !== undefined) assert.equal(st.dead, ref.dead, `${label}: dead`);
  for (const key of ['loss', 'acc', 'test_loss', 'test_acc']) {
    if (ref[key] === undefined) continue;
    assert.ok(Math.abs(st[key] - ref[key]) <= 5e-9 * Math.abs(ref[key]) + 1e-300, `${label}: ${key} ${st[key]} vs ${ref[key]}`);
  }
  for (const f of fields) {
    assert.ok(ref[f], `${label}: the CLI prints ${f}`);
    const d = maxRelDiff(st[f], ref[f]);
    assert.ok(d.worst <= 5e-9, `${label}: ${f} layer ${d.at + 1}: ${st[f][d.at]} vs ${ref[f][d.at]}`);
  }
}

for (const norm of ['batch', 'layer']) {
  for (const [arch, form] of [['plain', 'pre'], ['residual', 'pre'], ['residual', 'post']]) {
    test(`parity norm=${norm} ${arch} ${form}: 30 steps, every field to the CLI's 9 digits`, () => {
      const cfg = {
        arch, form, norm, act: form === 'post' ? 'relu' : 'tanh', depth: 8, width: 24, batch: 16, points: 96,
        data: 'circles', init: form === 'post' ? 'he' : 'xavier', steps: 30, record_every: 1, seed: 4,
        optimizer: norm === 'batch' ? 'momentum' : 'adam', lr: norm === 'batch' ? 0.05 : 0.005, clip: 2,
      };
      const ref = cli(cfg).runs[arch].history;
      const net = engine.create(cfg, arch);
      for (let s = 0; s < 30; s++) assertRecordMatches(net.step(1).stats(), ref[s], `step ${s}`);
      net.free();
    });
  }
  test(`parity norm=${norm} conv residual: 4 steps, every field and the test split to the CLI's 9 digits`, () => {
    const cfg = { model: 'conv', data: 'digits', norm, blocks: 2, channels: 4, batch: 32, act: 'relu', init: 'he', steps: 4, record_every: 1, seed: 2 };
    const ref = cli(cfg).runs.residual.history;
    const digits = {
      train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))),
      test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))),
    };
    const net = engine.create({ ...cfg, digits }, 'residual');
    for (let s = 0; s < 4; s++) {
      const st = net.step(1).stats();
      assert.ok(st.test_loss > 0 && ref[s].test_loss > 0, 'a test split in both');
      assertRecordMatches(st, ref[s], `conv step ${s}`);
    }
    net.free();
  });
}

/* The page measures a net at configure (its record of step 0) and wherever it
 * shows one between steps; measuring takes the batch the next step trains
 * on, so the page's run is the CLI's: mini-batches across epochs, with and
 * without batch norm (whose running statistics a measurement at step 0 only
 * starts provisionally). */
for (const norm of ['none', 'batch']) {
  test(`parity measured as the page does, norm=${norm}: 20 mini-batch steps with measurements between, every field to the CLI's`, () => {
    const cfg = {
      arch: 'residual', norm, act: 'relu', init: 'he', depth: 6, width: 16, batch: 16, points: 64,
      data: 'circles', steps: 20, record_every: 1, seed: 5, optimizer: 'momentum', lr: 0.05,
    };
    const ref = cli(cfg).runs.residual.history;
    /* the CLI prints gamma_grad_norm only with a normalisation */
    const fields = engine.fieldNames.filter((f) => norm !== 'none' || f !== 'gamma_grad_norm');
    const net = engine.create(cfg, 'residual');
    const m = net.measure().stats(); /* no update: every field but update_ratio */
    assert.ok(m.update_ratio.every((v) => v === 0), 'a measurement updates nothing');
    assertRecordMatches({ ...m, update_ratio: ref[0].update_ratio }, ref[0], 'measured at step 0', fields);
    for (let s = 0; s < 20; s++) {
      if (s % 3 === 0) net.measure();
      assertRecordMatches(net.step(1).stats(), ref[s], `step ${s}`, fields);
    }
    net.free();
  });
}

test('parity relu std 2 (the residual stack dies at step 1): dead and dead_step, every field, 12 steps', () => {
  const cfg = { arch: 'both', act: 'relu', init: 'normal', init_std: 2, depth: 20, width: 32, steps: 12, record_every: 1 };
  const ref = cli(cfg).runs;
  const runs = engine.createRuns(cfg);
  const net = runs.residual;
  const fields = engine.fieldNames.filter((f) => f !== 'gamma_grad_norm'); /* the CLI prints it only with a norm */
  for (let s = 0; s < 12; s++) assertRecordMatches(net.step(1).stats(), ref.residual.history[s], `step ${s}`, fields);
  assert.equal(ref.residual.history[1].dead, 1, 'the CLI: dead at step 1');
  assert.equal(net.stats().dead_step, ref.residual.dead_step);
  assert.equal(ref.residual.dead_step, 1);
  runs.plain.step(3);
  assert.equal(runs.plain.stats().dead_step, ref.plain.dead_step);
  assert.equal(ref.plain.status, 'diverged');
  runs.plain.free();
  net.free();
});

/* The per-block factors of a residual stack (block_factor, block_shortcut,
 * block_branch, stem_factor, head_factor) are the same doubles in the WASM
 * build and the native CLI: printed with --digits 17 every one reads back as
 * the WASM's, bit for bit (Object.is), with the other fields to the 9 digits
 * above — dense and conv, pre and post, without, with batch and with layer
 * norm; the conv stacks pool, so a block ends a stage. */
const BLOCK_KEYS = [...engine.blockFieldNames, 'stem_factor', 'head_factor'];
const digits = {
  train: new Uint8Array(readFileSync(join(root, 'web/data/digits-train.bin'))),
  test: new Uint8Array(readFileSync(join(root, 'web/data/digits-test.bin'))),
};

function assertBlocksSame(st, ref, label) {
  for (const key of BLOCK_KEYS) {
    const mine = key.startsWith('block_') ? [...st[key]] : [st[key]];
    const theirs = key.startsWith('block_') ? ref[key] : [ref[key]];
    assert.equal(mine.length, theirs.length, `${label}: ${key} length`);
    const at = mine.findIndex((v, i) => !Object.is(v, theirs[i]));
    assert.equal(at, -1, `${label}: ${key}[${at}] ${mine[at]} (WASM) vs ${theirs[at]} (native)`);
  }
}

for (const norm of ['none', 'batch', 'layer']) {
  for (const form of ['pre', 'post']) {
    test(`parity blocks dense ${form} norm=${norm}: 12 steps, the per-block factors bit for bit`, () => {
      const cfg = {
        arch: 'residual', form, norm, act: 'tanh', depth: 8, width: 20, block: 2, batch: 24, points: 96,
        data: 'spiral', steps: 12, record_every: 1, seed: 6, optimizer: 'momentum', lr: 0.05,
      };
      const ref = cli(cfg, ['--digits', '17']).runs.residual.history;
      const net = engine.create(cfg, 'residual');
      for (let s = 0; s < 12; s++) {
        const st = net.step(1).stats();
        assertRecordMatches(st, ref[s], `step ${s}`, engine.fieldNames.filter((f) => norm !== 'none' || f !== 'gamma_grad_norm'));
        assertBlocksSame(st, ref[s], `step ${s}`);
      }
      net.free();
    });
    test(`parity blocks conv ${form} norm=${norm}: 3 steps, the per-block factors bit for bit`, () => {
      const cfg = { model: 'conv', data: 'digits', form, norm, blocks: 3, channels: 4, pool: 1, batch: 16, act: 'relu', init: 'he', steps: 3, record_every: 1, seed: 2 };
      const ref = cli(cfg, ['--digits', '17']).runs.residual.history;
      const net = engine.create({ ...cfg, digits }, 'residual');
      for (let s = 0; s < 3; s++) assertBlocksSame(net.step(1).stats(), ref[s], `conv step ${s}`);
      net.free();
    });
  }
}

/* A course changed mid-run: the CLI's --change STEP:name=value and Net.set between the same
 * steps make the same run (every field of every record, the blocks' bit for bit). */
test('parity --change = Net.set: lr, clip and momentum changed at steps 7, 7 and 12', () => {
  const cfg = {
    arch: 'residual', act: 'relu', init: 'he', depth: 6, width: 16, batch: 16, points: 64, data: 'circles',
    steps: 20, record_every: 1, seed: 7, optimizer: 'momentum', lr: 0.1,
  };
  const ref = cli(cfg, ['--digits', '17', '--change', '7:lr=0.01', '--change', '7:clip=0.2', '--change', '12:momentum=0.5']);
  assert.deepEqual(ref.changes, [{ step: 7, settings: { lr: 0.01 } }, { step: 7, settings: { clip: 0.2 } }, { step: 12, settings: { momentum: 0.5 } }]);
  const net = engine.create(cfg, 'residual');
  const fields = engine.fieldNames.filter((f) => f !== 'gamma_grad_norm');
  for (let s = 0; s < 20; s++) {
    if (s === 7) net.set('lr', 0.01).set('clip', '0.2');
    if (s === 12) net.set('momentum', 0.5);
    const st = net.step(1).stats();
    assertRecordMatches(st, ref.runs.residual.history[s], `step ${s}`, fields);
    assertBlocksSame(st, ref.runs.residual.history[s], `step ${s}`);
  }
  net.free();
});
