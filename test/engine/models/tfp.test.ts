// tfp: recovery of the true production-function coefficients on large simulated panels (value added:
// OP, LP, ACF; gross output: LP, ACF), the bootstrap's determinism, lags across gaps, and bad input.
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

/**
 * The gross-output DGP of test/reference/tfp_gross/make.R (β_l = 0.3, β_k = 0.15, β_m = 0.5; log
 * materials m = 0.2 + 0.5 k + 0.8 ω exp(k − 6), the proxy), drawn here with mulberry32.
 */
function simulateGross(firms: number, years: number, seed: number): MemorySource {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const cols: Record<string, number[]> = { firm: [], year: [], lgo: [], ll: [], lk: [], lm: [] };
  const burn = 30;
  for (let f = 1; f <= firms; f++) {
    const a = 0.5 + 0.3 * normal();
    let om = 1 + normal() * 0.2 / Math.sqrt(1 - 0.49);
    let K = Math.exp(6 + 0.5 * normal());
    let l = 3;
    let i = 0;
    for (let t = 1; t <= burn + years; t++) {
      if (t > 1) {
        om = 0.3 + 0.7 * om + 0.2 * normal();
        K = 0.7 * K + Math.exp(i);
      }
      const k = Math.log(K);
      i = a + (om - 1) + 0.6 * k + normal();
      const m = 0.2 + 0.5 * k + 0.8 * om * Math.exp(k - 6);
      l = 0.5 + 0.7 * l + 0.4 * k + 0.6 * om + 0.3 * normal();
      const y = 1 + 0.3 * l + 0.15 * k + 0.5 * m + om + 0.1 * normal();
      if (t > burn) {
        cols.firm.push(f);
        cols.year.push(2000 + t - burn);
        cols.lgo.push(y);
        cols.ll.push(l);
        cols.lk.push(k);
        cols.lm.push(m);
      }
    }
  }
  const n = cols.firm.length;
  return new MemorySource(n, Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, { kind: 'numeric', values: Float64Array.from(v) } as Column])));
}

const grossSpec = (method: 'lp' | 'acf', options: Record<string, unknown> = {}): ModelSpec =>
  normalizeSpec({ estimator: 'tfp', y: 'lgo', x: ['ll'], panel: { id: 'firm', time: 'year' }, options: { method, output: 'gross', state: 'lk', proxy: 'lm', reps: 10, seed: 7, ...options } });

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

describe('tfp on gross output recovers the true β on a large simulated panel', () => {
  const big = simulateGross(2000, 10, 2025);
  for (const [method, degree] of [['lp', 4], ['acf', 3]] as const) {
    it(`${method} (polynomial degree ${degree})`, () => {
      const r = estimateTfp(grossSpec(method, { degree }), big).result;
      expect(r.coefficients.map((c) => c.term)).toEqual(['ll', 'lk', 'lm']);
      const truth = [0.3, 0.15, 0.5];
      r.coefficients.forEach((c, j) => {
        expect(Math.abs(c.estimate - truth[j]), c.term).toBeLessThan(Math.max(4 * c.std_error, 0.01));
        expect(Math.abs(c.estimate - truth[j]), c.term).toBeLessThan(0.05);
        expect(c.std_error).toBeGreaterThan(0);
      });
      // OLS with the intermediate input misses capital badly; returns to scale 0.95
      expect(r.tfp!.comparison.ols.map((c) => c.term)).toEqual(['ll', 'lk', 'lm']);
      expect(r.tfp!.comparison.ols[1].estimate).toBeLessThan(0);
      expect(Math.abs(r.tfp!.returns_to_scale.estimate - 0.95)).toBeLessThan(0.05);
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

  it('gross output: rejects Olley–Pakes, an unknown output, a proxy in levels, constant or equal to an input', () => {
    const g = simulateGross(60, 8, 9);
    const withCol = (name: string, values: Float64Array) => new MemorySource(g.nrows, { ...Object.fromEntries(['firm', 'year', 'lgo', 'll', 'lk', 'lm'].map((k) => [k, g.get(k)])), [name]: { kind: 'numeric', values } });
    const lm = (g.get('lm') as { values: Float64Array }).values;
    const ll = (g.get('ll') as { values: Float64Array }).values;
    expect(() => estimateTfp(grossSpec('lp', { method: 'op' }), g)).toThrow(/gross output needs an intermediate input as the proxy \(lp or acf\); Olley–Pakes's proxy is investment/);
    expect(() => estimateTfp(grossSpec('lp', { output: 'revenue' }), g)).toThrow(/output must be va \(value added\) or gross \(gross output\), got "revenue"/);
    // materials in levels (exp of the log): the row and the value are named
    const levels = withCol('lm', Float64Array.from(lm, (v) => Math.exp(v) * 1000));
    expect(() => estimateTfp(grossSpec('lp'), levels)).toThrow(/gross output needs the proxy "lm" in logs \(log intermediate inputs\), but row 1 has [0-9.]+, which cannot be a log; take logs first/);
    // the same values under another name as the free input
    expect(() => estimateTfp(grossSpec('acf', { proxy: 'lm2' }), withCol('lm2', Float64Array.from(ll)))).toThrow(/the proxy "lm2" has the same values as "ll" in every row/);
    expect(() => estimateTfp(grossSpec('lp'), withCol('lm', new Float64Array(g.nrows).fill(2)))).toThrow(/the proxy "lm" is constant \(2\)/);
    // the same variable in two roles
    expect(() => estimateTfp(grossSpec('lp', { proxy: 'll' }), g)).toThrow(/"ll" has two roles/);
    const vars = ['firm', 'year', 'lgo', 'll', 'lk', 'lm'].map((name, id) => ({ id, name, type: 'numeric' }) as never);
    expect(checkSpec(grossSpec('lp', { proxy: 'll' }), vars).map((p) => p.code)).toEqual(['tfp.role']);
    expect(checkSpec(grossSpec('acf'), vars)).toEqual([]);
    // value added on the same data leaves the intermediate input out of the production function
    const va = estimateTfp(grossSpec('lp', { output: 'va' }), g).result;
    expect(va.coefficients.map((c) => c.term)).toEqual(['ll', 'lk']);
    expect(va.tfp!.notes[0]).toMatch(/on value added/);
  });

  it('builds every monomial of total degree 1..d', () => {
    expect(monomials(2, 3).length).toBe(9);
    expect(monomials(3, 3).length).toBe(19);
    expect(monomials(2, 1)).toEqual([[1, 0], [0, 1]]);
  });
});
