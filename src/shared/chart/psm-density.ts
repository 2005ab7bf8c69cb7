// The propensity-score densities stored with a psm result (PsmResult.density): Gaussian kernel
// densities on one 100-point grid for treated and controls, before matching (every unit in the
// score sample) and after (treated on support, controls weighted by psmatch2's _weight). Each
// curve has its own Silverman bandwidth (kde.ts). The grid spans the scores ± 3 of the largest
// bandwidth, clipped to [0, 1], so curves near 0 or 1 are cut at the bounds rather than leaking
// past them. Values are rounded to 6 significant digits to keep stored results small.
import type { PsmDensity, PsmDensityCurve } from '../result.js';
import { gaussianKde, linearGrid, silvermanBandwidth, summarize } from './kde.js';

const round6 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);

/**
 * score_N: the probability; treated_N: 1/0; matchWeight_N: the matched-sample weight (1 for treated
 * on support, 0 off support; Σ 1/m for used controls, 0 unused).
 */
export function scoreDensity(score: ArrayLike<number>, treated: ArrayLike<number>, matchWeight: ArrayLike<number>, points = 100): PsmDensity {
  const n = score.length;
  const pick = (group: 0 | 1, matched: boolean) => {
    const inCurve = (i: number) => (treated[i] ? 1 : 0) === group && (!matched || matchWeight[i] > 0) && Number.isFinite(score[i]);
    let m = 0;
    for (let i = 0; i < n; i++) if (inCurve(i)) m++;
    const x = new Float64Array(m);
    // treated weights are all 1, so only matched controls are a weighted sample
    const w = matched && group === 0 ? new Float64Array(m) : null;
    for (let i = 0, j = 0; i < n; i++) {
      if (!inCurve(i)) continue;
      x[j] = score[i];
      if (w) w[j] = matchWeight[i];
      j++;
    }
    return { x, w };
  };
  const samples = { ut: pick(1, false), uc: pick(0, false), mt: pick(1, true), mc: pick(0, true) };
  const stats = Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, summarize(s.x, s.w)])) as Record<keyof typeof samples, ReturnType<typeof summarize>>;
  const bw = Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, silvermanBandwidth(s)])) as Record<keyof typeof samples, number>;
  let lo = Infinity;
  let hi = -Infinity;
  let h = 0;
  for (const k of Object.keys(samples) as (keyof typeof samples)[]) {
    if (stats[k].n === 0) continue;
    lo = Math.min(lo, stats[k].min);
    hi = Math.max(hi, stats[k].max);
    h = Math.max(h, bw[k]);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const grid = linearGrid(Math.max(0, lo - 3 * h), Math.min(1, hi + 3 * h), points);
  const curve = (k: keyof typeof samples): PsmDensityCurve => ({
    n: stats[k].n,
    bandwidth: stats[k].n === 0 ? 0 : round6(bw[k]),
    density: Array.from(gaussianKde(samples[k].x, samples[k].w, bw[k], grid), round6),
  });
  return {
    kernel: 'gaussian',
    bandwidth_rule: 'silverman',
    grid: Array.from(grid, round6),
    unmatched: { treated: curve('ut'), controls: curve('uc') },
    matched: { treated: curve('mt'), controls: curve('mc') },
  };
}
