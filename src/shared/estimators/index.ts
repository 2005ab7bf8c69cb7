import type { EstimatorId } from '../spec.js';
import { fe } from './fe.js';
import { hdfe } from './hdfe.js';
import { iv } from './iv.js';
import { ols } from './ols.js';
import { re } from './re.js';
import type { EstimatorDeclaration } from './types.js';

export type { EstimatorDeclaration, FieldId } from './types.js';

export const ESTIMATORS: Record<EstimatorId, EstimatorDeclaration> = { ols, fe, hdfe, re, iv };
export const ESTIMATOR_IDS = Object.keys(ESTIMATORS) as EstimatorId[];
