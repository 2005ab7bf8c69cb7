// Correlation matrices and VIFs against naive references: pairwise vs listwise samples, Spearman
// ranks with ties, stars at custom levels, undefined cells as null with a reason, VIF = the
// textbook 1/(1 − R²) from explicit auxiliary regressions.
import { describe, expect, it } from 'vitest';
import { correlate, correlationPValue, starsFor } from '../../../src/engine/describe/correlate.js';
import { averageRanks } from '../../../src/engine/describe/ranks.js';
import type { NamedColumn } from '../../../src/engine/describe/types.js';
import { vif } from '../../../src/engine/describe/vif.js';
import { lcg, naiveOls } from '../../helpers.js';

const num = (name: string, values: number[] | Float64Array): NamedColumn => ({ name, column: { kind: 'numeric', values: Float64Array.from(values) } });

function naivePearson(x: number[], y: number[]): { r: number; n: number } {
  const keep = x.map((_, i) => Number.isFinite(x[i]) && Number.isFinite(y[i]));
  const a = x.filter((_, i) => keep[i]);
  const b = y.filter((_, i) => keep[i]);
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return { r: sab / Math.sqrt(saa * sbb), n };
}

describe('correlate', () => {
  const u = lcg(17);
  const n = 500;
  const x = Array.from({ length: n }, () => u());
  const y = x.map((v, i) => (i % 13 === 0 ? Number.NaN : v + u()));
  const z = x.map((v, i) => (i % 7 === 0 ? Number.NaN : Math.round(5 * (u() - v))));

  it('pairwise: each pair on its own complete rows; listwise: one sample', () => {
    const pw = correlate([num('x', x), num('y', y), num('z', z)]);
    const ref = naivePearson(y, z);
    expect(pw.matrix[1][2].n).toBe(ref.n);
    expect(pw.matrix[1][2].r).toBeCloseTo(ref.r, 13);
    expect(pw.matrix[0][1].n).toBe(n - Math.ceil(n / 13));
    const lw = correlate([num('x', x), num('y', y), num('z', z)], { sample: 'listwise' });
    const both = x.map((_, i) => Number.isFinite(y[i]) && Number.isFinite(z[i]));
    expect(lw.n_listwise).toBe(both.filter(Boolean).length);
    const refLw = naivePearson(x.filter((_, i) => both[i]), y.filter((_, i) => both[i]));
    expect(lw.matrix[0][1].r).toBeCloseTo(refLw.r, 13);
    expect(lw.matrix[0][1].n).toBe(lw.n_listwise);
  });

  it('p-values from t on n − 2 df; stars at the given levels', () => {
    // r = 0.5, n = 27: t = 0.5·√(25/0.75) = 2.8868 on 25 df, two-sided p = 0.00790
    expect(correlationPValue(0.5, 27)).toBeCloseTo(0.0079, 4);
    expect(correlationPValue(1, 10)).toBe(0);
    expect(correlationPValue(0.3, 2)).toBeNull();
    expect(starsFor(0.007, [0.1, 0.05, 0.01])).toBe(3);
    expect(starsFor(0.03, [0.1, 0.05, 0.01])).toBe(2);
    expect(starsFor(0.05, [0.1, 0.05, 0.01])).toBe(1);
    expect(starsFor(0.2, [0.1, 0.05, 0.01])).toBe(0);
    const r = correlate([num('x', x), num('y', y)], { starLevels: [0.05] });
    expect(r.star_levels).toEqual([0.05]);
    expect(r.matrix[0][1].stars).toBe(1);
  });

  it('Spearman: Pearson of average ranks, ties shared', () => {
    const ranks = averageRanks(Float64Array.from([10, 20, 20, Number.NaN, 5, 20]), Uint8Array.from([1, 1, 1, 0, 1, 1]));
    expect(Array.from(ranks)).toEqual([2, 4, 4, Number.NaN, 1, 4]);
    const a = [1, 2, 3, 4, 5, 6];
    const b = [1, 4, 9, 16, 25, 36];
    expect(correlate([num('a', a), num('b', b)], { method: 'spearman' }).matrix[0][1].r).toBe(1);
  });

  it('a constant variable or too few rows give null with a reason, never NaN', () => {
    const r = correlate([num('x', [1, 2, 3]), num('c', [4, 4, 4]), num('y', [1, Number.NaN, Number.NaN])]);
    expect(r.matrix[0][1]).toMatchObject({ r: null, p_value: null });
    expect(r.matrix[0][1].na).toMatch(/does not vary/);
    expect(r.matrix[0][2]).toMatchObject({ r: null, n: 1 });
    expect(r.matrix[1][1].r).toBeNull();
    expect(r.warnings.join(' ')).toMatch(/"c" does not vary/);
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });

  it('rejects a categorical variable by name', () => {
    expect(() => correlate([num('x', [1, 2]), { name: 'prov', column: { kind: 'categorical', codes: Int32Array.from([0, 1]), levels: ['a', 'b'] } }])).toThrow(/"prov" is categorical/);
  });
});

describe('vif', () => {
  const u = lcg(23);
  const n = 400;
  const a = Array.from({ length: n }, () => u());
  const b = a.map((v) => v + 0.3 * u());
  const c = a.map((v, i) => (i === 5 ? Number.NaN : u() - v));

  it('VIF_j = 1/(1 − R²_j) of x_j on the others and a constant', () => {
    const r = vif([num('a', a), num('b', b), num('c', c)], { order: 'input' });
    expect(r.nobs).toBe(n - 1);
    const rows = a.map((_, i) => i).filter((i) => i !== 5);
    const cols: Record<string, number[]> = { a: rows.map((i) => a[i]), b: rows.map((i) => b[i]), c: rows.map((i) => c[i]) };
    for (const [j, name] of ['a', 'b', 'c'].entries()) {
      const others = ['a', 'b', 'c'].filter((o) => o !== name);
      const y = cols[name];
      const X = rows.map((_, i) => [1, ...others.map((o) => cols[o][i])]);
      const { resid } = naiveOls(y, X);
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      const r2 = 1 - resid.reduce((s, e) => s + e * e, 0) / y.reduce((s, v) => s + (v - my) ** 2, 0);
      expect(r.rows[j].variable).toBe(name);
      expect(r.rows[j].vif).toBeCloseTo(1 / (1 - r2), 9);
      expect(r.rows[j].tolerance).toBeCloseTo(1 - r2, 12);
    }
    expect(r.mean_vif).toBeCloseTo(r.rows.reduce((s, x) => s + (x.vif as number), 0) / 3, 12);
  });

  it('one regressor has VIF 1; a constant or collinear regressor is omitted as regress would', () => {
    expect(vif([num('a', a)]).rows[0].vif).toBeCloseTo(1, 14);
    const r = vif([num('a', a), num('k', a.map(() => 3)), num('b', b), num('d', a.map((v, i) => 2 * v - b[i]))]);
    expect(r.omitted.map((o) => o.variable)).toEqual(['k', 'd']);
    expect(r.rows.map((x) => x.variable).sort()).toEqual(['a', 'b']);
  });
});
