// Indicator tools: one dummy per level (Stata's `tabulate x, generate()`), above-the-mean/median
// split dummies (heterogeneity sub-samples: "size above the yearly median"), and egen group().
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { groupStatistic } from './egen.js';
import { firstRows, groupIds } from './groups.js';
import { type ColumnResult, type MultiResult, type NumericResult, type Var, isMissingAt, lengthOf, numericValues, plural, sameLength } from './types.js';

/**
 * A variable name made of the characters the expression language accepts in names (letters of any
 * script, digits, underscore), not starting with a digit, unique among `taken` (adds _2, _3, ...).
 */
export function safeName(raw: string, taken: Set<string>): string {
  let s = raw.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/_+$/u, '');
  if (s === '' || /^\p{N}/u.test(s)) s = `_${s}`;
  let name = s;
  for (let k = 2; taken.has(name); k++) name = `${s}_${k}`;
  taken.add(name);
  return name;
}

function numberForName(v: number): string {
  // 2.5 → 2_5, −1 → m1: readable and valid in names
  return String(v).replace('-', 'm').replace('.', '_');
}

/**
 * One 0/1 column per level that occurs: categorical levels in their stored order, numeric values
 * ascending. Rows where x is missing are missing in every dummy (as `tabulate, generate()`).
 * Names are `prefix_level` made safe (province_广东, year_2005).
 */
export function dummies(x: Var, options: { prefix?: string; existing?: readonly string[] } = {}): MultiResult {
  const prefix = options.prefix ?? x.name;
  const taken = new Set(options.existing ?? []);
  const n = lengthOf(x.column);
  const c = x.column;
  // level k of the output ← per-row code
  let codes: Int32Array;
  let labels: string[];
  if (c.kind === 'categorical') {
    const used = new Uint8Array(c.levels.length);
    for (let i = 0; i < n; i++) if (c.codes[i] >= 0) used[c.codes[i]] = 1;
    const remap = new Int32Array(c.levels.length).fill(-1);
    labels = [];
    c.levels.forEach((l, k) => {
      if (used[k]) {
        remap[k] = labels.length;
        labels.push(l);
      }
    });
    codes = Int32Array.from(c.codes, (k) => (k < 0 ? -1 : remap[k]));
  } else {
    const distinct = [...new Set(Array.from(c.values).filter((v) => v - v === 0))].sort((a, b) => a - b);
    if (distinct.length > 1000) throw new AppError('INVALID_ARGUMENT', `"${x.name}" has ${distinct.length} distinct values; dummies are made for at most 1000 levels`);
    const index = new Map(distinct.map((v, k) => [v, k]));
    codes = Int32Array.from(c.values, (v) => (v - v === 0 ? (index.get(v + 0) as number) : -1));
    labels = distinct.map(String);
  }
  const columns = labels.map((label, k) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = codes[i] < 0 ? Number.NaN : codes[i] === k ? 1 : 0;
    const raw = c.kind === 'numeric' ? numberForName(Number(label)) : label;
    return { name: safeName(`${prefix}_${raw}`, taken), label: `${x.name}==${label}`, column: { kind: 'numeric', values } as Column };
  });
  return { columns, warnings: [], describe: `one dummy per level of ${x.name} (${plural(labels.length, 'level')}; missing where ${x.name} is missing)` };
}

/**
 * 1 if x is above its (group) mean or median, 0 if not, missing where x is missing.
 * Default strict (x > m), Stata's usual `gen big = size > r(p50)`; `inclusive` gives x ≥ m.
 * Unlike that Stata line, a missing x gives missing here, not 1 (Stata reads missing as +∞).
 */
export function splitDummy(x: Var, options: { stat?: 'mean' | 'median'; by?: Var[]; inclusive?: boolean; sample?: Uint8Array | null } = {}): NumericResult {
  const stat = options.stat ?? 'median';
  const v = numericValues(x, 'a split dummy');
  const by = options.by ?? [];
  sameLength(v.length, ...by);
  const g = groupIds(
    by.map((b) => b.column),
    v.length,
  );
  const m = groupStatistic(v, g, stat, { sample: options.sample ?? null });
  const out = new Float64Array(v.length);
  let ones = 0;
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    const t = m[i];
    if (a - a !== 0 || t - t !== 0) out[i] = Number.NaN;
    else {
      out[i] = (options.inclusive ? a >= t : a > t) ? 1 : 0;
      ones += out[i];
    }
  }
  const op = options.inclusive ? '≥' : '>';
  return {
    values: out,
    warnings: [],
    describe: `1 if ${x.name} ${op} its ${stat}${by.length ? ` within ${by.map((b) => b.name).join(' ')}` : ''} (Stata default percentile for the median), 0 otherwise, missing if ${x.name} is missing; ${ones} ones`,
  };
}

/**
 * egen group(): one categorical variable for the combinations of `vars` that occur, levels sorted
 * by the variables' values (text alphabetically, numbers ascending) and named "a#b". Rows with any
 * missing variable are missing (egen group()'s default).
 */
export function groupOf(vars: Var[]): ColumnResult {
  if (vars.length === 0) throw new AppError('INVALID_ARGUMENT', 'group() needs at least one variable');
  const n = lengthOf(vars[0].column);
  sameLength(n, ...vars);
  const g = groupIds(
    vars.map((v) => v.column),
    n,
  );
  const first = firstRows(g);
  const missingGroup = new Uint8Array(g.groups);
  for (let k = 0; k < g.groups; k++) missingGroup[k] = vars.some((v) => isMissingAt(v.column, first[k])) ? 1 : 0;
  const keyOf = (c: Column, row: number): number | string => (c.kind === 'numeric' ? c.values[row] : c.levels[c.codes[row]]);
  const order = Array.from({ length: g.groups }, (_, k) => k)
    .filter((k) => !missingGroup[k])
    .sort((a, b) => {
      for (const v of vars) {
        const x = keyOf(v.column, first[a]);
        const y = keyOf(v.column, first[b]);
        if (x < y) return -1;
        if (x > y) return 1;
      }
      return 0;
    });
  const code = new Int32Array(g.groups).fill(-1);
  order.forEach((k, j) => (code[k] = j));
  const levels = order.map((k) => vars.map((v) => String(keyOf(v.column, first[k]))).join('#'));
  const codes = Int32Array.from(g.ids, (k) => code[k]);
  return {
    column: { kind: 'categorical', codes, levels },
    warnings: [],
    describe: `group of ${vars.map((v) => v.name).join('#')} (${plural(levels.length, 'combination')}; missing if any part is missing)`,
  };
}
