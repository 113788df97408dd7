// @ts-check
/*
 * vendor.js - the only reader of the globals that classic scripts define:
 * Chart.js and KaTeX (vendor/, from npm) and the Worker protocol's list
 * (js/engine/protocol.js, shared with the Worker).  index.html loads those
 * scripts before js/main.js; every page module imports them from here.
 */
/** @type {any} */
const g = globalThis;

/** Chart.js 4 (vendor/chart.umd.min.js) */
export const Chart = g.Chart;
/** KaTeX (vendor/katex/katex.min.js) */
export const katex = g.katex;
/** @type {{REQUESTS: readonly string[], REPLIES: readonly string[], ERROR_PLACES: readonly string[]}} */
export const Protocol = g.GradLabProtocol;
