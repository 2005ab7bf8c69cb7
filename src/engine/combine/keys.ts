// Key encoding for merges: the key columns of the two datasets → one dense id per row, equal ids
// exactly when all key values are equal. Numeric keys compare by value (exactly; −0 = 0);
// categorical keys by level TEXT, since the two datasets have their own level tables (the using
// levels are mapped to ids once, not per row). A key with a missing part (NaN, ±∞, code −1) gets
// −1 and never matches. Left rows whose key does not occur on the right get ABSENT (−2) unless
// the left side is indexed too (needed to check that the master data are unique on the key).
// Several key columns are combined pairwise: (a, b) → a·|B| + b, re-densified by a NumberTable.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { ABSENT, NumberTable } from './table.js';
import type { NamedColumn } from './types.js';

const CHUNK = 4096;

export interface EncodedKeys {
  left: Int32Array;
  right: Int32Array;
  /** Ids are 0..groups−1; ids < rightGroups occur on the right. */
  groups: number;
  rightGroups: number;
}

function kindName(c: Column): string {
  return c.kind === 'numeric' ? 'numeric' : 'text (categorical)';
}

/** Dense ids of one key column on both sides. */
function encodeColumn(name: string, l: Column, r: Column, indexLeft: boolean): EncodedKeys {
  if (l.kind !== r.kind) {
    throw new AppError('BAD_DATA', `key variable "${name}" is ${kindName(l)} in the master data but ${kindName(r)} in the using data`);
  }
  if (l.kind === 'numeric' && r.kind === 'numeric') {
    const table = new NumberTable(indexLeft ? [r.values, l.values] : [r.values], r.values.length);
    const right = new Int32Array(r.values.length);
    table.mapAll(r.values, right, true);
    const rightGroups = table.size;
    const left = new Int32Array(l.values.length);
    table.mapAll(l.values, left, indexLeft);
    return { left, right, groups: table.size, rightGroups };
  }
  if (l.kind === 'categorical' && r.kind === 'categorical') {
    // level text → id, right levels first; codes map through small per-level arrays
    const ids = new Map<string, number>();
    const rightLevel = Int32Array.from(r.levels, (t) => {
      let id = ids.get(t);
      if (id === undefined) ids.set(t, (id = ids.size));
      return id;
    });
    const rightGroups = ids.size;
    const leftLevel = Int32Array.from(l.levels, (t) => {
      let id = ids.get(t);
      if (id === undefined && indexLeft) ids.set(t, (id = ids.size));
      return id ?? ABSENT;
    });
    const right = new Int32Array(r.codes.length);
    const left = new Int32Array(l.codes.length);
    for (let i0 = 0; i0 < r.codes.length; i0 += CHUNK) mapCodesChunk(r.codes, rightLevel, right, i0, Math.min(r.codes.length, i0 + CHUNK));
    for (let i0 = 0; i0 < l.codes.length; i0 += CHUNK) mapCodesChunk(l.codes, leftLevel, left, i0, Math.min(l.codes.length, i0 + CHUNK));
    return { left, right, groups: ids.size, rightGroups };
  }
  throw new Error('unreachable');
}

function mapCodesChunk(codes: Int32Array, level: Int32Array, out: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const c = codes[i];
    out[i] = c < 0 ? -1 : level[c];
  }
}

/** Composite a·nb + b of two id columns, NaN where either part is missing or absent. */
function compositeChunk(a: Int32Array, b: Int32Array, nb: number, out: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const x = a[i];
    const y = b[i];
    out[i] = x < 0 || y < 0 ? Number.NaN : x * nb + y;
  }
}

/** Rows with an absent part (and no missing one) are absent, not missing. */
function absentChunk(a: Int32Array, b: Int32Array, ids: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== -1 && y !== -1 && (x < 0 || y < 0)) ids[i] = ABSENT;
  }
}

