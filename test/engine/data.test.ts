// Sample and factor preparation kernels against naive references: factorize (lookup table, hash,
// interactions), listwise deletion, singletons, subsets and the bipartite components of the DoF.
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource, completeCases, compress, compressInPlace, factorize, factorizeKeys, integerKeys, keptRuns, restrictMask } from '../../src/engine/data.js';
import { bipartiteComponents, isNested } from '../../src/engine/fe/dof.js';
import { buildFactors, combine, subsetFactor, type Factor } from '../../src/engine/fe/factors.js';
import { findSingletons } from '../../src/engine/fe/singletons.js';
import { lcg } from '../helpers.js';

/** Dense ids in order of first appearance with a JS Map (SameValueZero: −0 = 0, NaN = NaN). */
function naiveFactorize(values: ArrayLike<number>, mask: Uint8Array): { ids: number[]; groups: number } {
  const map = new Map<number, number>();
  const ids: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    if (!map.has(values[i])) map.set(values[i], map.size);
    ids.push(map.get(values[i]) as number);
  }
  return { ids, groups: map.size };
}

const num = (values: Float64Array): Column => ({ kind: 'numeric', values });

describe('factorize', () => {
  const u = lcg(21);
  const n = 10_000;
  const mask = Uint8Array.from({ length: n }, () => (u() < 0.9 ? 1 : 0));
  const count = mask.reduce((s, v) => s + v, 0);
  const full = new Uint8Array(n).fill(1);
  const cases: Record<string, Float64Array> = {
    'small integers (table)': Float64Array.from({ length: n }, () => 2000 + Math.floor(u() * 15)),
    'negative integers (table)': Float64Array.from({ length: n }, () => -50 + Math.floor(u() * 100)),
    'wide integers (hash)': Float64Array.from({ length: n }, () => Math.floor(u() * 40) * 1e9),
    'fractions, ±0 and NaN (hash)': Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? -0 : i % 89 === 0 ? Number.NaN : Math.floor(u() * 300) / 7)),
  };
  for (const [name, v] of Object.entries(cases)) {
    it(`${name}: dense ids in order of first appearance`, () => {
      for (const [m, c] of [
        [mask, count],
        [full, n],
      ] as const) {
        const f = factorize(num(v), m, c);
        const ref = naiveFactorize(v, m);
        expect(f.groups).toBe(ref.groups);
        expect(Array.from(f.ids)).toEqual(ref.ids);
      }
    });
  }

  it('categorical codes, and joint levels of two or three variables equal combine()', () => {
    const codes = Int32Array.from({ length: n }, () => Math.floor(u() * 7));
    const cat: Column = { kind: 'categorical', codes, levels: Array.from({ length: 7 }, (_, i) => `l${i}`) };
    expect(Array.from(factorize(cat, mask, count).ids)).toEqual(naiveFactorize(codes, mask).ids);
    const a = cases['small integers (table)'];
    const b = cases['negative integers (table)'];
    const c = Float64Array.from({ length: n }, () => Math.floor(u() * 3));
    const keys = [a, b, c].map((v) => integerKeys(num(v), mask, count));
    expect(keys.every((k) => k !== null)).toBe(true);
    const fa = factorize(num(a), mask, count);
    const fb = factorize(num(b), mask, count);
    const fc = factorize(num(c), mask, count);
    const ab = combine(fa.ids, fa.groups, fb.ids, fb.groups);
    const abc = combine(ab.ids, ab.groups, fc.ids, fc.groups);
    const two = factorizeKeys(keys.slice(0, 2) as NonNullable<(typeof keys)[0]>[], mask, count);
    const three = factorizeKeys(keys as NonNullable<(typeof keys)[0]>[], mask, count);
    expect(two?.groups).toBe(ab.groups);
    expect(Array.from(two?.ids ?? [])).toEqual(Array.from(ab.ids));
    expect(Array.from(three?.ids ?? [])).toEqual(Array.from(abc.ids));
    expect(integerKeys(num(cases['wide integers (hash)']), mask, count)).toBeNull();
    // buildFactors: interaction with a non-integer variable falls back to factorize + combine
    const src = new MemorySource(n, { a: num(a), h: num(cases['fractions, ±0 and NaN (hash)']) });
    const [fah] = buildFactors(['a#h'], src, mask, count);
    const fh = factorize(num(cases['fractions, ±0 and NaN (hash)']), mask, count);
    expect(Array.from(fah.ids)).toEqual(Array.from(combine(fa.ids, fa.groups, fh.ids, fh.groups).ids));
  });
});

