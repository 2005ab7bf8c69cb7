import type { EstimatorDeclaration } from './types.js';

/**
 * xtabond2: Arellano–Bond difference GMM and Blundell–Bond system GMM for dynamic panels, with
 * GMM-style and IV-style instrument blocks (options.gmm_style / options.iv_style). Regressors may be
 * lags written as L.y, L2.x (built from the panel time variable, gaps respected).
 */
export const gmm: EstimatorDeclaration = {
  id: 'gmm',
  labelKey: 'estimator.gmm',
  fields: ['y', 'x', 'panel'],
  vcovTypes: ['robust', 'iid'],
  multiwayCluster: false,
  defaultVcov: 'robust',
  options: [
    { key: 'system', kind: 'boolean', default: true, labelKey: 'option.system' },
    { key: 'twostep', kind: 'boolean', default: true, labelKey: 'option.twostep' },
    { key: 'transform', kind: 'choice', default: 'fd', choices: ['fd', 'fod'], labelKey: 'option.transform' },
    { key: 'timedummies', kind: 'boolean', default: true, labelKey: 'option.timedummies' },
    { key: 'h', kind: 'choice', default: '3', choices: ['1', '2', '3'], labelKey: 'option.h' },
    // xtabond2 artests(#): AR(1) … AR(#) of the differenced residuals; AR(2) is the test that matters
    { key: 'ar', kind: 'number', default: 2, integer: true, min: 2, max: 10, labelKey: 'option.ar' },
    { key: 'level', kind: 'number', default: 0.95, labelKey: 'option.level' },
  ],
};
