// @ts-check
/*
 * messages.js - the page's message area (#messages): errors stay until
 * dismissed, info lines go after four seconds; a key replaces an older
 * message of the same key.  Lines (the engine's or the validator's words)
 * are shown left to right.
 */
import { $, el } from './dom.js';

/**
 * @param {{t: (key: string) => string}} i18n
 */
export function createMessages(i18n) {
  /**
   * @param {'error' | 'info'} kind
   * @param {string} title
   * @param {string[]} [lines]
   * @param {string | null} [key]
   */
  function show(kind, title, lines = [], key = null) {
    const box = $('messages');
    if (key) for (const old of box.querySelectorAll(`[data-key="${key}"]`)) old.remove();
    const item = el('div', { class: `message ${kind}`, 'data-key': key, role: kind === 'error' ? 'alert' : null });
    const body = el('div', { class: 'message-body' }, el('p', { class: 'message-title', text: title }));
    if (lines.length) body.append(el('ul', {}, ...lines.map((l) => el('li', { text: l, dir: 'ltr' }))));
    item.append(body, el('button', {
      type: 'button', class: 'dismiss', 'aria-label': i18n.t('dismiss'), text: '×',
      onclick: () => item.remove(),
    }));
    box.append(item);
    if (kind === 'info') setTimeout(() => item.remove(), 4000);
    return item;
  }

  /** the texts shown now, oldest first (for the debug surface) */
  const texts = () => [...$('messages').querySelectorAll('.message')].map((m) => m.textContent);

  return { show, texts };
}
