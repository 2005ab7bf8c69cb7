// The expression parser: precedence as Stata's documented order of evaluation, round trips through
// the canonical text and JSON, and error messages that name the column.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors.js';
import { type Expr, ExpressionError, columnsEnv, evaluate, formatExpression, parseExpression, referencedVariables } from '../../../src/engine/expr/index.js';

const env0 = columnsEnv(1, {});
const value = (text: string): number => {
  const r = evaluate(text, env0);
  return (r.values as Float64Array)[0];
};

/** The AST without positions, for structural comparison. */
function shape(e: Expr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : v)));
}

describe('precedence and associativity (Stata [U] 13.2.5 order, left to right within a level)', () => {
  const cases: [string, number][] = [
    ['-2^2', -4], // negation after ^: Stata displays -4
    ['2^3^2', 64], // left to right: (2^3)^2
    ['(-2)^2', 4],
    ['2^-1', 0.5],
    ['-3^2 + 10', 1],
    ['- -2', 2],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3],
    ['8 / 4 / 2', 1],
    ['2 * 3 ^ 2', 18],
    ['1 + 2 == 3', 1],
    ['1 | 0 & 0', 1], // & before |
    ['(1 | 0) & 0', 0],
    ['!0 + 1', 2], // ! binds tightest: (!0) + 1
    ['!1 == 0', 1], // (!1) == 0
    ['3 == 3 > 2', 0], // > before ==: 3 == (3 > 2) = 3 == 1
    ['2 ~= 3', 1],
    ['1 && 0 || 1', 1],
    ['~0', 1],
    ['.5 + .5', 1],
    ['1e2 + 2.5E-1', 100.25],
    ['+4', 4],
  ];
  for (const [text, want] of cases) it(`${text} = ${want}`, () => expect(value(text)).toBe(want));
});

