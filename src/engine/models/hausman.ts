// Fixed vs random effects: the classic Hausman (1978) contrast computed from two stored results, and
// the cluster-robust regression version (Mundlak 1978; Wooldridge 2010, §10.7.3) computed from the
// data while the random-effects model is fitted (re.ts calls `mundlakTest`; results hold no data).
//
// Classic: H = (b_FE − b_RE)' (V_FE − V_RE)⁻ (b_FE − b_RE) over the slopes common to both models (no
// constant), χ² with df = rank, as Stata `hausman fe re` and plm::phtest. `sigmamore` follows Stata
// ([R] hausman): both covariances are based on the efficient (RE) estimator's disturbance variance,
// e(rmse) of xtreg, re (the RMSE of the GLS regression), i.e. V_FE is multiplied by
// (rmse_RE / σ_e,FE)², σ_e,FE being xtreg, fe's e(sigma_e); V_RE is already based on rmse_RE.
// V_FE − V_RE is inverted through its eigen-decomposition: zero eigenvalues are dropped (a
// generalized inverse, Hausman & Taylor 1982; df = rank), as Stata (invsym) and plm::phtest, which
// also invert an indefinite matrix as it stands — the reference values need that. A note warns when
// the matrix is not positive definite; `positiveOnly` drops the negative eigenvalues too. A χ² < 0
// (possible with an indefinite matrix; Stata prints it with a warning) is reported as not applicable.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { AppError } from '../../shared/errors.js';
import type { Diagnostic, EstimationResult } from '../../shared/result.js';
import { INTERCEPT_TERM } from '../../shared/spec.js';
import { VCOV_REGISTRY, type ClusterIds } from '../covariance/index.js';
import { invertSpd, quadForm, subMatrix } from '../linalg/small.js';
import { chi2UpperP } from '../stats/distributions.js';
import { fitOls } from './ols.js';

export const HAUSMAN_TEST = 'Hausman test (FE vs RE)';
export const MUNDLAK_TEST = 'Mundlak test (cluster-robust FE vs RE)';

/** Eigenvalues of the (scaled) V_FE − V_RE within this fraction of the largest |λ| count as zero. */
const GINV_TOL = 1e-10;

const CLASSIC_CAVEAT =
  'The classic test assumes conventional (iid) covariances in both models and a fully efficient RE estimator; it is not valid with robust or clustered standard errors — use the Mundlak (cluster-robust) test then.';

export interface HausmanOptions {
  /** Stata's sigmamore: both covariances on the RE (efficient) disturbance variance. */
  sigmamore?: boolean;
  /**
   * Invert V_FE − V_RE over its positive eigenvalues only (df = their number), so that χ² ≥ 0.
   * Off by default: Stata and plm invert the matrix as it stands (dropping only zero eigenvalues).
   */
  positiveOnly?: boolean;
}

export function hausman(fe: EstimationResult, re: EstimationResult, opts: HausmanOptions = {}): Diagnostic[] {
  if (fe.estimator !== 'fe' || re.estimator !== 're') {
    throw new AppError('INVALID_ARGUMENT', `the Hausman test compares a fixed-effects (fe) result with a random-effects (re) result; got "${fe.estimator}" and "${re.estimator}"`);
  }
  if (fe.spec.y !== re.spec.y) {
    throw new AppError('INVALID_ARGUMENT', `the two models explain different variables ("${fe.spec.y}" and "${re.spec.y}"); the Hausman test needs the same equation`);
  }
  const robust = re.diagnostics.find((d) => d.name === MUNDLAK_TEST) ?? {
    id: 'mundlak', name: MUNDLAK_TEST,
    statistic: { na: 'the random-effects result carries no Mundlak test; re-estimate it with the re estimator' },
  };
  return [classicHausman(fe, re, opts.sigmamore === true, opts.positiveOnly === true), robust];
}

