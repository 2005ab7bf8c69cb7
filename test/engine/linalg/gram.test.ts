import { describe, expect, it } from 'vitest';
import { crossProducts, crossVector, residuals } from '../../../src/engine/linalg/gram.js';
import { lcg } from '../../helpers.js';

function columns(n: number, p: number, seed: number): Float64Array[] {
  const u = lcg(seed);
  return Array.from({ length: p }, (_, a) => Float64Array.from({ length: n }, () => (u() - 0.4) * 10 ** (a % 3)));
}

describe('cross-products and residuals', () => {
  it('equal the naive sums, and WebAssembly equals JS to the last bit', () => {
    for (const [n, p] of [
      [1, 1],
      [7, 3],
      [5001, 5],
      [4099, 9],
    ]) {
      const C = columns(n, p, n + p);
      const js = crossProducts(C, n, 'js');
      const simd = crossProducts(C, n, 'wasm');
      expect(Array.from(simd)).toEqual(Array.from(js));
      for (let a = 0; a < p; a++)
        for (let b = 0; b < p; b++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += C[a][i] * C[b][i];
          expect(Math.abs(js[a * p + b] - s)).toBeLessThanOrEqual(1e-12 * Math.sqrt(js[a * p + a] * js[b * p + b]));
        }

      const y = columns(n, 1, 99)[0];
      const beta = Float64Array.from({ length: p }, (_, a) => 0.5 - a / 7);
      const eJs = new Float64Array(n);
      const eW = new Float64Array(n);
      const gJs = new Float64Array(p);
      const gW = new Float64Array(p);
      const ssJs = residuals(C, beta, y, n, eJs, gJs, 'js');
      const ssW = residuals(C, beta, y, n, eW, gW, 'wasm');
      expect(ssW).toBe(ssJs);
      expect(Array.from(eW)).toEqual(Array.from(eJs));
      expect(Array.from(gW)).toEqual(Array.from(gJs));
      for (let i = 0; i < n; i++) {
        let e = y[i];
        for (let a = 0; a < p; a++) e -= beta[a] * C[a][i];
        expect(eJs[i]).toBe(e);
      }
      for (let a = 0; a < p; a++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += C[a][i] * eJs[i];
        expect(Math.abs(gJs[a] - s)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(s)));
      }
    }
  });

  it("C'y (crossVector) equals the naive sums, WebAssembly equal to JS to the last bit", () => {
    for (const [n, p] of [
      [1, 1],
      [7, 3],
      [5001, 5],
      [4099, 9],
    ]) {
      const C = columns(n, p, 3 * n + p);
      const y = columns(n, 1, 7)[0];
      const js = crossVector(C, y, n, 'js');
      const simd = crossVector(C, y, n, 'wasm');
      expect(Array.from(simd)).toEqual(Array.from(js));
      for (let a = 0; a < p; a++) {
        let s = 0;
        let norm = 0;
        for (let i = 0; i < n; i++) {
          s += C[a][i] * y[i];
          norm += Math.abs(C[a][i] * y[i]);
        }
        expect(Math.abs(js[a] - s)).toBeLessThanOrEqual(1e-13 * norm);
      }
    }
  });

  it('wide designs grow the WebAssembly memory', () => {
    const n = 300;
    const p = 40;
    const C = columns(n, p, 5);
    expect(Array.from(crossProducts(C, n, 'wasm'))).toEqual(Array.from(crossProducts(C, n, 'js')));
  });
});
