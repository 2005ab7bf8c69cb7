// The expression AST: plain JSON (no classes, no functions) so a parsed `generate`/`replace ... if`
// expression can be stored in a variable's recipe and re-evaluated later. `pos` is the 0-based
// UTF-16 offset of the node's first character in the source text; messages turn it into a 1-based
// column (see columnOf) so users can find the spot.

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '|';

/** Stata's time-series operators: L = lag, F = lead, D = difference (`L2.x`, `F.x`, `D.x`). */
export type TsOp = 'L' | 'F' | 'D';

export type Expr =
  | { type: 'number'; value: number; pos: number }
  | { type: 'string'; value: string; pos: number }
  /** Stata's system missing value `.` (also `.a`–`.z`, which are all the same missing here). */
  | { type: 'missing'; pos: number }
  | { type: 'var'; name: string; pos: number }
  | { type: 'unary'; op: '-' | '!'; arg: Expr; pos: number }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  /** `by` is present only for group functions written with a by(...) option. */
  | { type: 'call'; name: string; args: Expr[]; by?: string[]; pos: number }
  | { type: 'tsop'; op: TsOp; k: number; arg: Expr; pos: number };

/** Names of the variables an expression reads (including by() variables), in order of first use. */
export function referencedVariables(expr: Expr): string[] {
  const seen = new Set<string>();
  const visit = (e: Expr): void => {
    switch (e.type) {
      case 'var':
        seen.add(e.name);
        return;
      case 'unary':
      case 'tsop':
        visit(e.arg);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'call':
        for (const a of e.args) visit(a);
        for (const b of e.by ?? []) seen.add(b);
        return;
      default:
        return;
    }
  };
  visit(expr);
  return [...seen];
}

/** True when the expression uses L./F./D. (it then needs a panel id and time). */
export function usesTimeOperators(expr: Expr): boolean {
  switch (expr.type) {
    case 'tsop':
      return true;
    case 'unary':
      return usesTimeOperators(expr.arg);
    case 'binary':
      return usesTimeOperators(expr.left) || usesTimeOperators(expr.right);
    case 'call':
      return expr.args.some(usesTimeOperators);
    default:
      return false;
  }
}

// Binding powers, higher binds tighter. Stata's [U] 13.2.5 gives the order of evaluation "! (or ~),
// ^, - (negation), /, *, - (subtraction), +, != (or ~=), >, <, <=, >=, ==, &, |": each operator is
// its own level, taken literally, so `a == b > c` is `a == (b > c)` as in Stata. Within a level,
// evaluation is left to right (2^3^2 = (2^3)^2 = 64, as Stata displays).
export const BINDING: Record<BinaryOp, number> = {
  '|': 10,
  '&': 20,
  '==': 30,
  '>=': 31,
  '<=': 32,
  '<': 33,
  '>': 34,
  '!=': 35,
  '+': 40,
  '-': 41,
  '*': 50,
  '/': 51,
  '^': 70,
};
export const NEGATION_BINDING = 60;
export const NOT_BINDING = 80;

function quote(s: string): string {
  // Text holding a straight quote came from “...” and goes back into “...”, so the canonical text
  // parses again (found by the fuzz campaign). Text holding both " and ” cannot be written at all.
  return s.includes('"') && !s.includes('”') ? `“${s}”` : `"${s}"`;
}

/**
 * Canonical text of an expression with the parentheses its structure needs (and no others), used
 * in messages, in `describe` provenance texts, and to show users how their input was read.
 */
export function formatExpression(expr: Expr): string {
  return fmt(expr, 0);
}

function fmt(e: Expr, min: number): string {
  switch (e.type) {
    case 'number':
      return String(e.value);
    case 'string':
      return quote(e.value);
    case 'missing':
      return '.';
    case 'var':
      return e.name;
    case 'tsop':
      return `${e.op}${e.k === 1 ? '' : e.k}.${e.arg.type === 'var' ? e.arg.name : `(${fmt(e.arg, 0)})`}`;
    case 'call': {
      const args = e.args.map((a) => fmt(a, 0));
      if (e.by) args.push(`by(${e.by.join(' ')})`);
      return `${e.name}(${args.join(', ')})`;
    }
    case 'unary': {
      const bp = e.op === '-' ? NEGATION_BINDING : NOT_BINDING;
      const s = `${e.op}${fmt(e.arg, bp)}`;
      return bp < min ? `(${s})` : s;
    }
    case 'binary': {
      const bp = BINDING[e.op];
      // left-associative: the right operand needs parentheses at equal binding power
      const s = `${fmt(e.left, bp)} ${e.op} ${fmt(e.right, bp + 1)}`;
      return bp < min ? `(${s})` : s;
    }
  }
}

/** 1-based column of a UTF-16 offset, counted in characters (a Chinese character is one column). */
export function columnOf(text: string, pos: number): number {
  let col = 1;
  for (let i = 0; i < pos && i < text.length; i++) {
    const c = text.charCodeAt(i);
    // the second half of a surrogate pair is part of the same character
    if (c < 0xdc00 || c > 0xdfff) col++;
  }
  return col;
}
