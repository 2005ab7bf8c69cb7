// Charts as PDF (src/shared/chart/pdf.ts): the SVG of svg.ts drawn with PDF operators. Checked as a
// file (header, cross-reference offsets, 7-bit, deterministic, page = SVG size at 96 dpi) and, with
// poppler, as a page: the text extracted in both languages (Chinese through the ToUnicode map),
// centred and right-aligned labels where the SVG puts them, and the marks on the bitmap where the
// SVG draws them (axis line, filled markers).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectCoefPlot } from '../../src/shared/chart/coef.js';
import { collectDistribution } from '../../src/shared/chart/distribution.js';
import { collectEventStudy } from '../../src/shared/chart/event.js';
import { pdfTextWidth, renderPdf, svgToPdf } from '../../src/shared/chart/pdf.js';
import { collectBiasPlot } from '../../src/shared/chart/psm.js';
import { renderSvg } from '../../src/shared/chart/svg.js';
import type { PsmResult } from '../../src/shared/result.js';
import { tempDir } from '../helpers.js';
import { pdfWords } from '../store/table-fixtures.js';
import { balanceRow, coef, fakeResult } from './fixtures.js';

const m1 = fakeResult('inv', [coef('value', 0.11, 0.01), coef('capital', 0.23, 0.03), coef('(Intercept)', -42, 9)]);
const m2 = fakeResult('inv', [coef('value', 0.1, 0.02), coef('capital', 0.3, 0.05)]);
const coefEn = collectCoefPlot([m1, m2], { lang: 'en', terms: ['value', 'capital'] });

const poppler = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined && spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' }).error === undefined;
if (!poppler && process.env.CI === 'true') throw new Error('CI=true but poppler (pdftotext, pdftoppm) is not installed (Debian: poppler-utils)');

function write(pdf: string): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'chart.pdf');
  writeFileSync(file, pdf, 'latin1');
  return { dir, file };
}

