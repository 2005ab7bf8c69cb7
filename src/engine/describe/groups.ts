// Row → group ids for `by` and listwise masks, shared by summarize and (later) tabstat-like tables.
// Groups are numbered in the order Stata's `by` shows them: ascending value for a numeric
// variable, ascending level code (the order of the level table) for a categorical one.
import { type Column, completeCases, factorize } from '../data.js';
import type { GroupKey, NamedColumn } from './types.js';

const CHUNK = 4096;

export interface RowGroups {
  /** Per row: group id in 0..groups−1, or −1 (row out of scope or by-value missing). */
  ids: Int32Array;
  groups: number;
  keys: GroupKey[];
  /** Rows in scope whose by-value is missing. */
  missing: number;
}

function fillChunk(m: Uint8Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) m[i] = 1;
}

function ones(n: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i0 = 0; i0 < n; i0 += CHUNK) fillChunk(m, i0, Math.min(n, i0 + CHUNK));
  return m;
}

/** Rows in scope: the caller's filter, or all rows. */
export function scopeMask(nrows: number, filter?: Uint8Array): Uint8Array {
  if (!filter) return ones(nrows);
  if (filter.length !== nrows) throw new RangeError(`row filter has ${filter.length} entries for ${nrows} rows`);
  return filter;
}

/** Rows in scope and complete in every column. */
export function listwiseMask(nrows: number, columns: readonly NamedColumn[], scope: Uint8Array): { mask: Uint8Array; count: number } {
  const { mask } = completeCases(nrows, columns as NamedColumn[]);
  let count = 0;
  for (let i0 = 0; i0 < nrows; i0 += CHUNK) count += andChunk(mask, scope, i0, Math.min(nrows, i0 + CHUNK));
  return { mask, count };
}

function andChunk(mask: Uint8Array, scope: Uint8Array, i0: number, i1: number): number {
  let c = 0;
  for (let i = i0; i < i1; i++) {
    const m = mask[i] & scope[i];
    mask[i] = m;
    c += m;
  }
  return c;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12)));
}

/** Group ids of the rows in scope by the values of `by`. */
export function rowGroups(by: Column, scope: Uint8Array): RowGroups {
  const nrows = scope.length;
  const present = new Uint8Array(nrows);
  let count = 0;
  let missing = 0;
  for (let i = 0; i < nrows; i++) {
    if (!scope[i]) continue;
    const ok = by.kind === 'numeric' ? by.values[i] - by.values[i] === 0 : by.codes[i] >= 0;
    if (ok) {
      present[i] = 1;
      count++;
    } else missing++;
  }
  const { ids: dense, groups } = factorize(by, present, count);
  // One representative value per first-appearance id, then renumber in sorted order.
  const rep = new Float64Array(groups);
  const v = by.kind === 'numeric' ? by.values : by.codes;
  for (let i = 0, j = 0; i < nrows; i++) if (present[i]) rep[dense[j++]] = v[i] + 0;
  const order = Array.from({ length: groups }, (_, g) => g).sort((a, b) => rep[a] - rep[b]);
  const rank = new Int32Array(groups);
  order.forEach((g, r) => (rank[g] = r));
  const ids = new Int32Array(nrows).fill(-1);
  for (let i = 0, j = 0; i < nrows; i++) if (present[i]) ids[i] = rank[dense[j++]];
  const keys: GroupKey[] = order.map((g) => {
    if (by.kind === 'categorical') {
      const text = by.levels[rep[g]];
      return { value: text, label: text };
    }
    return { value: rep[g], label: formatNumber(rep[g]) };
  });
  return { ids, groups, keys, missing };
}
