// Columns in, design out. The engine never reads files: a ColumnSource hands it typed arrays.
import { AppError } from '../shared/errors.js';
import { sumRange } from './linalg/vector.js';

export type Column =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'categorical'; codes: Int32Array; levels: string[] };

export interface ColumnSource {
  nrows: number;
  get(name: string): Column;
  /**
   * The caller drops these arrays after the estimation (the worker, the CLI and the bench load fresh
   * columns per job), so the engine may reuse their memory for y and X instead of allocating copies.
   */
  disposable?: boolean;
}

/** A numeric column of the source; a text (categorical) one is a clear error naming its role. */
export function numericColumn(source: ColumnSource, name: string, role: string): Float64Array {
  const c = source.get(name);
  if (c.kind !== 'numeric') throw new AppError('BAD_DATA', `${role} "${name}" is text (categorical); a numeric variable is needed`);
  return c.values;
}

/** In-memory source, used by tests and the CLI. */
export class MemorySource implements ColumnSource {
  constructor(
    readonly nrows: number,
    private readonly columns: Record<string, Column>,
  ) {}
  get(name: string): Column {
    const c = this.columns[name];
    if (!c) throw new AppError('BAD_DATA', `variable "${name}" is not in the dataset`);
    return c;
  }
}

// The row loops below run over chunks of CHUNK rows in small functions: V8 optimises such a
// function after its first calls, instead of on-stack-replacing one long loop (baseline code is
// ≈8× slower, and on-stack-replaced code deoptimises when the loop exits into code without type
// feedback): with a handful of estimations per session, that is most of the cost.
const CHUNK = 4096;

/** Where a numeric column holds ±∞ (which is not a missing value): the first row and how many. */
export interface InfiniteValues {
  name: string;
  /** 0-based row of the first ±∞. */
  row: number;
  value: number;
  count: number;
}

/**
 * Rows where every listed column is present (finite numeric / non-negative code). ±∞ rows are
 * left out of the mask like missing ones and also reported in `infinite` (per column, in column
 * order), so that estimators can refuse them (sample.ts) rather than drop them silently.
 */
export function completeCases(
  nrows: number,
  columns: { name: string; column: Column }[],
  keyed: ReadonlySet<string> = NO_NAMES,
): { mask: Uint8Array; count: number; missingBy: Record<string, number>; infinite: InfiniteValues[]; ranges: Map<string, ValueRange> } {
  const mask = new Uint8Array(nrows).fill(1);
  const missingBy: Record<string, number> = {};
  const infinite: InfiniteValues[] = [];
  const ranges = new Map<string, ValueRange>();
  let anyMissing = false;
  for (const { name, column } of columns) {
    let miss = 0;
    const inf: InfiniteValues = { name, row: -1, value: 0, count: 0 };
    // the value range of a numeric column that will be factorised (a fixed effect, a cluster
    // variable), taken in the same pass: integerKeys then needs no pass of its own
    const range = column.kind === 'numeric' && keyed.has(name) ? { min: Infinity, max: -Infinity, integral: true } : null;
    for (let i0 = 0; i0 < nrows; i0 += CHUNK) {
      const i1 = Math.min(nrows, i0 + CHUNK);
      // a chunk without a missing or infinite value (the usual case) is only summed, not masked: the
      // sum is NaN or ±∞ once a value is (or, for values near 1e308, when it overflows: the masking
      // loop then decides); 0.9 ns per value here against 1.5 for the masking loop
      if (column.kind !== 'numeric') miss += maskNegative(column.codes, mask, i0, i1);
      else if (!Number.isFinite(sumRange(column.values, i0, i1))) miss += range ? maskNonFiniteRange(column.values, mask, i0, i1, inf, range) : maskNonFinite(column.values, mask, i0, i1, inf);
      else if (range) widenRange(column.values, i0, i1, range);
    }
    missingBy[name] = miss;
    anyMissing ||= miss > 0;
    if (inf.count > 0) infinite.push(inf);
    if (range) ranges.set(name, range);
  }
  let count = anyMissing ? 0 : nrows;
  if (anyMissing) for (let i0 = 0; i0 < nrows; i0 += CHUNK) count += countSet(mask, i0, Math.min(nrows, i0 + CHUNK));
  return { mask, count, missingBy, infinite, ranges };
}

