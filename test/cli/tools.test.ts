// Variable tools through the command line, as a replication script would run them: xtset, then
// generate / winsorize / lag write variables into the project with their recipe and an operation
// log entry; bad requests fail with one line naming the problem and change nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

const BIN = resolve('bin/panel-studio.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('panel-studio variable tools', () => {
  const dir = tempDir();
  const project = join(dir, 'g.pstudio');

  it('xtset, generate, lag (gaps respected), winsorize — values, recipes, oplog', () => {
    expect(run('import', resolve('test/reference/panel_grunfeld/data.csv'), '--project', project, '--name', 'grunfeld').status).toBe(0);
    expect(run('lag', '--project', project, '--vars', 'inv').stderr).toMatch(/declare the panel/);
    expect(run('xtset', '--project', project, '--id', 'firm', '--time', 'year').status).toBe(0);
    const gen = run('generate', '--project', project, '--name', 'lninv', '--expr', 'ln(inv)', '--if', 'year >= 1940');
    expect(gen.stderr).toBe('');
    expect(JSON.parse(gen.stdout)).toMatchObject({ written: ['lninv'] });
    expect(run('lag', '--project', project, '--vars', 'inv,value', '--k', '2').status).toBe(0);
    const w = run('winsorize', '--project', project, '--vars', 'value', '--lower', '20', '--upper', '80', '--by', 'year');
    expect(w.status, w.stderr).toBe(0);

    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.listDatasets()[0];
      expect(ds.panel).toEqual({ id: 'firm', time: 'year' });
      const col = (n: string) => (store.readColumn(ds.id, n) as { values: Float64Array }).values;
      const inv = col('inv');
      const year = col('year');
      const firm = col('firm');
      const lninv = col('lninv');
      for (let i = 0; i < ds.nrows; i++) expect(lninv[i]).toBe(year[i] >= 1940 ? Math.log(inv[i]) : NaN);
      const l2 = col('L2_inv');
      for (let i = 0; i < ds.nrows; i++) {
        const j = [...Array(ds.nrows).keys()].find((r) => firm[r] === firm[i] && year[r] === year[i] - 2);
        expect(l2[i]).toBe(j === undefined ? NaN : inv[j]);
      }
      // winsorised by year at p20/p80 (Stata's _pctile; with 10 firms a year p5/p95 would be the min and max)
      const vw = col('value_w');
      expect(vw.some((v, i) => v !== col('value')[i])).toBe(true);
      const info = ds.variables.find((v) => v.name === 'value_w');
      expect(info?.recipe).toMatchObject({ kind: 'transform', tool: 'winsorize', inputs: ['value', 'year'], params: { lower: 20, upper: 80, by: ['year'] } });
      expect(ds.variables.find((v) => v.name === 'lninv')?.recipe).toMatchObject({ tool: 'generate', inputs: ['inv', 'year'] });
      const log = store.oplog().filter((e) => e.kind === 'tool');
      expect(log.map((e) => e.status)).toEqual(['done', 'done', 'done']);
    } finally {
      store.close();
    }
  });

  it('bad requests: unknown variable, existing name, bad expression — one line, nothing written', () => {
    const before = ProjectStore.open(project, { readonly: true });
    const nvars = before.listDatasets()[0].variables.length;
    before.close();
    const r1 = run('generate', '--project', project, '--name', 'z', '--expr', 'ln(invv)');
    expect(r1.status).not.toBe(0);
    expect(r1.stderr).toMatch(/invv/);
    expect(r1.stderr).toMatch(/inv/);
    const r2 = run('generate', '--project', project, '--name', 'inv', '--expr', '1');
    expect(r2.stderr).toMatch(/already exists/);
    const r3 = run('generate', '--project', project, '--name', 'z', '--expr', 'ln(inv');
    expect(r3.stderr).toMatch(/column \d+/);
    for (const r of [r1, r2, r3]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const after = ProjectStore.open(project, { readonly: true });
    expect(after.listDatasets()[0].variables.length).toBe(nvars);
    after.close();
  });
});

