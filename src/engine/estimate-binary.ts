// The `logit` and `probit` estimators end to end, as Stata's commands: sample (complete cases) →
// outcome check (0/1, both values present) → collinear regressors dropped (in-order QR, as _rmcoll)
// → indicator regressors that predict the outcome perfectly dropped with their observations →
// Newton–Raphson (models/binary.ts) → separation check → covariance (oim / robust / cluster, Stata's
// ML scalings) → z tests, LR or Wald χ² of the slopes, McFadden pseudo-R² (e(r2_p)) →
// marginal effects (margins, dydx(*) and dydx(*) atmeans) with delta-method SEs.
import { AppError } from '../shared/errors.js';
import type { CoefficientRow, EstimationResult, FitStats, MarginalEffectRow, MarginsResult, NotApplicable } from '../shared/result.js';
import { INTERCEPT_TERM, type ModelSpec } from '../shared/spec.js';
import { stopwatch } from './clock.js';
import { type Column, type ColumnSource, compress, numericColumn } from './data.js';
import type { ProgressFn } from './estimate.js';
import { invertSpdScaled, quadForm, subMatrix } from './linalg/small.js';
import { type BinaryFit, type BinaryLink, binaryVcov, collinearColumns, fitBinary, linkDensity, nullLoglik, screenPerfectPrediction } from './models/binary.js';
import { normalInference } from './result.js';
import { clusterIdsFor, sampleMask } from './sample.js';
import { chi2UpperP, normalCdf, normalQuantile } from './stats/distributions.js';
import { ENGINE_VERSION } from './version.js';

/** A fitted binary model on its estimation rows, with what was dropped on the way. */
export interface PreparedBinary {
  fit: BinaryFit;
  /** Names of the fitted columns (the intercept first when present). */
  terms: string[];
  /** The fitted design columns, compressed to the estimation rows. */
  X: Float64Array[];
  y: Float64Array;
  interceptIndex: number;
  /** Rows of the input (of length n_in) used in the fit, or null when all were. */
  keep: Uint8Array | null;
  droppedRows: number;
  omitted: { term: string; reason: string }[];
  warnings: string[];
  ll0: number;
}

/** Above this |β_j|·sd(x_j) with completely determined observations, we call it separation. */
const SEPARATION_SCALE = 10;

/**
 * Validate the outcome, drop collinear and perfectly predicting regressors, fit, and check for
 * separation. `y` and `X` are already restricted to complete cases (length ≥ n).
 */
export function prepareBinary(y: Float64Array, X: Float64Array[], names: string[], n: number, link: BinaryLink, intercept: boolean, yName: string): PreparedBinary {
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) {
      throw new AppError('BAD_DATA', `the outcome "${yName}" of a ${link} model must be 0 or 1, but it takes the value ${v} (estimation-sample row ${i + 1}); recode it (e.g. ${yName} > 0) first`);
    }
  }
  checkVaries(y, n, yName, link);
  const warnings: string[] = [];
  const omitted: { term: string; reason: string }[] = [];
  // perfect prediction by an indicator regressor (Stata drops the variable and the observations)
  const screen = screenPerfectPrediction(y, X, names, n);
  let cols = X;
  let colNames = names;
  let yy = y;
  let m = n;
  let keep: Uint8Array | null = null;
  if (screen.dropped.length > 0) {
    const gone = new Set(screen.dropped.map((d) => d.index));
    for (const d of screen.dropped) {
      warnings.push(d.note);
      omitted.push({ term: names[d.index], reason: 'predicts the outcome perfectly' });
    }
    keep = screen.keep;
    m = n - screen.droppedRows;
    if (m === 0) throw new AppError('ESTIMATION', 'no observations remain after dropping those an indicator predicts perfectly');
    cols = X.filter((_, j) => !gone.has(j)).map((c) => compress(c, screen.keep, m));
    colNames = names.filter((_, j) => !gone.has(j));
    yy = compress(y, screen.keep, m);
    checkVaries(yy, m, yName, link);
  }
  // collinear regressors: dropped in order, as Stata's _rmcoll
  const design = intercept ? [new Float64Array(m).fill(1), ...cols.map((c) => c.subarray(0, m))] : cols.map((c) => c.subarray(0, m));
  const designNames = intercept ? [INTERCEPT_TERM, ...colNames] : [...colNames];
  const qr = collinearColumns(design, m);
  for (const j of qr.dropped) {
    omitted.push({ term: designNames[j], reason: 'collinear' });
    warnings.push(`${designNames[j]} omitted because of collinearity`);
  }
  const kept = qr.kept;
  const Xf = kept.map((j) => design[j]);
  const terms = kept.map((j) => designNames[j]);
  if (Xf.length === 0) throw new AppError('ESTIMATION', 'every regressor was dropped; nothing to estimate');
  const interceptIndex = terms.indexOf(INTERCEPT_TERM);
  const fit = fitBinary({ y: yy, X: Xf, n: m, link }, interceptIndex);
  const ll0 = intercept ? nullLoglik(yy, m) : m * Math.log(0.5);
  separationCheck(fit, Xf, terms, yy, interceptIndex, link);
  if (!fit.converged) throw new AppError('ESTIMATION', `the ${link} likelihood did not converge in ${fit.iterations} iterations; check the regressors for separation or extreme scales`);
  const determined = countDetermined(fit, yy);
  if (determined.failures + determined.successes > 0) {
    warnings.push(`Note: ${determined.failures} failures and ${determined.successes} successes completely determined.`);
  }
  return { fit, terms, X: Xf, y: yy, interceptIndex, keep, droppedRows: n - m, omitted, warnings, ll0 };
}

