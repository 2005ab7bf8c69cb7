// Minimal stored results for the chart tests: only the fields the collectors read are realistic.
import type { CoefficientRow, EstimationResult, PsmBalanceRow } from '../../src/shared/result.js';
import { normalizeSpec } from '../../src/shared/spec.js';

export function coef(term: string, estimate: number, se: number, crit = 1.959963984540054): CoefficientRow {
  return { term, estimate, std_error: se, statistic: estimate / se, p_value: 0.01, conf_low: estimate - crit * se, conf_high: estimate + crit * se };
}

export function fakeResult(y: string, rows: CoefficientRow[], level?: number): EstimationResult {
  const spec = normalizeSpec({ estimator: 'ols', y, x: rows.map((r) => r.term).filter((t) => t !== '(Intercept)'), vcov: 'robust', options: level === undefined ? {} : { level } });
  return {
    estimator: 'ols',
    spec,
    engineVersion: 'test',
    nobs: 100,
    coefficients: rows,
    omitted: [],
    vcov: { type: 'robust', clusters: [], convention: 'test', dof: 97, small_sample_factor: 1, distribution: 't' },
    vcov_matrix: [],
    fit: { r2: 0.5, adj_r2: 0.49, r2_kind: 'centered', rmse: 1, rss: 1, loglik: 0, df_model: 2, df_resid: 97, f_stat: 1 },
    diagnostics: [],
    sample: { n_input: 100, dropped_missing: 0, dropped_singletons: 0, groups: {} },
    fixed_effects: [],
    warnings: [],
    timing_ms: {},
  };
}

export function balanceRow(term: string, bu: number, bm: number): PsmBalanceRow {
  return {
    term,
    mean_treated_unmatched: 1,
    mean_control_unmatched: 0.5,
    mean_treated_matched: 1,
    mean_control_matched: 0.9,
    bias_unmatched: bu,
    bias_matched: bm,
    bias_reduction: -100 * ((Math.abs(bm) - Math.abs(bu)) / Math.abs(bu)),
    t_unmatched: 3,
    p_unmatched: 0.01,
    t_matched: 0.5,
    p_matched: 0.6,
    var_ratio_unmatched: 1.1,
    var_ratio_matched: 1.0,
  };
}
