// serve.test.mjs - compressed transfer: scripts/serve.mjs answers with the
// precompressed .br / .gz that scripts/compress-site.mjs wrote (or compresses
// in memory when they are missing or stale), as the client's Accept-Encoding
// allows, with Content-Encoding and Vary: Accept-Encoding; the decompressed
// bytes equal the file; the isolation and CSP headers stay on every answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, utimesSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer, acceptedEncodings, CSP } from '../../scripts/serve.mjs';
import { compressTree } from '../../scripts/compress-site.mjs';
import { root } from './helpers.mjs';

const SITE = join(root, 'build', 'site');

let dir, srv, plain;
const js = Buffer.from('/* a script */\n' + 'function f(x) { return x * x + 1; }\n'.repeat(400));
const woff2 = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24));

/* GET path with headers: {status, headers, body (raw bytes, as sent)} */
function get(url, path, headers = {}) {
  return new Promise((ok, fail) => {
    request(new URL(path, url), { headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', fail).end();
  });
}
const decode = (r) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body)
  : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gradlab-serve-'));
  mkdirSync(join(dir, 'js'));
  writeFileSync(join(dir, 'js', 'app.js'), js);
  writeFileSync(join(dir, 'font.woff2'), woff2);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>' + '<p>GradLab</p>\n'.repeat(200));
  const sum = compressTree(dir);
  assert.equal(sum.files, 2, 'two compressible files (the woff2 is not one)');
  writeFileSync(join(dir, 'late.json'), JSON.stringify({ values: Array.from({ length: 300 }, (_, i) => i % 7) }));
  srv = await startServer({ port: 0, root: dir, quiet: true });
  plain = await startServer({ port: 0, root: dir, quiet: true, compress: false });
});
after(async () => {
  await Promise.all([srv, plain].filter(Boolean).map((s) => new Promise((ok) => s.server.close(ok))));
  rmSync(dir, { recursive: true, force: true });
});

test('Accept-Encoding is parsed with q-values, best encoding first', () => {
  const names = (h) => acceptedEncodings(h).map((e) => e[1]);
  assert.deepEqual(names('gzip, deflate, br'), ['br', 'gzip']);
  assert.deepEqual(names('gzip'), ['gzip']);
  assert.deepEqual(names('br;q=0, gzip;q=0.5'), ['gzip']);
  assert.deepEqual(names('*'), ['br', 'gzip']);
  assert.deepEqual(names('*, br;q=0'), ['gzip']);
  assert.deepEqual(names('identity'), []);
  assert.deepEqual(names(undefined), []);
});

test('compress-site writes .br and .gz beside compressible files only', () => {
  assert.ok(existsSync(join(dir, 'js', 'app.js.br')) && existsSync(join(dir, 'js', 'app.js.gz')));
  assert.ok(existsSync(join(dir, 'index.html.br')));
  assert.ok(!existsSync(join(dir, 'font.woff2.br')) && !existsSync(join(dir, 'font.woff2.gz')));
  assert.deepEqual(brotliDecompressSync(readFileSync(join(dir, 'js', 'app.js.br'))), js);
  assert.deepEqual(gunzipSync(readFileSync(join(dir, 'js', 'app.js.gz'))), js);
});

test('brotli, gzip or identity as the client asks, with Content-Encoding, Vary and the same bytes', async () => {
  for (const [accept, want] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip', 'gzip'], [undefined, undefined]]) {
    const r = await get(srv.url, 'js/app.js', accept ? { 'Accept-Encoding': accept } : {});
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], want, `Accept-Encoding ${accept}`);
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(Number(r.headers['content-length']), r.body.length);
    if (want) assert.ok(r.body.length < js.length / 4, `${want}: ${r.body.length} of ${js.length} bytes`);
    assert.deepEqual(decode(r), js, `decompressed = file (${accept})`);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(r.headers['content-security-policy'], CSP);
  }
});

test('revalidation: the ETag of what was sent answers 304 with no body; another encoding or a changed file does not', async () => {
  const first = await get(srv.url, 'js/app.js', { 'Accept-Encoding': 'br' });
  assert.match(first.headers.etag, /^W\/".+-br"$/);
  const again = await get(srv.url, 'js/app.js', { 'Accept-Encoding': 'br', 'If-None-Match': first.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, first.headers.etag);
  assert.equal(again.headers.vary, 'Accept-Encoding');
  assert.equal(again.headers['cross-origin-embedder-policy'], 'require-corp');
  const gz = await get(srv.url, 'js/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': first.headers.etag });
  assert.equal(gz.status, 200, 'a gzip client does not get the brotli copy\'s 304');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  const html = await get(srv.url, 'index.html', {});
  writeFileSync(join(dir, 'index.html'), readFileSync(join(dir, 'index.html')) + '<p>changed</p>');
  const changed = await get(srv.url, 'index.html', { 'If-None-Match': html.headers.etag });
  assert.equal(changed.status, 200, 'a changed file is sent again');
  assert.match(changed.body.toString(), /changed/);
});

test('a directory answers with its index.html, compressed', async () => {
  const r = await get(srv.url, '/', { 'Accept-Encoding': 'br' });
  assert.equal(r.headers['content-encoding'], 'br');
  assert.deepEqual(decode(r), readFileSync(join(dir, 'index.html')));
});

test('already compressed types go as they are; no Vary for them', async () => {
  const r = await get(srv.url, 'font.woff2', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers.vary, undefined);
  assert.deepEqual(r.body, woff2);
});

test('a file without a precompressed copy, or with a stale one, is compressed by the server', async () => {
  const late = readFileSync(join(dir, 'late.json'));
  const r = await get(srv.url, 'late.json', { 'Accept-Encoding': 'gzip' });
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.deepEqual(decode(r), late);
  /* a .br older than its file is not sent: the file changed after the build */
  const changed = Buffer.concat([js, Buffer.from('// changed\n')]);
  writeFileSync(join(dir, 'js', 'app.js'), changed);
  const future = new Date(Date.now() + 5000);
  utimesSync(join(dir, 'js', 'app.js'), future, future);
  const s = await get(srv.url, 'js/app.js', { 'Accept-Encoding': 'br' });
  assert.equal(s.headers['content-encoding'], 'br');
  assert.deepEqual(decode(s), changed, 'the current bytes, not the stale .br');
  writeFileSync(join(dir, 'js', 'app.js'), js);
});

test('compress: false (and --no-compress) sends every file as it is', async () => {
  const r = await get(plain.url, 'js/app.js', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers.vary, undefined);
  assert.deepEqual(r.body, js);
});

test('the built site is precompressed: the page and the engine come as brotli', { skip: !existsSync(join(SITE, 'index.html')) }, async () => {
  const site = await startServer({ port: 0, root: SITE, quiet: true });
  try {
    for (const f of ['index.html', 'engine/gradlab-engine.wasm', 'vendor/chart.umd.min.js']) {
      assert.ok(existsSync(join(SITE, f + '.br')), `${f}.br written by the build`);
      const r = await get(site.url, f, { 'Accept-Encoding': 'gzip, deflate, br' });
      assert.equal(r.headers['content-encoding'], 'br', f);
      assert.equal(r.headers.vary, 'Accept-Encoding', f);
      assert.deepEqual(decode(r), readFileSync(join(SITE, f)), `${f}: decompressed = file`);
    }
  } finally {
    await new Promise((ok) => site.server.close(ok));
  }
});
