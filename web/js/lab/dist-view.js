// @ts-check
/*
 * dist-view.js - the distributions view's controls (#card-dist, a
 * <details> under the gradient-norm chart; the two charts are the
 * registry's dist_plain and dist_residual): the quantity switch (the store's
 * `distQuantity`), the layer picker (selection.js, so a layer picked here is
 * the one the gradient-norm chart and the heatmaps ring, and the other way
 * round), and the histograms' cost: the records count them only while the
 * view is open (the store's `distOpen`): a configure then carries hist = 1
 * (a preparer) and opening or closing sends the Worker `hist`, which holds
 * from the next record on.  Owns those controls and nothing else.
 */
import { $, el } from '../ui/dom.js';
import { QUANTITIES } from './dist-model.js';
import { ARCHS } from './history.js';

/**
 * @param {{store: import('./state.js').LabStore, worker: import('../ui/worker-client.js').WorkerClient,
 *          i18n: import('../ui/i18n.js').I18n, select: (sel: import('./selection.js').Selected | null) => boolean,
 *          addPreparer: (fn: (config: Record<string, any>) => any) => void, markDirty: () => void}} deps
 */
export function mountDistView({ store, worker, i18n, select, addPreparer, markDirty }) {
  const details = /** @type {HTMLDetailsElement} */ ($('card-dist'));
  const picker = /** @type {HTMLSelectElement} */ ($('dist-layer'));
  const radios = /** @type {HTMLInputElement[]} */ (QUANTITIES.map((q) => $(`dist-q-${q}`)));
  store.update({ distQuantity: 'hist_pre', distOpen: details.open });

  /* the configure message counts the histograms while the view is open */
  addPreparer(() => (store.get().distOpen ? { hist: 1 } : null));
  /** @type {boolean | null} what the Worker was last told */
  let told = null;
  const tell = () => {
    const s = store.get();
    if (!s.config || !s.distOpen === !told && told !== null) return;
    if (s.phase === 'loading' || s.phase === 'failed' || s.phase === 'configuring') return;
    told = !!s.distOpen;
    worker.send({ type: 'hist', on: told });
  };
  details.addEventListener('toggle', () => {
    store.update({ distOpen: details.open });
    tell();
    markDirty();
  });
  /* a configure goes back to its config's hist: the preparer said what the view wants */
  store.watch((s) => s.configuredCount, () => { told = !!store.get().distOpen; fillPicker(); });

  for (const r of radios) {
    r.addEventListener('change', () => {
      if (r.checked) {
        store.update({ distQuantity: r.value });
        markDirty();
      }
    });
  }

  function fillPicker() {
    const s = store.get(), f = i18n.format(), t = i18n.t;
    const opts = [el('option', { value: '', text: t('dist.layer_none') })];
    for (const a of ARCHS) {
      opts.push(el('optgroup', { label: t(`stack.${a}`) },
        /* the group names the stack: an option is the layer alone (it fits the box at 1366 px and on a phone) */
        ...s.layers.map((name, i) => el('option', { value: `${a}:${i + 1}`, text: `${f.int(i + 1)} · ${name}` }))));
    }
    picker.replaceChildren(...opts);
    showSelected();
  }
  function showSelected() {
    const sel = store.get().selected;
    picker.value = sel ? `${sel.arch}:${sel.layer}` : '';
  }
  picker.addEventListener('change', () => {
    const [arch, layer] = picker.value.split(':');
    select(picker.value ? { arch: /** @type {import('./state.js').Arch} */ (arch), layer: Number(layer) } : null);
  });
  store.watch((s) => s.selected, () => { showSelected(); markDirty(); });
  store.watch((s) => s.lang, () => fillPicker());

  return {
    /** opens the view (the lesson, before an experiment about distributions): the next configure counts them */
    open() {
      if (!details.open) details.open = true;
      store.update({ distOpen: true });
      tell();
    },
    /** the view's state (the debug surface) */
    debug: () => ({ open: !!store.get().distOpen, quantity: store.get().distQuantity, told }),
  };
}

/** @typedef {ReturnType<typeof mountDistView>} DistView */
