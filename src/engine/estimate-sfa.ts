// The `sfa` estimator end to end (Stata `frontier`, `sfcross`): sample (complete cases) → logs of
// output and inputs (all must be positive) → Cobb–Douglas or translog design from mean-centred logs
// (ln y = β0 + Σ βj xj + ½ Σ βjj xj² + Σj<k βjk xj xk, xj = ln Xj − mean ln Xj) → OLS and its
// residual skewness → ML from several corrected-OLS starts (models/sfa.ts, models/sfa-optim.ts) →
// OIM covariance, z tests → σu, σv, λ, γ with delta-method SEs → LR test of no inefficiency (mixed
// χ², Kodde–Palm), LR Cobb–Douglas vs translog → JLMS and Battese–Coelli scores per row.
// Conventions: docs/production.md.
import { AppError } from '../shared/errors.js';
import type { CoefficientRow, Diagnostic, EstimationResult, SfaResult } from '../shared/result.js';
import { INTERCEPT_TERM, type ModelSpec } from '../shared/spec.js';
import type { ToolOutputColumn } from '../shared/tools.js';
import { stopwatch } from './clock.js';
import { type Column, type ColumnSource, compress, numericColumn } from './data.js';
import type { ProgressFn } from './estimate.js';
import { crossProducts, residuals } from './linalg/gram.js';
import { invertSpd } from './linalg/small.js';
import { type SfaData, type SfaDistribution, parameterCount, sfaEfficiency, sfaLoglik } from './models/sfa.js';
import { type MaxResult, maximize } from './models/sfa-optim.js';
import { normalInference } from './result.js';
import { sampleMask } from './sample.js';
import { chi2UpperP } from './stats/distributions.js';
import { ENGINE_VERSION } from './version.js';

export interface SfaOutput {
  result: EstimationResult;
  /** Battese–Coelli E[exp(−u)|ε] per input row, NaN outside the estimation sample. */
  te: Float64Array;
  /** JLMS E[u|ε] per input row, NaN outside the estimation sample. */
  u: Float64Array;
}

interface SfaSettings {
  dist: SfaDistribution;
  sign: 1 | -1;
  form: 'cd' | 'translog';
  technique: 'newton' | 'bfgs';
  uhet: string[];
  center: boolean;
  logs: boolean;
}

function settings(spec: ModelSpec): SfaSettings {
  const o = spec.options;
  const bad = (m: string) => new AppError('INVALID_ARGUMENT', `sfa: ${m}`);
  const dist = (o.distribution as string | undefined) ?? 'hnormal';
  if (!['hnormal', 'exponential', 'tnormal'].includes(dist)) throw bad(`unknown inefficiency distribution "${dist}" (hnormal, exponential, tnormal)`);
  const frontier = (o.frontier as string | undefined) ?? 'production';
  if (frontier !== 'production' && frontier !== 'cost') throw bad(`frontier must be production or cost (got "${frontier}")`);
  const form = (o.form as string | undefined) ?? 'cd';
  if (form !== 'cd' && form !== 'translog') throw bad(`functional form must be cd or translog (got "${form}")`);
  const technique = (o.technique as string | undefined) ?? 'newton';
  if (technique !== 'newton' && technique !== 'bfgs') throw bad(`technique must be newton or bfgs (got "${technique}")`);
  const uhet = (o.uhet as string[] | undefined) ?? [];
  return { dist: dist as SfaDistribution, sign: frontier === 'cost' ? -1 : 1, form, technique, uhet, center: o.center !== false, logs: o.logs !== false };
}

/** The Cobb–Douglas or translog design from (centred) logs; names as ln(x), ln(x)^2/2, ln(x)*ln(z). */
export function frontierDesign(L: Float64Array[], inputs: string[], n: number, form: 'cd' | 'translog', logs: boolean): { X: Float64Array[]; names: string[]; firstOrder: number[] } {
  const nm = (v: string) => (logs ? `ln(${v})` : v);
  const X: Float64Array[] = [new Float64Array(n).fill(1)];
  const names = [INTERCEPT_TERM];
  const firstOrder: number[] = [];
  inputs.forEach((v, j) => {
    firstOrder.push(X.length);
    X.push(L[j]);
    names.push(nm(v));
  });
  if (form === 'translog') {
    inputs.forEach((v, j) => {
      const c = L[j];
      const sq = new Float64Array(n);
      for (let i = 0; i < n; i++) sq[i] = 0.5 * c[i] * c[i];
      X.push(sq);
      names.push(`${nm(v)}^2/2`);
    });
    for (let j = 0; j < inputs.length; j++)
      for (let k = j + 1; k < inputs.length; k++) {
        const a = L[j];
        const b = L[k];
        const ab = new Float64Array(n);
        for (let i = 0; i < n; i++) ab[i] = a[i] * b[i];
        X.push(ab);
        names.push(`${nm(inputs[j])}*${nm(inputs[k])}`);
      }
  }
  return { X, names, firstOrder };
}

