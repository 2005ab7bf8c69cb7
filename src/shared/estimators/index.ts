import type { EstimatorId } from '../spec.js';
import { ols } from './ols.js';
import type { EstimatorDeclaration } from './types.js';

export type { EstimatorDeclaration, FieldId } from './types.js';

export const ESTIMATORS: Record<EstimatorId, EstimatorDeclaration> = { ols };
export const ESTIMATOR_IDS = Object.keys(ESTIMATORS) as EstimatorId[];
