// divergence.test.mjs - an exploding configuration reports `diverged` with
// its step and layer, stops updating, and no NaN or Infinity reaches the
// statistics the page charts; deep sigmoid gradients that underflow are 0
// and flagged, never missing; a stack whose every weight gradient is gone
// is `dead`, from the step `dead_step` says, and a healthy one never is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';

const engine = await loadEngine();

function allFinite(stats) {
  for (const f of engine.fieldNames) for (const v of stats[f]) if (!Number.isFinite(v)) return `${f} has ${v}`;
  if (!Number.isFinite(stats.loss) || !Number.isFinite(stats.acc)) return 'loss/acc';
  return null;
}

test('relu with normal:1.0 at depth 30 diverges with step and layer; no NaN in the stats', () => {
  const net = engine.create({ act: 'relu', init: 'normal', init_std: 1, depth: 30, lr: 0.1, record_every: 1 }, 'plain');
  for (let i = 0; i < 50 && !net.diverged; i++) {
    net.step(1);
    assert.equal(allFinite(net.stats()), null);
  }
  const s = net.stats();
  assert.equal(s.status, 'diverged');
  assert.ok(s.diverged.step >= 1 && s.diverged.step < 50, `diverged at step ${s.diverged.step}`);
  assert.ok(s.diverged.layer >= 1 && s.diverged.layer <= net.nLayers, `in layer ${s.diverged.layer}`);
  assert.ok(['forward', 'loss', 'backward'].includes(s.diverged.where));
  const done = net.stepsDone;
  assert.throws(() => net.step(10), { name: 'GradLabError', code: 4, message: /diverged at step \d+/ });
  assert.throws(() => net.measure(), { code: 4, codeName: 'not allowed in this state' });
  assert.equal(net.stepsDone, done, 'a diverged network takes no more steps');
  net.free();
});

test('gradient clipping keeps the same configuration finite for longer', () => {
  const cfg = { act: 'relu', init: 'normal', init_std: 1, depth: 30, lr: 0.1, record_every: 1 };
  const a = engine.create(cfg, 'plain').step(50), b = engine.create({ ...cfg, clip: 1 }, 'plain').step(50);
  const sa = a.stats(), sb = b.stats();
  assert.equal(sa.status, 'diverged');
  const endB = sb.status === 'ok' ? 50 : sb.diverged.step;
  assert.ok(endB > sa.diverged.step, `clipped run lasts ${endB} steps, unclipped ${sa.diverged.step}`);
  a.free();
  b.free();
});

test('deep sigmoid gradients underflow to 0 and are flagged', () => {
  const net = engine.create({ act: 'sigmoid', init: 'xavier', depth: 100 }, 'plain');
  const s = net.measure().stats();
  assert.equal(s.grad_norm[0], 0);
  assert.equal(s.underflow[0], 1);
  assert.equal(s.underflow[net.nLayers - 1], 0);
  assert.equal(allFinite(s), null);
  net.free();
});

test('relu std 2: the residual stack is dead from step 1 (every weight gradient 0, loss ln 2); the plain one diverges', () => {
  const cfg = { act: 'relu', init: 'normal', init_std: 2, depth: 20, width: 32, record_every: 1 };
  const runs = engine.createRuns({ ...cfg, arch: 'both' });
  const r0 = runs.residual.measure().stats();
  assert.equal(r0.dead, 0, 'alive at initialisation');
  assert.equal(r0.dead_step, -1);
  runs.plain.step(3);
  const p = runs.plain.stats();
  assert.equal(p.status, 'diverged');
  assert.equal(p.diverged.step, 1);
  assert.equal(p.dead_step, -1, 'a diverged stack is not dead');
  const r1 = runs.residual.step(2).stats();
  assert.equal(r1.step, 1);
  assert.equal(r1.dead, 1);
  assert.equal(r1.dead_step, 1);
  assert.ok(r1.grad_norm.every((g) => g === 0) && r1.underflow.every((u) => u === 1), 'every weight gradient exactly 0, flagged');
  assert.ok(Math.abs(r1.loss - Math.LN2) < 1e-3, `loss ${r1.loss} ~ ln 2`);
  const r2 = runs.residual.step(20).stats();
  assert.equal(r2.dead, 1);
  assert.equal(r2.dead_step, 1, 'dead_step stays at the first dead record');
  runs.plain.free();
  runs.residual.free();
});

test('a healthy run is never dead: relu std 0.5 and sigmoid depth 100 (layer 1 underflowing), 40 steps', () => {
  for (const cfg of [{ act: 'relu', init: 'normal', init_std: 0.5, depth: 20 }, { act: 'sigmoid', init: 'xavier', depth: 100 }]) {
    const runs = engine.createRuns({ ...cfg, width: 32, record_every: 1, arch: 'both' });
    for (const [arch, net] of Object.entries(runs)) {
      for (let s = 0; s < 40 && !net.diverged; s++) assert.equal(net.step(1).stats().dead, 0, `${arch} ${cfg.act} step ${s}`);
      assert.equal(net.stats().dead_step, -1, `${arch} ${cfg.act}: dead_step`);
      net.free();
    }
  }
});
