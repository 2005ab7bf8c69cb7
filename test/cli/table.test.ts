// `panel-studio table`: stored results (estimate --out) → an esttab-style table in Markdown, CSV,
// LaTeX (booktabs/threeparttable) and HTML, in English and Chinese; the numbers are the results'.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { tempDir } from '../helpers.js';

const BIN = resolve('bin/panel-studio.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('panel-studio table', () => {
  const dir = tempDir();
  const data = resolve('test/reference/panel_grunfeld/data.csv');
  const specs = [
    { estimator: 'ols', y: 'inv', x: ['value', 'capital'], vcov: 'robust' },
    { estimator: 'hdfe', y: 'inv', x: ['value', 'capital'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['firm'] },
  ];
  const files = specs.map((s, i) => {
    const spec = join(dir, `s${i}.json`);
    writeFileSync(spec, JSON.stringify(s));
    const out = join(dir, `r${i}.json`);
    const r = run('estimate', '--data', data, '--spec', spec, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    return out;
  });
  const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as EstimationResult);

  it('Markdown: coefficients with stars, t in parentheses, FE indicators, N and R²', () => {
    const out = join(dir, 't.md');
    expect(run('table', '--results', files.join(','), '--format', 'md', '--out', out).status).toBe(0);
    const md = readFileSync(out, 'utf8');
    const value = results.map((r) => r.coefficients.find((c) => c.term === 'value')!);
    // the hdfe value coefficient: estimate to 3 decimals with *** (p < 0.01), t to 2 decimals
    expect(value[1].p_value).toBeLessThan(0.01);
    expect(md).toContain(`| value | ${value[0].estimate.toFixed(3)}***`);
    expect(md).toContain(`${value[1].estimate.toFixed(3)}*** |`);
    expect(md).toContain(`(${value[1].statistic.toFixed(2)})`);
    expect(md).toMatch(/\| firm FE \| No \| Yes \|/);
    expect(md).toMatch(/\| year FE \| No \| Yes \|/);
    expect(md).toMatch(/\| Observations \| 200 \| 200 \|/);
    expect(md).toContain('t statistics in parentheses.');
    expect(md).toContain('* p < 0.1, ** p < 0.05, *** p < 0.01');
  });

  it('LaTeX three-line table and Chinese labels', () => {
    const out = join(dir, 't.tex');
    expect(run('table', '--results', files.join(','), '--format', 'tex', '--lang', 'zh', '--stat', 'se', '--stats', 'fe,nobs,r2,clusters', '--out', out).status).toBe(0);
    const tex = readFileSync(out, 'utf8');
    for (const part of ['\\toprule', '\\midrule', '\\bottomrule', '\\begin{threeparttable}', '\\begin{tabular}{lcc}']) expect(tex).toContain(part);
    expect(tex).toContain('firm固定效应 & 未控制 & 控制 \\\\');
    expect(tex).toContain('观测值 & 200 & 200 \\\\');
    expect(tex).toContain('聚类数 &  & 10 \\\\');
    expect(tex).toContain('括号内为标准误。');
    expect(tex).toContain('$^{***}$');
  });

  it('CSV and HTML render the same model; a file that is not a result is named', () => {
    const csv = join(dir, 't.csv');
    expect(run('table', '--results', files.join(','), '--format', 'csv', '--out', csv).status).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(',(1),(2)');
    const html = join(dir, 't.html');
    expect(run('table', '--results', files.join(','), '--format', 'html', '--out', html).status).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<table class="regression-table">');
    const bad = run('table', '--results', data, '--format', 'md', '--out', join(dir, 'x.md'));
    expect(bad.stderr).toMatch(/data\.csv: not valid JSON/);
  });
});

describe('descriptive tables through the same renderers', () => {
  it('summarize --format tex (Table 1, Chinese) and correlate --format md with stars', () => {
    const data = resolve('test/reference/panel_grunfeld/data.csv');
    const dir = tempDir();
    const tex = join(dir, 'd.tex');
    expect(run('summarize', '--data', data, '--vars', 'inv,value', '--format', 'tex', '--lang', 'zh', '--out', tex).status).toBe(0);
    const t = readFileSync(tex, 'utf8');
    expect(t).toContain(' & 观测值 & 均值 & 标准差 & 最小值 & p25 & 中位数 & p75 & 最大值 \\\\');
    expect(t).toContain('inv & 200 & 145.958 &');
    const md = run('correlate', '--data', data, '--vars', 'inv,value,capital', '--format', 'md');
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/\| value \| 0\.\d{3}\*\*\* \| 1\.000 \|  \|/);
    expect(run('vif', '--data', data, '--vars', 'value,capital', '--format', 'md').stderr).toMatch(/available for summarize and correlate/);
  });
});
