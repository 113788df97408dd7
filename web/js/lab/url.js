// @ts-check
/*
 * url.js - the page's state in its address: the configuration, the run's
 * changes of course (change=7:lr=0.01), the hidden controls, the language,
 * the lesson step, the classroom's predict=required and what the gradient
 * chart shows (grad=backprop), written (replaceState) when
 * any of them changes, and the share box (#share-link, #copy-link) that
 * shows and copies that address.
 */
import { $ } from '../ui/dom.js';

/**
 * @param {{store: import('./state.js').LabStore, i18n: import('../ui/i18n.js').I18n,
 *          messages: ReturnType<typeof import('../ui/messages.js').createMessages>,
 *          extra?: (s: any) => Record<string, string>}} deps
 *   extra: the plug-ins' page keys for the link (the Sweep panel's state, `sweep` in the store)
 */
export function mountUrl({ store, i18n, messages, extra }) {
  /** @type {any} */
  let schema = null;

  function write() {
    const s = store.get();
    if (!s.config || !schema) return;
    const q = schema.encode(s.config, { hide: s.hide, lang: s.lang, step: s.step, predict: s.predict, grad: s.gradMetric, extra: extra ? extra(s) : {}, changes: s.changes || [] });
    history.replaceState(null, '', q + location.hash);
    $('share-link').value = location.href;
  }

  store.subscribe((s, prev) => {
    if (s.config !== prev.config || s.hide !== prev.hide || s.lang !== prev.lang || s.step !== prev.step || s.predict !== prev.predict || s.gradMetric !== prev.gradMetric || s.sweep !== prev.sweep || s.changes !== prev.changes) write();
  });

  $('copy-link').addEventListener('click', async () => {
    const box = $('share-link');
    box.value = location.href;
    try {
      await navigator.clipboard.writeText(box.value);
      messages.show('info', i18n.t('msg.link_copied'), [], 'copy');
    } catch {
      box.select();
      messages.show('info', i18n.t('msg.link_select'), [], 'copy');
    }
  });

  return {
    /** the settings schema (schema.js) that encodes the address @param {any} s */
    setSchema(s) {
      schema = s;
    },
  };
}
