// Instrument builders used by the seed papers' IV sections (the lagged endogenous variable is
// panel.ts lag()):
// - "cube of the deviation from the yearly cross-sectional mean" (Lewbel-style): (x − mean_t(x))^3,
//   mean_t over every unit with a non-missing x in year t;
// - a time-invariant unit characteristic times a lagged national series, z_i × s_{t−k} (e.g.
//   distance to a port × last year's national internet users). s is read as a series indexed by
//   time, so s_{t−1} exists even when unit i has no row in t−1.
import { AppError } from '../../shared/errors.js';
import { groupStatistic } from './egen.js';
import { groupIds } from './groups.js';
import { type NumericResult, type Panel, type Var, isMissingAt, numericValues, plural, sameLength, valueText } from './types.js';

/** (x − mean of x in the same period)^power; default power 3. */
export function deviationPower(x: Var, time: Var, options: { power?: number; sample?: Uint8Array | null } = {}): NumericResult {
  const power = options.power ?? 3;
  const v = numericValues(x, 'the deviation instrument');
  sameLength(v.length, time);
  const g = groupIds([time.column], v.length);
  const mean = groupStatistic(v, g, 'mean', { sample: options.sample ?? null });
  const out = new Float64Array(v.length);
  let missingTime = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v[i] - mean[i];
    const r = power === 3 ? d * d * d : Math.pow(d, power);
    out[i] = r - r === 0 ? r : Number.NaN;
    if (isMissingAt(time.column, i) && v[i] === v[i]) missingTime++;
  }
  const warnings = missingTime > 0 ? [`${plural(missingTime, 'row')} with a missing ${time.name} were averaged together as one period`] : [];
  return { values: out, warnings, describe: `(${x.name} − mean of ${x.name} in the same ${time.name})^${power}, mean over all units with ${x.name} non-missing` };
}

/**
 * z_i × s_{t−k}: z should not vary within a unit (rows where it does use their own value, with a
 * warning); s must be one value per period (an error names a period where it is not).
 */
export function invariantTimesLagged(z: Var, s: Var, panel: Panel, options: { lag?: number } = {}): NumericResult {
  const k = options.lag ?? 1;
  if (!Number.isInteger(k) || k < 0) throw new AppError('INVALID_ARGUMENT', `the lag must be a whole number ≥ 0, got ${k}`);
  const zv = numericValues(z, 'the unit characteristic');
  const sv = numericValues(s, 'the time series');
  const t = numericValues(panel.time, 'the panel time variable');
  const delta = panel.delta ?? 1;
  sameLength(zv.length, s, panel.id, panel.time);
  // the series by period
  const series = new Map<number, { value: number; row: number }>();
  for (let i = 0; i < sv.length; i++) {
    if (t[i] - t[i] !== 0 || sv[i] - sv[i] !== 0) continue;
    const prev = series.get(t[i]);
    if (!prev) series.set(t[i], { value: sv[i], row: i });
    else if (prev.value !== sv[i]) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `"${s.name}" is not one value per ${panel.time.name}: at ${panel.time.name} = ${t[i]} it is ${prev.value} in row ${prev.row + 1} and ${sv[i]} in row ${i + 1}; for a unit-level series use the lag tool and multiply`,
      );
    }
  }
  // z constant within unit?
  const g = groupIds([panel.id.column], zv.length);
  const firstZ = new Float64Array(g.groups).fill(Number.NaN);
  let varying = 0;
  let example = -1;
  for (let i = 0; i < zv.length; i++) {
    const u = g.ids[i];
    if (zv[i] - zv[i] !== 0) continue;
    if (firstZ[u] !== firstZ[u]) firstZ[u] = zv[i];
    else if (firstZ[u] !== zv[i]) {
      varying++;
      if (example < 0) example = i;
    }
  }
  const out = new Float64Array(zv.length);
  for (let i = 0; i < zv.length; i++) {
    const lagged = t[i] - t[i] === 0 ? series.get(t[i] - k * delta) : undefined;
    const r = lagged ? zv[i] * lagged.value : Number.NaN;
    out[i] = r - r === 0 ? r : Number.NaN;
  }
  const warnings = varying > 0 ? [`"${z.name}" varies within ${panel.id.name} (${plural(varying, 'row')}, e.g. ${panel.id.name} = ${valueText(panel.id.column, example)}): each row uses its own value`] : [];
  return { values: out, warnings, describe: `${z.name} × ${s.name} at ${panel.time.name} − ${k} (${s.name} read as one value per ${panel.time.name})` };
}
