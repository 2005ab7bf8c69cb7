// The "meat" of the sandwich, Σ_g s_g s_gᵀ with s_g = Σ_{i in g} q_i e_i (k×k row-major), on the
// orthonormal scores basis Q of the fit (models/linear-fit.ts). Shapes: X are k columns of length
// n (the fit's `basis`), resid has length n, ids are dense cluster ids (G levels).
//
// When `toQ` (upper triangular k×k, Q = X·toQ) is given, the meat is taken on X and mapped: either
// every score sum first, s_Q = toQᵀ s_X (exactly linear, so it equals the meat on an explicit Q up
// to rounding and loses only cond(R)·ε), or, for a well-conditioned design, the k×k meat once,
// toQᵀ M_X toQ, which loses cond(R)²·ε = cond(X'X)·ε: below MAP_MEAT_MAX that is < 1e-13, and it
// spares a k(k+1)/2-term map per cluster or per observation.
import { crossProducts } from '../linalg/gram.js';

const BLOCK = 2048;

/** Largest condition of the scaled X'X for which the meat is mapped to Q once, not per score. */
export const MAP_MEAT_MAX = 1e3;

/** In place over [0, m): z_c ← Σ_{a ≤ c} T[a,c] z_a, for column vectors z (descending c). */
function mapColumns(T: Float64Array, Z: Float64Array[], m: number, k: number): void {
  for (let c = k - 1; c >= 0; c--) {
    const zc = Z[c];
    const tcc = T[c * k + c];
    for (let j = 0; j < m; j++) zc[j] *= tcc;
    for (let a = 0; a < c; a++) {
      const t = T[a * k + c];
      if (t === 0) continue;
      const za = Z[a];
      for (let j = 0; j < m; j++) zc[j] += t * za[j];
    }
  }
}

/** Tᵀ M T for symmetric M and upper-triangular T (k×k row-major); symmetric result. */
function mapMeat(T: Float64Array, M: Float64Array, k: number): Float64Array {
  const MT = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let a = 0; a <= c; a++) s += M[i * k + a] * T[a * k + c];
      MT[i * k + c] = s;
    }
  const out = new Float64Array(k * k);
  for (let r = 0; r < k; r++)
    for (let c = r; c < k; c++) {
      let s = 0;
      for (let a = 0; a <= r; a++) s += T[a * k + r] * MT[a * k + c];
      out[r * k + c] = s;
      out[c * k + r] = s;
    }
  return out;
}

/** How the scores reach Q: null (X is Q), per score (ill-conditioned), or the meat once. */
function mapping(toQ: Float64Array | null, condition: number): 'none' | 'scores' | 'meat' {
  if (!toQ) return 'none';
  return condition <= MAP_MEAT_MAX ? 'meat' : 'scores';
}

/**
 * Σ_g s_g s_gᵀ: the scores summed within cluster (k columns of length G), then their k(k+1)/2 dot
 * products, mapped to Q as above. Every cluster a single observation (G = n: HC, or firm#year in a
 * panel) goes straight to observationMeat. `condition`: of the scaled X'X (Infinity: unknown).
 */
export function clusterMeat(X: Float64Array[], resid: Float64Array, ids: Int32Array, G: number, n: number, k: number, toQ: Float64Array | null = null, condition = Infinity): Float64Array {
  if (G === n) return observationMeat(X, resid, n, k, toQ, condition);
  const how = mapping(toQ, condition);
  const S = clusterScoreSums(X, resid, ids, G, n, k);
  // score sums of data far from 1 (y and x of order 1e150, or 1e-150) are brought to order 1 by
  // powers of two before their squares overflow or underflow (see the scaling helpers below)
  const shift = S.map((s) => exponentOf(maxAbs(s, G)));
  const scaled = needsScaling(shift);
  if (scaled) S.forEach((s, a) => scaleInPlace(s, G, 2 ** -shift[a]));
  const T = toQ && scaled ? scaleRows(toQ, shift, k) : toQ;
  if (how === 'scores') mapColumns(T as Float64Array, S, G, k);
  const M = crossProducts(S, G);
  if (how === 'meat') return mapMeat(T as Float64Array, M, k);
  return scaled && how === 'none' ? unscale(M, shift, k) : M;
}

/** The multi-way terms' meat: the same function (kept as a name for the multi-way code and tests). */
export const clusterMeatByColumn = clusterMeat;

/**
 * S[a][g] = Σ_{i in g} x_a[i] e_i. Panel data usually come sorted by the cluster variable: then
 * the rows of a cluster are consecutive and each run is summed in registers, four columns at a
 * time, and stored once (a scattered `S[a][ids[i]] +=` per row waits on the previous store to the
 * same address: ≈4× slower). Unsorted ids go column by column.
 */
function clusterScoreSums(X: Float64Array[], resid: Float64Array, ids: Int32Array, G: number, n: number, k: number): Float64Array[] {
  // one allocation for the k columns
  const all = new Float64Array(k * G);
  const S: Float64Array[] = [];
  for (let a = 0; a < k; a++) S.push(all.subarray(a * G, (a + 1) * G));
  let runs = 1;
  for (let i0 = 0; i0 < n; i0 += BLOCK) runs += idChanges(ids, i0, Math.min(n, i0 + BLOCK));
  const sorted = n > 0 && 4 * runs <= 3 * n;
  for (let a0 = 0; a0 < k; a0 += 4) {
    const w = Math.min(4, k - a0);
    // missing columns of the last group of four alias column a0: summed, never stored
    const x = [X[a0], X[w > 1 ? a0 + 1 : a0], X[w > 2 ? a0 + 2 : a0], X[w > 3 ? a0 + 3 : a0]];
    const s = S.slice(a0, a0 + w);
    for (let i0 = 0; i0 < n; i0 += BLOCK) {
      const i1 = Math.min(n, i0 + BLOCK);
      if (sorted) runSums(x[0], x[1], x[2], x[3], resid, ids, s, w, i0, i1);
      else for (let a = 0; a < w; a++) scatterSums(x[a], resid, ids, s[a], i0, i1);
    }
  }
  return S;
}

