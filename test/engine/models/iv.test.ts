// IV invariants (STYLE.md): 2SLS equals a manual two-stage fit (coefficients) with SEs from the
// structural residuals; IV absorbing a fixed effect equals IV with explicit dummies (small-sample
// SEs with the same dof); LIML equals 2SLS when exactly identified; one endogenous regressor: the
// Cragg–Donald F equals the first-stage F, the KP Wald F the robust first-stage F; and the bad
// inputs the issue names get clear messages.
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../../src/engine/data.js';
import { estimate } from '../../../src/engine/estimate.js';
import type { Diagnostic, EstimationResult } from '../../../src/shared/result.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg, naiveOls } from '../../helpers.js';

function data(nFirms: number, T: number, seed: number) {
  const u = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  const rows: Record<string, number>[] = [];
  for (let f = 0; f < nFirms; f++) {
    const a = normal();
    for (let t = 0; t < T; t++) {
      const z1 = normal();
      const z2 = normal();
      const w = normal();
      const e = normal();
      const v = 0.5 * e + normal();
      const x = 0.8 * z1 + 0.4 * z2 + 0.3 * w + a + v;
      rows.push({ firm: f, year: t, z1, z2, w, x, y: 1 + 2 * x - w + a + e, zc: 0.5 * a });
    }
  }
  const cols: Record<string, Column> = {};
  for (const k of Object.keys(rows[0])) cols[k] = { kind: 'numeric', values: Float64Array.from(rows, (r) => r[k]) };
  return { rows, src: new MemorySource(rows.length, cols) };
}

