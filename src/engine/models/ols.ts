// Ordinary least squares: y = Xb + e. Well-conditioned designs (the usual case) are solved by the
// Cholesky factor of the scaled X'X with iterative refinement (linalg/cholesky.ts: one pass over
// the data for the cross-products); anything collinear or ill-conditioned goes to Householder QR
// (linalg/qr.ts), which decides which regressors to drop.
// The intercept is the first column so that, as in Stata, a regressor collinear with the constant
// is the one dropped, and later regressors are dropped before earlier ones.
import { choleskyLeastSquares } from '../linalg/cholesky.js';
import { centeredSumSquares, dot, ones } from '../linalg/vector.js';
import { householderQr, invertUpper, solveLeastSquares, thinQ, upperTimesTranspose } from '../linalg/qr.js';
import { INTERCEPT_TERM } from '../../shared/spec.js';
import type { LinearFit } from './linear-fit.js';

export interface OlsInput {
  y: Float64Array;
  X: Float64Array[];
  names: string[];
  intercept: boolean;
}

export interface OlsOutput {
  fit: LinearFit;
  omitted: string[];
}

/** Which solver produced the fit (tests use it to exercise both paths). */
export type OlsSolver = 'cholesky' | 'qr';

export function fitOls(input: OlsInput, solver: OlsSolver | 'auto' = 'auto'): OlsOutput & { solver: OlsSolver } {
  const n = input.y.length;
  const columns = input.intercept ? [ones(n), ...input.X] : [...input.X];
  const names = input.intercept ? [INTERCEPT_TERM, ...input.names] : [...input.names];
  const chol = solver === 'qr' ? null : choleskyLeastSquares(columns, input.y, n, { intercept: input.intercept });
  let kept: number[];
  let dropped: number[];
  let beta: Float64Array;
  let resid: Float64Array;
  let Rinv: Float64Array;
  let basis: Float64Array[];
  let basisToQ: Float64Array | null;
  let basisCondition = 1;
  let rss: number;
  let tss: number;
  if (chol) {
    kept = columns.map((_, j) => j);
    dropped = [];
    ({ beta, resid, rss, tss, Rinv } = chol);
    basis = columns;
    basisToQ = Rinv;
    basisCondition = chol.unshiftedCondition;
  } else {
    const qr = householderQr(columns, n);
    ({ kept, dropped } = qr);
    ({ beta, resid } = solveLeastSquares(qr, columns, input.y));
    Rinv = invertUpper(qr.R, kept.length);
    basis = thinQ(qr);
    basisToQ = null;
    rss = dot(resid, resid, n);
    tss = input.intercept ? centeredSumSquares(input.y, n) : dot(input.y, input.y, n);
  }
  const k = kept.length;
  const hasIntercept = input.intercept && kept[0] === 0;
  return {
    fit: {
      terms: kept.map((j) => names[j]),
      beta,
      bread: upperTimesTranspose(Rinv, k),
      basis,
      basisToQ,
      basisCondition,
      Rinv,
      resid,
      n,
      k,
      kAbsorbed: 0,
      rss,
      tss,
      hasIntercept,
      interceptIndex: hasIntercept ? 0 : -1,
    },
    omitted: dropped.map((j) => names[j]),
    solver: chol ? 'cholesky' : 'qr',
  };
}
