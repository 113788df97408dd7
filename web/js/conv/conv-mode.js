// @ts-check
/*
 * conv-mode.js - the page's convolutional mode (model=conv on data=digits),
 * a plug-in that main.js mounts with the store, the Worker client, i18n and
 * the lab's extension points:
 *
 *   - fetches data/digits-train.bin and data/digits-test.bin once (same
 *     origin) and adds their bytes to a configure message (a preparer of
 *     session.js) whenever data=digits;
 *   - with data=digits the strip of test digits shows each stack's
 *     prediction (digit-strip.js; the boundary cards hide themselves);
 *   - with model=conv the degradation card runs the degradation experiment
 *     (degradation-panel.js).
 *
 * What choosing model=conv sets in other settings is a rule of
 * settings-rules.js.  It owns only the cards it creates.  docs/page.md.
 */
import { createDigitStrip } from './digit-strip.js';
import { createDegradationPanel } from './degradation-panel.js';

/** @typedef {import('../ui/plugin.js').PluginContext} PluginContext */

/** @param {string} name @returns {Promise<Uint8Array>} */
async function fetchBytes(name) {
  const r = await fetch(`data/${name}`);
  if (!r.ok) throw new Error(`data/${name}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** @param {PluginContext} ctx */
export function mountConvMode(ctx) {
  const { store, i18n, lab } = ctx;
  /** @type {{train: Uint8Array, test: Uint8Array} | null} */
  let digits = null;
  /** @type {Promise<any> | null} */
  let loading = null;
  let mode = 'dense', imageMode = false, built = false;

  function loadDigits() {
    if (!loading) {
      loading = Promise.all([fetchBytes('digits-train.bin'), fetchBytes('digits-test.bin')])
        .then(([train, test]) => {
          digits = { train, test };
          return digits;
        })
        .catch((e) => {
          loading = null;
          lab.message('error', i18n.t('conv.digits_failed'), [e.message], 'digits');
          throw e;
        });
    }
    return loading;
  }
  /* data=digits: the bytes go with the configure message (once loaded) */
  lab.addPreparer((config) => (config.data !== 'digits' ? null : digits ? { digits } : loadDigits()));

  const strip = createDigitStrip(ctx);
  const degradation = createDegradationPanel(ctx, { digits: () => digits });

  function build() {
    if (built) return;
    built = true;
    lab.after.after(strip.card, degradation.card);
    texts();
  }

  function texts() {
    if (!built) return;
    strip.texts();
    degradation.texts();
  }

  store.watch((s) => s.configuredCount, (n, s) => {
    build();
    const config = s.config || {};
    mode = config.model === 'conv' ? 'conv' : 'dense';
    imageMode = config.data === 'digits';
    degradation.card.hidden = mode !== 'conv';
    /* its chart is made when its card is first shown (a chart costs the first chart's time) */
    if (mode === 'conv' && !degradation.hasChart()) degradation.makeChart();
    strip.configured(imageMode, s.received || 0);
  });
  /* a stop (pause, the end): the strip once more */
  store.watch((s) => s.phase, (phase) => {
    if (phase === 'paused' || phase === 'finished' || phase === 'diverged') strip.request();
  });
  store.watch((s) => s.lang, texts);

  return {
    debug: () => ({ mode, imageMode, digitsLoaded: !!digits, strip: strip.debug(), degradation: degradation.debug() }),
    /** @param {number} [steps] */
    runDegradation: (steps) => degradation.run(steps),
    stopDegradation: () => degradation.stop(),
  };
}
