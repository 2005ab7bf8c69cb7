// The `iv` estimator end to end, as ivreghdfe: sample (complete cases, singletons over the absorbed
// factors) → demean y, X1, X2, Z1 with the one demeaning kernel → ivreg2 on the demeaned columns
// (models/iv.ts) → covariance from the registry with ivreg2's scalings → first stages and
// diagnostics (models/iv-diagnostics.ts). Without absorbed factors it is ivreg2 with a constant.
//
// ivreg2's conventions: without `small` (the default) σ² = RSS/N, robust and cluster covariances
// carry no finite-sample factor and the tests are z / χ²; with `small`, RSS/(N−K−sdofminus),
// N/(N−K−sdofminus) (robust) or (N−1)/(N−K−sdofminus)·M/(M−1) (cluster) and t / F. sdofminus is
// what the fixed effects absorb, counted as reghdfe counts it (FE nested in a cluster variable use
// no degrees of freedom, the constant still does).
import { AppError } from '../shared/errors.js';
import type { CoefficientRow, EstimationResult, FirstStageResult, FixedEffectInfo } from '../shared/result.js';
import type { ModelSpec } from '../shared/spec.js';
import { stopwatch } from './clock.js';
import { VCOV_REGISTRY, type ClusterIds, type VcovEstimate } from './covariance/index.js';
import { type Column, type ColumnSource, compress, compressInPlace, keptRuns, numericColumn } from './data.js';
import type { ProgressFn } from './estimate.js';
import { COLLINEAR_WITH_FE, demean } from './fe/demean.js';
import type { LinearFit } from './models/linear-fit.js';
import { type IvFit, fitIv } from './models/iv.js';
import { diagnosticsGram, firstStageStats, ivDiagnostics } from './models/iv-diagnostics.js';
import { buildLinearResult, normalInference } from './result.js';
import { absorbFactors, clusterIdsFor, fixedEffectsDof, refuseConstantOutcome, sampleMask } from './sample.js';
import { centeredSumSquares, dot } from './linalg/vector.js';
import { upperTimesTranspose } from './linalg/qr.js';

/**
 * ivreg2's scalings on top of the registry's covariance (which has the small-sample factors):
 * without `small` they are undone (see the header); the convention says which was used.
 */
function ivreg2Scale(v: VcovEstimate, fit: LinearFit, small: boolean): VcovEstimate {
  const K = fit.kAbsorbed > 0 ? 'K+sdofminus' : 'K';
  const ways = v.clusters.length > 1 ? ` (${v.clusters.length}-way, Cameron–Gelbach–Miller; M = the smallest cluster count)` : '';
  const base =
    v.type === 'iid'
      ? `σ² (X̂'X̂)⁻¹ with σ² = ${small ? `RSS/(N−${K})` : 'RSS/N'}`
      : v.type === 'robust'
        ? `${small ? `N/(N−${K}) · ` : ''}(X̂'X̂)⁻¹ Σ û²x̂x̂' (X̂'X̂)⁻¹ (heteroskedasticity-robust)`
        : `${small ? `(N−1)/(N−${K})·M/(M−1) · ` : ''}(X̂'X̂)⁻¹ Σ_g X̂_g'û_g û_g'X̂_g (X̂'X̂)⁻¹, clustered${ways}`;
  const tail = small ? `ivreg2 with small: t and F tests${v.type === 'cluster' ? ' on M−1 df' : ''}` : 'ivreg2 default (no small): z and χ² tests';
  const absorbed = fit.kAbsorbed > 0 ? `; sdofminus = ${fit.kAbsorbed} parameters absorbed with the fixed effects (ivreghdfe)` : '';
  const convention = `${base}; ${tail}${absorbed}`;
  if (small) return { ...v, convention };
  const f = v.type === 'iid' ? (fit.n - fit.k - fit.kAbsorbed) / fit.n : 1 / v.factor;
  return { ...v, V: v.V.map((x) => x * f), factor: v.factor * f, convention };
}

