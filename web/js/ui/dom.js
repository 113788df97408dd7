// @ts-check
/*
 * dom.js - the page's small DOM toolkit: $ (by id), el (build an element
 * from tag, attributes and children) and download (a link in the export
 * card's download list, clicked).  No state.
 */

/** @param {string} id @returns {any} the element with that id (or null) */
export const $ = (id) => document.getElementById(id);

/**
 * An element: attributes by name ('class', 'text' for textContent, 'on<event>'
 * for a listener, true for an empty attribute; null/undefined/false skipped),
 * then children (nodes or strings; null/undefined/false skipped).
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {any}
 */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/**
 * Offers a file: a link in #downloads (replacing one of the same name), clicked.
 * @param {string} name file name
 * @param {string} href a blob: or data: URL
 * @param {boolean} [revoke] revoke the blob URL after a minute
 */
export function download(name, href, revoke = false) {
  const a = el('a', { href, download: name, text: name });
  const box = $('downloads');
  for (const old of box.querySelectorAll(`a[download="${name}"]`)) old.remove();
  box.append(a);
  a.click();
  if (revoke) setTimeout(() => URL.revokeObjectURL(href), 60000);
}
