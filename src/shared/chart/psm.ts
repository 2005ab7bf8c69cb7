// PSM figures from a stored psm result: the propensity-score densities of treated and controls
// before and after matching (PsmResult.density, computed by the engine), and the standardised-bias
// dot plot from the pstest balance table (psmatch2's `pstest, graph`).
import { AppError } from '../errors.js';
import type { EstimationResult, PsmResult } from '../result.js';
import { type ChartLang, type ChartModel, fill } from './model.js';
import { chartText, shortNumber } from './text.js';

export interface PsmChartOptions {
  lang?: ChartLang;
  title?: string;
}

/** A psm result, or its `psm` part (the UI's PSM tables hold only that). */
export type PsmSource = EstimationResult | PsmResult;

function psmOf(source: PsmSource): PsmResult {
  if ('balance' in source) return source;
  if (!source.psm) throw new AppError('INVALID_ARGUMENT', `this is a ${source.estimator} result; the PSM charts need a psm model`);
  return source.psm;
}

export function collectPsmDensity(result: PsmSource, sample: 'unmatched' | 'matched', opts: PsmChartOptions = {}): ChartModel {
  const psm = psmOf(result);
  const d = psm.density;
  if (!d) throw new AppError('INVALID_ARGUMENT', 'this psm result has no score densities (estimated by an older version); run the model again');
  const lang = opts.lang ?? 'en';
  const T = chartText(lang);
  const curves = d[sample];
  const line = (name: string, c: typeof curves.treated, color: number, dash: boolean) => ({
    name: `${name} (N = ${c.n})`,
    type: 'line' as const,
    color,
    dash,
    points: d.grid.map((g, i) => ({ x: g, y: c.density[i] })),
  });
  return {
    kind: 'psm-density',
    lang,
    title: opts.title ?? (sample === 'matched' ? T.psmTitleM : T.psmTitleU),
    x: { label: T.score, min: d.grid[0], max: d.grid[d.grid.length - 1] },
    y: { label: T.density, min: 0 },
    series: [line(T.treated, curves.treated, 0, false), line(T.controls, curves.controls, 1, true)],
    refLines: [],
    notes: [fill(T.psmNote, { bt: shortNumber(curves.treated.bandwidth), bc: shortNumber(curves.controls.bandwidth) }), ...(sample === 'matched' ? [T.psmMatchedNote] : [])],
    legend: true,
  };
}

export interface BiasPlotOptions extends PsmChartOptions {
  /** Order covariates by their unmatched bias (pstest graph) instead of the model's order. */
  sort?: boolean;
  labels?: Record<string, string>;
}

export function collectBiasPlot(result: PsmSource, opts: BiasPlotOptions = {}): ChartModel {
  const psm = psmOf(result);
  const lang = opts.lang ?? 'en';
  const T = chartText(lang);
  const rows = opts.sort ? [...psm.balance].sort((a, b) => a.bias_unmatched - b.bias_unmatched) : psm.balance;
  if (rows.length === 0) throw new AppError('INVALID_ARGUMENT', 'the balance table is empty');
  const pts = (pick: (r: (typeof rows)[number]) => number) => rows.flatMap((r, i) => (Number.isFinite(pick(r)) ? [{ x: pick(r), y: i, label: r.term }] : []));
  return {
    kind: 'bias',
    lang,
    title: opts.title ?? T.biasTitle,
    x: { label: T.bias },
    y: { label: '', categories: rows.map((r) => opts.labels?.[r.term] ?? r.term) },
    series: [
      { name: T.unmatched, type: 'points', marker: 'circle-open', color: 1, points: pts((r) => r.bias_unmatched) },
      { name: T.matched, type: 'points', marker: 'circle', color: 0, points: pts((r) => r.bias_matched) },
    ],
    refLines: [{ axis: 'x', value: 0, dash: false }],
    notes: [T.biasNote],
    legend: true,
  };
}

