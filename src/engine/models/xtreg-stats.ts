// The extra statistics Stata's `xtreg, fe` reports for the one-way within estimator:
// R² within / between / overall (squared correlations with the fitted index), σ_u, σ_e, ρ, and the
// F test that all u_i = 0 (Stata [XT] xtreg, Methods and formulas).
import type { Diagnostic } from '../../shared/result.js';
import type { Factor } from '../fe/factors.js';
import { fitOls } from './ols.js';
import { fUpperP } from '../stats/distributions.js';

export interface XtregStats {
  stats: { r2_between: number; r2_overall: number; sigma_u: number; sigma_e: number; rho: number };
  diagnostic: Diagnostic;
}

/** Squared Pearson correlation (Stata's R² within / between / overall). */
export function corr2(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  // r first, then r²: (sab²)/(saa·sbb) overflows for data of magnitude 1e80 and beyond
  const r = sab / (Math.sqrt(saa) * Math.sqrt(sbb));
  return r * r;
}

/**
 * y, X: the estimation sample; names/beta: the kept slopes (no constant); group: the panel factor;
 * rss and dfResid of the within fit (N − n − K).
 */
export function xtregFeStats(y: Float64Array, X: Float64Array[], beta: Float64Array, group: Factor, rss: number, dfResid: number): XtregStats {
  const n = y.length;
  const G = group.groups;
  const xb = new Float64Array(n);
  X.forEach((col, j) => {
    for (let i = 0; i < n; i++) xb[i] += beta[j] * col[i];
  });
  const cnt = new Float64Array(G);
  const ybar = new Float64Array(G);
  const xbbar = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    const g = group.ids[i];
    cnt[g]++;
    ybar[g] += y[i];
    xbbar[g] += xb[i];
  }
  let yMean = 0;
  let xbMean = 0;
  for (let i = 0; i < n; i++) {
    yMean += y[i];
    xbMean += xb[i];
  }
  yMean /= n;
  xbMean /= n;
  const cons = yMean - xbMean;
  const u = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    ybar[g] /= cnt[g];
    xbbar[g] /= cnt[g];
    u[g] = ybar[g] - xbbar[g] - cons;
  }
  let um = 0;
  for (let g = 0; g < G; g++) um += u[g];
  um /= G;
  let uss = 0;
  for (let g = 0; g < G; g++) uss += (u[g] - um) ** 2;
  const sigmaU = Math.sqrt(uss / (G - 1));
  const sigmaE = Math.sqrt(rss / dfResid);
  // F test that all u_i = 0: pooled OLS (constant + the same slopes) against the within fit
  const pooled = fitOls({ y, X, names: X.map((_, j) => `x${j}`), intercept: true }).fit;
  const f = (pooled.rss - rss) / (G - 1) / (rss / dfResid);
  return {
    stats: {
      r2_between: corr2(xbbar, ybar),
      r2_overall: corr2(xb, y),
      sigma_u: sigmaU,
      sigma_e: sigmaE,
      rho: (sigmaU * sigmaU) / (sigmaU * sigmaU + sigmaE * sigmaE),
    },
    diagnostic: {
      id: 'fe_f',
      name: 'F test that all u_i = 0',
      statistic: f,
      df: G - 1,
      df2: dfResid,
      p_value: fUpperP(f, G - 1, dfResid),
      note: `F(${G - 1}, ${dfResid}); pooled OLS against the within estimator, as Stata xtreg, fe`,
    },
  };
}
