// @ts-check
/*
 * sweep.js - the engine's sweeps in the JavaScript API: one setting over
 * values x seeds x archs, run piece by piece (gradlab.h, "sweeps").  The
 * public surface is gradlab.js's: engine.sweep(config, spec) makes one, and
 * GradLab.Sweep is this class; nobody else loads this file directly.
 *
 *   const sw = engine.sweep({ act: 'tanh' }, { sweep: 'depth=1..100:20', seeds: '1..5' });
 *   while (!sw.finished) sw.run(64);   // one unit at most per call
 *   const r = sw.result();            // { name, values, seeds, steps, plain: {...}, residual }
 *   sw.free();
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
 * What to sweep: the setting and its values ('depth=1..100:20' or 'act=tanh,relu'), the seeds
 * ('1..5' or [1, 5]; default the config's seed), the archs ('plain', 'residual' or 'both';
 * default config.arch, else both), training steps per unit (0: measured at initialisation).
 * @typedef {{sweep: string, seeds?: string | number[] | null, arch?: string, steps?: number}} SweepSpec
 */
/** @typedef {{median: number | null, p10: number | null, p90: number | null, nulls: number}} Summary */
/**
 * The engine's JSON (gl_sweep_json): per arch, per statistic, one Summary per value
 * @typedef {{name: string, values: (number | string)[], seeds: number[], steps: number,
 *   plain?: {[stat: string]: Summary[]}, residual?: {[stat: string]: Summary[]}}} SweepResult
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

    /** The summaries so far (a fresh object each call; null where no seed gave a number). @returns {SweepResult} */
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
      throw engine.error(codes.EMISUSE, "sweep: spec must be { sweep: 'NAME=V1,V2,...' or 'NAME=A..B:N', seeds, arch, steps }");
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
      const ptr = c.sweepNew(cfg, spec.sweep, seeds, arch, steps);
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
