// @ts-check
/*
 * net.js - one network of the JavaScript API: training steps, the record
 * copied out of the WASM heap (stats), the data it trains on, predictions,
 * free.  The public surface is gradlab.js's: engine.create(config, arch)
 * makes one, and GradLab.Net is this class; nobody else loads this file
 * directly.
 *
 *   const net = engine.create({ depth: 30, act: 'sigmoid' }, 'plain');
 *   net.step(10);
 *   const s = net.stats();   // { step, loss, acc, status, grad_norm: Float64Array, ... }
 *   net.free();              // a second call does nothing; every other call then throws
 *
 * It uses the engine's one cwrap table (gradlab.js's `engine.c`, checked against the C
 * by tests/node/wrapper.test.mjs) and its errors (engine.error, engine.codes).
 * Classic script loaded before gradlab.js (self.GradLabEngineNet: a
 * Worker's importScripts) or CommonJS module (gradlab.js requires it in node).
 */
/** @typedef {import('./gradlab.js').Engine} Engine */
/** @typedef {import('./gradlab.js').Arch} Arch */
/** @typedef {{n: number, d: number, classes: number, x: Float32Array, y: Int32Array}} DataSet */
/**
 * One record, copied out of the heap (the per-layer fields, named by engine.fieldNames, are Float64Arrays;
 * the histograms, named by engine.histNames, Uint32Arrays of nLayers x bins counts, layer-major:
 * hist_pre[(l - 1) * bins + b] is count b of layer l, bins = histEdges.hist_pre.length + 1;
 * absent from a record made without them: hist = 0, the default, until setHist(true))
 * @typedef {{arch: Arch, step: number, steps_done: number, loss: number, acc: number,
 *   test_loss: number | null, test_acc: number | null, status: 'ok' | 'diverged',
 *   diverged: {step: number, layer: number, where: string} | null, dead: number, dead_step: number,
 *   res_scale: Float64Array, act_max_slope: number, act_slow_region: SlowRegion,
 *   stem_factor: number | null, head_factor: number | null, [field: string]: any}} Stats
 * (a residual stack's per-block fields, named by engine.blockFieldNames, are Float64Arrays of
 * nBlocks values, empty for a plain stack, whose stem_factor and head_factor are null)
 */
/**
 * Where the activation's slope is below a tenth of its largest (what `saturation` counts):
 * z <= lo or z > hi; null where there is no such side (relu: {lo: 0, hi: null}; linear: both null)
 * @typedef {{lo: number | null, hi: number | null}} SlowRegion
 */
