// HDFE invariants (STYLE.md): equals OLS with explicit dummies; one-FE HDFE equals `fe`; two-way
// on a balanced panel equals double demeaning; and clear messages for bad input.
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../../src/engine/data.js';
import { estimate } from '../../../src/engine/estimate.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg, naiveOls } from '../../helpers.js';

function panel(nFirms: number, T: number, seed: number, unbalanced = false) {
  const u = lcg(seed);
  const rows: { firm: number; year: number; ind: number; x1: number; x2: number; y: number }[] = [];
  for (let f = 0; f < nFirms; f++) {
    const a = u() * 4;
    const ind = f % 3;
    for (let t = 0; t < T; t++) {
      if (unbalanced && u() < 0.2) continue;
      const x1 = u() + 0.3 * a;
      const x2 = u() * 2 - t * 0.1;
      rows.push({ firm: f, year: 2000 + t, ind, x1, x2, y: a + 0.5 * t + 0.2 * ind * t + 1.5 * x1 - 0.7 * x2 + u() });
    }
  }
  const col = (k: keyof (typeof rows)[0]): Column => ({ kind: 'numeric', values: Float64Array.from(rows, (r) => r[k]) });
  const src = new MemorySource(rows.length, { firm: col('firm'), year: col('year'), ind: col('ind'), x1: col('x1'), x2: col('x2'), y: col('y'), c: { kind: 'numeric', values: new Float64Array(rows.length).fill(1) } });
  return { rows, src };
}

const spec = (s: Partial<ModelSpec>) => normalizeSpec({ y: 'y', x: ['x1', 'x2'], ...s });

describe('hdfe invariants', () => {
  it('equals OLS with explicit dummies: coefficients, and iid SEs with the same dof', () => {
    const { rows, src } = panel(30, 6, 5, true);
    const r = estimate(spec({ estimator: 'hdfe', absorb: ['firm', 'ind#year'], options: { tolerance: 1e-13 } }), src);
    const firms = [...new Set(rows.map((x) => x.firm))];
    // industry is constant within firm, so the ind#year cells of each industry sum to that
    // industry's firm dummies: drop one cell per industry (3 = the connected components) for full rank
    const allCells = [...new Set(rows.map((x) => `${x.ind}#${x.year}`))];
    const cells = allCells.filter((c) => allCells.find((d) => d.split('#')[0] === c.split('#')[0]) !== c);
    const X = rows.map((x) => [x.x1, x.x2, ...firms.map((f) => (x.firm === f ? 1 : 0)), ...cells.map((c) => (`${x.ind}#${x.year}` === c ? 1 : 0))]);
    const ref = naiveOls(rows.map((x) => x.y), X);
    expect(r.fixed_effects.find((f) => f.name === 'ind#year')?.redundant).toBe(3);
    const dof = rows.length - X[0].length - r.sample.dropped_singletons;
    expect(r.sample.dropped_singletons).toBe(0);
    expect(r.fit.df_resid).toBe(dof);
    const s2 = ref.resid.reduce((s, e) => s + e * e, 0) / dof;
    for (const j of [0, 1]) {
      const c = r.coefficients.find((x) => x.term === ['x1', 'x2'][j]);
      expect(c?.estimate).toBeCloseTo(ref.beta[j], 9);
      expect((c?.std_error as number) / Math.sqrt(s2 * ref.XtXinv[j][j])).toBeCloseTo(1, 9);
    }
  });

  it('with one fixed effect equals the within estimator (fe)', () => {
    const { src } = panel(25, 5, 8, true);
    const h = estimate(spec({ estimator: 'hdfe', absorb: ['firm'], options: { singletons: false } }), src);
    const f = estimate(spec({ estimator: 'fe', panel: { id: 'firm', time: 'year' } }), src);
    h.coefficients.forEach((c, j) => {
      expect(c.estimate).toBeCloseTo(f.coefficients[j].estimate, 12);
      expect(c.std_error).toBeCloseTo(f.coefficients[j].std_error, 12);
    });
  });

  it('two-way on a balanced panel equals double demeaning', () => {
    const { rows, src } = panel(20, 8, 3);
    const r = estimate(spec({ estimator: 'hdfe', absorb: ['firm', 'year'], options: { tolerance: 1e-14 } }), src);
    const dd = (k: 'x1' | 'x2' | 'y') => {
      const by = (key: 'firm' | 'year') => {
        const m = new Map<number, [number, number]>();
        for (const x of rows) {
          const e = m.get(x[key]) ?? [0, 0];
          m.set(x[key], [e[0] + x[k], e[1] + 1]);
        }
        return (v: number) => (m.get(v) as [number, number])[0] / (m.get(v) as [number, number])[1];
      };
      const fm = by('firm');
      const ym = by('year');
      const grand = rows.reduce((s, x) => s + x[k], 0) / rows.length;
      return rows.map((x) => x[k] - fm(x.firm) - ym(x.year) + grand);
    };
    const x1 = dd('x1');
    const x2 = dd('x2');
    const ref = naiveOls(dd('y'), x1.map((v, i) => [v, x2[i]]));
    expect(r.coefficients.find((c) => c.term === 'x1')?.estimate).toBeCloseTo(ref.beta[0], 10);
    expect(r.coefficients.find((c) => c.term === 'x2')?.estimate).toBeCloseTo(ref.beta[1], 10);
    expect(r.fixed_effects.map((f) => [f.name, f.levels, f.redundant, f.df])).toEqual([
      ['firm', 20, 0, 20],
      ['year', 8, 1, 7],
    ]);
  });

  it('drops a regressor the fixed effects absorb, with a note naming it', () => {
    const { src } = panel(20, 5, 4);
    const r = estimate(spec({ estimator: 'hdfe', x: ['x1', 'ind', 'x2'], absorb: ['firm'] }), src);
    expect(r.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'x1', 'x2']);
    expect(r.omitted.map((o) => o.term)).toEqual(['ind']);
    expect(r.warnings).toContain('ind omitted because it is collinear with the fixed effects');
  });

  it('reports singletons, single-level FE and clustering warnings; refuses unestimable models clearly', () => {
    const { src } = panel(40, 4, 9, true);
    const r = estimate(spec({ estimator: 'hdfe', absorb: ['firm', 'c'], vcov: 'cluster', cluster: ['firm'] }), src);
    expect(r.fixed_effects.find((f) => f.name === 'c')).toMatchObject({ levels: 1 });
    expect(r.fixed_effects.find((f) => f.name === 'firm')).toMatchObject({ nested: true, df: 0 });
    expect(r.warnings.join(' ')).toMatch(/only \d+ clusters of "firm".*fewer than 50/);
    expect(r.sample.dropped_singletons).toBeGreaterThanOrEqual(0);

    const one = new MemorySource(3, { y: { kind: 'numeric', values: new Float64Array([1, 2, 3]) }, x1: { kind: 'numeric', values: new Float64Array([1, 5, 2]) }, g: { kind: 'numeric', values: new Float64Array([1, 2, 3]) } });
    expect(() => estimate(normalizeSpec({ estimator: 'hdfe', y: 'y', x: ['x1'], absorb: ['g'] }), one)).toThrow(/every observation is a singleton/);
    // after the singleton in g = 2 goes: 2 observations, 1 FE level (the constant) and 1 slope
    const tiny = new MemorySource(3, { y: { kind: 'numeric', values: new Float64Array([1, 2, 3]) }, x1: { kind: 'numeric', values: new Float64Array([1, 5, 2]) }, g: { kind: 'numeric', values: new Float64Array([1, 1, 2]) } });
    expect(() => estimate(normalizeSpec({ estimator: 'hdfe', y: 'y', x: ['x1'], absorb: ['g'] }), tiny)).toThrow(/not enough observations: 2 observations for 2 parameters/);
    const allMissing = new MemorySource(3, { y: { kind: 'numeric', values: new Float64Array(3).fill(NaN) }, x1: { kind: 'numeric', values: new Float64Array(3) }, g: { kind: 'numeric', values: new Float64Array(3) } });
    expect(() => estimate(normalizeSpec({ estimator: 'hdfe', y: 'y', x: ['x1'], absorb: ['g'] }), allMissing)).toThrow(/"y" is missing in 3 of 3 rows/);
    const { src: s2 } = panel(10, 4, 2);
    expect(() => estimate(spec({ estimator: 'hdfe', absorb: ['firm'], vcov: 'cluster', cluster: ['c'] }), s2)).toThrow(/only 1 cluster/);
  });
});

