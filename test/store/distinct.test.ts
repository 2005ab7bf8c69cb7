import { describe, expect, it } from 'vitest';
import { distinctValues } from '../../src/store/distinct.js';

describe('distinctValues (run by group)', () => {
  it('lists numeric values sorted, text levels in level order, without missing; caps the count', () => {
    expect(distinctValues({ kind: 'numeric', values: Float64Array.from([3, 1, Number.NaN, 2, 1]) }, 10)).toEqual({ values: [1, 2, 3], truncated: false });
    expect(distinctValues({ kind: 'categorical', codes: Int32Array.from([2, 0, -1, 2]), levels: ['东部', '中部', '西部'] }, 10)).toEqual({ values: ['东部', '西部'], truncated: false });
    expect(distinctValues({ kind: 'numeric', values: Float64Array.from({ length: 100 }, (_, i) => i) }, 5)).toEqual({ values: [0, 1, 2, 3, 4], truncated: true });
  });
});
