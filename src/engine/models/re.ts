// Random effects by feasible GLS with Swamy–Arora variance components, as Stata `xtreg, re`
// (Stata [XT] xtreg, Methods and formulas; Baltagi, Econometric Analysis of Panel Data, §2.3).
// Shapes: N observations in n panels (dense ids 0..n−1 from factorize), T_i observations in panel i;
// `_N` arrays per observation, `_G` arrays per panel; K slopes.
//
//   within:   ỹ = y − ȳ_i on x̃ = x − x̄_i (no constant) → σ_e² = SSR_w / (N − n − K_w),
//             K_w = slopes kept in the within fit (time-invariant regressors drop out)
//   between:  ȳ_i on (1, x̄_i), one row per panel → σ_u² = max(0, SSR_b/(n − K_b) − σ_e²/T̄),
//             K_b = coefficients kept (constant included), T̄ = n / Σ 1/T_i (harmonic mean)
//   GLS:      θ_i = 1 − √(σ_e² / (T_i σ_u² + σ_e²)); OLS of y − θ_i ȳ_i on (1 − θ_i, x − θ_i x̄_i)
//
// T̄ as the harmonic mean is Stata's default for unbalanced panels (linearmodels' RandomEffects
// reproduces it against Stata 13 on unbalanced data). plm's random.method = "swar" and Stata's
// `xtreg, re sa` use the Baltagi–Chang (1994) unbalanced formula for σ_u² instead; the two agree
// exactly on balanced panels, where T̄ = T.
//
// Covariance, as Stata: iid V = s²(X*'X*)⁻¹ with s² = RSS*/(N − K) of the GLS regression (= plm);
// vce(robust) is vce(cluster panel id), and cluster uses the registry's CR1 on the transformed data
// (G/(G−1)·(N−1)/(N−K), K including the constant; panels must nest in the clusters). Inference is
// z (normal), as xtreg, re reports; the slopes get a Wald χ²(K) instead of an F.
import { AppError } from '../../shared/errors.js';
import type { Diagnostic, EstimationResult, NotApplicable } from '../../shared/result.js';
import { INTERCEPT_TERM, type ModelSpec } from '../../shared/spec.js';
import { stopwatch } from '../clock.js';
import { VCOV_REGISTRY, type ClusterIds, type VcovEstimate } from '../covariance/index.js';
import { type Column, type ColumnSource, compress, factorize, numericColumn } from '../data.js';
import type { ProgressFn } from '../estimate.js';
import { isNested } from '../fe/dof.js';
import { COLLINEAR_WITH_FE, demean } from '../fe/demean.js';
import type { Factor } from '../fe/factors.js';
import { buildLinearResult, normalInference } from '../result.js';
import { refuseConstantOutcome, sampleMask } from '../sample.js';
import { chi2UpperP } from '../stats/distributions.js';
import { mundlakTest } from './hausman.js';
import type { LinearFit } from './linear-fit.js';
import { fitOls } from './ols.js';
import { corr2 } from './xtreg-stats.js';

/** As estimate.ts (reghdfe's collinear_tol): ‖x̃‖²/‖x‖² at or below this means x is time-invariant. */

