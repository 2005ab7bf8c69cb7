// Stochastic frontier log-likelihoods with analytic gradients, and efficiency scores.
// Shapes: X is K column-major Float64Array columns of length n, y length n, Z (heteroskedastic u)
// H columns of length n whose first is the constant. Parameters θ = [β (K), ln σv², δ (H), μ?]:
// ln σu²ᵢ = zᵢ'δ (H = 1: a constant ln σu²), μ only for the truncated normal.
// e = S·(y − Xβ) with S = 1 (production, ε = v − u) or −1 (cost, ε = v + u), so every density
// below is the production one in e. Formulas: Aigner–Lovell–Schmidt (1977), Meeusen–van den Broeck
// (1977), Stevenson (1980); Kumbhakar & Lovell (2000, ch. 3); efficiency Jondrow–Lovell–Materov–
// Schmidt (1982) E[u|e] and Battese–Coelli (1988) E[exp(−u)|e].
import { normalCdf } from '../stats/distributions.js';

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

/** ln Φ(z) and the inverse Mills ratio φ(z)/Φ(z), accurate far into the lower tail. */
export function logCdfAndMills(z: number): { logCdf: number; mills: number } {
  if (z > -5) {
    const p = normalCdf(z);
    return { logCdf: Math.log(p), mills: Math.exp(-0.5 * z * z - LN_SQRT_2PI) / p };
  }
  // Φ(−x)/φ(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))) for x ≥ 5 (Laplace's continued fraction, Lentz)
  const x = -z;
  const TINY = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    D = x + k * D;
    D = Math.abs(D) < TINY ? TINY : D;
    C = x + k / C;
    C = Math.abs(C) < TINY ? TINY : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  // R = 1/f = Φ(z)/φ(z)
  return { logCdf: -0.5 * z * z - LN_SQRT_2PI - Math.log(f), mills: f };
}

export function parameterCount(K: number, H: number, dist: SfaDistribution): number {
  return K + 1 + H + (dist === 'tnormal' ? 1 : 0);
}

/**
 * Log-likelihood at θ; with `grad` (length P) also its gradient. Returns −Infinity where the
 * likelihood is not finite (the optimiser then shortens the step).
 */
export function sfaLoglik(d: SfaData, theta: Float64Array, grad: Float64Array | null, rowLl?: Float64Array): number {
  const { y, X, Z, n, dist, sign } = d;
  const K = X.length;
  const H = Z.length;
  const A = Math.exp(theta[K]);
  const sv = Math.sqrt(A);
  const mu = dist === 'tnormal' ? theta[K + 1 + H] : 0;
  if (grad) grad.fill(0);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let xb = 0;
    for (let j = 0; j < K; j++) xb += X[j][i] * theta[j];
    const e = sign * (y[i] - xb);
    let lnB = 0;
    for (let h = 0; h < H; h++) lnB += Z[h][i] * theta[K + 1 + h];
    const B = Math.exp(lnB);
    let li: number;
    let de: number; // ∂l/∂e
    let da: number; // ∂l/∂ln σv²
    let db: number; // ∂l/∂ln σu²
    let dm = 0; // ∂l/∂μ
    if (dist === 'exponential') {
      const su = Math.sqrt(B);
      const q = -e / sv - sv / su;
      const { logCdf, mills } = logCdfAndMills(q);
      li = -0.5 * lnB + A / (2 * B) + e / su + logCdf;
      de = 1 / su - mills / sv;
      da = A / (2 * B) + mills * (0.5 * e / sv - 0.5 * sv / su);
      db = -0.5 - A / (2 * B) - (0.5 * e) / su + mills * 0.5 * (sv / su);
    } else {
      const s2 = A + B;
      const D = Math.sqrt(A * B * s2);
      const N = mu * A - e * B;
      const w = N / D;
      const em = e + mu;
      const { logCdf: lw, mills: rw } = logCdfAndMills(w);
      li = -LN_SQRT_2PI - 0.5 * Math.log(s2) - (em * em) / (2 * s2) + lw;
      let rt = 0;
      if (dist === 'tnormal') {
        const t = mu / Math.sqrt(B);
        const c = logCdfAndMills(t);
        li -= c.logCdf;
        rt = c.mills;
      } else li += Math.LN2; // −ln Φ(0)
      const common = -1 / (2 * s2) + (em * em) / (2 * s2 * s2);
      const D3 = D * D * D;
      de = -em / s2 - (rw * B) / D;
      da = A * (common + rw * (mu / D - (N * (2 * A * B + B * B)) / (2 * D3)));
      db = B * (common + rw * (-e / D - (N * (A * A + 2 * A * B)) / (2 * D3)) + (rt * mu) / (2 * B * Math.sqrt(B)));
      if (dist === 'tnormal') dm = -em / s2 + (rw * A) / D - rt / Math.sqrt(B);
    }
    if (rowLl) rowLl[i] = li;
    ll += li;
    if (grad) {
      const dxb = -sign * de;
      for (let j = 0; j < K; j++) grad[j] += dxb * X[j][i];
      grad[K] += da;
      for (let h = 0; h < H; h++) grad[K + 1 + h] += db * Z[h][i];
      if (dist === 'tnormal') grad[K + 1 + H] += dm;
    }
  }
  return Number.isFinite(ll) ? ll : -Infinity;
}

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
    const a = logCdfAndMills(w);
    const b = logCdfAndMills(w - ss);
    jlms[i] = mus + ss * a.mills;
    bc[i] = Math.exp(-mus + 0.5 * ss * ss + b.logCdf - a.logCdf);
  }
  return { jlms, bc };
}
