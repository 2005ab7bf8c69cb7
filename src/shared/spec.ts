// The model spec: the contract between UI, CLI, engine and tests (DESIGN.md "Model spec and result").
// Plain JSON with variable names; validated in shared/validate.ts on every boundary.

export const SPEC_VERSION = 1;

export type EstimatorId = 'ols' | 'fe' | 'hdfe' | 're' | 'iv' | 'gmm' | 'logit' | 'probit' | 'psm' | 'sfa' | 'tfp';
export type VcovType = 'iid' | 'robust' | 'cluster';

export interface PanelSpec {
  id: string;
  time: string;
}

/** Which equation of a system-GMM model an instrument block serves (xtabond2's `equation()`). */
export type GmmEquation = 'diff' | 'level' | 'both';

/** xtabond2 `gmmstyle(var, laglimits(lag_min lag_max) collapse equation(eq))`; lag_max null = all available. */
export interface GmmStyleSpec {
  var: string;
  lag_min: number;
  lag_max?: number | null;
  collapse?: boolean;
  eq?: GmmEquation;
}

/** xtabond2 `ivstyle(var, equation(eq) passthru)`: the variable itself (differenced in the diff equation unless passthru). */
export interface IvStyleSpec {
  var: string;
  eq?: GmmEquation;
  passthru?: boolean;
}

export interface SampleSpec {
  /** Row restriction in the expression language (Stata `if`), e.g. "year >= 2005" or, after matching, "_weight < ." (missing is larger than any number, as in Stata). */
  if?: string;
}

export interface ModelSpec {
  specVersion: number;
  estimator: EstimatorId;
  y: string;
  x: string[];
  absorb: string[];
  endog: string[];
  instruments: string[];
  cluster: string[];
  vcov: VcovType;
  panel?: PanelSpec;
  /** psm: the binary treatment indicator (1 treated, 0 control). */
  treatment?: string;
  sample?: SampleSpec;
  options: {
    intercept?: boolean;
    level?: number;
    /** FE models: drop singleton observations iteratively (reghdfe default: true). */
    singletons?: boolean;
    /** FE models: demeaning tolerance (default 1e-8). */
    tolerance?: number;
    /** re: also run fe and report the Hausman test (default true); sigmamore as Stata. */
    hausman?: boolean;
    sigmamore?: boolean;
    /** iv: 'liml' for limited-information maximum likelihood (default 2SLS); tfp: Olley–Pakes, Levinsohn–Petrin (default) or Ackerberg–Caves–Frazer. */
    method?: '2sls' | 'liml' | 'op' | 'lp' | 'acf';
    /**
     * iv: small-sample statistics (ivreg2's `small`: N−K denominators, t and F instead of z and χ²).
     * 'auto' (default) follows ivreghdfe: on when fixed effects are absorbed, off otherwise (ivreg2).
     */
    small?: 'auto' | 'on' | 'off';
    /** gmm (xtabond2): GMM-style and IV-style instrument blocks. */
    gmm_style?: GmmStyleSpec[];
    iv_style?: IvStyleSpec[];
    /** gmm: system GMM (levels equation added, default true) or difference GMM (false, xtabond2 `noleveleq`). */
    system?: boolean;
    /** gmm: two-step efficient GMM (default true) or one-step. */
    twostep?: boolean;
    /** gmm: first differences (default) or forward orthogonal deviations (`orthogonal`). */
    transform?: 'fd' | 'fod';
    /** gmm: add year dummies as regressors and IV-style instruments. */
    timedummies?: boolean;
    /** gmm: the one-step weighting matrix H as xtabond2's h(1|2|3) (default 3). */
    h?: number;
    /** gmm: highest order of the Arellano–Bond autocorrelation tests (default 2). */
    ar?: number;
    /** psm: how the propensity score is estimated (default probit, as psmatch2 without `logit`). */
    score?: 'logit' | 'probit';
    /** psm: nearest-neighbour count k (default 1). */
    neighbors?: number;
    /** psm: match with replacement (psmatch2 default true; false = without). */
    replacement?: boolean;
    /** psm: maximum score distance (0 or absent = none), in caliper_unit. */
    caliper?: number;
    caliper_unit?: 'score' | 'sd_logit';
    /** psm: keep all controls tied at the k-th distance (psmatch2 `ties`). */
    ties?: boolean;
    /** psm: drop treated outside the controls' score range (psmatch2 `common`). */
    common_support?: boolean;
    /** psm: exact-match cells (e.g. region, industry) before nearest-neighbour matching. */
    exact?: string[];
    /** psm: nearest (default), kernel or radius matching. */
    match_method?: 'nearest' | 'kernel' | 'radius';
    /** psm: kernel bandwidth (default 0.06, psmatch2). */
    bandwidth?: number;
    /** psm: panel variant: pool all rows (default), match within each year, or on pre-treatment means. */
    match_by?: 'pooled' | 'year' | 'pre_means';
    /** psm: also match the controls and report ATU and ATE (psmatch2 `ate`; default off). */
    ate?: boolean;
    /** psm: seed of the random sort order (ties, psmatch2 sorts randomly before matching). */
    seed?: number;
    /** psm without replacement: order in which treated units pick (psmatch2: smallest score first). */
    match_order?: 'smallest' | 'largest' | 'data' | 'random';
    /** psm: how equal distances are broken (psmatch2: the seeded random order; matchit: data order). */
    tie_rule?: 'psmatch2' | 'matchit';
    /** psm kernel matching: the kernel (default Epanechnikov). */
    kernel?: 'epan' | 'biweight' | 'tricube' | 'uniform' | 'normal';
    /** sfa: inefficiency distribution (default half-normal), frontier type, functional form. */
    distribution?: 'hnormal' | 'exponential' | 'tnormal';
    frontier?: 'production' | 'cost';
    form?: 'cd' | 'translog';
    /** sfa: maximisation technique (default newton). */
    technique?: 'newton' | 'bfgs';
    /** sfa: covariates of ln σu² (heteroskedastic inefficiency). */
    uhet?: string[];
    /** sfa: take logs of output and inputs (default true); centre the logs at their means (default true). */
    logs?: boolean;
    center?: boolean;
    /** tfp: state variable (log capital), proxy (log investment for OP, log materials for LP/ACF), stage-1 polynomial degree (default 3), bootstrap replications (default 50). */
    state?: string;
    proxy?: string;
    degree?: number;
    reps?: number;
    [key: string]: unknown;
  };
}

