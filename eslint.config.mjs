// eslint.config.mjs - ESLint (flat config) over the page, the Worker side,
// the scripts and the tests: @eslint/js's recommended rules, with the
// globals each kind of file really has.  `make lint` runs it with
// --max-warnings 0.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'test-output/**'] },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
    },
  },
  /* the page: ES modules in a browser (vendor globals only through js/vendor.js); the load bench's floor page too */
  {
    files: ['web/js/**/*.js', 'tests/bench/floor.js'],
    ignores: ['web/js/engine/**', 'web/js/boot.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  /* boot.js: the page's one classic script (in <head>, before the modules) */
  {
    files: ['web/js/boot.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  /* the Worker side: classic scripts for importScripts, CommonJS for node */
  {
    files: ['web/js/engine/**/*.js', 'tests/bench/bench-core.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, ...globals.worker, module: 'readonly', require: 'readonly', process: 'readonly', createGradLabModule: 'readonly' },
    },
  },
  /* scripts and tests: node ES modules; the browser tests' page.evaluate callbacks run in the page */
  {
    files: ['scripts/**/*.mjs', 'tests/**/*.mjs', 'eslint.config.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    files: ['tests/browser/**/*.mjs', 'tests/bench/bench_browser.mjs', 'tests/bench/bench_load.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['tests/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
];
