// An estimator is declared once here; the UI form, the validator and the docs derive from it.
import type { EstimatorId, VcovType } from '../spec.js';

export type FieldId = 'y' | 'x' | 'absorb' | 'endog' | 'instruments' | 'cluster' | 'panel' | 'treatment';

export interface EstimatorDeclaration {
  id: EstimatorId;
  /** i18n key of the estimator's display name. */
  labelKey: string;
  /** Spec fields the form shows, in order; others must stay empty. */
  fields: FieldId[];
  vcovTypes: VcovType[];
  /** Accepts several cluster variables (multi-way clustering). */
  multiwayCluster: boolean;
  defaultVcov: VcovType;
  /** Takes absorbed fixed effects but does not require them (iv). */
  absorbOptional?: boolean;
  /** Takes the panel id and time but does not require them (psm: only for matching by year or on pre-treatment means). */
  panelOptional?: boolean;
  /** 'variable': a numeric dataset variable chosen from a list (default '' = none chosen). */
  options: { key: string; kind: 'boolean' | 'number' | 'choice' | 'variable'; default: boolean | number | string; choices?: string[]; labelKey: string }[];
}
