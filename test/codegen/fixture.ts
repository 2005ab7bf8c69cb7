// A small firm panel project built through the same store functions the app uses (imports from
// CSV, variable tools, merge/keep/collapse, models), for the code-export tests. Deterministic data
// from a seeded generator; a few firm-years are missing (gaps for the lags) and a few values blank.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCombine } from '../../src/engine/combine/run.js';
import type { CombineRequest } from '../../src/shared/combine.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import type { ToolRequest } from '../../src/shared/tools.js';
import { applyToolOutput } from '../../src/store/apply-tool.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';
import { runToolOn } from '../../src/store/run-tool-on.js';
import { writeCombined } from '../../src/store/write-dataset.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

const CITIES = ['north', 'south', 'east', 'west', 'centre', 'coast'];

export function writeData(dir: string): void {
  const r = rng(20240611);
  const firms: string[] = ['firm,year,industry,city,sales,capital,labor,z,treat,y'];
  for (let f = 1; f <= 60; f++) {
    const industry = 1 + (f % 5);
    const city = CITIES[f % CITIES.length];
    const a = normal(r);
    const treat = r() < 0.4 ? 1 : 0;
    for (let t = 2001; t <= 2008; t++) {
      if ((f * 7 + t) % 23 === 0) continue; // a gap
      const z = normal(r);
      const capital = Math.exp(2 + 0.3 * a + 0.5 * normal(r)) * (r() < 0.03 ? 8 : 1);
      const labor = Math.round(20 + 30 * r());
      const sales = Math.exp(3 + 0.4 * Math.log(capital) + 0.2 * a + 0.3 * z + 0.2 * normal(r));
      const y = 1 + 0.5 * Math.log(sales) + 0.02 * capital + a + 0.1 * industry + 0.3 * treat + normal(r);
      const blank = (f + t) % 37 === 0;
      firms.push([f, t, industry, city, blank ? '' : sales.toFixed(6), capital.toFixed(6), labor, z.toFixed(6), treat, y.toFixed(6)].join(','));
    }
  }
  writeFileSync(join(dir, 'firms.csv'), `${firms.join('\n')}\n`);
  const region: string[] = ['city,year,ecom'];
  for (const c of CITIES) for (let t = 2001; t <= 2008; t++) region.push(`${c},${t},${(0.1 * (t - 2000) + r()).toFixed(6)}`);
  writeFileSync(join(dir, 'region.csv'), `${region.join('\n')}\n`);
}

export const spec = (s: Partial<ModelSpec> & Pick<ModelSpec, 'y'>): ModelSpec => normalizeSpec(s);

