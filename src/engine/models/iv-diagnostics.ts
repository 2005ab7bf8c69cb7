// The diagnostics ivreg2 (and ivreghdfe) report with an IV fit, with ivreg2's scalings:
// - first stage per endogenous regressor: partial R², Shea partial R², F of the excluded
//   instruments (robust/cluster Wald when the model is), Sanderson–Windmeijer F (K1 > 1);
// - underidentification: Anderson canonical-correlation LM (iid) or Kleibergen–Paap rk LM;
// - weak identification: Cragg–Donald Wald F (always) and Kleibergen–Paap rk Wald F (robust/cluster),
//   with Stock–Yogo critical values;
// - overidentification: Sargan (iid) or Hansen J (robust/cluster), not applicable when exactly identified;
// - endogeneity of all endogenous regressors: C (difference-in-Sargan/Hansen) statistic;
// - Anderson–Rubin Wald test of the endogenous coefficients = 0 (F and χ²).
// Shapes as in models/iv.ts. N = observations, L = instruments (incl. exogenous regressors), L1
// excluded, K1 endogenous; `sdofminus` = parameters partialled out with the fixed effects (the
// constant included), which ivreghdfe passes to ivreg2 as sdofminus(). Large-sample statistics use
// N (ivreg2's dofminus = 0). Cluster F conversions: χ²/(N−1)·(N−L−sdofminus)·(M−1)/M/L1 with M the
// (smallest) cluster count, as ivreg2. Sources: ivreg2 help file and Baum, Schaffer & Stillman
// (2007, Stata Journal 7(4)); Kleibergen & Paap (2006, J. Econometrics 133); ranktest (Kleibergen–
// Schaffer); Sanderson & Windmeijer (2016, J. Econometrics 190).
import type { Diagnostic } from '../../shared/result.js';
import type { ClusterIds } from '../covariance/types.js';
import { clusterMeat, observationMeat } from '../covariance/meat.js';
import { multiwayMeat } from '../covariance/multiway.js';
import { block, choleskyUpper, eigenDescending, inverse, kronecker, matMul, quadFormInverse, solve, symmetricFunction, symmetrize, transpose } from '../linalg/dense.js';
import { crossProducts, crossVector, residuals } from '../linalg/gram.js';
import { invertUpper } from '../linalg/qr.js';
import { invertSpdScaled } from '../linalg/small.js';
import { dot } from '../linalg/vector.js';
import { chi2UpperP, fUpperP } from '../stats/distributions.js';
import { type IvFit, partialOut, qCoef, residualOnZSquares } from './iv.js';
import { stockYogoNote } from './stock-yogo.js';

export interface IvDiagContext {
  clusters: ClusterIds[];
  /** iid → Anderson/Sargan; otherwise KP/Hansen with the robust or cluster meat. */
  robust: boolean;
  sdofminus: number;
}

export interface FirstStageStats {
  endogenous: string;
  partial_r2: number;
  shea_partial_r2: number;
  f_stat: number | null;
  f_df1: number;
  f_df2: number;
  f_p_value: number | null;
  sw_f: number | null;
  sw_df1: number;
  sw_chi2: number | null;
  sw_p_value: number | null;
  rmse: number;
  /**
   * The first-stage regression itself (of the endogenous regressor on Z through Q_Z): Q-basis
   * coefficients, residuals, RSS and, with robust or clustered SEs, the scores' meat on that basis —
   * the first-stage table's covariance takes them instead of fitting and summing again.
   */
  regression: { coef: Float64Array; resid: Float64Array; rss: number; meat: Float64Array | null };
}

/**
 * Σ s sᵀ (unscaled) of the scores cols ∘ e: HC, one-way or multi-way cluster; with `toQ` (upper,
 * Q = cols · toQ) on the Q basis, mapped as covariance/meat.ts does.
 */
export function scoreMeat(cols: Float64Array[], e: Float64Array, n: number, clusters: ClusterIds[], toQ: Float64Array | null = null, condition = Infinity): Float64Array {
  const p = cols.length;
  if (clusters.length === 0) return observationMeat(cols, e, n, p, toQ, condition);
  if (clusters.length === 1) return clusterMeat(cols, e, clusters[0].ids, clusters[0].groups, n, p, toQ, condition);
  return multiwayMeat(cols, e, clusters, n, p, toQ, condition);
}

function minClusters(clusters: ClusterIds[]): number {
  return clusters.reduce((m, c) => Math.min(m, c.groups), Infinity);
}

