// Kernel density and histogram kernels on plain arrays (shapes: values_N, optional weights_N;
// grids of G points). Gaussian kernel with Silverman's rule-of-thumb bandwidth (Silverman 1986,
// eq. 3.31; R's bw.nrd0): h = 0.9 · min(sd, IQR/1.34) · n^(−1/5). With weights (matched controls)
// n is Kish's effective size (Σw)²/Σw², sd and the quartiles are weighted. Large samples are
// linearly binned onto 2,048 points first (as R's density() does before its FFT): the binning
// error is O(δ²) with δ ≤ range/2047, far below what a plotted curve shows; above 20,000 points
// the quartiles come from a fine histogram instead of a sort (binnedQuantiles).
// Histograms follow Stata's `histogram` default number of bins, min(√N, 10·log10 N).

const BINNED_ABOVE = 4096;
const FINE = 2048;

export interface WeightedSummary {
  n: number;
  /** Kish's effective sample size (n when unweighted). */
  neff: number;
  sumW: number;
  mean: number;
  sd: number;
  iqr: number;
  min: number;
  max: number;
}

/** Finite values (and their positive weights) only: missing values and zero weights drop out. */
export function cleanSample(values: ArrayLike<number>, weights?: ArrayLike<number> | null): { x: Float64Array; w: Float64Array | null } {
  const keep = (i: number) => {
    const w = weights ? weights[i] : 1;
    return Number.isFinite(values[i]) && Number.isFinite(w) && w > 0;
  };
  let m = 0;
  for (let i = 0; i < values.length; i++) if (keep(i)) m++;
  const x = new Float64Array(m);
  const w = weights ? new Float64Array(m) : null;
  for (let i = 0, j = 0; i < values.length; i++) {
    if (!keep(i)) continue;
    x[j] = values[i];
    if (w && weights) w[j] = weights[i];
    j++;
  }
  return { x, w };
}

/**
 * Quartiles of a large sample from a fine histogram (16,384 bins between min and max, linear
 * within a bin): O(n) instead of a sort; the error, at most range/16,384, moves a bandwidth by
 * well under 0.1%.
 */
function binnedQuantiles(x: Float64Array, w: Float64Array | null, lo: number, hi: number, qs: number[]): number[] {
  const B = 16384;
  if (!(hi > lo)) return qs.map(() => lo);
  const mass = new Float64Array(B);
  const scale = B / (hi - lo);
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    mass[Math.min(B - 1, Math.floor((x[i] - lo) * scale))] += wi;
    total += wi;
  }
  return qs.map((q) => {
    const target = q * total;
    let cum = 0;
    for (let b = 0; b < B; b++) {
      if (cum + mass[b] >= target && mass[b] > 0) return lo + (b + (target - cum) / mass[b]) / scale;
      cum += mass[b];
    }
    return hi;
  });
}

const EXACT_QUANTILES_UP_TO = 20_000;

/** Weighted quantile by linear interpolation of the weighted ECDF at mid-weights (type 7 when unweighted). */
function quantile(sorted: Float64Array, w: Float64Array | null, q: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0];
  if (!w) {
    const h = (n - 1) * q;
    const lo = Math.floor(h);
    return lo + 1 < n ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i];
  // positions (cumulative weight at the middle of each point's mass), scaled to [0, 1]
  let cum = 0;
  let prevP = 0;
  let prevX = sorted[0];
  for (let i = 0; i < n; i++) {
    const p = (cum + w[i] / 2) / total;
    if (p >= q) return i === 0 ? sorted[0] : prevX + ((q - prevP) / (p - prevP)) * (sorted[i] - prevX);
    cum += w[i];
    prevP = p;
    prevX = sorted[i];
  }
  return sorted[n - 1];
}

export function summarize(x: Float64Array, w: Float64Array | null): WeightedSummary {
  const n = x.length;
  if (n === 0) return { n: 0, neff: 0, sumW: 0, mean: Number.NaN, sd: Number.NaN, iqr: Number.NaN, min: Number.NaN, max: Number.NaN };
  let sumW = 0;
  let sumW2 = 0;
  let m = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    sumW += wi;
    sumW2 += wi * wi;
    m += wi * x[i];
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  m /= sumW;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (w ? w[i] : 1) * (x[i] - m) ** 2;
  const neff = (sumW * sumW) / sumW2;
  const sd = neff > 1 ? Math.sqrt((ss / sumW) * (neff / (neff - 1))) : 0;
  let iqr: number;
  if (n > EXACT_QUANTILES_UP_TO) {
    const [q1, q3] = binnedQuantiles(x, w, lo, hi, [0.25, 0.75]);
    iqr = q3 - q1;
  } else if (w) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
    const xs = Float64Array.from(order, (i) => x[i]);
    const ws = Float64Array.from(order, (i) => w[i]);
    iqr = quantile(xs, ws, 0.75) - quantile(xs, ws, 0.25);
  } else {
    const xs = Float64Array.from(x).sort();
    iqr = quantile(xs, null, 0.75) - quantile(xs, null, 0.25);
  }
  return { n, neff, sumW, mean: m, sd, iqr, min: lo, max: hi };
}

