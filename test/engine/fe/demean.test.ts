// The demeaning kernel against a naive reference: residuals of OLS on explicit dummy variables.
import { describe, expect, it } from 'vitest';
import { demean } from '../../../src/engine/fe/demean.js';
import type { Factor } from '../../../src/engine/fe/factors.js';
import { findSingletons } from '../../../src/engine/fe/singletons.js';
import { lcg, naiveOls } from '../../helpers.js';

function factor(name: string, values: number[]): Factor {
  const map = new Map<number, number>();
  const ids = Int32Array.from(values, (v) => {
    if (!map.has(v)) map.set(v, map.size);
    return map.get(v) as number;
  });
  return { name, ids, groups: map.size };
}

/** Residuals of x on all dummies of all factors (dropping one level of each factor after the first). */
function dummyResiduals(x: number[], factors: Factor[]): number[] {
  const n = x.length;
  const X = Array.from({ length: n }, (_, i) => {
    const row: number[] = [];
    factors.forEach((f, q) => {
      for (let g = q === 0 ? 0 : 1; g < f.groups; g++) row.push(f.ids[i] === g ? 1 : 0);
    });
    return row;
  });
  return naiveOls(x, X).resid;
}

describe('demean', () => {
  const u = lcg(11);
  const n = 400;
  const a = Array.from({ length: n }, () => Math.floor(u() * 25));
  const b = Array.from({ length: n }, () => Math.floor(u() * 8));
  const c = Array.from({ length: n }, () => Math.floor(u() * 5));
  const x = Array.from({ length: n }, (_, i) => a[i] * 0.3 + b[i] - c[i] * 2 + u() * 5);

  it('one factor: exact group-mean removal', () => {
    const f = [factor('a', a)];
    const { out, report } = demean([Float64Array.from(x)], f);
    const ref = dummyResiduals(x, f);
    out[0].forEach((v, i) => expect(v).toBeCloseTo(ref[i], 10));
    expect(report).toMatchObject({ iterations: [1], converged: true });
  });

  it('two, three and four factors converge to the dummy-variable residuals, with either kernel set', () => {
    const d = Array.from({ length: n }, () => Math.floor(u() * 3));
    const sets = [[factor('a', a), factor('b', b)], [factor('a', a), factor('b', b), factor('c', c)], [factor('a', a), factor('b', b), factor('c', c), factor('d', d)]];
    for (const f of sets) {
      const ref = dummyResiduals(x, f);
      for (const kernel of ['js', 'wasm'] as const) {
        const { out, report } = demean([Float64Array.from(x)], f, { tol: 1e-13, kernel });
        expect(report.converged).toBe(true);
        out[0].forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-9));
      }
    }
  });

  it('uses the WebAssembly SIMD kernels on Node by default', () => {
    const { report } = demean([Float64Array.from(x)], [factor('a', a), factor('b', b)]);
    expect(report.kernel).toBe('wasm-simd');
    expect(report.note).toBeUndefined();
  });

  it('reports non-convergence instead of pretending', () => {
    const f = [factor('a', a), factor('b', b), factor('c', c)];
    const { report } = demean([Float64Array.from(x)], f, { tol: 1e-15, maxIter: 2 });
    expect(report.converged).toBe(false);
  });

  it('drops singletons iteratively', () => {
    // row 3 is alone in firm 9; dropping it leaves year 2002 with only row 2 → drop; then firm 2
    // has only row 4 → drop; then year 2003 has only row 5 → drop. Rows 0 and 1 remain.
    const firm = factor('firm', [1, 1, 2, 9, 2, 1]);
    const year = factor('year', [2001, 2001, 2002, 2002, 2003, 2003]);
    const { keep, dropped } = findSingletons([firm, year], 6);
    expect(Array.from(keep)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(dropped).toBe(4);
  });
});
