// Dummies, split dummies, egen group(), interactions, recode, standardise and log shift, by hand.
import { describe, expect, it } from 'vitest';
import type { Column } from '../../../src/engine/data.js';
import { dummies, groupOf, interact, logShift, recode, recodeLevels, safeName, splitDummy, standardize } from '../../../src/engine/transform/index.js';
import type { Var } from '../../../src/engine/transform/index.js';

const NaN_ = Number.NaN;
const num = (name: string, v: number[]): Var => ({ name, column: { kind: 'numeric', values: Float64Array.from(v) } });
const cat = (name: string, levels: string[], codes: number[]): Var => ({ name, column: { kind: 'categorical', codes: Int32Array.from(codes), levels } });
const vals = (c: Column): number[] => Array.from((c as { values: Float64Array }).values);

describe('dummies', () => {
  it('one per level that occurs, missing rows missing, safe names', () => {
    const r = dummies(cat('省份', ['广东', '江苏', 'Hong Kong', '浙江'], [0, 2, -1, 0, 1]), { existing: ['省份_江苏'] });
    expect(r.columns.map((c) => c.name)).toEqual(['省份_广东', '省份_江苏_2', '省份_Hong_Kong']);
    expect(r.columns.map((c) => c.label)).toEqual(['省份==广东', '省份==江苏', '省份==Hong Kong']);
    expect(vals(r.columns[0].column)).toEqual([1, 0, NaN_, 1, 0]);
    expect(vals(r.columns[2].column)).toEqual([0, 1, NaN_, 0, 0]);
  });
  it('numeric: levels ascending, names readable', () => {
    const r = dummies(num('g', [2.5, -1, 2.5, NaN_]));
    expect(r.columns.map((c) => c.name)).toEqual(['g_m1', 'g_2_5']);
    expect(vals(r.columns[1].column)).toEqual([1, 0, 1, NaN_]);
  });
  it('safeName', () => {
    const taken = new Set<string>();
    expect(safeName('1abc', taken)).toBe('_1abc');
    expect(safeName('a-b c', taken)).toBe('a_b_c');
    expect(safeName('a-b c', taken)).toBe('a_b_c_2');
  });
});

describe('splitDummy', () => {
  it('strict > the group median by default; ≥ with inclusive; missing stays missing', () => {
    const x = num('size', [1, 2, 3, 10, 20, 30, NaN_]);
    const year = num('year', [1, 1, 1, 2, 2, 2, 2]);
    // medians: year 1 → 2, year 2 → 20
    expect(Array.from(splitDummy(x, { by: [year] }).values)).toEqual([0, 0, 1, 0, 0, 1, NaN_]);
    expect(Array.from(splitDummy(x, { by: [year], inclusive: true }).values)).toEqual([0, 1, 1, 0, 1, 1, NaN_]);
    // mean overall = 11
    expect(Array.from(splitDummy(x, { stat: 'mean' }).values)).toEqual([0, 0, 0, 0, 1, 1, NaN_]);
  });
});

describe('groupOf (egen group)', () => {
  it('levels sorted by value, joined by #; any missing part → missing', () => {
    const r = groupOf([cat('ind', ['C2', 'C1'], [0, 1, 0, -1]), num('year', [2001, 2000, 2000, 2000])]);
    expect(r.column).toEqual({ kind: 'categorical', codes: Int32Array.from([2, 0, 1, -1]), levels: ['C1#2000', 'C2#2000', 'C2#2001'] });
  });
});

