// Multi-way cluster-robust covariance (Cameron, Gelbach & Miller 2011, "Robust inference with
// multiway clustering", JBES 29(2)), following reghdfe 6 (Regression.mata: reghdfe_vce_cluster,
// reghdfe_choose_n_k, reghdfe_fix_psd):
//
//   M = Σ over the 2^Q − 1 non-empty subsets S of the Q cluster variables of
//       (−1)^(|S|+1) · Σ_{g ∈ ∩S} s_g s_gᵀ,   s_g = Σ_{i in g} x_i e_i,
//   V = q · (X'X)⁻¹ M (X'X)⁻¹,   q = (N−1)/(N−K) · G/(G−1),   G = min over the variables of G_j,
//
// where ∩S is the intersection clustering (the joint levels of the variables in S). ONE factor q
// for the whole sum (reghdfe: `N_clust = min(N_clust_list)`), not one G_j/(G_j−1) per term as
// R sandwich::vcovCL(cadjust = TRUE) and Stata's cluster2/cgmreg do. t and F on G−1 df.
// If V is not positive semi-definite its negative eigenvalues are set to zero
// (V = U diag(λ⁺) Uᵀ); with an intercept, reghdfe then replaces the slopes' block by the same fix
// applied to the slopes' block alone, so slope SEs and the model F change only when the slopes'
// own block is indefinite.
import { AppError } from '../../shared/errors.js';
import { clusterMeat } from './meat.js';
import type { ClusterIds } from './types.js';

export { clusterMeat, clusterMeatByColumn } from './meat.js';

/** reghdfe asserts 1 ≤ Q ≤ 10 (2^10 − 1 = 1023 meat terms). */
export const MAX_CLUSTER_WAYS = 10;

export interface JointIds {
  ids: Int32Array;
  groups: number;
}

/**
 * The joint levels of two dense id vectors, renumbered densely (0-based). A lookup table over the
 * Ga·Gb cells when that is small (ids in order of first appearance); otherwise the observations are
 * bucketed by `a` (counting sort) and the levels of `b` are numbered within each bucket with one
 * stamped array of size Gb: O(n + Ga + Gb) time and memory whatever Ga·Gb is.
 */
export function joinIds(a: Int32Array, ga: number, b: Int32Array, gb: number): JointIds {
  const n = a.length;
  if (b.length !== n) throw new AppError('INTERNAL', 'cluster id vectors of different lengths');
  const ids = new Int32Array(n);
  let groups = 0;
  const cells = ga * gb;
  if (cells <= Math.max(4 * n, 1 << 16)) {
    const table = new Int32Array(cells).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = a[i] * gb + b[i];
      let g = table[key];
      if (g < 0) {
        g = groups++;
        table[key] = g;
      }
      ids[i] = g;
    }
    return { ids, groups };
  }
  const start = new Int32Array(ga + 1);
  for (let i = 0; i < n; i++) start[a[i] + 1]++;
  for (let g = 0; g < ga; g++) start[g + 1] += start[g];
  const fill = start.slice(0, ga);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[a[i]]++] = i;
  const stamp = new Int32Array(gb).fill(-1);
  const local = new Int32Array(gb);
  for (let g = 0; g < ga; g++) {
    for (let p = start[g]; p < start[g + 1]; p++) {
      const i = order[p];
      const bi = b[i];
      if (stamp[bi] !== g) {
        stamp[bi] = g;
        local[bi] = groups++;
      }
      ids[i] = local[bi];
    }
  }
  return { ids, groups };
}

/**
 * The non-empty subsets of {0..Q−1} in reghdfe's order: by size, then lexicographically
 * (reghdfe_choose_n_k), each with its inclusion–exclusion sign (+ odd size, − even size).
 */
export function clusterSubsets(Q: number): { members: number[]; sign: 1 | -1 }[] {
  const out: { members: number[]; sign: 1 | -1 }[] = [];
  const rec = (size: number, start: number, acc: number[]) => {
    if (acc.length === size) {
      out.push({ members: [...acc], sign: size % 2 === 1 ? 1 : -1 });
      return;
    }
    for (let j = start; j < Q; j++) {
      acc.push(j);
      rec(size, j + 1, acc);
      acc.pop();
    }
  };
  for (let size = 1; size <= Q; size++) rec(size, 0, []);
  return out;
}

/**
 * Eigen-decomposition of a symmetric k×k matrix by cyclic Jacobi rotations: A = U diag(λ) Uᵀ.
 * U is row-major with the eigenvectors in its columns. Accurate to rounding for the small,
 * symmetric matrices here (k = number of coefficients).
 */
