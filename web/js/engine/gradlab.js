// @ts-check
/*
 * gradlab.js - the one JavaScript API over the WebAssembly engine.
 *
 * No DOM, no timers: the page, the Worker and node's tests all use it.
 * Loads as a classic script (defines self.GradLab; the Emscripten factory
 * createGradLabModule, net.js and sweep.js must be loaded first) or as a CommonJS module.
 *
 *   const engine = await GradLab.load();               // browser / worker
 *   const engine = await GradLab.loadNode('build/web'); // node
 *   const net = engine.create({ depth: 30, act: 'sigmoid' }, 'plain');
 *   net.step(10);
 *   const s = net.stats();   // { step, loss, acc, status, grad_norm: Float64Array, ... }
 *   net.free();
 *
 * The conv model trains on digit images handed over as bytes (the files
 * web/data/digits-{train,test}.bin, fetched by the caller):
 *   engine.create({ model: 'conv', data: 'digits', blocks: 4, channels: 8,
 *                   digits: { train: Uint8Array, test: Uint8Array } }, 'residual');
 * stats() then also holds test_loss and test_acc (null without a test split).
 *
 * This file is the engine (the module, configs, making networks and
 * sweeps); a network's calls are net.js (Net), a sweep's sweep.js (Sweep).
 * Both must be loaded before this file (node: required from here); nobody
 * uses them but through it.
 *
 * Every engine error becomes a JS Error whose message is the C message
 * (err.code is the C code, err.codeName its name).  Statistics are copied
 * out of the WASM heap, so nothing dangles when memory grows.
 */
