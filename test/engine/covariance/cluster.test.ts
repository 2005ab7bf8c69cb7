// Cluster-robust covariance: one-way CR1 unchanged; multi-way (Cameron, Gelbach & Miller 2011)
// with reghdfe's conventions — inclusion–exclusion over the intersections of the cluster
// variables, ONE factor G/(G−1)·(N−1)/(N−K) with G the smallest cluster count, t on G−1 df, and
// reghdfe_fix_psd when the sum is not positive semi-definite. Every expectation here is computed
// naively (normal equations, string keys for the intersections, closed-form 2×2 eigenvalues).
// estimate() does not validate specs, so the multi-way specs below bypass validateSpec.
import { describe, expect, it } from 'vitest';
import { clusterMeat, clusterMeatByColumn, clusterSubsets, joinIds, symmetricEigen } from '../../../src/engine/covariance/multiway.js';
import { MemorySource, type Column } from '../../../src/engine/data.js';
import { estimate } from '../../../src/engine/estimate.js';
import type { EstimationResult } from '../../../src/shared/result.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg, naiveOls } from '../../helpers.js';

const num = (values: ArrayLike<number>): Column => ({ kind: 'numeric', values: Float64Array.from(values) });
const spec = (s: Partial<ModelSpec>) => normalizeSpec({ y: 'y', vcov: 'cluster', ...s });

type Mat = number[][];
const zeros = (k: number): Mat => Array.from({ length: k }, () => new Array<number>(k).fill(0));
const mul = (A: Mat, B: Mat): Mat => A.map((row) => B[0].map((_, j) => row.reduce((s, v, m) => s + v * B[m][j], 0)));
const scale = (A: Mat, c: number): Mat => A.map((row) => row.map((v) => v * c));

/** Naive CGM: Σ_S (−1)^(|S|+1) Σ_{g ∈ ∩S} s_g s_gᵀ with ∩S keyed by joined strings. */
function naiveMeat(X: Mat, e: number[], clusters: number[][]): Mat {
  const k = X[0].length;
  const Q = clusters.length;
  const M = zeros(k);
  for (let mask = 1; mask < 1 << Q; mask++) {
    const members = [...Array(Q).keys()].filter((q) => mask & (1 << q));
    const sign = members.length % 2 === 1 ? 1 : -1;
    const sums = new Map<string, number[]>();
    X.forEach((row, i) => {
      const key = members.map((q) => clusters[q][i]).join('|');
      const s = sums.get(key) ?? new Array<number>(k).fill(0);
      row.forEach((v, a) => (s[a] += v * e[i]));
      sums.set(key, s);
    });
    for (const s of sums.values()) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) M[a][b] += sign * s[a] * s[b];
  }
  return M;
}

/** Naive multi-way V (before any PSD fix) and its factor. */
function naiveMultiway(y: number[], X: Mat, clusters: number[][]) {
  const n = y.length;
  const k = X[0].length;
  const { XtXinv: B, resid } = naiveOls(y, X);
  const G = Math.min(...clusters.map((c) => new Set(c).size));
  const q = ((n - 1) / (n - k)) * (G / (G - 1));
  return { V: scale(mul(mul(B, naiveMeat(X, resid, clusters)), B), q), q, G };
}

/** Eigenvalues / unit eigenvectors of a symmetric 2×2 in closed form. */
function eig2(A: Mat): { values: [number, number]; vectors: [[number, number], [number, number]] } {
  const [a, b, d] = [A[0][0], A[0][1], A[1][1]];
  const m = (a + d) / 2;
  const r = Math.hypot((a - d) / 2, b);
  const values: [number, number] = [m - r, m + r];
  const vec = (l: number): [number, number] => {
    const v: [number, number] = Math.abs(b) > 0 ? [b, l - a] : l === a ? [1, 0] : [0, 1];
    const h = Math.hypot(v[0], v[1]);
    return [v[0] / h, v[1] / h];
  };
  return { values, vectors: [vec(values[0]), vec(values[1])] };
}
function clip2(A: Mat): Mat {
  const { values, vectors } = eig2(A);
  const out = zeros(2);
  values.forEach((l, m) => {
    if (l <= 0) return;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) out[i][j] += l * vectors[m][i] * vectors[m][j];
  });
  return out;
}

