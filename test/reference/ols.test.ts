// OLS against independent references: R (lm + sandwich) on real public data, NIST StRD certified
// values for Longley and Wampler. The data go through the real CSV importer into a project store.
// Values and the scripts that produced them: test/reference/<case>/{make.R,expected.json,data.csv}.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { normalizeSpec, type VcovType } from '../../src/shared/spec.js';
import type { EstimationResult } from '../../src/shared/result.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface RefCoef { estimate: number; std_error: number; statistic?: number; p_value?: number }
interface RefModel {
  name: string; y: string; x: string[]; intercept: boolean; vcov?: VcovType; cluster?: string[]; nobs: number;
  omitted?: string[]; coefficients?: Record<string, RefCoef>; fit?: Record<string, number>;
  certified?: { coefficients: Record<string, RefCoef>; residual_sd: number; r2: number };
}

async function load(caseName: string) {
  const dir = resolve('test/reference', caseName);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { models: RefModel[]; certified?: RefModel['certified'] };
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, 'data.csv'));
  const run = (m: RefModel): EstimationResult => {
    const spec = normalizeSpec({ y: m.y, x: m.x, vcov: m.vcov ?? 'iid', cluster: m.cluster ?? [], options: { intercept: m.intercept } });
    const cols = new Map<string, Column>([m.y, ...m.x, ...(m.cluster ?? [])].map((n) => [n, store.readColumn(dataset.id, n)]));
    return estimate(spec, { nrows: dataset.nrows, get: (n) => cols.get(n) as Column });
  };
  return { expected, run };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function compare(r: EstimationResult, m: RefModel, tol: { coef: number; se: number }) {
  expect(r.nobs).toBe(m.nobs);
  expect(r.omitted.map((o) => o.term)).toEqual(m.omitted ?? []);
  for (const [term, ref] of Object.entries(m.coefficients ?? {})) {
    const c = r.coefficients.find((x) => x.term === term);
    expect(c, term).toBeDefined();
    if (!c) continue;
    expect(rel(c.estimate, ref.estimate), `${m.name} ${term} estimate`).toBeLessThan(tol.coef);
    expect(rel(c.std_error, ref.std_error), `${m.name} ${term} SE`).toBeLessThan(tol.se);
    if (ref.statistic !== undefined) expect(rel(c.statistic, ref.statistic), `${m.name} ${term} t`).toBeLessThan(tol.se);
    if (ref.p_value !== undefined && ref.p_value > 1e-300) expect(rel(c.p_value, ref.p_value), `${m.name} ${term} p`).toBeLessThan(1e-6);
  }
  const fit = m.fit ?? {};
  for (const key of ['r2', 'adj_r2', 'rmse', 'rss', 'loglik', 'f_stat'] as const) {
    const v = r.fit[key];
    if (fit[key] !== undefined && typeof v === 'number') expect(rel(v, fit[key]), `${m.name} ${key}`).toBeLessThan(1e-8);
  }
  if (fit.f_df1 !== undefined) expect([r.fit.f_df1, r.fit.f_df2]).toEqual([fit.f_df1, fit.f_df2]);
}

describe('OLS reference values', () => {
  it('Petersen (2009) firm-year data: iid, HC1, cluster by firm and by year match R sandwich / Stata', async () => {
    const { expected, run } = await load('ols_petersen');
    expect(expected.models.length).toBeGreaterThanOrEqual(4);
    for (const m of expected.models) compare(run(m), m, { coef: 1e-10, se: 1e-8 });
  });

  it('CPS1985: text columns, listwise deletion, a perfectly collinear regressor dropped, few clusters', async () => {
    const { expected, run } = await load('ols_cps');
    for (const m of expected.models) {
      const r = run(m);
      compare(r, m, { coef: 1e-10, se: 1e-8 });
      if (m.vcov === 'cluster') expect(r.warnings.join(' ')).toMatch(/only \d+ clusters/);
    }
  });

  it('NIST Longley: certified coefficients and SEs to at least 7 significant digits', async () => {
    const { expected, run } = await load('ols_longley');
    const cert = expected.certified as NonNullable<RefModel['certified']>;
    const m = expected.models.find((x) => (x.vcov ?? 'iid') === 'iid') as RefModel;
    const r = run(m);
    for (const [term, ref] of Object.entries(cert.coefficients)) {
      const c = r.coefficients.find((x) => x.term === term) as { estimate: number; std_error: number };
      expect(rel(c.estimate, ref.estimate), term).toBeLessThan(1e-9);
      expect(rel(c.std_error, ref.std_error), term).toBeLessThan(1e-9);
    }
    expect(rel(r.fit.rmse, cert.residual_sd)).toBeLessThan(1e-9);
    expect(rel(r.fit.r2 as number, cert.r2)).toBeLessThan(1e-12);
    for (const mm of expected.models) compare(run(mm), mm, { coef: 1e-8, se: 1e-7 });
    // exact rational-arithmetic least squares (R gmp): HC1 SEs and the robust Wald F too
    const exact = (expected as unknown as { exact: { coefficients: Record<string, { estimate: number; std_error_iid: number; std_error_robust_hc1: number }>; f_stat_robust_hc1: number } }).exact;
    const robust = run({ ...m, vcov: 'robust' });
    for (const c of robust.coefficients) {
      expect(rel(c.estimate, exact.coefficients[c.term].estimate), c.term).toBeLessThan(1e-10);
      expect(rel(c.std_error, exact.coefficients[c.term].std_error_robust_hc1), c.term).toBeLessThan(1e-10);
    }
    expect(rel(robust.fit.f_stat as number, exact.f_stat_robust_hc1)).toBeLessThan(1e-8);
  });

  it('NIST Wampler 1 and 2 (degree-5 polynomials): certified coefficients to 7+ digits', async () => {
    const { expected, run } = await load('ols_wampler');
    for (const m of expected.models) {
      const r = run(m);
      for (const [term, ref] of Object.entries(m.certified?.coefficients ?? {})) {
        const c = r.coefficients.find((x) => x.term === term) as { estimate: number };
        expect(rel(c.estimate, ref.estimate), `${m.name} ${term}`).toBeLessThan(1e-7);
      }
    }
  });
});
