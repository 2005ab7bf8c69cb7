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

  const r = new Float64Array(n * P);
  for (let p = 0; p < P; p++) {
    const c = columns[p];
    for (let i = 0, o = p; i < n; i++, o += P) r[o] = c[i];
  }
  const inv = factors.map((f) => {
    const c = new Float64Array(f.groups);
    const ids = f.ids;
    for (let i = 0; i < n; i++) c[ids[i]]++;
    for (let g = 0; g < f.groups; g++) c[g] = c[g] > 0 ? 1 / c[g] : 0;
    return c;
  });
  const alpha = factors.map((f) => new Float64Array(f.groups * P));
  const delta = factors.map((f) => new Float64Array(f.groups * P));

  /** One pass: r −= delta[a][ids_a] (if a ≥ 0), then delta[b] = group sums of r by ids_b. */
  const pass = (a: number, b: number) => {
    const db = delta[b];
    db.fill(0);
    const idb = factors[b].ids;
    if (a < 0) {
      for (let i = 0, o = 0; i < n; i++, o += P) {
        const gb = idb[i] * P;
        for (let p = 0; p < P; p++) db[gb + p] += r[o + p];
      }
    } else {
      const da = delta[a];
      const ida = factors[a].ids;
      for (let i = 0, o = 0; i < n; i++, o += P) {
        const ga = ida[i] * P;
        const gb = idb[i] * P;
        for (let p = 0; p < P; p++) {
          const v = r[o + p] - da[ga + p];
          r[o + p] = v;
          db[gb + p] += v;
        }
      }
    }
    // sums → mean update; accumulate into α
    const ib = inv[b];
    const ab = alpha[b];
    for (let g = 0, k = 0; g < ib.length; g++) {
      const w = ib[g];
      for (let p = 0; p < P; p++, k++) {
        db[k] *= w;
        ab[k] += db[k];
      }
    }
  };
  const flush = (a: number) => {
    const da = delta[a];
    const ida = factors[a].ids;
    for (let i = 0, o = 0; i < n; i++, o += P) {
      const ga = ida[i] * P;
      for (let p = 0; p < P; p++) r[o + p] -= da[ga + p];
    }
  };

  let sweeps = 0;
  let converged = false;
  if (Q === 1) {
    pass(-1, 0);
    flush(0);
    sweeps = 1;
    converged = true;
  } else {
    // pending = the factor whose update is not yet subtracted from r (-1 when r is current)
    let pending = -1;
    const sweep = () => {
      for (let f = 0; f < Q; f++) {
        pass(f === 0 ? pending : f - 1, f);
      }
      pending = Q - 1;
      sweeps++;
    };
    const total = alpha.reduce((s, a) => s + a.length, 0);
    const X = new Float64Array(total);
    const GX = new Float64Array(total);
    const GGX = new Float64Array(total);
    const save = (into: Float64Array) => {
      let off = 0;
      for (const a of alpha) {
        into.set(a, off);
        off += a.length;
      }
    };
    while (sweeps < maxIter) {
      save(X);
      sweep();
      save(GX);
      sweep();
      save(GGX);
      if (!stillMoving(GX, GGX, tol)) {
        converged = true;
        break;
      }
      // Irons–Tuck per column p: X ← GGX − c_p (GGX − GX), c_p = ⟨Δ, Δ²⟩ / ⟨Δ², Δ²⟩,
      // Δ = GGX − GX, Δ² = GGX − 2GX + X. Entries of column p sit at k ≡ p (mod P).
      const num = new Float64Array(P);
      const den = new Float64Array(P);
      for (let k = 0; k < total; k++) {
        const p = k % P;
        const d1 = GGX[k] - GX[k];
        const d2 = d1 - (GX[k] - X[k]);
        num[p] += d1 * d2;
        den[p] += d2 * d2;
      }
      const c = new Float64Array(P);
      for (let p = 0; p < P; p++) c[p] = den[p] > 0 ? num[p] / den[p] : 0;
      // The last factor's update from sweep B is not yet subtracted from r (pending).
      const pendingStep = delta[Q - 1].slice();
      // α ← GGX − c (GGX − GX); keep Δ = GGX − GX in `delta` for the residual update.
      let off = 0;
      for (let f = 0; f < Q; f++) {
        const a = alpha[f];
        const d = delta[f];
        for (let k = 0; k < a.length; k++) {
          const diff = GGX[off + k] - GX[off + k];
          a[k] = GGX[off + k] - c[k % P] * diff;
          d[k] = diff;
        }
        off += a.length;
      }
      // r is affine in α: r(α_new) = r(GGX) + c·Σ_f Δ_f[ids_f], and r(GGX) = r − pendingStep[ids_last].
      const g = new Int32Array(Q);
      const idsQ = factors.map((f) => f.ids);
      const lastIds = idsQ[Q - 1];
      for (let i = 0, o = 0; i < n; i++, o += P) {
        for (let f = 0; f < Q; f++) g[f] = idsQ[f][i] * P;
        const gl = lastIds[i] * P;
        for (let p = 0; p < P; p++) {
          let sum = 0;
          for (let f = 0; f < Q; f++) sum += delta[f][g[f] + p];
          r[o + p] += c[p] * sum - pendingStep[gl + p];
        }
      }
      pending = -1;
    }
    if (pending >= 0) flush(pending);
  }
  const out = columns.map(() => new Float64Array(n));
  for (let p = 0; p < P; p++) {
    const c = out[p];
    for (let i = 0, o = p; i < n; i++, o += P) c[i] = r[o];
  }
  return { out, report: { iterations: columns.map(() => sweeps), converged } };
}

function stillMoving(a: Float64Array, b: Float64Array, tol: number): boolean {
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k] - b[k]);
    if (d > tol && d / (0.1 + Math.abs(a[k])) > tol) return true;
  }
  return false;
}
