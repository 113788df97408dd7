// @ts-check
/*
 * sweep-model.js - the Sweep panel's state and what it draws, pure (no DOM,
 * no Worker): the settings a student may sweep and their starting ranges,
 * the metrics of the engine's sweep result, the sweep text the engine parses
 * ("depth=2..40:8"), the panel's state in the link (sweep, sweep_seeds,
 * sweep_steps, sweep_metric), and the chart's series picked out of the
 * engine's result (docs/api.md "Sweeps").  Nothing here computes a
 * statistic: every number drawn is a field of the result.
 *
 *   const st = decodeState({sweep: 'depth=2..40:8', sweep_seeds: '1..3'}).state;
 *   sweepText(st)              // 'depth=2..40:8'
 *   chartData(result, 'grad_ratio_log10')   // {values, plain: {median, p10, p90}, ..., theory}
 */

/**
 * The settings the panel offers, with a starting range (from, to, count) and
 * what the sweep's configuration needs for the setting to matter: init_std
 * is the std of init=normal; lr changes nothing at initialisation; a depth
 * sweep uses blocks of one layer (so every depth is legal).
 * @type {ReadonlyArray<{name: string, from: number, to: number, count: number, integer: boolean, needs: Record<string, any>, minSteps: number}>}
 */
export const SWEEP_SETTINGS = Object.freeze([
  { name: 'depth', from: 2, to: 40, count: 8, integer: true, needs: { block: 1 }, minSteps: 0 },
  { name: 'init_std', from: 0.02, to: 0.2, count: 9, integer: false, needs: { init: 'normal' }, minSteps: 0 },
  { name: 'res_scale', from: 0.1, to: 2, count: 8, integer: false, needs: {}, minSteps: 0 },
  { name: 'width', from: 8, to: 128, count: 5, integer: true, needs: {}, minSteps: 0 },
  { name: 'lr', from: 0.01, to: 1, count: 5, integer: false, needs: {}, minSteps: 100 },
]);

/**
 * The metrics of a sweep result (the engine's names) and how the chart's y
 * axis shows them: `log10` values on a linear axis whose ticks read 10^k,
 * `log` a logarithmic axis, `percent` a share.  `steps`: only with steps > 0.
 * @type {ReadonlyArray<{name: string, axis: 'log10' | 'log' | 'linear' | 'percent', steps: boolean}>}
 */
export const METRICS = Object.freeze([
  { name: 'grad_ratio_log10', axis: 'log10', steps: false },
  { name: 'act_grad_ratio_log10', axis: 'log10', steps: false },
  { name: 'chi_geomean', axis: 'log', steps: false },
  { name: 'final_loss', axis: 'linear', steps: true },
  { name: 'final_acc', axis: 'percent', steps: true },
  { name: 'diverged_share', axis: 'percent', steps: true },
]);
export const STEP_CHOICES = Object.freeze([0, 100, 300]);
export const MAX_SEEDS = 20;   /* the panel's own limit: a sweep is values x seeds x 2 networks */
export const URL_KEYS = Object.freeze(['sweep', 'sweep_seeds', 'sweep_steps', 'sweep_metric']);

/** @typedef {{name: string, from: number, to: number, count: number, seedFrom: number, seedTo: number, steps: number, metric: string}} SweepState */

/** @returns {SweepState} */
export function defaultState() {
  const s = SWEEP_SETTINGS[0];
  return { name: s.name, from: s.from, to: s.to, count: s.count, seedFrom: 1, seedTo: 3, steps: 0, metric: 'grad_ratio_log10' };
}

/** @param {string} name */
export const settingOf = (name) => SWEEP_SETTINGS.find((s) => s.name === name);
/** @param {string} name */
export const metricOf = (name) => METRICS.find((m) => m.name === name);

/** The engine's sweep text: NAME=A..B:N (docs/api.md). @param {SweepState} st */
export function sweepText(st) {
  return `${st.name}=${st.from}..${st.to}:${st.count}`;
}

/** The engine's seeds range 'A..B'. @param {SweepState} st */
export function seedsText(st) {
  return `${st.seedFrom}..${st.seedTo}`;
}

/**
 * The state of another setting: its starting range, the rest kept; a metric
 * that needs training takes the setting's least number of steps.
 * @param {SweepState} st @param {string} name @returns {SweepState}
 */
export function withSetting(st, name) {
  const s = settingOf(name);
  if (!s) return st;
  return { ...st, name, from: s.from, to: s.to, count: s.count, steps: Math.max(st.steps, s.minSteps) };
}

/**
 * The configuration the sweep runs: the lab's, with what the setting needs
 * (init=normal for init_std) and both stacks.
 * @param {Record<string, any>} config @param {SweepState} st @returns {Record<string, any>}
 */
export function sweepConfig(config, st) {
  const s = settingOf(st.name);
  return { ...config, ...(s ? s.needs : {}), arch: 'both' };
}

