// What the data view asks the engine for, and what comes back: the rows a filter condition keeps
// (Stata's `if`, docs/expressions.md) and one column's profile for the header menu (summary and a
// histogram). The dataset itself never changes; the row indices stay in main and the grid reads
// them a page at a time. Plain data: main, the worker and the renderer share these shapes.
import type { RowPage } from './types.js';

/** Rows where the condition is true (a missing condition value counts as true, as in Stata). */
export interface FilterRequest {
  kind: 'filter';
  condition: string;
}

/** One variable's summary and histogram, over all rows or only those a condition keeps. */
export interface ColumnRequest {
  kind: 'column';
  variable: string;
  condition?: string;
  /** Upper bound on histogram bins for a numeric variable (default 24). */
  bins?: number;
  /** Levels listed for a text variable before the rest are pooled as "other" (default 10). */
  levels?: number;
}

export type ViewRequest = FilterRequest | ColumnRequest;

/** The worker's answer to a filter: matching row indices in ascending order. */
export interface FilterOutput {
  kind: 'filter';
  rows: Int32Array;
  warnings: string[];
}

export interface ColumnOutput {
  kind: 'column';
  profile: ColumnProfile;
}

export type ViewOutput = FilterOutput | ColumnOutput;

/** Equal-width bins: counts[i] holds values in [edges[i], edges[i+1]) (the last bin is closed). */
export interface BinHistogram {
  kind: 'bins';
  edges: number[];
  counts: number[];
}

/** Most frequent levels of a text variable, largest first; `other` pools the rest. */
export interface LevelHistogram {
  kind: 'levels';
  levels: { label: string; count: number }[];
  other: number;
}

export interface ColumnProfile {
  variable: string;
  type: 'numeric' | 'categorical';
  /** The condition the profile is restricted to, if any. */
  condition?: string;
  /** Rows in scope (all rows, or those the condition keeps). */
  rows: number;
  /** Non-missing values among them. */
  n: number;
  missing: number;
  /** Numeric variables only (Stata `summarize`: sd with the n − 1 divisor; p50 by Stata's percentile rule). Null when undefined (n = 0, or sd with n = 1). */
  mean: number | null;
  sd: number | null;
  min: number | null;
  p50: number | null;
  max: number | null;
  /** Distinct non-missing values of a text variable. */
  distinct?: number;
  histogram: BinHistogram | LevelHistogram | null;
  warnings: string[];
}

/** A filter applied in main: its id for paging, how many rows it keeps of how many. */
export interface FilterInfo {
  filterId: number;
  datasetId: number;
  /** The dataset version the rows belong to; a change of the data makes the filter stale. */
  version: number;
  condition: string;
  count: number;
  nrows: number;
  warnings: string[];
}

/** A page of filtered rows: `rows[i]` is the 0-based row of the dataset shown at offset + i. */
export interface FilteredRowPage extends RowPage {
  rows: number[];
}
