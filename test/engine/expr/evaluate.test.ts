// Column evaluation: Stata's missing-value rules and the warnings that go with them, generate and
// replace with `if`, text (categorical) comparisons, group functions against naive loops, L./F./D.
// against a by-hand panel, and the static checks (unknown names, arity, types).
import { describe, expect, it } from 'vitest';
import type { Column } from '../../../src/engine/data.js';
import { columnsEnv, evaluate, evaluateCondition, generate, replace } from '../../../src/engine/expr/index.js';
import { lcg } from '../../helpers.js';

const NaN_ = Number.NaN;
const num = (...v: number[]): Column => ({ kind: 'numeric', values: Float64Array.from(v) });
const cat = (levels: string[], ...codes: number[]): Column => ({ kind: 'categorical', codes: Int32Array.from(codes), levels });
const values = (r: { values: unknown }): number[] => Array.from(r.values as Float64Array);

const env = columnsEnv(5, {
  x: num(1, NaN_, 7, 0, -2),
  y: num(2, 3, 4, 5, 6),
  g: num(1, 1, 2, 2, 2),
  省份: cat(['广东', '江苏', '浙江'], 0, 1, -1, 0, 2),
  企业规模: num(10, 20, 30, 40, 50),
});

describe('missing values (Stata rules)', () => {
  it('arithmetic with missing is missing', () => {
    expect(values(evaluate('x + y', env))).toEqual([3, NaN_, 11, 5, 4]);
  });
  it('x > 5 is true for missing x, with a warning that says so', () => {
    const r = evaluate('x > 5', env);
    expect(values(r)).toEqual([0, 1, 1, 0, 0]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ kind: 'missing-comparison', expression: 'x > 5', rows: 1 });
    expect(r.warnings[0]).toMatch(/count as true .*!missing\(x\)/);
  });
  it('no warning once the expression tests for missing itself, or compares with .', () => {
    expect(evaluate('x > 5 & !missing(x)', env).warnings).toEqual([]);
    expect(values(evaluate('x > 5 & !missing(x)', env))).toEqual([0, 0, 1, 0, 0]);
    expect(evaluate('x != .', env).warnings).toEqual([]);
    expect(values(evaluate('x < .', env))).toEqual([1, 0, 1, 1, 1]);
  });
  it('ln of non-positive values is missing and counted', () => {
    const r = evaluate('ln(x)', env);
    expect(values(r)).toEqual([0, NaN_, Math.log(7), NaN_, NaN_]);
    expect(r.issues).toEqual([expect.objectContaining({ kind: 'log-domain', rows: 2 })]);
    expect(r.missing).toBe(3);
  });
  it('division by zero is missing and counted; logical results are 1/0', () => {
    const r = evaluate('y / x', env);
    expect(r.issues).toEqual([expect.objectContaining({ kind: 'division-by-zero', rows: 1 })]);
    expect(values(evaluate('x & y', env))).toEqual([1, 1, 1, 0, 1]);
    expect(values(evaluate('!x', env))).toEqual([0, 0, 0, 1, 0]);
  });
  it('the result is a new array: the dataset column is never handed out', () => {
    const r = evaluate('y', env);
    (r.values as Float64Array)[0] = 99;
    expect((env.column('y') as { values: Float64Array }).values[0]).toBe(2);
  });
});

describe('generate / replace with if', () => {
  it('generate leaves unselected rows missing; counts only selected rows for warnings', () => {
    const r = generate('ln(x)', env, { if: 'x > 0 & !missing(x)' });
    expect(values({ values: (r.column as { values: Float64Array }).values })).toEqual([0, NaN_, Math.log(7), NaN_, NaN_]);
    expect(r.warnings).toEqual([]); // ln(0) and ln(−2) are outside the if
    expect(r.selected).toBe(2);
    expect(r.missing).toBe(3);
    expect(r.describe).toBe('generate = ln(x) if x > 0 & !missing(x)');
  });
  it('a missing condition value selects the row (Stata: missing is non-zero)', () => {
    expect(Array.from(evaluateCondition('x', env).mask)).toEqual([1, 1, 1, 0, 1]);
  });
  it('replace keeps unselected rows and counts real changes', () => {
    const r = replace({ name: 'y', column: env.column('y') as Column }, '0', env, { if: 'g == 2' });
    expect(Array.from((r.column as { values: Float64Array }).values)).toEqual([2, 3, 0, 0, 0]);
    expect(r.changed).toBe(3);
    expect((env.column('y') as { values: Float64Array }).values[2]).toBe(4);
  });
  it('replace on text adds new levels; type mismatches are errors', () => {
    const r = replace({ name: '省份', column: env.column('省份') as Column }, '"其他"', env, { if: 'missing(省份)' });
    expect(r.column).toEqual({ kind: 'categorical', codes: Int32Array.from([0, 1, 3, 0, 2]), levels: ['广东', '江苏', '浙江', '其他'] });
    expect(() => replace({ name: 'y', column: env.column('y') as Column }, '"a"', env)).toThrow(/type mismatch: "y" is numeric/);
  });
});

