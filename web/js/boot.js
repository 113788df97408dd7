// @ts-check
/*
 * boot.js - starts, before the page's modules have arrived, the two things
 * the first chart waits for: the engine's Worker (its script loads the
 * engine at once and posts `ready` when it is there, so the engine downloads
 * and compiles while the modules load; nothing is sent to it from here) and
 * the UI strings of the first language.  A classic script in <head>: it runs while the rest
 * of the page is still being parsed.  main.js takes both over through
 * vendor.js (window.GradLabBoot): the Worker's replies that came before it
 * did are kept in `early` and handed over in order (take()), the strings'
 * fetches are reused (fetched(url)).  Nothing else here but the document's lang and dir:
 * no other DOM, no state.
 */
(function () {
  'use strict';
  /** the language of the page before the engine's table: the link's, else the browser's (main.js firstLanguage) */
  var asked = new URLSearchParams(location.search).get('lang');
  var lang = asked === 'en' || asked === 'fa' ? asked
    : ((navigator.language || '').toLowerCase().indexOf('fa') === 0 ? 'fa' : 'en');
  /* the document's language and direction before its body is parsed: the first layout is
     already the page's (Persian: right to left, in its font), and page-text.js, which sets
     both again with the words, changes nothing then (in Persian that change relaid the whole
     page out, some 100 ms, between the engine's first configure and the first chart) */
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
  /** @type {Record<string, Promise<any>>} */
  var fetches = {};
  function fetchJson(/** @type {string} */ url) {
    return fetch(url, { cache: 'no-cache' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function prefetch(/** @type {string} */ url) {
    var p = fetchJson(url);
    p.catch(function () { /* main.js sees the rejection when it takes it */ });
    fetches[url] = p;
  }
  prefetch('lesson/ui-en.json');
  if (lang !== 'en') prefetch('lesson/ui-' + lang + '.json');

  /** @type {Worker | null} */
  var worker = null;
  /** @type {any} */
  var failure = null;
  /** @type {{kind: string, event: any}[]} */
  var early = [];
  /** main.js's handlers once it has taken the Worker over (take), else null */
  /** @type {{message: (ev: MessageEvent) => void, error: (ev: ErrorEvent) => void} | null} */
  var taker = null;
  var heard = false;
  try {
    worker = new Worker('js/engine/worker.js');
    /* these two handlers stay: before take() they keep what comes, after it they pass it on */
    worker.onmessage = function (ev) {
      /* when the engine's first reply (ready) reached the page, for tests/bench/bench_load.mjs,
         whether it came before main.js took the Worker over or after */
      if (!heard) { heard = true; performance.mark('gradlab:engine'); }
      if (taker) taker.message(ev);
      else early.push({ kind: 'message', event: ev });
    };
    worker.onerror = function (ev) {
      if (taker) taker.error(ev);
      else { ev.preventDefault(); early.push({ kind: 'error', event: ev }); }
    };
  } catch (e) {
    failure = e;
  }

  /** @type {any} */ (window).GradLabBoot = {
    lang: lang,
    worker: worker,
    error: failure,
    /** the prefetched JSON of url (once), or null */
    fetched: function (/** @type {string} */ url) {
      var p = fetches[url] || null;
      delete fetches[url];
      return p;
    },
    /**
     * Hands the Worker's replies over (once every listener is in place): from
     * now on its messages and errors go to the handlers, the earlier ones
     * first, in order.
     * @param {(ev: MessageEvent) => void} onmessage @param {(ev: ErrorEvent) => void} onerror
     */
    take: function (onmessage, onerror) {
      if (!worker || taker) return;
      taker = { message: onmessage, error: onerror };
      early.splice(0).forEach(function (m) { (m.kind === 'message' ? onmessage : onerror)(m.event); });
    },
  };
})();
