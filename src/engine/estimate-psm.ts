// Propensity-score matching end to end, as psmatch2 + pstest (Leuven & Sianesi, psmatch2.ado
// 4.0.12): sample (complete cases) → score model (logit or probit of the treatment on x, the
// `logit`/`probit` estimator's code) → common support → matching within exact cells (and years) →
// ATT (ATU, ATE) with psmatch2's approximate S.E. → balance table (pstest) → per-row variables
// _pscore, _weight, _support for a later "matched-sample" regression. Conventions: docs/psm.md.
import { AppError } from '../shared/errors.js';
import type { CoefficientRow, Diagnostic, EstimationResult, NotApplicable, PsmEffect, PsmResult } from '../shared/result.js';
import type { ModelSpec } from '../shared/spec.js';
import { stopwatch } from './clock.js';
import { type Column, type ColumnSource, compress, numericColumn } from './data.js';
import type { ProgressFn } from './estimate.js';
import { prepareBinary } from './estimate-binary.js';
import { type BinaryLink, binaryVcov, linkProbability } from './models/binary.js';
import { balanceTable } from './psm/balance.js';
import { scoreDensity } from '../shared/chart/psm-density.js';
import { KERNELS, type KernelType, kernelMatch } from './psm/kernel.js';
import { nearestMatch } from './psm/nearest.js';
import { randomRanks } from './psm/random.js';
import type { MatchSet } from './psm/types.js';
import { normalInference } from './result.js';
import { refuseConstantOutcome, sampleMask } from './sample.js';
import { chi2UpperP, normalCdf } from './stats/distributions.js';
import { ENGINE_VERSION } from './version.js';

export interface PsmOutput {
  result: EstimationResult;
  /** psmatch2 _weight per input row: 1 treated on support, Σ 1/m for used controls, NaN otherwise. */
  weights: Float64Array;
  /** psmatch2 _pscore per input row (the probability), NaN outside the sample. */
  score: Float64Array;
  /** psmatch2 _support per input row: 1 on support, 0 off support or outside the sample. */
  support: Uint8Array;
  /** psmatch2 _treated per input row: 1 treated, 0 control, NaN outside the sample. */
  treated: Float64Array;
}

type MatchOrder = 'smallest' | 'largest' | 'data' | 'random';

interface PsmSettings {
  link: BinaryLink;
  method: 'nearest' | 'kernel' | 'radius';
  k: number;
  replacement: boolean;
  caliper: number;
  caliperUnit: 'score' | 'sd_logit';
  ties: boolean;
  common: boolean;
  exact: string[];
  bandwidth: number;
  kernel: KernelType;
  matchBy: 'pooled' | 'year';
  seed: number;
  order: MatchOrder;
  rule: 'psmatch2' | 'matchit';
}

