// Dynamic panel GMM: behaviour that the reference files do not cover — recovery of a known
// autoregressive parameter, gaps and row order, bad input with clear messages (issue 5).
import { describe, expect, it } from 'vitest';
import { MemorySource, type Column } from '../../../src/engine/data.js';
import { estimate } from '../../../src/engine/estimate.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg } from '../../helpers.js';

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
}

/** y_it = ρ y_i,t−1 + β x_it + α_i + ε_it, x correlated with α. */
function simulate(units: number, periods: number, seed = 7, rho = 0.5, beta = 1): { source: MemorySource; rows: { id: number; t: number; y: number; x: number }[] } {
  const rand = lcg(seed);
  const rows: { id: number; t: number; y: number; x: number }[] = [];
  for (let i = 0; i < units; i++) {
    const alpha = normal(rand);
    let y = alpha / (1 - rho) + normal(rand);
    for (let t = -10; t < periods; t++) {
      const x = normal(rand) + 0.5 * alpha;
      y = rho * y + beta * x + alpha + normal(rand);
      if (t >= 0) rows.push({ id: i + 1, t: 2000 + t, y, x });
    }
  }
  return { source: toSource(rows), rows };
}

function toSource(rows: { id: number; t: number; y: number; x: number }[]): MemorySource {
  const col = (f: (r: (typeof rows)[number]) => number): Column => ({ kind: 'numeric', values: Float64Array.from(rows, f) });
  return new MemorySource(rows.length, { id: col((r) => r.id), year: col((r) => r.t), y: col((r) => r.y), x: col((r) => r.x) });
}

const spec = (options: ModelSpec['options'] = {}, x = ['L.y', 'x']): ModelSpec =>
  normalizeSpec({ estimator: 'gmm', y: 'y', x, panel: { id: 'id', time: 'year' }, vcov: 'robust', options: { timedummies: false, ...options } });

describe('gmm', () => {
  it('recovers ρ and β of a simulated dynamic panel (system, collapsed, two-step)', () => {
    const { source } = simulate(2000, 8);
    // x is correlated with the unit effect: a valid instrument in differences only
    const r = estimate(spec({ gmm_style: [{ var: 'y', lag_min: 2, lag_max: 4, collapse: true }], iv_style: [{ var: 'x', eq: 'diff' }] }), source);
    const rho = r.coefficients.find((c) => c.term === 'L.y');
    const beta = r.coefficients.find((c) => c.term === 'x');
    expect(Math.abs((rho?.estimate ?? 0) - 0.5)).toBeLessThan(4 * (rho?.std_error ?? 0));
    expect(Math.abs((beta?.estimate ?? 0) - 1)).toBeLessThan(4 * (beta?.std_error ?? 0));
    expect(r.fit.n_instruments).toBeLessThan(20);
    expect(r.vcov.distribution).toBe('normal');
    // AR(1) in differences is expected, AR(2) not
    expect(r.diagnostics.find((d) => d.id === 'ar1')?.p_value).toBeLessThan(0.01);
    expect(r.diagnostics.find((d) => d.id === 'ar2')?.p_value).toBeGreaterThan(0.001);
  });

  it('depends on the time variable, not on the row order', () => {
    const { rows } = simulate(200, 6, 3);
    const a = estimate(spec(), toSource(rows));
    const shuffled = [...rows];
    const rand = lcg(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const b = estimate(spec(), toSource(shuffled));
    expect(b.coefficients.map((c) => c.estimate)).toEqual(a.coefficients.map((c) => c.estimate).map((v) => expect.closeTo(v, 10)));
    expect(b.nobs).toBe(a.nobs);
  });

  it('reports the instrument count, groups and warns when instruments outnumber groups', () => {
    const { source } = simulate(30, 10, 5);
    const r = estimate(spec(), source);
    expect(r.fit.n_groups).toBe(30);
    expect(r.fit.n_instruments as number).toBeGreaterThan(30);
    expect(r.warnings.some((w) => w.includes('instruments for 30 groups'))).toBe(true);
    // with more moments than groups Σ Z'ee'Z has rank ≤ 30: a generalized inverse, as xtabond2, and a warning
    expect(r.warnings.some((w) => /two-step weighting matrix .* is singular; a generalized inverse is used/.test(w))).toBe(true);
    expect(r.coefficients.every((c) => Number.isFinite(c.estimate) && Number.isFinite(c.std_error))).toBe(true);
  });

  it('difference GMM has no constant; system GMM reports it last', () => {
    const { source } = simulate(300, 6, 11);
    const d = estimate(spec({ system: false }), source);
    expect(d.coefficients.map((c) => c.term)).toEqual(['L.y', 'x']);
    const s = estimate(spec(), source);
    expect(s.coefficients.map((c) => c.term)).toEqual(['L.y', 'x', '(Intercept)']);
    expect(s.nobs).toBe(s.fit.n_levels);
    expect(d.nobs).toBe(d.fit.n_transformed);
  });

  it('drops a regressor collinear with the others, with a note', () => {
    const { rows } = simulate(200, 6, 13);
    const src = toSource(rows);
    const x2: Column = { kind: 'numeric', values: Float64Array.from(rows, (r) => 2 * r.x) };
    const source = new MemorySource(rows.length, { id: src.get('id'), year: src.get('year'), y: src.get('y'), x: src.get('x'), x2 });
    const r = estimate(spec({}, ['L.y', 'x', 'x2']), source);
    expect(r.omitted.map((o) => o.term)).toEqual(['x2']);
  });

  it('explains bad input', () => {
    const { source, rows } = simulate(50, 2, 17);
    // two periods: L.y leaves one level row per unit and no difference of the lagged equation
    expect(() => estimate(spec({ system: false }, ['L.y', 'L2.y', 'x']), source)).toThrow(/too short for the lags/);
    expect(() => estimate(spec({}, ['x']), simulate(50, 6).source)).toThrow(/choose GMM-style instruments/);
    expect(() => estimate({ ...spec(), vcov: 'cluster', cluster: ['id'] }, source)).toThrow(/already robust/);
    expect(() => estimate(spec({ h: 5 }), source)).toThrow(/h must be 1, 2 or 3/);
    // collapsed lag 2 only, no IV-style instruments: 1 instrument (+ constant) for 3 coefficients
    expect(() => estimate(spec({ system: false, gmm_style: [{ var: 'y', lag_min: 2, lag_max: 2, collapse: true }], iv_style: [] }, ['L.y', 'x']), simulate(100, 6).source)).toThrow(/not identified: 1 instruments for 2 coefficients/);
    expect(() => estimate({ ...spec(), panel: undefined }, source)).toThrow(/panel id and time/);
    const text: Column = { kind: 'categorical', codes: Int32Array.from(rows, () => 0), levels: ['a'] };
    const withText = new MemorySource(rows.length, { id: source.get('id'), year: source.get('year'), y: text, x: source.get('x') });
    expect(() => estimate(spec(), withText)).toThrow(/dependent variable "y" is text/);
    const frac: Column = { kind: 'numeric', values: Float64Array.from(rows, (r) => r.t + 0.5 * (r.id % 2)) };
    const badTime = new MemorySource(rows.length, { id: source.get('id'), year: frac, y: source.get('y'), x: source.get('x') });
    expect(() => estimate(spec(), badTime)).toThrow(/not a multiple of the spacing|repeated time/);
  });
});
