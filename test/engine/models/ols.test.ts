import { describe, expect, it } from 'vitest';
import { MemorySource, type Column } from '../../../src/engine/data.js';
import { estimate } from '../../../src/engine/estimate.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { fitOls } from '../../../src/engine/models/ols.js';
import { VCOV_REGISTRY } from '../../../src/engine/covariance/index.js';
import { lcg, naiveOls } from '../../helpers.js';

function fixture(n = 300, seed = 7) {
  const u = lcg(seed);
  const x1 = Float64Array.from({ length: n }, () => u() * 10);
  const x2 = Float64Array.from({ length: n }, () => u() - 0.5);
  const g = Float64Array.from({ length: n }, (_, i) => i % 23);
  const y = Float64Array.from({ length: n }, (_, i) => 1.5 + 0.7 * x1[i] - 2 * x2[i] + (u() - 0.5) * 3 + 0.3 * (g[i] % 5));
  const cols: Record<string, Column> = {
    y: { kind: 'numeric', values: y },
    x1: { kind: 'numeric', values: x1 },
    x2: { kind: 'numeric', values: x2 },
    x3: { kind: 'numeric', values: Float64Array.from(x1, (v, i) => 2 * v - x2[i]) },
    g: { kind: 'numeric', values: g },
    const5: { kind: 'numeric', values: new Float64Array(n).fill(5) },
  };
  return { n, y, x1, x2, g, source: new MemorySource(n, cols) };
}

const spec = (s: Partial<ModelSpec>) => normalizeSpec({ y: 'y', ...s });

