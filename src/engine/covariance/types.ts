import type { ClusterInfo } from '../../shared/result.js';
import type { VcovType } from '../../shared/spec.js';
import type { LinearFit } from '../models/linear-fit.js';

/** Cluster ids for the estimation sample: dense 0-based, one array per cluster variable. */
export interface ClusterIds {
  variable: string;
  ids: Int32Array;
  groups: number;
}

export interface VcovContext {
  clusters: ClusterIds[];
}

export interface VcovEstimate {
  type: VcovType;
  /** k×k row-major. */
  V: Float64Array;
  /** df of the t and F reference distributions. */
  dof: number;
  factor: number;
  convention: string;
  clusters: ClusterInfo[];
  warnings: string[];
}

export type VcovEstimator = (fit: LinearFit, ctx: VcovContext) => VcovEstimate;
