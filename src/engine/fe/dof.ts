// Degrees of freedom used up by absorbed fixed effects, as reghdfe 6.x with its default
// dof(all) = pairwise clusters (DoF.mata, estimate_dof):
// - every factor starts with `levels` parameters (after singletons);
// - clusters: a factor nested in a cluster variable (every level inside one cluster, or the same
//   variable) has all its levels redundant — its variation is inside the cluster adjustment;
// - the remaining factors: each after the first gets one redundant level (the constant); if any
//   factor was nested, the first remaining one gets it too (the constant went with the nested one);
// - pairwise: for every pair i < j of remaining factors, redundant_j = max(redundant_j,
//   connected components of their bipartite graph). Exact for the first pair (Abowd, Creecy &
//   Kramarz 2002), a conservative bound after that.
import type { ClusterIds } from '../covariance/types.js';
import type { Factor } from './factors.js';

// row loops run over chunks in small functions, which V8 optimises after the first calls (data.ts)
const CHUNK = 4096;

export interface FactorDof {
  name: string;
  levels: number;
  redundant: number;
  nested: boolean;
  /** levels − redundant, or 0 when nested in a cluster variable. */
  df: number;
}

/**
 * Connected components of the bipartite graph of two factors (levels are nodes, each row an edge).
 * Every level has a row, so each level of the larger factor sits in the component of the levels of
 * the smaller one it meets: union–find (path halving) over the smaller factor's levels only, each
 * row joining its level to the first one seen with the same larger-factor level. The parent array
 * stays in cache, and the count is that of the smaller side's components.
 */
export function bipartiteComponents(a: Factor, b: Factor): number {
  const [small, large] = a.groups <= b.groups ? [a, b] : [b, a];
  const parent = new Int32Array(small.groups);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const first = new Int32Array(large.groups).fill(-1);
  const n = small.ids.length;
  let components = small.groups;
  // chunks in a small function: V8 optimises it after the first calls (see data.ts)
  for (let i0 = 0; i0 < n; i0 += CHUNK) components -= joinChunk(small.ids, large.ids, parent, first, i0, Math.min(n, i0 + CHUNK));
  return components;
}

/** Union the rows' levels of [i0, i1); returns the number of merges. */
function joinChunk(si: Int32Array, li: Int32Array, parent: Int32Array, first: Int32Array, i0: number, i1: number): number {
  let merges = 0;
  for (let i = i0; i < i1; i++) {
    let x = si[i];
    const l = li[i];
    let y = first[l];
    if (y < 0) {
      first[l] = x;
      continue;
    }
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    while (parent[y] !== y) y = parent[y] = parent[parent[y]];
    if (x !== y) {
      parent[x] = y;
      merges++;
    }
  }
  return merges;
}

// The components of a pair depend only on the two id vectors, and the same pairs come back: the
// fit's own dof, then every covariance request with its cluster variables. Keyed weakly on the ids.
const componentsMemo = new WeakMap<Int32Array, WeakMap<Int32Array, number>>();

function pairComponents(a: Factor, b: Factor): number {
  let inner = componentsMemo.get(a.ids);
  if (!inner) componentsMemo.set(a.ids, (inner = new WeakMap()));
  let c = inner.get(b.ids);
  if (c === undefined) inner.set(b.ids, (c = bipartiteComponents(a, b)));
  return c;
}

/** Is every level of `f` inside a single cluster? */
export function isNested(f: Factor, c: ClusterIds): boolean {
  const owner = new Int32Array(f.groups).fill(-1);
  const n = f.ids.length;
  for (let i0 = 0; i0 < n; i0 += CHUNK) if (!nestedChunk(f.ids, c.ids, owner, i0, Math.min(n, i0 + CHUNK))) return false;
  return true;
}

function nestedChunk(ids: Int32Array, cl: Int32Array, owner: Int32Array, i0: number, i1: number): boolean {
  for (let i = i0; i < i1; i++) {
    const g = ids[i];
    if (owner[g] < 0) owner[g] = cl[i];
    else if (owner[g] !== cl[i]) return false;
  }
  return true;
}

export function absorbedDof(factors: Factor[], clusters: ClusterIds[]): FactorDof[] {
  const nested = factors.map((f) => clusters.some((c) => c.variable === f.name || isNested(f, c)));
  const anyNested = nested.some(Boolean);
  const redundant = factors.map((f, q) => (nested[q] ? f.groups : 0));
  const remaining = factors.map((_, q) => q).filter((q) => !nested[q]);
  remaining.forEach((q, r) => {
    if (r > 0 || anyNested) redundant[q] = 1;
  });
  for (let a = 0; a < remaining.length; a++)
    for (let b = a + 1; b < remaining.length; b++) {
      const j = remaining[b];
      redundant[j] = Math.max(redundant[j], pairComponents(factors[remaining[a]], factors[j]));
    }
  return factors.map((f, q) => ({ name: f.name, levels: f.groups, redundant: redundant[q], nested: nested[q], df: f.groups - redundant[q] }));
}
