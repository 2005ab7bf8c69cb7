// Instrument builders by hand: cube of the deviation from the yearly mean, z_i × s_{t−1}, Bartik
// with and without leave-one-out, and their input errors.
import { describe, expect, it } from 'vitest';
import { bartik, deviationPower, invariantTimesLagged } from '../../../src/engine/transform/index.js';
import type { Var } from '../../../src/engine/transform/index.js';

const NaN_ = Number.NaN;
const num = (name: string, v: number[]): Var => ({ name, column: { kind: 'numeric', values: Float64Array.from(v) } });
const cat = (name: string, levels: string[], codes: number[]): Var => ({ name, column: { kind: 'categorical', codes: Int32Array.from(codes), levels } });

describe('deviationPower', () => {
  it('(x − yearly mean)^3 with the mean over the non-missing units of the year', () => {
    const r = deviationPower(num('x', [1, 3, NaN_, 10, 14]), num('year', [1, 1, 1, 2, 2]));
    expect(Array.from(r.values)).toEqual([-1, 1, NaN_, -8, 8]);
    expect(Array.from(deviationPower(num('x', [1, 3]), num('year', [1, 1]), { power: 2 }).values)).toEqual([1, 1]);
  });
});

describe('invariantTimesLagged', () => {
  // unit A is absent in 2001, yet its 2002 instrument uses the national s of 2001
  const id = cat('city', ['A', 'B'], [0, 0, 1, 1, 1]);
  const year = num('year', [2000, 2002, 2000, 2001, 2002]);
  const s = num('internet', [5, 7, 5, 6, 7]);
  it('z_i × s_{t−1} from the time series, not the unit lag', () => {
    const r = invariantTimesLagged(num('dist', [2, 2, 3, 3, 3]), s, { id, time: year });
    expect(Array.from(r.values)).toEqual([NaN_, 12, NaN_, 15, 18]);
    expect(r.warnings).toEqual([]);
  });
  it('warns when z varies within a unit; errors when s is not one value per period', () => {
    expect(invariantTimesLagged(num('dist', [2, 4, 3, 3, 3]), s, { id, time: year }).warnings[0]).toMatch(/"dist" varies within city \(1 row, e.g. city = "A"\)/);
    expect(() => invariantTimesLagged(num('dist', [2, 2, 3, 3, 3]), num('s', [5, 7, 6, 6, 7]), { id, time: year })).toThrow(/"s" is not one value per year: at year = 2000 it is 5 in row 1 and 6 in row 3/);
  });
});

describe('bartik', () => {
  // two units, two sectors, years 1–2
  //            L(1)  L(2)
  //  u1  s1     10    12
  //  u1  s2     20    20
  //  u2  s1     30    42
  //  u2  s2     40    30
  // national: s1 40 → 54 (g = 0.35); s2 60 → 50 (g = −1/6)
  // shares: u1 (0.25 s1, 0.75 s2); u2 (0.5, 0.5)
  const levels = {
    unit: cat('firm', ['u1', 'u2'], [0, 0, 0, 0, 1, 1, 1, 1]),
    sector: cat('ind', ['s1', 's2'], [0, 0, 1, 1, 0, 0, 1, 1]),
    time: num('year', [1, 2, 1, 2, 1, 2, 1, 2]),
    level: num('emp', [10, 12, 20, 20, 30, 42, 40, 30]),
  };
  const shares = { unit: cat('firm', ['u2', 'u1'], [1, 1, 0, 0]), sector: cat('ind', ['s1', 's2'], [0, 1, 0, 1]), share: num('w', [0.25, 0.75, 0.5, 0.5]) };
  const target = { unit: cat('firm', ['u1', 'u2', 'u3'], [0, 1, 0, 2]), time: num('year', [2, 2, 1, 2]) };
  it('B = Σ share · g, national growth from the levels', () => {
    const r = bartik({ target, shares, levels });
    const b1 = 0.25 * 0.35 + 0.75 * (-10 / 60);
    const b2 = 0.5 * 0.35 + 0.5 * (-10 / 60);
    expect(r.values[0]).toBeCloseTo(b1, 15);
    expect(r.values[1]).toBeCloseTo(b2, 15);
    expect(r.values[2]).toBeNaN(); // year 1 has no year 0
    expect(r.values[3]).toBeNaN(); // u3 has no shares
    expect(r.warnings.join(' | ')).toMatch(/1 row of the panel have a firm with no shares.*\| 1 row lack the growth/);
  });
  it('leave-one-out takes the unit out of the national totals', () => {
    const r = bartik({ target, shares, levels, leaveOneOut: true });
    // u1: s1 (30 → 42) = 0.4, s2 (40 → 30) = −0.25; u2: s1 (10 → 12) = 0.2, s2 (20 → 20) = 0
    expect(r.values[0]).toBeCloseTo(0.25 * 0.4 + 0.75 * -0.25, 15);
    expect(r.values[1]).toBeCloseTo(0.5 * 0.2, 15);
    expect(r.describe).toMatch(/leaving the unit itself out/);
  });
  it('growth given directly; numeric sector codes match text ones', () => {
    const growth = { sector: num('ind', [1, 2]), time: num('year', [2, 2]), growth: num('g', [0.1, 0.2]) };
    const sh = { unit: cat('firm', ['u1'], [0, 0]), sector: cat('ind', ['1', '2'], [0, 1]), share: num('w', [0.5, 0.5]) };
    expect(bartik({ target: { unit: cat('firm', ['u1'], [0]), time: num('year', [2]) }, shares: sh, growth }).values[0]).toBeCloseTo(0.15, 15);
  });
  it('input errors', () => {
    expect(() => bartik({ target, shares })).toThrow(/either directly \(growth\) or as unit × sector × period levels/);
    const growth = { sector: num('ind', [1]), time: num('year', [2]), growth: num('g', [0.1]) };
    expect(() => bartik({ target, shares, growth, leaveOneOut: true })).toThrow(/leave-one-out needs unit × sector × period levels/);
    const dup = { ...shares, unit: cat('firm', ['u1'], [0, 0, 0, 0]), sector: cat('ind', ['s1'], [0, 0, 0, 0]) };
    expect(() => bartik({ target, shares: dup, levels })).toThrow(/shares: firm "u1" has two rows for ind "s1"/);
  });
});