/** `range` widened by the values of v[i0..i1), all finite (two interleaved min/max pairs). */
function widenRange(v: Float64Array, i0: number, i1: number, range: ValueRange): void {
  let min0 = range.min;
  let max0 = range.max;
  let min1 = min0;
  let max1 = max0;
  // Σ (x − ⌊x⌋) ≥ 0 term by term: 0 iff every x is an integer
  let frac = 0;
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a = v[i];
    const b = v[i + 1];
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
    if (b < min1) min1 = b;
    if (b > max1) max1 = b;
    frac += a - Math.floor(a) + (b - Math.floor(b));
  }
  if (i < i1) {
    const a = v[i];
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
    frac += a - Math.floor(a);
  }
  range.min = Math.min(min0, min1);
  range.max = Math.max(max0, max1);
  if (frac !== 0) range.integral = false;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** min, max and whether every value is an integer, over the finite values of a column. */
export interface ValueRange {
  min: number;
  max: number;
  integral: boolean;
}

/** maskNonFinite, also widening `range` by the finite values. */
function maskNonFiniteRange(v: Float64Array, mask: Uint8Array, i0: number, i1: number, inf: InfiniteValues, range: ValueRange): number {
  let miss = 0;
  let min = range.min;
  let max = range.max;
  let frac = 0;
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    if (x - x !== 0) {
      miss++;
      mask[i] = 0;
      if (x === x && inf.count++ === 0) {
        inf.row = i;
        inf.value = x;
      }
      continue;
    }
    min = Math.min(min, x);
    max = Math.max(max, x);
    frac += x - Math.floor(x);
  }
  range.min = min;
  range.max = max;
  if (frac !== 0) range.integral = false;
  return miss;
}

function maskNonFinite(v: Float64Array, mask: Uint8Array, i0: number, i1: number, inf: InfiniteValues): number {
  let miss = 0;
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    // x − x is 0 for finite x and NaN for ±∞ and NaN
    if (x - x !== 0) {
      miss++;
      mask[i] = 0;
      // ±∞ (x === x) is noted; only this rare branch pays for it
      if (x === x && inf.count++ === 0) {
        inf.row = i;
        inf.value = x;
      }
    }
  }
  return miss;
}

function maskNegative(c: Int32Array, mask: Uint8Array, i0: number, i1: number): number {
  let miss = 0;
  for (let i = i0; i < i1; i++) {
    if (c[i] < 0) {
      miss++;
      mask[i] = 0;
    }
  }
  return miss;
}

function countSet(mask: Uint8Array, i0: number, i1: number): number {
  let count = 0;
  for (let i = i0; i < i1; i++) count += mask[i];
  return count;
}

/**
 * The masked rows of a numeric column as a dense array of length `count`: a copy, or when every row
 * is kept `values` itself (or a view of its first `count` entries). Read-only for callers: it may
 * be the dataset's own column (never demean it in place).
 */
export function compress(values: Float64Array, mask: Uint8Array, count: number, runs: Int32Array | null = null): Float64Array {
  if (count === mask.length) return values.length === count ? values : values.subarray(0, count);
  const out = new Float64Array(count);
  if (runs) copyRuns(values, runs, out);
  else {
    let j = 0;
    for (let i0 = 0; i0 < mask.length; i0 += CHUNK) j = compressChunk(values, mask, out, i0, Math.min(mask.length, i0 + CHUNK), j);
  }
  return out;
}

