// Random effects (re.ts) and the Hausman / Mundlak tests (hausman.ts): a naive reference
// implementation of Stata's xtreg, re formulas by the normal equations, invariants (σ_u = 0 gives
// pooled OLS, θ_i formula, the Mundlak test equals RE with the panel means added), and bad input.
import { describe, expect, it } from 'vitest';
import { MemorySource, type Column } from '../../../src/engine/data.js';
import { estimate } from '../../../src/engine/estimate.js';
import { HAUSMAN_TEST, MUNDLAK_TEST, hausman } from '../../../src/engine/models/hausman.js';
import { estimateRe } from '../../../src/engine/models/re.js';
import { AppError } from '../../../src/shared/errors.js';
import type { EstimationResult } from '../../../src/shared/result.js';
import { normalizeSpec, type EstimatorId, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg, naiveOls } from '../../helpers.js';

const RE = 're' as EstimatorId; // until 're' joins EstimatorId in src/shared/spec.ts
const num = (values: ArrayLike<number>): Column => ({ kind: 'numeric', values: Float64Array.from(values) });
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** An unbalanced panel: `groups` panels with 1..maxT observations, a random effect and 3 regressors. */
function panel({ groups = 40, maxT = 6, seed = 11, sigmaU = 1, balanced = false, antithetic = false } = {}) {
  const u = lcg(seed);
  const id: number[] = [];
  const x1: number[] = [];
  const x2: number[] = [];
  const z: number[] = [];
  const y: number[] = [];
  for (let g = 0; g < groups; g++) {
    const T = balanced ? maxT : 1 + ((g * 7) % maxT);
    const a = (u() - 0.5) * 2 * sigmaU;
    const zg = u() * 3; // time-invariant regressor
    const m = u();
    let e = 0;
    for (let t = 0; t < T; t++) {
      // antithetic: e, −e, e', −e', ... so panel means of the error are ~0 (σ_u² estimate < 0)
      e = antithetic && t % 2 === 1 ? -e : (u() - 0.5) * 2;
      const v1 = u() * 4 + m;
      const v2 = u() - 0.5;
      id.push(100 + 3 * g);
      x1.push(v1);
      x2.push(v2);
      z.push(zg);
      y.push(1 + 0.5 * v1 - 1.5 * v2 + 0.8 * zg + a + e);
    }
  }
  const n = y.length;
  const cols: Record<string, Column> = { y: num(y), x1: num(x1), x2: num(x2), z: num(z), id: num(id) };
  return { n, y, x1, x2, z, id, cols, source: new MemorySource(n, cols) };
}

const spec = (s: Partial<ModelSpec>) => normalizeSpec({ estimator: RE, y: 'y', x: ['x1', 'x2', 'z'], panel: { id: 'id', time: 't' }, ...s });
const coef = (r: EstimationResult, term: string) => r.coefficients.find((c) => c.term === term);

