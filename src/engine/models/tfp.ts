// Control-function production-function estimators (Olley–Pakes, Levinsohn–Petrin,
// Ackerberg–Caves–Frazer) on value added or gross output, prodest's two-step algorithm:
//   stage 1: y on a full polynomial of total degree d in (state, proxy) plus the free inputs
//            linearly (OP/LP; their coefficients are β_free), or on a polynomial in all inputs
//            (ACF, no coefficient in stage 1) → φ̂ (fitted value without the free inputs' part);
//   stage 2: ω(β) = φ̂ − Xβ (X = state for OP/LP, free inputs and state for ACF; gross output adds
//            the proxy, the intermediate input, to X), the law of motion ω_t = g(ω_{t−1}) by OLS on
//            a cubic in ω_{t−1}, ξ = ω_t − ĝ, and the sample moments m(β) = (1/N₂) Σ ξ z with
//            z = k_t (OP/LP) or (l_{t−1}, k_t) (ACF), plus m_{t−1} in gross output (Levinsohn–Petrin
//            2003; prodest's proxyGO): just identified, so β solves m(β) = 0; found by minimising
//            m'(Z'Z/N₂)⁻¹m with Gauss–Newton from several starts.
// The polynomial variables are standardised (fixed shifts and scales) before the powers are taken,
// which leaves the spanned space, hence φ̂ and ĝ, unchanged and keeps the designs well conditioned.
// Shapes: every array is per row (_N) of the panel or of the stage-2 rows; β has one entry per
// column of X. Conventions: docs/production.md (## TFP).
import { invertSpd } from '../linalg/small.js';
import { fitOls } from './ols.js';

export type TfpMethod = 'op' | 'lp' | 'acf';

/** Value added (y net of intermediate inputs) or gross output (the proxy is also an input). */
export type TfpOutputKind = 'va' | 'gross';

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
  /**
   * Columns multiplying β, now and one period earlier: ACF free inputs then state; OP/LP state;
   * gross output appends the proxy (intermediate input).
   */
  X: Float64Array[];
  Xlag: Float64Array[];
  /** Instruments: k_t (OP/LP); l_{t−1}…, k_t (ACF); gross output appends m_{t−1}. */
  Z: Float64Array[];
  /** (Z'Z/N₂)⁻¹, row-major. */
  W: Float64Array;
  /** Work space of `moments` (2·N₂), allocated on first use. */
  scratch?: Float64Array;
}

