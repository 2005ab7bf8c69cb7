import type { EstimatorDeclaration } from './types.js';

/**
 * psmatch2 + pstest: propensity score matching of treated to control units on the covariates x,
 * the effect on the outcome y (ATT, ATU, ATE), balance before and after, matching weights.
 */
export const psm: EstimatorDeclaration = {
  id: 'psm',
  labelKey: 'estimator.psm',
  fields: ['y', 'treatment', 'x', 'panel'],
  panelOptional: true,
  vcovTypes: ['iid'],
  multiwayCluster: false,
  defaultVcov: 'iid',
  options: [
    { key: 'score', kind: 'choice', default: 'probit', choices: ['probit', 'logit'], labelKey: 'option.score' },
    { key: 'match_method', kind: 'choice', default: 'nearest', choices: ['nearest', 'kernel', 'radius'], labelKey: 'option.match_method' },
    { key: 'neighbors', kind: 'number', default: 1, labelKey: 'option.neighbors' },
    { key: 'replacement', kind: 'boolean', default: true, labelKey: 'option.replacement' },
    { key: 'caliper', kind: 'number', default: 0, labelKey: 'option.caliper' },
    { key: 'caliper_unit', kind: 'choice', default: 'score', choices: ['score', 'sd_logit'], labelKey: 'option.caliper_unit' },
    { key: 'common_support', kind: 'boolean', default: false, labelKey: 'option.common_support' },
    { key: 'ate', kind: 'boolean', default: false, labelKey: 'option.ate' },
    { key: 'ties', kind: 'boolean', default: false, labelKey: 'option.ties' },
    { key: 'match_by', kind: 'choice', default: 'pooled', choices: ['pooled', 'year', 'pre_means'], labelKey: 'option.match_by' },
    { key: 'bandwidth', kind: 'number', default: 0.06, labelKey: 'option.bandwidth' },
    { key: 'seed', kind: 'number', default: 12345, labelKey: 'option.seed' },
  ],
};
