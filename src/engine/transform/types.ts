// What every variable tool takes and returns. Inputs are named columns (the name goes into messages
// and the provenance text); outputs are new columns plus warnings and a one-line `describe` for the
// variable's recipe. Tools are pure: they never modify their inputs.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';

export interface Var {
  name: string;
  column: Column;
}

/** A panel: unit id (numeric or categorical) and an integer-valued time variable. */
export interface Panel {
  id: Var;
  time: Var;
  /** Spacing of the time variable (Stata's `xtset ..., delta()`); 1 by default. */
  delta?: number;
}

export interface NumericResult {
  values: Float64Array;
  warnings: string[];
  describe: string;
}

export interface ColumnResult {
  column: Column;
  warnings: string[];
  describe: string;
}

export interface MultiResult {
  columns: { name: string; label: string; column: Column }[];
  warnings: string[];
  describe: string;
}

/** The values of a numeric variable; a clear error for a text (categorical) one. */
export function numericValues(v: Var, role = 'this tool'): Float64Array {
  if (v.column.kind !== 'numeric') {
    throw new AppError('INVALID_ARGUMENT', `"${v.name}" is a text (categorical) variable; ${role} needs a numeric variable`);
  }
  return v.column.values;
}

/** Checks that every input column has the dataset's row count (mixing datasets is a caller bug). */
export function sameLength(nrows: number, ...vars: Var[]): void {
  for (const v of vars) {
    const len = v.column.kind === 'numeric' ? v.column.values.length : v.column.codes.length;
    if (len !== nrows) throw new AppError('INVALID_ARGUMENT', `"${v.name}" has ${len} rows, expected ${nrows}`);
  }
}

export function lengthOf(c: Column): number {
  return c.kind === 'numeric' ? c.values.length : c.codes.length;
}

export function isMissingAt(c: Column, row: number): boolean {
  if (c.kind === 'numeric') {
    const v = c.values[row];
    return v - v !== 0;
  }
  return c.codes[row] < 0;
}

/** The value of row `row` as text for messages: level text in quotes, or the number. */
export function valueText(c: Column, row: number): string {
  if (isMissingAt(c, row)) return '.';
  return c.kind === 'numeric' ? String(c.values[row]) : `"${c.levels[c.codes[row]]}"`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
