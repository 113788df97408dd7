// @ts-check
/*
 * page-text.js - the words index.html itself carries, in the page's
 * language: every [data-i18n] element (its HTML English is the fallback),
 * the document's lang and dir, the title, the language picker and the
 * engine line in the footer.
 */
import { $ } from '../ui/dom.js';

/**
 * @param {import('../ui/i18n.js').I18n} i18n
 * @param {{version?: string, threads?: number}} engine what the footer names
 */
export function applyPageText(i18n, engine) {
  const t = i18n.t;
  const html = document.documentElement;
  /* set only when they change (boot.js set them for the first language): each change restyles the page */
  const dir = i18n.lang === 'fa' ? 'rtl' : 'ltr';
  if (html.lang !== i18n.lang) html.lang = i18n.lang;
  if (html.dir !== dir) html.dir = dir;
  $('lang-select').value = i18n.lang;
  for (const e of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-i18n]'))) {
    if (!e.dataset.en) e.dataset.en = e.textContent || '';
    e.textContent = t(/** @type {string} */ (e.dataset.i18n), null, e.dataset.en);
  }
  document.title = `${t('app.title')}: ${t('app.subtitle')}`;
  if (engine.version) {
    const threads = engine.threads || 1;
    $('engine-version').textContent = t(threads > 1 ? 'footer.engine_threads' : 'footer.engine',
      { version: engine.version, threads: i18n.format().int(threads) });
  }
}
