// @ts-check
/*
 * selection.js - the layer the student has selected, one for the whole
 * page: the store's `selected` ({arch, layer}: a stack and a 1-based layer,
 * or null).  Every per-layer view that lets a student pick a layer (the
 * gradient-norm chart, the heatmaps, the network diagram, the
 * distributions) calls select(); every view that marks or explains a layer
 * (the same views, a layer's card) watches `selected`.  A new configuration
 * with another layer count clears it; a layer outside the current network
 * is refused (returns false), so no view ever holds a layer that is not
 * there.  Owns the store key `selected` and nothing else.
 */
import { ARCHS } from './history.js';

/** @typedef {{arch: import('./state.js').Arch, layer: number}} Selected */

/**
 * Whether {arch, layer} names a layer of a network with n layers.
 * @param {any} sel @param {number} n
 * @returns {sel is Selected}
 */
export function isSelection(sel, n) {
  return !!sel && ARCHS.includes(sel.arch) && Number.isInteger(sel.layer) && sel.layer >= 1 && sel.layer <= n;
}

/** @param {{store: import('./state.js').LabStore}} deps */
export function createSelection({ store }) {
  /* a new configuration keeps the selection only if its layer is still there */
  store.watch((s) => s.configuredCount, (_, s) => {
    if (s.selected && !isSelection(s.selected, s.layers.length)) store.update({ selected: null });
  });
  return {
    /**
     * Selects a layer of a stack (or clears with null); true when the selection is now that.
     * @param {Selected | null} sel
     */
    select(sel) {
      if (sel === null) {
        if (store.get().selected !== null) store.update({ selected: null });
        return true;
      }
      if (!isSelection(sel, store.get().layers.length)) return false;
      const cur = store.get().selected;
      if (!cur || cur.arch !== sel.arch || cur.layer !== sel.layer) store.update({ selected: { arch: sel.arch, layer: sel.layer } });
      return true;
    },
    /** the selected layer (a copy), or null */
    get() {
      const s = store.get().selected;
      return s ? { arch: s.arch, layer: s.layer } : null;
    },
  };
}

/** @typedef {ReturnType<typeof createSelection>} Selection */