describe('sample', () => {
  it('completeCases, compress and restrictMask', () => {
    const y = Float64Array.from([1, Number.NaN, 3, 4, Number.POSITIVE_INFINITY, 6]);
    const g: Column = { kind: 'categorical', codes: Int32Array.from([0, 1, -1, 0, 1, 1]), levels: ['a', 'b'] };
    const { mask, count, missingBy } = completeCases(6, [
      { name: 'y', column: num(y) },
      { name: 'g', column: g },
    ]);
    expect(Array.from(mask)).toEqual([1, 0, 0, 1, 0, 1]);
    expect(count).toBe(3);
    expect(missingBy).toEqual({ y: 2, g: 1 });
    expect(Array.from(compress(y, mask, count))).toEqual([1, 4, 6]);
    const all = new Uint8Array(6).fill(1);
    expect(compress(y, all, 6)).toBe(y);
    expect(Array.from(restrictMask(mask, Uint8Array.from([1, 0, 1])))).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('completeCases over many chunks: missing and infinite values in a few chunks, ranges over all finite values (naive reference)', () => {
    const n = 50_000;
    const rand = lcg(7);
    const x = Float64Array.from({ length: n }, () => rand() - 0.5);
    const key = Float64Array.from({ length: n }, () => Math.floor(rand() * 1000) - 300);
    const frac = Float64Array.from({ length: n }, () => Math.floor(rand() * 50));
    // missing and infinite values only in chunks 3, 7 and the last one (rows 4096 per chunk)
    for (const i of [3 * 4096 + 5, 3 * 4096 + 4095, 7 * 4096, n - 1]) x[i] = Number.NaN;
    x[7 * 4096 + 17] = Number.NEGATIVE_INFINITY;
    key[3 * 4096 + 9] = Number.NaN;
    key[n - 2] = Number.POSITIVE_INFINITY;
    frac[9 * 4096 + 100] = 2.5;
    // finite values whose sum overflows (the chunk goes through the masking loop, nothing is masked)
    x[5 * 4096 + 1] = 1.7e308;
    x[5 * 4096 + 2] = 1.7e308;
    frac[11 * 4096] = 1.7e308;
    frac[11 * 4096 + 1] = 1.7e308;
    const cols = [
      { name: 'x', column: num(x) },
      { name: 'key', column: num(key) },
      { name: 'frac', column: num(frac) },
    ];
    const got = completeCases(n, cols, new Set(['key', 'frac']));
    const ok = (v: number) => Number.isFinite(v);
    const mask = Uint8Array.from({ length: n }, (_, i) => (ok(x[i]) && ok(key[i]) && ok(frac[i]) ? 1 : 0));
    expect(Array.from(got.mask)).toEqual(Array.from(mask));
    expect(got.count).toBe(n - 7);
    expect(got.missingBy).toEqual({ x: 5, key: 2, frac: 0 });
    expect(got.infinite.map((f) => [f.name, f.row, f.value, f.count])).toEqual([
      ['x', 7 * 4096 + 17, Number.NEGATIVE_INFINITY, 1],
      ['key', n - 2, Number.POSITIVE_INFINITY, 1],
    ]);
    const finiteKey = Array.from(key).filter(ok);
    expect(got.ranges.get('key')).toEqual({ min: Math.min(...finiteKey), max: Math.max(...finiteKey), integral: true });
    expect(got.ranges.get('frac')).toEqual({ min: 0, max: 1.7e308, integral: false });
    expect(got.mask[5 * 4096 + 1] + got.mask[11 * 4096]).toBe(2);
    // nothing missing: every row, the count without a counting pass
    const clean = completeCases(n, [{ name: 'key', column: num(key.map((k) => (Number.isFinite(k) ? k : 0))) }], new Set(['key']));
    expect(clean.count).toBe(n);
    expect(clean.mask.every((m) => m === 1)).toBe(true);
  });

  it('compress through the runs of kept rows (copied and in place) equals the row loop; keptRuns gives up on short runs', () => {
    const n = 20_000;
    const rand = lcg(3);
    const v = Float64Array.from({ length: n }, () => rand());
    for (const gap of [40, 500, 7]) {
      // rows dropped every `gap` rows on average, the first and last row dropped
      const mask = Uint8Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 || rand() * gap < 1 ? 0 : 1));
      const count = mask.reduce((a, b) => a + b, 0);
      const runs = keptRuns(mask, count);
      if (gap === 7) expect(runs).toBeNull();
      else expect(runs).not.toBeNull();
      const want = Array.from(compress(v, mask, count));
      expect(Array.from(compress(v, mask, count, runs))).toEqual(want);
      expect(Array.from(compressInPlace(v.slice(), mask, count, runs))).toEqual(want);
    }
    // a last run reaching the end of the mask
    const mask = new Uint8Array(n).fill(1);
    mask[5000] = 0;
    const runs = keptRuns(mask, n - 1);
    expect(Array.from(runs ?? [])).toEqual([0, 5000, 5001, n]);
    expect(Array.from(compressInPlace(v.slice(), mask, n - 1, runs))).toEqual([...v.subarray(0, 5000), ...v.subarray(5001)]);
  });

  it('completeCases takes the value range of the keyed columns in its pass; integerKeys uses it only when it qualifies', () => {
    const firm = Float64Array.from([3, 7, Number.NaN, 5, 4.5, 9]);
    const year = Float64Array.from([2001, 2002, 2003, 2001, Number.NaN, 2002]);
    const y = Float64Array.from([1, 2, 3, 4, 5, Number.NaN]);
    const cols = [
      { name: 'y', column: num(y) },
      { name: 'firm', column: num(firm) },
      { name: 'year', column: num(year) },
    ];
    const { mask, count, ranges } = completeCases(6, cols, new Set(['firm', 'year']));
    expect(Array.from(mask)).toEqual([1, 1, 0, 1, 0, 0]);
    expect(ranges.has('y')).toBe(false);
    // over every finite value of the column, a superset of the sample
    expect(ranges.get('year')).toEqual({ min: 2001, max: 2003, integral: true });
    expect(ranges.get('firm')).toEqual({ min: 3, max: 9, integral: false });
    // an integral range is used as it is (span 3 holds the sample's 2001–2002) ...
    expect(integerKeys(num(year), mask, count, ranges.get('year'))).toMatchObject({ min: 2001, span: 3 });
    // ... a fraction outside the sample (row 5 of firm) sends integerKeys back to the sample's rows
    expect(integerKeys(num(firm), mask, count, ranges.get('firm'))).toMatchObject({ min: 3, span: 5 });
    // the same ids either way
    const a = factorizeKeys([integerKeys(num(year), mask, count, ranges.get('year')) as NonNullable<ReturnType<typeof integerKeys>>], mask, count);
    const b = factorizeKeys([integerKeys(num(year), mask, count) as NonNullable<ReturnType<typeof integerKeys>>], mask, count);
    expect(Array.from(a?.ids ?? [])).toEqual(Array.from(b?.ids ?? []));
  });

  it('factorizeKeys counts the rows of each level in its pass', () => {
    const u = lcg(21);
    const n = 10_000;
    const a = Float64Array.from({ length: n }, () => Math.floor(u() * 50));
    const b = Float64Array.from({ length: n }, () => 1990 + Math.floor(u() * 12));
    const mask = Uint8Array.from({ length: n }, () => (u() < 0.9 ? 1 : 0));
    let count = 0;
    for (const m of mask) count += m;
    const keys = [a, b].map((v) => integerKeys(num(v), mask, count) as NonNullable<ReturnType<typeof integerKeys>>);
    for (const ks of [[keys[0]], keys]) {
      const f = factorizeKeys(ks, mask, count);
      if (!f) throw new Error('expected a table');
      const naive = new Int32Array(f.groups);
      for (const id of f.ids) naive[id]++;
      expect(f.counts.length).toBe(f.groups);
      expect(Array.from(f.counts)).toEqual(Array.from(naive));
    }
  });
});

