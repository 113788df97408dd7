// @ts-check
/*
 * protocol.js - the one list of the Worker protocol's message types, read by
 * both sides: worker-core.js refuses a request or a reply not listed here,
 * and the page's worker client (web/js/lab/worker-client.js) refuses to send
 * or to listen for one.  docs/worker-protocol.md describes every field.
 *
 * Classic script (self.GradLabProtocol: importScripts in the Worker, a
 * <script> before the page's modules) or CommonJS module (node's require).
 */
/**
 * A request, page -> worker: its type (REQUESTS) and the fields that type reads (docs/worker-protocol.md);
 * an id comes back on the direct reply.
 * @typedef {{type: string, id?: string | number, config?: {[name: string]: any},
 *   intervals?: number, value?: number, nx?: number, ny?: number, bounds?: number[],
 *   first?: number, count?: number, images?: boolean, depths?: number[], steps?: number, every?: number,
 *   sweep?: string, sweep2?: string, seeds?: string | number[], arch?: string,
 *   settings?: {[name: string]: number | string}, on?: boolean, step?: number}} Request
 */
/**
 * A reply, worker -> page: its type (REPLIES), the request's id when it answers one, and that
 * type's fields (docs/worker-protocol.md); an error has where, message and code.
 * @typedef {{type: string, id?: string | number, [field: string]: any}} Reply
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GradLabProtocol = factory();
})(typeof self !== 'undefined' ? self : /** @type {any} */ (globalThis), function () {
  'use strict';

  /** page -> worker (none asks for `ready`: the Worker sends it once its engine is loaded) */
  const REQUESTS = Object.freeze(['configure', 'reset', 'run', 'pause', 'step', 'speed',
    'predict', 'predict_test', 'degradation', 'degradation_stop', 'sweep', 'sweep_cancel', 'change',
    'hist']);
  /** worker -> page (an `error` reply names the request that failed in `where`, or load/run) */
  const REPLIES = Object.freeze(['ready', 'configured', 'stats', 'done', 'paused', 'speed', 'boundary',
    'test_predictions', 'degradation_stats', 'degradation_done', 'degradation_stopped',
    'sweep_progress', 'sweep_result', 'sweep_cancelled', 'changed', 'hist', 'error']);
  /** what an error's `where` can be besides a request type */
  const ERROR_PLACES = Object.freeze(['load', 'run', 'message']);

  return { REQUESTS, REPLIES, ERROR_PLACES };
});