/** Stata's xtreg, re by the textbook formulas and the normal equations (independent of the engine). */
function naiveRe(y: number[], X: number[][], id: number[]) {
  const N = y.length;
  const groups = [...new Set(id)];
  const n = groups.length;
  const K = X[0].length;
  const rows = groups.map((g) => id.map((v, i) => (v === g ? i : -1)).filter((i) => i >= 0));
  const mean = (v: number[], r: number[]) => r.reduce((s, i) => s + v[i], 0) / r.length;
  const col = (j: number) => X.map((row) => row[j]);
  const yBar = rows.map((r) => mean(y, r));
  const xBar = rows.map((r) => Array.from({ length: K }, (_, j) => mean(col(j), r)));
  const gOf = id.map((v) => groups.indexOf(v));
  // within: only the time-varying columns (the test data mark z as the last, time-invariant one)
  const tv = Array.from({ length: K }, (_, j) => j).filter((j) => X.some((row, i) => Math.abs(row[j] - xBar[gOf[i]][j]) > 1e-12));
  const yW = y.map((v, i) => v - yBar[gOf[i]]);
  const XW = X.map((row, i) => tv.map((j) => row[j] - xBar[gOf[i]][j]));
  const w = naiveOls(yW, XW);
  const s2e = w.resid.reduce((s, e) => s + e * e, 0) / (N - n - tv.length);
  const b = naiveOls(yBar, xBar.map((r) => [1, ...r]));
  const s2b = b.resid.reduce((s, e) => s + e * e, 0) / (n - K - 1);
  const T = rows.map((r) => r.length);
  const Tbar = n / T.reduce((s, t) => s + 1 / t, 0);
  const s2u = Math.max(0, s2b - s2e / Tbar);
  const theta = T.map((t) => 1 - Math.sqrt(s2e / (t * s2u + s2e)));
  const ys = y.map((v, i) => v - theta[gOf[i]] * yBar[gOf[i]]);
  const Xs = X.map((row, i) => [1 - theta[gOf[i]], ...row.map((v, j) => v - theta[gOf[i]] * xBar[gOf[i]][j])]);
  const gls = naiveOls(ys, Xs);
  const s2 = gls.resid.reduce((s, e) => s + e * e, 0) / (N - K - 1);
  return { beta: gls.beta, se: gls.XtXinv.map((r, j) => Math.sqrt(s2 * r[j])), s2e, s2u, theta, T };
}

