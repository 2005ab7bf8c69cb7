// `panel-studio table`: stored results (estimate --out) → an esttab-style table in Markdown, CSV,
// LaTeX (booktabs/threeparttable) and HTML, in English and Chinese; the numbers are the results'.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { C_NUM, C_STR, SheetReader } from '../../src/store/import/xlsx-sheet.js';
import { openWorkbook, readSharedStrings, readStyles } from '../../src/store/import/xlsx-workbook.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
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

  it('Word (--format docx): the model’s cells in a three-line table, default and custom titles, Chinese', () => {
    const out = join(dir, 't.docx');
    expect(run('table', '--results', files.join(','), '--format', 'docx', '--out', out).status).toBe(0);
    const doc = ZipArchive.open(readFileSync(out), 't.docx').read('word/document.xml').toString('utf8');
    const cellText = (tc: string) => [...tc.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    const rows = [...doc.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((m) => [...m[1]!.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => cellText(c[0])));
    const value = results.map((r) => r.coefficients.find((c) => c.term === 'value')!);
    // Both columns explain inv: one spanning "inv" above (1) (2).
    expect(rows[0]).toEqual(['', 'inv']);
    expect(rows[1]).toEqual(['', '(1)', '(2)']);
    expect(rows[2]).toEqual(['value', `${value[0].estimate.toFixed(3)}***`, `${value[1].estimate.toFixed(3)}***`]);
    expect(rows[3]).toEqual(['', `(${value[0].statistic.toFixed(2)})`, `(${value[1].statistic.toFixed(2)})`]);
    expect(rows).toContainEqual(['Observations', '200', '200']);
    expect(doc).toContain('>Regression results</w:t>');
    expect(doc).toContain('>Note: t statistics in parentheses.</w:t>');
    expect(doc).toContain('w:eastAsia="SimSun"');

    const zh = join(dir, 'zh.docx');
    expect(run('table', '--results', files.join(','), '--format', 'docx', '--lang', 'zh', '--title', '表 3 稳健性检验', '--out', zh).status).toBe(0);
    const zdoc = ZipArchive.open(readFileSync(zh), 'zh.docx').read('word/document.xml').toString('utf8');
    for (const s of ['>表 3 稳健性检验</w:t>', '>firm固定效应</w:t>', '>未控制</w:t>', '>观测值</w:t>', '>注：括号内为t 值。</w:t>']) expect(zdoc).toContain(s);
  });

  it('Excel (--format xlsx): read back, N is a number, coefficients with stars are text, "inv" merged', async () => {
    const out = join(dir, 't.xlsx');
    expect(run('table', '--results', files.join(','), '--format', 'xlsx', '--stats', 'fe,nobs,r2', '--out', out).status).toBe(0);
    const wb = await openWorkbook(out);
    const xml = wb.zip.read(wb.sheets[0]!.part);
    const reader = new SheetReader(xml, readSharedStrings(wb), readStyles(wb), wb.date1904, 't.xlsx');
    while (!reader.step(1 << 20));
    const { columns, strings } = reader.result;
    const cell = (r: number, c: number) => {
      const k = columns[c]?.kindAt(r - 1);
      return k === C_NUM ? columns[c]!.val[r - 1] : k === C_STR ? strings[columns[c]!.val[r - 1]!] : null;
    };
    const grid = Array.from({ length: 14 }, (_, i) => [0, 1, 2].map((c) => cell(i + 1, c)));
    const value = results.map((r) => r.coefficients.find((c) => c.term === 'value')!);
    expect(grid[0]).toEqual(['Regression results', null, null]);
    expect(grid[1]).toEqual([null, 'inv', null]);
    expect(grid[2]).toEqual([null, '(1)', '(2)']);
    expect(grid[3]).toEqual(['value', `${value[0].estimate.toFixed(3)}***`, `${value[1].estimate.toFixed(3)}***`]);
    expect(grid).toContainEqual(['Observations', 200, 200]);
    expect(grid).toContainEqual(['firm FE', 'No', 'Yes']);
    const r2 = grid.find((r) => r[0] === 'R²')!;
    expect(r2[1]).toBeCloseTo(results[0].fit.r2 as number, 3);
    expect(xml.toString('utf8')).toContain('<mergeCell ref="B2:C2"/>');
  });

  it('an unknown --format names the formats', () => {
    const r = run('table', '--results', files.join(','), '--format', 'pdf', '--out', join(dir, 't.pdf'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--format must be one of docx, xlsx, tex, md, csv, html, got "pdf"/);
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
    expect(run('duplicates', '--data', data, '--vars', 'firm,year', '--format', 'md').stderr).toMatch(/available for summarize, correlate and vif/);
  });
});
