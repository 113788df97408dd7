// ui-used.test.mjs - every key of web/lesson/ui-en.json is used, so no
// string is translated and kept for nothing.  A key is used when
//   - the page's code names it: a string literal in web/js (the Worker side
//     aside) or a data-i18n attribute of web/index.html; or a template
//     literal of the code builds it (`stack.${a}`) from a value that is
//     itself a string literal of the code ('plain');
//   - or data names it, from the short list DATA below: the engine's
//     settings table, the engine's divergence places, the lesson's charts,
//     and the lesson's value fields.
// And ui-fa.json has exactly the keys of ui-en.json.  The code is read with
// TypeScript's parser (a dev dependency), so strings inside regular
// expressions, comments and nested templates are told apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { root, loadEngine } from '../helpers.mjs';

const ui = { en: JSON.parse(readFileSync(join(root, 'web/lesson/ui-en.json'), 'utf8')), fa: JSON.parse(readFileSync(join(root, 'web/lesson/ui-fa.json'), 'utf8')) };

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'engine' ? [] : files(p);
    return p.endsWith('.js') ? [p] : [];
  });
}

/* the code's string literals and the templates it builds keys with (a RegExp each, one group per ${}) */
const literals = new Set();
const templates = [];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
for (const f of files(join(root, 'web/js'))) {
  const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const visit = (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
    else if (ts.isTemplateExpression(node)) {
      const parts = [escape(node.head.text), ...node.templateSpans.map((s) => `([a-z_0-9]+)${escape(s.literal.text)}`)];
      templates.push({ text: node.getText(src), re: new RegExp(`^${parts.join('')}$`) });
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
}
const html = readFileSync(join(root, 'web/index.html'), 'utf8');
const inHtml = new Set([...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]));

/* DATA: the keys whose names come from data, not from the page's code; each family with its source */
const engine = await loadEngine();
const gradlabH = readFileSync(join(root, 'c_src/gradlab.h'), 'utf8');
const whereLine = /\/\*([^*]*)\*\/\s*\nconst char \*gl_diverged_where/.exec(gradlabH);
assert.ok(whereLine, 'gradlab.h documents gl_diverged_where\'s values');
const experiments = JSON.parse(readFileSync(join(root, 'web/lesson/experiments.json'), 'utf8')).experiments;
const DATA = [
  { family: 'setting.<name>.label|help', source: 'the engine\'s settings table (settings-form.js)',
    keys: engine.settings.flatMap((s) => [`setting.${s.name}.label`, `setting.${s.name}.help`]) },
  { family: 'choice.<setting>.<value>', source: 'the settings table\'s choices; res_scale also takes a number (choice.res_scale.value)',
    keys: [...engine.settings.flatMap((s) => (s.choices || []).map((v) => `choice.${s.name}.${v}`)), 'choice.res_scale.value'] },
  { family: 'where.<where>', source: 'a diverged record\'s `where` (gradlab.h gl_diverged_where)',
    keys: [...whereLine[1].matchAll(/"([a-z]+)"/g)].map((m) => `where.${m[1]}`) },
  { family: 'lesson.chart.<chart>', source: 'experiments.json `chart`, and update_ratio (highlight.js chartKey: `what` names the update)',
    keys: [...new Set([...Object.values(experiments).map((x) => x.chart), 'update_ratio'])].map((c) => `lesson.chart.${c}`) },
  { family: 'lesson.field.<field>', source: 'experiments.json `values`: the `field` of a value (answer.js howLines names it; a plane value\'s `field` is an axis\'s, not a record\'s)',
    keys: [...new Set(Object.values(experiments).flatMap((x) => Object.values(x.values || {}).filter((v) => !String(v.kind).startsWith('plane_')).map((v) => v.field)).filter(Boolean))].map((f) => `lesson.field.${f}`) },
];
const byData = new Map(DATA.flatMap((d) => d.keys.map((k) => [k, d.family])));

/* PLANNED: keys whose words are written before the code that uses them; each names the issue that
   will use it.  A key leaves this list when its code lands (the test below then fails until it does). */
const PLANNED = new Map([]);

/** how a key is used, or null (planned = false: what the code and data use, the PLANNED list aside) */
function usedBy(key, planned = true) {
  if (literals.has(key)) return 'code';
  if (inHtml.has(key)) return 'index.html';
  for (const t of templates) {
    const m = t.re.exec(key);
    if (m && m.slice(1).every((v) => literals.has(v))) return `code ${t.text}`;
  }
  return byData.get(key) || (planned && PLANNED.get(key)) || null;
}

test('every key of ui-en.json is used by the code or listed as used by data', () => {
  const unused = Object.keys(ui.en).filter((k) => !usedBy(k));
  assert.deepEqual(unused, [], `keys no code and no data uses:\n${unused.join('\n')}`);
  const counts = {};
  for (const k of Object.keys(ui.en)) {
    const how = usedBy(k);
    const kind = how.startsWith('code') ? 'code' : how === 'index.html' ? how : how.startsWith('planned') ? 'planned' : 'data';
    counts[kind] = (counts[kind] || 0) + 1;
  }
  console.log(`# ${Object.keys(ui.en).length} keys: ${JSON.stringify(counts)}`);
});

test('every data family names keys that exist (the list stays true)', () => {
  for (const d of DATA) {
    assert.ok(d.keys.length > 0, `${d.family}: its source gives keys`);
    for (const k of d.keys) assert.equal(typeof ui.en[k], 'string', `${k} (${d.family}, from ${d.source}) is in ui-en.json`);
  }
});

test('a planned key is in ui-en.json and no code uses it yet (else it leaves the list)', () => {
  for (const k of PLANNED.keys()) {
    assert.equal(typeof ui.en[k], 'string', `${k} (planned) is in ui-en.json`);
    assert.equal(usedBy(k, false), null, `${k} is used now: take it off the PLANNED list`);
  }
});

test('ui-fa.json has exactly the keys of ui-en.json', () => {
  assert.deepEqual(Object.keys(ui.fa).filter((k) => !(k in ui.en)), [], 'keys only in ui-fa.json');
  assert.deepEqual(Object.keys(ui.en).filter((k) => !(k in ui.fa)), [], 'keys only in ui-en.json');
});
