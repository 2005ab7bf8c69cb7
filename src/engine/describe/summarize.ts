// Descriptive statistics per variable, optionally per group: Stata `summarize [, detail]` and
// `tabstat ..., statistics(n mean sd min p25 p50 p75 max) [by()] [casewise]`.
//
// Shapes: columns of length nrows; one scratch Float64Array(nrows) is reused for every variable.
// Per variable: one pass copies the variable's usable values into the scratch (by group: a
// counting sort, so each group is a contiguous segment), two passes give the moments
// (moments.ts) and a selection gives the percentiles (select.ts) — no full sort, no per-variable
// allocation of the data's size.
//
// Formulas ([R] summarize, Methods and formulas): sd with the n − 1 divisor; skewness m3/m2^(3/2)
// and kurtosis m4/m2² with m_r = Σ(x − x̄)^r / n; percentiles by Stata's default rule.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { listwiseMask, rowGroups, scopeMask, type RowGroups } from './groups.js';
import { percentilesFromRanks, planBrackets, rankValues, ranksFor } from './brackets.js';
import { firstPass, momentsFrom, type FirstPass } from './moments.js';
import { PERCENTILE_RULE } from './select.js';
import type { NamedColumn, PercentileValue, SummaryResult, SummaryRow, SummarySample } from './types.js';

const CHUNK = 4096;

/** The percentiles `summarize, detail` reports. */
export const DETAIL_PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99] as const;

export interface SummarizeOptions {
  /** Default 'per_variable' (Stata `summarize` / `tabstat`); 'listwise' = `tabstat, casewise`. */
  sample?: SummarySample;
  /** Statistics per group of this variable; rows where it is missing are left out (tabstat). */
  by?: NamedColumn;
  /** With `by`: also a row over all groups (tabstat's "Total"). Default true. */
  total?: boolean;
  /** Skewness, kurtosis and the detail percentiles (Stata `summarize, detail`). */
  detail?: boolean;
  /** Percentiles (0 < p < 100) to report in `percentiles`, in addition to or instead of the detail ones. */
  percentiles?: number[];
  /** Rows in scope (Stata `if`/`in`): 1 = use; length nrows. Default all rows. */
  filter?: Uint8Array;
}

function columnLength(c: Column): number {
  return c.kind === 'numeric' ? c.values.length : c.codes.length;
}

/** Common length of the columns; an error naming the odd one out otherwise. */
export function commonRows(columns: readonly NamedColumn[]): number {
  if (columns.length === 0) throw new AppError('INVALID_ARGUMENT', 'no variables selected');
  const n = columnLength(columns[0].column);
  for (const c of columns) {
    if (columnLength(c.column) !== n) throw new AppError('INVALID_ARGUMENT', `variable "${c.name}" has ${columnLength(c.column)} rows, "${columns[0].name}" has ${n}`);
  }
  return n;
}

export function summarize(columns: readonly NamedColumn[], opts: SummarizeOptions = {}): SummaryResult {
  const sample = opts.sample ?? 'per_variable';
  const nrows = commonRows(opts.by ? [...columns, opts.by] : columns);
  const names = columns.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new AppError('INVALID_ARGUMENT', `variable "${dup}" is selected twice`);
  const ps = requestedPercentiles(opts);
  const scope = scopeMask(nrows, opts.filter);
  const nInput = opts.filter ? countSet(scope) : nrows;
  const result: SummaryResult = {
    kind: 'summarize',
    variables: names,
    sample,
    by: opts.by?.name ?? null,
    n_input: nInput,
    rows: [],
    percentile_rule: PERCENTILE_RULE,
    warnings: [],
  };
  let rowMask = scope;
  if (sample === 'listwise') {
    const lw = listwiseMask(nrows, columns, scope);
    rowMask = lw.mask;
    result.n_listwise = lw.count;
    if (lw.count === 0) result.warnings.push('no row is complete in all selected variables');
  }
  const groups = opts.by ? rowGroups(opts.by.column, rowMask) : null;
  if (groups && opts.by) result.by_missing = groups.missing;
  const scratch = new Float64Array(nrows);
  const detail = opts.detail ?? false;
  for (const { name, column } of columns) {
    if (column.kind === 'categorical') {
      result.rows.push(...categoricalRows(name, column.codes, rowMask, groups, opts.total ?? true));
      continue;
    }
    if (!groups) {
      const first = { sum: 0, min: Infinity, max: -Infinity };
      const n = compact(column.values, rowMask, scratch, first);
      result.rows.push(statsRow(name, scratch, 0, n, first, detail, ps));
    } else {
      const offsets = scatterByGroup(column.values, rowMask, groups, scratch);
      for (let g = 0; g < groups.groups; g++) {
        const row = statsRow(name, scratch, offsets[g], offsets[g + 1], null, detail, ps);
        row.group = groups.keys[g];
        result.rows.push(row);
      }
      // After the groups: the percentile selection of the total reorders across segments.
      if (opts.total ?? true) result.rows.push(statsRow(name, scratch, 0, offsets[groups.groups], null, detail, ps));
    }
    const last = result.rows[result.rows.length - 1];
    if (last.n === 0) result.warnings.push(`variable "${name}" has no non-missing observations in the sample`);
  }
  return result;
}

