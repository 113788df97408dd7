// @ts-check
/*
 * i18n.js - the page's words and numbers in its language (en, fa).
 *
 * The words are the UI files lesson/ui-<lang>.json, loaded before anything
 * is shown (there is no built-in copy); t() looks a key up in the page's
 * language, then in English, then returns the caller's fallback (a setting's
 * name, the engine's help line, the HTML's own English) or the key.  The
 * numbers: formatters(lang) gives the page's number forms, Persian digits
 * and bidi isolates in Persian, superscript powers of ten.
 *
 *   const i18n = createI18n(fetchJson);
 *   await i18n.load('fa');
 *   i18n.t('stack.numbers', { step: i18n.format().int(5) });
 */

/**
 * @typedef {{number: (x: number) => string, percent: (x: number) => string, pow10: (e: number) => string, value: (x: number) => string,
 *   int: (x: number) => string, fixed: (x: number, digits: number) => string}} Formatters
 *   fixed  a number with exactly `digits` decimals (the lesson's decades: 19.5, −0.43); never "−0"
 */

const SUP = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** Latin digits and minus as superscripts: superscript(-21) === '⁻²¹' @param {number | string} e */
export function superscript(e) {
  return String(e).split('').map((c) => /** @type {any} */ (SUP)[c] || c).join('');
}

/**
 * Numbers shown on the page and on chart ticks, in a language.
 * @param {string} lang 'en' | 'fa'
 * @returns {Formatters}
 */
export function formatters(lang) {
  const fa = lang === 'fa';
  const loc = fa ? 'fa-IR' : 'en-US';
  const sig = new Intl.NumberFormat(loc, { maximumSignificantDigits: 4 });
  const pct = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 });
  const int = new Intl.NumberFormat(loc, { maximumFractionDigits: 0, useGrouping: false });
  /* scientific notation: 4.44×10¹⁷ in English, the locale's own form in Persian */
  const sciFa = new Intl.NumberFormat(loc, { notation: 'scientific', maximumSignificantDigits: 3 });
  /* fa-IR writes the exponent as "^-۴": raise it (superscript digits exist only in Latin form) */
  const raise = (/** @type {string} */ text) => text.replace(/\^\u200E?([-\u2212]?)\u200E?([\u06F0-\u06F9]+)/g, (m, sign, d) =>
    (sign ? '⁻' : '') + superscript([...d].map((c) => c.charCodeAt(0) - 0x6f0).join('')));
  const sci = fa ? { format: (/** @type {number} */ x) => raise(sciFa.format(x)) } : {
    format: (/** @type {number} */ x) => {
      const [m, e] = x.toExponential(2).split('e');
      return `${Number(m)}×10${superscript(Number(e))}`;
    },
  };
  /* in right-to-left text a number stays one left-to-right run (LRI ... PDI) */
  const iso = fa ? (/** @type {(x: number) => string} */ f) => (/** @type {number} */ x) => `\u2066${f(x)}\u2069` : (/** @type {(x: number) => string} */ f) => f;
  /** @type {Map<number, Intl.NumberFormat>} */
  const fixedFormats = new Map();
  const big = (/** @type {number} */ x) => x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3);
  return {
    number: iso((x) => (big(x) ? sci.format(x) : Number.isInteger(x) ? int.format(x) : sig.format(x))),
    percent: iso((x) => pct.format(x)),
    pow10: fa
      ? iso((e) => raise(sciFa.format(Number(`1e${e}`)).replace(/^۱×/, '')))
      : (e) => '10' + superscript(e),
    value: iso((x) => {
      if (!Number.isFinite(x)) return String(x);
      const a = Math.abs(x);
      return a !== 0 && (a < 1e-3 || a >= 1e5) ? sci.format(x) : sig.format(x);
    }),
    int: iso((x) => int.format(x)),
    fixed: (x, digits) => {
      let f = fixedFormats.get(digits);
      if (!f) {
        f = new Intl.NumberFormat(loc, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
        fixedFormats.set(digits, f);
      }
      const text = f.format(x);
      /* −0.04 to one decimal is "−0.0": a rounded zero has no sign */
      return iso(() => (/[1-9\u06F1-\u06F9]/.test(text) ? text : f.format(0)))(x);
    },
  };
}

/** '{name}' placeholders filled from vars; unknown ones stay @param {string} s @param {Record<string, any> | null | undefined} vars */
export function fill(s, vars) {
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

/**
 * @param {(url: string) => Promise<any>} fetchJson resolves a parsed JSON file (rejects when missing)
 */
export function createI18n(fetchJson) {
  /** @type {Record<string, Record<string, string> | null>} */
  const strings = { en: null, fa: null };
  let lang = 'en';
  /** @type {Formatters | null} */
  let fmt = null;

  async function fetchStrings(/** @type {string} */ l) {
    try {
      const j = await fetchJson(`lesson/ui-${l}.json`);
      return j && typeof j === 'object' && !Array.isArray(j) ? j : {};
    } catch {
      return {};
    }
  }

  return {
    /** Loads the strings of lang (and English, the fallback) and makes lang the page's. @param {string} l */
    async load(l) {
      if (!strings.en) strings.en = await fetchStrings('en');
      if (l !== 'en' && !strings[l]) strings[l] = await fetchStrings(l);
      lang = l;
      fmt = null;
    },
    get lang() {
      return lang;
    },
    /**
     * @param {string} key
     * @param {Record<string, any> | null} [vars]
     * @param {string} [fallback]
     */
    t(key, vars, fallback) {
      const own = strings[lang], en = strings.en;
      const s = own && typeof own[key] === 'string' ? own[key]
        : en && typeof en[key] === 'string' ? en[key]
          : fallback !== undefined ? fallback : key;
      return fill(s, vars);
    },
    /** the number formatters of the page's language @returns {Formatters} */
    format() {
      if (!fmt) fmt = formatters(lang);
      return fmt;
    },
  };
}

/** @typedef {ReturnType<typeof createI18n>} I18n */
