// Random effects (xtreg, re; Swamy–Arora) and the Hausman test against R on real public panels.
// Balanced cases (Grunfeld, Fatalities, Wages): plm(model = "random", random.method = "swar") and
// plm::phtest, where plm equals Stata (test/reference/README.md). Unbalanced case (Grunfeld with
// rows dropped): Stata's formulas computed by hand in R (test/reference/re_unbalanced/make.R),
// because plm's "swar" uses a different unbalanced formula.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { HAUSMAN_TEST, MUNDLAK_TEST, hausman } from '../../src/engine/models/hausman.js';
import { estimateRe } from '../../src/engine/models/re.js';
import type { Diagnostic, EstimationResult } from '../../src/shared/result.js';
import { normalizeSpec, type EstimatorId, type ModelSpec } from '../../src/shared/spec.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface RefCoef { estimate: number; std_error: number; statistic: number; p_value: number }
interface RefModel { name: string; y: string; x: string[]; nobs: number; omitted?: string[]; coefficients: Record<string, RefCoef>; fit: Record<string, number | null> }
interface RefTest { statistic: number; df: number; p_value: number }

const RE = 're' as EstimatorId; // until 're' joins EstimatorId in src/shared/spec.ts
const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

async function load(caseName: string) {
  const dir = resolve('test/reference', caseName);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, 'data.csv'));
  const cols = new Map<string, Column>(dataset.variables.map((v) => [v.name, store.readColumn(dataset.id, v.name)]));
  const source = { nrows: dataset.nrows, get: (n: string) => cols.get(n) as Column };
  const spec = (s: Partial<ModelSpec> & { y: string }) => normalizeSpec({ panel: expected.panel, ...s });
  return {
    expected,
    re: (s: Partial<ModelSpec> & { y: string }) => estimateRe(spec({ estimator: RE, ...s }), source),
    fe: (s: Partial<ModelSpec> & { y: string }) => estimate(spec({ estimator: 'fe', ...s }), source),
  };
}

function compareRe(r: EstimationResult, m: RefModel, coefTol = 1e-8, seTol = 1e-6) {
  expect(r.nobs).toBe(m.nobs);
  expect(r.coefficients.map((c) => c.term).sort()).toEqual(Object.keys(m.coefficients).sort());
  for (const [term, ref] of Object.entries(m.coefficients)) {
    const c = r.coefficients.find((x) => x.term === term);
    if (!c) continue;
    expect(rel(c.estimate, ref.estimate), `${m.name} ${term} b`).toBeLessThan(coefTol);
    expect(rel(c.std_error, ref.std_error), `${m.name} ${term} SE`).toBeLessThan(seTol);
    expect(rel(c.statistic, ref.statistic), `${m.name} ${term} z`).toBeLessThan(seTol);
    if (ref.p_value < 1e-300) expect(c.p_value).toBeLessThan(1e-300);
    else expect(rel(c.p_value, ref.p_value), `${m.name} ${term} p`).toBeLessThan(1e-6);
  }
}

function compareFit(r: EstimationResult, m: RefModel, keys: string[], tol = 1e-6) {
  for (const key of keys) {
    const ref = m.fit[key];
    if (ref === undefined || ref === null) continue;
    const v = r.fit[key];
    expect(typeof v, `${m.name} fit.${key}`).toBe('number');
    if (ref < 1e-300 && key.endsWith('p_value')) expect(v as number).toBeLessThan(1e-300);
    else expect(rel(v as number, ref), `${m.name} fit.${key}`).toBeLessThan(tol);
  }
}

function compareTest(d: Diagnostic | undefined, ref: RefTest, label: string) {
  expect(d, label).toBeDefined();
  expect(typeof d?.statistic, `${label}: ${JSON.stringify(d?.statistic)}`).toBe('number');
  expect(rel(d?.statistic as number, ref.statistic), `${label} statistic`).toBeLessThan(1e-6);
  expect(d?.df, `${label} df`).toBe(ref.df);
  if (ref.p_value < 1e-300) expect(d?.p_value as number).toBeLessThan(1e-300);
  else expect(rel(d?.p_value as number, ref.p_value), `${label} p`).toBeLessThan(1e-6);
}

const FIT_KEYS = ['r2_within', 'r2_between', 'r2_overall', 'sigma_u', 'sigma_e', 'rho', 'theta', 'wald_chi2', 'wald_df', 'wald_p_value'];