describe('interact', () => {
  it('numeric × numeric', () => {
    const r = interact(num('a', [1, 2, NaN_]), num('b', [3, 4, 5]));
    expect(r.columns.map((c) => c.name)).toEqual(['a_x_b']);
    expect(vals(r.columns[0].column)).toEqual([3, 8, NaN_]);
  });
  it('categorical × numeric: one column per level, 0 elsewhere, missing where either is missing', () => {
    const r = interact(num('x', [1, 2, 3, NaN_]), cat('own', ['SOE', 'private'], [0, 1, -1, 1]));
    expect(r.columns.map((c) => c.name)).toEqual(['x_x_own_SOE', 'x_x_own_private']);
    expect(vals(r.columns[0].column)).toEqual([1, 0, NaN_, NaN_]);
    expect(vals(r.columns[1].column)).toEqual([0, 2, NaN_, NaN_]);
  });
  it('categorical × categorical: a dummy per combination', () => {
    const r = interact(cat('a', ['p', 'q'], [0, 1, 0]), cat('b', ['u'], [0, 0, -1]));
    expect(r.columns.map((c) => c.label)).toEqual(['a#b==p#u', 'a#b==q#u']);
    expect(vals(r.columns[0].column)).toEqual([1, 0, NaN_]);
  });
});

describe('recode', () => {
  it('first matching rule wins; ranges inclusive; missing / else', () => {
    const x = num('x', [1, 3, 5, 7, NaN_, 100]);
    const r = recode(x, [
      { when: 'range', lo: -Infinity, hi: 3, to: 0 },
      { when: 'values', values: [3, 5], to: 1 },
      { when: 'missing', to: -9 },
      { when: 'range', lo: 6, hi: 10, to: null },
    ]);
    expect(Array.from(r.values)).toEqual([0, 0, 1, NaN_, -9, 100]);
    expect(r.describe).toBe('recode x (min/3 = 0) (3 5 = 1) (missing = -9) (6/10 = .) (5 values changed)');
    expect(Array.from(recode(x, [{ when: 'values', values: [1], to: 2 }, { when: 'else', to: 0 }]).values)).toEqual([2, 0, 0, 0, 0, 0]);
    expect(() => recode(x, [{ when: 'else', to: 0 }, { when: 'missing', to: 1 }])).toThrow(/else rule must be the last/);
  });
  it('recodeLevels: provinces to regions (text) and to numbers', () => {
    const p = cat('province', ['广东', '江苏', '四川', '河南'], [0, 1, 2, 3, -1]);
    const r = recodeLevels(p, [{ levels: ['广东', '江苏'], to: '东部' }, { levels: ['河南'], to: '中部' }], '西部');
    expect(r.column).toEqual({ kind: 'categorical', codes: Int32Array.from([0, 0, 1, 2, -1]), levels: ['东部', '西部', '中部'] });
    expect(r.warnings[0]).toMatch(/1 level not listed \(e.g. "四川"\) became "西部"/);
    const n = recodeLevels(p, [{ levels: ['广东', '江苏'], to: 1 }], 0);
    expect(vals(n.column)).toEqual([1, 1, 0, 0, NaN_]);
    expect(() => recodeLevels(p, [{ levels: ['上海'], to: 'x' }])).toThrow(/has no level "上海"/);
    expect(() => recodeLevels(p, [{ levels: ['广东'], to: 1 }])).toThrow(/needs a value \(or missing\) for the unlisted levels/);
  });
});

describe('standardize and logShift', () => {
  it('z-score by group with the n − 1 sd; a one-value group is missing', () => {
    const r = standardize(num('x', [1, 3, 10, 20, 5]), { by: [num('g', [1, 1, 2, 2, 3])] });
    const s = Math.SQRT2;
    expect(Array.from(r.values)).toEqual([-1 / s, 1 / s, -1 / s, 1 / s, NaN_]);
    expect(r.warnings[0]).toMatch(/1 row of x are in a group with no variation or a single value/);
  });
  it('ln(x + c), non-positive → missing and counted', () => {
    const r = logShift(num('sales', [0, 1, -2]), { shift: 1 });
    expect(Array.from(r.values)).toEqual([0, Math.log(2), NaN_]);
    expect(r.describe).toBe('ln(sales + 1)');
    expect(r.warnings[0]).toMatch(/1 row with a value ≤ 0/);
  });
});
