// Stochastic frontier log-likelihoods with analytic gradients, and efficiency scores.
// Shapes: X is K column-major Float64Array columns of length n, y length n, Z (heteroskedastic u)
// H columns of length n whose first is the constant. Parameters θ = [β (K), ln σv², δ (H), μ?]:
// ln σu²ᵢ = zᵢ'δ (H = 1: a constant ln σu²), μ only for the truncated normal.
// e = S·(y − Xβ) with S = 1 (production, ε = v − u) or −1 (cost, ε = v + u), so every density
// below is the production one in e. Formulas: Aigner–Lovell–Schmidt (1977), Meeusen–van den Broeck
// (1977), Stevenson (1980); Kumbhakar & Lovell (2000, ch. 3); efficiency Jondrow–Lovell–Materov–
// Schmidt (1982) E[u|e] and Battese–Coelli (1988) E[exp(−u)|e].
import { residuals } from '../linalg/gram.js';
import { dot } from '../linalg/vector.js';
import { lastMills, normLogCdf } from '../stats/normal-log.js';

export type SfaDistribution = 'hnormal' | 'exponential' | 'tnormal';

export interface SfaData {
  y: Float64Array;
  X: Float64Array[];
  /** Columns of the ln σu² equation; Z[0] is the constant. */
  Z: Float64Array[];
  n: number;
  dist: SfaDistribution;
  /** 1 production, −1 cost. */
  sign: 1 | -1;
}

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function parameterCount(K: number, H: number, dist: SfaDistribution): number {
  return K + 1 + H + (dist === 'tnormal' ? 1 : 0);
}

// Per-observation derivatives of l(e, a, b, μ), a = ln σv², b = ln σu²ᵢ, written into ROW:
// [l, l_e, l_a, l_b, l_μ, l_ee, l_ea, l_eb, l_eμ, l_aa, l_ab, l_aμ, l_bb, l_bμ, l_μμ].
// Normal families: l = −½ln 2π − ½ln s² − (e+μ)²/(2s²) + ln Φ(w) − ln Φ(μ/σu) (half normal: + ln 2,
// μ = 0), s² = A + B, w = N/D, N = μA − eB, D = √(A·B·s²). With L = ln D and g = ln Φ (g' = m the
// Mills ratio, g'' = −m(w + m)): w_q = (N_q − N L_q)/D and
// w_qr = (N_qr − N_q L_r − N_r L_q − N L_qr + N L_q L_r)/D.
// Exponential: l = −b/2 + ½e^(a−b) + e·e^(−b/2) + ln Φ(q), q = −e·e^(−a/2) − e^((a−b)/2).
const ROW = new Float64Array(15);

/** Normal families (half normal: tn = false, μ = 0). A = σv², B = σu²ᵢ. Indices e, a, b, μ. */
// Terms that depend on (σv², σu², μ) only, cached across rows (all rows share them when u is
// homoskedastic).
let cA = Number.NaN;
let cB = Number.NaN;
let cMu = Number.NaN;
let cIsTn = false;
let cS2 = 0;
let cInvS2 = 0;
let cInvD = 0;
let cLa = 0;
let cLb = 0;
let cLogS2 = 0;
let cTn = 0; // −ln Φ(μ/σu) or ln 2
let cMt = 0;
let cT = 0;
let cSb = 0;

