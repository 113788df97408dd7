// answer-check.mjs - reads what a student reads after an experiment of the
// lesson, and checks it against the rest of the page (not a test file: the
// tests lesson-answers.test.mjs use it).  issue 22 item 7:
//   (a) the charts show the record the answer is about: the time cursor's
//       record is the moment's (`at`), its step is in the chart titles, and
//       chart 1 draws that record's grad_norm;
//   (b) every number the answer's text shows (outside its formulas: a
//       textbook figure is set as a formula, and so marked as theory) is a
//       number the page shows elsewhere at that moment, in the same form:
//       the charts' text alternatives (hidden tables), the numbers panel,
//       the chain chart's product line, the stack cards, the run status,
//       the chart titles, the time cursor; and each quoted value the tables
//       let a student recompute (a gradient norm, a ratio of two layers in
//       decades, a loss, a sweep's median, ...) agrees with the table's
//       numbers;
//   (c) a stack is said to have diverged or died in the answer (its `if`
//       sentence) exactly when the page's status shows it (the run status
//       line, the stack card's banner), and the values.js conditions on the
//       page's records agree;
//   (d) the experiment's claims hold on the records the page shows
//       (values.js, the page's own module, on the page's records).
// checkAnswer returns a list of problems (empty: the answer is the page's);
// a test asserts it is empty, and the planted tests assert it is not.
import { checkClaims, checkSweepClaims, evaluateExperiment } from '../lib/lesson-claims.mjs';

const EXPERIMENT_TIMEOUT = 180_000;
const INVISIBLE = /[\u2066-\u2069\u200e\u200f\u061c]/g;
/* a number as the page prints it: sign, digits (Latin or Persian) with separators, ×10 and a
   superscript power (or a power of ten, 10⁻²⁰), per cent; not glued to a letter (float32, p10, log₁₀ stay words) */
const NUMBER = /(?<![A-Za-z0-9۰-۹_\u00B2-\u00B3\u00B9\u2070-\u209F])[−-]?[0-9۰-۹]+(?:[.,٫٬][0-9۰-۹]+)*(?:(?:×(?:10|۱۰))?[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?[%٪]?/g;

export const numberTokens = (text) => [...text.replace(INVISIBLE, '').matchAll(NUMBER)].map((m) => m[0]);

/** a token back to a number: Persian digits, ٫ and ٬, the minus sign, ×10ⁿ, per cent */
export function parseNumber(token) {
  const sup = { '⁻': '-', '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };
  let s = token.replace(INVISIBLE, '').replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0)).replace(/٫/g, '.').replace(/[٬,]/g, '').replace(/−/g, '-');
  let scale = 1;
  if (/[%٪]$/.test(s)) {
    scale = 0.01;
    s = s.slice(0, -1);
  }
  const p = /^(-?)10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(s); /* a power of ten, 10⁻²⁰ */
  if (p) return (p[1] ? -1 : 1) * 10 ** Number([...p[2]].map((c) => sup[c]).join('')) * scale;
  const m = /^(-?[0-9.]+)(?:×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/.exec(s);
  if (!m) return NaN;
  const exp = m[2] ? Number([...m[2]].map((c) => sup[c]).join('')) : 0;
  return Number(m[1]) * 10 ** exp * scale;
}

/* Runs one experiment through its button, as a student does; returns when its answer is shown
   and the page has drawn the answer's moment (the charts' text alternatives name its step). */
export async function runThroughButton(page, id) {
  const t0 = Date.now();
  await page.click(`#lesson [data-experiment-id="${id}"] .run-experiment`);
  await page.waitForSelector(`#lesson [data-experiment-id="${id}"][data-state="done"] .answer`, { timeout: EXPERIMENT_TIMEOUT });
  /* the frame after the cursor moved: the charts, their titles and tables of the moment (if the
     page does not go there, checkAnswer says so: (a)) */
  await page.waitForFunction((eid) => {
    const r = window.gradlabLesson.debug().results[eid];
    if (!r || !r.moment) return true; /* a sweep: no lab record */
    const d = window.gradlab.debug();
    return !d.running && d.timeline.index === r.moment.index && d.shown && Math.max(d.shown.plain.step, d.shown.residual.step) === r.moment.step;
  }, id, { timeout: 5_000, polling: 100 }).catch(() => {});
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 50)))));
  return Date.now() - t0;
}

