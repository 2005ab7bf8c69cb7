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
import { WASM_MAX_BRACKETS, WasmScratch } from './wasm/moments-wasm.js';
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
  /** 'auto' (default): the WebAssembly SIMD pass when the runtime has it; 'js': plain JS (tests). */
  kernel?: 'auto' | 'js';
}

/** Where the compacted values live and which kernel runs the second pass. */
interface Scratch {
  x: Float64Array;
  wasm: WasmScratch | null;
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
  const starts = groups ? groupStarts(rowMask, groups) : null;
  const wasm = (opts.kernel ?? 'auto') === 'auto' ? WasmScratch.create(nrows) : null;
  const scratch: Scratch = { x: wasm ? wasm.values : new Float64Array(nrows), wasm };
  // the module compacts with the mask itself; with neither a filter nor listwise rows it needs none
  wasm?.setMask(rowMask === scope && !opts.filter ? null : rowMask);
  const detail = opts.detail ?? false;
  for (const { name, column } of columns) {
    if (column.kind === 'categorical') {
      result.rows.push(...categoricalRows(name, column.codes, rowMask, groups, opts.total ?? true));
      continue;
    }
    if (!groups) {
      let first: FirstPass = { sum: 0, min: Infinity, max: -Infinity };
      let n: number;
      if (wasm) ({ n, first } = wasm.compactFrom(column.values));
      else n = compact(column.values, rowMask, scratch.x, first);
      result.rows.push(statsRow(name, scratch, 0, n, first, detail, ps));
    } else {
      const start = starts as Int32Array;
      const { end, firsts } = scatterByGroup(column.values, rowMask, groups, start, scratch.x);
      for (let g = 0; g < groups.groups; g++) {
        const row = statsRow(name, scratch, start[g], end[g], firsts[g], detail, ps);
        row.group = groups.keys[g];
        result.rows.push(row);
      }
      if (opts.total ?? true) {
        // close the gaps the variable's missing values left, then the total over all groups
        let k = 0;
        const total: FirstPass = { sum: 0, min: Infinity, max: -Infinity };
        for (let g = 0; g < groups.groups; g++) {
          if (k !== start[g]) scratch.x.copyWithin(k, start[g], end[g]);
          k += end[g] - start[g];
          total.sum += firsts[g].sum;
          total.min = Math.min(total.min, firsts[g].min);
          total.max = Math.max(total.max, firsts[g].max);
        }
        result.rows.push(statsRow(name, scratch, 0, k, total, detail, ps));
      }
    }
    const last = result.rows[result.rows.length - 1];
    if (last.n === 0) result.warnings.push(`variable "${name}" has no non-missing observations in the sample`);
  }
  wasm?.release();
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

function scatterChunk(v: Float64Array, mask: Uint8Array, ids: Int32Array, pos: Int32Array, acc: Float64Array, out: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    const g = ids[i];
    if (mask[i] && x - x === 0 && g >= 0) {
      out[pos[g]++] = x;
      // the group's first pass on the way: acc[3g..3g+2] = Σx, min, max
      acc[3 * g] += x;
      if (x < acc[3 * g + 1]) acc[3 * g + 1] = x;
      if (x > acc[3 * g + 2]) acc[3 * g + 2] = x;
    }
  }
}

/**
 * One pass of a counting sort by group: group g's usable values go to out[start[g], end[g]), where
 * start comes from the group sizes (every row of the group in the sample) and end leaves out the
 * variable's missing values. Returns the groups' first passes too.
 */
function scatterByGroup(v: Float64Array, mask: Uint8Array, groups: RowGroups, start: Int32Array, out: Float64Array): { end: Int32Array; firsts: FirstPass[] } {
  const G = groups.groups;
  const end = start.slice(0, G);
  const acc = new Float64Array(3 * G);
  for (let g = 0; g < G; g++) {
    acc[3 * g + 1] = Infinity;
    acc[3 * g + 2] = -Infinity;
  }
  for (let i0 = 0; i0 < v.length; i0 += CHUNK) scatterChunk(v, mask, groups.ids, end, acc, out, i0, Math.min(v.length, i0 + CHUNK));
  const firsts = Array.from({ length: G }, (_, g): FirstPass => ({ sum: acc[3 * g], min: acc[3 * g + 1], max: acc[3 * g + 2] }));
  return { end, firsts };
}

/** Group g's rows in the sample, as offsets of consecutive segments. */
function groupStarts(mask: Uint8Array, groups: RowGroups): Int32Array {
  const size = new Int32Array(groups.groups);
  for (let i = 0; i < mask.length; i++) if (mask[i] && groups.ids[i] >= 0) size[groups.ids[i]]++;
  const start = new Int32Array(groups.groups + 1);
  for (let g = 0; g < groups.groups; g++) start[g + 1] = start[g] + size[g];
  return start;
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
function statsRow(variable: string, scratch: Scratch, i0: number, i1: number, done: FirstPass | null, detail: boolean, ps: readonly number[]): SummaryRow {
  const x = scratch.x;
  const n = i1 - i0;
  if (n === 0) return emptyRow(variable, 0, 'no observations', ps, detail);
  const first = done ?? firstPass(x, i0, i1);
  const all = [25, 50, 75, ...ps];
  const ranks = ranksFor(n, all);
  // Value brackets for the percentile ranks are filled by the moments pass (brackets.ts).
  const br = first.min < first.max ? planBrackets(x, i0, i1, ranks) : null;
  const m = scratch.wasm && (br?.lo.length ?? 0) <= WASM_MAX_BRACKETS ? scratch.wasm.moments(i0, i1, first, detail, br) : momentsFrom(x, i0, i1, first, detail, br);
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