/** Number of i in [max(i0, 1), i1) with ids[i] ≠ ids[i − 1]. */
function idChanges(ids: Int32Array, i0: number, i1: number): number {
  let c = 0;
  for (let i = Math.max(i0, 1); i < i1; i++) if (ids[i] !== ids[i - 1]) c++;
  return c;
}

function scatterSums(x: Float64Array, resid: Float64Array, ids: Int32Array, s: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) s[ids[i]] += x[i] * resid[i];
}

/** Up to four columns at once: each run of equal ids summed in registers, then added to S. */
function runSums(x0: Float64Array, x1: Float64Array, x2: Float64Array, x3: Float64Array, resid: Float64Array, ids: Int32Array, S: Float64Array[], w: number, i0: number, i1: number): void {
  let cur = ids[i0];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = i0; i < i1; i++) {
    const g = ids[i];
    if (g !== cur) {
      addRun(S, w, cur, s0, s1, s2, s3);
      s0 = s1 = s2 = s3 = 0;
      cur = g;
    }
    const ei = resid[i];
    s0 += x0[i] * ei;
    s1 += x1[i] * ei;
    s2 += x2[i] * ei;
    s3 += x3[i] * ei;
  }
  addRun(S, w, cur, s0, s1, s2, s3);
}

function addRun(S: Float64Array[], w: number, g: number, s0: number, s1: number, s2: number, s3: number): void {
  S[0][g] += s0;
  if (w > 1) S[1][g] += s1;
  if (w > 2) S[2][g] += s2;
  if (w > 3) S[3][g] += s3;
}

/**
 * Σ_i e_i² q_i q_iᵀ (every observation its own cluster: HC meat), over blocks of rows: z_a = x_a ∘ e
 * for the block (mapped to Q per row when the design needs it), then its cross-products.
 */
export function observationMeat(X: Float64Array[], resid: Float64Array, n: number, k: number, toQ: Float64Array | null = null, condition = Infinity): Float64Array {
  const how = mapping(toQ, condition);
  // the scale of x_a ∘ e, as a power of two: max |e| times ‖x_a‖ ≈ R_aa = 1/toQ_aa, or max |x_a|
  const e = exponentOf(maxAbs(resid, n));
  const shift = X.map((x, a) => e + (toQ ? -exponentOf(Math.abs(toQ[a * k + a])) : exponentOf(maxAbs(x, n))));
  const scaled = needsScaling(shift);
  const f = shift.map((s) => (scaled ? 2 ** -s : 1));
  const T = toQ && scaled ? scaleRows(toQ, shift, k) : toQ;
  const M = new Float64Array(k * k);
  const Z: Float64Array[] = [];
  for (let a = 0; a < k; a++) Z.push(new Float64Array(BLOCK));
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const m = Math.min(BLOCK, n - i0);
    for (let a = 0; a < k; a++) scoreBlock(X[a], resid, Z[a], i0, m, f[a]);
    if (how === 'scores') mapColumns(T as Float64Array, Z, m, k);
    const Mb = crossProducts(Z, m);
    for (let i = 0; i < k * k; i++) M[i] += Mb[i];
  }
  if (how === 'meat') return mapMeat(T as Float64Array, M, k);
  return scaled && how === 'none' ? unscale(M, shift, k) : M;
}

function scoreBlock(x: Float64Array, resid: Float64Array, z: Float64Array, i0: number, m: number, f: number): void {
  if (f === 1) for (let j = 0; j < m; j++) z[j] = x[i0 + j] * resid[i0 + j];
  else for (let j = 0; j < m; j++) z[j] = x[i0 + j] * f * resid[i0 + j];
}

// ---- scaling by powers of two (exact: the scaled meat is the unscaled one to the last bit as long
// as nothing overflows or underflows; data of ordinary magnitude are never scaled at all)

/** Shifts beyond ±SCALE_FROM binary orders (≈1e±30) are applied; squares of 2^±512 would leave the range. */
const SCALE_FROM = 100;

function maxAbs(v: Float64Array, m: number): number {
  let mx = 0;
  for (let i = 0; i < m; i++) {
    const a = Math.abs(v[i]);
    if (a > mx) mx = a;
  }
  return mx;
}

/** log₂ of a positive finite magnitude, rounded and clamped to what 2^±k can represent; 0 otherwise. */
function exponentOf(x: number): number {
  if (!(x > 0 && x < Infinity)) return 0;
  return Math.max(-1000, Math.min(1000, Math.round(Math.log2(x))));
}

function needsScaling(shift: number[]): boolean {
  return shift.some((s) => Math.abs(s) > SCALE_FROM);
}

function scaleInPlace(v: Float64Array, m: number, f: number): void {
  for (let i = 0; i < m; i++) v[i] *= f;
}

/** diag(2^shift) · T: the map from the scaled scores (x_a e / 2^shift_a) to Q. */
function scaleRows(T: Float64Array, shift: number[], k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const f = 2 ** shift[a];
    for (let c = 0; c < k; c++) out[a * k + c] = T[a * k + c] * f;
  }
  return out;
}

/** M[a,b] · 2^shift_a · 2^shift_b (no map to Q: the meat on the columns themselves). */
function unscale(M: Float64Array, shift: number[], k: number): Float64Array {
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) M[a * k + b] = M[a * k + b] * 2 ** shift[a] * 2 ** shift[b];
  return M;
}
