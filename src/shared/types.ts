// Plain data types shared by store, main, renderer and CLI.
import type { EstimationResult } from './result.js';
import type { ModelSpec } from './spec.js';

export type VariableType = 'numeric' | 'categorical';

/** How a variable came to be: imported from a file, or built by a recorded transformation. */
export type Recipe =
  | { kind: 'import'; source: string; column: string; sourceType?: string; /** Stata display format ('%td', ...) */ format?: string }
  | { kind: 'transform'; tool: string; inputs: string[]; params: Record<string, unknown>; /** provenance in words */ describe?: string; at?: string };

export interface VariableInfo {
  id: number;
  name: string;
  position: number;
  type: VariableType;
  label: { zh?: string; en?: string };
  /** Categorical: level text per code (code = index). */
  levels?: string[];
  valueLabels?: Record<string, string>;
  recipe: Recipe;
  missing: number;
}

export interface DatasetInfo {
  id: number;
  name: string;
  nrows: number;
  version: number;
  createdAt: string;
  source: string;
  /** The declared panel structure (Stata's xtset): unit id and time variables. */
  panel?: { id: string; time: string };
  variables: VariableInfo[];
}

export interface ProjectInfo {
  path: string;
  name: string;
  datasets: DatasetInfo[];
  savedAt: string | null;
  /** Operations the last session left unfinished (rolled back when the project was opened). */
  interrupted?: { kind: string; at: string; what: string }[];
  /** Copy of the file made before migrating an older project format. */
  backup?: string | null;
}

export interface RecentEntry {
  path: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export interface ModelSummary {
  id: number;
  name: string;
  datasetId: number;
  spec: ModelSpec;
  createdAt: string;
  /** Latest stored result, if any. */
  resultId: number | null;
  status: 'done' | 'failed' | 'stale';
  error?: string;
}

export interface StoredResult {
  id: number;
  modelId: number;
  specHash: string;
  datasetVersion: number;
  result: EstimationResult;
  createdAt: string;
}

/** A page of rows for the data grid: one array per requested variable. Missing = null. */
export interface RowPage {
  offset: number;
  nrows: number;
  columns: Record<string, (number | string | null)[]>;
}

export interface ImportSummary {
  dataset: DatasetInfo;
  warnings: string[];
  /** A held import (preview): still in the staging area until committed. */
  held?: { stagingId: number; logId: number };
  /** Preview: the first rows of the held import. */
  preview?: RowPage;
}

export type JobStage = 'queued' | 'load' | 'prepare' | 'estimate' | 'covariance' | 'result' | 'import';

export interface JobProgress {
  jobId: string;
  kind: 'estimate' | 'import';
  stage: JobStage;
  fraction: number;
  label?: string;
}

export interface JobFinished {
  jobId: string;
  kind: 'estimate' | 'import';
  ok: boolean;
  modelId?: number;
  datasetId?: number;
  error?: { code: string; message: string };
  cached?: boolean;
}
