// Expressions of the expression language (docs/expressions.md) written as Stata and as R code.
// The language is Stata's own, so the Stata text is the canonical form of the parse, except that
// group functions (mean(x, by(g)) ...) are egen functions in Stata and become temporaries computed
// by egen before the generate. In R every operator gets R's precedence (parentheses are added where
// Stata's grouping differs), Stata's missing `.` becomes NA and comparisons with `.` become is.na().
import type { CodeExpr } from './types.js';

type Binary = Extract<CodeExpr, { type: 'binary' }>;

// Stata [U] 13.2.5: each operator its own level (as src/engine/expr/ast.ts BINDING).
const STATA_BINDING: Record<Binary['op'], number> = { '|': 10, '&': 20, '==': 30, '>=': 31, '<=': 32, '<': 33, '>': 34, '!=': 35, '+': 40, '-': 41, '*': 50, '/': 51, '^': 70 };
const STATA_NEG = 60;
const STATA_NOT = 80;

/** Group (row-to-row) functions: egen functions in Stata, ave() in R. */
const GROUP = new Set(['mean', 'sd', 'count', 'total', 'median', 'rank', 'pctile']);
export function isGroupCall(e: Extract<CodeExpr, { type: 'call' }>): boolean {
  return GROUP.has(e.name) || ((e.name === 'min' || e.name === 'max') && (e.args.length === 1 || e.by !== undefined));
}

export function stataNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : '.';
}

export function stataString(s: string): string {
  return s.includes('"') ? `\`"${s}"'` : `"${s}"`;
}

/** A group call Stata computes with egen before the generate: `egen double _ps1 = mean(x), by(g)`. */
export interface StataTemp {
  name: string;
  /** `egen double _ps1 = mean(x)`, without options. */
  call: string;
  /** `by(g) p(90)` or ''. */
  options: string;
}

/** The egen line of a temporary, restricted to an `if` sample when given (` if …`). */
export function egenLine(t: StataTemp, ifText = ''): string {
  return `${t.call}${ifText}${t.options ? `, ${t.options}` : ''}`;
}

/**
 * Stata text of an expression. Group calls are replaced by temporaries named `${prefix}1`, ... and
 * returned with the egen line that makes each (the caller adds `if` and drops them afterwards).
 */
export function stataExpr(e: CodeExpr, prefix = '_ps'): { text: string; temps: StataTemp[] } {
  const temps: StataTemp[] = [];
  const fmt = (x: CodeExpr, min: number): string => {
    switch (x.type) {
      case 'number':
        return stataNumber(x.value);
      case 'string':
        return stataString(x.value);
      case 'missing':
        return '.';
      case 'var':
        return x.name;
      case 'tsop':
        return `${x.op}${x.k === 1 ? '' : x.k}.${x.arg.type === 'var' ? x.arg.name : `(${fmt(x.arg, 0)})`}`;
      case 'call': {
        if (isGroupCall(x)) {
          const name = `${prefix}${temps.length + 1}`;
          const fn = x.name === 'pctile' ? 'pctile' : x.name;
          const opts: string[] = [];
          if (x.name === 'pctile' && x.args[1]) opts.push(`p(${fmt(x.args[1], 0)})`);
          if (x.by && x.by.length > 0) opts.push(`by(${x.by.join(' ')})`);
          temps.push({ name, call: `egen double ${name} = ${fn}(${fmt(x.args[0], 0)})`, options: opts.join(' ') });
          return name;
        }
        return `${x.name}(${x.args.map((a) => fmt(a, 0)).join(', ')})`;
      }
      case 'unary': {
        const bp = x.op === '-' ? STATA_NEG : STATA_NOT;
        const s = `${x.op}${fmt(x.arg, bp)}`;
        return bp < min ? `(${s})` : s;
      }
      case 'binary': {
        const bp = STATA_BINDING[x.op];
        const s = `${fmt(x.left, bp)} ${x.op} ${fmt(x.right, bp + 1)}`;
        return bp < min ? `(${s})` : s;
      }
    }
  };
  return { text: fmt(e, 0), temps };
}