/**
 * The metrics the chart may show at these steps (training metrics only after training).
 * @param {number} steps
 */
export function metricsFor(steps) {
  return METRICS.filter((m) => !m.steps || steps > 0);
}

/**
 * The panel's state in a link: {state, messages}; a malformed part keeps
 * its default and adds a message in the form the schema's are written.
 * Ranges and values the engine judges (out of range, too many values) are
 * the engine's to refuse when the sweep runs.
 * @param {Record<string, string | undefined>} q the link's sweep keys
 */
export function decodeState(q) {
  const st = defaultState();
  /** @type {string[]} */
  const messages = [];
  if (q.sweep !== undefined) {
    const m = /^([a-z_]+)=(-?[0-9.eE+-]+)\.\.(-?[0-9.eE+-]+):([0-9]+)$/.exec(q.sweep);
    if (m && settingOf(m[1]) && Number.isFinite(Number(m[2])) && Number.isFinite(Number(m[3]))) {
      Object.assign(st, withSetting(st, m[1]), { from: Number(m[2]), to: Number(m[3]), count: Number(m[4]) });
    } else messages.push(`sweep: '${q.sweep}' is not NAME=A..B:N with NAME one of ${SWEEP_SETTINGS.map((s) => s.name).join('|')}`);
  }
  if (q.sweep_seeds !== undefined) {
    const m = /^([0-9]+)\.\.([0-9]+)$/.exec(q.sweep_seeds);
    if (m) {
      st.seedFrom = Number(m[1]);
      st.seedTo = Number(m[2]);
    } else messages.push(`sweep_seeds: '${q.sweep_seeds}' is not A..B`);
  }
  if (q.sweep_steps !== undefined) {
    const n = Number(q.sweep_steps);
    if (STEP_CHOICES.includes(n)) st.steps = Math.max(n, (settingOf(st.name) || { minSteps: 0 }).minSteps);
    else messages.push(`sweep_steps: '${q.sweep_steps}' is not one of ${STEP_CHOICES.join('|')}`);
  }
  if (q.sweep_metric !== undefined) {
    if (metricsFor(st.steps).some((x) => x.name === q.sweep_metric)) st.metric = /** @type {string} */ (q.sweep_metric);
    else messages.push(`sweep_metric: '${q.sweep_metric}' is not one of ${metricsFor(st.steps).map((x) => x.name).join('|')}`);
  }
  return { state: st, messages };
}

/**
 * The link's sweep keys for a state ({} for the default state, so a link
 * without a sweep stays as it was).
 * @param {SweepState} st @returns {Record<string, string>}
 */
export function encodeState(st) {
  const d = defaultState();
  /** @type {Record<string, string>} */
  const q = {};
  if (sweepText(st) !== sweepText(d)) q.sweep = sweepText(st);
  if (seedsText(st) !== seedsText(d)) q.sweep_seeds = seedsText(st);
  if (st.steps !== d.steps) q.sweep_steps = String(st.steps);
  if (st.metric !== d.metric) q.sweep_metric = st.metric;
  return q;
}

/**
 * Is the x axis logarithmic?  The engine log-spaces A..B when both are
 * positive and more than a decade apart; depth stays linear (the law is a
 * straight line in depth).
 * @param {string} name @param {number[]} values
 */
export function logX(name, values) {
  return name !== 'depth' && values.length > 1 && values[0] > 0 && values[values.length - 1] / values[0] > 10;
}

/**
 * Where a drawn line meets the level `one` (the chart's grey line at
 * ratio 1, or chi = 1): the first pair of neighbouring points on either
 * side of it (or on it), and the x at which the straight segment between
 * them, as the chart draws it (in log10 of x on a log x axis, of y on a
 * log y axis), crosses the level.  A drawing position for a marker, not a
 * number to quote: the text says `between`.  null when it never crosses.
 * @param {number[]} xs @param {Array<number | null>} ys @param {number} one
 * @param {{logX?: boolean, logY?: boolean}} [scales]
 * @returns {{x: number, between: [number, number]} | null}
 */
export function crossing(xs, ys, one, { logX: lx = false, logY: ly = false } = {}) {
  const fx = (/** @type {number} */ v) => (lx ? Math.log10(v) : v), fy = (/** @type {number} */ v) => (ly ? Math.log10(v) : v);
  for (let i = 1; i < xs.length; i++) {
    const a = ys[i - 1], b = ys[i];
    if (a === null || b === null || (ly && !(a > 0 && b > 0))) continue;
    const da = fy(a) - fy(one), db = fy(b) - fy(one);
    if (da === 0 && i === 1) return { x: xs[0], between: [xs[0], xs[0]] };
    if (!(da < 0 && db >= 0) && !(da > 0 && db <= 0)) continue;
    const u = fx(xs[i - 1]) + (fx(xs[i]) - fx(xs[i - 1])) * (da / (da - db));
    return { x: lx ? Math.pow(10, u) : u, between: [xs[i - 1], xs[i]] };
  }
  return null;
}