function ols(y: Float64Array, X: Float64Array[], n: number): { beta: Float64Array; resid: Float64Array; rss: number } {
  const K = X.length;
  const G = crossProducts([...X, y], n);
  const XtX = new Float64Array(K * K);
  const Xty = new Float64Array(K);
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) XtX[a * K + b] = G[a * (K + 1) + b];
    Xty[a] = G[a * (K + 1) + K];
  }
  const inv = invertSpd(XtX, K);
  if (!inv) throw new AppError('ESTIMATION', 'sfa: the frontier regressors are collinear (check for duplicated or constant inputs)');
  const beta = new Float64Array(K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) beta[a] += inv[a * K + b] * Xty[b];
  const resid = new Float64Array(n);
  const rss = residuals(X, beta, y, n, resid);
  return { beta, resid, rss };
}

export interface SfaFit {
  best: MaxResult;
  starts: { label: string; loglik: number; converged: boolean; iterations: number }[];
  llOls: number;
  /** Third central moment of S·(OLS residuals): negative is the expected sign. */
  m3: number;
  skewness: number;
}

/** Corrected-OLS starting values (method of moments, Kumbhakar & Lovell §3.2) and variants. */
function startValues(d: SfaData, beta: Float64Array, m2: number, m3: number): { label: string; theta: Float64Array }[] {
  const K = d.X.length;
  const H = d.Z.length;
  const P = parameterCount(K, H, d.dist);
  const cols = (scale: number, label: string, mu = 0) => {
    let su: number;
    let eu: number;
    let sv2: number;
    if (d.dist === 'exponential') {
      su = m3 < 0 ? Math.cbrt(-m3 / 2) : 0.1 * Math.sqrt(m2);
      su *= scale;
      eu = su;
      sv2 = Math.max(m2 - su * su, 0.1 * m2);
    } else {
      su = m3 < 0 ? Math.cbrt(-m3 / (Math.sqrt(2 / Math.PI) * (4 / Math.PI - 1))) : 0.1 * Math.sqrt(m2);
      su *= scale;
      eu = Math.sqrt(2 / Math.PI) * su;
      sv2 = Math.max(m2 - (1 - 2 / Math.PI) * su * su, 0.1 * m2);
    }
    const th = new Float64Array(P);
    th.set(beta);
    th[0] += d.sign * eu; // intercept of the frontier: OLS intercept + S·E[u]
    th[K] = Math.log(sv2);
    th[K + 1] = Math.log(su * su);
    if (d.dist === 'tnormal') th[K + 1 + H] = mu * su;
    return { label, theta: th };
  };
  const out = [cols(1, 'corrected OLS'), cols(0.5, 'corrected OLS, σu × 0.5'), cols(2, 'corrected OLS, σu × 2')];
  if (d.dist === 'tnormal') out.push(cols(1, 'corrected OLS, μ = 0.5 σu', 0.5), cols(1, 'corrected OLS, μ = −0.5 σu', -0.5));
  return out;
}

/**
 * ML from several corrected-OLS starts, as Stata's ml search: the log-likelihood is evaluated at
 * every start, Newton runs from the best one, and the next best is tried only if that run does not
 * converge. `warm` (e.g. the translog estimates restricted to Cobb–Douglas) is tried first.
 */
