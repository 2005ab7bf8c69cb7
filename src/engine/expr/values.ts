// Intermediate values of the vectorised evaluator and the evaluation context.
// A value is a scalar (constants stay scalars: `2*y` never materialises a column of 2s) or a column.
// `owned` marks a column the evaluator allocated itself, so the next operation may overwrite it in
// place instead of allocating: `ln(x) + 2*y` on 10M rows allocates two arrays, not three.
import { AppError } from '../../shared/errors.js';
import type { Groups } from '../transform/groups.js';
import type { PanelIndex } from '../transform/panel.js';
import type { Expr } from './ast.js';
import { formatExpression } from './ast.js';
import type { ExprEnv } from './check.js';

export type Val =
  | { t: 'nc'; v: number }
  | { t: 'nv'; v: Float64Array; owned: boolean }
  | { t: 'tc'; s: string }
  | { t: 'tv'; codes: Int32Array; levels: string[]; owned: boolean };

export type IssueKind = 'log-domain' | 'sqrt-domain' | 'division-by-zero' | 'missing-comparison';

/** Something the user should know about the result, with the rows it affected. */
export interface EvalIssue {
  kind: IssueKind;
  /** The sub-expression, as text. */
  expression: string;
  rows: number;
  message: string;
}

export interface Ctx {
  env: ExprEnv;
  n: number;
  /** Rows that matter (an `if` condition): group functions use only these; events are counted on them. */
  sample: Uint8Array | null;
  issues: Map<string, EvalIssue>;
  panel: PanelIndex | null;
  groups: Map<string, Groups>;
  /** Variables the expression itself tests for missing (missing(x), x != .): no missing-comparison warning for them. */
  guarded: Set<string>;
}

export function newCtx(env: ExprEnv, sample: Uint8Array | null, guarded: Set<string> = new Set()): Ctx {
  return { env, n: env.nrows, sample, issues: new Map(), panel: null, groups: new Map(), guarded };
}

/** Adds `rows` to the issue of this node (the same node may be evaluated once; keyed by text). */
export function report(ctx: Ctx, kind: IssueKind, node: Expr, rows: number, message: (expr: string, rows: number) => string): void {
  if (rows <= 0) return;
  const expression = formatExpression(node);
  const key = `${kind}\u0000${expression}`;
  const prev = ctx.issues.get(key);
  const total = (prev?.rows ?? 0) + rows;
  ctx.issues.set(key, { kind, expression, rows: total, message: message(expression, total) });
}

/** A numeric value as (array, index mask): scalars are length-1 arrays read with mask 0. */
export function numArray(v: Val): { a: Float64Array; m: number } {
  if (v.t === 'nc') return { a: Float64Array.of(v.v), m: 0 };
  if (v.t === 'nv') return { a: v.v, m: -1 };
  throw new AppError('INTERNAL', 'text value where a number was checked');
}

/** A buffer for a result: an owned column operand's array if there is one, else a new one. */
export function outFor(n: number, ...vals: Val[]): Float64Array {
  for (const v of vals) if (v.t === 'nv' && v.owned) return v.v;
  return new Float64Array(n);
}

/** Materialises a numeric value as a full column (a fresh array unless already owned). */
export function numColumn(v: Val, n: number): Float64Array {
  if (v.t === 'nc') return new Float64Array(n).fill(v.v);
  if (v.t === 'nv') return v.owned ? v.v : v.v.slice();
  throw new AppError('INTERNAL', 'text value where a number was checked');
}

/** A text value as codes + levels (a constant becomes one level; "" is Stata's missing text). */
export function textColumn(v: Val, n: number): { codes: Int32Array; levels: string[] } {
  if (v.t === 'tv') return { codes: v.owned ? v.codes : v.codes.slice(), levels: v.levels };
  if (v.t === 'tc') return v.s === '' ? { codes: new Int32Array(n).fill(-1), levels: [] } : { codes: new Int32Array(n), levels: [v.s] };
  throw new AppError('INTERNAL', 'number where text was checked');
}
