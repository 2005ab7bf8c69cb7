// Correlation matrices: Stata `pwcorr, sig` (pairwise: each pair uses the rows where both are
// present), `correlate` (listwise: rows complete in every variable) and `spearman` (Pearson r of
// average ranks; ranks taken within the rows the pair uses, as `spearman, pw` does).
//
// Shapes: K numeric columns of length nrows; a pair's sums run over rows where a Uint8Array mask is
// set, without copying the data. Each r is computed from centred sums around the pair's own means
// (two passes: means, then Σdx·dy, Σdx², Σdy²), which keeps its digits on data with a large offset.
// p-value: t = r √((n − 2)/(1 − r²)) on n − 2 df, two-sided ([R] correlate, Methods and formulas;
// the same t approximation for Spearman, [R] spearman). Stars: one per level with p < level.
import { AppError } from '../../shared/errors.js';
import { tTwoSidedP } from '../stats/distributions.js';
import { listwiseMask, scopeMask } from './groups.js';
import { averageRanks } from './ranks.js';
import { commonRows } from './summarize.js';
import type { CorrelationCell, CorrelationResult, CorrelationSample, NamedColumn } from './types.js';

const CHUNK = 4096;

export const DEFAULT_STAR_LEVELS = [0.1, 0.05, 0.01] as const;

export interface CorrelateOptions {
  /** Default 'pairwise' (Stata `pwcorr`); 'listwise' = Stata `correlate`. */
  sample?: CorrelationSample;
  method?: 'pearson' | 'spearman';
  /** Significance levels for stars; default 0.1, 0.05, 0.01 (*, **, ***). */
  starLevels?: number[];
  /** Rows in scope (Stata `if`/`in`). */
  filter?: Uint8Array;
}

function numericValues(c: NamedColumn): Float64Array {
  if (c.column.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `variable "${c.name}" is categorical: correlations need numeric variables`);
  return c.column.values;
}

/** Per-row availability of one column under the scope mask. */
function presentMask(v: Float64Array, scope: Uint8Array): Uint8Array {
  const m = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) m[i] = scope[i] & (v[i] - v[i] === 0 ? 1 : 0);
  return m;
}

function allSet(m: Uint8Array): boolean {
  for (let i = 0; i < m.length; i++) if (m[i] === 0) return false;
  return true;
}

function pairMeansChunk(x: Float64Array, y: Float64Array, m: Uint8Array | null, i0: number, i1: number, acc: Float64Array): void {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = i0; i < i1; i++) {
    if (m !== null && !m[i]) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  acc[0] += n;
  acc[1] += sx;
  acc[2] += sy;
}

function pairCrossChunk(x: Float64Array, y: Float64Array, m: Uint8Array | null, mx: number, my: number, i0: number, i1: number, acc: Float64Array): void {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = i0; i < i1; i++) {
    if (m !== null && !m[i]) continue;
    const a = x[i] - mx;
    const b = y[i] - my;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  acc[0] += sx;
  acc[1] += sy;
  acc[2] += sxx;
  acc[3] += syy;
  acc[4] += sxy;
}

/** Pearson r of x and y over the rows with m set (all rows when m is null). */
export function pearsonPair(x: Float64Array, y: Float64Array, m: Uint8Array | null): { r: number; n: number } {
  const len = x.length;
  const a = new Float64Array(3);
  for (let i0 = 0; i0 < len; i0 += CHUNK) pairMeansChunk(x, y, m, i0, Math.min(len, i0 + CHUNK), a);
  const n = a[0];
  if (n === 0) return { r: Number.NaN, n };
  const mx = a[1] / n;
  const my = a[2] / n;
  const b = new Float64Array(5);
  for (let i0 = 0; i0 < len; i0 += CHUNK) pairCrossChunk(x, y, m, mx, my, i0, Math.min(len, i0 + CHUNK), b);
  // Corrected two-pass: remove the first pass's rounding error of the means (moments.ts).
  const sxx = b[2] - (b[0] * b[0]) / n;
  const syy = b[3] - (b[1] * b[1]) / n;
  const sxy = b[4] - (b[0] * b[1]) / n;
  if (!(sxx > 0 && syy > 0)) return { r: Number.NaN, n };
  const r = sxy / Math.sqrt(sxx * syy);
  return { r: Math.max(-1, Math.min(1, r)), n };
}