const vcovOf = (r: EstimationResult): Mat => r.vcov_matrix;
function expectMatClose(A: Mat, B: Mat, tol: number, what = '') {
  const sc = Math.max(...B.flat().map(Math.abs));
  A.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - B[i][j]) / sc, `${what} [${i}][${j}]`).toBeLessThan(tol)));
}

function panelFixture(n = 400, seed = 11) {
  const u = lcg(seed);
  const a = Array.from({ length: n }, () => Math.floor(u() * 7));
  const b = Array.from({ length: n }, () => Math.floor(u() * 11));
  const c = Array.from({ length: n }, () => Math.floor(u() * 5));
  const shockA = Array.from({ length: 7 }, () => u() - 0.5);
  const shockB = Array.from({ length: 11 }, () => u() - 0.5);
  const shockC = Array.from({ length: 5 }, () => u() - 0.5);
  const x1 = Array.from({ length: n }, (_, i) => u() * 4 + shockA[a[i]]);
  const x2 = Array.from({ length: n }, (_, i) => u() - 0.5 + shockB[b[i]]);
  const y = x1.map((v, i) => 1 + 0.5 * v - x2[i] + 2 * shockA[a[i]] + 2 * shockB[b[i]] + 2 * shockC[c[i]] + (u() - 0.5));
  const source = new MemorySource(n, { y: num(y), x1: num(x1), x2: num(x2), a: num(a), b: num(b), c: num(c) });
  return { n, y, x1, x2, a, b, c, source };
}

describe('one-way clustering is unchanged', () => {
  it('CR1 equals the textbook formula, with the same convention, dof, clusters and warning', () => {
    const { n, y, x1, x2, a, source } = panelFixture();
    const r = estimate(spec({ x: ['x1', 'x2'], cluster: ['a'] }), source);
    const X = x1.map((v, i) => [1, v, x2[i]]);
    const { V, q, G } = naiveMultiway(y, X, [a]);
    expect(G).toBe(7);
    expect(q).toBe((7 / 6) * ((n - 1) / (n - 3)));
    expectMatClose(vcovOf(r), V, 1e-11, 'one-way V');
    expect(r.vcov.small_sample_factor).toBe((7 / 6) * ((n - 1) / (n - 3)));
    expect(r.vcov.dof).toBe(6);
    expect(r.vcov.clusters).toEqual([{ variable: 'a', groups: 7 }]);
    expect(r.vcov.convention).toBe("CR1: G/(G−1)·(N−1)/(N−K) · (X'X)⁻¹ Σ_g X_g'e_g e_g'X_g (X'X)⁻¹, t on G−1 df; K counts absorbed FE except those nested in the cluster variable (reghdfe, Stata vce(cluster))");
    expect(r.warnings.filter((w) => w.includes('clusters of'))).toEqual([
      'only 7 clusters of "a": cluster-robust standard errors can be unreliable with fewer than 50 clusters (consider a wild cluster bootstrap)',
    ]);
  });

  it('the same variable twice is one-way clustering (M + M − M), by the multi-way path', () => {
    const { source } = panelFixture();
    const one = estimate(spec({ x: ['x1', 'x2'], cluster: ['b'] }), source);
    const two = estimate(spec({ x: ['x1', 'x2'], cluster: ['b', 'b'] }), source);
    expectMatClose(vcovOf(two), vcovOf(one), 1e-12, 'b,b vs b');
    expect(two.vcov.small_sample_factor).toBe(one.vcov.small_sample_factor);
    expect(two.vcov.convention).toMatch(/2-way/);
  });
});

