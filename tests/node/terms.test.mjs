// terms.test.mjs - the Persian text speaks with one voice: the terminology
// table of docs/lesson-authoring.md ("Persian terms: one word per concept")
// is parsed, and no rejected word of it appears in the Persian lesson
// (web/lesson/fa.json) or the page's Persian strings (ui-fa.json, conv
// mode's conv.* keys among them: no page module has strings of its own).  Also: Latin digits only inside
// formulas or left-to-right isolates, one spelling of 1/√B, and a quiz whose
// right answer is not given away by being the longest option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readText = (f) => readFileSync(join(ROOT, f), 'utf8');
const readJson = (f) => JSON.parse(readText(f));

/* ---- the table: rows of | فارسی | English | rejected | where | under its heading ---- */
export function parseTerms(markdown) {
  const start = markdown.indexOf('### Persian terms: one word per concept');
  if (start < 0) throw new Error('the terminology heading is missing from docs/lesson-authoring.md');
  const lines = markdown.slice(start).split('\n');
  const rows = [];
  let inTable = false;
  for (const line of lines) {
    if (/^\|\s*فارسی\s*\|/.test(line)) { inTable = true; continue; }
    if (!inTable) continue;
    if (/^\|\s*-/.test(line)) continue;
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4) throw new Error(`a row of the terminology table needs 4 cells: ${line}`);
    const rejected = [...cells[2].matchAll(/«([^»]+)»/g)].map((m) => m[1]);
    rows.push({ persian: cells[0], english: cells[1], rejected, where: cells[3] });
  }
  return rows;
}

/* A rejected word matches as a whole word: no Persian/Arabic letter (or Latin
   letter, digit, underscore for Latin words) directly before or after it.
   ZWNJ is not a letter, so «شیب» matches in «شیب‌ها» but not in «سراشیبی». */
const LETTER = '\\u0600-\\u06FF\\u0750-\\u077F\\uFB50-\\uFDFF\\uFE70-\\uFEFF';
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export function matcher(word) {
  const latin = /[A-Za-z]/.test(word[0]) || /[A-Za-z]/.test(word[word.length - 1]);
  const side = latin ? `A-Za-z0-9_${LETTER}` : LETTER;
  return new RegExp(`(?<![${side}])${escape(word)}(?![${side}])`, 'u');
}

/* Every Persian string with where it comes from. */
function strings(o, path, out) {
  if (typeof o === 'string') out.push({ where: path, text: o });
  else if (Array.isArray(o)) o.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) if (k !== 'id') strings(v, path ? `${path}.${k}` : k, out);
  return out;
}
const fa = readJson('web/lesson/fa.json');
const uiFa = readJson('web/lesson/ui-fa.json');
const PERSIAN = [
  ...strings(fa, 'fa.json', []),
  ...Object.entries(uiFa).map(([k, v]) => ({ where: `ui-fa.json ${k}`, text: v })),
];
/* formulas are not prose: \chi in $...$ is the letter χ */
const withoutMath = (s) => s.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$/g, ' ');
const TERMS = parseTerms(readText('docs/lesson-authoring.md'));

test('the terminology table parses: one row per concept, each with its rejected words', () => {
  assert.ok(TERMS.length >= 25, `${TERMS.length} concepts in the table`);
  const words = TERMS.map((t) => t.persian);
  assert.equal(new Set(words).size, words.length, 'no Persian term appears in two rows');
  for (const t of TERMS) assert.ok(t.rejected.length >= 1, `${t.persian}: at least one rejected word`);
  const conv = PERSIAN.filter((s) => /(^|\s)conv\./.test(s.where));
  assert.ok(conv.length >= 20, `the conv-mode Persian strings are checked too (${conv.length} found)`);
});

test('the whole-word matcher: it finds a word in a phrase and not inside another word', () => {
  assert.ok(matcher('شیب').test('مشتق یا شیب آن'));
  assert.ok(matcher('شیب').test('شیب‌ها'), 'a ZWNJ suffix still matches');
  assert.ok(!matcher('شیب').test('سراشیبی'), 'not inside a longer word');
  assert.ok(matcher('chi').test('χ یا chi'));
  assert.ok(!matcher('chi').test('chi_measured'), 'not inside an identifier');
  assert.ok(matcher('دستهٔ {class}').test('دستهٔ {class}'));
});

test('no rejected word of the terminology table appears in the Persian text', () => {
  const found = [];
  for (const t of TERMS) {
    for (const word of t.rejected) {
      const re = matcher(word);
      for (const s of PERSIAN) if (re.test(withoutMath(s.text))) found.push(`«${word}» (write «${t.persian}») in ${s.where}`);
    }
  }
  assert.deepEqual(found, [], found.join('\n'));
});

/* What a reader sees of a string: formulas reduced to their symbols. */
const shownText = (s) => s.replace(/\$\$?([^$]+)\$\$?/g, (_, tex) => tex.replace(/\\[a-zA-Z]+/g, '').replace(/[{}\\^_]/g, ''));
const outsideMath = (s) => s.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$/g, ' ').replace(/\u2066[^\u2069]*\u2069/g, ' ');

test('Persian digits in running Persian text; Latin digits only inside formulas or a left-to-right isolate', () => {
  const bad = PERSIAN.filter((s) => /[0-9]/.test(outsideMath(s.text).replace(/\{[A-Za-z_0-9]+\}/g, '')))
    .map((s) => `${s.where}: ${outsideMath(s.text).match(/.{0,20}[0-9].{0,20}/)[0]}`);
  assert.deepEqual(bad, [], bad.join('\n'));
});

test('one spelling of 1/√B: $1/\\sqrt{B}$ in paragraphs, ⁦1/√B⁩ in plain text', () => {
  const bad = PERSIAN.filter((s) => /۱\/√|√\(|1\/√B/.test(outsideMath(s.text))).map((s) => s.where);
  assert.deepEqual(bad, [], `other spellings of 1/√B in: ${bad.join(', ')}`);
});

for (const lang of ['fa', 'en']) {
  const doc = lang === 'fa' ? fa : readJson('web/lesson/en.json');
  test(`${lang} quiz: the right option is not given away by its length`, () => {
    const longest = doc.quiz.filter((q) => {
      const len = q.choices.map((c) => shownText(c).length);
      const right = len[q.answer];
      return len.every((l, i) => i === q.answer || l < right);
    });
    assert.ok(longest.length * 3 <= doc.quiz.length,
      `the right option is strictly the longest in ${longest.length} of ${doc.quiz.length} questions: ${longest.map((q) => q.q.slice(0, 40)).join(' | ')}`);
  });
  test(`${lang} quiz: a question on ResNet's layout (stem convolution, blocks of two 3×3 convolutions, pooling, fully connected layer)`, () => {
    const parts = lang === 'fa' ? [/کانولوشن ۳×۳ آغازین/, /دو کانولوشن ۳×۳/, /ادغام/, /کاملاً متصل/]
      : [/3×3 stem convolution/, /two 3×3 convolutions/, /pooling/, /fully connected/];
    const q = doc.quiz.find((x) => parts.every((p) => p.test(x.choices[x.answer])));
    assert.ok(q, 'a question whose right option names the four parts in order');
    const right = q.choices[q.answer];
    const at = parts.map((p) => right.search(p));
    assert.deepEqual([...at].sort((a, b) => a - b), at, 'in the order of the network');
  });
}