function composite(a: Int32Array, b: Int32Array, nb: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i0 = 0; i0 < a.length; i0 += CHUNK) compositeChunk(a, b, nb, out, i0, Math.min(a.length, i0 + CHUNK));
  return out;
}

/** Cells a·nb + b of a small grid → dense ids, right rows first: no composite arrays, no hashing. */
function gridChunk(a: Int32Array, b: Int32Array, nb: number, cells: Int32Array, ids: Int32Array, insert: boolean, next: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const x = a[i];
    const y = b[i];
    if (x === -1 || y === -1) ids[i] = -1;
    else if (x < 0 || y < 0) ids[i] = ABSENT;
    else {
      const c = x * nb + y;
      let id = cells[c];
      if (id < 0 && insert) id = cells[c] = next[0]++;
      ids[i] = id < 0 ? ABSENT : id;
    }
  }
}

const GRID_CELLS = 1 << 22;

/** Combine two encoded key columns into one. */
function combine(a: EncodedKeys, b: EncodedKeys, indexLeft: boolean): EncodedKeys {
  if (a.groups * b.groups > Number.MAX_SAFE_INTEGER) throw new AppError('INVALID_ARGUMENT', 'too many distinct key values to combine');
  if (a.groups * b.groups <= Math.max(GRID_CELLS, a.right.length + a.left.length)) {
    const cells = new Int32Array(a.groups * b.groups).fill(-1);
    const next = new Int32Array(1);
    const right = new Int32Array(a.right.length);
    const left = new Int32Array(a.left.length);
    for (let i0 = 0; i0 < right.length; i0 += CHUNK) gridChunk(a.right, b.right, b.groups, cells, right, true, next, i0, Math.min(right.length, i0 + CHUNK));
    const rightGroups = next[0];
    for (let i0 = 0; i0 < left.length; i0 += CHUNK) gridChunk(a.left, b.left, b.groups, cells, left, indexLeft, next, i0, Math.min(left.length, i0 + CHUNK));
    return { left, right, groups: next[0], rightGroups };
  }
  const cr = composite(a.right, b.right, b.groups);
  const cl = composite(a.left, b.left, b.groups);
  const table = new NumberTable(indexLeft ? [cr, cl] : [cr], cr.length);
  const right = new Int32Array(cr.length);
  table.mapAll(cr, right, true);
  const rightGroups = table.size;
  const left = new Int32Array(cl.length);
  table.mapAll(cl, left, indexLeft);
  for (let i0 = 0; i0 < cl.length; i0 += CHUNK) absentChunk(a.left, b.left, left, i0, Math.min(cl.length, i0 + CHUNK));
  return { left, right, groups: table.size, rightGroups };
}

/** One id per row on each side for the key columns (same names and order on both sides). */
export function encodeKeys(left: readonly NamedColumn[], right: readonly NamedColumn[], indexLeft: boolean): EncodedKeys {
  if (left.length === 0) throw new AppError('INVALID_ARGUMENT', 'no key variables given');
  if (left.length !== right.length) throw new AppError('INVALID_ARGUMENT', `${left.length} key variables in the master data but ${right.length} in the using data`);
  let acc = encodeColumn(left[0].name, left[0].column, right[0].column, indexLeft);
  for (let j = 1; j < left.length; j++) acc = combine(acc, encodeColumn(left[j].name, left[j].column, right[j].column, indexLeft), indexLeft);
  return acc;
}

/** The key values of one row as text, e.g. `province = 北京, year = 2010`. */
export function keyText(keys: readonly NamedColumn[], row: number): string {
  return keys
    .map(({ name, column }) => {
      if (column.kind === 'categorical') {
        const c = column.codes[row];
        return `${name} = ${c < 0 ? '(missing)' : column.levels[c]}`;
      }
      const v = column.values[row];
      return `${name} = ${Number.isFinite(v) ? String(v) : '(missing)'}`;
    })
    .join(', ');
}
