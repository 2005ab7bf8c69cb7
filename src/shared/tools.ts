// Variable-construction tools, each declared once (jamovi style): the UI form, the CLI flags, the
// validation and the recipe stored with every variable derive from these declarations. The engine
// (src/engine/tools.ts) runs a request; main or the CLI writes the new columns into the project.
import { type ToolTable, measureProblems } from './measure.js';
import type { VariableInfo } from './types.js';

export type ToolId =
  | 'generate'
  | 'replace'
  | 'winsorize'
  | 'trim'
  | 'standardize'
  | 'log'
  | 'lag'
  | 'lead'
  | 'diff'
  | 'growth'
  | 'egen'
  | 'dummies'
  | 'split'
  | 'interact'
  | 'devpower'
  | 'destring'
  | 'recode'
  | 'ivlagged'
  | 'bartik'
  | 'entropy'
  | 'quality'
  | 'sophistication';

export type ToolParamKind =
  | 'newname'
  | 'variable'
  | 'variables'
  | 'expression'
  | 'condition'
  | 'number'
  | 'text'
  | 'choice'
  | 'boolean'
  /** another dataset of the project, by name */
  | 'dataset'
  /** a column of the dataset named by the parameter in `of` */
  | 'foreign';

export interface ToolParam {
  key: string;
  kind: ToolParamKind;
  required?: boolean;
  default?: number | string | boolean;
  choices?: string[];
  /** variable(s): only numeric variables make sense here. */
  numeric?: boolean;
  /** foreign: the key of the 'dataset' parameter whose column this names. */
  of?: string;
  labelKey: string;
}

export interface ToolDeclaration {
  id: ToolId;
  labelKey: string;
  /** Needs the dataset's panel (id, time) declared: lags and differences respect gaps. */
  panel?: boolean;
  params: ToolParam[];
}

export type ToolParamValue = string | number | boolean | string[];

export interface ToolRequest {
  tool: ToolId;
  params: Record<string, ToolParamValue>;
}

const name = (labelKey = 'tool.param.name'): ToolParam => ({ key: 'name', kind: 'newname', required: true, labelKey });
const vars = (numeric = true): ToolParam => ({ key: 'vars', kind: 'variables', required: true, numeric, labelKey: 'tool.param.vars' });
const suffix = (def: string): ToolParam => ({ key: 'suffix', kind: 'text', default: def, labelKey: 'tool.param.suffix' });
const by: ToolParam = { key: 'by', kind: 'variables', labelKey: 'tool.param.by' };
const cond: ToolParam = { key: 'if', kind: 'condition', labelKey: 'tool.param.if' };
const lags = (def: number): ToolParam => ({ key: 'k', kind: 'number', default: def, labelKey: 'tool.param.k' });

