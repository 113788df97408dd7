/* offline-boot.js - starts js/lab/offline.js on the current page until
 * js/main.js exists (the lead moves this call there): the page's i18n lookup
 * and language come from window.gradlab (js/app.js), the first charted step
 * from its state.firstChartAt, the language switch from `gradlab:language`. */
import { startOffline } from './offline.js';

const lab = () => globalThis.gradlab;
const firstChart = new Promise((ok) => {
  const poll = () => (lab() && lab().state.firstChartAt !== null ? ok() : setTimeout(poll, 100));
  poll();
});

firstChart.then(() => {
  const offline = startOffline({
    t: (key) => lab().t(key),
    host: document.getElementById('sw-update'),
    status: document.getElementById('offline-status'),
    lang: lab().state.lang,
  });
  document.addEventListener('gradlab:language', (e) => offline.setLanguage(e.detail.lang));
});