describe('ols', () => {
  it('matches the normal equations and the iid formula', () => {
    const { n, y, x1, x2, source } = fixture();
    const r = estimate(spec({ x: ['x1', 'x2'] }), source);
    const X = Array.from({ length: n }, (_, i) => [1, x1[i], x2[i]]);
    const ref = naiveOls(Array.from(y), X);
    const s2 = ref.resid.reduce((s, e) => s + e * e, 0) / (n - 3);
    expect(r.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'x1', 'x2']);
    r.coefficients.forEach((c, j) => {
      expect(c.estimate).toBeCloseTo(ref.beta[j], 10);
      expect(c.std_error / Math.sqrt(s2 * ref.XtXinv[j][j])).toBeCloseTo(1, 10);
    });
    expect(r.nobs).toBe(n);
    expect(r.vcov.dof).toBe(n - 3);
  });

  it('HC1 and CR1 equal their textbook formulas', () => {
    const { n, y, x1, x2, g, source } = fixture();
    const X = Array.from({ length: n }, (_, i) => [1, x1[i], x2[i]]);
    const ref = naiveOls(Array.from(y), X);
    const B = ref.XtXinv;
    const k = 3;
    const sandwichDiag = (M: number[][], factor: number) =>
      [0, 1, 2].map((j) => {
        let s = 0;
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += B[j][a] * M[a][b] * B[b][j];
        return Math.sqrt(s * factor);
      });
    const Mh = [0, 1, 2].map((a) => [0, 1, 2].map((b) => X.reduce((s, row, i) => s + ref.resid[i] ** 2 * row[a] * row[b], 0)));
    const robust = estimate(spec({ x: ['x1', 'x2'], vcov: 'robust' }), source);
    sandwichDiag(Mh, n / (n - k)).forEach((se, j) => expect(robust.coefficients[j].std_error / se).toBeCloseTo(1, 10));

    const G = 23;
    const S = Array.from({ length: G }, () => [0, 0, 0]);
    X.forEach((row, i) => row.forEach((v, a) => (S[g[i]][a] += v * ref.resid[i])));
    const Mc = [0, 1, 2].map((a) => [0, 1, 2].map((b) => S.reduce((s, sg) => s + sg[a] * sg[b], 0)));
    const cl = estimate(spec({ x: ['x1', 'x2'], vcov: 'cluster', cluster: ['g'] }), source);
    sandwichDiag(Mc, (G / (G - 1)) * ((n - 1) / (n - k))).forEach((se, j) => expect(cl.coefficients[j].std_error / se).toBeCloseTo(1, 10));
    expect(cl.vcov.dof).toBe(G - 1);
    expect(cl.vcov.clusters).toEqual([{ variable: 'g', groups: G }]);
    expect(cl.warnings.some((w) => w.includes('only 23 clusters'))).toBe(true);
  });

  it('drops a collinear regressor (the later one) and a constant one, with a note', () => {
    const { source } = fixture();
    const r = estimate(spec({ x: ['x1', 'x2', 'x3', 'const5'] }), source);
    expect(r.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'x1', 'x2']);
    expect(r.omitted.map((o) => o.term)).toEqual(['x3', 'const5']);
    expect(r.warnings).toContain('x3 omitted because of collinearity');
  });

  it('without intercept reports uncentered R² and tests all coefficients', () => {
    const { n, y, x1, x2, source } = fixture();
    const r = estimate(spec({ x: ['x1', 'x2'], options: { intercept: false } }), source);
    const ref = naiveOls(Array.from(y), Array.from({ length: n }, (_, i) => [x1[i], x2[i]]));
    expect(r.coefficients[0].estimate).toBeCloseTo(ref.beta[0], 10);
    expect(r.fit.r2_kind).toBe('uncentered');
    const rss = ref.resid.reduce((s, e) => s + e * e, 0);
    expect(r.fit.r2).toBeCloseTo(1 - rss / y.reduce((s, v) => s + v * v, 0), 12);
    expect(r.fit.f_df1).toBe(2);
  });

  it('drops rows with missing values listwise and counts them', () => {
    const { n, source } = fixture(50);
    const y = (source.get('y') as { values: Float64Array }).values.slice();
    y[3] = Number.NaN;
    y[10] = Number.NaN;
    const x1 = (source.get('x1') as { values: Float64Array }).values.slice();
    x1[10] = Number.NaN;
    x1[20] = Number.NaN;
    const src = new MemorySource(n, { y: { kind: 'numeric', values: y }, x1: { kind: 'numeric', values: x1 } });
    const r = estimate(spec({ x: ['x1'] }), src);
    expect(r.nobs).toBe(47);
    expect(r.sample).toMatchObject({ n_input: 50, dropped_missing: 3 });
  });

  it('gives clear errors for bad input', () => {
    const { source } = fixture(10);
    const allMissing = new MemorySource(3, { y: { kind: 'numeric', values: new Float64Array(3).fill(Number.NaN) }, x: { kind: 'numeric', values: new Float64Array([1, 2, 3]) } });
    expect(() => estimate(spec({ x: ['x'] }), allMissing)).toThrow(/no observations left.*"y" is missing in 3 of 3 rows/);
    const tiny = new MemorySource(2, { y: { kind: 'numeric', values: new Float64Array([1, 2]) }, x: { kind: 'numeric', values: new Float64Array([1, 3]) } });
    expect(() => estimate(spec({ x: ['x'] }), tiny)).toThrow(/not enough observations: 2 observations for 2 parameters/);
    const one = new MemorySource(10, { ...Object.fromEntries(['y', 'x1'].map((n) => [n, source.get(n)])), c: { kind: 'numeric', values: new Float64Array(10).fill(1) } });
    expect(() => estimate(spec({ x: ['x1'], vcov: 'cluster', cluster: ['c'] }), one)).toThrow(/only 1 cluster/);
    const text = new MemorySource(3, { y: { kind: 'categorical', codes: new Int32Array([0, 1, 0]), levels: ['a', 'b'] } });
    expect(() => estimate(spec({ x: [] }), text)).toThrow(/dependent variable "y" is text/);
  });

  it('keeps digits on an ill-conditioned polynomial design (Wampler-1 shape)', () => {
    const n = 21;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const cols: Record<string, Column> = {};
    const names: string[] = [];
    for (let p = 1; p <= 5; p++) {
      cols[`x${p}`] = { kind: 'numeric', values: Float64Array.from(x, (v) => v ** p) };
      names.push(`x${p}`);
    }
    cols.y = { kind: 'numeric', values: Float64Array.from(x, (v) => 1 + v + v ** 2 + v ** 3 + v ** 4 + v ** 5) };
    const r = estimate(spec({ x: names }), new MemorySource(n, cols));
    for (const c of r.coefficients) expect(Math.abs(c.estimate - 1)).toBeLessThan(1e-7);
  });

  it('the Cholesky path equals forced QR: coefficients, residuals and every SE type', () => {
    const n = 2000;
    const u = lcg(11);
    // x2 has a large mean and little variation: cond of the scaled X'X ≈ 1e5, so the covariance
    // maps every score to Q; the second design is well conditioned (the meat is mapped once)
    const x1 = Float64Array.from({ length: n }, () => u() * 10);
    const x2 = Float64Array.from({ length: n }, () => 50 + 0.5 * u());
    const x3 = Float64Array.from({ length: n }, () => u() - 0.5);
    const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.7 * x1[i] - 2 * x2[i] + x3[i] + (u() - 0.5) * 3);
    const g1 = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 7));
    const g2 = Int32Array.from({ length: n }, (_, i) => i % 13);
    const clusters = [
      { variable: 'a', ids: g1, groups: g1[n - 1] + 1 },
      { variable: 'b', ids: g2, groups: 13 },
    ];
    for (const X of [
      [x1, x2, x3],
      [x1, x3],
    ]) {
      const names = X.map((_, j) => `x${j}`);
      const auto = fitOls({ y, X, names, intercept: true });
      const qr = fitOls({ y, X, names, intercept: true }, 'qr');
      expect(auto.solver).toBe('cholesky');
      expect(qr.solver).toBe('qr');
      const k = auto.fit.k;
      auto.fit.beta.forEach((b, j) => expect(Math.abs(b - qr.fit.beta[j]) / Math.abs(qr.fit.beta[j])).toBeLessThan(1e-12));
      expect(Math.abs(auto.fit.rss - qr.fit.rss) / qr.fit.rss).toBeLessThan(1e-12);
      const ctxs = [{ clusters: [] }, { clusters: [] }, { clusters: [clusters[0]] }, { clusters }];
      (['iid', 'robust', 'cluster', 'cluster'] as const).forEach((type, t) => {
        const a = VCOV_REGISTRY[type](auto.fit, ctxs[t]).V;
        const b = VCOV_REGISTRY[type](qr.fit, ctxs[t]).V;
        for (let j = 0; j < k; j++) expect(Math.abs(Math.sqrt(a[j * k + j]) / Math.sqrt(b[j * k + j]) - 1)).toBeLessThan(1e-11);
      });
    }
  });

  it('collinear regressors go to QR and are dropped as before', () => {
    const { n, x1, x2, y } = fixture();
    const x3 = Float64Array.from(x1, (v, i) => 2 * v - x2[i]);
    const r = fitOls({ y, X: [x1, x2, x3], names: ['x1', 'x2', 'x3'], intercept: true });
    expect(r.solver).toBe('qr');
    expect(r.omitted).toEqual(['x3']);
    expect(r.fit.terms).toEqual(['(Intercept)', 'x1', 'x2']);
    expect(r.fit.n).toBe(n);
  });
});
