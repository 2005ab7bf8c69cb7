// Iterative singleton removal (reghdfe, Correia 2015 "Singletons, cluster-robust standard errors
// and fixed effects"): an observation alone in its level of any fixed effect is perfectly fitted
// and only inflates the degrees of freedom; dropping one can create new singletons, so repeat
// until none remain.
import type { Factor } from './factors.js';

/** keep[i] = 1 for rows that survive; `dropped` counts the removed rows. */
export function findSingletons(factors: Factor[], n: number): { keep: Uint8Array; dropped: number } {
  const keep = new Uint8Array(n).fill(1);
  if (factors.length === 0) return { keep, dropped: 0 };
  const counts = factors.map((f) => {
    const c = new Int32Array(f.groups);
    for (let i = 0; i < n; i++) c[f.ids[i]]++;
    return c;
  });
  let dropped = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = 0; q < factors.length; q++) {
      const ids = factors[q].ids;
      const c = counts[q];
      for (let i = 0; i < n; i++) {
        if (keep[i] && c[ids[i]] === 1) {
          keep[i] = 0;
          dropped++;
          changed = true;
          for (let r = 0; r < factors.length; r++) counts[r][factors[r].ids[i]]--;
        }
      }
    }
  }
  return { keep, dropped };
}
