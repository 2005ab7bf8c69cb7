// Stable sort permutations (Stata `sort` / `gsort`): rows ordered by the first key, ties by the
// next, remaining ties in data order. Missing values sort last, in ascending and descending order
// alike (Stata treats missing as larger than any number; gsort without `mfirst` keeps it last).
// Categorical keys order by level text, compared by Unicode code point — the byte order of
// UTF-8, which is how Stata sorts strings.
//
// Method: each key becomes a dense rank per row (its distinct values factorised, then only those
// sorted), and the permutation comes from one stable counting sort per key, last key first (LSD
// radix sort on ranks): O(rows + distinct values) per key, no comparison sort over the rows.
import { AppError } from '../../shared/errors.js';
import { factorize, type Column } from '../data.js';
import type { NamedColumn } from './types.js';
import { lowerBound } from '../transform/percentile.js';

const CHUNK = 4096;

/** Code-point order (= UTF-8 byte order), not UTF-16 code units or locale collation. */
export function compareText(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}

/** Per row: 0..G−1 in sort order of the values, missing = G (last); returns ranks and G + 1. */
function ranks(c: Column, descending: boolean): { rank: Int32Array; buckets: number } {
  if (c.kind === 'categorical') {
    const order = c.levels.map((_, i) => i).sort((a, b) => compareText(c.levels[a], c.levels[b]) || a - b);
    const levelRank = new Int32Array(c.levels.length);
    // equal texts (should not happen in a level table) share a rank
    order.forEach((lv, r) => (levelRank[lv] = r > 0 && c.levels[order[r - 1]] === c.levels[lv] ? levelRank[order[r - 1]] : r));
    const L = c.levels.length;
    if (descending) for (let i = 0; i < L; i++) levelRank[i] = L - 1 - levelRank[i];
    const rank = new Int32Array(c.codes.length);
    for (let i0 = 0; i0 < rank.length; i0 += CHUNK) codeRankChunk(c.codes, levelRank, L, rank, i0, Math.min(rank.length, i0 + CHUNK));
    return { rank, buckets: L + 1 };
  }
  const n = c.values.length;
  const all = new Uint8Array(n).fill(1);
  const { ids, groups } = factorize(c, all, n);
  // one value per group; NaN and ±∞ are missing: the group(s) holding them go last
  const rep = new Float64Array(groups);
  for (let i0 = 0; i0 < n; i0 += CHUNK) repChunk(c.values, ids, rep, i0, Math.min(n, i0 + CHUNK));
  const finite: number[] = [];
  for (let g = 0; g < groups; g++) if (rep[g] - rep[g] === 0) finite.push(rep[g]);
  const sorted = Float64Array.from(finite).sort();
  const G = sorted.length;
  const groupRank = new Int32Array(groups);
  for (let g = 0; g < groups; g++) {
    if (!(rep[g] - rep[g] === 0)) {
      groupRank[g] = G;
      continue;
    }
    const r = lowerBound(sorted, sorted.length, rep[g]);
    groupRank[g] = descending ? G - 1 - r : r;
  }
  const rank = new Int32Array(n);
  for (let i0 = 0; i0 < n; i0 += CHUNK) rankChunk(ids, groupRank, rank, i0, Math.min(n, i0 + CHUNK));
  return { rank, buckets: G + 1 };
}

function codeRankChunk(codes: Int32Array, levelRank: Int32Array, missing: number, rank: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) rank[i] = codes[i] >= 0 ? levelRank[codes[i]] : missing;
}

function repChunk(v: Float64Array, ids: Int32Array, rep: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) rep[ids[i]] = v[i] + 0;
}

function countRankChunk(rank: Int32Array, start: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) start[rank[i] + 1]++;
}

function rankChunk(ids: Int32Array, groupRank: Int32Array, rank: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) rank[i] = groupRank[ids[i]];
}


/** Stable counting sort of perm by rank[perm[i]]. */
function countingPass(perm: Int32Array, rank: Int32Array, buckets: number): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (let i0 = 0; i0 < rank.length; i0 += CHUNK) countRankChunk(rank, start, i0, Math.min(rank.length, i0 + CHUNK));
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  const out = new Int32Array(perm.length);
  for (let i0 = 0; i0 < perm.length; i0 += CHUNK) scatterChunk(perm, rank, start, out, i0, Math.min(perm.length, i0 + CHUNK));
  return out;
}

function scatterChunk(perm: Int32Array, rank: Int32Array, start: Int32Array, out: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const row = perm[i];
    out[start[rank[row]]++] = row;
  }
}

function iotaChunk(p: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) p[i] = i;
}

/**
 * The permutation that sorts the rows by the columns (row perm[0] first), stable, missing last.
 * `descending[j]` reverses column j's order (Stata gsort −var).
 */
export function sortOrder(columns: readonly NamedColumn[], descending: readonly boolean[] = []): Int32Array {
  if (columns.length === 0) throw new AppError('INVALID_ARGUMENT', 'no sort variables given');
  const n = columns[0].column.kind === 'numeric' ? columns[0].column.values.length : columns[0].column.codes.length;
  let perm: Int32Array = new Int32Array(n);
  for (let i0 = 0; i0 < n; i0 += CHUNK) iotaChunk(perm, i0, Math.min(n, i0 + CHUNK));
  for (let j = columns.length - 1; j >= 0; j--) {
    const { rank, buckets } = ranks(columns[j].column, descending[j] ?? false);
    if (rank.length !== n) throw new AppError('INVALID_ARGUMENT', `sort variable "${columns[j].name}" has ${rank.length} rows, "${columns[0].name}" has ${n}`);
    perm = countingPass(perm, rank, buckets);
  }
  return perm;
}
