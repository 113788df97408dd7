// @ts-check
/*
 * run-controls.js - the run bar: Run, Pause, Step, Reset, the speed slider
 * and the run-status line, driven by the store's phase (store.js); the
 * line also says which stack diverged or died and when (stack-state.js
 * stackState, the lesson's definition too), so a run that "finished" with one stack lost says so next
 * to the buttons.  Owns #btn-*, #speed, #speed-out and #run-status.
 */
import { $, el } from '../ui/dom.js';
import { stackState } from './stack-state.js';
import { ARCHS } from './history.js';
import { isRunning, isFinished } from '../ui/store.js';

/**
 * @param {{store: import('./state.js').LabStore, session: import('./session.js').Session, i18n: import('../ui/i18n.js').I18n}} deps
 */
export function mountRunControls({ store, session, i18n }) {
  $('btn-run').addEventListener('click', () => session.run());
  $('btn-pause').addEventListener('click', () => session.pause());
  $('btn-step').addEventListener('click', () => session.step());
  $('btn-reset').addEventListener('click', () => session.reset());
  $('speed').addEventListener('input', () => {
    const v = Number($('speed').value);
    $('speed-out').value = i18n.format().int(v);
    session.speed(v);
  });

  function buttons(/** @type {import('./state.js').State} */ s) {
    const ready = !!s.config;
    const configuring = s.phase === 'configuring';
    $('btn-run').disabled = !ready || isRunning(s) || isFinished(s) || configuring;
    $('btn-pause').disabled = !ready || !isRunning(s);
    $('btn-step').disabled = !ready || isFinished(s) || configuring;
    $('btn-reset').disabled = !ready;
  }
  store.subscribe(buttons);

  return {
    /** the engine's speed levels (ready message) @param {number} speeds @param {number} speed */
    setSpeeds(speeds, speed) {
      $('speed').max = String(speeds - 1);
      $('speed').value = String(speed);
    },
    /** the slider's number in the page's language */
    texts() {
      $('speed-out').value = i18n.format().int(Number($('speed').value));
    },
    /** the status line from the latest record @param {import('./state.js').State} s */
    render(s) {
      const r = s.latest;
      if (!r || !s.config) return;
      const fmt = i18n.format();
      const both = ARCHS.every((a) => r[a].status === 'diverged');
      const stepNow = Math.max(...ARCHS.map((a) => r[a].steps_done));
      const vars = { step: fmt.int(stepNow), steps: fmt.int(s.config.steps) };
      const t = i18n.t;
      const status = $('run-status');
      status.textContent = both ? t('status.stopped', vars)
        : isRunning(s) ? t('status.running', vars)
          : isFinished(s) ? t('status.done', vars)
            : stepNow > 0 ? t('status.paused', vars) : t('status.ready', vars);
      /* a stack that diverged or died while the other went on: which, and when (both diverged:
         said above); the lesson's answer says the same (its `if` sentences read stack-state.js) */
      if (both) return;
      for (const a of ARCHS) {
        const st = stackState(r[a]);
        if (st.state === 'ok') continue;
        const key = st.state === 'diverged' ? 'status.stack_diverged' : 'status.stack_dead';
        status.append(el('span', { class: 'status-note', 'data-arch': a, 'data-state': st.state, text: t(key, { stack: t(`stack.${a}`), step: fmt.int(st.step) }) }));
      }
    },
  };
}
