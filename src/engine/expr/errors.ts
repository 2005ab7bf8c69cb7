// Errors in an expression carry the 1-based column so the UI can underline the spot; across IPC they
// travel as a plain AppError (code INVALID_ARGUMENT) whose message already names the column.
import { AppError } from '../../shared/errors.js';
import { columnOf } from './ast.js';

export class ExpressionError extends AppError {
  /** 1-based character column in the expression text, or 0 when the AST came without its text. */
  readonly column: number;
  constructor(message: string, column: number) {
    super('INVALID_ARGUMENT', column > 0 ? `at column ${column}: ${message}` : message);
    this.column = column;
    this.name = 'ExpressionError';
  }
}

/** Throws with the column of `pos` in `text` (text may be absent when evaluating a stored AST). */
export function fail(message: string, pos: number, text?: string): never {
  throw new ExpressionError(message, text === undefined ? 0 : columnOf(text, pos));
}

/** Levenshtein distance, for "did you mean" suggestions (names are short: O(ab) is fine). */
function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/**
 * The closest candidate to `name`, if close enough to be a plausible typo: a case-insensitive
 * match first (Stata names are case-sensitive, a classic slip), then edit distance ≤ 1/3 of the
 * length (at least 1, at most 3).
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const ci = candidates.find((c) => c.toLowerCase() === lower);
  if (ci !== undefined) return ci;
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
