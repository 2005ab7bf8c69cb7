// Publication charts, phase one's output: a format-free chart model (fixest's two-phase tables,
// applied to figures). Collectors (coef.ts, event.ts, distribution.ts, psm.ts) turn stored results
// or values into a ChartModel; renderers (svg.ts here, chart.js in the renderer) read only this.
// Everything is in data units; a category axis places category i at position i.

export type ChartKind = 'coef' | 'event' | 'histogram' | 'density' | 'psm-density' | 'bias';
export type ChartLang = 'zh' | 'en';

export interface ChartAxis {
  label: string;
  /** A category axis: category i sits at position i (first on top for y, leftmost for x). */
  categories?: string[];
  /** Data range the axis must include (e.g. a density's grid); ticks are still nice numbers. */
  min?: number;
  max?: number;
  /** Ticks only at whole numbers (event time). */
  integer?: boolean;
}

/** One mark. Error bars run from low to high along `errorAxis`; bars span [x, x2] from 0 to y. */
export interface ChartPoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
  x2?: number;
  /** The term, covariate or period the point stands for (tooltips, tests). */
  label?: string;
}

export type ChartMarker = 'circle' | 'square' | 'triangle' | 'diamond' | 'circle-open' | 'square-open';

export interface ChartSeries {
  name: string;
  /** points: markers (with error bars when low/high are set); line: a polyline; bars: rectangles. */
  type: 'points' | 'line' | 'bars';
  points: ChartPoint[];
  /** Axis along which low/high run (the value axis). */
  errorAxis?: 'x' | 'y';
  /** Join the points with a line as well (event studies). */
  connect?: boolean;
  dash?: boolean;
  marker?: ChartMarker;
  /** Palette slot; series with the same slot share a colour (default: the series index). */
  color?: number;
}

export interface ChartRefLine {
  axis: 'x' | 'y';
  value: number;
  dash: boolean;
}

export interface ChartModel {
  kind: ChartKind;
  lang: ChartLang;
  title: string;
  x: ChartAxis;
  y: ChartAxis;
  series: ChartSeries[];
  /** Zero lines, the event-study reference period. */
  refLines: ChartRefLine[];
  /** Under the plot: what the bars are, bandwidths, the CI level. */
  notes: string[];
  /** Legend shown when there is more than one series (renderers may hide it otherwise). */
  legend: boolean;
}

/** Monochrome-friendly palette (print) used by every renderer, indexed by ChartSeries.color. */
export const CHART_COLORS = ['#1b1b1b', '#c0392b', '#2e6da4', '#6b8e23', '#8e44ad', '#b9770e'];
export const CHART_MARKERS: ChartMarker[] = ['circle', 'square', 'triangle', 'diamond', 'circle-open', 'square-open'];
export const chartColor = (s: ChartSeries, i: number): string => CHART_COLORS[(s.color ?? i) % CHART_COLORS.length];
export const chartMarker = (s: ChartSeries, i: number): ChartMarker => s.marker ?? CHART_MARKERS[i % CHART_MARKERS.length];

export const fill = (s: string, p: Record<string, string | number>): string => s.replace(/\{(\w+)\}/g, (w, k: string) => (k in p ? String(p[k]) : w));