export function stage2Data(d: TfpData, method: TfpMethod, phiAll: Float64Array, output: TfpOutputKind = 'va'): Stage2Data | null {
  const rows: number[] = [];
  for (let i = 0; i < d.n; i++) if (d.lag[i] >= 0) rows.push(i);
  const n = rows.length;
  const pick = (v: Float64Array) => Float64Array.from(rows, (i) => v[i]);
  const pickLag = (v: Float64Array) => Float64Array.from(rows, (i) => v[d.lag[i]]);
  const gross = output === 'gross';
  const xs = [...(method === 'acf' ? [...d.free, d.state] : [d.state]), ...(gross ? [d.proxy] : [])];
  const Z = [...(method === 'acf' ? [...d.free.map(pickLag), pick(d.state)] : [pick(d.state)]), ...(gross ? [pickLag(d.proxy)] : [])];
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
  // ω and ω₋₁ in reused buffers (moments runs thousands of times per fit: grid, Jacobians)
  if (!s.scratch || s.scratch.length !== 2 * n) s.scratch = new Float64Array(2 * n);
  const w = s.scratch.subarray(0, n);
  const wl = s.scratch.subarray(n, 2 * n);
  w.set(s.phi);
  wl.set(s.phiLag);
  for (let j = 0; j < p; j++) {
    const bj = beta[j];
    const x = s.X[j];
    const xl = s.Xlag[j];
    for (let i = 0; i < n; i++) {
      w[i] -= bj * x[i];
      wl[i] -= bj * xl[i];
    }
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += wl[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = wl[i] - mean;
    ss += e * e;
  }
  const inv = 1 / (Math.sqrt(ss / n) || 1);
  // OLS of ω on (1, u, u², u³), u = standardised ω_{t−1} (overwrites ω₋₁): the normal matrix is the
  // Hankel matrix of the power sums Σuᵏ (k = 0..6)
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < n; i++) {
    const u = (wl[i] - mean) * inv;
    wl[i] = u;
    const u2 = u * u;
    const u3 = u2 * u;
    const wi = w[i];
    s1 += u;
    s2 += u2;
    s3 += u3;
    s4 += u2 * u2;
    s5 += u2 * u3;
    s6 += u3 * u3;
    c0 += wi;
    c1 += u * wi;
    c2 += u2 * wi;
    c3 += u3 * wi;
  }
  const K = LAW + 1;
  const A = Float64Array.of(n, s1, s2, s3, s1, s2, s3, s4, s2, s3, s4, s5, s3, s4, s5, s6);
  const c = [c0, c1, c2, c3];
  const Ai = invertSpd(A, K);
  if (!Ai) return null;
  const g = new Float64Array(K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) g[a] += Ai[a * K + b] * c[b];
  const q = s.Z.length;
  const m = new Float64Array(q);
  // ξ overwrites ω
  const [g0, g1, g2, g3] = g;
  for (let i = 0; i < n; i++) {
    const u = wl[i];
    w[i] -= g0 + u * (g1 + u * (g2 + u * g3));
  }
  for (let j = 0; j < q; j++) {
    const z = s.Z[j];
    let v = 0;
    for (let i = 0; i < n; i++) v += w[i] * z[i];
    m[j] = v / n;
  }
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
 * Grid starts (1 to 3 parameters): the criterion on a grid of ±1 around the first start (step 0.05
 * in one dimension, 0.1 in two, 0.5 in three: 41, 441 and 125 points); its local minima (no
 * neighbour, diagonals included, is lower), best first (at most 4).
 */
export function gridStarts(s: Stage2Data, centre: number[]): { label: string; beta: number[] }[] {
  const p = centre.length;
  if (p < 1 || p > 3) return [];
  const step = [0.05, 0.1, 0.5][p - 1];
  const half = Math.round(1 / step);
  const side = 2 * half + 1;
  const count = side ** p;
  // point idx has digit j (base side, first coordinate most significant) = its grid position in β_j
  const digits = (idx: number) => {
    const out = new Array<number>(p);
    for (let j = p - 1; j >= 0; j--) {
      out[j] = idx % side;
      idx = Math.floor(idx / side);
    }
    return out;
  };
  const vals: number[] = [];
  const pts: number[][] = [];
  for (let idx = 0; idx < count; idx++) {
    const b = digits(idx).map((g, j) => centre[j] + (g - half) * step);
    pts.push(b);
    vals.push(criterion(s, moments(s, b)));
  }
  const offsets = Array.from({ length: 3 ** p }, (_, o) => Array.from({ length: p }, (_, j) => (Math.floor(o / 3 ** (p - 1 - j)) % 3) - 1)).filter((d) => d.some((v) => v !== 0));
  const minima: number[] = [];
  for (let idx = 0; idx < count; idx++) {
    const v = vals[idx];
    if (!Number.isFinite(v)) continue;
    const g = digits(idx);
    let isMin = true;
    for (const d of offsets) {
      let j = 0;
      let inside = true;
      for (let q = 0; q < p; q++) {
        const gq = g[q] + d[q];
        if (gq < 0 || gq >= side) inside = false;
        j = j * side + gq;
      }
      if (inside && vals[j] < v) {
        isMin = false;
        break;
      }
    }
    if (isMin) minima.push(idx);
  }
  minima.sort((a, b) => vals[a] - vals[b] || a - b);
  return minima.slice(0, 4).map((idx, r) => ({ label: `grid minimum ${r + 1}`, beta: pts[idx] }));
}

/**
 * The distinct exact roots (Q ≤ ROOT_TOL) reached from the starts, in the order found; two roots are
 * the same when every coordinate agrees to 1e-6 (relative to max(1, |β|)).
 */
export function distinctRoots(reports: StartReport[]): number[][] {
  const roots: number[][] = [];
  for (const r of reports) {
    if (!r.converged || !(r.criterion <= ROOT_TOL)) continue;
    const same = roots.some((b) => b.every((v, j) => Math.abs(v - r.beta[j]) <= 1e-6 * Math.max(1, Math.abs(v))));
    if (!same) roots.push(r.beta);
  }
  return roots;
}
