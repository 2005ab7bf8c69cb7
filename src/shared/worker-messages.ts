// Messages between the job host (main, CLI, tests) and the engine worker process.
import type { ErrorInfo } from './errors.js';
import type { EstimationResult } from './result.js';
import type { ModelSpec } from './spec.js';
import type { ToolOutput, ToolOutputColumn, ToolRequest } from './tools.js';
import type { CombineReport, CombineRequest } from './combine.js';
import type { DescribeRequest, DescribeResult } from './describe.js';
import type { ViewOutput, ViewRequest } from './data-view.js';
import type { JobStage } from './types.js';

export interface RunJob {
  type: 'run';
  jobId: string;
  spec: ModelSpec;
  projectPath: string;
  datasetId: number;
  /** Only for tests of crash handling: makes the worker die mid-job. */
  crashForTest?: 'exit' | 'hang';
}

/** Variables a model leaves in its dataset (psm: _pscore, _treated, _support, _weight). */
export type ModelColumns = ToolOutputColumn[];

/** A variable-construction tool: load its inputs, run it, hand the new columns back. */
export interface ToolJob {
  type: 'tool';
  jobId: string;
  request: ToolRequest;
  projectPath: string;
  datasetId: number;
}

/** Descriptive statistics: load the variables, compute, hand back the (small) result. */
export interface DescribeJob {
  type: 'describe';
  jobId: string;
  request: DescribeRequest;
  projectPath: string;
  datasetId: number;
}

/** Merge or append two datasets: load both, combine, hand the new columns back (main writes them). */
export interface CombineJob {
  type: 'combine';
  jobId: string;
  request: CombineRequest;
  projectPath: string;
}

/** A data view query (the grid's filter, a column's profile): row indices or a few numbers back. */
export interface ViewJob {
  type: 'view';
  jobId: string;
  request: ViewRequest;
  projectPath: string;
  datasetId: number;
}

export type ToWorker = RunJob | ToolJob | DescribeJob | CombineJob | ViewJob;

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; jobId: string; stage: JobStage; fraction: number }
  | { type: 'done'; jobId: string; result: EstimationResult; columns?: ModelColumns }
  | { type: 'tool-done'; jobId: string; output: ToolOutput }
  | { type: 'describe-done'; jobId: string; result: DescribeResult }
  | { type: 'combine-done'; jobId: string; nrows: number; columns: { name: string; column: ToolOutputColumn['column'] }[]; report: CombineReport }
  | { type: 'view-done'; jobId: string; output: ViewOutput }
  | { type: 'error'; jobId: string; error: ErrorInfo };
