import type { EstimatorDeclaration, OptionCondition } from './types.js';

const NEAREST: OptionCondition[] = [{ key: 'match_method', values: ['nearest'] }];
const KERNEL: OptionCondition[] = [{ key: 'match_method', values: ['kernel'] }];

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
    { key: 'neighbors', kind: 'number', default: 1, integer: true, min: 1, max: 100, labelKey: 'option.neighbors', when: NEAREST },
    { key: 'replacement', kind: 'boolean', default: true, labelKey: 'option.replacement', when: NEAREST },
    // without replacement the order in which treated units pick matters (psmatch2: smallest score first)
    { key: 'match_order', kind: 'choice', default: 'smallest', choices: ['smallest', 'largest', 'data', 'random'], labelKey: 'option.match_order', when: [...NEAREST, { key: 'replacement', values: [false] }] },
    { key: 'caliper', kind: 'number', default: 0, min: 0, labelKey: 'option.caliper', when: [{ key: 'match_method', values: ['nearest', 'radius'] }] },
    { key: 'caliper_unit', kind: 'choice', default: 'score', choices: ['score', 'sd_logit'], labelKey: 'option.caliper_unit' },
    { key: 'common_support', kind: 'boolean', default: false, labelKey: 'option.common_support' },
    { key: 'ate', kind: 'boolean', default: false, labelKey: 'option.ate' },
    { key: 'ties', kind: 'boolean', default: false, labelKey: 'option.ties', when: NEAREST },
    { key: 'tie_rule', kind: 'choice', default: 'psmatch2', choices: ['psmatch2', 'matchit'], labelKey: 'option.tie_rule', when: NEAREST },
    { key: 'match_by', kind: 'choice', default: 'pooled', choices: ['pooled', 'year', 'pre_means'], labelKey: 'option.match_by' },
    { key: 'exact', kind: 'varlist', default: [], allowText: true, labelKey: 'option.exact' },
    { key: 'kernel', kind: 'choice', default: 'epan', choices: ['epan', 'biweight', 'tricube', 'uniform', 'normal'], labelKey: 'option.kernel', when: KERNEL },
    { key: 'bandwidth', kind: 'number', default: 0.06, min: 0, minExclusive: true, labelKey: 'option.bandwidth', when: KERNEL },
    { key: 'seed', kind: 'number', default: 12345, labelKey: 'option.seed' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};
