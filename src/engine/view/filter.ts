// The data view's row filter: the rows where a Stata-like condition is true (docs/expressions.md),
// as ascending 0-based indices. The same rule as `keep if` and a model's `if`: a missing condition
// value keeps the row, and comparisons treat missing as larger than any number (with a warning).
//
// Shapes: columns of length nrows in; a Uint8Array(nrows) mask, then an Int32Array(count) of rows.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { evaluateCondition, parseExpression, referencedVariables } from '../expr/index.js';

export interface ViewEnv {
  nrows: number;
  /** Every variable of the dataset (for "did you mean"). */
  names: readonly string[];
  /** The column, or undefined when the dataset has no such variable. */
  column(name: string): Column | undefined;
  panel?: { id: string; time: string };
}

/** The variables a condition reads; a syntax error is an INVALID_ARGUMENT naming the column. */
export function conditionInputs(condition: string): string[] {
  const text = condition.trim();
  if (text === '') throw new AppError('INVALID_ARGUMENT', 'the condition is empty; write one such as year >= 2005');
  return referencedVariables(parseExpression(text));
}

export interface ConditionMask {
  mask: Uint8Array;
  count: number;
  warnings: string[];
}

export function conditionMask(condition: string, env: ViewEnv): ConditionMask {
  const names = env.names;
  const c = evaluateCondition(condition.trim(), { nrows: env.nrows, names: () => names, column: (n) => env.column(n), ...(env.panel ? { panel: env.panel } : {}) });
  return { mask: c.mask, count: c.count, warnings: [...c.warnings, ...c.issues.map((i) => i.message)] };
}

/** Rows (ascending) where the condition holds. */
export function filterRows(condition: string, env: ViewEnv): { rows: Int32Array; warnings: string[] } {
  const { mask, count, warnings } = conditionMask(condition, env);
  return { rows: maskRows(mask, count), warnings };
}

export function maskRows(mask: Uint8Array, count: number): Int32Array {
  const rows = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) rows[j++] = i;
  return rows;
}
