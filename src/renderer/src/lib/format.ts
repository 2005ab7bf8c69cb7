// Number formatting for the grid and result tables. Missing values print as "." like Stata.
import type { NotApplicable } from '../../../shared/result.js';

export const MISSING = '.';

/** Fixed decimals for result tables; non-finite values are missing, inapplicable ones "n/a". */
export function fixed(value: number | NotApplicable | undefined, decimals = 4): string {
  if (isNotApplicable(value)) return 'n/a';
  if (value === undefined || !Number.isFinite(value)) return MISSING;
  const text = value.toFixed(decimals);
  // "-0.0000" reads as a sign error; print it unsigned.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** Stata-like general format for data cells: integers as is, others with up to 7 significant digits. */
export function general(value: number): string {
  if (!Number.isFinite(value)) return MISSING;
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(7)));
}

export function stars(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '';
  if (p < 0.01) return '***';
  if (p < 0.05) return '**';
  if (p < 0.1) return '*';
  return '';
}

export function isNotApplicable(value: unknown): value is NotApplicable {
  return typeof value === 'object' && value !== null && typeof (value as { na?: unknown }).na === 'string';
}

export function count(value: number, locale: string): string {
  return value.toLocaleString(locale);
}

/** An absorbed fixed-effect term as people read it: `industry#year` → "industry × year". */
export function feTerm(term: string): string {
  return term.split('#').join(' × ');
}
