// Small independent reference implementations used by several tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'ps-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Naive OLS by the normal equations and Gauss–Jordan (fine for well-conditioned test data). */
export function naiveOls(y: number[], X: number[][]): { beta: number[]; XtXinv: number[][]; resid: number[] } {
  const n = y.length;
  const k = X[0].length;
  const A = Array.from({ length: k }, (_, i) => Array.from({ length: 2 * k }, (_, j) => (j < k ? 0 : j - k === i ? 1 : 0)));
  const b = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < k; i++) {
      b[i] += X[r][i] * y[r];
      for (let j = 0; j < k; j++) A[i][j] += X[r][i] * X[r][j];
    }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    const d = A[c][c];
    for (let j = 0; j < 2 * k; j++) A[c][j] /= d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r][c];
      for (let j = 0; j < 2 * k; j++) A[r][j] -= f * A[c][j];
    }
  }
  const inv = A.map((row) => row.slice(k));
  const beta = inv.map((row) => row.reduce<number>((s, v, j) => s + v * b[j], 0));
  const resid = y.map((yi, r) => yi - X[r].reduce<number>((s, v, j) => s + v * beta[j], 0));
  return { beta, XtXinv: inv, resid };
}

/** Deterministic pseudo-random numbers for fixtures. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
