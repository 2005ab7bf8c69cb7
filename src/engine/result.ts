// Builds the plain-JSON result (DESIGN.md) from a fit and a covariance estimate. No reference to
// data or model survives: the result can be stored, cached and rendered on its own.
import type { CoefficientRow, Diagnostic, EstimationResult, FitStats, FixedEffectInfo, NotApplicable, SampleInfo } from '../shared/result.js';
import type { ModelSpec } from '../shared/spec.js';
import type { VcovEstimate } from './covariance/index.js';
import { invertSpd, quadForm, subMatrix } from './linalg/small.js';
import type { LinearFit } from './models/linear-fit.js';
import { fUpperP, normalCdf, normalQuantile, tQuantile, tTwoSidedP } from './stats/distributions.js';
import { ENGINE_VERSION } from './version.js';

export interface BuildInput {
  spec: ModelSpec;
  fit: LinearFit;
  vcov: VcovEstimate;
  omitted: string[];
  sample: SampleInfo;
  warnings: string[];
  timing: Record<string, number>;
  fixedEffects?: FixedEffectInfo[];
  diagnostics?: Diagnostic[];
  /** Estimator-specific fit statistics (e.g. xtreg's r2_between, sigma_u). */
  extraFit?: Record<string, number>;
}

export function buildLinearResult({ spec, fit, vcov, omitted, sample, warnings, timing, fixedEffects = [], diagnostics = [], extraFit = {} }: BuildInput): EstimationResult {
  const k = fit.k;
  const level = spec.options.level ?? 0.95;
  const crit = tQuantile(1 - (1 - level) / 2, vcov.dof);
  const coefficients: CoefficientRow[] = fit.terms.map((term, j) => {
    const estimate = fit.beta[j];
    const se = Math.sqrt(vcov.V[j * k + j]);
    const statistic = estimate / se;
    return {
      term,
      estimate,
      std_error: se,
      statistic,
      p_value: tTwoSidedP(statistic, vcov.dof),
      conf_low: estimate - crit * se,
      conf_high: estimate + crit * se,
    };
  });
  const vcovMatrix: number[][] = [];
  for (let i = 0; i < k; i++) vcovMatrix.push(Array.from(vcov.V.subarray(i * k, (i + 1) * k)));

  const dfResid = fit.n - fit.k - fit.kAbsorbed;
  // reghdfe's used_df_r: RMSE and adjusted R² (equal to n − K for OLS)
  const dfStats = fit.dfStats ?? dfResid;
  const dfModel = fit.k - (fit.hasIntercept ? 1 : 0);
  const centered = fit.hasIntercept || fit.absorbsConstant === true;
  const r2 = 1 - fit.rss / fit.tss;
  const adjR2 = 1 - fit.rss / dfStats / (fit.tss / (fit.n - (centered ? 1 : 0)));
  const within =
    fit.tssWithin !== undefined
      ? {
          r2_within: 1 - fit.rss / fit.tssWithin,
          adj_r2_within: 1 - fit.rss / dfStats / (fit.tssWithin / (dfStats + dfModel)),
          demean_iterations: fit.demeanIterations ?? 0,
        }
      : {};
  const fit_: FitStats = {
    r2,
    adj_r2: adjR2,
    ...within,
    r2_kind: centered ? 'centered' : 'uncentered',
    rmse: Math.sqrt(fit.rss / dfStats),
    rss: fit.rss,
    loglik: -0.5 * fit.n * (1 + Math.log(2 * Math.PI) + Math.log(fit.rss / fit.n)),
    df_model: dfModel,
    // reghdfe's e(df_a): degrees of freedom of the absorbed fixed effects (0 without FE)
    df_absorbed: fixedEffects.reduce((sum, f) => sum + f.df, 0),
    df_resid: vcov.type === 'cluster' ? vcov.dof : dfResid,
    ...modelF(fit, vcov),
    ...extraFit,
  };
  const allWarnings = [...warnings, ...omitted.map((t) => `${t} omitted because of collinearity`), ...vcov.warnings];
  return {
    estimator: spec.estimator,
    spec,
    engineVersion: ENGINE_VERSION,
    nobs: fit.n,
    coefficients,
    omitted: omitted.map((term) => ({ term, reason: 'collinear' })),
    vcov: { type: vcov.type, clusters: vcov.clusters, convention: vcov.convention, dof: vcov.dof, small_sample_factor: vcov.factor, distribution: 't' },
    vcov_matrix: vcovMatrix,
    fit: fit_,
    diagnostics,
    sample,
    fixed_effects: fixedEffects,
    warnings: allWarnings,
    timing_ms: timing,
  };
}

/** Wald F of all slopes = 0 (all coefficients without an intercept), as Stata's model F. */
function modelF(fit: LinearFit, vcov: VcovEstimate): { f_stat: number | NotApplicable; f_df1?: number; f_df2?: number; f_p_value?: number } {
  const idx: number[] = [];
  for (let j = 0; j < fit.k; j++) if (j !== fit.interceptIndex) idx.push(j);
  const q = idx.length;
  if (q === 0) return { f_stat: { na: 'no regressors besides the intercept' } };
  if (vcov.type === 'cluster' && q > vcov.dof) {
    return { f_stat: { na: `${q} restrictions but only ${vcov.dof + 1} clusters: the cluster-robust covariance has too low rank for the joint test` } };
  }
  // Scale to a correlation matrix first: slopes of very different magnitudes (NIST Longley) would
  // otherwise cost digits in the Cholesky factorisation.
  const V = subMatrix(vcov.V, fit.k, idx);
  const d = idx.map((_, i) => Math.sqrt(V[i * q + i]));
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) V[i * q + j] /= d[i] * d[j];
  const Vi = invertSpd(V, q);
  if (!Vi) return { f_stat: { na: 'the covariance of the slopes is not of full rank' } };
  const b = Float64Array.from(idx, (j, i) => fit.beta[j] / d[i]);
  const f = quadForm(Vi, b, q) / q;
  return { f_stat: f, f_df1: q, f_df2: vcov.dof, f_p_value: fUpperP(f, q, vcov.dof) };
}

/** z statistics: normal p-values and confidence intervals (xtreg, re; ivreg2 without `small`). */
export function normalInference(rows: CoefficientRow[], level: number): CoefficientRow[] {
  const zCrit = normalQuantile(1 - (1 - level) / 2);
  return rows.map((c) => ({
    ...c,
    p_value: 2 * normalCdf(-Math.abs(c.statistic)),
    conf_low: c.estimate - zCrit * c.std_error,
    conf_high: c.estimate + zCrit * c.std_error,
  }));
}