export function estimateRe(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): EstimationResult {
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  const id = spec.panel?.id;
  if (!id) throw new AppError('INVALID_ARGUMENT', 'the random-effects estimator needs the panel id variable (panel.id)');
  if (spec.absorb.length > 0) throw new AppError('INVALID_ARGUMENT', 'random effects absorbs no fixed effects: remove the absorb terms, or use the fe or hdfe estimator');
  if (spec.options.intercept === false) throw new AppError('INVALID_ARGUMENT', 'random effects always estimates the constant (as Stata xtreg, re); intercept: false is not supported');
  const numeric = (name: string, role: string) => numericColumn(source, name, role);
  const yAll = numeric(spec.y, 'dependent variable');
  const xAll = spec.x.map((x) => numeric(x, 'regressor'));
  const clusterNames = spec.vcov === 'cluster' ? spec.cluster : [];
  const used: { name: string; column: Column }[] = [
    { name: spec.y, column: { kind: 'numeric', values: yAll } },
    ...spec.x.map((name, j) => ({ name, column: { kind: 'numeric', values: xAll[j] } as Column })),
    ...[...new Set([id, ...clusterNames])].map((name) => ({ name, column: source.get(name) })),
  ];
  const { mask, count: N } = sampleMask(source, used);
  const y = compress(yAll, mask, N);
  refuseConstantOutcome(y, N, spec.y);
  const X = xAll.map((c) => compress(c, mask, N));
  const panel: Factor = { name: id, ...factorize(source.get(id), mask, N) };
  const n = panel.groups;
  const ids = panel.ids;
  if (n < 2) throw new AppError('ESTIMATION', `only one panel: "${id}" takes a single value in the ${N} usable observations; random effects needs at least two panels (use ols)`);
  const T_G = new Float64Array(n);
  for (let i = 0; i < N; i++) T_G[ids[i]]++;
  let Tmin = Infinity;
  let Tmax = 0;
  let invSum = 0;
  for (let g = 0; g < n; g++) {
    Tmin = Math.min(Tmin, T_G[g]);
    Tmax = Math.max(Tmax, T_G[g]);
    invSum += 1 / T_G[g];
  }
  if (Tmax === 1) {
    throw new AppError('ESTIMATION', `every panel of "${id}" has a single observation (${n} panels, ${N} observations): σ_e needs repeated observations within panels, so random effects cannot be estimated (use ols)`);
  }
  const clusters = vcovClusters(spec, source, mask, N, panel);
  lap('prepare');

  // ---- variance components (Swamy–Arora)
  progress('estimate', 0.2);
  const { out, report } = demean([y, ...X], [panel]);
  if (!report.converged) throw new AppError('ESTIMATION', 'demeaning by the panel id did not converge');
  const [yW, ...XW] = out;
  const timeVarying: number[] = [];
  XW.forEach((xw, j) => {
    if (sumSq(xw) > COLLINEAR_WITH_FE * sumSq(X[j])) timeVarying.push(j);
  });
  let rssW = sumSq(yW);
  let withinKept: number[] = [];
  if (timeVarying.length > 0) {
    const w = fitOls({ y: yW, X: timeVarying.map((j) => XW[j]), names: timeVarying.map(String), intercept: false });
    rssW = w.fit.rss;
    withinKept = w.fit.terms.map(Number);
  }
  const dfW = N - n - withinKept.length;
  if (dfW <= 0) {
    throw new AppError('ESTIMATION', `not enough within-panel variation: ${N} observations in ${n} panels with ${withinKept.length} time-varying regressors leave ${dfW} degrees of freedom for σ_e`);
  }
  const sigma2e = rssW / dfW;
  if (!(sigma2e > 0)) throw new AppError('ESTIMATION', 'the within regression fits exactly (σ_e = 0); random effects is not defined');

  const yBar_G = groupMeans(y, ids, T_G);
  const XBar_G = X.map((c) => groupMeans(c, ids, T_G));
  const between = fitOls({ y: yBar_G, X: XBar_G, names: spec.x, intercept: true }).fit;
  const dfB = n - between.k;
  if (dfB <= 0) {
    throw new AppError('ESTIMATION', `the between regression on the ${n} panel means has ${between.k} coefficients: random effects needs more panels than regressors + 1`);
  }
  const Tbar = Tmin === Tmax ? Tmin : n / invSum;
  const sigma2uRaw = between.rss / dfB - sigma2e / Tbar;
  const sigma2u = Math.max(0, sigma2uRaw);
  const theta_G = Float64Array.from(T_G, (t) => 1 - Math.sqrt(sigma2e / (t * sigma2u + sigma2e)));
  lap('variance_components');

  // ---- GLS on the quasi-demeaned data
  progress('estimate', 0.5);
  const yS = new Float64Array(N);
  const cons = new Float64Array(N);
  const XS = X.map(() => new Float64Array(N));
  for (let i = 0; i < N; i++) {
    const g = ids[i];
    const th = theta_G[g];
    yS[i] = y[i] - th * yBar_G[g];
    cons[i] = 1 - th;
    for (let j = 0; j < X.length; j++) XS[j][i] = X[j][i] - th * XBar_G[j][g];
  }
  const glsNames = [INTERCEPT_TERM, ...spec.x];
  const gls = fitOls({ y: yS, X: [cons, ...XS], names: glsNames, intercept: false });
  const fit = gls.fit;
  fit.hasIntercept = fit.terms[0] === INTERCEPT_TERM;
  fit.interceptIndex = fit.hasIntercept ? 0 : -1;
  if (fit.k === 0) throw new AppError('ESTIMATION', 'every regressor was dropped as collinear (or constant); nothing to estimate');
  if (fit.n <= fit.k) throw new AppError('ESTIMATION', `not enough observations: ${fit.n} observations for ${fit.k} coefficients`);
  if (!Number.isFinite(fit.rss)) throw new AppError('ESTIMATION', 'the estimation produced non-finite values; check the data for extreme magnitudes');
  lap('estimate');

  progress('covariance', 0.7);
  const vcov = reVcov(spec, fit, clusters);
  lap('covariance');

  progress('result', 0.85);
  const warnings: string[] = [];
  if (sigma2uRaw < 0) {
    warnings.push(`the Swamy–Arora estimate of σ_u² is negative (${sigma2uRaw.toPrecision(4)}); set to 0 as Stata does, so θ = 0 and the estimates are pooled OLS`);
  }
  const mundlakCluster = clusters[0];
  const diagnostics: Diagnostic[] = [
    mundlakTest({
      ys: yS,
      columns: [cons, ...XS],
      names: glsNames,
      means: withinKept.map((j) => Float64Array.from(ids, (g) => (1 - theta_G[g]) * XBar_G[j][g])),
      meanNames: withinKept.map((j) => `\u0000mean:${spec.x[j]}`),
      cluster: mundlakCluster,
    }),
  ];
  const result = buildLinearResult({
    spec,
    fit,
    vcov,
    omitted: gls.omitted,
    sample: { n_input: source.nrows, dropped_missing: source.nrows - N, dropped_singletons: 0, groups: { [id]: n, ...Object.fromEntries(clusters.filter((c) => c.variable !== id).map((c) => [c.variable, c.groups])) } },
    warnings,
    timing,
    diagnostics,
  });

  // z statistics, normal p-values and CIs (xtreg, re reports z)
  const level = spec.options.level ?? 0.95;
  result.coefficients = normalInference(result.coefficients, level);
  // Proposed contract field (see the report): which reference distribution the statistics use.
  result.vcov.distribution = 'normal';

  // Stata xtreg, re fit statistics: squared correlations with the RE slopes b (no constant).
  const b = new Map(fit.terms.map((t, j) => [t, fit.beta[j]]));
  const slopes = spec.x.map((name) => b.get(name) ?? 0);
  const xb_N = new Float64Array(N);
  const xbW_N = new Float64Array(N);
  const xbBar_G = new Float64Array(n);
  spec.x.forEach((_, j) => {
    const bj = slopes[j];
    if (bj === 0) return;
    for (let i = 0; i < N; i++) xb_N[i] += bj * X[j][i];
    if (timeVarying.includes(j)) for (let i = 0; i < N; i++) xbW_N[i] += bj * XW[j][i];
    for (let g = 0; g < n; g++) xbBar_G[g] += bj * XBar_G[j][g];
  });
  const noSlopes: NotApplicable = { na: 'no regressors besides the constant' };
  const anySlope = slopes.some((v) => v !== 0);
  const r2o = anySlope ? corr2(xb_N, y) : noSlopes;
  const { f_stat: fStat, f_df1: q } = result.fit;
  const wald: number | NotApplicable = typeof fStat === 'number' ? fStat * (q ?? 0) : fStat;
  const { f_df1: _1, f_df2: _2, f_p_value: _3, ...fitRest } = result.fit;
  const na = (reason: string): NotApplicable => ({ na: reason });
  const sortedTheta = Array.from(theta_G).sort((a, c) => a - c);
  const balanced = Tmin === Tmax;
  result.fit = {
    ...fitRest,
    // e(r2_o): Stata's headline R² for xtreg, re is the overall one.
    r2: typeof r2o === 'number' ? r2o : na(r2o.na),
    adj_r2: na('xtreg, re reports no adjusted R²'),
    r2_kind: 'centered',
    loglik: na('GLS random effects has no likelihood (use the mle estimator)'),
    f_stat: { na: 'random effects reports the Wald χ² of the slopes (wald_chi2), not an F' },
    wald_chi2: wald,
    ...(typeof wald === 'number' && q !== undefined ? { wald_df: q, wald_p_value: chi2UpperP(wald, q) } : {}),
    r2_within: timeVarying.some((j) => slopes[j] !== 0) ? corr2(xbW_N, yW) : { na: 'no time-varying regressor' },
    r2_between: anySlope ? corr2(xbBar_G, yBar_G) : noSlopes,
    r2_overall: r2o,
    sigma_u: Math.sqrt(sigma2u),
    sigma_e: Math.sqrt(sigma2e),
    rho: sigma2u / (sigma2u + sigma2e),
    theta: balanced ? theta_G[0] : { na: 'unbalanced panel: θ_i differs by panel (see theta_min … theta_max)' },
    theta_min: sortedTheta[0],
    theta_p5: percentile(sortedTheta, 5),
    theta_p50: percentile(sortedTheta, 50),
    theta_p95: percentile(sortedTheta, 95),
    theta_max: sortedTheta[n - 1],
    n_groups: n,
    t_min: Tmin,
    t_avg: N / n,
    t_max: Tmax,
    t_bar: Tbar,
    df_within: dfW,
    df_between: dfB,
    re_method: 'Swamy–Arora, T̄ = harmonic mean of T_i (Stata xtreg, re); rmse and rss are those of the GLS regression',
  };
  lap('result');
  progress('result', 1);
  return result;
}

