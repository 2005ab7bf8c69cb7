// Control-function production-function estimators on value added (Olley–Pakes, Levinsohn–Petrin,
// Ackerberg–Caves–Frazer), prodest's two-step algorithm:
//   stage 1: y on a full polynomial of total degree d in (state, proxy) plus the free inputs
//            linearly (OP/LP; their coefficients are β_free), or on a polynomial in all inputs
//            (ACF, no coefficient in stage 1) → φ̂ (fitted value without the free inputs' part);
//   stage 2: ω(β) = φ̂ − Xβ (X = state for OP/LP, free inputs and state for ACF), the law of motion
//            ω_t = g(ω_{t−1}) by OLS on a cubic in ω_{t−1}, ξ = ω_t − ĝ, and the sample moments
//            m(β) = (1/N₂) Σ ξ z with z = k_t (OP/LP) or (l_{t−1}, k_t) (ACF): just identified, so β
//            solves m(β) = 0; found by minimising m'(Z'Z/N₂)⁻¹m with Gauss–Newton from several starts.
// The polynomial variables are standardised (fixed shifts and scales) before the powers are taken,
// which leaves the spanned space, hence φ̂ and ĝ, unchanged and keeps the designs well conditioned.
// Conventions: docs/production.md (## TFP).
import { invertSpd } from '../linalg/small.js';
import { fitOls } from './ols.js';

export type TfpMethod = 'op' | 'lp' | 'acf';

/** One (possibly resampled) panel: values per row and the row of the same firm one period earlier. */
export interface TfpData {
  n: number;
  y: Float64Array;
  free: Float64Array[];
  state: Float64Array;
  proxy: Float64Array;
  /** Row of (firm, t − 1) in this data, −1 when absent. */
  lag: Int32Array;
}

/** Affine standardisation of each polynomial variable (from the full estimation sample). */
export interface PolyScale {
  shift: number[];
  scale: number[];
}

/** The variables inside the stage-1 polynomial, in order. */
export function polyVariables(d: TfpData, method: TfpMethod): Float64Array[] {
  return method === 'acf' ? [...d.free, d.state, d.proxy] : [d.state, d.proxy];
}

export function polyScale(vars: Float64Array[]): PolyScale {
  const shift: number[] = [];
  const scale: number[] = [];
  for (const v of vars) {
    const n = v.length;
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i];
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (v[i] - m) ** 2;
    const sd = Math.sqrt(ss / Math.max(n - 1, 1));
    shift.push(m);
    scale.push(sd > 0 ? sd : 1);
  }
  return { shift, scale };
}

/** Exponent vectors of every monomial of total degree 1..degree in q variables (graded order). */
export function monomials(q: number, degree: number): number[][] {
  const out: number[][] = [];
  const rec = (j: number, left: number, cur: number[]) => {
    if (j === q - 1) {
      out.push([...cur, left]);
      return;
    }
    for (let a = left; a >= 0; a--) rec(j + 1, left - a, [...cur, a]);
  };
  for (let t = 1; t <= degree; t++) rec(0, t, []);
  return out;
}

export interface Stage1 {
  /** φ̂ per row: fitted value minus the free inputs' part (OP/LP), the fitted value (ACF). */
  phi: Float64Array;
  /** Stage-1 coefficients of the free inputs (OP/LP); empty for ACF. */
  betaFree: Float64Array;
  /** Polynomial terms dropped as collinear. */
  dropped: number;
}

