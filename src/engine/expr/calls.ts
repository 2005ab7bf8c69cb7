// Function calls of the expression language (the list and their rules: docs/expressions.md).
// Row functions follow Stata's generate functions; group functions (mean(x, by(g)) ...) follow
// egen and use only the rows of the current `if` sample.
import { AppError } from '../../shared/errors.js';
import { type GroupStat, groupStatistic } from '../transform/egen.js';
import { groupIds } from '../transform/groups.js';
import type { Expr } from './ast.js';
import { FUNCTIONS, isGroupCall } from './check.js';
import { type NumUnary, binary, unary } from './kernels.js';
import { compareText, pickText, textMissing } from './text.js';
import { type Ctx, type Val, numArray, numColumn, outFor, report } from './values.js';

type Call = Extract<Expr, { type: 'call' }>;
type Eval = (e: Expr) => Val;

const MATH_OP: Record<string, NumUnary> = {
  ln: 'ln',
  log: 'ln',
  log10: 'log10',
  exp: 'exp',
  sqrt: 'sqrt',
  abs: 'abs',
  floor: 'floor',
  ceil: 'ceil',
  int: 'int',
  sign: 'sign',
};

const isNum = (v: Val): boolean => v.t === 'nc' || v.t === 'nv';

export function evalCall(e: Call, ctx: Ctx, ev: Eval): Val {
  if (isGroupCall(e)) return groupCall(e, ctx, ev);
  const kind = FUNCTIONS[e.name].kind;
  switch (kind) {
    case 'math':
      return math(e, ctx, ev);
    case 'round':
    case 'mod':
      return roundMod(e, ctx, ev);
    case 'rowminmax':
      return rowMinMax(e, ctx, ev);
    case 'cond':
      return cond(e, ctx, ev);
    case 'missing':
      return anyMissing(e, ctx, ev);
    case 'inrange':
      return inrange(e, ctx, ev);
    case 'inlist':
      return inlist(e, ctx, ev);
    default:
      throw new AppError('INTERNAL', `${e.name}() has no evaluator`);
  }
}

function math(e: Call, ctx: Ctx, ev: Eval): Val {
  const op = MATH_OP[e.name];
  const x = ev(e.args[0]);
  const { a } = numArray(x);
  const counts = { events: 0 };
  if (x.t === 'nc') {
    const out = new Float64Array(1);
    unary(op, a, out, null, counts);
    return { t: 'nc', v: out[0] };
  }
  const out = outFor(ctx.n, x);
  unary(op, a, out, ctx.sample, counts);
  if (op === 'ln' || op === 'log10') report(ctx, 'log-domain', e, counts.events, (s, r) => `${s}: ${r} row(s) with a value ≤ 0 give missing`);
  if (op === 'sqrt') report(ctx, 'sqrt-domain', e, counts.events, (s, r) => `${s}: ${r} row(s) with a negative value give missing`);
  return { t: 'nv', v: out, owned: true };
}

/** Applies f row by row over numeric arguments (scalars broadcast); the result is a column or a scalar. */
function rowwise(args: Val[], n: number, f: (xs: Float64Array) => number): Val {
  const arrs = args.map(numArray);
  const xs = new Float64Array(args.length);
  if (args.every((v) => v.t === 'nc')) {
    arrs.forEach((s, j) => (xs[j] = s.a[0]));
    return { t: 'nc', v: f(xs) };
  }
  const out = outFor(n, ...args);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < arrs.length; j++) xs[j] = arrs[j].a[i & arrs[j].m];
    const r = f(xs);
    out[i] = r - r === 0 ? r : Number.NaN;
  }
  return { t: 'nv', v: out, owned: true };
}

/** round(x[, u]): x in units of u, halves away from zero; u = 0 returns x; missing u → missing. */
function roundMod(e: Call, ctx: Ctx, ev: Eval): Val {
  const args = e.args.map(ev);
  if (e.name === 'mod') {
    // Stata: mod(x, y) = x − y·floor(x/y); mod(x, 0) is missing
    return rowwise(args, ctx.n, (xs) => (xs[1] === 0 ? Number.NaN : xs[0] - xs[1] * Math.floor(xs[0] / xs[1])));
  }
  return rowwise(args, ctx.n, (xs) => {
    const x = xs[0];
    const u = xs.length > 1 ? Math.abs(xs[1]) : 1;
    if (u === 0) return x;
    const q = x / u;
    return (q < 0 ? -Math.floor(-q + 0.5) : Math.floor(q + 0.5)) * u;
  });
}

/** Stata's min()/max() of several arguments: missing arguments are ignored; all missing → missing. */
function rowMinMax(e: Call, ctx: Ctx, ev: Eval): Val {
  const isMin = e.name === 'min';
  return rowwise(e.args.map(ev), ctx.n, (xs) => {
    let best = Number.NaN;
    for (let j = 0; j < xs.length; j++) {
      const v = xs[j];
      if (v - v !== 0) continue;
      if (best !== best || (isMin ? v < best : v > best)) best = v;
    }
    return best;
  });
}

