import type { EstimatorDeclaration } from './types.js';

/** xtreg, re: Swamy–Arora random effects (GLS), with the Hausman test against fe by default. */
export const re: EstimatorDeclaration = {
  id: 're',
  labelKey: 'estimator.re',
  fields: ['y', 'x', 'panel', 'cluster'],
  vcovTypes: ['iid', 'robust', 'cluster'],
  multiwayCluster: false,
  defaultVcov: 'iid',
  options: [
    { key: 'hausman', kind: 'boolean', default: true, labelKey: 'option.hausman' },
    { key: 'sigmamore', kind: 'boolean', default: false, labelKey: 'option.sigmamore' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};
