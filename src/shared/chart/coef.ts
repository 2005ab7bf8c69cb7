// Coefficient plot across models (Stata coefplot, fixest coefplot): one row per chosen term, one
// marker per model with its confidence interval at the model's own level (spec.options.level,
// default 95%) — the conf_low/conf_high stored in the result, not recomputed.
import { AppError } from '../errors.js';
import type { EstimationResult } from '../result.js';
import { INTERCEPT_TERM } from '../spec.js';
import { type ChartLang, type ChartModel, type ChartSeries, fill } from './model.js';
import { chartText, percentLevel } from './text.js';

export interface CoefPlotOptions {
  /** Terms to plot, top to bottom; default every term but the constant, in first-appearance order. */
  terms?: string[];
  labels?: Record<string, string>;
  /** Legend entries; default "(1) y", "(2) y", … as the table columns. */
  modelNames?: string[];
  lang?: ChartLang;
  title?: string;
}

export const resultLevel = (r: EstimationResult): number => r.spec?.options?.level ?? 0.95;

/** Terms of the results in first-appearance order, the constant last (as collectTable). */
export function coefTerms(results: EstimationResult[]): string[] {
  const seen: string[] = [];
  for (const r of results) for (const c of r.coefficients) if (!seen.includes(c.term)) seen.push(c.term);
  return seen.filter((t) => t !== INTERCEPT_TERM).concat(seen.includes(INTERCEPT_TERM) ? [INTERCEPT_TERM] : []);
}

export const defaultModelNames = (results: EstimationResult[]): string[] => results.map((r, i) => `(${i + 1}) ${r.spec?.y ?? ''}`.trim());

/** Vertical offsets of m models within one category row, centred on the row. */
export function dodge(m: number, j: number, spread = 0.7): number {
  if (m <= 1) return 0;
  const d = Math.min(0.25, spread / (m - 1));
  return (j - (m - 1) / 2) * d;
}

export function ciNote(results: EstimationResult[], lang: ChartLang): string {
  const T = chartText(lang);
  const levels = [...new Set(results.map(resultLevel))];
  return levels.length === 1 ? fill(T.ci, { level: percentLevel(levels[0]) }) : fill(T.ciMixed, { levels: results.map((r) => percentLevel(resultLevel(r))).join(', ') });
}

export function collectCoefPlot(results: EstimationResult[], opts: CoefPlotOptions = {}): ChartModel {
  if (results.length === 0) throw new AppError('INVALID_ARGUMENT', 'a coefficient plot needs at least one estimated model');
  const lang = opts.lang ?? 'en';
  const T = chartText(lang);
  const all = coefTerms(results);
  const terms = opts.terms ?? all.filter((t) => t !== INTERCEPT_TERM);
  const missing = terms.filter((t) => !all.includes(t));
  if (missing.length > 0) throw new AppError('INVALID_ARGUMENT', `no model has the term${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} (terms: ${all.join(', ')})`);
  if (terms.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose at least one term to plot');
  const names = opts.modelNames ?? defaultModelNames(results);
  const series: ChartSeries[] = results.map((r, j) => ({
    name: names[j] ?? `(${j + 1})`,
    type: 'points',
    errorAxis: 'x',
    points: terms.flatMap((term, i) => {
      const c = r.coefficients.find((x) => x.term === term);
      if (!c || !Number.isFinite(c.estimate)) return [];
      const ci = Number.isFinite(c.conf_low) && Number.isFinite(c.conf_high) && c.conf_low !== c.conf_high ? { low: c.conf_low, high: c.conf_high } : {};
      return [{ x: c.estimate, y: i + dodge(results.length, j), ...ci, label: term }];
    }),
  }));
  const label = (t: string) => opts.labels?.[t] ?? (t === INTERCEPT_TERM ? (lang === 'zh' ? '常数项' : 'Constant') : t);
  return {
    kind: 'coef',
    lang,
    title: opts.title ?? T.coefTitle,
    x: { label: T.estimate },
    y: { label: '', categories: terms.map(label) },
    series,
    refLines: [{ axis: 'x', value: 0, dash: true }],
    notes: [ciNote(results, lang)],
    legend: results.length > 1,
  };
}
