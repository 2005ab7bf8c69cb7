// Result shapes of the descriptive statistics (summarize / tabstat, pwcorr / correlate / spearman,
// estat vif). Plain JSON: no typed arrays, no NaN. A statistic that cannot be computed is null and
// the row's `na` says why (keyed by the statistic's field name), so a table cell can show the
// reason instead of a made-up number. Shared: main, the renderer and the table builder read them.

export type Stat = number | null;


/**
 * Which rows a statistic uses. 'listwise': rows complete in every selected variable (Stata
 * `correlate`, `tabstat, casewise`, seed tables with one N). 'per_variable': each variable uses all
 * rows where it is present (Stata `summarize`, `tabstat`). 'pairwise': each pair of variables uses
 * the rows where both are present (Stata `pwcorr`).
 */
export type SummarySample = 'listwise' | 'per_variable';
export type CorrelationSample = 'listwise' | 'pairwise';

export interface GroupKey {
  /** The by-variable's value: a number (numeric by) or the level text (categorical by). */
  value: number | string;
  /** Text for a table cell. */
  label: string;
}

export interface PercentileValue {
  /** Percent, 0 < p < 100. */
  p: number;
  value: Stat;
}

export interface SummaryRow {
  variable: string;
  /** Present only in by-group rows; absent for the whole sample (tabstat's "Total"). */
  group?: GroupKey;
  /** Non-missing observations used. */
  n: number;
  mean: Stat;
  /** Standard deviation with the n − 1 divisor. */
  sd: Stat;
  variance: Stat;
  min: Stat;
  p25: Stat;
  median: Stat;
  p75: Stat;
  max: Stat;
  sum: Stat;
  /** `summarize, detail`: m3 / m2^(3/2) with m_r = Σ(x − x̄)^r / n. */
  skewness?: Stat;
  /** `summarize, detail`: m4 / m2² (not excess kurtosis: a normal sample gives ≈ 3). */
  kurtosis?: Stat;
  /** Extra percentiles: 1 5 10 25 50 75 90 95 99 with `detail`, or those asked for. */
  percentiles?: PercentileValue[];
  /** Why a statistic is null, by field name ('sd', 'skewness', 'percentiles', ...). */
  na: Record<string, string>;
}

export interface SummaryResult {
  kind: 'summarize';
  variables: string[];
  sample: SummarySample;
  by: string | null;
  /** Rows in scope (after the caller's row filter). */
  n_input: number;
  /** Rows complete in every variable (listwise only). */
  n_listwise?: number;
  /** Rows in scope whose by-variable is missing (excluded from the by-group rows, as tabstat does). */
  by_missing?: number;
  /** Per variable in order; with `by`, every group's row for that variable and then its total row if asked for. */
  rows: SummaryRow[];
  /** The percentile definition, in words. */
  percentile_rule: string;
  warnings: string[];
}

export interface CorrelationCell {
  /** Pearson r or Spearman's rho; 1 on the diagonal. */
  r: Stat;
  /** Two-sided p-value of t = r √((n − 2)/(1 − r²)) on n − 2 df (Stata `pwcorr, sig`, `spearman`). */
  p_value: Stat;
  /** Observations used by this pair. */
  n: number;
  /** Number of star_levels with p < level (0 to 3 by default). */
  stars: number;
  na?: string;
}

export interface CorrelationResult {
  kind: 'correlate';
  method: 'pearson' | 'spearman';
  sample: CorrelationSample;
  variables: string[];
  /** Symmetric K×K, row i column j = cell of (variables[i], variables[j]). */
  matrix: CorrelationCell[][];
  /** Rows complete in every variable (listwise only). */
  n_listwise?: number;
  /** Significance levels for stars, descending (default 0.1, 0.05, 0.01). */
  star_levels: number[];
  convention: string;
  warnings: string[];
}

export interface VifRow {
  variable: string;
  vif: Stat;
  /** 1/VIF = 1 − R²_j. */
  tolerance: Stat;
  /** R² of x_j on the other regressors and a constant. */
  r2: Stat;
  na?: string;
}

export interface VifResult {
  kind: 'vif';
  nobs: number;
  /** Sorted by VIF, largest first, as `estat vif` shows them (or in input order on request). */
  rows: VifRow[];
  mean_vif: Stat;
  /** Regressors `regress` would omit as collinear with earlier ones: they get no VIF. */
  omitted: { variable: string; reason: string }[];
  convention: string;
  warnings: string[];
}

/** Stata `duplicates report`: observations by number of copies of the key. */
export interface DuplicatesRow {
  /** Observations sharing one key value. */
  copies: number;
  /** Observations in groups of this size (= copies × groups). */
  observations: number;
  /** Observations beyond the first of each group. */
  surplus: number;
}

export interface DuplicatesReport {
  kind: 'duplicates';
  keys: string[];
  nrows: number;
  /** Ascending by copies (Stata `duplicates report`). */
  rows: DuplicatesRow[];
  /** Distinct key values. */
  groups: number;
  /** True when every key value occurs once (the keys identify the observations). */
  unique: boolean;
  note: string;
}

/** A request for descriptive statistics on a dataset (the app, the CLI and the worker share it). */
export interface DescribeRequest {
  kind: 'summarize' | 'correlate' | 'vif' | 'duplicates';
  /** duplicates: the key variables. */
  variables: string[];
  /** summarize: statistics per group of this variable. */
  by?: string;
  /** summarize: per_variable (default) or listwise; correlate: pairwise (default) or listwise. */
  sample?: 'per_variable' | 'listwise' | 'pairwise';
  /** summarize: skewness, kurtosis and the detail percentiles. */
  detail?: boolean;
  /** correlate: pearson (default) or spearman. */
  method?: 'pearson' | 'spearman';
}

export type DescribeResult = SummaryResult | CorrelationResult | VifResult | DuplicatesReport;

/** Variables a request reads. */
export function describeInputs(req: DescribeRequest): string[] {
  return [...new Set([...req.variables, ...(req.by ? [req.by] : [])])];
}
