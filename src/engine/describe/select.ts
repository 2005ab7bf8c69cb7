// Percentiles by selection, not sorting: a handful of order statistics of a dense segment
// a[lo, hi] (no NaN), found in expected linear time by Floyd & Rivest's SELECT (CACM 18(3), 1975,
// Algorithm 489), which partitions around a pivot chosen from a small sample so that the k-th
// element lands in a short range after ~1 pass. The segment is reordered in place (callers pass
// a scratch copy). Several ranks are taken in ascending order, each in the part right of the last.
//
// Percentile definition: Stata's default (`summarize, detail`, `tabstat`, `centile`-free
// `_pctile`, `egen pctile`): with n observations sorted x_(1) ≤ … ≤ x_(n) and P = n·p/100,
//   P an integer → (x_(P) + x_(P+1)) / 2,   otherwise → x_(⌊P⌋+1).
// This is Hyndman & Fan's type 2 (R `quantile(type = 2)`, SAS PCTLDEF=5). Integrality of P is
// decided exactly (n·p is an exact integer for integer p) as Stata's egen code does with
// `100*round(n*p/100) == n*p`, not with a floating-point tolerance.

export const PERCENTILE_RULE =
  "Stata's default (summarize, detail / tabstat): P = n·p/100; P integer → (x(P) + x(P+1))/2, otherwise x(floor(P)+1). Equals R quantile(type = 2).";

/** 0-based ranks whose order statistics give percentile p of n values (one rank, or two to average). */
export function percentileRanks(n: number, p: number): [number] | [number, number] {
  if (!(n > 0) || !(p > 0 && p < 100)) throw new RangeError(`percentile ${p} of ${n} values`);
  let integral: boolean;
  let P: number;
  if (Number.isInteger(p) && n * p <= Number.MAX_SAFE_INTEGER) {
    integral = (n * p) % 100 === 0;
    P = integral ? (n * p) / 100 : Math.floor((n * p) / 100);
  } else {
    const x = (n * p) / 100;
    const r = Math.round(x);
    integral = Math.abs(x - r) <= 1e-12 * Math.max(1, x);
    P = integral ? r : Math.floor(x);
  }
  // P integer: x_(P), x_(P+1) are 0-based P−1, P. Otherwise x_(⌊P⌋+1) is 0-based ⌊P⌋.
  return integral ? [P - 1, P] : [P];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Reorder a[left..right] so that a[k] is its (k − left)-th smallest, smaller ones left, larger right. */
export function floydRivestSelect(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a sample range expected to contain the k-th element.
      const n = right - left + 1;
      const i = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (i * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - i) * s) / n + sd));
      floydRivestSelect(a, k, newLeft, newRight);
    }
    const t = a[k];
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/** Moves the minimum of a[i0..i1] to a[i0]. */
function minToFront(a: Float64Array, i0: number, i1: number): void {
  let m = i0;
  for (let i = i0 + 1; i <= i1; i++) if (a[i] < a[m]) m = i;
  swap(a, i0, m);
}

/**
 * Values of the given 0-based ranks (within the segment a[lo..hi]); ranks in any order, duplicates
 * allowed. Reorders the segment.
 */
export function orderStatistics(a: Float64Array, lo: number, hi: number, ranks: readonly number[]): Map<number, number> {
  const sorted = [...new Set(ranks)].sort((x, y) => x - y);
  const out = new Map<number, number>();
  let from = lo;
  let prev = -2;
  for (const r of sorted) {
    const k = lo + r;
    // The rank after one in place is the minimum of the part to its right: one scan, no partition.
    if (r === prev + 1) minToFront(a, k, hi);
    else floydRivestSelect(a, k, from, hi);
    out.set(r, a[k]);
    // a[k] is in place: everything right of it is ≥ a[k], and later (larger) ranks lie there.
    from = k + 1;
    prev = r;
  }
  return out;
}
