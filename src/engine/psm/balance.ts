// Covariate balance before and after matching, as pstest (psmatch2's companion, option `both`).
//
// Shapes: covariates as columns x_N, treated flags t_N, matching weights w_N (pstest's mweight:
// 1 for treated on support, the psmatch2 _weight for matched controls, 0 = not in the matched
// sample). Formulas from pstest.ado (breduc):
//   %bias_U = 100 (x̄_T − x̄_C)/√((s²_T + s²_C)/2) with the UNMATCHED sample variances; %bias_M uses
//   the matched (weighted) means over the same denominator; %reduct = −100(|bias_M| − |bias_U|)/|bias_U|.
//   t-tests: regress x on the treatment (matched: [iw = w] over the matched sample, df = Σw − 2).
//   V(T)/V(C): for covariates that are not 0/1, unweighted / iweighted variances (Σw(x−x̄)²/(Σw−1)).
//   Ps R² and LR χ²: a PROBIT of the treatment on the covariates (pstest always uses probit), on
//   the unmatched sample and [iw = w] on the matched sample; Rubin's B = 100(m_T − m_C)/√((v_T+v_C)/2)
//   and R = v_T/v_C of that probit's linear index; %Var = share of continuous covariates whose
//   variance ratio lies outside [F₀.₀₂₅, F₀.₉₇₅](N_T − 1, N_T − 1).
import type { NotApplicable, PsmBalanceRow, PsmSummaryRow } from '../../shared/result.js';
import { collinearColumns, fitBinary, nullLoglik } from '../models/binary.js';
import { chi2UpperP, fUpperP, tTwoSidedP } from '../stats/distributions.js';

interface Moments {
  w: number;
  mean: number;
  /** Σw(x − x̄)²/(Σw − 1): Stata's variance with iweights (unweighted: the sample variance). */
  variance: number;
}

function moments(x: Float64Array, t: Uint8Array, group: 0 | 1, w: Float64Array | null, n: number): Moments {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (t[i] !== group) continue;
    const wi = w ? w[i] : 1;
    if (!(wi > 0)) continue;
    sw += wi;
    s += wi * x[i];
  }
  const mean = s / sw;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    if (t[i] !== group) continue;
    const wi = w ? w[i] : 1;
    if (!(wi > 0)) continue;
    ss += wi * (x[i] - mean) ** 2;
  }
  return { w: sw, mean, variance: ss / (sw - 1) };
}

/** t statistic of the treatment in a (weighted) regression of x on a constant and the treatment. */
function tTest(m1: Moments, m0: Moments): { t: number; p: number } {
  // residual sum of squares of the two-group regression = within-group weighted squares
  const rss = m1.variance * (m1.w - 1) + m0.variance * (m0.w - 1);
  const df = m1.w + m0.w - 2;
  const se = Math.sqrt((rss / df) * (1 / m1.w + 1 / m0.w));
  const t = (m1.mean - m0.mean) / se;
  return { t, p: tTwoSidedP(t, df) };
}