// ------------------------------------------------------------------------------------------ R

/** R's name for a variable or object: backticks unless it is a plain ASCII syntactic name. */
export function rName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9._]*$/.test(name) || /^\.[A-Za-z_][A-Za-z0-9._]*$/.test(name) ? name : `\`${name.replace(/`/g, '\\`')}\``;
}

export function rString(s: string): string {
  return JSON.stringify(s);
}

export function rNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : 'NA';
}

/** Helpers an R translation needs (defined once at the top of the script). */
export type RHelper = 'ps_lag' | 'ps_diff' | 'ps_round';

export interface RExprContext {
  panel?: { id: string; time: string };
  helpers: Set<RHelper>;
}

// R precedence (?Syntax), higher binds tighter.
const R_PREC: Record<Binary['op'], number> = { '|': 10, '&': 20, '==': 30, '!=': 30, '<': 30, '<=': 30, '>': 30, '>=': 30, '+': 40, '-': 40, '*': 50, '/': 50, '^': 70 };
const R_NEG = 60;
const R_NOT = 25;
const ATOM = 100;

const LOGICAL = new Set<Binary['op']>(['==', '!=', '<', '<=', '>', '>=', '&', '|']);

/** True when the expression's value is logical in R (a comparison, !, missing(), inrange(), inlist()). */
export function isLogical(e: CodeExpr): boolean {
  if (e.type === 'binary') return LOGICAL.has(e.op);
  if (e.type === 'unary') return e.op === '!';
  if (e.type === 'call') return e.name === 'missing' || e.name === 'inrange' || e.name === 'inlist';
  return false;
}

const MATH: Record<string, string> = { ln: 'log', log: 'log', log10: 'log10', exp: 'exp', sqrt: 'sqrt', abs: 'abs', floor: 'floor', ceil: 'ceiling', int: 'trunc', sign: 'sign' };

/**
 * R text of an expression evaluated inside `with(data, ...)`: variables are bare names. Throws an
 * Error naming the construct when there is no translation (the caller writes a TODO).
 */