function naiveSingletons(factors: Factor[], n: number): Uint8Array {
  const keep = new Uint8Array(n).fill(1);
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of factors) {
      const c = new Map<number, number>();
      for (let i = 0; i < n; i++) if (keep[i]) c.set(f.ids[i], (c.get(f.ids[i]) ?? 0) + 1);
      for (let i = 0; i < n; i++)
        if (keep[i] && c.get(f.ids[i]) === 1) {
          keep[i] = 0;
          changed = true;
        }
    }
  }
  return keep;
}

function naiveComponents(a: Factor, b: Factor): number {
  const parent = Array.from({ length: a.groups + b.groups }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  let c = parent.length;
  for (let i = 0; i < a.ids.length; i++) {
    const x = find(a.ids[i]);
    const y = find(a.groups + b.ids[i]);
    if (x !== y) {
      parent[x] = y;
      c--;
    }
  }
  return c;
}

describe('factors', () => {
  it('singletons, subsets (in place or not), bipartite components and nesting', () => {
    const u = lcg(4);
    for (let t = 0; t < 40; t++) {
      const n = 5 + Math.floor(u() * 400);
      const dense = (G: number, name: string): Factor => {
        const f = factorize(num(Float64Array.from({ length: n }, () => Math.floor(u() * G))), new Uint8Array(n).fill(1), n);
        return { name, ids: f.ids, groups: f.groups };
      };
      const factors = [dense(1 + n / 3, 'a'), dense(1 + u() * 30, 'b'), dense(2 + u() * 5, 'c')];
      const s = findSingletons(factors, n);
      const ref = naiveSingletons(factors, n);
      expect(Array.from(s.keep)).toEqual(Array.from(ref));
      expect(s.dropped).toBe(n - ref.reduce((x, v) => x + v, 0));
      const m = n - s.dropped;
      for (const f of factors) {
        const copy = subsetFactor(f, s.keep, m);
        const ids = f.ids.slice();
        const inPlace = subsetFactor({ ...f, ids }, s.keep, m, true);
        expect(Array.from(inPlace.ids)).toEqual(Array.from(copy.ids));
        expect(inPlace.groups).toBe(copy.groups);
        expect(Array.from(copy.ids)).toEqual(naiveFactorize(Float64Array.from(f.ids), s.keep).ids);
      }
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) if (i !== j) expect(bipartiteComponents(factors[i], factors[j])).toBe(naiveComponents(factors[i], factors[j]));
      const coarse = Int32Array.from(factors[0].ids, (g) => g % 3);
      expect(isNested(factors[0], { variable: 'x', ids: coarse, groups: 3 })).toBe(true);
      expect(isNested(factors[2], { variable: 'x', ids: coarse, groups: 3 })).toBe(factors[2].groups === 1 || naiveNested(factors[2], coarse));
    }
  });
});

function naiveNested(f: Factor, cl: Int32Array): boolean {
  const owner = new Map<number, number>();
  for (let i = 0; i < f.ids.length; i++) {
    const o = owner.get(f.ids[i]);
    if (o === undefined) owner.set(f.ids[i], cl[i]);
    else if (o !== cl[i]) return false;
  }
  return true;
}
