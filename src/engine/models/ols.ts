// Ordinary least squares: y = Xb + e by Householder QR (see linalg/qr.ts for why QR).
// The intercept is the first column so that, as in Stata, a regressor collinear with the constant
// is the one dropped, and later regressors are dropped before earlier ones.
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

export function fitOls(input: OlsInput): OlsOutput {
  const n = input.y.length;
  const columns = input.intercept ? [new Float64Array(n).fill(1), ...input.X] : [...input.X];
  const names = input.intercept ? [INTERCEPT_TERM, ...input.names] : [...input.names];
  const qr = householderQr(columns, n);
  const { beta, resid } = solveLeastSquares(qr, columns, input.y);
  const k = qr.kept.length;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += resid[i] * resid[i];
  let tss = 0;
  if (input.intercept) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += input.y[i];
    mean /= n;
    for (let i = 0; i < n; i++) tss += (input.y[i] - mean) ** 2;
  } else {
    for (let i = 0; i < n; i++) tss += input.y[i] * input.y[i];
  }
  const keptNames = qr.kept.map((j) => names[j]);
  const Rinv = invertUpper(qr.R, k);
  return {
    fit: {
      terms: keptNames,
      beta,
      bread: upperTimesTranspose(Rinv, k),
      Q: thinQ(qr),
      Rinv,
      resid,
      n,
      k,
      kAbsorbed: 0,
      rss,
      tss,
      hasIntercept: input.intercept && qr.kept[0] === 0,
      interceptIndex: input.intercept && qr.kept[0] === 0 ? 0 : -1,
    },
    omitted: qr.dropped.map((j) => names[j]),
  };
}