function ownCopy(d: Float64Array, source: Float64Array): Float64Array {
  return d.buffer === source.buffer ? d.slice() : d;
}

export function estimateIv(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): EstimationResult {
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  const numeric = (name: string, role: string) => numericColumn(source, name, role);
  if (spec.endog.length === 0) throw new AppError('INVALID_ARGUMENT', 'an IV model needs at least one endogenous regressor');
  if (spec.instruments.length < spec.endog.length) {
    throw new AppError('INVALID_ARGUMENT', `the equation is not identified: ${spec.endog.length} endogenous regressors but ${spec.instruments.length} excluded instruments`);
  }
  // ivreghdfe forces `small` when it absorbs fixed effects; ivreg2 without them defaults to large-sample
  const small = spec.options.small === 'on' || ((spec.options.small ?? 'auto') === 'auto' && spec.absorb.length > 0);
  const method = spec.options.method === 'liml' ? 'liml' : '2sls';
  const roles: [string, string][] = [
    [spec.y, 'dependent variable'],
    ...spec.x.map((v): [string, string] => [v, 'regressor']),
    ...spec.endog.map((v): [string, string] => [v, 'endogenous regressor']),
    ...spec.instruments.map((v): [string, string] => [v, 'instrument']),
  ];
  const cols = roles.map(([name, role]) => numeric(name, role));
  const clusterNames = spec.vcov === 'cluster' ? spec.cluster : [];
  const absorbVars = [...new Set(spec.absorb.flatMap((a) => a.split('#')))];
  const used: { name: string; column: Column }[] = [
    ...roles.map(([name], j) => ({ name, column: { kind: 'numeric', values: cols[j] } as Column })),
    ...[...new Set([...clusterNames, ...absorbVars])].map((name) => ({ name, column: source.get(name) })),
  ];
  const { mask, count, ranges } = sampleMask(source, used, new Set([...clusterNames, ...absorbVars]));
  const { factors, keep, droppedSingletons, rows, n } = absorbFactors(spec.absorb, source, mask, count, spec.options.singletons ?? true, ranges);
  // Demeaning overwrites these arrays: take over the loaded columns when the caller hands them over
  // (disposable) and no other role reads them, else our own copies (compress hands back the input
  // itself when no row is dropped).
  const otherRoles = new Set([...clusterNames, ...absorbVars]);
  const runs = keptRuns(rows, n);
  const data = cols.map((c, j) => (source.disposable === true && !otherRoles.has(roles[j][0]) ? compressInPlace(c, rows, n, runs) : ownCopy(compress(c, rows, n, runs), c)));
  if (factors.length > 0 || spec.options.intercept !== false) refuseConstantOutcome(data[0], n, spec.y);
  lap('prepare');
  progress('estimate', 0.2);

  const warnings: string[] = [];
  const droppedByFe = new Set<number>();
  let tss = 0;
  let tssWithin: number | undefined;
  let demeanIterations: number | undefined;
  if (factors.length > 0) {
    tss = centeredSumSquares(data[0], n);
    const tol = typeof spec.options.tolerance === 'number' ? spec.options.tolerance : undefined;
    // Σx, Σx² before and Σx̃² after, from demean's own passes over the columns
    const { out, report } = demean(data, factors, { ...(tol !== undefined ? { tol } : {}), overwrite: true, moments: true });
    const stats = (report.moments as { sum: number[]; squares: number[] }).sum.map((sum, j) => ({ sum, squares: (report.moments as { squares: number[] }).squares[j] }));
    const demeanedSquares = report.squares as number[];
    if (!report.converged) {
      throw new AppError('ESTIMATION', `the fixed-effect demeaning did not converge within ${Math.max(...report.iterations)} iterations; results would not be reliable (try fewer or nested fixed effects)`);
    }
    demeanIterations = Math.max(...report.iterations);
    lap('demean');
    out.forEach((c, j) => (data[j] = c));
    tssWithin = demeanedSquares[0];
    if (tssWithin <= COLLINEAR_WITH_FE * tss) {
      throw new AppError('BAD_DATA', `the dependent variable "${spec.y}" does not vary within the fixed effects (${spec.absorb.join(', ')}): they explain it completely, so there is nothing left to estimate`);
    }
    // a column the fixed effects absorb demeans to rounding noise (reghdfe's test, demean.ts)
    for (let j = 1; j < data.length; j++) {
      const m = stats[j].sum / n;
      if (demeanedSquares[j] <= COLLINEAR_WITH_FE * Math.max(stats[j].squares - n * m * m, 0)) droppedByFe.add(j);
    }
  }
  const nx = spec.x.length;
  const ne = spec.endog.length;
  const pick = (from: number, names: string[], what: string) => {
    const kept: { cols: Float64Array[]; names: string[] } = { cols: [], names: [] };
    names.forEach((name, i) => {
      const j = from + i;
      if (droppedByFe.has(j)) warnings.push(`${what} ${name} omitted because it is collinear with the fixed effects`);
      else {
        kept.cols.push(data[j]);
        kept.names.push(name);
      }
    });
    return kept;
  };
  const exog = pick(1, spec.x, 'regressor');
  const endog = pick(1 + nx, spec.endog, 'endogenous regressor');
  const excluded = pick(1 + nx + ne, spec.instruments, 'instrument');
  if (endog.cols.length === 0) throw new AppError('ESTIMATION', `every endogenous regressor (${spec.endog.join(', ')}) is collinear with the fixed effects; nothing is left to instrument`);
  const intercept = factors.length === 0 && spec.options.intercept !== false;
  const nInstruments = exog.cols.length + excluded.cols.length + (intercept ? 1 : 0);
  if (n <= nInstruments) {
    throw new AppError('ESTIMATION', `not enough observations: ${n} observations for ${nInstruments} instruments (the exogenous regressors${intercept ? ', the constant' : ''} and the excluded instruments); the first stage needs more observations than instruments`);
  }
  const iv = fitIv({ y: data[0], exog: exog.cols, exogNames: exog.names, endog: endog.cols, endogNames: endog.names, excluded: excluded.cols, excludedNames: excluded.names, intercept, method });
  lap('estimate');

  progress('covariance', 0.6);
  const clusters = clusterIdsFor(clusterNames, factors, source, mask, count, keep, n);
  let fixedEffects: FixedEffectInfo[] = [];
  let sdofminus = 0;
  if (factors.length > 0) {
    const d = fixedEffectsDof(factors, clusters);
    fixedEffects = d.fixedEffects;
    // the constant is partialled out with the FE: reghdfe's df_a counts it unless a FE is nested
    sdofminus = d.dfA + (d.anyNested ? 1 : 0);
  }
  const K = iv.fit.k;
  if (n <= K + sdofminus) {
    throw new AppError('ESTIMATION', `not enough observations: ${n} observations for ${K + sdofminus} parameters (including absorbed fixed effects)`);
  }
  const fit: LinearFit = {
    ...iv.fit,
    kAbsorbed: sdofminus,
    dfStats: n - K - sdofminus,
    ...(factors.length > 0 ? { tss, tssWithin, absorbsConstant: true, demeanIterations } : {}),
  };
  const vcov = ivreg2Scale(VCOV_REGISTRY[spec.vcov](fit, { clusters }), fit, small);
  const ctx = { clusters, robust: spec.vcov !== 'iid', sdofminus };
  lap('covariance');
  const gram = diagnosticsGram(iv);
  const diagnostics = ivDiagnostics(iv, ctx, gram);
  lap('diagnostics');

  progress('result', 0.85);
  const level = spec.options.level ?? 0.95;
  const groups: Record<string, number> = {};
  for (const f of factors) groups[f.name] = f.groups;
  for (const c of clusters) groups[c.variable] = c.groups;
  const result = buildLinearResult({
    spec,
    fit,
    vcov,
    omitted: [],
    sample: { n_input: source.nrows, dropped_missing: source.nrows - count, dropped_singletons: droppedSingletons, groups },
    warnings: [...warnings, ...iv.warnings],
    timing,
    fixedEffects,
    diagnostics,
    extraFit: { ...(iv.lambda !== null ? { liml_lambda: iv.lambda, kclass_kappa: iv.kappa } : {}) },
  });
  result.omitted = iv.omitted;
  result.warnings.push(...iv.omitted.filter((o) => o.reason === 'collinear').map((o) => `${o.term} omitted because of collinearity`));
  result.fit.method = method === 'liml' ? 'LIML' : '2SLS';
  result.fit.r2_kind = 'centered';
  if (!small) {
    result.coefficients = normalInference(result.coefficients, level);
    result.vcov.distribution = 'normal';
    result.fit.rmse = Math.sqrt(fit.rss / n);
  }
  lap('result');
  result.first_stage = firstStages(spec, iv, fit, clusters, small, level, ctx, gram);
  lap('first_stage');
  progress('result', 1);
  return result;
}

