// Drives factor.wat: the absorbed factors of integer-keyed terms (a variable or an interaction of
// two), singleton removal and the subset after it, with the ids kept in the module's memory from the
// factorisation to the last subset and copied out once. The same ids, counts and kept rows as the JS
// path (data.ts factorizeKeys, singletons.ts, factors.ts subsetFactor), which still serves every
// other case. Measured at 233,819 rows, firm + industry#year + city#year with 4,037 singletons:
// 17–18 ms in JS (factorise 9, singletons 3.6, subsets 4, restrict 0.9), ~8 ms here; the whole
// prepare phase 34 → 19 ms, at 2M rows 0.28–0.38 → 0.15 s, at 10M rows 1.6 → 1.06 s.
//
// Compiled once through ../../wasm-runtime.ts; the instance and its memory are reused, except that
// memory grown past KEEP_BYTES is dropped after the call so it can be collected.
import type { IntegerKeys } from '../../data.js';
import { CachedInstance, type WasmMemory } from '../../wasm-runtime.js';
import type { Factor } from '../factors.js';
import wasmBytes from './factor.wat';

type F = (...args: number[]) => void;
interface Exports {
  memory: WasmMemory;
  fact1: F;
  fact2: F;
  drop3: (...args: number[]) => number;
  subset: (m: number, ids: number, keep: number, remap: number) => number;
}

/** A fixed-effect term with table keys: one variable or an interaction of two. */
export interface KeyedTerm {
  name: string;
  keys: IntegerKeys[];
  /** Slots of the joint table (the product of the keys' spans). */
  cells: number;
}

/**
 * Larger samples take the JS path: the module's memory (ids and tables, ~14 bytes per row for three
 * terms, dropped after the call) comes on top of the JS arrays. At 10M rows it is not the peak
 * (2.49 GB either way, reached later in the demeaning) and prepare takes 1.06 s against 1.6 s.
 */
export const MAX_WASM_ROWS = 1 << 25;
const PAGE = 65536;
const KEEP_BYTES = 64 * 1024 * 1024;
const CHUNK = 4096;
/** Counts of the stand-in factor of a two- or one-term model: never 1 or 2. */
const NEVER = 1 << 30;

const shared = new CachedInstance<Exports>(wasmBytes);

/**
 * Factors of 1–3 terms on the sample rows (mask = 1, `count` of them) and, when asked, singletons
 * dropped iteratively; null when this path does not apply (other shapes, keys that are not numeric
 * columns, too many rows, no WebAssembly): the caller then takes the JS path.
 */
export function keyedFactors(terms: KeyedTerm[], mask: Uint8Array, count: number, dropSingletons: boolean): { factors: Factor[]; keep: Uint8Array | null; dropped: number } | null {
  const Q = terms.length;
  if (Q < 1 || Q > 3 || count === 0 || count > MAX_WASM_ROWS) return null;
  if (!terms.every((t) => (t.keys.length === 1 || t.keys.length === 2) && t.keys.every((k) => k.values instanceof Float64Array && k.values.length === mask.length))) return null;
  const w = shared.get();
  if ('reason' in w) return null;

  // ---- layout (byte offsets, 16-aligned)
  let top = 16;
  const take = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const state = take(16 * Q);
  const maskAt = take(CHUNK);
  const columns = [...new Set(terms.flatMap((t) => t.keys.map((k) => k.values as Float64Array)))];
  const keyAt = new Map(columns.map((c) => [c, take(CHUNK * 8)]));
  // a term has at most min(cells, count) levels
  const most = terms.map((t) => Math.min(t.cells, count));
  const table = terms.map((t) => take(t.cells * 4));
  const counts = terms.map((_, q) => take(most[q] * 4));
  const ids = terms.map(() => take(count * 4));
  const never = dropSingletons && Q < 3 ? take(most[0] * 4) : 0;
  const keep = dropSingletons ? take(count) : 0;
  const remap = take(Math.max(...most) * 4);
  const have = w.memory.buffer.byteLength;
  if (top > have) {
    try {
      w.memory.grow(Math.ceil((top - have) / PAGE));
    } catch {
      shared.drop();
      return null;
    }
  }
  try {
    const i32 = new Int32Array(w.memory.buffer);
    const u8 = new Uint8Array(w.memory.buffer);
    const f64 = new Float64Array(w.memory.buffer);
    i32.fill(0, state / 4, state / 4 + 4 * Q);
    for (let q = 0; q < Q; q++) {
      i32.fill(-1, table[q] / 4, table[q] / 4 + terms[q].cells);
      i32.fill(0, counts[q] / 4, counts[q] / 4 + most[q]);
    }

    // ---- factorise, chunk by chunk of the mask's rows
    const N = mask.length;
    for (let i0 = 0; i0 < N; i0 += CHUNK) {
      const m = Math.min(CHUNK, N - i0);
      u8.set(mask.subarray(i0, i0 + m), maskAt);
      for (const c of columns) f64.set(c.subarray(i0, i0 + m), (keyAt.get(c) as number) / 8);
      terms.forEach((t, q) => {
        const [a, b] = t.keys;
        const at = (k: IntegerKeys) => keyAt.get(k.values as Float64Array) as number;
        if (b === undefined) w.fact1(m, maskAt, at(a), a.min, table[q], counts[q], ids[q], state + 16 * q);
        else w.fact2(m, maskAt, at(a), a.min, at(b), b.min, b.span, table[q], counts[q], ids[q], state + 16 * q);
      });
    }
    const groups = terms.map((_, q) => i32[(state + 16 * q) / 4]);
    if (terms.some((_, q) => i32[(state + 16 * q) / 4 + 1] !== count)) throw new Error(`the sample mask holds ${i32[state / 4 + 1]} rows, not ${count}`);

    // ---- singletons: passes until no level count falls to 1
    let n = count;
    let dropped = 0;
    if (dropSingletons) {
      u8.fill(1, keep, keep + count);
      if (never) i32.fill(NEVER, never / 4, never / 4 + groups[0]);
      const idsOf = (q: number) => (q < Q ? ids[q] : ids[0]);
      const countsOf = (q: number) => (q < Q ? counts[q] : never);
      let again = true;
      while (again) {
        const r = w.drop3(count, idsOf(0), idsOf(1), idsOf(2), countsOf(0), countsOf(1), countsOf(2), keep);
        dropped += r & 0x7fffffff;
        again = r < 0;
      }
      n = count - dropped;
      if (dropped > 0) {
        for (let q = 0; q < Q; q++) {
          i32.fill(-1, remap / 4, remap / 4 + groups[q]);
          groups[q] = w.subset(count, ids[q], keep, remap);
        }
      }
    }

    const factors: Factor[] = terms.map((t, q) => {
      const f: Factor = { name: t.name, ids: i32.slice(ids[q] / 4, ids[q] / 4 + n), groups: groups[q] };
      // the factorisation's counts, as the JS path gives them (they still hold when no row was dropped)
      if (dropped === 0) f.counts = i32.slice(counts[q] / 4, counts[q] / 4 + groups[q]);
      return f;
    });
    return { factors, keep: dropped > 0 ? u8.slice(keep, keep + count) : null, dropped };
  } finally {
    if (w.memory.buffer.byteLength > KEEP_BYTES) shared.drop(w);
  }
}
