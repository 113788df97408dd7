// lab-charts.test.mjs - web/js/lab/lab-charts.js makes the registry's first
// chart at once and the others later (after the first chart, or when asked):
// a chart made late must hold what it would hold had it been made at the
// start - the configuration's reset, every record appended since, the
// record shown - and a waiting heatmap's range (the network diagram's
// colours) must be the range its columns will have (lab/charts.js `range`,
// as ui/chart-heatmap.js addColumn keeps them).  Fake charts record what
// they are given; Chart.js and the page are stubs (nothing is drawn).
import { test } from 'node:test';
import assert from 'node:assert/strict';

/* the page the module reaches: canvases by id, the body's font, Chart.js's defaults (setup) */
globalThis.document = { getElementById: (id) => ({ id, addEventListener() {} }), body: {} };
globalThis.getComputedStyle = () => ({ fontFamily: 'serif' });
globalThis.Chart = { defaults: { font: {} } };
const { createLabCharts } = await import('../../../web/js/lab/lab-charts.js');
const { CHARTS } = await import('../../../web/js/lab/charts.js');

const i18n = { t: (k) => k, lang: 'en', format: () => ({ int: String, value: String }) };
const history = { records: [] };

/** a chart that keeps what lab-charts gives it, as a state to compare */
function fakeChart() {
  return { layers: null, appended: [], shown: null, worded: false, formatted: false, setFormat() { this.formatted = true; } };
}
/** a registry entry of that chart; range: the steps of the records it is handed, as {min, max} */
const entry = (name) => ({
  name, card: `card-${name}`, canvas: `chart-${name}`, titleId: `title-${name}`, titleKey: name,
  make: () => fakeChart(),
  texts: (c) => { c.worded = true; },
  reset: (c, ctx) => { c.layers = ctx.layers.slice(); c.appended = []; },
  append: (c, r) => { c.appended.push(r.step); },
  render: (c, r) => { c.shown = r.step; },
  range: (records) => (records.length ? { min: records[0].step, max: records[records.length - 1].step } : null),
  describe: () => ({ caption: '', head: [], rows: [] }),
});
const state = (c) => ({ layers: c.layers, appended: c.appended, shown: c.shown, worded: c.worded, formatted: c.formatted });
const tick = () => new Promise((ok) => setTimeout(ok, 0));

test('only the first chart is made at the start; a chart made late catches up with reset, records and the record shown', () => {
  const charts = createLabCharts({ i18n, history, registry: [entry('first'), entry('late')] });
  charts.create();
  assert.ok(charts.ifMade('first'), 'the first chart is made at once');
  assert.equal(charts.ifMade('late'), undefined, 'the other waits');
  charts.reset(['dense_1', 'dense_2']);
  for (const step of [0, 10, 20]) charts.append({ step });
  charts.render({ shown: { step: 10 }, latest: { step: 20 }, cursor: null });
  assert.equal(charts.ifMade('late'), undefined, 'rendering does not make it');
  const want = state(charts.get('first'));
  assert.deepEqual(want, { layers: ['dense_1', 'dense_2'], appended: [0, 10, 20], shown: 10, worded: true, formatted: true });
  assert.deepEqual(state(charts.get('late')), want, 'made when asked: the same state as the first');
  /* made, it follows like the first */
  charts.reset(['dense_1']);
  charts.append({ step: 0 });
  assert.deepEqual(state(charts.get('late')), state(charts.get('first')));
});

test('a chart asked for before any configuration is reset with the others later', () => {
  const charts = createLabCharts({ i18n, history, registry: [entry('first'), entry('late')] });
  charts.create();
  assert.deepEqual(state(charts.get('late')), { layers: null, appended: [], shown: null, worded: true, formatted: true });
  charts.reset(['a']);
  charts.append({ step: 0 });
  charts.render({ shown: { step: 0 }, latest: { step: 0 }, cursor: null });
  assert.deepEqual(state(charts.get('late')), state(charts.get('first')));
});

test('after the first chart the waiting charts are made, one per task; a reset since is caught up', async () => {
  const charts = createLabCharts({ i18n, history, registry: [entry('first'), entry('b'), entry('c')] });
  charts.create();
  charts.reset(['a']);
  charts.append({ step: 0 });
  assert.equal(charts.firstChartAt, null);
  charts.render({ shown: { step: 0 }, latest: { step: 0 }, cursor: null });
  assert.ok(charts.firstChartAt !== null, 'the first chart is drawn');
  charts.reset(['a', 'b']);
  charts.append({ step: 5 });
  for (let i = 0; i < 5 && !charts.ifMade('c'); i++) await tick();
  for (const name of ['b', 'c']) {
    assert.ok(charts.ifMade(name), `${name} made after the first chart`);
    assert.deepEqual(state(charts.get(name)).appended, [5], `${name}: only the records since the last reset`);
    assert.deepEqual(state(charts.get(name)).layers, ['a', 'b']);
  }
});

test('dataRange of a waiting chart comes from its entry\'s range of the records since the reset, without making it', () => {
  const charts = createLabCharts({ i18n, history, registry: [entry('first'), entry('late')] });
  charts.create();
  assert.equal(charts.dataRange('late'), null, 'before a configuration: nothing');
  charts.reset(['a']);
  charts.append({ step: 3 });
  charts.append({ step: 7 });
  assert.deepEqual(charts.dataRange('late'), { min: 3, max: 7 });
  assert.equal(charts.ifMade('late'), undefined, 'still waiting');
});

test('the heatmaps\' range of records: a record of the same step replaces the one before, as addColumn does', () => {
  const heat = CHARTS.find((e) => e.name === 'heatmap_plain');
  const rec = (step, norms) => ({ plain: { step, grad_norm: Float32Array.from(norms), underflow: norms.map(() => 0) } });
  /* step 0 twice: the second one's norms count, not the first's 1e-9 */
  const r = heat.range([rec(0, [1e-9, 1]), rec(0, [1e-2, 1]), rec(10, [1e-3, 10])]);
  assert.deepEqual(r, { min: Math.log10(Math.fround(1e-3)), max: 1 });
  /* an underflow or a zero is no value; no record of the stack: no range */
  assert.deepEqual(heat.range([{ plain: { step: 0, grad_norm: Float32Array.from([0, 100]), underflow: [0, 0] } }]), { min: 2, max: 2 });
  assert.equal(heat.range([{ residual: rec(0, [1]).plain }]), null);
});