describe('multi-way clustering (reghdfe)', () => {
  it('two-way: inclusion–exclusion, one factor with the smallest G, t on G−1 df', () => {
    const { n, y, x1, x2, a, b, source } = panelFixture();
    const r = estimate(spec({ x: ['x1', 'x2'], cluster: ['b', 'a'] }), source);
    const X = x1.map((v, i) => [1, v, x2[i]]);
    const { V, q } = naiveMultiway(y, X, [b, a]);
    expect(r.warnings.join(' ')).not.toMatch(/semi-definite/);
    expectMatClose(vcovOf(r), V, 1e-11, 'two-way V');
    expect(r.vcov.small_sample_factor).toBeCloseTo(q, 14);
    expect(r.vcov.small_sample_factor).toBe((7 / 6) * ((n - 1) / (n - 3)));
    expect(r.vcov.dof).toBe(6);
    expect(r.vcov.clusters).toEqual([
      { variable: 'b', groups: 11 },
      { variable: 'a', groups: 7 },
    ]);
    expect(r.vcov.convention).toMatch(/2-way: b, a/);
    expect(r.vcov.convention).toContain('G = 7');
    expect(r.vcov.convention).toContain('"a"');
    expect(r.warnings.filter((w) => w.includes('clusters of'))).toHaveLength(2);
    expect(r.fit.f_df2).toBe(6);
  });

  it('three-way runs and matches the naive inclusion–exclusion over all 7 subsets', () => {
    const { y, x1, x2, a, b, c, source } = panelFixture();
    const r = estimate(spec({ x: ['x1', 'x2'], cluster: ['a', 'b', 'c'] }), source);
    const X = x1.map((v, i) => [1, v, x2[i]]);
    const { V, q, G } = naiveMultiway(y, X, [a, b, c]);
    expect(G).toBe(5);
    expect(r.warnings.join(' ')).not.toMatch(/semi-definite/);
    expectMatClose(vcovOf(r), V, 1e-11, 'three-way V');
    r.coefficients.forEach((co, j) => expect(co.std_error / Math.sqrt(V[j][j])).toBeCloseTo(1, 11));
    expect(r.vcov.small_sample_factor).toBeCloseTo(q, 14);
    expect(r.vcov.dof).toBe(4);
    expect(r.vcov.clusters.map((x) => [x.variable, x.groups])).toEqual([
      ['a', 7],
      ['b', 11],
      ['c', 5],
    ]);
    expect(r.vcov.convention).toMatch(/3-way: a, b, c/);
    expect(r.vcov.convention).toContain('7 non-empty subsets');
    expect(r.warnings.filter((w) => /only \d+ clusters of "[abc]"/.test(w))).toHaveLength(3);
  });

  it('a one-level cluster variable is refused, naming it', () => {
    const { n, source } = panelFixture();
    const withOne = new MemorySource(n, { ...Object.fromEntries(['y', 'x1', 'x2', 'a'].map((k) => [k, source.get(k)])), one: num(new Float64Array(n).fill(3)) });
    expect(() => estimate(spec({ x: ['x1'], cluster: ['a', 'one'] }), withOne)).toThrow(/cluster variable "one" has only 1 cluster/);
  });
});

