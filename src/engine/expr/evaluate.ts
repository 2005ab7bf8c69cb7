// Vectorised evaluation of a checked expression: every node produces a whole column (or a scalar),
// so the per-row cost is a few tight typed-array loops (kernels.ts), never a tree walk per row.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { buildPanelIndex, differenceValues, shiftValues } from '../transform/panel.js';
import { type Expr, referencedVariables } from './ast.js';
import { evalCall } from './calls.js';
import { type ExprEnv, type ValueType, checkExpression } from './check.js';
import { type NumBinary, binary, binaryScalar, unary, unaryScalar } from './kernels.js';
import { parseExpression } from './parser.js';
import { compareText } from './text.js';
import { type Ctx, type EvalIssue, type Val, newCtx, numArray, numColumn, outFor, report, textColumn } from './values.js';

export interface EvalOptions {
  /** The source text, when `expr` is an AST: lets errors name the column. */
  text?: string;
  /** Rows that matter (from an `if` condition): group functions use only these rows. */
  sample?: Uint8Array | null;
}

export interface EvalResult {
  type: ValueType;
  /** numeric: Float64Array (NaN = missing); text: codes (−1 = missing) + levels. Always a new array. */
  values: Float64Array | { codes: Int32Array; levels: string[] };
  warnings: string[];
  issues: EvalIssue[];
  /** Missing values in the result (over all rows). */
  missing: number;
}

const COMPARISON = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Parses (if given text), checks against env, and evaluates column-at-a-time. */
export function evaluate(expr: Expr | string, env: ExprEnv, options: EvalOptions = {}): EvalResult {
  const text = typeof expr === 'string' ? expr : options.text;
  const ast = typeof expr === 'string' ? parseExpression(expr) : expr;
  const type = checkExpression(ast, env, text);
  const ctx = newCtx(env, options.sample ?? null, guardedVariables(ast));
  const v = evalNode(ast, ctx);
  const issues = [...ctx.issues.values()];
  const warnings = issues.map((i) => i.message);
  if (type === 'number') {
    const values = numColumn(v, ctx.n);
    let missing = 0;
    for (let i = 0; i < values.length; i++) {
      // columns read from a file may hold ±∞: missing, as everywhere in the engine
      if (values[i] - values[i] !== 0) {
        values[i] = Number.NaN;
        missing++;
      }
    }
    return { type, values, warnings, issues, missing };
  }
  const t = textColumn(v, ctx.n);
  let missing = 0;
  for (let i = 0; i < t.codes.length; i++) if (t.codes[i] < 0) missing++;
  return { type, values: t, warnings, issues, missing };
}

/** Result as an engine Column. */
export function toColumn(r: EvalResult): Column {
  return r.values instanceof Float64Array ? { kind: 'numeric', values: r.values } : { kind: 'categorical', codes: r.values.codes, levels: r.values.levels };
}

function evalNode(e: Expr, ctx: Ctx): Val {
  switch (e.type) {
    case 'number':
      return { t: 'nc', v: e.value };
    case 'missing':
      return { t: 'nc', v: Number.NaN };
    case 'string':
      return { t: 'tc', s: e.value };
    case 'var': {
      const c = ctx.env.column(e.name) as Column;
      return c.kind === 'numeric' ? { t: 'nv', v: c.values, owned: false } : { t: 'tv', codes: c.codes, levels: c.levels, owned: false };
    }
    case 'unary': {
      const x = evalNode(e.arg, ctx);
      const op = e.op === '-' ? 'neg' : 'not';
      if (x.t === 'nc') return { t: 'nc', v: unaryScalar(op, x.v) };
      const { a } = numArray(x);
      const out = outFor(ctx.n, x);
      unary(op, a, out, null, { events: 0 });
      return { t: 'nv', v: out, owned: true };
    }
    case 'binary':
      return evalBinary(e, ctx);
    case 'call':
      return evalCall(e, ctx, (a) => evalNode(a, ctx));
    case 'tsop':
      return evalTsop(e, ctx);
  }
}

