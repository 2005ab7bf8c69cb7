// Group statistics as Stata's egen: mean, sd, min, max, count, total, median, pctile, rank, each
// over the non-missing values of its group (and only the rows in `sample`, like `egen ... if`),
// written back to every row of the group. Rows outside the sample get missing.
// Conventions (Stata [D] egen): sd uses n − 1 (missing with fewer than 2 values); count is the
// number of non-missing values; total treats missing as 0 (0 for an all-missing group); median and
// pctile use Stata's default percentile (percentile.ts); rank gives ties the average rank
// (egen rank's default), 1 = smallest.
// Shapes: values_N, ids_N, per-group accumulators _G; median/pctile/rank sort each group's values
// (O(n log n) overall, native typed-array sort on one scratch buffer).
import { AppError } from '../../shared/errors.js';
import { type GroupLayout, type Groups, groupIds, groupLayout } from './groups.js';
import { lowerBound, stataPercentile, upperBound } from './percentile.js';
import { type NumericResult, type Var, numericValues, plural, sameLength } from './types.js';

export type GroupStat = 'mean' | 'sd' | 'min' | 'max' | 'count' | 'total' | 'median' | 'pctile' | 'rank';

export const GROUP_STATS: readonly GroupStat[] = ['mean', 'sd', 'min', 'max', 'count', 'total', 'median', 'pctile', 'rank'];

export interface GroupStatOptions {
  /** Percentile for 'pctile' (0–100); 'median' is p = 50. */
  p?: number;
  /** Rows that take part (1) — `egen ... if`. Absent: all rows. */
  sample?: Uint8Array | null;
}

const inSample = (sample: Uint8Array | null | undefined, i: number): boolean => !sample || sample[i] === 1;

/** The statistic of each row's group, per row (NaN outside the sample). */
export function groupStatistic(values: Float64Array, g: Groups, stat: GroupStat, options: GroupStatOptions = {}): Float64Array {
  const sample = options.sample ?? null;
  if (stat === 'median' || stat === 'pctile') {
    const p = stat === 'median' ? 50 : options.p;
    if (p === undefined || !(p >= 0 && p <= 100)) throw new AppError('INVALID_ARGUMENT', `pctile needs a percentile between 0 and 100, got ${p}`);
    const cuts = groupPercentiles(values, g, [p], sample);
    return spread(cuts.values, g, sample);
  }
  if (stat === 'rank') return groupRank(values, g, sample);
  const G = g.groups;
  const ids = g.ids;
  const n = new Float64Array(G);
  const acc = new Float64Array(G);
  if (stat === 'min') acc.fill(Infinity);
  if (stat === 'max') acc.fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0 || !inSample(sample, i)) continue;
    const k = ids[i];
    n[k]++;
    if (stat === 'min') acc[k] = Math.min(acc[k], v);
    else if (stat === 'max') acc[k] = Math.max(acc[k], v);
    else acc[k] += v;
  }
  const out = new Float64Array(G);
  if (stat === 'sd') {
    // two passes (deviations from the group mean) keep the digits that Σx² − n·x̄² would lose
    const ss = new Float64Array(G);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0 || !inSample(sample, i)) continue;
      const k = ids[i];
      const d = v - acc[k] / n[k];
      ss[k] += d * d;
    }
    for (let k = 0; k < G; k++) out[k] = n[k] > 1 ? Math.sqrt(ss[k] / (n[k] - 1)) : Number.NaN;
  } else {
    for (let k = 0; k < G; k++) {
      if (stat === 'count') out[k] = n[k];
      else if (stat === 'total') out[k] = acc[k];
      else if (n[k] === 0) out[k] = Number.NaN;
      else out[k] = stat === 'mean' ? acc[k] / n[k] : acc[k];
    }
  }
  return spread(out, g, sample);
}

function spread(perGroup: Float64Array, g: Groups, sample: Uint8Array | null): Float64Array {
  const out = new Float64Array(g.ids.length);
  for (let i = 0; i < out.length; i++) out[i] = inSample(sample, i) ? perGroup[g.ids[i]] : Number.NaN;
  return out;
}

/**
 * Percentiles of every group: values[g·P + j] is percentile ps[j] of group g (NaN when the group
 * has no non-missing values in the sample); n[g] the number of values used.
 */