describe('panel-studio bartik (shift-share across datasets)', () => {
  const dir = tempDir();
  const project = join(dir, 'b.pstudio');
  const ref = (f: string) => resolve('test/reference/transform', f);

  it('reads shares and levels from other datasets; leave-one-out matches the R reference', async () => {
    for (const [file, name] of [['bartik_panel.csv', 'panel'], ['bartik_shares.csv', 'shares'], ['bartik_levels.csv', 'levels']]) {
      expect(run('import', ref(file), '--project', project, '--name', name).status).toBe(0);
    }
    const args = ['--project', project, '--dataset', 'panel', '--unit', 'unit', '--time', 'year', '--shares', 'shares', '--sharesUnit', 'unit', '--sharesSector', 'sector', '--share', 'share', '--levels', 'levels', '--levelsUnit', 'unit', '--levelsSector', 'sector', '--levelsTime', 'year', '--level', 'level'];
    const r = run('bartik', '--name', 'B_loo', ...args);
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('note:') && l !== '')).toEqual([]);
    expect(r.status).toBe(0);
    expect(run('bartik', '--name', 'B', '--leaveOneOut', 'false', ...args).status).toBe(0);
    const bad = run('bartik', '--name', 'B2', ...args.map((a) => (a === 'share' ? 'shr' : a)));
    expect(bad.stderr).toMatch(/variable "shr" is not in dataset "shares"/);
    const expected = JSON.parse(readFileSync(ref('expected.json'), 'utf8')).bartik as Record<string, (number | null)[]>;
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.findDataset('panel');
      const got = (n: string) => Array.from((store.readColumn(ds!.id, n) as { values: Float64Array }).values);
      for (const [col, key] of [['B_loo', 'rate_loo'], ['B', 'rate']] as const) {
        got(col).forEach((v, i) => {
          const e = expected[key][i];
          if (e === null) expect(v).toBeNaN();
          else expect(Math.abs(v - e)).toBeLessThan(1e-12 * Math.max(1, Math.abs(e)));
        });
      }
      expect(ds!.variables.find((v) => v.name === 'B_loo')?.recipe).toMatchObject({ tool: 'bartik', params: { leaveOneOut: true, shares: 'shares' } });
    } finally {
      store.close();
    }
  });
});

describe('panel-studio summarize / correlate / vif', () => {
  it('Table 1 statistics on Grunfeld with Stata percentiles; correlate and vif; errors in one line', () => {
    const data = resolve('test/reference/panel_grunfeld/data.csv');
    const r = run('summarize', '--data', data, '--vars', 'inv,value,capital');
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout) as { rows: { variable: string; n: number; mean: number; median: number; p25: number }[] };
    const inv = s.rows.find((x) => x.variable === 'inv');
    expect(inv?.n).toBe(200);
    // Grunfeld inv: mean 145.95825 (R: mean(plm::Grunfeld$inv)); the full reference is test/reference/describe
    expect(inv?.mean).toBeCloseTo(145.95825, 8);
    const c = JSON.parse(run('correlate', '--data', data, '--vars', 'inv,value,capital').stdout) as { kind: string };
    expect(c.kind).toBe('correlate');
    const v = JSON.parse(run('vif', '--data', data, '--vars', 'value,capital').stdout) as { kind: string; rows: { vif: number }[] };
    expect(v.rows[0].vif).toBeGreaterThan(1);
    const bad = run('summarize', '--data', data, '--vars', 'inv,nosuch');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toMatch(/^panel-studio: variable "nosuch" is not in the dataset$/);
  });
});

