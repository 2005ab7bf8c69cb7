// Building result columns from row mappings: out[i] = source[rows[i]], missing where rows[i] < 0,
// or from two sources (the left row when there is one, else the right row). Categorical sources
// with their own level tables are re-coded into one union table (left levels first, then the
// right's new ones, compared by text). Loops run per CHUNK in small functions (see data.ts).
import type { Column } from '../data.js';
import type { Dataset, NamedColumn } from './types.js';

const CHUNK = 4096;

function gatherNumChunk(src: Float64Array, rows: Int32Array, out: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const r = rows[i];
    out[i] = r >= 0 ? src[r] : Number.NaN;
  }
}

function gatherCodeChunk(src: Int32Array, remap: Int32Array | null, rows: Int32Array, out: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const r = rows[i];
    const c = r >= 0 ? src[r] : -1;
    out[i] = c >= 0 && remap !== null ? remap[c] : c;
  }
}

function coalesceNumChunk(a: Float64Array, ra: Int32Array, b: Float64Array, rb: Int32Array, out: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const l = ra[i];
    const r = rb[i];
    out[i] = l >= 0 ? a[l] : r >= 0 ? b[r] : Number.NaN;
  }
}

function coalesceCodeChunk(a: Int32Array, ra: Int32Array, b: Int32Array, remap: Int32Array, rb: Int32Array, out: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const l = ra[i];
    const r = rb[i];
    if (l >= 0) out[i] = a[l];
    else if (r >= 0) {
      const c = b[r];
      out[i] = c >= 0 ? remap[c] : -1;
    } else out[i] = -1;
  }
}

/** The union of two level tables (a's order, then b's new levels) and b's codes in it. */
export function unionLevels(a: readonly string[], b: readonly string[]): { levels: string[]; remapB: Int32Array } {
  const levels = [...a];
  const index = new Map<string, number>(a.map((t, i) => [t, i]));
  const remapB = Int32Array.from(b, (t) => {
    let id = index.get(t);
    if (id === undefined) {
      id = levels.length;
      index.set(t, id);
      levels.push(t);
    }
    return id;
  });
  return { levels, remapB };
}

/**
 * Rows of one column; rows[i] = −1 gives a missing value. The first `prefix` rows are known to be
 * rows[i] = i, and are copied as one block.
 */
export function gatherColumn(c: Column, rows: Int32Array, prefix = 0): Column {
  const n = rows.length;
  if (c.kind === 'numeric') {
    const out = new Float64Array(n);
    out.set(c.values.subarray(0, prefix));
    for (let i0 = prefix; i0 < n; i0 += CHUNK) gatherNumChunk(c.values, rows, out, i0, Math.min(n, i0 + CHUNK));
    return { kind: 'numeric', values: out };
  }
  const out = new Int32Array(n);
  out.set(c.codes.subarray(0, prefix));
  for (let i0 = prefix; i0 < n; i0 += CHUNK) gatherCodeChunk(c.codes, null, rows, out, i0, Math.min(n, i0 + CHUNK));
  return { kind: 'categorical', codes: out, levels: [...c.levels] };
}

/**
 * Per row: a's value at ra[i] when ra[i] ≥ 0, else b's at rb[i], else missing. Same kinds. The
 * first `prefix` rows are known to be ra[i] = i (copied as one block).
 */
export function coalesceColumns(a: Column, ra: Int32Array, b: Column, rb: Int32Array, prefix = 0): Column {
  const n = ra.length;
  if (a.kind === 'numeric' && b.kind === 'numeric') {
    const out = new Float64Array(n);
    out.set(a.values.subarray(0, prefix));
    for (let i0 = prefix; i0 < n; i0 += CHUNK) coalesceNumChunk(a.values, ra, b.values, rb, out, i0, Math.min(n, i0 + CHUNK));
    return { kind: 'numeric', values: out };
  }
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    const { levels, remapB } = unionLevels(a.levels, b.levels);
    const out = new Int32Array(n);
    out.set(a.codes.subarray(0, prefix));
    for (let i0 = prefix; i0 < n; i0 += CHUNK) coalesceCodeChunk(a.codes, ra, b.codes, remapB, rb, out, i0, Math.min(n, i0 + CHUNK));
    return { kind: 'categorical', codes: out, levels };
  }
  throw new Error('coalesceColumns: numeric and categorical columns cannot be combined');
}

/** The dataset's rows in the given order (e.g. a sortOrder permutation or a subset). */
export function takeRows(d: Dataset, rows: Int32Array): Dataset {
  return { nrows: rows.length, columns: d.columns.map(({ name, column }): NamedColumn => ({ name, column: gatherColumn(column, rows) })) };
}