export function groupPercentiles(values: Float64Array, g: Groups, ps: readonly number[], sample: Uint8Array | null = null, layout?: GroupLayout): { values: Float64Array; n: Int32Array } {
  const L = layout ?? groupLayout(g);
  const P = ps.length;
  const out = new Float64Array(g.groups * P).fill(Number.NaN);
  const n = new Int32Array(g.groups);
  const scratch = new Float64Array(maxGroupSize(L));
  for (let k = 0; k < g.groups; k++) {
    const m = gather(values, L, k, sample, scratch);
    n[k] = m;
    if (m === 0) continue;
    scratch.subarray(0, m).sort();
    for (let j = 0; j < P; j++) out[k * P + j] = stataPercentile(scratch, m, ps[j]);
  }
  return { values: out, n };
}

function maxGroupSize(L: GroupLayout): number {
  let m = 0;
  for (let k = 0; k + 1 < L.start.length; k++) m = Math.max(m, L.start[k + 1] - L.start[k]);
  return m;
}

/** Copies group k's non-missing sample values into scratch; returns how many. */
function gather(values: Float64Array, L: GroupLayout, k: number, sample: Uint8Array | null, scratch: Float64Array): number {
  let m = 0;
  for (let r = L.start[k]; r < L.start[k + 1]; r++) {
    const i = L.rows[r];
    const v = values[i];
    if (v - v === 0 && inSample(sample, i)) scratch[m++] = v;
  }
  return m;
}

/** egen rank(): 1 = smallest, ties share the mean of their ranks; missing stays missing. */
function groupRank(values: Float64Array, g: Groups, sample: Uint8Array | null): Float64Array {
  const L = groupLayout(g);
  const out = new Float64Array(values.length).fill(Number.NaN);
  const scratch = new Float64Array(maxGroupSize(L));
  for (let k = 0; k < g.groups; k++) {
    const m = gather(values, L, k, sample, scratch);
    if (m === 0) continue;
    scratch.subarray(0, m).sort();
    for (let r = L.start[k]; r < L.start[k + 1]; r++) {
      const i = L.rows[r];
      const v = values[i];
      if (v - v !== 0 || !inSample(sample, i)) continue;
      // values below v take ranks 1..lo; the ties take lo+1..hi, whose mean is (lo + 1 + hi)/2
      const lo = lowerBound(scratch, m, v);
      const hi = upperBound(scratch, m, v);
      out[i] = (lo + 1 + hi) / 2;
    }
  }
  return out;
}

const STAT_TEXT: Record<GroupStat, string> = {
  mean: 'mean',
  sd: 'standard deviation (n − 1)',
  min: 'minimum',
  max: 'maximum',
  count: 'number of non-missing values',
  total: 'total (missing counted as 0)',
  median: 'median (Stata default percentile)',
  pctile: 'percentile',
  rank: 'rank (ties get the average rank)',
};

/** The tool form of egen: `egen y = stat(x), by(...)`. */
export function egen(x: Var, stat: GroupStat, options: { by?: Var[]; p?: number; sample?: Uint8Array | null } = {}): NumericResult {
  const values = numericValues(x, `egen ${stat}()`);
  const by = options.by ?? [];
  sameLength(values.length, ...by);
  const g = groupIds(
    by.map((b) => b.column),
    values.length,
  );
  const out = groupStatistic(values, g, stat, options);
  const what = stat === 'pctile' ? `percentile ${options.p}` : STAT_TEXT[stat];
  const warnings: string[] = [];
  if (stat === 'sd') {
    let single = 0;
    for (let i = 0; i < out.length; i++) if (out[i] !== out[i] && values[i] === values[i] && (!options.sample || options.sample[i])) single++;
    if (single > 0) warnings.push(`${plural(single, 'row')} in groups with fewer than 2 values of ${x.name} got a missing standard deviation`);
  }
  return {
    values: out,
    warnings,
    describe: `${what} of ${x.name}${by.length ? ` by ${by.map((b) => b.name).join(' ')} (${plural(g.groups, 'group')})` : ''}${options.sample ? ', on the selected rows' : ''}`,
  };
}
