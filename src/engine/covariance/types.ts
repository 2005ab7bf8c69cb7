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
  /**
   * The meat Σ s sᵀ of this fit's scores when the caller already has it (the same function of the
   * same basis, residuals and clusters: covariance/meat.ts through models/iv-diagnostics.ts
   * scoreMeat), so it is not summed over the rows again. Used by `robust` and `cluster`.
   */
  meat?: Float64Array;
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
