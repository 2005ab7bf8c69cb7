// Static checks of a parsed expression against the dataset: every variable exists (else the closest
// name is suggested), every function is known and has the right number of arguments, text and
// numbers are not mixed, L./F./D. have a panel. Runs before any row is touched, so a typo costs
// nothing on 10M rows, and the UI can validate as the user types.
import type { Column } from '../data.js';
import type { Expr } from './ast.js';
import { closest, fail } from './errors.js';

export type ValueType = 'number' | 'text';

/** What an expression is evaluated against: named columns of one dataset. */
export interface ExprEnv {
  nrows: number;
  /** All variable names (for "did you mean"). */
  names(): readonly string[];
  /** The column, or undefined when there is no such variable. */
  column(name: string): Column | undefined;
  /** Panel structure for L./F./D. (Stata's xtset). */
  panel?: { id: string; time: string; delta?: number };
}

/** An environment over in-memory columns (tests, CLI). */
export function columnsEnv(nrows: number, columns: Record<string, Column>, panel?: ExprEnv['panel']): ExprEnv {
  const names = Object.keys(columns);
  return { nrows, names: () => names, column: (n) => (Object.hasOwn(columns, n) ? columns[n] : undefined), panel };
}

type Kind = 'math' | 'round' | 'mod' | 'rowminmax' | 'cond' | 'missing' | 'inrange' | 'inlist' | 'group' | 'pctile';

interface FunctionSpec {
  kind: Kind;
  min: number;
  max: number;
}

const MATH = ['ln', 'log', 'log10', 'exp', 'sqrt', 'abs', 'floor', 'ceil', 'int', 'sign'];
const GROUP = ['mean', 'sd', 'count', 'total', 'median', 'rank'];

export const FUNCTIONS: Record<string, FunctionSpec> = {
  ...Object.fromEntries(MATH.map((n) => [n, { kind: 'math', min: 1, max: 1 }])),
  ...Object.fromEntries(GROUP.map((n) => [n, { kind: 'group', min: 1, max: 1 }])),
  round: { kind: 'round', min: 1, max: 2 },
  mod: { kind: 'mod', min: 2, max: 2 },
  min: { kind: 'rowminmax', min: 1, max: Infinity },
  max: { kind: 'rowminmax', min: 1, max: Infinity },
  cond: { kind: 'cond', min: 3, max: 4 },
  missing: { kind: 'missing', min: 1, max: Infinity },
  inrange: { kind: 'inrange', min: 3, max: 3 },
  inlist: { kind: 'inlist', min: 2, max: Infinity },
  pctile: { kind: 'pctile', min: 2, max: 2 },
};

/** Functions whose value at a row depends on other rows (they honour by() and the if-sample). */
export function isGroupCall(e: Extract<Expr, { type: 'call' }>): boolean {
  const spec = FUNCTIONS[e.name];
  if (!spec) return false;
  return spec.kind === 'group' || spec.kind === 'pctile' || (spec.kind === 'rowminmax' && (e.args.length === 1 || e.by !== undefined));
}

/** Names Stata users type that mean something else here: say so instead of "unknown function". */
const HINTS: Record<string, string> = {
  sum: "sum() in Stata's generate is a running sum; for the group total write total(x, by(g))",
  log1p: 'write ln(1 + x)',
  sqr: 'write x^2',
  power: 'write x^y',
  std: 'standardise with the standardise tool, or write (x - mean(x, by(g))) / sd(x, by(g))',
  lag: 'write L.x (or L2.x) — it needs the panel id and time to be set',
  lead: 'write F.x — it needs the panel id and time to be set',
};

function numberOnly(t: ValueType, e: Expr, what: string, text?: string): void {
  if (t !== 'number') fail(`${what} needs a number, but this is text`, e.pos, text);
}