const ivSpec = (s: Partial<ModelSpec>) => normalizeSpec({ estimator: 'iv', y: 'y', x: ['w'], endog: ['x'], instruments: ['z1', 'z2'], vcov: 'iid', ...s });
const coef = (r: EstimationResult, term: string) => r.coefficients.find((c) => c.term === term);
const diag = (r: EstimationResult, id: string) => r.diagnostics.find((d) => d.id === id) as Diagnostic;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('iv invariants', () => {
  it('2SLS equals the manual two-stage fit; iid SEs use the structural residuals and σ² = RSS/N (ivreg2)', () => {
    const { rows, src } = data(40, 5, 3);
    const r = estimate(ivSpec({}), src);
    const fs = naiveOls(rows.map((d) => d.x), rows.map((d) => [1, d.w, d.z1, d.z2]));
    const xhat = rows.map((d) => fs.beta[0] + fs.beta[1] * d.w + fs.beta[2] * d.z1 + fs.beta[3] * d.z2);
    const ss = naiveOls(rows.map((d) => d.y), rows.map((d, i) => [1, d.w, xhat[i]]));
    expect(rel(coef(r, 'x')?.estimate ?? NaN, ss.beta[2])).toBeLessThan(1e-10);
    expect(rel(coef(r, 'w')?.estimate ?? NaN, ss.beta[1])).toBeLessThan(1e-10);
    const u = rows.map((d) => d.y - ss.beta[0] - ss.beta[1] * d.w - ss.beta[2] * d.x);
    const s2 = u.reduce((s, e) => s + e * e, 0) / rows.length;
    expect(rel(coef(r, 'x')?.std_error ?? NaN, Math.sqrt(s2 * ss.XtXinv[2][2]))).toBeLessThan(1e-9);
    expect(r.vcov.distribution).toBe('normal');
    // first stage: OLS of x on [1, w, z1, z2], iid SEs with σ² = RSS/N (ivreg2 without small)
    const fsRss = rows.reduce((s, d, i) => s + (d.x - [1, d.w, d.z1, d.z2].reduce((a, v, j) => a + v * fs.beta[j], 0)) ** 2, 0);
    const z1 = r.first_stage?.[0].coefficients.find((c) => c.term === 'z1');
    expect(rel(z1?.estimate ?? NaN, fs.beta[2])).toBeLessThan(1e-10);
    expect(rel(z1?.std_error ?? NaN, Math.sqrt((fsRss / rows.length) * fs.XtXinv[2][2]))).toBeLessThan(1e-9);
    expect(rel(r.first_stage?.[0].r2 ?? NaN, 1 - fsRss / rows.reduce((s, d) => s + (d.x - rows.reduce((a, e) => a + e.x, 0) / rows.length) ** 2, 0))).toBeLessThan(1e-10);
    // small: N − K denominator and t tests
    const small = estimate(ivSpec({ options: { small: 'on' } }), src);
    expect(rel(coef(small, 'x')?.std_error ?? NaN, Math.sqrt((s2 * rows.length) / (rows.length - 3) * ss.XtXinv[2][2]))).toBeLessThan(1e-9);
    expect(small.vcov.distribution).toBe('t');
  });

  it('absorbing the firm FE equals explicit firm dummies (coefficients; small SEs with the same dof)', () => {
    const { rows, src } = data(25, 6, 7);
    const r = estimate(ivSpec({ absorb: ['firm'] }), src); // ivreghdfe: small when absorbing
    const firms = [...new Set(rows.map((d) => d.firm))];
    const dummies = (d: Record<string, number>) => firms.slice(1).map((f) => (d.firm === f ? 1 : 0));
    const fs = naiveOls(rows.map((d) => d.x), rows.map((d) => [1, d.w, ...dummies(d), d.z1, d.z2]));
    const xhat = rows.map((d) => [1, d.w, ...dummies(d), d.z1, d.z2].reduce((s, v, j) => s + v * fs.beta[j], 0));
    const ss = naiveOls(rows.map((d) => d.y), rows.map((d, i) => [1, d.w, ...dummies(d), xhat[i]]));
    const kx = 2 + firms.length - 1;
    expect(rel(coef(r, 'x')?.estimate ?? NaN, ss.beta[kx])).toBeLessThan(1e-8);
    const u = rows.map((d) => d.y - [1, d.w, ...dummies(d), d.x].reduce((s, v, j) => s + v * ss.beta[j], 0));
    const s2 = u.reduce((s, e) => s + e * e, 0) / (rows.length - (kx + 1));
    expect(rel(coef(r, 'x')?.std_error ?? NaN, Math.sqrt(s2 * ss.XtXinv[kx][kx]))).toBeLessThan(1e-7);
    expect(r.coefficients.map((c) => c.term)).toEqual(['w', 'x']);
    expect(r.fixed_effects[0].df).toBe(firms.length);
  });

  it('LIML equals 2SLS when exactly identified; overidentified LIML has λ ≥ 1', () => {
    const { src } = data(30, 4, 11);
    const a = estimate(ivSpec({ instruments: ['z1'] }), src);
    const b = estimate(ivSpec({ instruments: ['z1'], options: { method: 'liml' } }), src);
    expect(rel(coef(b, 'x')?.estimate ?? NaN, coef(a, 'x')?.estimate ?? NaN)).toBeLessThan(1e-12);
    expect(rel(coef(b, 'x')?.std_error ?? NaN, coef(a, 'x')?.std_error ?? NaN)).toBeLessThan(1e-10);
    expect((diag(a, 'overid').statistic as { na: string }).na).toMatch(/exactly identified/);
    const c = estimate(ivSpec({ options: { method: 'liml' } }), src);
    expect(c.fit.liml_lambda as number).toBeGreaterThanOrEqual(1);
    expect(c.fit.method).toBe('LIML');
  });

  it('one endogenous regressor: Cragg–Donald F = first-stage F (iid), KP Wald F = robust first-stage F', () => {
    const { src } = data(50, 4, 13);
    const iid = estimate(ivSpec({}), src);
    expect(rel(diag(iid, 'weakid_cd').statistic as number, iid.first_stage?.[0].f_stat as number)).toBeLessThan(1e-10);
    const rob = estimate(ivSpec({ vcov: 'robust' }), src);
    expect(rel(diag(rob, 'weakid_kp').statistic as number, rob.first_stage?.[0].f_stat as number)).toBeLessThan(1e-8);
    const cl = estimate(ivSpec({ vcov: 'cluster', cluster: ['firm'] }), src);
    expect(rel(diag(cl, 'weakid_kp').statistic as number, cl.first_stage?.[0].f_stat as number)).toBeLessThan(1e-8);
    expect(cl.first_stage?.[0].f_df2).toBe(49);
    // the first stage as its own table: coefficients of every instrument with the model's SE type
    expect(cl.first_stage?.[0].coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'w', 'z1', 'z2']);
  });

  it('the first-stage table with robust and clustered SEs (small) equals OLS of the endogenous regressor on the instruments', () => {
    const { src } = data(30, 5, 23);
    for (const v of [{ vcov: 'robust' as const }, { vcov: 'cluster' as const, cluster: ['firm'] }]) {
      const r = estimate(ivSpec({ ...v, options: { small: 'on' } }), src);
      const ols = estimate(normalizeSpec({ estimator: 'ols', y: 'x', x: ['w', 'z1', 'z2'], ...v }), src);
      const fs = r.first_stage?.[0].coefficients ?? [];
      expect(fs.map((c) => c.term)).toEqual(ols.coefficients.map((c) => c.term));
      fs.forEach((c, j) => {
        expect(rel(c.estimate, ols.coefficients[j].estimate), `${v.vcov} ${c.term}`).toBeLessThan(1e-10);
        expect(rel(c.std_error, ols.coefficients[j].std_error), `${v.vcov} ${c.term} SE`).toBeLessThan(1e-9);
      });
    }
  });

  it('bad input: too few instruments, an instrument absorbed by the FE, a perfectly predicted regressor', () => {
    const { src } = data(20, 5, 17);
    expect(() => estimate(ivSpec({ endog: ['x', 'w'], x: [], instruments: ['z1'] }), src)).toThrow(/not identified/);
    // zc is constant within firm: absorbed by the firm FE, leaving one instrument for two endogenous
    expect(() => estimate(ivSpec({ endog: ['x', 'w'], x: [], instruments: ['z1', 'zc'], absorb: ['firm'] }), src)).toThrow(/not identified|collinear with the fixed effects/);
    const r = estimate(ivSpec({ instruments: ['z1', 'zc'], absorb: ['firm'] }), src);
    expect(r.warnings.join(' ')).toMatch(/instrument zc omitted because it is collinear with the fixed effects/);
    expect(() => estimate(ivSpec({ x: [], endog: ['w'], instruments: ['w2'] }), withCopy(src, 'w', 'w2'))).toThrow(/perfectly predicted/);
  });
});

function withCopy(src: MemorySource, from: string, to: string): MemorySource {
  const c = src.get(from);
  const cols: Record<string, Column> = {};
  for (const k of ['y', 'x', 'w', 'z1', 'z2', 'firm']) cols[k] = src.get(k);
  cols[to] = { kind: 'numeric', values: Float64Array.from((c as { values: Float64Array }).values, (v) => 2 * v + 1) };
  return new MemorySource(src.nrows, cols);
}
