// make-dist.mjs - writes dist/: the whole lab as static files (the page, its
// Worker, the engine, fonts, KaTeX, Chart.js, lesson content and data, the
// web app manifest and the service worker), so a teacher can copy the folder
// to any static host.  The page carries its own Content-Security-Policy (a
// <meta> tag) since a host may not send one.  Beside every file that
// compresses lie X.br and X.gz (written by the build, scripts/compress-site.mjs;
// rewritten here if stale), for hosts that send precompressed files
// (docs/hosting.md).
import { cpSync, rmSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressTree } from './compress-site.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'build/site'), dist = join(root, 'dist');
if (!existsSync(join(site, 'index.html')) || !existsSync(join(site, 'engine/gradlab-engine.wasm'))) {
  console.error('make-dist: build/site is incomplete: run make first');
  process.exit(1);
}
rmSync(dist, { recursive: true, force: true });
cpSync(site, dist, { recursive: true, preserveTimestamps: true });
const z = compressTree(dist);
let files = 0, bytes = 0, copies = 0;
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f), s = statSync(p);
    if (s.isDirectory()) walk(p);
    else if (/\.(br|gz)$/.test(f)) copies++;
    else { files++; bytes += s.size; }
  }
};
walk(dist);
writeFileSync(join(dist, 'README.txt'),
  'GradLab: copy this folder to any static web host (it must serve .wasm files; most do as application/wasm)\n' +
  'and open index.html through http(s). Opening it as a file:// page does not work: browsers do not start\n' +
  'Workers or load WebAssembly from files.\n\n' +
  'Threads: if the host sends the headers\n' +
  '  Cross-Origin-Opener-Policy: same-origin\n' +
  '  Cross-Origin-Embedder-Policy: require-corp\n' +
  'the engine trains on up to 4 cores (engine/gradlab-engine-mt.*); without them it runs on one\n' +
  '(engine/gradlab-engine.*) and shows the same numbers, more slowly. The page footer says which.\n\n' +
  'Compression: X.br (brotli) and X.gz (gzip) lie beside every file that compresses. A host set up to\n' +
  'send them (Content-Encoding: br or gzip, Vary: Accept-Encoding) moves about a third of the bytes;\n' +
  'the lab works the same without them. docs/hosting.md in the source says how for nginx, Apache,\n' +
  'GitHub Pages, Netlify, Cloudflare Pages and python3 -m http.server.\n\n' +
  'Offline: after one visit over http(s) the service worker (sw.js) keeps everything in the browser,\n' +
  'and the lab loads and trains without a network. Replace the whole folder to publish a new build:\n' +
  'open pages offer "new version - reload". Browsers allow service workers on https:// and on\n' +
  'http://localhost only.\n');
console.log(`dist/: ${files} files, ${(bytes / 1048576).toFixed(1)} MB, and ${copies} .br/.gz copies ` +
  `(${z.files} files, ${(z.bytes / 1048576).toFixed(1)} MB -> ${(z.compressed.br / 1048576).toFixed(1)} MB brotli)`);