/**
 * The chart's numbers, picked out of the engine's result: per stack the
 * median, p10 and p90 of the metric at every swept value (null where no
 * seed gave a number), the theory of the plain stack for the two gradient
 * ratios (grad_ratio_theory_log10 beside grad_ratio_log10,
 * act_grad_ratio_theory_log10 beside act_grad_ratio_log10), where the plain stack's chi
 * reaches 1 (chiOne: the first swept value whose median chi_geomean is at
 * least 1 after one below it), and where the drawn lines cross the chart's
 * line at 1 (`ones`: the theory line's, the plain stack's measured median's;
 * crossing()), which the chart marks.
 * @param {any} result the engine's sweep JSON @param {string} metric
 */
export function chartData(result, metric) {
  const values = /** @type {number[]} */ (result.values);
  /** @type {Record<string, {median: Array<number | null>, p10: Array<number | null>, p90: Array<number | null>} | null>} */
  const stacks = {};
  for (const arch of ['plain', 'residual']) {
    const r = result[arch];
    if (!r) {
      stacks[arch] = null;
      continue;
    }
    if (metric === 'diverged_share') {
      const v = r.diverged_share || values.map(() => /** @type {number | null} */ (null));
      stacks[arch] = { median: v, p10: v, p90: v };
      continue;
    }
    const m = r[metric];
    stacks[arch] = m ? { median: m.median, p10: m.p10, p90: m.p90 } : null;
  }
  /* each ratio beside its own law: the weight gradients' (forward second moment and
     backward factor together) and the back-propagated gradients' (sqrt(chi) per layer) */
  const law = /** @type {Record<string, string>} */ ({ grad_ratio_log10: 'grad_ratio_theory_log10', act_grad_ratio_log10: 'act_grad_ratio_theory_log10' })[metric];
  const theory = law && result.plain && result.plain[law] ? result.plain[law].median : null;
  let chiOne = null;
  const chi = result.plain && result.plain.chi_geomean ? result.plain.chi_geomean.median : null;
  if (chi) {
    for (let i = 1; i < values.length; i++) {
      if (chi[i - 1] !== null && chi[i] !== null && chi[i - 1] < 1 && chi[i] >= 1) {
        chiOne = values[i];
        break;
      }
    }
  }
  const axis = (METRICS.find((m) => m.name === metric) || { axis: '' }).axis;
  const level = axis === 'log10' ? 0 : axis === 'log' ? 1 : null;
  const scales = { logX: logX(result.name, values), logY: axis === 'log' };
  const ones = {
    theory: level !== null && theory ? crossing(values, theory, level, scales) : null,
    measured: level !== null && stacks.plain ? crossing(values, stacks.plain.median, level, scales) : null,
  };
  return { values, plain: stacks.plain, residual: stacks.residual, theory, chiOne, ones };
}

/**
 * The rows of the chart's text alternative, one per swept value: each
 * stack's median, p10 and p90 of the metric (chartData's, so the same
 * numbers the chart draws), the theory where the chart has one, and
 * whether the chart draws a band (every metric but diverged_share).
 * @param {any} result the engine's sweep JSON @param {string} metric
 */
export function sweepRows(result, metric) {
  const data = chartData(result, metric);
  const stacks = /** @type {const} */ (['plain', 'residual']).filter((a) => data[a]);
  return {
    stacks, band: metric !== 'diverged_share', theory: !!data.theory, chiOne: data.chiOne, ones: data.ones,
    rows: data.values.map((value, i) => ({
      value,
      stacks: stacks.map((a) => {
        const s = /** @type {{median: Array<number | null>, p10: Array<number | null>, p90: Array<number | null>}} */ (data[a]);
        return { median: s.median[i], p10: s.p10[i], p90: s.p90[i] };
      }),
      theory: data.theory ? data.theory[i] : null,
    })),
  };
}

/**
 * The result as CSV: one row per stack, metric and swept value.
 * @param {any} result @returns {string}
 */
export function resultCsv(result) {
  const rows = ['arch,metric,name,value,median,p10,p90,nulls'];
  const cell = (/** @type {any} */ v) => (v === null || v === undefined ? '' : String(v));
  for (const arch of ['plain', 'residual']) {
    const r = result[arch];
    if (!r) continue;
    for (const [metric, m] of Object.entries(r)) {
      result.values.forEach((/** @type {number} */ x, /** @type {number} */ i) => {
        if (metric === 'diverged_share') rows.push([arch, metric, result.name, x, cell(/** @type {any[]} */ (m)[i]), '', '', ''].join(','));
        else rows.push([arch, metric, result.name, x, cell(m.median[i]), cell(m.p10[i]), cell(m.p90[i]), cell(m.nulls ? m.nulls[i] : '')].join(','));
      });
    }
  }
  return rows.join('\n') + '\n';
}
