// Shared pieces of the measurement tools (entropy index, export quality, export sophistication):
// the sub-index grouping syntax, the tables a tool hands back besides its columns, and the extra
// request checks the declarations cannot express. Pure: used by the UI (live checks), the CLI and
// the engine. Formulas and conventions: docs/measurement.md.
import type { TableModel, TableRow } from './table.js';
import { type ToolProblem, type ToolRequest, VARIABLE_NAME } from './tools.js';

/** One sub-index of an entropy composite: its (new variable) name and its indicators. */
export interface IndicatorGroup {
  name: string;
  members: string[];
}

/**
 * "ecom = a, b, c; basic = d, e" → two groups. Empty text → none. Throws nothing: problems are
 * returned, so the form can show them as the user types.
 */
export function parseIndicatorGroups(text: string): { groups: IndicatorGroup[]; problems: string[] } {
  const groups: IndicatorGroup[] = [];
  const problems: string[] = [];
  for (const part of text.split(/[;；\n]/)) {
    const t = part.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq < 0) {
      problems.push(`sub-index "${t}": write it as name = indicator, indicator, … (e.g. ecom = a, b; basic = c, d)`);
      continue;
    }
    const name = t.slice(0, eq).trim();
    const members = t
      .slice(eq + 1)
      .split(/[,，\s]+/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (!VARIABLE_NAME.test(name)) problems.push(`sub-index name "${name}" is not a valid variable name`);
    else if (groups.some((g) => g.name === name)) problems.push(`sub-index "${name}" is given twice`);
    if (members.length === 0) problems.push(`sub-index "${name}" has no indicators`);
    groups.push({ name, members });
  }
  return { groups, problems };
}

/** Checks beyond the per-parameter ones (which indicators, which groups, which σ source). */
export function measureProblems(req: ToolRequest, existing: ReadonlySet<string> | null): ToolProblem[] {
  const out: ToolProblem[] = [];
  const p = req.params;
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (req.tool === 'entropy') {
    const pos = list(p.positive);
    const neg = list(p.negative);
    if (pos.length + neg.length === 0) out.push({ param: 'positive', message: 'choose the indicators: positive (more is better) and/or negative (less is better)' });
    for (const v of pos) if (neg.includes(v)) out.push({ param: 'negative', message: `"${v}" is both positive and negative` });
    const all = [...pos, ...neg];
    if (all.length === 1) out.push({ param: 'positive', message: 'an entropy-weight index needs at least two indicators' });
    if (typeof p.shift === 'number' && !(p.shift >= 0)) out.push({ param: 'shift', message: 'the shift must be ≥ 0 (0.0001 is the usual choice)' });
    if (typeof p.groups === 'string' && p.groups.trim() !== '') {
      const { groups, problems } = parseIndicatorGroups(p.groups);
      for (const m of problems) out.push({ param: 'groups', message: m });
      const seen = new Map<string, string>();
      for (const g of groups) {
        if (existing?.has(g.name)) out.push({ param: 'groups', message: `variable "${g.name}" already exists; name the sub-index differently` });
        if (g.name === p.name) out.push({ param: 'groups', message: `sub-index "${g.name}" has the name of the overall index` });
        for (const m of g.members) {
          if (!all.includes(m)) out.push({ param: 'groups', message: `sub-index "${g.name}": "${m}" is not among the positive or negative indicators` });
          const before = seen.get(m);
          if (before !== undefined) out.push({ param: 'groups', message: `"${m}" is in sub-indices "${before}" and "${g.name}"; each indicator belongs to one` });
          seen.set(m, g.name);
        }
      }
      const left = all.filter((v) => !seen.has(v));
      if (groups.length > 0 && left.length > 0) out.push({ param: 'groups', message: `${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} in no sub-index; put every indicator in one` });
    }
  }
  if (req.tool === 'quality') {
    if (typeof p.sigma === 'number' && !(p.sigma > 1)) out.push({ param: 'sigma', message: 'the elasticity of substitution σ must be greater than 1' });
    const table = typeof p.sigmas === 'string' && p.sigmas !== '';
    if (table && (!p.sigmasKey || !p.sigmasValue)) out.push({ param: 'sigmas', message: 'name the key (product or HS code) and the σ columns of the elasticity table' });
    if (!table && (p.sigmasKey || p.sigmasValue || p.sigmaMatch)) out.push({ param: 'sigmas', message: 'choose the elasticity table (dataset) these columns belong to' });
    if (typeof p.name === 'string' && p.keepRaw !== false && existing?.has(`${p.name}_raw`)) out.push({ param: 'name', message: `variable "${p.name}_raw" already exists (the unstandardised quality is written there)` });
  }
  if (req.tool === 'sophistication') {
    if (typeof p.prody === 'string' && p.prody !== '' && p.prody === p.name) out.push({ param: 'prody', message: 'PRODY and EXPY need different names' });
    const t = typeof p.time === 'string' && p.time !== '';
    const wt = typeof p.worldTime === 'string' && p.worldTime !== '';
    if (t !== wt) out.push({ param: t ? 'worldTime' : 'time', message: 'give both years or neither: the year of this dataset and the year column of the world table (PRODY per year)' });
  }
  return out;
}

/**
 * A table a tool returns besides its columns (the entropy weights). Plain data: rows keyed by
 * column key; numbers stay numbers (JSON export keeps full precision), `toolTableModel` formats.
 */
export interface ToolTable {
  id: string;
  title: { en: string; zh: string };
  columns: { key: string; en: string; zh: string; decimals?: number }[];
  rows: Record<string, string | number | null>[];
  notes?: { en: string; zh: string }[];
}

/** The format-free table model (first column as row label) that renderTable writes as md/csv/tex/html. */
export function toolTableModel(t: ToolTable, opts: { lang?: 'zh' | 'en'; decimals?: number } = {}): TableModel {
  const lang = opts.lang ?? 'en';
  const [first, ...rest] = t.columns;
  const cell = (v: string | number | null | undefined, d: number | undefined): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (!Number.isFinite(v)) return '';
    return d === undefined ? String(v) : v.toFixed(d);
  };
  const rows: TableRow[] = t.rows.map((r) => ({
    label: cell(r[first.key], first.decimals),
    cells: rest.map((c) => cell(r[c.key], c.decimals === undefined ? undefined : (opts.decimals ?? c.decimals))),
    kind: 'stat',
  }));
  return { titles: rest.map((c) => c[lang]), depvars: [], rows, notes: [t.title[lang], ...(t.notes ?? []).map((n) => n[lang])] };
}
