// The demeaning kernel: x ↦ x − (projection of x on the fixed-effect dummies), for one or more
// factors. Shapes: P columns Float64Array(n) in; factors carry ids Int32Array(n) with dense levels
// 0..G−1. It knows nothing about names or specs (fixest's demeaning.cpp design) and serves FE,
// HDFE, every IV stage and the "demean variable" tool.
//
// Algorithm: alternating projections (Gauss–Seidel over the factors; Guimarães & Portugal 2010)
// in the space of the fixed-effect coefficients α, with Irons–Tuck acceleration every two sweeps
// as in fixest (Bergé 2018, §3). Convergence as fixest: every coefficient changed by less than tol
// in absolute value or relative to (0.1 + |α|).
//
// Layout for speed: all P columns are processed together in one interleaved residual buffer
// r[i·P + p], so each pass reads every factor id once for all columns; the subtraction of factor
// f's update and the group sums for factor f+1 share one pass. One sweep = Q passes over n.
import type { Factor } from './factors.js';

export interface DemeanOptions {
  tol?: number;
  maxIter?: number;
}

export interface DemeanReport {
  /** Sweeps used (the same for every column: they are iterated together). */
  iterations: number[];
  converged: boolean;
}

export const DEFAULT_TOL = 1e-8;
/** reghdfe's collinear_tol: ‖x̃‖²/‖x‖² at or below this means x is absorbed by the fixed effects. */
export const COLLINEAR_WITH_FE = 1e-9;
export const DEFAULT_MAX_ITER = 10_000;

/** Demean every column; returns new arrays (inputs untouched) and a convergence report. */
export function demean(columns: Float64Array[], factors: Factor[], opts: DemeanOptions = {}): { out: Float64Array[]; report: DemeanReport } {
  const tol = opts.tol ?? DEFAULT_TOL;
  const maxIter = opts.maxIter ?? DEFAULT_MAX_ITER;
  const P = columns.length;
  if (factors.length === 0 || P === 0) return { out: columns.map((c) => c.slice()), report: { iterations: columns.map(() => 0), converged: true } };
  const n = columns[0].length;
  const Q = factors.length;

  // x: the input, interleaved (x[i·P + p]); α_f: coefficients of factor f, interleaved by level.
  const x = new Float64Array(n * P);
  for (let p = 0; p < P; p++) {
    const c = columns[p];
    for (let i = 0, o = p; i < n; i++, o += P) x[o] = c[i];
  }
  const inv = factors.map((f) => {
    const c = new Float64Array(f.groups);
    const ids = f.ids;
    for (let i = 0; i < n; i++) c[ids[i]]++;
    for (let g = 0; g < f.groups; g++) c[g] = c[g] > 0 ? 1 / c[g] : 0;
    return c;
  });
  const ids = factors.map((f) => f.ids);
  const offsets: number[] = [];
  let total = 0;
  for (const f of factors) {
    offsets.push(total);
    total += f.groups * P;
  }
  // All coefficients live in one vector (views per factor), so Irons–Tuck works on it directly.
  const state = new Float64Array(total);
  const alpha = factors.map((f, q) => state.subarray(offsets[q], offsets[q] + f.groups * P));
  const sums = factors.map((f) => new Float64Array(f.groups * P));

  /** Gauss–Seidel sweep: α_f ← group means of (x − Σ_{g≠f} α_g[ids_g]) for f = 1..Q in turn. */
  const sweep = () => {
    for (let f = 0; f < Q; f++) {
      const s = sums[f];
      s.fill(0);
      partialSums(x, n, P, ids, alpha, f, s);
      const a = alpha[f];
      const w = inv[f];
      for (let g = 0, k = 0; g < w.length; g++) for (let p = 0; p < P; p++, k++) a[k] = s[k] * w[g];
    }
  };

  let sweeps = 0;
  let converged = false;
  if (Q === 1) {
    sweep();
    sweeps = 1;
    converged = true;
  } else {
    const X = new Float64Array(total);
    const GX = new Float64Array(total);
    const num = new Float64Array(P);
    const den = new Float64Array(P);
    while (sweeps < maxIter) {
      X.set(state);
      sweep();
      GX.set(state);
      sweep();
      sweeps += 2;
      // state now holds GGX
      if (!stillMoving(GX, state, tol)) {
        converged = true;
        break;
      }
      // Irons–Tuck per column p: X ← GGX − c_p (GGX − GX), c_p = ⟨Δ, Δ²⟩ / ⟨Δ², Δ²⟩,
      // Δ = GGX − GX, Δ² = GGX − 2GX + X. Entries of column p sit at k ≡ p (mod P).
      num.fill(0);
      den.fill(0);
      for (let k = 0; k < total; k++) {
        const p = k % P;
        const d1 = state[k] - GX[k];
        const d2 = d1 - (GX[k] - X[k]);
        num[p] += d1 * d2;
        den[p] += d2 * d2;
      }
      for (let k = 0; k < total; k++) {
        const p = k % P;
        const c = den[p] > 0 ? num[p] / den[p] : 0;
        state[k] -= c * (state[k] - GX[k]);
      }
    }
  }
  // r = x − Σ_f α_f[ids_f], de-interleaved
  const out = columns.map(() => new Float64Array(n));
  residuals(x, n, P, ids, alpha, out);
  return { out, report: { iterations: columns.map(() => sweeps), converged } };
}

