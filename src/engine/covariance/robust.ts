// Heteroskedasticity-robust covariance, HC1 (White 1980 with the N/(N−K) factor), as Stata's
// vce(robust): V = N/(N−K) · B (Σ e_i² x_i x_i') B.
import { sandwich } from './sandwich.js';
import type { VcovEstimator } from './types.js';

export const robust: VcovEstimator = (fit) => {
  const { n, k, Q: X, resid } = fit;
  const M = new Float64Array(k * k);
  const e2 = new Float64Array(n);
  for (let i = 0; i < n; i++) e2[i] = resid[i] * resid[i];
  for (let a = 0; a < k; a++) {
    const xa = X[a];
    for (let b = a; b < k; b++) {
      const xb = X[b];
      let s = 0;
      for (let i = 0; i < n; i++) s += e2[i] * xa[i] * xb[i];
      M[a * k + b] = s;
      M[b * k + a] = s;
    }
  }
  const dof = n - k - fit.kAbsorbed;
  const factor = n / dof;
  return {
    type: 'robust',
    V: sandwich(fit.Rinv, M, k, factor),
    dof,
    factor,
    convention: 'HC1: N/(N−K) · (X\'X)⁻¹ Σ e²xx\' (X\'X)⁻¹, as Stata vce(robust)',
    clusters: [],
    warnings: [],
  };
};
