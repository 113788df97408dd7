// @ts-check
/* offline.js - the page's side of offline use: registers the service worker
 * (sw.js, written at build time by scripts/service-worker.mjs with Workbox),
 * says when the lab is available offline, and offers a new build when one is
 * waiting: a bilingual "a new version is ready - reload" prompt whose button
 * tells the waiting worker to take over (SKIP_WAITING), then reloads once it
 * controls the page.  It also points <link rel="manifest"> at the manifest of
 * the page's language.
 *
 * Self-contained: everything comes in through the arguments; nothing is
 * written to window.  Registration waits for `after` (the caller's promise
 * of the first charted step), so the precache download (about 1.9 MB, 0.8 MB
 * compressed) never competes with the first load.
 *
 *   const offline = startOffline({ t, host, status, after, lang });
 *   offline.setLanguage('fa');   // relabels the prompt, swaps the manifest
 *   await offline.registered;    // the ServiceWorkerRegistration, or null
 *
 * t(key) -> string: the page's i18n lookup (keys sw.* of lesson/ui-*.json)
 * host: the element the prompt is put in; status: an element (or null) for
 * the one-line offline state; after: a promise; lang: 'en' | 'fa'.
 */

const MANIFEST = { en: 'manifest.webmanifest', fa: 'manifest-fa.webmanifest' };

/**
 * @typedef {object} OfflineOptions
 * @property {(key: string) => string} t      the page's i18n lookup
 * @property {HTMLElement} host                where the new-version prompt goes
 * @property {HTMLElement | null} [status]     the one-line offline state, or null
 * @property {Promise<unknown>} [after]        registration waits for it (the first chart)
 * @property {string} [lang]                   'en' | 'fa'
 * @property {string} [url]                    the service worker's script
 * @property {ServiceWorkerContainer} [sw]     navigator.serviceWorker (a test may pass another)
 */

/**
 * @param {OfflineOptions} options
 * @returns {{ registered: Promise<ServiceWorkerRegistration | null>, setLanguage: (lang: string) => void, relabel: () => void }}
 */
export function startOffline({ t, host, status = null, after = Promise.resolve(), lang = 'en', url = 'sw.js', sw = globalThis.navigator && navigator.serviceWorker }) {
  if (typeof t !== 'function' || !host) throw new TypeError('startOffline: needs t (an i18n lookup) and host (an element)');
  const doc = host.ownerDocument;
  /** @type {HTMLElement | null} */
  let prompt = null;          // the shown prompt, or null
  let accepted = false;       // the student asked for the new version
  /** @type {string | null} */
  let statusKey = null;       // the status line's key, kept to relabel it

  /** @param {string | null} key */
  function setStatus(key) {
    statusKey = key;
    if (status) status.textContent = key ? t(key) : '';
  }

  function relabel() {
    if (prompt) {
      for (const e of /** @type {NodeListOf<HTMLElement>} */ (prompt.querySelectorAll('[data-sw-key]'))) e.textContent = t(e.dataset.swKey || '');
      const dismiss = prompt.querySelector('.dismiss');
      if (dismiss) dismiss.setAttribute('aria-label', t('sw.later'));
    }
    setStatus(statusKey);
  }

  /** @param {string} next */
  function setLanguage(next) {
    lang = next === 'fa' ? 'fa' : 'en';
    const link = doc.querySelector('link[rel="manifest"]');
    if (link) link.setAttribute('href', MANIFEST[lang === 'fa' ? 'fa' : 'en']);
    relabel();
  }

  /** @param {string} tag @param {Record<string, string>} attrs @param {string} [key] @returns {HTMLElement} */
  function make(tag, attrs, key) {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (key) { e.dataset.swKey = key; e.textContent = t(key); }
    return e;
  }

  /* the prompt for a worker that is installed and waiting */
  /** @param {ServiceWorker} waiting */
  function offer(waiting) {
    if (prompt) prompt.remove();
    const box = make('div', { class: 'message info sw-update', role: 'status' });
    prompt = box;
    const body = make('div', { class: 'message-body' });
    body.append(make('p', { class: 'message-title' }, 'sw.update'), make('p', { class: 'sw-note' }, 'sw.update_note'));
    const reload = /** @type {HTMLButtonElement} */ (make('button', { type: 'button', class: 'primary sw-reload' }, 'sw.reload'));
    reload.addEventListener('click', () => {
      accepted = true;
      reload.disabled = true;
      waiting.postMessage({ type: 'SKIP_WAITING' });
    });
    const later = make('button', { type: 'button', class: 'dismiss', 'aria-label': t('sw.later') });
    later.textContent = '×';
    later.addEventListener('click', () => { box.remove(); prompt = null; });
    box.append(body, reload, later);
    host.append(box);
  }

  const tracked = new WeakSet();
  /* a worker being installed: once installed while another one controls the
     page, it is an update, waiting for the student's "reload" */
  /** @param {ServiceWorker | null} w */
  function track(w) {
    if (!w || tracked.has(w)) return;
    tracked.add(w);
    const worker = w;
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && sw.controller) offer(worker);
    });
  }

  /** @param {ServiceWorkerRegistration} reg */
  function watch(reg) {
    if (reg.waiting && sw.controller) offer(reg.waiting);
    track(reg.installing);
    reg.addEventListener('updatefound', () => track(reg.installing));
  }

  setLanguage(lang);
  if (!sw) {
    setStatus('sw.unsupported');
    return { registered: Promise.resolve(null), setLanguage, relabel };
  }
  /* a controller: the page and everything it needs are in the cache (the
     first install claims the page); after "reload", the new build serves it */
  if (sw.controller) setStatus('sw.ready');
  sw.addEventListener('controllerchange', () => {
    if (accepted && doc.defaultView) doc.defaultView.location.reload();
    else setStatus('sw.ready');
  });
  const registered = Promise.resolve(after).then(() => sw.register(url, { scope: './' })).then((reg) => {
    watch(reg);
    return reg;
  }, (e) => {
    /* file://, a private window that refuses it, a host without sw.js: the
       lab works as before, online only */
    setStatus('sw.failed');
    console.warn(`GradLab: no offline mode: ${e && e.message}`);
    return null;
  });
  return { registered, setLanguage, relabel };
}
