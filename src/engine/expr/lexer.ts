// Tokens of the expression language. Identifiers are Unicode letters/digits/underscore (so Chinese
// variable names such as 企业规模 work); strings are "..." (also the “...” an IME types); full-width
// （ ） ， count as ( ) , for the same reason. `.` alone is Stata's missing value; `.5` is a number.
import { fail } from './errors.js';
import type { TsOp } from './ast.js';

export type Token =
  | { kind: 'number'; value: number; pos: number; text: string }
  | { kind: 'string'; value: string; pos: number; text: string }
  | { kind: 'ident'; value: string; pos: number; text: string }
  | { kind: 'missing'; pos: number; text: string }
  /** L. F. D. (with an optional lag count: L2.) directly followed by its operand. */
  | { kind: 'tsop'; op: TsOp; k: number; pos: number; text: string }
  | { kind: 'op'; value: string; pos: number; text: string }
  | { kind: 'eof'; pos: number; text: string };

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;
const NUMBER = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;
const TS_OPERATOR = /^([LFD])([0-9]*)$/i;
/** Highest order of D{k}. (each order is one pass over the data; Stata users rarely go past 2). */
export const MAX_DIFFERENCE = 100;
const FULL_WIDTH: Record<string, string> = { '（': '(', '）': ')', '，': ',' };

// Longest match first.
const OPERATORS = ['==', '!=', '~=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '^', '<', '>', '&', '|', '!', '~', '(', ')', ',', '='];
const CANONICAL: Record<string, string> = { '~=': '!=', '&&': '&', '||': '|', '~': '!' };

/** Splits `text` into tokens; throws ExpressionError at the first character that cannot start one. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const rest = text.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      i += num[0].length;
      if (i < text.length && IDENT_PART.test(text[i])) fail(`"${num[0]}${text[i]}" is not a number or a name`, start, text);
      out.push({ kind: 'number', value: Number(num[0]), pos: start, text: num[0] });
      continue;
    }
    if (c === '.') {
      // `.` or `.a`–`.z` (Stata's extended missing values, all treated as the one missing value)
      i++;
      if (i < text.length && /[a-z]/.test(text[i]) && !(i + 1 < text.length && IDENT_PART.test(text[i + 1]))) i++;
      out.push({ kind: 'missing', pos: start, text: text.slice(start, i) });
      continue;
    }
    if (c === '"' || c === '“') {
      const close = c === '"' ? '"' : '”';
      const end = text.indexOf(close, i + 1);
      if (end < 0) fail(`the text starting here has no closing ${close}`, start, text);
      out.push({ kind: 'string', value: text.slice(i + 1, end), pos: start, text: text.slice(start, end + 1) });
      i = end + 1;
      continue;
    }
    if (IDENT_START.test(c)) {
      i++;
      while (i < text.length && IDENT_PART.test(text[i])) i++;
      const word = text.slice(start, i);
      const ts = TS_OPERATOR.exec(word);
      // L.x, L2.x, F.x, D.x: the dot follows the letter directly; `L . x` is not an operator
      if (ts && text[i] === '.' && i + 1 < text.length && (IDENT_START.test(text[i + 1]) || text[i + 1] === '(')) {
        i++;
        const k = ts[2] === '' ? 1 : Number(ts[2]);
        if (k < 1) fail(`${word}. needs a lag of at least 1`, start, text);
        // D{k}. differences k times over the whole column: D99999999.x ran for hours (fuzz campaign).
        if (ts[1].toUpperCase() === 'D' && k > MAX_DIFFERENCE) fail(`${word}. differences ${k} times; at most ${MAX_DIFFERENCE} is allowed`, start, text);
        out.push({ kind: 'tsop', op: ts[1].toUpperCase() as TsOp, k, pos: start, text: text.slice(start, i) });
        continue;
      }
      out.push({ kind: 'ident', value: word, pos: start, text: word });
      continue;
    }
    if (FULL_WIDTH[c]) {
      i++;
      out.push({ kind: 'op', value: FULL_WIDTH[c], pos: start, text: c });
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      i += op.length;
      out.push({ kind: 'op', value: CANONICAL[op] ?? op, pos: start, text: op });
      continue;
    }
    if (DIGIT.test(c)) fail(`"${c}" is not a valid number`, start, text);
    fail(`unexpected character "${c}"`, start, text);
  }
  out.push({ kind: 'eof', pos: text.length, text: '' });
  return out;
}
