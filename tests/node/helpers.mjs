// helpers.mjs - shared by the node suites: a fresh WASM engine per call
// (MODULARIZE factory), the native CLI, and small statistics helpers.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
export const GradLab = require(join(root, 'web/js/engine/gradlab.js'));
export const WorkerCore = require(join(root, 'web/js/engine/worker-core.js'));
export const engineDir = process.env.GRADLAB_ENGINE_DIR || join(root, 'build/site/engine');

export function loadEngine() {
  return GradLab.loadNode(engineDir);
}

/** Runs build/gradlab with flags {name: value} plus extra args; returns parsed JSON. */
export function cli(flags, extra = []) {
  const args = [];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  const out = execFileSync(join(root, 'build/gradlab'), [...args, ...extra, '--json'], { maxBuffer: 1 << 28 });
  return JSON.parse(out.toString());
}

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Largest relative difference between two arrays, and where. */
export function maxRelDiff(a, b) {
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const den = Math.max(Math.abs(a[i]), Math.abs(b[i]), 1e-30);
    const d = Math.abs(a[i] - b[i]) / den;
    if (d > worst) { worst = d; at = i; }
  }
  return { worst, at };
}
