// Stata's default percentile definition, used by `summarize, detail`, `_pctile`, `pctile`, `egen
// pctile()/median()` and hence `winsor2` (Stata [D] pctile, Methods and formulas; Mata's
// quantile() documents it as the "avg inv cdf" method = Hyndman & Fan (1996) type 2 = R's
// quantile(type = 2)). With the n non-missing values sorted, x₍₁₎ ≤ … ≤ x₍ₙ₎, and P = n·p/100:
//   P an integer → (x₍P₎ + x₍P+1₎)/2,   otherwise → x₍⌈P⌉₎,
// clamped at the ends (p = 0 gives the minimum, p = 100 the maximum). Not `altdef`.

/**
 * The p-th percentile (0 ≤ p ≤ 100) of the first n entries of `sorted` (ascending, no NaN).
 * P counts as an integer within 4 ulps: p is a decimal the user typed, and n·p/100 must not miss
 * an exact integer by a rounding error (n = 3000, p = 2.3 gives 68.99999999999999 in doubles, not 69).
 */
export function stataPercentile(sorted: ArrayLike<number>, n: number, p: number): number {
  if (n <= 0) return Number.NaN;
  const P = (n * p) / 100;
  const j = Math.round(P);
  if (Math.abs(P - j) <= 4 * Number.EPSILON * Math.max(1, P)) {
    // 1-based x₍j₎ and x₍j+1₎ → 0-based j−1 and j, clamped to the sample
    const lo = sorted[Math.min(n - 1, Math.max(0, j - 1))];
    const hi = sorted[Math.min(n - 1, j)];
    return (lo + hi) / 2;
  }
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(P) - 1))];
}

/** First index in sorted[0..n) with sorted[i] >= v (binary search). */
export function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in sorted[0..n) with sorted[i] > v. */
export function upperBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