/** Attribute values of every element `tag` with class `cls` in an SVG. */
function svgElements(svg: string, tag: string, cls: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${tag} class="${cls}"([^>]*)`, 'g'))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}

describe('PDF file', () => {
  const pdf = renderPdf(coefEn);

  it('is a one-page PDF with a correct cross-reference table, 7-bit and deterministic', () => {
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf.endsWith('%%EOF\n')).toBe(true);
    expect(/[^\x00-\x7f]/.test(pdf)).toBe(false);
    expect(renderPdf(coefEn)).toBe(pdf);
    const xref = Number(/startxref\n(\d+)\n/.exec(pdf)![1]);
    expect(pdf.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...pdf.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(11);
    offsets.forEach((o, i) => expect(pdf.slice(o, o + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
    // the content stream's /Length is its byte length
    const m = /4 0 obj\n<< \/Length (\d+) >>\nstream\n/.exec(pdf)!;
    const start = m.index + m[0].length;
    expect(pdf.slice(start + Number(m[1]), start + Number(m[1]) + 'endstream'.length)).toBe('endstream');
    // the page is the SVG's size at 96 px per inch
    const svg = renderSvg(coefEn);
    const [w, h] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
    expect(pdf).toContain(`/MediaBox [0 0 ${w * 0.75} ${h * 0.75}]`);
    expect(renderPdf(coefEn, { width: 800 })).toContain('/MediaBox [0 0 600 ');
  });

  it('sets Latin text in Times (WinAnsi, minus sign added) and Chinese through UniGB-UCS2-H with a ToUnicode map', () => {
    expect(pdf).toContain('/BaseFont /Times-Roman /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [129 /minus] >>');
    expect(pdf).toContain('/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H');
    expect(pdf).toContain('/F2 15 Tf (Coefficient estimates) Tj');
    const zh = renderPdf(collectCoefPlot([m1], { lang: 'zh', terms: ['value'] }));
    // 系数估计 as UCS-2 codes in the Chinese font
    expect(zh).toContain('/F3 15 Tf <7CFB65704F308BA1> Tj');
    expect(pdfTextWidth('0.5')).toBeCloseTo(1.25, 10);
    expect(pdfTextWidth('−1')).toBeCloseTo(1.064, 10);
    expect(pdfTextWidth('系数')).toBe(2);
    expect(pdfTextWidth('Bold', true)).toBeCloseTo((667 + 500 + 278 + 556) / 1000, 10);
  });

  it('refuses what renderSvg did not write', () => {
    expect(() => svgToPdf('<html></html>')).toThrow(/not an SVG written by renderSvg/);
  });
});

describe.skipIf(!poppler)('PDF page rendered by poppler', () => {
  it('coefficient plot: text in place, title centred, tick labels under their ticks, markers where the SVG has them', () => {
    const svg = renderSvg(coefEn);
    const { dir, file } = write(renderPdf(coefEn));
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    for (const s of ['Coefficient estimates', 'value', 'capital', 'Estimate', '(1) inv', '(2) inv', 'Markers: point estimates; bars: 95% confidence intervals.']) expect(text).toContain(s);
    const words = pdfWords(file);
    const width = Number(/width="(\d+)"/.exec(svg)![1]) * 0.75;
    const title = words.filter((w) => w.text === 'Coefficient' || w.text === 'estimates');
    expect(Math.abs((Math.min(...title.map((w) => w.xMin)) + Math.max(...title.map((w) => w.xMax))) / 2 - width / 2)).toBeLessThan(1);
    // x tick labels centred on their ticks (text-anchor middle with Times metrics)
    const ticks = svgElements(svg, 'line', 'tick').filter((t) => t['data-axis'] === 'x');
    expect(ticks.length).toBeGreaterThan(3);
    const labels = svgElements(svg, 'text', 'tick-label').filter((t) => t['data-axis'] === 'x');
    for (const [i, t] of ticks.entries()) {
      const value = labels[i]!['data-value']!;
      const text = [...svg.matchAll(/<text class="tick-label" data-axis="x" data-value="([^"]*)"[^>]*>([^<]*)<\/text>/g)].find((m) => m[1] === value)![2]!;
      const w = words.find((x) => x.text === text && Math.abs((x.xMin + x.xMax) / 2 - Number(t.x1) * 0.75) < 3);
      expect(w, `tick ${text}`).toBeDefined();
      expect(Math.abs((w!.xMin + w!.xMax) / 2 - Number(t.x1) * 0.75), `tick ${text}`).toBeLessThan(1);
    }
    // y labels (categories) end where the SVG anchors them (text-anchor end)
    const yLabel = svgElements(svg, 'text', 'tick-label').find((t) => t['data-axis'] === 'y')!;
    const value = words.find((w) => w.text === 'value')!;
    expect(Math.abs(value.xMax - Number(yLabel.x) * 0.75)).toBeLessThan(1);

    // 72 dpi: one pixel per point
    spawnSync('pdftoppm', ['-r', '72', '-gray', '-singlefile', file, join(dir, 'page')]);
    const buf = readFileSync(join(dir, 'page.pgm'));
    const head = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 40).toString('latin1'))!;
    const pw = Number(head[1]);
    const px = buf.subarray(head[0].length);
    const dark = (x: number, y: number) => px[Math.round(y) * pw + Math.round(x)]! < 128;
    // the x axis: a dark run along y = y1 from x1 to x2
    const axis = svgElements(svg, 'line', 'axis x-axis')[0]!;
    const ay = Number(axis.y1) * 0.75;
    let run = 0;
    for (let x = Math.ceil(Number(axis.x1) * 0.75) + 1; x < Number(axis.x2) * 0.75 - 1; x++) if (dark(x, ay) || dark(x, ay - 0.5) || dark(x, ay + 0.5)) run++;
    expect(run).toBeGreaterThan((Number(axis.x2) - Number(axis.x1)) * 0.75 - 4);
    // filled markers (model 1: circles) are dark at their centres
    const markers = svgElements(svg, 'circle', 'marker');
    expect(markers).toHaveLength(2);
    for (const m of markers) expect(dark(Number(m.cx) * 0.75, Number(m.cy) * 0.75), JSON.stringify(m)).toBe(true);
  });

  it('Chinese labels, the rotated axis title and the symbols of the notes come out as text', () => {
    const values = Array.from({ length: 400 }, (_, i) => Math.sin(i * 1.7) * 2 + (i % 5));
    const { file } = write(renderPdf(collectDistribution(values, { name: '全要素生产率', lang: 'zh' })));
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
    for (const s of ['全要素生产率 的分布', '密度', '直方图', '核密度', '高斯核，Silverman 带宽']) expect(text).toContain(s);
    const psm = { balance: [balanceRow('size', 40, 3), balanceRow('age', -20, 1)] } as unknown as PsmResult;
    const bias = write(renderPdf(collectBiasPlot(psm, { lang: 'en' })));
    const biasText = spawnSync('pdftotext', [bias.file, '-'], { encoding: 'utf8' }).stdout;
    expect(biasText).toContain('Standardised % bias 100·(x̄_T − x̄_C)/√((s²_T + s²_C)/2), as pstest.');
    expect(biasText).toContain('−20');
    const ev = fakeResult('y', [coef('F2_d', 0.01, 0.02), coef('d', 0.2, 0.05), coef('L_d', 0.3, 0.05)]);
    const evFile = write(renderPdf(collectEventStudy([ev], { lang: 'en' })));
    const evText = spawnSync('pdftotext', ['-layout', evFile.file, '-'], { encoding: 'utf8' }).stdout;
    expect(evText).toContain('Event study');
    expect(evText).toContain('Reference period -1 normalised to 0.');
    expect(evText).toMatch(/−2\s+−1\s+0\s+1/);
  });
});
