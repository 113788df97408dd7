// parity.test.mjs - the WASM build and the native CLI compute the same
// numbers: per-layer grad_norm over 50 training steps, for both
// architectures and every activation, within a relative 1e-5 (float32).
// (Both builds avoid fused multiply-add, so in practice they agree to the
// CLI's 9 printed digits.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, cli, maxRelDiff } from './helpers.mjs';

const engine = await loadEngine();
const ACTS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'gelu'];

for (const act of ACTS) {
  for (const arch of ['plain', 'residual']) {
    test(`parity ${arch} ${act}: 50 steps, grad_norm within 1e-5`, () => {
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
        const d = maxRelDiff(st.grad_norm, ref[s].grad_norm);
        if (d.worst > worst) { worst = d.worst; where = `step ${s}, layer ${d.at + 1}`; }
        assert.ok(Math.abs(st.loss - ref[s].loss) <= 1e-5 * Math.abs(ref[s].loss) + 1e-9, `loss at step ${s}`);
      }
      net.free();
      assert.ok(worst <= 1e-5, `largest relative difference ${worst.toExponential(2)} at ${where}`);
    });
  }
}
