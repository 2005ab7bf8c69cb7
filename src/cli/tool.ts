// `panel-studio TOOL --project P.pstudio [--dataset NAME] --param value ...`: every variable tool
// of src/shared/tools.ts as a verb, its flags taken from the declaration (lists comma-separated,
// booleans true/false). Runs in-process and writes into the project like the app does, recipe and
// operation log included. `panel-studio xtset --project P --id firm --time year` declares the panel.
import { resolve } from 'node:path';
import { runTool, toolInputs } from '../engine/tools.js';
import type { Column } from '../engine/data.js';
import { AppError } from '../shared/errors.js';
import { TOOLS, type ToolId, type ToolParamValue, type ToolRequest, checkToolRequest } from '../shared/tools.js';
import type { DatasetInfo } from '../shared/types.js';
import { applyToolOutput } from '../store/apply-tool.js';
import { ProjectStore } from '../store/project.js';
import { type Parsed, parseArgs, required } from './args.js';

export function toolUsage(): string {
  return Object.values(TOOLS)
    .map((t) => `  panel-studio ${t.id} --project P.pstudio [--dataset NAME] ${t.params.map((p) => (p.required ? `--${p.key} ${p.kind.toUpperCase()}` : `[--${p.key} ${p.kind.toUpperCase()}]`)).join(' ')}`)
    .join('\n');
}

function paramValue(kind: string, raw: string, key: string): ToolParamValue {
  switch (kind) {
    case 'variables':
      return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'number': {
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new AppError('INVALID_ARGUMENT', `--${key} must be a number, got "${raw}"`);
      return v;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new AppError('INVALID_ARGUMENT', `--${key} must be true or false, got "${raw}"`);
      return raw === 'true';
    default:
      return raw;
  }
}

export async function cmdTool(tool: ToolId, argv: string[], pickDataset: (store: ProjectStore, name: string | undefined) => DatasetInfo): Promise<number> {
  const decl = TOOLS[tool];
  const p: Parsed = parseArgs(argv, ['project', 'dataset', ...decl.params.map((x) => x.key)]);
  const store = ProjectStore.open(resolve(required(p, 'project')));
  try {
    const ds = pickDataset(store, p.flags.get('dataset'));
    const params: Record<string, ToolParamValue> = {};
    for (const param of decl.params) {
      const raw = p.flags.get(param.key);
      if (raw !== undefined) params[param.key] = paramValue(param.kind, raw, param.key);
    }
    const request: ToolRequest = { tool, params };
    const others = new Map(store.listDatasets().map((d) => [d.name, d.variables]));
    const problems = checkToolRequest(request, ds.variables, ds.panel ?? null, others);
    if (problems.length > 0) throw new AppError('INVALID_ARGUMENT', problems.map((x) => x.message).join('; '));
    const panel = ds.panel ?? null;
    const cols = new Map<string, Column>();
    for (const n of toolInputs(request, panel)) if (ds.variables.some((v) => v.name === n)) cols.set(n, store.readColumn(ds.id, n));
    const output = runTool(request, {
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
    const { written } = applyToolOutput(store, ds.id, request, output);
    for (const w of output.warnings) process.stderr.write(`note: ${w}\n`);
    process.stdout.write(`${JSON.stringify({ dataset: ds.name, written, describe: output.describe })}\n`);
    return 0;
  } finally {
    store.close();
  }
}

export function cmdXtset(argv: string[], pickDataset: (store: ProjectStore, name: string | undefined) => DatasetInfo): number {
  const p = parseArgs(argv, ['project', 'dataset', 'id', 'time']);
  const store = ProjectStore.open(resolve(required(p, 'project')));
  try {
    const ds = pickDataset(store, p.flags.get('dataset'));
    const after = store.setPanel(ds.id, { id: required(p, 'id'), time: required(p, 'time') });
    process.stdout.write(`${JSON.stringify({ dataset: after.name, panel: after.panel })}\n`);
    return 0;
  } finally {
    store.close();
  }
}
