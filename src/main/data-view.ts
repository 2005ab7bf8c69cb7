// The data view's state in main: filters the worker computed (their matching row indices, kept
// here so the renderer pages through them like through the dataset) and the column profiles of the
// header menu. The dataset is never changed; a filter belongs to one version of it and says so
// when the data changed since.
import { randomUUID } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import type { ColumnProfile, FilterInfo, FilteredRowPage } from '../shared/data-view.js';
import type { ProjectStore } from '../store/project.js';
import type { JobHost } from './job-host.js';

/** Filters kept per window: a few, since each holds up to nrows indices (4 bytes each). */
const MAX_FILTERS = 4;
/** Matching rows closer than this are read as one contiguous block (cheaper than one read each). */
const GAP = 64;

interface Held {
  info: FilterInfo;
  rows: Int32Array;
}

export class DataViews {
  readonly #filters = new Map<number, Held>();
  #next = 1;

  constructor(private readonly jobs: JobHost) {}

  async filter(store: ProjectStore, datasetId: number, condition: string): Promise<FilterInfo> {
    const ds = store.getDataset(datasetId);
    const out = await this.jobs.runView({ type: 'view', jobId: randomUUID(), request: { kind: 'filter', condition }, projectPath: store.path, datasetId });
    if (!store.isOpen) throw new AppError('CANCELLED', 'the project was closed while the filter ran');
    if (out.kind !== 'filter') throw new AppError('INTERNAL', 'the engine answered a filter with something else');
    if (store.getDataset(datasetId).version !== ds.version) throw new AppError('CANCELLED', 'the data changed while the filter ran; apply it again');
    const info: FilterInfo = { filterId: this.#next++, datasetId, version: ds.version, condition: condition.trim(), count: out.rows.length, nrows: ds.nrows, warnings: out.warnings };
    this.#filters.set(info.filterId, { info, rows: out.rows });
    for (const key of this.#filters.keys()) {
      if (this.#filters.size <= MAX_FILTERS) break;
      this.#filters.delete(key);
    }
    return info;
  }

  /** Rows [offset, offset + limit) of the filtered view, with their rows in the dataset. */
  page(store: ProjectStore, datasetId: number, filterId: number, offset: number, limit: number): FilteredRowPage {
    const held = this.#filters.get(filterId);
    if (!held || held.info.datasetId !== datasetId) throw new AppError('NOT_FOUND', 'this filter is no longer held; apply it again');
    const ds = store.getDataset(datasetId);
    if (ds.version !== held.info.version) throw new AppError('NOT_FOUND', 'the data changed since the filter was applied; apply it again');
    const idx = held.rows;
    const from = Math.min(offset, idx.length);
    const to = Math.min(idx.length, offset + limit);
    const columns: FilteredRowPage['columns'] = {};
    for (const v of ds.variables) columns[v.name] = [];
    for (let i = from; i < to; ) {
      let j = i + 1;
      while (j < to && idx[j] - idx[j - 1] <= GAP) j++;
      const start = idx[i];
      const block = store.readRows(datasetId, start, idx[j - 1] - start + 1);
      for (const [name, values] of Object.entries(block.columns)) {
        const out = (columns[name] ??= []);
        for (let k = i; k < j; k++) out.push(values[idx[k] - start] ?? null);
      }
      i = j;
    }
    return { offset: from, nrows: to - from, columns, rows: Array.from(idx.subarray(from, to)) };
  }

  async column(store: ProjectStore, datasetId: number, variable: string, condition?: string, bins?: number): Promise<ColumnProfile> {
    const ds = store.getDataset(datasetId);
    if (!ds.variables.some((v) => v.name === variable)) throw new AppError('NOT_FOUND', `variable "${variable}" is not in the dataset`);
    const out = await this.jobs.runView({
      type: 'view',
      jobId: randomUUID(),
      request: { kind: 'column', variable, ...(condition ? { condition } : {}), ...(bins !== undefined ? { bins } : {}) },
      projectPath: store.path,
      datasetId,
    });
    if (out.kind !== 'column') throw new AppError('INTERNAL', 'the engine answered a column profile with something else');
    return out.profile;
  }

  /** Drops every held filter (the project closed). */
  clear(): void {
    this.#filters.clear();
  }
}

/** A variable's labels from the header menu; blank text clears that language's label. */
export function setVariableLabel(store: ProjectStore, datasetId: number, variable: string, label: { zh?: string | undefined; en?: string | undefined }) {
  const ds = store.getDataset(datasetId);
  if (!ds.variables.some((v) => v.name === variable)) throw new AppError('NOT_FOUND', `variable "${variable}" is not in the dataset`);
  const clean = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : undefined);
  const zh = clean(label.zh);
  const en = clean(label.en);
  store.setVariableLabel(datasetId, variable, { ...(zh ? { zh } : {}), ...(en ? { en } : {}) });
  return store.getDataset(datasetId);
}

/** Stata's `drop varlist` from the header menu: refused for the declared panel id and time. */
export function dropVariables(store: ProjectStore, datasetId: number, names: string[]) {
  const ds = store.getDataset(datasetId);
  if (names.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose at least one variable to drop');
  for (const n of names) {
    if (!ds.variables.some((v) => v.name === n)) throw new AppError('NOT_FOUND', `variable "${n}" is not in the dataset`);
    if (ds.panel && (ds.panel.id === n || ds.panel.time === n)) throw new AppError('INVALID_ARGUMENT', `"${n}" is the panel ${ds.panel.id === n ? 'id' : 'time'} variable (xtset); clear the panel declaration first`);
  }
  const logId = store.logStart('dropvars', { dataset: ds.name, variables: names });
  try {
    const after = store.dropVariables(datasetId, [...new Set(names)]);
    store.logEnd(logId, 'done');
    return after;
  } catch (err) {
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