function settings(spec: ModelSpec): PsmSettings {
  const o = spec.options;
  const bad = (msg: string) => new AppError('INVALID_ARGUMENT', `psm: ${msg}`);
  const method = o.match_method ?? 'nearest';
  if (!['nearest', 'kernel', 'radius'].includes(method)) throw bad(`unknown matching method "${String(method)}"`);
  const k = o.neighbors ?? 1;
  if (!Number.isInteger(k) || k < 1) throw bad(`the number of neighbours must be a whole number ≥ 1 (got ${k})`);
  const caliper = o.caliper ?? 0;
  if (!(caliper >= 0)) throw bad(`the caliper must be ≥ 0 (got ${caliper})`);
  const replacement = o.replacement ?? true;
  if (!replacement && method !== 'nearest') throw bad('matching without replacement is only available for nearest-neighbour matching');
  if (method === 'radius' && !(caliper > 0)) throw bad('radius matching needs a caliper (the radius) > 0');
  const bandwidth = o.bandwidth ?? 0.06;
  if (!(bandwidth > 0)) throw bad(`the kernel bandwidth must be > 0 (got ${bandwidth})`);
  const kernel = (o.kernel as KernelType | undefined) ?? 'epan';
  if (!KERNELS.includes(kernel)) throw bad(`unknown kernel "${String(kernel)}" (use ${KERNELS.join(', ')})`);
  const matchBy = o.match_by ?? 'pooled';
  if (matchBy === 'pre_means' && !spec.panel) throw bad('matching on pre-treatment means needs the panel id and time variables (spec.panel)');
  if (matchBy === 'year' && !spec.panel) throw bad('matching within years needs the panel time variable (spec.panel)');
  const order = (o.match_order as MatchOrder | undefined) ?? 'smallest';
  if (!['smallest', 'largest', 'data', 'random'].includes(order)) throw bad(`unknown match_order "${String(order)}"`);
  const rule = o.tie_rule ?? 'psmatch2';
  if (rule !== 'psmatch2' && rule !== 'matchit') throw bad(`unknown tie_rule "${String(rule)}" (psmatch2 or matchit)`);
  const seed = o.seed ?? 12345;
  if (!Number.isFinite(seed)) throw bad('the seed must be a number');
  return {
    link: o.score === 'logit' ? 'logit' : 'probit',
    method,
    k,
    replacement,
    caliper,
    caliperUnit: o.caliper_unit === 'sd_logit' ? 'sd_logit' : 'score',
    ties: o.ties === true,
    common: o.common_support === true,
    exact: o.exact ?? [],
    bandwidth,
    kernel,
    matchBy: matchBy === 'year' ? 'year' : 'pooled',
    seed,
    order,
    rule,
  };
}

/** Cell id per sample row from the exact-matching variables (and the year). */
function cellIds(source: ColumnSource, names: string[], rows: Int32Array): { ids: Int32Array; cells: number } {
  const n = rows.length;
  const ids = new Int32Array(n);
  if (names.length === 0) return { ids, cells: 1 };
  const cols = names.map((name) => source.get(name));
  const map = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const key = cols.map((c) => (c.kind === 'numeric' ? c.values[r] : c.codes[r])).join('|');
    let id = map.get(key);
    if (id === undefined) {
      id = map.size;
      map.set(key, id);
    }
    ids[i] = id;
  }
  return { ids, cells: map.size };
}

/** Matches of each focal row (CSR over the focalRows order); partners are sample rows. */
interface CellMatches {
  start: Int32Array;
  partner: Int32Array;
  weight: Float64Array;
  /** Cells with both focal and pool units. */
  cells: number;
}

function matchGroup(fr: Int32Array, pr: Int32Array, dist: Float64Array, rank: Int32Array, s: PsmSettings, caliper: number): MatchSet {
  const fv = Float64Array.from(fr, (r) => dist[r]);
  const pv = Float64Array.from(pr, (r) => dist[r]);
  if (s.method !== 'nearest') return kernelMatch(fv, pv, s.method === 'radius' ? 'uniform' : s.kernel, s.method === 'radius' ? caliper : s.bandwidth);
  const order = Int32Array.from({ length: fr.length }, (_, i) => i);
  if (!s.replacement) {
    const rk = (i: number) => rank[fr[i]];
    if (s.order === 'smallest') order.sort((a, b) => fv[a] - fv[b] || rk(a) - rk(b));
    else if (s.order === 'largest') order.sort((a, b) => fv[b] - fv[a] || fr[a] - fr[b]);
    else if (s.order === 'random') order.sort((a, b) => rk(a) - rk(b));
  }
  return nearestMatch(fv, pv, Int32Array.from(pr, (r) => rank[r]), { k: s.k, replacement: s.replacement, caliper, ties: s.ties, order, rule: s.rule, focalRank: Int32Array.from(fr, (r) => rank[r]) });
}

