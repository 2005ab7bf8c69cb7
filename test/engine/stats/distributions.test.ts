import { describe, expect, it } from 'vitest';
import { chi2UpperP, fUpperP, normalCdf, tQuantile, tTwoSidedP } from '../../../src/engine/stats/distributions.js';

// Reference values from scipy.stats (Debian python3-scipy): 2*t.sf(|t|, df), f.sf, t.ppf, chi2.sf,
// norm.cdf — an implementation independent of ours (cephes).
describe('distributions', () => {
  it('t two-sided p-values match R', () => {
    expect(tTwoSidedP(2.0, 10)).toBeCloseTo(0.073388034770740, 13);
    expect(tTwoSidedP(-1.5, 3)).toBeCloseTo(0.23058386524482294, 13);
    expect(tTwoSidedP(0, 5)).toBe(1);
    expect(tTwoSidedP(40, 4998)).toBeLessThan(1e-200);
  });
  it('F upper tail matches R', () => {
    expect(fUpperP(3.0, 2, 20)).toBeCloseTo(0.07253815028640571, 13);
    expect(fUpperP(1.0, 5, 5)).toBeCloseTo(0.5, 12);
  });
  it('t quantiles match R', () => {
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 12);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959966356814107, 8);
    expect(tQuantile(0.025, 3)).toBeCloseTo(-3.1824463052837086, 11);
  });
  it('chi-square and normal', () => {
    expect(chi2UpperP(3.84145882069412, 1)).toBeCloseTo(0.05, 12);
    expect(chi2UpperP(10, 4)).toBeCloseTo(0.040427681994512805, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300946, 14);
  });
});
