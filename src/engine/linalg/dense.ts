// Small dense matrices (row-major Float64Array with explicit shapes) for the IV diagnostics, whose
// matrices are at most (K1·L1)² — a few dozen rows. Plain loops: no allocation per element, no
// ml-matrix object churn. n-length work never comes here (linalg/gram.ts, covariance/meat.ts).
import { symmetricEigen } from '../covariance/multiway.js';

/** A (m×p) · B (p×q). */
export function matMul(A: Float64Array, B: Float64Array, m: number, p: number, q: number): Float64Array {
  const C = new Float64Array(m * q);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < p; k++) {
      const a = A[i * p + k];
      if (a === 0) continue;
      for (let j = 0; j < q; j++) C[i * q + j] += a * B[k * q + j];
    }
  return C;
}

/** Aᵀ for A m×p. */
export function transpose(A: Float64Array, m: number, p: number): Float64Array {
  const T = new Float64Array(p * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) T[j * m + i] = A[i * p + j];
  return T;
}

/** (A + Aᵀ)/2 in place, k×k. */
export function symmetrize(A: Float64Array, k: number): Float64Array {
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const s = 0.5 * (A[i * k + j] + A[j * k + i]);
      A[i * k + j] = s;
      A[j * k + i] = s;
    }
  return A;
}

/**
 * Solve A X = B (A k×k general, B k×q) by LU with partial pivoting; null when A is singular to
 * working precision (a pivot below 1e-14 of the largest entry).
 */
export function solve(A: Float64Array, B: Float64Array, k: number, q: number): Float64Array | null {
  const a = Float64Array.from(A);
  const x = Float64Array.from(B);
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0) return null;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * k + c]) > Math.abs(a[piv * k + c])) piv = r;
    if (Math.abs(a[piv * k + c]) <= 1e-14 * scale) return null;
    if (piv !== c) {
      for (let j = 0; j < k; j++) [a[c * k + j], a[piv * k + j]] = [a[piv * k + j], a[c * k + j]];
      for (let j = 0; j < q; j++) [x[c * q + j], x[piv * q + j]] = [x[piv * q + j], x[c * q + j]];
    }
    const d = a[c * k + c];
    for (let r = c + 1; r < k; r++) {
      const f = a[r * k + c] / d;
      if (f === 0) continue;
      for (let j = c; j < k; j++) a[r * k + j] -= f * a[c * k + j];
      for (let j = 0; j < q; j++) x[r * q + j] -= f * x[c * q + j];
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    const d = a[c * k + c];
    for (let j = 0; j < q; j++) {
      let s = x[c * q + j];
      for (let m = c + 1; m < k; m++) s -= a[c * k + m] * x[m * q + j];
      x[c * q + j] = s / d;
    }
  }
  return x;
}

export function identity(k: number): Float64Array {
  const I = new Float64Array(k * k);
  for (let i = 0; i < k; i++) I[i * k + i] = 1;
  return I;
}

/** A⁻¹ of a general k×k matrix, or null when singular. */
export function inverse(A: Float64Array, k: number): Float64Array | null {
  return solve(A, identity(k), k, k);
}

/** Upper-triangular R with RᵀR = A (A symmetric positive definite), or null. */
export function choleskyUpper(A: Float64Array, k: number): Float64Array | null {
  const R = new Float64Array(k * k);
  let maxDiag = 0;
  for (let i = 0; i < k; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * k + i]));
  for (let j = 0; j < k; j++) {
    let d = A[j * k + j];
    for (let m = 0; m < j; m++) d -= R[m * k + j] ** 2;
    if (!(d > 1e-14 * maxDiag)) return null;
    const rjj = Math.sqrt(d);
    R[j * k + j] = rjj;
    for (let i = j + 1; i < k; i++) {
      let s = A[j * k + i];
      for (let m = 0; m < j; m++) s -= R[m * k + j] * R[m * k + i];
      R[j * k + i] = s / rjj;
    }
  }
  return R;
}

/** Eigen-decomposition with eigenvalues in decreasing order (vectors in the columns). */
export function eigenDescending(A: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = symmetricEigen(A, k);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const v = new Float64Array(k);
  const U = new Float64Array(k * k);
  order.forEach((src, dst) => {
    v[dst] = values[src];
    for (let r = 0; r < k; r++) U[r * k + dst] = vectors[r * k + src];
  });
  return { values: v, vectors: U };
}

/** f(A) = U diag(f(λ)) Uᵀ for symmetric A; negative eigenvalues (rounding) are clamped to 0. */
export function symmetricFunction(A: Float64Array, k: number, f: (lambda: number) => number): Float64Array {
  const { values, vectors: U } = symmetricEigen(A, k);
  const out = new Float64Array(k * k);
  for (let m = 0; m < k; m++) {
    const fm = f(Math.max(values[m], 0));
    if (fm === 0) continue;
    for (let i = 0; i < k; i++) {
      const ui = U[i * k + m] * fm;
      for (let j = 0; j < k; j++) out[i * k + j] += ui * U[j * k + m];
    }
  }
  return symmetrize(out, k);
}

/** Kronecker product A (m×p) ⊗ B (r×s): (m·r)×(p·s). */
export function kronecker(A: Float64Array, m: number, p: number, B: Float64Array, r: number, s: number): Float64Array {
  const cols = p * s;
  const K = new Float64Array(m * r * cols);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < p; j++) {
      const a = A[i * p + j];
      for (let k = 0; k < r; k++) for (let l = 0; l < s; l++) K[(i * r + k) * cols + j * s + l] = a * B[k * s + l];
    }
  return K;
}

/** Sub-block rows [r0, r1) × cols [c0, c1) of an m×p matrix. */
export function block(A: Float64Array, p: number, r0: number, r1: number, c0: number, c1: number): Float64Array {
  const w = c1 - c0;
  const out = new Float64Array((r1 - r0) * w);
  for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) out[(i - r0) * w + j - c0] = A[i * p + j];
  return out;
}

/**
 * b' A⁻¹ b for symmetric positive semi-definite A (q×q): by Cholesky when positive definite, else
 * with the Moore–Penrose inverse over eigenvalues above a relative 1e-12 (rank deficiency is
 * returned so callers can lower their degrees of freedom, as ranktest and ivreg2 do).
 */
export function quadFormInverse(A: Float64Array, b: Float64Array, q: number): { value: number; rankDeficit: number } {
  const R = choleskyUpper(A, q);
  if (R) {
    // solve Rᵀ z = b; value = z'z
    const z = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      let s = b[i];
      for (let m = 0; m < i; m++) s -= R[m * q + i] * z[m];
      z[i] = s / R[i * q + i];
    }
    let v = 0;
    for (let i = 0; i < q; i++) v += z[i] * z[i];
    return { value: v, rankDeficit: 0 };
  }
  const { values, vectors: U } = symmetricEigen(A, q);
  let max = 0;
  for (const l of values) max = Math.max(max, l);
  let v = 0;
  let deficit = 0;
  for (let m = 0; m < q; m++) {
    if (!(values[m] > 1e-12 * max)) {
      deficit++;
      continue;
    }
    let ub = 0;
    for (let i = 0; i < q; i++) ub += U[i * q + m] * b[i];
    v += (ub * ub) / values[m];
  }
  return { value: v, rankDeficit: deficit };
}
