// Group ids for by() options and a counting-sort layout of the rows by group.
// Shapes: ids_N (dense 0-based Int32Array, one per row), start_G+1 / rows_N (rows of group g are
// rows[start[g] .. start[g+1])), in the original row order within each group (stable).
// As Stata's `by`, a missing by-value is a value like any other: those rows form their own group.
import type { Column } from '../data.js';
import { factorize, factorizeKeys } from '../data.js';
import { type Var, valueText } from './types.js';

export interface Groups {
  ids: Int32Array;
  groups: number;
}

/** Dense group ids of the joint values of `by` (one group for all rows when `by` is empty). */
export function groupIds(by: readonly Column[], nrows: number): Groups {
  if (by.length === 0) return { ids: new Int32Array(nrows), groups: nrows > 0 ? 1 : 0 };
  const all = new Uint8Array(nrows).fill(1);
  let acc = factorize(by[0], all, nrows);
  for (let j = 1; j < by.length; j++) {
    const next = factorize(by[j], all, nrows);
    const joint = factorizeKeys(
      [
        { values: acc.ids, min: 0, span: acc.groups },
        { values: next.ids, min: 0, span: next.groups },
      ],
      all,
      nrows,
    );
    acc = joint ?? factorize({ kind: 'numeric', values: pairKeys(acc.ids, next.ids, next.groups) }, all, nrows);
  }
  return acc;
}

/** a·G_b + b as doubles: exact (G_a·G_b ≤ n² < 2^53), hashed by factorize when too wide for a table. */
function pairKeys(a: Int32Array, b: Int32Array, spanB: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * spanB + b[i];
  return out;
}

export interface GroupLayout {
  start: Int32Array;
  rows: Int32Array;
}

/** Rows ordered by group (counting sort, O(n + G)). */
export function groupLayout(g: Groups): GroupLayout {
  const start = new Int32Array(g.groups + 1);
  const ids = g.ids;
  for (let i = 0; i < ids.length; i++) start[ids[i] + 1]++;
  for (let k = 0; k < g.groups; k++) start[k + 1] += start[k];
  const fill = start.slice(0, g.groups);
  const rows = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) rows[fill[ids[i]]++] = i;
  return { start, rows };
}

/** `year=2001, industry="C13"`: the by-values of a row, for messages. */
export function groupLabel(by: readonly Var[], row: number): string {
  return by.map((v) => `${v.name}=${valueText(v.column, row)}`).join(', ');
}

/** First row of every group (for labelling groups in messages). */
export function firstRows(g: Groups): Int32Array {
  const first = new Int32Array(g.groups).fill(-1);
  for (let i = 0; i < g.ids.length; i++) if (first[g.ids[i]] < 0) first[g.ids[i]] = i;
  return first;
}
