// "Copy for Word": HTML with inline three-line borders, RTF rows with top/bottom borders only and
// decimal tabs, tab-separated text. The RTF is rendered by LibreOffice (it reads RTF as Word
// does) and checked like the .docx: text in order, Chinese intact, three full rules, no verticals.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableClipboard } from '../../src/shared/table-clipboard.js';
import { tempDir } from '../helpers.js';
import { EN, ZH, pageLines, pdfText, renderTools, toPdf } from './table-fixtures.js';

describe('clipboard flavours of a table', () => {
  const clip = tableClipboard(EN, { title: 'Table 2', lang: 'en' });

  it('HTML: one table, borders only on the three rules and under the super-header, Times New Roman / SimSun', () => {
    const { html } = clip;
    expect(html.match(/<table/g)).toHaveLength(1);
    expect(html).toContain("font-family:'Times New Roman',SimSun,serif");
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<(t[hd])([^>]*)>(.*?)<\/t[hd]>/g)].map((c) => ({ attrs: c[2]!, text: c[3]! })));
    expect(rows).toHaveLength(2 + EN.rows.length);
    expect(rows[0]!.map((c) => c.text)).toEqual(['', 'inv']);
    expect(rows[0]![1]!.attrs).toContain('colspan="3"');
    expect(rows[0]![1]!.attrs).toContain('border-bottom:.5pt solid');
    for (const c of rows[0]!) expect(c.attrs).toContain('border-top:1.5pt solid');
    for (const c of rows[1]!) expect(c.attrs).toContain('border-bottom:.75pt solid');
    for (const c of rows[rows.length - 1]!) expect(c.attrs).toContain('border-bottom:1.5pt solid');
    for (const r of rows.slice(2, -1)) for (const c of r) expect(c.attrs).not.toContain('border');
    expect(html).not.toMatch(/border-(left|right)/);
    expect(rows[3]!.map((c) => c.text)).toEqual(['', '(16.97)', '(10.88)', '(2.31)']);
    expect(html).toMatch(/<p [^>]*>Note: t statistics in parentheses\.<\/p>/);
  });

  it('RTF: \\trowd rows with \\cellx edges, top and bottom borders only, merged super-header, decimal tabs', () => {
    const { rtf } = clip;
    expect(rtf.startsWith('{\\rtf1')).toBe(true);
    expect(rtf.endsWith('}')).toBe(true);
    const rows = rtf.split('\n').filter((l) => l.startsWith('\\trowd'));
    expect(rows).toHaveLength(2 + EN.rows.length);
    for (const r of rows) expect(r.match(/\\cellx\d+/g)).toHaveLength(4);
    expect(rows[0]!.match(/\\clbrdrt\\brdrs\\brdrw30/g)).toHaveLength(4);
    expect(rows[0]).toContain('\\clmgf');
    expect(rows[0]!.match(/\\clmrg/g)).toHaveLength(2);
    // the short rule under the super-header is a paragraph border in the merged cell
    expect(rows[0]).not.toContain('\\clbrdrb');
    expect(rtf.split('\n')[rtf.split('\n').indexOf(rows[0]!) + 1]!.match(/\\brdrb\\brdrs\\brdrw10/g)).toHaveLength(1);
    expect(rows[1]!.match(/\\clbrdrb\\brdrs\\brdrw15/g)).toHaveLength(4);
    expect(rows[rows.length - 1]!.match(/\\clbrdrb\\brdrs\\brdrw30/g)).toHaveLength(4);
    for (const r of rows.slice(2, -1)) expect(r).not.toContain('\\clbrdr');
    expect(rtf).not.toMatch(/\\clbrdr[lr]/);
    expect(rtf).toMatch(/\\tqdec\\tx\d+\\ql\\f0\\fs21 0\.116\*\*\*\\cell/);
    expect(rtf).toMatch(/\\qr\\ri\d+\\f0\\fs21 200\\cell/);
    expect(rtf).toContain('R\\u178?'); // R²
  });

  it('text: tab-separated rows for spreadsheets', () => {
    const lines = clip.text.trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual(['Table 2', '\tinv\t\t', '\t(1)\t(2)\t(3)', 'value\t0.116***\t0.118***\t0.110**', '\t(16.97)\t(10.88)\t(2.31)']);
    expect(lines[lines.length - 1]).toBe('* p < 0.1, ** p < 0.05, *** p < 0.01.');
  });

  it('RTF: Chinese text as \\u escapes in SimSun (\\f1)', () => {
    const { rtf } = tableClipboard(ZH, { lang: 'zh' });
    // 跨境电商 = U+8DE8 U+5883 U+7535 U+5546, above 0x7FFF so written as negative 16-bit numbers
    expect(rtf).toContain(`{\\f1 \\u${0x8de8 - 0x10000}?\\u${0x5883}?\\u${0x7535}?\\u${0x5546}?}`);
    expect(rtf).toContain('{\\f1\\fnil\\fcharset134 SimSun;}');
  });
});

describe('clipboard RTF rendered by LibreOffice', () => {
  const tools = renderTools();
  it('English and Chinese tables: text in order and three rules', (ctx) => {
    if ('missing' in tools) return ctx.skip(tools.missing);
    const dir = tempDir();
    const en = join(dir, 'en.rtf');
    writeFileSync(en, tableClipboard(EN, { title: 'Table 2', lang: 'en' }).rtf);
    const out = toPdf(tools.soffice, en, dir);
    if ('missing' in out) return ctx.skip(out.missing);
    const lines = pdfText(out.pdf).split('\n').map((l) => l.trim()).filter((l) => l !== '');
    expect(lines.slice(0, 4)).toEqual(['Table 2', 'inv', expect.stringMatching(/^\(1\)\s+\(2\)\s+\(3\)$/), expect.stringMatching(/^value\s+0\.116\*\*\*\s+0\.118\*\*\*\s+0\.110\*\*$/)]);
    expect(lines).toContainEqual(expect.stringMatching(/^Observations\s+200\s+200\s+1520$/));
    const { rules, longestVertical } = pageLines(out.pdf, dir);
    const widest = Math.max(...rules.map((r) => r.x1 - r.x0));
    expect(rules.filter((r) => r.x1 - r.x0 > 0.9 * widest), JSON.stringify(rules)).toHaveLength(3);
    expect(rules).toHaveLength(4);
    expect(longestVertical).toBeLessThan(30);

    const zh = join(dir, 'zh.rtf');
    writeFileSync(zh, tableClipboard(ZH, { title: '表 2', lang: 'zh' }).rtf);
    const outZh = toPdf(tools.soffice, zh, dir);
    if ('missing' in outZh) return ctx.skip(outZh.missing);
    const text = pdfText(outZh.pdf);
    for (const s of ['出口质量', '产能利用率', '跨境电商', '企业固定效应', '注：括号内为标准误。']) expect(text).toContain(s);
  }, 180_000);
});
