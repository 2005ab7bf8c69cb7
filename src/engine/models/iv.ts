// Instrumental variables: 2SLS and LIML (k-class) on columns from which any absorbed fixed effects
// have already been partialled out (ivreghdfe: demean everything, then ivreg2 on the residuals).
//
// Shapes: n rows; X = [X1 (exogenous, the constant first when there is one), X2 (K1 endogenous)],
// K columns; Z = [X1, Z1 (L1 excluded instruments)], L columns. Householder QR of Z (exogenous
// columns first, so its first columns span X1 exactly) gives X̂ = P_Z X = Q_Z Q_Zᵀ X; the k-class
// estimator solves B β = (1−κ) X'y + κ X̂'y with B = (1−κ) X'X + κ X̂'X̂ (κ = 1: 2SLS, least squares
// of y on X̂; κ = LIML's λ). Its covariance is B⁻¹ X̂' Ω X̂ B⁻¹ (ivreg2; iid: σ² B⁻¹). With X̂'X̂ = R'R
// and Q = X̂ R⁻¹ that is A (Qᵀ Ω Q) Aᵀ with A = B⁻¹ Rᵀ (= R⁻¹ for 2SLS), so the fit is handed to the
// covariance registry as a LinearFit whose scores basis is X̂ (mapped to Q by R⁻¹, never formed) and
// whose "R⁻¹" is A: every SE type (iid, robust, one- and multi-way cluster) comes from the same code
// as OLS. Formulas: Baum,
// Schaffer & Stillman (2003, 2007), ivreg2 help file and source (s_liml).
import { AppError } from '../../shared/errors.js';
import { INTERCEPT_TERM } from '../../shared/spec.js';
import { eigenDescending, inverse, matMul, symmetricFunction, transpose } from '../linalg/dense.js';
import { crossProducts, crossVector, residuals } from '../linalg/gram.js';
import { invertUpper, upperTimesTranspose } from '../linalg/qr.js';
import { triangularFactor } from '../linalg/triangular.js';
import { centeredSumSquares, dot, ones } from '../linalg/vector.js';
import type { LinearFit } from './linear-fit.js';

/** Relative first-stage residual norm below which an endogenous regressor counts as perfectly predicted. */
export const PERFECT_FIT = 1e-9;

export interface IvInput {
  y: Float64Array;
  exog: Float64Array[];
  exogNames: string[];
  endog: Float64Array[];
  endogNames: string[];
  excluded: Float64Array[];
  excludedNames: string[];
  /** Add a constant to the exogenous regressors (false when fixed effects absorb it). */
  intercept: boolean;
  method: '2sls' | 'liml';
}

/** Everything later stages (covariance, diagnostics, first stage) need. */
export interface IvFit {
  fit: LinearFit;
  n: number;
  /** Regressors actually used, exogenous first: names and columns. */
  xNames: string[];
  X: Float64Array[];
  /** Number of exogenous regressors among X (incl. the constant). */
  kExog: number;
  endogNames: string[];
  /** Instruments actually used: the exogenous regressors, then the excluded instruments. */
  zNames: string[];
  Z: Float64Array[];
  excludedNames: string[];
  /**
   * Z = Q R with R upper (L×L) and R⁻¹; Q (orthonormal, its first kExog columns span X1) is never
   * formed: Q'v = R⁻ᵀ Z'v, and meats on the Q basis map Z-scores with R⁻¹ (covariance/meat.ts).
   */
  Rz: Float64Array;
  RzInv: Float64Array;
  /** Condition estimate of the scaled Z'Z (how covariance/meat.ts maps the meat). */
  zCondition: number;
  /** Projected regressors P_Z X (exogenous columns are X itself). */
  Xhat: Float64Array[];
  y: Float64Array;
  /** (X̂ᵀX̂)⁻¹, K×K: the 2SLS bread, also for Shea's partial R² under LIML. */
  bread2sls: Float64Array;
  kappa: number;
  /** LIML's smallest eigenvalue λ (= κ for LIML), null for 2SLS. */
  lambda: number | null;
  omitted: { term: string; reason: string }[];
  warnings: string[];
}

