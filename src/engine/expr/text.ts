// Text (categorical) operations: comparisons, missing(), and cond() with text results.
// As in Stata, missing text is the empty string "": `province == ""` is true where province is
// missing, and `province != "广东"` is true there too. Ordering (<, >) compares strings in UTF-16
// code-unit order (Stata compares bytes; the two agree except for characters beyond the BMP).
// Work is per level, not per row: each side becomes integer ranks in the sorted union of levels,
// so a row costs two array reads and an integer comparison.
import { AppError } from '../../shared/errors.js';
import type { Val } from './values.js';

/** Rank of every code (index code + 1; index 0 = missing) in the sorted union of all strings. */
function ranks(sides: Val[]): { rankOf: (v: Val) => Int32Array | number } {
  const all = new Set<string>(['']);
  for (const v of sides) {
    if (v.t === 'tc') all.add(v.s);
    else if (v.t === 'tv') for (const l of v.levels) all.add(l);
  }
  const sorted = [...all].sort();
  const rank = new Map<string, number>();
  sorted.forEach((s, k) => rank.set(s, k));
  return {
    rankOf: (v) => {
      if (v.t === 'tc') return rank.get(v.s) as number;
      if (v.t !== 'tv') throw new AppError('INTERNAL', 'number where text was checked');
      const r = new Int32Array(v.levels.length + 1);
      r[0] = rank.get('') as number;
      v.levels.forEach((l, k) => (r[k + 1] = rank.get(l) as number));
      return r;
    },
  };
}

function test(op: string, c: number): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** l op r for text operands: a 1/0 column (or a scalar when both are constants). */
export function compareText(op: string, l: Val, r: Val, n: number): Val {
  const { rankOf } = ranks([l, r]);
  const rl = rankOf(l);
  const rr = rankOf(r);
  if (typeof rl === 'number' && typeof rr === 'number') return { t: 'nc', v: test(op, rl - rr) ? 1 : 0 };
  const out = new Float64Array(n);
  const codesL = l.t === 'tv' ? l.codes : null;
  const codesR = r.t === 'tv' ? r.codes : null;
  // one side a constant: decide per level once, then map codes
  if (typeof rr === 'number' && codesL && typeof rl !== 'number') {
    const table = Float64Array.from(rl, (x) => (test(op, x - rr) ? 1 : 0));
    for (let i = 0; i < n; i++) out[i] = table[codesL[i] + 1];
  } else if (typeof rl === 'number' && codesR && typeof rr !== 'number') {
    const table = Float64Array.from(rr, (x) => (test(op, rl - x) ? 1 : 0));
    for (let i = 0; i < n; i++) out[i] = table[codesR[i] + 1];
  } else if (codesL && codesR && typeof rl !== 'number' && typeof rr !== 'number') {
    for (let i = 0; i < n; i++) out[i] = test(op, rl[codesL[i] + 1] - rr[codesR[i] + 1]) ? 1 : 0;
  }
  return { t: 'nv', v: out, owned: true };
}

/** 1 where the text is missing (code −1 or the level ""), else 0. */
export function textMissing(v: Val, n: number): Val {
  if (v.t === 'tc') return { t: 'nc', v: v.s === '' ? 1 : 0 };
  if (v.t !== 'tv') throw new AppError('INTERNAL', 'number where text was checked');
  const table = new Float64Array(v.levels.length + 1);
  table[0] = 1;
  v.levels.forEach((l, k) => (table[k + 1] = l === '' ? 1 : 0));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = table[v.codes[i] + 1];
  return { t: 'nv', v: out, owned: true };
}

/**
 * Text result chosen per row: pick[i] is the index of the branch for row i. Levels are the union
 * of the branches' levels in order of appearance; "" maps to missing (−1).
 */
export function pickText(branches: Val[], pick: Uint8Array, n: number): Val {
  const levels: string[] = [];
  const index = new Map<string, number>();
  const codeOf = (s: string): number => {
    if (s === '') return -1;
    let k = index.get(s);
    if (k === undefined) {
      k = levels.length;
      levels.push(s);
      index.set(s, k);
    }
    return k;
  };
  const maps = branches.map((b) => {
    if (b.t === 'tc') return Int32Array.of(codeOf(b.s));
    if (b.t !== 'tv') throw new AppError('INTERNAL', 'number where text was checked');
    return Int32Array.from([-1, ...b.levels.map(codeOf)]);
  });
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = pick[i];
    const b = branches[j];
    codes[i] = b.t === 'tc' ? maps[j][0] : maps[j][(b as { codes: Int32Array }).codes[i] + 1];
  }
  return compact(codes, levels);
}

/** Drops levels no row uses (branches not taken), keeping the order of the others. */
function compact(codes: Int32Array, levels: string[]): Val {
  const used = new Uint8Array(levels.length);
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) used[codes[i]] = 1;
  if (used.every((u) => u === 1)) return { t: 'tv', codes, levels, owned: true };
  const remap = new Int32Array(levels.length).fill(-1);
  const kept: string[] = [];
  levels.forEach((l, k) => {
    if (used[k]) {
      remap[k] = kept.length;
      kept.push(l);
    }
  });
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) codes[i] = remap[codes[i]];
  return { t: 'tv', codes, levels: kept, owned: true };
}
