// @ts-check
/*
 * sweep.js - the engine's sweeps in the JavaScript API: one setting over
 * values x seeds x archs, or two settings over every pair of values (a
 * plane: spec.sweep2), run piece by piece (gradlab.h, "sweeps", "two-setting
 * sweeps").  The public surface is gradlab.js's: engine.sweep(config, spec)
 * makes one, and GradLab.Sweep is this class; nobody else loads this file
 * directly.
 *
 *   const sw = engine.sweep({ act: 'tanh' }, { sweep: 'depth=1..100:20', seeds: '1..5' });
 *   while (!sw.finished) sw.run(64);   // one unit at most per call
 *   const r = sw.result();            // { name, values, seeds, steps, plain: {...}, residual }
 *   sw.free();
 *
 *   // a plane: columns init_std, rows depth; every statistic a grid, grid[row][column]
 *   const pl = engine.sweep({ act: 'tanh', init: 'normal', block: 1 },
 *     { sweep: 'init_std=0.09..0.44:11', sweep2: 'depth=2..100:10', seeds: '1..2', steps: 300 });
 *   pl.result();   // { axes: [{name, values, sigma_w, chi_mf, xi, depth_6xi, ...}, {name, values}], ... }
 *
 * It uses the engine's one cwrap table (gradlab.js's `engine.c.sweep*`, checked against the
 * C by tests/node/wrapper.test.mjs) and its errors (engine.error, CODES).
 * Classic script loaded before gradlab.js (self.GradLabEngineSweep: a
 * Worker's importScripts; the name GradLabSweep is the page's Sweep panel's
 * debug surface) or CommonJS module (gradlab.js requires it in node).
 */
/** @typedef {import('./gradlab.js').Engine} Engine */
/** @typedef {import('./gradlab.js').Config} Config */
/**
 * What to sweep: the setting and its values ('depth=1..100:20' or 'width=16,32'), optionally a
 * second setting (sweep2: a plane, its rows), the seeds ('1..5' or [1, 5]; default the config's
 * seed), the archs ('plain', 'residual' or 'both'; default config.arch, else both), training
 * steps per unit (0: measured at initialisation).
 * @typedef {{sweep: string, sweep2?: string | null, seeds?: string | number[] | null, arch?: string, steps?: number}} SweepSpec
 */
/** @typedef {{median: number | null, p10: number | null, p90: number | null, nulls: number}} Summary */
/**
 * The engine's JSON (gl_sweep_json): per arch, per statistic, {median, p10, p90, nulls}, each an
 * array over the values, or for a plane a grid over (row = axes[1], column = axes[0]) pairs
 * @typedef {{name: string, values: (number | string)[], seeds: number[], steps: number,
 *   plain?: {[stat: string]: any}, residual?: {[stat: string]: any}}} SweepResult
 */
/**
 * A plane's axis: the setting, its values, and for a weight-scale axis (init_std with init=normal,
 * dense, no normalisation, the other axis not width) the engine's mean field per value, null
 * where infinite (docs/api.md)
 * @typedef {{name: string, values: number[], sigma_w?: number[], q_star?: (number | null)[],
 *   chi_mf?: number[], xi?: (number | null)[], depth_6xi?: (number | null)[], c_star?: (number | null)[],
 *   chi_c?: (number | null)[], xi_c?: (number | null)[], depth_6xi_c?: (number | null)[]}} SweepAxis
 */
/**
 * A plane's JSON: its two axes; every statistic of every arch a grid, grid[j][i] for value j of
 * axes[1] (the rows) and value i of axes[0] (the columns)
 * @typedef {{axes: SweepAxis[], seeds: number[], steps: number,
 *   plain?: {[stat: string]: any}, residual?: {[stat: string]: any}}} PlaneResult
 */

