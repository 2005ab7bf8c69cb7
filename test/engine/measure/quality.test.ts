// Export quality (KSW 2013) against an independent numpy least-squares fit on explicit product and
// destination × year dummies (test/reference/quality/make.py): raw and standardised quality per
// transaction to 1e-8, pooled with σ = 5 and separately by HS2 with σ from an elasticity table;
// then the firm-year value-weighted aggregate through collapse, and the KSW invariant by hand.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../../src/engine/combine/collapse.js';
import { exportQuality } from '../../../src/engine/measure/index.js';
import { runTool } from '../../../src/engine/tools.js';
import type { Column } from '../../../src/engine/data.js';
import { readCsv } from './csv.js';

const dir = resolve('test/reference/quality');
const tx = readCsv(resolve(dir, 'transactions.csv'));
const sig = readCsv(resolve(dir, 'sigmas.csv'));
type Case = { nobs: number; quality_raw: (number | null)[]; quality: (number | null)[]; firm_year: { firm: number; year: number; quality: number | null }[] };
const expected = JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as { nrows: number; cases: Record<string, Case> };

const close = (got: number, want: number | null, tol: number) => {
  if (want === null) expect(got).toBeNaN();
  else expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThan(tol);
};

function viaTool(params: Record<string, string | number | boolean | string[]>) {
  const cols = new Map(tx.names.map((n) => [n, tx.v(n).column]));
  return runTool(
    { tool: 'quality', params: { name: 'q', product: 'product', destination: 'dest', year: 'year', value: 'value', quantity: 'quantity', ...params } },
    {
      nrows: tx.nrows,
      names: tx.names,
      panel: null,
      column: (n) => cols.get(n) as Column,
      foreign: (ds, n) => {
        expect(ds).toBe('sigmas');
        return sig.v(n).column;
      },
    },
  );
}

describe('export quality vs numpy lstsq on dummies (test/reference/quality)', () => {
  it('σ = 5, pooled: ε/(σ−1) and min–max within product to 1e-8; singletons and bad rows missing', () => {
    const c = expected.cases.fixed;
    const r = exportQuality({ product: tx.v('product'), destination: tx.v('dest'), year: tx.v('year'), value: tx.v('value'), quantity: tx.v('quantity'), sigma: 5 });
    expect(r.nobs).toBe(c.nobs);
    c.quality_raw.forEach((w, i) => close(r.raw[i], w, 1e-8));
    c.quality.forEach((w, i) => close(r.quality[i], w, 1e-8));
    const notes = r.warnings.join(' ');
    expect(notes).toMatch(/2 rows with a missing or non-positive value or quantity/);
    expect(notes).toMatch(/singleton/);
  });

  it('σ by HS2 from an elasticity dataset, separate regressions by HS2 (the tool path)', () => {
    const c = expected.cases.by_hs2;
    const out = viaTool({ sigmas: 'sigmas', sigmasKey: 'hs2', sigmasValue: 'sigma', sigmaMatch: 'hs2', by: ['hs2'] });
    expect(out.columns.map((x) => x.name)).toEqual(['q', 'q_raw']);
    const get = (n: string) => (out.columns.find((x) => x.name === n)?.column as { values: Float64Array }).values;
    c.quality_raw.forEach((w, i) => close(get('q_raw')[i], w, 1e-8));
    c.quality.forEach((w, i) => close(get('q')[i], w, 1e-8));
    expect(out.describe).toMatch(/separately by hs2/);
  });

  it('firm-year quality = export-value weighted mean (collapse (mean) q [aw = value], by(firm year))', () => {
    const c = expected.cases.fixed;
    const out = viaTool({});
    const q = out.columns[0].column;
    const { data } = collapse(
      { nrows: tx.nrows, columns: [{ name: 'firm', column: tx.v('firm').column }, { name: 'year', column: tx.v('year').column }, { name: 'value', column: tx.v('value').column }, { name: 'q', column: q }] },
      { keys: ['firm', 'year'], vars: ['q'], stat: 'mean', weight: 'value' },
    );
    const col = (n: string) => (data.columns.find((x) => x.name === n)?.column as { values: Float64Array }).values;
    const want = new Map(c.firm_year.map((x) => [`${x.firm}:${x.year}`, x.quality]));
    // every firm-year with a quality is a row of the collapsed data; firm-years without one are missing
    let matched = 0;
    for (let g = 0; g < data.nrows; g++) {
      const key = `${col('firm')[g]}:${col('year')[g]}`;
      if (want.has(key)) {
        close(col('q')[g], want.get(key) ?? null, 1e-8);
        matched++;
      } else expect(col('q')[g]).toBeNaN();
    }
    expect(matched).toBe(c.firm_year.length);
  });

  it('by hand: quality rises with price at a given quantity; the residual has mean 0 within each product', () => {
    // two products × two destinations × one year, two firms each: ε sums to 0 within product and dest-year
    const v = (name: string, x: (number | string)[]) =>
      typeof x[0] === 'string' ? { name, column: { kind: 'categorical' as const, levels: [...new Set(x as string[])], codes: Int32Array.from(x as string[], (s) => [...new Set(x as string[])].indexOf(s)) } } : { name, column: { kind: 'numeric' as const, values: Float64Array.from(x as number[]) } };
    const r = exportQuality({
      product: v('k', ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']),
      destination: v('c', ['US', 'US', 'JP', 'JP', 'US', 'US', 'JP', 'JP']),
      year: v('t', [1, 1, 1, 1, 1, 1, 1, 1]),
      value: v('v', [100, 200, 150, 300, 50, 60, 70, 90]),
      quantity: v('q', [10, 10, 15, 15, 5, 6, 7, 8]),
      sigma: 4,
    });
    const sum = (idx: number[]) => idx.reduce((s, i) => s + r.raw[i], 0);
    expect(Math.abs(sum([0, 1, 2, 3]))).toBeLessThan(1e-12);
    expect(Math.abs(sum([0, 1, 4, 5]))).toBeLessThan(1e-12);
    expect(r.raw[1]).toBeGreaterThan(r.raw[0]); // same quantity, twice the price
    expect(r.quality[1]).toBe(1);
  });
});
