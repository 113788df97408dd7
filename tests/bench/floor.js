// @ts-check
/*
 * floor.js - the engine floor of the first chart (tests/bench/bench_load.mjs):
 * a bare page that does only what the lab's first chart cannot do without.
 * It starts the lab's Worker script (js/engine/worker.js, which picks the
 * threaded engine when the page is cross-origin isolated, as in the lab),
 * waits for its `ready` (the settings table), sends the configuration the lab
 * would send for this URL (schema.js's decode of location.search with the
 * page's FIXED settings, as main.js and session.js build it) and stops its
 * clock at the first record: the `configured` reply, whose step-0 record the
 * lab's charts draw first.  window.floor = {at, error}: at, performance.now()
 * when that reply arrived (ms after navigation, as the lab's firstChartAt);
 * the marks gradlab:ready and gradlab:configured as the lab's (main.js).
 * Bundled by the bench with rollup, as the lab's modules are; it never ships.
 */
import { create as createSchema } from '../../web/js/lab/schema.js';
import { FIXED } from '../../web/js/lab/settings-rules.js';
import { URL_KEYS as SWEEP_KEYS } from '../../web/js/sweep/sweep-model.js';

/** @type {any} */
const g = globalThis;
g.floor = { at: null, error: null };
const worker = new Worker('js/engine/worker.js');
worker.onerror = (ev) => { g.floor.error = ev.message || 'worker error'; };
worker.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'ready') {
    performance.mark('gradlab:ready');
    const schema = createSchema(m.settings, { fixed: FIXED, notFromUrl: { data: ['csv'] }, pageKeys: [...SWEEP_KEYS], hidePanels: ['sweep'] });
    const { config } = schema.decode(location.search);
    worker.postMessage({ type: 'configure', config: Object.assign({}, config, FIXED) });
  } else if (m.type === 'configured') {
    g.floor.at = performance.now();
    performance.mark('gradlab:configured');
  } else if (m.type === 'error') {
    g.floor.error = m.message;
  }
};