export function stage1(d: TfpData, method: TfpMethod, degree: number, sc: PolyScale): Stage1 {
  const vars = polyVariables(d, method);
  const z = vars.map((v, j) => Float64Array.from(v, (x) => (x - sc.shift[j]) / sc.scale[j]));
  const terms = monomials(vars.length, degree).map((e) => {
    const c = new Float64Array(d.n).fill(1);
    e.forEach((p, j) => {
      if (p === 0) return;
      const zj = z[j];
      for (let i = 0; i < d.n; i++) c[i] *= zj[i] ** p;
    });
    return c;
  });
  const F = method === 'acf' ? 0 : d.free.length;
  const X = method === 'acf' ? terms : [...d.free, ...terms];
  const names = X.map((_, j) => `c${j}`);
  const { fit, omitted } = fitOls({ y: d.y, X, names, intercept: true }, 'qr');
  for (let f = 0; f < F; f++) if (omitted.includes(names[f])) throw new Error(`free input ${f + 1} is collinear with the polynomial in the state and proxy variables`);
  const betaFree = new Float64Array(F);
  for (let f = 0; f < F; f++) betaFree[f] = fit.beta[fit.terms.indexOf(names[f])];
  const phi = new Float64Array(d.n);
  for (let i = 0; i < d.n; i++) {
    let v = d.y[i] - fit.resid[i];
    for (let f = 0; f < F; f++) v -= betaFree[f] * d.free[f][i];
    phi[i] = v;
  }
  return { phi, betaFree, dropped: omitted.length };
}

/** Stage-2 arrays on the rows with a lag. */
export interface Stage2Data {
  n: number;
  phi: Float64Array;
  phiLag: Float64Array;
  /** Columns multiplying β (ACF: free inputs then state; OP/LP: state), now and one period earlier. */
  X: Float64Array[];
  Xlag: Float64Array[];
  /** Instruments: k_t (OP/LP); l_{t−1}…, k_t (ACF). */
  Z: Float64Array[];
  /** (Z'Z/N₂)⁻¹, row-major. */
  W: Float64Array;
}

export function stage2Data(d: TfpData, method: TfpMethod, phiAll: Float64Array): Stage2Data | null {
  const rows: number[] = [];
  for (let i = 0; i < d.n; i++) if (d.lag[i] >= 0) rows.push(i);
  const n = rows.length;
  const pick = (v: Float64Array) => Float64Array.from(rows, (i) => v[i]);
  const pickLag = (v: Float64Array) => Float64Array.from(rows, (i) => v[d.lag[i]]);
  const xs = method === 'acf' ? [...d.free, d.state] : [d.state];
  const Z = method === 'acf' ? [...d.free.map(pickLag), pick(d.state)] : [pick(d.state)];
  const q = Z.length;
  const ZZ = new Float64Array(q * q);
  for (let a = 0; a < q; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Z[a][i] * Z[b][i];
      ZZ[a * q + b] = ZZ[b * q + a] = s / n;
    }
  const W = invertSpd(ZZ, q);
  if (!W || n === 0) return null;
  return { n, phi: pick(phiAll), phiLag: pickLag(phiAll), X: xs.map(pick), Xlag: xs.map(pickLag), Z, W };
}

const LAW = 3;

/** Sample moments m(β) = (1/N₂) Σ ξ z; null when the law-of-motion regression is singular. */
export function moments(s: Stage2Data, beta: ArrayLike<number>): Float64Array | null {
  const { n } = s;
  const p = s.X.length;
  const w = new Float64Array(n);
  const wl = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    let a = s.phi[i];
    let b = s.phiLag[i];
    for (let j = 0; j < p; j++) {
      a -= beta[j] * s.X[j][i];
      b -= beta[j] * s.Xlag[j][i];
    }
    w[i] = a;
    wl[i] = b;
    mean += b;
  }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (wl[i] - mean) ** 2;
  const sd = Math.sqrt(ss / n) || 1;
  // OLS of ω on (1, u, u², u³), u = standardised ω_{t−1}
  const K = LAW + 1;
  const A = new Float64Array(K * K);
  const c = new Float64Array(K);
  const pw = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const u = (wl[i] - mean) / sd;
    pw[0] = 1;
    for (let k = 1; k < K; k++) pw[k] = pw[k - 1] * u;
    for (let a = 0; a < K; a++) {
      c[a] += pw[a] * w[i];
      for (let b = 0; b <= a; b++) A[a * K + b] += pw[a] * pw[b];
    }
  }
  for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) A[b * K + a] = A[a * K + b];
  const Ai = invertSpd(A, K);
  if (!Ai) return null;
  const g = new Float64Array(K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) g[a] += Ai[a * K + b] * c[b];
  const q = s.Z.length;
  const m = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    const u = (wl[i] - mean) / sd;
    const xi = w[i] - (g[0] + u * (g[1] + u * (g[2] + u * g[3])));
    for (let j = 0; j < q; j++) m[j] += xi * s.Z[j][i];
  }
  for (let j = 0; j < q; j++) m[j] /= n;
  return m;
}