function evalBinary(e: Extract<Expr, { type: 'binary' }>, ctx: Ctx): Val {
  const l = evalNode(e.left, ctx);
  const r = evalNode(e.right, ctx);
  if (l.t === 'tc' || l.t === 'tv') return compareText(e.op, l, r, ctx.n);
  const op = e.op as NumBinary;
  if (l.t === 'nc' && r.t === 'nc') return { t: 'nc', v: binaryScalar(op, l.v, r.v) };
  const x = numArray(l);
  const y = numArray(r);
  const out = outFor(ctx.n, l, r);
  const counts = { events: 0 };
  binary(op, x.a, x.m, y.a, y.m, out, ctx.sample, counts);
  if (op === '/') report(ctx, 'division-by-zero', e, counts.events, (s, n) => `${s}: ${n} row(s) divide by zero and give missing`);
  // comparing with a literal `.` is the idiom for testing missing, and a variable the expression
  // tests with missing() elsewhere is handled by the user: no warning for those
  if (COMPARISON.has(op) && e.left.type !== 'missing' && e.right.type !== 'missing' && !valueVariables(e).every((v) => ctx.guarded.has(v))) {
    report(ctx, 'missing-comparison', e, counts.events, (s, n) => missingComparisonMessage(e, s, n));
  }
  return { t: 'nv', v: out, owned: true };
}

/** Variables whose values enter e (by() variables only group rows: they are not values). */
function valueVariables(e: Expr): string[] {
  if (e.type === 'var') return [e.name];
  if (e.type === 'binary') return [...valueVariables(e.left), ...valueVariables(e.right)];
  if (e.type === 'unary' || e.type === 'tsop') return valueVariables(e.arg);
  if (e.type === 'call') return e.args.flatMap(valueVariables);
  return [];
}

/** Variables tested for missing anywhere in the expression: inside missing(...) or compared with `.`. */
function guardedVariables(ast: Expr): Set<string> {
  const out = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.type === 'call') {
      if (e.name === 'missing') for (const a of e.args) for (const v of referencedVariables(a)) out.add(v);
      e.args.forEach(visit);
    } else if (e.type === 'binary') {
      if (COMPARISON.has(e.op) && (e.left.type === 'missing' || e.right.type === 'missing')) {
        for (const v of referencedVariables(e.left.type === 'missing' ? e.right : e.left)) out.add(v);
      }
      visit(e.left);
      visit(e.right);
    } else if (e.type === 'unary' || e.type === 'tsop') visit(e.arg);
  };
  visit(ast);
  return out;
}

function missingComparisonMessage(e: Extract<Expr, { type: 'binary' }>, s: string, n: number): string {
  const vars = [...new Set(valueVariables(e))];
  const guard = vars.map((v) => `!missing(${v})`).join(' & ');
  const truthy = e.op === '>' || e.op === '>=' || e.op === '!=';
  return truthy
    ? `${s}: ${n} row(s) with a missing value count as true (Stata's rule: missing is larger than any number); add "& ${guard}" to leave them out`
    : `${s}: ${n} row(s) with a missing value were compared as larger than any number (Stata's rule)`;
}

function evalTsop(e: Extract<Expr, { type: 'tsop' }>, ctx: Ctx): Val {
  const x = evalNode(e.arg, ctx);
  const values = x.t === 'nc' ? new Float64Array(ctx.n).fill(x.v) : numArray(x).a;
  if (!ctx.panel) {
    const p = ctx.env.panel;
    const id = p && ctx.env.column(p.id);
    const time = p && ctx.env.column(p.time);
    if (!p || !id || !time) throw new AppError('INVALID_ARGUMENT', `${e.op}. needs the panel id and time variables, and they must exist in the dataset`);
    ctx.panel = buildPanelIndex({ id: { name: p.id, column: id }, time: { name: p.time, column: time }, delta: p.delta });
  }
  const out = e.op === 'D' ? differenceValues(values, ctx.panel, e.k) : shiftValues(values, ctx.panel, e.op === 'L' ? e.k : -e.k);
  return { t: 'nv', v: out, owned: true };
}
