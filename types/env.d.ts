// env.d.ts - for `tsc --checkJs` only (tsconfig.json): the globals of the
// Worker side's classic scripts (CommonJS in node, importScripts in a Worker)
// that no lib file declares without pulling in all of node's types.
declare var module: any;
declare function require(name: string): any;
declare var process: any;
/** emcc's factory (types/engine.d.ts), a global once engine/gradlab-engine[-mt].js is loaded */
declare var createGradLabModule: GradLabModuleFactory;
declare function importScripts(...urls: string[]): void;
// the classic scripts' own globals (UMD roots), as the Worker sees them
declare var GradLab: typeof import('../web/js/engine/gradlab.js');
declare var GradLabWorkerCore: typeof import('../web/js/engine/worker-core.js');
interface Window { GradLab: any; GradLabProtocol: any; GradLabWorkerCore: any }
declare module 'path' { const path: any; export = path; }
declare module 'fs' { const fs: any; export = fs; }
