// @ts-check
/*
 * rich-text.js - the lesson content's text as DOM: **bold**, inline $...$
 * and display $$...$$ math typeset with KaTeX (a formula KaTeX cannot set
 * shows ⚠ and logs the authoring error), plain text with Latin formulas
 * kept left to right in right-to-left text, and raised exponents in the
 * Persian scientific form.  KaTeX must be loaded (vendor.js loadKatex())
 * before the first rich() call: lesson.js does that before its first render.
 */
import { el } from '../ui/dom.js';
import { katex } from '../vendor.js';

/* what a display formula's box is called (the lesson sets it in the page's language) */
let formulaLabel = 'Formula';
/** @param {string} label */
export function setFormulaLabel(label) {
  formulaLabel = label;
}

/* $$display$$ or $inline$; the content never writes a literal dollar sign */
const MATH_RE = /\$\$([\s\S]+?)\$\$|\$([^$]+?)\$/g;
const DISPLAY_RE = /^\s*\$\$[\s\S]+\$\$\s*$/;

/** A formula typeset by KaTeX. @param {string} tex @param {boolean} display @returns {HTMLElement} */
export function math(tex, display) {
  /* a display formula may be wider than the panel and scroll sideways: it takes
     focus (arrow keys scroll it) and is a named group for a screen reader */
  const box = el(display ? 'div' : 'span', display
    ? { class: 'math math-display', tabindex: '0', role: 'group', 'aria-label': formulaLabel }
    : { class: 'math' });
  try {
    katex().render(tex, box, { displayMode: display, throwOnError: true, output: 'htmlAndMathml' });
  } catch (e) {
    /* a formula KaTeX cannot set is an authoring error: say so where it shows */
    console.error(`lesson: the formula ${JSON.stringify(tex)} does not render: ${/** @type {Error} */ (e).message}`);
    box.classList.add('math-error');
    box.textContent = '⚠';
  }
  return box;
}

/* A string of the content as nodes: text, <strong> for **...**, KaTeX for $...$. */
/** @param {any} text @returns {DocumentFragment} */
export function rich(text) {
  const s = String(text === undefined || text === null ? '' : text);
  const frag = document.createDocumentFragment();
  /** @type {HTMLElement | null} */
  let strong = null;
  const put = (/** @type {Node} */ node) => (strong || frag).append(node);
  const words = (/** @type {string} */ part) => {
    part.split('**').forEach((piece, i) => {
      if (i > 0) {
        if (strong) strong = null;
        else {
          const s = el('strong');
          strong = s;
          frag.append(s);
        }
      }
      if (piece) put(document.createTextNode(piece));
    });
  };
  let last = 0;
  for (const m of s.matchAll(MATH_RE)) {
    const display = m[1] !== undefined;
    let before = s.slice(last, m.index);
    const node = math(display ? m[1] : m[2], display);
    last = m.index + m[0].length;
    /* an inline formula keeps its brackets and the punctuation after it on its line */
    const open = display ? '' : (/[(«[]+$/.exec(before) || [''])[0];
    const close = display ? '' : (/^[.,;:!?،؛…)»\]]+/.exec(s.slice(last)) || [''])[0];
    before = before.slice(0, before.length - open.length);
    words(before);
    if (open || close) put(el('span', { class: 'nowrap' }, open, node, close));
    else put(node);
    last += close.length;
  }
  words(s.slice(last));
  return frag;
}

/*
 * Plain text of a field without math (a button label, a title, a diagram
 * stage).  In right-to-left text a Latin formula such as y = x + F(x) or
 * 1/√B would be reordered by the bidi algorithm, so each such run is put in
 * a left-to-right isolate (U+2066 ... U+2069), as the UI strings do by hand.
 */
const FORMULA_RE = /√?[A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9][A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9()]*(?:\s*[=+×/√−·]\s*√?[A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9][A-Za-z0-9\u0370-\u03ff\u06f0-\u06f9()]*)+/g;

/** @param {any} text @param {boolean} rtl the text runs right to left @returns {string} */
export function plain(text, rtl) {
  const s = String(text === undefined || text === null ? '' : text);
  if (!rtl) return s;
  const balanced = (/** @type {string} */ f) => (f.match(/\(/g) || []).length === (f.match(/\)/g) || []).length;
  return s.replace(FORMULA_RE, (f) => (balanced(f) ? `\u2066${f}\u2069` : f));
}

/** A content paragraph: a <p>, or a display formula on its own. @param {string} text @returns {Node} */
export function paragraph(text) {
  return DISPLAY_RE.test(text) ? rich(text.trim()) : el('p', {}, rich(text));
}

/* "۱٫۵۵×۱۰^−۲۱" (the Persian scientific form) with the exponent raised: ۱٫۵۵×۱۰<sup>−۲۱</sup> */
/** @param {string} text @returns {DocumentFragment} */
export function powers(text) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(/\^([\u200e\u061c]*[-−+]?[0-9۰-۹]+)/g)) {
    frag.append(text.slice(last, m.index), el('sup', { text: m[1] }));
    last = m.index + m[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}

/*
 * A line of numbers in a right-to-left text: each outermost left-to-right
 * isolate (U+2066 ... U+2069: a number, or a formula such as
 * log₁₀(a ÷ b) = v) becomes one unbreakable left-to-right span, so a narrow
 * column never breaks a formula across two lines (each half would then be
 * read in the wrong order); exponents written "^k" are raised (powers).
 */
/** @param {string} text @returns {DocumentFragment} */
export function ltrRuns(text) {
  const frag = document.createDocumentFragment();
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\u2066') {
      if (depth === 0) {
        frag.append(powers(text.slice(start, i)));
        start = i;
      }
      depth++;
    } else if (c === '\u2069' && depth > 0) {
      depth--;
      if (depth === 0) {
        frag.append(el('span', { class: 'nowrap', dir: 'ltr' }, powers(text.slice(start + 1, i))));
        start = i + 1;
      }
    }
  }
  frag.append(powers(text.slice(start)));
  return frag;
}