/** Matching cell by cell (exact cells, years): focal and pool rows grouped by a counting sort. */
function matchInCells(focalRows: Int32Array, poolRows: Int32Array, dist: Float64Array, rank: Int32Array, cell: { ids: Int32Array; cells: number }, s: PsmSettings, caliper: number): CellMatches {
  const F = focalRows.length;
  if (cell.cells === 1) {
    const ms = poolRows.length > 0 ? matchGroup(focalRows, poolRows, dist, rank, s, caliper) : { start: new Int32Array(F + 1), partner: new Int32Array(0), weight: new Float64Array(0) };
    return { start: ms.start, partner: Int32Array.from(ms.partner, (p) => poolRows[p]), weight: ms.weight, cells: poolRows.length > 0 && F > 0 ? 1 : 0 };
  }
  const G = cell.cells;
  const group = (rowsIn: Int32Array) => {
    const cnt = new Int32Array(G + 1);
    for (const r of rowsIn) cnt[cell.ids[r] + 1]++;
    for (let g = 0; g < G; g++) cnt[g + 1] += cnt[g];
    const pos = cnt.slice();
    const byCell = new Int32Array(rowsIn.length); // positions into rowsIn
    rowsIn.forEach((r, i) => (byCell[pos[cell.ids[r]]++] = i));
    return { cnt, byCell };
  };
  const gf = group(focalRows);
  const gp = group(poolRows);
  const counts = new Int32Array(F);
  const parts: { fpos: Int32Array; pr: Int32Array; ms: MatchSet }[] = [];
  let cells = 0;
  for (let g = 0; g < G; g++) {
    const fpos = gf.byCell.subarray(gf.cnt[g], gf.cnt[g + 1]);
    const ppos = gp.byCell.subarray(gp.cnt[g], gp.cnt[g + 1]);
    if (fpos.length === 0 || ppos.length === 0) continue;
    cells++;
    const fr = Int32Array.from(fpos, (i) => focalRows[i]);
    const pr = Int32Array.from(ppos, (i) => poolRows[i]);
    const ms = matchGroup(fr, pr, dist, rank, s, caliper);
    fpos.forEach((fi, f) => (counts[fi] = ms.start[f + 1] - ms.start[f]));
    parts.push({ fpos, pr, ms });
  }
  const start = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) start[f + 1] = start[f] + counts[f];
  const partner = new Int32Array(start[F]);
  const weight = new Float64Array(start[F]);
  for (const { fpos, pr, ms } of parts) {
    fpos.forEach((fi, f) => {
      let o = start[fi];
      for (let q = ms.start[f]; q < ms.start[f + 1]; q++, o++) {
        partner[o] = pr[ms.partner[q]];
        weight[o] = ms.weight[q];
      }
    });
  }
  return { start, partner, weight, cells };
}

function variance(v: number[]): number {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
}

function effect(estimate: number, treatedMean: number, controlMean: number, se: number | NotApplicable, n: number): PsmEffect {
  const out: PsmEffect = { estimate, treated_mean: treatedMean, control_mean: controlMean, std_error: se, n };
  if (typeof se === 'number' && se > 0) {
    out.statistic = estimate / se;
    out.p_value = 2 * normalCdf(-Math.abs(out.statistic));
  }
  return out;
}