/** F(d, d) quantile by bisection on the upper tail. */
export function fQuantile(p: number, d1: number, d2: number): number {
  let lo = 0;
  let hi = 1;
  while (1 - fUpperP(hi, d1, d2) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (1 - fUpperP(mid, d1, d2) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 === 1 ? s[(m - 1) / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
}

interface ProbitSummary {
  r2: number | NotApplicable;
  chi2: number | NotApplicable;
  p: number | NotApplicable;
  b: number | NotApplicable;
  r: number | NotApplicable;
}

/** pstest's probit of the treatment on the covariates, and Rubin's B and R of its index. */
function probitSummary(X: Float64Array[], t: Uint8Array, w: Float64Array | null, n: number, start: Float64Array | null = null): ProbitSummary {
  const na = (why: string): ProbitSummary => ({ r2: { na: why }, chi2: { na: why }, p: { na: why }, b: { na: why }, r: { na: why } });
  // the rows in the sample (positive weight), compressed
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!w || w[i] > 0) rows.push(i);
  const m = rows.length;
  const y = Float64Array.from(rows, (i) => t[i]);
  const ww = w ? Float64Array.from(rows, (i) => w[i]) : null;
  const design = [new Float64Array(m).fill(1), ...X.map((c) => Float64Array.from(rows, (i) => c[i]))];
  const qr = collinearColumns(design, m);
  const cols = qr.kept.map((j) => design[j]);
  try {
    const fit = fitBinary({ y, X: cols, n: m, link: 'probit', weights: ww, start }, 0);
    if (!fit.converged) return na('the probit of the treatment on the covariates did not converge');
    const ll0 = nullLoglik(y, m, ww);
    const chi2 = 2 * (fit.loglik - ll0);
    const yT = new Uint8Array(m);
    for (let i = 0; i < m; i++) yT[i] = y[i] > 0.5 ? 1 : 0;
    const m1 = moments(fit.xb, yT, 1, ww, m);
    const m0 = moments(fit.xb, yT, 0, ww, m);
    return {
      r2: 1 - fit.loglik / ll0,
      chi2,
      p: chi2UpperP(chi2, cols.length - 1),
      b: (100 * (m1.mean - m0.mean)) / Math.sqrt((m1.variance + m0.variance) / 2),
      r: m1.variance / m0.variance,
    };
  } catch (e) {
    return na(`the probit of the treatment on the covariates failed: ${(e as Error).message}`);
  }
}

export interface BalanceInput {
  names: string[];
  X: Float64Array[];
  treated: Uint8Array;
  /** pstest's mweight per row; rows with weight 0 (or NaN) are not in the matched sample. */
  weights: Float64Array;
  n: number;
  /** Starting values for the unmatched probit (intercept first), e.g. the score model's scaled. */
  start?: Float64Array | null;
}

export function balanceTable(inp: BalanceInput): { rows: PsmBalanceRow[]; summary: PsmSummaryRow[] } {
  const { names, X, treated: t, weights: w, n } = inp;
  const rows: PsmBalanceRow[] = [];
  let nT = 0;
  let nTm = 0;
  for (let i = 0; i < n; i++) {
    if (t[i] === 1) {
      nT++;
      if (w[i] > 0) nTm++;
    }
  }
  const boundsU = [fQuantile(0.025, nT - 1, nT - 1), fQuantile(0.975, nT - 1, nT - 1)];
  const boundsM = [fQuantile(0.025, nTm - 1, nTm - 1), fQuantile(0.975, nTm - 1, nTm - 1)];
  let continuous = 0;
  let outU = 0;
  let outM = 0;
  const notBinary = (x: Float64Array) => {
    for (let i = 0; i < n; i++) if (x[i] !== 0 && x[i] !== 1) return true;
    return false;
  };
  names.forEach((term, j) => {
    const x = X[j];
    const u1 = moments(x, t, 1, null, n);
    const u0 = moments(x, t, 0, null, n);
    const m1 = moments(x, t, 1, w, n);
    const m0 = moments(x, t, 0, w, n);
    const denom = Math.sqrt((u1.variance + u0.variance) / 2);
    const biasU = (100 * (u1.mean - u0.mean)) / denom;
    const biasM = (100 * (m1.mean - m0.mean)) / denom;
    const tu = tTest(u1, u0);
    const tm = tTest(m1, m0);
    let vrU: number | NotApplicable = { na: 'binary (0/1) covariate' };
    let vrM: number | NotApplicable = { na: 'binary (0/1) covariate' };
    if (notBinary(x)) {
      continuous++;
      vrU = u1.variance / u0.variance;
      vrM = m1.variance / m0.variance;
      if (vrU < boundsU[0] || vrU > boundsU[1]) outU++;
      if (vrM < boundsM[0] || vrM > boundsM[1]) outM++;
    }
    rows.push({
      term,
      mean_treated_unmatched: u1.mean,
      mean_control_unmatched: u0.mean,
      mean_treated_matched: m1.mean,
      mean_control_matched: m0.mean,
      bias_unmatched: biasU,
      bias_matched: biasM,
      bias_reduction: biasU === 0 ? { na: 'no bias before matching' } : (-100 * (Math.abs(biasM) - Math.abs(biasU))) / Math.abs(biasU),
      t_unmatched: tu.t,
      p_unmatched: tu.p,
      t_matched: tm.t,
      p_matched: tm.p,
      var_ratio_unmatched: vrU,
      var_ratio_matched: vrM,
    });
  });
  const absU = rows.map((r) => Math.abs(r.bias_unmatched));
  const absM = rows.map((r) => Math.abs(r.bias_matched));
  const pu = probitSummary(X, t, null, n, inp.start ?? null);
  const pm = probitSummary(X, t, w, n);
  const pct = (k: number): number | NotApplicable => (continuous > 0 ? (100 * k) / continuous : { na: 'no continuous covariates' });
  const summary: PsmSummaryRow[] = [
    { sample: 'unmatched', pseudo_r2: pu.r2, lr_chi2: pu.chi2, lr_p: pu.p, mean_bias: mean(absU), median_bias: median(absU), rubin_b: pu.b, rubin_r: pu.r, pct_var_outside: pct(outU) },
    { sample: 'matched', pseudo_r2: pm.r2, lr_chi2: pm.chi2, lr_p: pm.p, mean_bias: mean(absM), median_bias: median(absM), rubin_b: pm.b, rubin_r: pm.r, pct_var_outside: pct(outM) },
  ];
  return { rows, summary };
}

function mean(v: number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}
