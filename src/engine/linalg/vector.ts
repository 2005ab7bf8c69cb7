// Level-1 kernels on Float64Array(n) columns: dot products, sums, shifts. Reductions keep four
// partial sums (breaks the floating-point add dependency chain: ≈3× faster). Whole-column calls
// run over chunks of CHUNK rows through the range kernels, so V8 optimises those small functions
// after their first calls instead of on-stack-replacing one long loop (its baseline code is ≈8×
// slower; with a handful of estimations per session the warm-up is most of the cost).

export const CHUNK = 4096;

/** Σ_{i0 ≤ i < i1} x_i y_i. */
export function dotRange(x: Float64Array, y: Float64Array, i0: number, i1: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < i1; i++) s0 += x[i] * y[i];
  return s0 + s1 + (s2 + s3);
}

/** Σ_{i0 ≤ i < i1} x_i. */
export function sumRange(x: Float64Array, i0: number, i1: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < i1; i++) s0 += x[i];
  return s0 + s1 + (s2 + s3);
}

/** Σ_{i0 ≤ i < i1} (x_i − c)². */
export function centeredSquaresRange(x: Float64Array, c: number, i0: number, i1: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const a = x[i] - c;
    const b = x[i + 1] - c;
    const d = x[i + 2] - c;
    const e = x[i + 3] - c;
    s0 += a * a;
    s1 += b * b;
    s2 += d * d;
    s3 += e * e;
  }
  for (; i < i1; i++) s0 += (x[i] - c) ** 2;
  return s0 + s1 + (s2 + s3);
}

/** x'y over the first n entries. */
export function dot(x: Float64Array, y: Float64Array, n = x.length): number {
  let s = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) s += dotRange(x, y, i0, Math.min(n, i0 + CHUNK));
  return s;
}

/** Σ x_i over the first n entries. */
export function sum(x: Float64Array, n = x.length): number {
  let s = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) s += sumRange(x, i0, Math.min(n, i0 + CHUNK));
  return s;
}

/** Σ (x_i − x̄)² over the first n entries (two passes: the mean, then the squares). */
export function centeredSumSquares(x: Float64Array, n = x.length): number {
  if (n === 0) return 0;
  const mean = sum(x, n) / n;
  let s = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) s += centeredSquaresRange(x, mean, i0, Math.min(n, i0 + CHUNK));
  return s;
}

// One shared, never-written array of ones: the intercept column of a fit is a view of it
// (allocating and filling n ones per fit costs a pass and a large allocation each time). Up to
// ONES_CACHED rows only, so a huge sample does not pin its size in memory for the session.
const ONES_CACHED = 1 << 22;
let onesBuffer = new Float64Array(0);

/** n ones, read-only (for n ≤ ONES_CACHED a view of a shared buffer). */
export function ones(n: number): Float64Array {
  if (n > ONES_CACHED) return new Float64Array(n).fill(1);
  if (onesBuffer.length < n) onesBuffer = new Float64Array(Math.min(ONES_CACHED, Math.max(n, 2 * onesBuffer.length))).fill(1);
  return onesBuffer.subarray(0, n);
}