function firstStages(spec: ModelSpec, iv: IvFit, fit: LinearFit, clusters: ClusterIds[], small: boolean, level: number, ctx: { clusters: ClusterIds[]; robust: boolean; sdofminus: number }, gram: Float64Array): FirstStageResult[] {
  const stats = firstStageStats(iv, ctx, gram);
  const { n, Z, RzInv } = iv;
  const L = Z.length;
  const hasConst = fit.hasIntercept;
  const bread = upperTimesTranspose(RzInv, L);
  return stats.map((s, j) => {
    const x = iv.X[iv.kExog + j];
    // the first-stage regression through the instruments' R (Z = QR): b = R⁻¹Q'x, scores basis Z,
    // as the first-stage F's Wald test fitted it (with its meat, for the covariance below)
    const { coef: c, resid, rss, meat } = s.regression;
    const fsFit: LinearFit = {
      terms: iv.zNames,
      beta: Float64Array.from({ length: L }, (_, a) => {
        let b = 0;
        for (let m = a; m < L; m++) b += RzInv[a * L + m] * c[m];
        return b;
      }),
      bread,
      basis: Z,
      basisToQ: RzInv,
      basisCondition: iv.zCondition,
      Rinv: RzInv,
      resid,
      n,
      k: L,
      kAbsorbed: ctx.sdofminus,
      dfStats: n - L - ctx.sdofminus,
      rss,
      tss: fit.tssWithin !== undefined || !hasConst ? dot(x, x, n) : centeredSumSquares(x, n),
      hasIntercept: hasConst,
      interceptIndex: hasConst ? 0 : -1,
    };
    const v = ivreg2Scale(VCOV_REGISTRY[spec.vcov](fsFit, { clusters, ...(meat ? { meat } : {}) }), fsFit, small);
    const r = buildLinearResult({ spec: { ...spec, y: s.endogenous }, fit: fsFit, vcov: v, omitted: [], sample: { n_input: iv.n, dropped_missing: 0, dropped_singletons: 0, groups: {} }, warnings: [], timing: {} });
    const coefficients: CoefficientRow[] = small ? r.coefficients : normalInference(r.coefficients, level);
    const na = (reason: string) => ({ na: reason });
    return {
      endogenous: s.endogenous,
      coefficients,
      nobs: iv.n,
      r2: 1 - rss / fsFit.tss,
      partial_r2: s.partial_r2,
      shea_partial_r2: s.shea_partial_r2,
      f_stat: s.f_stat ?? na('the covariance of the excluded instruments\' coefficients is singular (too few clusters?)'),
      f_df1: s.f_df1,
      f_df2: s.f_df2,
      ...(s.f_p_value !== null ? { f_p_value: s.f_p_value } : {}),
      sw_f: s.sw_f ?? na('not computed: the other endogenous regressors\' fitted values are collinear'),
      sw_df1: s.sw_df1,
      ...(s.sw_p_value !== null ? { sw_p_value: s.sw_p_value } : {}),
      rmse: s.rmse,
    };
  });
}