describe('random effects (xtreg, re)', () => {
  it('matches a naive implementation of the Swamy–Arora formulas on an unbalanced panel', () => {
    const d = panel();
    const r = estimateRe(spec({}), d.source);
    const ref = naiveRe(d.y, d.y.map((_, i) => [d.x1[i], d.x2[i], d.z[i]]), d.id);
    expect(r.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'x1', 'x2', 'z']);
    r.coefficients.forEach((c, j) => {
      expect(rel(c.estimate, ref.beta[j]), c.term).toBeLessThan(1e-9);
      expect(rel(c.std_error, ref.se[j]), c.term).toBeLessThan(1e-9);
      expect(c.statistic).toBeCloseTo(c.estimate / c.std_error, 12);
    });
    expect(rel(r.fit.sigma_e as number, Math.sqrt(ref.s2e))).toBeLessThan(1e-10);
    expect(rel(r.fit.sigma_u as number, Math.sqrt(ref.s2u))).toBeLessThan(1e-9);
    // θ_i = 1 − √(σ_e² / (T_i σ_u² + σ_e²)): the extremes belong to the shortest and longest panels
    const th = (t: number) => 1 - Math.sqrt(ref.s2e / (t * ref.s2u + ref.s2e));
    expect(r.fit.theta_min).toBeCloseTo(th(Math.min(...ref.T)), 10);
    expect(r.fit.theta_max).toBeCloseTo(th(Math.max(...ref.T)), 10);
    expect(r.fit.theta).toHaveProperty('na');
    expect([r.fit.t_min, r.fit.t_max, r.fit.n_groups]).toEqual([1, 6, 40]);
    expect(r.fit.rho).toBeCloseTo(ref.s2u / (ref.s2u + ref.s2e), 12);
    expect(r.sample.groups).toEqual({ id: 40 });
  });

  it('reports z statistics: normal p-values and normal confidence intervals', () => {
    const r = estimateRe(spec({ options: { level: 0.9 } }), panel().source);
    for (const c of r.coefficients) {
      const z = Math.abs(c.statistic);
      // P(|Z| > z) by a crude independent integration of the normal density
      let tail = 0;
      const h = 1e-4;
      for (let t = z; t < z + 12; t += h) tail += h * (Math.exp(-0.5 * t * t) + Math.exp(-0.5 * (t + h) * (t + h))) / 2;
      expect(c.p_value).toBeCloseTo((2 * tail) / Math.sqrt(2 * Math.PI), 7);
      expect((c.conf_high - c.estimate) / c.std_error).toBeCloseTo(1.6448536269514722, 10);
    }
    expect(r.vcov.convention).toMatch(/z statistics/);
  });

  it('with σ_u² clamped to 0 (θ = 0) equals pooled OLS, and warns', () => {
    const d = panel({ sigmaU: 0, balanced: true, maxT: 4, antithetic: true });
    const r = estimateRe(spec({}), d.source);
    expect(r.fit.sigma_u).toBe(0);
    expect(r.fit.theta_max).toBe(0);
    expect(r.warnings.join(' ')).toMatch(/σ_u² is negative.*set to 0/);
    const ols = estimate(normalizeSpec({ y: 'y', x: ['x1', 'x2', 'z'] }), d.source);
    r.coefficients.forEach((c, j) => {
      expect(rel(c.estimate, ols.coefficients[j].estimate)).toBeLessThan(1e-10);
      expect(rel(c.std_error, ols.coefficients[j].std_error)).toBeLessThan(1e-10);
    });
    const cl = estimateRe(spec({ vcov: 'cluster', cluster: ['id'] }), d.source);
    const olsCl = estimate(normalizeSpec({ y: 'y', x: ['x1', 'x2', 'z'], vcov: 'cluster', cluster: ['id'] }), d.source);
    cl.coefficients.forEach((c, j) => expect(rel(c.std_error, olsCl.coefficients[j].std_error)).toBeLessThan(1e-10));
  });

  it('balanced panel: one θ, T̄ = T, and σ_e equals the FE estimator’s (a time-invariant regressor does not count)', () => {
    const d = panel({ balanced: true, maxT: 5 });
    const r = estimateRe(spec({}), d.source);
    expect(r.fit.t_bar).toBe(5);
    const s2u = (r.fit.sigma_u as number) ** 2;
    const s2e = (r.fit.sigma_e as number) ** 2;
    expect(r.fit.theta).toBeCloseTo(1 - Math.sqrt(s2e / (5 * s2u + s2e)), 12);
    expect(r.fit.theta_min).toBe(r.fit.theta_max);
    const fe = estimate(normalizeSpec({ estimator: 'fe', y: 'y', x: ['x1', 'x2', 'z'], panel: { id: 'id', time: 't' } }), d.source);
    expect(fe.omitted.map((o) => o.term)).toEqual(['z']);
    expect(rel(r.fit.sigma_e as number, fe.fit.sigma_e as number)).toBeLessThan(1e-12);
    expect(coef(r, 'z')).toBeDefined();
  });

  it('vce(robust) is clustering by the panel id; a categorical panel id gives the same numbers', () => {
    const d = panel();
    const rob = estimateRe(spec({ vcov: 'robust' }), d.source);
    const cl = estimateRe(spec({ vcov: 'cluster', cluster: ['id'] }), d.source);
    expect(rob.vcov.type).toBe('cluster');
    expect(rob.vcov.clusters).toEqual([{ variable: 'id', groups: 40 }]);
    rob.coefficients.forEach((c, j) => expect(c.std_error).toBe(cl.coefficients[j].std_error));
    const levels = [...new Set(d.id)].map(String);
    const cat: Column = { kind: 'categorical', codes: Int32Array.from(d.id, (v) => levels.indexOf(String(v))), levels };
    const r2 = estimateRe(spec({ panel: { id: 'firm', time: 't' } }), new MemorySource(d.n, { ...d.cols, firm: cat }));
    const r1 = estimateRe(spec({}), d.source);
    r2.coefficients.forEach((c, j) => expect(rel(c.std_error, r1.coefficients[j].std_error)).toBeLessThan(1e-12));
  });

  it('clusters that panels nest in are accepted; panels spanning clusters are refused', () => {
    const d = panel();
    const region = num(d.id.map((v) => Math.floor(v / 30)));
    const r = estimateRe(spec({ vcov: 'cluster', cluster: ['region'] }), new MemorySource(d.n, { ...d.cols, region }));
    expect(r.vcov.clusters[0].variable).toBe('region');
    const bad = num(d.id.map((_, i) => i % 3));
    expect(() => estimateRe(spec({ vcov: 'cluster', cluster: ['bad'] }), new MemorySource(d.n, { ...d.cols, bad }))).toThrow(/not nested within clusters of "bad"/);
  });

  it('drops rows with a missing value (including a missing panel id) and says how many', () => {
    const d = panel();
    const x1 = Float64Array.from(d.x1);
    x1[3] = Number.NaN;
    const id = Float64Array.from(d.id);
    id[10] = Number.NaN;
    const r = estimateRe(spec({}), new MemorySource(d.n, { ...d.cols, x1: num(x1), id: num(id) }));
    expect(r.nobs).toBe(d.n - 2);
    expect(r.sample.dropped_missing).toBe(2);
  });

  it('reports the Wald χ² of the slopes instead of F, and Stata’s R² definitions', () => {
    const d = panel();
    const r = estimateRe(spec({}), d.source);
    expect(r.fit.f_stat).toHaveProperty('na');
    expect(r.fit.wald_df).toBe(3);
    const V = r.vcov_matrix;
    const b = [1, 2, 3].map((j) => r.coefficients[j].estimate);
    const sub = [1, 2, 3].map((i) => [1, 2, 3].map((j) => V[i][j]));
    const w = solve3(sub, b).reduce((s, v, i) => s + v * b[i], 0);
    expect(rel(r.fit.wald_chi2 as number, w)).toBeLessThan(1e-9);
    // overall R² = corr(x b, y)²
    const xb = d.y.map((_, i) => b[0] * d.x1[i] + b[1] * d.x2[i] + b[2] * d.z[i]);
    expect(r.fit.r2_overall).toBeCloseTo(corr(xb, d.y) ** 2, 12);
    expect(r.fit.r2).toBe(r.fit.r2_overall);
  });
});

