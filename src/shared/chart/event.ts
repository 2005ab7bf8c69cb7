// Event-study plot: lead and lag coefficients against event time, the reference period drawn at 0
// (its coefficient is normalised away). Terms follow Stata's time-series operators: F3.d is the
// treatment three periods ahead, i.e. event time −3; L2.d is event time +2; d itself (or L0.d) is 0.
// The names the Lead and Lag tools give new variables count too: F_d and F2_d are −1 and −2, L_d
// and L3_d are +1 and +3. Any other naming works with an explicit list of { term, period }.
import { AppError } from '../errors.js';
import type { EstimationResult } from '../result.js';
import { ciNote, defaultModelNames, dodge } from './coef.js';
import { type ChartLang, type ChartModel, type ChartSeries, fill } from './model.js';
import { chartText } from './text.js';

export interface EventTerm {
  term: string;
  period: number;
}

export interface EventStudyOptions {
  /** Terms with their event time; or term names in F/L notation; default every F/L term of `base`. */
  terms?: (EventTerm | string)[];
  /** The variable whose leads and lags are plotted when terms are not given (default: the only one). */
  base?: string;
  /** The omitted period, plotted at 0 without an interval (default −1 when it is not estimated); null: none. */
  reference?: number | null;
  modelNames?: string[];
  lang?: ChartLang;
  title?: string;
}

const TS_TERM = /^([FL])(\d*)\.(.+)$/;
/** The Lead / Lag tools' variable names (prefix F_ / L_, or F2_ … for k > 1). */
const TOOL_TERM = /^([FL])(\d*)_(.+)$/;

/** Event time of a term in F/L notation: F3.x → −3, L.x → 1, L0.x → 0, F2_x → −2; null when it has none. */
export function parseEventTerm(term: string): { base: string; period: number } | null {
  const m = TS_TERM.exec(term) ?? TOOL_TERM.exec(term);
  if (!m) return null;
  const k = m[2] === '' ? 1 : Number(m[2]);
  return { base: m[3], period: m[1] === 'F' ? -k : k };
}

/** Leads and lags of `base` (or of the only variable that has any) among the results' terms, by event time. */
export function detectEventTerms(results: EstimationResult[], base?: string): EventTerm[] {
  const terms = [...new Set(results.flatMap((r) => r.coefficients.map((c) => c.term)))];
  const parsed = terms.map((term) => ({ term, p: parseEventTerm(term) })).filter((x): x is { term: string; p: { base: string; period: number } } => x.p !== null);
  const bases = [...new Set(parsed.map((x) => x.p.base))];
  const b = base ?? (bases.length === 1 ? bases[0] : undefined);
  if (!b) {
    throw new AppError('INVALID_ARGUMENT', bases.length === 0 ? 'no lead or lag terms (F2.x, L.x, …) in the results; list the event-time terms and their periods' : `leads and lags of several variables (${bases.join(', ')}); choose one`);
  }
  const out: EventTerm[] = parsed.filter((x) => x.p.base === b).map((x) => ({ term: x.term, period: x.p.period }));
  if (terms.includes(b) && !out.some((e) => e.period === 0)) out.push({ term: b, period: 0 });
  if (out.length === 0) throw new AppError('INVALID_ARGUMENT', `no lead or lag of "${b}" in the results`);
  return out.sort((a, c) => a.period - c.period);
}

function normalizeTerms(list: (EventTerm | string)[]): EventTerm[] {
  return list.map((t) => {
    if (typeof t !== 'string') return t;
    const p = parseEventTerm(t);
    if (!p) throw new AppError('INVALID_ARGUMENT', `"${t}" is not a lead or lag (F2.x, L.x); give its period as term:period`);
    return { term: t, period: p.period };
  });
}

export function collectEventStudy(results: EstimationResult[], opts: EventStudyOptions = {}): ChartModel {
  if (results.length === 0) throw new AppError('INVALID_ARGUMENT', 'an event-study plot needs at least one estimated model');
  const lang = opts.lang ?? 'en';
  const T = chartText(lang);
  const terms = (opts.terms ? normalizeTerms(opts.terms) : detectEventTerms(results, opts.base)).slice().sort((a, b) => a.period - b.period);
  const periods = terms.map((t) => t.period);
  if (new Set(periods).size !== periods.length) throw new AppError('INVALID_ARGUMENT', `two terms share an event time (${terms.map((t) => `${t.term}:${t.period}`).join(', ')})`);
  for (const t of terms) if (!Number.isFinite(t.period)) throw new AppError('INVALID_ARGUMENT', `"${t.term}": the period must be a number`);
  const reference = opts.reference === undefined ? (periods.includes(-1) ? null : -1) : opts.reference;
  if (reference !== null && periods.includes(reference)) throw new AppError('INVALID_ARGUMENT', `period ${reference} is estimated (${terms.find((t) => t.period === reference)?.term}); the reference period must be the omitted one`);
  const names = opts.modelNames ?? defaultModelNames(results);
  const m = results.length;
  const series: ChartSeries[] = results.map((r, j) => {
    const off = dodge(m, j, 0.3);
    const pts = terms.flatMap(({ term, period }) => {
      const c = r.coefficients.find((x) => x.term === term);
      if (!c || !Number.isFinite(c.estimate)) return [];
      const ci = Number.isFinite(c.conf_low) && Number.isFinite(c.conf_high) ? { low: c.conf_low, high: c.conf_high } : {};
      return [{ x: period + off, y: c.estimate, ...ci, label: term }];
    });
    if (reference !== null) pts.push({ x: reference + off, y: 0, label: 'reference' });
    pts.sort((a, b) => a.x - b.x);
    return { name: names[j] ?? `(${j + 1})`, type: 'points', errorAxis: 'y', connect: true, points: pts };
  });
  if (series.every((s) => s.points.every((p) => p.label === 'reference'))) throw new AppError('INVALID_ARGUMENT', `no model has any of the terms ${terms.map((t) => t.term).join(', ')}`);
  return {
    kind: 'event',
    lang,
    title: opts.title ?? T.eventTitle,
    x: { label: T.period, integer: true },
    y: { label: T.estimate },
    series,
    refLines: [{ axis: 'y', value: 0, dash: false }, ...(reference !== null ? [{ axis: 'x' as const, value: reference, dash: true }] : [])],
    notes: [ciNote(results, lang), ...(reference !== null ? [fill(T.reference, { period: reference })] : [])],
    legend: m > 1,
  };
}
