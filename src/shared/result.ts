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
  /** Rows left out by the model's sample restriction (spec.sample.if), included in dropped_missing. */
  excluded_by_if?: number;
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

/** One regressor's marginal effect on P(y = 1): average (AME) and at the means (MEM), delta-method SEs. */
export interface MarginalEffectRow {
  term: string;
  ame: number;
  ame_se: number;
  ame_z: number;
  ame_p: number;
  ame_conf_low: number;
  ame_conf_high: number;
  mem: number;
  mem_se: number;
  mem_z: number;
  mem_p: number;
  mem_conf_low: number;
  mem_conf_high: number;
}

/**
 * logit/probit: Stata `margins, dydx(*)` (AME) and `margins, dydx(*) atmeans` (MEM). Every regressor
 * is treated as continuous (dP/dx, as margins without factor-variable notation); the SEs use the
 * model's covariance (iid, robust or cluster) by the delta method, the covariates held fixed.
 */
export interface MarginsResult {
  rows: MarginalEffectRow[];
  /** The covariate means the MEM is evaluated at. */
  at_means: Record<string, number>;
  note: string;
}

/** A psmatch2 treatment-effect line (Unmatched, ATT, ATU, ATE). */
export interface PsmEffect {
  estimate: number;
  /** Mean outcome of the treated (ATT: on support) and of their matched counterfactual. */
  treated_mean: number;
  control_mean: number;
  std_error: number | NotApplicable;
  statistic?: number;
  /** Two-sided normal p-value of the statistic (psmatch2 prints only the t statistic). */
  p_value?: number;
  /** Units the effect averages over (ATT: treated on support; ATU: controls on support). */
  n: number;
}

/** One covariate of the pstest balance table (pstest, both). */
export interface PsmBalanceRow {
  term: string;
  mean_treated_unmatched: number;
  mean_control_unmatched: number;
  mean_treated_matched: number;
  mean_control_matched: number;
  /** Standardised % bias 100·(x̄_T − x̄_C)/√((s²_T + s²_C)/2), unmatched variances in both rows. */
  bias_unmatched: number;
  bias_matched: number;
  /** −100·(|bias_m| − |bias_u|)/|bias_u|. */
  bias_reduction: number | NotApplicable;
  t_unmatched: number;
  p_unmatched: number;
  /** Weighted regression of x on the treatment (pstest: iweights), df = Σw − 2. */
  t_matched: number;
  p_matched: number;
  /** V(T)/V(C) for non-binary covariates; { na } for 0/1 variables (pstest prints a dot). */
  var_ratio_unmatched: number | NotApplicable;
  var_ratio_matched: number | NotApplicable;
}

/** pstest's summary line for the unmatched or the matched sample. */
export interface PsmSummaryRow {
  sample: 'unmatched' | 'matched';
  /** Probit of the treatment on the covariates (pstest always uses a probit), weighted when matched. */
  pseudo_r2: number | NotApplicable;
  lr_chi2: number | NotApplicable;
  lr_p: number | NotApplicable;
  mean_bias: number;
  median_bias: number;
  /** Rubin's B (standardised % difference of the probit index) and R (variance ratio of the index). */
  rubin_b: number | NotApplicable;
  rubin_r: number | NotApplicable;
  /** % of continuous covariates whose variance ratio lies outside the 2.5/97.5% F(N_T−1, N_T−1) bounds. */
  pct_var_outside: number | NotApplicable;
}

/** Propensity-score matching (psmatch2 + pstest) summary; the coefficients are the score model's. */
export interface PsmResult {
  treatment: string;
  outcome: string;
  method: 'nearest' | 'kernel' | 'radius';
  score_model: 'logit' | 'probit';
  /** What the matching distance is: the probability ('pscore') or the linear index ('index'). */
  distance: 'pscore' | 'index';
  neighbors: number;
  replacement: boolean;
  ties: boolean;
  common_support: boolean;
  /** Caliper (or radius) in distance units, null when none. */
  caliper: number | null;
  bandwidth: number | null;
  kernel: string | null;
  exact: string[];
  match_by: 'pooled' | 'year' | 'pre_means';
  /** Order in which treated units are matched without replacement. */
  match_order: string;
  seed: number;
  effects: { unmatched: PsmEffect; att: PsmEffect; atu?: PsmEffect | NotApplicable; ate?: PsmEffect | NotApplicable };
  counts: {
    treated: number;
    controls: number;
    treated_on_support: number;
    treated_off_support: number;
    controls_on_support: number;
    /** Controls with a positive matching weight. */
    controls_matched: number;
    /** Treated–control pairs formed (sum over treated of their matches). */
    matches: number;
    /** Exact-matching cells (or years) with both treated and controls. */
    cells: number;
  };
  balance: PsmBalanceRow[];
  summary: PsmSummaryRow[];
  notes: string[];
  /** Score densities for the charts (src/shared/chart/psm-density.ts, docs/charts.md); absent in older results. */
  density?: PsmDensity;
}

