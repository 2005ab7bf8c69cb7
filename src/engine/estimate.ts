// The engine's single entry point: spec + columns in, result out, with progress by stage.
// Stages: prepare (listwise deletion, factors, singletons, cluster ids) → estimate (demean + solve)
// → covariance → result. OLS, one-way FE and HDFE share this path: FE models demean y and X with
// the kernel in fe/demean.ts and solve the demeaned system without an intercept.
import { AppError } from '../shared/errors.js';
import type { EstimationResult, FixedEffectInfo } from '../shared/result.js';
import { canonicalJson, type ModelSpec } from '../shared/spec.js';
import type { JobStage } from '../shared/types.js';
import { stopwatch } from './clock.js';
import { VCOV_REGISTRY } from './covariance/index.js';
import { type Column, type ColumnSource, type ValueRange, compress, compressInPlace, keptRuns, numericColumn } from './data.js';
import { absorbFactors, clusterIdsFor, fixedEffectsDof, refuseConstantOutcome, sampleMask } from './sample.js';
import { COLLINEAR_WITH_FE, demean } from './fe/demean.js';
import { absorbedDof } from './fe/dof.js';
import type { Factor } from './fe/factors.js';
import type { LinearFit } from './models/linear-fit.js';
import { fitOls } from './models/ols.js';
import { centeredSumSquares } from './linalg/vector.js';
import { xtregFeStats } from './models/xtreg-stats.js';
import { estimateRe } from './models/re.js';
import { hausman } from './models/hausman.js';
import type { Diagnostic } from '../shared/result.js';
import { buildLinearResult } from './result.js';
import { estimateIv } from './estimate-iv.js';
import { estimateGmm } from './estimate-gmm.js';
import { type RestrictedSource, restrictSample } from './sample-if.js';
import { estimateBinary } from './estimate-binary.js';
import { estimatePsm } from './estimate-psm.js';
import { estimateSfa } from './estimate-sfa.js';
import { estimateTfp } from './estimate-tfp.js';


export type ProgressFn = (stage: JobStage, fraction: number) => void;

/** The absorb terms of a spec: `fe` absorbs the panel id, `hdfe` its absorb list, OLS none. */
export function absorbTerms(spec: ModelSpec): string[] {
  if (spec.estimator === 'fe') {
    if (!spec.panel) throw new AppError('INVALID_ARGUMENT', 'the fixed-effects (within) estimator needs the panel id variable');
    return [spec.panel.id];
  }
  return spec.estimator === 'hdfe' ? spec.absorb : [];
}

/** What a fit leaves for later covariance requests: everything except the SE type. */
export interface PreparedFit {
  key: string;
  mask: Uint8Array;
  count: number;
  /** Rows kept after singleton removal (relative to the masked sample), or null if none dropped. */
  keep: Uint8Array | null;
  droppedSingletons: number;
  fit: LinearFit;
  omitted: string[];
  warnings: string[];
  factors: Factor[];
  diagnostics: Diagnostic[];
  extraFit: Record<string, number>;
}

/**
 * Keeps the last fit so that changing only the standard errors (iid ↔ robust ↔ cluster, or another
 * cluster variable that leaves the sample unchanged) recomputes the covariance from the stored fit
 * without re-demeaning (STYLE.md: "changing only the SE type recomputes without refitting").
 */
export class FitCache {
  private last: PreparedFit | null = null;
  get(key: string, mask: Uint8Array): PreparedFit | null {
    const e = this.last;
    if (!e || e.key !== key || e.mask.length !== mask.length) return null;
    for (let i = 0; i < mask.length; i++) if (e.mask[i] !== mask[i]) return null;
    return e;
  }
  set(entry: PreparedFit): void {
    this.last = entry;
  }
}

/** The parts of a spec that determine the fit (not the covariance). */
function fitKey(spec: ModelSpec, scope: string): string {
  const { level: _level, ...options } = spec.options;
  return canonicalJson({ scope, estimator: spec.estimator, y: spec.y, x: spec.x, absorb: spec.absorb, panel: spec.panel ?? null, options });
}

export function estimate(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}, cache?: { store: FitCache; scope: string }): EstimationResult {
  const restricted = restrictSample(spec, source);
  if (!restricted) return refuseNonFinite(estimateOn(spec, source, progress, cache));
  return noteRestriction(refuseNonFinite(estimateOn(spec, restricted.source, progress, cache)), restricted, source.nrows);
}