describe('Mundlak test', () => {
  it('equals RE with the panel means of the time-varying regressors added and a clustered Wald test on them', () => {
    const d = panel();
    const r = estimateRe(spec({}), d.source);
    const m = r.diagnostics.find((x) => x.name === MUNDLAK_TEST);
    expect(m?.df).toBe(2);
    const means = (v: number[]) => {
      const s = new Map<number, [number, number]>();
      d.id.forEach((g, i) => {
        const a = s.get(g) ?? [0, 0];
        s.set(g, [a[0] + v[i], a[1] + 1]);
      });
      return num(d.id.map((g) => (s.get(g) as [number, number])[0] / (s.get(g) as [number, number])[1]));
    };
    const src = new MemorySource(d.n, { ...d.cols, m1: means(d.x1), m2: means(d.x2) });
    const aug = estimateRe(spec({ x: ['x1', 'x2', 'z', 'm1', 'm2'], vcov: 'cluster', cluster: ['id'] }), src);
    // the added means leave the variance components (hence θ_i) unchanged
    expect(rel(aug.fit.sigma_u as number, r.fit.sigma_u as number)).toBeLessThan(1e-10);
    const idx = ['m1', 'm2'].map((t) => aug.coefficients.findIndex((c) => c.term === t));
    const b = idx.map((i) => aug.coefficients[i].estimate);
    const V = idx.map((i) => idx.map((j) => aug.vcov_matrix[i][j]));
    const det = V[0][0] * V[1][1] - V[0][1] * V[1][0];
    const w = (b[0] * (V[1][1] * b[0] - V[0][1] * b[1]) + b[1] * (V[0][0] * b[1] - V[1][0] * b[0])) / det;
    expect(rel(m?.statistic as number, w)).toBeLessThan(1e-8);
  });

  it('is not applicable without time-varying regressors', () => {
    const r = estimateRe(spec({ x: ['z'] }), panel().source);
    expect(r.diagnostics.find((x) => x.name === MUNDLAK_TEST)?.statistic).toHaveProperty('na');
    expect(r.fit.r2_within).toHaveProperty('na');
    expect(typeof r.fit.r2_between).toBe('number');
  });
});

