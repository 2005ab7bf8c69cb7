// Stata's default percentile by hand and against a naive exact-arithmetic version; winsor2 and trim
// by hand (ties, groups, missing by-values, one-sided cuts, if-samples); egen statistics with a
// sample against naive loops.
import { describe, expect, it } from 'vitest';
import { egen, groupStatistic, groupIds, stataPercentile, trim, winsorize } from '../../../src/engine/transform/index.js';
import type { Var } from '../../../src/engine/transform/index.js';
import { lcg } from '../../helpers.js';

const NaN_ = Number.NaN;
const num = (name: string, v: ArrayLike<number>): Var => ({ name, column: { kind: 'numeric', values: Float64Array.from(v) } });
const seq = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('stataPercentile: P = n·p/100; integer → mean of x(P), x(P+1); else x(⌈P⌉)', () => {
  const x = Float64Array.from(seq(1, 10));
  const cases: [number, number][] = [
    [50, 5.5], // P = 5
    [25, 3], // P = 2.5 → x(3)
    [20, 2.5], // P = 2 → (x2 + x3)/2
    [1, 1], // P = 0.1 → x(1)
    [0, 1],
    [100, 10],
    [99, 10], // P = 9.9 → x(10)
    [90, 9.5],
  ];
  for (const [p, want] of cases) it(`p${p} of 1..10 = ${want}`, () => expect(stataPercentile(x, 10, p)).toBe(want));
  it('one value, no values', () => {
    expect(stataPercentile(Float64Array.of(7), 1, 50)).toBe(7);
    expect(stataPercentile(new Float64Array(0), 0, 50)).toBeNaN();
  });
  it('an integer P is recognised despite rounding (n = 3000, p = 2.3 → P = 69)', () => {
    const big = Float64Array.from(seq(1, 3000));
    expect((3000 * 2.3) / 100).not.toBe(69);
    expect(stataPercentile(big, 3000, 2.3)).toBe(69.5);
  });
  it('matches an exact-integer version on random data', () => {
    const u = lcg(11);
    for (let rep = 0; rep < 200; rep++) {
      const n = 1 + Math.floor(u() * 400);
      const v = Float64Array.from({ length: n }, () => Math.round(u() * 1000) / 10).sort();
      const p10 = Math.floor(u() * 1001); // p in tenths
      // P = n·p10/1000 exactly in integers
      const num10 = n * p10;
      const j = Math.floor(num10 / 1000);
      const want = num10 % 1000 === 0 ? (v[Math.max(0, Math.min(n - 1, j - 1))] + v[Math.min(n - 1, j)]) / 2 : v[Math.min(n - 1, j)];
      expect(stataPercentile(v, n, p10 / 10)).toBe(want);
    }
  });
});

