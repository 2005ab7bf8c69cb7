// Writes what a variable tool computed into the project: every column in one transaction, each
// with its recipe (tool, inputs, parameters, provenance text), and one entry in the operation log.
// Used by main (after the worker ran the tool) and by the CLI (which runs it in-process).
import { AppError } from '../shared/errors.js';
import type { ModelSpec } from '../shared/spec.js';
import { type ToolOutput, type ToolOutputColumn, type ToolRequest, withDefaults } from '../shared/tools.js';
import type { DatasetInfo } from '../shared/types.js';
import type { NewVariable, ProjectStore } from './project.js';
import { countMissing } from './write-dataset.js';

type VariableLabel = { zh?: string; en?: string };

/**
 * A written variable's labels: a replaced variable keeps its own, a language it lacks taken from
 * what the tool or model gives (both languages for the variables the engine names, e.g. psm's
 * _weight, sfa's _te_bc); a user's text goes under the language it is written in.
 */
function labelOf(given: ToolOutputColumn['label'], old: VariableLabel | undefined): { label?: VariableLabel } {
  const fresh: VariableLabel = typeof given === 'string' ? (given ? { [/[\u3400-\u9fff]/.test(given) ? 'zh' : 'en']: given } : {}) : { ...(given?.zh ? { zh: given.zh } : {}), ...(given?.en ? { en: given.en } : {}) };
  const label = { ...fresh, ...(old?.zh ? { zh: old.zh } : {}), ...(old?.en ? { en: old.en } : {}) };
  return label.zh || label.en ? { label } : {};
}

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
        ...labelOf(c.label, old?.label),
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

/**
 * Writes the variables a model leaves in its dataset (psm: psmatch2's _pscore, _treated, _support,
 * _weight), replacing those of an earlier run, each with a recipe naming the model.
 */
export function applyModelColumns(store: ProjectStore, datasetId: number, model: { name: string; spec: ModelSpec }, columns: ToolOutputColumn[]): DatasetInfo {
  const before = store.getDataset(datasetId);
  const logId = store.logStart('tool', { dataset: before.name, tool: model.spec.estimator, params: { model: model.name } });
  try {
    const at = new Date().toISOString();
    const describe = `${model.spec.estimator} model "${model.name}"`;
    const items = columns.map((c) => {
      const old = before.variables.find((v) => v.name === c.name);
      const variable: NewVariable = {
        name: c.name,
        type: c.column.kind,
        ...(c.column.kind === 'categorical' ? { levels: c.column.levels } : {}),
        ...labelOf(c.label, old?.label),
        recipe: { kind: 'transform', tool: model.spec.estimator, inputs: c.inputs, params: { model: model.name, options: model.spec.options }, describe, at },
        missing: countMissing(c.column),
      };
      return { variable, column: c.column.kind === 'numeric' ? c.column.values : c.column.codes };
    });
    const dataset = store.writeVariables(datasetId, items, { replace: true });
    store.logEnd(logId, 'done', { written: items.map((i) => i.variable.name) });
    return dataset;
  } catch (err) {
    store.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
