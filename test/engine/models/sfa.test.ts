// Stochastic frontier kernel: analytic gradients against central differences for every
// distribution (production and cost, homo- and heteroskedastic u), the mixed χ² critical values of
// Kodde–Palm, efficiency bounds, the production/cost mirror, wrong skewness and bad input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateSfa, mixedChi2 } from '../../../src/engine/estimate-sfa.js';
import { type Column, MemorySource } from '../../../src/engine/data.js';
import { type SfaData, type SfaDistribution, logCdfAndMills, parameterCount, sfaLoglik } from '../../../src/engine/models/sfa.js';
import { normalCdf } from '../../../src/engine/stats/distributions.js';
import { normalizeSpec } from '../../../src/shared/spec.js';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
}

function synthetic(n: number, seed: number): { y: Float64Array; X: Float64Array[]; z: Float64Array } {
  const u = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const x1 = Float64Array.from({ length: n }, gauss);
  const x2 = Float64Array.from({ length: n }, gauss);
  const z = Float64Array.from({ length: n }, gauss);
  const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * x1[i] + 0.3 * x2[i] + 0.2 * gauss() - Math.abs(0.4 * gauss()));
  return { y, X: [new Float64Array(n).fill(1), x1, x2], z };
}

describe('sfa log-likelihood', () => {
  const { y, X, z } = synthetic(200, 7);
  const cases: [SfaDistribution, 1 | -1, boolean][] = [];
  for (const dist of ['hnormal', 'exponential', 'tnormal'] as SfaDistribution[]) for (const sign of [1, -1] as const) for (const het of [false, true]) cases.push([dist, sign, het]);
  it.each(cases)('analytic gradient = numerical (%s, sign %d, het %s)', (dist, sign, het) => {
    const d: SfaData = { y, X, Z: het ? [new Float64Array(200).fill(1), z] : [new Float64Array(200).fill(1)], n: 200, dist, sign };
    const P = parameterCount(3, d.Z.length, dist);
    const theta = Float64Array.from({ length: P }, (_, j) => [0.9, 0.4, 0.2, Math.log(0.05), Math.log(0.1), 0.3, 0.2][j] ?? 0.1);
    if (dist === 'tnormal') theta[P - 1] = 0.15;
    const g = new Float64Array(P);
    sfaLoglik(d, theta, g);
    for (let j = 0; j < P; j++) {
      const h = 1e-6;
      const a = Float64Array.from(theta);
      const b = Float64Array.from(theta);
      a[j] += h;
      b[j] -= h;
      const num = (sfaLoglik(d, a, null) - sfaLoglik(d, b, null)) / (2 * h);
      expect(Math.abs(g[j] - num)).toBeLessThan(1e-5 * Math.max(1, Math.abs(num)));
    }
  });

  it.each(cases)('analytic Hessian = central differences of the gradient (%s, sign %d, het %s)', (dist, sign, het) => {
    const d: SfaData = { y, X, Z: het ? [new Float64Array(200).fill(1), z] : [new Float64Array(200).fill(1)], n: 200, dist, sign };
    const P = parameterCount(3, d.Z.length, dist);
    const theta = Float64Array.from({ length: P }, (_, j) => [0.9, 0.4, 0.2, Math.log(0.05), Math.log(0.1), 0.3, 0.2][j] ?? 0.1);
    if (dist === 'tnormal') theta[P - 1] = 0.15;
    const Hm = new Float64Array(P * P);
    const g = new Float64Array(P);
    const ll = sfaLoglik(d, theta, g, undefined, Hm);
    expect(ll).toBeCloseTo(sfaLoglik(d, theta, null), 10);
    const gp = new Float64Array(P);
    const gm = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      const h = 1e-6;
      const a = Float64Array.from(theta);
      const b = Float64Array.from(theta);
      a[j] += h;
      b[j] -= h;
      sfaLoglik(d, a, gp);
      sfaLoglik(d, b, gm);
      for (let i = 0; i < P; i++) {
        const num = (gp[i] - gm[i]) / (2 * h);
        expect(Math.abs(Hm[i * P + j] - num)).toBeLessThan(1e-5 * Math.max(1, Math.abs(num)));
      }
    }
  });

  it('ln Φ and the Mills ratio agree with the direct formula and stay finite in the tail', () => {
    for (const zv of [3, 1, 0.5, 0.1, -0.3, -0.7, -2, -4.9, -5, -5.1, -5.7, -8, -20]) {
      const { logCdf, mills } = logCdfAndMills(zv);
      const p = normalCdf(zv);
      expect(Math.abs(logCdf - Math.log(p))).toBeLessThan(1e-9 * Math.abs(Math.log(p)));
      expect(Math.abs(mills - Math.exp(-0.5 * zv * zv) / Math.sqrt(2 * Math.PI) / p)).toBeLessThan(1e-9 * mills);
    }
    const far = logCdfAndMills(-60);
    expect(Number.isFinite(far.logCdf)).toBe(true);
    expect(Math.abs(far.mills - 60.0166)).toBeLessThan(1e-3);
  });

  it('Kodde–Palm 5% critical values of the mixed χ²', () => {
    expect(mixedChi2(0, 1).crit5).toBeCloseTo(2.706, 3);
    expect(mixedChi2(0, 2).crit5).toBeCloseTo(5.138, 3);
    expect(mixedChi2(0, 3).crit5).toBeCloseTo(7.045, 3);
    expect(mixedChi2(3, 1).p).toBeCloseTo(0.5 * 0.08326451666355039, 10);
  });
});