/**
 * Wald statistics that the coefficients `idx` of the regression of v on Z (through Q_Z, R_Z) are 0:
 * `classical` with σ² = RSS/N, `robust` with the raw sandwich (Z'Z)⁻¹ Σ (Z'Z)⁻¹ when the model's
 * SEs are robust or clustered (ivreg2's HC and cluster scalings of Ω cancel to this, dofminus = 0).
 * The residual goes into `scratch` (length n): no n-length array is allocated per call.
 */
function waldOnZ(fit: IvFit, v: Float64Array, idx: number[], ctx: IvDiagContext, scratch: Float64Array): { classical: number | null; robust: number | null; rss: number; coef: Float64Array; meat: Float64Array | null } {
  const { Z, n } = fit;
  const L = Z.length;
  const coef = qCoef(Z, fit.RzInv, v, n);
  const rss = residualOnZSquares(Z, fit.RzInv, coef, L, v, scratch, n);
  const e = scratch;
  const b = matMul(fit.RzInv, coef, L, L, 1);
  const bs = Float64Array.from(idx, (j) => b[j]);
  const q = idx.length;
  // V_b = R⁻¹ V_Q R⁻ᵀ with V_Q the covariance of the Q-basis coefficients
  const waldFor = (VQ: Float64Array) => {
    const Vb = matMul(matMul(fit.RzInv, VQ, L, L, L), transpose(fit.RzInv, L, L), L, L, L);
    const Vs = new Float64Array(q * q);
    for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) Vs[a * q + c] = Vb[idx[a] * L + idx[c]];
    const r = quadFormInverse(symmetrize(Vs, q), bs, q);
    return r.rankDeficit > 0 ? null : r.value;
  };
  const iidQ = new Float64Array(L * L);
  for (let i = 0; i < L; i++) iidQ[i * L + i] = rss / n;
  const classical = waldFor(iidQ);
  const meat = ctx.robust ? scoreMeat(Z, e, n, ctx.clusters, fit.RzInv, fit.zCondition) : null;
  const robust = meat ? waldFor(meat) : classical;
  return { classical, robust, rss, coef, meat };
}

/** ivreg2's conversion of a Wald χ² on `df1` restrictions to F, and the F's denominator df. */
function waldToF(wald: number, df1: number, fit: IvFit, ctx: IvDiagContext): { f: number; df2: number } {
  const N = fit.n;
  const L = fit.Z.length;
  if (ctx.clusters.length > 0) {
    const M = minClusters(ctx.clusters);
    return { f: (((wald / (N - 1)) * (N - L - ctx.sdofminus) * (M - 1)) / M) / df1, df2: M - 1 };
  }
  return { f: ((wald / N) * (N - L - ctx.sdofminus)) / df1, df2: N - L - ctx.sdofminus };
}

