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

export interface FactorDof {
  name: string;
  levels: number;
  redundant: number;
  nested: boolean;
  /** levels − redundant, or 0 when nested in a cluster variable. */
  df: number;
}

/** Connected components of the bipartite graph of two factors (union–find). */
export function bipartiteComponents(a: Factor, b: Factor): number {
  const parent = new Int32Array(a.groups + b.groups);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  let components = a.groups + b.groups;
  for (let i = 0; i < a.ids.length; i++) {
    const ra = find(a.ids[i]);
    const rb = find(a.groups + b.ids[i]);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  }
  return components;
}

/** Is every level of `f` inside a single cluster? */
export function isNested(f: Factor, c: ClusterIds): boolean {
  const owner = new Int32Array(f.groups).fill(-1);
  for (let i = 0; i < f.ids.length; i++) {
    const g = f.ids[i];
    if (owner[g] < 0) owner[g] = c.ids[i];
    else if (owner[g] !== c.ids[i]) return false;
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
      redundant[j] = Math.max(redundant[j], bipartiteComponents(factors[remaining[a]], factors[j]));
    }
  return factors.map((f, q) => ({ name: f.name, levels: f.groups, redundant: redundant[q], nested: nested[q], df: f.groups - redundant[q] }));
}