function source(cols: Record<string, Float64Array>): MemorySource {
  const n = Object.values(cols)[0].length;
  return new MemorySource(n, Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, { kind: 'numeric', values: v } as Column])));
}

describe('sfa estimator', () => {
  const { y, X } = synthetic(500, 11);
  const Y = Float64Array.from(y, Math.exp);
  const K = Float64Array.from(X[1], Math.exp);
  const L = Float64Array.from(X[2], Math.exp);

  it('a cost frontier of 1/y on 1/inputs mirrors the production frontier', () => {
    const prod = estimateSfa(normalizeSpec({ estimator: 'sfa', y: 'y', x: ['k', 'l'] }), source({ y: Y, k: K, l: L }));
    const inv = (a: Float64Array) => Float64Array.from(a, (v) => 1 / v);
    const cost = estimateSfa(normalizeSpec({ estimator: 'sfa', y: 'y', x: ['k', 'l'], options: { frontier: 'cost' } }), source({ y: inv(Y), k: inv(K), l: inv(L) }));
    expect(cost.result.sfa!.loglik).toBeCloseTo(prod.result.sfa!.loglik, 8);
    expect(cost.result.coefficients[0].estimate).toBeCloseTo(-prod.result.coefficients[0].estimate, 6);
    expect(cost.result.coefficients[1].estimate).toBeCloseTo(prod.result.coefficients[1].estimate, 6);
    for (let i = 0; i < 500; i++) expect(cost.te[i]).toBeCloseTo(prod.te[i], 6);
    for (let i = 0; i < 500; i++) {
      expect(prod.te[i]).toBeGreaterThan(0);
      expect(prod.te[i]).toBeLessThanOrEqual(1);
      expect(prod.u[i]).toBeGreaterThan(0);
    }
  });

  it('all options: translog, truncated normal, heteroskedastic u, BFGS', () => {
    const zz = Float64Array.from({ length: 500 }, (_, i) => (i % 7) / 7);
    const out = estimateSfa(normalizeSpec({ estimator: 'sfa', y: 'y', x: ['k', 'l'], options: { form: 'translog', distribution: 'hnormal', uhet: ['z'], technique: 'bfgs' } }), source({ y: Y, k: K, l: L, z: zz }));
    const s = out.result.sfa!;
    expect(s.convergence.converged).toBe(true);
    expect(s.lr_cd_translog!.df).toBe(3);
    expect(out.result.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'ln(k)', 'ln(l)', 'ln(k)^2/2', 'ln(l)^2/2', 'ln(k)*ln(l)', '/lnsig2v', 'lnsig2u:(Intercept)', 'lnsig2u:z']);
    expect(s.elasticities[0].estimate).toBeCloseTo(out.result.coefficients[1].estimate, 12);
    expect('na' in s.sigma_u).toBe(true);
  });

  it('warns about wrong skewness (Zellner–Revankar per firm)', () => {
    const lines = readFileSync('test/reference/sfa_zellner/data.csv', 'utf8').trim().split('\n');
    const rows = lines.slice(1).map((l) => l.split(','));
    const col = (j: number) => Float64Array.from(rows, (r) => Number(r[j]));
    const nf = col(4);
    const per = (a: Float64Array) => Float64Array.from(a, (v, i) => v / nf[i]);
    let msg = '';
    try {
      const out = estimateSfa(normalizeSpec({ estimator: 'sfa', y: 'q', x: ['k', 'l'] }), source({ q: per(col(1)), k: per(col(2)), l: per(col(3)) }));
      msg = out.result.warnings.join(' ');
      expect(out.result.sfa!.wrong_skewness).toBe(true);
    } catch (e) {
      msg = (e as Error).message; // or a clear non-convergence error naming the skewness
    }
    expect(msg).toMatch(/skew/);
  });

  it('non-positive inputs are a clear error naming the variable', () => {
    const bad = Float64Array.from(K);
    bad[3] = 0;
    expect(() => estimateSfa(normalizeSpec({ estimator: 'sfa', y: 'y', x: ['k', 'l'] }), source({ y: Y, k: bad, l: L }))).toThrow(/"k" must be positive/);
  });
});