describe('panel-studio merge / append', () => {
  it('m:1 merge of a province-year panel into a firm panel: Stata counts as R computed them; a new dataset', () => {
    const dir = tempDir();
    const project = join(dir, 'm.pstudio');
    const ref = (f: string) => resolve('test/reference/combine', f);
    for (const [file, name] of [['panel.csv', 'panel'], ['province_year.csv', 'prov']]) expect(run('import', ref(file), '--project', project, '--name', name).status).toBe(0);
    const r = run('merge', '--project', project, '--master', 'panel', '--using', 'prov', '--keys', 'province,year', '--kind', 'm:1', '--name', 'merged');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    const expected = JSON.parse(readFileSync(ref('expected.json'), 'utf8')).m1.counts as Record<string, number>;
    expect(out).toMatchObject({ dataset: 'merged', matched: expected.matched, left_only: expected.left_only, right_only: expected.right_only, nrows: expected.nrows });
    // 1:1 on keys that repeat in the master: Stata's uniqueness error, nothing written
    const bad = run('merge', '--project', project, '--master', 'panel', '--using', 'prov', '--keys', 'province', '--kind', '1:1', '--name', 'bad');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/does not uniquely identify/);
    const app = run('append', '--project', project, '--master', 'panel', '--using', 'panel', '--name', 'twice');
    expect(JSON.parse(app.stdout)).toMatchObject({ dataset: 'twice', kind: 'append' });
    const store = ProjectStore.open(project, { readonly: true });
    try {
      expect(store.listDatasets().map((d) => d.name)).toEqual(['panel', 'prov', 'merged', 'twice']);
      const merged = store.findDataset('merged')!;
      expect(merged.nrows).toBe(expected.nrows);
      expect(merged.variables.find((v) => v.name === 'index')?.recipe).toMatchObject({ kind: 'transform', tool: 'merge' });
      expect(store.findDataset('twice')!.nrows).toBe(2 * store.findDataset('panel')!.nrows);
    } finally {
      store.close();
    }
  });
});

describe('panel-studio keep / drop', () => {
  it('keep if and drop if make new datasets and leave the original as it was', () => {
    const dir = tempDir();
    const project = join(dir, 'k.pstudio');
    expect(run('import', resolve('test/reference/panel_grunfeld/data.csv'), '--project', project, '--name', 'g').status).toBe(0);
    const k = run('keep', '--project', project, '--dataset', 'g', '--if', 'year >= 1945 & firm <= 5', '--name', 'late');
    expect(JSON.parse(k.stdout)).toMatchObject({ dataset: 'late', kind: 'keep', nrows: 50, dropped: 150 });
    const d = run('drop', '--project', project, '--dataset', 'g', '--if', 'inv > 100', '--name', 'small');
    const out = JSON.parse(d.stdout) as { nrows: number; dropped: number };
    expect(out.nrows + out.dropped).toBe(200);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const inv = (store.readColumn(store.findDataset('small')!.id, 'inv') as { values: Float64Array }).values;
      expect(Math.max(...inv)).toBeLessThanOrEqual(100);
      expect(store.findDataset('g')!.nrows).toBe(200);
    } finally {
      store.close();
    }
  });
});

describe('panel-studio duplicates', () => {
  it('Stata duplicates report: firm × year identifies Grunfeld; firm alone repeats 20 times', () => {
    const data = resolve('test/reference/panel_grunfeld/data.csv');
    const a = JSON.parse(run('duplicates', '--data', data, '--vars', 'firm,year').stdout) as { unique: boolean; rows: { copies: number; observations: number }[] };
    expect(a.unique).toBe(true);
    expect(a.rows).toEqual([{ copies: 1, observations: 200, surplus: 0 }]);
    const b = JSON.parse(run('duplicates', '--data', data, '--vars', 'firm').stdout) as { unique: boolean; rows: unknown[] };
    expect(b).toMatchObject({ unique: false, rows: [{ copies: 20, observations: 200, surplus: 190 }] });
  });
});

