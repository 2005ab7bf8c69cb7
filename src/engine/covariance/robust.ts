// Heteroskedasticity-robust covariance, HC1 (White 1980 with the N/(N−K) factor), as Stata's
// vce(robust): V = N/(N−K) · B (Σ e_i² x_i x_i') B.
import { observationMeat } from './meat.js';
import { sandwich } from './sandwich.js';
import type { VcovEstimator } from './types.js';

export const robust: VcovEstimator = (fit, ctx) => {
  const { n, k, basis, basisToQ, basisCondition, resid } = fit;
  const M = ctx.meat ?? observationMeat(basis, resid, n, k, basisToQ, basisCondition);
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
