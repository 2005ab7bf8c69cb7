// Kernel and radius matching (psmatch2 `kernel` and `radius`): every focal unit is compared with a
// weighted average of all pool units within the bandwidth h of its distance value.
//
// Shapes: focal values v_F, pool values c_P. The pool is sorted once; each focal unit's window
// [v − h, v + h] is found by binary search, so the cost is O(F log P + matched pairs).
// Kernels as psmatch2's _Kernel_ on d = c − v (unnormalised: the weights are rescaled to sum to one):
//   epan 1 − (d/h)², biweight (1 − (d/h)²)², tricube (1 − |d/h|³)³, uniform 1, all on |d| ≤ h;
//   normal φ(d/h) on every pool unit.
// Radius matching is the uniform kernel with h = the caliper (psmatch2 sets bwidth = caliper).
// A focal unit with no pool unit in its window (or only zero weights) stays unmatched (psmatch2
// sets it off support).
import { type MatchSet, lowerBound, upperBound } from './types.js';

export type KernelType = 'epan' | 'biweight' | 'tricube' | 'uniform' | 'normal';

export const KERNELS: readonly KernelType[] = ['epan', 'biweight', 'tricube', 'uniform', 'normal'];

function kernelWeight(kind: KernelType, u: number): number {
  switch (kind) {
    case 'epan':
      return 1 - u * u;
    case 'biweight':
      return (1 - u * u) ** 2;
    case 'tricube':
      return (1 - Math.abs(u) ** 3) ** 3;
    case 'uniform':
      return 1;
    case 'normal':
      return Math.exp(-0.5 * u * u);
  }
}

export function kernelMatch(focal: Float64Array, pool: Float64Array, kind: KernelType, h: number): MatchSet {
  const F = focal.length;
  const P = pool.length;
  const sorted = new Int32Array(P);
  for (let i = 0; i < P; i++) sorted[i] = i;
  sorted.sort((a, b) => pool[a] - pool[b] || a - b);
  const sv = Float64Array.from(sorted, (i) => pool[i]);
  const start = new Int32Array(F + 1);
  const partners: number[] = [];
  const weights: number[] = [];
  for (let f = 0; f < F; f++) {
    start[f] = partners.length;
    const v = focal[f];
    const lo = kind === 'normal' ? 0 : Math.max(0, lowerBound(sv, v - h) - 1);
    const hi = kind === 'normal' ? P : Math.min(P, upperBound(sv, v + h) + 1);
    let total = 0;
    const first = partners.length;
    for (let p = lo; p < hi; p++) {
      const d = sv[p] - v;
      // the same test as psmatch2 (abs(dif) <= bwidth) on the same difference
      if (kind !== 'normal' && !(Math.abs(d) <= h)) continue;
      const w = kernelWeight(kind, d / h);
      if (!(w > 0)) continue;
      partners.push(sorted[p]);
      weights.push(w);
      total += w;
    }
    if (total > 0) for (let m = first; m < partners.length; m++) weights[m] /= total;
    else partners.length = weights.length = first;
  }
  start[F] = partners.length;
  return { start, partner: Int32Array.from(partners), weight: Float64Array.from(weights) };
}
