// @ts-check
/*
 * sweep-model.js - the Sweep panel's state and what it draws, pure (no DOM,
 * no Worker): the settings a student may sweep and their starting ranges,
 * the metrics of the engine's sweep result, the sweep text the engine parses
 * ("depth=2..40:8"), the panel's state in the link (sweep, sweep_seeds,
 * sweep_steps, sweep_metric, and sweep2 for a plane), and the chart's series
 * picked out of the engine's result (docs/api.md "Sweeps" and "Planes").
 * Nothing here computes a statistic: every number drawn is a field of the
 * result; a plane's overlays are the engine's mean field (axes[k].chi_mf,
 * depth_6xi, depth_6xi_c) placed on the grid's cells (a drawing position).
 *
 *   const st = decodeState({sweep: 'depth=2..40:8', sweep_seeds: '1..3'}).state;
 *   sweepText(st)              // 'depth=2..40:8'
 *   chartData(result, 'grad_ratio_log10')   // {values, plain: {median, p10, p90}, ..., theory}
 *   // a plane: a second setting (sweep2), rows = its values
 *   const pl = {...withSetting2(withSetting(st, 'init_std'), 'depth')};
 *   sweep2Text(pl)             // 'depth=2..40:8'
 *   planeData(result, 'final_acc')   // {cols, rows, plain: grid, residual: grid, overlays}
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
export const URL_KEYS = Object.freeze(['sweep', 'sweep2', 'sweep_seeds', 'sweep_steps', 'sweep_metric']);

/**
 * The panel's state: the setting swept (name, its range from..to and count
 * of values), for a plane a second setting (name2, from2, to2, count2; name2
 * '' = no second setting, the 1-D sweep), the seeds, the training steps and
 * the metric shown.
 * @typedef {{name: string, from: number, to: number, count: number, name2: string, from2: number, to2: number, count2: number,
 *            seedFrom: number, seedTo: number, steps: number, metric: string}} SweepState
 */

/** @returns {SweepState} */
export function defaultState() {
  const s = SWEEP_SETTINGS[0];
  return { name: s.name, from: s.from, to: s.to, count: s.count, name2: '', from2: 0, to2: 0, count2: 0, seedFrom: 1, seedTo: 3, steps: 0, metric: 'grad_ratio_log10' };
}

/** Is this state a plane (a second setting)? @param {SweepState} st */
export const isPlane = (st) => !!st.name2;

/** @param {string} name */
export const settingOf = (name) => SWEEP_SETTINGS.find((s) => s.name === name);
/** @param {string} name */
export const metricOf = (name) => METRICS.find((m) => m.name === name);

/** The engine's sweep text: NAME=A..B:N (docs/api.md). @param {SweepState} st */
export function sweepText(st) {
  return `${st.name}=${st.from}..${st.to}:${st.count}`;
}

/** The second setting's text, NAME=A..B:N, or '' for a 1-D sweep. @param {SweepState} st */
export function sweep2Text(st) {
  return st.name2 ? `${st.name2}=${st.from2}..${st.to2}:${st.count2}` : '';
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
  /* the same setting on both axes is no plane: the second one goes */
  const second = st.name2 === name ? { name2: '', from2: 0, to2: 0, count2: 0 } : {};
  return { ...st, ...second, name, from: s.from, to: s.to, count: s.count, steps: Math.max(st.steps, s.minSteps) };
}

/**
 * The state with another second setting ('' = none: the 1-D sweep), at its
 * starting range; the first setting keeps its own.
 * @param {SweepState} st @param {string} name2 @returns {SweepState}
 */
export function withSetting2(st, name2) {
  const s = settingOf(name2);
  if (!s || name2 === st.name) return { ...st, name2: '', from2: 0, to2: 0, count2: 0 };
  return { ...st, name2, from2: s.from, to2: s.to, count2: s.count, steps: Math.max(st.steps, s.minSteps) };
}

/** the least training steps the state's settings need (lr: 100) @param {SweepState} st */
function minSteps(st) {
  return Math.max(...[st.name, st.name2].map((n) => (settingOf(n) || { minSteps: 0 }).minSteps));
}

/** the engine's largest record_every (c_src/settings.c): a sweep's networks record nothing before their end */
export const SWEEP_RECORD_EVERY = 1000000;

/**
 * The configuration the sweep runs: the lab's, with what the settings need
 * (init=normal for init_std, block=1 for depth), both stacks and no record
 * before a network's end.
 * @param {Record<string, any>} config @param {SweepState} st @returns {Record<string, any>}
 */
export function sweepConfig(config, st) {
  const needs = [st.name, st.name2].map((n) => (settingOf(n) || { needs: {} }).needs);
  /* record_every at its largest: a sweep measures each network once, after its last step; a
     record on the way changes no weight (the same bits) and costs a third more time in a trained plane */
  return { ...config, ...needs[0], ...needs[1], arch: 'both', record_every: SWEEP_RECORD_EVERY };
}