/** The models of the fixture, by name (dataset "analysis" unless noted). */
export const MODELS: { name: string; spec: ModelSpec }[] = [
  { name: 'OLS robust', spec: spec({ estimator: 'ols', y: 'y', x: ['ln_sales', 'capital_w', 'ecom'], vcov: 'robust' }) },
  { name: 'FE firm', spec: spec({ estimator: 'fe', y: 'y', x: ['ln_sales', 'capital_w', 'L_ln_sales'], vcov: 'cluster', cluster: ['firm'], panel: { id: 'firm', time: 'year' } }) },
  { name: 'HDFE two-way', spec: spec({ estimator: 'hdfe', y: 'y', x: ['ln_sales', 'capital_w', 'kl_dev'], absorb: ['firm', 'industry#year'], vcov: 'cluster', cluster: ['firm'] }) },
  { name: 'IV 2SLS', spec: spec({ estimator: 'iv', y: 'y', x: ['capital_w', 'ecom'], endog: ['ln_sales'], instruments: ['z', 'z_dev3'], vcov: 'robust', sample: { if: 'year >= 2003 & labor < .' } }) },
  { name: 'IV with FE', spec: spec({ estimator: 'iv', y: 'y', x: ['capital_w'], endog: ['ln_sales'], instruments: ['z'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['city'] }) },
  { name: 'RE', spec: spec({ estimator: 're', y: 'y', x: ['ln_sales', 'capital_w'], vcov: 'iid', panel: { id: 'firm', time: 'year' } }) },
  {
    name: 'System GMM',
    spec: spec({
      estimator: 'gmm',
      y: 'y',
      x: ['L.y', 'ln_sales'],
      vcov: 'robust',
      panel: { id: 'firm', time: 'year' },
      options: { gmm_style: [{ var: 'y', lag_min: 2, lag_max: 4, collapse: true }, { var: 'ln_sales', lag_min: 1, lag_max: null, collapse: true, eq: 'diff' }], iv_style: [{ var: 'capital_w' }], twostep: true, system: true },
    }),
  },
  { name: 'Logit big', spec: spec({ estimator: 'logit', y: 'big', x: ['ln_sales', 'capital_w'], vcov: 'cluster', cluster: ['firm'] }) },
  { name: 'Probit', spec: spec({ estimator: 'probit', y: 'treat', x: ['ln_sales', 'capital_w'], vcov: 'robust', options: { intercept: true } }) },
  { name: 'PSM 1:3', spec: spec({ estimator: 'psm', y: 'y', x: ['ln_sales', 'capital_w', 'labor'], treatment: 'treat', options: { neighbors: 3, caliper: 0.05, common_support: true, ties: true, seed: 12345 } }) },
];

export async function buildProject(dir: string): Promise<ProjectStore> {
  writeData(dir);
  const store = ProjectStore.create(join(dir, 'replication.pstudio'));
  await importFile(store, join(dir, 'firms.csv'));
  await importFile(store, join(dir, 'region.csv'));
  const firms = () => store.findDataset('firms')!;
  store.setPanel(firms().id, { id: 'firm', time: 'year' });
  const tool = (dataset: string, request: ToolRequest) => {
    const ds = store.findDataset(dataset)!;
    applyToolOutput(store, ds.id, request, runToolOn(store, ds, request));
  };
  tool('firms', { tool: 'log', params: { vars: ['sales'] } });
  tool('firms', { tool: 'winsorize', params: { vars: ['capital'], lower: 1, upper: 99, by: ['year'] } });
  tool('firms', { tool: 'lag', params: { vars: ['ln_sales'] } });
  tool('firms', { tool: 'diff', params: { vars: ['sales'], k: 2 } });
  tool('firms', { tool: 'growth', params: { vars: ['sales'], log: true } });
  tool('firms', { tool: 'generate', params: { name: 'kl', expr: 'ln(capital_w / labor)', label: 'capital per worker (log)' } });
  tool('firms', { tool: 'generate', params: { name: 'kl_dev', expr: 'kl - mean(kl, by(industry year))' } });
  tool('firms', { tool: 'replace', params: { target: 'kl_dev', expr: '0', if: 'labor >= 49 & !missing(kl)' } });
  tool('firms', { tool: 'generate', params: { name: 'young', expr: 'year <= 2003 | inlist(industry, 1, 2)' } });
  tool('firms', { tool: 'egen', params: { name: 'sales_p75', stat: 'pctile', var: 'sales', by: ['industry'], p: 75 } });
  tool('firms', { tool: 'standardize', params: { vars: ['labor'], by: ['year'] } });
  tool('firms', { tool: 'dummies', params: { var: 'city', prefix: 'c' } });
  tool('firms', { tool: 'split', params: { name: 'big', var: 'labor', stat: 'median', by: ['year'] } });
  tool('firms', { tool: 'interact', params: { a: 'ln_sales', b: 'treat' } });
  tool('firms', { tool: 'devpower', params: { name: 'z_dev3', var: 'z', time: 'year', power: 3 } });
  tool('firms', { tool: 'recode', params: { name: 'size', var: 'labor', rules: '(min/29 = 1) (30/39 = 2) (else = 3)' } });
  tool('firms', { tool: 'lead', params: { vars: ['labor'], k: 2 } });
  const combine = (request: CombineRequest) => {
    const load = (name: string) => {
      const ds = store.findDataset(name)!;
      return { nrows: ds.nrows, columns: ds.variables.map((v) => ({ name: v.name, column: store.readColumn(ds.id, v.name) })) };
    };
    const single = request.kind !== 'merge' && request.kind !== 'append';
    const { data, report } = runCombine(request, load(request.master), single ? null : load(request.using));
    writeCombined(store, request, data.nrows, data.columns, report);
  };
  combine({ kind: 'merge', master: 'firms', using: 'region', keys: ['city', 'year'], merge: 'm:1', keep: ['master', 'match'], name: 'merged' });
  combine({ kind: 'keep', master: 'merged', using: 'merged', condition: 'year >= 2002 & sales < .', name: 'analysis' });
  combine({ kind: 'collapse', master: 'analysis', using: 'analysis', keys: ['industry', 'year'], vars: ['y', 'ln_sales'], stat: 'mean', name: 'industry_year' });
  const analysis = store.findDataset('analysis')!;
  store.setPanel(analysis.id, { id: 'firm', time: 'year' });
  for (const m of MODELS) store.saveModel({ name: m.name, datasetId: analysis.id, spec: m.spec });
  return store;
}
