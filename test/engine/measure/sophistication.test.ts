// Export sophistication (Hausmann–Hwang–Rodrik 2007) against an independent numpy computation
// (test/reference/sophistication/make.py): PRODY per product-year in matrix form, EXPY per firm-year
// with unmatched products left out of the shares, to 1e-9 relative.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportSophistication } from '../../../src/engine/measure/index.js';
import { readCsv } from './csv.js';

const dir = resolve('test/reference/sophistication');
const world = readCsv(resolve(dir, 'world.csv'));
const firms = readCsv(resolve(dir, 'firms.csv'));
const expected = JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as { rows: { prody: (number | null)[]; expy: (number | null)[] } };

const close = (got: number, want: number | null) => {
  if (want === null) expect(got).toBeNaN();
  else expect(Math.abs(got - want) / Math.abs(want), `${got} vs ${want}`).toBeLessThan(1e-12);
};

describe('export sophistication vs numpy (test/reference/sophistication)', () => {
  it('PRODY per product-year and EXPY per firm-year on every firm row', () => {
    const r = exportSophistication({
      unit: firms.v('firm'),
      time: firms.v('year'),
      product: firms.v('hs'),
      value: firms.v('value'),
      world: { country: world.v('country'), product: world.v('hs'), value: world.v('exports'), gdp: world.v('gdppc'), time: world.v('year') },
    });
    expected.rows.prody.forEach((w, i) => close(r.prody[i], w));
    expected.rows.expy.forEach((w, i) => close(r.expy[i], w));
    expect(r.products).toBe(12);
    const notes = r.warnings.join(' ');
    expect(notes).toMatch(/2 rows \([\d.]+% of export value\) have a product without PRODY/);
    expect(notes).toMatch(/1 row belong to a firm-year with no matched exports/);
  });

  it('by hand: two countries, two products; GDP per capita that varies within a country is an error', () => {
    const num = (name: string, x: number[]) => ({ name, column: { kind: 'numeric' as const, values: Float64Array.from(x) } });
    // rich country R (Y = 40) exports mostly k1; poor P (Y = 10) mostly k2
    const w = { country: num('c', [1, 1, 2, 2]), product: num('k', [1, 2, 1, 2]), value: num('x', [90, 10, 20, 80]), gdp: num('y', [40, 40, 10, 10]) };
    const r = exportSophistication({ unit: num('f', [7, 7]), product: num('k', [1, 2]), value: num('v', [3, 1]), world: w });
    const s = [0.9 / (0.9 + 0.2), 0.2 / (0.9 + 0.2)];
    const prody1 = s[0] * 40 + s[1] * 10;
    const prody2 = (0.1 / 0.9) * 40 + (0.8 / 0.9) * 10;
    expect(r.prody[0]).toBeCloseTo(prody1, 12);
    expect(r.prody[1]).toBeCloseTo(prody2, 12);
    expect(r.expy[0]).toBeCloseTo(0.75 * prody1 + 0.25 * prody2, 12);
    expect(() => exportSophistication({ unit: num('f', [7]), product: num('k', [1]), value: num('v', [1]), world: { ...w, gdp: num('y', [40, 41, 10, 10]) } })).toThrow(/differs between rows/);
  });
});
