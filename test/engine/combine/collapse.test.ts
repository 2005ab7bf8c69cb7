// Stata collapse: weighted means (aweights), sums, counts, min/max per sorted group, a missing key as
// its own group, through runCombine as the CLI and worker call it.
import { describe, expect, it } from 'vitest';
import { runCombine } from '../../../src/engine/combine/run.js';
import type { Dataset } from '../../../src/engine/combine/types.js';

const num = (name: string, x: number[]) => ({ name, column: { kind: 'numeric' as const, values: Float64Array.from(x) } });
const data: Dataset = {
  nrows: 7,
  columns: [
    { name: 'firm', column: { kind: 'categorical', levels: ['b', 'a'], codes: Int32Array.from([0, 1, 0, 1, 1, -1, 0]) } },
    num('year', [2001, 2001, 2001, 2002, 2001, 2001, 2002]),
    num('q', [1, 2, 3, 4, NaN, 5, 6]),
    num('w', [1, 3, 3, 1, 10, 2, NaN]),
  ],
};
const get = (d: Dataset, n: string) => {
  const c = d.columns.find((x) => x.name === n)?.column;
  return c?.kind === 'numeric' ? Array.from(c.values) : c ? Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k])) : [];
};

describe('collapse', () => {
  it('weighted mean by firm year, sorted by the keys, missing key last', () => {
    const { data: d, report } = runCombine({ kind: 'collapse', master: 'tx', using: 'tx', keys: ['firm', 'year'], vars: ['q'], stat: 'mean', weight: 'w', name: 'fy' }, data, null);
    expect(report).toMatchObject({ kind: 'collapse', nrows: 5 });
    expect(get(d, 'firm')).toEqual(['a', 'a', 'b', 'b', null]);
    expect(get(d, 'year')).toEqual([2001, 2002, 2001, 2002, 2001]);
    // a-2001: q 2 (w 3), q NaN skipped → 2; b-2001: (1·1 + 3·3)/4 = 2.5; b-2002: weight missing → NaN
    expect(get(d, 'q')).toEqual([2, 4, 2.5, NaN, 5]);
  });
  it('sum, count, min, max; errors name the problem', () => {
    const run = (stat: 'sum' | 'count' | 'min' | 'max') => get(runCombine({ kind: 'collapse', master: 'tx', using: 'tx', keys: ['year'], vars: ['q'], stat, name: 'y' }, data, null).data, 'q');
    expect(run('sum')).toEqual([11, 10]);
    expect(run('count')).toEqual([4, 2]);
    expect(run('min')).toEqual([1, 4]);
    expect(run('max')).toEqual([5, 6]);
    expect(() => runCombine({ kind: 'collapse', master: 'tx', using: 'tx', keys: ['year'], vars: ['firm'], name: 'y' }, data, null)).toThrow(/text/);
    expect(() => runCombine({ kind: 'collapse', master: 'tx', using: 'tx', keys: ['yr'], vars: ['q'], name: 'y' }, data, null)).toThrow(/"yr" is not in the dataset/);
    expect(() => runCombine({ kind: 'collapse', master: 'tx', using: 'tx', keys: ['year'], vars: ['q'], stat: 'max', weight: 'w', name: 'y' }, data, null)).toThrow(/weights apply/);
  });
});
