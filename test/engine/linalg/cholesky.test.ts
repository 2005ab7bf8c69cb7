// The normal-equations path against Householder QR: same numbers to ~1e-12 on well-conditioned
// designs, and a refusal (null → QR) wherever it could differ (collinear, ill-conditioned,
// non-finite cross-products).
import { describe, expect, it } from 'vitest';
import { MAX_CONDITION, choleskyLeastSquares } from '../../../src/engine/linalg/cholesky.js';
import { householderQr, invertUpper, solveLeastSquares, upperTimesTranspose } from '../../../src/engine/linalg/qr.js';
import { lcg } from '../../helpers.js';

function design(n: number, seed: number) {
  const u = lcg(seed);
  const ones = new Float64Array(n).fill(1);
  const x1 = Float64Array.from({ length: n }, () => 100 + 10 * u());
  const x2 = Float64Array.from({ length: n }, (_, i) => 0.3 * x1[i] + u());
  const x3 = Float64Array.from({ length: n }, () => (u() < 0.3 ? 1 : 0));
  const y = Float64Array.from({ length: n }, (_, i) => 2 - 0.5 * x1[i] + 3 * x2[i] + x3[i] + (u() - 0.5));
  return { columns: [ones, x1, x2, x3], y };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('Cholesky least squares', () => {
  it('equals QR (coefficients, residuals, (X′X)⁻¹) on a well-conditioned design', () => {
    const n = 3000;
    const { columns, y } = design(n, 3);
    const c = choleskyLeastSquares(columns, y, n);
    expect(c).not.toBeNull();
    if (!c) return;
    const qr = householderQr(columns, n);
    const ref = solveLeastSquares(qr, columns, y);
    const k = columns.length;
    for (let j = 0; j < k; j++) expect(rel(c.beta[j], ref.beta[j])).toBeLessThan(1e-12);
    let dmax = 0;
    let emax = 0;
    for (let i = 0; i < n; i++) {
      dmax = Math.max(dmax, Math.abs(c.resid[i] - ref.resid[i]));
      emax = Math.max(emax, Math.abs(ref.resid[i]));
    }
    expect(dmax / emax).toBeLessThan(1e-12);
    expect(rel(c.rss, ref.resid.reduce((s, e) => s + e * e, 0))).toBeLessThan(1e-12);
    const B = upperTimesTranspose(c.Rinv, k);
    const Bq = upperTimesTranspose(invertUpper(qr.R, k), k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(Math.abs(B[i * k + j] - Bq[i * k + j])).toBeLessThan(1e-11 * Math.sqrt(Bq[i * k + i] * Bq[j * k + j]));
    expect(c.condition).toBeGreaterThan(1);
    expect(c.condition).toBeLessThan(MAX_CONDITION);
  });

  it('refuses collinear, constant-zero, ill-conditioned and non-finite designs', () => {
    const n = 200;
    const { columns, y } = design(n, 5);
    const dup = Float64Array.from(columns[1], (v, i) => 2 * v - columns[2][i]);
    expect(choleskyLeastSquares([...columns, dup], y, n)).toBeNull();
    expect(choleskyLeastSquares([...columns, new Float64Array(n)], y, n)).toBeNull();
    // degree-7 polynomial on 0..20: cond of the scaled X′X ≈ 1e10
    const x = Float64Array.from({ length: 21 }, (_, i) => i);
    const poly = Array.from({ length: 8 }, (_, p) => Float64Array.from(x, (v) => v ** p));
    expect(choleskyLeastSquares(poly, Float64Array.from(x, (v) => 1 + v), 21)).toBeNull();
    expect(choleskyLeastSquares(poly.slice(0, 4), Float64Array.from(x, (v) => 1 + v), 21)).not.toBeNull();
    const big = Float64Array.from(columns[1], (v) => v * 1e160);
    expect(choleskyLeastSquares([columns[0], big], y, n)).toBeNull();
    expect(choleskyLeastSquares(columns, y, 3)).toBeNull(); // n ≤ k
  });

  it('keeps the digits of a moderately ill-conditioned design with the refinement step', () => {
    // x, …, x⁴ on 0..20 with exact coefficients 1: cond ≈ 1e5 (shifted); x⁵ (Wampler-1, cond ≈ 3e6
    // even shifted) is left to QR
    const x = Float64Array.from({ length: 21 }, (_, i) => i);
    const powers = (deg: number) => Array.from({ length: deg + 1 }, (_, p) => Float64Array.from(x, (v) => v ** p));
    const total = (deg: number) =>
      Float64Array.from(x, (v) => {
        let s = 0;
        for (let p = 0; p <= deg; p++) s += v ** p;
        return s;
      });
    const c = choleskyLeastSquares(powers(4), total(4), 21, { intercept: true });
    expect(c).not.toBeNull();
    expect(c?.condition).toBeGreaterThan(1e4);
    for (const b of c?.beta ?? []) expect(Math.abs(b - 1)).toBeLessThan(1e-11);
    expect(choleskyLeastSquares(powers(5), total(5), 21, { intercept: true })).toBeNull();
  });

  it('shifts by the means with an intercept: a year-like regressor stays well conditioned', () => {
    const n = 500;
    const u = lcg(8);
    const ones = new Float64Array(n).fill(1);
    const year = Float64Array.from({ length: n }, (_, i) => 2001 + (i % 15));
    const x = Float64Array.from({ length: n }, () => u());
    const y = Float64Array.from({ length: n }, (_, i) => 3 + 0.02 * year[i] - x[i] + 0.1 * u());
    const c = choleskyLeastSquares([ones, year, x], y, n, { intercept: true });
    expect(c).not.toBeNull();
    if (!c) return;
    expect(c.condition).toBeLessThan(10);
    expect(c.unshiftedCondition).toBeGreaterThan(1e5);
    const ybar = y.reduce((s, v) => s + v, 0) / n;
    expect(rel(c.tss, y.reduce((s, v) => s + (v - ybar) ** 2, 0))).toBeLessThan(1e-12);
    const qr = householderQr([ones, year, x], n);
    const ref = solveLeastSquares(qr, [ones, year, x], y);
    for (let j = 0; j < 3; j++) expect(rel(c.beta[j], ref.beta[j])).toBeLessThan(1e-11);
    const B = upperTimesTranspose(c.Rinv, 3);
    const Bq = upperTimesTranspose(invertUpper(qr.R, 3), 3);
    for (let i = 0; i < 9; i++) expect(rel(B[i], Bq[i])).toBeLessThan(1e-11);
    // a near-constant column (QR drops it: orthogonal part < 1e-7 of its norm) is left to QR
    const flat = Float64Array.from({ length: n }, () => 1e9 + u() * 1e-2);
    expect(choleskyLeastSquares([ones, x, flat], y, n, { intercept: true })).toBeNull();
    expect(householderQr([ones, x, flat], n).dropped).toEqual([2]);
  });
});
