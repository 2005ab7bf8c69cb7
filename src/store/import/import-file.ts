// Import a data file into a project: scan (types, errors named by line and column) before writing
// anything, then stream blocks of CHUNK_ROWS rows into a staging dataset and swap it in. A CSV
// file's scan keeps the values it converts, so the text is read once (csv-spill.ts).
// A failure at any point removes the staging rows: the project is left as it was.
import { basename, extname } from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ImportSummary } from '../../shared/types.js';
import { CHUNK_ROWS } from '../codec.js';
import type { NewVariable, ProjectStore } from '../project.js';
import { type CsvBlock, type CsvValues, readCsv, scanCsvValues } from './csv.js';
import { readDta } from './dta.js';
import type { ImportedTable } from './table.js';
import { readXlsx } from './xlsx.js';

export interface ImportOptions {
  name?: string;
  /** Replace a dataset of the same name instead of choosing a new name. */
  replace?: boolean;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Excel: sheet name or 0-based index (default: the first sheet). */
  sheet?: string | number;
  /** Excel: 1-based row holding the column names (default 1). */
  headerRow?: number;
  /**
   * Leave the dataset in the staging area (invisible) for a preview: the caller commits it with
   * finishImport or drops it with store.abortDataset. Nothing is visible until then.
   */
  hold?: boolean;
}

/** Commit a held import (after the user's type changes) and close its log entry. */
export function finishImport(store: ProjectStore, stagingId: number, logId: number, opts: { replace?: boolean } = {}): ImportSummary['dataset'] {
  const dataset = store.commitDataset(stagingId, { replace: !!opts.replace });
  store.logEnd(logId, 'done', { rows: dataset.nrows, variables: dataset.variables.length });
  return dataset;
}

const CSV = new Set(['.csv', '.tsv', '.txt']);
/** Share of a CSV import's progress bar for the scan (it reads and converts the text; writing the project takes the rest). */
const SCAN_SHARE = 0.6;
const TABLES = new Set(['.dta', '.xlsx']);

export async function importFile(store: ProjectStore, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const ext = extname(path).toLowerCase();
  if (ext === '.xls') throw new AppError('BAD_FILE', `${basename(path)}: .xls (Excel 97–2003) is not supported; save it as .xlsx in Excel or LibreOffice`);
  if (TABLES.has(ext)) return importTableFile(store, path, ext, opts);
  if (!CSV.has(ext)) {
    throw new AppError('BAD_FILE', `${basename(path)}: ${ext || 'files without an extension'} cannot be imported; use CSV, TSV, TXT, Stata .dta or Excel .xlsx`);
  }
  const base = opts.name ?? basename(path, extname(path));
  const name = opts.replace ? base : store.uniqueDatasetName(base);
  const logId = store.logStart('import', { file: path, dataset: name });
  let stagingId: number | null = null;
  let values: CsvValues | null = null;
  try {
    const progress = opts.onProgress ?? (() => {});
    const signal = opts.signal ? { signal: opts.signal } : {};
    // One pass over the text keeps the values (csv-spill.ts); a second one only when needed.
    const scanned = await scanCsvValues(path, { ...signal, blockRows: CHUNK_ROWS, onProgress: (f) => progress(SCAN_SHARE * f) });
    const scan = scanned.scan;
    values = scanned.values;
    const variables: NewVariable[] = scan.columns.map((c) => ({
      name: c.name,
      type: c.kind === 'numeric' ? 'numeric' : 'categorical',
      ...(c.levels ? { levels: c.levels } : {}),
      recipe: { kind: 'import', source: basename(path), column: c.name, sourceType: c.kind },
      missing: c.missing,
    }));
    const { datasetId, variableIds } = store.beginDataset(name, basename(path), scan.nrows, variables);
    stagingId = datasetId;
    let chunk = 0;
    const write = (block: CsvBlock): void => {
      if (block.offset !== chunk * CHUNK_ROWS) throw new AppError('INTERNAL', 'CSV blocks must align with chunks');
      store.writeChunks(chunk++, variableIds, block.columns);
    };
    const writing = { ...signal, onProgress: (f: number) => progress(SCAN_SHARE + (1 - SCAN_SHARE) * f) };
    if (values !== null) await values.read(write, writing);
    else await readCsv(scan, write, { blockRows: CHUNK_ROWS, reuseBlocks: true, ...writing });
    if (opts.hold) {
      progress(1);
      return { dataset: store.getDataset(datasetId, { staging: true }), warnings: scan.warnings, held: { stagingId: datasetId, logId } };
    }
    const dataset = finishImport(store, datasetId, logId, opts);
    stagingId = null;
    progress(1);
    return { dataset, warnings: scan.warnings };
  } catch (err) {
    if (stagingId !== null) store.abortDataset(stagingId);
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    await values?.dispose();
  }
}

/** Stata and Excel files: read whole into typed columns, then written chunk by chunk into staging. */
async function importTableFile(store: ProjectStore, path: string, ext: string, opts: ImportOptions): Promise<ImportSummary> {
  const base = opts.name ?? basename(path, extname(path));
  const name = opts.replace ? base : store.uniqueDatasetName(base);
  const logId = store.logStart('import', { file: path, dataset: name, ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}) });
  let stagingId: number | null = null;
  try {
    const progress = opts.onProgress ?? (() => {});
    const read = { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (f: number) => progress(0.7 * f) };
    const table: ImportedTable =
      ext === '.dta'
        ? await readDta(path, read)
        : await readXlsx(path, { ...read, ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}), ...(opts.headerRow !== undefined ? { headerRow: opts.headerRow } : {}) });
    const variables: NewVariable[] = table.columns.map((c) => ({
      name: c.name,
      type: c.kind,
      ...(c.levels ? { levels: c.levels } : {}),
      ...(c.label ? { label: { [/[\u3400-\u9fff]/.test(c.label) ? 'zh' : 'en']: c.label } } : {}),
      ...(c.valueLabels ? { valueLabels: c.valueLabels } : {}),
      recipe: { kind: 'import', source: basename(path), column: c.name, sourceType: c.sourceType, ...(c.displayFormat ? { format: c.displayFormat } : {}) },
      missing: c.missing,
    }));
    const { datasetId, variableIds } = store.beginDataset(name, basename(path), table.nrows, variables);
    stagingId = datasetId;
    for (let chunk = 0; chunk * CHUNK_ROWS < table.nrows; chunk++) {
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'import cancelled');
      const a = chunk * CHUNK_ROWS;
      const b = Math.min(table.nrows, a + CHUNK_ROWS);
      store.writeChunks(chunk, variableIds, table.columns.map((c) => c.values.subarray(a, b)));
      progress(0.7 + (0.3 * b) / table.nrows);
    }
    if (opts.hold) {
      progress(1);
      return { dataset: store.getDataset(datasetId, { staging: true }), warnings: table.warnings, held: { stagingId: datasetId, logId } };
    }
    const dataset = finishImport(store, datasetId, logId, opts);
    stagingId = null;
    progress(1);
    return { dataset, warnings: table.warnings };
  } catch (err) {
    if (stagingId !== null) store.abortDataset(stagingId);
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
