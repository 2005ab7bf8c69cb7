// Panel lags against a by-hand panel and a naive (id, time − k) lookup: gaps, unsorted rows, text
// ids, missing ids/times, the time spacing, the wide-span hash path, and the errors.
import { describe, expect, it } from 'vitest';
import type { Column } from '../../../src/engine/data.js';
import { buildPanelIndex, difference, growth, lag, lead } from '../../../src/engine/transform/index.js';
import type { Var } from '../../../src/engine/transform/index.js';
import { lcg } from '../../helpers.js';

const NaN_ = Number.NaN;
const num = (name: string, ...v: number[]): Var => ({ name, column: { kind: 'numeric', values: Float64Array.from(v) } });
const cat = (name: string, levels: string[], ...codes: number[]): Var => ({ name, column: { kind: 'categorical', codes: Int32Array.from(codes), levels } });

describe('lag / lead / difference / growth by hand', () => {
  // A: 2000, 2001, 2003 (gap 2002), rows out of order; B: 2000, 2001; a row with a missing id
  const id = cat('firm', ['A', 'B'], 0, 1, 0, 0, 1, -1);
  const time = num('year', 2001, 2000, 2000, 2003, 2001, 2001);
  const x = num('x', 2, 10, 1, 4, 0, 99);
  const panel = { id, time };
  it('lag 1 reads t − 1 of the same id; gaps and panel starts are missing', () => {
    const r = lag(x, panel);
    expect(Array.from(r.values)).toEqual([1, NaN_, NaN_, NaN_, 10, NaN_]);
    expect(r.warnings[0]).toMatch(/have no observation 1 period\(s\) earlier/);
    expect(r.describe).toBe('lag 1 of x within firm over year (value at t−1; gaps give missing)');
  });
  it('lag 2 jumps the gap from 2003 to 2001; lead 1', () => {
    expect(Array.from(lag(x, panel, 2).values)).toEqual([NaN_, NaN_, NaN_, 2, NaN_, NaN_]);
    expect(Array.from(lead(x, panel).values)).toEqual([NaN_, 0, 2, NaN_, NaN_, NaN_]);
  });
  it('difference, growth rate (zero base → missing, counted), log growth', () => {
    expect(Array.from(difference(x, panel).values)).toEqual([1, NaN_, NaN_, NaN_, -10, NaN_]);
    const g = growth(x, panel);
    expect(Array.from(g.values)).toEqual([1, NaN_, NaN_, NaN_, -1, NaN_]);
    const lg = growth(x, panel, { log: true });
    expect(lg.values[0]).toBeCloseTo(Math.log(2), 15);
    expect(lg.values[4]).toBeNaN(); // ln 0
    expect(lg.warnings.join(' ')).toMatch(/1 row with a non-positive x/);
  });
  it('time spacing: delta 2 makes 2000 → 2002 one period', () => {
    const p2 = { id: num('id', 1, 1, 1), time: num('t', 2000, 2002, 2004), delta: 2 };
    expect(Array.from(lag(num('x', 1, 2, 3), p2).values)).toEqual([NaN_, 1, 2]);
    expect(() => buildPanelIndex({ ...p2, time: num('t', 2000, 2001, 2004) })).toThrow(/2001 at row 2, which is not a multiple of the spacing 2/);
  });
});

describe('errors', () => {
  it('duplicate (id, time) names the id, the time and both rows', () => {
    const p = { id: cat('firm', ['A', 'B'], 0, 1, 1), time: num('year', 2000, 2001, 2001) };
    expect(() => lag(num('x', 1, 2, 3), p)).toThrow(/repeated time values within panel: firm = "B" has two rows at year = 2001 \(rows 2 and 3\)/);
  });
  it('non-integer time, text x, bad k', () => {
    expect(() => lag(num('x', 1, 2), { id: num('id', 1, 1), time: num('t', 1, 1.5) })).toThrow(/not a multiple/);
    expect(() => lag(cat('s', ['a'], 0, 0), { id: num('id', 1, 1), time: num('t', 1, 2) })).toThrow(/"s" is a text \(categorical\) variable/);
    expect(() => lag(num('x', 1, 2), { id: num('id', 1, 1), time: num('t', 1, 2) }, 0)).toThrow(/whole number of periods ≥ 1/);
  });
});

describe('against a naive lookup on a random unbalanced panel', () => {
  const u = lcg(3);
  const rows: [number, number][] = [];
  for (let f = 0; f < 300; f++) for (let t = 1990; t < 2010; t++) if (u() < 0.7) rows.push([f, t]);
  // shuffle rows
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const n = rows.length;
  const x = Float64Array.from({ length: n }, () => (u() < 0.05 ? NaN_ : u() * 100));
  const naive = (k: number, ids: number[], times: number[]): number[] => {
    const m = new Map<string, number>();
    for (let i = 0; i < n; i++) m.set(`${ids[i]}|${times[i]}`, i);
    return ids.map((f, i) => {
      const r = m.get(`${f}|${times[i] - k}`);
      return r === undefined ? NaN_ : x[r];
    });
  };
  const ids = rows.map((r) => r[0]);
  const times = rows.map((r) => r[1]);
  it('table path (years)', () => {
    const p = { id: { name: 'f', column: { kind: 'numeric', values: Float64Array.from(ids) } as Column }, time: { name: 't', column: { kind: 'numeric', values: Float64Array.from(times) } as Column } };
    for (const k of [1, 2, 5]) expect(Array.from(lag({ name: 'x', column: { kind: 'numeric', values: x } }, p, k).values)).toEqual(naive(k, ids, times));
  });
  it('hash path (a time variable spanning 10^9 periods)', () => {
    const wide = times.map((t) => (t === 1990 ? 1e9 + t : t));
    const p = { id: { name: 'f', column: { kind: 'numeric', values: Float64Array.from(ids) } as Column }, time: { name: 't', column: { kind: 'numeric', values: Float64Array.from(wide) } as Column } };
    expect(Array.from(lag({ name: 'x', column: { kind: 'numeric', values: x } }, p, 1).values)).toEqual(naive(1, ids, wide));
  });
});