export function firstStageStats(fit: IvFit, ctx: IvDiagContext, gram: Float64Array = diagnosticsGram(fit), scratch = new Float64Array(fit.n)): FirstStageStats[] {
  const { n, kExog, X, Xhat } = fit;
  const K = X.length;
  const K1 = fit.endogNames.length;
  const L1 = fit.excludedNames.length;
  const exIdx = Array.from({ length: L1 }, (_, j) => kExog + j);
  // scaled to unit diagonal first: an endogenous regressor in units of 1e150 is not singular; X'X
  // is a block of the diagnostics' cross-products
  const xIdx = gramColumnsOfX(fit);
  const XXinv = invertSpdScaled(gramBlock(fit, gram, xIdx, xIdx), K);
  const out: FirstStageStats[] = [];
  const walds: (number | null)[] = [];
  for (let j = 0; j < K1; j++) {
    const col = kExog + j;
    const x = X[col];
    const w = waldOnZ(fit, x, exIdx, ctx, scratch);
    const regression = { coef: w.coef, resid: scratch.slice(0, n), rss: w.rss, meat: w.meat };
    const wc = w.classical ?? NaN;
    const partial = wc / n / (1 + wc / n);
    const wald = w.robust;
    walds.push(wald);
    const F = wald === null ? null : waldToF(wald, L1, fit, ctx);
    const shea = XXinv ? XXinv[col * K + col] / fit.bread2sls[col * K + col] : NaN;
    out.push({
      endogenous: fit.endogNames[j],
      partial_r2: partial,
      shea_partial_r2: shea,
      f_stat: F ? F.f : null,
      f_df1: L1,
      f_df2: F ? F.df2 : waldToF(1, L1, fit, ctx).df2,
      f_p_value: F ? fUpperP(F.f, L1, F.df2) : null,
      sw_f: null,
      sw_df1: L1 - K1 + 1,
      sw_chi2: null,
      sw_p_value: null,
      rmse: Math.sqrt(w.rss / (n - fit.Z.length - ctx.sdofminus)),
      regression,
    });
  }
  // Sanderson–Windmeijer: partial each endogenous regressor on the fitted values of the others
  // (coefficients from X̂_{−j}, applied to X_{−j}), then the F of the excluded instruments with
  // L1 − K1 + 1 numerator df. With one endogenous regressor it is the first-stage F.
  for (let j = 0; j < K1; j++) {
    const col = kExog + j;
    if (K1 === 1) {
      out[j] = { ...out[j], sw_f: out[j].f_stat, sw_chi2: walds[j], sw_p_value: out[j].f_p_value };
      continue;
    }
    const others = Array.from({ length: K }, (_, a) => a).filter((a) => a !== col);
    const Xh = others.map((a) => Xhat[a]);
    const G = crossProducts(Xh, n);
    const rhs = crossVector(Xh, X[col], n);
    const b1 = solve(G, rhs, others.length, 1);
    if (!b1) continue;
    const e = new Float64Array(n);
    residuals(others.map((a) => X[a]), b1, X[col], n, e);
    const w = waldOnZ(fit, e, exIdx, ctx, scratch).robust;
    if (w === null) continue;
    const df1 = L1 - K1 + 1;
    const F = waldToF(w, df1, fit, ctx);
    out[j] = { ...out[j], sw_f: F.f, sw_chi2: w, sw_p_value: fUpperP(F.f, df1, F.df2) };
  }
  return out;
}

/** Canonical correlations of the partialled X2 and Z1 and the pieces the rank tests need. */
interface Canonical {
  X2p: Float64Array[];
  Z1p: Float64Array[];
  pihat: Float64Array; // L1×K1
  theta: Float64Array; // L1×K1
  U: Float64Array; // L1×L1
  V: Float64Array; // K1×K1
  evals: Float64Array; // squared canonical correlations, descending (K1)
  irQyy: Float64Array;
  irQzz: Float64Array;
}

function canonical(fit: IvFit): Canonical | null {
  const { n, kExog } = fit;
  const K1 = fit.endogNames.length;
  const L1 = fit.excludedNames.length;
  const X2p = fit.X.slice(kExog).map((x) => partialOut(fit, kExog, x, n));
  const Z1p = fit.Z.slice(kExog).map((z) => partialOut(fit, kExog, z, n));
  const both = crossProducts([...Z1p, ...X2p], n).map((v) => v / n);
  const P = L1 + K1;
  const Qzz = block(both, P, 0, L1, 0, L1);
  const Qzy = block(both, P, 0, L1, L1, P);
  const Qyy = block(both, P, L1, P, L1, P);
  const Rzz = choleskyUpper(Qzz, L1);
  const Ryy = choleskyUpper(Qyy, K1);
  if (!Rzz || !Ryy) return null;
  const irQzz = invertUpper(Rzz, L1);
  const irQyy = invertUpper(Ryy, K1);
  const pihat = solve(Qzz, Qzy, L1, K1);
  if (!pihat) return null;
  const theta = matMul(matMul(Rzz, pihat, L1, L1, K1), irQyy, L1, K1, K1);
  const tT = transpose(theta, L1, K1);
  const left = eigenDescending(matMul(theta, tT, L1, K1, L1), L1);
  const right = eigenDescending(matMul(tT, theta, K1, L1, K1), K1);
  const evals = right.values.map((v) => Math.max(v, 0));
  if (evals[0] >= 1 - 1e-12) return null;
  return { X2p, Z1p, pihat, theta, U: left.vectors, V: right.vectors, evals, irQyy, irQzz };
}

