// service-worker.mjs - writes the lab's service worker, <site>/sw.js, with
// Workbox (npm workbox-build, generateSW): a precache of the built site whose
// list and revisions (an MD5 of each file's bytes) are read from the folder at
// build time, never kept by hand.  A new build changes sw.js wherever a file
// changed; the browser installs it beside the old one, and the page
// (js/lab/offline.js) offers "new version - reload", which posts SKIP_WAITING;
// on activation Workbox deletes the entries the new list no longer has
// (changed files' old revisions included), so one cache holds one build.
// Responses are cached with their headers, so a page served with COOP/COEP is
// still cross-origin isolated offline (the multi-threaded engine works).
//   node scripts/service-worker.mjs [dir=build/site]
import { generateSW } from 'workbox-build';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/* What the page can fetch, and nothing it cannot: the .br/.gz copies are
   transfer encodings of these, and of the fonts only the formats and weights
   the style sheets name (woff2; Vazirmatn Regular and Bold, css/vazirmatn.css). */
export const PRECACHE = {
  globPatterns: [
    'index.html', 'manifest*.webmanifest', 'css/**/*.css', 'js/**/*.{js,mjs}', 'lesson/**/*.json',
    'img/**/*.{png,svg}', 'data/**/*.bin', 'engine/**/*.{js,wasm}',
    'vendor/**/*.{js,css}', 'vendor/katex/fonts/*.woff2',
    'vendor/vazirmatn/fonts/webfonts/Vazirmatn-{Regular,Bold}.woff2',
  ],
  globIgnores: ['**/*.br', '**/*.gz', 'sw.js', 'workbox-*.js', 'vendor/vazirmatn/Vazirmatn-font-face.css'],
};

/* returns {count, size, warnings}: the precache's entries and bytes; `ignore`: more paths
   (relative to dir) the page never fetches, e.g. the Worker's scripts that the build joined */
export async function buildServiceWorker(dir, { ignore = [] } = {}) {
  const { count, size, warnings } = await generateSW({
    globDirectory: dir,
    ...PRECACHE,
    globIgnores: [...PRECACHE.globIgnores, ...ignore],
    swDest: join(dir, 'sw.js'),
    cacheId: 'gradlab',
    // one HTML page: '/', '/?lang=fa&depth=12', '/index.html?...' are all index.html
    directoryIndex: 'index.html',
    ignoreURLParametersMatching: [/.*/],
    skipWaiting: false,           // the page asks the student first (SKIP_WAITING message)
    clientsClaim: true,           // the first visit's page is controlled once installed
    cleanupOutdatedCaches: true,  // caches of older Workbox precache formats
    inlineWorkboxRuntime: true,   // one file, sw.js: nothing else to serve or cache
    sourcemap: false,
    mode: 'production',
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
  });
  return { count, size, warnings };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.argv[2] || 'build/site');
  const r = await buildServiceWorker(dir);
  for (const w of r.warnings) console.error(`service-worker: ${w}`);
  console.log(`service-worker: sw.js precaches ${r.count} files, ${(r.size / 1024).toFixed(0)} KiB`);
}
