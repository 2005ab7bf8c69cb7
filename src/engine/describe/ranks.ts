// Average ranks (ties share the mean of their positions), the ranks Spearman's rho correlates.
// Shapes: v of length nrows, mask of length nrows; returns ranks 1..n at the masked rows and NaN
// elsewhere. The masked values are sorted once by the native numeric TypedArray sort (no
// comparator callback); each row's rank then comes from two binary searches: with lo values below
// x and hi values ≤ x, the tied block occupies positions lo+1..hi, whose mean is (lo + 1 + hi)/2.
import { lowerBound } from '../transform/percentile.js';

export function averageRanks(v: Float64Array, mask: Uint8Array): Float64Array {
  const nrows = v.length;
  let n = 0;
  for (let i = 0; i < nrows; i++) if (mask[i]) n++;
  const sorted = new Float64Array(n);
  for (let i = 0, j = 0; i < nrows; i++) if (mask[i]) sorted[j++] = v[i];
  sorted.sort();
  const out = new Float64Array(nrows).fill(Number.NaN);
  for (let i = 0; i < nrows; i++) {
    if (!mask[i]) continue;
    const x = v[i];
    const lo = lowerBound(sorted, sorted.length, x);
    const hi = upperBound(sorted, x, lo);
    out[i] = (lo + 1 + hi) / 2;
  }
  return out;
}


/** Number of entries ≤ x, searching from `from` (an index with a[from] = x). */
function upperBound(a: Float64Array, x: number, from: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