/** Kleibergen–Paap rk statistic (ranktest) for rank K1 − 1 of Π, given the scores' Ω̂ (K1L1)². */
function kpStatistic(c: Canonical, shat0: Float64Array, n: number, K1: number, L1: number): { chi2: number; df: number } | null {
  const P = K1 * L1;
  const T = kronecker(transpose(c.irQyy, K1, K1), K1, K1, transpose(c.irQzz, L1, L1), L1, L1);
  const kpvar = symmetrize(matMul(matMul(T, shat0, P, P, P), transpose(T, P, P), P, P, P), P);
  const kk = K1 - 1;
  const rU = L1 - kk;
  const u22 = block(c.U, L1, kk, L1, kk, L1);
  const uFull = block(c.U, L1, 0, L1, kk, L1); // rows 0..L1 of the last rU columns: [u12; u22]
  const v22 = block(c.V, K1, kk, K1, kk, K1); // 1×1
  const vFull = block(c.V, K1, 0, K1, kk, K1); // K1×1
  const u22half = symmetricFunction(matMul(u22, transpose(u22, rU, rU), rU, rU, rU), rU, Math.sqrt);
  const v22half = Math.abs(v22[0]);
  const u22inv = inverse(u22, rU);
  if (!u22inv || v22[0] === 0) return null;
  const aq = matMul(matMul(uFull, u22inv, L1, rU, rU), u22half, L1, rU, rU); // L1×rU
  const bq = Float64Array.from(vFull, (v) => (v22half / v22[0]) * v); // 1×K1
  const kr = kronecker(bq, 1, K1, transpose(aq, L1, rU), rU, L1); // rU × K1L1
  const vecTheta = new Float64Array(P);
  for (let j = 0; j < K1; j++) for (let l = 0; l < L1; l++) vecTheta[j * L1 + l] = c.theta[l * K1 + j];
  const lab = matMul(kr, vecTheta, rU, P, 1);
  const vlab = symmetrize(matMul(matMul(kr, kpvar, rU, P, P), transpose(kr, rU, P), rU, P, rU), rU);
  const q = quadFormInverse(vlab, lab, rU);
  return { chi2: n * q.value, df: L1 - kk - q.rankDeficit };
}

/** Ω̂ of the K1·L1 scores v_j ∘ z_l (ranktest's shat0); `scores` are reused buffers of length n. */
function kpOmega(c: Canonical, Vhat: Float64Array[], n: number, clusters: ClusterIds[], scores: Float64Array[], ones: Float64Array): Float64Array {
  let s = 0;
  for (const v of Vhat)
    for (const z of c.Z1p) {
      const out = scores[s++];
      for (let i = 0; i < n; i++) out[i] = v[i] * z[i];
    }
  return scoreMeat(scores, ones, n, clusters).map((x) => x / n);
}

/**
 * J = N ḡ'Ω⁻¹ḡ at the two-step efficient GMM estimate with weight Ω⁻¹ (ivreg2's Hansen J), from the
 * cross-products Z'X (L×K, row-major) and Z'y: ḡ = (Z'y − Z'X b)/N needs no pass over the rows.
 */
function gmmJ(ZX: Float64Array, Zy: Float64Array, Omega: Float64Array, n: number, L: number, K: number): number | null {
  const QXZ = transpose(ZX, L, K).map((v) => v / n);
  const QZy = Zy.map((v) => v / n);
  const aux1 = solve(Omega, transpose(QXZ, K, L), L, K);
  const aux2 = solve(Omega, QZy, L, 1);
  if (!aux1 || !aux2) return null;
  const M = symmetrize(matMul(QXZ, aux1, K, L, K), K);
  const beta = solve(M, matMul(QXZ, aux2, K, L, 1), K, 1);
  if (!beta) return null;
  const g = matMul(ZX, beta, L, K, 1).map((v, l) => (Zy[l] - v) / n);
  return n * quadFormInverse(Omega, g, L).value;
}

function omegaOf(Z: Float64Array[], ZZ: Float64Array, e: Float64Array, n: number, ctx: IvDiagContext): Float64Array {
  if (!ctx.robust) {
    const s2 = dot(e, e, n) / n;
    return ZZ.map((v) => (v * s2) / n);
  }
  return symmetrize(scoreMeat(Z, e, n, ctx.clusters).map((v) => v / n), Z.length);
}

const na = (reason: string) => ({ na: reason });

/**
 * The cross-products of W = [Z, X2, y] (X1 is inside Z): every one the J statistics, the
 * endogeneity tests and the first stages' Shea R² need, in one pass (P = L + K1 + 1 columns).
 */
export function diagnosticsGram(fit: IvFit): Float64Array {
  return crossProducts([...fit.Z, ...fit.X.slice(fit.kExog), fit.y], fit.n);
}

