// Writes a computed dataset (merge, append, ...) as a NEW dataset of the project, through the same
// staging area as imports: invisible until every chunk is written, then swapped in by one short
// transaction. A failure leaves the project as it was.
import type { CombineReport, CombineRequest } from '../shared/combine.js';
import { AppError } from '../shared/errors.js';
import type { DatasetInfo } from '../shared/types.js';
import { CHUNK_ROWS } from './codec.js';
import type { NewVariable, ProjectStore } from './project.js';

export interface ComputedColumn {
  name: string;
  column: { kind: 'numeric'; values: Float64Array } | { kind: 'categorical'; codes: Int32Array; levels: string[] };
}

/** Missing values of a computed column (NaN, or code −1). */
export function countMissing(column: ComputedColumn['column']): number {
  let missing = 0;
  if (column.kind === 'numeric') for (const x of column.values) missing += x !== x ? 1 : 0;
  else for (const x of column.codes) missing += x < 0 ? 1 : 0;
  return missing;
}

/** `collapse (mean) q [aw = value], by(firm year)` (from tx), Stata's syntax as provenance. */
function collapseText(r: CombineRequest): string {
  return `collapse (${r.stat ?? 'mean'}) ${(r.vars ?? []).join(' ')}${r.weight ? ` [aw = ${r.weight}]` : ''}, by(${(r.keys ?? []).join(' ')}) (from ${r.master})`;
}

export function writeCombined(store: ProjectStore, request: CombineRequest, nrows: number, columns: ComputedColumn[], report: CombineReport): DatasetInfo {
  if (store.findDataset(request.name)) throw new AppError('INVALID_ARGUMENT', `a dataset named "${request.name}" already exists; choose another name`);
  const master = store.findDataset(request.master);
  const using = store.findDataset(request.using);
  const logId = store.logStart(request.kind, { ...request });
  let stagingId: number | null = null;
  try {
    const at = new Date().toISOString();
    const variables: NewVariable[] = columns.map((c) => {
      const from = master?.variables.find((v) => v.name === c.name) ?? using?.variables.find((v) => v.name === c.name);
      const missing = countMissing(c.column);
      return {
        name: c.name,
        type: c.column.kind,
        ...(c.column.kind === 'categorical' ? { levels: c.column.levels } : {}),
        ...(from ? { label: from.label } : {}),
        ...(from?.valueLabels ? { valueLabels: from.valueLabels } : {}),
        recipe: {
          kind: 'transform',
          tool: request.kind,
          inputs: [request.master, request.using],
          params: { ...request },
          describe:
            request.kind === 'merge'
              ? `merge ${request.merge ?? '1:1'} ${(request.keys ?? []).join(' ')} of ${request.master} with ${request.using}`
              : request.kind === 'append'
                ? `append ${request.using} to ${request.master}`
                : request.kind === 'sort'
                  ? `sort by ${(request.keys ?? []).map((k) => ((request.descending ?? []).includes(k) ? `-${k}` : k)).join(' ')} (from ${request.master})`
                  : request.kind === 'collapse'
                    ? collapseText(request)
                    : `${request.kind} if ${request.condition ?? ''} (from ${request.master})`,
          at,
        },
        missing,
      };
    });
    const source =
      request.kind === 'keep' || request.kind === 'drop'
        ? `${request.kind} if ${request.condition ?? ''}: ${request.master}`
        : request.kind === 'sort'
          ? `sort by ${(request.keys ?? []).join(' ')}: ${request.master}`
          : request.kind === 'collapse'
            ? collapseText(request)
            : `${request.kind}: ${request.master} + ${request.using}`;
    const { datasetId, variableIds } = store.beginDataset(request.name, source, nrows, variables);
    stagingId = datasetId;
    for (let chunk = 0; chunk * CHUNK_ROWS < nrows; chunk++) {
      const a = chunk * CHUNK_ROWS;
      const b = Math.min(nrows, a + CHUNK_ROWS);
      store.writeChunks(chunk, variableIds, columns.map((c) => (c.column.kind === 'numeric' ? c.column.values : c.column.codes).subarray(a, b)));
    }
    const dataset = store.commitDataset(datasetId);
    stagingId = null;
    store.logEnd(logId, 'done', { ...report });
    return dataset;
  } catch (err) {
    if (stagingId !== null) store.abortDataset(stagingId);
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
