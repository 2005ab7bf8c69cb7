// Without WebAssembly (a runtime that lacks it) demean falls back to the JS kernels and says so;
// kernel: 'wasm' refuses instead. Its own file: the compiled module is cached per process.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { demean } from '../../../src/engine/fe/demean.js';

describe('demean without WebAssembly', () => {
  vi.stubGlobal('WebAssembly', undefined);
  afterAll(() => vi.unstubAllGlobals());
  const ids = Int32Array.from({ length: 60 }, (_, i) => i % 6);
  const ids2 = Int32Array.from({ length: 60 }, (_, i) => i % 5);
  const x = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i));
  const factors = [
    { name: 'a', ids, groups: 6 },
    { name: 'b', ids: ids2, groups: 5 },
  ];

  it('runs the JS kernels and reports why', () => {
    const { report } = demean([x], factors);
    expect(report.kernel).toBe('js');
    expect(report.note).toMatch(/no WebAssembly/);
    expect(report.converged).toBe(true);
  });

  it("refuses with kernel: 'wasm'", () => {
    expect(() => demean([x], factors, { kernel: 'wasm' })).toThrow(/WebAssembly demeaning kernels unavailable/);
  });
});
