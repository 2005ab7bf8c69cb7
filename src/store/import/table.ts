// The in-memory shape every non-CSV importer (Stata .dta, Excel .xlsx) produces; import-file.ts
// writes it into a staging dataset. Missing values: NaN in numeric columns, -1 in category codes.

/** Dates are numeric in Panel Studio, counted as Stata counts them: days since 1960-01-01 (%td),
 *  milliseconds since 1960-01-01 00:00 (%tc); `displayFormat` keeps the Stata-style format. */
export interface ImportedColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  /** numeric: Float64Array (NaN = missing); categorical: Int32Array codes into `levels` (-1 = missing). */
  values: Float64Array | Int32Array;
  levels?: string[];
  /** Variable label from the file (Stata variable label, ...). */
  label?: string;
  /** Value labels of a numeric variable: code (as a string) → text. */
  valueLabels?: Record<string, string>;
  /** Stata-style display format ('%td', '%tc', '%9.0g', ...) when the source has one. */
  displayFormat?: string;
  /** Number of missing values in `values`. */
  missing: number;
  /** The type in the source file ('double', 'byte', 'str12', 'strL', 'date', 'number', 'text', ...). */
  sourceType: string;
}

export interface ImportedTable {
  nrows: number;
  columns: ImportedColumn[];
  /** Things the user should know that did not stop the import (named by column / row). */
  warnings: string[];
}

export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}