export function criterion(s: Stage2Data, m: Float64Array | null): number {
  if (!m) return Number.POSITIVE_INFINITY;
  const q = m.length;
  let v = 0;
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) v += m[a] * s.W[a * q + b] * m[b];
  return v;
}

export interface SolveResult {
  beta: Float64Array;
  criterion: number;
  converged: boolean;
  iterations: number;
}

/** Gauss–Newton on Q(β) = m'Wm with a central-difference Jacobian and step halving. */
export function gaussNewton(s: Stage2Data, start: ArrayLike<number>, maxIter = 100): SolveResult {
  const p = s.X.length;
  const q = s.Z.length;
  let beta = Float64Array.from(start);
  let m = moments(s, beta);
  let Q = criterion(s, m);
  if (!m || !Number.isFinite(Q)) return { beta, criterion: Q, converged: false, iterations: 0 };
  for (let it = 1; it <= maxIter; it++) {
    if (Q < 1e-28) return { beta, criterion: Q, converged: true, iterations: it - 1 };
    // Jacobian J (q × p)
    const J = new Float64Array(q * p);
    for (let j = 0; j < p; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(beta[j]));
      const bp = Float64Array.from(beta);
      const bm = Float64Array.from(beta);
      bp[j] += h;
      bm[j] -= h;
      const mp = moments(s, bp);
      const mm = moments(s, bm);
      if (!mp || !mm) return { beta, criterion: Q, converged: false, iterations: it };
      for (let a = 0; a < q; a++) J[a * p + j] = (mp[a] - mm[a]) / (2 * h);
    }
    // δ = −(J'WJ)⁻¹ J'W m
    const WJ = new Float64Array(q * p);
    for (let a = 0; a < q; a++) for (let j = 0; j < p; j++) for (let b = 0; b < q; b++) WJ[a * p + j] += s.W[a * q + b] * J[b * p + j];
    const H = new Float64Array(p * p);
    const gr = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) for (let a = 0; a < q; a++) H[i * p + j] += J[a * p + i] * WJ[a * p + j];
      for (let a = 0; a < q; a++) gr[i] += WJ[a * p + i] * m[a];
    }
    const Hi = invertSpd(H, p);
    if (!Hi) return { beta, criterion: Q, converged: false, iterations: it };
    const delta = new Float64Array(p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) delta[i] -= Hi[i * p + j] * gr[j];
    let t = 1;
    let accepted = false;
    for (let h = 0; h < 40; h++) {
      const nb = Float64Array.from(beta, (b, i) => b + t * delta[i]);
      const nm = moments(s, nb);
      const nQ = criterion(s, nm);
      if (nm && nQ <= Q) {
        const stepSize = Math.max(...Array.from(delta, (d, i) => Math.abs(t * d) / Math.max(1, Math.abs(beta[i]))));
        beta = nb;
        m = nm;
        const dropQ = Q - nQ;
        Q = nQ;
        accepted = true;
        if (stepSize < 1e-11 || (dropQ <= 1e-15 * Q && stepSize < 1e-8)) return { beta, criterion: Q, converged: true, iterations: it };
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      // no decrease along the Gauss–Newton direction: at a (numerical) minimum if the step is tiny
      const tiny = Math.max(...Array.from(delta, (d, i) => Math.abs(d) / Math.max(1, Math.abs(beta[i])))) < 1e-7;
      return { beta, criterion: Q, converged: tiny, iterations: it };
    }
  }
  return { beta, criterion: Q, converged: false, iterations: maxIter };
}

