import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../../src/engine/data.js';
import { estimateBinary } from '../../../src/engine/estimate-binary.js';
import { fitBinary } from '../../../src/engine/models/binary.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg } from '../../helpers.js';

function data(n = 400, seed = 3) {
  const u = lcg(seed);
  const x1 = Float64Array.from({ length: n }, () => u() * 4 - 2);
  const x2 = Float64Array.from({ length: n }, () => (u() < 0.4 ? 1 : 0));
  const g = Float64Array.from({ length: n }, (_, i) => i % 20);
  const y = Float64Array.from({ length: n }, (_, i) => (u() < 1 / (1 + Math.exp(-(0.3 + 0.8 * x1[i] - 0.6 * x2[i]))) ? 1 : 0));
  const cols: Record<string, Column> = { y: { kind: 'numeric', values: y }, x1: { kind: 'numeric', values: x1 }, x2: { kind: 'numeric', values: x2 }, g: { kind: 'numeric', values: g } };
  return { n, y, x1, x2, cols };
}
const spec = (s: Partial<ModelSpec>) => normalizeSpec({ y: 'y', x: ['x1', 'x2'], estimator: 'logit', ...s });
const src = (n: number, cols: Record<string, Column>) => new MemorySource(n, cols);

describe('binary models', () => {
  it.each(['logit', 'probit'] as const)('%s: the score is zero at the estimates and the SEs are the inverse Hessian (finite differences)', (link) => {
    const { n, y, x1, x2 } = data();
    const X = [new Float64Array(n).fill(1), x1, x2];
    const fit = fitBinary({ y, X, n, link }, 0);
    expect(fit.converged).toBe(true);
    for (let a = 0; a < 3; a++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += fit.scoreFactor[i] * X[a][i];
      expect(Math.abs(g)).toBeLessThan(1e-9);
    }
    // numerical Hessian of the log likelihood
    const ll = (b: Float64Array) => loglik(link, y, X, b, n);
    const h = 1e-4;
    for (let a = 0; a < 3; a++) {
      const bp = fit.beta.slice();
      const bm = fit.beta.slice();
      bp[a] += h;
      bm[a] -= h;
      const second = (ll(bp) - 2 * ll(fit.beta) + ll(bm)) / (h * h);
      expect(Math.abs(-second - fit.information[a * 3 + a]) / fit.information[a * 3 + a]).toBeLessThan(1e-4);
    }
  });

  it('reports margins, pseudo-R², LR and Wald χ², and z tests', () => {
    const { n, cols } = data();
    const r = estimateBinary(spec({}), src(n, cols));
    expect(r.vcov.distribution).toBe('normal');
    expect(r.fit.chi2_type).toBe('LR');
    expect(r.margins?.rows.map((m) => m.term)).toEqual(['x1', 'x2']);
    const rob = estimateBinary(spec({ vcov: 'robust' }), src(n, cols));
    expect(rob.fit.chi2_type).toBe('Wald');
    const cl = estimateBinary(spec({ vcov: 'cluster', cluster: ['g'] }), src(n, cols));
    expect(cl.vcov.clusters[0].groups).toBe(20);
    expect(cl.vcov.small_sample_factor).toBeCloseTo(20 / 19, 14);
  });

  it('rejects an outcome that is not 0/1, naming the variable and the value', () => {
    const { n, cols } = data();
    const y = (cols.y as { values: Float64Array }).values.slice();
    y[7] = 2;
    expect(() => estimateBinary(spec({}), src(n, { ...cols, y: { kind: 'numeric', values: y } }))).toThrow(/"y".*value 2/);
  });

  it('rejects an outcome that does not vary', () => {
    const { n, cols } = data();
    expect(() => estimateBinary(spec({}), src(n, { ...cols, y: { kind: 'numeric', values: new Float64Array(n).fill(1) } }))).toThrow(/does not vary/);
  });

  it('drops an indicator that predicts failure perfectly, with its observations (as Stata)', () => {
    const { n, y, cols } = data();
    const d = Float64Array.from(y, (v, i) => (v === 0 && i % 3 === 0 ? 1 : 0));
    const r = estimateBinary(spec({ x: ['x1', 'd'] }), src(n, { ...cols, d: { kind: 'numeric', values: d } }));
    const dropped = d.reduce((s, v) => s + v, 0);
    expect(r.nobs).toBe(n - dropped);
    expect(r.omitted).toEqual([{ term: 'd', reason: 'predicts the outcome perfectly' }]);
    expect(r.warnings[0]).toBe(`d != 0 predicts failure perfectly; d dropped and ${dropped} obs not used`);
  });

  it('stops with a clear message on complete and quasi-complete separation by a continuous regressor', () => {
    const { n, x1, cols } = data();
    const y = Float64Array.from(x1, (v) => (v > 0.1 ? 1 : 0));
    expect(() => estimateBinary(spec({ x: ['x1'] }), src(n, { ...cols, y: { kind: 'numeric', values: y } }))).toThrow(/x1.*predicts data perfectly/);
    // quasi-complete: y = 1 above 0.5, 0 below, both outcomes at exactly 0.5
    const xq = Float64Array.from(x1, (v, i) => (i % 10 === 0 ? 0.5 : v));
    const yq = Float64Array.from(xq, (v, i) => (v > 0.5 ? 1 : v < 0.5 ? 0 : i % 20 === 0 ? 1 : 0));
    expect(() => estimateBinary(spec({ x: ['x1'] }), src(n, { ...cols, x1: { kind: 'numeric', values: xq }, y: { kind: 'numeric', values: yq } }))).toThrow(/quasi-complete separation: x1/);
  });

  it('drops a collinear regressor with a note', () => {
    const { n, x1, cols } = data();
    const r = estimateBinary(spec({ x: ['x1', 'x2', 'x3'] }), src(n, { ...cols, x3: { kind: 'numeric', values: Float64Array.from(x1, (v) => 2 * v) } }));
    expect(r.omitted).toEqual([{ term: 'x3', reason: 'collinear' }]);
    expect(r.coefficients).toHaveLength(3);
  });
});

function loglik(link: 'logit' | 'probit', y: Float64Array, X: Float64Array[], b: Float64Array, n: number): number {
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let xb = 0;
    for (let j = 0; j < X.length; j++) xb += X[j][i] * b[j];
    const p = link === 'logit' ? 1 / (1 + Math.exp(-xb)) : 0.5 * (1 + erf(xb / Math.SQRT2));
    ll += y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return ll;
}
// Abramowitz–Stegun 7.1.26 is too coarse for second differences; use a series/continued fraction
function erf(x: number): number {
  const t = Math.abs(x);
  let sum = t;
  let term = t;
  for (let k = 1; k < 200; k++) {
    term *= (-t * t) / k;
    const add = term / (2 * k + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  const r = (2 / Math.sqrt(Math.PI)) * sum;
  return x < 0 ? -r : r;
}
