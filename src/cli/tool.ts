// `panel-studio TOOL --project P.pstudio [--dataset NAME] --param value ...`: every variable tool
// of src/shared/tools.ts as a verb, its flags taken from the declaration (lists comma-separated,
// booleans true/false). Runs in-process and writes into the project like the app does, recipe and
// operation log included. `panel-studio xtset --project P --id firm --time year` declares the panel.
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { AppError } from '../shared/errors.js';
import { TOOLS, type ToolId, type ToolOutput, type ToolParamValue, type ToolRequest } from '../shared/tools.js';
import type { DatasetInfo } from '../shared/types.js';
import { type ToolTable, toolTableModel } from '../shared/measure.js';
import { type TableFormat, renderTable } from '../shared/table-render.js';
import { applyToolOutput } from '../store/apply-tool.js';
import { ProjectStore } from '../store/project.js';
import { runToolOn } from '../store/run-tool-on.js';

export { runToolOn };
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
  const p: Parsed = parseArgs(argv, ['project', 'dataset', 'out', 'lang', ...decl.params.map((x) => x.key)]);
  const out = p.flags.get('out');
  const lang = langOf(p);
  if (out) tableFormat(out);
  const store = ProjectStore.open(resolve(required(p, 'project')));
  try {
    const ds = pickDataset(store, p.flags.get('dataset'));
    const request = requestFromFlags(tool, p);
    const output = runToolOn(store, ds, request);
    if (out && !output.tables?.length) throw new AppError('INVALID_ARGUMENT', `--out: ${tool} returns no table (only new variables)`);
    const { written } = applyToolOutput(store, ds.id, request, output);
    for (const w of output.warnings) process.stderr.write(`note: ${w}\n`);
    if (out) writeTables(out, output.tables ?? [], { dataset: ds.name, written, describe: output.describe, warnings: output.warnings }, lang);
    process.stdout.write(`${JSON.stringify({ dataset: ds.name, written, describe: output.describe })}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** The request a tool's flags make (lists comma-separated, booleans true/false). */
export function requestFromFlags(tool: ToolId, p: Parsed): ToolRequest {
  const params: Record<string, ToolParamValue> = {};
  for (const param of TOOLS[tool].params) {
    const raw = p.flags.get(param.key);
    if (raw !== undefined) params[param.key] = paramValue(param.kind, raw, param.key);
  }
  return { tool, params };
}

export function langOf(p: Parsed): 'zh' | 'en' {
  const lang = p.flags.get('lang') ?? 'en';
  if (lang !== 'zh' && lang !== 'en') throw new AppError('INVALID_ARGUMENT', `--lang must be zh or en, got "${lang}"`);
  return lang;
}

/** The format of a tables file by its extension: .json (plain data, full precision) or a table format. */
export function tableFormat(path: string): 'json' | TableFormat {
  const ext = extname(path).toLowerCase().slice(1);
  if (ext === 'json' || ext === 'md' || ext === 'csv' || ext === 'tex' || ext === 'html') return ext;
  throw new AppError('INVALID_ARGUMENT', `--out ${path}: write the tables as .json, .md, .csv, .tex or .html`);
}

/**
 * The tables a tool returned (the entropy weights): JSON with every number at full precision plus
 * what was written, or each table rendered through the regression-table renderers, one after another.
 */
export function writeTables(path: string, tables: ToolTable[], meta: Record<string, unknown>, lang: 'zh' | 'en'): void {
  const format = tableFormat(path);
  if (tables.length === 0) throw new AppError('INVALID_ARGUMENT', '--out: this tool returns no table');
  const text =
    format === 'json'
      ? `${JSON.stringify({ ...meta, tables: Object.fromEntries(tables.map((t) => [t.id, t.rows])) }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`
      : tables.map((t) => renderTable(toolTableModel(t, { lang }), format)).join(format === 'csv' ? '\n' : '\n\n');
  writeFileSync(resolve(path), text);
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