/* Everything a student can read on the page after an experiment, and what the tests compare it with. */
export async function readPage(page, id) {
  return page.evaluate((eid) => {
    const invisible = /[\u2066-\u2069\u200e\u200f\u061c]/g;
    /* an element's text without KaTeX's output (a formula is theory, not a number of the run) */
    const prose = (root) => {
      if (!root) return '';
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode: (n) => (n.parentElement.closest('.katex, .math') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
      });
      let s = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) s += n.data;
      return s.replace(invisible, '');
    };
    const texts = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent.replace(invisible, ''));
    const table = (box) => (box ? {
      caption: (box.querySelector('caption, p') || { textContent: '' }).textContent.replace(invisible, ''),
      head: [...box.querySelectorAll('thead th')].map((e) => e.textContent.replace(invisible, '')),
      rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent.replace(invisible, ''))),
    } : null);
    const card = document.querySelector(`#lesson [data-experiment-id="${eid}"]`);
    const lesson = window.gradlabLesson.debug();
    const d = window.gradlab.debug();
    const records = window.gradlab.records();
    const tables = {};
    for (const box of document.querySelectorAll('.chart-text')) tables[box.id.replace(/^text-/, '')] = table(box);
    const status = document.getElementById('run-status');
    return {
      lang: document.getElementById('lesson').lang,
      result: lesson.results[eid],
      printed: Object.fromEntries(Object.entries(lesson.printed[eid] || {}).map(([k, v]) => [k, v.replace(invisible, '')])),
      answer: prose(card.querySelector('.answer-text')),
      ifs: [...card.querySelectorAll('.if-sentence')].map((e) => ({ condition: e.dataset.condition, text: prose(e) })),
      cardStatus: card.querySelector('.exp-status').textContent.replace(invisible, ''),
      panel: texts(`#lesson [data-experiment-id="${eid}"] .numbers p`),
      momentNote: card.querySelector('.moment-note') ? { hidden: card.querySelector('.moment-note').hidden, text: card.querySelector('.moment-note').textContent } : null,
      /* the rest of the page, each piece on its own (a table cell by cell) */
      sources: [
        ...Object.values(tables).flatMap((tb) => [tb.caption, ...tb.head, ...tb.rows.flat()]),
        ...texts('#chain-lines p'), ...texts('.stack-numbers'), ...texts('.banner:not([hidden])'),
        status.textContent.replace(invisible, ''), ...texts('#run-status .status-note'),
        ...texts('.card h2, .card h3'), document.getElementById('timeline-step').value.replace(invisible, ''),
      ],
      tables,
      chain: texts('#chain-lines p'),
      stackNumbers: { plain: document.getElementById('numbers-plain').textContent.replace(invisible, ''), residual: document.getElementById('numbers-residual').textContent.replace(invisible, '') },
      banners: Object.fromEntries(['plain', 'residual'].map((a) => [a, document.getElementById(`banner-${a}`).hidden ? null : document.getElementById(`banner-${a}`).textContent.replace(invisible, '')])),
      statusNotes: [...document.querySelectorAll('#run-status .status-note')].map((e) => ({ arch: e.dataset.arch, state: e.dataset.state, text: e.textContent.replace(invisible, '') })),
      gradTitle: document.getElementById('title-grad').textContent.replace(invisible, ''),
      timeline: d.timeline, shown: d.shown, gradChart: d.charts.grad_norm, highlight: d.highlight, markers: d.markers,
      config: d.config, layers: d.layers.length,
      focused: [...document.querySelectorAll('.lesson-focus')].map((e) => e.id),
      controls: { depth: document.getElementById('set-depth').value, act: document.getElementById('set-act').value },
      records: records.length <= 2 ? records : [records[0], records[1], records[records.length - 1]],
      recordCount: records.length,
      sweep: window.GradLabSweep ? (() => { const s = window.GradLabSweep.debug(); return { request: s.request, result: s.result }; })() : null,
    };
  }, id);
}

