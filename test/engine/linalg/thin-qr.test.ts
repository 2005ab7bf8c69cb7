// CholeskyQR2 against Householder: same R (up to signs) and an orthonormal Q on a well-conditioned
// design; collinear or ill-conditioned designs take the Householder path and drop the same columns.
import { describe, expect, it } from 'vitest';
import { householderQr } from '../../../src/engine/linalg/qr.js';
import { thinQr } from '../../../src/engine/linalg/thin-qr.js';
import { lcg } from '../../helpers.js';

function design(n: number, k: number, seed: number): Float64Array[] {
  const u = lcg(seed);
  const cols = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => u() - 0.5));
  cols[0].fill(1);
  for (let i = 0; i < n; i++) cols[2][i] = 1e3 * cols[2][i] + 5e3 + 0.3 * cols[1][i];
  return cols;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('thinQr (CholeskyQR2)', () => {
  it('matches Householder R and gives an orthonormal Q', () => {
    const n = 5000;
    const k = 6;
    const A = design(n, k, 3);
    const f = thinQr(A, n);
    const h = householderQr(A, n);
    expect(f.dropped).toEqual([]);
    for (let i = 0; i < k; i++)
      for (let j = i; j < k; j++) {
        // Householder's R may differ in the sign of each row
        const sign = Math.sign(h.R[i * k + i]) * Math.sign(f.R[i * k + i]);
        expect(Math.abs(f.R[i * k + j] - sign * h.R[i * k + j])).toBeLessThan(1e-9 * Math.abs(h.R[j * k + j]) + 1e-12);
      }
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) expect(Math.abs(dot(f.Q[a], f.Q[b]) - (a === b ? 1 : 0))).toBeLessThan(1e-13);
    // A = Q R
    for (let j = 0; j < k; j++)
      for (const i of [0, 17, n - 1]) {
        let s = 0;
        for (let m = 0; m <= j; m++) s += f.Q[m][i] * f.R[m * k + j];
        expect(Math.abs(s - A[j][i])).toBeLessThan(1e-9 * (Math.abs(A[j][i]) + 1));
      }
  });

  it('collinear columns: the Householder decision (later column dropped)', () => {
    const n = 300;
    const A = design(n, 5, 7);
    A[4] = Float64Array.from(A[1], (v, i) => 2 * v - A[3][i]);
    const f = thinQr(A, n);
    expect(f.dropped).toEqual([4]);
    expect(f.kept).toEqual([0, 1, 2, 3]);
  });
});
