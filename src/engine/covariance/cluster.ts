// One-way cluster-robust covariance (Liang–Zeger) with Stata's small-sample factor
// G/(G−1) · (N−1)/(N−K); t and F tests on G−1 degrees of freedom (Stata regress, vce(cluster)).
import { AppError } from '../../shared/errors.js';
import { sandwich } from './sandwich.js';
import type { VcovEstimator } from './types.js';

export const FEW_CLUSTERS = 50;

export const cluster: VcovEstimator = (fit, ctx) => {
  if (ctx.clusters.length !== 1) throw new AppError('ESTIMATION', 'clustered standard errors need exactly one cluster variable here');
  const { variable, ids, groups: G } = ctx.clusters[0];
  if (G < 2) throw new AppError('ESTIMATION', `cluster variable "${variable}" has only ${G} cluster in the estimation sample; clustered standard errors need at least 2`);
  const { n, k, Q: X, resid } = fit;
  // Scores summed within cluster: S is G×k.
  const S = new Float64Array(G * k);
  for (let a = 0; a < k; a++) {
    const xa = X[a];
    for (let i = 0; i < n; i++) S[ids[i] * k + a] += xa[i] * resid[i];
  }
  const M = new Float64Array(k * k);
  for (let g = 0; g < G; g++) {
    const off = g * k;
    for (let a = 0; a < k; a++) {
      const sa = S[off + a];
      if (sa === 0) continue;
      for (let b = a; b < k; b++) M[a * k + b] += sa * S[off + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) M[a * k + b] = M[b * k + a];
  const factor = (G / (G - 1)) * ((n - 1) / (n - k - fit.kAbsorbed));
  const warnings: string[] = [];
  if (G < FEW_CLUSTERS) {
    warnings.push(`only ${G} clusters of "${variable}": cluster-robust standard errors can be unreliable with fewer than ${FEW_CLUSTERS} clusters (consider a wild cluster bootstrap)`);
  }
  return {
    type: 'cluster',
    V: sandwich(fit.Rinv, M, k, factor),
    dof: Math.min(G - 1, n - k - fit.kAbsorbed),
    factor,
    convention: 'CR1: G/(G−1)·(N−1)/(N−K) · (X\'X)⁻¹ Σ_g X_g\'e_g e_g\'X_g (X\'X)⁻¹, t on G−1 df; K counts absorbed FE except those nested in the cluster variable (reghdfe, Stata vce(cluster))',
    clusters: [{ variable, groups: G }],
    warnings,
  };
};
