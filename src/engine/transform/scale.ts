// Rescaling tools: z-scores (Stata's egen std(): (x − mean)/sd with the n − 1 sd, overall or within
// by() groups) and logs with a shift, ln(x + c), the usual fix for zeros in sales or patents.
import { AppError } from '../../shared/errors.js';
import { groupStatistic } from './egen.js';
import { groupIds } from './groups.js';
import { type NumericResult, type Var, numericValues, plural, sameLength } from './types.js';

/** z = (x − mean_g) / sd_g; a group with sd 0 or fewer than 2 values gives missing (counted). */
export function standardize(x: Var, options: { by?: Var[]; sample?: Uint8Array | null } = {}): NumericResult {
  const v = numericValues(x, 'standardising');
  const by = options.by ?? [];
  sameLength(v.length, ...by);
  const g = groupIds(
    by.map((b) => b.column),
    v.length,
  );
  const sample = options.sample ?? null;
  const mean = groupStatistic(v, g, 'mean', { sample });
  const sd = groupStatistic(v, g, 'sd', { sample });
  const out = new Float64Array(v.length);
  let degenerate = 0;
  for (let i = 0; i < v.length; i++) {
    const s = sd[i];
    const z = (v[i] - mean[i]) / s;
    if (z - z === 0) out[i] = z;
    else {
      out[i] = Number.NaN;
      if (v[i] - v[i] === 0 && (!sample || sample[i])) degenerate++;
    }
  }
  const warnings = degenerate > 0 ? [`${plural(degenerate, 'row')} of ${x.name} are in a group with no variation or a single value: z-score missing`] : [];
  return {
    values: out,
    warnings,
    describe: `z-score of ${x.name} (mean 0, sd 1 with the n − 1 divisor)${by.length ? ` within ${by.map((b) => b.name).join(' ')}` : ''}`,
  };
}

/** ln(x + shift); x + shift ≤ 0 gives missing and is counted. */
export function logShift(x: Var, options: { shift?: number } = {}): NumericResult {
  const c = options.shift ?? 0;
  if (!Number.isFinite(c)) throw new AppError('INVALID_ARGUMENT', `the shift must be a number, got ${c}`);
  const v = numericValues(x, 'the log');
  const out = new Float64Array(v.length);
  let bad = 0;
  for (let i = 0; i < v.length; i++) {
    const a = v[i] + c;
    if (a > 0 && a < Infinity) out[i] = Math.log(a);
    else {
      out[i] = Number.NaN;
      if (a - a === 0) bad++;
    }
  }
  const what = c === 0 ? `ln(${x.name})` : `ln(${x.name} + ${c})`;
  return {
    values: out,
    warnings: bad > 0 ? [`${what}: ${plural(bad, 'row')} with a value ≤ 0 give missing`] : [],
    describe: what,
  };
}
