// The `tfp` estimator end to end (Stata prodest / levpet / opreg, R prodest): complete cases of
// y, free inputs, state, proxy, panel id and time → lags by the panel time (gaps respected, the
// lagged row must be in the sample) → stage 1 and stage 2 (models/tfp.ts) from OLS, FE and grid
// starts → firm-block bootstrap (seeded) for the standard errors → OLS and FE production functions
// for comparison → log TFP per row (_ltfp = y − Σ β_l l − β_k k, − β_m m in gross output).
// Value added (options.output 'va', the default here) or gross output ('gross', Stata prodest's
// default): in gross output the proxy (log intermediate inputs) is also an input with a coefficient.
// Conventions: docs/production.md.
import { AppError } from '../shared/errors.js';
import type { CoefficientRow, Diagnostic, EstimationResult, TfpResult } from '../shared/result.js';
import type { ModelSpec } from '../shared/spec.js';
import type { ToolOutputColumn } from '../shared/tools.js';
import { stopwatch } from './clock.js';
import { type Column, type ColumnSource, compress, factorize, numericColumn } from './data.js';
import type { ProgressFn } from './estimate.js';
import { fitOls } from './models/ols.js';
import { type PolyScale, type StartReport, type TfpData, type TfpMethod, type TfpOutputKind, distinctRoots, gridStarts, polyScale, polyVariables, solveStarts, stage1, stage2Data } from './models/tfp.js';
import { mulberry32 } from './psm/random.js';
import { normalInference } from './result.js';
import { sampleMask } from './sample.js';
import { ENGINE_VERSION } from './version.js';

export interface TfpOutput {
  result: EstimationResult;
  /** Log TFP y − Σ β_l l − β_k k (− β_m m in gross output) per input row, NaN outside the estimation sample. */
  ltfp: Float64Array;
}

interface TfpSettings {
  method: TfpMethod;
  output: TfpOutputKind;
  state: string;
  proxy: string;
  degree: number;
  reps: number;
  seed: number;
  level: number;
}

function settings(spec: ModelSpec): TfpSettings {
  const o = spec.options;
  const bad = (m: string) => new AppError('INVALID_ARGUMENT', `tfp: ${m}`);
  const method = (o.method as string | undefined) ?? 'lp';
  if (method !== 'op' && method !== 'lp' && method !== 'acf') throw bad(`method must be op (Olley–Pakes), lp (Levinsohn–Petrin) or acf (Ackerberg–Caves–Frazer), got "${method}"`);
  const output = (o.output as string | undefined) ?? 'va';
  if (output !== 'va' && output !== 'gross') throw bad(`output must be va (value added) or gross (gross output), got "${output}"`);
  if (output === 'gross' && method === 'op')
    throw bad("gross output needs an intermediate input as the proxy (lp or acf); Olley–Pakes's proxy is investment, which is not an input of the production function (Stata prodest's method(op) ignores gross output the same way). For Olley–Pakes on gross output put log intermediate inputs among the free inputs (x) and use output va");
  const state = typeof o.state === 'string' ? o.state : '';
  const proxy = typeof o.proxy === 'string' ? o.proxy : '';
  if (!state) throw bad('choose the state variable (log capital) in options.state');
  if (!proxy) throw bad(`choose the proxy variable (${method === 'op' ? 'log investment' : 'log intermediate inputs'}) in options.proxy`);
  const degree = (o.degree as number | undefined) ?? 3;
  if (!Number.isInteger(degree) || degree < 1 || degree > 5) throw bad(`the polynomial degree must be an integer from 1 to 5 (got ${degree})`);
  const reps = (o.reps as number | undefined) ?? 50;
  if (!Number.isInteger(reps) || reps < 2 || reps > 10000) throw bad(`bootstrap replications must be an integer from 2 to 10000 (got ${reps})`);
  const seed = (o.seed as number | undefined) ?? 12345;
  if (!Number.isFinite(seed)) throw bad('the seed must be a number');
  const level = o.level ?? 0.95;
  return { method, output, state, proxy, degree, reps, seed, level };
}

