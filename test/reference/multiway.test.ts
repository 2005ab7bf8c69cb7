// Multi-way clustering (Cameron, Gelbach & Miller 2011) with reghdfe's conventions against values
// computed in R (test/reference/multiway/make.R) on Petersen's firm-year data: OLS two- and
// three-way, HDFE with the FE nested in the cluster variables, and a case whose CGM sum is not
// positive semi-definite (reghdfe's eigenvalue fix). R's sandwich applies G_S/(G_S−1) to every
// term; the script converts to reghdfe's single factor with G = the smallest cluster count.
// validate.ts still refuses more than one cluster variable in the UI; estimate() does not validate.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import type { EstimationResult } from '../../src/shared/result.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface RefCoef { estimate: number; std_error: number; statistic: number; p_value: number }
interface RefModel {
  name: string; estimator: 'ols' | 'hdfe'; y: string; x: string[]; absorb?: string[]; cluster: string[]; n_clusters: number[];
  G_min: number; nobs: number; t_df: number; vcov_factor: number; psd_fix_applied: boolean; slopes_block_fixed?: boolean;
  terms: string[]; coefficients: Record<string, RefCoef>; vcov_matrix: number[][]; vcov_before_fix?: number[][];
  fit: { f_stat: number; f_df1: number; f_df2: number; f_p_value: number };
  sandwich_default: { std_error: Record<string, number> };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

async function load() {
  const dir = resolve('test/reference/multiway');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { models: RefModel[] };
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, 'data.csv'));
  const cols = new Map<string, Column>(dataset.variables.map((v) => [v.name, store.readColumn(dataset.id, v.name)]));
  const run = (m: RefModel): EstimationResult =>
    estimate(
      normalizeSpec({ estimator: m.estimator, y: m.y, x: m.x, absorb: m.absorb ?? [], vcov: 'cluster', cluster: m.cluster }),
      { nrows: dataset.nrows, get: (n) => cols.get(n) as Column },
    );
  return { models: expected.models, run };
}

/** Our vcov matrix in the reference's term order. */
function vcovIn(r: EstimationResult, terms: string[]): number[][] {
  const pos = terms.map((t) => r.coefficients.findIndex((c) => c.term === t));
  return pos.map((i) => pos.map((j) => r.vcov_matrix[i][j]));
}

