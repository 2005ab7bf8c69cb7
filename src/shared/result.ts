// The result contract (DESIGN.md): plain data with broom-style names, no reference back to data
// or model. A statistic that does not apply is absent or { na: reason }, never a made-up number.
import type { ModelSpec, VcovType } from './spec.js';

export interface NotApplicable {
  na: string;
}

export interface CoefficientRow {
  term: string;
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
}

export interface ClusterInfo {
  variable: string;
  groups: number;
}

export interface VcovInfo {
  type: VcovType;
  clusters: ClusterInfo[];
  /** Which software convention the small-sample factors follow, stated in words. */
  convention: string;
  /** Degrees of freedom of the t and F reference distributions. */
  dof: number;
  small_sample_factor: number;
  /** Reference distribution of the coefficient tests: Student t (dof) or the normal (z). */
  distribution: 't' | 'normal';
}

export interface FitStats {
  r2: number | NotApplicable;
  adj_r2: number | NotApplicable;
  r2_kind: 'centered' | 'uncentered';
  rmse: number;
  rss: number;
  loglik: number | NotApplicable;
  df_model: number;
  df_resid: number;
  f_stat: number | NotApplicable;
  f_df1?: number;
  f_df2?: number;
  f_p_value?: number;
  [key: string]: number | string | NotApplicable | undefined;
}

export interface Diagnostic {
  /** Stable id for tables and tests (e.g. 'underid', 'weakid_kp', 'overid', 'hausman'). */
  id?: string;
  name: string;
  statistic: number | NotApplicable;
  df?: number;
  /** Denominator df for F statistics. */
  df2?: number;
  p_value?: number;
  note?: string;
}

export interface SampleInfo {
  n_input: number;
  dropped_missing: number;
  dropped_singletons: number;
  groups: Record<string, number>;
}

export interface FixedEffectInfo {
  name: string;
  levels: number;
  /** Levels collinear with earlier fixed effects (connected components / pairwise bound). */
  redundant: number;
  /** Nested in a cluster variable: its levels use no degrees of freedom. */
  nested: boolean;
  /** Degrees of freedom this fixed effect uses: levels − redundant, or 0 when nested. */
  df: number;
}

/** One first-stage regression of an IV model (ivreg2's `first` output), per endogenous regressor. */
export interface FirstStageResult {
  endogenous: string;
  /** Coefficients on every instrument (exogenous regressors and excluded instruments), same SE type as the model. */
  coefficients: CoefficientRow[];
  nobs: number;
  r2: number;
  partial_r2: number;
  shea_partial_r2: number;
  /** F of the excluded instruments (robust/cluster Wald when the model's SEs are), ivreg2 scaling. */
  f_stat: number | NotApplicable;
  f_df1: number;
  f_df2: number;
  f_p_value?: number;
  /** Sanderson–Windmeijer conditional F (equals the first-stage F with one endogenous regressor). */
  sw_f: number | NotApplicable;
  sw_df1: number;
  sw_p_value?: number;
  rmse: number;
}

export interface EstimationResult {
  estimator: string;
  spec: ModelSpec;
  engineVersion: string;
  nobs: number;
  coefficients: CoefficientRow[];
  /** Regressors dropped for collinearity, in spec order, with the reason. */
  omitted: { term: string; reason: string }[];
  vcov: VcovInfo;
  /** Full covariance matrix of the reported coefficients, row-major, same order as coefficients. */
  vcov_matrix: number[][];
  fit: FitStats;
  diagnostics: Diagnostic[];
  sample: SampleInfo;
  fixed_effects: FixedEffectInfo[];
  /** IV models: the first-stage regressions. */
  first_stage?: FirstStageResult[];
  warnings: string[];
  timing_ms: Record<string, number>;
}
