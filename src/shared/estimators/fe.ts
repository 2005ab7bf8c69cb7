import type { EstimatorDeclaration } from './types.js';

/** xtreg, fe: the one-way within estimator on the panel id. */
export const fe: EstimatorDeclaration = {
  id: 'fe',
  labelKey: 'estimator.fe',
  fields: ['y', 'x', 'panel', 'cluster'],
  vcovTypes: ['iid', 'robust', 'cluster'],
  multiwayCluster: true,
  defaultVcov: 'iid',
  options: [{ key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' }],
};
