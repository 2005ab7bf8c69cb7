// Fixed-effect factors: dense 0-based ids (Int32Array, length n) and level counts. An absorb term
// is a variable name or an interaction "a#b#c"; interactions are factorised on the joint levels.
import type { ColumnSource } from '../data.js';
import { factorize } from '../data.js';

export interface Factor {
  name: string;
  ids: Int32Array;
  groups: number;
}

/** Factorise the absorb terms on the rows where mask = 1 (count of them = n). */
export function buildFactors(absorb: string[], source: ColumnSource, mask: Uint8Array, n: number): Factor[] {
  return absorb.map((term) => {
    const parts = term.split('#');
    let { ids, groups } = factorize(source.get(parts[0]), mask, n);
    for (let p = 1; p < parts.length; p++) {
      const next = factorize(source.get(parts[p]), mask, n);
      ({ ids, groups } = combine(ids, groups, next.ids, next.groups));
    }
    return { name: term, ids, groups };
  });
}

/** Joint levels of two factors, renumbered densely in order of first appearance. */
export function combine(a: Int32Array, ga: number, b: Int32Array, gb: number): { ids: Int32Array; groups: number } {
  const n = a.length;
  const ids = new Int32Array(n);
  if (ga * gb <= 1 << 26) {
    const map = new Int32Array(ga * gb).fill(-1);
    let g = 0;
    for (let i = 0; i < n; i++) {
      const key = a[i] * gb + b[i];
      let id = map[key];
      if (id < 0) id = map[key] = g++;
      ids[i] = id;
    }
    return { ids, groups: g };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = a[i] * gb + b[i];
    let id = map.get(key);
    if (id === undefined) {
      id = map.size;
      map.set(key, id);
    }
    ids[i] = id;
  }
  return { ids, groups: map.size };
}

/** Keep the rows with keep[i] = 1 and renumber levels densely (levels may disappear). */
export function subsetFactor(f: Factor, keep: Uint8Array, m: number): Factor {
  const remap = new Int32Array(f.groups).fill(-1);
  const ids = new Int32Array(m);
  let g = 0;
  let j = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    const old = f.ids[i];
    let id = remap[old];
    if (id < 0) id = remap[old] = g++;
    ids[j++] = id;
  }
  return { name: f.name, ids, groups: g };
}

export function levelCounts(f: Factor): Float64Array {
  const c = new Float64Array(f.groups);
  for (let i = 0; i < f.ids.length; i++) c[f.ids[i]]++;
  return c;
}
