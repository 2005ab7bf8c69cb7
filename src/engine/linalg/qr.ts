// Householder QR of an N×K design given as K columns of length N (column j = one Float64Array),
// processed in the given order with in-order rank detection: a column whose part orthogonal to the
// already accepted columns has norm below `tol` × its own norm is dropped (as Stata drops the later
// of two collinear regressors; R's lm uses the same 1e-7 tolerance on the pivot ratio).
//
// This is the accurate path: X'X squares the condition number, so an ill-conditioned design (NIST
// Longley, Wampler) would lose about twice as many digits through the normal equations. Householder
// QR is backward stable; one step of iterative refinement on the residual recovers the last digits
// (Golub & Van Loan, Matrix Computations, 4th ed., §5.3 and §5.3.8). models/ols.ts takes the cheaper
// Cholesky route only for well-conditioned designs and always decides collinearity here.

import { dotRange } from './vector.js';

export interface QrFactor {
  n: number;
  /** Indices (into the input columns) of the accepted columns, in order. */
  kept: number[];
  /** Indices of columns dropped as collinear with earlier ones. */
  dropped: number[];
  /** Householder vectors, one Float64Array of length n per accepted column (zeros above its step). */
  v: Float64Array[];
  /** R factor, r×r upper triangular, row-major. */
  R: Float64Array;
}

/** Factor the columns; the input arrays are not modified. */
export function householderQr(columns: readonly Float64Array[], n: number, tol = 1e-7): QrFactor {
  const k = columns.length;
  const work = columns.map((c) => c.slice(0, n));
  const norms = columns.map((c) => norm2(c, 0, n));
  const kept: number[] = [];
  const dropped: number[] = [];
  const v: Float64Array[] = [];
  const rCols: Float64Array[] = []; // column j of R (length = rank at acceptance + 1)
  for (let j = 0; j < k; j++) {
    const r = kept.length;
    const a = work[j];
    const tail = norm2(a, r, n);
    if (norms[j] === 0 || tail <= tol * norms[j] || r >= n) {
      dropped.push(j);
      continue;
    }
    // Reflection that maps a[r..n) to -sign(a_r)·tail·e_r.
    const alpha = a[r] >= 0 ? -tail : tail;
    const h = new Float64Array(n);
    h[r] = a[r] - alpha;
    for (let i = r + 1; i < n; i++) h[i] = a[i];
    const hh = h[r] * h[r] + (tail * tail - a[r] * a[r]);
    // Normalise so that H = I - 2 h h' / (h'h) becomes I - u u' with u'u = 2.
    const scale = Math.sqrt(2 / hh);
    for (let i = r; i < n; i++) h[i] *= scale;
    const rc = new Float64Array(r + 1);
    for (let i = 0; i < r; i++) rc[i] = a[i];
    rc[r] = alpha;
    rCols.push(rc);
    kept.push(j);
    v.push(h);
    for (let jj = j + 1; jj < k; jj++) applyReflection(h, r, work[jj], n);
  }
  const rank = kept.length;
  const R = new Float64Array(rank * rank);
  for (let c = 0; c < rank; c++) for (let i = 0; i <= c; i++) R[i * rank + c] = rCols[c][i];
  return { n, kept, dropped, v, R };
}

function norm2(a: Float64Array, from: number, to: number): number {
  let ss = 0;
  for (let i = from; i < to; i++) ss += a[i] * a[i];
  if (ss > 1e-280 && ss < 1e280) return Math.sqrt(ss);
  // Over/underflow risk: redo with the scaled sum of squares (LAPACK dnrm2).
  let scale = 0;
  let ssq = 1;
  for (let i = from; i < to; i++) {
    const x = a[i];
    if (x !== 0) {
      const ax = Math.abs(x);
      if (scale < ax) {
        ssq = 1 + ssq * (scale / ax) * (scale / ax);
        scale = ax;
      } else ssq += (ax / scale) * (ax / scale);
    }
  }
  return scale * Math.sqrt(ssq);
}

