// Data view jobs (src/shared/data-view.ts): open the project read-only, load only the columns the
// condition and the profiled variable need, and post back the matching row indices or the
// column's profile — never the data itself.
import type { Column } from '../engine/data.js';
import { conditionInputs, conditionMask, filterRows } from '../engine/view/filter.js';
import { profileColumn } from '../engine/view/profile.js';
import { AppError, toErrorInfo } from '../shared/errors.js';
import type { ViewOutput } from '../shared/data-view.js';
import type { FromWorker, ViewJob } from '../shared/worker-messages.js';
import { ProjectStore } from '../store/project.js';

export function runViewJob(job: ViewJob, post: (m: FromWorker) => void, nativeBinding?: string): void {
  const { jobId, request } = job;
  let store: ProjectStore | null = null;
  try {
    const condition = request.condition?.trim() || undefined;
    // a syntax error is reported before the project is even opened
    const inputs = condition ? conditionInputs(condition) : [];
    store = ProjectStore.open(job.projectPath, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const ds = store.getDataset(job.datasetId);
    const names = ds.variables.map((v) => v.name);
    if (request.kind === 'column' && !names.includes(request.variable)) throw new AppError('NOT_FOUND', `variable "${request.variable}" is not in the dataset`);
    const wanted = new Set(request.kind === 'column' ? [request.variable, ...inputs] : inputs);
    const loaded = new Map<string, Column>();
    // a name the dataset lacks is left to the expression, which says so (with a "did you mean")
    for (const name of wanted) if (names.includes(name)) loaded.set(name, store.readColumn(job.datasetId, name));
    store.close();
    store = null;
    const env = { nrows: ds.nrows, names, column: (n: string) => loaded.get(n), ...(ds.panel ? { panel: ds.panel } : {}) };
    let output: ViewOutput;
    if (request.kind === 'filter') {
      if (!condition) throw new AppError('INVALID_ARGUMENT', 'the condition is empty; write one such as year >= 2005');
      const { rows, warnings } = filterRows(condition, env);
      output = { kind: 'filter', rows, warnings };
    } else {
      const scope = condition ? conditionMask(condition, env) : null;
      const profile = profileColumn(request.variable, loaded.get(request.variable) as Column, {
        ...(scope ? { scope: scope.mask, condition, warnings: scope.warnings } : {}),
        ...(request.bins !== undefined ? { bins: request.bins } : {}),
        ...(request.levels !== undefined ? { levels: request.levels } : {}),
      });
      output = { kind: 'column', profile };
    }
    post({ type: 'view-done', jobId, output });
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorInfo(err) });
  } finally {
    store?.close();
  }
}
