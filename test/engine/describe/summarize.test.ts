// summarize: edge cases (no / one observation, constant, categorical, ±∞), samples (per variable,
// listwise, row filter), by-groups on the selection and bracket paths, and accuracy on a large
// offset, each against a naive reference.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/engine/describe/summarize.js';
import type { NamedColumn, SummaryRow } from '../../../src/engine/describe/types.js';
import { lcg } from '../../helpers.js';

const num = (name: string, values: number[] | Float64Array): NamedColumn => ({ name, column: { kind: 'numeric', values: Float64Array.from(values) } });
const cat = (name: string, codes: number[], levels: string[]): NamedColumn => ({ name, column: { kind: 'categorical', codes: Int32Array.from(codes), levels } });

/** Naive statistics of the finite values: sorted copy, textbook formulas, Stata percentiles. */
function naive(values: ArrayLike<number>) {
  const x = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const n = x.length;
  const mean = x.reduce((s, v) => s + v, 0) / n;
  const m = (r: number) => x.reduce((s, v) => s + (v - mean) ** r, 0) / n;
  const pct = (p: number) => {
    const P = (n * p) / 100;
    return Number.isInteger(P) ? (x[P - 1] + x[P]) / 2 : x[Math.floor(P)];
  };
  return { n, mean, sd: Math.sqrt((m(2) * n) / (n - 1)), min: x[0], max: x[n - 1], p25: pct(25), median: pct(50), p75: pct(75), skewness: m(3) / m(2) ** 1.5, kurtosis: m(4) / m(2) ** 2 };
}

function expectClose(row: SummaryRow, ref: ReturnType<typeof naive>, tol = 1e-12) {
  expect(row.n).toBe(ref.n);
  for (const k of ['mean', 'sd', 'min', 'max', 'p25', 'median', 'p75'] as const) {
    expect(Math.abs((row[k] as number) - ref[k]) / Math.max(1, Math.abs(ref[k])), k).toBeLessThan(tol);
  }
}

