// Fixed-effects models against R (plm, lm with dummies, sandwich) on real public panels: Grunfeld,
// Fatalities (AER) and Wages (plm). Conventions are reghdfe's / xtreg's (test/reference/README.md);
// where R's convention differs the test converts and says why.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { normalizeSpec, type ModelSpec, type VcovType } from '../../src/shared/spec.js';
import type { EstimationResult } from '../../src/shared/result.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface RefCoef { estimate: number; std_error: number; statistic?: number; p_value?: number }
interface RefModel {
  name: string; estimator: string; y: string; x: string[]; absorb?: string[]; vcov: VcovType; cluster?: string[]; nobs: number;
  omitted?: string[]; coefficients: Record<string, RefCoef>; fit: Record<string, number>; stata_constant?: RefCoef;
  absorbed_rank?: number; n_clusters?: number;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

async function load(caseName: string) {
  const dir = resolve('test/reference', caseName);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { models: RefModel[]; panel: { id: string; time: string } };
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, 'data.csv'));
  const cols = new Map<string, Column>(dataset.variables.map((v) => [v.name, store.readColumn(dataset.id, v.name)]));
  const run = (spec: Partial<ModelSpec> & { y: string }): EstimationResult => estimate(normalizeSpec(spec), { nrows: dataset.nrows, get: (n) => cols.get(n) as Column });
  const model = (name: string) => expected.models.find((m) => m.name === name) as RefModel;
  return { expected, run, model };
}

function hdfeSpec(m: RefModel): Partial<ModelSpec> & { y: string } {
  return { estimator: 'hdfe', y: m.y, x: m.x, absorb: m.absorb, vcov: m.vcov, cluster: m.cluster ?? [] };
}

/** Compare slopes (and optionally SEs scaled by `seScale`) with a reference model. */
function compareSlopes(r: EstimationResult, m: RefModel, seScale = 1, tol = 1e-8) {
  expect(r.nobs).toBe(m.nobs);
  for (const [term, ref] of Object.entries(m.coefficients)) {
    const c = r.coefficients.find((x) => x.term === term);
    expect(c, `${m.name}: ${term}`).toBeDefined();
    if (!c) continue;
    expect(rel(c.estimate, ref.estimate), `${m.name} ${term} estimate`).toBeLessThan(tol);
    expect(rel(c.std_error, ref.std_error * seScale), `${m.name} ${term} SE`).toBeLessThan(tol);
  }
  expect(r.omitted.map((o) => o.term).sort()).toEqual([...(m.omitted ?? [])].sort());
}

const CASES = ['panel_grunfeld', 'panel_fatalities', 'panel_wages'];

describe('HDFE (reghdfe conventions) against R', () => {
  for (const c of CASES) {
    it(`${c}: one-way and two-way FE, iid and clustered, with the constant, R² and F`, async () => {
      const { expected, run } = await load(c);
      const names = ['fe_oneway_iid', 'fe_oneway_cluster', 'fe_twoway_iid', 'fe_twoway_cluster'];
      for (const name of names) {
        const m = expected.models.find((x) => x.name === name) as RefModel;
        const r = run(hdfeSpec(m));
        compareSlopes(r, m);
        for (const key of ['r2_within', 'rss', 'rmse', 'loglik', 'f_stat', 'r2']) {
          const v = r.fit[key];
          if (m.fit[key] !== undefined) expect(rel(v as number, m.fit[key]), `${name} ${key}`).toBeLessThan(1e-8);
        }
        if (m.fit.f_df1 !== undefined) expect([r.fit.f_df1, r.fit.f_df2], `${name} F df`).toEqual([m.fit.f_df1, m.fit.f_df2]);
        if (m.stata_constant) {
          const cons = r.coefficients.find((x) => x.term === '(Intercept)');
          expect(rel(cons?.estimate ?? NaN, m.stata_constant.estimate), `${name} _cons`).toBeLessThan(1e-8);
          expect(rel(cons?.std_error ?? NaN, m.stata_constant.std_error), `${name} _cons SE`).toBeLessThan(1e-7);
        }
        if (m.vcov === 'cluster') expect(r.vcov.dof).toBe((m.n_clusters as number) - 1);
      }
    });
  }

  for (const c of CASES) {
    it(`${c}: xtreg, fe (estimator fe) — slopes, SEs, R² within/between/overall, σ_u, σ_e, ρ, F test u_i = 0`, async () => {
      const { expected, run } = await load(c);
      for (const name of ['fe_oneway_iid', 'fe_oneway_cluster']) {
        const m = expected.models.find((x) => x.name === name) as RefModel;
        const r = run({ estimator: 'fe', y: m.y, x: m.x, panel: expected.panel, vcov: m.vcov, cluster: m.cluster ?? [] });
        compareSlopes(r, m);
        for (const key of ['r2_within', 'r2_between', 'r2_overall', 'sigma_u', 'sigma_e', 'rho', 'rmse', 'f_stat']) {
          if (m.fit[key] !== undefined) expect(rel(r.fit[key] as number, m.fit[key]), `${c} ${name} ${key}`).toBeLessThan(1e-8);
        }
        if (m.fit.f_all_u_zero !== undefined) {
          const d = r.diagnostics.find((x) => x.name === 'F test that all u_i = 0');
          expect(rel(d?.statistic as number, m.fit.f_all_u_zero)).toBeLessThan(1e-8);
          expect([d?.df, d?.df2]).toEqual([m.fit.f_all_u_zero_df1, m.fit.f_all_u_zero_df2]);
          expect(rel(d?.p_value as number, m.fit.f_all_u_zero_p_value)).toBeLessThan(1e-6);
        }
      }
    });
  }

  it('Fatalities three-way FE (state + year + region×year): coefficients exact; SEs differ from the exact-rank reference only by reghdfe’s pairwise dof bound', async () => {
    const { run, model } = await load('panel_fatalities');
    const iid = model('fe_threeway_iid');
    const K = iid.x.length;
    const N = iid.nobs;
    const r = run(hdfeSpec(iid));
    // reghdfe pairwise: state 48 levels; year 7 − 1 (connected to state); region_year 28 −
    // max(components with state = 4 regions, with year = 7) = 21 → df_a = 75, where the exact rank
    // is 72 (year is fully redundant given region×year, which pairwise checks cannot see).
    expect(r.fixed_effects.map((f) => [f.name, f.levels, f.redundant])).toEqual([
      ['state', 48, 0],
      ['year', 7, 1],
      ['region_year', 28, 7],
    ]);
    compareSlopes(r, iid, Math.sqrt((N - 72 - K) / (N - 75 - K)));
    expect(r.fit.df_resid).toBe(N - 75 - K);

    const cl = model('fe_threeway_cluster');
    const rc = run(hdfeSpec(cl));
    // clustered by state: state nested (0 df); year gets 1 redundant (the constant), region_year 7 →
    // K = 4 + 6 + 21 + 1 (nested_adj) = 32 in the small-sample factor; the exact-rank reference uses 29.
    expect(rc.fixed_effects.map((f) => [f.name, f.nested, f.df])).toEqual([
      ['state', true, 0],
      ['year', false, 6],
      ['region_year', false, 21],
    ]);
    compareSlopes(rc, cl, Math.sqrt((N - 1 - K - 24) / (N - 1 - K - 27)));
  });
});
