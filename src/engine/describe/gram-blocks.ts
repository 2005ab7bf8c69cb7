// Cross-products of K columns over the rows a mask selects, for correlations and VIFs: the
// (K+1)×(K+1) Gram matrix of [1, x_1 − c_1, …, x_K − c_K], so entry (0, 0) is the row count,
// (0, a) = Σ(x_a − c_a) and (a, b) = Σ(x_a − c_a)(x_b − c_b). Rows are compressed a block at a
// time into small buffers and handed to linalg/gram.ts's crossProducts (WebAssembly SIMD when
// available), so no full-length copy of a column is made.
//
// The shifts c_a are the means of each column's first present values (as linalg/cholesky.ts does):
// near the mean, so the centred sums S_ab − S_a S_b / n lose no digits to an offset like 1e9.
import { crossProducts } from '../linalg/gram.js';

const BLOCK = 1 << 15;
const SHIFT_ROWS = 4096;

/** Mean of the first SHIFT_ROWS finite values (0 if none): a shift near the column's mean. */
export function nearMean(v: Float64Array): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < v.length && k < SHIFT_ROWS; i++) {
    const x = v[i];
    if (x - x === 0) {
      s += x;
      k++;
    }
  }
  return k > 0 ? s / k : 0;
}

function packChunk(v: Float64Array, mask: Uint8Array | null, out: Float64Array, i0: number, i1: number): number {
  let j = 0;
  for (let i = i0; i < i1; i++) if (mask === null || mask[i]) out[j++] = v[i];
  return j;
}

/**
 * The (K+1)×(K+1) Gram matrix (row-major) of [1, x − c] over rows with mask set (null: all rows,
 * which must then be complete).
 */
export function maskedGram(columns: readonly Float64Array[], shift: Float64Array, mask: Uint8Array | null): Float64Array {
  const K = columns.length;
  const nrows = columns[0].length;
  const p = K + 1;
  const G = new Float64Array(p * p);
  const bufs = [new Float64Array(BLOCK).fill(1), ...columns.map(() => new Float64Array(BLOCK))];
  const sh = new Float64Array(p);
  for (let a = 0; a < K; a++) sh[a + 1] = -shift[a];
  for (let i0 = 0; i0 < nrows; i0 += BLOCK) {
    const i1 = Math.min(nrows, i0 + BLOCK);
    let m = 0;
    for (let a = 0; a < K; a++) m = packChunk(columns[a], mask, bufs[a + 1], i0, i1);
    if (m === 0) continue;
    const g = crossProducts(bufs, m, 'auto', sh);
    for (let t = 0; t < p * p; t++) G[t] += g[t];
  }
  return G;
}