function compare(r: EstimationResult, m: RefModel) {
  // HDFE demeans iteratively: its coefficients and SEs agree to the demeaning tolerance
  const tol = m.estimator === 'ols' ? 1e-10 : 1e-8;
  expect(r.nobs).toBe(m.nobs);
  expect(r.vcov.type).toBe('cluster');
  expect(r.vcov.clusters).toEqual(m.cluster.map((variable, j) => ({ variable, groups: m.n_clusters[j] })));
  expect(r.vcov.dof).toBe(m.t_df);
  expect(rel(r.vcov.small_sample_factor, m.vcov_factor), `${m.name} factor`).toBeLessThan(1e-14);
  expect(r.vcov.convention).toContain(`${m.cluster.length}-way`);
  expect(r.vcov.convention).toContain(`G = ${m.G_min}`);
  // whole matrix, relative to its largest entry (the fixed matrices have tiny entries)
  const V = vcovIn(r, m.terms);
  const scale = Math.max(...m.vcov_matrix.flat().map(Math.abs));
  for (let i = 0; i < m.terms.length; i++)
    for (let j = 0; j < m.terms.length; j++) expect(Math.abs(V[i][j] - m.vcov_matrix[i][j]) / scale, `${m.name} V[${i}][${j}]`).toBeLessThan(tol);
  for (const [term, ref] of Object.entries(m.coefficients)) {
    const c = r.coefficients.find((x) => x.term === term);
    expect(c, term).toBeDefined();
    if (!c) continue;
    expect(rel(c.estimate, ref.estimate), `${m.name} ${term} estimate`).toBeLessThan(tol);
    expect(rel(c.std_error, ref.std_error), `${m.name} ${term} SE`).toBeLessThan(tol);
    expect(rel(c.statistic, ref.statistic), `${m.name} ${term} t`).toBeLessThan(tol);
    if (ref.p_value > 1e-300) expect(rel(c.p_value, ref.p_value), `${m.name} ${term} p`).toBeLessThan(1e-6);
  }
  expect(rel(r.fit.f_stat as number, m.fit.f_stat), `${m.name} F`).toBeLessThan(tol);
  expect([r.fit.f_df1, r.fit.f_df2]).toEqual([m.fit.f_df1, m.fit.f_df2]);
  // fewer than 50 clusters: one warning per dimension
  const text = r.warnings.join('\n');
  for (let j = 0; j < m.cluster.length; j++) {
    const re = new RegExp(`only ${m.n_clusters[j]} clusters of "${m.cluster[j]}"`);
    if (m.n_clusters[j] < 50) expect(text).toMatch(re);
    else expect(text).not.toMatch(re);
  }
  if (m.psd_fix_applied) expect(text).toMatch(/not positive semi-definite.*negative eigenvalues were set to zero \(Cameron, Gelbach & Miller 2011 fix/);
  else expect(text).not.toMatch(/semi-definite/);
}

describe('multi-way clustering (reghdfe conventions) against R', () => {
  it('Petersen OLS, firm and year: reghdfe single min-G factor; sandwich / cluster2 per-term value is the published one', async () => {
    const { models, run } = await load();
    const m = models.find((x) => x.name === 'ols_twoway_firm_year') as RefModel;
    const r = run(m);
    compare(r, m);
    const x = r.coefficients.find((c) => c.term === 'x') as { std_error: number };
    // Petersen's published two-way x SE (.0535580) uses a factor per term; ours (reghdfe) does not.
    expect(Math.abs(m.sandwich_default.std_error.x - 0.053558)).toBeLessThan(6e-7);
    expect(rel(x.std_error, 0.05529739063535429)).toBeLessThan(1e-9);
    // the two conventions differ exactly by the factors: (10/9)·CR0 sum vs Σ G_S/(G_S−1)·CR0_S
    expect(x.std_error).toBeGreaterThan(m.sandwich_default.std_error.x);
  });

  it('Petersen OLS, three-way (firm, year, industry with firms nested in industries)', async () => {
    const { models, run } = await load();
    const m = models.find((x) => x.name === 'ols_threeway_firm_year_industry') as RefModel;
    compare(run(m), m);
  });

  it('HDFE with the absorbed FE nested in the cluster variables (no FE dof counted, the constant is)', async () => {
    const { models, run } = await load();
    for (const name of ['hdfe_firm_twoway_firm_year', 'hdfe_firm_year_twoway_firm_year']) {
      const m = models.find((x) => x.name === name) as RefModel;
      compare(run(m), m);
    }
  });

  it('a CGM sum that is not PSD: negative eigenvalues set to zero, slopes block kept (reghdfe_fix_psd), with a warning', async () => {
    const { models, run } = await load();
    for (const name of ['ols_twoway_not_psd', 'hdfe_firm_year_twoway_firm_year']) {
      const m = models.find((x) => x.name === name) as RefModel;
      expect(m.psd_fix_applied).toBe(true);
      expect(m.slopes_block_fixed).toBe(false);
      const r = run(m);
      compare(r, m);
      // the slope's variance is the raw one (its 1×1 block is positive), the constant's is fixed
      const before = m.vcov_before_fix as number[][];
      const ix = m.terms.indexOf('x');
      const ic = m.terms.indexOf('(Intercept)');
      expect(before[ic][ic]).toBeLessThan(0);
      const V = vcovIn(r, m.terms);
      expect(rel(V[ix][ix], before[ix][ix])).toBeLessThan(1e-10);
      expect(V[ic][ic]).toBeGreaterThan(0);
    }
  });
});
