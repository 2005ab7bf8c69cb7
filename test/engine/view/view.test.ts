// The data view's engine side: filter rows follow Stata's `if` (missing counts as large, a missing
// condition keeps the row), column profiles equal naive computations, histogram counts add up.
import { describe, expect, it } from 'vitest';
import type { Column } from '../../../src/engine/data.js';
import { conditionInputs, filterRows } from '../../../src/engine/view/filter.js';
import { histogramBins, niceStep, profileColumn } from '../../../src/engine/view/profile.js';

const num = (xs: number[]): Column => ({ kind: 'numeric', values: Float64Array.from(xs) });

function env(cols: Record<string, Column>, nrows: number) {
  return { nrows, names: Object.keys(cols), column: (n: string) => cols[n] };
}

/** Stata's percentile rule for the median: the mean of the two middle values when n is even. */
function naiveMedian(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length / 2;
  return Number.isInteger(h) ? (s[h - 1] + s[h]) / 2 : s[Math.floor(h)];
}

describe('data view filter', () => {
  const x1 = [0.2, 0.7, Number.NaN, 0.9, 0.5, 0.51];
  const year = [2004, 2005, 2006, 2007, 2008, 2003];
  const cols = { x1: num(x1), year: num(year) };

  it('keeps the rows where the condition holds, missing counted as larger than any number', () => {
    const { rows, warnings } = filterRows('x1 > 0.5 & year >= 2005', env(cols, 6));
    // row 2 has x1 missing: true under Stata's rule; row 5 fails on year
    expect(Array.from(rows)).toEqual([1, 2, 3]);
    expect(warnings.join(' ')).toMatch(/missing/);
  });

  it('leaves missing out when asked to', () => {
    expect(Array.from(filterRows('x1 > 0.5 & !missing(x1)', env(cols, 6)).rows)).toEqual([1, 3, 5]);
  });

  it('names the problem of a bad condition', () => {
    expect(() => conditionInputs('x1 > ')).toThrow(/column/);
    expect(() => conditionInputs('   ')).toThrow(/empty/);
    expect(() => filterRows('x2 > 1', env(cols, 6))).toThrow(/x2/);
    expect(() => filterRows('"a" + "b"', env(cols, 6))).toThrow(/text/);
  });

  it('lists the variables a condition reads', () => {
    expect(conditionInputs('x1 > 0.5 & year >= 2005').sort()).toEqual(['x1', 'year']);
  });
});

describe('column profile', () => {
  it('numeric: N, missing, mean, sd, min, median, max as computed naively', () => {
    const xs = [3.5, -1.25, Number.NaN, 8, 2, 2, 10.75, Number.NaN, 0.5];
    const p = profileColumn('x', num(xs));
    const ok = xs.filter((x) => !Number.isNaN(x));
    const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
    const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (ok.length - 1));
    expect(p).toMatchObject({ variable: 'x', type: 'numeric', rows: 9, n: 7, missing: 2, min: -1.25, max: 10.75 });
    expect(p.mean).toBeCloseTo(mean, 12);
    expect(p.sd).toBeCloseTo(sd, 12);
    expect(p.p50).toBe(naiveMedian(ok));
    expect(p.histogram?.kind).toBe('bins');
    if (p.histogram?.kind === 'bins') expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('restricted to a scope', () => {
    const xs = [1, 2, 3, 4, 5, 6];
    const scope = Uint8Array.from([0, 1, 0, 1, 0, 1]);
    const p = profileColumn('x', num(xs), { scope, condition: 'even' });
    expect(p).toMatchObject({ rows: 3, n: 3, missing: 0, mean: 4, min: 2, max: 6, p50: 4, condition: 'even' });
  });

  it('text: level counts, largest first, the rest pooled', () => {
    const col: Column = { kind: 'categorical', codes: Int32Array.from([0, 1, 1, 2, 2, 2, -1, 3]), levels: ['北京', '上海', '广东', '浙江'] };
    const p = profileColumn('prov', col, { levels: 2 });
    expect(p).toMatchObject({ type: 'categorical', rows: 8, n: 7, missing: 1, distinct: 4, mean: null });
    expect(p.histogram).toEqual({ kind: 'levels', levels: [{ label: '广东', count: 3 }, { label: '上海', count: 2 }], other: 2 });
  });

  it('no values: no histogram, null statistics', () => {
    const p = profileColumn('x', num([Number.NaN, Number.NaN]));
    expect(p).toMatchObject({ n: 0, missing: 2, mean: null, min: null, histogram: null });
  });
});

describe('histogram bins', () => {
  it('one bin per integer when the values are few integers (years)', () => {
    const xs = Float64Array.from([2000, 2001, 2001, 2003, 2003, 2003]);
    const h = histogramBins(xs, null, 2000, 2003, 6, 24);
    expect(h.edges).toEqual([1999.5, 2000.5, 2001.5, 2002.5, 2003.5]);
    expect(h.counts).toEqual([1, 2, 0, 3]);
  });

  it('nice equal-width bins that cover min and max and count every value once', () => {
    const xs = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3.3 + 0.01 * i);
    let min = Infinity;
    let max = -Infinity;
    for (const x of xs) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const h = histogramBins(xs, null, min, max, xs.length, 24);
    expect(h.edges[0]).toBeLessThanOrEqual(min);
    expect(h.edges[h.edges.length - 1]).toBeGreaterThanOrEqual(max);
    expect(h.counts.length).toBeLessThanOrEqual(24);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    // each value lies in its bin: recount naively
    const naive = h.counts.map((_, b) => Array.from(xs).filter((x) => x >= h.edges[b] && (b === h.counts.length - 1 ? x <= h.edges[b + 1] : x < h.edges[b + 1])).length);
    expect(h.counts).toEqual(naive);
  });

  it('a constant column is one bin', () => {
    expect(histogramBins(Float64Array.from([2.5, 2.5]), null, 2.5, 2.5, 2, 24)).toEqual({ kind: 'bins', edges: [2, 3], counts: [2] });
  });

  it('nice steps', () => {
    expect([0.7, 1, 1.1, 2.2, 3, 7, 0.013].map(niceStep)).toEqual([1, 1, 2, 2.5, 5, 10, 0.02]);
  });
});
