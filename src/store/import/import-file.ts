// Import a data file into a project: scan (types, errors named by line and column) before writing
// anything, then stream blocks of CHUNK_ROWS rows into a staging dataset and swap it in.
// A failure at any point removes the staging rows: the project is left as it was.
import { basename, extname } from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ImportSummary } from '../../shared/types.js';
import { CHUNK_ROWS } from '../codec.js';
import type { NewVariable, ProjectStore } from '../project.js';
import { readCsv, scanCsv } from './csv.js';

export interface ImportOptions {
  name?: string;
  /** Replace a dataset of the same name instead of choosing a new name. */
  replace?: boolean;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

const SUPPORTED = new Set(['.csv', '.tsv', '.txt']);

export async function importFile(store: ProjectStore, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const ext = extname(path).toLowerCase();
  if (!SUPPORTED.has(ext)) {
    throw new AppError('BAD_FILE', `${basename(path)}: ${ext || 'files without an extension'} cannot be imported yet; use CSV, TSV or TXT`);
  }
  const base = opts.name ?? basename(path, extname(path));
  const name = opts.replace ? base : store.uniqueDatasetName(base);
  const logId = store.logStart('import', { file: path, dataset: name });
  let stagingId: number | null = null;
  try {
    const progress = opts.onProgress ?? (() => {});
    const scan = await scanCsv(path, { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (f) => progress(0.4 * f) });
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
    await readCsv(
      scan,
      (block) => {
        if (block.offset !== chunk * CHUNK_ROWS) throw new AppError('INTERNAL', 'CSV blocks must align with chunks');
        store.writeChunks(chunk++, variableIds, block.columns);
      },
      { blockRows: CHUNK_ROWS, ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (f) => progress(0.4 + 0.6 * f) },
    );
    const dataset = store.commitDataset(datasetId, { replace: !!opts.replace });
    stagingId = null;
    store.logEnd(logId, 'done', { rows: dataset.nrows, variables: dataset.variables.length });
    progress(1);
    return { dataset, warnings: scan.warnings };
  } catch (err) {
    if (stagingId !== null) store.abortDataset(stagingId);
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
