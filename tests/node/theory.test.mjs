// theory.test.mjs - the two mean-field lines of the record on the real .wasm,
// each beside the quantity it predicts (issue 22): for the lesson's plain
// stacks (depth 20, width 32, the rest the defaults) at step 0, the layer-1 /
// last ratio of grad_norm_theory is within a decade of grad_norm's, and
// act_grad_norm_theory's of act_grad_norm's.  The line that stood beside
// grad_norm before (now act_grad_norm_theory's law) missed relu's by six
// decades; grad_factor_theory holds the weight line's factors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';

const engine = await loadEngine();
const decades = (v) => Math.log10(v[0] / v[v.length - 1]);

const CONFIGS = [
  { act: 'sigmoid', init: 'xavier' },
  { act: 'tanh', init: 'normal', init_std: 0.35 },
  { act: 'relu', init: 'normal', init_std: 0.5 },
  { act: 'linear', init: 'normal', init_std: 0.25 },
];

for (const cfg of CONFIGS) {
  test(`theory lines, plain ${cfg.act} ${cfg.init}${cfg.init_std ? ' ' + cfg.init_std : ''}: layer 1 / last within a decade of the measured`, () => {
    const net = engine.create({ ...cfg, depth: 20, width: 32 }, 'plain');
    const s = net.measure().stats();
    net.free();
    const g = decades(s.grad_norm), gt = decades(s.grad_norm_theory);
    const a = decades(s.act_grad_norm), at = decades(s.act_grad_norm_theory);
    assert.ok(Math.abs(gt - g) < 1, `grad_norm ${g.toFixed(2)} decades, grad_norm_theory ${gt.toFixed(2)}`);
    assert.ok(Math.abs(at - a) < 1, `act_grad_norm ${a.toFixed(2)} decades, act_grad_norm_theory ${at.toFixed(2)}`);
    const L = s.grad_norm.length;
    assert.equal(s.grad_norm_theory[L - 1], s.grad_norm[L - 1], 'anchored at the output layer');
    const sum = s.grad_factor_theory.slice(1).reduce((t, f) => t + Math.log10(f), 0);
    assert.ok(Math.abs(sum - gt) < 1e-9, `the factors multiply up to the line (${sum} vs ${gt})`);
    if (cfg.act === 'relu') assert.ok(at - g > 5, `the act line (${at.toFixed(2)}) is no prediction of grad_norm (${g.toFixed(2)})`);
  });
}
