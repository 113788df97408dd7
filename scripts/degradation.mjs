#!/usr/bin/env node
// degradation.mjs - the degradation experiment of the ResNet paper at toy
// scale, run with the native CLI (build/gradlab; `make native` first):
// plain and residual conv stacks of a shallow and a deep depth (2 and 10
// blocks), the same data (the 1000 training digits), steps, batch and
// optimiser, for relu + he and tanh + xavier, over seeds 1..3.
//
//   node scripts/degradation.mjs [--jobs N] [--out DIR] [--summarize]
//                                [--norm batch|layer] [--acts relu,tanh]
//
// --norm batch runs every network with batch normalisation after each
// convolution (He et al.'s setting; the default is none), plain and residual
// a = 1 only (with the normalisation the trunk grows linearly, not
// exponentially, so the paper's a = 1 is the comparison); --acts keeps only
// the named activations' runs.
// Writes each run's JSON to DIR (default build/degradation/) and prints the
// tables docs/experiments.md quotes: the median training loss (and the range
// over the seeds) at every recorded step, and the final test accuracy.
// About 3 minutes with 2 jobs on an idle 2-core machine; --summarize only
// prints the tables again from the JSON files of an earlier run.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const JOBS = Number(opt('--jobs', 2)), OUT = opt('--out', join(root, 'build/degradation'));
const SUMMARIZE = args.includes('--summarize');
const NORM = opt('--norm', 'none');
const ACTS = opt('--acts', 'relu,tanh').split(',');

// what every run shares
const COMMON = {
  model: 'conv', data: 'digits', channels: 8, pool: 1, batch: 32, steps: 600, 'record-every': 100,
  optimizer: 'momentum', momentum: 0.9, lr: 0.02,
  ...(NORM !== 'none' ? { norm: NORM } : {}),
};
const COMBOS = [
  { act: 'relu', init: 'he' },
  { act: 'tanh', init: 'xavier' },
].filter((c) => ACTS.includes(c.act));
const DEPTHS = [2, 10];
const SEEDS = [1, 2, 3];
// plain and residual (a = 1) in one CLI call; the residual stack again with a = 1/sqrt(blocks)
const ARCHS = [
  { label: 'plain', flags: { arch: 'both' }, take: { plain: 'plain', residual: 'residual a=1' } },
  { label: 'residual a=1/sqrt(B)', flags: { arch: 'residual', 'res-scale': 'invsqrt' }, take: { residual: 'residual a=1/sqrt(B)' } },
].filter((a) => NORM === 'none' || a.label === 'plain');

const runs = [];
for (const c of COMBOS)
  for (const blocks of DEPTHS)
    for (const seed of SEEDS)
      for (const a of ARCHS) runs.push({ combo: `${c.act} + ${c.init}`, blocks, seed, arch: a, flags: { ...COMMON, ...c, ...a.flags, blocks, seed } });

function run(r) {
  const argv = [];
  for (const [k, v] of Object.entries(r.flags)) argv.push(`--${k}`, String(v));
  argv.push('--json');
  const file = join(OUT, `${NORM !== 'none' ? NORM + '-' : ''}${r.flags.act}-b${r.blocks}-s${r.seed}-${r.flags.arch}${r.flags['res-scale'] ? '-invsqrt' : ''}.json`);
  if (SUMMARIZE) return Promise.resolve(JSON.parse(readFileSync(file, 'utf8')));
  return new Promise((resolve, reject) => {
    execFile(join(root, 'build/gradlab'), argv, { cwd: root, maxBuffer: 1 << 28 }, (err, stdout) => {
      if (err) return reject(err);
      writeFileSync(file, stdout);
      resolve(JSON.parse(stdout));
    });
  });
}

mkdirSync(OUT, { recursive: true });
const t0 = Date.now();
const results = new Array(runs.length);
let next = 0;
await Promise.all(Array.from({ length: JOBS }, async () => {
  while (next < runs.length) {
    const i = next++;
    results[i] = await run(runs[i]);
  }
}));

// rows[combo][label][blocks] = [history per seed]
const rows = {};
runs.forEach((r, i) => {
  for (const [key, label] of Object.entries(r.arch.take)) {
    const run = results[i].runs[key];
    ((rows[r.combo] ??= {})[label] ??= {})[r.blocks] ??= [];
    rows[r.combo][label][r.blocks].push(run);
  }
});

const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f3 = (x) => x.toFixed(3);

console.log(`# degradation: ${Object.entries(COMMON).map(([k, v]) => `${k}=${v}`).join(' ')}; seeds ${SEEDS.join(',')}`);
for (const [combo, labels] of Object.entries(rows)) {
  const steps = Object.values(labels)[0][DEPTHS[0]][0].history.map((h) => h.step);
  console.log(`\n### ${combo}: training loss (median over the seeds that reached the step)\n`);
  console.log(`| stack | blocks | ${steps.map((s) => `step ${s}`).join(' | ')} | final loss, seeds ${SEEDS.join(', ')} | final test acc, seeds ${SEEDS.join(', ')} |`);
  console.log(`|---|---|${steps.map(() => '---|').join('')}---|---|`);
  for (const [label, byDepth] of Object.entries(labels))
    for (const blocks of DEPTHS) {
      const hs = byDepth[blocks];
      const curve = steps.map((step) => {
        const v = hs.map((r) => r.history.find((h) => h.step === step)).filter(Boolean).map((h) => h.loss);
        return v.length ? f3(median(v)) + (v.length < hs.length ? '*' : '') : '-';
      });
      const end = (r, f) => (r.status === 'ok' ? f(r.history.at(-1)) : `diverged at ${r.diverged.step}`);
      console.log(`| ${label} | ${blocks} | ${curve.join(' | ')} | ${hs.map((r) => end(r, (h) => f3(h.loss))).join(', ')} | ${hs.map((r) => end(r, (h) => h.test_acc.toFixed(3))).join(', ')} |`);
    }
}
console.log('\n(* some seeds had diverged by then)');
console.log(`(${runs.length} CLI runs, ${((Date.now() - t0) / 1000).toFixed(0)} s with ${JOBS} jobs)`);
