// Pratt parser for the expression language (see docs/expressions.md). Precedence follows Stata's
// [U] 13.2.5 order of evaluation literally (ast.ts BINDING): `-2^2` is −4, `2^3^2` is 64,
// `!x == 1` is `(!x) == 1`. No eval, no Function: text → tokens → JSON AST.
import { BINDING, type BinaryOp, type Expr, NEGATION_BINDING, NOT_BINDING } from './ast.js';
import { fail } from './errors.js';
import { type Token, tokenize } from './lexer.js';

const BINARY = new Set<string>(Object.keys(BINDING));

function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the expression';
    case 'string':
      return `text ${t.text}`;
    case 'number':
      return `the number ${t.text}`;
    case 'ident':
      return `"${t.text}"`;
    default:
      return `'${t.text}'`;
  }
}

/** Bounds that keep parsing and evaluation (both recursive) far from the stack limit. */
export const MAX_EXPRESSION_LENGTH = 10_000;
const MAX_NESTING = 256;
/** `x+1+1+…` nests to the left without recursion in the parser; evaluation recurses on it. */
const MAX_HEIGHT = 1000;

/** Height of the tree, without recursion (the tree may be too deep to recurse on). */
function height(root: Expr): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, h] = stack.pop() as [unknown, number];
    if (h > max) max = h;
    for (const v of Object.values(node as object)) {
      if (Array.isArray(v)) for (const c of v) if (c && typeof c === 'object' && 'type' in c) stack.push([c, h + 1]);
      if (v && typeof v === 'object' && 'type' in v) stack.push([v, h + 1]);
    }
  }
  return max;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private isOp(t: Token, value: string): boolean {
    return t.kind === 'op' && t.value === value;
  }
  private expect(value: string, what = `'${value}'`): Token {
    const t = this.next();
    if (!this.isOp(t, value)) fail(`expected ${what} but found ${describeToken(t)}`, t.pos, this.text);
    return t;
  }

  parseAll(): Expr {
    if (this.peek().kind === 'eof') fail('the expression is empty', 0, this.text);
    const e = this.parse(0);
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (this.isOp(t, ')')) fail(`')' has no matching '('`, t.pos, this.text);
      fail(`expected an operator or the end of the expression but found ${describeToken(t)}`, t.pos, this.text);
    }
    return e;
  }

  private parse(minBp: number): Expr {
    if (++this.depth > MAX_NESTING) fail(`the expression is nested more than ${MAX_NESTING} levels deep`, this.peek().pos, this.text);
    try {
      return this.parseAt(minBp);
    } finally {
      this.depth--;
    }
  }

  private parseAt(minBp: number): Expr {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') break;
      if (t.value === '=') fail(`'=' assigns; to compare use '=='`, t.pos, this.text);
      if (!BINARY.has(t.value)) break;
      const op = t.value as BinaryOp;
      const bp = BINDING[op];
      if (bp < minBp) break;
      this.next();
      // every binary operator is left-associative: the right operand binds strictly tighter
      const right = this.parse(bp + 1);
      left = { type: 'binary', op, left, right, pos: t.pos };
    }
    return left;
  }

  private prefix(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { type: 'number', value: t.value, pos: t.pos };
      case 'string':
        return { type: 'string', value: t.value, pos: t.pos };
      case 'missing':
        return { type: 'missing', pos: t.pos };
      case 'tsop': {
        const n = this.peek();
        let arg: Expr;
        if (n.kind === 'ident') {
          this.next();
          arg = { type: 'var', name: n.value, pos: n.pos };
        } else {
          this.expect('(', `a variable or '(' after ${t.text}`);
          arg = this.parse(0);
          this.expect(')');
        }
        return { type: 'tsop', op: t.op, k: t.k, arg, pos: t.pos };
      }
      case 'ident':
        if (this.isOp(this.peek(), '(')) return this.call(t);
        return { type: 'var', name: t.value, pos: t.pos };
      case 'op':
        if (t.value === '(') {
          const e = this.parse(0);
          this.expect(')');
          return e;
        }
        if (t.value === '-') return { type: 'unary', op: '-', arg: this.operand(NEGATION_BINDING, t), pos: t.pos };
        if (t.value === '+') return this.operand(NEGATION_BINDING, t);
        if (t.value === '!') return { type: 'unary', op: '!', arg: this.operand(NOT_BINDING, t), pos: t.pos };
        break;
      default:
        break;
    }
    fail(`expected a number, a variable, a text in "..." or '(' but found ${describeToken(t)}`, t.pos, this.text);
  }

  private operand(bp: number, op: Token): Expr {
    if (this.peek().kind === 'eof') fail(`'${op.text}' needs something after it`, op.pos, this.text);
    return this.parse(bp);
  }

  /** name(arg, arg, ..., by(v1 v2)) — by() is an option, accepted only last. */
  private call(name: Extract<Token, { kind: 'ident' }>): Expr {
    this.expect('(');
    const args: Expr[] = [];
    let by: string[] | undefined;
    if (this.isOp(this.peek(), ')')) {
      this.next();
      return { type: 'call', name: name.value, args, pos: name.pos };
    }
    for (;;) {
      const t = this.peek();
      if (t.kind === 'ident' && t.value === 'by' && this.isOp(this.tokens[this.i + 1], '(')) {
        if (by) fail('by() is given twice', t.pos, this.text);
        by = this.byList();
      } else {
        if (by) fail('by() must be the last argument', t.pos, this.text);
        args.push(this.parse(0));
      }
      const sep = this.next();
      if (this.isOp(sep, ')')) break;
      if (!this.isOp(sep, ',')) fail(`expected ',' or ')' but found ${describeToken(sep)}`, sep.pos, this.text);
    }
    return by ? { type: 'call', name: name.value, args, by, pos: name.pos } : { type: 'call', name: name.value, args, pos: name.pos };
  }

  /** by(year) or by(industry year) or by(industry, year). */
  private byList(): string[] {
    this.next();
    this.expect('(');
    const names: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'ident') names.push(t.value);
      else if (this.isOp(t, ')') && names.length > 0) return names;
      else if (!(this.isOp(t, ',') && names.length > 0)) fail(`expected a variable name in by() but found ${describeToken(t)}`, t.pos, this.text);
    }
  }
}

/** Parses an expression; throws ExpressionError (AppError INVALID_ARGUMENT) naming the column. */
export function parseExpression(text: string): Expr {
  // Both limits name a column like every other parse error ("at column N: ..."): the first
  // character past the length limit, and the start of the expression for the height.
  if (text.length > MAX_EXPRESSION_LENGTH) fail(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH, text);
  const e = new Parser(text, tokenize(text)).parseAll();
  if (height(e) > MAX_HEIGHT) fail(`the expression has more than ${MAX_HEIGHT} nested operations; split it into several steps`, 0, text);
  return e;
}
