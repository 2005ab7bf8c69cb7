// The two kernel sets of the demeaning iteration (WebAssembly SIMD and plain JS) on the same
// inputs: same sweeps, and results equal to 1e-12 relative (they do the same arithmetic in the
// same order, so in practice bit for bit). Covers every specialised path: Q = 1…4, P = 1…11
// (S = 2, 4, 8, 10 unrolled, P padded to the next of them; blocks of 8 above 10), rows grouped by the largest factor or
// not (then visited in a sorted order), empty levels.
import { describe, expect, it } from 'vitest';
import { demean } from '../../../src/engine/fe/demean.js';
import type { Factor } from '../../../src/engine/fe/factors.js';
import { makeProblem } from '../../../src/engine/fe/problem.js';
import { createWasmKernels } from '../../../src/engine/fe/wasm/kernels.js';
import { lcg } from '../../helpers.js';

function panel(n: number, groups: number[], P: number, seed: number, sortedBy: number | null) {
  const u = lcg(seed);
  const ids = groups.map((G) => Int32Array.from({ length: n }, () => Math.floor(u() * G)));
  if (sortedBy !== null) ids[sortedBy].sort();
  // effects on every factor plus noise; empty levels happen when G is large against n
  const eff = groups.map((G) => Float64Array.from({ length: G }, () => u() * 4 - 2));
  const columns = Array.from({ length: P }, (_, p) =>
    Float64Array.from({ length: n }, (_, i) => ids.reduce((s, id, q) => s + (p + 1) * eff[q][id[i]], 0) + u() * (p + 1) + 10 * p),
  );
  const factors: Factor[] = ids.map((id, q) => ({ name: `f${q}`, ids: id, groups: groups[q] }));
  return { columns, factors };
}

function agree(a: Float64Array[], b: Float64Array[]) {
  let worst = 0;
  a.forEach((col, p) => {
    let scale = 0;
    for (const v of col) scale = Math.max(scale, Math.abs(v));
    col.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[p][i]) / Math.max(scale, 1e-300))));
  });
  return worst;
}

