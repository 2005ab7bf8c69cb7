import type { EstimatorDeclaration } from './types.js';

/**
 * Stata prodest / levpet / opreg, R prodest: production function by Olley–Pakes (investment proxy),
 * Levinsohn–Petrin (intermediate-input proxy) or the Ackerberg–Caves–Frazer correction.
 * y = log value added (output 'va', the default here) or log gross output ('gross', Stata prodest's
 * default: the intermediate-input proxy is also an input; LP and ACF only), x = free input(s) (log
 * labour), options.state (log capital) and options.proxy; firm-block bootstrap SEs. Saves _ltfp.
 * Conventions: docs/production.md (## TFP).
 */
export const tfp: EstimatorDeclaration = {
  id: 'tfp',
  labelKey: 'estimator.tfp',
  fields: ['y', 'x', 'panel'],
  vcovTypes: ['iid'],
  multiwayCluster: false,
  defaultVcov: 'iid',
  options: [
    { key: 'method', kind: 'choice', default: 'lp', choices: ['op', 'lp', 'acf'], labelKey: 'option.method' },
    { key: 'output', kind: 'choice', default: 'va', choices: ['va', 'gross'], labelKey: 'option.tfpOutput', when: [{ key: 'method', values: ['lp', 'acf'] }] },
    { key: 'state', kind: 'variable', default: '', labelKey: 'option.state' },
    { key: 'proxy', kind: 'variable', default: '', labelKey: 'option.proxy' },
    { key: 'degree', kind: 'number', default: 3, labelKey: 'option.degree' },
    { key: 'reps', kind: 'number', default: 50, labelKey: 'option.reps' },
    { key: 'seed', kind: 'number', default: 12345, labelKey: 'option.seed' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};