/** Q'v = R⁻ᵀ Z'v for Z = QR (R⁻¹ upper, L×L): the coordinates of P_Z v on the orthonormal basis. */
export function qCoef(Z: Float64Array[], RInv: Float64Array, v: Float64Array, n: number, k = Z.length): Float64Array {
  const L = Z.length;
  // R⁻ᵀ is lower triangular: the first k coordinates need only the first k columns (the rest stay 0)
  const g = crossVector(k === L ? Z : Z.slice(0, k), v, n);
  const c = new Float64Array(L);
  // (R⁻ᵀ g)_i = Σ_{j ≤ i} R⁻¹[j][i] g_j
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += RInv[j * L + i] * g[j];
    c[i] = s;
  }
  return c;
}

/**
 * v − P v (into `out`, length n) where P projects on the first `k` columns of Z: with Q'v = c,
 * P v = Z[:, :k] R₁₁⁻¹ c[:k] (R⁻¹'s leading block is R₁₁⁻¹). k = L gives the residual on all of Z.
 */
export function residualOnZ(Z: Float64Array[], RInv: Float64Array, c: Float64Array, k: number, v: Float64Array, out: Float64Array, n: number): Float64Array {
  residualOnZSquares(Z, RInv, c, k, v, out, n);
  return out;
}

/** residualOnZ that returns the residuals' sum of squares (computed in the same pass over the rows). */
export function residualOnZSquares(Z: Float64Array[], RInv: Float64Array, c: Float64Array, k: number, v: Float64Array, out: Float64Array, n: number): number {
  const L = Z.length;
  // b_j = Σ_{i ≥ j, i < k} R⁻¹[j][i] c_i, then out = v − Σ_j b_j z_j in one SIMD pass (linalg/gram.ts)
  const b = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = j; i < k; i++) s += RInv[j * L + i] * c[i];
    b[j] = s;
  }
  return residuals(Z.slice(0, k), b, v, n, out);
}

