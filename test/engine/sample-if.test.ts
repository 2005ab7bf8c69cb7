// A model's sample restriction (spec.sample.if): the same numbers as the model on the subset,
// Stata's missing-value rule, clear messages for a bad condition.
import { describe, expect, it } from 'vitest';
import { MemorySource, type Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { collectTable } from '../../src/shared/table.js';
import { normalizeSpec } from '../../src/shared/spec.js';

const n = 120;
const num = (f: (i: number) => number): Column => ({ kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => f(i)) });
const cols = {
  y: num((i) => 1 + 0.5 * i + ((i * 37) % 11)),
  x: num((i) => (i * 13) % 17),
  year: num((i) => 2000 + (i % 12)),
  w: num((i) => (i % 3 === 0 ? Number.NaN : 1)),
};
const source = new MemorySource(n, cols);

function subset(keep: (i: number) => boolean): MemorySource {
  const rows = [...Array(n).keys()].filter(keep);
  const pick = (c: Column): Column => ({ kind: 'numeric', values: Float64Array.from(rows, (i) => (c as { values: Float64Array }).values[i]) });
  return new MemorySource(rows.length, { y: pick(cols.y), x: pick(cols.x), year: pick(cols.year), w: pick(cols.w) });
}

describe('sample restriction (if)', () => {
  it('equals the model estimated on the subset, and says so', () => {
    const r = estimate(normalizeSpec({ y: 'y', x: ['x'], sample: { if: 'year >= 2006' } }), source);
    const s = estimate(normalizeSpec({ y: 'y', x: ['x'] }), subset((i) => 2000 + (i % 12) >= 2006));
    expect(r.nobs).toBe(60);
    expect(r.coefficients.map((c) => c.estimate)).toEqual(s.coefficients.map((c) => expect.closeTo(c.estimate, 12)));
    expect(r.coefficients.map((c) => c.std_error)).toEqual(s.coefficients.map((c) => expect.closeTo(c.std_error, 12)));
    expect(r.sample.excluded_by_if).toBe(60);
    expect(r.warnings[0]).toBe('sample restricted to rows where year >= 2006: 60 of 120 rows');
  });

  it('keeps rows with a missing value where Stata does: w < . is the non-missing rows', () => {
    const r = estimate(normalizeSpec({ y: 'y', x: ['x'], sample: { if: 'w < .' } }), source);
    expect(r.nobs).toBe(80);
    const all = estimate(normalizeSpec({ y: 'y', x: ['x'], sample: { if: 'w > 0' } }), source);
    expect(all.nobs).toBe(120);
    expect(all.warnings.some((w) => w.includes('count as true'))).toBe(true);
  });

  it('explains a bad condition', () => {
    expect(() => estimate(normalizeSpec({ y: 'y', x: ['x'], sample: { if: 'yaer > 2005' } }), source)).toThrow(/sample restriction "yaer > 2005": .*yaer/);
    expect(() => estimate(normalizeSpec({ y: 'y', x: ['x'], sample: { if: 'year > 3000' } }), source)).toThrow(/keeps no rows/);
    expect(() => estimate(normalizeSpec({ y: 'y', x: ['x'], sample: { if: 'year >' } }), source)).toThrow(/sample restriction/);
  });

  it('runs a psm and puts its ATT and matched N in a table', () => {
    const t = num((i) => ((i * 7919) % 100 < 30 + i / 4 ? 1 : 0));
    const src = new MemorySource(n, { ...cols, t });
    const r = estimate(normalizeSpec({ estimator: 'psm', y: 'y', treatment: 't', x: ['x', 'year'] }), src);
    expect(r.psm?.score_model).toBe('probit');
    const table = collectTable([r], { stats: ['att', 'matched_n', 'r2_p'] });
    const att = table.rows.find((row) => row.label === 'ATT (S.E.)');
    expect(att?.cells[0]).toMatch(/^-?\d+\.\d{3} \(\d+\.\d{3}\)$/);
    expect(table.rows.find((row) => row.label === 'Matched observations')?.cells[0]).toBe(String((r.psm?.counts.treated_on_support ?? 0) + (r.psm?.counts.controls_matched ?? 0)));
  });
});
