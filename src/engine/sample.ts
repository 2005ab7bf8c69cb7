// The estimation sample shared by every linear estimator: complete cases over the variables a model
// reads, absorbed factors with iterative singleton removal (reghdfe), cluster ids on the final
// sample, and the degrees of freedom the fixed effects use given the cluster variables.
import { AppError } from '../shared/errors.js';
import type { FixedEffectInfo } from '../shared/result.js';
import type { ClusterIds } from './covariance/index.js';
import { type Column, type ColumnSource, type InfiniteValues, type ValueRange, completeCases, factorize, restrictMask } from './data.js';
import { absorbedDof } from './fe/dof.js';
import { type Factor, buildFactors, keyedTerms, subsetFactor } from './fe/factors.js';
import { keyedFactors } from './fe/wasm/factor.js';
import { findSingletons } from './fe/singletons.js';

/**
 * ±∞ is not a missing value (NaN is): it comes from a broken computation (ln 0, x/0) or a file
 * that spells "inf", and R, fixest and Stata (which cannot hold it) never estimate with it.
 * Dropping such rows silently would change the sample without saying so: refuse, naming the
 * variable and the dataset row.
 */
export function refuseInfinite(infinite: InfiniteValues[]): void {
  const f = infinite[0];
  if (!f) return;
  const more = f.count > 1 ? ` and ${f.count - 1} other row${f.count > 2 ? 's' : ''}` : '';
  const others = infinite.length > 1 ? ` (also ${infinite.slice(1).map((g) => `"${g.name}"`).join(', ')})` : '';
  throw new AppError(
    'BAD_DATA',
    `"${f.name}" is ${f.value > 0 ? '+∞' : '−∞'} in row ${f.row + 1}${more}${others}: infinite values cannot enter an estimation; set them to missing or fix how "${f.name}" was computed (a log of 0, a division by 0)`,
  );
}

/** Rows complete in every used column; a clear error when none are or when a value is ±∞. */
export function sampleMask(source: ColumnSource, used: { name: string; column: Column }[], keyed?: ReadonlySet<string>): { mask: Uint8Array; count: number; ranges: Map<string, ValueRange> } {
  const { mask, count, missingBy, infinite, ranges } = completeCases(source.nrows, used, keyed);
  refuseInfinite(infinite);
  if (count === 0) {
    const worst = Object.entries(missingBy).sort((a, b) => b[1] - a[1])[0];
    throw new AppError('BAD_DATA', `no observations left: every row has a missing value (e.g. "${worst[0]}" is missing in ${worst[1]} of ${source.nrows} rows)`);
  }
  return { mask, count, ranges };
}

export interface AbsorbedSample {
  factors: Factor[];
  /** Rows kept after singleton removal (relative to the masked sample), or null if none dropped. */
  keep: Uint8Array | null;
  droppedSingletons: number;
  /** Rows of the source that enter the fit. */
  rows: Uint8Array;
  n: number;
}

const EVERY_ROW_SINGLETON = 'every observation is a singleton in some fixed effect; nothing is left to estimate';

/** Factorise the absorb terms and, when asked, drop singletons iteratively over all of them. */
export function absorbFactors(absorb: string[], source: ColumnSource, mask: Uint8Array, count: number, dropSingletons: boolean, ranges?: Map<string, ValueRange>): AbsorbedSample {
  // integer-keyed terms (the usual case): factorised, singletons and subsets in WebAssembly
  const terms = keyedTerms(absorb, source, mask, count, ranges);
  const keyed = terms && keyedFactors(terms, mask, count, dropSingletons);
  if (keyed) {
    const n = count - keyed.dropped;
    if (n === 0) throw new AppError('ESTIMATION', EVERY_ROW_SINGLETON);
    return { factors: keyed.factors, keep: keyed.keep, droppedSingletons: keyed.dropped, rows: keyed.keep ? restrictMask(mask, keyed.keep) : mask, n };
  }
  let n = count;
  let factors = buildFactors(absorb, source, mask, n, ranges);
  let keep: Uint8Array | null = null;
  let droppedSingletons = 0;
  let rows = mask;
  if (factors.length > 0 && dropSingletons) {
    const s = findSingletons(factors, n);
    if (s.dropped > 0) {
      keep = s.keep;
      droppedSingletons = s.dropped;
      const m = n - s.dropped;
      rows = restrictMask(mask, s.keep);
      factors = factors.map((f) => subsetFactor(f, s.keep, m, true));
      n = m;
    }
    if (n === 0) throw new AppError('ESTIMATION', EVERY_ROW_SINGLETON);
  }
  return { factors, keep, droppedSingletons, rows, n };
}

/**
 * Cluster ids on the estimation sample. A cluster variable that is also an absorbed factor
 * (reghdfe y x, absorb(firm …) vce(cluster firm)) reuses that factor's ids: the same grouping.
 */
export function clusterIdsFor(names: string[], factors: Factor[], source: ColumnSource, mask: Uint8Array, count: number, keep: Uint8Array | null, n: number): ClusterIds[] {
  return names.map((name) => {
    const same = factors.find((f) => f.name === name);
    if (same) return { variable: name, ids: same.ids, groups: same.groups };
    const c = factorize(source.get(name), mask, count);
    if (!keep) return { variable: name, ...c };
    const f = subsetFactor({ name, ids: c.ids, groups: c.groups }, keep, n);
    return { variable: name, ids: f.ids, groups: f.groups };
  });
}

/** reghdfe's absorbed degrees of freedom given the cluster variables (FE nested in one count none). */
export function fixedEffectsDof(factors: Factor[], clusters: ClusterIds[]): { fixedEffects: FixedEffectInfo[]; dfA: number; dfNested: number; anyNested: boolean } {
  const dof = absorbedDof(factors, clusters);
  return {
    fixedEffects: dof.map((d) => ({ name: d.name, levels: d.levels, redundant: d.redundant, nested: d.nested, df: d.df })),
    dfA: dof.reduce((s, d) => s + d.df, 0),
    dfNested: dof.reduce((s, d) => s + (d.nested ? d.levels : 0), 0),
    anyNested: dof.some((d) => d.nested),
  };
}

/**
 * A dependent variable with one value in the whole estimation sample leaves nothing to explain:
 * with a constant (or fixed effects) the fit is exact, every standard error 0 and every test
 * undefined. Refused, naming it (Stata prints 0 standard errors and "." statistics instead).
 */
export function refuseConstantOutcome(y: Float64Array, n: number, name: string, what = 'the dependent variable'): void {
  const v0 = y[0];
  for (let i = 1; i < n; i++) if (y[i] !== v0) return;
  throw new AppError('BAD_DATA', `${what} "${name}" is constant (${v0}) in all ${n} observations of the estimation sample: there is nothing to explain`);
}
