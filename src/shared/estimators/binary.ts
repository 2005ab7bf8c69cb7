import type { EstimatorDeclaration } from './types.js';

/** logit (Stata `logit`): maximum likelihood, marginal effects at means and average marginal effects. */
export const logit: EstimatorDeclaration = {
  id: 'logit',
  labelKey: 'estimator.logit',
  fields: ['y', 'x', 'cluster'],
  vcovTypes: ['iid', 'robust', 'cluster'],
  multiwayCluster: false,
  defaultVcov: 'iid',
  options: [
    { key: 'intercept', kind: 'boolean', default: true, labelKey: 'option.intercept' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};

/** probit (Stata `probit`). */
export const probit: EstimatorDeclaration = { ...logit, id: 'probit', labelKey: 'estimator.probit' };