const METHOD_NAME: Record<TfpMethod, string> = { op: 'Olley–Pakes', lp: 'Levinsohn–Petrin', acf: 'Ackerberg–Caves–Frazer' };
const OUTPUT_NAME: Record<TfpOutputKind, string> = { va: 'value added', gross: 'gross output' };

/** "moment E[ξ·k_t] = 0" or "moments E[ξ·(l_{t−1}, k_t)] = 0". */
const momentNote = (z: string[]) => (z.length === 1 ? `moment E[ξ·${z[0]}] = 0, just identified` : `moments E[ξ·(${z.join(', ')})] = 0, just identified`);

/** Largest |value| a log of a real quantity can plausibly have (e^50 ≈ 5·10²¹). */
const LOG_BOUND = 50;

/** The firms' rows sorted by time, and each row's lag as a position within its firm (−1 if absent). */
interface PanelLayout {
  firms: number;
  /** Rows of each firm, sorted by time. */
  firmRows: Int32Array[];
  /** Position of the lagged row within the firm's block, −1 when absent. */
  lagPos: Int32Array;
  /** Row of (firm, t − 1) in the estimation sample, −1 when absent. */
  lag: Int32Array;
}

function panelLayout(firm: Int32Array, groups: number, time: Float64Array, timeName: string, idName: string): PanelLayout {
  const n = firm.length;
  const counts = new Int32Array(groups);
  for (let i = 0; i < n; i++) counts[firm[i]]++;
  const firmRows = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(groups);
  for (let i = 0; i < n; i++) {
    if (time[i] !== Math.round(time[i])) throw new AppError('BAD_DATA', `tfp: the time variable "${timeName}" must count periods (integers); row ${i + 1} of the estimation sample has ${time[i]}`);
    firmRows[firm[i]][fill[firm[i]]++] = i;
  }
  const lagPos = new Int32Array(n).fill(-1);
  const lag = new Int32Array(n).fill(-1);
  for (const rows of firmRows) {
    rows.sort((a, b) => time[a] - time[b] || a - b);
    for (let p = 1; p < rows.length; p++) {
      const dt = time[rows[p]] - time[rows[p - 1]];
      if (dt === 0) throw new AppError('BAD_DATA', `tfp: repeated time values within a firm: "${idName}" has two rows at ${timeName} = ${time[rows[p]]}; lags need one row per firm and period`);
      if (dt === 1) {
        lagPos[rows[p]] = p - 1;
        lag[rows[p]] = rows[p - 1];
      }
    }
  }
  return { firms: groups, firmRows, lagPos, lag };
}

interface Fit {
  beta: Float64Array;
  criterion: number;
  nStage2: number;
  reports: StartReport[];
  converged: boolean;
}

/** OLS (pooled, with intercept) and within (firm-demeaned) production functions on d's rows; gross output includes the intermediate input. */
function comparisonFits(d: TfpData, firm: Int32Array, groups: number, output: TfpOutputKind): { ols: Float64Array; fe: Float64Array } {
  const X = [...d.free, d.state, ...(output === 'gross' ? [d.proxy] : [])];
  const names = X.map((_, j) => `x${j}`);
  const o = fitOls({ y: d.y, X, names, intercept: true }, 'qr');
  const ols = Float64Array.from(names, (nm) => {
    const j = o.fit.terms.indexOf(nm);
    return j >= 0 ? o.fit.beta[j] : Number.NaN;
  });
  const demean = (v: Float64Array) => {
    const s = new Float64Array(groups);
    const c = new Float64Array(groups);
    for (let i = 0; i < d.n; i++) {
      s[firm[i]] += v[i];
      c[firm[i]]++;
    }
    return Float64Array.from(v, (x, i) => x - s[firm[i]] / c[firm[i]]);
  };
  const f = fitOls({ y: demean(d.y), X: X.map(demean), names, intercept: false }, 'qr');
  const fe = Float64Array.from(names, (nm) => {
    const j = f.fit.terms.indexOf(nm);
    return j >= 0 ? f.fit.beta[j] : Number.NaN;
  });
  return { ols, fe };
}

