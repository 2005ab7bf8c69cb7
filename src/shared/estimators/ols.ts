import type { EstimatorDeclaration } from './types.js';

export const ols: EstimatorDeclaration = {
  id: 'ols',
  labelKey: 'estimator.ols',
  fields: ['y', 'x', 'cluster'],
  vcovTypes: ['iid', 'robust', 'cluster'],
  multiwayCluster: true,
  defaultVcov: 'iid',
  options: [
    { key: 'intercept', kind: 'boolean', default: true, labelKey: 'option.intercept' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};
