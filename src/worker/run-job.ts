// One estimation job: open the project read-only, load only the columns the spec needs, run the
// engine. Pure Node (no Electron): the same code runs under utilityProcess, child_process and tests.
import { FitCache, estimate, noteRestriction } from '../engine/estimate.js';
import { conditionVariables, restrictSample } from '../engine/sample-if.js';
import { estimatePsm } from '../engine/estimate-psm.js';
import { psmColumns } from '../engine/psm/columns.js';
import { estimateSfa, sfaColumns } from '../engine/estimate-sfa.js';
import { estimateTfp, tfpColumns } from '../engine/estimate-tfp.js';
import type { JobStage } from '../shared/types.js';
import type { Column, ColumnSource } from '../engine/data.js';
import { specVariables } from '../shared/spec.js';
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
    const names = [...new Set([...specVariables(job.spec), ...conditionVariables(job.spec.sample?.if)])];
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
    if (job.spec.estimator === 'psm') {
      // matching leaves psmatch2's variables in the dataset; main writes them
      const restricted = restrictSample(job.spec, source);
      const out = estimatePsm(job.spec, restricted?.source ?? source, progress);
      if (restricted) noteRestriction(out.result, restricted, source.nrows);
      out.result.timing_ms = { load: loadMs, ...out.result.timing_ms };
      post({ type: 'done', jobId, result: out.result, columns: psmColumns(job.spec, out) });
      return;
    }
    if (job.spec.estimator === 'sfa') {
      // efficiency scores go into the dataset (_te_bc, _u_jlms); main writes them
      const restricted = restrictSample(job.spec, source);
      const out = estimateSfa(job.spec, restricted?.source ?? source, progress);
      if (restricted) noteRestriction(out.result, restricted, source.nrows);
      out.result.timing_ms = { load: loadMs, ...out.result.timing_ms };
      post({ type: 'done', jobId, result: out.result, columns: sfaColumns(job.spec, out) });
      return;
    }
    if (job.spec.estimator === 'tfp') {
      // log TFP goes into the dataset (_ltfp); main writes it
      const restricted = restrictSample(job.spec, source);
      const out = estimateTfp(job.spec, restricted?.source ?? source, progress);
      if (restricted) noteRestriction(out.result, restricted, source.nrows);
      out.result.timing_ms = { load: loadMs, ...out.result.timing_ms };
      post({ type: 'done', jobId, result: out.result, columns: tfpColumns(job.spec, out) });
      return;
    }
    const result = estimate(job.spec, source, progress, { store: fitCache, scope });
    result.timing_ms = { load: loadMs, ...result.timing_ms };
    post({ type: 'done', jobId, result });
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorInfo(err) });
  } finally {
    store?.close();
  }
}
