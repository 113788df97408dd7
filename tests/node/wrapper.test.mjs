// wrapper.test.mjs - the JS wrapper (web/js/engine/gradlab.js) against the C
// it wraps, read at test time: its cwrap table names exactly the functions
// wasm_api.c exports (GL_EXPORT lines), each with the argument count and
// return type of its C prototype (gradlab.h or wasm_api.c); its result codes
// equal gradlab.h's GL_* defines and their names gl_errstr's; its diverged
// status equals GL_STATUS_DIVERGED.  Nothing retyped can drift unseen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GradLab, loadEngine, root } from './helpers.mjs';

const header = readFileSync(join(root, 'c_src/gradlab.h'), 'utf8');
const api = readFileSync(join(root, 'c_src/wasm_api.c'), 'utf8');
const exported = [...api.matchAll(/^GL_EXPORT\((\w+)\)/gm)].map((m) => m[1]);

/* the wrapper's table: the Engine constructor's cwrap calls, on a module that only records them */
function wrapped() {
  const calls = [];
  const mod = {
    cwrap(name, ret, args) {
      calls.push({ name, ret, args });
      if (ret === 'string') return () => (name === 'gl_settings_json' ? '[]' : '');
      return () => 0;
    },
  };
  new GradLab.Engine(mod);
  return calls;
}

/* a C prototype: return type, name, parameter list */
function prototype(name) {
  const re = new RegExp(`^(?:EMSCRIPTEN_KEEPALIVE\\s+)?((?:const\\s+)?\\w+(?:\\s*\\*)?)\\s*\\b${name}\\s*\\(([^)]*)\\)\\s*[;{]`, 'm');
  const m = re.exec(header) || re.exec(api);
  if (!m) return null;
  const params = m[2].trim() === 'void' || m[2].trim() === '' ? [] : m[2].split(',').map((p) => p.trim());
  return { ret: m[1].replace(/\s+/g, ' '), params };
}

test('the cwrap table names exactly the GL_EXPORT functions of wasm_api.c', () => {
  const names = wrapped().map((c) => c.name);
  assert.ok(exported.length >= 40, `${exported.length} exports`);
  assert.deepEqual([...names].sort(), [...exported].sort());
  assert.equal(new Set(names).size, names.length, 'no function wrapped twice');
});

test('each wrapped function has its C prototype\'s argument count and return type', () => {
  const checked = [];
  for (const c of wrapped()) {
    const p = prototype(c.name);
    assert.ok(p, `a prototype for ${c.name} in gradlab.h or wasm_api.c`);
    assert.equal(c.args.length, p.params.length, `${c.name}: ${c.args.length} arguments in gradlab.js, ${p.params.length} in C (${p.params.join(', ')})`);
    const cString = /^const char ?\*$/.test(p.ret);
    const want = p.ret === 'void' ? null : cString ? 'string' : 'number';
    assert.equal(c.ret, want, `${c.name}: returns ${p.ret} in C, '${c.ret}' in gradlab.js`);
    p.params.forEach((param, i) => {
      /* a char* argument is text ('string') or a heap pointer the wrapper filled ('number') */
      if (!/char\s*\*/.test(param)) assert.equal(c.args[i], 'number', `${c.name} argument ${i + 1} (${param})`);
    });
    checked.push(c.name);
  }
  console.log(`# ${checked.length} cwrap signatures match their C prototypes`);
});

test('the result codes equal gradlab.h\'s and their names gl_errstr\'s', async () => {
  const defines = Object.fromEntries([...header.matchAll(/^#define GL_(OK|E[A-Z]+)\s+(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual({ ...GradLab.CODES }, defines);
  const engine = await loadEngine();
  for (const code of Object.values(defines)) assert.equal(GradLab.CODE_NAMES[code], engine.c.errstr(code), `code ${code}`);
  assert.equal(GradLab.STATUS_DIVERGED, Number(/^#define GL_STATUS_DIVERGED\s+(\d+)/m.exec(header)[1]));
});