describe('functions and missing values on scalars', () => {
  const cases: [string, number][] = [
    ['. + 1', Number.NaN],
    ['. > 1e300', 1], // missing is larger than any number
    ['. == .', 1],
    ['. < 5', 0],
    ['!.', 0], // missing is "true", so its negation is 0
    ['. & 1', 1],
    ['1 / 0', Number.NaN],
    ['0 ^ 0', 1],
    ['. ^ 0', Number.NaN],
    ['(-8) ^ (1/3)', Number.NaN],
    ['exp(1000)', Number.NaN],
    ['ln(0)', Number.NaN],
    ['log(-1)', Number.NaN],
    ['log10(1000)', 3],
    ['sqrt(-1)', Number.NaN],
    ['sqrt(16)', 4],
    ['abs(-2)', 2],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['int(-2.7)', -2],
    ['sign(-3) + sign(0)', -1],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(1.2345, 0.01)', 1.23],
    ['round(28, 5)', 30],
    ['round(7, 0)', 7],
    ['round(7, .)', Number.NaN],
    ['mod(7, 3)', 1],
    ['mod(-7, 3)', 2],
    ['mod(7, 0)', Number.NaN],
    ['min(3, ., 1)', 1],
    ['max(., 2, 5)', 5],
    ['max(., .)', Number.NaN],
    ['cond(1, 10, 20)', 10],
    ['cond(0, 10, 20)', 20],
    ['cond(., 10, 20)', 10], // Stata: missing condition takes the first branch ...
    ['cond(., 10, 20, 30)', 30], // ... unless a fourth is given
    ['missing(1, ., 3)', 1],
    ['missing(1, 2)', 0],
    ['inrange(5, 1, 10)', 1],
    ['inrange(5, ., 6)', 1],
    ['inrange(7, 1, .)', 1],
    ['inrange(., 1, 2)', 0],
    ['inlist(2, 1, 2, 3)', 1],
    ['inlist(4, 1, 2, 3)', 0],
    ['inlist(., 1, .)', 1],
    ['"a" == "a"', 1],
    ['"a" < "b"', 1],
    ['"" == .', 1],
  ];
  for (const [text, want] of cases) {
    it(`${text} → ${want}`, () => {
      if (text === '"" == .') {
        expect(() => value(text)).toThrow(/type mismatch/);
        return;
      }
      const got = value(text);
      if (Number.isNaN(want)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(want, 12);
    });
  }
});

describe('canonical text and JSON', () => {
  const texts = ['-2^2', '(-2)^2', '2^3^2', '2^(3^2)', 'a - (b - c)', 'a / (b * c)', '!(x == 1)', 'mean(x, by(a b)) > 0 | y', 'L2.x - F.(x + 1) + D.y', 'cond(x > 1, "广东", "其他")', 'x == . & y != .'];
  for (const t of texts) {
    it(`${t} survives format → parse and JSON`, () => {
      const ast = parseExpression(t);
      expect(shape(parseExpression(formatExpression(ast)))).toEqual(shape(ast));
      expect(JSON.parse(JSON.stringify(ast))).toEqual(ast);
    });
  }
  it('formats with only the parentheses the structure needs', () => {
    expect(formatExpression(parseExpression('((a + (b * c)))'))).toBe('a + b * c');
    expect(formatExpression(parseExpression('(a + b) * c'))).toBe('(a + b) * c');
    expect(formatExpression(parseExpression('mean(x,by(g,h))'))).toBe('mean(x, by(g h))');
  });
  it('referencedVariables lists value and by() variables once, in order', () => {
    expect(referencedVariables(parseExpression('ln(x) + mean(y, by(year)) * x - L.z'))).toEqual(['x', 'y', 'year', 'z']);
  });
  it('Chinese names, IME quotes and full-width punctuation', () => {
    const ast = parseExpression('ln（企业规模） > 1 & 省份 == “广东”');
    expect(referencedVariables(ast)).toEqual(['企业规模', '省份']);
    expect(formatExpression(ast)).toBe('ln(企业规模) > 1 & 省份 == "广东"');
  });
  it('L., F. and D. with counts; a variable named L is still a variable', () => {
    expect(shape(parseExpression('L3.x'))).toEqual({ type: 'tsop', op: 'L', k: 3, arg: { type: 'var', name: 'x' } });
    expect(shape(parseExpression('l.x'))).toEqual({ type: 'tsop', op: 'L', k: 1, arg: { type: 'var', name: 'x' } });
    expect(shape(parseExpression('L + 1'))).toEqual({ type: 'binary', op: '+', left: { type: 'var', name: 'L' }, right: { type: 'number', value: 1 } });
  });
});

describe('syntax errors name the column', () => {
  const cases: [string, RegExp][] = [
    ['(x, y)', /^at column 3: expected '\)' but found ','$/],
    ['(x + 1', /^at column 7: expected '\)' but found the end of the expression$/],
    ['x +', /^at column 4: expected a number, a variable, a text in "\.\.\." or '\(' but found the end/],
    ['ln(x,)', /^at column 6: expected a number.* but found '\)'$/],
    ['max(x, y', /^at column 9: expected ',' or '\)' but found the end/],
    ['x = 1', /^at column 3: '=' assigns; to compare use '=='$/],
    ['x)', /^at column 2: '\)' has no matching '\('$/],
    ['x y', /^at column 3: expected an operator or the end of the expression but found "y"$/],
    ['2x', /^at column 1: "2x" is not a number or a name$/],
    ['"abc', /^at column 1: the text starting here has no closing "$/],
    ['x @ y', /^at column 3: unexpected character "@"$/],
    ['', /the expression is empty/],
    ['企业规模 +', /^at column 7: /], // columns count characters, not bytes
    ['mean(x, by(year), 2)', /^at column 19: by\(\) must be the last argument$/],
    ['mean(x, by())', /^at column 12: expected a variable name in by\(\) but found '\)'$/],
    ['L.', /^at column 2: expected an operator or the end of the expression but found '\.'$/],
    ['L.(x', /^at column 5: expected '\)' but found the end/],
  ];
  for (const [text, re] of cases) {
    it(JSON.stringify(text), () => {
      let err: unknown;
      try {
        parseExpression(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExpressionError);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('INVALID_ARGUMENT');
      expect((err as Error).message).toMatch(re);
    });
  }
  it('the error carries the column for the UI', () => {
    try {
      parseExpression('(x, y)');
    } catch (e) {
      expect((e as ExpressionError).column).toBe(3);
    }
  });
});