/** cond(c, a, b[, m]) as Stata: a where c ≠ 0, b where c = 0; where c is missing, m if given, else a. */
function cond(e: Call, ctx: Ctx, ev: Eval): Val {
  const c = numArray(ev(e.args[0]));
  const branches = e.args.slice(1).map(ev);
  const hasM = branches.length === 3;
  const pickAt = (i: number): number => {
    const x = c.a[i & c.m];
    return x - x !== 0 ? (hasM ? 2 : 0) : x !== 0 ? 0 : 1;
  };
  if (!isNum(branches[0])) {
    const pick = new Uint8Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) pick[i] = pickAt(i);
    return pickText(branches, pick, ctx.n);
  }
  if (c.m === 0 && branches.every((b) => b.t === 'nc')) return branches[pickAt(0)];
  const arrs = branches.map(numArray);
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    const s = arrs[pickAt(i)];
    out[i] = s.a[i & s.m];
  }
  return { t: 'nv', v: out, owned: true };
}

/** missing(a, b, ...): 1 if any argument is missing (text: empty). */
function anyMissing(e: Call, ctx: Ctx, ev: Eval): Val {
  const parts = e.args.map((a) => {
    const v = ev(a);
    return isNum(v) ? rowwise([v], ctx.n, (xs) => (xs[0] - xs[0] !== 0 ? 1 : 0)) : textMissing(v, ctx.n);
  });
  return parts.reduce((acc, p) => orValues(acc, p, ctx.n));
}

function orValues(a: Val, b: Val, n: number): Val {
  const x = numArray(a);
  const y = numArray(b);
  if (x.m === 0 && y.m === 0) return { t: 'nc', v: x.a[0] !== 0 || y.a[0] !== 0 ? 1 : 0 };
  const out = outFor(n, a, b);
  binary('|', x.a, x.m, y.a, y.m, out, null, { events: 0 });
  return { t: 'nv', v: out, owned: true };
}

/** inrange(z, a, b): 1 if a ≤ z ≤ b; z missing → 0; a missing means −∞, b missing +∞ (Stata). */
function inrange(e: Call, ctx: Ctx, ev: Eval): Val {
  return rowwise(e.args.map(ev), ctx.n, (xs) => {
    const z = xs[0];
    if (z - z !== 0) return 0;
    const lo = xs[1] - xs[1] === 0 ? xs[1] : -Infinity;
    const hi = xs[2] - xs[2] === 0 ? xs[2] : Infinity;
    return lo <= z && z <= hi ? 1 : 0;
  });
}

/** inlist(z, a, b, ...): 1 if z equals any of them (missing equals missing, as Stata's ==). */
function inlist(e: Call, ctx: Ctx, ev: Eval): Val {
  const z = ev(e.args[0]);
  let acc: Val = { t: 'nc', v: 0 };
  for (const a of e.args.slice(1)) {
    const v = ev(a);
    let eq: Val;
    if (isNum(z)) {
      const x = numArray(z);
      const y = numArray(v);
      if (x.m === 0 && y.m === 0) eq = { t: 'nc', v: x.a[0] === y.a[0] || (x.a[0] !== x.a[0] && y.a[0] !== y.a[0]) ? 1 : 0 };
      else {
        const out = new Float64Array(ctx.n);
        binary('==', x.a, x.m, y.a, y.m, out, null, { events: 0 });
        eq = { t: 'nv', v: out, owned: true };
      }
    } else eq = compareText('==', z, v, ctx.n);
    acc = orValues(acc, eq, ctx.n);
  }
  return acc;
}

const GROUP_STAT: Record<string, GroupStat> = {
  mean: 'mean',
  sd: 'sd',
  count: 'count',
  total: 'total',
  median: 'median',
  rank: 'rank',
  min: 'min',
  max: 'max',
  pctile: 'pctile',
};

/** mean(x, by(g)) etc.: egen semantics over the rows of the current sample. */
function groupCall(e: Call, ctx: Ctx, ev: Eval): Val {
  const arg = ev(e.args[0]);
  let values: Float64Array;
  if (arg.t === 'nv') values = arg.v; // read only: no copy
  else if (arg.t === 'nc') values = numColumn(arg, ctx.n);
  else {
    // count(text): the number of non-missing texts
    const miss = numArray(textMissing(arg, ctx.n));
    values = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) values[i] = miss.a[i & miss.m] ? Number.NaN : 1;
  }
  const by = e.by ?? [];
  const key = by.join('\u0000');
  let g = ctx.groups.get(key);
  if (!g) {
    g = groupIds(
      by.map((b) => ctx.env.column(b) as NonNullable<ReturnType<typeof ctx.env.column>>),
      ctx.n,
    );
    ctx.groups.set(key, g);
  }
  const p = e.name === 'pctile' ? (e.args[1] as Extract<Expr, { type: 'number' }>).value : undefined;
  return { t: 'nv', v: groupStatistic(values, g, GROUP_STAT[e.name], { p, sample: ctx.sample }), owned: true };
}
