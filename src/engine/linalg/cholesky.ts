// Least squares by the normal equations, for well-conditioned designs only: N×K design as K columns
// (length ≥ n each), y of length n. X'X and X'y come from one blocked pass (gram.ts), the Cholesky
// factor is taken of the column-scaled X'X (unit diagonal: van der Sluis's near-optimal scaling),
// and one step of iterative refinement on the residual recovers what squaring the condition number
// cost (Björck, Numerical Methods for Least Squares Problems, §2.5 and §6.6).
//
// With an intercept (column 0 all ones) every other column and y are first shifted by minus the
// mean of their first rows, as Stata forms deviations from means: X = X̃P with P unit upper
// triangular, so R = R̃P and b = P⁻¹b̃ exactly, while X̃'X̃ no longer carries the columns' means
// (a regressor like the year, 2008 ± 4, would otherwise make cond(X'X) ≈ 10⁶ by itself).
//
// The caller falls back to Householder QR (qr.ts) whenever this returns null: non-finite
// cross-products, a pivot too small to trust, a condition estimate above MAX_CONDITION, or a column
// whose part orthogonal to the earlier ones is below RANK_MARGIN of its norm. QR drops a column at
// 1e-7 of its norm (Stata's and R's rule), so every column accepted here is one QR keeps, and
// collinearity is always decided by QR: the dropped regressors are the same.
import { crossProducts, residuals } from './gram.js';
import { invertUpper } from './qr.js';
import { sum } from './vector.js';

/**
 * Upper bound on the condition number of the scaled (shifted) X'X for this path. (X'X)⁻¹ loses
 * about cond·ε relative accuracy here (measured ≈ 0.05·cond·ε on the standard errors, QR's R⁻¹R⁻ᵀ
 * far less), so up to 1e6 the standard errors agree with QR to ~1e-11; the coefficients, refined,
 * keep QR's digits.
 */
export const MAX_CONDITION = 1e6;

/** A column's part orthogonal to the earlier columns, relative to its norm, must be at least this. */
export const RANK_MARGIN = 1e-4;

/** Smallest accepted squared pivot of the scaled factor (below it the subtraction is noise). */
const MIN_PIVOT2 = 1e-10;

/** Rows whose mean is the shift of a column (any value near the mean does; the first rows are at hand). */
const SHIFT_ROWS = 4096;

export interface CholeskyLs {
  beta: Float64Array;
  resid: Float64Array;
  /** e'e */
  rss: number;
  /** y'y, or Σ(y − ȳ)² with an intercept, from the cross-products (ỹ is y shifted near its mean). */
  tss: number;
  /** R⁻¹ for X = QR with R'R = X'X: upper triangular, row-major k×k. */
  Rinv: Float64Array;
  /** ‖Ã‖_∞ · trace(Ã⁻¹) for the scaled, shifted Ã = X̃'X̃ (unit diagonal): between cond₂ and k·cond₂. */
  condition: number;
  /** The same bound for the unshifted X'X (how the covariance may map scores, covariance/meat.ts). */
  unshiftedCondition: number;
}

export interface CholeskyOptions {
  /** Column 0 is the intercept (all ones): shift the others and y. */
  intercept?: boolean;
  maxCondition?: number;
}