describe('a CGM sum that is not positive semi-definite', () => {
  // One observation per cell of a 20×12 grid; y is a ±2 checkerboard (plus a little noise), whose
  // sums within every row and every column vanish: M_row + M_col − M_cell ≈ −Σ e² for the constant.
  function grid(intercept: boolean) {
    const u = lcg(5);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < 20; i++) for (let j = 0; j < 12; j++) (rows.push(i), cols.push(j));
    const n = rows.length;
    const x = rows.map(() => u() * 2 - 1);
    const near1 = rows.map(() => 1 + 0.05 * (u() - 0.5));
    const y = rows.map((i, t) => 2 * (-1) ** (i + cols[t]) + 0.3 * (u() - 0.5) + 0.2 * x[t]);
    const source = new MemorySource(n, { y: num(y), x: num(x), near1: num(near1), r: num(rows), c: num(cols) });
    const X = intercept ? x.map((v) => [1, v]) : x.map((v, t) => [near1[t], v]);
    return { source, X, y, rows, cols };
  }

  it('with a constant: eigenvalues clipped at 0, then the slopes block replaced by its own fix (reghdfe_fix_psd)', () => {
    const { source, X, y, rows, cols } = grid(true);
    const raw = naiveMultiway(y, X, [rows, cols]).V;
    expect(Math.min(...eig2(raw).values)).toBeLessThan(0); // the construction works
    expect(raw[0][0]).toBeLessThan(0); // the constant's "variance" is negative
    const expected = clip2(raw);
    expected[1][1] = Math.max(raw[1][1], 0); // the 1×1 slopes block, fixed on its own
    const r = estimate(spec({ x: ['x'], cluster: ['r', 'c'] }), source);
    expect(r.coefficients.map((co) => co.term)).toEqual(['(Intercept)', 'x']);
    expectMatClose(vcovOf(r), expected, 1e-10, 'fixed V');
    expect(r.vcov_matrix[0][0]).toBeGreaterThanOrEqual(0);
    const w = r.warnings.find((s) => s.includes('semi-definite')) as string;
    expect(w).toMatch(/^the 2-way cluster-robust covariance was not positive semi-definite \(smallest eigenvalue -\d/);
    expect(w).toContain('negative eigenvalues were set to zero (Cameron, Gelbach & Miller 2011 fix, as reghdfe)');
    expect(w).toMatch(/slopes' block/);
    // the reported factor and dof are the ordinary ones
    expect(r.vcov.dof).toBe(11);
  });

  it('without a constant: V = U diag(max(λ, 0)) Uᵀ, which is positive semi-definite', () => {
    const { source, X, y, rows, cols } = grid(false);
    const raw = naiveMultiway(y, X, [rows, cols]).V;
    const ev = eig2(raw).values;
    expect(ev[0]).toBeLessThan(0);
    expect(ev[1]).toBeGreaterThan(0);
    const r = estimate(spec({ x: ['near1', 'x'], cluster: ['r', 'c'], options: { intercept: false } }), source);
    expectMatClose(vcovOf(r), clip2(raw), 1e-10, 'clipped V');
    const after = eig2(vcovOf(r)).values;
    expect(after[0]).toBeGreaterThanOrEqual(-1e-12 * after[1]);
    expect(after[1] / ev[1]).toBeCloseTo(1, 10);
    expect(r.warnings.join(' ')).toMatch(/not positive semi-definite.*negative eigenvalues were set to zero/);
    expect(r.warnings.join(' ')).not.toMatch(/slopes' block/);
    // a rank-1 covariance: the joint F test is not available rather than made up
    expect(r.fit.f_stat).toEqual({ na: expect.any(String) });
  });
});

describe('multi-way helpers', () => {
  it('clusterSubsets: reghdfe order (by size, then lexicographic) and inclusion–exclusion signs', () => {
    expect(clusterSubsets(3)).toEqual([
      { members: [0], sign: 1 },
      { members: [1], sign: 1 },
      { members: [2], sign: 1 },
      { members: [0, 1], sign: -1 },
      { members: [0, 2], sign: -1 },
      { members: [1, 2], sign: -1 },
      { members: [0, 1, 2], sign: 1 },
    ]);
    expect(clusterSubsets(4)).toHaveLength(15);
  });

  it('joinIds gives the joint levels, densely numbered, by table and by hash map', () => {
    const u = lcg(3);
    for (const [n, ga, gb] of [
      [500, 9, 13],
      [300, 5000, 6000], // ga·gb far above the table size: hash map
    ]) {
      const a = Int32Array.from({ length: n }, () => Math.floor(u() * Math.min(ga, 40)));
      const b = Int32Array.from({ length: n }, () => Math.floor(u() * Math.min(gb, 40)));
      const { ids, groups } = joinIds(a, ga, b, gb);
      const keys = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const key = `${a[i]}|${b[i]}`;
        if (!keys.has(key)) keys.set(key, ids[i]);
        expect(ids[i]).toBe(keys.get(key));
      }
      expect(groups).toBe(keys.size);
      expect(new Set(ids).size).toBe(groups);
      expect(Math.max(...ids)).toBe(groups - 1);
    }
  });

  it('the multi-way meat (by column; singleton clusters in blocks of rows) equals the one-way meat', () => {
    const u = lcg(4);
    const n = 5000; // not a multiple of the 2048-row block
    const k = 4;
    const X = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => u() - 0.3));
    const e = Float64Array.from({ length: n }, () => u() - 0.5);
    const grouped = Int32Array.from({ length: n }, () => Math.floor(u() * 37));
    const singletons = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n); // a permutation: G = n
    for (const [ids, G] of [
      [grouped, 37],
      [singletons, n],
    ] as const) {
      const a = clusterMeat(X, e, ids, G, n, k);
      const b = clusterMeatByColumn(X, e, ids, G, n, k);
      const sc = Math.max(...Array.from(a, Math.abs));
      for (let i = 0; i < k * k; i++) expect(Math.abs(a[i] - b[i]) / sc).toBeLessThan(1e-13);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(b[i * k + j]).toBe(b[j * k + i]);
    }
  });

  it('the meat of sorted clusters (run sums, 4 or 8 columns a pass) equals the naive Σ_g s_g s_gᵀ for 1–13 columns', () => {
    const u = lcg(12);
    const n = 4500; // not a multiple of the 2048-row block: runs straddle blocks
    const sortedIds = new Int32Array(n);
    for (let i = 1, g = 0; i < n; i++) sortedIds[i] = u() < 0.2 ? ++g : g;
    const G = sortedIds[n - 1] + 1;
    const shuffledIds = Int32Array.from({ length: n }, () => Math.floor(u() * G)); // scattered sums
    const e = Float64Array.from({ length: n }, () => u() - 0.5);
    for (let k = 1; k <= 13; k++) {
      const X = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => u() - 0.3));
      for (const ids of [sortedIds, shuffledIds]) {
        const S = Array.from({ length: k }, () => new Float64Array(G));
        for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) S[a][ids[i]] += X[a][i] * e[i];
        const M = clusterMeat(X, e, ids, G, n, k);
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++) {
            let ref = 0;
            for (let g = 0; g < G; g++) ref += S[a][g] * S[b][g];
            expect(Math.abs(M[a * k + b] - ref)).toBeLessThan(1e-12 * (1 + Math.abs(ref)));
          }
      }
    }
  });

  it('symmetricEigen (Jacobi): A = U diag(λ) Uᵀ with U orthogonal', () => {
    const u = lcg(9);
    const k = 6;
    const A = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) A[i * k + j] = A[j * k + i] = u() - 0.5 + (i === j ? 0.3 * i - 1 : 0);
    const { values, vectors: U } = symmetricEigen(A, k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let rec = 0;
        let orth = 0;
        for (let m = 0; m < k; m++) {
          rec += U[i * k + m] * values[m] * U[j * k + m];
          orth += U[m * k + i] * U[m * k + j];
        }
        expect(Math.abs(rec - A[i * k + j])).toBeLessThan(1e-14);
        expect(Math.abs(orth - (i === j ? 1 : 0))).toBeLessThan(1e-14);
      }
    expect(Math.min(...values)).toBeLessThan(0); // an indefinite test matrix
    const two = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values;
    expect([...two].sort((p, q) => p - q).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 3]);
  });
});
