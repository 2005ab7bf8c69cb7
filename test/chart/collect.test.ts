// Chart models from stored results: the numbers are the results' (estimates, the stored CI ends at
// each model's level, event times from F/L terms, pstest biases), the labels follow the language.
import { describe, expect, it } from 'vitest';
import { collectCoefPlot, coefTerms } from '../../src/shared/chart/coef.js';
import { collectDistribution } from '../../src/shared/chart/distribution.js';
import { collectEventStudy, detectEventTerms, parseEventTerm } from '../../src/shared/chart/event.js';
import { collectBiasPlot, collectPsmDensity } from '../../src/shared/chart/psm.js';
import type { EstimationResult, PsmResult } from '../../src/shared/result.js';
import { balanceRow, coef, fakeResult } from './fixtures.js';

const m1 = fakeResult('inv', [coef('value', 0.11, 0.01), coef('capital', 0.23, 0.03), coef('(Intercept)', -42, 9)]);
const m2 = fakeResult('inv', [coef('value', 0.1, 0.02, 2.5758293035489), coef('capital', 0.3, 0.05, 2.5758293035489)], 0.99);

describe('coefficient plot', () => {
  it('one series per model, one point per term with the stored confidence interval', () => {
    const c = collectCoefPlot([m1, m2]);
    expect(c.kind).toBe('coef');
    expect(c.y.categories).toEqual(['value', 'capital']);
    expect(c.series.map((s) => s.name)).toEqual(['(1) inv', '(2) inv']);
    expect(c.series[0].errorAxis).toBe('x');
    for (const [j, r] of [m1, m2].entries()) {
      const pts = c.series[j].points;
      expect(pts.map((p) => p.label)).toEqual(['value', 'capital']);
      for (const p of pts) {
        const row = r.coefficients.find((x) => x.term === p.label)!;
        expect(p.x).toBe(row.estimate);
        expect(p.low).toBe(row.conf_low);
        expect(p.high).toBe(row.conf_high);
      }
    }
    // models side by side within a row, centred on the row
    expect(c.series[0].points[0].y + c.series[1].points[0].y).toBeCloseTo(0, 12);
    expect(c.series[0].points[1].y).toBeLessThan(1);
    expect(c.refLines).toEqual([{ axis: 'x', value: 0, dash: true }]);
    expect(c.notes[0]).toContain('95%, 99%');
    expect(c.legend).toBe(true);
  });

  it('chosen terms in order, the constant labelled, the level in the note; Chinese labels', () => {
    const c = collectCoefPlot([m1], { terms: ['(Intercept)', 'value'], lang: 'zh' });
    expect(c.y.categories).toEqual(['常数项', 'value']);
    expect(c.series[0].points.map((p) => [p.label, p.y])).toEqual([['(Intercept)', 0], ['value', 1]]);
    expect(c.title).toBe('系数估计');
    expect(c.x.label).toBe('估计值');
    expect(c.notes[0]).toBe('点为系数估计值，线段为 95% 置信区间。');
    expect(c.legend).toBe(false);
    expect(coefTerms([m1, m2])).toEqual(['value', 'capital', '(Intercept)']);
  });

  it('a term no model has is an error naming it; a term one model lacks is skipped there', () => {
    expect(() => collectCoefPlot([m1], { terms: ['nope'] })).toThrow(/"nope"/);
    const c = collectCoefPlot([m1, m2], { terms: ['(Intercept)'] });
    expect(c.series[0].points).toHaveLength(1);
    expect(c.series[1].points).toHaveLength(0);
  });
});

