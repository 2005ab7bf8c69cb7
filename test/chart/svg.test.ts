// The SVG renderer, read back as text: marker counts, error-bar ends at the pixels the axis maps
// the stored CI ends to (the mapping recovered from the tick marks), labels, fonts, determinism.
import { describe, expect, it } from 'vitest';
import { collectCoefPlot } from '../../src/shared/chart/coef.js';
import { collectDistribution } from '../../src/shared/chart/distribution.js';
import { collectEventStudy } from '../../src/shared/chart/event.js';
import { collectBiasPlot } from '../../src/shared/chart/psm.js';
import { formatTick, niceTicks } from '../../src/shared/chart/scale.js';
import { renderSvg } from '../../src/shared/chart/svg.js';
import type { EstimationResult, PsmResult } from '../../src/shared/result.js';
import { balanceRow, coef, fakeResult } from './fixtures.js';

type El = { tag: string; attrs: Record<string, string>; text?: string };

/** Every element with its attributes (the renderer writes one flat tag per mark). */
function parse(svg: string): El[] {
  const out: El[] = [];
  const re = /<([a-z]+)((?:\s+[A-Za-z0-9:-]+="[^"]*")*)\s*(\/>|>([^<]*)<\/\1>|>)/g;
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    const attrs: Record<string, string> = {};
    for (const a of m[2].matchAll(/([A-Za-z0-9:-]+)="([^"]*)"/g)) attrs[a[1]] = a[2].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    out.push({ tag: m[1], attrs, ...(m[4] !== undefined ? { text: m[4].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') } : {}) });
  }
  return out;
}
const byClass = (els: El[], cls: string) => els.filter((e) => e.attrs.class?.split(' ').includes(cls));
const n = (s: string) => Number(s);

/** Data → pixel along one axis, fitted through the first and last tick marks. */
function axisMap(els: El[], axis: 'x' | 'y'): (v: number) => number {
  const ticks = byClass(els, 'tick').filter((e) => e.attrs['data-axis'] === axis);
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  const pos = (e: El) => n(axis === 'x' ? e.attrs.x1 : e.attrs.y1);
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  const va = n(a.attrs['data-value']);
  const vb = n(b.attrs['data-value']);
  return (v) => pos(a) + ((v - va) / (vb - va)) * (pos(b) - pos(a));
}

const m1 = fakeResult('inv', [coef('value', 0.11, 0.01), coef('capital', 0.23, 0.03), coef('(Intercept)', -0.42, 0.09)]);
const m2 = fakeResult('inv', [coef('value', 0.1, 0.02, 2.5758293035489), coef('capital', 0.3, 0.05, 2.5758293035489)], 0.99);

