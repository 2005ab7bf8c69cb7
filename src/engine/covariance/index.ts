// The covariance registry: one canonical name per type. Each model lists which it supports (in its
// declaration in src/shared/estimators); every type computes from a stored LinearFit, so changing
// only the SE type never refits.
import type { VcovType } from '../../shared/spec.js';
import { cluster } from './cluster.js';
import { iid } from './iid.js';
import { robust } from './robust.js';
import type { VcovEstimator } from './types.js';

export const VCOV_REGISTRY: Record<VcovType, VcovEstimator> = { iid, robust, cluster };

export type { ClusterIds, VcovContext, VcovEstimate, VcovEstimator } from './types.js';