export function symmetricEigen(A: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) a[i * k + j] = a[j * k + i] = 0.5 * (a[i * k + j] + a[j * k + i]);
  const U = new Float64Array(k * k);
  for (let i = 0; i < k; i++) U[i * k + i] = 1;
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q] * a[p * k + q];
    if (off === 0 || off <= 1e-32 * scale) break;
    for (let p = 0; p < k; p++)
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q];
        if (apq === 0) continue;
        const app = a[p * k + p];
        const aqq = a[q * k + q];
        // rotation angle that zeroes a[p][q] (Golub & Van Loan, symmetric Schur decomposition)
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p];
          const arq = a[r * k + q];
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r];
          const aqr = a[q * k + r];
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        a[p * k + q] = a[q * k + p] = 0;
        for (let r = 0; r < k; r++) {
          const urp = U[r * k + p];
          const urq = U[r * k + q];
          U[r * k + p] = c * urp - s * urq;
          U[r * k + q] = s * urp + c * urq;
        }
      }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = a[i * k + i];
  return { values, vectors: U };
}

/**
 * reghdfe_fix_psd(V, 0): if any eigenvalue of V is negative, V ← U diag(max(λ, 0)) Uᵀ.
 * Returns the smallest eigenvalue before the fix and whether the fix was applied.
 */
export function clipNegativeEigenvalues(V: Float64Array, k: number): { V: Float64Array; fixed: boolean; minEigenvalue: number } {
  if (k === 0) return { V, fixed: false, minEigenvalue: Number.NaN };
  const { values, vectors: U } = symmetricEigen(V, k);
  let min = Infinity;
  for (let i = 0; i < k; i++) min = Math.min(min, values[i]);
  if (!(min < 0)) return { V, fixed: false, minEigenvalue: min };
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) if (values[m] > 0) s += U[i * k + m] * values[m] * U[j * k + m];
      out[i * k + j] = s;
      out[j * k + i] = s;
    }
  return { V: out, fixed: true, minEigenvalue: min };
}

/**
 * reghdfe_fix_psd(V, report_constant): the fix on the whole matrix and, when the model reports a
 * constant, the slopes' block (every index but `interceptIndex`) replaced by the fix of the
 * slopes' block alone, taken from V before the fix ("If V is positive-semidefinite, then submatrix
 * V_backup also is"). `fixed` is decided on the whole matrix, as in reghdfe.
 */
export function fixPsd(V: Float64Array, k: number, interceptIndex: number): { V: Float64Array; fixed: boolean; minEigenvalue: number; slopesFixed: boolean } {
  const whole = clipNegativeEigenvalues(V, k);
  if (!whole.fixed || interceptIndex < 0 || k < 2) return { ...whole, slopesFixed: false };
  const idx: number[] = [];
  for (let j = 0; j < k; j++) if (j !== interceptIndex) idx.push(j);
  const q = idx.length;
  const block = new Float64Array(q * q);
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) block[i * q + j] = V[idx[i] * k + idx[j]];
  const fixedBlock = clipNegativeEigenvalues(block, q);
  const out = whole.V;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) out[idx[i] * k + idx[j]] = fixedBlock.V[i * q + j];
  return { V: out, fixed: true, minEigenvalue: whole.minEigenvalue, slopesFixed: fixedBlock.fixed };
}

/**
 * The unscaled multi-way meat Σ_S (−1)^(|S|+1) Σ_{g ∈ ∩S} s_g s_gᵀ of the scores x_a ∘ e (k columns;
 * `toQ`/`condition` as in meat.ts). Intersections are built incrementally: S minus its last member
 * was built before S, since subsets come by size, and is kept only for the next size up.
 */
export function multiwayMeat(X: Float64Array[], resid: Float64Array, clusters: ClusterIds[], n: number, k: number, toQ: Float64Array | null = null, condition = Infinity): Float64Array {
  const Qw = clusters.length;
  let prev = new Map<string, JointIds>();
  let cur = new Map<string, JointIds>();
  let size = 0;
  const M = new Float64Array(k * k);
  for (const { members, sign } of clusterSubsets(Qw)) {
    if (members.length !== size) {
      prev = cur;
      cur = new Map();
      size = members.length;
    }
    let joint: JointIds;
    if (members.length === 1) {
      joint = clusters[members[0]];
    } else {
      const head = prev.get(members.slice(0, -1).join(','));
      const last = clusters[members[members.length - 1]];
      if (!head) throw new AppError('INTERNAL', 'multi-way clustering: missing intersection');
      joint = joinIds(head.ids, head.groups, last.ids, last.groups);
    }
    if (members.length < Qw) cur.set(members.join(','), joint);
    const Ms = clusterMeat(X, resid, joint.ids, joint.groups, n, k, toQ, condition);
    for (let i = 0; i < k * k; i++) M[i] += sign * Ms[i];
  }
  return M;
}