describe('random effects (xtreg, re) against plm swar on balanced panels', () => {
  for (const c of ['panel_grunfeld', 'panel_fatalities', 'panel_wages']) {
    it(`${c}: coefficients (1e-8), z SEs and p (1e-6), R² within/between/overall, σ_u, σ_e, ρ, θ, Wald χ²`, async () => {
      const { expected, re } = await load(c);
      const m = expected.models.find((x: RefModel) => x.name === 're_swar_iid') as RefModel;
      const r = re({ y: m.y, x: m.x });
      compareRe(r, m);
      compareFit(r, m, FIT_KEYS);
      expect(r.estimator).toBe('re');
      expect(r.vcov.convention).toMatch(/z statistics/);
      expect((r.vcov as unknown as { distribution: string }).distribution).toBe('normal');
      expect(r.fit.r2).toBe(r.fit.r2_overall);
      expect(r.fit.f_stat).toHaveProperty('na');
      expect(r.fit.t_bar).toBe(expected.panel.n_periods);
    });

    it(`${c}: Hausman FE vs RE equals plm::phtest (statistic, df, p)`, async () => {
      const { expected, re, fe } = await load(c);
      const m = expected.models.find((x: RefModel) => x.name === 're_swar_iid') as RefModel;
      const rRe = re({ y: m.y, x: m.x });
      const rFe = fe({ y: m.y, x: m.x });
      const [classic, robust] = hausman(rFe, rRe);
      expect(classic.name).toBe(HAUSMAN_TEST);
      compareTest(classic, expected.hausman, `${c} hausman`);
      expect(classic.note).toMatch(/not valid with robust or clustered/);
      // plm and Stata invert V_FE − V_RE as it stands; on Fatalities and Wages it is indefinite
      if (c === 'panel_grunfeld') expect(classic.note).not.toMatch(/Warning/);
      else expect(classic.note).toMatch(/Warning: V_FE − V_RE is not positive definite \(\d negative and 0 zero/);
      expect(robust.name).toBe(MUNDLAK_TEST);
      expect(robust.df).toBe(expected.hausman.df);
    });
  }

  it('Grunfeld: Stata’s published xtreg, re and hausman numbers (those quoted in panel_grunfeld/make.R)', async () => {
    const { re, fe } = await load('panel_grunfeld');
    const r = re({ y: 'inv', x: ['value', 'capital'] });
    const b = (t: string) => r.coefficients.find((c) => c.term === t)?.estimate as number;
    expect(Math.abs(b('value') - 0.1097811)).toBeLessThan(1e-7);
    expect(Math.abs(b('capital') - 0.308113)).toBeLessThan(5e-7);
    expect(Math.abs(b('(Intercept)') - -57.83441)).toBeLessThan(5e-6);
    expect(Math.abs((r.fit.sigma_u as number) - 84.20095)).toBeLessThan(5e-6);
    for (const [k, v] of [['r2_within', 0.7668], ['r2_between', 0.8196], ['r2_overall', 0.8061]] as const) {
      expect(Math.abs((r.fit[k] as number) - v), k).toBeLessThan(5e-5);
    }
    const [h] = hausman(fe({ y: 'inv', x: ['value', 'capital'] }), r);
    expect(Math.abs((h.statistic as number) - 2.33)).toBeLessThan(5e-3);
    expect(Math.abs((h.p_value as number) - 0.3119)).toBeLessThan(5e-5);
  });
});

describe('random effects on an unbalanced panel against Stata’s formulas computed in R', () => {
  it('Grunfeld with 39 rows dropped (one panel has T_i = 1): coefficients, iid and clustered SEs, variance components, θ_i, R², Wald, Hausman, Mundlak', async () => {
    const { expected, re, fe } = await load('re_unbalanced');
    const iid = expected.models.find((x: RefModel) => x.name === 're_stata_iid') as RefModel;
    const cl = expected.models.find((x: RefModel) => x.name === 're_stata_cluster') as RefModel;
    const r = re({ y: iid.y, x: iid.x });
    compareRe(r, iid);
    compareFit(r, iid, [...FIT_KEYS, 't_bar', 'theta_min', 'theta_max', 'theta_p50']);
    expect(r.fit.theta).toHaveProperty('na');
    const [s2u, s2e] = [(r.fit.sigma_u as number) ** 2, (r.fit.sigma_e as number) ** 2];
    expect(r.fit.theta_min).toBeCloseTo(1 - Math.sqrt(s2e / (expected.panel.t_min * s2u + s2e)), 12);
    expect(r.fit.theta_max).toBeCloseTo(1 - Math.sqrt(s2e / (expected.panel.t_max * s2u + s2e)), 12);
    const rc = re({ y: cl.y, x: cl.x, vcov: 'cluster', cluster: ['firm'] });
    compareRe(rc, cl);
    compareFit(rc, cl, ['wald_chi2', 'wald_p_value']);
    // vce(robust) is vce(cluster panel id) for xtreg, re
    const rr = re({ y: cl.y, x: cl.x, vcov: 'robust' });
    compareRe(rr, cl);
    expect(rr.vcov.type).toBe('cluster');

    const rFe = fe({ y: iid.y, x: iid.x });
    const [h, mundlak] = hausman(rFe, r);
    compareTest(h, expected.hausman, 'unbalanced hausman');
    compareTest(mundlak, expected.mundlak, 'unbalanced mundlak');
    const [hm] = hausman(rFe, r, { sigmamore: true });
    compareTest(hm, expected.hausman_sigmamore, 'unbalanced hausman sigmamore');
  });

  it('the Mundlak test on balanced Grunfeld equals plm random + vcovHC(arellano, sss) Wald on the means', async () => {
    const { expected } = await load('re_unbalanced');
    const { re } = await load('panel_grunfeld');
    const r = re({ y: 'inv', x: ['value', 'capital'] });
    compareTest(r.diagnostics.find((d) => d.name === MUNDLAK_TEST), expected.grunfeld_balanced_mundlak, 'balanced mundlak');
  });
});