function rowNormal(e: number, A: number, B: number, mu: number, tn: boolean, second: boolean): void {
  if (A !== cA || B !== cB || mu !== cMu || tn !== cIsTn) {
    cIsTn = tn;
    cA = A;
    cB = B;
    cMu = mu;
    cS2 = A + B;
    cInvS2 = 1 / cS2;
    cInvD = 1 / Math.sqrt(A * B * cS2);
    cLa = 0.5 * (1 + A * cInvS2);
    cLb = 0.5 * (1 + B * cInvS2);
    cLogS2 = Math.log(cS2);
    if (tn) {
      cSb = Math.sqrt(B);
      cT = mu / cSb;
      cTn = -normLogCdf(cT);
      cMt = lastMills;
    } else cTn = Math.LN2;
  }
  const is2 = cInvS2;
  const iD = cInvD;
  const La = cLa;
  const Lb = cLb;
  const em = e + mu;
  const N = mu * A - e * B;
  const w = N * iD;
  const lw = normLogCdf(w);
  const m = lastMills;
  const fs = -0.5 * is2 + 0.5 * em * em * is2 * is2; // ∂/∂s² of −½ln s² − em²/(2s²)
  const fem = -em * is2;
  const Na = mu * A;
  const Nb = -e * B;
  const We = -B * iD;
  const Wa = (Na - N * La) * iD;
  const Wb = (Nb - N * Lb) * iD;
  const Wm = A * iD;
  ROW[0] = -LN_SQRT_2PI - 0.5 * cLogS2 - 0.5 * em * em * is2 + lw + cTn;
  ROW[1] = fem + m * We;
  ROW[2] = fs * A + m * Wa;
  ROW[3] = fs * B + m * Wb;
  ROW[4] = fem + m * Wm;
  const t = cT;
  const mt = cMt;
  const sb = cSb;
  if (tn) {
    ROW[3] += 0.5 * mt * t; // −m_t·∂t/∂b with ∂t/∂b = −t/2
    ROW[4] -= mt / sb;
  }
  if (!second) return;
  const is4 = is2 * is2;
  const fss = 0.5 * is4 - em * em * is4 * is2;
  const fems = em * is4;
  const g2 = -m * (w + m);
  const lab = 0.5 * A * B * is4; // L_aa = L_bb = −L_ab
  const mD = m * iD;
  ROW[5] = -is2 + g2 * We * We; // ee
  ROW[6] = fems * A + g2 * We * Wa + mD * B * La; // ea: N_e = −B
  ROW[7] = fems * B + g2 * We * Wb + mD * (-B + B * Lb); // eb: N_eb = −B
  ROW[8] = -is2 + g2 * We * Wm; // eμ
  ROW[9] = fss * A * A + fs * A + g2 * Wa * Wa + mD * (Na - 2 * Na * La - N * lab + N * La * La); // aa
  ROW[10] = fss * A * B + g2 * Wa * Wb + mD * (-Na * Lb - Nb * La + N * lab + N * La * Lb); // ab
  ROW[11] = fems * A + g2 * Wa * Wm + mD * (A - A * La); // aμ: N_aμ = A
  ROW[12] = fss * B * B + fs * B + g2 * Wb * Wb + mD * (Nb - 2 * Nb * Lb - N * lab + N * Lb * Lb); // bb
  ROW[13] = fems * B + g2 * Wb * Wm - mD * A * Lb; // bμ
  ROW[14] = -is2 + g2 * Wm * Wm; // μμ
  if (tn) {
    // − [g''(t) t_q t_r + g'(t) t_qr] over (b, μ): t_b = −t/2, t_μ = 1/σu, t_bb = t/4, t_bμ = −1/(2σu)
    const gt2 = -mt * (t + mt);
    const tb = -0.5 * t;
    const tm = 1 / sb;
    ROW[12] -= gt2 * tb * tb + mt * 0.25 * t;
    ROW[13] -= gt2 * tb * tm - (mt * 0.5) / sb;
    ROW[14] -= gt2 * tm * tm;
  }
}

/** Exponential u; eab = e^(a−b), ehb = e^(−b/2), eha = e^(−a/2) (constants when u is homoskedastic). */
function rowExponential(e: number, b: number, eab: number, ehb: number, eha: number, second: boolean): void {
  const r = Math.sqrt(eab); // e^((a−b)/2) = σv/σu
  const q = -e * eha - r;
  const lq = normLogCdf(q);
  const m = lastMills;
  ROW[0] = -0.5 * b + 0.5 * eab + e * ehb + lq;
  const qe = -eha;
  const qa = 0.5 * e * eha - 0.5 * r;
  const qb = 0.5 * r;
  ROW[1] = ehb + m * qe;
  ROW[2] = 0.5 * eab + m * qa;
  ROW[3] = -0.5 - 0.5 * eab - 0.5 * e * ehb + m * qb;
  ROW[4] = 0;
  if (!second) return;
  const g2 = -m * (q + m);
  ROW[5] = g2 * qe * qe; // ee
  ROW[6] = g2 * qe * qa + m * 0.5 * eha; // ea
  ROW[7] = -0.5 * ehb + g2 * qe * qb; // eb
  ROW[8] = 0;
  ROW[9] = 0.5 * eab + g2 * qa * qa + m * (-0.25 * e * eha - 0.25 * r); // aa
  ROW[10] = -0.5 * eab + g2 * qa * qb + m * 0.25 * r; // ab
  ROW[11] = 0;
  ROW[12] = 0.5 * eab + 0.25 * e * ehb + g2 * qb * qb - m * 0.25 * r; // bb
  ROW[13] = 0;
  ROW[14] = 0;
}

/**
 * Log-likelihood at θ; with `grad` (length P) also its gradient, with `hess` (P×P row-major) also
 * its Hessian (analytic: per-observation second derivatives in (e, ln σv², ln σu², μ) by the chain
 * rule, e = S·(y − Xβ)). Returns −Infinity where the likelihood is not finite (the optimiser then
 * shortens the step).
 */
