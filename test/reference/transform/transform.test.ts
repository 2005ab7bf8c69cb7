// The variable tools and the expression language against base-R values on plm::EmplUK (with gaps
// and missing values added): see make.R in this folder for how every expected column was computed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../../src/engine/data.js';
import { columnsEnv, evaluate } from '../../../src/engine/expr/index.js';
import {
  type Var,
  bartik,
  deviationPower,
  difference,
  egen,
  growth,
  lag,
  lead,
  logShift,
  splitDummy,
  standardize,
  winsorize,
} from '../../../src/engine/transform/index.js';

const DIR = join('test', 'reference', 'transform');

/** Minimal reader for the reference CSVs (no quoted fields): text columns become categorical. */
function readCsv(file: string): { nrows: number; columns: Record<string, Column> } {
  const lines = readFileSync(join(DIR, file), 'utf8').trimEnd().split('\n');
  const names = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns: Record<string, Column> = {};
  names.forEach((name, j) => {
    const cells = rows.map((r) => r[j]);
    if (cells.every((c) => c === '' || !Number.isNaN(Number(c)))) {
      columns[name] = { kind: 'numeric', values: Float64Array.from(cells, (c) => (c === '' ? Number.NaN : Number(c))) };
    } else {
      const levels: string[] = [];
      const index = new Map<string, number>();
      const codes = Int32Array.from(cells, (c) => {
        if (c === '') return -1;
        if (!index.has(c)) {
          index.set(c, levels.length);
          levels.push(c);
        }
        return index.get(c) as number;
      });
      columns[name] = { kind: 'categorical', codes, levels };
    }
  });
  return { nrows: rows.length, columns };
}

type Expected = Record<string, unknown> & Record<'panel' | 'winsor' | 'egen' | 'scale' | 'split' | 'instruments' | 'expressions' | 'bartik', Record<string, (number | null)[]>>;
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected;
const data = readCsv('data.csv');
const v = (name: string): Var => ({ name, column: data.columns[name] });
const panel = { id: v('firm'), time: v('year') };

