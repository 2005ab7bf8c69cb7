// append, duplicates report/tag and sort permutations against hand-computed and naive results.
import { describe, expect, it } from 'vitest';
import { append } from '../../../src/engine/combine/append.js';
import { duplicatesReport, duplicatesTag } from '../../../src/engine/combine/duplicates.js';
import { compareText, sortOrder } from '../../../src/engine/combine/sort.js';
import type { Dataset, NamedColumn } from '../../../src/engine/combine/types.js';
import { lcg } from '../../helpers.js';

const num = (name: string, values: number[]): NamedColumn => ({ name, column: { kind: 'numeric', values: Float64Array.from(values) } });
const cat = (name: string, texts: (string | null)[], levels = [...new Set(texts.filter((t): t is string => t !== null))]): NamedColumn => ({
  name,
  column: { kind: 'categorical', codes: Int32Array.from(texts, (t) => (t === null ? -1 : levels.indexOf(t))), levels },
});
const values = (d: Dataset, name: string): (number | string | null)[] => {
  const c = d.columns.find((x) => x.name === name)?.column;
  if (!c) throw new Error(name);
  return c.kind === 'numeric' ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) : Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
};

describe('append', () => {
  it('stacks by name, fills variables missing on one side, merges level tables', () => {
    const a: Dataset = { nrows: 2, columns: [num('x', [1, 2]), cat('prov', ['北京', '上海'])] };
    const b: Dataset = { nrows: 3, columns: [cat('prov', ['广东', '北京', null]), num('z', [7, 8, 9])] };
    const out = append(a, b, { generate: 'source' });
    expect(out.nrows).toBe(5);
    expect(out.columns.map((c) => c.name)).toEqual(['x', 'prov', 'z', 'source']);
    expect(values(out, 'x')).toEqual([1, 2, null, null, null]);
    expect(values(out, 'prov')).toEqual(['北京', '上海', '广东', '北京', null]);
    expect((out.columns[1].column as { levels: string[] }).levels).toEqual(['北京', '上海', '广东']);
    expect(values(out, 'z')).toEqual([null, null, 7, 8, 9]);
    expect(values(out, 'source')).toEqual([0, 0, 1, 1, 1]);
  });
  it('a numeric/text conflict is an error naming the variable', () => {
    expect(() => append({ nrows: 1, columns: [num('code', [1])] }, { nrows: 1, columns: [cat('code', ['A1'])] })).toThrow('variable "code" is numeric in the master data but text (categorical) in the using data');
  });
});

describe('duplicates', () => {
  it('report: copies → observations and surplus; tag = copies − 1; missing counts as a value', () => {
    const keys = [num('id', [1, 1, 2, 3, 3, 3, Number.NaN, Number.NaN]), num('year', [1, 1, 1, 1, 1, 1, 1, 1])];
    const r = duplicatesReport(keys);
    expect(r.rows).toEqual([
      { copies: 1, observations: 1, surplus: 0 },
      { copies: 2, observations: 4, surplus: 2 },
      { copies: 3, observations: 3, surplus: 2 },
    ]);
    expect(r.groups).toBe(4);
    expect(r.unique).toBe(false);
    expect(Array.from(duplicatesTag(keys))).toEqual([1, 1, 0, 2, 2, 2, 1, 1]);
    expect(duplicatesReport([cat('p', ['a', 'b', null])]).unique).toBe(true);
  });
});

describe('sortOrder', () => {
  it('stable, missing last, descending keys (gsort), text by code point', () => {
    const x = num('x', [3, Number.NaN, 1, 3, 2, 1]);
    expect(Array.from(sortOrder([x]))).toEqual([2, 5, 4, 0, 3, 1]);
    expect(Array.from(sortOrder([x], [true]))).toEqual([0, 3, 4, 2, 5, 1]);
    const p = cat('p', ['b', null, 'a', 'b', '中', 'a'], ['中', 'b', 'a']);
    const y = num('y', [1, 0, 5, 2, 0, 6]);
    expect(Array.from(sortOrder([p, y]))).toEqual([2, 5, 0, 3, 4, 1]);
    expect(Array.from(sortOrder([p, y], [false, true]))).toEqual([5, 2, 3, 0, 4, 1]);
    expect(Array.from(sortOrder([p, y], [true, false]))).toEqual([4, 0, 3, 2, 5, 1]);
    // UTF-16 code units would put U+1F600 (a surrogate pair) before U+FF21; code points do not
    expect(compareText('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
  });
  it('agrees with a naive stable comparison sort on random keys', () => {
    const u = lcg(8);
    const n = 5000;
    const a = Array.from({ length: n }, () => (u() < 0.05 ? Number.NaN : Math.floor(u() * 20) / 4));
    const b = Array.from({ length: n }, () => (u() < 0.1 ? null : ['x', 'y', 'z', '北'][Math.floor(u() * 4)]));
    const cmpNum = (p: number, q: number) => (Number.isNaN(p) ? (Number.isNaN(q) ? 0 : 1) : Number.isNaN(q) ? -1 : p - q);
    const cmpText = (p: string | null, q: string | null) => (p === null ? (q === null ? 0 : 1) : q === null ? -1 : compareText(p, q));
    const naive = a.map((_, i) => i).sort((i, j) => cmpText(b[i], b[j]) || -cmpNum(a[i], a[j]) * (Number.isNaN(a[i]) || Number.isNaN(a[j]) ? -1 : 1) || i - j);
    expect(Array.from(sortOrder([cat('b', b), num('a', a)], [false, true]))).toEqual(naive);
  });
});