/**
 * What the Worker's `sweep` message (and Engine.sweep) takes besides the
 * config: the sweep text, sweep2 for a plane, the seeds, both stacks, the steps.
 * @param {SweepState} st @returns {{sweep: string, sweep2?: string, seeds: string, arch: string, steps: number}}
 */
export function sweepSpec(st) {
  const spec = { sweep: sweepText(st), seeds: seedsText(st), arch: 'both', steps: st.steps };
  return st.name2 ? { ...spec, sweep2: sweep2Text(st) } : spec;
}

/**
 * Did this request (a `sweep` message) run the sweep of this state (both
 * settings and their ranges)?  The lesson matches its experiment's result.
 * @param {{sweep?: string, sweep2?: string} | null} request @param {SweepState} st
 */
export function sameSweep(request, st) {
  return !!request && request.sweep === sweepText(st) && (request.sweep2 || '') === sweep2Text(st);
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
  if (q.sweep2 !== undefined) {
    const m = /^([a-z_]+)=(-?[0-9.eE+-]+)\.\.(-?[0-9.eE+-]+):([0-9]+)$/.exec(q.sweep2);
    if (m && settingOf(m[1]) && m[1] !== st.name && Number.isFinite(Number(m[2])) && Number.isFinite(Number(m[3]))) {
      Object.assign(st, withSetting2(st, m[1]), { from2: Number(m[2]), to2: Number(m[3]), count2: Number(m[4]) });
    } else if (m && m[1] === st.name) messages.push(`sweep2: '${q.sweep2}' sweeps ${m[1]} again; a plane needs two different settings`);
    else messages.push(`sweep2: '${q.sweep2}' is not NAME=A..B:N with NAME one of ${SWEEP_SETTINGS.map((s) => s.name).join('|')}`);
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
    if (STEP_CHOICES.includes(n)) st.steps = Math.max(n, minSteps(st));
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
  if (st.name2) q.sweep2 = sweep2Text(st);
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

/* ------------------------------------------------------------------ planes */

/**
 * Are these swept values log-spaced?  The engine log-spaces A..B:N when both
 * ends are positive and more than a decade apart (docs/api.md): between two
 * neighbouring values a number then sits at its place in log10.
 * @param {number[]} values
 */
export function logSpaced(values) {
  return values.length > 1 && values[0] > 0 && values[values.length - 1] / values[0] > 10;
}

/**
 * Where a number sits on a plane's axis of swept values, in the chart's cell
 * units (value i at i + 1; the cells' edges at 0.5 and n + 0.5): between two
 * neighbouring values linearly (in log10 for a log-spaced axis), past the
 * ends along the end segment, and clipped to the edges (`clipped`).  A
 * drawing position, not a number to quote.
 * @param {number[]} values ascending @param {number} v
 * @returns {{pos: number, clipped: boolean}}
 */
export function axisPosition(values, v) {
  const n = values.length;
  if (n === 1) return { pos: 1, clipped: v !== values[0] };
  const lg = logSpaced(values) && v > 0;
  const f = (/** @type {number} */ x) => (lg ? Math.log10(x) : x);
  let i = 0;
  while (i < n - 2 && v > values[i + 1]) i++;
  const a = f(values[i]), b = f(values[i + 1]);
  const pos = i + 1 + (b === a ? 0 : (f(v) - a) / (b - a));
  const clippedPos = Math.min(n + 0.5, Math.max(0.5, pos));
  return { pos: clippedPos, clipped: clippedPos !== pos };
}

/**
 * A stack's grid of a metric in a plane result: grid[j][i] for row j (the
 * second setting's value j) and column i; the median over the seeds, or the
 * diverged share; null where no seed gave a number (or none has run yet).
 * @param {any} result @param {string} arch @param {string} metric
 * @returns {Array<Array<number | null>> | null}
 */
export function planeGrid(result, arch, metric) {
  const r = result[arch];
  if (!r) return null;
  if (metric === 'diverged_share') return r.diverged_share || null;
  return r[metric] ? r[metric].median : null;
}

/**
 * What a plane's chart draws, picked from the engine's result: the columns
 * (axes[0]) and rows (axes[1]), each stack's grid of the metric, and the
 * engine's mean field placed on the cells where the axes allow it:
 *   chiOne  where axes[k].chi_mf crosses 1 (the edge of chaos), on the
 *           weight-scale axis k (sweep-model crossing(), in cell units), with
 *           the two swept values around it: a line across the plane;
 *   xi, xiC the curves depth = depth_6xi (6ξ) and depth = depth_6xi_c (6ξ_c)
 *           when the other axis is depth: one point per weight-scale value
 *           whose number the engine gives (null is infinite: not drawn), at
 *           its place on the depth axis (axisPosition, clipped at the edges).
 * `weight` is the weight-scale axis (0 = columns, 1 = rows), or -1.
 * @param {any} result the engine's plane JSON @param {string} metric
 */
export function planeData(result, metric) {
  const [c, r] = result.axes;
  const weight = c.chi_mf ? 0 : r.chi_mf ? 1 : -1;
  /** @type {{axis: 'x' | 'y', pos: number, between: [number, number]} | null} */
  let chiOne = null;
  /** @type {{xi: Array<{x: number, y: number, clipped: boolean}> | null, xiC: Array<{x: number, y: number, clipped: boolean}> | null}} */
  const curves = { xi: null, xiC: null };
  if (weight >= 0) {
    const w = result.axes[weight], other = result.axes[1 - weight];
    const idx = w.values.map((/** @type {number} */ _, /** @type {number} */ i) => i + 1);
    const cross = crossing(idx, w.chi_mf, 1);
    /* crossing() on the cells' numbers 1..n: `between` names the two cells around the crossing */
    if (cross) chiOne = { axis: weight === 0 ? 'x' : 'y', pos: cross.x, between: [w.values[cross.between[0] - 1], w.values[cross.between[1] - 1]] };
    if (other.name === 'depth') {
      const curve = (/** @type {Array<number | null>} */ depths) => depths.flatMap((d, i) => {
        if (d === null || d === undefined) return [];
        const at = axisPosition(other.values, d);
        return [weight === 0 ? { x: i + 1, y: at.pos, clipped: at.clipped } : { x: at.pos, y: i + 1, clipped: at.clipped }];
      });
      if (w.depth_6xi) curves.xi = curve(w.depth_6xi);
      if (w.depth_6xi_c) curves.xiC = curve(w.depth_6xi_c);
    }
  }
  return {
    cols: c, rows: r, weight,
    plain: planeGrid(result, 'plain', metric), residual: planeGrid(result, 'residual', metric),
    overlays: { chiOne, xi: curves.xi, xiC: curves.xiC },
  };
}

/**
 * The value range the plane's colours span, shared by both stacks: whole
 * decades for a log10 metric, tenths for a share, else the data's own
 * (null when no cell has a number yet).
 * @param {Array<Array<Array<number | null>> | null>} grids @param {string} metric
 * @returns {{min: number, max: number} | null}
 */
export function colorRange(grids, metric) {
  let lo = Infinity, hi = -Infinity;
  for (const g of grids) for (const row of g || []) for (const v of row) if (v !== null && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(lo <= hi)) return null;
  const axis = (metricOf(metric) || { axis: '' }).axis;
  if (axis === 'log10') return { min: Math.floor(lo), max: Math.max(Math.ceil(hi), Math.floor(lo) + 1) };
  if (axis === 'percent') {
    const min = Math.max(0, Math.floor(lo * 10 + 1e-9) / 10), max = Math.min(1, Math.ceil(hi * 10 - 1e-9) / 10);
    return max > min ? { min, max } : { min: Math.max(0, min - 0.1), max: Math.min(1, min + 0.1) };
  }
  return hi > lo ? { min: lo, max: hi } : { min: lo - 0.5, max: hi + 0.5 };
}

/**
 * The result as CSV, a plane: one row per cell, stack and metric (the
 * diverged share in the median column).
 * @param {any} result @returns {string}
 */
export function planeCsv(result) {
  const [c, r] = result.axes;
  const rows = ['arch,metric,name,value,name2,value2,median,p10,p90,nulls'];
  const cell = (/** @type {any} */ v) => (v === null || v === undefined ? '' : String(v));
  for (const arch of ['plain', 'residual']) {
    const s = result[arch];
    if (!s) continue;
    for (const [metric, m] of Object.entries(s)) {
      r.values.forEach((/** @type {number} */ y, /** @type {number} */ j) => c.values.forEach((/** @type {number} */ x, /** @type {number} */ i) => {
        const head = [arch, metric, c.name, x, r.name, y];
        if (metric === 'diverged_share') rows.push([...head, cell(/** @type {any[][]} */ (m)[j][i]), '', '', ''].join(','));
        else rows.push([...head, cell(m.median[j][i]), cell(m.p10[j][i]), cell(m.p90[j][i]), cell(m.nulls ? m.nulls[j][i] : '')].join(','));
      }));
    }
  }
  return rows.join('\n') + '\n';
}

/**
 * The settings a cell of the plane stands for, to load into the lab: the
 * sweep's configuration (the lab's when it ran, with what the settings
 * need; the lab's own record_every), the cell's two values, the sweep's first seed and, after training,
 * its number of steps (so that pressing Run trains what the cell measured).
 * @param {any} request the `sweep` message that made the result @param {any} result
 * @param {number} i column @param {number} j row
 * @returns {Record<string, any>}
 */
export function cellSettings(request, result, i, j) {
  /* not settings a link or a control takes: the stacks (always both), a CSV file's text, the digits' bytes */
  /* the lab keeps its own record_every (the sweep's records nothing on the way) */
  const config = Object.fromEntries(Object.entries(request.config || {}).filter(([k, v]) => !['arch', 'csv', 'digits', 'record_every'].includes(k) && v !== undefined));
  const [c, r] = result.axes;
  /** @type {Record<string, any>} */
  const out = { ...config, [c.name]: c.values[i], [r.name]: r.values[j], seed: result.seeds[0] };
  if (result.steps > 0) out.steps = result.steps;
  return out;
}
