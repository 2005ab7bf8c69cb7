import type { EstimatorDeclaration } from './types.js';

/**
 * Stata `frontier` / `sfcross`: stochastic production or cost frontier by maximum likelihood on the
 * logs of y and the inputs x (Cobb–Douglas or translog, centred logs), half-normal, exponential or
 * truncated-normal inefficiency; options.uhet (variables) makes ln σu² linear in them. Saves
 * _te_bc and _u_jlms. Conventions: docs/production.md.
 */
export const sfa: EstimatorDeclaration = {
  id: 'sfa',
  labelKey: 'estimator.sfa',
  fields: ['y', 'x'],
  vcovTypes: ['iid'],
  multiwayCluster: false,
  defaultVcov: 'iid',
  options: [
    { key: 'frontier', kind: 'choice', default: 'production', choices: ['production', 'cost'], labelKey: 'option.frontier' },
    { key: 'distribution', kind: 'choice', default: 'hnormal', choices: ['hnormal', 'exponential', 'tnormal'], labelKey: 'option.distribution' },
    { key: 'form', kind: 'choice', default: 'cd', choices: ['cd', 'translog'], labelKey: 'option.form' },
    { key: 'uhet', kind: 'varlist', default: [], labelKey: 'option.uhet' },
    { key: 'technique', kind: 'choice', default: 'newton', choices: ['newton', 'bfgs'], labelKey: 'option.technique' },
    { key: 'logs', kind: 'boolean', default: true, labelKey: 'option.logs' },
    { key: 'center', kind: 'boolean', default: true, labelKey: 'option.center' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};
