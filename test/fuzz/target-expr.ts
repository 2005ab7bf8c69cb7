// Expression parser and evaluator under mutated and generated expression texts. Seeds are the
// examples of docs/expressions.md and the parser tests; the environment is a small panel with
// numeric and text columns, so checking and evaluation run for every text that parses.
import { Buffer } from 'node:buffer';
import { type ExprEnv, columnsEnv, evaluate, formatExpression, parseExpression } from '../../src/engine/expr/index.js';
import { MAX_EXPRESSION_LENGTH } from '../../src/engine/expr/parser.js';
import { type FuzzInput, type Target, Violation, checkAppError } from './property.js';
import type { Rng } from './prng.js';

const N = 6;
const env: ExprEnv = columnsEnv(
  N,
  {
    x: { kind: 'numeric', values: Float64Array.from([1, -2, NaN, 0, 1e308, 3.5]) },
    y: { kind: 'numeric', values: Float64Array.from([0, 0, 2, NaN, -1, 7]) },
    id: { kind: 'numeric', values: Float64Array.from([1, 1, 1, 2, 2, 2]) },
    year: { kind: 'numeric', values: Float64Array.from([2001, 2002, 2003, 2001, 2002, 2003]) },
    province: { kind: 'categorical', codes: Int32Array.from([0, 1, -1, 0, 1, 0]), levels: ['上海', '北京'] },
    企业规模: { kind: 'numeric', values: Float64Array.from([3, 2, 1, 0, -1, NaN]) },
  },
  { id: 'id', time: 'year' },
);

const SEEDS = [
  'x + y * 2',
  '-2^2',
  '2^3^2',
  'ln(x) + 2*y',
  'cond(x > 0, "a", "b")',
  'cond(missing(x), ., x, 0)',
  'mean(x, by(id))',
  'pctile(x, 25, by(id year))',
  'inlist(province, "北京", "上海")',
  'inrange(x, ., 3)',
  'L.x - L2.x + F.y + D.(x + y)',
  'round(x, 0.5) + mod(year, 4)',
  'max(x, y, 3) - min(x)',
  'province == "" | province != “广东”',
  '!x == 1 & x ~= . || y >= .a',
  'sqrt(企业规模)（）',
  'count(province, by(year))',
  'rank(x) + median(y) + sd(x) + total(y)',
  'log10(abs(x)) / sign(y) + floor(x) + ceil(y) + int(x) + exp(y)',
  '1e308 * 10 + .5 - 0.',
];

const UNKNOWN = ['sum', 'foo', 'lag', 'Mean', 'LN', 'by', 'std', 'log1p', 'x'];
const PIECES = ['(', ')', ',', '"', '“', '”', '.', '.a', 'L.', 'L0.', 'D99999999.', 'F.(', 'by(', '==', '=', '~', '!', '^', '-', '+', '1e', '1e999', '0x10', '\u0000', '\ud800', '\udc00', '\ufeff', '\u200b', '（', '，', '\n', '\t', ' '];