/** Both stages on one dataset. `starts` are in the order of β: OP/LP [β_k]; ACF [β_l…, β_k]; gross output appends β_m. */
function fitTfp(d: TfpData, method: TfpMethod, output: TfpOutputKind, degree: number, sc: PolyScale, starts: { label: string; beta: number[] }[], grid: boolean): { stage: ReturnType<typeof stage1>; fit: Fit } | null {
  const st = stage1(d, method, degree, sc);
  const s2 = stage2Data(d, method, st.phi, output);
  if (!s2 || s2.n < 2 * (d.free.length + 2 + (output === 'gross' ? 1 : 0))) return null;
  const all = grid ? [...starts, ...gridStarts(s2, starts[0].beta)] : starts;
  const { best, reports } = solveStarts(s2, all);
  if (!best) return { stage: st, fit: { beta: new Float64Array(0), criterion: Number.NaN, nStage2: s2.n, reports, converged: false } };
  const beta = method === 'acf' ? best.beta : Float64Array.from([...st.betaFree, ...best.beta]);
  return { stage: st, fit: { beta, criterion: best.criterion, nStage2: s2.n, reports, converged: true } };
}

/**
 * Gross output puts the proxy into the production function, so it must be a log of intermediate
 * inputs (infinite values are already refused with the sample): of log magnitude (|m| ≤ 50; levels
 * such as 35,000 are refused), not constant, and not the same column as a free input or the state.
 */
function checkGrossInputs(d: TfpData, free: string[], state: string, proxy: string, mask: Uint8Array): void {
  const rowOf = (i: number) => {
    for (let r = 0, k = -1; r < mask.length; r++) if (mask[r] && ++k === i) return r + 1;
    return i + 1;
  };
  const m = d.proxy;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.n; i++) {
    const v = m[i];
    if (Math.abs(v) > LOG_BOUND)
      throw new AppError('BAD_DATA', `tfp: gross output needs the proxy "${proxy}" in logs (log intermediate inputs), but row ${rowOf(i)} has ${v}, which cannot be a log; take logs first (e.g. the Log tool: zero or negative inputs become missing)`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) throw new AppError('BAD_DATA', `tfp: the proxy "${proxy}" is constant (${lo}) in the estimation sample; it cannot stand in for productivity or carry a coefficient`);
  const others = [...free.map((name, j) => ({ name, v: d.free[j] })), { name: state, v: d.state }];
  for (const o of others) {
    let same = true;
    for (let i = 0; i < d.n && same; i++) if (o.v[i] !== m[i]) same = false;
    if (same) throw new AppError('INVALID_ARGUMENT', `tfp: the proxy "${proxy}" has the same values as "${o.name}" in every row; in gross output the intermediate input must differ from the free inputs and the state`);
  }
}

