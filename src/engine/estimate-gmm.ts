// The `gmm` estimator end to end (xtabond2): resolve the regressors (lag terms L.x, L2.x by the
// panel time variable), the GMM-style and IV-style instrument blocks and the options; build the
// per-unit blocks (models/gmm-build.ts); drop regressors collinear in the stacked equations; fit
// (models/gmm.ts); report coefficients with z statistics, the instrument count, the number of
// groups, the Arellano–Bond AR tests, Sargan, Hansen and difference-in-Hansen tests.
//
// Defaults (stated in docs/conventions.md): system GMM, two-step with Windmeijer-corrected SEs
// (vcov 'robust'; 'iid' gives the uncorrected two-step or the plain one-step variance), first
// differences, time dummies, h(3); without gmm_style, the dependent variable's lags 2 and up
// (when a lag of y is a regressor); without iv_style, every other regressor is IV-style
// (strictly exogenous) in both equations.
import { AppError } from '../shared/errors.js';
import type { CoefficientRow, Diagnostic, EstimationResult } from '../shared/result.js';
import { INTERCEPT_TERM, type IvStyleSpec, type ModelSpec, baseVariable, parseLagTerm } from '../shared/spec.js';
import { stopwatch } from './clock.js';
import { type ColumnSource, completeCases, compress, numericColumn } from './data.js';
import { refuseConstantOutcome, refuseInfinite, sampleMask } from './sample.js';
import type { ProgressFn } from './estimate.js';
import { invertSpdScaled } from './linalg/small.js';
import { type GmmDesign, type GmmStyleBlock, type IvStyleBlock, buildGmmDesign, dropCollinearInstruments } from './models/gmm-build.js';
import { fitGmm, independentColumns } from './models/gmm.js';
import { chi2UpperP, normalCdf, normalQuantile } from './stats/distributions.js';
import { buildPanelIndex, shiftValues, type PanelIndex } from './transform/panel.js';
import { ENGINE_VERSION } from './version.js';

/** Columns of a term: a variable, or L<k>.variable lagged by the panel time. */
function termValues(source: ColumnSource, index: PanelIndex, term: string, role: string): Float64Array {
  const lag = parseLagTerm(term);
  if (!lag) return numericColumn(source, term, role);
  if (!Number.isInteger(lag.lag) || lag.lag < 0 || lag.lag > 100) throw new AppError('INVALID_ARGUMENT', `"${term}": the lag must be a whole number between 0 and 100`);
  const v = numericColumn(source, lag.variable, role);
  return lag.lag === 0 ? v : shiftValues(v, index, lag.lag);
}

/**
 * Regressors collinear with earlier ones in the main equation (levels in system GMM, the transformed
 * equation in difference GMM), as xtabond2's _rmcoll; returns the dropped column indices.
 */
function collinearColumns(design: GmmDesign, system: boolean): number[] {
  const { k, blocks } = design;
  const G = new Float64Array(k * k);
  for (const b of blocks) {
    const M = system ? b.Xl : b.X;
    const rows = system ? b.nl : b.nt;
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < k; i++) {
        const x = M[r * k + i];
        if (x === 0) continue;
        for (let j = 0; j < k; j++) G[i * k + j] += x * M[r * k + j];
      }
  }
  const kept = new Set(independentColumns(G, k));
  return [...Array(k).keys()].filter((j) => !kept.has(j));
}

function withoutColumns(design: GmmDesign, drop: number[]): GmmDesign {
  const k = design.k;
  const keep = [...Array(k).keys()].filter((j) => !drop.includes(j));
  const k2 = keep.length;
  const pick = (M: Float64Array, rows: number) => {
    const out = new Float64Array(rows * k2);
    for (let r = 0; r < rows; r++) for (let a = 0; a < k2; a++) out[r * k2 + a] = M[r * k + keep[a]];
    return out;
  };
  return {
    ...design,
    k: k2,
    terms: keep.map((j) => design.terms[j]),
    blocks: design.blocks.map((b) => ({ ...b, X: pick(b.X, b.rows), Xl: pick(b.Xl, b.nl) })),
  };
}