describe('demeaning kernels: WebAssembly SIMD = JS', () => {
  const cases: [string, number, number[], number, number | null][] = [
    ['Q=1, P=1', 500, [40], 1, null],
    ['Q=1, P=8', 500, [40], 8, 0],
    ['Q=2, P=8, grouped', 2000, [300, 12], 8, 0],
    ['Q=2, P=8, second factor largest, not grouped', 2000, [12, 300], 8, null],
    ['Q=2, P=3', 1500, [200, 9], 3, 0],
    ['Q=3, P=8, grouped (the bench shape)', 3000, [500, 30, 90], 8, 0],
    ['Q=3, P=7 (padded lane)', 3000, [500, 30, 90], 7, null],
    ['Q=3, P=1', 3000, [500, 30, 90], 1, 0],
    ['Q=3, P=9', 2500, [40, 400, 25], 9, 1],
    ['Q=3, P=4 (S = 4)', 2500, [400, 30, 25], 4, 0],
    ['Q=3, P=2 (S = 2), not grouped', 2500, [400, 30, 25], 2, null],
    ['Q=2, P=1 (S = 2)', 1500, [200, 9], 1, 0],
    ['Q=3, P=11 (blocks at S = 8 and 4)', 2500, [300, 20, 50], 11, 0],
    ['Q=2, P=10 (S = 10), not grouped', 2500, [300, 20], 10, null],
    ['Q=3, P=8, empty levels', 300, [400, 20, 50], 8, null],
    ['Q=4, P=8', 2500, [300, 20, 40, 7], 8, 0],
    ['Q=4, P=2', 2500, [300, 20, 40, 7], 2, null],
  ];
  // more rows than one WebAssembly call takes (passes are cut at level boundaries of the grouped
  // factor); 12 sweeps are enough to compare, convergence is not the point here
  const large: [string, number, number[], number, number | null][] = [
    ['Q=3, P=8, 80,000 rows, grouped', 80_000, [15_000, 30, 300], 8, 0],
    ['Q=3, P=8, 80,000 rows, not grouped', 80_000, [15_000, 30, 300], 8, null],
    ['Q=2, P=5, 80,000 rows, a few huge levels', 80_000, [3, 40], 5, 0],
    ['Q=4, P=4, 80,000 rows', 80_000, [9000, 30, 300, 12], 4, 0],
  ];
  for (const [name, n, groups, P, sortedBy] of cases) {
    it(name, () => {
      const { columns, factors } = panel(n, groups, P, n + P, sortedBy);
      const copies = columns.map((c) => c.slice());
      const js = demean(columns, factors, { kernel: 'js', tol: 1e-10 });
      const wasm = demean(columns, factors, { kernel: 'wasm', tol: 1e-10 });
      expect(js.report.kernel).toBe('js');
      expect(wasm.report.kernel).toBe('wasm-simd');
      expect(wasm.report.iterations).toEqual(js.report.iterations);
      expect(wasm.report.converged).toBe(js.report.converged);
      expect(js.report.converged).toBe(true);
      expect(agree(js.out, wasm.out)).toBeLessThanOrEqual(1e-12);
      // inputs untouched
      columns.forEach((c, p) => expect(c).toEqual(copies[p]));
    });
  }

  for (const [name, n, groups, P, sortedBy] of large) {
    it(name, () => {
      const { columns, factors } = panel(n, groups, P, n + P, sortedBy);
      const js = demean(columns, factors, { kernel: 'js', maxIter: 12 });
      const wasm = demean(columns, factors, { kernel: 'wasm', maxIter: 12 });
      expect(wasm.report.iterations).toEqual(js.report.iterations);
      expect(agree(js.out, wasm.out)).toBeLessThanOrEqual(1e-12);
    });
  }

  it('agrees when stopped early (not converged), and after reusing memory for a larger problem', () => {
    const big = panel(20_000, [3000, 40, 200], 8, 7, 0);
    const small = panel(800, [100, 10, 20], 5, 8, null);
    for (const { columns, factors } of [big, small, big]) {
      const js = demean(columns, factors, { kernel: 'js', maxIter: 4 });
      const wasm = demean(columns, factors, { kernel: 'wasm', maxIter: 4 });
      expect(wasm.report.converged).toBe(false);
      expect(agree(js.out, wasm.out)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('moments: Σx, Σx² of the inputs and Σx̃² of the outputs, the means added back; JS = WebAssembly to the bit', () => {
    for (const [n, groups, P, sortedBy] of [
      [3000, [500, 30, 90], 8, 0],
      [2500, [400, 30, 25], 3, null],
      [2500, [300, 20, 50], 11, 0],
      [1500, [200, 9], 10, 0],
      [500, [40], 1, null],
      // every fused chunk kernel (S = 2, 4, 8, 10 × two or three factors), rows grouped or not
      [1500, [200, 9], 2, null],
      [1500, [200, 9, 14], 1, 0],
      [1500, [200, 9], 4, null],
      [3000, [500, 30, 90], 6, null],
      [2000, [300, 12], 7, 0],
      [2500, [40, 400, 25], 9, 1],
      [2500, [40, 400], 10, null],
    ] as const) {
      const { columns, factors } = panel(n, [...groups], P, 9, sortedBy);
      // a column of small magnitude goes through demean's power-of-two scaling
      columns[0] = columns[0].map((v) => v * 1e-7);
      const plain = demean(columns, factors, { kernel: 'wasm' });
      const got = (['js', 'wasm'] as const).map((kernel) => demean(columns, factors, { kernel, moments: true, addMeans: true }));
      expect(got[1].report.moments?.sum).toEqual(got[0].report.moments?.sum);
      expect(got[1].report.moments?.squares).toEqual(got[0].report.moments?.squares);
      expect(got[1].report.squares).toEqual(got[0].report.squares);
      got[1].out.forEach((o, p) => expect(o).toEqual(got[0].out[p]));
      const { moments, squares } = got[1].report;
      columns.forEach((x, p) => {
        let s = 0;
        let q = 0;
        let qd = 0;
        for (let i = 0; i < n; i++) {
          s += x[i];
          q += x[i] * x[i];
          qd += plain.out[p][i] ** 2;
        }
        expect(moments?.sum[p]).toBeCloseTo(s, 9);
        expect(Math.abs((moments?.squares[p] ?? 0) - q)).toBeLessThanOrEqual(1e-13 * q);
        expect(Math.abs((squares?.[p] ?? 0) - qd)).toBeLessThanOrEqual(1e-12 * qd);
        const mean = s / n;
        for (const i of [0, 1, n >> 1, n - 1]) expect(Math.abs(got[1].out[p][i] - (plain.out[p][i] + mean))).toBeLessThanOrEqual(1e-12 * (Math.abs(mean) + Math.abs(plain.out[p][i])));
      });
    }
  });

  it('overwrite: the same numbers, written into the input columns', () => {
    for (const kernel of ['js', 'wasm'] as const) {
      const { columns, factors } = panel(6000, [700, 30, 90], 8, 3, null);
      const fresh = demean(columns, factors, { kernel });
      const inPlace = demean(columns, factors, { kernel, overwrite: true });
      inPlace.out.forEach((c, p) => expect(c).toBe(columns[p]));
      expect(agree(fresh.out, inPlace.out)).toBe(0);
    }
  });

  it('declines a problem too large for 32-bit WebAssembly memory, saying why', () => {
    const n = 400_000_000;
    // only the sizes are looked at before the layout is rejected
    const pb = { ...makeProblem([new Float64Array(4)], [{ name: 'a', ids: new Int32Array(4), groups: 1 }]), n, Q: 3, groups: [1, 1, 1], P: 8 };
    const r = createWasmKernels(pb);
    expect('reason' in r && r.reason).toMatch(/GiB of WebAssembly memory/);
  });
});
