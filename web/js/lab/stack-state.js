// @ts-check
/*
 * stack-state.js - one definition of a stack's state in a run: diverged,
 * dead or ok.  Pure (no DOM, no import), so the page's run status and stack
 * cards (stacks.js, run-controls.js), the lesson (values.js: its `if`
 * sentences and the values diverged_step / dead_step) and both test suites
 * read the same function and cannot disagree.
 *
 *   diverged  the record's status is 'diverged', with {step, layer, where}
 *   dead      every layer's weight gradient is exactly 0 or below float32's
 *             smallest normal number: no weight can change any more.  The
 *             engine says so itself (docs/worker-protocol.md): per record
 *             `dead` (0/1) and per net `dead_step` (the first recorded step
 *             that was dead, -1 never; it stays set).  A record without them
 *             (an engine before they existed) is judged on its `grad_norm`
 *             and `underflow`, the same test the engine makes.
 */

/** float32's smallest normal number: below it a gradient is marked underflow */
export const FLT_MIN = 1.1754943508222875e-38;

/** per-layer fields whose 0 means "underflowed", not "no signal" */
const GRADIENT_FIELDS = new Set(['grad_norm', 'act_grad_norm', 'chain_product', 'gamma_grad_norm']);

/**
 * Has this per-layer number underflowed: a gradient that is exactly 0, or a
 * weight gradient the engine marks `underflow` = 1?
 * @param {Record<string, any>} rec @param {string} field @param {number} i
 */
export function underflowed(rec, field, i) {
  if (!GRADIENT_FIELDS.has(field)) return false;
  const v = rec[field][i];
  return v === 0 || (field === 'grad_norm' && !!rec.underflow && rec.underflow[i] === 1);
}

/**
 * Is a stack dead in this record: every layer's weight gradient exactly 0 or
 * underflowed?  The engine's own `dead` field when the record has it.
 * @param {Record<string, any>} rec
 */
export function isDead(rec) {
  if (typeof rec.dead === 'number' || typeof rec.dead === 'boolean') return !!rec.dead;
  const g = rec.grad_norm;
  for (let i = 0; i < g.length; i++) if (!underflowed(rec, 'grad_norm', i)) return false;
  return g.length > 0;
}

/**
 * The first step at which a stack was dead, or null: the engine's per-net
 * `dead_step` when the run carries it (-1 = never), else the earliest of
 * `init` (when given) and `end` that is dead (`approx`: dead at or before
 * that step; the records between were not looked at).
 * @param {{init?: Record<string, any> | null, end: Record<string, any>, dead_step?: number}} run
 * @returns {{step: number | null, approx: boolean}}
 */
export function deadStep(run) {
  const own = run.dead_step !== undefined ? run.dead_step : run.end.dead_step;
  if (typeof own === 'number') return { step: own >= 0 ? own : null, approx: false };
  if (run.init && isDead(run.init)) return { step: run.init.step, approx: false };
  if (isDead(run.end)) return { step: run.end.step, approx: !!run.init };
  return { step: null, approx: false };
}

/**
 * A stack's state: from its newest record (a diverged stack's is its last
 * finite one, with status 'diverged'), and for the fallback of `dead`, an
 * earlier record of the run.  Diverged wins: a stack that diverged is
 * reported as diverged, not dead.
 * @param {Record<string, any> | null | undefined} rec the stack's newest record
 * @param {Record<string, any> | null} [init] an earlier record of the same run (step 0), if any
 * @returns {{state: 'ok'} | {state: 'diverged', step: number, layer: number, where: string} | {state: 'dead', step: number, approx: boolean}}
 */
export function stackState(rec, init = null) {
  if (!rec) return { state: 'ok' };
  if (rec.status === 'diverged' && rec.diverged) return { state: 'diverged', step: rec.diverged.step, layer: rec.diverged.layer, where: rec.diverged.where };
  if (!rec.grad_norm) return { state: 'ok' };
  const d = deadStep({ init, end: rec });
  if (d.step !== null) return { state: 'dead', step: d.step, approx: d.approx };
  return { state: 'ok' };
}
