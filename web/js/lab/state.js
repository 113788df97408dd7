// @ts-check
/*
 * state.js - what the lab keeps in its store (ui/store.js): the State
 * typedef, every key and who writes it, and the record's type.  Types
 * only: nothing here runs.
 */

/** A stack. @typedef {'plain' | 'residual'} Arch */
/**
 * One stack's statistics record as the Worker sends it: the engine's names
 * (docs/worker-protocol.md; the Worker side's typedef is engine/net.js
 * Stats, which this one mirrors so that the page's strict check does not
 * reach into the Worker's files).  Per-layer fields are Float64Arrays.
 * @typedef {{arch: Arch, step: number, steps_done: number, loss: number, acc: number,
 *   test_loss?: number | null, test_acc?: number | null, status: 'ok' | 'diverged',
 *   diverged: {step: number, layer: number, where: string} | null,
 *   act_max_slope: number, [field: string]: any}} Stats
 */
/** One recorded step of both stacks. @typedef {{plain: Stats, residual: Stats}} LabRecord */

/**
 * The page's state: every key main.js, session.js, the time cursor and the
 * plug-ins put in the store, and who writes it.
 * @typedef {{
 *   phase: import('../ui/store.js').Phase,
 *   lang?: string,
 *   hide: string[],
 *   step: string | null,
 *   predict: string | null,
 *   settings?: any[],
 *   fields: string[],
 *   version?: string,
 *   speed?: number,
 *   threads?: number,
 *   pending: number,
 *   configuredCount: number,
 *   config: Record<string, any> | null,
 *   layers: string[],
 *   data?: {n: number, d: number, classes: number, x: ArrayLike<number>, y: ArrayLike<number>} | null,
 *   measured?: {train: number, trainOf: number, test: number, testOf: number} | null,
 *   latest: LabRecord | null,
 *   received: number,
 *   stepsDone?: number,
 *   csv: {name: string, text: string} | null,
 *   sweep: import('../sweep/sweep-model.js').SweepState | null,
 *   cursor: {step: number, index: number} | null,
 *   shown: LabRecord | null,
 *   selected: import('./selection.js').Selected | null,
 *   histEdges?: Record<string, Float64Array> | null,
 *   actCurve?: {z: Float64Array, phi: Float64Array, dphi: Float64Array} | null,
 *   distQuantity?: string,
 *   distOpen?: boolean,
 *   changes: import('./schema.js').Change[],
 *   blockLayers: {plain: number[][], residual: number[][]},
 *   blockFields?: string[],
 *   walk: {pos: number, playing: boolean} | null,
 *   gradMetric: 'weight' | 'backprop',
 * }} State
 *   phase            where the lab is (above); session.js moves it
 *   lang             the page's language, 'en' | 'fa' (main.js, once the strings are loaded)
 *   hide             the controls (and panels: 'sweep') the link hides (main.js, the classroom list)
 *   step             the lesson step in the link, or null (main.js from the link, the lesson)
 *   predict          'required': the lesson asks for a prediction before each experiment (the link's
 *                    predict=required, main.js; the classroom list's box, settings-form.js), else null
 *   settings, fields, version, speed, threads
 *                    the engine's `ready` message: its settings table, the record's per-layer
 *                    field names, its version, speed level and helper threads (main.js; speed: session.js)
 *   pending          configure/reset messages in flight (session.js)
 *   configuredCount  configurations so far: watch it for "the stacks were rebuilt" (session.js)
 *   config, layers, data, measured
 *                    the current configuration (canonical), its layer names (input -> output), its
 *                    data set and what a record's loss and accuracy are measured on (session.js)
 *   latest           the newest record (session.js; configure's step 0, then each `stats`)
 *   received         records received since the last configuration (session.js)
 *   stepsDone        training steps done when the run paused or ended (session.js)
 *   csv              the picked CSV file (session.js)
 *   sweep            the Sweep panel's state, for the link (sweep-panel.js, main.js from the link)
 *   cursor           the time cursor: null = follow the newest record; else {step, index} of a kept
 *                    record (timeline.js)
 *   shown            the record every per-layer view draws: the newest, or the cursor's (timeline.js)
 *   selected         the layer the student selected, {arch, layer} (1-based) or null (selection.js)
 *   histEdges, actCurve  the configuration's histogram edges and the activation's phi, phi'
 *                    samples (the `configured` message's hist_edges, act_curve; session.js)
 *   distQuantity     the histogram the distributions view shows, 'hist_pre' | 'hist_act' |
 *                    'hist_grad' | 'hist_wgrad'; distOpen: the view is open, so the records count
 *                    histograms (dist-view.js)
 *   gradMetric       what the gradient chart draws: 'weight' (‖∂L/∂W‖, grad_norm) or 'backprop'
 *                    (‖∂L/∂h‖, act_grad_norm), each beside its own law (main.js, the switch #grad-metric)
 *   changes          the run's changes of course, [{step, settings}] in step order: made mid-run, or
 *                    the link's or the lesson's, held by the Worker for their steps (session.js)
 *   blockFields      the engine's per-block field names (the `ready` message's blockFields; main.js)
 *   blockLayers      per stack, each residual block's first and last layer, 1-based ([] for a plain
 *                    stack; the `configured` message's, session.js)
 *   walk             the walk through the backward pass: null, or {pos, playing} with pos 0 (the
 *                    output layer) .. L-1 (layer 1) (diagram/walk.js)
 */


/** The lab's store. @typedef {import('../ui/store.js').Store<State>} LabStore */

export {};
