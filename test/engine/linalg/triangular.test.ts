// triangularFactor against Householder: the same R up to the signs of its rows on a
// well-conditioned design (and R'R = A'A), and on a collinear design the Householder decision.
import { describe, expect, it } from 'vitest';
import { householderQr } from '../../../src/engine/linalg/qr.js';
import { triangularFactor } from '../../../src/engine/linalg/triangular.js';
import { lcg } from '../../helpers.js';

function design(n: number, k: number, seed: number): Float64Array[] {
  const u = lcg(seed);
  const cols = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => u() - 0.5));
  cols[0].fill(1);
  for (let i = 0; i < n; i++) cols[2][i] = 1e3 * cols[2][i] + 5e3 + 0.3 * cols[1][i];
  return cols;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('triangularFactor', () => {
  it('matches Householder R (up to row signs) and R\'R = A\'A', () => {
    const n = 5000;
    const k = 6;
    const A = design(n, k, 3);
    const f = triangularFactor(A, n);
    const h = householderQr(A, n);
    expect(f.dropped).toEqual([]);
    expect(f.condition).toBeLessThan(1e6);
    for (let i = 0; i < k; i++)
      for (let j = i; j < k; j++) {
        const sign = Math.sign(h.R[i * k + i]) * Math.sign(f.R[i * k + i]);
        expect(Math.abs(f.R[i * k + j] - sign * h.R[i * k + j])).toBeLessThan(1e-9 * Math.abs(h.R[j * k + j]) + 1e-12);
      }
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let m = 0; m <= Math.min(a, b); m++) s += f.R[m * k + a] * f.R[m * k + b];
        expect(Math.abs(s - dot(A[a], A[b]))).toBeLessThan(1e-9 * Math.sqrt(dot(A[a], A[a]) * dot(A[b], A[b])));
      }
  });

  it('collinear columns: the Householder decision (later column dropped)', () => {
    const n = 300;
    const A = design(n, 5, 7);
    A[4] = Float64Array.from(A[1], (v, i) => 2 * v - A[3][i]);
    const f = triangularFactor(A, n);
    expect(f.dropped).toEqual([4]);
    expect(f.kept).toEqual([0, 1, 2, 3]);
    expect(f.condition).toBe(Infinity);
  });
});