describe('winsorize / trim (winsor2)', () => {
  const x = num('x', [...seq(1, 100), NaN_]);
  it('p1/p99 of 1..100 are 1.5 and 99.5: only the extremes move; missing stays missing', () => {
    const r = winsorize(x);
    expect(r.values[0]).toBe(1.5);
    expect(r.values[99]).toBe(99.5);
    expect(Array.from(r.values.slice(1, 99))).toEqual(seq(2, 99));
    expect(r.values[100]).toBeNaN();
    expect(r).toMatchObject({ raised: 1, lowered: 1, cuts: [{ group: 'all', n: 100, lower: 1.5, upper: 99.5 }] });
    expect(r.describe).toMatch(/x winsorised at p1\/p99 \(winsor2 convention/);
  });
  it('trim sets values beyond the cuts to missing; values equal to a cut stay', () => {
    const r = trim(num('x', [1, 2, 2, 2, 3, 4, 5, 6, 7, 50]), { lower: 10, upper: 90 });
    // n = 10: p10 → P = 1 → (1 + 2)/2 = 1.5; p90 → P = 9 → (7 + 50)/2 = 28.5
    expect(Array.from(r.values)).toEqual([NaN_, 2, 2, 2, 3, 4, 5, 6, 7, NaN_]);
    const t = trim(num('x', [1, 2, 2, 2, 3]), { lower: 40, upper: 100 });
    // p40 → P = 2 → (2 + 2)/2 = 2: the 2s are kept, only 1 goes
    expect(Array.from(t.values)).toEqual([NaN_, 2, 2, 2, 3]);
  });
  it('cuts(99 1) is cuts(1 99); cuts(0 ·) leaves the low end alone', () => {
    expect(Array.from(winsorize(x, { lower: 99, upper: 1 }).values)).toEqual(Array.from(winsorize(x).values));
    const r = winsorize(x, { lower: 0, upper: 95 });
    expect(r.values[0]).toBe(1);
    expect(r.values[99]).toBe(95.5);
  });
  it('by group: each group its own cuts; a missing by-value is a group of its own', () => {
    const vals = [...seq(1, 10), ...seq(101, 110), 1000, 2000];
    const g = num('g', [...Array(10).fill(1), ...Array(10).fill(2), NaN_, NaN_]);
    const r = winsorize(num('x', vals), { lower: 10, upper: 90, by: [g] });
    expect(Array.from(r.values)).toEqual([1.5, ...seq(2, 9), 9.5, 101.5, ...seq(102, 109), 109.5, 1000, 2000]);
    expect(r.cuts.map((c) => c.group)).toEqual(['g=1', 'g=2', 'g=.']);
  });
  it('an if-sample: cuts from the selected rows only; other rows come out missing', () => {
    const sample = Uint8Array.from([...Array(50).fill(1), ...Array(51).fill(0)]);
    const r = winsorize(x, { lower: 10, upper: 90, sample });
    // 1..50: p10 → P = 5 → 5.5; p90 → P = 45 → 45.5
    expect(r.values[0]).toBe(5.5);
    expect(r.values[49]).toBe(45.5);
    expect(r.values[60]).toBeNaN();
  });
  it('warns when groups are too small for the cuts to bite', () => {
    const r = winsorize(num('x', seq(1, 20)), { by: [num('g', seq(1, 20).map((i) => i % 2))] });
    expect(r.warnings[0]).toMatch(/2 groups .* too few values for p1\/p99/);
  });
});

describe('egen statistics with an if-sample, against naive loops', () => {
  const u = lcg(5);
  const n = 300;
  const x = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? NaN_ : Math.round(u() * 40)));
  const g = Float64Array.from({ length: n }, () => Math.floor(u() * 4));
  const sample = Uint8Array.from({ length: n }, () => (u() < 0.6 ? 1 : 0));
  const ids = groupIds([{ kind: 'numeric', values: g }], n);
  const groupVals = (k: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (g[i] === k && sample[i] && x[i] === x[i]) out.push(x[i]);
    return out.sort((a, b) => a - b);
  };
  it('mean, median, total; rows outside the sample are missing', () => {
    const mean = groupStatistic(x, ids, 'mean', { sample });
    const median = groupStatistic(x, ids, 'median', { sample });
    const total = groupStatistic(x, ids, 'total', { sample });
    for (let i = 0; i < n; i++) {
      if (!sample[i]) {
        expect(mean[i]).toBeNaN();
        continue;
      }
      const a = groupVals(g[i]);
      expect(mean[i]).toBeCloseTo(a.reduce((s, v) => s + v, 0) / a.length, 12);
      expect(median[i]).toBe(a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
      expect(total[i]).toBe(a.reduce((s, v) => s + v, 0));
    }
  });
  it('sd of a single value is missing (with a warning); total of nothing is 0', () => {
    const r = egen(num('x', [1, 2, 3, NaN_]), 'sd', { by: [num('g', [1, 1, 2, 3])] });
    expect(Array.from(r.values)).toEqual([Math.SQRT1_2, Math.SQRT1_2, NaN_, NaN_]);
    expect(r.warnings[0]).toMatch(/1 row in groups with fewer than 2 values/);
    expect(Array.from(egen(num('x', [NaN_, 1]), 'total', { by: [num('g', [1, 2])] }).values)).toEqual([0, 1]);
    expect(Array.from(egen(num('x', [NaN_, 1]), 'count', { by: [num('g', [1, 2])] }).values)).toEqual([0, 1]);
  });
});