// ---- kernels: small top-level functions so V8 optimises each as one monomorphic loop ----

/** s[ids_f] += x − Σ_{g≠f} α_g[ids_g] (the group sums for factor f), specialised for Q ≤ 3. */
function partialSums(x: Float64Array, n: number, P: number, ids: Int32Array[], alpha: Float64Array[], f: number, s: Float64Array): void {
  const Q = ids.length;
  const idf = ids[f];
  if (Q === 1) {
    for (let i = 0, o = 0; i < n; i++, o += P) {
      const gf = idf[i] * P;
      for (let p = 0; p < P; p++) s[gf + p] += x[o + p];
    }
  } else if (Q === 2) {
    const ia = ids[1 - f];
    const a = alpha[1 - f];
    for (let i = 0, o = 0; i < n; i++, o += P) {
      const gf = idf[i] * P;
      const ga = ia[i] * P;
      for (let p = 0; p < P; p++) s[gf + p] += x[o + p] - a[ga + p];
    }
  } else if (Q === 3) {
    const ia = ids[f === 0 ? 1 : 0];
    const ib = ids[f === 2 ? 1 : 2];
    const a = alpha[f === 0 ? 1 : 0];
    const b = alpha[f === 2 ? 1 : 2];
    for (let i = 0, o = 0; i < n; i++, o += P) {
      const gf = idf[i] * P;
      const ga = ia[i] * P;
      const gb = ib[i] * P;
      for (let p = 0; p < P; p++) s[gf + p] += x[o + p] - a[ga + p] - b[gb + p];
    }
  } else {
    for (let i = 0, o = 0; i < n; i++, o += P) {
      const gf = idf[i] * P;
      for (let p = 0; p < P; p++) {
        let v = x[o + p];
        for (let g = 0; g < Q; g++) if (g !== f) v -= alpha[g][ids[g][i] * P + p];
        s[gf + p] += v;
      }
    }
  }
}

/** out[p][i] = x[i·P + p] − Σ_f α_f[ids_f[i]·P + p]. */
function residuals(x: Float64Array, n: number, P: number, ids: Int32Array[], alpha: Float64Array[], out: Float64Array[]): void {
  const r = x.slice();
  for (let f = 0; f < ids.length; f++) {
    const idf = ids[f];
    const a = alpha[f];
    for (let i = 0, o = 0; i < n; i++, o += P) {
      const g = idf[i] * P;
      for (let p = 0; p < P; p++) r[o + p] -= a[g + p];
    }
  }
  for (let p = 0; p < P; p++) {
    const c = out[p];
    for (let i = 0, o = p; i < n; i++, o += P) c[i] = r[o];
  }
}

function stillMoving(a: Float64Array, b: Float64Array, tol: number): boolean {
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k] - b[k]);
    if (d > tol && d / (0.1 + Math.abs(a[k])) > tol) return true;
  }
  return false;
}
