// @ts-check
/*
 * worker-client.js - owns the training Worker: the only postMessage on the
 * page.  Replies are dispatched by type to whoever subscribed with on(type)
 * (an error reply under 'error:<where>', the request that failed, and then
 * under 'error' if nobody took it); request(msg) gives the message an id and
 * resolves with the reply that repeats it.  Types are checked against the
 * protocol's one list (js/engine/protocol.js).
 *
 *   const worker = createWorkerClient(new Worker('js/engine/worker.js'), Protocol);
 *   worker.on('stats', (m) => ...);
 *   worker.send({ type: 'run' });
 *   const m = await worker.request({ type: 'predict_test', count: 20 });
 */

/** @typedef {{type: string, [key: string]: any}} Message */
/** @typedef {{postMessage: (m: any) => void, onmessage: any, onerror?: any}} WorkerLike */

/**
 * @param {WorkerLike} worker
 * @param {{REQUESTS: readonly string[], REPLIES: readonly string[], ERROR_PLACES: readonly string[]}} protocol
 */
export function createWorkerClient(worker, protocol) {
  /** @type {Map<string, Set<(m: Message) => void>>} */
  const handlers = new Map();
  /** @type {Map<string, {resolve: (m: Message) => void, reject: (e: Error) => void}>} */
  const waiting = new Map();
  let nextId = 1;

  function dispatch(/** @type {string} */ key, /** @type {Message} */ m) {
    const set = handlers.get(key);
    if (!set || set.size === 0) return false;
    for (const fn of [...set]) fn(m);
    return true;
  }

  worker.onmessage = (/** @type {{data: Message}} */ ev) => {
    const m = ev.data;
    if (m && m.id !== undefined && waiting.has(m.id)) {
      const w = /** @type {any} */ (waiting.get(m.id));
      waiting.delete(m.id);
      if (m.type === 'error') w.reject(Object.assign(new Error(m.message), { code: m.code, where: m.where }));
      else w.resolve(m);
      return;
    }
    if (m.type === 'error') {
      if (!dispatch(`error:${m.where}`, m)) dispatch('error', m);
    } else dispatch(m.type, m);
  };

  const checkRequest = (/** @type {Message} */ msg) => {
    if (!protocol.REQUESTS.includes(msg.type)) throw new Error(`worker-client: '${msg.type}' is not a request of protocol.js`);
  };

  return {
    /** @param {Message} msg */
    send(msg) {
      checkRequest(msg);
      worker.postMessage(msg);
    },
    /**
     * The reply that repeats msg's id (an error reply rejects); a stream's later replies
     * (degradation_stats ...) carry the same id and go to on(type) listeners.
     * @param {Message} msg
     * @returns {Promise<Message>}
     */
    request(msg) {
      checkRequest(msg);
      const id = `r${nextId++}`;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ ...msg, id });
      });
    },
    /**
     * @param {string} type a reply type, 'error' or 'error:<where>'
     * @param {(m: Message) => void} fn
     * @returns {() => void} unsubscribe
     */
    on(type, fn) {
      const [base, where] = type.split(':');
      const known = where === undefined ? protocol.REPLIES.includes(base)
        : base === 'error' && (protocol.REQUESTS.includes(where) || protocol.ERROR_PLACES.includes(where));
      if (!known) throw new Error(`worker-client: '${type}' is not a reply of protocol.js`);
      if (!handlers.has(type)) handlers.set(type, new Set());
      const set = /** @type {Set<(m: Message) => void>} */ (handlers.get(type));
      set.add(fn);
      return () => { set.delete(fn); };
    },
  };
}

/** @typedef {ReturnType<typeof createWorkerClient>} WorkerClient */
