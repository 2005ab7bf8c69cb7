// Code export (issue 10): the do-file and R script of a project built through the store, compared
// exactly with golden files (UPDATE_GOLDEN=1 rewrites them after a deliberate change), plus unit
// checks of the expression translation and the description builder.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/engine/expr/index.js';
import { egenLine, rExpr, stataExpr } from '../../src/shared/codegen/expr.js';
import { codeLangOfPath, generateCode } from '../../src/shared/codegen/index.js';
import type { CodeExpr, ProjectDescription } from '../../src/shared/codegen/types.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import { describeProject } from '../../src/store/project-description.js';
import type { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';
import { buildProject } from './fixture.js';

const GOLDEN = join(__dirname, 'golden');

function golden(file: string, text: string): void {
  const path = join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('code export of a project', () => {
  let dir: string;
  let store: ProjectStore;
  let description: ProjectDescription;

  beforeAll(async () => {
    dir = tempDir('ps-codegen-');
    store = await buildProject(dir);
    description = describeProject(store);
  });
  afterAll(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes the history in order, without data or timestamps', () => {
    expect(description.name).toBe('replication');
    expect(description.steps.map((s) => (s.kind === 'tool' ? s.tool : s.kind === 'combine' ? s.request.kind : `import ${s.file}`))).toEqual([
      'import firms.csv',
      'import region.csv',
      'log',
      'winsorize',
      'lag',
      'diff',
      'growth',
      'generate',
      'generate',
      'replace',
      'generate',
      'egen',
      'standardize',
      'dummies',
      'split',
      'interact',
      'devpower',
      'recode',
      'lead',
      'merge',
      'keep',
      'collapse',
    ]);
    const dummies = description.steps.find((s) => s.kind === 'tool' && s.tool === 'dummies');
    expect(dummies?.kind === 'tool' && dummies.levels).toEqual(['centre', 'coast', 'east', 'north', 'south', 'west']);
    expect(description.models).toHaveLength(10);
    expect(JSON.stringify(description)).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('writes the Stata do-file (golden)', () => {
    golden('replication.do', generateCode(description, 'stata'));
  });

  it('writes the R script (golden)', () => {
    golden('replication.R', generateCode(description, 'r'));
  });
});

describe('expression translation', () => {
  const p = (text: string) => parseExpression(text) as CodeExpr;
  const r = (text: string, panel?: { id: string; time: string }) => rExpr(p(text), { helpers: new Set(), ...(panel ? { panel } : {}) });

  it('keeps Stata syntax and turns group functions into egen temporaries', () => {
    expect(stataExpr(p('ln(x) + 2^3^2')).text).toBe('ln(x) + 2 ^ 3 ^ 2');
    const g = stataExpr(p('x - mean(x, by(g h)) + pctile(y, 90)'));
    expect(g.text).toBe('x - _ps1 + _ps2');
    expect(g.temps.map((t) => egenLine(t, ' if z > 0'))).toEqual(['egen double _ps1 = mean(x) if z > 0, by(g h)', 'egen double _ps2 = pctile(y) if z > 0, p(90)']);
    expect(egenLine(stataExpr(p('max(max(a, b), by(g))')).temps[0])).toBe('egen double _ps1 = max(max(a, b)), by(g)');
    expect(stataExpr(p('L2.x - D.y')).text).toBe('L2.x - D.y');
  });

  it('gives R the grouping Stata uses', () => {
    expect(r('2^3^2')).toBe('(2 ^ 3) ^ 2');
    expect(r('!x == 1')).toBe('(!x) == 1');
    expect(r('a - b - c')).toBe('a - b - c');
    expect(r('a - (b - c)')).toBe('a - (b - c)');
    expect(r('-x^2')).toBe('-x ^ 2');
    expect(r('x < . & y == .')).toBe('!is.na(x) & is.na(y)');
    expect(r('cond(x > 1, 1, 0) + inrange(y, 1, 5)')).toBe('ifelse(x > 1, 1, 0) + (y >= 1 & y <= 5)');
    expect(r('mean(x, by(g))')).toBe('ave(x, g, FUN = function(v) mean(v, na.rm = TRUE))');
    expect(r('L.x + D2.x', { id: 'firm', time: 'year' })).toBe('ps_lag(x, firm, year, 1) + ps_diff(x, firm, year, order = 2)');
    expect(r('名 + `x`'.replace(' + `x`', ''))).toBe('`名`');
    expect(() => r('L.x')).toThrow(/panel/);
  });

  it('picks the language from the file name', () => {
    expect(codeLangOfPath('/a/b/rep.do')).toBe('stata');
    expect(codeLangOfPath('/a/b/rep.R')).toBe('r');
    expect(codeLangOfPath('/a/b/rep.txt')).toBeNull();
  });
});

describe('code export of the less common steps (hand-written description)', () => {
  const e = (text: string) => ({ text, ast: parseExpression(text) as CodeExpr });
  const s = (partial: Partial<ModelSpec> & Pick<ModelSpec, 'y'>) => normalizeSpec(partial);
  const description: ProjectDescription = {
    name: '省级面板',
    generator: '0.1.0',
    datasets: [
      {
        name: '省份',
        nrows: 300,
        panel: { id: 'province', time: 'year' },
        variables: [
          { name: 'province', type: 'categorical' },
          { name: 'year', type: 'numeric' },
          { name: '网购', type: 'numeric' },
          { name: 'gdp', type: 'numeric' },
          { name: 'price', type: 'categorical' },
        ],
      },
      { name: 'extra', nrows: 30, variables: [{ name: 'province', type: 'categorical' }, { name: 'year', type: 'numeric' }] },
      { name: 'all', nrows: 330, panel: { id: 'province', time: 'year' }, variables: [{ name: 'province', type: 'categorical' }, { name: 'year', type: 'numeric' }, { name: 'gdp', type: 'numeric' }] },
    ],
    steps: [
      { kind: 'import', dataset: '省份', file: '省份.xlsx', format: 'xlsx', sheet: 'data', variables: [{ name: 'province', type: 'categorical' }, { name: 'year', type: 'numeric' }] },
      { kind: 'import', dataset: 'extra', file: 'extra.dta', format: 'dta', variables: [{ name: 'province', type: 'categorical' }, { name: 'year', type: 'numeric' }] },
      { kind: 'tool', dataset: '省份', tool: 'trim', params: { vars: ['gdp'], lower: 5, upper: 95, by: [], suffix: '_tr', replace: false }, written: ['gdp_tr'] },
      { kind: 'tool', dataset: '省份', tool: 'destring', params: { vars: ['price'], suffix: '_num', replace: false }, written: ['price_num'] },
      { kind: 'tool', dataset: '省份', tool: 'ivlagged', params: { name: 'iv_dist', z: 'dist', series: 'users', k: 1 }, written: ['iv_dist'] },
      { kind: 'tool', dataset: '省份', tool: 'generate', params: { name: 'g2', expr: 'round(gdp, 0.5) + mod(year, 4)', if: 'L.gdp < . & province != "北京"' }, written: ['g2'], expr: e('round(gdp, 0.5) + mod(year, 4)'), condition: e('L.gdp < . & province != "北京"') },
      { kind: 'tool', dataset: '省份', tool: 'generate', params: { name: 'bad', expr: 'foo(gdp)' }, written: ['bad'], expr: e('foo(gdp)') },
      {
        kind: 'tool',
        dataset: '省份',
        tool: 'entropy',
        params: { name: 'ecom', positive: ['网购', 'gdp'], negative: ['price_num'], by: ['year'], shift: 0.0001 },
        written: ['ecom'],
        describe: 'entropy-weight index of 3 indicators within year',
      },
      { kind: 'tool', dataset: '省份', tool: 'interact', params: { a: 'province', b: 'gdp' }, written: ['gdp_x_province_北京', 'gdp_x_province_上海'] },
      { kind: 'combine', request: { kind: 'append', master: '省份', using: 'extra', name: 'all' } },
      { kind: 'combine', request: { kind: 'sort', master: 'all', using: 'all', keys: ['province', 'year'], descending: ['year'], name: 'all' } },
    ],
    models: [
      { name: 'OLS no constant', dataset: 'all', spec: s({ estimator: 'ols', y: 'gdp', x: ['网购'], options: { intercept: false } }) },
      { name: 'HDFE robust', dataset: 'all', spec: s({ estimator: 'hdfe', y: 'gdp', x: ['网购'], absorb: ['province', 'year'], vcov: 'robust', options: { singletons: false } }) },
      { name: 'LIML', dataset: 'all', spec: s({ estimator: 'iv', y: 'gdp', x: [], endog: ['网购'], instruments: ['iv_dist'], vcov: 'cluster', cluster: ['province'], options: { method: 'liml', small: 'on' } }) },
      {
        name: 'Difference GMM',
        dataset: 'all',
        spec: s({ estimator: 'gmm', y: 'gdp', x: ['L.gdp', 'L2.gdp'], vcov: 'robust', options: { gmm_style: [{ var: 'gdp', lag_min: 2, lag_max: null }], iv_style: [{ var: '网购', eq: 'level', passthru: true }], system: false, twostep: false, transform: 'fod', timedummies: true, h: 2, ar: 3 } }),
      },
      { name: 'RE robust', dataset: 'all', spec: s({ estimator: 're', y: 'gdp', x: ['网购'], vcov: 'robust' }) },
      { name: 'Kernel PSM', dataset: 'all', spec: s({ estimator: 'psm', y: 'gdp', x: ['网购'], treatment: 'treated', options: { match_method: 'kernel', kernel: 'epan', bandwidth: 0.06, exact: ['province'], score: 'logit', match_by: 'year', caliper: 0.2, caliper_unit: 'sd_logit' } }) },
      { name: 'Gone', dataset: 'deleted', spec: s({ estimator: 'ols', y: 'y', x: ['x'] }) },
    ],
  };

  it('writes the Stata do-file (golden)', () => {
    golden('features.do', generateCode(description, 'stata'));
  });

  it('writes the R script (golden)', () => {
    golden('features.R', generateCode(description, 'r'));
  });
});