function generated(r: Rng): { text: string; how: string } {
  switch (r.int(8)) {
    case 0: {
      const d = r.chance(0.5) ? r.range(50, 2000) : r.range(5000, 100_000);
      return { text: '('.repeat(d) + 'x' + ')'.repeat(r.chance(0.8) ? d : r.int(d)), how: `nestedParens(${d})` };
    }
    case 1: {
      const d = r.range(100, 50_000);
      const op = r.pick(['-', '!', '+', '~']);
      return { text: op.repeat(d) + 'x', how: `prefixChain(${d})` };
    }
    case 2: {
      const d = r.range(100, 50_000);
      const op = r.pick(['+', '^', '*', '&', '==', '-']);
      return { text: Array.from({ length: d }, () => r.pick(['x', 'y', '1', '.'])).join(op), how: `longChain(${d})` };
    }
    case 3: {
      const d = r.range(50, 20_000);
      const f = r.pick(['ln', 'abs', 'missing', 'mean', 'L.', 'max']);
      const open = f === 'L.' ? 'L.(' : `${f}(`;
      return { text: open.repeat(d) + 'x' + ')'.repeat(d), how: `nestedCalls(${f}, ${d})` };
    }
    case 4: {
      const n = r.range(100, 20_000);
      return { text: `max(${Array.from({ length: n }, (_, i) => (i % 2 ? 'x' : String(i))).join(',')})`, how: `manyArgs(${n})` };
    }
    case 5:
      return { text: `${r.pick(UNKNOWN)}(${r.pick(SEEDS)})`, how: 'unknownFunction' };
    case 6:
      return { text: '"' + 'a'.repeat(r.range(1000, 200_000)) + (r.chance(0.5) ? '"' : ''), how: 'longText' };
    default:
      return { text: Array.from({ length: r.range(1, 40) }, () => r.pick(PIECES)).join(''), how: 'pieces' };
  }
}

function mutateText(r: Rng, s: string): string {
  const chars = [...s];
  for (let k = r.range(1, 4); k > 0; k--) {
    const p = r.int(chars.length + 1);
    switch (r.int(4)) {
      case 0:
        chars.splice(p, 0, r.pick(PIECES));
        break;
      case 1:
        chars.splice(p, r.range(1, 4));
        break;
      case 2:
        chars.splice(p, 1, String.fromCharCode(r.int(0x10000)));
        break;
      default:
        chars.splice(p, 0, ...chars.slice(r.int(chars.length), r.int(chars.length + 1)));
    }
  }
  return chars.join('');
}

export const exprTarget: Target = {
  name: 'expr',
  setup() {},
  generate(r): FuzzInput {
    let text: string;
    const how: string[] = [];
    if (r.chance(0.3)) {
      const g = generated(r);
      text = g.text;
      how.push(g.how);
    } else {
      text = r.pick(SEEDS);
      how.push('seed');
    }
    if (r.chance(0.7)) {
      text = mutateText(r, text);
      how.push('mutateText');
    }
    return { bytes: Buffer.from(text, 'utf16le'), options: {}, how };
  },
  async run(input) {
    const text = input.bytes.toString('utf16le');
    let ast;
    try {
      ast = parseExpression(text);
    } catch (err) {
      checkAppError(err);
      if (!/^at column \d+: /.test((err as Error).message)) throw new Violation(`parse error without a column: "${(err as Error).message}"`);
      return false;
    }
    // The AST is plain JSON and its canonical text parses back to the same AST shape.
    // (Text holding both " and ” has no canonical form; the spaces around operators may push the
    // canonical text past the length limit.)
    try {
      const canonical = formatExpression(JSON.parse(JSON.stringify(ast)));
      if (canonical.length <= MAX_EXPRESSION_LENGTH && !/"[^"]*”|”[^"]*"/.test(canonical)) parseExpression(canonical);
    } catch (err) {
      throw new Violation(`canonical text of a parsed expression fails: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    let res;
    try {
      res = evaluate(ast, env, { text });
    } catch (err) {
      checkAppError(err);
      return false;
    }
    if (res.type === 'number') {
      if (!(res.values instanceof Float64Array) || res.values.length !== N) throw new Violation('numeric result of the wrong shape');
      let m = 0;
      for (const v of res.values) {
        if (Number.isNaN(v)) m++;
        else if (!Number.isFinite(v)) throw new Violation('infinite value in a result');
      }
      if (m !== res.missing) throw new Violation(`result reports ${res.missing} missing but holds ${m}`);
    } else {
      const v = res.values as { codes: Int32Array; levels: string[] };
      if (v.codes.length !== N) throw new Violation('text result of the wrong length');
      for (const k of v.codes) if (k < -1 || k >= v.levels.length) throw new Violation(`text code ${k} outside ${v.levels.length} levels`);
    }
    return true;
  },
};