/** Silverman's rule of thumb (R bw.nrd0), with R's fallbacks when the spread is zero. */
export function silvermanBandwidth(s: WeightedSummary): number {
  if (s.n === 0) return Number.NaN;
  let lo = Math.min(s.sd, s.iqr / 1.34);
  if (!(lo > 0)) lo = s.sd > 0 ? s.sd : Math.abs(s.min) > 0 ? Math.abs(s.min) : 1;
  return 0.9 * lo * Math.max(s.neff, 1) ** -0.2;
}

/** G evenly spaced points from `from` to `to`. */
export function linearGrid(from: number, to: number, points: number): Float64Array {
  if (points === 1) return Float64Array.of(from);
  return Float64Array.from({ length: points }, (_, i) => (i === points - 1 ? to : from + ((to - from) * i) / (points - 1)));
}

/** Gaussian kernel density of the (weighted) sample at each grid point; integrates to 1 over ℝ. */
export function gaussianKde(x: Float64Array, w: Float64Array | null, bandwidth: number, grid: Float64Array): Float64Array {
  const out = new Float64Array(grid.length);
  if (x.length === 0 || !(bandwidth > 0)) return out;
  let px = x;
  let pw = w;
  if (x.length > BINNED_ABOVE) ({ x: px, w: pw } = linearBin(x, w));
  let sumW = 0;
  for (let i = 0; i < px.length; i++) sumW += pw ? pw[i] : 1;
  const c = 1 / (sumW * bandwidth * Math.sqrt(2 * Math.PI));
  const cut = 8 * bandwidth; // exp(-32) is below double rounding of the sum
  for (let g = 0; g < grid.length; g++) {
    const at = grid[g];
    let s = 0;
    for (let i = 0; i < px.length; i++) {
      const d = at - px[i];
      if (d > cut || d < -cut) continue;
      const u = d / bandwidth;
      s += (pw ? pw[i] : 1) * Math.exp(-0.5 * u * u);
    }
    out[g] = s * c;
  }
  return out;
}

/** Linear binning: each point's weight is split between the two nearest of FINE grid points. */
function linearBin(x: Float64Array, w: Float64Array | null): { x: Float64Array; w: Float64Array } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  if (hi === lo) return { x: Float64Array.of(lo), w: Float64Array.of(w ? w.reduce((a, b) => a + b, 0) : x.length) };
  const delta = (hi - lo) / (FINE - 1);
  const bw = new Float64Array(FINE);
  for (let i = 0; i < x.length; i++) {
    const pos = (x[i] - lo) / delta;
    const j = Math.min(Math.floor(pos), FINE - 2);
    const f = pos - j;
    const wi = w ? w[i] : 1;
    bw[j] += wi * (1 - f);
    bw[j + 1] += wi * f;
  }
  return { x: linearGrid(lo, hi, FINE), w: bw };
}

export interface Histogram {
  /** Bin edges, bins + 1 of them. */
  edges: Float64Array;
  counts: Float64Array;
  /** counts / (N · width): the histogram as a density. */
  density: Float64Array;
  width: number;
}

/** Stata's default bins: min(√N, 10·log10 N), at least 1. */
export function defaultBins(n: number): number {
  if (n <= 1) return 1;
  return Math.max(1, Math.floor(Math.min(Math.sqrt(n), (10 * Math.log(n)) / Math.LN10)));
}

export function histogram(x: Float64Array, bins?: number): Histogram {
  const n = x.length;
  const k = Math.max(1, Math.floor(bins ?? defaultBins(n)));
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  if (n === 0) return { edges: new Float64Array(0), counts: new Float64Array(0), density: new Float64Array(0), width: Number.NaN };
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / k;
  const edges = Float64Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + i * width));
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[Math.min(k - 1, Math.floor((x[i] - lo) / width))]++;
  return { edges, counts, density: Float64Array.from(counts, (c) => c / (n * width)), width };
}