describe('text (categorical) variables and Chinese names', () => {
  it('== and != against a literal; missing text equals ""', () => {
    expect(values(evaluate('省份 == "广东"', env))).toEqual([1, 0, 0, 1, 0]);
    expect(values(evaluate('省份 != "广东"', env))).toEqual([0, 1, 1, 0, 1]);
    expect(values(evaluate('省份 == ""', env))).toEqual([0, 0, 1, 0, 0]);
    expect(values(evaluate('missing(省份)', env))).toEqual([0, 0, 1, 0, 0]);
  });
  it('inlist with texts; comparing two text columns', () => {
    expect(values(evaluate('inlist(省份, "江苏", "浙江")', env))).toEqual([0, 1, 0, 0, 1]);
    const e2 = columnsEnv(3, { a: cat(['x', 'y'], 0, 1, -1), b: cat(['y', 'x', 'z'], 1, 0, 2) });
    expect(values(evaluate('a == b', e2))).toEqual([1, 1, 0]);
    expect(values(evaluate('a < b', e2))).toEqual([0, 0, 1]); // "" < "z"
  });
  it('cond() with text results builds a categorical column', () => {
    const r = evaluate('cond(企业规模 > 25, "大", "小")', env);
    expect(r.type).toBe('text');
    expect(r.values).toEqual({ codes: Int32Array.from([1, 1, 0, 0, 0]), levels: ['大', '小'] });
  });
  it('count() of a text variable counts the non-missing texts', () => {
    expect(values(evaluate('count(省份)', env))).toEqual([4, 4, 4, 4, 4]);
    expect(values(evaluate('count(省份, by(g))', env))).toEqual([2, 2, 2, 2, 2]);
  });
  it('arithmetic on a Chinese-named numeric column', () => {
    expect(values(evaluate('企业规模 / 10 + g', env))).toEqual([2, 3, 5, 6, 7]);
  });
});

describe('static checks', () => {
  const cases: [string, RegExp][] = [
    ['sizee + 1', /variable "sizee" not found/],
    ['Y + 1', /at column 1: variable "Y" not found; did you mean "y"\?/],
    ['企业规 + 1', /did you mean "企业规模"\?/],
    ['foo(x)', /unknown function foo\(\)$/],
    ['lnn(x)', /unknown function lnn\(\); did you mean ln\(\)\?/],
    ['sum(x)', /running sum; for the group total write total\(x, by\(g\)\)/],
    ['ln(x, 2)', /ln\(\) takes 1 argument, got 2/],
    ['cond(x, 1)', /cond\(\) takes 3 or 4 arguments, got 2/],
    ['省份 + 1', /type mismatch: '\+' needs numbers, but the left side is text/],
    ['省份 == 1', /at column 4: type mismatch in '==': "省份" is a text variable .*省份 == "\.\.\."/],
    ['ln(省份)', /at column 4: ln\(\) needs a number, but this is text/],
    ['cond(x, "a", 1)', /all text or all numbers/],
    ['L.x', /L\. needs a panel/],
    ['ln(x, by(g))', /ln\(\) does not take by\(\)/],
    ['mean(x, by(gg))', /by\(\) variable "gg" not found; did you mean "g"\?/],
    ['pctile(x, 150)', /between 0 and 100/],
    ['pctile(x, y)', /needs p as a number/],
    ['max(x, y, by(g))', /max\(\) with by\(\) takes one variable/],
  ];
  for (const [text, re] of cases) it(text, () => expect(() => evaluate(text, env)).toThrow(re));
});