/** Like compress, but compacts the kept rows to the front of `values` itself (no allocation). */
export function compressInPlace(values: Float64Array, mask: Uint8Array, count: number, runs: Int32Array | null = null): Float64Array {
  if (count === mask.length) return values.subarray(0, count);
  if (runs) copyRuns(values, runs, values);
  else {
    let j = 0;
    for (let i0 = 0; i0 < mask.length; i0 += CHUNK) j = compressChunk(values, mask, values, i0, Math.min(mask.length, i0 + CHUNK), j);
  }
  return values.subarray(0, count);
}

/**
 * The runs of consecutive kept rows of a mask, [start₀, end₀, start₁, end₁, …], when they are long
 * enough (on average 32 rows or more) for compress to copy run by run; else null. A model's columns
 * share one mask: compress them through its runs (a block copy per run: 233,819 rows with 4,000
 * singletons dropped, 8 columns in 3.4 ms against 5.8 ms for the row loop here).
 */
export function keptRuns(mask: Uint8Array, count: number): Int32Array | null {
  if (count === mask.length || count < 64) return null;
  const most = Math.floor(count / 32);
  const runs = new Int32Array(2 * most);
  const state = { runs: 0, open: -1 };
  for (let i0 = 0; i0 < mask.length && state.runs <= most; i0 += CHUNK) runBounds(mask, runs, most, i0, Math.min(mask.length, i0 + CHUNK), state);
  if (state.open >= 0 && state.runs < most) {
    runs[2 * state.runs] = state.open;
    runs[2 * state.runs + 1] = mask.length;
    state.runs++;
  } else if (state.open >= 0) return null;
  return state.runs <= most ? runs.subarray(0, 2 * state.runs) : null;
}

/** Run bounds of mask[i0..i1); state.open is the start of a run still open (−1: none). */
function runBounds(mask: Uint8Array, runs: Int32Array, most: number, i0: number, i1: number, state: { runs: number; open: number }): void {
  let r = state.runs;
  let open = state.open;
  for (let i = i0; i < i1; i++) {
    if (mask[i]) {
      if (open < 0) open = i;
    } else if (open >= 0) {
      if (r === most) {
        state.runs = most + 1;
        return;
      }
      runs[2 * r] = open;
      runs[2 * r + 1] = i;
      r++;
      open = -1;
    }
  }
  state.runs = r;
  state.open = open;
}

/** The rows of `runs` packed to the front of `out` (which may be `values`: runs move forward only). */
function copyRuns(values: Float64Array, runs: Int32Array, out: Float64Array): void {
  let j = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const a = runs[r];
    const b = runs[r + 1];
    if (out === values) {
      if (j !== a) values.copyWithin(j, a, b);
    } else out.set(values.subarray(a, b), j);
    j += b - a;
  }
}

function compressChunk(values: Float64Array, mask: Uint8Array, out: Float64Array, i0: number, i1: number, j: number): number {
  for (let i = i0; i < i1; i++) if (mask[i]) out[j++] = values[i];
  return j;
}

/** The mask with its set rows further restricted to keep[j] = 1 (j counts the set rows of mask). */
export function restrictMask(mask: Uint8Array, keep: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  let j = 0;
  for (let i0 = 0; i0 < mask.length; i0 += CHUNK) j = restrictChunk(mask, keep, out, i0, Math.min(mask.length, i0 + CHUNK), j);
  return out;
}

function restrictChunk(mask: Uint8Array, keep: Uint8Array, out: Uint8Array, i0: number, i1: number, j: number): number {
  for (let i = i0; i < i1; i++) if (mask[i]) out[i] = keep[j++];
  return j;
}

/**
 * Integer-valued keys spanning at most this many values (or 4 per row) get a direct lookup table;
 * an interaction's joint range too.
 */
const TABLE_SPAN = 1 << 16;

/** Whether a table of `cells` slots is used for keys of `count` sample rows. */
export function fitsTable(cells: number, count: number): boolean {
  return cells <= tableLimit(count);
}

function tableLimit(count: number): number {
  return Math.max(TABLE_SPAN, 4 * count);
}

/** A column whose masked values are integers in [min, min + span): keys for a lookup table. */
export interface IntegerKeys {
  values: Float64Array | Int32Array;
  min: number;
  span: number;
}

