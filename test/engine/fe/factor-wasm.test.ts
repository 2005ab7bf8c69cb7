// The WebAssembly factor path (fe/wasm/factor.ts: factorise integer-keyed terms, drop singletons,
// subset) against the JS path it replaces for such terms (buildFactors → findSingletons →
// subsetFactor), which stays the reference: the same ids, level counts, kept rows and counts.
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource, completeCases, restrictMask } from '../../../src/engine/data.js';
import { buildFactors, keyedTerms, subsetFactor } from '../../../src/engine/fe/factors.js';
import { findSingletons } from '../../../src/engine/fe/singletons.js';
import { keyedFactors } from '../../../src/engine/fe/wasm/factor.js';
import { absorbFactors } from '../../../src/engine/sample.js';
import { lcg } from '../../helpers.js';

const num = (values: Float64Array): Column => ({ kind: 'numeric', values });

/** An unbalanced firm-year panel (short firms make singletons), some missing values. */
function panel(n: number, seed: number, missing: number) {
  const u = lcg(seed);
  const firm = new Float64Array(n);
  const year = new Float64Array(n);
  const ind = new Float64Array(n);
  const city = new Float64Array(n);
  for (let r = 0, f = 0; r < n; f++) {
    const len = 1 + Math.floor(u() * 6);
    const i = 1 + Math.floor(u() * 8);
    const c = 100 + Math.floor(u() * 40);
    const start = 2001 + Math.floor(u() * 5);
    for (let t = 0; t < len && r < n; t++, r++) {
      firm[r] = 7 * f + 1_000_000;
      year[r] = start + t;
      ind[r] = i;
      city[r] = c;
    }
  }
  for (const col of [firm, year, ind, city]) for (let k = 0; k < missing; k++) col[Math.floor(u() * n)] = Number.NaN;
  return new MemorySource(n, { firm: num(firm), year: num(year), ind: num(ind), city: num(city) });
}

function jsPath(absorb: string[], source: MemorySource, mask: Uint8Array, count: number, drop: boolean) {
  let factors = buildFactors(absorb, source, mask, count);
  if (!drop) return { factors, keep: null as Uint8Array | null, dropped: 0 };
  const s = findSingletons(factors, count);
  if (s.dropped === 0) return { factors, keep: null, dropped: 0 };
  factors = factors.map((f) => subsetFactor(f, s.keep, count - s.dropped));
  return { factors, keep: s.keep, dropped: s.dropped };
}

describe('WebAssembly factor path', () => {
  const designs = [['firm'], ['firm', 'year'], ['firm', 'ind#year'], ['firm', 'ind#year', 'city#year'], ['city#year', 'firm', 'year'], ['ind#city']];
  for (const [k, absorb] of designs.entries()) {
    for (const drop of [true, false]) {
      it(`${absorb.join(' + ')}${drop ? ', singletons dropped' : ''}: the JS path's ids, counts and kept rows`, () => {
        // 12,345 rows: several 4,096-row chunks and a partial one
        const source = panel(12_345, 11 + k, 200);
        const used = ['firm', 'year', 'ind', 'city'].map((name) => ({ name, column: source.get(name) }));
        const { mask, count, ranges } = completeCases(source.nrows, used, new Set(['firm', 'year', 'ind', 'city']));
        const terms = keyedTerms(absorb, source, mask, count, ranges);
        expect(terms).not.toBeNull();
        const got = keyedFactors(terms ?? [], mask, count, drop);
        expect(got).not.toBeNull();
        const want = jsPath(absorb, source, mask, count, drop);
        if (!got) return;
        if (drop && absorb.includes('firm')) expect(got.dropped).toBeGreaterThan(100);
        expect(got.dropped).toBe(want.dropped);
        expect(Array.from(got.keep ?? [])).toEqual(Array.from(want.keep ?? []));
        got.factors.forEach((f, q) => {
          expect(f.name).toBe(absorb[q]);
          expect(f.groups).toBe(want.factors[q].groups);
          expect(Array.from(f.ids)).toEqual(Array.from(want.factors[q].ids));
          expect(f.counts === undefined).toBe(want.factors[q].counts === undefined);
          if (f.counts) expect(Array.from(f.counts)).toEqual(Array.from(want.factors[q].counts ?? []));
        });
        // absorbFactors takes this path and gives the sample rows of the JS path
        const a = absorbFactors(absorb, source, mask, count, drop, ranges);
        expect(a.n).toBe(count - want.dropped);
        expect(Array.from(a.rows)).toEqual(Array.from(want.keep ? restrictMask(mask, want.keep) : mask));
      });
    }
  }

  it('cascading singletons: a row dropped in one factor makes a singleton in another, over several passes', () => {
    // a chain: firm f has rows in years f and f+1; year levels 0 and 9 have one row each, so
    // dropping them unravels the whole chain pass by pass
    const n = 20;
    const firm = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 2));
    const year = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 2) + (i % 2));
    const source = new MemorySource(n, { firm: num(firm), year: num(year) });
    const mask = new Uint8Array(n).fill(1);
    const terms = keyedTerms(['firm', 'year'], source, mask, n);
    const got = keyedFactors(terms ?? [], mask, n, true);
    expect(got?.dropped).toBe(n);
    expect(() => absorbFactors(['firm', 'year'], source, mask, n, true)).toThrow(/every observation is a singleton/);
  });

  it('leaves other shapes to the JS path: three-way interactions, four terms, text codes, wide keys', () => {
    const source = panel(5000, 3, 0);
    const mask = new Uint8Array(5000).fill(1);
    expect(keyedTerms(['firm#ind#year'], source, mask, 5000)).toBeNull();
    expect(keyedTerms(['firm', 'year', 'ind', 'city'], source, mask, 5000)).toBeNull();
    const text = new MemorySource(3, { g: { kind: 'categorical', codes: Int32Array.from([0, 1, 0]), levels: ['a', 'b'] } });
    expect(keyedTerms(['g'], text, new Uint8Array(3).fill(1), 3)).toBeNull();
    const wide = new MemorySource(3, { id: num(Float64Array.from([1, 1e9, 1])) });
    expect(keyedTerms(['id'], wide, new Uint8Array(3).fill(1), 3)).toBeNull();
    // and the JS path still gives the factors
    expect(absorbFactors(['firm#ind#year'], source, mask, 5000, false).factors[0].groups).toBeGreaterThan(100);
  });
});