function applyReflection(u: Float64Array, from: number, x: Float64Array, n: number): void {
  const dot = dotRange(u, x, from, n);
  if (dot === 0) return;
  for (let j = from; j < n; j++) x[j] -= dot * u[j];
}

/** Q'y for the accepted columns: returns the first `rank` entries. */
export function qtY(f: QrFactor, y: Float64Array): Float64Array {
  const w = y.slice(0, f.n);
  for (let s = 0; s < f.v.length; s++) applyReflection(f.v[s], s, w, f.n);
  return w.subarray(0, f.v.length).slice();
}

/** Solve R b = c by back substitution (R row-major r×r upper triangular). */
export function backSolve(R: Float64Array, c: Float64Array): Float64Array {
  const r = c.length;
  const b = new Float64Array(r);
  for (let i = r - 1; i >= 0; i--) {
    let s = c[i];
    for (let j = i + 1; j < r; j++) s -= R[i * r + j] * b[j];
    b[i] = s / R[i * r + i];
  }
  return b;
}

/**
 * The thin Q (n×r, orthonormal columns) by applying the reflections to the unit vectors. Robust and
 * cluster covariances are computed in this well-scaled basis, V = R⁻¹ (Σ e² q q') R⁻ᵀ, instead of
 * (X'X)⁻¹ (Σ e² x x') (X'X)⁻¹: on NIST Longley that is the difference between ~1e-8 and ~1e-12
 * relative accuracy of the HC1 standard errors.
 */
export function thinQ(f: QrFactor): Float64Array[] {
  const r = f.v.length;
  const out: Float64Array[] = [];
  for (let c = 0; c < r; c++) {
    const q = new Float64Array(f.n);
    q[c] = 1;
    for (let s = r - 1; s >= 0; s--) applyReflection(f.v[s], s, q, f.n);
    out.push(q);
  }
  return out;
}

/** R⁻¹ (upper triangular), row-major r×r. */
export function invertUpper(R: Float64Array, r: number): Float64Array {
  const Rinv = new Float64Array(r * r);
  for (let c = 0; c < r; c++) {
    // column c of R^{-1}: solve R z = e_c
    for (let i = c; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let j = i + 1; j <= c; j++) s -= R[i * r + j] * Rinv[j * r + c];
      Rinv[i * r + c] = s / R[i * r + i];
    }
  }
  return Rinv;
}

/** A Aᵀ for an upper-triangular A (e.g. (X'X)⁻¹ = R⁻¹R⁻ᵀ), row-major r×r. */
export function upperTimesTranspose(Rinv: Float64Array, r: number): Float64Array {
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++)
    for (let j = i; j < r; j++) {
      let s = 0;
      for (let m = Math.max(i, j); m < r; m++) s += Rinv[i * r + m] * Rinv[j * r + m];
      out[i * r + j] = s;
      out[j * r + i] = s;
    }
  return out;
}

/**
 * Least squares of y on the accepted columns with one step of iterative refinement:
 * b = R^{-1} Q'y, e = y - Xb (computed from the original columns), b += R^{-1} Q'e.
 */
export function solveLeastSquares(f: QrFactor, columns: readonly Float64Array[], y: Float64Array): { beta: Float64Array; resid: Float64Array } {
  const n = f.n;
  const beta = backSolve(f.R, qtY(f, y));
  const resid = residuals(f, columns, y, beta);
  const delta = backSolve(f.R, qtY(f, resid));
  for (let i = 0; i < beta.length; i++) beta[i] += delta[i];
  return { beta, resid: residuals(f, columns, y, beta).subarray(0, n) };
}

function residuals(f: QrFactor, columns: readonly Float64Array[], y: Float64Array, beta: Float64Array): Float64Array {
  const n = f.n;
  const e = y.slice(0, n);
  for (let s = 0; s < f.kept.length; s++) {
    const col = columns[f.kept[s]];
    const b = beta[s];
    for (let i = 0; i < n; i++) e[i] -= b * col[i];
  }
  return e;
}