describe('SVG renderer', () => {
  it('coefficient plot: one marker and one error bar per estimate, ends at the mapped CI bounds', () => {
    const model = collectCoefPlot([m1, m2], { terms: ['value', 'capital', '(Intercept)'] });
    const svg = renderSvg(model);
    const els = parse(svg);
    expect(els[0].tag).toBe('svg');
    expect(els[0].attrs['font-family']).toContain('Times New Roman');
    expect(els[0].attrs['font-family']).toContain('SimSun');
    expect(byClass(els, 'marker')).toHaveLength(5); // 3 + 2 estimates
    const bars = byClass(els, 'error-bar');
    expect(bars).toHaveLength(5);
    const mx = axisMap(els, 'x');
    const my = axisMap(els, 'y');
    // first series' bars, in term order, then the second's
    const expected = [
      ...m1.coefficients.map((c, i) => ({ c, row: i, j: 0 })),
      ...m2.coefficients.map((c, i) => ({ c, row: i, j: 1 })),
    ];
    expected.forEach(({ c, row, j }, k) => {
      const b = bars[k].attrs;
      expect(b['data-term']).toBe(c.term);
      expect(n(b.x1)).toBeCloseTo(mx(c.conf_low), 1);
      expect(n(b.x2)).toBeCloseTo(mx(c.conf_high), 1);
      // horizontal bar at its row, the two models dodged around the row centre
      expect(n(b.y1)).toBe(n(b.y2));
      const off = model.series[j].points[row].y;
      expect(n(b.y1)).toBeCloseTo(my(off), 1);
    });
    // markers sit at the estimates
    const marks = byClass(els, 'marker');
    expect(n(marks[0].attrs.cx)).toBeCloseTo(mx(0.11), 1);
    // category labels on the y axis, value ticks on x at nice numbers
    const yl = byClass(els, 'tick-label').filter((e) => e.attrs['data-axis'] === 'y').map((e) => e.text);
    expect(yl).toEqual(['value', 'capital', 'Constant']);
    const xv = byClass(els, 'tick-label').filter((e) => e.attrs['data-axis'] === 'x').map((e) => n(e.attrs['data-value']));
    const step = xv[1] - xv[0];
    expect([0.1, 0.2, 0.5, 1, 2, 5].some((s) => Math.abs(s - step) < 1e-12)).toBe(true);
    // zero line at x = 0, dashed; legend with both models; title and note
    const zero = byClass(els, 'ref-line')[0].attrs;
    expect(n(zero.x1)).toBeCloseTo(mx(0), 1);
    expect(zero['stroke-dasharray']).toBeDefined();
    expect(byClass(els, 'legend-item')).toHaveLength(2);
    expect(byClass(els, 'title')[0].text).toBe('Coefficient estimates');
    expect(byClass(els, 'note').map((e) => e.text).join(' ')).toContain('95%, 99%');
  });

  it('event study: vertical error bars at event time, the reference period as an open marker at 0', () => {
    const ev = fakeResult('y', [coef('F3.d', 0.02, 0.05), coef('F2.d', -0.01, 0.04), coef('d', 0.2, 0.05), coef('L.d', 0.3, 0.06), coef('L2.d', 0.35, 0.07)]);
    const els = parse(renderSvg(collectEventStudy([ev])));
    const mx = axisMap(els, 'x');
    const my = axisMap(els, 'y');
    expect(byClass(els, 'marker')).toHaveLength(6);
    const bars = byClass(els, 'error-bar');
    expect(bars).toHaveLength(5);
    const l1 = bars.find((b) => b.attrs['data-term'] === 'L.d')!.attrs;
    const c = ev.coefficients.find((r) => r.term === 'L.d')!;
    expect(n(l1.x1)).toBeCloseTo(mx(1), 1);
    expect(n(l1.y1)).toBeCloseTo(my(c.conf_low), 1);
    expect(n(l1.y2)).toBeCloseTo(my(c.conf_high), 1);
    expect(n(l1.y1)).toBeGreaterThan(n(l1.y2)); // y grows upwards
    const ref = byClass(els, 'marker').find((e) => e.attrs['data-term'] === 'reference')!.attrs;
    expect(n(ref.cy)).toBeCloseTo(my(0), 1);
    expect(ref.fill).toBe('#ffffff');
    // integer event-time ticks −3 … 2, the connecting line through all six points
    expect(byClass(els, 'tick-label').filter((e) => e.attrs['data-axis'] === 'x').map((e) => e.text)).toEqual(['−3', '−2', '−1', '0', '1', '2']);
    expect(byClass(els, 'connector')[0].attrs.points.split(' ')).toHaveLength(6);
    expect(byClass(els, 'legend-item')).toHaveLength(0);
  });

  it('Chinese labels, histogram bars from 0, bias dots; same model, same bytes', () => {
    const psm = { balance: [balanceRow('size', 40, 3), balanceRow('age', -25, -1.5)] } as unknown as PsmResult;
    const r = { ...fakeResult('y', [coef('size', 1, 1)]), estimator: 'psm', psm } as EstimationResult;
    const svg = renderSvg(collectBiasPlot(r, { lang: 'zh' }));
    const els = parse(svg);
    expect(byClass(els, 'marker')).toHaveLength(4);
    expect(byClass(els, 'title')[0].text).toBe('各协变量的标准化偏差');
    expect(byClass(els, 'x-label')[0].text).toBe('标准化偏差（%）');
    expect(byClass(els, 'legend-item').length).toBe(2);
    expect(svg).toBe(renderSvg(collectBiasPlot(r, { lang: 'zh' })));

    const h = parse(renderSvg(collectDistribution([1, 2, 2, 3, 3, 3, 4, 4, 5], { name: 'x', kind: 'histogram', bins: 4 })));
    const my = axisMap(h, 'y');
    const rects = byClass(h, 'bar');
    expect(rects).toHaveLength(4);
    for (const b of rects) expect(n(b.attrs.y) + n(b.attrs.height)).toBeCloseTo(my(0), 1);
    expect(rects.map((b) => n(b.attrs['data-value']))).toEqual([1, 2, 3, 3]); // [1,2) [2,3) [3,4) [4,5], the last bin closed
  });

  it('nice ticks cover the range at 1, 2, 5 × 10^k; minus signs typeset', () => {
    const t = niceTicks(-0.596, 0.429, 6);
    expect(t.step).toBe(0.2);
    expect(t.values).toEqual([-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6]);
    expect(niceTicks(0, 37, 6).values).toEqual([0, 10, 20, 30, 40]);
    expect(formatTick(-0.5, 1)).toBe('−0.5');
    expect(formatTick(-0.0001, 2)).toBe('0.00');
  });

  it('escapes text', () => {
    const svg = renderSvg(collectCoefPlot([fakeResult('y', [coef('a<b & "c"', 1, 0.1)])], { title: 'T <1>' }));
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).toContain('T &lt;1&gt;');
  });
});
