// IV/2SLS and LIML against independent R implementations of ivreg2 / ivreghdfe (test/reference/
// iv_common.R, cross-checked there against AER::ivreg + sandwich, gretl and published Stata output):
// Mroz (PSID1976), Griliches (ivreg2's help-file data, two endogenous regressors) and the NC crime
// panel with absorbed county and year effects. Coefficients and SEs to 1e-6 relative, diagnostics
// to 1e-4 (issue 4).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import type { Diagnostic, EstimationResult } from '../../src/shared/result.js';
import { normalizeSpec, type VcovType } from '../../src/shared/spec.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface RefStat { statistic?: number; f_stat?: number; chi2?: number; df?: number; p_value?: number }
interface RefFirst { coefficients: Record<string, { estimate: number; std_error: number }>; partial_r2: number; shea_partial_r2: number; f_stat: number | null; f_df2: number; rmse: number; sw: { f_stat: number | null } }
interface RefModel {
  name: string;
  estimator: 'iv_2sls' | 'iv_liml';
  y: string;
  exog: string[];
  endog: string[];
  instruments: string[];
  intercept: boolean;
  absorb?: string[];
  cluster?: string[] | null;
  vcov: VcovType;
  small: boolean;
  nobs: number;
  coefficients: Record<string, { estimate: number; std_error: number; statistic: number; p_value: number }>;
  fit: { rss: number; r2: number; adj_r2: number; rmse: number };
  first_stage: Record<string, RefFirst>;
  diagnostics: Record<string, RefStat & Record<string, unknown>>;
  liml?: { lambda: number } | null;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const num = (v: unknown) => (typeof v === 'number' ? v : NaN);

async function load(caseName: string) {
  const dir = resolve('test/reference', caseName);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { models: RefModel[] };
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, 'data.csv'));
  const cols = new Map<string, Column>(dataset.variables.map((v) => [v.name, store.readColumn(dataset.id, v.name)]));
  const run = (m: RefModel): EstimationResult =>
    estimate(
      normalizeSpec({
        estimator: 'iv',
        y: m.y,
        x: m.exog,
        endog: m.endog,
        instruments: m.instruments,
        absorb: m.absorb ?? [],
        vcov: m.vcov,
        cluster: m.cluster ?? [],
        options: { method: m.estimator === 'iv_liml' ? 'liml' : '2sls', small: m.small ? 'on' : 'off', ...(m.intercept ? {} : { intercept: false }) },
      }),
      { nrows: dataset.nrows, get: (n) => cols.get(n) as Column },
    );
  return { models: expected.models, run };
}

function check(r: EstimationResult, m: RefModel): void {
  const where = (what: string) => `${m.name}: ${what}`;
  expect(r.nobs, where('N')).toBe(m.nobs);
  for (const [term, c] of Object.entries(m.coefficients)) {
    const got = r.coefficients.find((x) => x.term === term);
    expect(got, where(`term ${term}`)).toBeDefined();
    expect(rel(got!.estimate, c.estimate), where(`${term} estimate`)).toBeLessThan(1e-6);
    expect(rel(got!.std_error, c.std_error), where(`${term} SE`)).toBeLessThan(1e-6);
    expect(rel(got!.p_value, c.p_value) < 1e-4 || Math.abs(got!.p_value - c.p_value) < 1e-10, where(`${term} p`)).toBe(true);
  }
  expect(r.coefficients.length, where('number of coefficients')).toBe(Object.keys(m.coefficients).length);
  expect(rel(r.fit.rss, m.fit.rss), where('rss')).toBeLessThan(1e-8);
  expect(rel(r.fit.rmse, m.fit.rmse), where('rmse')).toBeLessThan(1e-8);
  if (m.liml) expect(rel(num(r.fit.liml_lambda), m.liml.lambda), where('LIML lambda')).toBeLessThan(1e-8);

  // first stages
  for (const [endog, f] of Object.entries(m.first_stage)) {
    const got = r.first_stage?.find((s) => s.endogenous === endog);
    expect(got, where(`first stage ${endog}`)).toBeDefined();
    expect(rel(got!.partial_r2, f.partial_r2), where(`${endog} partial R²`)).toBeLessThan(1e-6);
    expect(rel(got!.shea_partial_r2, f.shea_partial_r2), where(`${endog} Shea partial R²`)).toBeLessThan(1e-6);
    if (f.f_stat !== null) {
      expect(rel(num(got!.f_stat), f.f_stat), where(`${endog} first-stage F`)).toBeLessThan(1e-4);
      expect(got!.f_df2, where(`${endog} first-stage F df2`)).toBe(f.f_df2);
    }
    if (f.sw.f_stat !== null) expect(rel(num(got!.sw_f), f.sw.f_stat), where(`${endog} SW F`)).toBeLessThan(1e-4);
    for (const [term, c] of Object.entries(f.coefficients)) {
      const g = got!.coefficients.find((x) => x.term === term);
      expect(rel(g!.estimate, c.estimate), where(`first stage ${endog}: ${term}`)).toBeLessThan(1e-6);
    }
  }

  // diagnostics
  const d = (id: string) => r.diagnostics.find((x) => x.id === id) as Diagnostic;
  const stat = (x: Diagnostic) => num(x.statistic);
  const ref = m.diagnostics;
  expect(rel(stat(d('underid')), num(ref.underidentification.statistic)), where('underidentification')).toBeLessThan(1e-4);
  expect(d('underid').df, where('underid df')).toBe(ref.underidentification.df);
  expect(rel(stat(d('weakid_cd')), num(ref.cragg_donald_f.statistic)), where('Cragg–Donald F')).toBeLessThan(1e-4);
  if (m.vcov !== 'iid') expect(rel(stat(d('weakid_kp')), num(ref.weak_identification_f.statistic)), where('KP rk Wald F')).toBeLessThan(1e-4);
  const over = ref.overidentification;
  if (typeof over.statistic === 'number' && (over.df ?? 0) > 0) {
    expect(rel(stat(d('overid')), over.statistic), where(`${String(over.name)}`)).toBeLessThan(1e-4);
  } else {
    expect(typeof d('overid').statistic, where('overid not applicable')).toBe('object');
  }
  if (typeof ref.endogeneity?.statistic === 'number') {
    expect(Math.abs(stat(d('endog')) - ref.endogeneity.statistic) <= 1e-4 * Math.max(1, ref.endogeneity.statistic), where('endogeneity C')).toBe(true);
  }
  const ar = ref.anderson_rubin;
  expect(rel(stat(d('ar_f')), num(ar.f_stat)), where('Anderson–Rubin F')).toBeLessThan(1e-4);
  expect(rel(stat(d('ar_chi2')), num(ar.chi2)), where('Anderson–Rubin χ²')).toBeLessThan(1e-4);
}

for (const caseName of ['iv_mroz', 'iv_griliches', 'iv_panel']) {
  describe(`IV reference: ${caseName}`, async () => {
    const { models, run } = await load(caseName);
    for (const m of models) {
      it(m.name, () => check(run(m), m));
    }
  });
}