(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GradLabEngineSweep = factory();
})(typeof self !== 'undefined' ? self : /** @type {any} */ (globalThis), function () {
  'use strict';

  /**
   * A sweep: run(maxSteps) does one piece (at most one unit: one network made, trained at most
   * maxSteps steps, measured, freed); result() is the engine's JSON so far.  free() is safe
   * twice; every other method throws once freed.
   */
  class Sweep {
    /** @param {Engine} engine @param {number} ptr the C handle (gl_sweep *) */
    constructor(engine, ptr) {
      this.engine = engine;
      this._ptr = ptr;
      /** units (value, seed, arch) in all */
      this.total = engine.c.sweepUnitsTotal(ptr);
    }

    /** @returns {number} */
    get ptr() {
      if (!this._ptr) throw this.engine.error(this.engine.codes.EMISUSE, 'this sweep has been freed');
      return this._ptr;
    }

    get freed() {
      return !this._ptr;
    }

    /** Units (value, seed, arch) finished so far. @returns {number} */
    get done() {
      return this.engine.c.sweepUnitsDone(this.ptr);
    }

    get finished() {
      return this.done >= this.total;
    }

    /** 0..1, the unit in training counted in part. @returns {number} */
    get progress() {
      return this.engine.c.sweepProgress(this.ptr);
    }

    /** One piece of work; throws the C message when a unit cannot be made (the sweep then stays failed). */
    run(maxSteps = 1) {
      const { c, codes } = this.engine;
      if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 2 ** 31 - 1) {
        throw this.engine.error(codes.EMISUSE, `sweep: maxSteps must be an integer >= 1 (got ${maxSteps})`);
      }
      const rc = c.sweepRun(this.ptr, maxSteps);
      if (rc) throw this.engine.error(rc, c.sweepErrmsg(this.ptr));
      return this;
    }

    /**
     * The summaries so far (a fresh object each call; null where no seed gave a number): a
     * SweepResult, or a PlaneResult for a sweep made with spec.sweep2.
     * @returns {any}
     */
    result() {
      const text = this.engine.c.sweepJson(this.ptr);
      if (!text) throw this.engine.error(this.engine.codes.ENOMEM, 'sweep: out of memory writing the result');
      return JSON.parse(text);
    }

    /** Releases the sweep and the network in progress; a second call does nothing. */
    free() {
      if (this._ptr) {
        this.engine.c.sweepFree(this._ptr);
        this._ptr = 0;
      }
    }
  }

  /**
   * engine.sweep(config, spec): a sweep over config; throws the C message.
   * @param {Engine} engine @param {Config} config @param {SweepSpec} spec @returns {Sweep}
   */
  function createSweep(engine, config, spec) {
    const { c, codes } = engine;
    if (spec === null || typeof spec !== 'object' || typeof spec.sweep !== 'string') {
      throw engine.error(codes.EMISUSE, "sweep: spec must be { sweep: 'NAME=V1,V2,...' or 'NAME=A..B:N', sweep2, seeds, arch, steps }");
    }
    const sweep2 = spec.sweep2 === undefined || spec.sweep2 === null ? null : spec.sweep2;
    if (sweep2 !== null && typeof sweep2 !== 'string') {
      throw engine.error(codes.EMISUSE, "sweep: spec.sweep2 must be 'NAME=V1,V2,...' or 'NAME=A..B:N' (a plane's rows)");
    }
    /** @type {unknown} */
    let seeds = spec.seeds === undefined || spec.seeds === null ? '' : spec.seeds;
    if (Array.isArray(seeds)) seeds = `${seeds[0]}..${seeds[1]}`;
    if (typeof seeds !== 'string') throw engine.error(codes.EINVAL, `seeds: '${seeds}' must be 'A..B' or [A, B]`);
    const steps = spec.steps === undefined ? 0 : spec.steps;
    if (!Number.isInteger(steps)) throw engine.error(codes.EINVAL, `steps: '${steps}' is not a whole number`);
    const arch = spec.arch === undefined ? (config && config.arch) || 'both' : spec.arch;
    if (typeof arch !== 'string') throw engine.error(codes.EINVAL, `arch: '${arch}' is not plain, residual or both`);
    const cfg = engine._config(config);
    try {
      const ptr = sweep2 === null ? c.sweepNew(cfg, spec.sweep, seeds, arch, steps)
        : c.sweepNew2(cfg, spec.sweep, sweep2, seeds, arch, steps);
      if (!ptr) throw engine.error(codes.ENOMEM, 'out of memory creating a sweep');
      const rc = c.sweepErrcode(ptr);
      if (rc) {
        const e = engine.error(rc, c.sweepErrmsg(ptr));
        c.sweepFree(ptr);
        throw e;
      }
      return new Sweep(engine, ptr);
    } finally {
      c.configFree(cfg);
    }
  }

  return { Sweep, createSweep };
});