/** The cluster ids the covariance (and the Mundlak test) use: the panel id unless clustered. */
function vcovClusters(spec: ModelSpec, source: ColumnSource, mask: Uint8Array, N: number, panel: Factor): ClusterIds[] {
  const byPanel: ClusterIds = { variable: panel.name, ids: panel.ids, groups: panel.groups };
  if (spec.vcov !== 'cluster') return [byPanel];
  if (spec.cluster.length !== 1) throw new AppError('INVALID_ARGUMENT', `random effects clusters on exactly one variable; got ${spec.cluster.length}`);
  const name = spec.cluster[0];
  if (name === panel.name) return [byPanel];
  const c: ClusterIds = { variable: name, ...factorize(source.get(name), mask, N) };
  if (!isNested(panel, c)) {
    throw new AppError('ESTIMATION', `panels of "${panel.name}" are not nested within clusters of "${name}": some panel spans several clusters, which xtreg, re vce(cluster) does not allow`);
  }
  return [c];
}

function reVcov(spec: ModelSpec, fit: LinearFit, clusters: ClusterIds[]): VcovEstimate {
  const z = 'z statistics with normal p-values and confidence intervals, as Stata xtreg, re (dof is not used for inference)';
  if (spec.vcov === 'iid') {
    const v = VCOV_REGISTRY.iid(fit, { clusters: [] });
    return { ...v, convention: `xtreg, re (Swamy–Arora GLS): V = s²(X*'X*)⁻¹ on the quasi-demeaned data, s² = RSS*/(N−K), K including the constant (= plm); ${z}` };
  }
  if (spec.vcov !== 'robust' && spec.vcov !== 'cluster') throw new AppError('INVALID_ARGUMENT', `random effects supports vcov iid, robust or cluster, not "${spec.vcov as string}"`);
  const v = VCOV_REGISTRY.cluster(fit, { clusters });
  const robustNote = spec.vcov === 'robust' ? '; vce(robust) clusters by the panel id, as Stata xtreg, re' : '';
  return {
    ...v,
    convention: `xtreg, re vce(cluster ${clusters[0].variable}): CR1 = G/(G−1)·(N−1)/(N−K) · (X*'X*)⁻¹ Σ_g X*_g'e*_g e*_g'X*_g (X*'X*)⁻¹ on the quasi-demeaned data, K including the constant${robustNote}; ${z}`,
  };
}

function groupMeans(v: Float64Array, ids: Int32Array, T_G: Float64Array): Float64Array {
  const m = new Float64Array(T_G.length);
  for (let i = 0; i < v.length; i++) m[ids[i]] += v[i];
  for (let g = 0; g < m.length; g++) m[g] /= T_G[g];
  return m;
}

function sumSq(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

/** Stata's `summarize, detail` percentile of sorted values (average of two at exact positions). */
function percentile(sorted: number[], p: number): number {
  const pos = (sorted.length * p) / 100;
  const h = Math.floor(pos);
  if (h === pos) return h === 0 ? sorted[0] : h >= sorted.length ? sorted[sorted.length - 1] : (sorted[h - 1] + sorted[h]) / 2;
  return sorted[Math.min(sorted.length, Math.ceil(pos)) - 1];
}