/** Two-sided p-value of r from n observations (t on n − 2 df); null when undefined. */
export function correlationPValue(r: number, n: number): number | null {
  if (!Number.isFinite(r) || n < 3) return null;
  if (Math.abs(r) === 1) return 0;
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return tTwoSidedP(t, n - 2);
}

export function starsFor(p: number | null, levels: readonly number[]): number {
  if (p === null) return 0;
  let s = 0;
  for (const l of levels) if (p < l) s++;
  return s;
}

function cell(r: number, n: number, levels: readonly number[], constant: boolean): CorrelationCell {
  if (!Number.isFinite(r)) {
    const na = n < 2 ? `${n} observation${n === 1 ? '' : 's'}` : constant ? 'a variable does not vary in these rows' : 'not computable';
    return { r: null, p_value: null, n, stars: 0, na };
  }
  const p = correlationPValue(r, n);
  return { r, p_value: p, n, stars: starsFor(p, levels), ...(p === null ? { na: 'p-value needs at least 3 observations' } : {}) };
}

export function correlate(columns: readonly NamedColumn[], opts: CorrelateOptions = {}): CorrelationResult {
  const sample = opts.sample ?? 'pairwise';
  const method = opts.method ?? 'pearson';
  const levels = [...(opts.starLevels ?? DEFAULT_STAR_LEVELS)].sort((a, b) => b - a);
  for (const l of levels) if (!(l > 0 && l < 1)) throw new AppError('INVALID_ARGUMENT', `significance level ${l} is not between 0 and 1`);
  const nrows = commonRows(columns);
  const values = columns.map(numericValues);
  const K = columns.length;
  const scope = scopeMask(nrows, opts.filter);
  const result: CorrelationResult = {
    kind: 'correlate',
    method,
    sample,
    variables: columns.map((c) => c.name),
    matrix: [],
    star_levels: levels,
    convention:
      (sample === 'pairwise' ? 'Stata pwcorr, sig: each pair uses the rows where both variables are present' : 'Stata correlate: rows complete in every variable') +
      (method === 'spearman' ? "; Spearman's rho = Pearson r of average ranks within those rows (Stata spearman)" : '') +
      '; p-value from t = r·sqrt((n−2)/(1−r²)) on n−2 df, two-sided; stars for p < each level',
    warnings: [],
  };
  let listwise: Uint8Array | null = null;
  if (sample === 'listwise') {
    const lw = listwiseMask(nrows, columns, scope);
    listwise = lw.mask;
    result.n_listwise = lw.count;
  }
  const present = values.map((v) => (listwise ? listwise : presentMask(v, scope)));
  const complete = present.map(allSet);
  // Spearman with one sample for all pairs: rank each variable once.
  const ranked = method === 'spearman' && listwise ? values.map((v) => averageRanks(v, listwise as Uint8Array)) : null;
  const matrix: CorrelationCell[][] = Array.from({ length: K }, () => new Array<CorrelationCell>(K));
  const pairMask = new Uint8Array(nrows);
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      let m: Uint8Array | null;
      if (listwise) m = complete[a] ? null : listwise;
      else if (complete[a] && complete[b]) m = null;
      else {
        for (let i = 0; i < nrows; i++) pairMask[i] = present[a][i] & present[b][i];
        m = pairMask;
      }
      let x = values[a];
      let y = values[b];
      if (method === 'spearman') {
        if (ranked) {
          x = ranked[a];
          y = ranked[b];
        } else {
          const rm = m ?? new Uint8Array(nrows).fill(1);
          x = averageRanks(values[a], rm);
          y = a === b ? x : averageRanks(values[b], rm);
        }
      }
      const { r, n } = pearsonPair(x, y, m);
      const c = cell(a === b && Number.isFinite(r) ? 1 : r, n, levels, n >= 2);
      if (a === b) {
        c.p_value = null;
        c.stars = 0;
        delete c.na;
      }
      matrix[a][b] = c;
      matrix[b][a] = c;
    }
  }
  result.matrix = matrix;
  for (let a = 0; a < K; a++) if (matrix[a][a].r === null) result.warnings.push(`variable "${columns[a].name}" does not vary (or has fewer than 2 observations): its correlations are not defined`);
  return result;
}