/** The masked values as table keys, or null when they are not integers in a range small enough. */
export function integerKeys(column: Column, mask: Uint8Array, count: number, known?: ValueRange): IntegerKeys | null {
  const v = column.kind === 'numeric' ? column.values : column.codes;
  if (count === 0) return { values: v, min: 0, span: 0 };
  // a range over all of the column's finite values (completeCases) holds the masked ones: used
  // when it qualifies; otherwise (a fraction or a wide span only outside the sample) the masked rows
  if (known && known.integral && known.max - known.min + 1 <= tableLimit(count)) return { values: v, min: known.min, span: known.max - known.min + 1 };
  const range = { min: Infinity, max: -Infinity, integral: true };
  const all = count === mask.length;
  for (let i0 = 0; i0 < mask.length; i0 += CHUNK) rangeChunk(v, mask, all, i0, Math.min(mask.length, i0 + CHUNK), range);
  const span = range.max - range.min + 1;
  return range.integral && span <= tableLimit(count) ? { values: v, min: range.min, span } : null;
}

function rangeChunk(v: Float64Array | Int32Array, mask: Uint8Array, all: boolean, i0: number, i1: number, range: { min: number; max: number; integral: boolean }): void {
  let min = range.min;
  let max = range.max;
  // Σ (x − ⌊x⌋) is 0 iff every x is an integer (NaN for ±∞ or NaN); no branch per row
  let frac = 0;
  for (let i = i0; i < i1; i++) {
    if (!all && !mask[i]) continue;
    const x = v[i];
    min = Math.min(min, x);
    max = Math.max(max, x);
    frac += x - Math.floor(x);
  }
  range.min = min;
  range.max = max;
  if (frac !== 0) range.integral = false;
}

/**
 * Dense 0-based group ids of the masked rows (fixest: "FE ids are dense 0-based Int32Arrays"), in
 * order of first appearance. Numeric variables are grouped by value (−0 = 0), categorical ones by
 * code. Integer-valued keys in a moderate range (panel ids, years, codes: the usual case) go
 * through a lookup table indexed by value; others through an open-addressing hash on the value's
 * bits (a JS Map of numbers is ≈10× slower at 10⁵ keys).
 */
export function factorize(column: Column, mask: Uint8Array, count: number): { ids: Int32Array; groups: number; counts?: Int32Array } {
  const keys = integerKeys(column, mask, count);
  const direct = keys ? factorizeKeys([keys], mask, count) : null;
  return direct ?? factorizeHash(column.kind === 'numeric' ? column.values : column.codes, mask, count);
}

/**
 * Dense ids, in order of first appearance, of the joint values of one or more integer-keyed
 * columns (an interaction a#b: the same ids as combining the factorised columns), from one table
 * over the joint range; null when that range is too wide for a table.
 */
export function factorizeKeys(keys: IntegerKeys[], mask: Uint8Array, count: number): { ids: Int32Array; groups: number; counts: Int32Array } | null {
  let cells = 1;
  for (const k of keys) cells *= k.span;
  if (cells > tableLimit(count)) return null;
  const ids = new Int32Array(count);
  const table = new Int32Array(cells).fill(-1);
  // rows per level, counted in the same pass (singleton removal starts from them)
  const counts = new Int32Array(Math.min(cells, count));
  const all = count === mask.length;
  const state = { groups: 0, next: 0 };
  for (let i0 = 0; i0 < mask.length; i0 += CHUNK) {
    const i1 = Math.min(mask.length, i0 + CHUNK);
    if (keys.length === 1) oneKeyChunk(keys[0], mask, all, table, ids, counts, i0, i1, state);
    else if (keys.length === 2) twoKeyChunk(keys[0], keys[1], mask, all, table, ids, counts, i0, i1, state);
    else manyChunk(keys, mask, all, table, ids, counts, i0, i1, state);
  }
  return { ids, groups: state.groups, counts: counts.subarray(0, state.groups) };
}

