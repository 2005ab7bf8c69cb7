// The demeaning kernel: x ↦ x − (projection of x on the fixed-effect dummies), for one or more
// factors. Shapes: columns are Float64Array(n); factors carry ids Int32Array(n) with dense levels.
// It knows nothing about names or specs (fixest's demeaning.cpp design) and serves FE, HDFE, every
// IV stage and the "demean variable" tool.
//
// One factor: subtract group means (exact). Several: alternating projections written in the space
// of the fixed-effect coefficients (Gauss–Seidel over factors; Guimarães & Portugal 2010), with
// Irons–Tuck acceleration every two sweeps as in fixest (Bergé 2018, "Efficient estimation of
// maximum likelihood models with multiple fixed-effects: the R package FENmlm", §3). The state is
// the coefficients of factors 2..Q; those of factor 1 follow from them. Convergence as fixest:
// every coefficient changed by less than tol in absolute value or relative to (0.1 + |α|).
import type { Factor } from './factors.js';

export interface DemeanOptions {
  tol?: number;
  maxIter?: number;
}

export interface DemeanReport {
  /** Sweeps used per column. */
  iterations: number[];
  converged: boolean;
}

export const DEFAULT_TOL = 1e-8;
export const DEFAULT_MAX_ITER = 10_000;

interface Prepared {
  factors: Factor[];
  invCounts: Float64Array[];
  /** Offsets of factors 1..Q-1 in the state vector. */
  offsets: number[];
  stateLen: number;
}

function prepare(factors: Factor[]): Prepared {
  const invCounts = factors.map((f) => {
    const c = new Float64Array(f.groups);
    for (let i = 0; i < f.ids.length; i++) c[f.ids[i]]++;
    for (let g = 0; g < f.groups; g++) c[g] = c[g] > 0 ? 1 / c[g] : 0;
    return c;
  });
  const offsets: number[] = [];
  let stateLen = 0;
  for (let q = 1; q < factors.length; q++) {
    offsets.push(stateLen);
    stateLen += factors[q].groups;
  }
  return { factors, invCounts, offsets, stateLen };
}

/** Demean every column; returns new arrays (inputs untouched) and a convergence report. */
export function demean(columns: Float64Array[], factors: Factor[], opts: DemeanOptions = {}): { out: Float64Array[]; report: DemeanReport } {
  const tol = opts.tol ?? DEFAULT_TOL;
  const maxIter = opts.maxIter ?? DEFAULT_MAX_ITER;
  if (factors.length === 0) return { out: columns.map((c) => c.slice()), report: { iterations: columns.map(() => 0), converged: true } };
  const p = prepare(factors);
  const iterations: number[] = [];
  let converged = true;
  const out = columns.map((x) => {
    const r = demeanOne(x, p, tol, maxIter);
    iterations.push(r.iterations);
    converged &&= r.converged;
    return r.resid;
  });
  return { out, report: { iterations, converged } };
}

/** One Gauss–Seidel sweep: alpha0 from the state, then each factor's coefficients in turn. */
function sweep(x: Float64Array, p: Prepared, alpha0: Float64Array, state: Float64Array, sums: Float64Array[]): void {
  const { factors, invCounts, offsets } = p;
  const Q = factors.length;
  const n = x.length;
  for (let f = 0; f < Q; f++) {
    const ids = factors[f].ids;
    const s = sums[f];
    s.fill(0);
    if (Q === 2) {
      // hot path for two factors: one gather
      const other = f === 0 ? factors[1].ids : factors[0].ids;
      const a = f === 0 ? state : alpha0;
      for (let i = 0; i < n; i++) s[ids[i]] += x[i] - a[other[i]];
    } else {
      for (let i = 0; i < n; i++) {
        let v = x[i];
        for (let g = 0; g < Q; g++) {
          if (g === f) continue;
          v -= g === 0 ? alpha0[factors[0].ids[i]] : state[offsets[g - 1] + factors[g].ids[i]];
        }
        s[ids[i]] += v;
      }
    }
    const inv = invCounts[f];
    if (f === 0) for (let k = 0; k < s.length; k++) alpha0[k] = s[k] * inv[k];
    else {
      const off = offsets[f - 1];
      for (let k = 0; k < s.length; k++) state[off + k] = s[k] * inv[k];
    }
  }
}

function stillMoving(a: Float64Array, b: Float64Array, tol: number): boolean {
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k] - b[k]);
    if (d > tol && d / (0.1 + Math.abs(a[k])) > tol) return true;
  }
  return false;
}

function demeanOne(x: Float64Array, p: Prepared, tol: number, maxIter: number): { resid: Float64Array; iterations: number; converged: boolean } {
  const { factors } = p;
  const n = x.length;
  const alpha0 = new Float64Array(factors[0].groups);
  const sums = factors.map((f) => new Float64Array(f.groups));
  const X = new Float64Array(p.stateLen);
  let sweeps = 0;
  let converged = true;
  if (factors.length > 1) {
    const GX = new Float64Array(p.stateLen);
    const GGX = new Float64Array(p.stateLen);
    converged = false;
    while (sweeps < maxIter) {
      GX.set(X);
      sweep(x, p, alpha0, GX, sums);
      GGX.set(GX);
      sweep(x, p, alpha0, GGX, sums);
      sweeps += 2;
      if (!stillMoving(GX, GGX, tol)) {
        X.set(GGX);
        converged = true;
        break;
      }
      // Irons–Tuck: X ← GGX − (δ2·Δ / δ2·δ2) Δ with Δ = GGX − GX, δ2 = GGX − 2GX + X
      let num = 0;
      let den = 0;
      for (let k = 0; k < X.length; k++) {
        const d1 = GGX[k] - GX[k];
        const d2 = d1 - (GX[k] - X[k]);
        num += d1 * d2;
        den += d2 * d2;
      }
      if (den === 0) {
        X.set(GGX);
        converged = true;
        break;
      }
      const c = num / den;
      for (let k = 0; k < X.length; k++) X[k] = GGX[k] - c * (GGX[k] - GX[k]);
    }
  }
  // final sweep so that alpha0 and the state are consistent, then the residual
  sweep(x, p, alpha0, X, sums);
  sweeps++;
  const resid = new Float64Array(n);
  const id0 = factors[0].ids;
  for (let i = 0; i < n; i++) resid[i] = x[i] - alpha0[id0[i]];
  for (let q = 1; q < factors.length; q++) {
    const ids = factors[q].ids;
    const off = p.offsets[q - 1];
    for (let i = 0; i < n; i++) resid[i] -= X[off + ids[i]];
  }
  return { resid, iterations: sweeps, converged };
}
