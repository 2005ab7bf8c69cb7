// The CLI's new table and chart outputs: `table --groups` (super-headers in every format),
// `summarize|correlate|vif --format docx|xlsx` through the regression-table writers (the .docx
// rendered by LibreOffice, the .xlsx read back), and `chart --kind histogram|density|hist-density`
// from a data file, as SVG or PDF. Values are checked against the data; errors are one line.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { C_NUM, C_STR, SheetReader } from '../../src/store/import/xlsx-sheet.js';
import { openWorkbook, readSharedStrings, readStyles } from '../../src/store/import/xlsx-workbook.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { tempDir } from '../helpers.js';
import { pdfText, renderTools, toPdf } from '../store/table-fixtures.js';

const BIN = resolve('bin/panel-studio.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const DATA = resolve('test/reference/panel_grunfeld/data.csv');

/** The Grunfeld column `name` as numbers (200 firm-years, no missing values). */
function column(name: string): number[] {
  const [head, ...lines] = readFileSync(DATA, 'utf8').trim().split('\n');
  const j = head!.split(',').indexOf(name);
  return lines.map((l) => Number(l.split(',')[j]));
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

async function sheetCells(file: string): Promise<(r: number, c: number) => string | number | null> {
  const wb = await openWorkbook(file);
  const ref = wb.sheets[0]!;
  const reader = new SheetReader(wb.zip.read(ref.part), readSharedStrings(wb), readStyles(wb), wb.date1904, 't.xlsx');
  while (!reader.step(1 << 20));
  const { columns, strings } = reader.result;
  return (r, c) => {
    const col = columns[c];
    const k = col?.kindAt(r - 1);
    if (!col || k === undefined) return null;
    return k === C_NUM ? col.val[r - 1]! : k === C_STR ? strings[col.val[r - 1]!]! : null;
  };
}

describe('panel-studio table --groups', () => {
  const dir = tempDir();
  const spec = join(dir, 's.json');
  writeFileSync(spec, JSON.stringify({ estimator: 'ols', y: 'inv', x: ['value', 'capital'], vcov: 'robust' }));
  const files = ['a', 'b', 'c'].map((n) => {
    const out = join(dir, `${n}.json`);
    const r = run('estimate', '--data', DATA, '--spec', spec, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    return out;
  });

  it('LaTeX and Markdown carry the groups; Word spans them; a partial list is padded', () => {
    const tex = join(dir, 't.tex');
    expect(run('table', '--results', files.join(','), '--format', 'tex', '--groups', 'Large firms=2; Small firms=1', '--out', tex).status).toBe(0);
    const t = readFileSync(tex, 'utf8').split('\n');
    const top = t.indexOf('\\toprule');
    expect(t[top + 1]).toBe(' & \\multicolumn{2}{c}{Large firms} & Small firms \\\\');
    expect(t[top + 2]).toBe('\\cmidrule(lr){2-3}');
    expect(t[top + 3]).toBe(' & (1) & (2) & (3) \\\\');
    const md = join(dir, 't.md');
    expect(run('table', '--results', files.join(','), '--format', 'md', '--groups', 'Pooled=2', '--out', md).status).toBe(0);
    expect(readFileSync(md, 'utf8').split('\n')[0]).toBe('|  | Pooled |  |  |');
    const docx = join(dir, 't.docx');
    expect(run('table', '--results', files.join(','), '--format', 'docx', '--groups', 'Large firms=2; Small firms=1', '--out', docx).status).toBe(0);
    const doc = ZipArchive.open(readFileSync(docx), 't.docx').read('word/document.xml').toString('utf8');
    const first = /<w:tr>[\s\S]*?<\/w:tr>/.exec(doc)![0];
    expect(first).toContain('<w:gridSpan w:val="2"/>');
    expect(first).toContain('>Large firms</w:t>');
    expect(first).toContain('>Small firms</w:t>');
  });

  it('refuses groups wider than the table and entries that are not label=span', () => {
    const out = join(dir, 'bad.md');
    const wide = run('table', '--results', files.join(','), '--format', 'md', '--groups', 'A=2; B=2', '--out', out);
    expect(wide.status).toBe(2);
    expect(wide.stderr).toBe('panel-studio: --groups: the column groups span 4 columns, the table has 3\n');
    const bad = run('table', '--results', files.join(','), '--format', 'md', '--groups', 'A:2', '--out', out);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/"A:2" is not label=span/);
  });
});

describe('summarize / correlate / vif as Word and Excel tables', () => {
  const dir = tempDir();

  it('summarize --format xlsx: N and the means are numbers equal to the data; the title heads the sheet', async () => {
    const out = join(dir, 'd.xlsx');
    const r = run('summarize', '--data', DATA, '--vars', 'inv,value,capital', '--format', 'xlsx', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const cell = await sheetCells(out);
    expect(cell(1, 0)).toBe('Descriptive statistics');
    expect([cell(2, 1), cell(2, 2), cell(2, 3)]).toEqual(['N', 'Mean', 'SD']);
    for (const [i, v] of ['inv', 'value', 'capital'].entries()) {
      expect(cell(3 + i, 0)).toBe(v);
      expect(cell(3 + i, 1)).toBe(200);
      expect(cell(3 + i, 2) as number).toBeCloseTo(mean(column(v)), 3);
    }
  });

  it('correlate --format xlsx in Chinese: the lower triangle with stars, 1.000 on the diagonal', async () => {
    const out = join(dir, 'c.xlsx');
    expect(run('correlate', '--data', DATA, '--vars', 'inv,value', '--format', 'xlsx', '--lang', 'zh', '--out', out).status).toBe(0);
    const cell = await sheetCells(out);
    expect(cell(1, 0)).toBe('相关系数矩阵');
    expect(cell(3, 1)).toBe(1);
    const x = column('inv');
    const y = column('value');
    const [mx, my] = [mean(x), mean(y)];
    const r = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(cell(4, 1)).toBe(`${r.toFixed(3)}***`);
    expect(cell(3, 2)).toBeNull();
  });

  it('vif --format md, and Word/Excel need --out', () => {
    const md = run('vif', '--data', DATA, '--vars', 'value,capital', '--format', 'md');
    expect(md.status, md.stderr).toBe(0);
    expect(md.stdout.split('\n')[0]).toBe('|  | VIF | 1/VIF |');
    expect(md.stdout).toMatch(/\| Mean VIF \| \d+\.\d{2} \|  \|/);
    const noOut = run('summarize', '--data', DATA, '--vars', 'inv', '--format', 'docx');
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toBe('panel-studio: --format docx writes a file: give it with --out\n');
  });

  const tools = renderTools();
  it('summarize --format docx rendered by LibreOffice: title, header and each variable with its N and mean', (ctx) => {
    if ('missing' in tools) return ctx.skip(tools.missing);
    const out = join(dir, 'd.docx');
    expect(run('summarize', '--data', DATA, '--vars', 'inv,value', '--format', 'docx', '--lang', 'zh', '--title', '表 1 描述性统计', '--out', out).status).toBe(0);
    const pdf = toPdf(tools.soffice, out, dir);
    if ('missing' in pdf) return ctx.skip(pdf.missing);
    const lines = pdfText(pdf.pdf).split('\n').map((l) => l.trim()).filter((l) => l !== '');
    expect(lines[0]).toBe('表 1 描述性统计');
    expect(lines[1]).toMatch(/^观测值\s+均值\s+标准差\s+最小值\s+p25\s+中位数\s+p75\s+最大值$/);
    expect(lines[2]).toMatch(new RegExp(`^inv\\s+200\\s+${mean(column('inv')).toFixed(3)}\\s`));
    expect(lines[3]).toMatch(new RegExp(`^value\\s+200\\s+${mean(column('value')).toFixed(3)}\\s`));
  }, 120_000);
});

describe('panel-studio chart --kind histogram|density|hist-density', () => {
  const dir = tempDir();

  it('a histogram of inv: Stata’s bins, bar heights that count all 200 values', () => {
    const out = join(dir, 'h.svg');
    const r = run('chart', '--kind', 'histogram', '--data', DATA, '--var', 'inv', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('data-kind="histogram"');
    const bars = [...svg.matchAll(/<rect class="bar"[^>]*data-value="([^"]+)"/g)].map((m) => Number(m[1]));
    // min(√200, 10·log10 200) = min(14.1, 23.0) → 14 bins
    expect(bars).toHaveLength(14);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(200);
    expect(svg).toContain('Distribution of inv');
  });

  it('a kernel density as PDF, a histogram with density in Chinese with chosen bins', () => {
    const pdf = join(dir, 'd.pdf');
    expect(run('chart', '--kind', 'density', '--data', DATA, '--var', 'value', '--bandwidth', '250', '--out', pdf).status).toBe(0);
    const bytes = readFileSync(pdf, 'latin1');
    expect(bytes.startsWith('%PDF-1.4')).toBe(true);
    expect(bytes).toContain('(Gaussian kernel, Silverman bandwidth 250.) Tj');
    const svg = join(dir, 'hd.svg');
    expect(run('chart', '--kind', 'hist-density', '--data', DATA, '--var', 'capital', '--bins', '8', '--lang', 'zh', '--out', svg).status).toBe(0);
    const s = readFileSync(svg, 'utf8');
    expect(s.match(/<rect class="bar"/g)).toHaveLength(8);
    expect(s).toContain('class="line"');
    expect(s).toContain('capital 的分布');
  });

  it('errors name the problem in one line', () => {
    const out = join(dir, 'x.svg');
    const missing = run('chart', '--kind', 'histogram', '--data', DATA, '--var', 'nope', '--out', out);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('panel-studio: variable "nope" is not in the dataset\n');
    const bins = run('chart', '--kind', 'histogram', '--data', DATA, '--var', 'inv', '--bins', '0', '--out', out);
    expect(bins.status).toBe(2);
    expect(bins.stderr).toBe('panel-studio: --bins must be a whole number from 1 to 500, got "0"\n');
    const ext = run('chart', '--kind', 'histogram', '--data', DATA, '--var', 'inv', '--out', join(dir, 'x.png'));
    expect(ext.status).toBe(2);
    expect(ext.stderr).toMatch(/--out must name an \.svg or \.pdf file/);
  });
});