function countSetChunk(m: Uint8Array, i0: number, i1: number): number {
  let c = 0;
  for (let i = i0; i < i1; i++) c += m[i];
  return c;
}

export function countSet(m: Uint8Array): number {
  let c = 0;
  for (let i0 = 0; i0 < m.length; i0 += CHUNK) c += countSetChunk(m, i0, Math.min(m.length, i0 + CHUNK));
  return c;
}

function requestedPercentiles(opts: SummarizeOptions): number[] {
  const ps = new Set<number>(opts.detail ? DETAIL_PERCENTILES : []);
  for (const p of opts.percentiles ?? []) {
    if (!(p > 0 && p < 100)) throw new AppError('INVALID_ARGUMENT', `percentile ${p} is not between 0 and 100`);
    ps.add(p);
  }
  return [...ps].sort((a, b) => a - b);
}

/** Copies the usable values and accumulates the moments' first pass on the way (acc = [Σx, min, max]). */
function compactChunk(v: Float64Array, mask: Uint8Array, out: Float64Array, i0: number, i1: number, j: number, acc: Float64Array): number {
  let s = 0;
  let min = acc[1];
  let max = acc[2];
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    // x − x is 0 for finite x, NaN for NaN and ±∞ (treated as missing, as everywhere in the engine)
    if (mask[i] && x - x === 0) {
      out[j++] = x;
      s += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  acc[0] += s;
  acc[1] = min;
  acc[2] = max;
  return j;
}

/** Usable values of v into out[0, n) and their first pass; returns n. */
function compact(v: Float64Array, mask: Uint8Array, out: Float64Array, first: FirstPass): number {
  let j = 0;
  const acc = new Float64Array([0, Infinity, -Infinity]);
  for (let i0 = 0; i0 < v.length; i0 += CHUNK) j = compactChunk(v, mask, out, i0, Math.min(v.length, i0 + CHUNK), j, acc);
  first.sum = acc[0];
  first.min = acc[1];
  first.max = acc[2];
  return j;
}

function countChunk(v: Float64Array, mask: Uint8Array, ids: Int32Array, counts: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    if (mask[i] && x - x === 0 && ids[i] >= 0) counts[ids[i]]++;
  }
}

function scatterChunk(v: Float64Array, mask: Uint8Array, ids: Int32Array, pos: Int32Array, out: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    const g = ids[i];
    if (mask[i] && x - x === 0 && g >= 0) out[pos[g]++] = x;
  }
}

/** Counting sort of the usable values by group: group g occupies out[offsets[g], offsets[g+1]). */
function scatterByGroup(v: Float64Array, mask: Uint8Array, groups: RowGroups, out: Float64Array): Int32Array {
  const counts = new Int32Array(groups.groups);
  for (let i0 = 0; i0 < v.length; i0 += CHUNK) countChunk(v, mask, groups.ids, counts, i0, Math.min(v.length, i0 + CHUNK));
  const offsets = new Int32Array(groups.groups + 1);
  for (let g = 0; g < groups.groups; g++) offsets[g + 1] = offsets[g] + counts[g];
  const pos = offsets.slice(0, groups.groups);
  for (let i0 = 0; i0 < v.length; i0 += CHUNK) scatterChunk(v, mask, groups.ids, pos, out, i0, Math.min(v.length, i0 + CHUNK));
  return offsets;
}