describe('group functions (egen semantics) against naive loops', () => {
  const u = lcg(7);
  const n = 500;
  const xv = Float64Array.from({ length: n }, (_, i) => (i % 23 === 0 ? NaN_ : Math.round(u() * 50) / 5));
  const gv = Float64Array.from({ length: n }, () => Math.floor(u() * 6));
  const e = columnsEnv(n, { x: { kind: 'numeric', values: xv }, g: { kind: 'numeric', values: gv } });
  const groupsOf = (sel: (i: number) => boolean): Map<number, number[]> => {
    const m = new Map<number, number[]>();
    for (let i = 0; i < n; i++) if (sel(i) && xv[i] === xv[i]) (m.get(gv[i]) ?? m.set(gv[i], []).get(gv[i]) as number[]).push(xv[i]);
    return m;
  };
  const all = groupsOf(() => true);
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  it('mean, sd, count, total, min, max by g', () => {
    const check = (text: string, f: (a: number[]) => number): void => {
      const got = values(evaluate(text, e));
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(f(all.get(gv[i]) as number[]), 10);
    };
    check('mean(x, by(g))', mean);
    check('sd(x, by(g))', (a) => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1)));
    check('count(x, by(g))', (a) => a.length);
    check('total(x, by(g))', (a) => a.reduce((s, v) => s + v, 0));
    check('min(x, by(g))', (a) => Math.min(...a));
    check('max(x, by(g))', (a) => Math.max(...a));
  });
  it('median and rank (ties averaged); overall statistics without by()', () => {
    const med = values(evaluate('median(x, by(g))', e));
    const p50 = values(evaluate('pctile(x, 50, by(g))', e));
    expect(med).toEqual(p50);
    const rank = values(evaluate('rank(x, by(g))', e));
    for (let i = 0; i < n; i++) {
      if (xv[i] !== xv[i]) {
        expect(rank[i]).toBeNaN();
        continue;
      }
      const a = all.get(gv[i]) as number[];
      const below = a.filter((v) => v < xv[i]).length;
      const ties = a.filter((v) => v === xv[i]).length;
      expect(rank[i]).toBe(below + (ties + 1) / 2);
    }
    const overall = values(evaluate('min(x)', e));
    expect(overall[0]).toBe(Math.min(...[...all.values()].flat()));
  });
  it('with if, group statistics use only the selected rows (egen ... if)', () => {
    const r = generate('mean(x, by(g))', e, { if: 'x > 3 & !missing(x)' });
    const sel = groupsOf((i) => xv[i] > 3);
    const got = (r.column as { values: Float64Array }).values;
    for (let i = 0; i < n; i++) {
      if (xv[i] > 3) expect(got[i]).toBeCloseTo(mean(sel.get(gv[i]) as number[]), 10);
      else expect(got[i]).toBeNaN();
    }
  });
});

describe('L. F. D. respect gaps in the panel', () => {
  // firm A: 2000, 2001, 2003 (gap at 2002); firm B: 2001, 2000 (rows out of order)
  const p = columnsEnv(5, { firm: cat(['A', 'B'], 0, 0, 0, 1, 1), year: num(2000, 2001, 2003, 2001, 2000), x: num(1, 2, 4, 20, 10) }, { id: 'firm', time: 'year' });
  it('L.x is the value at t − 1 of the same firm, not the previous row', () => {
    expect(values(evaluate('L.x', p))).toEqual([NaN_, 1, NaN_, 10, NaN_]);
    expect(values(evaluate('L2.x', p))).toEqual([NaN_, NaN_, 2, NaN_, NaN_]);
    expect(values(evaluate('F.x', p))).toEqual([2, NaN_, NaN_, NaN_, 20]);
  });
  it('D.x, D2.x and operators on expressions', () => {
    expect(values(evaluate('D.x', p))).toEqual([NaN_, 1, NaN_, 10, NaN_]);
    expect(values(evaluate('D2.x', p))).toEqual([NaN_, NaN_, NaN_, NaN_, NaN_]);
    expect(values(evaluate('L.(x * 2) - 2 * L.x', p))).toEqual([NaN_, 0, NaN_, 0, NaN_]);
  });
});

describe('large columns', () => {
  it('ln(x) + 2*y on 2M rows', () => {
    const n = 2_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = 1 + (i % 1000);
      y[i] = i % 7;
    }
    const e = columnsEnv(n, { x: { kind: 'numeric', values: x }, y: { kind: 'numeric', values: y } });
    // timing lives in `npm run bench` (expressions), not in a unit test
    const r = evaluate('ln(x) + 2*y', e);
    expect((r.values as Float64Array)[12345]).toBeCloseTo(Math.log(346) + 2 * (12345 % 7), 12);
  });
});