/** One kernel density curve of the propensity score on PsmDensity.grid. */
export interface PsmDensityCurve {
  /** Units in the curve (matched controls: those with a positive weight). */
  n: number;
  /** Silverman's rule-of-thumb bandwidth (R bw.nrd0; Kish's effective n when weighted); 0 when n = 0. */
  bandwidth: number;
  /** Density at each grid point (integrates to about 1 unless the [0, 1] clip cuts a tail). */
  density: number[];
}

/** Gaussian kernel densities of the score: treated vs controls, unmatched and matched (weighted by _weight). */
export interface PsmDensity {
  kernel: 'gaussian';
  bandwidth_rule: 'silverman';
  /** 100 evenly spaced score values: the scores ± 3 of the largest bandwidth, clipped to [0, 1]. */
  grid: number[];
  unmatched: { treated: PsmDensityCurve; controls: PsmDensityCurve };
  matched: { treated: PsmDensityCurve; controls: PsmDensityCurve };
}

/** An estimate with its (delta-method) standard error. */
export interface EstimateSe {
  estimate: number;
  std_error: number;
}

/** Stochastic frontier (Stata frontier/sfcross) summary; conventions in docs/production.md. */
export interface SfaResult {
  distribution: 'hnormal' | 'exponential' | 'tnormal';
  frontier: 'production' | 'cost';
  form: 'cd' | 'translog';
  centered: boolean;
  logs: boolean;
  inputs: string[];
  /** Covariates of ln σu² (heteroskedastic inefficiency); empty when σu is constant. */
  uhet: string[];
  sigma_v: EstimateSe;
  sigma_u: EstimateSe | NotApplicable;
  sigma2: EstimateSe | NotApplicable;
  lambda: EstimateSe | NotApplicable;
  gamma: EstimateSe | NotApplicable;
  mu?: EstimateSe;
  loglik: number;
  ll_ols: number;
  lr_no_inefficiency: { statistic: number; df: number; p_value: number; kodde_palm_5pct: number };
  lr_cd_translog?: { statistic: number; df: number; p_value: number; loglik_cd: number };
  ols_skewness: number;
  wrong_skewness: boolean;
  mean_te_bc: number;
  mean_u_jlms: number;
  /** Output (cost) elasticities at the mean of the logs, and their sum (returns to scale). */
  elasticities: { input: string; estimate: number; std_error: number }[];
  returns_to_scale: EstimateSe;
  convergence: { technique: string; converged: boolean; iterations: number; scaled_gradient: number; message: string; starts: { label: string; loglik: number; converged: boolean; iterations: number }[] };
  notes: string[];
}

/** Control-function production function (prodest OP / LP / ACF) summary; conventions in docs/production.md (## TFP). */
export interface TfpResult {
  method: 'op' | 'lp' | 'acf';
  /** Value added or gross output (the intermediate input is then also an input with a coefficient). */
  output: 'va' | 'gross';
  free: string[];
  state: string;
  proxy: string;
  /** Degree of the stage-1 polynomial and of the law of motion g(ω_{t−1}). */
  degree: number;
  law_degree: number;
  reps: number;
  /** Bootstrap replications that were estimated (the SEs use these). */
  reps_ok: number;
  seed: number;
  firms: number;
  nobs_stage1: number;
  /** Rows with the previous period in the sample (the GMM moments' sample). */
  nobs_stage2: number;
  returns_to_scale: EstimateSe;
  /** OLS (pooled, intercept) and within (firm FE) production functions on the same sample. */
  comparison: { ols: { term: string; estimate: number }[]; fe: { term: string; estimate: number }[]; ols_rts: number; fe_rts: number };
  criterion: number;
  starts: { label: string; start: number[]; beta: number[]; criterion: number; converged: boolean; iterations: number }[];
  mean_ltfp: number;
  sd_ltfp: number;
  notes: string[];
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
  /** logit/probit: average marginal effects and marginal effects at the means. */
  margins?: MarginsResult;
  /** psm: effects, matching counts and the balance table. */
  psm?: PsmResult;
  /** sfa: variance parameters, LR tests, efficiency summary, elasticities, convergence. */
  sfa?: SfaResult;
  /** tfp: method, returns to scale, OLS/FE comparison, bootstrap and second-stage details. */
  tfp?: TfpResult;
  warnings: string[];
  timing_ms: Record<string, number>;
}