function oneKeyChunk(a: IntegerKeys, mask: Uint8Array, all: boolean, table: Int32Array, ids: Int32Array, counts: Int32Array, i0: number, i1: number, state: { groups: number; next: number }): void {
  const va = a.values;
  const minA = a.min;
  let groups = state.groups;
  let j = state.next;
  for (let i = i0; i < i1; i++) {
    if (!all && !mask[i]) continue;
    const slot = va[i] - minA;
    let id = table[slot];
    if (id < 0) id = table[slot] = groups++;
    counts[id]++;
    ids[j++] = id;
  }
  state.groups = groups;
  state.next = j;
}

/** a#b: slot (a − min_a)·span_b + (b − min_b). */
function twoKeyChunk(a: IntegerKeys, b: IntegerKeys, mask: Uint8Array, all: boolean, table: Int32Array, ids: Int32Array, counts: Int32Array, i0: number, i1: number, state: { groups: number; next: number }): void {
  const va = a.values;
  const vb = b.values;
  const minA = a.min;
  const minB = b.min;
  const spanB = b.span;
  let groups = state.groups;
  let j = state.next;
  for (let i = i0; i < i1; i++) {
    if (!all && !mask[i]) continue;
    const slot = (va[i] - minA) * spanB + (vb[i] - minB);
    let id = table[slot];
    if (id < 0) id = table[slot] = groups++;
    counts[id]++;
    ids[j++] = id;
  }
  state.groups = groups;
  state.next = j;
}

function manyChunk(keys: IntegerKeys[], mask: Uint8Array, all: boolean, table: Int32Array, ids: Int32Array, counts: Int32Array, i0: number, i1: number, state: { groups: number; next: number }): void {
  let groups = state.groups;
  let j = state.next;
  for (let i = i0; i < i1; i++) {
    if (!all && !mask[i]) continue;
    let slot = 0;
    for (const k of keys) slot = slot * k.span + (k.values[i] - k.min);
    let id = table[slot];
    if (id < 0) id = table[slot] = groups++;
    counts[id]++;
    ids[j++] = id;
  }
  state.groups = groups;
  state.next = j;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** Slot of a double in a power-of-two table (mask = size − 1), from its bit pattern. */
export function hashSlot(x: number, mask: number): number {
  bits[0] = x;
  let h = Math.imul(words[0] ^ Math.imul(words[1], 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

function factorizeHash(v: Float64Array | Int32Array, rowMask: Uint8Array, count: number): { ids: Int32Array; groups: number } {
  const ids = new Int32Array(count);
  let size = 1024;
  let keys = new Float64Array(size);
  let slots = new Int32Array(size).fill(-1);
  let groups = 0;
  let nanId = -1;
  let j = 0;
  for (let i = 0; i < rowMask.length; i++) {
    if (!rowMask[i]) continue;
    const x = v[i] + 0; // −0 → 0
    if (x !== x) {
      if (nanId < 0) nanId = groups++;
      ids[j++] = nanId;
      continue;
    }
    let s = hashSlot(x, size - 1);
    let id = slots[s];
    while (id >= 0 && keys[s] !== x) {
      s = (s + 1) & (size - 1);
      id = slots[s];
    }
    if (id < 0) {
      id = groups++;
      keys[s] = x;
      slots[s] = id;
      if (2 * groups > size) {
        // grow to keep the load factor ≤ 1/2
        const oldKeys = keys;
        const oldSlots = slots;
        size *= 2;
        keys = new Float64Array(size);
        slots = new Int32Array(size).fill(-1);
        for (let t = 0; t < oldSlots.length; t++) {
          if (oldSlots[t] < 0) continue;
          let u = hashSlot(oldKeys[t], size - 1);
          while (slots[u] >= 0) u = (u + 1) & (size - 1);
          keys[u] = oldKeys[t];
          slots[u] = oldSlots[t];
        }
      }
    }
    ids[j++] = id;
  }
  return { ids, groups };
}
