// NumberTable (key dictionary) against a JS Map: direct lookup for compact integers, hashing for
// the rest, the switch from one to the other, −0 = 0, missing values.
import { describe, expect, it } from 'vitest';
import { planMerge } from '../../../src/engine/combine/merge.js';
import { ABSENT, NumberTable } from '../../../src/engine/combine/table.js';
import { lcg } from '../../helpers.js';

describe('NumberTable', () => {
  const u = lcg(12);
  const cases: Record<string, Float64Array> = {
    'years (direct)': Float64Array.from({ length: 5000 }, () => 1990 + Math.floor(u() * 30)),
    'wide integers (hash)': Float64Array.from({ length: 5000 }, () => Math.floor(u() * 400) * 1e10),
    'fractions, ±0, NaN, ±∞ (hash)': Float64Array.from({ length: 5000 }, (_, i) => (i % 50 === 0 ? -0 : i % 70 === 0 ? Number.NaN : i % 90 === 0 ? Infinity : Math.floor(u() * 300) / 8)),
  };
  for (const [name, v] of Object.entries(cases)) {
    it(`${name}: ids in order of first insertion, ABSENT for unknown values, −1 for missing`, () => {
      const t = new NumberTable([v]);
      const ids = new Int32Array(v.length);
      t.mapAll(v, ids, true);
      const map = new Map<number, number>();
      v.forEach((x, i) => {
        if (!Number.isFinite(x)) return expect(ids[i]).toBe(-1);
        if (!map.has(x)) map.set(x, map.size);
        expect(ids[i]).toBe(map.get(x));
      });
      expect(t.size).toBe(map.size);
      const probe = Float64Array.from([v[1], 0.123456, -1e300, Number.NaN]);
      const out = new Int32Array(4);
      t.mapAll(probe, out, false);
      expect(Array.from(out)).toEqual([map.get(v[1]), ABSENT, ABSENT, -1]);
    });
  }
  it('an inserted value outside the planned integer range moves the table to hashing', () => {
    const t = new NumberTable([Float64Array.from([1, 2, 3])]);
    expect([t.add(2), t.add(1), t.add(2.5), t.add(-7e15), t.add(3), t.add(2)]).toEqual([0, 1, 2, 3, 4, 0]);
    expect(t.get(2.5)).toBe(2);
    expect(t.get(4)).toBe(ABSENT);
  });
  it('merges on fractional and very large numeric keys', () => {
    const p = planMerge([{ name: 'k', column: { kind: 'numeric', values: Float64Array.from([0.1, 2 ** 52, 0.3, -0]) } }], [{ name: 'k', column: { kind: 'numeric', values: Float64Array.from([0, 0.3, 2 ** 52]) } }], 'm:1');
    expect(Array.from(p.right)).toEqual([-1, 2, 1, 0]);
    expect(p.report).toEqual({ matched: 3, left_only: 1, right_only: 0 });
  });
});
