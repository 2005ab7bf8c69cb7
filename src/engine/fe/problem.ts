// One demeaning problem as the kernels see it, and what both kernel sets share.
// Shapes: P columns Float64Array(n) and Q factors (ids Int32Array(n), dense levels 0..G_f−1) in
// the caller's row order. The sweeps may visit the rows in another order, chosen so that the rows
// of the largest factor L are contiguous: its group sums then accumulate in registers and its
// coefficients are read sequentially by the other factors' passes.
import type { Factor } from './factors.js';

export interface DemeanProblem {
  n: number;
  P: number;
  Q: number;
  columns: Float64Array[];
  ids: Int32Array[];
  groups: number[];
  /** The factor with most levels: its rows are made contiguous in iteration order. */
  grouped: number;
  /** Take Σx and Σx² of every column in the pass that reads x for the group sums. */
  moments?: boolean;
}

/**
 * What the iteration needs from a kernel set; the loop itself lives in demean.ts. A kernel set
 * holds three coefficient vectors (0, 1, 2: Irons–Tuck's X, GX, GGX) of the factors other than L,
 * so nothing is copied, and one table for α_L, rewritten by every sweep.
 */
export interface Kernels {
  readonly name: 'wasm-simd' | 'js';
  /**
   * One Gauss–Seidel sweep from vector `from` into `to`: α_f ← group means of x minus the other
   * factors' coefficients (those already updated in this sweep from `to`, the rest from `from`),
   * for f = L, then the others in order.
   */
  sweep(from: 0 | 1 | 2, to: 0 | 1 | 2): void;
  /** Convergence test only: did some coefficient move by more than tol from vector a to b? */
  moving(a: 0 | 1 | 2, b: 0 | 1 | 2, tol: number): boolean;
  /** Convergence test between vectors 1 and 2; if still moving, vector 0 ← the Irons–Tuck step. */
  accelerate(tol: number): boolean;
  /**
   * With pb.moments: [Σx_p (S lanes), Σx_p² (S lanes)] of the input columns, each summed over the
   * rows in input order; else null.
   */
  readonly moments: Float64Array | null;
  /**
   * out[p][i] = x_p[i] − Σ_f α_f[ids_f[i]] with the coefficients of vector `which`, in input row
   * order; with `then`, also then.squares[p] = Σ_i out[p][i]² (rows in order) and out[p][i] +=
   * then.shift[p] afterwards (S lanes each).
   */
  residuals(out: Float64Array[], which: 0 | 1 | 2, then?: { shift: Float64Array; squares: Float64Array }): void;
  /** Release what the kernel set holds (WebAssembly memory is reused by the next call). */
  dispose(): void;
}

export function makeProblem(columns: Float64Array[], factors: Factor[]): DemeanProblem {
  const groups = factors.map((f) => f.groups);
  let grouped = 0;
  for (let q = 1; q < groups.length; q++) if (groups[q] > groups[grouped]) grouped = q;
  return { n: columns[0].length, P: columns.length, Q: factors.length, columns, ids: factors.map((f) => f.ids), groups, grouped };
}

/**
 * The iteration order: null (input order) when the rows of each level of the grouped factor are
 * adjacent already (runs = non-empty levels), else a stable counting sort of the rows by level.
 */
export function rowOrder(pb: DemeanProblem, runs: number, levels: number): Int32Array | null {
  if (runs === levels) return null;
  const id = pb.ids[pb.grouped];
  const G = pb.groups[pb.grouped];
  const start = new Int32Array(G + 1);
  for (let i = 0; i < pb.n; i++) start[id[i] + 1]++;
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const perm = new Int32Array(pb.n);
  for (let i = 0; i < pb.n; i++) perm[start[id[i]]++] = i;
  return perm;
}

/** dst[j] = ids_q[perm[j]] (or a plain copy without a permutation). */
export function iterationIds(pb: DemeanProblem, perm: Int32Array | null, q: number, dst: Int32Array): void {
  const src = pb.ids[q];
  if (perm === null) dst.set(src);
  else for (let j = 0; j < pb.n; j++) dst[j] = src[perm[j]];
}