describe('summarize', () => {
  it('reproduces the naive statistics, treating NaN and ±∞ as missing', () => {
    const v = [3, 1, Number.NaN, 4, 1, 5, Infinity, 9, 2, 6, -Infinity, 5];
    const r = summarize([num('x', v)], { detail: true });
    const row = r.rows[0];
    const ref = naive(v);
    expectClose(row, ref);
    expect(row.skewness).toBeCloseTo(ref.skewness, 12);
    expect(row.kurtosis).toBeCloseTo(ref.kurtosis, 12);
    expect(row.percentiles?.map((p) => p.p)).toEqual([1, 5, 10, 25, 50, 75, 90, 95, 99]);
  });

  it('no observation, one observation and no variation give null with a reason, never NaN', () => {
    const r = summarize([num('empty', [Number.NaN, Number.NaN]), num('one', [Number.NaN, 7]), num('flat', [2, 2])], { detail: true });
    const [empty, one, flat] = r.rows;
    expect(empty.n).toBe(0);
    expect(empty.mean).toBeNull();
    expect(empty.na.mean).toBe('no observations');
    expect(one).toMatchObject({ n: 1, mean: 7, sd: null, min: 7, median: 7, max: 7 });
    expect(one.na.sd).toBe('one observation');
    expect(flat).toMatchObject({ n: 2, mean: 2, sd: 0, skewness: null, kurtosis: null });
    expect(flat.na.skewness).toBe('no variation');
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(r.warnings.join(' ')).toMatch(/"empty" has no non-missing/);
  });

  it('categorical variables are counted but get no numeric statistics', () => {
    const r = summarize([cat('province', [0, 1, -1, 1], ['北京', '上海'])]);
    expect(r.rows[0]).toMatchObject({ variable: 'province', n: 3, mean: null });
    expect(r.rows[0].na.mean).toMatch(/categorical/);
  });

  it('listwise uses the rows complete in every variable; per-variable does not', () => {
    const a = num('a', [1, 2, Number.NaN, 4, 5]);
    const b = num('b', [10, Number.NaN, 30, 40, 50]);
    const per = summarize([a, b]);
    expect(per.rows.map((x) => x.n)).toEqual([4, 4]);
    const lw = summarize([a, b], { sample: 'listwise' });
    expect(lw.n_listwise).toBe(3);
    expect(lw.rows.map((x) => x.mean)).toEqual([10 / 3, 100 / 3]);
  });

  it('a row filter (Stata if) restricts every statistic', () => {
    const r = summarize([num('x', [1, 2, 3, 100])], { filter: Uint8Array.from([1, 1, 1, 0]) });
    expect(r.n_input).toBe(3);
    expect(r.rows[0]).toMatchObject({ n: 3, mean: 2, max: 3 });
  });

  it('by a numeric group: groups in ascending order, missing group values left out, total last', () => {
    const x = num('x', [1, 2, 3, 4, 5, 6, 7]);
    const g = num('year', [2002, 2001, 2002, Number.NaN, 2001, 2002, 2001]);
    const r = summarize([x], { by: g });
    expect(r.by_missing).toBe(1);
    expect(r.rows.map((row) => row.group?.label ?? 'total')).toEqual(['2001', '2002', 'total']);
    expect(r.rows.map((row) => row.mean)).toEqual([14 / 3, 10 / 3, 4]);
    expect(r.rows[2].n).toBe(6);
  });

  it('by a categorical group: the level order, with Chinese labels', () => {
    const r = summarize([num('x', [1, 2, 3, 4])], { by: cat('region', [1, 0, 1, -1], ['东部', '西部']), total: false });
    expect(r.rows.map((row) => [row.group?.label, row.n, row.mean])).toEqual([
      ['东部', 1, 2],
      ['西部', 2, 2],
    ]);
  });

  it('large groups (bracket percentiles) agree with the naive statistics', () => {
    const u = lcg(5);
    const n = 300_000;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 50 === 0 ? Number.NaN : i % 3 === 0 ? Math.floor(u() * 10) : u() * 100));
    const g = Float64Array.from({ length: n }, (_, i) => i % 2);
    const r = summarize([num('x', x)], { by: num('g', g) });
    for (const k of [0, 1]) expectClose(r.rows[k], naive(x.filter((_, i) => g[i] === k)), 1e-11);
    expectClose(r.rows[2], naive(x), 1e-11);
  });

  it('keeps its digits on 1e9 + noise (a one-pass Σx² formula would lose all of them)', () => {
    const u = lcg(9);
    const n = 1_000_000;
    const noise = Float64Array.from({ length: n }, () => u() - 0.5);
    const x = noise.map((e) => 1e9 + e);
    // the exact differences x − 1e9 (Sterbenz) carry the same spread at a small scale
    const shifted = naive(x.map((v) => v - 1e9));
    const row = summarize([num('x', x)], { detail: true }).rows[0];
    expect(Math.abs((row.sd as number) - shifted.sd) / shifted.sd).toBeLessThan(1e-12);
    expect(Math.abs((row.mean as number) - 1e9 - shifted.mean)).toBeLessThan(2.5e-7); // ≤ 2 ulp of 1e9
    expect(Math.abs((row.kurtosis as number) - shifted.kurtosis) / shifted.kurtosis).toBeLessThan(1e-10);
  });

  it('errors name the problem', () => {
    expect(() => summarize([])).toThrow(/no variables/);
    expect(() => summarize([num('x', [1]), num('x', [2])])).toThrow(/"x" is selected twice/);
    expect(() => summarize([num('x', [1, 2]), num('y', [1])])).toThrow(/"y" has 1 rows/);
    expect(() => summarize([num('x', [1])], { percentiles: [100] })).toThrow(/percentile 100/);
  });
});

describe('summarize kernels', () => {
  it('the WebAssembly and the plain JS passes give the same statistics (brackets, detail, groups, filter)', () => {
    const u = lcg(31);
    const n = 250_001; // odd: the wasm pass handles the last value separately
    const cols = [
      num('cont', Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? Number.NaN : u() * 3 - 1))),
      num('dummy', Float64Array.from({ length: n }, () => (u() < 0.3 ? 1 : 0))),
      num('codes', Float64Array.from({ length: n }, () => Math.floor(u() * u() * 8))),
      num('offset', Float64Array.from({ length: n }, () => 1e9 + u())),
    ];
    const g = num('g', Float64Array.from({ length: n }, (_, i) => i % 3));
    const filter = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : 1));
    for (const opts of [{ detail: true }, { by: g, percentiles: [33] }, { filter, sample: 'listwise' as const }]) {
      const a = summarize(cols, { ...opts, kernel: 'auto' });
      const b = summarize(cols, { ...opts, kernel: 'js' });
      expect(a.rows.length).toBe(b.rows.length);
      a.rows.forEach((row, i) => {
        const ref = b.rows[i];
        expect(row.n).toBe(ref.n);
        // order statistics are exact either way; sums differ only in the order of additions
        for (const k of ['min', 'p25', 'median', 'p75', 'max'] as const) expect(row[k]).toBe(ref[k]);
        expect(row.percentiles).toEqual(ref.percentiles);
        for (const k of ['mean', 'sd', 'skewness', 'kurtosis'] as const) {
          if (ref[k] === undefined || ref[k] === null) continue;
          // third and fourth central sums of a 0/1 variable cancel to ~1e-12 relative
          const tol = k === 'mean' || k === 'sd' ? 1e-12 : 1e-10;
          expect(Math.abs((row[k] as number) - (ref[k] as number)), `${row.variable} ${k}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref[k] as number)));
        }
      });
    }
  });
});
