// One column's profile for the data grid's header menu: N, missing, mean, SD, min, median, max
// (the engine's `summarize`, so the numbers are Stata's) and a small histogram — equal-width bins
// for numbers, the most frequent levels for text. Only these few numbers leave the worker, never
// the column.
//
// Shapes: a column of length nrows and an optional scope mask (Uint8Array(nrows), 1 = in scope).
// Bins: Sturges' count (⌈log2 n⌉ + 1, capped), widened to a "nice" width (1, 2, 2.5 or 5 × 10^k);
// integer data spanning few values get one bin per integer.
import type { BinHistogram, ColumnProfile, LevelHistogram } from '../../shared/data-view.js';
import type { Column } from '../data.js';
import { summarize } from '../describe/summarize.js';

export interface ProfileOptions {
  scope?: Uint8Array | null;
  condition?: string;
  /** Most bins for a numeric histogram (default 24). */
  bins?: number;
  /** Levels listed for a text variable (default 10). */
  levels?: number;
  warnings?: string[];
}

export function profileColumn(name: string, column: Column, opts: ProfileOptions = {}): ColumnProfile {
  const scope = opts.scope ?? null;
  const nrows = column.kind === 'numeric' ? column.values.length : column.codes.length;
  let rows = nrows;
  if (scope) {
    rows = 0;
    for (let i = 0; i < scope.length; i++) rows += scope[i];
  }
  const base = {
    variable: name,
    ...(opts.condition ? { condition: opts.condition } : {}),
    rows,
    warnings: [...(opts.warnings ?? [])],
  };
  if (column.kind === 'categorical') {
    const counts = new Float64Array(column.levels.length);
    let n = 0;
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) {
      if (scope && scope[i] === 0) continue;
      const c = codes[i];
      if (c >= 0 && c < counts.length) {
        counts[c]++;
        n++;
      }
    }
    const histogram = topLevels(column.levels, counts, opts.levels ?? 10);
    const distinct = counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
    return { ...base, type: 'categorical', n, missing: rows - n, mean: null, sd: null, min: null, p50: null, max: null, distinct, histogram: n > 0 ? histogram : null };
  }
  const s = summarize([{ name, column }], scope ? { filter: scope } : {}).rows[0];
  const n = s.n;
  const min = s.min;
  const max = s.max;
  const histogram = n > 0 && min !== null && max !== null ? histogramBins(column.values, scope, min, max, n, opts.bins ?? 24) : null;
  return { ...base, type: 'numeric', n, missing: rows - n, mean: s.mean, sd: s.sd, min, p50: s.median, max, histogram };
}

/** A width of 1, 2, 2.5 or 5 × 10^k, the smallest such at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const e = Math.floor(Math.log10(raw));
  const base = 10 ** e;
  for (const m of [1, 2, 2.5, 5, 10]) {
    const step = m * base;
    if (step >= raw * (1 - 1e-12)) return step;
  }
  return 10 * base;
}

const tidy = (x: number): number => Number(x.toPrecision(12));

/** Equal-width bins over [min, max] of the finite values in scope; counts sum to n. */
export function histogramBins(values: Float64Array, scope: Uint8Array | null, min: number, max: number, n: number, maxBins: number): BinHistogram {
  const cap = Math.max(2, Math.floor(maxBins));
  let edges: number[];
  if (min === max) {
    edges = [min - 0.5, min + 0.5];
  } else {
    let integers = max - min + 1 <= cap;
    if (integers) {
      for (let i = 0; i < values.length; i++) {
        if (scope && scope[i] === 0) continue;
        const x = values[i];
        if (x - x === 0 && !Number.isInteger(x)) {
          integers = false;
          break;
        }
      }
    }
    if (integers) {
      edges = Array.from({ length: max - min + 2 }, (_, i) => min - 0.5 + i);
    } else {
      const k = Math.min(cap, Math.max(5, Math.ceil(Math.log2(n)) + 1));
      const step = niceStep((max - min) / k);
      const lo = Math.floor(min / step) * step;
      let bins = Math.max(1, Math.ceil((max - lo) / step - 1e-9));
      if (lo + bins * step < max) bins++;
      edges = Array.from({ length: bins + 1 }, (_, i) => tidy(lo + i * step));
    }
  }
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0];
  const width = (edges[bins] - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    if (scope && scope[i] === 0) continue;
    const x = values[i];
    if (x - x !== 0) continue;
    let b = Math.floor((x - lo) / width);
    if (b >= bins) b = bins - 1;
    else if (b < 0) b = 0;
    // guard the float division at an edge: a value equal to edges[b + 1] belongs to the next bin
    if (b + 1 < bins && x >= edges[b + 1]) b++;
    else if (b > 0 && x < edges[b]) b--;
    counts[b]++;
  }
  return { kind: 'bins', edges, counts };
}

function topLevels(levels: readonly string[], counts: Float64Array, keep: number): LevelHistogram {
  const order = Array.from(counts.keys()).filter((i) => counts[i] > 0);
  order.sort((a, b) => counts[b] - counts[a] || a - b);
  const shown = order.slice(0, Math.max(1, keep));
  let other = 0;
  for (const i of order.slice(shown.length)) other += counts[i];
  return { kind: 'levels', levels: shown.map((i) => ({ label: levels[i] ?? String(i), count: counts[i] })), other };
}