export function sfaLoglik(d: SfaData, theta: Float64Array, grad: Float64Array | null, rowLl?: Float64Array, hess?: Float64Array | null): number {
  const { y, X, Z, n, dist, sign } = d;
  const K = X.length;
  const H = Z.length;
  const P = parameterCount(K, H, dist);
  const a = theta[K];
  const A = Math.exp(a);
  const tn = dist === 'tnormal';
  const mu = tn ? theta[K + 1 + H] : 0;
  const second = !!hess;
  const im = K + 1 + H; // index of μ
  if (grad) grad.fill(0);
  if (hess) hess.fill(0);
  // e for every row first (column order: one pass per regressor)
  const e = scratch(n);
  residuals(X, theta.subarray(0, K), y, n, e);
  const homo = H === 1;
  const bConst = theta[K + 1];
  const BConst = Math.exp(bConst);
  const eabC = Math.exp(a - bConst);
  const ehbC = Math.exp(-0.5 * bConst);
  const eha = Math.exp(-0.5 * a);
  // per-row derivative slots kept for the Gram-type sums over the regressors
  const wE = second ? scratchW(n, 0) : null;
  const wEA = second ? scratchW(n, 1) : null;
  const wEB = second ? scratchW(n, 2) : null;
  const wAB = second && !homo ? scratchW(n, 8) : null;
  const wEM = second && tn ? scratchW(n, 3) : null;
  const wB = grad && !homo ? scratchW(n, 4) : null;
  const wBB = second && !homo ? scratchW(n, 5) : null;
  const wBM = second && !homo && tn ? scratchW(n, 6) : null;
  const dE = grad ? scratchW(n, 7) : null;
  let ll = 0;
  let sa = 0;
  let sm = 0;
  let sb = 0;
  let saa = 0;
  let sab = 0;
  let sam = 0;
  let sbb = 0;
  let sbm = 0;
  let smm = 0;
  const wantDeriv = !!grad || second;
  for (let i = 0; i < n; i++) {
    const ei = sign * e[i];
    let b = bConst;
    if (!homo) {
      b = 0;
      for (let h = 0; h < H; h++) b += Z[h][i] * theta[K + 1 + h];
    }
    if (dist === 'exponential') {
      if (homo) rowExponential(ei, b, eabC, ehbC, eha, second);
      else rowExponential(ei, b, Math.exp(a - b), Math.exp(-0.5 * b), eha, second);
    } else rowNormal(ei, A, homo ? BConst : Math.exp(b), mu, tn, second);
    const li = ROW[0];
    if (rowLl) rowLl[i] = li;
    ll += li;
    if (!wantDeriv) continue;
    if (dE) dE[i] = -sign * ROW[1];
    sa += ROW[2];
    sb += ROW[3];
    sm += ROW[4];
    if (wB) wB[i] = ROW[3];
    if (second) {
      (wE as Float64Array)[i] = ROW[5];
      (wEA as Float64Array)[i] = -sign * ROW[6];
      (wEB as Float64Array)[i] = -sign * ROW[7];
      if (wEM) wEM[i] = -sign * ROW[8];
      saa += ROW[9];
      sab += ROW[10];
      sam += ROW[11];
      sbb += ROW[12];
      sbm += ROW[13];
      smm += ROW[14];
      if (wBB) wBB[i] = ROW[12];
      if (wBM) wBM[i] = ROW[13];
      if (wAB) wAB[i] = ROW[10];
    }
  }
  if (!Number.isFinite(ll)) return -Infinity;
  if (grad) {
    const de = dE as Float64Array;
    for (let j = 0; j < K; j++) grad[j] = dot(de, X[j], n);
    grad[K] = sa;
    if (homo) grad[K + 1] = sb;
    else for (let h = 0; h < H; h++) grad[K + 1 + h] = dot(wB as Float64Array, Z[h], n);
    if (tn) grad[im] = sm;
  }
  if (hess) {
    const set = (r: number, c: number, v: number) => {
      hess[r * P + c] = v;
      hess[c * P + r] = v;
    };
    const we = wE as Float64Array;
    weightedGram(we, X, n, hess, P);
    for (let j = 0; j < K; j++) {
      set(j, K, dot(wEA as Float64Array, X[j], n));
      for (let h = 0; h < H; h++) set(j, K + 1 + h, homo ? dot(wEB as Float64Array, X[j], n) : dot3(wEB as Float64Array, X[j], Z[h], n));
      if (tn) set(j, im, dot(wEM as Float64Array, X[j], n));
    }
    set(K, K, saa);
    if (tn) {
      set(K, im, sam);
      set(im, im, smm);
    }
    if (homo) {
      set(K, K + 1, sab);
      set(K + 1, K + 1, sbb);
      if (tn) set(K + 1, im, sbm);
    } else {
      for (let h = 0; h < H; h++) {
        set(K, K + 1 + h, dot(wAB as Float64Array, Z[h], n));
        for (let g = h; g < H; g++) set(K + 1 + h, K + 1 + g, dot3(wBB as Float64Array, Z[h], Z[g], n));
        if (tn) set(K + 1 + h, im, dot(wBM as Float64Array, Z[h], n));
      }
    }
  }
  return ll;
}

