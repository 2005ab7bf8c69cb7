// Stata's generate / replace with `if`:
//   generate y = expr if cond   → rows where cond is false get missing;
//   replace  y = expr if cond   → rows where cond is false keep their value.
// A condition selects the rows where it is non-zero; as in Stata a missing condition value is
// non-zero, i.e. selected (`if x` keeps rows with x missing). Group functions inside expr use only
// the selected rows (egen ... if).
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { type Expr, formatExpression } from './ast.js';
import type { ExprEnv } from './check.js';
import { type EvalResult, evaluate } from './evaluate.js';
import { parseExpression } from './parser.js';
import type { EvalIssue } from './values.js';

type Source = Expr | string;

function parse(src: Source): { ast: Expr; text?: string } {
  return typeof src === 'string' ? { ast: parseExpression(src), text: src } : { ast: src };
}

export interface Condition {
  mask: Uint8Array;
  /** Selected rows. */
  count: number;
  warnings: string[];
  issues: EvalIssue[];
}

/** The rows where `cond` holds (non-zero, missing included — Stata). */
export function evaluateCondition(cond: Source, env: ExprEnv): Condition {
  const { ast, text } = parse(cond);
  const r = evaluate(ast, env, { text });
  if (!(r.values instanceof Float64Array)) throw new AppError('INVALID_ARGUMENT', `the condition ${formatExpression(ast)} is text; a condition must be true/false (e.g. province == "广东")`);
  const mask = new Uint8Array(env.nrows);
  let count = 0;
  const v = r.values;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) {
      mask[i] = 1;
      count++;
    }
  }
  return { mask, count, warnings: r.warnings, issues: r.issues };
}

export interface GenerateResult {
  column: Column;
  warnings: string[];
  issues: EvalIssue[];
  /** Missing values generated (Stata's "(N missing values generated)"). */
  missing: number;
  /** Rows selected by the condition (all rows without one). */
  selected: number;
  describe: string;
}

function run(expr: Source, env: ExprEnv, cond?: Source): { r: EvalResult; c: Condition | null; describe: string; ast: Expr } {
  const c = cond === undefined ? null : evaluateCondition(cond, env);
  const { ast, text } = parse(expr);
  const r = evaluate(ast, env, { text, sample: c?.mask ?? null });
  const condAst = cond === undefined ? null : parse(cond).ast;
  const describe = `${formatExpression(ast)}${condAst ? ` if ${formatExpression(condAst)}` : ''}`;
  return { r, c, describe, ast };
}

export function generate(expr: Source, env: ExprEnv, options: { if?: Source } = {}): GenerateResult {
  const { r, c, describe } = run(expr, env, options.if);
  const warnings = [...(c?.warnings ?? []), ...r.warnings];
  const issues = [...(c?.issues ?? []), ...r.issues];
  let column: Column;
  let missing = 0;
  if (r.values instanceof Float64Array) {
    const v = r.values;
    for (let i = 0; i < v.length; i++) {
      if (c && !c.mask[i]) v[i] = Number.NaN;
      if (v[i] !== v[i]) missing++;
    }
    column = { kind: 'numeric', values: v };
  } else {
    const codes = r.values.codes;
    for (let i = 0; i < codes.length; i++) {
      if (c && !c.mask[i]) codes[i] = -1;
      if (codes[i] < 0) missing++;
    }
    column = { kind: 'categorical', codes, levels: r.values.levels };
  }
  return { column, warnings, issues, missing, selected: c ? c.count : env.nrows, describe: `generate = ${describe}` };
}

export interface ReplaceResult {
  column: Column;
  /** Rows whose value changed (Stata's "(N real changes made)"). */
  changed: number;
  warnings: string[];
  issues: EvalIssue[];
  describe: string;
}

/** A new column: `target` with the selected rows replaced by expr. `target` itself is not modified. */
export function replace(target: { name: string; column: Column }, expr: Source, env: ExprEnv, options: { if?: Source } = {}): ReplaceResult {
  const { r, c, describe } = run(expr, env, options.if);
  const warnings = [...(c?.warnings ?? []), ...r.warnings];
  const issues = [...(c?.issues ?? []), ...r.issues];
  const tc = target.column;
  let changed = 0;
  let column: Column;
  if (r.values instanceof Float64Array) {
    if (tc.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `type mismatch: "${target.name}" is a text variable and the new value is a number`);
    const out = tc.values.slice();
    const v = r.values;
    for (let i = 0; i < out.length; i++) {
      if (c && !c.mask[i]) continue;
      const old = out[i];
      if (!(old === v[i] || (old !== old && v[i] !== v[i]))) changed++;
      out[i] = v[i];
    }
    column = { kind: 'numeric', values: out };
  } else {
    if (tc.kind !== 'categorical') throw new AppError('INVALID_ARGUMENT', `type mismatch: "${target.name}" is numeric and the new value is text`);
    // the target's levels, then new texts in order of appearance
    const levels = tc.levels.slice();
    const index = new Map(levels.map((l, k) => [l, k]));
    const map = r.values.levels.map((l) => {
      let k = index.get(l);
      if (k === undefined) {
        k = levels.length;
        levels.push(l);
        index.set(l, k);
      }
      return k;
    });
    const out = tc.codes.slice();
    const codes = r.values.codes;
    for (let i = 0; i < out.length; i++) {
      if (c && !c.mask[i]) continue;
      const nv = codes[i] < 0 ? -1 : map[codes[i]];
      if (nv !== out[i]) changed++;
      out[i] = nv;
    }
    column = { kind: 'categorical', codes: out, levels };
  }
  return { column, changed, warnings, issues, describe: `replace ${target.name} = ${describe}` };
}
