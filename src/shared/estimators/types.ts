// An estimator is declared once here; the UI form, the validator and the docs derive from it.
import type { EstimatorId, VcovType } from '../spec.js';

export type FieldId = 'y' | 'x' | 'absorb' | 'endog' | 'instruments' | 'cluster' | 'panel' | 'treatment';

/**
 * Kinds of option: 'variable' is one numeric dataset variable chosen from a list (default '' = none
 * chosen); 'varlist' is an ordered list of dataset variables (default [] = none; numeric only unless
 * allowText).
 */
export type OptionKind = 'boolean' | 'number' | 'choice' | 'variable' | 'varlist';

export type OptionDefault = boolean | number | string | readonly string[];

/** An option matters only while another option has one of these values (else the form hides it and leaves it out of the spec). */
export interface OptionCondition {
  key: string;
  values: readonly (boolean | number | string)[];
}

export interface OptionDeclaration {
  key: string;
  kind: OptionKind;
  default: OptionDefault;
  choices?: string[];
  labelKey: string;
  /** number: the value must be a whole number. */
  integer?: boolean;
  /** number: smallest allowed value (inclusive unless minExclusive). */
  min?: number;
  minExclusive?: boolean;
  /** number: largest allowed value (inclusive). */
  max?: number;
  /** varlist: text (categorical) variables may be chosen too (exact-matching cells). */
  allowText?: boolean;
  /** Every condition must hold for the option to apply. */
  when?: readonly OptionCondition[];
}

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
  options: OptionDeclaration[];
}

/** Does the option apply, given the other options' values (missing ones take their defaults)? */
export function optionApplies(decl: EstimatorDeclaration, option: OptionDeclaration, values: Record<string, unknown>): boolean {
  return (option.when ?? []).every((c) => {
    const v = c.key in values && values[c.key] !== undefined ? values[c.key] : decl.options.find((o) => o.key === c.key)?.default;
    // choice options may arrive as numbers from a spec (gmm h) and as strings from the form
    return c.values.some((w) => w === v || String(w) === String(v));
  });
}
