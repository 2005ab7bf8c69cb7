// Stata `merge 1:1 | m:1 | 1:m keys using ...` as two steps: planMerge matches the key columns
// and returns row mappings plus Stata's match table; applyMerge builds the result columns.
//
// Semantics ([D] merge): every observation is kept by default and `_merge` says where it came from
// (1 master only, 2 using only, 3 matched); keep() selects among them and assert() checks them.
// The side that the kind marks "1" must be unique on the key, else the error Stata gives,
// "variables k1 k2 do not uniquely identify observations in the using data", with an example.
// Departures, stated in the plan: a key with a missing value never matches (Stata would match
// missing with missing), and by default the result keeps the master's row order with using-only
// rows at the end (order: 'key' sorts by the key, as Stata leaves it).
import { AppError } from '../../shared/errors.js';
import { commonRows } from '../describe/summarize.js';
import { coalesceColumns, gatherColumn } from './gather.js';
import { encodeKeys, keyText } from './keys.js';
import { sortOrder } from './sort.js';
import type { Dataset, MatchReport, MergeCode, MergeKind, MergeOutput, MergePlan, MergeResultName, NamedColumn } from './types.js';

const CODE: Record<MergeResultName, MergeCode> = { master: 1, using: 2, match: 3 };

export interface MergeOptions {
  /** Which results to keep (Stata keep()); default all. */
  keep?: MergeResultName[];
  /** Results that must be the only ones present (Stata assert()); an error otherwise. */
  assert?: MergeResultName[];
  /** 'data' (default): master order, matches in using order, using-only rows last; 'key': sorted by the key. */
  order?: 'data' | 'key';
}

const CHUNK = 4096;

function sizeChunk(ids: Int32Array, groupsR: number, countR: Int32Array, usedR: Uint8Array, acc: Float64Array, i0: number, i1: number): void {
  let missing = 0;
  let rows = 0;
  for (let i = i0; i < i1; i++) {
    const id = ids[i];
    if (id >= 0 && id < groupsR) {
      rows += countR[id];
      usedR[id] = 1;
    } else {
      rows++;
      if (id === -1) missing++;
    }
  }
  acc[0] += missing;
  acc[1] += rows;
}

function fillUniqueChunk(ids: Int32Array, groupsR: number, start: Int32Array, rowsR: Int32Array, left: Int32Array, right: Int32Array, merge: Uint8Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const id = ids[i];
    const matched = id >= 0 && id < groupsR;
    left[i] = i;
    right[i] = matched ? rowsR[start[id]] : -1;
    merge[i] = matched ? 3 : 1;
  }
}

function fillManyChunk(ids: Int32Array, groupsR: number, start: Int32Array, rowsR: Int32Array, left: Int32Array, right: Int32Array, merge: Uint8Array, i0: number, i1: number, k: number): number {
  for (let i = i0; i < i1; i++) {
    const id = ids[i];
    if (id >= 0 && id < groupsR) {
      for (let s = start[id]; s < start[id + 1]; s++) {
        left[k] = i;
        right[k] = rowsR[s];
        merge[k++] = 3;
      }
    } else {
      left[k] = i;
      right[k] = -1;
      merge[k++] = 1;
    }
  }
  return k;
}

function permute<T extends Int32Array | Uint8Array>(a: T, perm: Int32Array): T {
  const out = a.slice() as T;
  for (let t = 0; t < perm.length; t++) out[t] = a[perm[t]];
  return out;
}

function plural(keys: readonly NamedColumn[]): string {
  const names = keys.map((k) => k.name).join(' ');
  return keys.length === 1 ? `variable ${names} does not` : `variables ${names} do not`;
}

function countChunk(ids: Int32Array, counts: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) if (ids[i] >= 0) counts[ids[i]]++;
}

/** Per id: how many rows carry it (ids ≥ 0 only). */
function countIds(ids: Int32Array, groups: number): Int32Array {
  const counts = new Int32Array(groups);
  for (let i0 = 0; i0 < ids.length; i0 += CHUNK) countChunk(ids, counts, i0, Math.min(ids.length, i0 + CHUNK));
  return counts;
}

function checkUnique(ids: Int32Array, counts: Int32Array, keys: readonly NamedColumn[], side: 'master' | 'using'): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && counts[id] > 1) {
      throw new AppError('BAD_DATA', `${plural(keys)} uniquely identify observations in the ${side} data (e.g. ${keyText(keys, i)} occurs ${counts[id]} times)`);
    }
  }
}

