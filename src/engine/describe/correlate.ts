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
import { maskedGram, nearMean } from './gram-blocks.js';
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

/** Pearson r from shifted sums over n rows: Sa = Σx', Saa = Σx'², Sab = Σx'y' (x' = x − c). */
function rFromSums(n: number, sa: number, sb: number, saa: number, sbb: number, sab: number): number {
  const sxx = saa - (sa * sa) / n;
  const syy = sbb - (sb * sb) / n;
  const sxy = sab - (sa * sb) / n;
  if (!(sxx > 0 && syy > 0)) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Pearson r and n of every pair. Rows complete in every variable (usually nearly all) go through
 * one blocked Gram matrix of the shifted columns (gram-blocks.ts); with `pairwise`, the other rows
 * add their products to the pairs present in them, one row at a time.
 */
function pearsonMatrix(values: readonly Float64Array[], scope: Uint8Array, complete: Uint8Array, allComplete: boolean, pairwise: boolean): { r: Float64Array; n: Float64Array } {
  const K = values.length;
  const nrows = scope.length;
  const shift = Float64Array.from(values, nearMean);
  const G = maskedGram(values, shift, allComplete ? null : complete);
  const p = K + 1;
  // per pair (a, b): rows outside the complete set where both are present
  const nI = new Float64Array(K * K);
  const sA = new Float64Array(K * K); // Σ x'_a over those rows, at [a·K + b]
  const sAA = new Float64Array(K * K);
  const sAB = new Float64Array(K * K);
  if (pairwise && !allComplete) {
    const idx = new Int32Array(K);
    const xs = new Float64Array(K);
    for (let i = 0; i < nrows; i++) {
      if (!scope[i] || complete[i]) continue;
      let m = 0;
      for (let a = 0; a < K; a++) {
        const v = values[a][i];
        if (v - v === 0) {
          idx[m] = a;
          xs[m++] = v - shift[a];
        }
      }
      for (let u = 0; u < m; u++) {
        const a = idx[u];
        for (let w = u; w < m; w++) {
          const b = idx[w];
          nI[a * K + b]++;
          sA[a * K + b] += xs[u];
          sA[b * K + a] += xs[w];
          sAA[a * K + b] += xs[u] * xs[u];
          sAA[b * K + a] += xs[w] * xs[w];
          sAB[a * K + b] += xs[u] * xs[w];
        }
      }
    }
  }
  const r = new Float64Array(K * K);
  const n = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      const ab = a * K + b;
      const ba = b * K + a;
      const nn = G[0] + nI[ab];
      const sa = G[a + 1] + sA[ab];
      const sb = G[b + 1] + (a === b ? sA[ab] : sA[ba]);
      const saa = G[(a + 1) * p + a + 1] + sAA[ab];
      const sbb = G[(b + 1) * p + b + 1] + (a === b ? sAA[ab] : sAA[ba]);
      const sab = G[(a + 1) * p + b + 1] + sAB[ab];
      r[ab] = r[ba] = nn > 0 ? rFromSums(nn, sa, sb, saa, sbb, sab) : Number.NaN;
      n[ab] = n[ba] = nn;
    }
  }
  return { r, n };
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
  const lw = listwiseMask(nrows, columns, scope);
  if (sample === 'listwise') result.n_listwise = lw.count;
  const allComplete = lw.count === nrows;
  let r: Float64Array;
  let n: Float64Array;
  if (method === 'pearson') ({ r, n } = pearsonMatrix(values, scope, lw.mask, allComplete, sample === 'pairwise'));
  else if (sample === 'listwise' || allComplete) {
    // one sample for all pairs: rank each variable once within it
    const ranked = values.map((v) => averageRanks(v, lw.mask));
    ({ r, n } = pearsonMatrix(ranked, scope, lw.mask, false, false));
  } else ({ r, n } = spearmanPairwise(values, scope));
  const matrix: CorrelationCell[][] = Array.from({ length: K }, () => new Array<CorrelationCell>(K));
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      const c = cell(r[a * K + b], n[a * K + b], levels, n[a * K + b] >= 2);
      if (a === b) {
        if (c.r !== null) c.r = 1;
        c.p_value = null;
        c.stars = 0;
        if (c.r !== null) delete c.na;
      }
      matrix[a][b] = c;
      matrix[b][a] = c;
    }
  }
  result.matrix = matrix;
  for (let a = 0; a < K; a++) if (matrix[a][a].r === null) result.warnings.push(`variable "${columns[a].name}" does not vary (or has fewer than 2 observations): its correlations are not defined`);
  return result;
}

/** Spearman with pairwise samples: each pair is ranked within its own rows (Stata `spearman, pw`). */
function spearmanPairwise(values: readonly Float64Array[], scope: Uint8Array): { r: Float64Array; n: Float64Array } {
  const K = values.length;
  const nrows = scope.length;
  const present = values.map((v) => presentMask(v, scope));
  const r = new Float64Array(K * K);
  const n = new Float64Array(K * K);
  const pairMask = new Uint8Array(nrows);
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      for (let i = 0; i < nrows; i++) pairMask[i] = present[a][i] & present[b][i];
      const x = averageRanks(values[a], pairMask);
      const y = a === b ? x : averageRanks(values[b], pairMask);
      const pr = pearsonPair(x, y, pairMask);
      r[a * K + b] = r[b * K + a] = pr.r;
      n[a * K + b] = n[b * K + a] = pr.n;
    }
  }
  return { r, n };
}