export function estimateTfp(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): TfpOutput {
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  const s = settings(spec);
  if (spec.x.length === 0) throw new AppError('INVALID_ARGUMENT', 'tfp: choose the free input(s) (x), e.g. log labour');
  if (!spec.panel) throw new AppError('INVALID_ARGUMENT', 'tfp: the panel id and time variables are needed (lags of the inputs)');
  const roles = [spec.y, ...spec.x, s.state, s.proxy];
  const dup = roles.find((v, i) => roles.indexOf(v) !== i);
  if (dup) throw new AppError('INVALID_ARGUMENT', `tfp: "${dup}" has two roles (output, free input, state, proxy); each variable may have one`);
  const yAll = numericColumn(source, spec.y, s.output === 'gross' ? 'output (log gross output)' : 'output (log value added)');
  const fAll = spec.x.map((x) => numericColumn(source, x, 'free input'));
  const kAll = numericColumn(source, s.state, 'state variable');
  const mAll = numericColumn(source, s.proxy, s.output === 'gross' ? 'proxy variable (log intermediate inputs)' : 'proxy variable');
  const tAll = numericColumn(source, spec.panel.time, 'panel time');
  const idCol = source.get(spec.panel.id);
  const num = (values: Float64Array): Column => ({ kind: 'numeric', values });
  const used = [
    { name: spec.y, column: num(yAll) },
    ...spec.x.map((name, j) => ({ name, column: num(fAll[j]) })),
    { name: s.state, column: num(kAll) },
    { name: s.proxy, column: num(mAll) },
    { name: spec.panel.id, column: idCol },
    { name: spec.panel.time, column: num(tAll) },
  ];
  const { mask, count: n } = sampleMask(source, used);
  const { ids: firm, groups } = factorize(idCol, mask, n);
  const time = compress(tAll, mask, n);
  const layout = panelLayout(firm, groups, time, spec.panel.time, spec.panel.id);
  const data: TfpData = { n, y: Float64Array.from(compress(yAll, mask, n)), free: fAll.map((c) => Float64Array.from(compress(c, mask, n))), state: Float64Array.from(compress(kAll, mask, n)), proxy: Float64Array.from(compress(mAll, mask, n)), lag: layout.lag };
  const nLag = layout.lag.reduce((a, v) => a + (v >= 0 ? 1 : 0), 0);
  const F = spec.x.length;
  const gross = s.output === 'gross';
  if (gross) checkGrossInputs(data, spec.x, s.state, s.proxy, mask);
  checkVariation(data, spec.y, spec.x, s.state, gross ? s.proxy : null);
  const P = F + 1 + (gross ? 1 : 0);
  if (n < 30 || nLag < 10 * P) throw new AppError('BAD_DATA', `tfp: ${n} complete observations, ${nLag} of them with the previous period's row; too few for ${METHOD_NAME[s.method]} (need at least 30 observations and ${10 * P} with a lag)`);
  if (groups < 10) throw new AppError('BAD_DATA', `tfp: ${groups} firms; the firm-block bootstrap needs at least 10 firms`);
  const sc = polyScale(polyVariables(data, s.method));
  lap('prepare');
  progress('estimate', 0.05);

  const cmp = comparisonFits(data, firm, groups, s.output);
  // starts in the order of the stage-2 parameters: OLS, then FE
  const startOf = (b: Float64Array) => (s.method === 'acf' ? Array.from(b) : Array.from(b.subarray(F)));
  const startList = [
    { label: 'OLS', beta: startOf(cmp.ols) },
    ...(startOf(cmp.fe).every(Number.isFinite) ? [{ label: 'FE (within)', beta: startOf(cmp.fe) }] : []),
  ];
  let main: ReturnType<typeof fitTfp>;
  try {
    main = fitTfp(data, s.method, s.output, s.degree, sc, startList, true);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('ESTIMATION', `tfp: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!main) throw new AppError('ESTIMATION', `tfp: the second stage has no usable observations (rows with the previous period in the sample: ${nLag}; the instruments may be constant)`);
  if (!main.fit.converged) {
    const last = main.fit.reports.map((r) => `${r.label}: β = [${r.beta.map((v) => v.toPrecision(6)).join(', ')}], criterion ${r.criterion.toPrecision(4)}, ${r.iterations} iterations`).join('; ');
    throw new AppError('ESTIMATION', `tfp: the second-stage GMM did not converge from any start (${last}); try another polynomial degree or method`);
  }
  const beta = main.fit.beta;
  const warnings: string[] = [];
  if (main.fit.criterion > 1e-12) warnings.push(`the moment conditions have no exact solution near the starts; β minimises the GMM criterion (${main.fit.criterion.toPrecision(4)})`);
  if (main.stage.dropped > 0) warnings.push(`${main.stage.dropped} polynomial term(s) dropped as collinear in the first stage`);
  const roots = distinctRoots(main.fit.reports);
  if (roots.length > 1) {
    const fmt = (b: number[]) => `[${b.map((v) => v.toFixed(4)).join(', ')}]`;
    warnings.push(`the moment conditions have ${roots.length} different roots among the starts (${roots.map(fmt).join('; ')}); the one nearest the OLS start is reported — see tfp.starts${gross ? '; in gross output the intermediate input’s coefficient is identified only weakly (Gandhi, Navarro & Rivers 2020)' : ''}`);
  }
  lap('estimate');

  // firm-block bootstrap: draw firms with replacement (mulberry32(seed)); each draw is a new firm
  const rng = mulberry32(s.seed);
  const draws: Float64Array[] = [];
  let failed = 0;
  const mainStart = startOf(beta);
  for (let r = 0; r < s.reps; r++) {
    const pick = new Int32Array(groups);
    for (let g = 0; g < groups; g++) pick[g] = Math.min(groups - 1, Math.floor(rng() * groups));
    let nb = 0;
    for (const g of pick) nb += layout.firmRows[g].length;
    const bd: TfpData = { n: nb, y: new Float64Array(nb), free: data.free.map(() => new Float64Array(nb)), state: new Float64Array(nb), proxy: new Float64Array(nb), lag: new Int32Array(nb) };
    const bfirm = new Int32Array(nb);
    let off = 0;
    pick.forEach((g, newId) => {
      const rows = layout.firmRows[g];
      for (let p = 0; p < rows.length; p++) {
        const i = rows[p];
        const o = off + p;
        bd.y[o] = data.y[i];
        for (let f = 0; f < F; f++) bd.free[f][o] = data.free[f][i];
        bd.state[o] = data.state[i];
        bd.proxy[o] = data.proxy[i];
        bd.lag[o] = layout.lagPos[i] >= 0 ? off + layout.lagPos[i] : -1;
        bfirm[o] = newId;
      }
      off += rows.length;
    });
    let ok = false;
    try {
      // from the full-sample estimate; from this sample's OLS only when that fails
      let bf = fitTfp(bd, s.method, s.output, s.degree, sc, [{ label: 'estimate', beta: mainStart }], false);
      if (bf && !bf.fit.converged) bf = fitTfp(bd, s.method, s.output, s.degree, sc, [{ label: 'OLS', beta: startOf(comparisonFits(bd, bfirm, groups, s.output).ols) }], false);
      if (bf && bf.fit.converged && bf.fit.beta.every(Number.isFinite)) {
        draws.push(bf.fit.beta);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) failed++;
    progress('covariance', 0.1 + (0.8 * (r + 1)) / s.reps);
  }
  if (draws.length < 2) throw new AppError('ESTIMATION', `tfp: only ${draws.length} of ${s.reps} bootstrap replications could be estimated; standard errors are not available`);
  if (failed > 0) warnings.push(`${failed} of ${s.reps} bootstrap replications failed (no convergence or a singular design) and were left out of the standard errors`);
  const K = P;
  const V = new Float64Array(K * K);
  const meanB = new Float64Array(K);
  for (const b of draws) for (let j = 0; j < K; j++) meanB[j] += b[j] / draws.length;
  for (const b of draws) for (let a = 0; a < K; a++) for (let c = 0; c < K; c++) V[a * K + c] += ((b[a] - meanB[a]) * (b[c] - meanB[c])) / (draws.length - 1);
  lap('bootstrap');
  progress('result', 0.92);

  const terms = [...spec.x, s.state, ...(gross ? [s.proxy] : [])];
  const inputs = [...data.free, data.state, ...(gross ? [data.proxy] : [])];
  const se = (j: number) => Math.sqrt(V[j * K + j]);
  const rows: CoefficientRow[] = terms.map((term, j) => ({ term, estimate: beta[j], std_error: se(j), statistic: beta[j] / se(j), p_value: 0, conf_low: 0, conf_high: 0 }));
  const coefficients = normalInference(rows, s.level);
  let rts = 0;
  let rtsVar = 0;
  for (let a = 0; a < K; a++) {
    rts += beta[a];
    for (let c = 0; c < K; c++) rtsVar += V[a * K + c];
  }
  const ltfpRows = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    let v = data.y[i];
    for (let j = 0; j < K; j++) v -= beta[j] * inputs[j][i];
    ltfpRows[i] = v;
    mean += v;
  }
  mean /= n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (ltfpRows[i] - mean) ** 2;
  sd = Math.sqrt(sd / (n - 1));
  const sumOf = (b: Float64Array) => b.reduce((a, v) => a + v, 0);
  const asRecord = (b: Float64Array) => terms.map((term, j) => ({ term, estimate: b[j] }));
  const diagnostics: Diagnostic[] = [
    { id: 'tfp_ols', name: 'OLS production function (returns to scale)', statistic: sumOf(cmp.ols), note: `pooled OLS of ${spec.y} on ${terms.join(', ')} with an intercept: ${terms.map((t, j) => `${t} ${cmp.ols[j].toFixed(4)}`).join(', ')}` },
    { id: 'tfp_fe', name: 'Fixed-effects (within) production function (returns to scale)', statistic: sumOf(cmp.fe), note: `within-firm regression: ${terms.map((t, j) => `${t} ${cmp.fe[j].toFixed(4)}`).join(', ')}` },
    { id: 'tfp_criterion', name: 'Second-stage GMM criterion m′(Z′Z/N)⁻¹m', statistic: main.fit.criterion, note: momentNote([...(s.method === 'acf' ? spec.x.map((x) => `${x}_{t−1}`) : []), `${s.state}_t`, ...(gross ? [`${s.proxy}_{t−1}`] : [])]) },
  ];
  const tfp: TfpResult = {
    method: s.method,
    output: s.output,
    free: [...spec.x],
    state: s.state,
    proxy: s.proxy,
    degree: s.degree,
    law_degree: 3,
    reps: s.reps,
    reps_ok: draws.length,
    seed: s.seed,
    firms: groups,
    nobs_stage1: n,
    nobs_stage2: main.fit.nStage2,
    returns_to_scale: { estimate: rts, std_error: Math.sqrt(Math.max(rtsVar, 0)) },
    comparison: { ols: asRecord(cmp.ols), fe: asRecord(cmp.fe), ols_rts: sumOf(cmp.ols), fe_rts: sumOf(cmp.fe) },
    criterion: main.fit.criterion,
    starts: main.fit.reports.map((r) => ({ label: r.label, start: r.start, beta: r.beta, criterion: r.criterion, converged: r.converged, iterations: r.iterations })),
    mean_ltfp: mean,
    sd_ltfp: sd,
    notes: [
      `${METHOD_NAME[s.method]} on ${OUTPUT_NAME[s.output]}${gross ? ` (${s.proxy} is both the proxy and an input)` : ''}; stage 1: ${spec.y} on a polynomial of degree ${s.degree} in (${s.method === 'acf' ? [...spec.x, s.state, s.proxy].join(', ') : `${s.state}, ${s.proxy}`})${s.method === 'acf' ? ' (all inputs inside, no stage-1 coefficients)' : ` plus ${spec.x.join(', ')} linearly`}`,
      `stage 2: ω = φ̂ − Xβ (X = ${(s.method === 'acf' ? terms : terms.slice(F)).join(', ')}), law of motion ω_t = g(ω_{t−1}) a cubic fitted by OLS, ξ = ω_t − ĝ; lags by the panel time (a gap gives no lag)`,
      ...(s.method === 'op' ? ["Olley–Pakes without the exit (selection) correction; rows with a missing proxy (e.g. log of zero investment) are outside the sample"] : []),
      `standard errors: firm-block bootstrap, ${draws.length} of ${s.reps} replications, seed ${s.seed}; z tests`,
      `_ltfp = ${spec.y} − ${terms.map((t) => `β(${t})·${t}`).join(' − ')} (log TFP of ${OUTPUT_NAME[s.output]}; includes the constant and the transmitted productivity; not demeaned)`,
    ],
  };
  const result: EstimationResult = {
    estimator: 'tfp',
    spec,
    engineVersion: ENGINE_VERSION,
    nobs: n,
    coefficients,
    omitted: [],
    vcov: { type: 'cluster', clusters: [{ variable: spec.panel.id, groups }], convention: `firm-block bootstrap (${draws.length} replications, seed ${s.seed}); z tests`, dof: groups - 1, small_sample_factor: 1, distribution: 'normal' },
    vcov_matrix: Array.from({ length: K }, (_, a) => Array.from(V.subarray(a * K, (a + 1) * K))),
    fit: {
      r2: { na: 'not defined for a control-function production function' },
      adj_r2: { na: 'not defined for a control-function production function' },
      r2_kind: 'centered',
      rmse: Number.NaN,
      rss: Number.NaN,
      loglik: { na: 'GMM estimator' },
      df_model: K,
      df_resid: n - K,
      f_stat: { na: 'GMM estimator' },
      returns_to_scale: rts,
      gmm_criterion: main.fit.criterion,
      nobs_stage2: main.fit.nStage2,
      firms: groups,
      ols_returns_to_scale: sumOf(cmp.ols),
      fe_returns_to_scale: sumOf(cmp.fe),
    },
    diagnostics,
    sample: { n_input: source.nrows, dropped_missing: source.nrows - n, dropped_singletons: 0, groups: { [spec.panel.id]: groups } },
    fixed_effects: [],
    tfp,
    warnings,
    timing_ms: timing,
  };
  const ltfp = new Float64Array(source.nrows).fill(Number.NaN);
  for (let r = 0, i = 0; r < mask.length; r++) if (mask[r]) ltfp[r] = ltfpRows[i++];
  lap('result');
  progress('result', 1);
  return { result, ltfp };
}

/** Log TFP as a new dataset column (main / the CLI write it after a tfp model). */
export function tfpColumns(spec: ModelSpec, out: TfpOutput): ToolOutputColumn[] {
  const inputs = [spec.y, ...spec.x, ...(typeof spec.options.state === 'string' ? [spec.options.state] : []), ...(typeof spec.options.proxy === 'string' ? [spec.options.proxy] : [])];
  const gross = spec.options.output === 'gross';
  const method = String(spec.options.method ?? 'lp').toUpperCase();
  const label = { zh: `全要素生产率（对数，${method}，${gross ? '总产出' : '增加值'}）：y − Σβ·投入`, en: `log TFP (${method}, ${gross ? 'gross output' : 'value added'}): y − Σβ·inputs` };
  return [{ name: '_ltfp', column: { kind: 'numeric', values: out.ltfp }, label, replace: true, inputs }];
}

/**
 * Refuses a constant output and inputs (free, state and, in gross output, the proxy) that are
 * constant or collinear with the inputs before them — with their names, before any stage runs:
 * each input is regressed on the constant and the inputs listed before it (Gram–Schmidt on centred
 * columns); an R² above 1 − 1e-10 is collinearity.
 */
function checkVariation(d: TfpData, y: string, free: string[], state: string, proxy: string | null): void {
  const n = d.n;
  const centred = (v: Float64Array) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += v[i];
    m /= n;
    return Float64Array.from(v, (a) => a - m);
  };
  const ss = (v: Float64Array) => {
    let t = 0;
    for (let i = 0; i < n; i++) t += v[i] * v[i];
    return t;
  };
  const cy = centred(d.y);
  if (!(ss(cy) > 1e-20 * ss(d.y))) throw new AppError('BAD_DATA', `tfp: the output "${y}" is constant in the estimation sample (${n} rows); there is nothing to explain`);
  const inputs = [...free.map((name, j) => ({ name, v: d.free[j] })), { name: state, v: d.state }, ...(proxy ? [{ name: proxy, v: d.proxy }] : [])];
  const basis: Float64Array[] = [];
  const seen: string[] = [];
  for (const inp of inputs) {
    const r = centred(inp.v);
    const total = ss(r);
    if (!(total > 1e-20 * ss(inp.v))) throw new AppError('BAD_DATA', `tfp: the input "${inp.name}" is constant in the estimation sample; its coefficient is not identified (a constant input is part of the intercept)`);
    for (const q of basis) {
      let c = 0;
      for (let i = 0; i < n; i++) c += r[i] * q[i];
      for (let i = 0; i < n; i++) r[i] -= c * q[i];
    }
    const rest = ss(r);
    if (rest <= 1e-10 * total) throw new AppError('BAD_DATA', `tfp: the input "${inp.name}" is collinear with ${seen.map((x) => `"${x}"`).join(', ')} (it is a linear function of ${seen.length === 1 ? 'it' : 'them'} and the constant); its coefficient is not identified`);
    const norm = Math.sqrt(rest);
    basis.push(Float64Array.from(r, (a) => a / norm));
    seen.push(inp.name);
  }
}