function classicHausman(fe: EstimationResult, re: EstimationResult, sigmamore: boolean, positiveOnly: boolean): Diagnostic {
  const notes: string[] = [];
  if (fe.nobs !== re.nobs) notes.push(`Warning: the models use different samples (N = ${fe.nobs} and ${re.nobs}); the test assumes one sample.`);
  const na = (reason: string): Diagnostic => ({ id: 'hausman', name: HAUSMAN_TEST, statistic: { na: reason }, note: [...notes, CLASSIC_CAVEAT].join(' ') });
  if (fe.vcov.type !== 'iid' || re.vcov.type !== 'iid') {
    return na(`the classic Hausman test needs conventional (iid) covariances; these models use "${fe.vcov.type}" and "${re.vcov.type}" (Stata's hausman refuses them too)`);
  }
  const reIndex = new Map(re.coefficients.map((c, j) => [c.term, j]));
  const terms = fe.coefficients.map((c) => c.term).filter((t) => t !== INTERCEPT_TERM && reIndex.has(t));
  const q = terms.length;
  if (q === 0) return na('the two models have no slope in common');
  const feIndex = new Map(fe.coefficients.map((c, j) => [c.term, j]));
  const iF = terms.map((t) => feIndex.get(t) as number);
  const iR = terms.map((t) => reIndex.get(t) as number);
  let scaleFe = 1;
  if (sigmamore) {
    const sRe = re.fit.rmse;
    const sFe = typeof fe.fit.sigma_e === 'number' ? fe.fit.sigma_e : fe.fit.rmse;
    scaleFe = (sRe / sFe) ** 2;
    notes.push(`sigmamore: V_FE × (rmse_RE / σ_e,FE)² = (${sRe.toPrecision(6)} / ${sFe.toPrecision(6)})², both covariances on the RE (efficient) disturbance variance, as Stata hausman, sigmamore.`);
  }
  // Scale by the FE standard errors so that the eigenvalue cut-off does not depend on units.
  const s = iF.map((j) => 1 / Math.sqrt(fe.vcov_matrix[j][j] * scaleFe));
  const D = Matrix.zeros(q, q);
  for (let a = 0; a < q; a++)
    for (let b = 0; b < q; b++) {
      const vf = 0.5 * (fe.vcov_matrix[iF[a]][iF[b]] + fe.vcov_matrix[iF[b]][iF[a]]) * scaleFe;
      const vr = 0.5 * (re.vcov_matrix[iR[a]][iR[b]] + re.vcov_matrix[iR[b]][iR[a]]);
      D.set(a, b, (vf - vr) * s[a] * s[b]);
    }
  const d = terms.map((_, a) => (fe.coefficients[iF[a]].estimate - re.coefficients[iR[a]].estimate) * s[a]);
  const evd = new EigenvalueDecomposition(D, { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const tol = GINV_TOL * Math.max(...lambda.map(Math.abs));
  const negative = lambda.filter((l) => l < -tol).length;
  const zero = lambda.filter((l) => Math.abs(l) <= tol).length;
  let stat = 0;
  let rank = 0;
  for (let m = 0; m < q; m++) {
    const keep = positiveOnly ? lambda[m] > tol : Math.abs(lambda[m]) > tol;
    if (!keep) continue;
    let proj = 0;
    for (let a = 0; a < q; a++) proj += vectors.get(a, m) * d[a];
    stat += (proj * proj) / lambda[m];
    rank++;
  }
  if (negative > 0 || zero > 0) {
    const how = positiveOnly
      ? `generalized inverse over the ${rank} positive eigenvalues (positiveOnly), df = ${rank}`
      : zero > 0
        ? `generalized inverse dropping the ${zero} zero eigenvalue(s) as Stata's hausman and plm::phtest, df = rank = ${rank}`
        : `inverted as it stands, as Stata's hausman and plm::phtest do, df = ${rank}`;
    notes.push(`Warning: V_FE − V_RE is not positive definite (${negative} negative and ${zero} zero of ${q} eigenvalues); ${how}. The test is then unreliable: consider sigmamore, or the Mundlak test.`);
  }
  if (rank === 0) return na('V_FE − V_RE has no usable eigenvalue: the RE estimates are not more precise than the FE ones here (try sigmamore, or the Mundlak test)');
  if (!(stat >= 0)) {
    return na(`χ² = ${stat.toPrecision(6)} < 0: the model fitted on these data fails the asymptotic assumptions of the Hausman test (Stata prints the same warning); try sigmamore, or the Mundlak test`);
  }
  return {
    id: 'hausman',
    name: HAUSMAN_TEST,
    statistic: stat,
    df: rank,
    p_value: chi2UpperP(stat, rank),
    note: [
      `(b_FE − b_RE)'(V_FE − V_RE)⁻¹(b_FE − b_RE) over ${terms.join(', ')}; χ²(${rank}); Stata hausman fe re${sigmamore ? ', sigmamore' : ''} / plm::phtest.`,
      ...notes,
      CLASSIC_CAVEAT,
    ].join(' '),
  };
}

export interface MundlakInput {
  /** GLS-transformed y of the RE fit, y_it − θ_i ȳ_i. */
  ys: Float64Array;
  /** GLS-transformed design: the (1 − θ_i) column first, then x_it − θ_i x̄_i, and their names. */
  columns: Float64Array[];
  names: string[];
  /** (1 − θ_i) x̄_i for each time-varying regressor (x̄_i transformed like any regressor). */
  means: Float64Array[];
  meanNames: string[];
  cluster: ClusterIds;
}

/**
 * Mundlak / Wooldridge (2010, §10.7.3, eq. 10.88): add the panel means of the time-varying
 * regressors to the RE equation and test that their coefficients are zero with a cluster-robust
 * Wald χ². The variance components (hence θ_i) are those of the RE fit: in xtreg, re's
 * Swamy–Arora steps the added means vanish from the within regression and duplicate x̄_i in the
 * between regression, so re-estimating them would give the same θ_i. The number therefore equals
 * Stata `xtreg y x m_x, re vce(cluster id)` then `test m_x` (CR1 factor G/(G−1)·(N−1)/(N−K)).
 */
export function mundlakTest(input: MundlakInput): Diagnostic {
  const { ys, columns, names, means, meanNames, cluster } = input;
  const note = `Mundlak (1978) / Wooldridge (2010, §10.7.3): RE-GLS (same θ_i) of y on x and the panel means of the time-varying regressors; Wald χ² that the ${means.length} mean coefficients are 0 with the CR1 covariance clustered by "${cluster.variable}" (${cluster.groups} clusters), as Stata xtreg y x m_x, re vce(cluster) + test m_x. Robust to heteroskedasticity and within-panel correlation; asymptotically equivalent to xtoverid's Sargan–Hansen statistic, not numerically identical.`;
  if (means.length === 0) return { id: 'mundlak', name: MUNDLAK_TEST, statistic: { na: 'no time-varying regressor: fixed and random effects give no comparable slopes' }, note };
  const fit = fitOls({ y: ys, X: [...columns, ...means], names: [...names, ...meanNames], intercept: false }).fit;
  fit.hasIntercept = fit.terms[0] === INTERCEPT_TERM;
  fit.interceptIndex = fit.hasIntercept ? 0 : -1;
  const meanSet = new Set(meanNames);
  const idx: number[] = [];
  fit.terms.forEach((t, j) => {
    if (meanSet.has(t)) idx.push(j);
  });
  const q = idx.length;
  if (q === 0) return { id: 'mundlak', name: MUNDLAK_TEST, statistic: { na: 'every panel mean is collinear with the regressors' }, note };
  if (q > cluster.groups - 1) {
    return { id: 'mundlak', name: MUNDLAK_TEST, statistic: { na: `${q} restrictions but only ${cluster.groups} clusters: the cluster-robust covariance has too low rank for the joint test` }, note };
  }
  const V = VCOV_REGISTRY.cluster(fit, { clusters: [cluster] }).V;
  const w = waldChi2(fit.beta, V, fit.k, idx);
  if (w === null) return { id: 'mundlak', name: MUNDLAK_TEST, statistic: { na: 'the cluster-robust covariance of the mean coefficients is not of full rank' }, note };
  return { id: 'mundlak', name: MUNDLAK_TEST, statistic: w, df: q, p_value: chi2UpperP(w, q), note };
}

/** b_idx' V_idx⁻¹ b_idx, computed on the correlation scale (see modelF in result.ts); null if singular. */
export function waldChi2(beta: Float64Array, V: Float64Array, k: number, idx: number[]): number | null {
  const q = idx.length;
  const Vs = subMatrix(V, k, idx);
  const d = idx.map((_, i) => Math.sqrt(Vs[i * q + i]));
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) Vs[i * q + j] /= d[i] * d[j];
  const Vi = invertSpd(Vs, q);
  if (!Vi) return null;
  return quadForm(Vi, Float64Array.from(idx, (j, i) => beta[j] / d[i]), q);
}