export function fitSfa(d: SfaData, technique: 'newton' | 'bfgs', warm?: { label: string; theta: Float64Array }): SfaFit {
  const { n } = d;
  const o = ols(d.y, d.X, n);
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const e = d.sign * o.resid[i];
    m2 += e * e;
    m3 += e * e * e;
  }
  m2 /= n;
  m3 /= n;
  const llOls = -0.5 * n * (1 + Math.log(2 * Math.PI) + Math.log(o.rss / n));
  const f = (theta: Float64Array, grad: Float64Array | null, hess?: Float64Array | null) => sfaLoglik(d, theta, grad, undefined, hess);
  const moments = { llOls, m3, skewness: m3 / Math.pow(m2, 1.5) };
  const starts: SfaFit['starts'] = [];
  let best: MaxResult | null = null;
  if (warm) {
    best = maximize(f, warm.theta, technique, 500, true);
    starts.push({ label: warm.label, loglik: best.loglik, converged: best.converged, iterations: best.iterations });
    if (best.converged) return { best, starts, ...moments };
  }
  const candidates = startValues(d, o.beta, m2, m3).map((s) => ({ ...s, ll0: f(s.theta, null) }));
  candidates.sort((a, b) => (Number.isNaN(b.ll0) ? -1 : Number.isNaN(a.ll0) ? 1 : b.ll0 - a.ll0));
  for (const c of candidates) {
    if (best?.converged) {
      starts.push({ label: `${c.label} (not run: log-likelihood ${c.ll0.toFixed(4)} at the start)`, loglik: c.ll0, converged: false, iterations: 0 });
      continue;
    }
    const r = maximize(f, c.theta, technique, 500, true);
    starts.push({ label: c.label, loglik: r.loglik, converged: r.converged, iterations: r.iterations });
    if (!best || (r.converged && !best.converged) || (r.converged === best.converged && r.loglik > best.loglik + 1e-9)) best = r;
  }
  return { best: best as MaxResult, starts, ...moments };
}

/**
 * LR test of σu = 0 on the boundary: ½χ²_{q−1} + ½χ²_q (χ²₀ a point mass at 0), q restrictions of
 * which one (σu² = 0) is on the boundary. q = 1: Stata's chibar2(01), p = ½·P(χ²₁ > LR). For q > 1
 * this is Kodde & Palm's (1986) upper bound; its 5% critical values are their table's (2.706,
 * 5.138, 7.045, …).
 */