describe('changing only the SE type', () => {
  it('reuses the stored fit (no re-demeaning) and gives the same numbers as a fresh fit', async () => {
    const { FitCache } = await import('../../../src/engine/estimate.js');
    const { src } = panel(60, 5, 21, true);
    const cache = { store: new FitCache(), scope: 'test' };
    const base = spec({ estimator: 'hdfe', absorb: ['firm', 'year'] });
    const first = estimate(base, src, undefined, cache);
    expect(first.timing_ms.reused_fit).toBeUndefined();
    for (const change of [{ vcov: 'robust' as const }, { vcov: 'cluster' as const, cluster: ['firm'] }, { vcov: 'cluster' as const, cluster: ['ind'] }]) {
      const s2 = { ...base, ...change };
      const again = estimate(s2, src, undefined, cache);
      expect(again.timing_ms.reused_fit).toBe(1);
      expect(again.timing_ms.demean).toBeUndefined();
      const fresh = estimate(s2, src);
      expect(again.coefficients).toEqual(fresh.coefficients);
      expect(again.fixed_effects).toEqual(fresh.fixed_effects);
      expect(again.fit.rmse).toBe(fresh.fit.rmse);
    }
    const other = estimate({ ...base, x: ['x1'] }, src, undefined, cache);
    expect(other.timing_ms.reused_fit).toBeUndefined();
  });
});

describe('disposable sources', () => {
  it('reuse the caller’s arrays for y and X with identical numbers, and never for a variable with another role', () => {
    const { src } = panel(50, 6, 33, true);
    const copy = (s: MemorySource, names: string[]) =>
      new MemorySource(s.nrows, Object.fromEntries(names.map((n) => [n, { kind: 'numeric', values: (s.get(n) as { values: Float64Array }).values.slice() } as Column])));
    const names = ['firm', 'year', 'ind', 'x1', 'x2', 'y'];
    for (const s of [
      spec({ estimator: 'hdfe', absorb: ['firm', 'ind#year'], vcov: 'cluster', cluster: ['firm'] }),
      spec({ estimator: 'hdfe', x: ['x1', 'x2', 'year'], absorb: ['firm'], vcov: 'cluster', cluster: ['year'] }),
      spec({ x: ['x1', 'x2'], vcov: 'robust' }),
    ]) {
      const kept = estimate(s, copy(src, names));
      const disposable = copy(src, names);
      const reused = estimate(s, Object.assign(disposable, { disposable: true }));
      expect(reused.coefficients).toEqual(kept.coefficients);
      expect(reused.fit.rmse).toBe(kept.fit.rmse);
      expect(reused.vcov_matrix).toEqual(kept.vcov_matrix);
    }
  });
});