export function estimateGmm(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): EstimationResult {
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  if (!spec.panel) throw new AppError('INVALID_ARGUMENT', 'dynamic panel GMM needs the panel id and time variables');
  const o = spec.options;
  const system = o.system !== false;
  const twostep = o.twostep !== false;
  const fod = o.transform === 'fod';
  const h = o.h === undefined ? 3 : Number(o.h);
  if (![1, 2, 3].includes(h)) throw new AppError('INVALID_ARGUMENT', `option h must be 1, 2 or 3 (xtabond2's h()), got ${String(o.h)}`);
  const arMax = o.ar ?? 2;
  const timeDummies = o.timedummies !== false;
  const robust = spec.vcov === 'robust';
  if (spec.vcov === 'cluster') throw new AppError('INVALID_ARGUMENT', 'GMM standard errors are already robust to any correlation within a panel unit; choose robust (Windmeijer for two-step) or iid');
  const index = buildPanelIndex({ id: { name: spec.panel.id, column: source.get(spec.panel.id) }, time: { name: spec.panel.time, column: source.get(spec.panel.time) } });
  // periods are the time variable's values (spacing 1)
  const timeValue = (p: number) => p;
  // y of extreme magnitude (beyond 2^±100 ≈ 1e±30) is brought to order one by a power of two
  // (exact) before anything is built from it — its lags are regressors and GMM-style instruments,
  // and Σ Z'e e'Z would hold its fourth power; y-unit outputs are scaled back at the end
  const yRaw = numericColumn(source, spec.y, 'dependent variable');
  const yShift = extremeExponent(yRaw);
  const y = yShift === 0 ? yRaw : yRaw.map((v) => v * 2 ** -yShift);
  const raw = (name: string) => ({ name, column: source.get(name) });
  if (yShift !== 0) {
    const original = source;
    source = { nrows: original.nrows, get: (name) => (name === spec.y ? { kind: 'numeric', values: y } : original.get(name)) };
  }
  const X = spec.x.map((t) => termValues(source, index, t, 'regressor'));
  const yLags = spec.x.filter((t) => parseLagTerm(t)?.variable === spec.y);
  let gmmSpecs = o.gmm_style;
  if (!gmmSpecs || gmmSpecs.length === 0) {
    if (yLags.length === 0) throw new AppError('INVALID_ARGUMENT', `choose GMM-style instruments (e.g. lags 2 and up of ${spec.y}), or add a lag of ${spec.y} (L.${spec.y}) as a regressor to use them by default`);
    gmmSpecs = [{ var: spec.y, lag_min: 2, lag_max: null }];
  }
  const gmm: GmmStyleBlock[] = gmmSpecs.map((g) => {
    if (g.lag_max !== undefined && g.lag_max !== null && g.lag_max < g.lag_min) throw new AppError('INVALID_ARGUMENT', `GMM-style instruments for ${g.var}: the last lag (${g.lag_max}) is before the first (${g.lag_min})`);
    return { name: g.var, values: termValues(source, index, g.var, 'GMM-style instrument'), lagMin: g.lag_min, lagMax: g.lag_max ?? null, collapse: g.collapse === true, eq: system ? (g.eq ?? 'both') : 'diff' };
  });
  const gmmBases = new Set(gmmSpecs.map((g) => parseLagTerm(g.var)?.variable ?? g.var));
  const ivSpecs: IvStyleSpec[] = o.iv_style ?? spec.x.filter((t) => !gmmBases.has(parseLagTerm(t)?.variable ?? t)).map((t) => ({ var: t, eq: 'both' }));
  const iv: IvStyleBlock[] = ivSpecs.map((v) => ({ name: v.var, values: termValues(source, index, v.var, 'IV-style instrument'), eq: system ? (v.eq ?? 'both') : 'diff', passthru: v.passthru === true }));
  // The level sample's variables as the other estimators check them (±∞ refused, none complete
  // named); GMM-style instruments may be missing (they contribute nothing) but not ±∞.
  const levelVars = [...new Set([spec.y, ...spec.x.map(baseVariable), ...ivSpecs.map((v) => baseVariable(v.var)), spec.panel.id, spec.panel.time])];
  const levelSample = sampleMask(source, levelVars.map(raw));
  refuseInfinite(completeCases(source.nrows, [...new Set(gmmSpecs.map((g) => baseVariable(g.var)))].map(raw)).infinite);
  refuseConstantOutcome(compress(y, levelSample.mask, levelSample.count), levelSample.count, spec.y);
  refuseConstantWithinUnits(y, levelSample.mask, index.unit, spec.y, spec.panel.id);
  lap('prepare');
  progress('estimate', 0.2);

  let design = buildGmmDesign({ index, y, X, xNames: spec.x, gmm, iv, system, fod, timeDummies, timeName: spec.panel.time, timeValue, constant: system, h });
  const dropped = collinearColumns(design, system);
  const omitted = dropped.map((j) => design.terms[j]);
  if (dropped.length > 0) design = withoutColumns(design, dropped);
  if (design.k === 0) throw new AppError('ESTIMATION', 'every regressor was dropped as collinear; nothing to estimate');
  const instrumentsBefore = design.instruments.length;
  const cleaned = dropCollinearInstruments(design, independentColumns);
  design = cleaned.design;
  const nEquations = system ? design.nLevels : design.nTransformed;
  if (nEquations <= design.k) {
    throw new AppError('ESTIMATION', `not enough observations: ${nEquations} ${system ? 'level' : 'transformed'} observations for ${design.k} coefficients (with the time dummies and the constant)`);
  }
  if (design.groups < 2) throw new AppError('ESTIMATION', `only ${design.groups} panel unit ("${spec.panel.id}") has usable observations; GMM needs several units (its weighting matrix and standard errors are sums over units)`);
  lap('build');
  const fit = fitGmm(design, { twostep, robust, fod, system, h, ar: arMax });
  lap('estimate');
  progress('result', 0.9);

  const k = design.k;
  const level = o.level ?? 0.95;
  const zc = normalQuantile(1 - (1 - level) / 2);
  // Stata lists the constant last
  const order = [...Array(k).keys()].sort((a, b) => Number(design.terms[a] === INTERCEPT_TERM) - Number(design.terms[b] === INTERCEPT_TERM));
  const coefficients: CoefficientRow[] = order.map((j) => {
    const est = fit.beta[j];
    const se = Math.sqrt(fit.V[j * k + j]);
    const z = est / se;
    return { term: design.terms[j], estimate: est, std_error: se, statistic: z, p_value: 2 * normalCdf(-Math.abs(z)), conf_low: est - zc * se, conf_high: est + zc * se };
  });
  const vcovMatrix = order.map((i) => order.map((j) => fit.V[i * k + j]));
  // Wald χ² of every coefficient but the constant
  const slopes = [...Array(k).keys()].filter((j) => design.terms[j] !== INTERCEPT_TERM);
  let wald: number | { na: string } = { na: 'no regressors besides the constant' };
  if (slopes.length > 0) {
    const q = slopes.length;
    const Vs = new Float64Array(q * q);
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) Vs[a * q + b] = fit.V[slopes[a] * k + slopes[b]];
    const inv = invertSpdScaled(Vs, q);
    if (inv) {
      let s = 0;
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) s += fit.beta[slopes[a]] * inv[a * q + b] * fit.beta[slopes[b]];
      wald = s;
    } else wald = { na: 'the covariance of the coefficients is singular' };
  }
  const nobs = system ? design.nLevels : design.nTransformed;
  const diagnostics: Diagnostic[] = [];
  fit.ar.forEach((z, i) => {
    const id = `ar${i + 1}`;
    diagnostics.push(
      Number.isFinite(z)
        ? { id, name: `Arellano–Bond test for AR(${i + 1}) in first differences`, statistic: z, p_value: 2 * normalCdf(-Math.abs(z)), note: `z statistic; H0: no autocorrelation of order ${i + 1} in the differenced errors${i === 0 ? ' (rejection is expected)' : ''}` }
        : { id, name: `Arellano–Bond test for AR(${i + 1}) in first differences`, statistic: { na: `no pairs of differenced residuals ${i + 1} periods apart` } },
    );
  });
  const overid = fit.m - k;
  const test = (id: string, name: string, t: { statistic: number; df: number }, note: string): Diagnostic =>
    t.df > 0 ? { id, name, statistic: t.statistic, df: t.df, p_value: chi2UpperP(t.statistic, t.df), note } : { id, name, statistic: { na: 'exactly identified: there are no overidentifying restrictions to test' } };
  diagnostics.push(test('sargan', 'Sargan test of overidentifying restrictions', fit.sargan, 'not robust, but not weakened by many instruments; one-step residuals'));
  if (fit.hansen) diagnostics.push(test('hansen', 'Hansen J test of overidentifying restrictions', fit.hansen, 'robust, but weakened by many instruments'));
  else diagnostics.push({ id: 'hansen', name: 'Hansen J test of overidentifying restrictions', statistic: { na: 'reported with robust or two-step estimation' } });
  for (const d of fit.diffHansen) {
    diagnostics.push(test(`hansen_excluding:${d.group}`, `Hansen test excluding ${d.group}`, d.excluded, 'difference-in-Hansen: J of the model without this subset'));
    diagnostics.push(test(`hansen_difference:${d.group}`, `Difference-in-Hansen for ${d.group}`, d.difference, 'H0: the instruments of this subset are exogenous'));
  }
  const warnings = [...design.warnings, ...fit.warnings, ...omitted.map((t) => `${t} omitted because of collinearity`)];
  if (cleaned.dropped > 0) warnings.push(`${cleaned.dropped} of ${instrumentsBefore} instruments dropped because of collinearity`);
  if (fit.m > design.groups) warnings.push(`${fit.m} instruments for ${design.groups} groups: more instruments than groups overfits the endogenous variables and weakens the Hansen test; collapse the instruments or limit the lags`);
  if (overid < 0) warnings.push('fewer instruments than coefficients');
  // observations per group
  let tmin = Infinity;
  let tmax = 0;
  for (const b of design.blocks) {
    const c = system ? b.nl : b.nt;
    tmin = Math.min(tmin, c);
    tmax = Math.max(tmax, c);
  }
  const levelsTotal = design.nLevels;
  const convention = twostep
    ? robust
      ? 'two-step GMM with Windmeijer (2005) finite-sample corrected standard errors (xtabond2 twostep robust)'
      : 'two-step GMM, uncorrected asymptotic standard errors (xtabond2 twostep)'
    : robust
      ? 'one-step GMM, standard errors robust to heteroskedasticity and autocorrelation within units (xtabond2 robust)'
      : `one-step GMM, σ²(A'W1A)⁻¹ with σ² = e'e/(${fod || h === 1 ? '' : '2·'}N) from the transformed residuals (xtabond2)`;
  const result: EstimationResult = {
    estimator: 'gmm',
    spec,
    engineVersion: ENGINE_VERSION,
    nobs,
    coefficients,
    omitted: omitted.map((term) => ({ term, reason: 'collinear' })),
    vcov: { type: spec.vcov, clusters: robust ? [{ variable: spec.panel.id, groups: design.groups }] : [], convention: `${convention}; z statistics`, dof: nobs - k, small_sample_factor: 1, distribution: 'normal' },
    vcov_matrix: vcovMatrix,
    fit: {
      r2: { na: 'R² is not defined for GMM' },
      adj_r2: { na: 'R² is not defined for GMM' },
      r2_kind: 'centered',
      rmse: Math.sqrt(fit.sigma2Final),
      rss: Number.NaN,
      loglik: { na: 'GMM has no likelihood' },
      df_model: slopes.length,
      df_resid: nobs - k,
      f_stat: { na: 'see the Wald χ² test' },
      wald_chi2: wald,
      ...(typeof wald === 'number' ? { wald_df: slopes.length, wald_p: chi2UpperP(wald, slopes.length) } : {}),
      n_instruments: fit.m,
      n_groups: design.groups,
      obs_per_group_min: tmin,
      obs_per_group_max: tmax,
      obs_per_group_avg: nobs / design.groups,
      n_transformed: design.nTransformed,
      n_levels: levelsTotal,
      sigma2: fit.sigma2Final,
      twostep: twostep ? 1 : 0,
      system: system ? 1 : 0,
    },
    diagnostics,
    sample: { n_input: source.nrows, dropped_missing: source.nrows - levelsTotal, dropped_singletons: 0, groups: { [spec.panel.id]: design.groups } },
    fixed_effects: [],
    warnings,
    timing_ms: timing,
  };
  // the stacked equations have no single RSS: report the one σ² is computed from
  result.fit.rss = fit.sigma2Final * (fod || h === 1 ? 1 : 2) * (system && h === 1 ? design.nLevels : design.nTransformed);
  if (yShift !== 0) unscaleY(result, spec.y, 2 ** yShift);
  lap('result');
  progress('result', 1);
  return result;
}

