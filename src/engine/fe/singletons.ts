// Iterative singleton removal (reghdfe, Correia 2015 "Singletons, cluster-robust standard errors
// and fixed effects"): an observation alone in its level of any fixed effect is perfectly fitted
// and only inflates the degrees of freedom; dropping one can create new singletons, so repeat
// until none remain. The rows kept are the largest subset in which no level has exactly one row
// (unique: the union of two such subsets is one), so the order of removal does not matter: each
// pass checks every factor of a row at once, and another pass runs only if some level's count
// fell to exactly 1.
//
// The loops run over chunks of rows in small functions: V8 then optimises them after the first
// chunks instead of on-stack-replacing one long loop (its baseline code is ≈8× slower, and OSR code
// deoptimises when the loop exits into code it has no type feedback for).
import type { Factor } from './factors.js';

const CHUNK = 4096;

/** keep[i] = 1 for rows that survive; `dropped` counts the removed rows. */
export function findSingletons(factors: Factor[], n: number): { keep: Uint8Array; dropped: number } {
  const keep = new Uint8Array(n).fill(1);
  const Q = factors.length;
  if (Q === 0) return { keep, dropped: 0 };
  const ids = factors.map((f) => f.ids);
  // the factorisation's counts when it took them (a copy: they are decremented below)
  const counts = factors.map((f) => (f.counts ? f.counts.slice() : new Int32Array(f.groups)));
  for (let q = 0; q < Q; q++) if (!factors[q].counts) for (let i0 = 0; i0 < n; i0 += CHUNK) countLevels(ids[q], counts[q], i0, Math.min(n, i0 + CHUNK));
  const state = { dropped: 0, again: true };
  while (state.again) {
    state.again = false;
    for (let i0 = 0; i0 < n; i0 += CHUNK) dropPass(ids, counts, keep, i0, Math.min(n, i0 + CHUNK), state);
  }
  return { keep, dropped: state.dropped };
}

function countLevels(ids: Int32Array, counts: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) counts[ids[i]]++;
}

/** Drop the rows of [i0, i1) alone in a level of some factor, updating the counts. */
function dropPass(ids: Int32Array[], counts: Int32Array[], keep: Uint8Array, i0: number, i1: number, state: { dropped: number; again: boolean }): void {
  const Q = ids.length;
  let dropped = 0;
  let again = false;
  for (let i = i0; i < i1; i++) {
    if (!keep[i]) continue;
    let single = false;
    for (let q = 0; q < Q; q++) {
      if (counts[q][ids[q][i]] === 1) {
        single = true;
        break;
      }
    }
    if (!single) continue;
    keep[i] = 0;
    dropped++;
    for (let q = 0; q < Q; q++) if (--counts[q][ids[q][i]] === 1) again = true;
  }
  state.dropped += dropped;
  if (again) state.again = true;
}