/** @typedef {{[name: string]: any}} Config settings by name (the engine's table), plus csv text or digits bytes */
/** @typedef {'plain' | 'residual'} Arch */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./net.js'), require('./sweep.js'));
  else root.GradLab = factory(root.GradLabEngineNet, root.GradLabEngineSweep);
})(typeof self !== 'undefined' ? self : /** @type {any} */ (globalThis), function (
  /** @type {typeof import('./net.js')} */ Nets, /** @type {typeof import('./sweep.js')} */ Sweeps) {
  'use strict';
  if (!Nets || !Sweeps) throw new Error('GradLab: load js/engine/net.js and sweep.js before gradlab.js');

  /** @type {Record<Arch, number>} */
  const ARCH = { plain: 0, residual: 1 };
  /* the result codes of gradlab.h (GL_OK ... GL_EMISUSE) and their names (gl_errstr):
     tests/node/wrapper.test.mjs checks both against the C */
  const CODES = Object.freeze({ OK: 0, EINVAL: 1, ENOMEM: 2, EDATA: 3, ESTATE: 4, EMISUSE: 5 });
  /** @type {Readonly<Record<number, string>>} */
  const CODE_NAMES = Object.freeze({ 0: 'ok', 1: 'invalid setting', 2: 'out of memory', 3: 'malformed data', 4: 'not allowed in this state', 5: 'API misuse' });
  /* an error the wrapper raises itself (the C would say the same) */
  const fail = (/** @type {string} */ message, /** @type {number} */ code) => new GradLabError(message, code, CODE_NAMES[code]);

  class GradLabError extends Error {
    /** @param {string} message @param {number} code @param {string} codeName */
    constructor(message, code, codeName) {
      super(message);
      this.name = 'GradLabError';
      this.code = code;
      this.codeName = codeName;
    }
  }

  class Engine {
    /** @param {GradLabModule} mod the instantiated Emscripten module (types/engine.d.ts) */
    constructor(mod) {
      this.mod = mod;
      /** @template {GradLabCType | null} R @param {string} name @param {R} ret @param {GradLabCType[]} args */
      const c = (name, ret, args) => mod.cwrap(name, ret, args);
      this.c = {
        configNew: c('glw_config_new', 'number', []),
        create: c('glw_create', 'number', ['number', 'number']),
        heapInUse: c('glw_heap_in_use', 'number', []),
        realBytes: c('glw_real_bytes', 'number', []),
        version: c('gl_version', 'string', []),
        errstr: c('gl_errstr', 'string', ['number']),
        settingsJson: c('gl_settings_json', 'string', []),
        configFree: c('gl_config_free', null, ['number']),
        configSet: c('gl_config_set', 'number', ['number', 'string', 'string']),
        configGet: c('gl_config_get', 'string', ['number', 'string']),
        configSetCsv: c('gl_config_set_csv', 'number', ['number', 'number', 'number']),
        configSetDigits: c('gl_config_set_digits', 'number', ['number', 'number', 'number', 'number']),
        configJson: c('gl_config_json', 'string', ['number']),
        configErrmsg: c('gl_config_errmsg', 'string', ['number']),
        configErrcode: c('gl_config_errcode', 'number', ['number']),
        free: c('gl_free', null, ['number']),
        errmsg: c('gl_errmsg', 'string', ['number']),
        errcode: c('gl_errcode', 'number', ['number']),
        memoryBytes: c('gl_memory_bytes', 'number', ['number']),
        step: c('gl_step', 'number', ['number', 'number']),
        measure: c('gl_measure', 'number', ['number']),
        status: c('gl_status', 'number', ['number']),
        stepsDone: c('gl_steps_done', 'number', ['number']),
        divergedStep: c('gl_diverged_step', 'number', ['number']),
        divergedLayer: c('gl_diverged_layer', 'number', ['number']),
        divergedWhere: c('gl_diverged_where', 'string', ['number']),
        nLayers: c('gl_n_layers', 'number', ['number']),
        layerName: c('gl_layer_name', 'string', ['number', 'number']),
        nClasses: c('gl_n_classes', 'number', ['number']),
        fieldName: c('gl_field_name', 'string', ['number']),
        recordField: c('gl_record_field', 'number', ['number', 'number']),
        recordStep: c('gl_record_step', 'number', ['number']),
        recordDead: c('gl_record_dead', 'number', ['number']),
        deadStep: c('gl_dead_step', 'number', ['number']),
        recordLoss: c('gl_record_loss', 'number', ['number']),
        recordAcc: c('gl_record_acc', 'number', ['number']),
        recordTestLoss: c('gl_record_test_loss', 'number', ['number']),
        recordTestAcc: c('gl_record_test_acc', 'number', ['number']),
        evalCount: c('gl_eval_count', 'number', ['number']),
        evalTestCount: c('gl_eval_test_count', 'number', ['number']),
        recordResScale: c('gl_record_res_scale', 'number', ['number', 'number']),
        actMaxSlope: c('gl_act_max_slope', 'number', ['number']),
        nBlocks: c('gl_n_blocks', 'number', ['number']),
        nPoints: c('gl_n_points', 'number', ['number']),
        nInputs: c('gl_n_inputs', 'number', ['number']),
        dataX: c('gl_data_x', 'number', ['number']),
        dataY: c('gl_data_y', 'number', ['number']),
        predictGrid: c('gl_predict_grid', 'number',
          ['number', 'number', 'number', 'number', 'number', 'number', 'number', 'number']),
        imageHeight: c('gl_image_height', 'number', ['number']),
        imageWidth: c('gl_image_width', 'number', ['number']),
        nTestPoints: c('gl_n_test_points', 'number', ['number']),
        testX: c('gl_test_x', 'number', ['number']),
        testY: c('gl_test_y', 'number', ['number']),
        predictTest: c('gl_predict_test', 'number', ['number', 'number', 'number', 'number']),
        threadsSet: c('gl_threads_set', 'number', ['number']),
        threadsGet: c('gl_threads_get', 'number', []),
        threadsMax: c('gl_threads_max', 'number', []),
        threadsErrmsg: c('gl_threads_errmsg', 'string', []),
        sweepNew: c('glw_sweep_new', 'number', ['number', 'string', 'string', 'string', 'number']),
        sweepFree: c('gl_sweep_free', null, ['number']),
        sweepErrcode: c('gl_sweep_errcode', 'number', ['number']),
        sweepErrmsg: c('gl_sweep_errmsg', 'string', ['number']),
        sweepRun: c('gl_sweep_run', 'number', ['number', 'number']),
        sweepUnitsDone: c('gl_sweep_units_done', 'number', ['number']),
        sweepUnitsTotal: c('gl_sweep_units_total', 'number', ['number']),
        sweepProgress: c('gl_sweep_progress', 'number', ['number']),
        sweepJson: c('gl_sweep_json', 'string', ['number']),
        sweepNew2: c('glw_sweep_new2', 'number', ['number', 'string', 'string', 'string', 'string', 'number']),
        netSet: c('gl_net_set', 'number', ['number', 'string', 'string']),
        blockFieldName: c('gl_block_field_name', 'string', ['number']),
        recordBlockField: c('gl_record_block_field', 'number', ['number', 'number']),
        recordStemFactor: c('gl_record_stem_factor', 'number', ['number']),
        recordHeadFactor: c('gl_record_head_factor', 'number', ['number']),
        blockFirstLayer: c('gl_block_first_layer', 'number', ['number', 'number']),
        blockLastLayer: c('gl_block_last_layer', 'number', ['number', 'number']),
      };
      /** the result codes (CODES), for the errors of net.js and sweep.js */
      this.codes = CODES;
      this.version = this.c.version();
      /** The engine's settings table: [{name, type, default, min, max, choices, help}] */
      /** @type {{name: string, type: string, default: any, min?: number, max?: number, choices?: string[], help: string}[]} */
      this.settings = JSON.parse(this.c.settingsJson());
      this.settingsByName = Object.fromEntries(this.settings.map((s) => [s.name, s]));
      /** @type {string[]} the per-layer statistics of a record, in the engine's order */
      this.fieldNames = [];
      for (let f = 0; this.c.fieldName(f); f++) this.fieldNames.push(this.c.fieldName(f));
      /** @type {string[]} a residual stack's per-block statistics (block_factor, ...), in the engine's order */
      this.blockFieldNames = [];
      for (let f = 0; this.c.blockFieldName(f); f++) this.blockFieldNames.push(this.c.blockFieldName(f));
      this.realBytes = this.c.realBytes();
    }

    /** Threads the matrix products run on (1 to maxThreads); any count gives the same numbers. */
    get threads() {
      return this.c.threadsGet();
    }

    /** The most threads this module can use: 1 for the single-threaded module. */
    get maxThreads() {
      return this.c.threadsMax();
    }

    /** Sets the thread count; throws the C message when n is out of range or a thread cannot start. @param {number} n */
    setThreads(n) {
      if (!Number.isInteger(n)) throw fail(`threads: '${n}' is not a whole number`, CODES.EINVAL);
      const rc = this.c.threadsSet(n);
      if (rc) throw this.error(rc, this.c.threadsErrmsg());
      /* node: helper threads must not keep the process alive once the caller is done */
      const pt = this.mod.PThread;
      if (pt && typeof process === 'object') {
        for (const w of [...pt.unusedWorkers, ...pt.runningWorkers]) if (w && w.unref) w.unref();
      }
      return this;
    }

    /** The GradLabError of a C result code. @param {number} code @param {string} message */
    error(code, message) {
      return new GradLabError(message, code, this.c.errstr(code));
    }

    /** Builds a C config from a plain object; the caller frees it. @param {Config} config @returns {number} */
    _config(config) {
      if (config === null || typeof config !== 'object') {
        throw fail('config must be an object of settings', CODES.EMISUSE);
      }
      const cfg = this.c.configNew();
      if (!cfg) throw this.error(CODES.ENOMEM, 'out of memory creating a configuration');
      try {
        for (const [name, value] of Object.entries(config)) {
          if (name === 'csv' || name === 'digits') continue;
          if (value === undefined) continue;
          const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
          const rc = this.c.configSet(cfg, name, text);
          if (rc) throw this.error(rc, this.c.configErrmsg(cfg));
        }
        if (config.csv !== undefined) {
          if (typeof config.csv !== 'string') throw fail('csv: must be text', CODES.EINVAL);
          const bytes = new TextEncoder().encode(config.csv);
          const ptr = this.mod._malloc(bytes.length + 1);
          if (!ptr) throw this.error(CODES.ENOMEM, 'out of memory copying the CSV text');
          this.mod.HEAPU8.set(bytes, ptr);
          const rc = this.c.configSetCsv(cfg, ptr, bytes.length);
          this.mod._free(ptr);
          if (rc) throw this.error(rc, this.c.configErrmsg(cfg));
        }
        if (config.digits !== undefined) this._setDigits(cfg, config.digits);
      } catch (e) {
        this.c.configFree(cfg);
        throw e;
      }
      return cfg;
    }

    /** config.digits = { train, test? }: the bytes of digits files (Uint8Array or ArrayBuffer).
     * @param {number} cfg @param {{train: Uint8Array | ArrayBuffer, test?: Uint8Array | ArrayBuffer}} digits */
    _setDigits(cfg, digits) {
      if (digits === null || typeof digits !== 'object' || digits.train === undefined) {
        throw fail('digits: must be { train: bytes, test: bytes (optional) }', CODES.EINVAL);
      }
      for (const [split, bytes] of /** @type {[number, Uint8Array | ArrayBuffer | undefined][]} */ ([[0, digits.train], [1, digits.test]])) {
        if (bytes === undefined) continue;
        if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
          throw fail('digits: the files must be a Uint8Array or an ArrayBuffer', CODES.EINVAL);
        }
        const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
        const ptr = this.mod._malloc(Math.max(u8.length, 1));
        if (!ptr) throw this.error(CODES.ENOMEM, 'out of memory copying the digits');
        this.mod.HEAPU8.set(u8, ptr);
        const rc = this.c.configSetDigits(cfg, split, ptr, u8.length);
        this.mod._free(ptr);
        if (rc) throw this.error(rc, this.c.configErrmsg(cfg));
      }
    }

    /** Validates a config against the engine's table; returns its canonical form. @param {Config} config @returns {Config} */
    normalize(config) {
      const cfg = this._config(config);
      try {
        return JSON.parse(this.c.configJson(cfg));
      } finally {
        this.c.configFree(cfg);
      }
    }

    /** Creates one network; arch 'plain' or 'residual' (default: config.arch). @param {Config} config @param {string} [arch] */
    create(config, arch) {
      const a = arch === undefined ? (config && config.arch) || 'plain' : arch;
      if (!(a in ARCH)) throw fail(`arch: '${a}' is not plain or residual`, CODES.EINVAL);
      const known = /** @type {Arch} */ (a);
      const cfg = this._config(config);
      try {
        const ptr = this.c.create(cfg, ARCH[known]);
        if (!ptr) throw this.error(this.c.configErrcode(cfg), this.c.configErrmsg(cfg));
        return new Nets.Net(this, ptr, known);
      } finally {
        this.c.configFree(cfg);
      }
    }

    /** The networks named by config.arch ('plain', 'residual' or 'both'), as {plain?, residual?}.
     * @param {Config} config @returns {{plain?: import('./net.js').Net, residual?: import('./net.js').Net}} */
    createRuns(config) {
      const which = (config && config.arch) || 'both';
      const archs = which === 'both' ? ['plain', 'residual'] : [which];
      /** @type {{[arch: string]: import('./net.js').Net}} */
      const runs = {};
      try {
        for (const a of archs) runs[a] = this.create(config, a);
      } catch (e) {
        for (const n of Object.values(runs)) n.free();
        throw e;
      }
      return runs;
    }

    /** A sweep over config (settings by name, like create): sweep.js, the Sweep class. Throws the C message.
     * @param {Config} config @param {import('./sweep.js').SweepSpec} spec */
    sweep(config, spec) {
      return Sweeps.createSweep(this, config, spec);
    }

    /** Bytes malloc has handed out and not taken back (for leak tests). */
    heapInUse() {
      return this.c.heapInUse();
    }
  }

  /** Browser page or Worker: the Emscripten factory must already be loaded.
   * @param {{factory?: GradLabModuleFactory, moduleOptions?: GradLabModuleOptions}} [options] */
  async function load(options = {}) {
    const factory = options.factory || (typeof createGradLabModule !== 'undefined' ? createGradLabModule : null);
    if (!factory) throw new Error('GradLab: load gradlab-engine.js before calling GradLab.load()');
    const mod = await factory(options.moduleOptions || {});
    return new Engine(mod);
  }

  /** node: loads gradlab-engine.{js,wasm} from dir (the engine folder of build/site), a fresh
   * instance per call.  options.threads: the multi-threaded module gradlab-engine-mt.js with
   * that many threads (the single-threaded module when absent).
   * @param {string} dir @param {{threads?: number}} [options] */
  async function loadNode(dir, options = {}) {
    const path = require('path'), fs = require('fs');
    const mt = options.threads !== undefined;
    const js = path.resolve(dir, mt ? 'gradlab-engine-mt.js' : 'gradlab-engine.js');
    /** @type {GradLabModuleFactory} */
    const factory = require(js);
    const mod = await factory({ wasmBinary: fs.readFileSync(js.replace(/\.js$/, '.wasm')) });
    const engine = new Engine(mod);
    if (options.threads !== undefined) engine.setThreads(options.threads);
    return engine;
  }

  return { load, loadNode, Engine, Net: Nets.Net, Sweep: Sweeps.Sweep, GradLabError, ARCH, CODES, CODE_NAMES, STATUS_DIVERGED: Nets.STATUS_DIVERGED };
});
