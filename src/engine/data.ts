// Columns in, design out. The engine never reads files: a ColumnSource hands it typed arrays.
import { AppError } from '../shared/errors.js';

export type Column =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'categorical'; codes: Int32Array; levels: string[] };

export interface ColumnSource {
  nrows: number;
  get(name: string): Column;
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

/** Rows where every listed column is present (finite numeric / non-negative code). */
export function completeCases(nrows: number, columns: { name: string; column: Column }[]): { mask: Uint8Array; count: number; missingBy: Record<string, number> } {
  const mask = new Uint8Array(nrows).fill(1);
  const missingBy: Record<string, number> = {};
  for (const { name, column } of columns) {
    let miss = 0;
    if (column.kind === 'numeric') {
      const v = column.values;
      for (let i = 0; i < nrows; i++) if (!Number.isFinite(v[i])) { miss++; mask[i] = 0; }
    } else {
      const c = column.codes;
      for (let i = 0; i < nrows; i++) if (c[i] < 0) { miss++; mask[i] = 0; }
    }
    missingBy[name] = miss;
  }
  let count = 0;
  for (let i = 0; i < nrows; i++) count += mask[i];
  return { mask, count, missingBy };
}

/** Copy the masked rows of a numeric column into a dense array of length `count`. */
export function compress(values: Float64Array, mask: Uint8Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[j++] = values[i];
  return out;
}

/**
 * Dense 0-based group ids of the masked rows (fixest: "FE ids are dense 0-based Int32Arrays").
 * Numeric variables are grouped by value, categorical ones by code.
 */
export function factorize(column: Column, mask: Uint8Array, count: number): { ids: Int32Array; groups: number } {
  const ids = new Int32Array(count);
  const map = new Map<number, number>();
  const src = column.kind === 'numeric' ? column.values : column.codes;
  let j = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const key = src[i];
    let id = map.get(key);
    if (id === undefined) {
      id = map.size;
      map.set(key, id);
    }
    ids[j++] = id;
  }
  return { ids, groups: map.size };
}