function reportChunk(merge: Uint8Array, c: Float64Array, i0: number, i1: number): void {
  let m1 = 0;
  let m3 = 0;
  for (let i = i0; i < i1; i++) {
    const m = merge[i];
    m1 += +(m === 1);
    m3 += +(m === 3);
  }
  c[1] += m1;
  c[3] += m3;
}

function report(merge: Uint8Array): MatchReport {
  const c = new Float64Array(4);
  for (let i0 = 0; i0 < merge.length; i0 += CHUNK) reportChunk(merge, c, i0, Math.min(merge.length, i0 + CHUNK));
  return { matched: c[3], left_only: c[1], right_only: merge.length - c[1] - c[3] };
}

export function planMerge(leftKeys: readonly NamedColumn[], rightKeys: readonly NamedColumn[], kind: MergeKind, opts: MergeOptions = {}): MergePlan {
  if (!['1:1', 'm:1', '1:m'].includes(kind)) throw new AppError('INVALID_ARGUMENT', `merge kind "${kind}" is not 1:1, m:1 or 1:m`);
  if (leftKeys.length === 0) throw new AppError('INVALID_ARGUMENT', 'no key variables given');
  const nl = commonRows(leftKeys);
  const nr = commonRows(rightKeys);
  leftKeys.forEach((k, j) => {
    if (rightKeys[j] && rightKeys[j].name !== k.name) throw new AppError('INVALID_ARGUMENT', `key variable ${j + 1} is "${k.name}" in the master data but "${rightKeys[j].name}" in the using data`);
  });
  const leftUnique = kind === '1:1' || kind === '1:m';
  const rightUnique = kind === '1:1' || kind === 'm:1';
  // The master side needs ids of its own only to check its uniqueness.
  const enc = encodeKeys(leftKeys, rightKeys, leftUnique);
  const countR = countIds(enc.right, enc.rightGroups);
  if (rightUnique) checkUnique(enc.right, countR, rightKeys, 'using');
  if (leftUnique) checkUnique(enc.left, countIds(enc.left, enc.groups), leftKeys, 'master');

  // Using rows grouped by id (CSR, in using order).
  const start = new Int32Array(enc.rightGroups + 1);
  for (let g = 0; g < enc.rightGroups; g++) start[g + 1] = start[g] + countR[g];
  const rowsR = new Int32Array(start[enc.rightGroups]);
  const fill = start.slice(0, enc.rightGroups);
  for (let j = 0; j < nr; j++) if (enc.right[j] >= 0) rowsR[fill[enc.right[j]]++] = j;

  // Result size: each master row once, or once per using row of its key; then the using rows
  // no master row matched (and those with a missing key).
  const usedR = new Uint8Array(enc.rightGroups);
  const acc = new Float64Array(2); // [missing master keys, result rows from the master side]
  for (let i0 = 0; i0 < nl; i0 += CHUNK) sizeChunk(enc.left, enc.rightGroups, countR, usedR, acc, i0, Math.min(nl, i0 + CHUNK));
  let missingR = 0;
  let unmatchedR = 0;
  for (let j = 0; j < nr; j++) {
    const id = enc.right[j];
    if (id === -1) missingR++;
    if (id === -1 || !usedR[id]) unmatchedR++;
  }
  const total = acc[1] + unmatchedR;
  let left = new Int32Array(total);
  let right = new Int32Array(total);
  let merge = new Uint8Array(total);
  let k = 0;
  if (rightUnique) {
    // at most one using row per key: result row i is master row i
    for (let i0 = 0; i0 < nl; i0 += CHUNK) fillUniqueChunk(enc.left, enc.rightGroups, start, rowsR, left, right, merge, i0, Math.min(nl, i0 + CHUNK));
    k = nl;
  } else {
    for (let i0 = 0; i0 < nl; i0 += CHUNK) k = fillManyChunk(enc.left, enc.rightGroups, start, rowsR, left, right, merge, i0, Math.min(nl, i0 + CHUNK), k);
  }
  for (let j = 0; j < nr; j++) {
    if (enc.right[j] === -1 || !usedR[enc.right[j]]) {
      left[k] = -1;
      right[k] = j;
      merge[k++] = 2;
    }
  }
  const missingL = acc[0];
  const all = report(merge);
  if (opts.assert) {
    const allowed = new Set(opts.assert.map((r) => CODE[r]));
    const bad = ([1, 2, 3] as const).filter((c) => !allowed.has(c) && [0, all.left_only, all.right_only, all.matched][c] > 0);
    if (bad.length > 0) {
      const what = { 1: 'master-only', 2: 'using-only', 3: 'matched' } as const;
      throw new AppError('BAD_DATA', `merge: after merging there are ${bad.map((c) => `${[0, all.left_only, all.right_only, all.matched][c]} ${what[c]} observations`).join(' and ')}, but assert(${opts.assert.join(' ')}) allows none`);
    }
  }
  if (opts.keep) {
    const keepCode = new Uint8Array(4);
    for (const r of opts.keep) keepCode[CODE[r]] = 1;
    let n = 0;
    for (let t = 0; t < total; t++) n += keepCode[merge[t]];
    const l2 = new Int32Array(n);
    const r2 = new Int32Array(n);
    const m2 = new Uint8Array(n);
    for (let t = 0, u = 0; t < total; t++) {
      if (!keepCode[merge[t]]) continue;
      l2[u] = left[t];
      r2[u] = right[t];
      m2[u++] = merge[t];
    }
    [left, right, merge] = [l2, r2, m2];
  }
  if (opts.order === 'key') {
    const keyCols = leftKeys.map((kc, j) => ({ name: kc.name, column: coalesceColumns(kc.column, left, rightKeys[j].column, right) }));
    const perm = sortOrder(keyCols);
    [left, right, merge] = [permute(left, perm), permute(right, perm), permute(merge, perm)];
  }
  // Result row i is master row i for i < nl when nothing reordered or dropped rows (m:1, 1:1).
  const identity = rightUnique && !opts.keep && opts.order !== 'key' ? nl : 0;
  return {
    kind,
    keys: leftKeys.map((kc) => kc.name),
    identity_prefix: identity,
    nrows: left.length,
    left,
    right,
    merge,
    report: all,
    kept: report(merge),
    missing_keys: { left: missingL, right: missingR },
    order: opts.order ?? 'data',
  };
}