export function estimatePsm(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): PsmOutput {
  if (spec.options.match_by === 'pre_means') return estimatePsmPreMeans(spec, source, progress);
  const { timing, lap } = stopwatch();
  progress('prepare', 0);
  const s = settings(spec);
  if (!spec.treatment) throw new AppError('INVALID_ARGUMENT', 'psm: choose the treatment variable (1 = treated, 0 = control)');
  if (spec.x.length === 0) throw new AppError('INVALID_ARGUMENT', 'psm: the propensity score needs at least one covariate');
  const treatName = spec.treatment;
  const yAll = numericColumn(source, spec.y, 'outcome');
  const tAll = numericColumn(source, treatName, 'treatment');
  const xAll = spec.x.map((x) => numericColumn(source, x, 'covariate'));
  const cellNames = [...s.exact, ...(s.matchBy === 'year' && spec.panel ? [spec.panel.time] : [])];
  const used: { name: string; column: Column }[] = [
    { name: spec.y, column: { kind: 'numeric', values: yAll } },
    { name: treatName, column: { kind: 'numeric', values: tAll } },
    ...spec.x.map((name, j) => ({ name, column: { kind: 'numeric', values: xAll[j] } as Column })),
    ...[...new Set(cellNames)].map((name) => ({ name, column: source.get(name) })),
  ];
  const { mask, count } = sampleMask(source, used);
  const t0 = compress(tAll, mask, count);
  const X0 = xAll.map((c) => compress(c, mask, count));
  lap('prepare');
  progress('estimate', 0.1);

  // score model (psmatch2 estimates it with `logit` or `probit` and keeps e(sample))
  const prep = prepareBinary(t0, X0, spec.x, count, s.link, true, treatName);
  const fit = prep.fit;
  const n = fit.n;
  const rows = new Int32Array(n); // input row of each sample row
  {
    let j = 0;
    let m = 0;
    for (let r = 0; r < mask.length; r++) {
      if (!mask[r]) continue;
      if (!prep.keep || prep.keep[j]) rows[m++] = r;
      j++;
    }
  }
  const y = Float64Array.from(rows, (r) => yAll[r]);
  refuseConstantOutcome(y, y.length, spec.y, 'the outcome');
  const t = Uint8Array.from(rows, (r) => (tAll[r] > 0.5 ? 1 : 0));
  const X = xAll.map((c) => Float64Array.from(rows, (r) => c[r]));
  const ps = Float64Array.from(fit.xb, (xb) => linkProbability(s.link, xb));
  lap('score');
  progress('estimate', 0.4);

  // distance and caliper
  const byIndex = s.caliperUnit === 'sd_logit';
  const dist = byIndex ? fit.xb : ps;
  let caliper = Infinity;
  if (s.caliper > 0) {
    if (byIndex) {
      let m = 0;
      for (let i = 0; i < n; i++) m += dist[i];
      m /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (dist[i] - m) ** 2;
      caliper = s.caliper * Math.sqrt(ss / (n - 1));
    } else caliper = s.caliper;
  }
  const notes: string[] = [];
  const warnings = [...prep.warnings];

  // common support on the score (psmatch2 `common`: treated outside [min, max] of the controls)
  const support = new Uint8Array(n).fill(1);
  const controlSupport = new Uint8Array(n).fill(1); // for the ATU direction
  let minC = Infinity;
  let maxC = -Infinity;
  let minT = Infinity;
  let maxT = -Infinity;
  for (let i = 0; i < n; i++) {
    if (t[i]) {
      minT = Math.min(minT, ps[i]);
      maxT = Math.max(maxT, ps[i]);
    } else {
      minC = Math.min(minC, ps[i]);
      maxC = Math.max(maxC, ps[i]);
    }
  }
  if (s.common) {
    for (let i = 0; i < n; i++) {
      if (t[i] && (ps[i] < minC || ps[i] > maxC)) support[i] = 0;
      if (!t[i] && (ps[i] < minT || ps[i] > maxT)) controlSupport[i] = 0;
    }
  }

  // tie-breaking order: seeded random (psmatch2 after a random sort) or the data order (MatchIt)
  const rank = s.rule === 'matchit' ? Int32Array.from({ length: n }, (_, i) => i) : randomRanks(n, s.seed);
  const cell = cellIds(source, cellNames, rows);
  const treatedList: number[] = [];
  const controlList: number[] = [];
  for (let i = 0; i < n; i++) {
    if (t[i] && support[i]) treatedList.push(i);
    else if (!t[i]) controlList.push(i);
  }
  const treatedRows = Int32Array.from(treatedList);
  const controlRows = Int32Array.from(controlList);
  const att = matchInCells(treatedRows, controlRows, dist, rank, cell, s, caliper);
  lap('match');
  progress('estimate', 0.6);

  // weights (psmatch2 _weight) and the ATT
  const W = new Float64Array(n);
  let sumY1 = 0;
  let sumY0 = 0;
  let n1 = 0;
  let pairs = 0;
  const y1: number[] = [];
  treatedRows.forEach((i, f) => {
    const a = att.start[f];
    const b = att.start[f + 1];
    if (a === b) {
      support[i] = 0;
      return;
    }
    W[i] = 1;
    n1++;
    sumY1 += y[i];
    y1.push(y[i]);
    pairs += b - a;
    for (let q = a; q < b; q++) {
      W[att.partner[q]] += att.weight[q];
      sumY0 += att.weight[q] * y[att.partner[q]];
    }
  });
  if (n1 === 0) throw new AppError('ESTIMATION', 'psm: no treated unit found a match (check the caliper, the common-support restriction and the exact-matching cells)');
  const y0Used: number[] = [];
  let wtot = 0;
  let controlsUsed = 0;
  for (const i of controlRows) {
    if (W[i] > 0) {
      controlsUsed++;
      y0Used.push(y[i]);
      wtot += W[i] * W[i];
    }
  }
  const attEst = sumY1 / n1 - sumY0 / n1;
  // psmatch2's approximate S.E.: independent observations, the score taken as known
  const var1 = n1 > 1 ? variance(y1) : Number.NaN;
  const var0 = y0Used.length > 1 ? variance(y0Used) : Number.NaN;
  const kernelish = s.method !== 'nearest';
  const attSe = Math.sqrt(var1 / n1 + (var0 * wtot) / (n1 * n1));
  const attEffect = effect(attEst, sumY1 / n1, sumY0 / n1, Number.isFinite(attSe) ? attSe : { na: 'fewer than two treated or matched controls' }, n1);

  // unmatched difference (psmatch2: regress y on the treatment over the whole sample)
  let s1 = 0;
  let s0 = 0;
  let c1 = 0;
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    if (t[i]) {
      s1 += y[i];
      c1++;
    } else {
      s0 += y[i];
      c0++;
    }
  }
  const mu1 = s1 / c1;
  const mu0 = s0 / c0;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - (t[i] ? mu1 : mu0)) ** 2;
  const unmatched = effect(mu1 - mu0, mu1, mu0, Math.sqrt((rss / (n - 2)) * (1 / c1 + 1 / c0)), n);

  // ATU and ATE (psmatch2 `ate`: controls matched to the treated the same way), with replacement only
  // as psmatch2, only with the `ate` option: matching every control too costs as much again
  const wantAte = spec.options.ate === true;
  let atu: PsmEffect | NotApplicable = { na: wantAte ? 'the ATU needs matching with replacement (psmatch2 ate)' : 'reported with the ate option (psmatch2 ate)' };
  let ate: PsmEffect | NotApplicable = { na: wantAte ? 'the ATE needs matching with replacement (psmatch2 ate)' : 'reported with the ate option (psmatch2 ate)' };
  if (s.replacement && wantAte) {
    const focal = controlRows.filter((i) => controlSupport[i] === 1);
    // psmatch2 runs this matching before the ATT's, so the pool is every treated unit on common support
    const atuM = matchInCells(focal, treatedRows, dist, rank, cell, s, caliper);
    let n0 = 0;
    let a1 = 0;
    let a0 = 0;
    focal.forEach((i, f) => {
      const a = atuM.start[f];
      const b = atuM.start[f + 1];
      if (a === b) return;
      n0++;
      a0 += y[i];
      for (let q = a; q < b; q++) a1 += atuM.weight[q] * y[atuM.partner[q]];
    });
    if (n0 > 0) {
      const atuEst = a1 / n0 - a0 / n0;
      const noSe = { na: 'psmatch2 reports no standard error for the ATU and ATE (only with ai(), Abadie–Imbens)' };
      atu = effect(atuEst, a1 / n0, a0 / n0, noSe, n0);
      ate = effect((attEst * n1 + atuEst * n0) / (n1 + n0), Number.NaN, Number.NaN, noSe, n1 + n0);
      (ate as PsmEffect).treated_mean = ((sumY1 / n1) * n1 + (a1 / n0) * n0) / (n1 + n0);
      (ate as PsmEffect).control_mean = ((sumY0 / n1) * n1 + (a0 / n0) * n0) / (n1 + n0);
    }
  }
  lap('effects');
  progress('estimate', 0.75);

  // balance (pstest, both): treated weight = support, controls = _weight
  const mw = new Float64Array(n);
  for (let i = 0; i < n; i++) mw[i] = t[i] ? support[i] : W[i];
  const balance = balanceTable({ names: prep.terms.filter((term) => term !== '(Intercept)'), X: prep.terms.filter((term) => term !== '(Intercept)').map((term) => X[spec.x.indexOf(term)]), treated: t, weights: mw, n,
    // pstest's probit on the same design: start from the score model (a logit's β/1.6, Amemiya)
    start: prep.interceptIndex === 0 ? Float64Array.from(fit.beta, (b) => (s.link === 'logit' ? b / 1.6 : b)) : null,
  });
  lap('balance');
  progress('result', 0.9);

  notes.push('S.E. of the ATT: psmatch2\'s approximation √(V₁/N₁ + V₀·Σw²/N₁²); it treats observations as independent and does not take into account that the propensity score is estimated (bootstrap or Abadie–Imbens for inference)');
  if (kernelish) notes.push('with kernel or radius matching the psmatch2 S.E. is known to be unreliable; prefer bootstrapped standard errors');
  if (s.ties) notes.push('ties: every control at exactly the k-th distance is also matched, each match of a treated unit weighted 1/m');
  warnings.push(notes[0]);

  // result: the score model's coefficients (iid, z tests) and the psm summary
  const k = fit.k;
  const vc = binaryVcov(fit, prep.X, 'iid');
  const coefRows: CoefficientRow[] = prep.terms.map((term, j) => {
    const se = Math.sqrt(vc.V[j * k + j]);
    return { term, estimate: fit.beta[j], std_error: se, statistic: fit.beta[j] / se, p_value: 0, conf_low: 0, conf_high: 0 };
  });
  const vcovMatrix: number[][] = [];
  for (let i = 0; i < k; i++) vcovMatrix.push(Array.from(vc.V.subarray(i * k, (i + 1) * k)));
  const lr = 2 * (fit.loglik - prep.ll0);
  const psm: PsmResult = {
    treatment: treatName,
    outcome: spec.y,
    method: s.method,
    score_model: s.link,
    distance: byIndex ? 'index' : 'pscore',
    neighbors: s.k,
    replacement: s.replacement,
    ties: s.ties,
    common_support: s.common,
    caliper: Number.isFinite(caliper) ? caliper : null,
    bandwidth: s.method === 'kernel' ? s.bandwidth : s.method === 'radius' ? caliper : null,
    kernel: s.method === 'kernel' ? s.kernel : s.method === 'radius' ? 'uniform' : null,
    exact: s.exact,
    match_by: s.matchBy,
    match_order: s.replacement ? 'irrelevant with replacement' : s.order,
    seed: s.seed,
    effects: { unmatched, att: attEffect, atu, ate },
    counts: {
      treated: c1,
      controls: c0,
      treated_on_support: n1,
      treated_off_support: c1 - n1,
      controls_on_support: c0,
      controls_matched: controlsUsed,
      matches: pairs,
      cells: att.cells,
    },
    balance: balance.rows,
    summary: balance.summary,
    notes,
  };
  // score densities for the charts (before matching: all units; after: the pstest weights mw)
  psm.density = scoreDensity(ps, t, mw);
  const diag = (id: string, name: string, e: PsmEffect | NotApplicable): Diagnostic =>
    'na' in e
      ? { id, name, statistic: e }
      : { id, name, statistic: e.statistic ?? { na: typeof e.std_error === 'number' ? 'zero standard error' : e.std_error.na }, ...(e.p_value !== undefined ? { p_value: e.p_value } : {}), note: `${name} = ${e.estimate}${typeof e.std_error === 'number' ? ` (S.E. ${e.std_error})` : ''}` };
  const result: EstimationResult = {
    estimator: 'psm',
    spec,
    engineVersion: ENGINE_VERSION,
    nobs: n,
    coefficients: normalInference(coefRows, spec.options.level ?? 0.95),
    omitted: prep.omitted,
    vcov: { type: 'iid', clusters: [], convention: `propensity-score model (${s.link}): ${vc.convention}; z tests`, dof: n - k, small_sample_factor: 1, distribution: 'normal' },
    vcov_matrix: vcovMatrix,
    fit: {
      r2: { na: 'not defined for the score model; see r2_p' },
      adj_r2: { na: 'not defined for the score model' },
      r2_kind: 'centered',
      rmse: Number.NaN,
      rss: Number.NaN,
      loglik: fit.loglik,
      ll_0: prep.ll0,
      r2_p: 1 - fit.loglik / prep.ll0,
      chi2: lr,
      chi2_df: k - 1,
      chi2_p: chi2UpperP(lr, k - 1),
      chi2_type: 'LR',
      df_model: k - 1,
      df_resid: n - k,
      f_stat: { na: 'maximum-likelihood score model: see chi2' },
      iterations: fit.iterations,
    },
    diagnostics: [diag('att', 'ATT', attEffect), diag('atu', 'ATU', atu), diag('ate', 'ATE', ate), diag('unmatched', 'Unmatched difference', unmatched)],
    sample: { n_input: source.nrows, dropped_missing: source.nrows - count, dropped_singletons: prep.droppedRows, groups: {} },
    fixed_effects: [],
    psm,
    warnings,
    timing_ms: timing,
  };

  // per-input-row variables
  const weights = new Float64Array(source.nrows).fill(Number.NaN);
  const score = new Float64Array(source.nrows).fill(Number.NaN);
  const supportOut = new Uint8Array(source.nrows);
  const treatedOut = new Float64Array(source.nrows).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    score[r] = ps[i];
    treatedOut[r] = t[i];
    supportOut[r] = t[i] ? support[i] : 1;
    if (W[i] > 0) weights[r] = W[i];
  }
  lap('result');
  progress('result', 1);
  return { result, weights, score, support: supportOut, treated: treatedOut };
}