export function fitIv(input: IvInput): IvFit {
  const n = input.y.length;
  const omitted: { term: string; reason: string }[] = [];
  const warnings: string[] = [];
  const exogCols = input.intercept ? [ones(n), ...input.exog] : [...input.exog];
  const exogNames = input.intercept ? [INTERCEPT_TERM, ...input.exogNames] : [...input.exogNames];

  // Collinear regressors: exogenous first, so an endogenous regressor collinear with them is the one
  // dropped (ivreg2 drops in the same order).
  const allX = [...exogCols, ...input.endog];
  const allXNames = [...exogNames, ...input.endogNames];
  const qrX = triangularFactor(allX, n);
  for (const j of qrX.dropped) omitted.push({ term: allXNames[j], reason: 'collinear' });
  const keptX = qrX.kept;
  const kExog = keptX.filter((j) => j < exogCols.length).length;
  const endogKept = keptX.filter((j) => j >= exogCols.length).map((j) => j - exogCols.length);
  const X = keptX.map((j) => allX[j]);
  const xNames = keptX.map((j) => allXNames[j]);
  const endogNames = endogKept.map((j) => input.endogNames[j]);
  if (endogNames.length === 0) {
    throw new AppError('ESTIMATION', `every endogenous regressor (${input.endogNames.join(', ')}) was dropped as collinear with the exogenous regressors${input.intercept ? '' : ' or the fixed effects'}; nothing is left to instrument`);
  }

  // Instruments: the kept exogenous regressors, then the excluded instruments (a collinear one is
  // dropped with a note, as ivreg2 does).
  const zAll = [...X.slice(0, kExog), ...input.excluded];
  const zAllNames = [...xNames.slice(0, kExog), ...input.excludedNames];
  const qrZ = triangularFactor(zAll, n);
  for (const j of qrZ.dropped) {
    if (j < kExog) throw new AppError('INTERNAL', 'an exogenous regressor kept in X was dropped from Z');
    omitted.push({ term: zAllNames[j], reason: 'instrument collinear with the exogenous regressors' + (input.intercept ? '' : ' and fixed effects') });
    warnings.push(`instrument ${zAllNames[j]} dropped: collinear with the other instruments, the exogenous regressors${input.intercept ? '' : ' or the fixed effects'}`);
  }
  const Z = qrZ.kept.map((j) => zAll[j]);
  const zNames = qrZ.kept.map((j) => zAllNames[j]);
  const excludedNames = zNames.slice(kExog);
  const K1 = endogNames.length;
  const L1 = excludedNames.length;
  if (L1 < K1) {
    throw new AppError(
      'ESTIMATION',
      `the equation is not identified: ${K1} endogenous regressor${K1 > 1 ? 's' : ''} (${endogNames.join(', ')}) but only ${L1} usable excluded instrument${L1 === 1 ? '' : 's'}` +
        (L1 < input.excludedNames.length ? ` (${input.excludedNames.length - L1} dropped as collinear)` : '') +
        '; an IV model needs at least as many excluded instruments as endogenous regressors',
    );
  }
  const L = Z.length;
  const K = X.length;
  const Rz = qrZ.R;
  const RzInv = invertUpper(Rz, L);

  // First stage: X̂ (exogenous columns are their own projection) and the perfect-fit check.
  const Xhat: Float64Array[] = X.map((x, j) => {
    if (j < kExog) return x;
    const c = qCoef(Z, RzInv, x, n);
    const resid = new Float64Array(n);
    const rss = residualOnZSquares(Z, RzInv, c, L, x, resid, n);
    // X̂ = x − residual, computed in the residual's own array (no second allocation)
    for (let i = 0; i < n; i++) resid[i] = x[i] - resid[i];
    const fitted = resid;
    if (rss <= PERFECT_FIT * centeredSumSquares(x, n)) {
      throw new AppError('ESTIMATION', `endogenous regressor ${xNames[j]} is perfectly predicted by the instruments (first-stage R² = 1): it is a linear combination of them; treat it as exogenous or use other instruments`);
    }
    return fitted;
  });

  // κ: 1 for 2SLS; LIML: the smallest eigenvalue of (Y'M_Z Y)^{-1/2} (Y'M_X1 Y) (Y'M_Z Y)^{-1/2}, Y = [y, X2].
  let kappa = 1;
  let lambda: number | null = null;
  if (input.method === 'liml') {
    lambda = L === K ? 1 : limlLambda(input.y, X.slice(kExog), Z, RzInv, kExog, n);
    kappa = lambda;
  }

  // The scores basis is Q of X̂ for every κ: ivreg2's robust/cluster k-class covariance is
  // B⁻¹ X̂' Ω X̂ B⁻¹ with B = (1−κ) X'X + κ X̂'X̂ (= X̂'X̂ for 2SLS).
  // X̂ itself is the scores basis (no Q is formed: covariance/meat.ts maps the meat with R⁻¹).
  const fw = triangularFactor(Xhat, n, 1e-10);
  if (fw.dropped.length > 0) {
    const names = fw.dropped.map((j) => xNames[j]).join(', ');
    throw new AppError('ESTIMATION', `the instruments do not identify ${names}: the projected regressors are collinear (weak or redundant instruments)`);
  }
  const RwInv = invertUpper(fw.R, K);
  let beta: Float64Array;
  let A: Float64Array;
  let bread: Float64Array;
  if (kappa === 1) {
    // 2SLS: R'R b = X̂'y, plus one step of iterative refinement on the residual y − X̂b
    beta = refinedNormalSolve(RwInv, Xhat, input.y, n);
    A = RwInv;
    bread = upperTimesTranspose(RwInv, K);
  } else {
    const XX = crossProducts(X, n);
    const HH = crossProducts(Xhat, n);
    const B = XX.map((v, i) => (1 - kappa) * v + kappa * HH[i]);
    const c = Float64Array.from(X, (x, j) => (1 - kappa) * dot(x, input.y, n) + kappa * dot(Xhat[j], input.y, n));
    const Binv = inverse(B, K);
    if (!Binv) throw new AppError('ESTIMATION', 'the LIML normal equations are singular');
    beta = matMul(Binv, c, K, K, 1);
    bread = Binv;
    A = matMul(Binv, transpose(fw.R, K, K), K, K, K);
  }
  const resid = new Float64Array(n);
  const rss = residuals(X, beta, input.y, n, resid);
  const hasIntercept = input.intercept && xNames[0] === INTERCEPT_TERM;
  const bread2sls = kappa === 1 ? bread : upperTimesTranspose(RwInv, K);
  const fit: LinearFit = {
    terms: xNames,
    beta,
    bread,
    basis: Xhat,
    basisToQ: RwInv,
    basisCondition: fw.condition,
    Rinv: A,
    resid,
    n,
    k: K,
    kAbsorbed: 0,
    rss,
    tss: hasIntercept ? centeredSumSquares(input.y, n) : dot(input.y, input.y, n),
    hasIntercept,
    interceptIndex: hasIntercept ? 0 : -1,
  };
  return { fit, n, xNames, X, kExog, endogNames, zNames, Z, excludedNames, Rz, RzInv, zCondition: qrZ.condition, Xhat, y: input.y, bread2sls, kappa, lambda, omitted, warnings };
}

