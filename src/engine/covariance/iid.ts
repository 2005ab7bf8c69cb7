// Conventional (homoskedastic) covariance: s² (X'X)^{-1}, s² = RSS / (N - K - K_absorbed).
import type { VcovEstimator } from './types.js';

export const iid: VcovEstimator = (fit) => {
  const dof = fit.n - fit.k - fit.kAbsorbed;
  const s2 = fit.rss / dof;
  const V = fit.bread.map((b) => b * s2);
  return { type: 'iid', V, dof, factor: 1, convention: 's² (X\'X)⁻¹ with s² = RSS/(N−K), as Stata regress', clusters: [], warnings: [] };
};
