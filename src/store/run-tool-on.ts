// Runs a variable tool on a dataset of a project in-process (the CLI, the example builder): checks
// the request against the dataset, loads only its inputs (and other datasets' columns on demand).
import type { Column } from '../engine/data.js';
import { runTool } from '../engine/tools.js';
import { toolInputs } from '../engine/tools.js';
import { AppError } from '../shared/errors.js';
import { type ToolOutput, type ToolRequest, checkToolRequest } from '../shared/tools.js';
import type { DatasetInfo } from '../shared/types.js';
import type { ProjectStore } from './project.js';

/** Checks the request against the project, loads its columns (and other datasets' on demand) and runs it. */
export function runToolOn(store: ProjectStore, ds: DatasetInfo, request: ToolRequest): ToolOutput {
  const others = new Map(store.listDatasets().map((d) => [d.name, d.variables]));
  const problems = checkToolRequest(request, ds.variables, ds.panel ?? null, others);
  if (problems.length > 0) throw new AppError('INVALID_ARGUMENT', problems.map((x) => x.message).join('; '));
  const panel = ds.panel ?? null;
  const cols = new Map<string, Column>();
  for (const n of toolInputs(request, panel)) if (ds.variables.some((v) => v.name === n)) cols.set(n, store.readColumn(ds.id, n));
  return runTool(request, {
    nrows: ds.nrows,
    names: ds.variables.map((v) => v.name),
    panel,
    column: (n) => {
      const c = cols.get(n);
      if (!c) throw new AppError('NOT_FOUND', `variable "${n}" is not in the dataset`);
      return c;
    },
    foreign: (dsName, n) => {
      const other = store.findDataset(dsName);
      if (!other) throw new AppError('NOT_FOUND', `there is no dataset "${dsName}" in this project`);
      return store.readColumn(other.id, n);
    },
  });
}