export interface StartReport {
  label: string;
  start: number[];
  beta: number[];
  criterion: number;
  converged: boolean;
  iterations: number;
}

/** Criterion values at or below this count as exact roots of the just-identified moments. */
export const ROOT_TOL = 1e-20;

/**
 * Solves from each start and keeps the best: the smallest criterion; among exact roots (Q ≤ ROOT_TOL)
 * the one nearest the first start (OLS).
 */
export function solveStarts(s: Stage2Data, starts: { label: string; beta: number[] }[]): { best: SolveResult | null; reports: StartReport[] } {
  const reports: StartReport[] = [];
  let best: SolveResult | null = null;
  const ref = starts[0].beta;
  const dist = (b: ArrayLike<number>) => {
    let d = 0;
    for (let j = 0; j < ref.length; j++) d += (b[j] - ref[j]) ** 2;
    return d;
  };
  for (const st of starts) {
    const r = gaussNewton(s, st.beta);
    reports.push({ label: st.label, start: st.beta, beta: Array.from(r.beta), criterion: r.criterion, converged: r.converged, iterations: r.iterations });
    if (!r.converged || !Number.isFinite(r.criterion)) continue;
    if (!best) best = r;
    else if (r.criterion <= ROOT_TOL && best.criterion <= ROOT_TOL) {
      if (dist(r.beta) < dist(best.beta) - 1e-18) best = r;
    } else if (r.criterion < best.criterion) best = r;
  }
  return { best, reports };
}

/**
 * Grid starts (1 or 2 parameters): the criterion on a grid of ±1 around the first start (step 0.05
 * in one dimension, 0.1 in two); its local minima, best first (at most 4).
 */
export function gridStarts(s: Stage2Data, centre: number[]): { label: string; beta: number[] }[] {
  const p = centre.length;
  if (p > 2) return [];
  const step = p === 1 ? 0.05 : 0.1;
  const half = Math.round(1 / step);
  const side = 2 * half + 1;
  const vals: number[] = [];
  const pts: number[][] = [];
  if (p === 1) {
    for (let a = 0; a < side; a++) {
      const b = [centre[0] + (a - half) * step];
      pts.push(b);
      vals.push(criterion(s, moments(s, b)));
    }
  } else {
    for (let a = 0; a < side; a++)
      for (let c = 0; c < side; c++) {
        const b = [centre[0] + (a - half) * step, centre[1] + (c - half) * step];
        pts.push(b);
        vals.push(criterion(s, moments(s, b)));
      }
  }
  const minima: number[] = [];
  for (let idx = 0; idx < pts.length; idx++) {
    const v = vals[idx];
    if (!Number.isFinite(v)) continue;
    let isMin = true;
    const nb: number[] = [];
    if (p === 1) nb.push(idx - 1, idx + 1);
    else {
      const a = Math.floor(idx / side);
      const c = idx % side;
      for (const [da, dc] of [[-1, 0], [1, 0], [0, -1], [0, 1], [-1, -1], [-1, 1], [1, -1], [1, 1]]) {
        const aa = a + da;
        const cc = c + dc;
        if (aa >= 0 && aa < side && cc >= 0 && cc < side) nb.push(aa * side + cc);
      }
    }
    for (const j of nb) if (j >= 0 && j < pts.length && vals[j] < v) isMin = false;
    if (isMin) minima.push(idx);
  }
  minima.sort((a, b) => vals[a] - vals[b] || a - b);
  return minima.slice(0, 4).map((idx, r) => ({ label: `grid minimum ${r + 1}`, beta: pts[idx] }));
}
