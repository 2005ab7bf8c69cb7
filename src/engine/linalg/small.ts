// K×K helpers (K is the number of coefficients: tiny). Row-major Float64Array.

/** Inverse of a symmetric positive definite matrix by Cholesky; null when not positive definite. */
export function invertSpd(A: Float64Array, k: number): Float64Array | null {
  const L = new Float64Array(k * k);
  let maxDiag = 0;
  for (let i = 0; i < k; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * k + i]));
  for (let j = 0; j < k; j++) {
    let d = A[j * k + j];
    for (let m = 0; m < j; m++) d -= L[j * k + m] ** 2;
    if (!(d > 1e-13 * maxDiag)) return null;
    const ljj = Math.sqrt(d);
    L[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = A[i * k + j];
      for (let m = 0; m < j; m++) s -= L[i * k + m] * L[j * k + m];
      L[i * k + j] = s / ljj;
    }
  }
  // inv(A) = inv(L)' inv(L)
  const Li = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    for (let i = c; i < k; i++) {
      let s = i === c ? 1 : 0;
      for (let m = c; m < i; m++) s -= L[i * k + m] * Li[m * k + c];
      Li[i * k + c] = s / L[i * k + i];
    }
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = j; m < k; m++) s += Li[m * k + i] * Li[m * k + j];
      out[i * k + j] = s;
      out[j * k + i] = s;
    }
  return out;
}

/**
 * invertSpd of D·A·D with D = diag(1/√a_ii), scaled back: the singularity test is then relative to
 * each variable's own scale, so a regressor in units of 1e-150 beside one of order 1 is not taken
 * for collinear (ML information matrices: the columns were already screened for collinearity).
 */
export function invertSpdScaled(A: Float64Array, k: number): Float64Array | null {
  const d = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const a = A[i * k + i];
    if (!(a > 0 && a < Infinity)) return null;
    d[i] = 1 / Math.sqrt(a);
  }
  const S = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) S[i * k + j] = A[i * k + j] * d[i] * d[j];
  const inv = invertSpd(S, k);
  if (!inv) return null;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) inv[i * k + j] = inv[i * k + j] * d[i] * d[j];
  return inv;
}

/** Sub-matrix of rows/cols `idx`. */
export function subMatrix(A: Float64Array, k: number, idx: number[]): Float64Array {
  const q = idx.length;
  const out = new Float64Array(q * q);
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) out[i * q + j] = A[idx[i] * k + idx[j]];
  return out;
}

/** b' A b for a q×q matrix. */
export function quadForm(A: Float64Array, b: Float64Array, q: number): number {
  let s = 0;
  for (let i = 0; i < q; i++) {
    let r = 0;
    for (let j = 0; j < q; j++) r += A[i * q + j] * b[j];
    s += b[i] * r;
  }
  return s;
}
