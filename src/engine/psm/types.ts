// Matches in compressed-row form: focal unit f (a treated unit for the ATT) has partners
// partner[start[f] .. start[f+1]) (indices into the pool arrays) with weights summing to 1.
export interface MatchSet {
  start: Int32Array;
  partner: Int32Array;
  weight: Float64Array;
}

/** Pool indices sorted by (value, rank): ascending distance value, ties in the seeded order. */
export function sortPool(values: Float64Array, rank: Int32Array): Int32Array {
  const idx = new Int32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => values[a] - values[b] || rank[a] - rank[b]);
  return idx;
}

/** First position p with sorted[p] >= v. */
export function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position p with sorted[p] > v. */
export function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Build a MatchSet from per-focal partner lists, each partner weighted 1/(number of partners). */
export function fromLists(lists: (number[] | null)[]): MatchSet {
  const start = new Int32Array(lists.length + 1);
  let total = 0;
  lists.forEach((l, f) => {
    start[f] = total;
    total += l ? l.length : 0;
  });
  start[lists.length] = total;
  const partner = new Int32Array(total);
  const weight = new Float64Array(total);
  lists.forEach((l, f) => {
    if (!l) return;
    for (let m = 0; m < l.length; m++) {
      partner[start[f] + m] = l[m];
      weight[start[f] + m] = 1 / l.length;
    }
  });
  return { start, partner, weight };
}