/**
 * Panel variant `match_by: 'pre_means'`: units are matched once, on their covariates averaged over
 * the periods before they were first treated (never-treated units: over all their periods). A unit
 * is treated if its treatment is 1 in any period; its outcome is the mean over its treated periods
 * (treated units) or all periods (controls). The unit's matching weight, score, support and status
 * are then given to every row of the unit, so `_weight < .` selects whole matched units for the
 * panel regression that follows (the usual PSM-DID).
 */
function estimatePsmPreMeans(spec: ModelSpec, source: ColumnSource, progress: ProgressFn): PsmOutput {
  const panel = spec.panel;
  if (!panel) throw new AppError('INVALID_ARGUMENT', 'psm: matching on pre-treatment means needs the panel id and time variables (spec.panel)');
  const treatName = spec.treatment ?? '';
  const t = numericColumn(source, treatName, 'treatment');
  const y = numericColumn(source, spec.y, 'outcome');
  const time = numericColumn(source, panel.time, 'panel time variable');
  const X = spec.x.map((x) => numericColumn(source, x, 'covariate'));
  const idCol = source.get(panel.id);
  const n = source.nrows;
  // unit index per row
  const unitOf = new Int32Array(n).fill(-1);
  const key = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const k = idCol.kind === 'numeric' ? idCol.values[i] : idCol.codes[i];
    if (idCol.kind === 'numeric' ? !(k === k) : (k as number) < 0) continue;
    let u = key.get(k);
    if (u === undefined) {
      u = key.size;
      key.set(k, u);
    }
    unitOf[i] = u;
  }
  const units = key.size;
  const first = new Float64Array(units).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const u = unitOf[i];
    if (u < 0 || !(t[i] === t[i])) continue;
    if (t[i] !== 0 && t[i] !== 1) throw new AppError('BAD_DATA', `psm: the treatment "${treatName}" must be 0 or 1; row ${i + 1} has ${t[i]}`);
    if (t[i] === 1 && time[i] < first[u]) first[u] = time[i];
  }
  const sums = X.map(() => new Float64Array(units));
  const counts = X.map(() => new Float64Array(units));
  const ySum = new Float64Array(units);
  const yCount = new Float64Array(units);
  for (let i = 0; i < n; i++) {
    const u = unitOf[i];
    if (u < 0) continue;
    const treated = first[u] < Infinity;
    const pre = !treated || time[i] < first[u];
    if (pre)
      X.forEach((x, j) => {
        if (x[i] - x[i] === 0) {
          sums[j][u] += x[i];
          counts[j][u]++;
        }
      });
    const post = treated ? t[i] === 1 : true;
    if (post && y[i] - y[i] === 0) {
      ySum[u] += y[i];
      yCount[u]++;
    }
  }
  const unitCols: Record<string, Column> = {
    [spec.y]: { kind: 'numeric', values: Float64Array.from(ySum, (v, u) => (yCount[u] > 0 ? v / yCount[u] : Number.NaN)) },
    [treatName]: { kind: 'numeric', values: Float64Array.from(first, (f) => (f < Infinity ? 1 : 0)) },
  };
  spec.x.forEach((name, j) => {
    unitCols[name] = { kind: 'numeric', values: Float64Array.from(sums[j], (v, u) => (counts[j][u] > 0 ? v / counts[j][u] : Number.NaN)) };
  });
  for (const e of spec.options.exact ?? []) {
    // exact cells: the unit's value in its first row (time-invariant cells such as region × industry)
    const c = source.get(e);
    const firstRow = new Int32Array(units).fill(-1);
    for (let i = 0; i < n; i++) if (unitOf[i] >= 0 && firstRow[unitOf[i]] < 0) firstRow[unitOf[i]] = i;
    unitCols[e] = c.kind === 'numeric' ? { kind: 'numeric', values: Float64Array.from(firstRow, (r) => (r >= 0 ? c.values[r] : Number.NaN)) } : { kind: 'categorical', codes: Int32Array.from(firstRow, (r) => (r >= 0 ? c.codes[r] : -1)), levels: c.levels };
  }
  const { panel: _panel, ...rest } = spec;
  const unitSpec: ModelSpec = { ...rest, options: { ...spec.options, match_by: 'pooled' } };
  const out = estimatePsm(unitSpec, { nrows: units, get: (name) => {
    const c = unitCols[name];
    if (!c) throw new AppError('NOT_FOUND', `variable "${name}" is not in the dataset`);
    return c;
  } }, progress);
  // rows get their unit's values
  const weights = new Float64Array(n).fill(Number.NaN);
  const score = new Float64Array(n).fill(Number.NaN);
  const support = new Uint8Array(n);
  const treated = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const u = unitOf[i];
    if (u < 0) continue;
    weights[i] = out.weights[u];
    score[i] = out.score[u];
    support[i] = out.support[u];
    treated[i] = out.treated[u];
  }
  const result = out.result;
  result.spec = spec;
  if (result.psm) {
    result.psm.match_by = 'pre_means';
    result.psm.notes = [
      `matched ${units} units of ${panel.id} on their covariate means before first treatment (never-treated units: all periods); a unit's weight is given to all its rows, so _weight < . selects whole matched units`,
      ...result.psm.notes,
    ];
  }
  result.sample = { ...result.sample, n_input: n, groups: { ...result.sample.groups, [panel.id]: units } };
  return { result, weights, score, support, treated };
}
