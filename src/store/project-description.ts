// Builds the plain ProjectDescription the code exporters read (src/shared/codegen) from a project:
// the operation log gives the history in order (imports, variable tools, combine steps; a replaced
// variable's earlier recipes survive only there), the datasets their final variables and panel,
// the models their specs. Expressions are parsed here (the engine's parser), so the generators stay
// pure. Projects whose log lacks a dataset's history fall back to the variables' recipes.
import { basename, extname } from 'node:path';
import { parseExpression } from '../engine/expr/index.js';
import { parseRecodeRules } from '../engine/tools.js';
import type { CombineRequest } from '../shared/combine.js';
import type { CodeExprText, CodeRecodeRule, CodeStep, ImportStep, ModelDescription, ProjectDescription, ToolStep } from '../shared/codegen/types.js';
import { TOOLS, type ToolId } from '../shared/tools.js';
import type { DatasetInfo, VariableInfo } from '../shared/types.js';
import type { ProjectStore } from './project.js';

const COMBINE_KINDS = new Set(['merge', 'append', 'keep', 'drop', 'sort', 'collapse']);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function parsed(text: string): CodeExprText {
  try {
    return { text, ast: parseExpression(text) };
  } catch {
    return { text };
  }
}

function formatOf(file: string): ImportStep['format'] {
  const ext = extname(file).toLowerCase();
  return ext === '.dta' ? 'dta' : ext === '.xlsx' ? 'xlsx' : ext === '.tsv' ? 'tsv' : 'csv';
}

function importStep(ds: DatasetInfo, file: string, sheet?: string | number): ImportStep {
  const name = basename(file);
  const vars = ds.variables.filter((v) => v.recipe.kind === 'import' && v.recipe.source === name);
  return {
    kind: 'import',
    dataset: ds.name,
    file: name,
    format: formatOf(name),
    ...(sheet !== undefined ? { sheet } : {}),
    variables: vars.map((v) => ({ name: v.recipe.kind === 'import' ? v.recipe.column : v.name, type: v.type })),
  };
}

/** The level a dummy indicates, from its label "x==level" (written by the dummies tool). */
function dummyLevel(v: VariableInfo | undefined, source: string): string | null {
  const label = v?.label.en ?? v?.label.zh;
  const prefix = `${source}==`;
  return label?.startsWith(prefix) ? label.slice(prefix.length) : null;
}

function toolStep(ds: DatasetInfo | null, dataset: string, tool: ToolId, params: Record<string, unknown>, written: string[], describe?: string): ToolStep {
  const step: ToolStep = { kind: 'tool', dataset, tool, params, written, ...(describe ? { describe } : {}) };
  if ((tool === 'generate' || tool === 'replace') && str(params.expr)) step.expr = parsed(str(params.expr));
  if ((tool === 'generate' || tool === 'replace') && str(params.if)) step.condition = parsed(str(params.if));
  if (tool === 'dummies') step.levels = written.map((n) => dummyLevel(ds?.variables.find((v) => v.name === n), str(params.var)));
  if (tool === 'recode') {
    try {
      step.rules = parseRecodeRules(str(params.rules)) as CodeRecodeRule[];
    } catch {
      // left out: the generator writes a TODO
    }
  }
  return step;
}

function combineRequest(detail: Record<string, unknown>, kind: string): CombineRequest {
  const r: Record<string, unknown> = { kind };
  for (const k of ['master', 'using', 'keys', 'merge', 'keep', 'descending', 'condition', 'vars', 'stat', 'weight', 'name']) if (detail[k] !== undefined) r[k] = detail[k];
  return r as unknown as CombineRequest;
}