describe('event study', () => {
  const ev = fakeResult('y', [coef('F3.d', 0.02, 0.05), coef('F2.d', -0.01, 0.04), coef('d', 0.2, 0.05), coef('L.d', 0.3, 0.06), coef('L2.d', 0.35, 0.07), coef('size', 1, 0.1)]);

  it('event time from Stata operators: F3 → −3, L → 1, the variable itself 0', () => {
    expect(parseEventTerm('F3.treat')).toEqual({ base: 'treat', period: -3 });
    expect(parseEventTerm('L.treat')).toEqual({ base: 'treat', period: 1 });
    expect(parseEventTerm('L0.treat')).toEqual({ base: 'treat', period: 0 });
    expect(parseEventTerm('size')).toBeNull();
    expect(detectEventTerms([ev])).toEqual([
      { term: 'F3.d', period: -3 },
      { term: 'F2.d', period: -2 },
      { term: 'd', period: 0 },
      { term: 'L.d', period: 1 },
      { term: 'L2.d', period: 2 },
    ]);
  });

  it('the Lead and Lag tools’ names count too: F2_d → −2, F_d → −1, L_d → 1, L3_d → 3', () => {
    expect(parseEventTerm('F2_treat')).toEqual({ base: 'treat', period: -2 });
    expect(parseEventTerm('F_treat')).toEqual({ base: 'treat', period: -1 });
    expect(parseEventTerm('L3_treat')).toEqual({ base: 'treat', period: 3 });
    expect(parseEventTerm('Large')).toBeNull();
    const tool = fakeResult('y', [coef('F2_d', 0.01, 0.03), coef('d', 0.2, 0.05), coef('L_d', 0.25, 0.05), coef('x', 1, 0.1)]);
    expect(detectEventTerms([tool])).toEqual([
      { term: 'F2_d', period: -2 },
      { term: 'd', period: 0 },
      { term: 'L_d', period: 1 },
    ]);
    const c = collectEventStudy([tool]);
    expect(c.series[0]!.points.map((p) => [p.x, p.y])).toEqual([
      [-2, 0.01],
      [-1, 0],
      [0, 0.2],
      [1, 0.25],
    ]);
  });

  it('points at event time with vertical CIs; the omitted period −1 drawn at 0', () => {
    const c = collectEventStudy([ev]);
    const s = c.series[0];
    expect(s.errorAxis).toBe('y');
    expect(s.connect).toBe(true);
    expect(s.points.map((p) => p.x)).toEqual([-3, -2, -1, 0, 1, 2]);
    const ref = s.points.find((p) => p.label === 'reference')!;
    expect(ref).toEqual({ x: -1, y: 0, label: 'reference' });
    const l1 = s.points.find((p) => p.label === 'L.d')!;
    const row = ev.coefficients.find((r) => r.term === 'L.d')!;
    expect([l1.y, l1.low, l1.high]).toEqual([row.estimate, row.conf_low, row.conf_high]);
    expect(c.refLines).toContainEqual({ axis: 'x', value: -1, dash: true });
    expect(c.refLines).toContainEqual({ axis: 'y', value: 0, dash: false });
    expect(c.x.integer).toBe(true);
    expect(c.notes[1]).toBe('Reference period -1 normalised to 0.');
  });

  it('a user-chosen list with its own periods and reference', () => {
    const r = fakeResult('y', [coef('pre2', 0.1, 0.1), coef('post0', 0.5, 0.1), coef('post1', 0.6, 0.1)]);
    const c = collectEventStudy([r], { terms: [{ term: 'pre2', period: -2 }, { term: 'post0', period: 0 }, { term: 'post1', period: 1 }], reference: -1, lang: 'zh' });
    expect(c.series[0].points.map((p) => [p.x, p.y])).toEqual([[-2, 0.1], [-1, 0], [0, 0.5], [1, 0.6]]);
    expect(c.title).toBe('事件研究');
    expect(() => collectEventStudy([r], { terms: [{ term: 'pre2', period: -1 }], reference: -1 })).toThrow(/reference period/);
    expect(() => collectEventStudy([r])).toThrow(/no lead or lag/);
    expect(() => collectEventStudy([r], { terms: ['post0'] })).toThrow(/term:period/);
  });
});

describe('distribution', () => {
  it('histogram with Stata’s default bins and a density that integrates to about 1', () => {
    const values = Array.from({ length: 400 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453));
    const c = collectDistribution([...values, Number.NaN], { name: 'u', kind: 'both' });
    const bars = c.series.find((s) => s.type === 'bars')!;
    // min(√400, 10·log10 400) = min(20, 26.0) = 20 bins; density-scaled (area 1)
    expect(bars.points).toHaveLength(20);
    const area = bars.points.reduce((a, p) => a + p.y * (p.x2! - p.x), 0);
    expect(area).toBeCloseTo(1, 12);
    const kde = c.series.find((s) => s.type === 'line')!;
    expect(kde.points).toHaveLength(200);
    const counts = collectDistribution(values, { name: 'u', kind: 'histogram', bins: 4 });
    expect(counts.series[0].points.reduce((a, p) => a + p.y, 0)).toBe(400);
    expect(counts.y.label).toBe('Frequency');
  });
});

describe('PSM charts', () => {
  const psm = {
    balance: [balanceRow('size', 40, 3), balanceRow('age', -25, -1.5), balanceRow('lev', 5, 0.2)],
    density: {
      kernel: 'gaussian',
      bandwidth_rule: 'silverman',
      grid: [0, 0.5, 1],
      unmatched: { treated: { n: 10, bandwidth: 0.1, density: [0, 2, 0] }, controls: { n: 30, bandwidth: 0.05, density: [1, 1, 0] } },
      matched: { treated: { n: 9, bandwidth: 0.1, density: [0, 2, 0.1] }, controls: { n: 12, bandwidth: 0.08, density: [0, 1.9, 0.2] } },
    },
  } as unknown as PsmResult;
  const r = { ...fakeResult('y', [coef('size', 1, 1)]), estimator: 'psm', psm } as EstimationResult;

  it('bias dot plot: unmatched and matched bias per covariate', () => {
    const c = collectBiasPlot(r);
    expect(c.y.categories).toEqual(['size', 'age', 'lev']);
    expect(c.series.map((s) => s.points.map((p) => p.x))).toEqual([[40, -25, 5], [3, -1.5, 0.2]]);
    expect(c.series.map((s) => s.name)).toEqual(['Unmatched', 'Matched']);
    expect(collectBiasPlot(r, { sort: true, lang: 'zh' }).y.categories).toEqual(['age', 'lev', 'size']);
    expect(collectBiasPlot(r, { lang: 'zh' }).series.map((s) => s.name)).toEqual(['匹配前', '匹配后']);
  });

  it('score densities before and after matching from result.psm.density', () => {
    const u = collectPsmDensity(r, 'unmatched');
    expect(u.series.map((s) => s.name)).toEqual(['Treated (N = 10)', 'Controls (N = 30)']);
    expect(u.series[1].points).toEqual([{ x: 0, y: 1 }, { x: 0.5, y: 1 }, { x: 1, y: 0 }]);
    const m = collectPsmDensity(r, 'matched', { lang: 'zh' });
    expect(m.title).toBe('匹配后倾向得分分布');
    expect(m.series[1].points.map((p) => p.y)).toEqual([0, 1.9, 0.2]);
    expect(() => collectPsmDensity(m1, 'matched')).toThrow(/psm model/);
  });
});