export interface ApplyMergeOptions {
  /** Using variables to bring in (Stata keepusing()); default all. Keys always come. */
  keepUsing?: string[];
  /** Name of the result indicator (Stata generate()); null = none (nogenerate). Default "_merge". */
  generate?: string | null;
}

/**
 * The result dataset of a plan: master variables in their order, then the using-only ones, then
 * `_merge`. Keys and common variables take the master value where there is a master row, the
 * using value on using-only rows; common variables are listed in `not_from_using`.
 */
export function applyMerge(plan: MergePlan, master: Dataset, using: Dataset, opts: ApplyMergeOptions = {}): MergeOutput {
  const gen = opts.generate === undefined ? '_merge' : opts.generate;
  const inMaster = new Map(master.columns.map((c) => [c.name, c.column]));
  const keep = opts.keepUsing ? new Set([...opts.keepUsing, ...plan.keys]) : null;
  const usingCols = using.columns.filter((c) => !keep || keep.has(c.name));
  for (const name of opts.keepUsing ?? []) if (!using.columns.some((c) => c.name === name)) throw new AppError('INVALID_ARGUMENT', `variable "${name}" is not in the using data`);
  if (gen !== null && (inMaster.has(gen) || usingCols.some((c) => c.name === gen))) throw new AppError('INVALID_ARGUMENT', `variable ${gen} already defined: rename or drop it, or choose another name for the merge indicator`);
  const keySet = new Set(plan.keys);
  const columns: NamedColumn[] = [];
  const notFromUsing: string[] = [];
  const usingByName = new Map(usingCols.map((c) => [c.name, c.column]));
  for (const { name, column } of master.columns) {
    const u = usingByName.get(name);
    if (!u) {
      columns.push({ name, column: gatherColumn(column, plan.left, plan.identity_prefix) });
      continue;
    }
    if (u.kind !== column.kind) {
      throw new AppError('BAD_DATA', `variable "${name}" is ${column.kind === 'numeric' ? 'numeric' : 'text (categorical)'} in the master data but ${u.kind === 'numeric' ? 'numeric' : 'text (categorical)'} in the using data`);
    }
    if (!keySet.has(name)) notFromUsing.push(name);
    columns.push({ name, column: coalesceColumns(column, plan.left, u, plan.right, plan.identity_prefix) });
  }
  for (const { name, column } of usingCols) if (!inMaster.has(name)) columns.push({ name, column: gatherColumn(column, plan.right) });
  if (gen !== null) columns.push({ name: gen, column: { kind: 'numeric', values: new Float64Array(plan.merge) } });
  return { nrows: plan.nrows, columns, not_from_using: notFromUsing };
}
