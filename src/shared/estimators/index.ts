import type { EstimatorId } from '../spec.js';
import { logit, probit } from './binary.js';
import { fe } from './fe.js';
import { gmm } from './gmm.js';
import { hdfe } from './hdfe.js';
import { iv } from './iv.js';
import { ols } from './ols.js';
import { psm } from './psm.js';
import { sfa } from './sfa.js';
import { re } from './re.js';
import { tfp } from './tfp.js';
import type { EstimatorDeclaration } from './types.js';

export type { EstimatorDeclaration, FieldId, OptionCondition, OptionDeclaration, OptionDefault, OptionKind } from './types.js';
export { optionApplies } from './types.js';

export const ESTIMATORS: Record<EstimatorId, EstimatorDeclaration> = { ols, fe, hdfe, re, iv, gmm, logit, probit, psm, sfa, tfp };
export const ESTIMATOR_IDS = Object.keys(ESTIMATORS) as EstimatorId[];
