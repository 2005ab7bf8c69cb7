// Winsorising and trimming as Lian Yujun's winsor2 (SSC), the command Chinese applied papers use:
//   cuts(lo hi) percentiles by Stata's default definition (_pctile / egen pctile: percentile.ts),
//   computed over the non-missing values (of each by() group, which egen pctile does for winsor2);
//   winsorise: x < p_lo → p_lo, x > p_hi → p_hi;  trim: those values → missing (strict
//   inequalities, so values equal to a cut are kept). Missing stays missing. cuts(0 ·) or (· 100)
//   leave that side alone. Default cuts(1 99).
import { AppError } from '../../shared/errors.js';
import { firstRows, groupIds, groupLabel } from './groups.js';
import { groupPercentiles } from './egen.js';
import { type NumericResult, type Var, numericValues, plural, sameLength } from './types.js';

export interface WinsorOptions {
  /** Lower percentile (default 1); 0 leaves the low end alone. */
  lower?: number;
  /** Upper percentile (default 99); 100 leaves the high end alone. */
  upper?: number;
  trim?: boolean;
  by?: Var[];
  /** Rows used to compute the cuts and changed (`winsor2 ... if`); other rows come out missing. */
  sample?: Uint8Array | null;
}

export interface WinsorResult extends NumericResult {
  /** Per group: its label, n used, and the cut points (NaN when that side is not cut). */
  cuts: { group: string; n: number; lower: number; upper: number }[];
  lowered: number;
  raised: number;
}

export function winsorize(x: Var, options: WinsorOptions = {}): WinsorResult {
  let lower = options.lower ?? 1;
  let upper = options.upper ?? 99;
  // winsor2: "cuts(1 99) or cuts(99 1) makes no difference"
  if (lower > upper) [lower, upper] = [upper, lower];
  if (!(lower >= 0 && upper <= 100)) throw new AppError('INVALID_ARGUMENT', `cut percentiles must lie between 0 and 100, got ${lower} and ${upper}`);
  const v = numericValues(x, options.trim ? 'trimming' : 'winsorising');
  const by = options.by ?? [];
  sameLength(v.length, ...by);
  const sample = options.sample ?? null;
  const g = groupIds(
    by.map((b) => b.column),
    v.length,
  );
  const q = groupPercentiles(v, g, [lower, upper], sample);
  const doLow = lower > 0;
  const doHigh = upper < 100;
  const out = new Float64Array(v.length);
  let raised = 0;
  let lowered = 0;
  for (let i = 0; i < v.length; i++) {
    const xi = v[i];
    if (sample && !sample[i]) {
      out[i] = Number.NaN;
      continue;
    }
    const k = g.ids[i];
    const lo = q.values[2 * k];
    const hi = q.values[2 * k + 1];
    let r = xi;
    if (doLow && xi < lo) {
      r = options.trim ? Number.NaN : lo;
      raised++;
    } else if (doHigh && xi > hi) {
      r = options.trim ? Number.NaN : hi;
      lowered++;
    }
    out[i] = r;
  }
  const first = firstRows(g);
  const cuts = Array.from({ length: g.groups }, (_, k) => ({
    group: by.length ? groupLabel(by, first[k]) : 'all',
    n: q.n[k],
    lower: doLow ? q.values[2 * k] : Number.NaN,
    upper: doHigh ? q.values[2 * k + 1] : Number.NaN,
  }));
  const warnings: string[] = [];
  const small = cuts.filter((c) => c.n > 0 && c.n < 100 / Math.max(Math.min(lower, 100 - upper), 1e-9));
  if (by.length && small.length > 0 && (doLow || doHigh)) {
    warnings.push(`${plural(small.length, 'group')} (e.g. ${small[0].group}) have too few values for p${lower}/p${upper} to differ from the min/max: nothing is cut there`);
  }
  const verb = options.trim ? 'trimmed (set to missing)' : 'winsorised';
  const sides = `${doLow ? `p${lower}` : 'no lower cut'}/${doHigh ? `p${upper}` : 'no upper cut'}`;
  return {
    values: out,
    warnings,
    cuts,
    raised,
    lowered,
    describe: `${x.name} ${verb} at ${sides}${by.length ? ` by ${by.map((b) => b.name).join(' ')}` : ''} (winsor2 convention: Stata default percentiles; ${raised} low and ${lowered} high values ${options.trim ? 'dropped' : 'replaced'})`,
  };
}

/** Trimming: winsorize with trim = true. */
export function trim(x: Var, options: Omit<WinsorOptions, 'trim'> = {}): WinsorResult {
  return winsorize(x, { ...options, trim: true });
}
