// Histogram and kernel density of one variable (values passed in: a column read by the caller).
// Bins as Stata's `histogram`; Gaussian kernel with Silverman's bandwidth (kde.ts).
import { AppError } from '../errors.js';
import { type ChartLang, type ChartModel, type ChartSeries, fill } from './model.js';
import { cleanSample, gaussianKde, histogram, linearGrid, silvermanBandwidth, summarize } from './kde.js';
import { chartText, shortNumber } from './text.js';

export interface DistributionOptions {
  /** The variable's name (or label) for the title and axis. */
  name: string;
  /** histogram: frequencies; density: a kernel density; both: a density-scaled histogram with the curve. */
  kind?: 'histogram' | 'density' | 'both';
  bins?: number;
  /** Kernel bandwidth; default Silverman's rule. */
  bandwidth?: number;
  /** Points of the density curve (default 200). */
  points?: number;
  lang?: ChartLang;
  title?: string;
}

export function collectDistribution(values: ArrayLike<number>, opts: DistributionOptions): ChartModel {
  const lang = opts.lang ?? 'en';
  const T = chartText(lang);
  const kind = opts.kind ?? 'both';
  const { x } = cleanSample(values);
  if (x.length === 0) throw new AppError('INVALID_ARGUMENT', `${opts.name} has no non-missing values to plot`);
  const series: ChartSeries[] = [];
  const notes: string[] = [];
  const s = summarize(x, null);
  let lo = s.min;
  let hi = s.max;
  if (kind !== 'density') {
    const h = histogram(x, opts.bins);
    const heights = kind === 'histogram' ? h.counts : h.density;
    series.push({ name: T.histogram, type: 'bars', color: 5, points: Array.from(heights, (y, i) => ({ x: h.edges[i], x2: h.edges[i + 1], y })) });
    notes.push(fill(T.bins, { bins: h.counts.length, width: shortNumber(h.width) }));
    lo = h.edges[0];
    hi = h.edges[h.edges.length - 1];
  }
  if (kind !== 'histogram') {
    const bw = opts.bandwidth ?? silvermanBandwidth(s);
    if (!(bw > 0)) throw new AppError('INVALID_ARGUMENT', `the bandwidth must be positive, got ${bw}`);
    if (kind === 'density') {
      lo = s.min - 3 * bw;
      hi = s.max + 3 * bw;
    }
    const grid = linearGrid(lo, hi, opts.points ?? 200);
    const d = gaussianKde(x, null, bw, grid);
    series.push({ name: T.kde, type: 'line', color: 0, points: Array.from(grid, (g, i) => ({ x: g, y: d[i] })) });
    notes.push(fill(T.bandwidth, { bw: shortNumber(bw) }));
  }
  return {
    kind: kind === 'density' ? 'density' : 'histogram',
    lang,
    title: opts.title ?? fill(T.histTitle, { name: opts.name }),
    x: { label: opts.name, min: lo, max: hi },
    y: { label: kind === 'histogram' ? T.frequency : T.density, min: 0 },
    series,
    refLines: [],
    notes,
    legend: series.length > 1,
  };
}
