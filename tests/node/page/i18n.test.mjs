// i18n.test.mjs - web/js/ui/i18n.js: the page's number forms in English
// and Persian (Persian digits, the left-to-right isolate around a number in
// right-to-left text, raised exponents), the key lookup's fallbacks
// (language, English, the caller's fallback, the key), placeholders, and
// strings loaded from the UI files before use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatters, superscript, fill, createI18n } from '../../../web/js/ui/i18n.js';
import { root } from '../helpers.mjs';

const LRI = '\u2066', PDI = '\u2069';

test('English numbers', () => {
  const f = formatters('en');
  assert.equal(f.value(0.0173), '0.0173');
  assert.equal(f.value(1.55e-21), '1.55×10⁻²¹');
  assert.equal(f.value(9.73e-8), '9.73×10⁻⁸');
  assert.equal(f.value(123456), '1.23×10⁵');
  assert.equal(f.number(50), '50');
  assert.equal(f.number(2.5e6), '2.5×10⁶');
  assert.equal(f.int(1234), '1234');
  assert.equal(f.percent(0.125), '12.5%');
  assert.equal(f.pow10(-3), '10⁻³');
  assert.equal(f.value(NaN), 'NaN');
  assert.equal(superscript(-21), '⁻²¹');
});

test('Persian numbers: Persian digits, one left-to-right run, raised exponents', () => {
  const f = formatters('fa');
  assert.equal(f.value(0.0173), `${LRI}۰٫۰۱۷۳${PDI}`);
  assert.equal(f.value(1.55e-21), `${LRI}۱٫۵۵×۱۰⁻²¹${PDI}`);
  assert.equal(f.int(50), `${LRI}۵۰${PDI}`);
  assert.match(f.percent(0.125), new RegExp(`^${LRI}.*۱۲٫۵.*${PDI}$`));
  assert.equal(f.pow10(-3), `${LRI}۱۰⁻³${PDI}`);
  for (const x of [0.5, 3e-9, 7, 1e12]) assert.ok(!/[0-9]/.test(f.value(x)), `${x}: ${f.value(x)} has no Latin digit`);
});

test('t(): the language, then English, then the fallback, then the key; placeholders', async () => {
  const files = {
    'lesson/ui-en.json': { a: 'A {n}', b: 'B' },
    'lesson/ui-fa.json': { a: 'الف {n}' },
  };
  const asked = [];
  const i18n = createI18n(async (url) => {
    asked.push(url);
    if (!files[url]) throw new Error(`${url}: 404`);
    return files[url];
  });
  await i18n.load('fa');
  assert.deepEqual(asked, ['lesson/ui-en.json', 'lesson/ui-fa.json']);
  assert.equal(i18n.lang, 'fa');
  assert.equal(i18n.t('a', { n: i18n.format().int(3) }), `الف ${LRI}۳${PDI}`);
  assert.equal(i18n.t('b'), 'B', 'English when Persian lacks the key');
  assert.equal(i18n.t('c', null, 'fallback'), 'fallback');
  assert.equal(i18n.t('c'), 'c');
  await i18n.load('en');
  assert.equal(i18n.t('a', { n: 3 }), 'A 3');
  assert.equal(asked.length, 2, 'each file is fetched once');
  assert.equal(fill('{x} and {y}', { x: 1 }), '1 and {y}');
});

test('the real UI files: every placeholder of an English string is in its Persian one', () => {
  const en = JSON.parse(readFileSync(join(root, 'web/lesson/ui-en.json'), 'utf8'));
  const fa = JSON.parse(readFileSync(join(root, 'web/lesson/ui-fa.json'), 'utf8'));
  const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(en)) assert.deepEqual(holes(fa[k]), holes(en[k]), k);
});
