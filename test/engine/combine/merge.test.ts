// merge: every kind on hand-built data, unmatched rows on both sides, missing keys, categorical
// keys with different level tables (Chinese text), several keys, keep/assert/order, the
// uniqueness errors worded as Stata's, and applyMerge's columns; plus a naive nested-loop check.
import { describe, expect, it } from 'vitest';
import { applyMerge, planMerge } from '../../../src/engine/combine/merge.js';
import type { Dataset, NamedColumn } from '../../../src/engine/combine/types.js';
import { lcg } from '../../helpers.js';

const num = (name: string, values: number[]): NamedColumn => ({ name, column: { kind: 'numeric', values: Float64Array.from(values) } });
const cat = (name: string, texts: (string | null)[]): NamedColumn => {
  const levels = [...new Set(texts.filter((t): t is string => t !== null))];
  return { name, column: { kind: 'categorical', codes: Int32Array.from(texts, (t) => (t === null ? -1 : levels.indexOf(t))), levels } };
};
const rows = (p: { left: Int32Array; right: Int32Array; merge: Uint8Array }) => Array.from(p.merge, (m, i) => [p.left[i], p.right[i], m]);
const values = (d: Dataset, name: string): (number | string | null)[] => {
  const c = d.columns.find((x) => x.name === name)?.column;
  if (!c) throw new Error(name);
  return c.kind === 'numeric' ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) : Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
};

