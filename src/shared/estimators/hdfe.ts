import type { EstimatorDeclaration } from './types.js';

/** reghdfe: any number of absorbed fixed effects, including interactions such as industry#year. */
export const hdfe: EstimatorDeclaration = {
  id: 'hdfe',
  labelKey: 'estimator.hdfe',
  fields: ['y', 'x', 'absorb', 'cluster'],
  vcovTypes: ['iid', 'robust', 'cluster'],
  multiwayCluster: true,
  defaultVcov: 'cluster',
  options: [
    { key: 'singletons', kind: 'boolean', default: true, labelKey: 'option.singletons' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
    { key: 'tolerance', kind: 'number', default: 1e-8, min: 0, minExclusive: true, max: 1e-2, labelKey: 'option.tolerance' },
  ],
};