export const INTERCEPT_TERM = '(Intercept)';

/** A spec with every optional list present, so downstream code never checks for undefined. */
export function normalizeSpec(spec: Partial<ModelSpec> & Pick<ModelSpec, 'y'>): ModelSpec {
  return {
    specVersion: spec.specVersion ?? SPEC_VERSION,
    estimator: spec.estimator ?? 'ols',
    y: spec.y,
    x: spec.x ?? [],
    absorb: spec.absorb ?? [],
    endog: spec.endog ?? [],
    instruments: spec.instruments ?? [],
    cluster: spec.cluster ?? [],
    vcov: spec.vcov ?? 'iid',
    ...(spec.panel ? { panel: spec.panel } : {}),
    ...(spec.treatment ? { treatment: spec.treatment } : {}),
    ...(spec.sample ? { sample: spec.sample } : {}),
    options: spec.options ?? {},
  };
}

/** Every variable a spec reads, in a stable order without duplicates. */
export function specVariables(spec: ModelSpec): string[] {
  const names = [spec.y, ...spec.x.map(baseVariable), ...spec.endog, ...spec.instruments, ...spec.cluster];
  if (spec.treatment) names.push(spec.treatment);
  for (const g of spec.options.gmm_style ?? []) names.push(baseVariable(g.var));
  for (const g of spec.options.iv_style ?? []) names.push(baseVariable(g.var));
  for (const e of spec.options.exact ?? []) names.push(e);
  for (const z of spec.options.uhet ?? []) names.push(z);
  for (const v of [spec.options.state, spec.options.proxy]) if (typeof v === 'string' && v !== '') names.push(v);
  for (const a of spec.absorb) names.push(...a.split('#'));
  if (spec.panel) names.push(spec.panel.id, spec.panel.time);
  return [...new Set(names)];
}

/**
 * Time-series operator terms (gmm only): `L.x`, `L2.x` are lags of x by the panel time variable.
 * Returns the lag order and the variable, or null for a plain variable name.
 */
export function parseLagTerm(term: string): { lag: number; variable: string } | null {
  const m = /^L(\d*)\.(.+)$/.exec(term);
  if (!m) return null;
  return { lag: m[1] === '' ? 1 : Number(m[1]), variable: m[2] };
}

/** The dataset variable a term reads (`L2.x` → x). */
export function baseVariable(term: string): string {
  return parseLagTerm(term)?.variable ?? term;
}

/** JSON with sorted keys, so equal specs hash equally whatever order the UI built them in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
