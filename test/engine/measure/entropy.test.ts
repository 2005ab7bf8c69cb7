// The entropy-weight index against the independent base-R computation on plm::Produc
// (test/reference/entropy/make.R): weights, entropies, index and sub-indices to 1e-10, pooled and
// per year, with and without the shift; then the two-level identity, constant indicators and the
// weights table as a renderable TableModel.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entropyIndex, entropyTables } from '../../../src/engine/measure/index.js';
import type { Var } from '../../../src/engine/transform/index.js';
import { parseIndicatorGroups, toolTableModel } from '../../../src/shared/measure.js';
import { renderTable } from '../../../src/shared/table-render.js';

const dir = resolve('test/reference/entropy');
const lines = readFileSync(resolve(dir, 'data.csv'), 'utf8').trim().split('\n');
const header = lines[0].split(',');
const rows = lines.slice(1).map((l) => l.split(','));
const col = (name: string): Var => {
  const j = header.indexOf(name);
  return { name, column: { kind: 'numeric', values: Float64Array.from(rows, (r) => (r[j] === '' ? Number.NaN : Number(r[j]))) } };
};

interface WeightRow {
  by: string | null;
  indicator: string;
  n: number;
  entropy: number;
  divergence: number;
  weight: number;
  weight_in_group?: number | null;
}
interface Case {
  by_year: boolean;
  shift: number;
  weights: WeightRow[];
  index: (number | null)[];
  group_weights?: { by: string | null; group: string; weight: number }[];
  sub?: Record<string, (number | null)[]>;
}
const expected = JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as {
  positive: string[];
  negative: string[];
  groups: Record<string, string[]>;
  cases: Record<string, Case>;
};

const close = (got: number, want: number | null, tol = 1e-10) => {
  if (want === null) expect(got).toBeNaN();
  else expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThan(tol * Math.max(1, Math.abs(want)));
};

describe('entropy-weight index vs base R on plm::Produc (test/reference/entropy)', () => {
  const indicators = [...expected.positive.map((n) => ({ v: col(n), negative: false })), ...expected.negative.map((n) => ({ v: col(n), negative: true }))];
  const groups = Object.entries(expected.groups).map(([name, members]) => ({ name, members }));
  for (const [name, c] of Object.entries(expected.cases)) {
    it(`${name}: weights, entropies, index${c.sub ? ', sub-indices and group weights' : ''} to 1e-10`, () => {
      const r = entropyIndex(indicators, { shift: c.shift, ...(c.by_year ? { by: [col('year')] } : {}), ...(c.sub ? { groups } : {}) });
      expect(r.weights).toHaveLength(c.weights.length);
      c.weights.forEach((w, i) => {
        const g = r.weights[i];
        expect(g.indicator).toBe(w.indicator);
        expect(g.by ?? null).toBe(w.by);
        expect(g.n).toBe(w.n);
        close(g.entropy, w.entropy);
        close(g.divergence, w.divergence);
        close(g.weight, w.weight);
        if (w.weight_in_group != null) close(g.weight_in_group as number, w.weight_in_group);
      });
      c.index.forEach((v, i) => close(r.index[i], v));
      for (const [g, values] of Object.entries(c.sub ?? {})) {
        const s = r.subIndices.find((x) => x.name === g);
        values.forEach((v, i) => close(s?.values[i] ?? Number.NaN, v));
      }
      (c.group_weights ?? []).forEach((gw, i) => {
        expect(r.groupWeights[i].group).toBe(gw.group);
        close(r.groupWeights[i].weight, gw.weight);
      });
      expect(r.warnings.join(' ')).toMatch(/16 rows with a missing indicator/);
      if (c.by_year) expect(r.warnings.join(' ')).toMatch(/water is constant in some groups/);
    });
  }

  it('the weights table renders through the table renderers (md, csv, zh labels)', () => {
    const r = entropyIndex(indicators, { groups });
    const [weights, byGroup] = entropyTables(r, 0.0001);
    expect(weights.rows.map((x) => x.indicator)).toEqual([...expected.positive, ...expected.negative]);
    const md = renderTable(toolTableModel(weights, { lang: 'en' }), 'md');
    expect(md).toMatch(/\| unemp \| econ \| − \| 800 \|/);
    expect(renderTable(toolTableModel(byGroup, { lang: 'zh' }), 'csv')).toMatch(/一级指标权重/);
    expect(byGroup.rows.reduce((a, x) => a + (x.weight as number), 0)).toBeCloseTo(1, 14);
  });
});

describe('entropy-weight index by hand', () => {
  const v = (name: string, x: number[]): Var => ({ name, column: { kind: 'numeric', values: Float64Array.from(x) } });
  it('three rows, one negative indicator, shift 0: the textbook steps', () => {
    const a = [1, 2, 4];
    const b = [10, 30, 20]; // negative
    const r = entropyIndex([{ v: v('a', a), negative: false }, { v: v('b', b), negative: true }], { shift: 0 });
    const za = [0, 1 / 3, 1];
    const zb = [1, 0, 0.5];
    const ent = (z: number[]) => {
      const S = z.reduce((s, x) => s + x, 0);
      return -z.reduce((s, x) => s + (x > 0 ? (x / S) * Math.log(x / S) : 0), 0) / Math.log(3);
    };
    const da = 1 - ent(za);
    const db = 1 - ent(zb);
    const wa = da / (da + db);
    expect(r.weights[0].weight).toBeCloseTo(wa, 15);
    r.index.forEach((x, i) => expect(x).toBeCloseTo(wa * za[i] + (1 - wa) * zb[i], 15));
  });
  it('a constant indicator gets weight 0; fewer than two indicators is an error', () => {
    const r = entropyIndex([{ v: v('a', [1, 2, 3]), negative: false }, { v: v('c', [5, 5, 5]), negative: false }]);
    expect(r.weights[1].weight).toBe(0);
    expect(r.weights[0].weight).toBe(1);
    expect(r.warnings.join(' ')).toMatch(/c is constant/);
    expect(() => entropyIndex([{ v: v('a', [1, 2]), negative: false }])).toThrow(/at least two/);
  });
  it('sub-index syntax: names, members, problems', () => {
    expect(parseIndicatorGroups('ecom = a, b ; basic=c d').groups).toEqual([
      { name: 'ecom', members: ['a', 'b'] },
      { name: 'basic', members: ['c', 'd'] },
    ]);
    expect(parseIndicatorGroups('ecom a,b').problems[0]).toMatch(/name = indicator/);
    expect(parseIndicatorGroups('1x = a').problems[0]).toMatch(/not a valid variable name/);
  });
});