/** Steps rebuilt from the variables' recipes (projects whose log does not cover this dataset). */
function fromRecipes(ds: DatasetInfo): CodeStep[] {
  const steps: CodeStep[] = [];
  const sources = [...new Set(ds.variables.flatMap((v) => (v.recipe.kind === 'import' ? [v.recipe.source] : [])))];
  for (const s of sources) steps.push(importStep(ds, s));
  const groups = new Map<string, VariableInfo[]>();
  for (const v of ds.variables) {
    const r = v.recipe;
    if (r.kind !== 'transform' || !(r.tool in TOOLS)) continue;
    const key = `${r.at ?? ''}\u0000${r.tool}\u0000${JSON.stringify(r.params)}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const ordered = [...groups.values()].sort((a, b) => String((a[0].recipe as { at?: string }).at ?? '').localeCompare(String((b[0].recipe as { at?: string }).at ?? '')));
  for (const vars of ordered) {
    const r = vars[0].recipe;
    if (r.kind !== 'transform') continue;
    steps.push(toolStep(ds, ds.name, r.tool as ToolId, r.params, vars.map((v) => v.name), r.describe));
  }
  return steps;
}

export function describeProject(store: ProjectStore, opts: { generator?: string } = {}): ProjectDescription {
  const datasets = store.listDatasets();
  const byName = new Map(datasets.map((d) => [d.name, d]));
  const history: CodeStep[] = [];
  const covered = new Set<string>();
  for (const op of store.oplog()) {
    if (op.status !== 'done') continue;
    const d = op.detail;
    if (op.kind === 'import') {
      const ds = byName.get(str(d.dataset));
      if (!ds || !str(d.file)) continue;
      history.push(importStep(ds, str(d.file), typeof d.sheet === 'string' || typeof d.sheet === 'number' ? d.sheet : undefined));
      covered.add(ds.name);
    } else if (op.kind === 'tool') {
      const tool = str(d.tool);
      if (!(tool in TOOLS)) continue; // columns a model wrote (psm): the model's code makes them
      const written = Array.isArray(d.written) ? d.written.filter((x): x is string => typeof x === 'string') : [];
      const ds = byName.get(str(d.dataset)) ?? null;
      const params = (d.params ?? {}) as Record<string, unknown>;
      const describe = ds?.variables.find((v) => written.includes(v.name) && v.recipe.kind === 'transform' && v.recipe.tool === tool)?.recipe;
      history.push(toolStep(ds, str(d.dataset), tool as ToolId, params, written, describe?.kind === 'transform' ? describe.describe : undefined));
    } else if (COMBINE_KINDS.has(op.kind)) {
      const request = combineRequest(d, op.kind);
      history.push({ kind: 'combine', request, ...(request.condition ? { condition: parsed(request.condition) } : {}) });
      covered.add(request.name);
    }
  }
  // Keep only the history that leads to a dataset still in the project.
  const needed = new Set(datasets.map((d) => d.name));
  const keep = new Array<boolean>(history.length).fill(false);
  for (let i = history.length - 1; i >= 0; i--) {
    const s = history[i];
    if (s.kind === 'combine') {
      if (!needed.has(s.request.name)) continue;
      keep[i] = true;
      needed.add(s.request.master);
      needed.add(s.request.using);
    } else if (needed.has(s.dataset)) {
      keep[i] = true;
      if (s.kind === 'tool') for (const p of TOOLS[s.tool].params) if (p.kind === 'dataset' && str(s.params[p.key])) needed.add(str(s.params[p.key]));
    }
  }
  const steps: CodeStep[] = [];
  for (const ds of datasets) if (!covered.has(ds.name)) steps.push(...fromRecipes(ds));
  steps.push(...history.filter((_, i) => keep[i]));
  const byId = new Map(datasets.map((d) => [d.id, d.name]));
  const models: ModelDescription[] = store.listModels().map((m) => ({
    name: m.name,
    dataset: byId.get(m.datasetId) ?? `#${m.datasetId}`,
    spec: m.spec,
    ...(m.spec.sample?.if ? { condition: parsed(m.spec.sample.if) } : {}),
  }));
  return {
    name: basename(store.path, extname(store.path)),
    ...(opts.generator ? { generator: opts.generator } : {}),
    datasets: datasets.map((d) => ({
      name: d.name,
      nrows: d.nrows,
      ...(d.panel ? { panel: d.panel } : {}),
      variables: d.variables.map((v) => ({ name: v.name, type: v.type, ...(v.label.en || v.label.zh ? { label: v.label.en ?? v.label.zh } : {}) })),
    })),
    steps,
    models,
  };
}