/** Σᵢ wᵢ·aᵢ·bᵢ for every pair of `cols` into the leading block of `out` (P×P, both triangles), by
 * blocks of rows that stay in cache (one pass over memory instead of one per pair). */
function weightedGram(w: Float64Array, cols: Float64Array[], n: number, out: Float64Array, P: number): void {
  const K = cols.length;
  const BS = 2048;
  const wx = scratchW(BS, 9);
  for (let j = 0; j < K; j++) for (let k = j; k < K; k++) out[j * P + k] = 0;
  for (let s0 = 0; s0 < n; s0 += BS) {
    const len = Math.min(n, s0 + BS) - s0;
    for (let j = 0; j < K; j++) {
      const cj = cols[j];
      for (let i = 0; i < len; i++) wx[i] = w[s0 + i] * cj[s0 + i];
      // four columns at a time: four independent sums (no add-latency chain) and one load of wx
      let k = j;
      for (; k + 3 < K; k += 4) {
        const c0 = cols[k];
        const c1 = cols[k + 1];
        const c2 = cols[k + 2];
        const c3 = cols[k + 3];
        let t0 = 0;
        let t1 = 0;
        let t2 = 0;
        let t3 = 0;
        for (let i = 0; i < len; i++) {
          const v = wx[i];
          const r = s0 + i;
          t0 += v * c0[r];
          t1 += v * c1[r];
          t2 += v * c2[r];
          t3 += v * c3[r];
        }
        out[j * P + k] += t0;
        out[j * P + k + 1] += t1;
        out[j * P + k + 2] += t2;
        out[j * P + k + 3] += t3;
      }
      for (; k < K; k++) out[j * P + k] += dot(wx, cols[k].subarray(s0, s0 + len), len);
    }
  }
  for (let j = 0; j < K; j++) for (let k = j + 1; k < K; k++) out[k * P + j] = out[j * P + k];
}

function dot3(w: Float64Array, a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i] * a[i] * b[i];
  return s;
}

// Reused work arrays (the estimator is single-threaded per worker).
let eBuf = new Float64Array(0);
const wBufs: Float64Array[] = [];
function scratch(n: number): Float64Array {
  if (eBuf.length < n) eBuf = new Float64Array(n);
  return eBuf;
}
function scratchW(n: number, slot: number): Float64Array {
  if (!wBufs[slot] || wBufs[slot].length < n) wBufs[slot] = new Float64Array(n);
  return wBufs[slot];
}

export { logCdfAndMills } from '../stats/normal-log.js';

/** JLMS E[u|e] and Battese–Coelli E[exp(−u)|e] per observation (u | e ~ N⁺(μ*, σ*²)). */
export function sfaEfficiency(d: SfaData, theta: Float64Array): { jlms: Float64Array; bc: Float64Array } {
  const { y, X, Z, n, dist, sign } = d;
  const K = X.length;
  const H = Z.length;
  const A = Math.exp(theta[K]);
  const mu = dist === 'tnormal' ? theta[K + 1 + H] : 0;
  const jlms = new Float64Array(n);
  const bc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let xb = 0;
    for (let j = 0; j < K; j++) xb += X[j][i] * theta[j];
    const e = sign * (y[i] - xb);
    let lnB = 0;
    for (let h = 0; h < H; h++) lnB += Z[h][i] * theta[K + 1 + h];
    const B = Math.exp(lnB);
    let mus: number;
    let ss: number;
    if (dist === 'exponential') {
      mus = -e - A / Math.sqrt(B);
      ss = Math.sqrt(A);
    } else {
      mus = (mu * A - e * B) / (A + B);
      ss = Math.sqrt((A * B) / (A + B));
    }
    const w = mus / ss;
    const lb = normLogCdf(w - ss);
    const la = normLogCdf(w);
    jlms[i] = mus + ss * lastMills;
    bc[i] = Math.exp(-mus + 0.5 * ss * ss + lb - la);
  }
  return { jlms, bc };
}