/** the runs of the page's records, as values.js reads them: init = the step-0 record with the first update's statistics */
export function runsOf(got) {
  const rs = got.records;
  const last = rs[rs.length - 1];
  const init = rs.length > 1 && Math.max(rs[1].plain.step, rs[1].residual.step) === 0 ? rs[1] : rs[0];
  return { plain: { init: init.plain, end: last.plain }, residual: { init: init.residual, end: last.residual } };
}

const close = (a, b, tol) => Math.abs(a - b) <= tol;

/**
 * The checks (a)-(d) on what readPage read; returns the problems found.
 * @param {object} x the experiment (experiments.json, as the test knows it)
 * @param {object} words the experiment in the language file ({answer, if})
 * @param {object} got readPage's result
 * @param {object} ui the UI strings of the page's language
 */
export function checkAnswer(id, x, words, got, ui) {
  const problems = [];
  const fail = (what) => problems.push(`${id} (${got.lang}): ${what}`);
  const r = got.result;
  if (!r || r.state !== 'done') return [`${id}: no answer shown (${JSON.stringify(r && r.state)})`];
  const tokensOf = (s) => numberTokens(s);
  const sources = new Set(got.sources.flatMap(tokensOf));
  const panel = new Set(got.panel.flatMap(tokensOf));

  /* (b) every number of the answer and its if sentences is on the page, as printed there */
  const answerText = [got.answer, ...got.ifs.map((s) => s.text)].join(' ');
  if (/\{[A-Za-z_][A-Za-z0-9_]*\}/.test(answerText)) fail(`an unfilled placeholder: ${answerText.match(/\{[A-Za-z_][A-Za-z0-9_]*\}/g).join(' ')}`);
  for (const tok of tokensOf(answerText)) {
    if (!sources.has(tok) && !panel.has(tok)) fail(`the answer says ${tok}, which the page shows nowhere else (charts' tables, numbers panel, chain line, stack cards, status, titles)`);
  }

  if (x.sweep) {
    /* a sweep experiment: the Sweep panel ran it; its medians are the sweep table's */
    const second = x.sweep.name2 ? `${x.sweep.name2}=${x.sweep.from2}..${x.sweep.to2}:${x.sweep.count2}` : '';
    if (!got.sweep || !got.sweep.request || got.sweep.request.sweep !== `${x.sweep.name}=${x.sweep.from}..${x.sweep.to}:${x.sweep.count}`) fail('the Sweep panel did not run the experiment\'s sweep');
    else if ((got.sweep.request.sweep2 || '') !== second) fail(`the Sweep panel's second setting is ${JSON.stringify(got.sweep.request.sweep2)}, the experiment's ${JSON.stringify(second)} (a plane) or none`);
    else {
      for (const c of checkSweepClaims(x, got.sweep.result)) if (!c.ok) fail(`(d) claim ${JSON.stringify(c.claim)} measured ${JSON.stringify(c.value)}`);
      const tb = got.tables['chart-sweep'];
      for (const [name, printed] of Object.entries(got.printed)) {
        const spec = x.values[name];
        if (!spec || spec.kind !== 'sweep_at' || spec.metric !== (x.sweep.metric || 'grad_ratio_log10') || !tb) continue;
        const col = tb.head.indexOf(ui['alt.sweep.median'].replace('{stack}', ui[`stack.${spec.arch}`]));
        const row = tb.rows[spec.index < 0 ? tb.rows.length + spec.index : spec.index];
        const median = row && col > 0 ? parseNumber(row[col]) : NaN;
        const v = parseNumber(printed), d = spec.digits === undefined ? 1 : spec.digits;
        if (!close(spec.negate ? -median : median, v, 0.5 * 10 ** -d + 2e-3)) fail(`(b) ${name} = ${printed}, the sweep table's median is ${row && row[col]}`);
      }
    }
    if (got.ifs.length) fail('(c) a sweep has no stack that diverges or dies, yet an if sentence is shown');
    return problems;
  }

  /* (a) the charts show the moment's record */
  const runs = runsOf(got);
  const want = runs.plain[x.at], wantR = runs.residual[x.at];
  const wantStep = Math.max(want.step, wantR.step);
  if (!r.moment || r.moment.at !== x.at) fail(`(a) the answer's moment is ${JSON.stringify(r.moment)}, the experiment's is ${x.at}`);
  const shownStep = Math.max(got.shown.plain.step, got.shown.residual.step);
  if (shownStep !== wantStep) fail(`(a) the charts show step ${shownStep}, the answer is about step ${wantStep} (${x.at})`);
  if (got.shown.plain.loss !== want.loss || JSON.stringify(Object.values(got.shown.plain.grad_norm)) !== JSON.stringify(Object.values(want.grad_norm))) fail('(a) the record shown is not the moment\'s record');
  const plainSeries = got.gradChart.find((ds) => ds.id === 'plain');
  const g = Object.values(want.grad_norm), u = Object.values(want.underflow);
  const drawn = plainSeries ? plainSeries.data : [];
  for (let i = 0; i < g.length; i++) {
    if (u[i] === 1 || !(g[i] > 0)) continue;
    const p = drawn.find((q) => q.x === i + 1);
    if (!p || p.y !== g[i]) { fail(`(a) chart 1 draws layer ${i + 1} at ${p && p.y}, the record has ${g[i]}`); break; }
  }
  const stepText = tokensOf(got.gradTitle);
  if (!stepText.length || parseNumber(stepText[stepText.length - 1]) !== wantStep) fail(`(a) chart 1's title does not say step ${wantStep}: ${got.gradTitle}`);
  const caption = got.tables['chart-grad'] && got.tables['chart-grad'].caption;
  if (!caption || !tokensOf(caption).some((tk) => parseNumber(tk) === wantStep)) fail(`(a) chart 1's table is not of step ${wantStep}: ${caption}`);
  if (got.momentNote && !got.momentNote.hidden) fail(`(a) the answer says the charts show another moment: ${got.momentNote.text}`);

  /* (d) the claims, on the records the page shows */
  for (const c of checkClaims(x, runs)) if (!c.ok) fail(`(d) claim ${JSON.stringify(c.claim)} measured ${JSON.stringify(c.value)}`);

  /* (c) diverged or dead: the answer says it exactly when the page's status does */
  const { conditions } = evaluateExperiment(x, runs);
  const said = new Set(got.ifs.map((s) => s.condition));
  for (const [cond, holds] of Object.entries(conditions)) if (holds !== said.has(cond)) fail(`(c) ${cond} ${holds ? 'holds on the page\'s records but the answer does not say it' : 'is said but does not hold'}`);
  for (const a of ['plain', 'residual']) {
    const note = got.statusNotes.find((n) => n.arch === a);
    const status = note ? note.state : got.banners[a] ? 'diverged' : null;
    const answer = [...said].find((c) => c.startsWith(`${a}_`));
    if (!!status !== !!answer || (status && answer !== `${a}_${status}`)) fail(`(c) the ${a} stack: the status shows ${status || 'nothing'}, the answer says ${answer || 'nothing'}`);
    if (status && !got.cardStatus.includes(note ? note.text : '')) fail(`(c) the experiment's status line does not say what the run status says: “${got.cardStatus}”`);
  }
  if (Object.values(conditions).some(Boolean) && got.cardStatus.includes(ui['lesson.done'])) fail('(c) a stack diverged or died and the experiment still says “done: the highlighted chart answers the question”');

  /* (b) each quoted value a student can recompute from the tables agrees with them */
  const tableOf = { grad_norm: 'chart-grad', saturation: 'chart-sat', update_ratio: 'chart-update', chain_factor: 'chart-chain-factor' };
  const underflowWord = ui['lesson.underflow'];
  const cellOf = (field, arch, layer) => {
    const tb = got.tables[tableOf[field]];
    if (!tb) return null;
    const n = tb.rows.length;
    const i = layer === 'last' ? n - 1 : Number(layer) - 1;
    const col = tb.head.indexOf(ui[`stack.${arch}`]);
    return tb.rows[i] && col > 0 ? tb.rows[i][col] : null;
  };
  const isUnder = (c) => c !== null && !numberTokens(c).length;
  for (const [name, printed] of Object.entries(got.printed)) {
    const spec = x.values[name];
    if (!spec) continue;
    const at = spec.at || x.at;
    const v = parseNumber(printed);
    const d = spec.digits === undefined ? (spec.kind === 'log10_slope' ? 2 : 1) : spec.digits;
    const tol = 0.5 * 10 ** -d + 2e-3;
    const sign = spec.negate ? -1 : 1;
    if (spec.kind === 'field' && at === x.at && tableOf[spec.field] && spec.field !== 'update_ratio') {
      const c = cellOf(spec.field, spec.arch, spec.layer);
      if (c !== null && (isUnder(c) ? printed !== underflowWord : c !== printed)) fail(`(b) ${name} = ${printed}, the table of ${spec.field} shows ${c}`);
    } else if (spec.kind === 'log10_ratio' && at === x.at && tableOf[spec.field] && spec.field !== 'update_ratio') {
      const a = cellOf(spec.field, spec.arch, spec.num_layer), b = cellOf(spec.field, spec.arch, spec.den_layer);
      if (a === null || b === null) continue;
      if (isUnder(a) || isUnder(b)) {
        if (printed !== underflowWord) fail(`(b) ${name} = ${printed}, but the table shows underflow (${a}, ${b})`);
        continue;
      }
      const ratio = sign * Math.log10(parseNumber(a) / parseNumber(b));
      if (spec.as === 'pow10') {
        const k = tokensOf(printed).length ? Math.round(Math.log10(parseNumber(printed))) : NaN;
        if (k !== Math.round(ratio)) fail(`(b) ${name} = ${printed}, the table's ${a} ÷ ${b} is 10^${ratio.toFixed(2)}`);
      } else if (!close(v, ratio, tol)) fail(`(b) ${name} = ${printed}, the table's log10(${a} ÷ ${b}) = ${ratio.toFixed(3)}`);
    } else if (spec.kind === 'compare_archs' && at === x.at && tableOf[spec.field]) {
      const a = cellOf(spec.field, 'residual', spec.layer), b = cellOf(spec.field, 'plain', spec.layer);
      if (a === null || b === null || isUnder(a) || isUnder(b)) continue;
      const ratio = sign * Math.log10(parseNumber(a) / parseNumber(b));
      if (!close(v, ratio, tol)) fail(`(b) ${name} = ${printed}, the table's log10(${a} ÷ ${b}) = ${ratio.toFixed(3)}`);
    } else if ((spec.kind === 'loss' || spec.kind === 'acc') && at === x.at) {
      const row = got.tables['chart-loss'] && got.tables['chart-loss'].rows.find((rw) => rw[0] === ui[`stack.${spec.arch}`]);
      const c = row ? row[spec.kind === 'loss' ? 2 : 3] : null;
      if (c !== printed) fail(`(b) ${name} = ${printed}, the loss chart's table shows ${c}`);
      if (!got.stackNumbers[spec.arch].includes(printed)) fail(`(b) ${name} = ${printed}, the ${spec.arch} stack card shows ${got.stackNumbers[spec.arch]}`);
    } else if (spec.kind === 'chain_product' && at === x.at) {
      if (printed !== underflowWord && !got.chain.some((l) => numberTokens(l).includes(printed))) fail(`(b) ${name} = ${printed}, the chain lines say ${got.chain.join(' / ')}`);
    } else if (spec.kind === 'underflow_count' && at === x.at) {
      const tb = got.tables['chart-grad'];
      const col = tb.head.indexOf(ui[`stack.${spec.arch}`]);
      const n = tb.rows.filter((rw) => isUnder(rw[col])).length;
      if (n !== v) fail(`(b) ${name} = ${printed}, the table of chart 1 has ${n} underflow cells`);
    } else if (spec.kind === 'diverged_step' && got.banners[spec.arch]) {
      if (!numberTokens(got.banners[spec.arch]).includes(printed)) fail(`(b) ${name} = ${printed}, the banner says ${got.banners[spec.arch]}`);
    } else if (spec.kind === 'dead_step') {
      const note = got.statusNotes.find((nt) => nt.arch === spec.arch);
      if (note && !numberTokens(note.text).includes(printed)) fail(`(b) ${name} = ${printed}, the run status says ${note.text}`);
    }
  }
  return problems;
}
