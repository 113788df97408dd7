// ui-keys.test.mjs - every UI string the page's modules ask for exists in
// both web/lesson/ui-en.json and ui-fa.json: each t('key') and each quoted
// key in a t(a ? 'x' : 'y') choice, and for a key built from a template
// (t(`where.${d.where}`)) at least one key of that shape.  There is no
// built-in copy of the strings in web/js: the files are the only source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../helpers.mjs';

const ui = { en: JSON.parse(readFileSync(join(root, 'web/lesson/ui-en.json'), 'utf8')), fa: JSON.parse(readFileSync(join(root, 'web/lesson/ui-fa.json'), 'utf8')) };

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.js') ? [p] : [];
  });
}

/* the first argument of every t( call: the text up to the comma or parenthesis that closes it */
function firstArgs(src) {
  const out = [];
  for (const m of src.matchAll(/(?<![\w$.])t\(|\.t\(/g)) {
    let depth = 0, i = m.index + m[0].length, quote = null;
    const start = i;
    for (; i < src.length; i++) {
      const ch = src[i];
      if (quote) {
        if (ch === '\\') i++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === "'" || ch === '"' || ch === '`') quote = ch;
      else if (ch === '(' || ch === '{' || ch === '[') depth++;
      else if (ch === ')' || ch === '}' || ch === ']') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) break;
    }
    out.push(src.slice(start, i).trim());
  }
  return out;
}

const used = { keys: new Map(), templates: new Map() };
for (const f of files(join(root, 'web/js'))) {
  if (f.includes(`${join('web', 'js', 'engine')}`)) continue;
  for (const arg of firstArgs(readFileSync(f, 'utf8'))) {
    for (const q of arg.matchAll(/'([^']*)'|"([^"]*)"/g)) {
      const k = q[1] ?? q[2];
      if (/^[a-z_0-9]+(\.[a-z_0-9]+)*$/.test(k)) used.keys.set(k, f);
    }
    const tpl = /^`([^`]*)`$/.exec(arg);
    if (tpl) used.templates.set(tpl[1], f);
  }
}

test('every literal t() key is in both UI files', () => {
  assert.ok(used.keys.size >= 100, `${used.keys.size} keys found in web/js`);
  for (const [k, f] of used.keys) {
    for (const lang of ['en', 'fa']) assert.equal(typeof ui[lang][k], 'string', `'${k}' (${f}) is missing from ui-${lang}.json`);
  }
  console.log(`# ${used.keys.size} keys used, all in ui-en.json and ui-fa.json`);
});

test('every template t() key has keys of its shape in both UI files', () => {
  assert.ok(used.templates.size >= 5, `${used.templates.size} templates`);
  for (const [tpl, f] of used.templates) {
    const re = new RegExp(`^${tpl.split(/\$\{[^}]*\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[a-z_0-9]+')}$`);
    for (const lang of ['en', 'fa']) assert.ok(Object.keys(ui[lang]).some((k) => re.test(k)), `no key like \`${tpl}\` (${f}) in ui-${lang}.json`);
  }
});

test('the conv mode\'s strings are UI strings (no string table of its own)', () => {
  for (const lang of ['en', 'fa']) {
    const conv = Object.keys(ui[lang]).filter((k) => k.startsWith('conv.'));
    assert.ok(conv.length >= 28, `${conv.length} conv.* keys in ui-${lang}.json`);
  }
});
