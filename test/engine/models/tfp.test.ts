// tfp: recovery of the true production-function coefficients on a large simulated panel (OP, LP,
// ACF), the bootstrap's determinism, lags across gaps, and bad input.
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../../src/engine/data.js';
import { estimateTfp } from '../../../src/engine/estimate-tfp.js';
import { monomials } from '../../../src/engine/models/tfp.js';
import { mulberry32 } from '../../../src/engine/psm/random.js';
import { type ModelSpec, normalizeSpec } from '../../../src/shared/spec.js';
import { checkSpec } from '../../../src/shared/validate.js';

/** The DGP of test/reference/tfp_simulated/make.R (β_l = 0.6, β_k = 0.35), drawn here with mulberry32. */
function simulate(firms: number, years: number, seed: number): MemorySource {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const cols: Record<string, number[]> = { firm: [], year: [], lva: [], ll: [], lk: [], linv: [], lmat: [] };
  const burn = 30;
  for (let f = 1; f <= firms; f++) {
    let om = normal() * 0.2 / Math.sqrt(1 - 0.49);
    let K = Math.exp(6 + 0.5 * normal());
    let l = 3;
    let i = 0;
    for (let t = 1; t <= burn + years; t++) {
      if (t > 1) {
        om = 0.7 * om + 0.2 * normal();
        K = 0.85 * K + Math.exp(i);
      }
      const k = Math.log(K);
      i = 0.5 + om + 0.6 * k;
      const m = 0.2 + 0.8 * om + 0.5 * k + 0.05 * om * om;
      l = 0.5 + 0.3 * l + 0.4 * k + 0.6 * om + 0.3 * normal();
      const y = 1 + 0.6 * l + 0.35 * k + om + 0.1 * normal();
      if (t > burn) {
        cols.firm.push(f);
        cols.year.push(2000 + t - burn);
        cols.lva.push(y);
        cols.ll.push(l);
        cols.lk.push(k);
        cols.linv.push(i);
        cols.lmat.push(m);
      }
    }
  }
  const n = cols.firm.length;
  return new MemorySource(n, Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, { kind: 'numeric', values: Float64Array.from(v) } as Column])));
}

const specOf = (method: 'op' | 'lp' | 'acf', options: Record<string, unknown> = {}): ModelSpec =>
  normalizeSpec({ estimator: 'tfp', y: 'lva', x: ['ll'], panel: { id: 'firm', time: 'year' }, options: { method, state: 'lk', proxy: method === 'op' ? 'linv' : 'lmat', reps: 10, seed: 7, ...options } });

describe('tfp recovers the true β on a large simulated panel', () => {
  const big = simulate(2000, 10, 2024);
  for (const method of ['op', 'lp', 'acf'] as const) {
    it(method, () => {
      const r = estimateTfp(specOf(method), big).result;
      const [bl, bk] = r.coefficients;
      // within 4 bootstrap standard errors and 0.06 of the truth; OLS is biased upwards for labour
      expect(Math.abs(bl.estimate - 0.6)).toBeLessThan(Math.max(4 * bl.std_error, 0.01));
      expect(Math.abs(bk.estimate - 0.35)).toBeLessThan(Math.max(4 * bk.std_error, 0.01));
      expect(Math.abs(bl.estimate - 0.6)).toBeLessThan(0.06);
      expect(Math.abs(bk.estimate - 0.35)).toBeLessThan(0.06);
      expect(r.tfp!.comparison.ols[0].estimate).toBeGreaterThan(0.8);
      expect(bl.std_error).toBeGreaterThan(0);
      expect(r.tfp!.reps_ok).toBe(10);
    });
  }
});

describe('tfp mechanics', () => {
  const small = simulate(120, 8, 5);
  it('the bootstrap is deterministic given the seed and changes with it', () => {
    const a = estimateTfp(specOf('lp'), small).result;
    const b = estimateTfp(specOf('lp'), small).result;
    const c = estimateTfp(specOf('lp', { seed: 8 }), small).result;
    expect(a.coefficients.map((x) => x.std_error)).toEqual(b.coefficients.map((x) => x.std_error));
    expect(a.coefficients[1].std_error).not.toBe(c.coefficients[1].std_error);
    expect(a.coefficients[1].estimate).toBe(c.coefficients[1].estimate);
  });

  it('lags respect gaps: a dropped year leaves the next year without a lag', () => {
    const full = estimateTfp(specOf('lp'), small).result.tfp!;
    const year = (small.get('year') as { values: Float64Array }).values;
    const firm = (small.get('firm') as { values: Float64Array }).values;
    // remove firm 1's year 2003 through the output (missing): 2004 loses its lag as well
    const y = Float64Array.from((small.get('lva') as { values: Float64Array }).values);
    const idx = Array.from(year.keys()).find((i) => firm[i] === 1 && year[i] === 2003)!;
    y[idx] = Number.NaN;
    const holed = new MemorySource(small.nrows, { ...Object.fromEntries(['firm', 'year', 'll', 'lk', 'linv', 'lmat'].map((k) => [k, small.get(k)])), lva: { kind: 'numeric', values: y } });
    const out = estimateTfp(specOf('lp'), holed);
    expect(out.result.tfp!.nobs_stage1).toBe(full.nobs_stage1 - 1);
    expect(out.result.tfp!.nobs_stage2).toBe(full.nobs_stage2 - 2);
    expect(Number.isNaN(out.ltfp[idx])).toBe(true);
  });

  it('rejects duplicated years, too few firms and missing options with clear messages', () => {
    const year = Float64Array.from((small.get('year') as { values: Float64Array }).values);
    year[1] = year[0];
    const dup = new MemorySource(small.nrows, { ...Object.fromEntries(['firm', 'lva', 'll', 'lk', 'linv', 'lmat'].map((k) => [k, small.get(k)])), year: { kind: 'numeric', values: year } });
    expect(() => estimateTfp(specOf('lp'), dup)).toThrow(/repeated time values/);
    const tiny = simulate(6, 10, 3);
    expect(() => estimateTfp(specOf('lp'), tiny)).toThrow(/at least 10 firms/);
    expect(() => estimateTfp(specOf('lp', { state: '' }), small)).toThrow(/state variable/);
    const vars = ['firm', 'year', 'lva', 'll', 'lk', 'linv', 'lmat'].map((name, id) => ({ id, name, type: 'numeric' }) as never);
    expect(checkSpec(specOf('lp', { proxy: '' }), vars).map((p) => p.code)).toEqual(['tfp.proxy']);
    expect(checkSpec(specOf('lp', { proxy: 'll' }), vars).map((p) => p.code)).toEqual(['tfp.role']);
    expect(checkSpec(specOf('acf'), vars)).toEqual([]);
  });

  it('builds every monomial of total degree 1..d', () => {
    expect(monomials(2, 3).length).toBe(9);
    expect(monomials(3, 3).length).toBe(19);
    expect(monomials(2, 1)).toEqual([[1, 0], [0, 1]]);
  });
});