function checkVaries(y: Float64Array, n: number, yName: string, link: string): void {
  let ones = 0;
  for (let i = 0; i < n; i++) ones += y[i];
  if (ones === 0 || ones === n) {
    throw new AppError('BAD_DATA', `outcome "${yName}" does not vary: it is ${ones === 0 ? 0 : 1} in all ${n} observations of the estimation sample; a ${link} model needs both outcomes`);
  }
}

/** Fitted probabilities within 1e-10 of 0 or 1 (Stata: "completely determined"). */
function countDetermined(fit: BinaryFit, y: Float64Array): { failures: number; successes: number } {
  let failures = 0;
  let successes = 0;
  const lim = fit.link === 'logit' ? 23.03 : 6.36; // P < 1e-10 or > 1 − 1e-10
  for (let i = 0; i < fit.n; i++) {
    if (Math.abs(fit.xb[i]) > lim) {
      if (y[i] > 0.5) successes++;
      else failures++;
    }
  }
  return { failures, successes };
}

/** Complete or quasi-complete separation by a continuous regressor: a clear error naming it. */
function separationCheck(fit: BinaryFit, X: Float64Array[], terms: string[], y: Float64Array, interceptIndex: number, link: string): void {
  const det = countDetermined(fit, y);
  if (det.failures + det.successes === 0 && fit.converged) return;
  // the regressor whose coefficient, in standard deviations of the regressor, is largest
  let worst = -1;
  let worstScale = 0;
  for (let j = 0; j < X.length; j++) {
    if (j === interceptIndex) continue;
    const c = X[j];
    let s = 0;
    let ss = 0;
    for (let i = 0; i < fit.n; i++) {
      s += c[i];
      ss += c[i] * c[i];
    }
    const mean = s / fit.n;
    const sd = Math.sqrt(Math.max(ss / fit.n - mean * mean, 0));
    const scale = Math.abs(fit.beta[j]) * sd;
    if (scale > worstScale) {
      worstScale = scale;
      worst = j;
    }
  }
  const complete = fit.loglik > -1e-6;
  // not converged, nothing determined, no coefficient running off: plain non-convergence (the caller says so)
  if (worst < 0 || (!complete && worstScale < SEPARATION_SCALE && (fit.converged || det.failures + det.successes === 0))) return;
  const name = terms[worst];
  if (complete) {
    throw new AppError('ESTIMATION', `outcome = f(${name}) predicts data perfectly: the ${link} estimates do not exist (complete separation); ${name} (with the other regressors) separates the 0 and 1 outcomes — drop it or use a penalised model`);
  }
  throw new AppError('ESTIMATION', `quasi-complete separation: ${name} predicts the outcome perfectly for ${det.failures + det.successes} observations (its coefficient diverges); drop ${name}, merge its extreme categories or remove the perfectly predicted observations`);
}