export const TOOLS: Record<ToolId, ToolDeclaration> = {
  generate: { id: 'generate', labelKey: 'tool.generate', params: [name(), { key: 'expr', kind: 'expression', required: true, labelKey: 'tool.param.expr' }, cond, { key: 'label', kind: 'text', labelKey: 'tool.param.label' }] },
  replace: { id: 'replace', labelKey: 'tool.replace', params: [{ key: 'target', kind: 'variable', required: true, labelKey: 'tool.param.target' }, { key: 'expr', kind: 'expression', required: true, labelKey: 'tool.param.expr' }, cond] },
  winsorize: {
    id: 'winsorize',
    labelKey: 'tool.winsorize',
    params: [vars(), { key: 'lower', kind: 'number', default: 1, labelKey: 'tool.param.lower' }, { key: 'upper', kind: 'number', default: 99, labelKey: 'tool.param.upper' }, by, suffix('_w'), { key: 'replace', kind: 'boolean', default: false, labelKey: 'tool.param.replace' }],
  },
  trim: {
    id: 'trim',
    labelKey: 'tool.trim',
    params: [vars(), { key: 'lower', kind: 'number', default: 1, labelKey: 'tool.param.lower' }, { key: 'upper', kind: 'number', default: 99, labelKey: 'tool.param.upper' }, by, suffix('_tr'), { key: 'replace', kind: 'boolean', default: false, labelKey: 'tool.param.replace' }],
  },
  standardize: { id: 'standardize', labelKey: 'tool.standardize', params: [vars(), by, suffix('_std')] },
  log: { id: 'log', labelKey: 'tool.log', params: [vars(), { key: 'shift', kind: 'number', default: 0, labelKey: 'tool.param.shift' }, { key: 'prefix', kind: 'text', default: 'ln_', labelKey: 'tool.param.prefix' }] },
  lag: { id: 'lag', labelKey: 'tool.lag', panel: true, params: [vars(), lags(1), { key: 'prefix', kind: 'text', default: 'L_', labelKey: 'tool.param.prefix' }] },
  lead: { id: 'lead', labelKey: 'tool.lead', panel: true, params: [vars(), lags(1), { key: 'prefix', kind: 'text', default: 'F_', labelKey: 'tool.param.prefix' }] },
  diff: { id: 'diff', labelKey: 'tool.diff', panel: true, params: [vars(), lags(1), { key: 'prefix', kind: 'text', default: 'D_', labelKey: 'tool.param.prefix' }] },
  growth: {
    id: 'growth',
    labelKey: 'tool.growth',
    panel: true,
    params: [vars(), lags(1), { key: 'log', kind: 'boolean', default: false, labelKey: 'tool.param.logGrowth' }, { key: 'prefix', kind: 'text', default: 'g_', labelKey: 'tool.param.prefix' }],
  },
  egen: {
    id: 'egen',
    labelKey: 'tool.egen',
    params: [
      name(),
      { key: 'stat', kind: 'choice', required: true, default: 'mean', choices: ['mean', 'sd', 'min', 'max', 'count', 'total', 'median', 'pctile', 'rank'], labelKey: 'tool.param.stat' },
      { key: 'var', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.var' },
      by,
      { key: 'p', kind: 'number', default: 50, labelKey: 'tool.param.p' },
    ],
  },
  dummies: { id: 'dummies', labelKey: 'tool.dummies', params: [{ key: 'var', kind: 'variable', required: true, labelKey: 'tool.param.var' }, { key: 'prefix', kind: 'text', labelKey: 'tool.param.prefix' }] },
  split: {
    id: 'split',
    labelKey: 'tool.split',
    params: [
      name(),
      { key: 'var', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.var' },
      { key: 'stat', kind: 'choice', default: 'median', choices: ['median', 'mean'], labelKey: 'tool.param.splitStat' },
      by,
      { key: 'inclusive', kind: 'boolean', default: false, labelKey: 'tool.param.inclusive' },
    ],
  },
  interact: { id: 'interact', labelKey: 'tool.interact', params: [{ key: 'a', kind: 'variable', required: true, labelKey: 'tool.param.a' }, { key: 'b', kind: 'variable', required: true, labelKey: 'tool.param.b' }] },
  devpower: {
    id: 'devpower',
    labelKey: 'tool.devpower',
    params: [name(), { key: 'var', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.var' }, { key: 'time', kind: 'variable', required: true, labelKey: 'tool.param.time' }, { key: 'power', kind: 'number', default: 3, labelKey: 'tool.param.power' }],
  },
  recode: {
    id: 'recode',
    labelKey: 'tool.recode',
    params: [name(), { key: 'var', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.var' }, { key: 'rules', kind: 'text', required: true, labelKey: 'tool.param.rules' }],
  },
  destring: {
    id: 'destring',
    labelKey: 'tool.destring',
    params: [{ key: 'vars', kind: 'variables', required: true, labelKey: 'tool.param.vars' }, suffix('_num'), { key: 'replace', kind: 'boolean', default: false, labelKey: 'tool.param.replace' }],
  },
  ivlagged: {
    id: 'ivlagged',
    labelKey: 'tool.ivlagged',
    panel: true,
    params: [
      name(),
      { key: 'z', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.zInvariant' },
      { key: 'series', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.series' },
      { key: 'k', kind: 'number', default: 1, labelKey: 'tool.param.k' },
    ],
  },
  bartik: {
    id: 'bartik',
    labelKey: 'tool.bartik',
    params: [
      name(),
      { key: 'unit', kind: 'variable', required: true, labelKey: 'tool.param.unit' },
      { key: 'time', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.time' },
      { key: 'shares', kind: 'dataset', required: true, labelKey: 'tool.param.sharesData' },
      { key: 'sharesUnit', kind: 'foreign', of: 'shares', required: true, labelKey: 'tool.param.unit' },
      { key: 'sharesSector', kind: 'foreign', of: 'shares', required: true, labelKey: 'tool.param.sector' },
      { key: 'share', kind: 'foreign', of: 'shares', required: true, labelKey: 'tool.param.share' },
      { key: 'levels', kind: 'dataset', required: true, labelKey: 'tool.param.levelsData' },
      { key: 'levelsUnit', kind: 'foreign', of: 'levels', required: true, labelKey: 'tool.param.unit' },
      { key: 'levelsSector', kind: 'foreign', of: 'levels', required: true, labelKey: 'tool.param.sector' },
      { key: 'levelsTime', kind: 'foreign', of: 'levels', required: true, labelKey: 'tool.param.time' },
      { key: 'level', kind: 'foreign', of: 'levels', required: true, labelKey: 'tool.param.level' },
      { key: 'leaveOneOut', kind: 'boolean', default: true, labelKey: 'tool.param.leaveOneOut' },
      { key: 'growthKind', kind: 'choice', default: 'rate', choices: ['rate', 'log'], labelKey: 'tool.param.growthKind' },
    ],
  },
  // Measurement tools (docs/measurement.md): composite index, export quality, export sophistication.
  entropy: {
    id: 'entropy',
    labelKey: 'tool.entropy',
    params: [
      name('tool.param.indexName'),
      { key: 'positive', kind: 'variables', numeric: true, labelKey: 'tool.param.positive' },
      { key: 'negative', kind: 'variables', numeric: true, labelKey: 'tool.param.negative' },
      { key: 'groups', kind: 'text', labelKey: 'tool.param.indicatorGroups' },
      { key: 'by', kind: 'variables', labelKey: 'tool.param.entropyBy' },
      { key: 'shift', kind: 'number', default: 0.0001, labelKey: 'tool.param.entropyShift' },
    ],
  },
  quality: {
    id: 'quality',
    labelKey: 'tool.quality',
    params: [
      name('tool.param.qualityName'),
      { key: 'product', kind: 'variable', required: true, labelKey: 'tool.param.product' },
      { key: 'destination', kind: 'variable', required: true, labelKey: 'tool.param.destination' },
      { key: 'year', kind: 'variable', required: true, labelKey: 'tool.param.year' },
      { key: 'value', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.exportValue' },
      { key: 'quantity', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.quantity' },
      { key: 'sigma', kind: 'number', default: 5, labelKey: 'tool.param.sigma' },
      { key: 'sigmas', kind: 'dataset', labelKey: 'tool.param.sigmaData' },
      { key: 'sigmasKey', kind: 'foreign', of: 'sigmas', labelKey: 'tool.param.sigmaKey' },
      { key: 'sigmasValue', kind: 'foreign', of: 'sigmas', labelKey: 'tool.param.sigmaValue' },
      { key: 'sigmaMatch', kind: 'variable', labelKey: 'tool.param.sigmaMatch' },
      { key: 'by', kind: 'variables', labelKey: 'tool.param.qualityBy' },
      { key: 'keepRaw', kind: 'boolean', default: true, labelKey: 'tool.param.keepRaw' },
    ],
  },
  sophistication: {
    id: 'sophistication',
    labelKey: 'tool.sophistication',
    params: [
      name('tool.param.expyName'),
      { key: 'unit', kind: 'variable', required: true, labelKey: 'tool.param.expyUnit' },
      { key: 'time', kind: 'variable', labelKey: 'tool.param.expyTime' },
      { key: 'product', kind: 'variable', required: true, labelKey: 'tool.param.product' },
      { key: 'value', kind: 'variable', required: true, numeric: true, labelKey: 'tool.param.exportValue' },
      { key: 'world', kind: 'dataset', required: true, labelKey: 'tool.param.worldData' },
      { key: 'worldCountry', kind: 'foreign', of: 'world', required: true, labelKey: 'tool.param.country' },
      { key: 'worldProduct', kind: 'foreign', of: 'world', required: true, labelKey: 'tool.param.product' },
      { key: 'worldValue', kind: 'foreign', of: 'world', required: true, labelKey: 'tool.param.exportValue' },
      { key: 'worldGdp', kind: 'foreign', of: 'world', required: true, labelKey: 'tool.param.gdppc' },
      { key: 'worldTime', kind: 'foreign', of: 'world', labelKey: 'tool.param.year' },
      { key: 'prody', kind: 'newname', labelKey: 'tool.param.prodyName' },
    ],
  },
};

export const TOOL_IDS = Object.keys(TOOLS) as ToolId[];

/** What a run hands back to main / the CLI: new or replacing columns, warnings, provenance. */
export interface ToolOutputColumn {
  name: string;
  column: { kind: 'numeric'; values: Float64Array } | { kind: 'categorical'; codes: Int32Array; levels: string[] };
  /** The variable's label: the user's text (its language detected), or both languages for what the engine names itself. */
  label?: string | { zh?: string; en?: string };
  /** Overwrites an existing variable of that name (replace, winsorize … replace). */
  replace: boolean;
  /** The input variables this column was computed from. */
  inputs: string[];
}

export interface ToolOutput {
  columns: ToolOutputColumn[];
  warnings: string[];
  /** One line for the variables' provenance, e.g. "winsorized at p1/p99 by year (winsor2)". */
  describe: string;
  /** Tables besides the columns (the entropy weights): exported by the CLI's --out, rendered by toolTableModel. */
  tables?: ToolTable[];
}

export type { ToolTable };

/** A valid Stata-style new variable name: letters (incl. CJK), digits and _, not starting with a digit. */
export const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]{0,79}$/u;

export interface ToolProblem {
  param: string;
  message: string;
}

/** The columns a request reads from other datasets of the project: dataset name → column names. */
export function foreignInputs(req: ToolRequest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of TOOLS[req.tool]?.params ?? []) {
    if (p.kind !== 'foreign' || !p.of) continue;
    const ds = req.params[p.of];
    const col = req.params[p.key];
    if (typeof ds !== 'string' || typeof col !== 'string' || ds === '' || col === '') continue;
    out.set(ds, [...new Set([...(out.get(ds) ?? []), col])]);
  }
  return out;
}

/** Problems with a request on these variables (empty when it can run). English text; the UI maps params. */
export function checkToolRequest(
  req: ToolRequest,
  variables: VariableInfo[] | null,
  panel: { id: string; time: string } | null,
  /** Other datasets of the project (name → variables), for dataset and foreign parameters. */
  datasets?: ReadonlyMap<string, VariableInfo[]>,
): ToolProblem[] {
  const decl = TOOLS[req.tool];
  if (!decl) return [{ param: 'tool', message: `unknown tool "${String(req.tool)}"` }];
  const out: ToolProblem[] = [];
  const byName = new Map((variables ?? []).map((v) => [v.name, v]));
  const known = (param: string, v: string, numeric?: boolean) => {
    if (!variables) return;
    const info = byName.get(v);
    if (!info) out.push({ param, message: `variable "${v}" is not in the dataset` });
    else if (numeric && info.type !== 'numeric') out.push({ param, message: `"${v}" is text (categorical); this tool needs a numeric variable` });
  };
  for (const p of decl.params) {
    const value = req.params[p.key];
    const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (p.required) out.push({ param: p.key, message: `${p.key} is required` });
      continue;
    }
    switch (p.kind) {
      case 'newname':
        if (typeof value !== 'string' || !VARIABLE_NAME.test(value)) out.push({ param: p.key, message: `"${String(value)}" is not a valid variable name (letters, digits and _; not starting with a digit)` });
        else if (byName.has(value)) out.push({ param: p.key, message: `variable "${value}" already exists; choose another name (or use replace)` });
        break;
      case 'variable':
        if (typeof value !== 'string') out.push({ param: p.key, message: `${p.key} must be one variable name` });
        else known(p.key, value, p.numeric);
        break;
      case 'variables':
        if (!Array.isArray(value)) out.push({ param: p.key, message: `${p.key} must be a list of variable names` });
        else for (const v of value) known(p.key, v, p.numeric);
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) out.push({ param: p.key, message: `${p.key} must be a number` });
        break;
      case 'boolean':
        if (typeof value !== 'boolean') out.push({ param: p.key, message: `${p.key} must be true or false` });
        break;
      case 'dataset':
        if (typeof value !== 'string') out.push({ param: p.key, message: `${p.key} must be a dataset name` });
        else if (datasets && !datasets.has(value)) out.push({ param: p.key, message: `there is no dataset "${value}" in this project` });
        break;
      case 'foreign': {
        const ds = p.of ? req.params[p.of] : undefined;
        const vars = typeof ds === 'string' ? datasets?.get(ds) : undefined;
        if (typeof value !== 'string') out.push({ param: p.key, message: `${p.key} must be a variable name` });
        else if (vars && !vars.some((v) => v.name === value)) out.push({ param: p.key, message: `variable "${value}" is not in dataset "${String(ds)}"` });
        break;
      }
      case 'choice':
        if (typeof value !== 'string' || !(p.choices ?? []).includes(value)) out.push({ param: p.key, message: `${p.key} must be one of ${(p.choices ?? []).join(', ')}` });
        break;
      default:
        if (typeof value !== 'string') out.push({ param: p.key, message: `${p.key} must be text` });
    }
  }
  for (const key of Object.keys(req.params)) if (!decl.params.some((p) => p.key === key)) out.push({ param: key, message: `${decl.id} has no parameter "${key}"` });
  if ((req.tool === 'winsorize' || req.tool === 'trim') && typeof req.params.lower === 'number' && typeof req.params.upper === 'number') {
    const { lower, upper } = req.params;
    if (!(lower >= 0 && upper <= 100 && lower < upper)) out.push({ param: 'lower', message: 'percentiles must satisfy 0 ≤ lower < upper ≤ 100' });
  }
  out.push(...measureProblems(req, variables ? new Set(byName.keys()) : null));
  if (decl.panel && !panel) out.push({ param: 'panel', message: 'declare the panel (id and time variables) of this dataset first: lags and differences follow the time variable, not the row order' });
  return out;
}

/** The request with every declared default filled in (what is stored in the recipe). */
export function withDefaults(req: ToolRequest): ToolRequest {
  const params: Record<string, ToolParamValue> = {};
  for (const p of TOOLS[req.tool].params) {
    const v = req.params[p.key];
    if (v !== undefined && v !== '') params[p.key] = v;
    else if (p.default !== undefined) params[p.key] = p.default;
  }
  return { tool: req.tool, params };
}