export function rExpr(e: CodeExpr, ctx: RExprContext): string {
  const panelArgs = (): string => {
    if (!ctx.panel) throw new Error('L./F./D. need the panel (id and time) of the dataset declared');
    return `${rName(ctx.panel.id)}, ${rName(ctx.panel.time)}`;
  };
  // returns [text, precedence]
  const go = (x: CodeExpr): [string, number] => {
    switch (x.type) {
      case 'number':
        return [rNumber(x.value), x.value < 0 ? R_NEG : ATOM];
      case 'string':
        return [rString(x.value), ATOM];
      case 'missing':
        return ['NA', ATOM];
      case 'var':
        return [rName(x.name), ATOM];
      case 'tsop': {
        const arg = go(x.arg)[0];
        if (x.op === 'D') {
          ctx.helpers.add('ps_diff');
          return [`ps_diff(${arg}, ${panelArgs()}${x.k === 1 ? '' : `, order = ${x.k}`})`, ATOM];
        }
        ctx.helpers.add('ps_lag');
        return [`ps_lag(${arg}, ${panelArgs()}, ${x.op === 'L' ? x.k : -x.k})`, ATOM];
      }
      case 'unary': {
        const prec = x.op === '-' ? R_NEG : R_NOT;
        return [`${x.op}${wrap(go(x.arg), prec)}`, prec];
      }
      case 'binary':
        return binary(x);
      case 'call':
        return [call(x), ATOM];
    }
  };
  const wrap = ([text, prec]: [string, number], need: number): string => (prec < need ? `(${text})` : text);
  const binary = (x: Binary): [string, number] => {
    // comparisons with Stata's missing `.` (missing is larger than any number)
    if (x.right.type === 'missing' || x.left.type === 'missing') {
      const other = x.right.type === 'missing' ? x.left : x.right;
      const flipped = x.left.type === 'missing';
      const op = flipped ? ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[x.op] ?? x.op : x.op;
      const na = `is.na(${go(other)[0]})`;
      if (op === '==' || op === '>=') return [na, ATOM];
      if (op === '!=' || op === '<') return [`!${na}`, R_NOT];
    }
    const prec = R_PREC[x.op];
    const op = x.op === '^' ? '^' : x.op;
    // ^ is right-associative in R, the rest left-associative; comparisons do not chain.
    const leftNeed = x.op === '^' || LOGICAL.has(x.op) && x.op !== '&' && x.op !== '|' ? prec + 1 : prec;
    const rightNeed = x.op === '^' ? prec : prec + 1;
    return [`${wrap(go(x.left), leftNeed)} ${op} ${wrap(go(x.right), rightNeed)}`, prec];
  };
  const call = (x: Extract<CodeExpr, { type: 'call' }>): string => {
    const a = x.args.map((arg) => go(arg)[0]);
    if (isGroupCall(x)) {
      const fun =
        x.name === 'mean' ? 'mean(v, na.rm = TRUE)'
        : x.name === 'sd' ? 'sd(v, na.rm = TRUE)'
        : x.name === 'count' ? 'sum(!is.na(v))'
        : x.name === 'total' ? 'sum(v, na.rm = TRUE)'
        : x.name === 'median' ? 'median(v, na.rm = TRUE)'
        : x.name === 'min' ? 'min(v, na.rm = TRUE)'
        : x.name === 'max' ? 'max(v, na.rm = TRUE)'
        : x.name === 'rank' ? 'rank(v, na.last = "keep")'
        : `quantile(v, (${a[1]}) / 100, type = 2, na.rm = TRUE, names = FALSE)`;
      const by = (x.by ?? []).map(rName);
      if (by.length === 0 && x.name !== 'rank') return `(function(v) ${fun})(${a[0]})`;
      return `ave(${[a[0], ...by].join(', ')}, FUN = function(v) ${fun})`;
    }
    switch (x.name) {
      case 'round':
        ctx.helpers.add('ps_round');
        return `ps_round(${a.join(', ')})`;
      case 'mod':
        return `${wrap(go(x.args[0]), 55)} %% ${wrap(go(x.args[1]), 56)}`;
      case 'min':
        return `pmin(${a.join(', ')}, na.rm = TRUE)`;
      case 'max':
        return `pmax(${a.join(', ')}, na.rm = TRUE)`;
      case 'cond':
        return a.length === 4 ? `ifelse(is.na(${a[0]}), ${a[3]}, ifelse(${a[0]}, ${a[1]}, ${a[2]}))` : `ifelse(${a[0]}, ${a[1]}, ${a[2]})`;
      case 'missing':
        return a.length === 1 ? `is.na(${a[0]})` : `(${a.map((s) => `is.na(${s})`).join(' | ')})`;
      case 'inrange':
        return `(${wrap(go(x.args[0]), 31)} >= ${wrap(go(x.args[1]), 31)} & ${wrap(go(x.args[0]), 31)} <= ${wrap(go(x.args[2]), 31)})`;
      case 'inlist':
        return `(${a[0]} %in% c(${a.slice(1).join(', ')}))`;
      default:
        if (MATH[x.name]) return `${MATH[x.name]}(${a[0]})`;
        throw new Error(`the function ${x.name}() has no R translation`);
    }
  };
  return go(e)[0];
}

/** R text of a generate expression: logical values become 0/1 as Stata stores them. */
export function rValueExpr(e: CodeExpr, ctx: RExprContext): string {
  const text = rExpr(e, ctx);
  return isLogical(e) ? `as.numeric(${text})` : text;
}
