// Making a new dataset from existing ones: merge / append two datasets, or keep / drop rows by a
// condition. The result is always a NEW dataset: the inputs stay as they were, so nothing is lost
// if the operation was not what was meant.

/** collapse: the statistic of each variable per group (Stata collapse). */
export type CollapseStat = 'mean' | 'sum' | 'count' | 'min' | 'max';
export const COLLAPSE_STATS: readonly CollapseStat[] = ['mean', 'sum', 'count', 'min', 'max'];

export interface CombineRequest {
  /** merge / append two datasets, or keep / drop the rows of `master` where `condition` holds; collapse `master` by `keys`. */
  kind: 'merge' | 'append' | 'keep' | 'drop' | 'sort' | 'collapse';
  /** Dataset names: the master (left) and the using (right) dataset. */
  master: string;
  using: string;
  /** merge: key variables present in both datasets; sort: the sort variables, in order; collapse: the by variables. */
  keys?: string[];
  /** merge: which side is unique on the keys (Stata 1:1, m:1, 1:m). */
  merge?: '1:1' | 'm:1' | '1:m';
  /** merge: which results to keep (Stata keep()); default all. */
  keep?: ('master' | 'using' | 'match')[];
  /** sort: descending order for these of the keys (Stata gsort -x). */
  descending?: string[];
  /** keep / drop: the condition, in the expression language (Stata `keep if` / `drop if`). */
  condition?: string;
  /** collapse: the variables to collapse, the statistic (default mean) and an optional weight (aweights). */
  vars?: string[];
  stat?: CollapseStat;
  weight?: string;
  /** Name of the new dataset. */
  name: string;
}

/** Stata's merge table: observations by result. */
export interface CombineReport {
  kind: CombineRequest['kind'];
  nrows: number;
  matched?: number;
  left_only?: number;
  right_only?: number;
  /** Rows of each side whose key has a missing value (they never match). */
  missing_keys?: { left: number; right: number };
  /** Variables in both datasets (not keys): the master's values were kept. */
  not_from_using?: string[];
  /** keep / drop: rows removed. */
  dropped?: number;
  warnings?: string[];
}
