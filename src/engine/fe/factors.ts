// Fixed-effect factors: dense 0-based ids (Int32Array, length n) and level counts. An absorb term
// is a variable name or an interaction "a#b#c"; interactions are factorised on the joint levels.
import { type ColumnSource, type IntegerKeys, type ValueRange, factorize, factorizeKeys, fitsTable, integerKeys } from '../data.js';
import { type KeyedTerm, MAX_WASM_ROWS } from './wasm/factor.js';

export interface Factor {
  name: string;
  ids: Int32Array;
  groups: number;
  /** Rows per level when the factorisation counted them (read-only; absent after a subset). */
  counts?: Int32Array;
}

/** Factorise the absorb terms on the rows where mask = 1 (count of them = n). */
export function buildFactors(absorb: string[], source: ColumnSource, mask: Uint8Array, n: number, ranges?: Map<string, ValueRange>): Factor[] {
  // a variable in several terms (year in industry#year and city#year) is scanned once
  const keysOf = new Map<string, IntegerKeys | null>();
  const levelsOf = new Map<string, { ids: Int32Array; groups: number }>();
  const keys = (name: string) => {
    if (!keysOf.has(name)) keysOf.set(name, integerKeys(source.get(name), mask, n, ranges?.get(name)));
    return keysOf.get(name) ?? null;
  };
  const levels = (name: string) => {
    let f = levelsOf.get(name);
    if (!f) levelsOf.set(name, (f = factorize(source.get(name), mask, n)));
    return f;
  };
  return absorb.map((term) => {
    const parts = term.split('#');
    // integer codes (the usual case): one table over the joint range, one pass
    const partKeys = parts.map(keys);
    const direct = partKeys.every((k) => k !== null) ? factorizeKeys(partKeys as IntegerKeys[], mask, n) : null;
    if (direct) return { name: term, ids: direct.ids, groups: direct.groups, counts: direct.counts };
    // a single variable gets its own array (the cache is shared by interactions)
    if (parts.length === 1) {
      const own = factorize(source.get(term), mask, n);
      return { name: term, ids: own.ids, groups: own.groups };
    }
    let { ids, groups } = levels(parts[0]);
    for (let p = 1; p < parts.length; p++) {
      const next = levels(parts[p]);
      ({ ids, groups } = combine(ids, groups, next.ids, next.groups));
    }
    return { name: term, ids, groups };
  });
}

/**
 * The absorb terms as table keys for the WebAssembly path (wasm/factor.ts): 1–3 terms, each one
 * variable or an interaction of two whose joint range fits a table, on at most MAX_WASM_ROWS rows;
 * else null (buildFactors then does the work).
 */
export function keyedTerms(absorb: string[], source: ColumnSource, mask: Uint8Array, n: number, ranges?: Map<string, ValueRange>): KeyedTerm[] | null {
  if (absorb.length < 1 || absorb.length > 3 || n === 0 || n > MAX_WASM_ROWS) return null;
  const parts = absorb.map((term) => term.split('#'));
  if (parts.some((p) => p.length > 2)) return null;
  const keysOf = new Map<string, IntegerKeys | null>();
  const terms: KeyedTerm[] = [];
  for (const [t, names] of parts.entries()) {
    const keys: IntegerKeys[] = [];
    for (const name of names) {
      if (!keysOf.has(name)) {
        const column = source.get(name);
        keysOf.set(name, column.kind === 'numeric' ? integerKeys(column, mask, n, ranges?.get(name)) : null);
      }
      const k = keysOf.get(name);
      if (!k) return null;
      keys.push(k);
    }
    const cells = keys.reduce((c, k) => c * k.span, 1);
    if (!fitsTable(cells, n)) return null;
    terms.push({ name: absorb[t], keys, cells });
  }
  return terms;
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

/**
 * Keep the rows with keep[i] = 1 and renumber levels densely (levels may disappear). With
 * `inPlace` the ids are compacted into f's own array (returned as a view of its first m entries;
 * f is then spent): a fresh 4n-byte array costs as much as the pass itself here.
 */
export function subsetFactor(f: Factor, keep: Uint8Array, m: number, inPlace = false): Factor {
  const remap = new Int32Array(f.groups).fill(-1);
  const ids = inPlace ? f.ids.subarray(0, m) : new Int32Array(m);
  // chunks in a small function: optimised after the first few instead of by on-stack replacement
  const state = { groups: 0, next: 0 };
  for (let i0 = 0; i0 < keep.length; i0 += 4096) subsetChunk(f.ids, keep, remap, ids, i0, Math.min(keep.length, i0 + 4096), state);
  return { name: f.name, ids, groups: state.groups };
}

function subsetChunk(from: Int32Array, keep: Uint8Array, remap: Int32Array, ids: Int32Array, i0: number, i1: number, state: { groups: number; next: number }): void {
  let g = state.groups;
  let j = state.next;
  for (let i = i0; i < i1; i++) {
    if (!keep[i]) continue;
    const old = from[i];
    let id = remap[old];
    if (id < 0) id = remap[old] = g++;
    ids[j++] = id;
  }
  state.groups = g;
  state.next = j;
}

export function levelCounts(f: Factor): Float64Array {
  const c = new Float64Array(f.groups);
  for (let i = 0; i < f.ids.length; i++) c[f.ids[i]]++;
  return c;
}
