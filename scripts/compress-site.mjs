// compress-site.mjs - precompresses a built site: writes X.br (brotli,
// quality 11) and X.gz (gzip -9) beside every file X whose type compresses
// (text, JavaScript, JSON, WebAssembly, SVG, TrueType, the digit data), and
// only when the result is at least 5 % smaller.  scripts/serve.mjs sends these
// with Content-Encoding + Vary; dist/ carries them for static hosts
// (docs/hosting.md says how each serves them).  Stale ones (older than X) are
// rewritten, leftovers of removed files deleted.
//   node scripts/compress-site.mjs [dir=build/site]
import { readdirSync, readFileSync, writeFileSync, statSync, rmSync, existsSync } from 'node:fs';
import { join, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

/* the extensions worth compressing; woff2 and png are compressed already */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.wasm', '.svg',
  '.txt', '.csv', '.ttf', '.bin', '.ico', '.map']);
/* the encodings, best first: [file suffix, Content-Encoding, compress] */
export const ENCODINGS = [
  ['.br', 'br', (buf) => brotliCompressSync(buf, { params: {
    [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } })],
  ['.gz', 'gzip', (buf) => gzipSync(buf, { level: 9 })],
];

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/* returns {files, bytes, compressed: {br, gzip}} over the compressible files */
export function compressTree(dir) {
  const sum = { files: 0, bytes: 0, compressed: { br: 0, gzip: 0 } };
  for (const p of files(dir)) {
    const suffix = ENCODINGS.find(([s]) => p.endsWith(s));
    if (suffix) {
      if (!existsSync(p.slice(0, -suffix[0].length))) rmSync(p); // its source is gone
      continue;
    }
    if (!COMPRESSIBLE.has(extname(p))) continue;
    const st = statSync(p);
    const body = readFileSync(p);
    sum.files++;
    sum.bytes += body.length;
    for (const [s, name, compress] of ENCODINGS) {
      const out = p + s;
      if (existsSync(out) && statSync(out).mtimeMs >= st.mtimeMs) { sum.compressed[name] += statSync(out).size; continue; }
      const z = compress(body);
      if (z.length <= 0.95 * body.length) { writeFileSync(out, z); sum.compressed[name] += z.length; }
      else { rmSync(out, { force: true }); sum.compressed[name] += body.length; }
    }
  }
  return sum;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.argv[2] || 'build/site');
  const s = compressTree(dir);
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`compress-site: ${s.files} files, ${kb(s.bytes)} -> ${kb(s.compressed.br)} brotli, ${kb(s.compressed.gzip)} gzip`);
}
