// The R of a thin QR (A = QR, R k×k upper) and the rank decision, without forming Q: the Cholesky
// factor of the column-scaled Gram matrix A'A (one pass over the rows, WebAssembly SIMD in
// linalg/gram.ts) when every scaled pivot passes Householder's drop test with margin, else
// Householder QR (linalg/qr.ts), which decides which columns to drop. Callers use Q only through
// R: Q'v = R⁻ᵀA'v, and meats on the Q basis map A-scores with R⁻¹ (covariance/meat.ts). Not
// forming Q spares k fresh n-length arrays (~10 µs per 4 KiB page on the benchmark VM) and the
// k(k+1)/2 sweeps over them: the IV fit at 233,819 rows went from 0.16 to 0.07 s.
import { choleskyUpper } from './dense.js';
import { crossProducts } from './gram.js';
import { householderQr } from './qr.js';

export interface TriangularFactor {
  /** r×r upper triangular: A[:, kept]'A[:, kept] = R'R. */
  R: Float64Array;
  kept: number[];
  dropped: number[];
  /** Condition estimate of the column-scaled A'A (1 / smallest scaled pivot²); Infinity if unknown. */
  condition: number;
}

/**
 * Smallest accepted Cholesky pivot of the scaled Gram matrix. The pivot of column j is the norm of
 * its part orthogonal to the earlier columns relative to its own norm — Householder's drop test —
 * so borderline columns (below 10 × the drop tolerance) always get the Householder decision.
 */
const minPivot = (tol: number) => Math.max(10 * tol, 1e-6);

function cholPass(cols: readonly Float64Array[], k: number, n: number, tol: number): { R: Float64Array; minScaledPivot: number } | null {
  const G = crossProducts(cols, n);
  const d = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    if (!(G[j * k + j] > 0)) return null;
    d[j] = Math.sqrt(G[j * k + j]);
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) G[i * k + j] /= d[i] * d[j];
  const Rs = choleskyUpper(G, k);
  if (!Rs) return null;
  const min = minPivot(tol);
  let minScaledPivot = Infinity;
  for (let j = 0; j < k; j++) {
    if (!(Rs[j * k + j] >= min)) return null;
    minScaledPivot = Math.min(minScaledPivot, Rs[j * k + j]);
  }
  // unscale: A = (A D⁻¹) D, so R = Rs D
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) Rs[i * k + j] *= d[j];
  return { R: Rs, minScaledPivot };
}

/** R and the columns kept; the inputs are not modified. */
export function triangularFactor(columns: readonly Float64Array[], n: number, tol = 1e-7): TriangularFactor {
  const k = columns.length;
  if (k > 0 && n > k) {
    const c = cholPass(columns, k, n, tol);
    if (c) {
      const all = Array.from({ length: k }, (_, j) => j);
      return { R: c.R, kept: all, dropped: [], condition: 1 / (c.minScaledPivot * c.minScaledPivot) };
    }
  }
  const f = householderQr(columns, n, tol);
  return { R: f.R, kept: f.kept, dropped: f.dropped, condition: Infinity };
}
