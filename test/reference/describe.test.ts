// Descriptive statistics against R (base R on AER::CPS1985, with blanks and a 1e9 offset):
// summarize per variable / listwise / by group, pwcorr and correlate (Pearson, Spearman) with
// p-values, estat-vif VIFs. The data go through the real CSV importer into a project store.
// Values and the script that produced them: test/reference/describe/{make.R,expected.json,data.csv}.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../src/engine/describe/correlate.js';
import { summarize } from '../../src/engine/describe/summarize.js';
import type { CorrelationResult, NamedColumn, SummaryRow } from '../../src/engine/describe/types.js';
import { vif } from '../../src/engine/describe/vif.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface RefStats {
  n: number;
  mean: number;
  sd: number;
  variance: number;
  min: number;
  max: number;
  sum: number;
  p25: number;
  median: number;
  p75: number;
  skewness: number;
  kurtosis: number;
  percentiles: number[];
}
interface RefPair { a: string; b: string; n: number; r: number; p_value: number }
interface RefVif {
  regressors: string[];
  sample_vars: string[];
  nobs: number;
  omitted: string[];
  rows: { variable: string; r2: number; vif: number; tolerance: number }[];
  mean_vif: number;
}
interface Expected {
  variables: string[];
  detail_percentiles: number[];
  n_rows: number;
  summarize_per_variable: Record<string, RefStats>;
  summarize_listwise: { n: number; stats: Record<string, RefStats> };
  summarize_by_sector: Record<string, Record<string, RefStats>>;
  correlation_variables: string[];
  pwcorr_pearson: RefPair[];
  correlate_pearson: RefPair[];
  spearman_pairwise: RefPair[];
  spearman_listwise: RefPair[];
  vif: RefVif[];
}

const dir = resolve('test/reference/describe');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
const columns = new Map<string, NamedColumn>();
const col = (name: string): NamedColumn => columns.get(name) as NamedColumn;

beforeAll(async () => {
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, 'data.csv'));
  for (const v of [...expected.variables, 'sector']) columns.set(v, { name: v, column: store.readColumn(dataset.id, v) });
});

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

function compareStats(row: SummaryRow, ref: RefStats, what: string) {
  expect(row.n, `${what} n`).toBe(ref.n);
  for (const k of ['mean', 'sd', 'variance', 'min', 'max', 'sum', 'p25', 'median', 'p75', 'skewness', 'kurtosis'] as const) {
    const v = row[k];
    expect(typeof v, `${what} ${k}`).toBe('number');
    // Moments of a 0/1 variable: the third and fourth central sums cancel to ~1e-13 relative.
    expect(rel(v as number, ref[k]), `${what} ${k}: ${v} vs ${ref[k]}`).toBeLessThan(k === 'skewness' || k === 'kurtosis' ? 1e-9 : 1e-10);
  }
  expect(row.percentiles?.map((p) => p.value)).toEqual(ref.percentiles);
}

describe('summarize against R', () => {
  it('per variable (Stata summarize, detail): N, mean, sd, min, percentiles, max, skewness, kurtosis', () => {
    const r = summarize(expected.variables.map(col), { detail: true });
    expect(r.n_input).toBe(expected.n_rows);
    for (const v of expected.variables) compareStats(r.rows.find((x) => x.variable === v) as SummaryRow, expected.summarize_per_variable[v], v);
    // the 1e9 offset keeps its digits: sd equals wage's sd computed on the same rows
    const sdOffset = r.rows.find((x) => x.variable === 'wage_offset')?.sd as number;
    expect(rel(sdOffset, expected.summarize_per_variable.wage_offset.sd)).toBeLessThan(1e-10);
  });

  it('listwise (tabstat, casewise): one N for every variable', () => {
    const r = summarize(expected.variables.map(col), { detail: true, sample: 'listwise' });
    expect(r.n_listwise).toBe(expected.summarize_listwise.n);
    for (const v of expected.variables) compareStats(r.rows.find((x) => x.variable === v) as SummaryRow, expected.summarize_listwise.stats[v], `listwise ${v}`);
  });

  it('by a categorical variable (tabstat, by(sector)) plus the total', () => {
    const r = summarize(expected.variables.map(col), { detail: true, by: col('sector') });
    const groups = Object.keys(expected.summarize_by_sector);
    for (const v of expected.variables) {
      const rows = r.rows.filter((x) => x.variable === v);
      expect(rows.map((x) => x.group?.label ?? 'Total').sort()).toEqual([...groups, 'Total'].sort());
      for (const g of groups) compareStats(rows.find((x) => x.group?.label === g) as SummaryRow, expected.summarize_by_sector[g][v], `${v} | sector=${g}`);
      compareStats(rows.find((x) => x.group === undefined) as SummaryRow, expected.summarize_per_variable[v], `${v} total`);
    }
  });
});

