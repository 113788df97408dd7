// @ts-check
/*
 * frame.js - redraws the lab at most once per animation frame, and at most
 * every RENDER_MS while training: any store change marks it dirty, and so
 * can markDirty() (a record, fonts loaded).  The renderers are the panels'
 * render(state) functions, called in order.
 */
import { isRunning } from './store.js';

export const RENDER_MS = 100;

/**
 * @template {import('./store.js').Phased} S
 * @param {import('./store.js').Store<S>} store
 * @param {Array<(s: S) => void>} renderers
 */
export function createFrame(store, renderers) {
  let dirty = false, raf = 0, lastRender = 0;

  function frame(/** @type {number} */ now) {
    raf = 0;
    if (!dirty) return;
    const s = store.get();
    if (isRunning(s) && now - lastRender < RENDER_MS) {
      raf = requestAnimationFrame(frame);
      return;
    }
    lastRender = now;
    dirty = false;
    for (const render of renderers) render(s);
  }

  function markDirty() {
    dirty = true;
    if (!raf) raf = requestAnimationFrame(frame);
  }
  store.subscribe(markDirty);
  return { markDirty };
}
