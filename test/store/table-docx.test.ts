// Word tables: the document XML of the three-line table (rules, fonts, spans, decimal tabs), and
// the .docx rendered by LibreOffice — the text in column order, numbers on one line with their
// label and aligned on the decimal point, three full-width rules and a short one, no vertical line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { RULE_HEADER, RULE_SHORT, RULE_THICK, tableDocx } from '../../src/store/table-docx.js';
import { tempDir } from '../helpers.js';
import { EN, ZH, pageLines, pdfText, pdfWords, renderTools, toPdf } from './table-fixtures.js';

const part = (buf: Buffer, name: string) => ZipArchive.open(buf, 't.docx').read(name).toString('utf8');
const all = (s: string, re: RegExp) => [...s.matchAll(re)].map((m) => m[0]);
const texts = (s: string) => all(s, /<w:t(?: [^>]*)?>[^<]*<\/w:t>/g).map((t) => t.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));

function parse(buf: Buffer) {
  const doc = part(buf, 'word/document.xml');
  const tbl = /<w:tbl>[\s\S]*<\/w:tbl>/.exec(doc)![0];
  const rows = all(tbl, /<w:tr>[\s\S]*?<\/w:tr>/g).map((tr) => all(tr, /<w:tc>[\s\S]*?<\/w:tc>/g));
  return { doc, tbl, rows, before: doc.slice(0, doc.indexOf('<w:tbl>')), after: doc.slice(doc.indexOf('</w:tbl>')) };
}

