// The measurement tools through the command line, as a replication script of the seed paper would
// run them: the entropy index in DESIGN.md's --data … --out form (weights against the R reference)
// and as a variable tool writing ret/ecom/basic into a project; export quality on transactions,
// collapse to firm-year with value weights, merge m:1 into a firm panel; EXPY from a world table.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

const BIN = resolve('bin/panel-studio.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const ref = (...p: string[]) => resolve('test/reference', ...p);
const close = (got: number | null, want: number | null, tol: number) => {
  if (want === null) expect(got === null || Number.isNaN(got)).toBe(true);
  else expect(Math.abs((got as number) - want), `${got} vs ${want}`).toBeLessThan(tol * Math.max(1, Math.abs(want)));
};

describe('panel-studio entropy', () => {
  const expected = JSON.parse(readFileSync(ref('entropy', 'expected.json'), 'utf8')) as {
    cases: Record<string, { weights: { indicator: string; weight: number; entropy: number; by: string | null }[]; index: (number | null)[]; sub?: Record<string, (number | null)[]> }>;
  };
  const dir = tempDir();

  it('--data FILE … --out w.json: weights and index as in the R reference (DESIGN.md syntax)', () => {
    const out = join(dir, 'w.json');
    const r = run('entropy', '--data', ref('entropy', 'data.csv'), '--positive', 'hwy,water,util,pc,gsp,emp', '--negative', 'unemp', '--by', 'year', '--groups', 'infra=hwy,water,util; econ=pc,gsp,emp,unemp', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const w = JSON.parse(readFileSync(out, 'utf8')) as { tables: { 'entropy-weights': { indicator: string; by: string; weight: number; entropy: number }[] }; index: Record<string, (number | null)[]> };
    const c = expected.cases.by_year;
    expect(w.tables['entropy-weights']).toHaveLength(c.weights.length);
    c.weights.forEach((e, i) => {
      const g = w.tables['entropy-weights'][i];
      expect([g.indicator, g.by]).toEqual([e.indicator, e.by]);
      close(g.weight, e.weight, 1e-10);
      close(g.entropy, e.entropy, 1e-10);
    });
    c.index.forEach((e, i) => close(w.index.entropy_index[i], e, 1e-10));
    c.sub?.econ.forEach((e, i) => close(w.index.econ[i], e, 1e-10));
    // the same weights as a LaTeX / Markdown table, Chinese labels
    const tex = join(dir, 'w.tex');
    expect(run('entropy', '--data', ref('entropy', 'data.csv'), '--positive', 'hwy,water,util,pc,gsp,emp', '--negative', 'unemp', '--out', tex, '--lang', 'zh').status).toBe(0);
    expect(readFileSync(tex, 'utf8')).toMatch(/熵值法指标权重/);
    const bad = run('entropy', '--data', ref('entropy', 'data.csv'), '--positive', 'hwy,nosuch', '--out', out);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/nosuch/);
  });

  it('as a variable tool: ret, infra, econ written into the project with their recipe; --out weights.csv', () => {
    const project = join(dir, 'e.pstudio');
    expect(run('import', ref('entropy', 'data.csv'), '--project', project, '--name', 'states').status).toBe(0);
    const csv = join(dir, 'weights.csv');
    const r = run('entropy', '--project', project, '--name', 'ret', '--positive', 'hwy,water,util,pc,gsp,emp', '--negative', 'unemp', '--groups', 'infra=hwy,water,util; econ=pc,gsp,emp,unemp', '--out', csv);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: ['ret', 'infra', 'econ'] });
    expect(readFileSync(csv, 'utf8')).toMatch(/Entropy weights/);
    const again = run('entropy', '--project', project, '--name', 'ret2', '--positive', 'hwy,water', '--groups', 'infra=hwy,water');
    expect(again.stderr).toMatch(/variable "infra" already exists/);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.listDatasets()[0];
      const c = expected.cases.pooled;
      const got = (n: string) => Array.from((store.readColumn(ds.id, n) as { values: Float64Array }).values);
      got('ret').forEach((v, i) => close(v, c.index[i], 1e-10));
      got('infra').forEach((v, i) => close(v, c.sub?.infra[i] ?? null, 1e-10));
      expect(ds.variables.find((v) => v.name === 'ret')?.recipe).toMatchObject({ tool: 'entropy', params: { shift: 0.0001, negative: ['unemp'] } });
      expect(ds.variables.find((v) => v.name === 'ret')?.recipe).toMatchObject({ describe: expect.stringMatching(/pooled over all rows, shift 0.0001.*weights hwy 0\.\d{4}/) });
    } finally {
      store.close();
    }
  });
});

