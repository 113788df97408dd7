// assemble-site.mjs - lays out build/site/, the folder the lab is served from:
// the page (web/), the engine (build/site/engine/, written by emcc) and the
// vendor assets installed by npm, so the page loads nothing from another host;
// then the service worker with its precache list (scripts/service-worker.mjs)
// and the .br/.gz copies beside the files (scripts/compress-site.mjs).
//   node scripts/assemble-site.mjs [outDir=build/site]
import { cpSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServiceWorker } from './service-worker.mjs';
import { compressTree } from './compress-site.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, process.argv[2] || 'build/site');
const nm = join(root, 'node_modules');

// [from (relative to node_modules), to (relative to out/vendor)]
export const VENDOR = [
  ['chart.js/dist/chart.umd.min.js', 'chart.umd.min.js'],
  ['katex/dist/katex.min.js', 'katex/katex.min.js'],
  ['katex/dist/katex.min.css', 'katex/katex.min.css'],
  ['katex/dist/fonts', 'katex/fonts'],
  ['vazirmatn/Vazirmatn-font-face.css', 'vazirmatn/Vazirmatn-font-face.css'],
  ['vazirmatn/fonts/webfonts', 'vazirmatn/fonts/webfonts'],
  ['vazirmatn/OFL.txt', 'vazirmatn/OFL.txt'],
];

mkdirSync(out, { recursive: true });
for (const entry of ['index.html', 'manifest.webmanifest', 'manifest-fa.webmanifest', 'css', 'js', 'lesson', 'img', 'data']) {
  const src = join(root, 'web', entry);
  if (!existsSync(src)) continue;
  rmSync(join(out, entry), { recursive: true, force: true });
  cpSync(src, join(out, entry), { recursive: true });
}
for (const [from, to] of VENDOR) {
  const src = join(nm, from);
  if (!existsSync(src)) {
    console.error(`assemble-site: missing ${src}: run npm ci`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, 'vendor', to)), { recursive: true });
  cpSync(src, join(out, 'vendor', to), { recursive: true });
}
if (!existsSync(join(out, 'engine', 'gradlab-engine.wasm'))) {
  console.error('assemble-site: build/site/engine/gradlab-engine.wasm is missing: run make wasm');
  process.exit(1);
}
const sw = await buildServiceWorker(out);
for (const w of sw.warnings) console.error(`assemble-site: service worker: ${w}`);
const z = compressTree(out);
console.log(`assemble-site: sw.js precaches ${sw.count} files (${(sw.size / 1024).toFixed(0)} KiB); ` +
  `${z.files} files compressed, ${(z.bytes / 1024).toFixed(0)} KiB -> ${(z.compressed.br / 1024).toFixed(0)} KiB brotli`);
