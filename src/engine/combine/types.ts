// Shapes of the dataset-combining operations (Stata merge, append, duplicates, sort/gsort). Row
// mappings are typed arrays (they are as long as the result); reports are plain JSON.
import type { NamedColumn } from '../describe/types.js';

export type { NamedColumn };

/** Columns of equal length; what merge and append take and return. */
export interface Dataset {
  nrows: number;
  columns: NamedColumn[];
}

/** Stata's merge kinds: which side must be unique on the key ("1") and which may repeat ("m"). */
export type MergeKind = '1:1' | 'm:1' | '1:m';

/** Stata's `_merge` codes: 1 master (left) only, 2 using (right) only, 3 matched. */
export type MergeCode = 1 | 2 | 3;

export type MergeResultName = 'master' | 'using' | 'match';

/** Counts of result observations, as Stata's merge table shows them. */
export interface MatchReport {
  /** _merge == 3 */
  matched: number;
  /** _merge == 1: master observations without a match */
  left_only: number;
  /** _merge == 2: using observations without a match */
  right_only: number;
}

export interface MergePlan {
  kind: MergeKind;
  keys: string[];
  /** Result rows after `keep`. */
  nrows: number;
  /** Per result row: the master row, or −1 (using only). */
  left: Int32Array;
  /** Per result row: the using row, or −1 (master only). */
  right: Int32Array;
  /** Per result row: 1, 2 or 3. */
  merge: Uint8Array;
  /** Result rows 0..identity_prefix−1 are master rows 0..identity_prefix−1 (lets columns be copied, not gathered). */
  identity_prefix: number;
  /** Counts over all result rows, before `keep` (what Stata's table shows without keep()). */
  report: MatchReport;
  /** Counts of the rows kept. */
  kept: MatchReport;
  /** Rows whose key has a missing value: they never match and stay unmatched. */
  missing_keys: { left: number; right: number };
  /** 'data': master rows in their order (matches expanded in using order), then using-only rows; 'key': sorted by the key. */
  order: 'data' | 'key';
}

export interface MergeOutput extends Dataset {
  /** Non-key variables in both datasets: master values kept (Stata's default, no update/replace); using values fill only using-only rows. */
  not_from_using: string[];
}

export type { DuplicatesReport, DuplicatesRow } from '../../shared/describe.js';