/** Each histogram's edges by its name (hist_pre, ...): E edges, E + 1 counts per layer @typedef {{[name: string]: Float64Array}} HistEdges */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GradLabEngineNet = factory();
})(typeof self !== 'undefined' ? self : /** @type {any} */ (globalThis), function () {
  'use strict';

  /* gl_status: the network stopped on a non-finite value (wrapper.test checks it against gradlab.h) */
  const STATUS_DIVERGED = 1;

  class Net {
    /** @param {Engine} engine @param {number} ptr the C handle (gl_net *) @param {Arch} arch */
    constructor(engine, ptr, arch) {
      this.engine = engine;
      this._ptr = ptr;
      this.arch = arch;
      const c = engine.c;
      this.nLayers = c.nLayers(ptr);
      this.layers = [];
      for (let l = 1; l <= this.nLayers; l++) this.layers.push(c.layerName(ptr, l));
      this.nBlocks = c.nBlocks(ptr);
      /** per residual block, its first and last layer (1-based, as layers[l - 1] names them); [] for a plain stack */
      this.blockLayers = [];
      for (let b = 0; b < this.nBlocks; b++) this.blockLayers.push([c.blockFirstLayer(ptr, b), c.blockLastLayer(ptr, b)]);
      this.nClasses = c.nClasses(ptr);
      this.memoryBytes = c.memoryBytes(ptr);
      this.nTest = c.nTestPoints(ptr);
      /** how many examples every record's loss and accuracy are measured on, of the training set
       *  and of the test split (gl_eval_count: a conv model's first 50 of each, say) */
      this.evalCount = c.evalCount(ptr);
      this.evalTestCount = c.evalTestCount(ptr);
      this.nPoints = c.nPoints(ptr);
      /** image data (data=digits): { h, w } of each input row; null otherwise */
      this.image = c.imageHeight(ptr) ? { h: c.imageHeight(ptr), w: c.imageWidth(ptr) } : null;
      const mod = engine.mod;
      /** @type {number[]} counts per layer of each histogram, in engine.histNames' order */
      this.histBins = engine.histNames.map((_, k) => c.histBins(ptr, k));
      /** @type {HistEdges} the histograms' edges: fixed for the network, whether it counts them or not */
      this.histEdges = {};
      engine.histNames.forEach((name, k) => {
        const at = c.histEdges(ptr, k) / 8;
        this.histEdges[name] = mod.HEAPF64.slice(at, at + this.histBins[k] - 1);
      });
      const finite = (/** @type {number} */ v) => (Number.isFinite(v) ? v : null);
      /** @type {SlowRegion} gl_act_slow_region: the shaded region of the z histogram */
      this.actSlowRegion = Object.freeze({ lo: finite(c.actSlowEdge(ptr, 0)), hi: finite(c.actSlowEdge(ptr, 1)) });
    }

    get ptr() {
      if (!this._ptr) throw this.engine.error(this.engine.codes.EMISUSE, 'this network has been freed');
      return this._ptr;
    }

    get freed() {
      return !this._ptr;
    }

    /** @param {number} rc a C result code: 0, else throws the network's message */
    _check(rc) {
      if (rc) throw this.engine.error(rc, this.engine.c.errmsg(this.ptr));
    }

    /** Runs n training steps (the engine measures every record_every-th). */
    step(n = 1) {
      if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
        throw this.engine.error(this.engine.codes.EMISUSE, `step: n must be an integer >= 0 (got ${n})`);
      }
      this._check(this.engine.c.step(this.ptr, n));
      return this;
    }

    /**
     * Changes course mid-run: lr, clip or momentum, from the next step on (gl_net_set). The
     * value is validated by the engine's settings table; a bad name or value throws a
     * GradLabError with the C message and changes nothing.
     * @param {string} name @param {number | string} value
     */
    set(name, value) {
      if (typeof name !== 'string' || (typeof value !== 'number' && typeof value !== 'string')) {
        throw this.engine.error(this.engine.codes.EMISUSE, `set: name must be text and value a number or text (got ${typeof name}, ${typeof value})`);
      }
      this._check(this.engine.c.netSet(this.ptr, name, String(value)));
      return this;
    }

    /** Counts the record's histograms (on) or not, from the next record on (gl_record_hist_set):
     * what the setting hist says at create, changed between steps. @param {boolean} on */
    setHist(on) {
      this._check(this.engine.c.recordHistSet(this.ptr, on ? 1 : 0));
      return this;
    }

    /**
     * phi and phi' of the network's activation at n points from z0 to z1 (ends included), from
     * the step's own kernels (gl_act_curve): the curves drawn over the z histogram.
     * @param {number} z0 @param {number} z1 @param {number} n
     * @returns {{z: Float64Array, phi: Float64Array, dphi: Float64Array}}
     */
    actCurve(z0, z1, n) {
      const mod = this.engine.mod;
      const buf = mod._malloc(Math.max(2, n) * 16);
      try {
        this._check(this.engine.c.actCurve(this.ptr, z0, z1, n, buf, buf + n * 8));
        const z = Float64Array.from({ length: n }, (_, i) => z0 + ((z1 - z0) * i) / (n - 1));
        return { z, phi: mod.HEAPF64.slice(buf / 8, buf / 8 + n), dphi: mod.HEAPF64.slice(buf / 8 + n, buf / 8 + 2 * n) };
      } finally {
        mod._free(buf);
      }
    }

    /** Measures the current parameters without an update. */
    measure() {
      this._check(this.engine.c.measure(this.ptr));
      return this;
    }

    get stepsDone() {
      return this.engine.c.stepsDone(this.ptr);
    }

    /** True once the engine has stopped this network on a non-finite value (no copy of the stats). */
    get diverged() {
      return this.engine.c.status(this.ptr) === STATUS_DIVERGED;
    }

    /** The last record, copied: {step, loss, acc, status, diverged, dead, dead_step, steps_done, <field>: Float64Array
     *  per layer, <block field>: Float64Array per block, stem_factor, head_factor, res_scale, act_max_slope}. */
    /** @returns {Stats} */
    stats() {
      const c = this.engine.c, p = this.ptr, mod = this.engine.mod;
      const diverged = this.diverged;
      /* the per-layer fields, the per-block fields, stem_factor, head_factor, res_scale and act_max_slope
         are added below, in this order */
      const out = /** @type {Stats} */ ({
        arch: this.arch,
        step: c.recordStep(p),
        steps_done: c.stepsDone(p),
        loss: c.recordLoss(p),
        acc: c.recordAcc(p),
        test_loss: this.nTest ? c.recordTestLoss(p) : null,
        test_acc: this.nTest ? c.recordTestAcc(p) : null,
        status: diverged ? 'diverged' : 'ok',
        diverged: diverged
          ? { step: c.divergedStep(p), layer: c.divergedLayer(p), where: c.divergedWhere(p) }
          : null,
        /* 1 when every layer's weight gradient is 0 or underflows float32 (gl_record_dead), and
         * the first recorded step where that was so (gl_dead_step: -1 never; it stays set) */
        dead: c.recordDead(p),
        dead_step: c.deadStep(p),
      });
      this.engine.fieldNames.forEach((name, f) => {
        const at = c.recordField(p, f) / 8;
        out[name] = mod.HEAPF64.slice(at, at + this.nLayers);
      });
      /* a residual stack's chain rule one block at a time (engine.blockFieldNames); stem and head
         complete the product: stem_factor * prod(block_factor) * head_factor = chain_product[0] */
      this.engine.blockFieldNames.forEach((name, f) => {
        const at = c.recordBlockField(p, f) / 8;
        out[name] = mod.HEAPF64.slice(at, at + this.nBlocks);
      });
      out.stem_factor = this.nBlocks ? c.recordStemFactor(p) : null;
      out.head_factor = this.nBlocks ? c.recordHeadFactor(p) : null;
      out.res_scale = new Float64Array(this.nBlocks);
      for (let b = 0; b < this.nBlocks; b++) out.res_scale[b] = c.recordResScale(p, b);
      /* the bound on phi' in every chain factor (the network's activation, not the record's) */
      out.act_max_slope = c.actMaxSlope(p);
      out.act_slow_region = this.actSlowRegion;
      /* the histograms, when this record counted them: nLayers x bins counts each, layer-major */
      if (c.recordHistOn(p)) {
        this.engine.histNames.forEach((name, k) => {
          const at = c.recordHist(p, k) / 4;
          out[name] = mod.HEAPU32.slice(at, at + this.nLayers * this.histBins[k]);
        });
        /* and their edges, so that a record read alone (the lesson's values) knows its bins */
        out.hist_edges = this.histEdges;
      }
      return out;
    }

    /** The training data as trained on: {n, d, classes, x: Float32Array (n*d), y: Int32Array}. */
    /** @returns {DataSet} */
    data() {
      const c = this.engine.c, p = this.ptr, mod = this.engine.mod;
      const n = this.nPoints, d = c.nInputs(p);
      const xp = c.dataX(p), yp = c.dataY(p);
      const x = this.engine.realBytes === 4
        ? mod.HEAPF32.slice(xp / 4, xp / 4 + n * d)
        : Float32Array.from(mod.HEAPF64.subarray(xp / 8, xp / 8 + n * d));
      return { n, d, classes: this.nClasses, x, y: mod.HEAP32.slice(yp / 4, yp / 4 + n) };
    }

    /** The test split (data=digits): {n, d, classes, x: Float32Array (n*d), y: Int32Array}. */
    /** @returns {DataSet} */
    testData() {
      const c = this.engine.c, p = this.ptr, mod = this.engine.mod;
      const n = this.nTest, d = c.nInputs(p);
      if (!n) return { n: 0, d, classes: this.nClasses, x: new Float32Array(0), y: new Int32Array(0) };
      const xp = c.testX(p), yp = c.testY(p);
      const x = this.engine.realBytes === 4
        ? mod.HEAPF32.slice(xp / 4, xp / 4 + n * d)
        : Float32Array.from(mod.HEAPF64.subarray(xp / 8, xp / 8 + n * d));
      return { n, d, classes: this.nClasses, x, y: mod.HEAP32.slice(yp / 4, yp / 4 + n) };
    }

    /** Class probabilities of test images first .. first+count-1: Float64Array(i*classes + c).
     * @param {number} first @param {number} count @returns {Float64Array} */
    predictTest(first, count) {
      const p = this.ptr, mod = this.engine.mod;
      if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0 || first + count > this.nTest) {
        throw this.engine.error(this.engine.codes.EINVAL, `predict_test: images ${first} .. ${first + count - 1} are outside the ${this.nTest} test images`);
      }
      const size = count * this.nClasses;
      const buf = mod._malloc(Math.max(size, 1) * 8);
      if (!buf) throw this.engine.error(this.engine.codes.ENOMEM, 'out of memory for the predictions');
      try {
        this._check(this.engine.c.predictTest(p, first, count, buf));
        return mod.HEAPF64.slice(buf / 8, buf / 8 + size);
      } finally {
        mod._free(buf);
      }
    }

    /** Class probabilities on an nx x ny grid: Float64Array((iy*nx+ix)*classes + c).
     * @param {number} x0 @param {number} x1 @param {number} y0 @param {number} y1 @param {number} nx @param {number} ny
     * @returns {Float64Array} */
    predictGrid(x0, x1, y0, y1, nx, ny) {
      const p = this.ptr, mod = this.engine.mod;
      if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1 || nx > 1024 || ny > 1024) {
        throw this.engine.error(this.engine.codes.EINVAL, 'predict_grid: need integers 1 <= nx, ny <= 1024');
      }
      const count = nx * ny * this.nClasses;
      const buf = mod._malloc(count * 8);
      if (!buf) throw this.engine.error(this.engine.codes.ENOMEM, 'out of memory for the prediction grid');
      try {
        this._check(this.engine.c.predictGrid(p, x0, x1, y0, y1, nx, ny, buf));
        return mod.HEAPF64.slice(buf / 8, buf / 8 + count);
      } finally {
        mod._free(buf);
      }
    }

    /** Releases the network; a second call does nothing. */
    free() {
      if (this._ptr) {
        this.engine.c.free(this._ptr);
        this._ptr = 0;
      }
    }
  }

  return { Net, STATUS_DIVERGED };
});
