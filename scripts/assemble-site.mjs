// assemble-site.mjs - lays out build/site/, the folder the lab is served from:
// the page (web/), the engine (build/site/engine/, written by emcc) and the
// vendor assets installed by npm, so the page loads nothing from another host;
// the page's modules joined by rollup (bundlePage);
// then the service worker with its precache list (scripts/service-worker.mjs)
// and the .br/.gz copies beside the files (scripts/compress-site.mjs).
//   node scripts/assemble-site.mjs [outDir=build/site]
import { cpSync, mkdirSync, existsSync, rmSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServiceWorker } from './service-worker.mjs';
import { compressTree } from './compress-site.mjs';
import { rollup } from 'rollup';
import { minify } from 'terser';

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
/* The page's ES modules (web/js/main.js and what it imports, some 30 files)
 * would reach the browser level by level, one round trip per level of
 * imports, through HTTP/1.1's six connections per host, and only then could
 * main.js start.  Rollup (npm) joins them into js/main.js, plus one file per
 * dynamically imported part (the lesson, loaded after the first chart) and
 * the modules both share; the sources stay as they are (the node tests and
 * ESLint read web/js).  The files the bundle replaces are not served.
 * Terser (npm) then drops the comments and the layout, nothing else (no
 * renaming, no rewriting: a stack trace names the source's functions):
 * the comments were half of main.js, 108 of its 274 KB brotli before the
 * first chart in English, and what a visit parses (docs/performance.md).
 * STRIP=0 leaves them (a CPU profile then names the bundle's lines). */
const strip = {
  name: 'gradlab-strip-comments',
  async renderChunk(code) {
    const out = await minify(code, { module: true, compress: false, mangle: false, format: { comments: false } });
    return { code: /** @type {string} */ (out.code), map: null };
  },
};
const CLASSIC = new Set(['engine', 'boot.js']);
async function bundlePage() {
  const bundle = await rollup({
    input: join(root, 'web/js/main.js'),
    plugins: process.env.STRIP === '0' ? [] : [strip],
    /* an import that names nothing is an error; anything else rollup notes is printed */
    onwarn(w) {
      if (w.code === 'UNRESOLVED_IMPORT' || w.code === 'MISSING_EXPORT') throw new Error(`assemble-site: rollup: ${w.message}`);
      console.error(`assemble-site: rollup: ${w.message}`);
    },
  });
  /* every page module is in the bundle: all of web/js but the classic scripts (engine/, boot.js) */
  for (const entry of readdirSync(join(root, 'web/js'))) {
    if (!CLASSIC.has(entry)) rmSync(join(out, 'js', entry), { recursive: true, force: true });
  }
  const { output } = await bundle.write({
    dir: join(out, 'js'), format: 'es', entryFileNames: '[name].js', chunkFileNames: 'page-[name]-[hash].js',
  });
  await bundle.close();
  return output;
}

/* What main.js imports statically (the shared chunk) is named in
 * <link rel="modulepreload"> so that it is fetched with main.js, not after. */
export function staticImports(dir, entry) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(join(dir, rel), 'utf8');
    for (const m of text.matchAll(/(?:^|;)\s*import\s*(?:[^'"`;]*?from\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      visit(join(dirname(rel), m[1]).split('\\').join('/'));
    }
  };
  visit(entry);
  seen.delete(entry);
  return [...seen].sort();
}
const chunks = await bundlePage();

/* The Worker's own scripts (web/js/engine/worker.js: the engine's JS first, then the API and
 * the protocol core, six files) came in one importScripts call, which fetches and runs them one
 * after another: six round trips in a row, each waiting on the connections and the cores the
 * page's own start is using (in the lab 60-300 ms from the first to the last, in a bare page
 * 60 ms; docs/performance.md).  They are joined here, in that order, into one file,
 * js/engine/worker-scripts.js (comments dropped as for the page's bundle), and the served
 * worker.js imports that instead.  Each is a UMD wrapper that sets one global, so joined they
 * run as they did one by one.  The six files stay in the site (the API for a page of one's
 * own, docs/api.md; tests/bench/bench_browser.mjs loads them). */
async function bundleWorker() {
  const path = join(out, 'js/engine/worker.js');
  const text = readFileSync(path, 'utf8');
  const call = /^importScripts\(((?:'[\w.-]+\.js'(?:, )?){2,})\);$/m.exec(text);
  if (!call) throw new Error('assemble-site: web/js/engine/worker.js has no importScripts line of its own scripts');
  const files = [...call[1].matchAll(/'([\w.-]+\.js)'/g)].map((m) => m[1]);
  const joined = files.map((f) => `/* ${f} */\n${readFileSync(join(out, 'js/engine', f), 'utf8')}`).join('\n;\n');
  const min = process.env.STRIP === '0' ? joined : /** @type {string} */ ((await minify(joined, { compress: false, mangle: false, format: { comments: false } })).code);
  writeFileSync(join(out, 'js/engine/worker-scripts.js'), min);
  writeFileSync(path, text.replace(call[0], "importScripts('worker-scripts.js');"));
  return files;
}
const workerFiles = await bundleWorker();
const MARK = '<!-- modulepreload -->';
const indexPath = join(out, 'index.html');
const html = readFileSync(indexPath, 'utf8');
if (!html.includes(MARK)) {
  console.error(`assemble-site: web/index.html has no ${MARK} line`);
  process.exit(1);
}
const preloads = ['js/main.js', ...staticImports(out, 'js/main.js')];
writeFileSync(indexPath, html.replace(MARK, preloads.map((m) => `<link rel="modulepreload" href="${m}">`).join('\n')));

if (!existsSync(join(out, 'engine', 'gradlab-engine.wasm'))) {
  console.error('assemble-site: build/site/engine/gradlab-engine.wasm is missing: run make wasm');
  process.exit(1);
}
/* the joined scripts that nothing the page loads itself: not in the offline copy (the Worker
   fetches worker-scripts.js; the page's own <script> tags, protocol.js, stay) */
const sw = await buildServiceWorker(out, { ignore: workerFiles.filter((f) => !html.includes(`js/engine/${f}`)).map((f) => `js/engine/${f}`) });
for (const w of sw.warnings) console.error(`assemble-site: service worker: ${w}`);
const z = compressTree(out);
console.log(`assemble-site: the page's modules in ${chunks.length} files (${chunks.map((c) => c.fileName).join(', ')}); ` +
  `the Worker's ${workerFiles.length} scripts in js/engine/worker-scripts.js; sw.js precaches ${sw.count} files (${(sw.size / 1024).toFixed(0)} KiB); ` +
  `${z.files} files compressed, ${(z.bytes / 1024).toFixed(0)} KiB -> ${(z.compressed.br / 1024).toFixed(0)} KiB brotli`);
