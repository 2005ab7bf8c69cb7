// Writes what a variable tool computed into the project: every column in one transaction, each
// with its recipe (tool, inputs, parameters, provenance text), and one entry in the operation log.
// Used by main (after the worker ran the tool) and by the CLI (which runs it in-process).
import { AppError } from '../shared/errors.js';
import { type ToolOutput, type ToolRequest, withDefaults } from '../shared/tools.js';
import type { DatasetInfo } from '../shared/types.js';
import type { NewVariable, ProjectStore } from './project.js';
import { countMissing } from './write-dataset.js';

export function applyToolOutput(store: ProjectStore, datasetId: number, request: ToolRequest, output: ToolOutput): { dataset: DatasetInfo; written: string[] } {
  const before = store.getDataset(datasetId);
  const req = withDefaults(request);
  const logId = store.logStart('tool', { dataset: before.name, tool: req.tool, params: req.params });
  try {
    if (output.columns.length === 0) throw new AppError('ESTIMATION', `${req.tool} produced no variables`);
    const at = new Date().toISOString();
    const items = output.columns.map((c) => {
      const old = before.variables.find((v) => v.name === c.name);
      if (old && !c.replace) throw new AppError('INVALID_ARGUMENT', `variable "${c.name}" already exists`);
      const missing = countMissing(c.column);
      const variable: NewVariable = {
        name: c.name,
        type: c.column.kind,
        ...(c.column.kind === 'categorical' ? { levels: c.column.levels } : {}),
        // a replaced variable keeps its labels
        ...(old ? { label: old.label } : c.label ? { label: { [/[\u3400-\u9fff]/.test(c.label) ? 'zh' : 'en']: c.label } } : {}),
        recipe: { kind: 'transform', tool: req.tool, inputs: c.inputs, params: req.params, describe: output.describe, at },
        missing,
      };
      return { variable, column: c.column.kind === 'numeric' ? c.column.values : c.column.codes };
    });
    const dataset = store.writeVariables(datasetId, items, { replace: true });
    const written = items.map((i) => i.variable.name);
    store.logEnd(logId, 'done', { written, warnings: output.warnings });
    return { dataset, written };
  } catch (err) {
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
