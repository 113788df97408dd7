// engine.d.ts - for `tsc --checkJs` only: the Emscripten module that emcc
// builds from c_src/ (MODULARIZE: the factory createGradLabModule, in
// engine/gradlab-engine[-mt].js), as web/js/engine/gradlab.js uses it.

/** what cwrap converts: a C number or pointer, a C string */
type GradLabCType = 'number' | 'string';
/** what a cwrapped function returns for cwrap's return type (null: void) */
type GradLabCReturn<R> = R extends 'number' ? number : R extends 'string' ? string : void;

interface GradLabModule {
  cwrap<R extends GradLabCType | null>(name: string, ret: R, args: GradLabCType[]): (...args: (number | string)[]) => GradLabCReturn<R>;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  HEAPF32: Float32Array;
  HEAPF64: Float64Array;
  /** the multi-threaded module's helper Workers (node's worker_threads under node) */
  PThread?: { unusedWorkers: { unref?: () => void }[]; runningWorkers: { unref?: () => void }[] };
}

interface GradLabModuleOptions {
  /** the .wasm's bytes (node: its fetch cannot read a path) */
  wasmBinary?: Uint8Array;
  /** where a file beside the engine's .js is (the Worker: engine/, not js/engine/) */
  locateFile?: (file: string) => string;
  /** the engine's .js, for the helper threads of the multi-threaded module */
  mainScriptUrlOrBlob?: string;
}

type GradLabModuleFactory = (options?: GradLabModuleOptions) => Promise<GradLabModule>;
