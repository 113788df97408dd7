// @ts-check
/*
 * export.js - the run's statistics as JSON or CSV, and the charts as PNG:
 * pure builders (jsonDoc, csvText, recordCopy) and the export card's buttons
 * (#export-*, #export-note) and each lab chart's PNG button
 * (button.png[data-chart="<name>"], a name of the registry, charts.js),
 * which hand the files to download().
 * The records are the history's (history.js): the engine's numbers, copied.
 */
import { $, download } from '../ui/dom.js';
import { ARCHS } from './history.js';
import { residualParts, partOf } from './blocks.js';
import { histCsv } from './dist-model.js';
import { inForce } from './schema.js';

/** A statistics record as a plain object (typed arrays become arrays). @param {Record<string, any>} s */
export function plainRecord(s) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [k, v] of Object.entries(s)) out[k] = ArrayBuffer.isView(v) ? Array.from(/** @type {any} */ (v)) : v;
  return out;
}

/** A record {plain, residual} as plain objects, or null. @param {any} r */
export function recordCopy(r) {
  if (!r) return null;
  /** @type {Record<string, any>} */
  const o = {};
  for (const a of ARCHS) if (r[a]) o[a] = plainRecord(r[a]);
  return o;
}

/**
 * The JSON export: {gradlab, config, changes, layers, fields, hist_edges?, records}; `changes` the
 * run's changes of course as the CLI's JSON lists its --change flags ([{step, settings}], [] none);
 * the histograms' edges once (when the configuration has them), each record's hist_* counts as
 * flat arrays.
 * @param {{version: string, config: any, changes?: Array<{step: number, settings: Record<string, number>}>, layers: string[], fields: string[], records: any[],
 *          histEdges?: Record<string, ArrayLike<number>> | null}} run
 */
export function jsonDoc({ version, config, changes = [], layers, fields, records, histEdges }) {
  const edges = histEdges ? { hist_edges: Object.fromEntries(Object.entries(histEdges).map(([k, v]) => [k, Array.from(v)])) } : {};
  /* the edges once, beside the layers: not in every record that holds histograms */
  const copies = records.map(recordCopy).map((r) => {
    if (r) for (const a of ARCHS) if (r[a]) delete r[a].hist_edges;
    return r;
  });
  return { gradlab: version, config, changes: changes.map((c) => ({ step: c.step, settings: { ...c.settings } })), layers, fields, ...edges, records: copies };
}

/* the settings a run may change mid-run: a CSV column each, the value its record's update used */
const COURSE = ['lr', 'clip', 'momentum'];

/** one CSV cell: quoted when it holds a quote, comma or newline @param {any} v */
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** the per-block columns of the CSV after the block fields: the record's two scalars */
export const BLOCK_SCALARS = ['stem_factor', 'head_factor'];

/**
 * The CSV export: one row per stack, record and layer.  With the config, the
 * columns lr, clip and momentum after status: the values the record's update
 * was made with (the config's, or a change of course's from its step on; a
 * record without an update: the values then in force).  With a residual
 * stack that has blocks (blockLayers.residual, the engine's blockFields) the
 * rows also say which part of it the layer is in, `part` (stem, block, head)
 * and `block` (1-based; empty for the stem and the head), and carry that
 * block's fields by their names (block_factor, block_shortcut, block_branch:
 * the same on each of the block's rows) and the record's stem_factor and
 * head_factor (on every residual row); the plain stack's rows leave them empty.
 * @param {{layers: string[], fields: string[], records: any[], config?: Record<string, any> | null,
 *          changes?: Array<{step: number, settings: Record<string, number>}>,
 *          blockLayers?: {residual?: number[][]} | null, blockFields?: string[]}} run
 */
export function csvText({ layers, fields, records, config = null, changes = [], blockLayers = null, blockFields = [] }) {
  const course = config ? COURSE : [];
  const parts = blockFields.length ? residualParts((blockLayers && blockLayers.residual) || [], layers.length) : [];
  const blockCols = parts.length ? ['part', 'block', ...blockFields, ...BLOCK_SCALARS] : [];
  const head = ['arch', 'step', 'steps_done', 'loss', 'acc', 'status', ...course, 'layer', 'layer_name', ...fields, ...blockCols];
  const lines = [head.join(',')];
  for (const r of records) {
    for (const a of ARCHS) {
      const s = r[a];
      if (!s) continue;
      const now = config ? inForce(config, changes, s.step) : {};
      for (let l = 0; l < layers.length; l++) {
        const row = [a, s.step, s.steps_done, s.loss, s.acc, s.status, ...course.map((k) => now[k]), l + 1, layers[l], ...fields.map((f) => s[f][l])];
        if (blockCols.length) {
          const p = a === 'residual' && s.block_factor ? parts[partOf(parts, l + 1)] : null;
          if (!p) row.push(...blockCols.map(() => null));
          else {
            const b = p.kind === 'block' ? p.b : null;
            row.push(p.kind, b, ...blockFields.map((f) => (b === null ? null : s[f][b - 1])), ...BLOCK_SCALARS.map((f) => s[f]));
          }
        }
        lines.push(row.map(csvCell).join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * @param {{store: import('./state.js').LabStore, history: import('./history.js').History,
 *          labCharts: import('./lab-charts.js').LabCharts, i18n: import('../ui/i18n.js').I18n}} deps
 */
export function mountExport({ store, history, labCharts, i18n }) {
  const t = i18n.t;
  const run = () => {
    const s = store.get();
    return { version: s.version || '', config: s.config, changes: s.changes || [], layers: s.layers, fields: s.fields, records: history.records, blockLayers: s.blockLayers, blockFields: s.blockFields || [], histEdges: s.histEdges || null };
  };
  /** a chart of the registry (charts.js) as `gradlab-<name>.png`, with its title @param {string} name */
  function exportPng(name) {
    if (!labCharts.get(name)) return;
    download(`gradlab-${name}.png`, labCharts.png(name), false);
  }

  $('export-json').addEventListener('click', () => {
    const blob = new Blob([JSON.stringify(jsonDoc(run()), null, 1)], { type: 'application/json' });
    download('gradlab-stats.json', URL.createObjectURL(blob), true);
  });
  $('export-csv').addEventListener('click', () => {
    const blob = new Blob([csvText(run())], { type: 'text/csv' });
    download('gradlab-stats.csv', URL.createObjectURL(blob), true);
  });
  $('export-hist-csv').addEventListener('click', () => {
    const r = run();
    const blob = new Blob([histCsv(r.records, r.layers, r.histEdges || {}, ARCHS)], { type: 'text/csv' });
    download('gradlab-hist.csv', URL.createObjectURL(blob), true);
  });
  $('export-png-all').addEventListener('click', () => labCharts.names().forEach(exportPng));
  for (const b of document.querySelectorAll('button.png[data-chart]')) b.addEventListener('click', () => exportPng(/** @type {any} */ (b).dataset.chart));

  return {
    /** how many records the export holds (and whether thinned) */
    render() {
      const fmt = i18n.format();
      $('export-note').textContent = history.stride > 1
        ? t('export_note_thinned', { records: fmt.int(history.records.length), received: fmt.int(history.received), every: fmt.int(history.stride) })
        : t('export_note', { records: fmt.int(history.records.length) });
    },
  };
}