describe('Word table XML', () => {
  const buf = tableDocx(EN, { title: 'Table 2 Baseline regressions', lang: 'en' });
  const { doc, tbl, rows, before, after } = parse(buf);

  it('is a package with content types, relationships, document and styles', () => {
    const zip = ZipArchive.open(buf, 't.docx');
    for (const p of ['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'word/_rels/document.xml.rels', 'word/styles.xml']) expect(zip.has(p), p).toBe(true);
    expect(part(buf, '[Content_Types].xml')).toContain('wordprocessingml.document.main+xml');
    expect(doc.startsWith('<?xml')).toBe(true);
  });

  it('has the three rules and nothing else: table top and bottom 1.5 pt, 0.75 pt under the header, a short rule under the super-header', () => {
    const borders = /<w:tblBorders>([\s\S]*?)<\/w:tblBorders>/.exec(tbl)![1]!;
    expect(borders).toContain(`<w:top w:val="single" w:sz="${RULE_THICK}"`);
    expect(borders).toContain(`<w:bottom w:val="single" w:sz="${RULE_THICK}"`);
    for (const side of ['left', 'right', 'insideH', 'insideV']) expect(borders).toContain(`<w:${side} w:val="nil"/>`);
    expect(RULE_THICK).toBe(12); // eighths of a point
    expect(RULE_HEADER).toBe(6);
    // Header: "inv" spanning the three model columns (short rule), then (1) (2) (3) with the header rule.
    expect(rows).toHaveLength(2 + EN.rows.length);
    const [group, titles] = rows;
    expect(group!.map((c) => /<w:gridSpan w:val="(\d+)"\/>/.exec(c)?.[1] ?? '1')).toEqual(['1', '3']);
    expect(texts(group!.join(''))).toEqual(['inv']);
    expect(group![0]).not.toContain('<w:tcBorders>');
    expect(group![0]).not.toContain('<w:pBdr>');
    // the short rule is the paragraph's bottom border: it stops at the cell margins (a gap between
    // adjacent groups, like \cmidrule(lr)); the cell itself has no border
    expect(group![1]).not.toContain('<w:tcBorders>');
    expect(group![1]).toContain(`<w:pBdr><w:bottom w:val="single" w:sz="${RULE_SHORT}"`);
    for (const c of titles!) expect(c).toContain(`<w:tcBorders><w:bottom w:val="single" w:sz="${RULE_HEADER}"`);
    for (const r of rows.slice(2)) for (const c of r) expect(c).not.toContain('<w:tcBorders>');
    // Every border in the document is one of those: no vertical line, no other horizontal one.
    const singles = all(doc, /<w:(\w+) w:val="single" w:sz="(\d+)"/g);
    expect(singles).toHaveLength(2 + 1 + 4);
    expect(all(doc, /<w:(left|right|insideV|start|end) w:val="(?!nil)/g)).toEqual([]);
    expect(tbl).toContain('<w:tblHeader/>');
  });

  it('sets Times New Roman for Latin and SimSun for East Asian text at 10.5 pt, notes at 9 pt', () => {
    const runs = all(doc, /<w:r>[\s\S]*?<\/w:r>/g);
    expect(runs.length).toBeGreaterThan(20);
    for (const r of runs) expect(r).toContain('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun"');
    for (const r of all(tbl, /<w:r>[\s\S]*?<\/w:r>/g)) expect(r).toContain('<w:sz w:val="21"/>');
    for (const r of all(after, /<w:r>[\s\S]*?<\/w:r>/g)) expect(r).toContain('<w:sz w:val="18"/>');
    expect(part(buf, 'word/styles.xml')).toMatch(/<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun"[^>]*\/><w:sz w:val="21"\/>/);
  });

  it('aligns numbers on a decimal tab per column, without tab characters; integers end at the stop; words centred', () => {
    expect(doc).not.toContain('<w:tab/>');
    for (let j = 1; j <= 3; j++) {
      const stops = new Set<string>();
      for (const r of rows.slice(2)) {
        const c = r[j]!;
        const text = texts(c).join('');
        const stop = /<w:tab w:val="decimal" w:pos="(\d+)"\/>/.exec(c)?.[1];
        if (/^\(?-?\d+\.\d+\)?\**$/.test(text)) {
          expect(stop, text).toBeDefined();
          stops.add(stop!);
        } else if (/^\d+$/.test(text)) {
          expect(c).toContain('<w:jc w:val="right"/>');
          expect(c).toMatch(/<w:ind w:left="0" w:right="\d+"\/>/);
        } else {
          expect(stop).toBeUndefined();
          expect(c).toContain('<w:jc w:val="center"/>');
        }
      }
      expect(stops.size, `one decimal stop in column ${j}`).toBe(1);
    }
  });

  it('keeps the rows and cells of the model in order, the title above and the notes below', () => {
    rows.slice(2).forEach((r, i) => {
      const m = EN.rows[i]!;
      expect(r.map((c) => texts(c).join(''))).toEqual([m.label, ...m.cells]);
    });
    expect(texts(before)).toEqual(['Table 2 Baseline regressions']);
    expect(texts(after)).toEqual(['Note: t statistics in parentheses.', '* p < 0.1, ** p < 0.05, *** p < 0.01.']);
    expect(before).toContain('<w:keepNext/>');
  });

  it('Chinese: distinct dependent variables stay a plain header row, notes start with 注：', () => {
    const zh = parse(tableDocx(ZH, { title: '表 2 基准回归', lang: 'zh' }));
    expect(zh.tbl).not.toContain('<w:gridSpan');
    expect(zh.rows[0]!.map((c) => texts(c).join(''))).toEqual(['', '(1)', '(2)']);
    expect(zh.rows[1]!.map((c) => texts(c).join(''))).toEqual(['', '出口质量', '产能利用率']);
    expect(zh.rows[1]![0]).toContain(`w:sz="${RULE_HEADER}"`);
    expect(texts(zh.after)[0]).toBe('注：括号内为标准误。');
    expect(all(zh.doc, /w:val="single"/g)).toHaveLength(2 + 3);
  });

  it('explicit super-headers must cover the columns', () => {
    const g = parse(tableDocx(EN, { groups: [{ label: 'OLS', span: 1 }, { label: 'FE', span: 2 }] }));
    expect(g.rows[0]!.map((c) => texts(c).join(''))).toEqual(['', 'OLS', 'FE']);
    expect(g.rows[0]![1]).not.toContain('<w:pBdr>');
    expect(g.rows[0]![2]).toContain(`w:sz="${RULE_SHORT}"`);
    expect(() => tableDocx(EN, { groups: [{ label: 'x', span: 2 }] })).toThrow(/span 2 columns, the table has 3/);
  });
});

describe('Word table rendered by LibreOffice', () => {
  const tools = renderTools();

  it('shows the table as laid out: header, cells in column order on their label’s line, decimal points aligned, notes; three rules and no vertical line', (ctx) => {
    if ('missing' in tools) return ctx.skip(tools.missing);
    const dir = tempDir();
    const file = join(dir, 'table.docx');
    writeFileSync(file, tableDocx(EN, { title: 'Table 2 Baseline regressions', lang: 'en' }));
    const out = toPdf(tools.soffice, file, dir);
    if ('missing' in out) return ctx.skip(out.missing);

    const text = pdfText(out.pdf);
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    expect(lines[0]).toBe('Table 2 Baseline regressions');
    expect(lines[1]).toBe('inv');
    expect(lines[2]).toMatch(/^\(1\)\s+\(2\)\s+\(3\)$/);
    expect(lines[3]).toMatch(/^value\s+0\.116\*\*\*\s+0\.118\*\*\*\s+0\.110\*\*$/);
    expect(lines[4]).toMatch(/^\(16\.97\)\s+\(10\.88\)\s+\(2\.31\)$/);
    expect(lines[5]).toMatch(/^Constant\s+-42\.714\*\*\*\s+-80\.164\*\*\*\s+3\.000$/);
    expect(lines).toContain(lines.find((l) => /^Observations\s+200\s+200\s+1520$/.test(l)));
    expect(text.indexOf('Note: t statistics in parentheses.')).toBeGreaterThan(text.indexOf('R²'));

    // Decimal points line up within a column (Times New Roman metrics: digits 0.5 em, "(" and "-" 1/3 em).
    const words = pdfWords(out.pdf);
    const em = 10.5;
    const intWidth = (s: string) => [...s.replace(/\..*$/, '').replace(/\**\)?$/, '')].reduce((w, ch) => w + (/\d/.test(ch) ? 0.5 : 0.333) * em, 0);
    for (let j = 0; j < 3; j++) {
      const head = words.find((w) => w.text === `(${j + 1})`)!;
      const xs = EN.rows.flatMap((r) => {
        const s = r.cells[j]!;
        if (!/^\(?-?\d+(\.\d+)?\)?\**$/.test(s)) return [];
        // The word with this text nearest to the column's header ("200" appears in several columns).
        const w = words.filter((x) => x.text === s).sort((a, b) => Math.abs(a.xMin - head.xMin) - Math.abs(b.xMin - head.xMin))[0];
        expect(w, s).toBeDefined();
        return [w!.xMin + intWidth(s)];
      });
      expect(Math.max(...xs) - Math.min(...xs), `column ${j + 1}: decimal points at ${xs.map((x) => x.toFixed(1)).join(', ')}`).toBeLessThan(1.5);
    }
    // Every coefficient sits on its label's line (no cell wrapped).
    const label = words.find((w) => w.text === 'Constant')!;
    expect(Math.abs(words.find((w) => w.text === '-80.164***')!.yMin - label.yMin)).toBeLessThan(1);

    const { rules, longestVertical } = pageLines(out.pdf, dir);
    const full = rules.filter((r) => r.x1 - r.x0 > 0.9 * Math.max(...rules.map((q) => q.x1 - q.x0)));
    expect(full, JSON.stringify(rules)).toHaveLength(3);
    const [top, mid, bottom] = full as [(typeof full)[0], (typeof full)[0], (typeof full)[0]];
    expect(top.thickness).toBeGreaterThan(mid.thickness);
    expect(bottom.thickness).toBeGreaterThan(mid.thickness);
    const short = rules.filter((r) => !full.includes(r));
    expect(short).toHaveLength(1);
    expect(short[0]!.y).toBeGreaterThan(top.y);
    expect(short[0]!.y).toBeLessThan(mid.y);
    expect(short[0]!.x0).toBeGreaterThan(top.x0 + 20);
    // it ends a cell margin (5.4 pt = 10.8 px at 144 dpi) before the table's right edge
    expect(top.x1 - short[0]!.x1).toBeGreaterThan(6);
    expect(top.x1 - short[0]!.x1).toBeLessThan(16);
    // No vertical rule: nothing dark runs taller than a line of text (144 dpi: 10.5 pt ≈ 21 px).
    expect(longestVertical).toBeLessThan(30);
  }, 180_000);
});