/** The rows × cols block of diagnosticsGram (indices into W). */
function gramBlock(fit: IvFit, G: Float64Array, rows: number[], cols: number[]): Float64Array {
  const P = fit.Z.length + fit.endogNames.length + 1;
  const m = new Float64Array(rows.length * cols.length);
  rows.forEach((r, a) => cols.forEach((c, b) => (m[a * cols.length + b] = G[r * P + c])));
  return m;
}

/** Where X = [X1, X2] sits in W: X1 is Z's first kExog columns, X2 follows Z. */
function gramColumnsOfX(fit: IvFit): number[] {
  const L = fit.Z.length;
  return [...Array.from({ length: fit.kExog }, (_, a) => a), ...Array.from({ length: fit.endogNames.length }, (_, j) => L + j)];
}

export function ivDiagnostics(fit: IvFit, ctx: IvDiagContext, gram: Float64Array = diagnosticsGram(fit)): Diagnostic[] {
  const { n } = fit;
  const K = fit.X.length;
  const L = fit.Z.length;
  const K1 = fit.endogNames.length;
  const L1 = fit.excludedNames.length;
  const out: Diagnostic[] = [];
  const clustered = ctx.clusters.length > 0;
  // every cross-product the J statistics need: W = [Z, X2, y]
  const P = L + K1 + 1;
  const rowsOf = (rows: number[], cols: number[]) => gramBlock(fit, gram, rows, cols);
  const zIdx = Array.from({ length: L }, (_, l) => l);
  const x2Idx = Array.from({ length: K1 }, (_, j) => L + j);
  const xIdx = gramColumnsOfX(fit);
  const yIdx = [P - 1];
  const zrIdx = [...zIdx, ...x2Idx];
  const scratch = new Float64Array(n);
  const M = clustered ? minClusters(ctx.clusters) : 0;

  // identification
  const c = canonical(fit);
  const idDf = L1 - K1 + 1;
  if (!c) {
    const reason = 'the partialled instruments or endogenous regressors are collinear (canonical correlation of 1)';
    out.push({ id: 'underid', name: ctx.robust ? 'Kleibergen–Paap rk LM (underidentification)' : 'Anderson canonical correlation LM (underidentification)', statistic: na(reason), df: idDf });
    out.push({ id: 'weakid_cd', name: 'Cragg–Donald Wald F (weak identification)', statistic: na(reason) });
  } else {
    const minEval = c.evals[K1 - 1];
    // buffers for the K1·L1 rank-test scores, shared by the LM and Wald versions
    const scores = ctx.robust ? Array.from({ length: K1 * L1 }, () => new Float64Array(n)) : [];
    const ones = ctx.robust ? new Float64Array(n).fill(1) : new Float64Array(0);
    const cd = ((minEval / (1 - minEval)) * (n - L - ctx.sdofminus)) / L1;
    if (!ctx.robust) {
      const lm = n * minEval;
      out.push({ id: 'underid', name: 'Anderson canonical correlation LM (underidentification)', statistic: lm, df: idDf, p_value: chi2UpperP(lm, idDf), note: 'H0: the equation is underidentified (rank of the reduced-form coefficients < number of endogenous regressors)' });
    } else {
      const lmStat = kpStatistic(c, kpOmega(c, c.X2p, n, ctx.clusters, scores, ones), n, K1, L1);
      out.push(
        lmStat
          ? { id: 'underid', name: 'Kleibergen–Paap rk LM (underidentification)', statistic: lmStat.chi2, df: lmStat.df, p_value: chi2UpperP(lmStat.chi2, lmStat.df), note: 'H0: the equation is underidentified; robust to heteroskedasticity' + (clustered ? ' and clustering' : '') }
          : { id: 'underid', name: 'Kleibergen–Paap rk LM (underidentification)', statistic: na('the rank-test covariance is singular'), df: idDf },
      );
    }
    out.push({ id: 'weakid_cd', name: 'Cragg–Donald Wald F (weak identification)', statistic: cd, note: stockYogoNote(K1, L1) });
    if (ctx.robust) {
      const resid = c.X2p.map((x, j) => {
        const v = new Float64Array(n);
        residuals(c.Z1p, Float64Array.from({ length: L1 }, (_, l) => c.pihat[l * K1 + j]), x, n, v);
        return v;
      });
      const w = kpStatistic(c, kpOmega(c, resid, n, ctx.clusters, scores, ones), n, K1, L1);
      const f = w ? (clustered ? (((w.chi2 / (n - 1)) * (n - L - ctx.sdofminus) * (M - 1)) / M) / L1 : ((w.chi2 / n) * (n - L - ctx.sdofminus)) / L1) : null;
      out.push(
        f !== null
          ? { id: 'weakid_kp', name: 'Kleibergen–Paap rk Wald F (weak identification)', statistic: f, note: `${stockYogoNote(K1, L1)}; Stock–Yogo values are for iid errors, compare with caution` }
          : { id: 'weakid_kp', name: 'Kleibergen–Paap rk Wald F (weak identification)', statistic: na('the rank-test covariance is singular') },
      );
    }
  }

  // overidentification
  const overDf = L - K;
  const overName = ctx.robust ? 'Hansen J (overidentification)' : 'Sargan (overidentification)';
  if (overDf === 0) {
    out.push({ id: 'overid', name: overName, statistic: na('exactly identified: as many excluded instruments as endogenous regressors, so there are no overidentifying restrictions to test'), df: 0 });
  } else {
    let J: number | null;
    if (!ctx.robust) {
      // u'P_Z u = Σ_l (q_l'u)²
      const cu = qCoef(fit.Z, fit.RzInv, fit.fit.resid, n);
      const upu = dot(cu, cu, cu.length);
      J = (n * upu) / fit.fit.rss;
    } else {
      J = gmmJ(rowsOf(zIdx, xIdx), rowsOf(zIdx, yIdx), omegaOf(fit.Z, rowsOf(zIdx, zIdx), fit.fit.resid, n, ctx), n, L, K);
    }
    out.push(
      J === null
        ? { id: 'overid', name: overName, statistic: na('the moment covariance is singular'), df: overDf }
        : { id: 'overid', name: overName, statistic: J, df: overDf, p_value: chi2UpperP(J, overDf), note: 'H0: the excluded instruments are valid (uncorrelated with the error)' },
    );
  }

  // endogeneity: C = J(restricted: X2 exogenous) − J(unrestricted), both with the restricted Ω
  {
    // restricted model: X2 exogenous, so 2SLS is OLS of y on X (coefficients from the cross-products)
    const Zr = [...fit.Z, ...fit.X.slice(fit.kExog)];
    const bOls = solve(rowsOf(xIdx, xIdx), rowsOf(xIdx, yIdx), K, 1);
    let Jr: number | null = null;
    let Jf: number | null = null;
    if (bOls) {
      const er = scratch;
      residuals(fit.X, bOls, fit.y, n, er);
      const Om = omegaOf(Zr, rowsOf(zrIdx, zrIdx), er, n, ctx);
      Jr = gmmJ(rowsOf(zrIdx, xIdx), rowsOf(zrIdx, yIdx), Om, n, Zr.length, K);
      Jf = gmmJ(rowsOf(zIdx, xIdx), rowsOf(zIdx, yIdx), block(Om, Zr.length, 0, L, 0, L), n, L, K);
    }
    const name = `Endogeneity of ${fit.endogNames.join(', ')} (C statistic)`;
    out.push(
      Jr === null || Jf === null
        ? { id: 'endog', name, statistic: na('the moment covariance of the restricted model is singular'), df: K1 }
        : { id: 'endog', name, statistic: Jr - Jf, df: K1, p_value: chi2UpperP(Jr - Jf, K1), note: 'H0: the regressors treated as endogenous are in fact exogenous (difference-in-Sargan/Hansen)' },
    );
  }

  // Anderson–Rubin: reduced form of y on Z, excluded instruments jointly 0
  {
    const exIdx = Array.from({ length: L1 }, (_, j) => fit.kExog + j);
    const wald = waldOnZ(fit, fit.y, exIdx, ctx, scratch).robust;
    if (wald === null) {
      out.push({ id: 'ar_f', name: 'Anderson–Rubin Wald F (weak-instrument-robust)', statistic: na('the covariance of the reduced form is singular') });
    } else {
      const F = waldToF(wald, L1, fit, ctx);
      out.push({ id: 'ar_f', name: 'Anderson–Rubin Wald F (weak-instrument-robust)', statistic: F.f, df: L1, df2: F.df2, p_value: fUpperP(F.f, L1, F.df2), note: 'H0: the coefficients of the endogenous regressors are 0 (and the instruments valid); robust to weak instruments' });
      out.push({ id: 'ar_chi2', name: 'Anderson–Rubin Wald χ² (weak-instrument-robust)', statistic: wald, df: L1, p_value: chi2UpperP(wald, L1) });
    }
  }
  return out;
}