export function estimateBinary(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): EstimationResult {
  const { timing, lap } = stopwatch();
  const link: BinaryLink = spec.estimator === 'probit' ? 'probit' : 'logit';
  progress('prepare', 0);
  const yAll = numericColumn(source, spec.y, 'dependent variable');
  const xAll = spec.x.map((x) => numericColumn(source, x, 'regressor'));
  const clusterNames = spec.vcov === 'cluster' ? spec.cluster : [];
  if (spec.vcov === 'cluster' && clusterNames.length !== 1) {
    throw new AppError('INVALID_ARGUMENT', `${link}: clustered standard errors need exactly one cluster variable (got ${clusterNames.length})`);
  }
  const used: { name: string; column: Column }[] = [
    { name: spec.y, column: { kind: 'numeric', values: yAll } },
    ...spec.x.map((name, j) => ({ name, column: { kind: 'numeric', values: xAll[j] } as Column })),
    ...clusterNames.map((name) => ({ name, column: source.get(name) })),
  ];
  const { mask, count } = sampleMask(source, used);
  const y = compress(yAll, mask, count);
  const X = xAll.map((c) => compress(c, mask, count));
  lap('prepare');
  progress('estimate', 0.2);
  const prep = prepareBinary(y, X, spec.x, count, link, spec.options.intercept !== false, spec.y);
  lap('estimate');
  progress('covariance', 0.7);
  const { fit, terms, interceptIndex } = prep;
  const n = fit.n;
  const k = fit.k;
  const clusters = clusterIdsFor(clusterNames, [], source, mask, count, prep.keep, n);
  if (clusters[0] && clusters[0].groups < 2) throw new AppError('ESTIMATION', `cluster variable "${clusters[0].variable}" has only ${clusters[0].groups} cluster in the estimation sample; clustered standard errors need at least 2`);
  const vc = binaryVcov(fit, prep.X, spec.vcov, clusters[0]);
  lap('covariance');
  progress('result', 0.85);
  const level = spec.options.level ?? 0.95;
  const rows: CoefficientRow[] = terms.map((term, j) => {
    const se = Math.sqrt(vc.V[j * k + j]);
    return { term, estimate: fit.beta[j], std_error: se, statistic: fit.beta[j] / se, p_value: 0, conf_low: 0, conf_high: 0 };
  });
  const coefficients = normalInference(rows, level);
  const vcovMatrix: number[][] = [];
  for (let i = 0; i < k; i++) vcovMatrix.push(Array.from(vc.V.subarray(i * k, (i + 1) * k)));
  const slopes = terms.map((_, j) => j).filter((j) => j !== interceptIndex);
  const chi2 = modelChi2(spec.vcov === 'iid', fit, prep.ll0, vc.V, slopes, clusters[0]?.groups);
  const G = clusters[0]?.groups;
  const fitStats: FitStats = {
    r2: { na: 'not defined for a binary-outcome model; see r2_p (McFadden pseudo-R²)' },
    adj_r2: { na: 'not defined for a binary-outcome model' },
    r2_kind: 'centered',
    rmse: Number.NaN,
    rss: Number.NaN,
    loglik: fit.loglik,
    ll_0: prep.ll0,
    r2_p: 1 - fit.loglik / prep.ll0,
    df_model: slopes.length,
    df_resid: n - k,
    f_stat: { na: `maximum-likelihood model: see chi2 (${chi2.kind})` },
    ...chi2.stats,
    aic: -2 * fit.loglik + 2 * k,
    bic: -2 * fit.loglik + k * Math.log(n),
    iterations: fit.iterations,
  };
  const margins = computeMargins(fit, prep.X, terms, interceptIndex, vc.V, level);
  const convention = `${vc.convention}; z tests (normal distribution)`;
  const out: EstimationResult = {
    estimator: spec.estimator,
    spec,
    engineVersion: ENGINE_VERSION,
    nobs: n,
    coefficients,
    omitted: prep.omitted,
    vcov: {
      type: spec.vcov,
      clusters: clusters.map((c) => ({ variable: c.variable, groups: c.groups })),
      convention,
      dof: spec.vcov === 'cluster' && G ? G - 1 : n - k,
      small_sample_factor: vc.factor,
      distribution: 'normal',
    },
    vcov_matrix: vcovMatrix,
    fit: fitStats,
    diagnostics: [],
    sample: { n_input: source.nrows, dropped_missing: source.nrows - count, dropped_singletons: prep.droppedRows, groups: Object.fromEntries(clusters.map((c) => [c.variable, c.groups])) },
    fixed_effects: [],
    margins,
    warnings: prep.warnings,
    timing_ms: timing,
  };
  if (prep.droppedRows > 0) out.warnings.push(`${prep.droppedRows} observations perfectly predicted were not used (counted in sample.dropped_singletons)`);
  lap('result');
  progress('result', 1);
  return out;
}

