// One estimation job: open the project read-only, load only the columns the spec needs, run the
// engine. Pure Node (no Electron): the same code runs under utilityProcess, child_process and tests.
import { FitCache } from '../engine/estimate.js';
import { estimateWithColumns } from '../engine/estimate-with-columns.js';
import { modelVariables } from '../engine/model-variables.js';
import type { JobStage } from '../shared/types.js';
import type { Column, ColumnSource } from '../engine/data.js';
import type { FromWorker, RunJob } from '../shared/worker-messages.js';
import { toErrorInfo } from '../shared/errors.js';
import { ProjectStore } from '../store/project.js';

/** The last fit of this worker: a change of only the SE type reuses it without re-demeaning. */
const fitCache = new FitCache();

export function runJob(job: RunJob, post: (m: FromWorker) => void, nativeBinding?: string): void {
  const { jobId } = job;
  let store: ProjectStore | null = null;
  try {
    post({ type: 'progress', jobId, stage: 'load', fraction: 0 });
    const t0 = performance.now();
    store = ProjectStore.open(job.projectPath, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const ds = store.getDataset(job.datasetId);
    const loaded = new Map<string, Column>();
    const names = modelVariables(job.spec);
    names.forEach((name, i) => {
      loaded.set(name, (store as ProjectStore).readColumn(job.datasetId, name));
      post({ type: 'progress', jobId, stage: 'load', fraction: (0.2 * (i + 1)) / names.length });
    });
    store.close();
    store = null;
    const loadMs = performance.now() - t0;
    const source: ColumnSource = {
      nrows: ds.nrows,
      // loaded for this job only: the engine may reuse their memory
      disposable: true,
      get: (name) => {
        const c = loaded.get(name);
        if (!c) throw new Error(`column ${name} was not loaded`);
        return c;
      },
    };
    const scope = `${job.projectPath}\u0000${job.datasetId}\u0000${ds.version}`;
    const progress = (stage: JobStage, fraction: number) => post({ type: 'progress', jobId, stage, fraction: 0.2 + 0.8 * fraction });
    // psm, sfa and tfp also hand back the variables they leave in the dataset; main writes them
    const { result, columns } = estimateWithColumns(job.spec, source, progress, { store: fitCache, scope });
    result.timing_ms = { load: loadMs, ...result.timing_ms };
    post({ type: 'done', jobId, result, ...(columns.length > 0 ? { columns } : {}) });
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorInfo(err) });
  } finally {
    store?.close();
  }
}