/** Checks the expression; returns its type. `text` (the source) lets errors name the column. */
export function checkExpression(expr: Expr, env: ExprEnv, text?: string): ValueType {
  const visit = (e: Expr): ValueType => {
    switch (e.type) {
      case 'number':
      case 'missing':
        return 'number';
      case 'string':
        return 'text';
      case 'var': {
        const c = env.column(e.name);
        if (!c) {
          const guess = closest(e.name, env.names());
          fail(`variable "${e.name}" not found${guess ? `; did you mean "${guess}"?` : ''}`, e.pos, text);
        }
        return c.kind === 'numeric' ? 'number' : 'text';
      }
      case 'unary':
        numberOnly(visit(e.arg), e.arg, e.op === '-' ? "'-'" : "'!'", text);
        return 'number';
      case 'tsop': {
        if (!env.panel) fail(`${e.op}. needs a panel: set the panel id and time variables first`, e.pos, text);
        numberOnly(visit(e.arg), e.arg, `${e.op}.`, text);
        return 'number';
      }
      case 'binary': {
        const l = visit(e.left);
        const r = visit(e.right);
        if (e.op === '==' || e.op === '!=' || e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') {
          if (l !== r) {
            const textSide = l === 'text' ? e.left : e.right;
            const name = textSide.type === 'var' ? `"${textSide.name}" is a text variable` : 'one side is text';
            fail(`type mismatch in '${e.op}': ${name} and the other side is a number${textSide.type === 'var' ? `; compare it with text, e.g. ${textSide.name} == "..."` : ''}`, e.pos, text);
          }
          return 'number';
        }
        if (l === 'text' || r === 'text') {
          fail(`type mismatch: '${e.op}' needs numbers, but ${l === 'text' ? 'the left' : 'the right'} side is text`, e.pos, text);
        }
        return 'number';
      }
      case 'call':
        return checkCall(e, env, visit, text);
    }
  };
  return visit(expr);
}

function checkCall(e: Extract<Expr, { type: 'call' }>, env: ExprEnv, visit: (e: Expr) => ValueType, text?: string): ValueType {
  const spec = FUNCTIONS[e.name];
  if (!spec) {
    const hint = HINTS[e.name];
    const guess = hint ? undefined : closest(e.name, Object.keys(FUNCTIONS));
    fail(`unknown function ${e.name}()${hint ? `: ${hint}` : guess ? `; did you mean ${guess}()?` : ''}`, e.pos, text);
  }
  const n = e.args.length;
  if (n < spec.min || n > spec.max) {
    const want = spec.min === spec.max ? `${spec.min}` : spec.max === Infinity ? `at least ${spec.min}` : `${spec.min} or ${spec.max}`;
    fail(`${e.name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${n}`, e.pos, text);
  }
  const group = isGroupCall(e);
  if (e.by) {
    if (!group) fail(`${e.name}() does not take by(); by() goes with the group functions mean, sd, min, max, count, total, median, pctile, rank`, e.pos, text);
    if (spec.kind === 'rowminmax' && n > 1) fail(`${e.name}() with by() takes one variable or expression`, e.pos, text);
    for (const b of e.by) {
      if (!env.column(b)) {
        const guess = closest(b, env.names());
        fail(`by() variable "${b}" not found${guess ? `; did you mean "${guess}"?` : ''}`, e.pos, text);
      }
    }
  }
  const types = e.args.map(visit);
  switch (spec.kind) {
    case 'math':
    case 'round':
    case 'mod':
    case 'rowminmax':
    case 'inrange':
    case 'group':
      types.forEach((t, j) => {
        if (!(e.name === 'count' && t === 'text')) numberOnly(t, e.args[j], `${e.name}()`, text);
      });
      return 'number';
    case 'pctile': {
      numberOnly(types[0], e.args[0], 'pctile()', text);
      const p = e.args[1];
      const value = p.type === 'number' ? p.value : Number.NaN;
      if (!(value >= 0 && value <= 100)) fail('pctile(x, p) needs p as a number between 0 and 100, e.g. pctile(x, 25, by(year))', p.pos, text);
      return 'number';
    }
    case 'missing':
      return 'number';
    case 'inlist':
      types.forEach((t, j) => {
        if (t !== types[0]) fail(`inlist() compares ${types[0] === 'text' ? 'text with text' : 'numbers with numbers'}; argument ${j + 1} is ${t === 'text' ? 'text' : 'a number'}`, e.args[j].pos, text);
      });
      return 'number';
    case 'cond':
      numberOnly(types[0], e.args[0], 'the condition of cond()', text);
      for (let j = 2; j < n; j++) {
        if (types[j] !== types[1]) fail('cond() needs its results all text or all numbers', e.args[j].pos, text);
      }
      return types[1];
  }
}