/**
 * The last line of defence (issue 12): a coefficient row whose estimate, standard error, statistic,
 * p-value or confidence bound is NaN or ±∞ is never handed out as a result. Each estimator refuses
 * the causes it knows with its own message first (constant outcome, separation, one cluster, ±∞
 * in the data); this names the terms when something slipped through.
 */
export function refuseNonFinite(result: EstimationResult): EstimationResult {
  const bad = result.coefficients.filter((c) => ![c.estimate, c.std_error, c.statistic, c.p_value, c.conf_low, c.conf_high].every(Number.isFinite)).map((c) => c.term);
  if (bad.length === 0) return result;
  const list = bad.length > 5 ? `${bad.slice(0, 5).join(', ')} and ${bad.length - 5} more` : bad.join(', ');
  throw new AppError(
    'ESTIMATION',
    `the ${result.estimator} estimates of ${list} are not finite numbers (an overflow, a zero standard error or a degenerate fit): no result is reported; check for a constant or perfectly fitted outcome and for variables of extreme magnitude (rescale them)`,
  );
}

/** States the `if` restriction in the result (the rows it removed count as dropped). */
export function noteRestriction(result: EstimationResult, r: RestrictedSource, nrows: number): EstimationResult {
  result.sample.excluded_by_if = nrows - r.kept;
  result.warnings = [`sample restricted to rows where ${r.condition}: ${r.kept} of ${nrows} rows`, ...r.warnings.map((w) => `sample restriction: ${w}`), ...result.warnings];
  return result;
}

function estimateOn(spec: ModelSpec, source: ColumnSource, progress: ProgressFn, cache?: { store: FitCache; scope: string }): EstimationResult {
  if (spec.estimator === 're') return estimateReWithHausman(spec, source, progress);
  if (spec.estimator === 'iv') return estimateIv(spec, source, progress);
  if (spec.estimator === 'gmm') return estimateGmm(spec, source, progress);
  if (spec.estimator === 'logit' || spec.estimator === 'probit') return estimateBinary(spec, source, progress);
  // psm through estimate(): the result only; the worker takes the matching weights too (estimatePsm)
  if (spec.estimator === 'psm') return estimatePsm(spec, source, progress).result;
  // sfa: likewise, the worker also takes the efficiency scores (_te_bc, _u_jlms)
  if (spec.estimator === 'sfa') return estimateSfa(spec, source, progress).result;
  // tfp: likewise, the worker also takes log TFP (_ltfp)
  if (spec.estimator === 'tfp') return estimateTfp(spec, source, progress).result;
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  const numeric = (name: string, role: string) => numericColumn(source, name, role);
  const absorb = absorbTerms(spec);
  const yAll = numeric(spec.y, 'dependent variable');
  const xAll = spec.x.map((x) => numeric(x, 'regressor'));
  const clusterNames = spec.vcov === 'cluster' ? spec.cluster : [];
  const absorbVars = [...new Set(absorb.flatMap((a) => a.split('#')))];
  const used: { name: string; column: Column }[] = [
    { name: spec.y, column: { kind: 'numeric', values: yAll } },
    ...spec.x.map((name, j) => ({ name, column: { kind: 'numeric', values: xAll[j] } as Column })),
    ...[...new Set([...clusterNames, ...absorbVars])].map((name) => ({ name, column: source.get(name) })),
  ];
  const { mask, count, ranges } = sampleMask(source, used, new Set([...clusterNames, ...absorbVars]));
  const key = fitKey(spec, cache?.scope ?? '');
  let prepared = cache?.store.get(key, mask) ?? null;
  const reused = prepared !== null;
  if (!prepared) {
    prepared = prepareFit(spec, source, absorb, xAll, yAll, mask, count, ranges, key, lap, progress);
    cache?.store.set(prepared);
  }
  const { fit: baseFit, factors, keep, droppedSingletons } = prepared;
  const n = baseFit.n;
  const clusters = clusterIdsFor(clusterNames, factors, source, mask, count, keep, n);
  // Absorbed degrees of freedom depend on the cluster variables (FE nested in them count none).
  let fit = baseFit;
  let fixedEffects: FixedEffectInfo[] = [];
  if (factors.length > 0) {
    const d = fixedEffectsDof(factors, clusters);
    fixedEffects = d.fixedEffects;
    const { dfA, dfNested, anyNested } = d;
    const dfM = fit.k - (fit.hasIntercept ? 1 : 0);
    // reghdfe counts the constant inside df_a (the first FE keeps all its levels) unless a FE is
    // nested in the cluster variable, where it adds it back (nested_adj); we estimate it in X.
    fit = { ...baseFit, kAbsorbed: dfA + (anyNested ? 1 : 0) - (fit.hasIntercept ? 1 : 0), dfStats: n - dfA - dfM - dfNested };
  }
  if (fit.n <= fit.k + fit.kAbsorbed) {
    throw new AppError('ESTIMATION', `not enough observations: ${fit.n} observations for ${fit.k + fit.kAbsorbed} parameters (including absorbed fixed effects); need more observations than parameters`);
  }
  const groups: Record<string, number> = {};
  for (const f of factors) groups[f.name] = f.groups;
  for (const c of clusters) groups[c.variable] = c.groups;
  if (reused) timing.reused_fit = 1;
  lap(reused ? 'prepare' : 'clusters');

  progress('covariance', 0.7);
  const vcov = VCOV_REGISTRY[spec.vcov](fit, { clusters });
  lap('covariance');

  progress('result', 0.9);
  const out = buildLinearResult({
    spec,
    fit,
    vcov,
    omitted: prepared.omitted,
    sample: { n_input: source.nrows, dropped_missing: source.nrows - count, dropped_singletons: droppedSingletons, groups },
    warnings: [...prepared.warnings],
    timing,
    fixedEffects,
    diagnostics: prepared.diagnostics,
    extraFit: prepared.extraFit,
  });
  lap('result');
  progress('result', 1);
  return out;
}