describe('Hausman test', () => {
  const fit = () => {
    const d = panel({ seed: 3 });
    const re = estimateRe(spec({}), d.source);
    const fe = estimate(normalizeSpec({ estimator: 'fe', y: 'y', x: ['x1', 'x2', 'z'], panel: { id: 'id', time: 't' } }), d.source);
    return { d, re, fe };
  };

  it('is the quadratic form over the common slopes (no constant), with the Mundlak test second', () => {
    const { re, fe } = fit();
    const [h, m] = hausman(fe, re);
    expect(h.name).toBe(HAUSMAN_TEST);
    expect(m.name).toBe(MUNDLAK_TEST);
    const t = ['x1', 'x2'];
    const fi = t.map((x) => fe.coefficients.findIndex((c) => c.term === x));
    const ri = t.map((x) => re.coefficients.findIndex((c) => c.term === x));
    const q = t.map((_, a) => fe.coefficients[fi[a]].estimate - re.coefficients[ri[a]].estimate);
    const D = t.map((_, a) => t.map((_, b) => fe.vcov_matrix[fi[a]][fi[b]] - re.vcov_matrix[ri[a]][ri[b]]));
    const det = D[0][0] * D[1][1] - D[0][1] * D[1][0];
    const H = (q[0] * (D[1][1] * q[0] - D[0][1] * q[1]) + q[1] * (D[0][0] * q[1] - D[1][0] * q[0])) / det;
    expect(rel(h.statistic as number, H)).toBeLessThan(1e-9);
    expect(h.df).toBe(2);
    expect(h.note).toMatch(/not valid with robust or clustered/);
  });

  it('sigmamore scales V_FE by (rmse_RE / σ_e,FE)²', () => {
    const { re, fe } = fit();
    const c = ((re.fit.rmse as number) / (fe.fit.sigma_e as number)) ** 2;
    const scaled: EstimationResult = { ...fe, vcov_matrix: fe.vcov_matrix.map((r) => r.map((v) => v * c)) };
    const [a] = hausman(fe, re, { sigmamore: true });
    const [b] = hausman(scaled, re);
    expect(rel(a.statistic as number, b.statistic as number)).toBeLessThan(1e-12);
    expect(a.note).toMatch(/sigmamore/);
  });

  it('warns when V_FE − V_RE is not positive definite; positiveOnly drops the negative eigenvalues', () => {
    const { re, fe } = fit();
    // Make RE's variance of x2 larger than FE's: V_FE − V_RE gets a negative eigenvalue.
    const i2 = re.coefficients.findIndex((c) => c.term === 'x2');
    const f2 = fe.coefficients.findIndex((c) => c.term === 'x2');
    const bump = 4 * fe.vcov_matrix[f2][f2];
    const bad: EstimationResult = { ...re, vcov_matrix: re.vcov_matrix.map((r, i) => r.map((v, j) => (i === i2 && j === i2 ? v + bump : v))) };
    const [h] = hausman(fe, bad);
    expect(h.note).toMatch(/Warning: V_FE − V_RE is not positive definite \(1 negative/);
    if (typeof h.statistic === 'number') expect(h.df).toBe(2);
    else expect(h.statistic.na).toMatch(/χ² = .* < 0/);
    const [p] = hausman(fe, bad, { positiveOnly: true });
    expect(p.df).toBe(1);
    expect(p.statistic as number).toBeGreaterThanOrEqual(0);
    expect(p.note).toMatch(/positive eigenvalues/);
  });

  it('a rank-deficient difference uses the generalized inverse with df = rank', () => {
    const { re, fe } = fit();
    // V_RE = V_FE − v v' (rank-one difference)
    const fi = ['x1', 'x2'].map((x) => fe.coefficients.findIndex((c) => c.term === x));
    const ri = ['x1', 'x2'].map((x) => re.coefficients.findIndex((c) => c.term === x));
    const v = [Math.sqrt(fe.vcov_matrix[fi[0]][fi[0]]) / 2, Math.sqrt(fe.vcov_matrix[fi[1]][fi[1]]) / 3];
    const V = re.vcov_matrix.map((r) => r.slice());
    ri.forEach((i, a) => ri.forEach((j, b) => (V[i][j] = fe.vcov_matrix[fi[a]][fi[b]] - v[a] * v[b])));
    const [h] = hausman(fe, { ...re, vcov_matrix: V });
    expect(h.df).toBe(1);
    expect(h.note).toMatch(/1 zero of 2 eigenvalues/);
  });

  it('is not applicable with robust or clustered covariances (as Stata refuses), and checks its inputs', () => {
    const { d, re, fe } = fit();
    const reCl = estimateRe(spec({ vcov: 'cluster', cluster: ['id'] }), d.source);
    const [h, m] = hausman(fe, reCl);
    expect(h.statistic).toHaveProperty('na');
    expect(h.note).toMatch(/Mundlak/);
    expect(typeof m.statistic).toBe('number');
    expect(() => hausman(re, fe)).toThrow(AppError);
    expect(() => hausman(fe, { ...re, spec: { ...re.spec, y: 'x1' } })).toThrow(/different variables/);
    const [w] = hausman({ ...fe, nobs: fe.nobs - 1 }, re);
    expect(w.note).toMatch(/different samples/);
  });
});

describe('bad input', () => {
  const d = panel();
  const err = (s: Partial<ModelSpec>, source = d.source) => {
    try {
      estimateRe(spec(s), source);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return (e as AppError).message;
    }
    throw new Error('expected an AppError');
  };

  it('names the problem', () => {
    expect(err({ panel: undefined })).toMatch(/needs the panel id variable/);
    expect(err({ panel: { id: 'nope', time: 't' } })).toMatch(/"nope" is not in the dataset/);
    expect(err({ absorb: ['id'] })).toMatch(/absorbs no fixed effects/);
    expect(err({ options: { intercept: false } })).toMatch(/always estimates the constant/);
    const one = new MemorySource(d.n, { ...d.cols, one: num(new Float64Array(d.n).fill(7)) });
    expect(err({ panel: { id: 'one', time: 't' } }, one)).toMatch(/only one panel: "one" takes a single value/);
    const each = new MemorySource(d.n, { ...d.cols, row: num(Array.from({ length: d.n }, (_, i) => i)) });
    expect(err({ panel: { id: 'row', time: 't' } }, each)).toMatch(/every panel of "row" has a single observation/);
    const text: Column = { kind: 'categorical', codes: new Int32Array(d.n), levels: ['a'] };
    expect(err({ x: ['x1', 'txt'] }, new MemorySource(d.n, { ...d.cols, txt: text }))).toMatch(/regressor "txt" is text/);
    const few = panel({ groups: 3, maxT: 4, balanced: true });
    expect(err({}, few.source)).toMatch(/between regression on the 3 panel means has \d coefficients: random effects needs more panels/);
    expect(err({ vcov: 'cluster', cluster: ['id', 'x1'] })).toMatch(/exactly one variable/);
  });
});

function corr(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((v, i) => {
    sab += (v - ma) * (b[i] - mb);
    saa += (v - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

/** Solve a 3×3 system by Cramer's rule. */
function solve3(A: number[][], b: number[]): number[] {
  const det = (M: number[][]) =>
    M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
  const D = det(A);
  return [0, 1, 2].map((c) => det(A.map((row, i) => row.map((v, j) => (j === c ? b[i] : v)))) / D);
}
