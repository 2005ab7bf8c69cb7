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
 * the rows of a cluster are consecutive and each run is summed in registers, eight columns at a
 * time (a design of up to eight columns in one pass over the rows: 2M rows × 8 columns 55–90 →
 * 30–35 ms against four at a time), and stored once (a scattered `S[a][ids[i]] +=` per row waits
 * on the previous store to the same address: ≈4× slower). Unsorted ids go column by column.
 */
function clusterScoreSums(X: Float64Array[], resid: Float64Array, ids: Int32Array, G: number, n: number, k: number): Float64Array[] {
  // one block for the k columns, reused by the next call (see sumsBlock)
  const all = sumsBlock(k * G);
  const S: Float64Array[] = [];
  for (let a = 0; a < k; a++) S.push(all.subarray(a * G, (a + 1) * G));
  const sorted = mostlySorted(ids, n);
  for (let a0 = 0; a0 < k; ) {
    // groups of eight columns, the rest as one group of four or eight; missing columns of a group
    // alias column a0 and a spare target: summed, never read
    const width = k - a0 <= 4 ? 4 : 8;
    const w = Math.min(width, k - a0);
    const x = Array.from({ length: width }, (_, a) => X[a < w ? a0 + a : a0]);
    const s = Array.from({ length: width }, (_, a) => (a < w ? S[a0 + a] : spare(G)));
    for (let i0 = 0; i0 < n; i0 += BLOCK) {
      const i1 = Math.min(n, i0 + BLOCK);
      if (!sorted) for (let a = 0; a < w; a++) scatterSums(x[a], resid, ids, s[a], i0, i1);
      else if (width === 8) runSums8(x, resid, ids, s, i0, i1);
      else runSums4(x, resid, ids, s, i0, i1);
    }
    a0 += w;
  }
  return S;
}

/**
 * The score sums live only inside clusterMeat, so their memory is kept for the next call (up to
 * KEEP_SUMS doubles): fresh memory costs its first touch, ≈20 ms for the 22 MB of a 2M-row model
 * with 340,000 clusters on the benchmark machine, against ≈2 ms to zero it again.
 */
const KEEP_SUMS = 1 << 24;
let sums = new Float64Array(0);
function sumsBlock(m: number): Float64Array {
  if (m > KEEP_SUMS) return new Float64Array(m);
  if (sums.length < m) sums = new Float64Array(m);
  else sums.fill(0, 0, m);
  return sums.subarray(0, m);
}

let spareSums = new Float64Array(0);
/** A throw-away target of G sums for the unused lanes of runSums. */
function spare(G: number): Float64Array {
  if (spareSums.length < G) spareSums = new Float64Array(G);
  return spareSums;
}

/**
 * Whether the rows of a cluster mostly come together (runs ≤ ¾ n), remembered per ids array: a
 * model's covariance and its diagnostics (IV: 5–10 meats) ask about the same ids each time, and
 * the count is a pass over the rows (≈0.5 ms at 233,819 rows). Only the loop depends on it (both
 * sum every score; a stale answer would cost speed, not correctness), and a model's ids are not
 * changed once built.
 */
const sortedMemo = new WeakMap<Int32Array, { n: number; sorted: boolean }>();
function mostlySorted(ids: Int32Array, n: number): boolean {
  const known = sortedMemo.get(ids);
  if (known && known.n === n) return known.sorted;
  let runs = 1;
  for (let i0 = 0; i0 < n; i0 += BLOCK) runs += idChanges(ids, i0, Math.min(n, i0 + BLOCK));
  const sorted = n > 0 && 4 * runs <= 3 * n;
  sortedMemo.set(ids, { n, sorted });
  return sorted;
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

/** Four columns at once: each run of equal ids summed in registers, then added to S. */
function runSums4(X: Float64Array[], resid: Float64Array, ids: Int32Array, S: Float64Array[], i0: number, i1: number): void {
  const [x0, x1, x2, x3] = X;
  const [S0, S1, S2, S3] = S;
  let cur = ids[i0];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = i0; i < i1; i++) {
    const g = ids[i];
    if (g !== cur) {
      S0[cur] += s0;
      S1[cur] += s1;
      S2[cur] += s2;
      S3[cur] += s3;
      s0 = s1 = s2 = s3 = 0;
      cur = g;
    }
    const ei = resid[i];
    s0 += x0[i] * ei;
    s1 += x1[i] * ei;
    s2 += x2[i] * ei;
    s3 += x3[i] * ei;
  }
  S0[cur] += s0;
  S1[cur] += s1;
  S2[cur] += s2;
  S3[cur] += s3;
}

/** Eight columns at once, likewise. */
function runSums8(X: Float64Array[], resid: Float64Array, ids: Int32Array, S: Float64Array[], i0: number, i1: number): void {
  const [x0, x1, x2, x3, x4, x5, x6, x7] = X;
  const [S0, S1, S2, S3, S4, S5, S6, S7] = S;
  let cur = ids[i0];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  for (let i = i0; i < i1; i++) {
    const g = ids[i];
    if (g !== cur) {
      S0[cur] += s0;
      S1[cur] += s1;
      S2[cur] += s2;
      S3[cur] += s3;
      S4[cur] += s4;
      S5[cur] += s5;
      S6[cur] += s6;
      S7[cur] += s7;
      s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0;
      cur = g;
    }
    const ei = resid[i];
    s0 += x0[i] * ei;
    s1 += x1[i] * ei;
    s2 += x2[i] * ei;
    s3 += x3[i] * ei;
    s4 += x4[i] * ei;
    s5 += x5[i] * ei;
    s6 += x6[i] * ei;
    s7 += x7[i] * ei;
  }
  S0[cur] += s0;
  S1[cur] += s1;
  S2[cur] += s2;
  S3[cur] += s3;
  S4[cur] += s4;
  S5[cur] += s5;
  S6[cur] += s6;
  S7[cur] += s7;
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
