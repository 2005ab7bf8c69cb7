import type { EstimatorDeclaration } from './types.js';

/**
 * ivreg2 / ivreghdfe: 2SLS (or LIML) with exogenous regressors, endogenous regressors and excluded
 * instruments, optionally absorbing fixed effects; first stages and weak-instrument diagnostics.
 */
export const iv: EstimatorDeclaration = {
  id: 'iv',
  labelKey: 'estimator.iv',
  fields: ['y', 'x', 'endog', 'instruments', 'absorb', 'cluster'],
  vcovTypes: ['iid', 'robust', 'cluster'],
  multiwayCluster: true,
  defaultVcov: 'cluster',
  absorbOptional: true,
  options: [
    { key: 'method', kind: 'choice', default: '2sls', choices: ['2sls', 'liml'], labelKey: 'option.method' },
    { key: 'small', kind: 'choice', default: 'auto', choices: ['auto', 'on', 'off'], labelKey: 'option.small' },
    { key: 'singletons', kind: 'boolean', default: true, labelKey: 'option.singletons' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
    { key: 'intercept', kind: 'boolean', default: true, labelKey: 'option.intercept' },
    { key: 'tolerance', kind: 'number', default: 1e-8, min: 0, minExclusive: true, max: 1e-2, labelKey: 'option.tolerance' },
  ],
};