describe('panel-studio destring', () => {
  it('stock codes kept as text on import become numbers on request; non-numbers are counted', () => {
    const dir = tempDir();
    const csv = join(dir, 'codes.csv');
    writeFileSync(csv, 'code,v\n000001,1\n600000,2\n000002,3\nST-01,4\n');
    const project = join(dir, 'c.pstudio');
    expect(run('import', csv, '--project', project).status).toBe(0);
    const r = run('destring', '--project', project, '--vars', 'code');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/1 distinct text values are not numbers \(e\.g\. "ST-01"\)/);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.listDatasets()[0];
      expect(Array.from((store.readColumn(ds.id, 'code_num') as { values: Float64Array }).values)).toEqual([1, 600000, 2, NaN]);
      expect(ds.variables.find((v) => v.name === 'code')?.type).toBe('categorical');
    } finally {
      store.close();
    }
  });
});

describe('panel-studio export --vars', () => {
  it('exports a selection of variables to CSV, xlsx and dta, in dataset order', async () => {
    const dir = tempDir();
    const project = join(dir, 'e.pstudio');
    expect(run('import', resolve('test/reference/panel_grunfeld/data.csv'), '--project', project).status).toBe(0);
    expect(run('export', '--project', project, '--vars', 'value,firm', '--out', join(dir, 'sel.csv')).status).toBe(0);
    expect(readFileSync(join(dir, 'sel.csv'), 'utf8').split('\n')[0]).toBe('firm,value');
    for (const ext of ['xlsx', 'dta']) {
      expect(run('export', '--project', project, '--vars', 'value,firm', '--out', join(dir, `sel.${ext}`)).status).toBe(0);
      const back = join(dir, `back-${ext}.pstudio`);
      const imp = JSON.parse(run('import', join(dir, `sel.${ext}`), '--project', back).stdout) as { variables: { name: string }[]; rows: number };
      expect(imp.variables.map((v) => v.name)).toEqual(['firm', 'value']);
      expect(imp.rows).toBe(200);
    }
    expect(run('export', '--project', project, '--vars', 'nosuch', '--out', join(dir, 'x.csv')).stderr).toMatch(/variable "nosuch" is not in dataset/);
  });
});

describe('panel-studio recode', () => {
  it('Stata recode rules: lists, ranges with min/max, missing; a malformed rule is named', () => {
    const dir = tempDir();
    const csv = join(dir, 'r.csv');
    writeFileSync(csv, 'x\n1\n2\n3\n7\n.\n-4\n');
    const project = join(dir, 'r.pstudio');
    expect(run('import', csv, '--project', project).status).toBe(0);
    const r = run('recode', '--project', project, '--var', 'x', '--name', 'g', '--rules', '(1 2 = 10) (3/max = 20) (min/0 = .) (missing = -1)');
    expect(r.status, r.stderr).toBe(0);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.listDatasets()[0];
      expect(Array.from((store.readColumn(ds.id, 'g') as { values: Float64Array }).values)).toEqual([10, 10, 20, 20, -1, NaN]);
    } finally {
      store.close();
    }
    expect(run('recode', '--project', project, '--var', 'x', '--name', 'h', '--rules', '(1 2 = a)').stderr).toMatch(/recode rule \(1 2 = a\): "a" is not a number/);
  });
});

describe('panel-studio sort', () => {
  it('gsort-style keys into a new dataset: firm descending, then year', () => {
    const dir = tempDir();
    const project = join(dir, 's.pstudio');
    expect(run('import', resolve('test/reference/panel_grunfeld/data.csv'), '--project', project, '--name', 'g').status).toBe(0);
    const r = run('sort', '--project', project, '--dataset', 'g', '--by', '-firm,year', '--name', 'sorted');
    expect(JSON.parse(r.stdout)).toMatchObject({ dataset: 'sorted', kind: 'sort', nrows: 200 });
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.findDataset('sorted')!;
      const firm = (store.readColumn(ds.id, 'firm') as { values: Float64Array }).values;
      const year = (store.readColumn(ds.id, 'year') as { values: Float64Array }).values;
      expect([firm[0], year[0], firm[1], year[1], firm[199], year[199]]).toEqual([10, 1935, 10, 1936, 1, 1954]);
    } finally {
      store.close();
    }
  });
});