/** Same missing pattern, and values equal to `rel` relative (exact for pure selections). */
function expectColumn(got: Float64Array, want: (number | null)[], rel = 1e-13): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === null) {
      expect(got[i], `row ${i + 1}: expected missing`).toBeNaN();
    } else {
      expect(Math.abs(got[i] - w), `row ${i + 1}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(w)));
    }
  }
}

describe('reference: panel lags on EmplUK with gaps (merge on firm, year − k in R)', () => {
  const emp = v('emp');
  it('the data really has gaps', () => expect(expected.panel.gap_rows).toBeGreaterThan(20));
  it('lag 1 and 2, lead 1', () => {
    expectColumn(lag(emp, panel, 1).values, expected.panel.lag1_emp, 0);
    expectColumn(lag(emp, panel, 2).values, expected.panel.lag2_emp, 0);
    expectColumn(lead(emp, panel, 1).values, expected.panel.lead1_emp, 0);
  });
  it('differences (D. and D2.) and growth (rate and log)', () => {
    expectColumn(difference(emp, panel).values, expected.panel.diff1_emp, 0);
    expectColumn(difference(emp, panel, { order: 2 }).values, expected.panel.diff2_emp, 0);
    expectColumn(growth(emp, panel).values, expected.panel.growth_emp);
    expectColumn(growth(emp, panel, { log: true }).values, expected.panel.loggrowth_emp);
  });
});

describe('reference: winsor2 (Stata default percentiles; R quantile type 2 agrees)', () => {
  const w = expected.winsor;
  it('overall and by year at 1/99', () => {
    expectColumn(winsorize(v('wage')).values, w.wage_all_1_99, 0);
    expectColumn(winsorize(v('wage'), { by: [v('year')] }).values, w.wage_year_1_99, 0);
  });
  it('5/95 by year, 2.5/97.5 by a text variable, upper only, trim', () => {
    expectColumn(winsorize(v('emp'), { lower: 5, upper: 95, by: [v('year')] }).values, w.emp_year_5_95, 0);
    expectColumn(winsorize(v('capital'), { lower: 2.5, upper: 97.5, by: [v('sector')] }).values, w['capital_sector_2.5_97.5'], 0);
    expectColumn(winsorize(v('output'), { lower: 0, upper: 99 }).values, w.output_all_0_99, 0);
    expectColumn(winsorize(v('emp'), { lower: 5, upper: 95, by: [v('year')], trim: true }).values, w.emp_year_trim_5_95, 0);
  });
});

describe('reference: egen statistics', () => {
  const e = expected.egen;
  it('mean, sd (n − 1), count, total, min, max', () => {
    expectColumn(egen(v('wage'), 'mean', { by: [v('year')] }).values, e.mean_wage_year);
    expectColumn(egen(v('emp'), 'sd', { by: [v('year')] }).values, e.sd_emp_year, 1e-12);
    expectColumn(egen(v('emp'), 'count', { by: [v('year')] }).values, e.count_emp_year, 0);
    expectColumn(egen(v('emp'), 'total', { by: [v('sector')] }).values, e.total_emp_sector, 1e-12);
    expectColumn(egen(v('emp'), 'min', { by: [v('sector')] }).values, e.min_emp_sector, 0);
    expectColumn(egen(v('emp'), 'max', { by: [v('sector')] }).values, e.max_emp_sector, 0);
  });
  it('median, pctile by two variables, rank with ties (average rank)', () => {
    expectColumn(egen(v('emp'), 'median', { by: [v('sector')] }).values, e.median_emp_sector, 0);
    expectColumn(egen(v('wage'), 'pctile', { p: 25, by: [v('sector'), v('year')] }).values, e.p25_wage_sector_year, 0);
    const rounded = evaluate('round(emp)', columnsEnv(data.nrows, data.columns)).values as Float64Array;
    expectColumn(egen({ name: 'emp_r', column: { kind: 'numeric', values: rounded } }, 'rank', { by: [v('year')] }).values, e.rank_round_emp_year, 0);
  });
});

describe('reference: standardise, splits, instruments', () => {
  it('z-scores overall and by year; ln(x + c)', () => {
    expectColumn(standardize(v('emp')).values, expected.scale.z_emp_all, 1e-12);
    expectColumn(standardize(v('emp'), { by: [v('year')] }).values, expected.scale.z_emp_year, 1e-12);
    expectColumn(logShift(v('capital'), { shift: 0.01 }).values, expected.scale['log_capital_plus_0.01']);
  });
  it('above the yearly median / mean (strict >, missing stays missing)', () => {
    expectColumn(splitDummy(v('emp'), { stat: 'median', by: [v('year')] }).values, expected.split.emp_above_median_year, 0);
    expectColumn(splitDummy(v('emp'), { stat: 'mean', by: [v('year')] }).values, expected.split.emp_above_mean_year, 0);
  });
  it('cube of the deviation from the yearly mean', () => {
    expectColumn(deviationPower(v('wage'), v('year')).values, expected.instruments.cube_dev_wage_year, 1e-11);
  });
});

describe('reference: expressions evaluated with Stata semantics', () => {
  const env = columnsEnv(data.nrows, data.columns, { id: 'firm', time: 'year' });
  for (const [text, want] of Object.entries(expected.expressions)) {
    it(text, () => expectColumn(evaluate(text, env).values as Float64Array, want, 1e-13));
  }
});

describe('reference: Bartik shift-share (loops over units and sectors in R)', () => {
  const levels = readCsv('bartik_levels.csv');
  const shares = readCsv('bartik_shares.csv');
  const target = readCsv('bartik_panel.csv');
  const growthTable = readCsv('bartik_growth.csv');
  const L = (name: string): Var => ({ name, column: levels.columns[name] });
  const S = (name: string): Var => ({ name, column: shares.columns[name] });
  const T = (name: string): Var => ({ name, column: target.columns[name] });
  const G = (name: string): Var => ({ name, column: growthTable.columns[name] });
  const base = {
    target: { unit: T('unit'), time: T('year') },
    shares: { unit: S('unit'), sector: S('sector'), share: S('share') },
  };
  const lv = { unit: L('unit'), sector: L('sector'), time: L('year'), level: L('level') };
  it('growth from levels, with and without leave-one-out, rate and log', () => {
    expectColumn(bartik({ ...base, levels: lv }).values, expected.bartik.rate, 1e-12);
    expectColumn(bartik({ ...base, levels: lv, leaveOneOut: true }).values, expected.bartik.rate_loo, 1e-12);
    expectColumn(bartik({ ...base, levels: lv, leaveOneOut: true, growthKind: 'log' }).values, expected.bartik.log_loo, 1e-12);
  });
  it('growth given directly; a unit without shares is missing and reported', () => {
    const r = bartik({ ...base, growth: { sector: G('sector'), time: G('year'), growth: G('growth') } });
    expectColumn(r.values, expected.bartik.given, 1e-12);
    expect(r.warnings.join(' ')).toMatch(/no shares/);
  });
});