/** LIML's λ (Anderson & Rubin 1949): the concentration matrices through Q_Z and its X1 part. */
function limlLambda(y: Float64Array, X2: Float64Array[], Z: Float64Array[], RzInv: Float64Array, kExog: number, n: number): number {
  const Y = [y, ...X2];
  const m = Y.length;
  const YY = crossProducts(Y, n);
  // Q'Y through R (Q is never formed); Q₁'Y is its first kExog rows
  const C = Y.map((v) => qCoef(Z, RzInv, v, n));
  const proj = (k: number) => {
    const P = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) P[a * m + b] = dot(C[a], C[b], k);
    return P;
  };
  const PZ = proj(Z.length);
  const P1 = proj(kExog);
  const QWW = YY.map((v, i) => v - PZ[i]);
  const QWW1 = YY.map((v, i) => v - P1[i]);
  const half = symmetricFunction(QWW, m, (l) => (l > 0 ? 1 / Math.sqrt(l) : 0));
  const M = matMul(matMul(half, QWW1, m, m, m), half, m, m, m);
  const { values } = eigenDescending(M, m);
  return values[m - 1];
}

/** v with the first k columns of Z (the exogenous regressors) partialled out, in a new array. */
export function partialOut(fit: { Z: Float64Array[]; RzInv: Float64Array }, k: number, v: Float64Array, n: number): Float64Array {
  return residualOnZ(fit.Z, fit.RzInv, qCoef(fit.Z, fit.RzInv, v, n, k), k, v, new Float64Array(n), n);
}

/** b = (A'A)⁻¹A'y with (A'A)⁻¹ = R⁻¹R⁻ᵀ, then one step of iterative refinement on y − Ab. */
function refinedNormalSolve(Rinv: Float64Array, A: Float64Array[], y: Float64Array, n: number): Float64Array {
  const k = A.length;
  const solve = (v: Float64Array) => {
    const g = crossVector(A, v, n);
    return matMul(upperTimesTranspose(Rinv, k), g, k, k, 1);
  };
  const beta = solve(y);
  const e = new Float64Array(n);
  residuals(A, beta, y, n, e);
  const delta = solve(e);
  for (let j = 0; j < k; j++) beta[j] += delta[j];
  return beta;
}