export function choleskyLeastSquares(columns: readonly Float64Array[], y: Float64Array, n: number, opts: CholeskyOptions = {}): CholeskyLs | null {
  const k = columns.length;
  if (k === 0 || n <= k) return null;
  const p = k + 1;
  const cols = [...columns, y];
  const shift = new Float64Array(p);
  if (opts.intercept) {
    const m0 = Math.min(n, SHIFT_ROWS);
    for (let a = 1; a < p; a++) shift[a] = -sum(cols[a], m0) / m0;
  }
  const G = crossProducts(cols, n, 'auto', shift);
  for (let i = 0; i < p * p; i++) if (!Number.isFinite(G[i])) return null;
  const d = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    d[j] = Math.sqrt(G[j * p + j]);
    if (!(d[j] > 0) || !Number.isFinite(d[j])) return null;
  }
  // scaled X̃'X̃ (unit diagonal) and its Cholesky factor R (upper, row-major), R'R = Ã
  const A = new Float64Array(k * k);
  let normA = 0;
  for (let a = 0; a < k; a++) {
    let row = 0;
    for (let b = 0; b < k; b++) {
      const v = a === b ? 1 : G[a * p + b] / (d[a] * d[b]);
      A[a * k + b] = v;
      row += Math.abs(v);
    }
    normA = Math.max(normA, row);
  }
  const R = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let s = A[j * k + j];
    for (let m = 0; m < j; m++) s -= R[m * k + j] * R[m * k + j];
    if (!(s > MIN_PIVOT2)) return null;
    const rjj = Math.sqrt(s);
    R[j * k + j] = rjj;
    for (let l = j + 1; l < k; l++) {
      let t = A[j * k + l];
      for (let m = 0; m < j; m++) t -= R[m * k + j] * R[m * k + l];
      R[j * k + l] = t / rjj;
    }
  }
  // the unshifted norms ‖x_j‖² = Σ (x̃_j − s_j)² = ‖x̃_j‖² − 2 s_j Σx̃_j + n s_j² (Σx̃_j = G[0][j])
  const norm = new Float64Array(k);
  for (let j = 0; j < k; j++) norm[j] = j === 0 || shift[j] === 0 ? d[j] : Math.sqrt(Math.max(0, G[j * p + j] - 2 * shift[j] * G[j] + n * shift[j] * shift[j]));
  // QR's rule on the unshifted column: its part orthogonal to the earlier columns is R_jj·d_j
  for (let j = 0; j < k; j++) if (!(R[j * k + j] * d[j] >= RANK_MARGIN * norm[j])) return null;
  const Rsinv = invertUpper(R, k);
  let trace = 0;
  for (let i = 0; i < k * k; i++) trace += Rsinv[i] * Rsinv[i];
  const condition = normA * trace;
  if (!(condition <= (opts.maxCondition ?? MAX_CONDITION))) return null;

  // b̃ = D⁻¹ Ã⁻¹ D⁻¹ X̃'ỹ, then one refinement step with the residual from the (shifted) columns
  const c = new Float64Array(k);
  for (let j = 0; j < k; j++) c[j] = G[j * p + k];
  const beta = solveScaled(R, d, c, k);
  const resid = new Float64Array(n);
  const g = new Float64Array(k);
  let rss = residuals(columns, beta, y, n, resid, g, 'auto', shift);
  const delta = solveScaled(R, d, g, k);
  for (let j = 0; j < k; j++) beta[j] += delta[j];
  // The residuals move by X̃δ, ‖X̃δ‖ = ‖RDδ‖. Recompute them unless that is below the rounding error
  // of forming ỹ − X̃b̃ from k + 1 terms (≥ (k+1)·u·‖e‖): the usual case when cond is small.
  let xd2 = 0;
  for (let a = 0; a < k; a++) {
    let t = 0;
    for (let b = a; b < k; b++) t += R[a * k + b] * d[b] * delta[b];
    xd2 += t * t;
  }
  const u = 2 ** -53;
  if (!(xd2 <= ((k + 1) * u) ** 2 * rss)) rss = residuals(columns, beta, y, n, resid, null, 'auto', shift);

  // Back to X: x_j = x̃_j − s_j·1, so X = X̃P with P = I − e₀sᵀ (s_0 = 0), b = P⁻¹(b̃ − s_y e₀) and
  // R⁻¹ = P⁻¹ R̃⁻¹, R̃⁻¹ = D⁻¹ R⁻¹_scaled; P⁻¹ = I + e₀sᵀ adds s_j × row j to row 0.
  const Rinv = Rsinv;
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) Rinv[a * k + b] /= d[a];
  if (opts.intercept) {
    let b0 = beta[0] - shift[k];
    for (let j = 1; j < k; j++) b0 += shift[j] * beta[j];
    beta[0] = b0;
    for (let b = 1; b < k; b++) {
      let r = Rinv[b];
      for (let j = 1; j <= b; j++) r += shift[j] * Rinv[j * k + b];
      Rinv[b] = r;
    }
  }
  // condition of the unshifted, scaled X'X: ≤ ‖·‖_∞ (≤ k, unit diagonal) · ‖diag(norm) R⁻¹‖_F²
  let unshifted = 0;
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) unshifted += (norm[a] * Rinv[a * k + b]) ** 2;
  const tss = opts.intercept ? G[k * p + k] - (G[k] * G[k]) / n : G[k * p + k];
  return { beta, resid, rss, tss, Rinv, condition, unshiftedCondition: k * unshifted };
}

/** x = D⁻¹ (R'R)⁻¹ D⁻¹ c: forward then back substitution with the scaled factor. */
function solveScaled(R: Float64Array, d: Float64Array, c: Float64Array, k: number): Float64Array {
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = c[i] / d[i];
    for (let m = 0; m < i; m++) s -= R[m * k + i] * z[m];
    z[i] = s / R[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i];
    for (let m = i + 1; m < k; m++) s -= R[i * k + m] * x[m];
    x[i] = s / R[i * k + i];
  }
  for (let i = 0; i < k; i++) x[i] /= d[i];
  return x;
}
