// Stata `duplicates report keys` and `duplicates tag keys, generate(dup)`: how many observations
// share each combination of key values. As in Stata, a missing value is a value here (two rows
// with the same missing key are duplicates), unlike merge, where a missing key never matches.
import { AppError } from '../../shared/errors.js';
import { factorize, type Column } from '../data.js';
import { commonRows } from '../describe/summarize.js';
import type { DuplicatesReport, DuplicatesRow, NamedColumn } from './types.js';

/** Dense group ids of the rows' key combinations (missing = a value of its own). */
export function keyGroups(keys: readonly NamedColumn[]): { ids: Int32Array; groups: number } {
  if (keys.length === 0) throw new AppError('INVALID_ARGUMENT', 'no key variables given');
  const n = commonRows(keys);
  const all = new Uint8Array(n).fill(1);
  let acc: { ids: Int32Array; groups: number } | null = null;
  for (const { column } of keys) {
    // NaN and ±∞ all count as "missing" (one value), like code −1
    const c: Column = column.kind === 'numeric' ? { kind: 'numeric', values: column.values.map((x) => (x - x === 0 ? x : Number.NaN)) } : column;
    const f = factorize(c, all, n);
    if (acc === null) {
      acc = f;
      continue;
    }
    const prev: { ids: Int32Array; groups: number } = acc;
    const comp = new Float64Array(n);
    for (let i = 0; i < n; i++) comp[i] = prev.ids[i] * f.groups + f.ids[i];
    acc = factorize({ kind: 'numeric', values: comp }, all, n);
  }
  return acc as { ids: Int32Array; groups: number };
}

export function duplicatesReport(keys: readonly NamedColumn[]): DuplicatesReport {
  const { ids, groups } = keyGroups(keys);
  const size = new Int32Array(groups);
  for (let i = 0; i < ids.length; i++) size[ids[i]]++;
  const byCopies = new Map<number, number>();
  for (let g = 0; g < groups; g++) byCopies.set(size[g], (byCopies.get(size[g]) ?? 0) + 1);
  const rows: DuplicatesRow[] = [...byCopies]
    .sort((a, b) => a[0] - b[0])
    .map(([copies, count]) => ({ copies, observations: copies * count, surplus: (copies - 1) * count }));
  return {
    kind: 'duplicates',
    keys: keys.map((k) => k.name),
    nrows: ids.length,
    rows,
    groups,
    unique: groups === ids.length,
    note: 'Stata duplicates report: observations grouped by how many copies of their key values exist; surplus = observations beyond the first of each group; a missing value counts as a value',
  };
}

/** Per row: the number of other rows with the same key values (Stata `duplicates tag`). */
export function duplicatesTag(keys: readonly NamedColumn[]): Float64Array {
  const { ids, groups } = keyGroups(keys);
  const size = new Int32Array(groups);
  for (let i = 0; i < ids.length; i++) size[ids[i]]++;
  const tag = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) tag[i] = size[ids[i]] - 1;
  return tag;
}