/** LR χ² (iid, as Stata's `logit`) or Wald χ² (robust / cluster) of all slopes = 0. */
function modelChi2(lr: boolean, fit: BinaryFit, ll0: number, V: Float64Array, slopes: number[], groups?: number): { kind: string; stats: Record<string, number | string | NotApplicable> } {
  const q = slopes.length;
  if (q === 0) return { kind: 'none', stats: { chi2: { na: 'no regressors besides the intercept' } } };
  if (lr) {
    const chi2 = 2 * (fit.loglik - ll0);
    return { kind: 'LR', stats: { chi2, chi2_df: q, chi2_p: chi2UpperP(chi2, q), chi2_type: 'LR' } };
  }
  if (groups !== undefined && q > groups - 1) {
    return { kind: 'Wald', stats: { chi2: { na: `${q} restrictions but only ${groups} clusters: the Wald test is not available (Stata reports it as missing)` }, chi2_type: 'Wald' } };
  }
  const Vs = subMatrix(V, fit.k, slopes);
  const Vi = invertSpdScaled(Vs, q);
  if (!Vi) return { kind: 'Wald', stats: { chi2: { na: 'the covariance of the slopes is not of full rank' }, chi2_type: 'Wald' } };
  const b = Float64Array.from(slopes, (j) => fit.beta[j]);
  const chi2 = quadForm(Vi, b, q);
  return { kind: 'Wald', stats: { chi2, chi2_df: q, chi2_p: chi2UpperP(chi2, q), chi2_type: 'Wald' } };
}

/**
 * AME_j = (1/n) Σᵢ f(xᵢ'β) β_j and MEM_j = f(x̄'β) β_j with f the link density; gradients
 * ∂AME_j/∂β_m = (1/n) Σᵢ [f(xᵢ'β)·1{j=m} + β_j f'(xᵢ'β) x_im] (likewise at x̄), V = G V_β G'.
 */
export function computeMargins(fit: BinaryFit, X: Float64Array[], terms: string[], interceptIndex: number, V: Float64Array, level: number): MarginsResult {
  const { n, k, beta, link } = fit;
  // averages of f and f'·x_m over the sample
  let fBar = 0;
  const dfx = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const { f, df } = linkDensity(link, fit.xb[i]);
    fBar += f;
    for (let m = 0; m < k; m++) dfx[m] += df * X[m][i];
  }
  fBar /= n;
  for (let m = 0; m < k; m++) dfx[m] /= n;
  const means = new Float64Array(k);
  for (let m = 0; m < k; m++) {
    let s = 0;
    const c = X[m];
    for (let i = 0; i < n; i++) s += c[i];
    means[m] = s / n;
  }
  let xbBar = 0;
  for (let m = 0; m < k; m++) xbBar += beta[m] * means[m];
  const atMean = linkDensity(link, xbBar);
  const z = normalQuantile(1 - (1 - level) / 2);
  const se = (grad: Float64Array) => {
    let s = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += grad[a] * V[a * k + b] * grad[b];
    return Math.sqrt(Math.max(s, 0));
  };
  const rows: MarginalEffectRow[] = [];
  for (let j = 0; j < k; j++) {
    if (j === interceptIndex) continue;
    const ga = new Float64Array(k);
    const gm = new Float64Array(k);
    for (let m = 0; m < k; m++) {
      ga[m] = beta[j] * dfx[m] + (m === j ? fBar : 0);
      gm[m] = beta[j] * atMean.df * means[m] + (m === j ? atMean.f : 0);
    }
    const ame = fBar * beta[j];
    const mem = atMean.f * beta[j];
    const aSe = se(ga);
    const mSe = se(gm);
    rows.push({
      term: terms[j],
      ame,
      ame_se: aSe,
      ame_z: ame / aSe,
      ame_p: 2 * normalCdf(-Math.abs(ame / aSe)),
      ame_conf_low: ame - z * aSe,
      ame_conf_high: ame + z * aSe,
      mem,
      mem_se: mSe,
      mem_z: mem / mSe,
      mem_p: 2 * normalCdf(-Math.abs(mem / mSe)),
      mem_conf_low: mem - z * mSe,
      mem_conf_high: mem + z * mSe,
    });
  }
  const at_means: Record<string, number> = {};
  terms.forEach((t, m) => {
    if (m !== interceptIndex) at_means[t] = means[m];
  });
  return { rows, at_means, note: `Stata margins, dydx(*) (AME) and dydx(*) atmeans (MEM): derivatives of Pr(${link === 'logit' ? 'logistic' : 'normal'}) for every regressor (0/1 regressors as continuous), delta-method SEs from the model's covariance` };
}
