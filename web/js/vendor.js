// @ts-check
/*
 * vendor.js - the only reader of the globals that classic scripts define:
 * Chart.js and KaTeX (vendor/, from npm) and the Worker protocol's list
 * (js/engine/protocol.js, shared with the Worker), and what js/boot.js
 * started (GradLabBoot).  index.html loads Chart.js, the protocol and boot.js
 * before js/main.js; KaTeX (script and style sheet) is loaded on demand by
 * loadKatex(), when the lesson first typesets a formula.  Every page module
 * imports them from here.
 */
/** @type {any} */
const g = globalThis;

/** Chart.js 4 (vendor/chart.umd.min.js) */
export const Chart = g.Chart;
/** KaTeX (vendor/katex/katex.min.js) once loadKatex() has resolved, else undefined */
export const katex = () => g.katex;

/** @type {Promise<any> | null} */
let katexLoading = null;
/**
 * Loads KaTeX's script and style sheet (once) and resolves with katex; its
 * fonts follow when a formula first uses them.
 * @returns {Promise<any>}
 */
export function loadKatex() {
  if (!katexLoading) {
    katexLoading = new Promise((resolve, reject) => {
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = 'vendor/katex/katex.min.css';
      /* before the lab's own style sheet, which adjusts KaTeX's boxes */
      document.head.insertBefore(css, document.querySelector('link[href="css/gradlab.css"]'));
      const js = document.createElement('script');
      js.src = 'vendor/katex/katex.min.js';
      js.onload = () => resolve(g.katex);
      js.onerror = () => { katexLoading = null; reject(new Error('vendor/katex/katex.min.js did not load')); };
      document.head.append(js);
    });
  }
  return katexLoading;
}

/**
 * What js/boot.js started before the modules: the Worker (it posts `ready` unasked), its
 * early replies, the first language's strings.
 * @type {{lang: string, worker: Worker | null, error: any, fetched: (url: string) => Promise<any> | null,
 *   take: (onmessage: (ev: MessageEvent) => void, onerror: (ev: ErrorEvent) => void) => void} | null}
 */
export const boot = g.GradLabBoot || null;
/** @type {{REQUESTS: readonly string[], REPLIES: readonly string[], ERROR_PLACES: readonly string[]}} */
export const Protocol = g.GradLabProtocol;