describe('planMerge', () => {
  it('m:1: many master rows per using row; unmatched on both sides; Stata’s table', () => {
    const master = [num('id', [1, 2, 1, 3, 2])];
    const using = [num('id', [2, 1, 4])];
    const p = planMerge(master, using, 'm:1');
    expect(rows(p)).toEqual([
      [0, 1, 3],
      [1, 0, 3],
      [2, 1, 3],
      [3, -1, 1],
      [4, 0, 3],
      [-1, 2, 2],
    ]);
    expect(p.report).toEqual({ matched: 4, left_only: 1, right_only: 1 });
  });

  it('1:m: each master row repeated for its using rows, in using order', () => {
    const p = planMerge([num('id', [1, 2, 5])], [num('id', [2, 1, 2, 9])], '1:m');
    expect(rows(p)).toEqual([
      [0, 1, 3],
      [1, 0, 3],
      [1, 2, 3],
      [2, -1, 1],
      [-1, 3, 2],
    ]);
    expect(p.report).toEqual({ matched: 3, left_only: 1, right_only: 1 });
  });

  it('1:1 with two keys, one of them text with different level tables on each side', () => {
    const master = [cat('province', ['北京', '上海', '北京', '广东']), num('year', [2010, 2010, 2011, 2010])];
    const using = [cat('province', ['广东', '北京', '北京', '浙江']), num('year', [2010, 2011, 2010, 2010])];
    expect((master[0].column as { levels: string[] }).levels).not.toEqual((using[0].column as { levels: string[] }).levels);
    const p = planMerge(master, using, '1:1');
    expect(rows(p)).toEqual([
      [0, 2, 3],
      [1, -1, 1],
      [2, 1, 3],
      [3, 0, 3],
      [-1, 3, 2],
    ]);
  });

  it('missing keys never match and are counted', () => {
    const p = planMerge([num('id', [1, Number.NaN, 2])], [num('id', [Number.NaN, 1])], 'm:1');
    expect(p.missing_keys).toEqual({ left: 1, right: 1 });
    expect(rows(p)).toEqual([
      [0, 1, 3],
      [1, -1, 1],
      [2, -1, 1],
      [-1, 0, 2],
    ]);
    const q = planMerge([cat('k', ['a', null])], [cat('k', [null, 'a'])], '1:1');
    expect(q.report).toEqual({ matched: 1, left_only: 1, right_only: 1 });
  });

  it('keep(), assert() and key order', () => {
    const m = [num('id', [3, 1, 2])];
    const u = [num('id', [2, 4, 1])];
    expect(rows(planMerge(m, u, '1:1', { keep: ['match'] }))).toEqual([
      [1, 2, 3],
      [2, 0, 3],
    ]);
    const mu = planMerge(m, u, '1:1', { keep: ['master', 'match'] });
    expect(mu.report).toEqual({ matched: 2, left_only: 1, right_only: 1 });
    expect(mu.kept).toEqual({ matched: 2, left_only: 1, right_only: 0 });
    expect(() => planMerge(m, u, '1:1', { assert: ['match'] })).toThrow(/1 master-only observations and 1 using-only observations, but assert\(match\)/);
    const sorted = planMerge(m, u, '1:1', { order: 'key' });
    expect(rows(sorted)).toEqual([
      [1, 2, 3],
      [2, 0, 3],
      [0, -1, 1],
      [-1, 1, 2],
    ]);
  });

  it('uniqueness errors say which side and which key value, as Stata does', () => {
    const prov = cat('province', ['北京', '上海', '北京']);
    const year = num('year', [2010, 2010, 2010]);
    expect(() => planMerge([cat('province', ['北京']), num('year', [2010])], [prov, year], 'm:1')).toThrow(
      'variables province year do not uniquely identify observations in the using data (e.g. province = 北京, year = 2010 occurs 2 times)',
    );
    expect(() => planMerge([num('id', [1, 1])], [num('id', [1])], '1:1')).toThrow('variable id does not uniquely identify observations in the master data (e.g. id = 1 occurs 2 times)');
    expect(() => planMerge([num('id', [7, 7])], [num('id', [1])], '1:m')).toThrow(/in the master data \(e\.g\. id = 7/);
    // duplicates of a missing key do not count: they never match
    expect(() => planMerge([num('id', [1])], [num('id', [Number.NaN, Number.NaN, 1])], 'm:1')).not.toThrow();
  });

  it('key type and name mismatches are errors naming the variable', () => {
    expect(() => planMerge([num('id', [1])], [cat('id', ['1'])], 'm:1')).toThrow('key variable "id" is numeric in the master data but text (categorical) in the using data');
    expect(() => planMerge([num('id', [1])], [num('code', [1])], 'm:1')).toThrow(/"id" in the master data but "code"/);
  });

  it('agrees with a nested-loop merge on random data (numeric + categorical keys)', () => {
    const u = lcg(4);
    const nm = 3000;
    const nu = 120;
    const texts = ['甲', '乙', '丙', '丁', 'e'];
    const mk = Array.from({ length: nm }, () => [texts[Math.floor(u() * 5)], 2000 + Math.floor(u() * 30)] as const);
    const uk: (readonly [string, number])[] = [];
    const seen = new Set<string>();
    while (uk.length < nu) {
      const k = [texts[Math.floor(u() * 5)], 1995 + Math.floor(u() * 40)] as const;
      if (!seen.has(k.join())) {
        seen.add(k.join());
        uk.push(k);
      }
    }
    const p = planMerge([cat('p', mk.map((k) => k[0])), num('y', mk.map((k) => k[1]))], [cat('p', uk.map((k) => k[0])), num('y', uk.map((k) => k[1]))], 'm:1');
    const expected: number[][] = [];
    const used = new Set<number>();
    mk.forEach((k, i) => {
      const j = uk.findIndex((v) => v[0] === k[0] && v[1] === k[1]);
      if (j >= 0) used.add(j);
      expected.push(j >= 0 ? [i, j, 3] : [i, -1, 1]);
    });
    uk.forEach((_, j) => {
      if (!used.has(j)) expected.push([-1, j, 2]);
    });
    expect(rows(p)).toEqual(expected);
  });
});

describe('applyMerge', () => {
  const master: Dataset = { nrows: 3, columns: [cat('province', ['北京', '上海', '江苏']), num('year', [2010, 2010, 2010]), num('gdp', [1, 2, 3]), num('pop', [10, 20, 30])] };
  const using: Dataset = { nrows: 3, columns: [num('year', [2010, 2010, 2010]), cat('province', ['上海', '北京', '西藏']), num('pop', [99, 98, 97]), cat('region', ['东部', '东部', '西部'])] };
  const keys = (d: Dataset) => ['province', 'year'].map((n) => d.columns.find((c) => c.name === n) as NamedColumn);

  it('master variables, then using-only ones, then _merge; keys and common variables from the master where it has the row', () => {
    const p = planMerge(keys(master), keys(using), '1:1');
    const out = applyMerge(p, master, using);
    expect(out.columns.map((c) => c.name)).toEqual(['province', 'year', 'gdp', 'pop', 'region', '_merge']);
    expect(values(out, 'province')).toEqual(['北京', '上海', '江苏', '西藏']);
    expect(values(out, 'pop')).toEqual([10, 20, 30, 97]);
    expect(values(out, 'gdp')).toEqual([1, 2, 3, null]);
    expect(values(out, 'region')).toEqual(['东部', '东部', null, '西部']);
    expect(values(out, '_merge')).toEqual([3, 3, 1, 2]);
    expect(out.not_from_using).toEqual(['pop']);
  });

  it('keepUsing, generate(name) and nogenerate; name clashes are errors', () => {
    const p = planMerge(keys(master), keys(using), '1:1');
    const out = applyMerge(p, master, using, { keepUsing: ['region'], generate: 'src' });
    expect(out.columns.map((c) => c.name)).toEqual(['province', 'year', 'gdp', 'pop', 'region', 'src']);
    expect(out.not_from_using).toEqual([]);
    expect(applyMerge(p, master, using, { generate: null }).columns.map((c) => c.name)).not.toContain('_merge');
    expect(() => applyMerge(p, master, using, { generate: 'gdp' })).toThrow(/variable gdp already defined/);
    expect(() => applyMerge(p, master, using, { keepUsing: ['nope'] })).toThrow(/"nope" is not in the using data/);
  });

  it('a common variable that is numeric on one side and text on the other is an error', () => {
    const u2: Dataset = { nrows: 1, columns: [cat('province', ['北京']), num('year', [2010]), cat('gdp', ['high'])] };
    const p = planMerge(keys(master), keys(u2), '1:1');
    expect(() => applyMerge(p, master, u2)).toThrow('variable "gdp" is numeric in the master data but text (categorical) in the using data');
  });
});
