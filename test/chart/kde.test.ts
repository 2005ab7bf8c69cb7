// Kernel densities: Silverman's bandwidth as R's bw.nrd0, the Gaussian KDE against a naive sum
// (exact below 4,096 points, linearly binned above), and the psm result's stored score densities.
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimatePsm } from '../../src/engine/estimate-psm.js';
import { cleanSample, defaultBins, gaussianKde, linearGrid, silvermanBandwidth, summarize } from '../../src/shared/chart/kde.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { lcg } from '../helpers.js';

/** R: bw.nrd0(x) = 0.9 · min(sd(x), IQR(x)/1.34) · n^(−1/5), quantile type 7. */
function bwNrd0(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  const n = s.length;
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return s[lo] + (h - lo) * ((s[lo + 1] ?? s[lo]) - s[lo]);
  };
  const m = s.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return 0.9 * Math.min(sd, (q(0.75) - q(0.25)) / 1.34) * n ** -0.2;
}

function naiveKde(x: number[], w: number[] | null, h: number, at: number): number {
  let s = 0;
  let W = 0;
  x.forEach((v, i) => {
    const wi = w ? w[i] : 1;
    s += wi * Math.exp(-0.5 * ((at - v) / h) ** 2);
    W += wi;
  });
  return s / (W * h * Math.sqrt(2 * Math.PI));
}

describe('kernel density', () => {
  const u = lcg(7);
  const small = Array.from({ length: 500 }, () => u() + u() + u());

  it('Silverman bandwidth equals bw.nrd0; the KDE equals the naive sum', () => {
    const { x } = cleanSample(small);
    const bw = silvermanBandwidth(summarize(x, null));
    expect(bw).toBeCloseTo(bwNrd0(small), 14);
    const grid = linearGrid(-0.5, 3.5, 41);
    const d = gaussianKde(x, null, bw, grid);
    grid.forEach((g, i) => expect(d[i]).toBeCloseTo(naiveKde(small, null, bw, g), 12));
    // trapezoid over a range covering the mass: about 1
    let area = 0;
    for (let i = 1; i < grid.length; i++) area += ((d[i] + d[i - 1]) / 2) * (grid[i] - grid[i - 1]);
    expect(area).toBeCloseTo(1, 2);
  });

  it('large samples are binned with negligible error', () => {
    const big = Array.from({ length: 30_000 }, () => u() * u());
    const { x } = cleanSample(big);
    const bw = silvermanBandwidth(summarize(x, null));
    // quartiles from the fine histogram above 20,000 points: the bandwidth within 0.1% of bw.nrd0
    expect(Math.abs(bw / bwNrd0(big) - 1)).toBeLessThan(1e-3);
    const grid = linearGrid(0, 1, 25);
    const d = gaussianKde(x, null, bw, grid);
    grid.forEach((g, i) => expect(Math.abs(d[i] - naiveKde(big, null, bw, g))).toBeLessThan(1e-4 * Math.max(1, d[i])));
  });

  it('weights: Kish effective n, weighted sd; missing values and zero weights drop out', () => {
    const s = cleanSample([1, 2, Number.NaN, 4, 5], [1, 3, 1, 0, 1]);
    expect(Array.from(s.x)).toEqual([1, 2, 5]);
    const sum = summarize(s.x, s.w);
    expect(sum.neff).toBeCloseTo(25 / 11, 14);
    expect(sum.mean).toBeCloseTo((1 + 6 + 5) / 5, 14);
    expect(defaultBins(400)).toBe(20);
    expect(defaultBins(10_000)).toBe(40);
  });
});

describe('psm score densities (PsmResult.density)', () => {
  const n = 1500;
  const u = lcg(3);
  const x1 = Float64Array.from({ length: n }, () => u() * 2 - 1);
  const t = Float64Array.from({ length: n }, (_, i) => (u() < 1 / (1 + Math.exp(-(-1 + 1.5 * x1[i]))) ? 1 : 0));
  const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * t[i] + x1[i] + u());
  const cols: Record<string, Column> = { y: { kind: 'numeric', values: y }, t: { kind: 'numeric', values: t }, x1: { kind: 'numeric', values: x1 } };
  const out = estimatePsm(normalizeSpec({ estimator: 'psm', y: 'y', treatment: 't', x: ['x1'], options: { score: 'logit', neighbors: 2 } }), new MemorySource(n, cols));
  const d = out.result.psm!.density!;

  it('100-point grid within [0, 1]; unmatched curves are the naive KDEs of treated and controls', () => {
    expect(d.grid).toHaveLength(100);
    expect(d.grid[0]).toBeGreaterThanOrEqual(0);
    expect(d.grid[99]).toBeLessThanOrEqual(1);
    const treated: number[] = [];
    const controls: number[] = [];
    for (let i = 0; i < n; i++) (t[i] ? treated : controls).push(out.score[i]);
    expect(d.unmatched.treated.n).toBe(treated.length);
    expect(d.unmatched.controls.n).toBe(controls.length);
    expect(d.unmatched.treated.bandwidth).toBeCloseTo(bwNrd0(treated), 5);
    for (const g of [10, 50, 90]) {
      expect(d.unmatched.controls.density[g]).toBeCloseTo(naiveKde(controls, null, d.unmatched.controls.bandwidth, d.grid[g]), 3);
    }
  });

  it('matched curves: treated on support, controls weighted by _weight', () => {
    const xs: number[] = [];
    const ws: number[] = [];
    let treatedOn = 0;
    for (let i = 0; i < n; i++) {
      if (!t[i] && out.weights[i] > 0) {
        xs.push(out.score[i]);
        ws.push(out.weights[i]);
      }
      if (t[i] && out.support[i]) treatedOn++;
    }
    expect(d.matched.controls.n).toBe(xs.length);
    expect(d.matched.treated.n).toBe(treatedOn);
    for (const g of [20, 60]) expect(d.matched.controls.density[g]).toBeCloseTo(naiveKde(xs, ws, d.matched.controls.bandwidth, d.grid[g]), 3);
    // JSON-safe: no NaN anywhere
    expect(JSON.stringify(d)).not.toContain('null');
  });
});