/**
 * xtreg, re; with options.hausman (default on) also the within estimator on the same sample and
 * the Hausman test FE vs RE (Stata `hausman fe re[, sigmamore]`) plus the cluster-robust Mundlak
 * version, attached to the RE result's diagnostics.
 */
function estimateReWithHausman(spec: ModelSpec, source: ColumnSource, progress: ProgressFn): EstimationResult {
  const re = estimateRe(spec, source, progress);
  if (spec.options.hausman === false) return re;
  const fe = estimate({ ...spec, estimator: 'fe', vcov: 'iid', cluster: [] }, source);
  const tests = hausman(fe, re, { sigmamore: spec.options.sigmamore === true });
  re.diagnostics = [...re.diagnostics.filter((d) => !tests.some((t) => t.name === d.name)), ...tests];
  return re;
}

/** Sample, singletons, demeaning and the solve: the expensive part, independent of the SE type. */
function prepareFit(
  spec: ModelSpec,
  source: ColumnSource,
  absorb: string[],
  xAll: Float64Array[],
  yAll: Float64Array,
  mask: Uint8Array,
  count: number,
  ranges: Map<string, ValueRange>,
  key: string,
  lap: (name: string) => void,
  progress: ProgressFn,
): PreparedFit {
  // reghdfe drops singletons by default; xtreg, fe keeps them (they only add to N and n)
  const { factors, keep, droppedSingletons, rows, n } = absorbFactors(absorb, source, mask, count, spec.options.singletons ?? spec.estimator === 'hdfe', ranges);
  // y and X may take over the source's arrays when the caller hands them over (disposable) and no
  // other role (cluster, absorbed factor) reads the same variable afterwards; `fe` keeps originals.
  const otherRoles = new Set([...spec.cluster, ...absorb.flatMap((a) => a.split('#')), ...(spec.panel ? [spec.panel.id] : [])]);
  const reuse = source.disposable === true && spec.estimator !== 'fe' && ![spec.y, ...spec.x].some((v) => otherRoles.has(v));
  const runs = keptRuns(rows, n);
  const y = reuse ? compressInPlace(yAll, rows, n, runs) : compress(yAll, rows, n, runs);
  const X = xAll.map((c) => (reuse ? compressInPlace(c, rows, n, runs) : compress(c, rows, n, runs)));
  if (spec.options.intercept !== false || factors.length > 0) refuseConstantOutcome(y, n, spec.y);
  lap('prepare');
  progress('estimate', 0.3);

  const warnings: string[] = [];
  const diagnostics: Diagnostic[] = [];
  let extraFit: Record<string, number> = {};
  let fit: LinearFit;
  let omitted: string[];
  if (factors.length === 0) {
    ({ fit, omitted } = fitOls({ y, X, names: spec.x, intercept: spec.options.intercept !== false }));
  } else {
    const tol = typeof spec.options.tolerance === 'number' ? spec.options.tolerance : undefined;
    // The centred TSS of y is taken before demeaning (the means and ‖x‖² come from demean's own
    // pass, below). Then demean in place where the arrays are ours (compress copied them), which
    // spares allocating and faulting in n·P new doubles (≈0.3 s at 2M rows here). `fe` keeps the
    // originals for xtreg's statistics.
    const tss = centeredSumSquares(y);
    const owned = reuse || (spec.estimator !== 'fe' && y.buffer !== yAll.buffer && X.every((x, j) => x.buffer !== xAll[j].buffer));
    const originalY = owned ? null : y;
    // A regressor the fixed effects absorb (e.g. time-invariant under firm FE) demeans to rounding
    // noise: drop it before the solve, with a note naming it (reghdfe: ‖x̃‖²/‖x‖² ≤ 1e-9).
    // reghdfe reports _cons = ȳ − x̄b: solve on the demeaned data with the means added back and an
    // intercept; slopes, residuals and their covariance are those of the demeaned regression.
    // demean takes ‖x‖² and the means in the pass that reads the columns, ‖x̃‖² (for the test above
    // and the within TSS) in the pass that writes them, and adds the means back there.
    const intercept = spec.options.intercept !== false;
    const { out, report } = demean([y, ...X], factors, { ...(tol !== undefined ? { tol } : {}), overwrite: owned, moments: true, addMeans: intercept });
    lap('demean');
    if (!report.converged) {
      throw new AppError('ESTIMATION', `the fixed-effect demeaning did not converge within ${Math.max(...report.iterations)} iterations; results would not be reliable (try fewer or nested fixed effects)`);
    }
    const [yd, ...Xd] = out;
    const moments = report.moments as { sum: number[]; squares: number[] };
    const demeanedSquares = report.squares as number[];
    const xStats = X.map((_, j) => ({ sum: moments.sum[j + 1], squares: moments.squares[j + 1] }));
    const tssWithin = demeanedSquares[0];
    // y itself absorbed (constant within the groups): every slope would be 0 ± 0
    if (tssWithin <= COLLINEAR_WITH_FE * tss) {
      throw new AppError('BAD_DATA', `the dependent variable "${spec.y}" does not vary within the fixed effects (${absorb.join(', ')}): they explain it completely, so there is nothing left to estimate`);
    }
    const absorbed: string[] = [];
    const keepX: number[] = [];
    Xd.forEach((_, j) => {
      if (demeanedSquares[j + 1] <= COLLINEAR_WITH_FE * xStats[j].squares) absorbed.push(spec.x[j]);
      else keepX.push(j);
    });
    const solved = fitOls({ y: yd, X: keepX.map((j) => Xd[j]), names: keepX.map((j) => spec.x[j]), intercept });
    for (const a of absorbed) warnings.push(`${a} omitted because it is collinear with the fixed effects`);
    // degrees of freedom without clusters (xtreg's σ_e uses these whatever the SE type); for
    // hdfe the caller counts them with the cluster variables (a FE nested in one counts none), so
    // the pairwise connected components of FE not needed then are not computed here (≈65 ms at 2M
    // rows for firm × industry#year and firm × city#year when firm is the cluster)
    const dfA = spec.estimator === 'fe' ? absorbedDof(factors, []).reduce((s, d) => s + d.df, 0) : 0;
    fit = solved.fit;
    fit.kAbsorbed = dfA - (fit.hasIntercept ? 1 : 0);
    fit.dfStats = n - dfA - (fit.k - (fit.hasIntercept ? 1 : 0));
    fit.tssWithin = tssWithin;
    fit.tss = tss;
    fit.absorbsConstant = true;
    fit.demeanIterations = Math.max(...report.iterations);
    omitted = [...absorbed, ...solved.omitted];
    if (spec.estimator === 'fe') {
      const slopes = fit.hasIntercept ? fit.beta.subarray(1) : fit.beta;
      const kept = keepX.filter((j) => !solved.omitted.includes(spec.x[j])).map((j) => X[j]);
      const xt = xtregFeStats(originalY as Float64Array, kept, slopes, factors[0], fit.rss, fit.dfStats);
      extraFit = xt.stats;
      diagnostics.push(xt.diagnostic);
    }
  }
  if (fit.k === 0) throw new AppError('ESTIMATION', 'every regressor was dropped as collinear (or constant); nothing to estimate');
  if (!Number.isFinite(fit.rss)) throw new AppError('ESTIMATION', 'the estimation produced non-finite values; check the data for extreme magnitudes');
  lap('estimate');
  return { key, mask, count, keep, droppedSingletons, fit, omitted, warnings, factors, diagnostics, extraFit };
}
