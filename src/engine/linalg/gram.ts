// Cross-products of N×p columns (column j = one Float64Array of length ≥ n): the p×p Gram matrix
// C'C, row-major, symmetric, and the residuals of a fit. One pass over the rows in blocks small
// enough that the p columns of a block stay in cache while the p(p+1)/2 dot products run over it
// (each with four partial sums, vector.ts). The passes run as WebAssembly SIMD (wasm/gram.wat) when
// the runtime has it, else as plain JS; both give the same numbers to the last bit.
import { dotRange } from './vector.js';
import { GRAM_BLOCK as BLOCK, gramWasm } from './wasm/gram-wasm.js';

/** 'auto' (default): WebAssembly SIMD when available, else JS. */
export type GramKernel = 'auto' | 'wasm' | 'js';

function simd(kernel: GramKernel) {
  if (kernel === 'js') return null;
  const w = gramWasm();
  if (!('reason' in w)) return w;
  if (kernel === 'wasm') throw new Error(`WebAssembly cross-product kernels unavailable: ${w.reason}`);
  return null;
}

/**
 * The Gram matrix of the columns, each shifted by a constant when `shift` is given (column a is
 * c_a + shift[a]; the shift is added before the products, as the data would be).
 */
export function crossProducts(columns: readonly Float64Array[], n: number, kernel: GramKernel = 'auto', shift: Float64Array | null = null): Float64Array {
  const w = simd(kernel);
  if (w) return w.crossProducts(columns, n, shift);
  const p = columns.length;
  const G = new Float64Array(p * p);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let a = 0; a < p; a++) {
      const x = columns[a];
      const sa = shift ? shift[a] : 0;
      for (let b = a; b < p; b++) {
        const sb = shift ? shift[b] : 0;
        G[a * p + b] += sa === 0 && sb === 0 ? dotRange(x, columns[b], i0, i1) : dotShiftedRange(x, sa, columns[b], sb, i0, i1);
      }
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) G[a * p + b] = G[b * p + a];
  return G;
}

/** C'y: the cross-products of the columns with one vector (length p), blocked as crossProducts. */
export function crossVector(columns: readonly Float64Array[], y: Float64Array, n: number, kernel: GramKernel = 'auto'): Float64Array {
  const w = simd(kernel);
  if (w) return w.crossVector(columns, y, n);
  const p = columns.length;
  const g = new Float64Array(p);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let a = 0; a < p; a++) g[a] += dotRange(columns[a], y, i0, i1);
  }
  return g;
}

/**
 * e = y − Σ_a b_a c_a (residuals of the columns with coefficients b), written into `e` (length ≥ n),
 * and, when `g` is given (length p, zeros), g = C'e computed in the same pass over the rows.
 * Returns e'e. With `shift` (length p + 1) column a is c_a + shift[a] and y is y + shift[p].
 */
export function residuals(columns: readonly Float64Array[], b: Float64Array, y: Float64Array, n: number, e: Float64Array, g: Float64Array | null = null, kernel: GramKernel = 'auto', shift: Float64Array | null = null): number {
  const w = simd(kernel);
  if (w) return w.residuals(columns, b, y, n, e, g, shift);
  const p = columns.length;
  const s = shift ?? new Float64Array(p + 1);
  let ss = 0;
  for (let i0 = 0; i0 < n; i0 += BLOCK) ss += residualsBlock(columns, b, y, e, g, s, i0, Math.min(n, i0 + BLOCK));
  return ss;
}

function residualsBlock(columns: readonly Float64Array[], b: Float64Array, y: Float64Array, e: Float64Array, g: Float64Array | null, s: Float64Array, i0: number, i1: number): number {
  const p = columns.length;
  const sy = s[p];
  for (let i = i0; i < i1; i++) e[i] = y[i] + sy;
  for (let a = 0; a < p; a++) {
    const c = columns[a];
    const ba = b[a];
    const sa = s[a];
    if (sa === 0) for (let i = i0; i < i1; i++) e[i] -= ba * c[i];
    else for (let i = i0; i < i1; i++) e[i] -= ba * (c[i] + sa);
  }
  if (g) for (let a = 0; a < p; a++) g[a] += s[a] === 0 ? dotRange(columns[a], e, i0, i1) : dotShiftedRange(columns[a], s[a], e, 0, i0, i1);
  return dotRange(e, e, i0, i1);
}

/** Σ (x_i + sx)(y_i + sy) over [i0, i1), four partial sums as dotRange. */
function dotShiftedRange(x: Float64Array, sx: number, y: Float64Array, sy: number, i0: number, i1: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    s0 += (x[i] + sx) * (y[i] + sy);
    s1 += (x[i + 1] + sx) * (y[i + 1] + sy);
    s2 += (x[i + 2] + sx) * (y[i + 2] + sy);
    s3 += (x[i + 3] + sx) * (y[i + 3] + sy);
  }
  for (; i < i1; i++) s0 += (x[i] + sx) * (y[i] + sy);
  return s0 + s1 + (s2 + s3);
}