describe('panel-studio quality → collapse → merge m:1; sophistication', () => {
  const dir = tempDir();
  const project = join(dir, 'q.pstudio');

  it('transaction quality with σ by HS2, firm-year value-weighted mean, merged into a firm panel', () => {
    expect(run('import', ref('quality', 'transactions.csv'), '--project', project, '--name', 'tx').status).toBe(0);
    expect(run('import', ref('quality', 'sigmas.csv'), '--project', project, '--name', 'sigmas').status).toBe(0);
    const q = run('quality', '--project', project, '--dataset', 'tx', '--name', 'qual', '--product', 'product', '--destination', 'dest', '--year', 'year', '--value', 'value', '--quantity', 'quantity', '--sigmas', 'sigmas', '--sigmasKey', 'hs2', '--sigmasValue', 'sigma', '--sigmaMatch', 'hs2', '--by', 'hs2');
    expect(q.status, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout)).toMatchObject({ written: ['qual', 'qual_raw'] });
    const c = run('collapse', '--project', project, '--dataset', 'tx', '--by', 'firm,year', '--vars', 'qual', '--weight', 'value', '--name', 'firm_year');
    expect(c.status, c.stderr).toBe(0);
    // a firm panel to merge into
    const panel = join(dir, 'firms.csv');
    writeFileSync(panel, `firm,year,size\n${[1, 2, 3]
      .flatMap((f) => [2015, 2016, 2017].map((y) => `${f},${y},${f * 10 + y - 2015}`))
      .join('\n')}\n`);
    expect(run('import', panel, '--project', project, '--name', 'firms').status).toBe(0);
    const m = run('merge', '--project', project, '--master', 'firms', '--using', 'firm_year', '--keys', 'firm,year', '--kind', '1:1', '--keep', 'master,match', '--name', 'firms_q');
    expect(m.status, m.stderr).toBe(0);

    const expected = JSON.parse(readFileSync(ref('quality', 'expected.json'), 'utf8')) as { cases: { by_hs2: { quality: (number | null)[]; firm_year: { firm: number; year: number; quality: number | null }[] } } };
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const tx = store.findDataset('tx');
      const qual = (store.readColumn(tx!.id, 'qual') as { values: Float64Array }).values;
      expected.cases.by_hs2.quality.forEach((e, i) => close(qual[i], e, 1e-8));
      const fq = store.findDataset('firms_q');
      const col = (n: string) => (store.readColumn(fq!.id, n) as { values: Float64Array }).values;
      const want = new Map(expected.cases.by_hs2.firm_year.map((x) => [`${x.firm}:${x.year}`, x.quality]));
      for (let i = 0; i < fq!.nrows; i++) close(col('qual')[i], want.get(`${col('firm')[i]}:${col('year')[i]}`) ?? null, 1e-8);
      expect(store.findDataset('firm_year')?.variables.find((v) => v.name === 'qual')?.recipe).toMatchObject({ describe: 'collapse (mean) qual [aw = value], by(firm year) (from tx)' });
    } finally {
      store.close();
    }
  });

  it('EXPY from a world table (PRODY per year), as numpy computed it', () => {
    expect(run('import', ref('sophistication', 'world.csv'), '--project', project, '--name', 'world').status).toBe(0);
    expect(run('import', ref('sophistication', 'firms.csv'), '--project', project, '--name', 'fx').status).toBe(0);
    const r = run('sophistication', '--project', project, '--dataset', 'fx', '--name', 'expy', '--prody', 'prody', '--unit', 'firm', '--time', 'year', '--product', 'hs', '--value', 'value', '--world', 'world', '--worldCountry', 'country', '--worldProduct', 'hs', '--worldValue', 'exports', '--worldGdp', 'gdppc', '--worldTime', 'year');
    expect(r.status, r.stderr).toBe(0);
    const expected = JSON.parse(readFileSync(ref('sophistication', 'expected.json'), 'utf8')) as { rows: { prody: (number | null)[]; expy: (number | null)[] } };
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const ds = store.findDataset('fx');
      const col = (n: string) => (store.readColumn(ds!.id, n) as { values: Float64Array }).values;
      expected.rows.expy.forEach((e, i) => close(col('expy')[i], e, 1e-12));
      expected.rows.prody.forEach((e, i) => close(col('prody')[i], e, 1e-12));
    } finally {
      store.close();
    }
    const bad = run('sophistication', '--project', project, '--dataset', 'fx', '--name', 'expy2', '--unit', 'firm', '--product', 'hs', '--value', 'value', '--world', 'world', '--worldCountry', 'country', '--worldProduct', 'hs', '--worldValue', 'exports', '--worldGdp', 'gdpp');
    expect(bad.stderr).toMatch(/variable "gdpp" is not in dataset "world"/);
  });
});