/** log₂ of max |v| over the finite values when beyond ±100 (the data need scaling), else 0. */
function extremeExponent(v: Float64Array): number {
  let mx = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > mx && a < Infinity) mx = a;
  }
  if (mx === 0) return 0;
  const e = Math.round(Math.log2(mx));
  return Math.abs(e) > 100 ? e : 0;
}

/** Back to the units of y: every coefficient but those of y's own lags, their covariance, σ², RSS. */
function unscaleY(result: EstimationResult, yName: string, f: number): void {
  const factor = result.coefficients.map((c) => (baseVariable(c.term) === yName ? 1 : f));
  result.coefficients = result.coefficients.map((c, j) => ({ ...c, estimate: c.estimate * factor[j], std_error: c.std_error * factor[j], conf_low: c.conf_low * factor[j], conf_high: c.conf_high * factor[j] }));
  result.vcov_matrix = result.vcov_matrix.map((row, a) => row.map((v, b) => v * factor[a] * factor[b]));
  const fit = result.fit as Record<string, unknown>;
  for (const [key, power] of [['rmse', 1], ['sigma2', 2], ['rss', 2]] as const) if (typeof fit[key] === 'number') fit[key] = (fit[key] as number) * f ** power;
}

/**
 * y constant within every panel unit: its differences are all 0 and y_t = y_{t−1} exactly, so the
 * "estimates" would be L.y = 1 with standard errors of rounding size. Refused, as a constant y.
 */
function refuseConstantWithinUnits(y: Float64Array, mask: Uint8Array, unit: Int32Array, yName: string, idName: string): void {
  let units = 0;
  for (let i = 0; i < unit.length; i++) if (unit[i] + 1 > units) units = unit[i] + 1;
  const first = new Float64Array(units).fill(Number.NaN);
  for (let i = 0; i < y.length; i++) {
    const u = unit[i];
    if (!mask[i] || u < 0) continue;
    if (first[u] !== first[u]) first[u] = y[i];
    else if (first[u] !== y[i]) return;
  }
  throw new AppError('BAD_DATA', `the dependent variable "${yName}" does not vary within any panel unit ("${idName}"): its differences are all 0, so there is nothing for dynamic panel GMM to estimate`);
}