export function mixedChi2(lr: number, q: number): { p: number; crit5: number } {
  const upper = (x: number, df: number) => (df === 0 ? (x > 0 ? 0 : 1) : chi2UpperP(Math.max(x, 0), df));
  const pOf = (x: number) => 0.5 * upper(x, q - 1) + 0.5 * upper(x, q);
  let lo = 0;
  let hi = 200;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (pOf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return { p: pOf(lr), crit5: 0.5 * (lo + hi) };
}

export function estimateSfa(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): SfaOutput {
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  const s = settings(spec);
  if (spec.x.length === 0) throw new AppError('INVALID_ARGUMENT', 'sfa: choose at least one input (x)');
  const yAll = numericColumn(source, spec.y, 'output');
  const xAll = spec.x.map((x) => numericColumn(source, x, 'input'));
  const zAll = s.uhet.map((z) => numericColumn(source, z, 'inefficiency covariate'));
  const used: { name: string; column: Column }[] = [spec.y, ...spec.x, ...s.uhet].map((name, j) => ({ name, column: { kind: 'numeric', values: [yAll, ...xAll, ...zAll][j] } }));
  const { mask, count: n } = sampleMask(source, used);
  const K0 = spec.x.length;
  const nParamsMin = 1 + K0 + (s.form === 'translog' ? (K0 * (K0 + 1)) / 2 : 0) + 2 + s.uhet.length;
  if (n <= nParamsMin) throw new AppError('ESTIMATION', `sfa: ${n} complete observations for ${nParamsMin} parameters; need more observations`);
  const logOf = (v: Float64Array, name: string) => {
    const c = compress(v, mask, n);
    if (!s.logs) return Float64Array.from(c);
    let bad = 0;
    let first = -1;
    for (let i = 0; i < n; i++)
      if (!(c[i] > 0)) {
        bad++;
        if (first < 0) first = i;
      }
    if (bad > 0) throw new AppError('BAD_DATA', `sfa: "${name}" must be positive to take logs, but ${bad} of ${n} observations are ≤ 0 (first at estimation-sample row ${first + 1}); drop them with a sample restriction (e.g. ${name} > 0) or pass logged variables with logs = false`);
    return Float64Array.from(c, Math.log);
  };
  const y = logOf(yAll, spec.y);
  {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (y[i] < lo) lo = y[i];
      if (y[i] > hi) hi = y[i];
    }
    if (!(hi - lo > 1e-12 * Math.max(1, Math.abs(hi)))) throw new AppError('BAD_DATA', `sfa: the output "${spec.y}" is constant in the estimation sample (${n} rows); there is no frontier to estimate`);
  }
  const L = spec.x.map((x, j) => logOf(xAll[j], x));
  const means = L.map((c) => c.reduce((a, b) => a + b, 0) / n);
  if (s.center) L.forEach((c, j) => c.forEach((v, i) => (c[i] = v - means[j])));
  const Z = [new Float64Array(n).fill(1), ...zAll.map((c) => Float64Array.from(compress(c, mask, n)))];
  lap('prepare');
  progress('estimate', 0.1);

  const design = frontierDesign(L, spec.x, n, s.form, s.logs);
  const data: SfaData = { y, X: design.X, Z, n, dist: s.dist, sign: s.sign };
  const fit = fitSfa(data, s.technique);
  const best = fit.best;
  const K = design.X.length;
  const H = Z.length;
  const P = parameterCount(K, H, s.dist);
  const warnings: string[] = [];
  if (fit.m3 > 0) {
    warnings.push(`wrong skewness: the OLS residuals are skewed ${s.sign === 1 ? 'to the right (a production frontier needs left skew)' : 'to the left (a cost frontier needs right skew)'} (skewness ${fit.skewness.toFixed(4)}); the ML estimate of σu tends to 0 (λ → 0) and the model reduces to OLS — efficiency scores are not informative`);
  }
  if (!best.converged) {
    const state = Array.from(best.theta, (v) => v.toPrecision(6)).join(', ');
    throw new AppError('ESTIMATION', `sfa: the likelihood did not converge (${best.message}; last log-likelihood ${best.loglik}, ${best.iterations} iterations, parameters [${state}])${fit.m3 > 0 ? '; the OLS residuals have the wrong skewness, so σu → 0' : ''}; try the other technique, fewer inputs or another distribution`);
  }
  lap('estimate');
  progress('covariance', 0.6);
  const V = invertSpd(best.information, P);
  if (!V) throw new AppError('ESTIMATION', 'sfa: the Hessian is not negative definite at the maximum; standard errors cannot be computed (σu or σv at the boundary?)');

  // CD vs translog: the nested Cobb–Douglas fit with the same distribution
  const diagnostics: Diagnostic[] = [];
  const llOls = fit.llOls;
  const lr = Math.max(0, 2 * (best.loglik - llOls));
  const q = H + (s.dist === 'tnormal' ? 1 : 0);
  const mix = mixedChi2(lr, q);
  diagnostics.push({
    id: 'lr_no_inefficiency',
    name: 'LR test of no inefficiency (σu = 0)',
    statistic: lr,
    df: q,
    p_value: mix.p,
    note: `mixed χ² ${q === 1 ? '½χ²₀ + ½χ²₁ (Stata chibar2(01)): p = ½·P(χ²₁ > LR)' : `½χ²${q - 1} + ½χ²${q} (Kodde–Palm upper bound, ${q} restrictions)`}; Kodde–Palm 5% critical value ${mix.crit5.toFixed(3)}`,
  });
  let lrForm: SfaResult['lr_cd_translog'];
  if (s.form === 'translog') {
    const cd = frontierDesign(L, spec.x, n, 'cd', s.logs);
    // warm start: the translog estimates without the second-order terms
    const warm = new Float64Array(parameterCount(cd.X.length, H, s.dist));
    for (let j = 0; j < cd.X.length; j++) warm[j] = best.theta[j];
    warm.set(best.theta.subarray(K), cd.X.length);
    const cdFit = fitSfa({ ...data, X: cd.X }, s.technique, { label: 'translog estimates, second-order terms dropped', theta: warm });
    const df = K - cd.X.length;
    const stat = 2 * (best.loglik - cdFit.best.loglik);
    lrForm = { statistic: stat, df, p_value: chi2UpperP(Math.max(stat, 0), df), loglik_cd: cdFit.best.loglik };
    diagnostics.push({ id: 'lr_cd_translog', name: 'LR test Cobb–Douglas vs translog', statistic: stat, df, p_value: lrForm.p_value, note: `H0: the ${df} second-order terms are 0 (Cobb–Douglas)${cdFit.best.converged ? '' : '; the Cobb–Douglas fit did not converge'}` });
  }
  lap('tests');
  progress('result', 0.85);

  // coefficients: frontier, ln σv², ln σu² (or its equation), μ
  const th = best.theta;
  const se = (j: number) => Math.sqrt(V[j * P + j]);
  const names = [...design.names, '/lnsig2v', ...(H === 1 ? ['/lnsig2u'] : ['lnsig2u:(Intercept)', ...s.uhet.map((z) => `lnsig2u:${z}`)]), ...(s.dist === 'tnormal' ? ['/mu'] : [])];
  const rows: CoefficientRow[] = names.map((term, j) => ({ term, estimate: th[j], std_error: se(j), statistic: th[j] / se(j), p_value: 0, conf_low: 0, conf_high: 0 }));
  const level = spec.options.level ?? 0.95;
  const coefficients = normalInference(rows, level);
  const vcovMatrix: number[][] = [];
  for (let i = 0; i < P; i++) vcovMatrix.push(Array.from(V.subarray(i * P, (i + 1) * P)));

  // σ's with delta-method SEs (homoskedastic u); a, b = ln σv², ln σu²
  const a = th[K];
  const b = th[K + 1];
  const Vaa = V[K * P + K];
  const Vbb = V[(K + 1) * P + K + 1];
  const Vab = V[K * P + K + 1];
  const deltaSe = (ga: number, gb: number) => Math.sqrt(Math.max(ga * ga * Vaa + 2 * ga * gb * Vab + gb * gb * Vbb, 0));
  const sv2 = Math.exp(a);
  const sv = Math.sqrt(sv2);
  const het = H > 1;
  const su2 = Math.exp(b);
  const su = Math.sqrt(su2);
  const est = (value: number, stdError: number) => ({ estimate: value, std_error: stdError });
  const sigmas = het
    ? { sigma_u: { na: `heteroskedastic u: σu varies by observation (ln σu² = zδ); mean σu = ${meanSigmaU(th, Z, K, n).toPrecision(6)}` }, sigma2: { na: 'heteroskedastic u' }, lambda: { na: 'heteroskedastic u' }, gamma: { na: 'heteroskedastic u' } }
    : {
        sigma_u: est(su, deltaSe(0, su / 2)),
        sigma2: est(sv2 + su2, deltaSe(sv2, su2)),
        lambda: est(su / sv, deltaSe(-su / sv / 2, su / sv / 2)),
        gamma: est(su2 / (sv2 + su2), deltaSe((-su2 * sv2) / (sv2 + su2) ** 2, (su2 * sv2) / (sv2 + su2) ** 2)),
      };
  const { jlms, bc } = sfaEfficiency(data, th);
  let meanTe = 0;
  let meanU = 0;
  for (let i = 0; i < n; i++) {
    meanTe += bc[i];
    meanU += jlms[i];
  }
  meanTe /= n;
  meanU /= n;

  // output (or cost) elasticities at the mean of the logs: ∂ln y/∂ln xj = βj + βjj x̄j + Σk βjk x̄k
  const elasticities: SfaResult['elasticities'] = [];
  const xbar = s.center ? spec.x.map(() => 0) : means;
  const grads: Float64Array[] = [];
  spec.x.forEach((v, j) => {
    const g = new Float64Array(P);
    g[design.firstOrder[j]] = 1;
    if (s.form === 'translog') {
      const nmj = s.logs ? `ln(${v})` : v;
      g[design.names.indexOf(`${nmj}^2/2`)] = xbar[j];
      spec.x.forEach((w, k) => {
        if (k === j) return;
        const nmk = s.logs ? `ln(${w})` : w;
        const idx = design.names.indexOf(j < k ? `${nmj}*${nmk}` : `${nmk}*${nmj}`);
        g[idx] = xbar[k];
      });
    }
    grads.push(g);
    let e = 0;
    for (let p = 0; p < P; p++) e += g[p] * th[p];
    elasticities.push({ input: v, estimate: e, std_error: Math.sqrt(quad(V, g, P)) });
  });
  const gRts = new Float64Array(P);
  for (const g of grads) for (let p = 0; p < P; p++) gRts[p] += g[p];
  let rts = 0;
  for (let p = 0; p < P; p++) rts += gRts[p] * th[p];

  const sfa: SfaResult = {
    distribution: s.dist,
    frontier: s.sign === 1 ? 'production' : 'cost',
    form: s.form,
    centered: s.center,
    logs: s.logs,
    inputs: [...spec.x],
    uhet: [...s.uhet],
    sigma_v: est(sv, deltaSe(sv / 2, 0)),
    ...sigmas,
    ...(s.dist === 'tnormal' ? { mu: est(th[K + 1 + H], se(K + 1 + H)) } : {}),
    loglik: best.loglik,
    ll_ols: llOls,
    lr_no_inefficiency: { statistic: lr, df: q, p_value: mix.p, kodde_palm_5pct: mix.crit5 },
    ...(lrForm ? { lr_cd_translog: lrForm } : {}),
    ols_skewness: fit.skewness,
    wrong_skewness: fit.m3 > 0,
    mean_te_bc: meanTe,
    mean_u_jlms: meanU,
    elasticities,
    returns_to_scale: { estimate: rts, std_error: Math.sqrt(quad(V, gRts, P)) },
    convergence: { technique: s.technique, converged: best.converged, iterations: best.iterations, scaled_gradient: best.scaledGradient, message: best.message, starts: fit.starts },
    notes: [
      s.logs ? `logs of ${spec.y} and the inputs${s.center ? ', inputs centred at their sample means of logs' : ''}` : 'variables used as given (logs = false)',
      ...(s.form === 'translog' ? ['translog: ln y = β0 + Σ βj xj + ½ Σ βjj xj² + Σj<k βjk xj xk (½ on the squares)'] : []),
      `${s.sign === 1 ? 'production frontier ε = v − u' : 'cost frontier ε = v + u'}; _te_bc = E[exp(−u)|ε] (Battese–Coelli), _u_jlms = E[u|ε] (JLMS)`,
      `elasticities at the mean of the logs${s.center ? ' (= the first-order coefficients, the logs being centred)' : ''}`,
    ],
  };
  const result: EstimationResult = {
    estimator: 'sfa',
    spec,
    engineVersion: ENGINE_VERSION,
    nobs: n,
    coefficients,
    omitted: [],
    vcov: { type: 'iid', clusters: [], convention: 'inverse of the observed information (Stata oim; Hessian by central differences of the analytic gradient); z tests', dof: n - P, small_sample_factor: 1, distribution: 'normal' },
    vcov_matrix: vcovMatrix,
    fit: {
      r2: { na: 'not defined for a stochastic frontier' },
      adj_r2: { na: 'not defined for a stochastic frontier' },
      r2_kind: 'centered',
      rmse: Number.NaN,
      rss: Number.NaN,
      loglik: best.loglik,
      ll_0: llOls,
      df_model: K - 1,
      df_resid: n - P,
      f_stat: { na: 'maximum-likelihood model' },
      aic: -2 * best.loglik + 2 * P,
      bic: -2 * best.loglik + P * Math.log(n),
      iterations: best.iterations,
    },
    diagnostics,
    sample: { n_input: source.nrows, dropped_missing: source.nrows - n, dropped_singletons: 0, groups: {} },
    fixed_effects: [],
    sfa,
    warnings,
    timing_ms: timing,
  };
  const te = new Float64Array(source.nrows).fill(Number.NaN);
  const u = new Float64Array(source.nrows).fill(Number.NaN);
  for (let r = 0, i = 0; r < mask.length; r++) {
    if (!mask[r]) continue;
    te[r] = bc[i];
    u[r] = jlms[i];
    i++;
  }
  lap('result');
  progress('result', 1);
  return { result, te, u };
}

function quad(V: Float64Array, g: Float64Array, P: number): number {
  let s = 0;
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) s += g[a] * V[a * P + b] * g[b];
  return Math.max(s, 0);
}

function meanSigmaU(th: Float64Array, Z: Float64Array[], K: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let lnB = 0;
    for (let h = 0; h < Z.length; h++) lnB += Z[h][i] * th[K + 1 + h];
    s += Math.exp(0.5 * lnB);
  }
  return s / n;
}

/** The efficiency scores as new dataset columns (main / the CLI write them after an sfa model). */
export function sfaColumns(spec: ModelSpec, out: SfaOutput): ToolOutputColumn[] {
  const inputs = [spec.y, ...spec.x, ...(spec.options.uhet ?? [])];
  return [
    { name: '_te_bc', column: { kind: 'numeric', values: out.te }, label: { zh: '技术效率 E[exp(−u)|e]（Battese–Coelli）', en: 'technical efficiency E[exp(−u)|e] (Battese–Coelli)' }, replace: true, inputs },
    { name: '_u_jlms', column: { kind: 'numeric', values: out.u }, label: { zh: '技术无效率 E[u|e]（JLMS）', en: 'inefficiency E[u|e] (JLMS)' }, replace: true, inputs },
  ];
}
