// serve.mjs - a small static server for build/site on localhost, with the
// headers the lab needs: application/wasm, no caching, a
// Content-Security-Policy that allows nothing outside the page's own origin,
// cross-origin isolation (COOP + COEP), without which a browser gives a
// page no SharedArrayBuffer and the engine runs on one thread, and compressed
// transfer: the X.br / X.gz that scripts/compress-site.mjs wrote beside X at
// build time (compressed here once and kept in memory when missing), chosen
// by Accept-Encoding, with Content-Encoding and Vary: Accept-Encoding; and
// an ETag per file version and encoding, so a browser's revalidation (every
// request: Cache-Control no-cache) costs a 304, not the file again.
//   node scripts/serve.mjs [--port 8000] [--root build/site] [--quiet] [--no-compress]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPRESSIBLE, ENCODINGS } from './compress-site.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.ico': 'image/x-icon', '.bin': 'application/octet-stream', '.webmanifest': 'application/manifest+json; charset=utf-8',
};
export const CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'none'",
].join('; ');

/* The encodings of ENCODINGS the client accepts, best first: Accept-Encoding
 * "gzip, deflate, br" or with q-values ("br;q=0" refuses br; "*" any). */
export function acceptedEncodings(header) {
  const q = new Map();
  for (const part of String(header || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const p = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    q.set(name, p ? Number(p.slice(2)) : 1);
  }
  return ENCODINGS.filter(([, name]) => (q.has(name) ? q.get(name) : (q.get('*') || 0)) > 0);
}

/* isolate: false leaves out COOP/COEP, as a plain static host would (the
 * browser tests check the single-threaded fallback with it); compress: false
 * sends every file as it is (the "before" of the load bench) */
export function startServer({ port = 8000, root, host = '127.0.0.1', quiet = false, isolate = true, compress = true } = {}) {
  /* path -> {mtimeMs, br, gzip}: compressed bodies of files without a fresh .br/.gz */
  const memo = new Map();
  /* [body, encoding|null] of the file at path (stat st) for this request */
  async function pick(path, st, req) {
    if (!compress || !COMPRESSIBLE.has(extname(path))) return [await readFile(path), null];
    for (const [suffix, name, zip] of acceptedEncodings(req.headers['accept-encoding'])) {
      const pre = await stat(path + suffix).catch(() => null);
      if (pre && pre.mtimeMs >= st.mtimeMs) return [await readFile(path + suffix), name];
      let m = memo.get(path);
      if (!m || m.mtimeMs !== st.mtimeMs) memo.set(path, m = { mtimeMs: st.mtimeMs });
      if (!(name in m)) {
        const body = await readFile(path), z = zip(body);
        m[name] = z.length <= 0.95 * body.length ? z : null; // not worth it: identity
      }
      if (m[name]) return [m[name], name];
    }
    return [await readFile(path), null];
  }
  const ISOLATION = isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const base = resolve(root || join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'site'));
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (path !== base && !path.startsWith(base + sep)) { res.writeHead(403).end('forbidden'); return; }
      let st = await stat(path).catch(() => null);
      if (st && st.isDirectory()) { path = join(path, 'index.html'); st = await stat(path).catch(() => null); }
      if (!st) { res.writeHead(404, { 'Content-Type': 'text/plain', ...ISOLATION }).end('not found'); return; }
      const [body, encoding] = await pick(path, st, req);
      /* the file's version (size, mtime) and the encoding sent */
      const etag = `W/"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}${encoding ? '-' + encoding : ''}"`;
      const vary = compress && COMPRESSIBLE.has(extname(path)) ? { Vary: 'Accept-Encoding' } : {};
      const match = String(req.headers['if-none-match'] || '').split(',').map((x) => x.trim());
      if (match.includes(etag) || match.includes('*')) {
        res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache', ...vary, ...ISOLATION }).end();
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] || 'application/octet-stream',
        'Content-Length': body.length, 'Cache-Control': 'no-cache',
        ...(encoding ? { 'Content-Encoding': encoding } : {}), ...vary, ETag: etag,
        'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', ...ISOLATION,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const url = `http://localhost:${server.address().port}/`;
      if (!quiet) console.log(`GradLab is served at ${url}  (Ctrl-C stops it)`);
      ok({ server, url, port: server.address().port });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const get = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
  const port = Number(get('--port', process.env.PORT || 8000));
  if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error(`serve: bad port '${get('--port')}'`); process.exit(2); }
  startServer({ port, root: get('--root'), quiet: args.includes('--quiet'), compress: !args.includes('--no-compress') }).catch((e) => {
    console.error(`serve: cannot listen on port ${port}: ${e.message}`);
    process.exit(1);
  });
}