function emptyRow(variable: string, n: number, reason: string, ps: readonly number[], detail: boolean): SummaryRow {
  const row: SummaryRow = { variable, n, mean: null, sd: null, variance: null, min: null, p25: null, median: null, p75: null, max: null, sum: null, na: {} };
  for (const k of ['mean', 'sd', 'variance', 'min', 'p25', 'median', 'p75', 'max', 'sum']) row.na[k] = reason;
  if (detail) {
    row.skewness = null;
    row.kurtosis = null;
    row.na.skewness = reason;
    row.na.kurtosis = reason;
  }
  if (ps.length > 0) {
    row.percentiles = ps.map((p) => ({ p, value: null }));
    row.na.percentiles = reason;
  }
  return row;
}

/** Statistics of the segment x[i0, i1) (its first pass, if already done); may reorder it. */
function statsRow(variable: string, x: Float64Array, i0: number, i1: number, done: FirstPass | null, detail: boolean, ps: readonly number[]): SummaryRow {
  const n = i1 - i0;
  if (n === 0) return emptyRow(variable, 0, 'no observations', ps, detail);
  const first = done ?? firstPass(x, i0, i1);
  const all = [25, 50, 75, ...ps];
  const ranks = ranksFor(n, all);
  // Value brackets for the percentile ranks are filled by the moments pass (brackets.ts).
  const br = first.min < first.max ? planBrackets(x, i0, i1, ranks) : null;
  const m = momentsFrom(x, i0, i1, first, detail, br);
  const q = first.min === first.max ? all.map(() => first.min) : percentilesFromRanks(n, all, rankValues(x, i0, i1 - 1, ranks, br));
  const row: SummaryRow = {
    variable,
    n,
    mean: m.mean,
    sd: null,
    variance: null,
    min: m.min,
    p25: q[0],
    median: q[1],
    p75: q[2],
    max: m.max,
    sum: m.sum,
    na: {},
  };
  if (n >= 2) {
    row.variance = m.m2 / (n - 1);
    row.sd = Math.sqrt(row.variance);
  } else {
    row.na.sd = 'one observation';
    row.na.variance = 'one observation';
  }
  if (detail) {
    // Stata leaves skewness and kurtosis missing when the variable does not vary.
    const ok = n >= 2 && m.m2 > 0;
    const v = m.m2 / n;
    row.skewness = ok ? m.m3 / n / v ** 1.5 : null;
    row.kurtosis = ok ? m.m4 / n / (v * v) : null;
    if (!ok) row.na.skewness = row.na.kurtosis = n < 2 ? 'one observation' : 'no variation';
  }
  if (ps.length > 0) row.percentiles = ps.map((p, i): PercentileValue => ({ p, value: q[3 + i] }));
  return row;
}

function categoricalRows(name: string, codes: Int32Array, mask: Uint8Array, groups: RowGroups | null, total: boolean): SummaryRow[] {
  const reason = 'categorical variable: its levels have no numeric value';
  const rows: SummaryRow[] = [];
  if (!groups) {
    let n = 0;
    for (let i = 0; i < codes.length; i++) if (mask[i] && codes[i] >= 0) n++;
    return [emptyRow(name, n, reason, [], false)];
  }
  const counts = new Int32Array(groups.groups);
  for (let i = 0; i < codes.length; i++) if (mask[i] && codes[i] >= 0 && groups.ids[i] >= 0) counts[groups.ids[i]]++;
  for (let g = 0; g < groups.groups; g++) rows.push({ ...emptyRow(name, counts[g], reason, [], false), group: groups.keys[g] });
  if (total) rows.push(emptyRow(name, counts.reduce((s, c) => s + c, 0), reason, [], false));
  return rows;
}
