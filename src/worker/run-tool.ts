// Variable-construction and descriptive-statistics jobs. A tool job: open the project read-only, load the columns the tool reads, run
// it (src/engine/tools.ts) and post the new columns back; main writes them in one transaction.
import type { Column } from '../engine/data.js';
import { runTool, toolInputs } from '../engine/tools.js';
import { AppError, toErrorInfo } from '../shared/errors.js';
import { foreignInputs } from '../shared/tools.js';
import type { CombineJob, DescribeJob, FromWorker, ToolJob } from '../shared/worker-messages.js';
import { runCombine } from '../engine/combine/run.js';
import { describeInputs } from '../shared/describe.js';
import { runDescribe } from '../engine/describe/run.js';
import { ProjectStore } from '../store/project.js';

export function runToolJob(job: ToolJob, post: (m: FromWorker) => void, nativeBinding?: string): void {
  const { jobId } = job;
  let store: ProjectStore | null = null;
  try {
    post({ type: 'progress', jobId, stage: 'load', fraction: 0 });
    store = ProjectStore.open(job.projectPath, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const ds = store.getDataset(job.datasetId);
    const panel = ds.panel ?? null;
    const loaded = new Map<string, Column>();
    const foreign = new Map<string, Column>();
    for (const [dsName, cols] of foreignInputs(job.request)) {
      const other = store.findDataset(dsName);
      if (!other) throw new AppError('NOT_FOUND', `there is no dataset "${dsName}" in this project`);
      for (const c of cols) foreign.set(`${dsName}\u0000${c}`, store.readColumn(other.id, c));
    }
    // a name the dataset lacks is left to the tool, which says so (with a "did you mean")
    for (const name of toolInputs(job.request, panel)) if (ds.variables.some((v) => v.name === name)) loaded.set(name, store.readColumn(job.datasetId, name));
    store.close();
    store = null;
    post({ type: 'progress', jobId, stage: 'estimate', fraction: 0.5 });
    const names = ds.variables.map((v) => v.name);
    const output = runTool(job.request, {
      nrows: ds.nrows,
      names,
      panel,
      column: (name) => {
        const c = loaded.get(name);
        if (!c) throw new Error(`column ${name} was not loaded`);
        return c;
      },
      foreign: (dsName, name) => {
        const c = foreign.get(`${dsName}\u0000${name}`);
        if (!c) throw new Error(`column ${dsName}.${name} was not loaded`);
        return c;
      },
    });
    post({ type: 'tool-done', jobId, output });
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorInfo(err) });
  } finally {
    store?.close();
  }
}

/** Descriptive statistics: the columns of the request, then summarize / correlate / vif. */
export function runDescribeJob(job: DescribeJob, post: (m: FromWorker) => void, nativeBinding?: string): void {
  const { jobId } = job;
  let store: ProjectStore | null = null;
  try {
    post({ type: 'progress', jobId, stage: 'load', fraction: 0 });
    store = ProjectStore.open(job.projectPath, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const loaded = new Map<string, Column>();
    for (const name of describeInputs(job.request)) loaded.set(name, store.readColumn(job.datasetId, name));
    store.close();
    store = null;
    post({ type: 'progress', jobId, stage: 'estimate', fraction: 0.5 });
    const result = runDescribe(job.request, (name) => loaded.get(name) as Column);
    post({ type: 'describe-done', jobId, result });
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorInfo(err) });
  } finally {
    store?.close();
  }
}

/** Merge / append: every column of both datasets, combined in the engine, posted back to main. */
export function runCombineJob(job: CombineJob, post: (m: FromWorker) => void, nativeBinding?: string): void {
  const { jobId } = job;
  let store: ProjectStore | null = null;
  try {
    post({ type: 'progress', jobId, stage: 'load', fraction: 0 });
    store = ProjectStore.open(job.projectPath, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const load = (name: string) => {
      const ds = (store as ProjectStore).findDataset(name);
      if (!ds) throw new AppError('NOT_FOUND', `there is no dataset "${name}" in this project`);
      return { nrows: ds.nrows, columns: ds.variables.map((v) => ({ name: v.name, column: (store as ProjectStore).readColumn(ds.id, v.name) })) };
    };
    const master = load(job.request.master);
    const single = job.request.kind === 'keep' || job.request.kind === 'drop' || job.request.kind === 'sort' || job.request.kind === 'collapse';
    const using = single ? null : load(job.request.using);
    store.close();
    store = null;
    post({ type: 'progress', jobId, stage: 'estimate', fraction: 0.5 });
    const { data, report } = runCombine(job.request, master, using);
    post({ type: 'combine-done', jobId, nrows: data.nrows, columns: data.columns, report });
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorInfo(err) });
  } finally {
    store?.close();
  }
}