function compareCorrelations(r: CorrelationResult, ref: RefPair[], what: string) {
  for (const p of ref) {
    const i = r.variables.indexOf(p.a);
    const j = r.variables.indexOf(p.b);
    const c = r.matrix[i][j];
    expect(c.n, `${what} ${p.a}×${p.b} n`).toBe(p.n);
    expect(rel(c.r as number, p.r), `${what} ${p.a}×${p.b} r`).toBeLessThan(1e-10);
    expect(rel(c.p_value as number, p.p_value), `${what} ${p.a}×${p.b} p`).toBeLessThan(1e-8);
    expect(r.matrix[j][i]).toBe(c);
  }
  for (let i = 0; i < r.variables.length; i++) expect(r.matrix[i][i].r).toBe(1);
}

describe('correlations against R', () => {
  const vars = () => expected.correlation_variables.map(col);
  it('pwcorr, sig (pairwise, Pearson): r, n and p-value of each pair', () => {
    compareCorrelations(correlate(vars()), expected.pwcorr_pearson, 'pwcorr');
  });
  it('correlate (listwise, Pearson)', () => {
    const r = correlate(vars(), { sample: 'listwise' });
    compareCorrelations(r, expected.correlate_pearson, 'correlate');
    expect(r.n_listwise).toBe(expected.correlate_pearson[0].n);
  });
  it('spearman, pairwise and listwise (average ranks within each sample)', () => {
    compareCorrelations(correlate(vars(), { method: 'spearman' }), expected.spearman_pairwise, 'spearman pw');
    compareCorrelations(correlate(vars(), { method: 'spearman', sample: 'listwise' }), expected.spearman_listwise, 'spearman');
  });
});

describe('estat vif against R', () => {
  it('VIF, 1/VIF and R² per regressor, mean VIF; a collinear regressor is omitted', () => {
    for (const ref of expected.vif) {
      const r = vif(ref.regressors.map(col), { sampleColumns: ref.sample_vars.map(col) });
      expect(r.nobs).toBe(ref.nobs);
      expect(r.omitted.map((o) => o.variable)).toEqual(ref.omitted);
      expect(r.rows.map((x) => x.variable).sort()).toEqual(ref.rows.map((x) => x.variable).sort());
      for (const x of ref.rows) {
        const row = r.rows.find((y) => y.variable === x.variable);
        expect(rel(row?.vif as number, x.vif), `${x.variable} vif`).toBeLessThan(1e-10);
        expect(rel(row?.tolerance as number, x.tolerance), `${x.variable} 1/vif`).toBeLessThan(1e-10);
        expect(rel(row?.r2 as number, x.r2), `${x.variable} r2`).toBeLessThan(1e-9);
      }
      expect(rel(r.mean_vif as number, ref.mean_vif)).toBeLessThan(1e-10);
      // sorted as estat vif lists them: largest first
      const v = r.rows.map((x) => x.vif as number);
      expect(v).toEqual([...v].sort((a, b) => b - a));
    }
  });
});
