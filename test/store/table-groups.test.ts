// Column groups ("super-headers") as the heterogeneity tables of the seed papers print them —
// "Large firms | Small firms" over two columns each — in every paged renderer: Word (gridSpan and
// a short paragraph rule per group, so adjacent groups keep a gap), Excel (merged ranges with a
// thin rule), the clipboard's HTML (colspan) and RTF (\clmgf/\clmrg and a paragraph rule). Word and
// RTF are rendered by LibreOffice: text in order and, on the bitmap, two separate short rules
// between the top rule and the header rule.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableModel } from '../../src/shared/table.js';
import { tableClipboard } from '../../src/shared/table-clipboard.js';
import { fitGroups } from '../../src/shared/table-layout.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { RULE_SHORT, tableDocx } from '../../src/store/table-docx.js';
import { renderTableFile } from '../../src/store/table-file.js';
import { tableXlsx } from '../../src/store/table-xlsx.js';
import { tempDir } from '../helpers.js';
import { pdfText, pdfWords, renderTools, toPdf } from './table-fixtures.js';

/** Table 7 of seed paper 000 in miniature: one outcome, four sub-samples. */
export const HET: TableModel = {
  titles: ['(1)', '(2)', '(3)', '(4)'],
  depvars: ['quality', 'quality', 'quality', 'quality'],
  rows: [
    { label: 'ecommerce', cells: ['0.052***', '0.018', '0.061***', '0.009'], kind: 'coef' },
    { label: '', cells: ['(4.12)', '(1.05)', '(3.88)', '(0.61)'], kind: 'paren' },
    { label: 'Observations', cells: ['1200', '1180', '950', '1430'], kind: 'stat' },
  ],
  notes: ['t statistics in parentheses.', '* p < 0.1, ** p < 0.05, *** p < 0.01.'],
};
const GROUPS = [
  { label: 'Large firms', span: 2 },
  { label: 'Small firms', span: 2 },
];

const all = (s: string, re: RegExp) => [...s.matchAll(re)].map((m) => m[0]);
const texts = (s: string) => all(s, /<w:t(?: [^>]*)?>[^<]*<\/w:t>/g).map((t) => t.replace(/<[^>]+>/g, ''));

/** Every horizontal dark run of at least `minPx` pixels on page 1 (several per pixel row). */
function horizontalRuns(pdf: string, dir: string, dpi = 144, minPx = 60): { y: number; x0: number; x1: number }[] {
  const stem = join(dir, 'runs');
  spawnSync('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', '-singlefile', pdf, stem]);
  const buf = readFileSync(`${stem}.pgm`);
  const head = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 40).toString('latin1'))!;
  const [w, h] = [Number(head[1]), Number(head[2])];
  const px = buf.subarray(head[0].length);
  const runs: { y: number; x0: number; x1: number }[] = [];
  for (let y = 0; y < h; y++) {
    let start = -1;
    for (let x = 0; x <= w; x++) {
      const dark = x < w && px[y * w + x]! < 160;
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        if (x - start >= minPx) runs.push({ y, x0: start, x1: x - 1 });
        start = -1;
      }
    }
  }
  // merge the pixel rows of one rule (same extent, consecutive rows)
  const rules: { y: number; x0: number; x1: number }[] = [];
  for (const r of runs) {
    if (!rules.some((q) => Math.abs(q.x0 - r.x0) <= 2 && Math.abs(q.x1 - r.x1) <= 2 && r.y - q.y <= 4)) rules.push(r);
  }
  return rules;
}

describe('fitGroups', () => {
  it('pads groups that cover fewer columns with blank spacers; all-blank groups mean none; too many columns fail', () => {
    expect(fitGroups([{ label: 'A', span: 2 }], 4)).toEqual([
      { label: 'A', span: 2 },
      { label: '', span: 1 },
      { label: '', span: 1 },
    ]);
    expect(fitGroups([{ label: ' ', span: 2 }], 3)).toBeUndefined();
    expect(fitGroups([], 3)).toBeUndefined();
    expect(() => fitGroups([{ label: 'A', span: 5 }], 4)).toThrow('the column groups span 5 columns, the table has 4');
    expect(() => fitGroups([{ label: 'A', span: 0 }], 4)).toThrow(/whole number/);
  });
});

describe('Word: groups as spanning cells with their own short rule', () => {
  const doc = ZipArchive.open(tableDocx(HET, { groups: GROUPS, title: 'Table 7', lang: 'en' }), 't.docx').read('word/document.xml').toString('utf8');
  const rows = all(/<w:tbl>[\s\S]*<\/w:tbl>/.exec(doc)![0], /<w:tr>[\s\S]*?<\/w:tr>/g).map((tr) => all(tr, /<w:tc>[\s\S]*?<\/w:tc>/g));

  it('header: groups, column numbers, dependent variables; the groups span two columns each', () => {
    expect(rows).toHaveLength(3 + HET.rows.length);
    expect(rows[0]!.map((c) => texts(c).join(''))).toEqual(['', 'Large firms', 'Small firms']);
    expect(rows[0]!.map((c) => /<w:gridSpan w:val="(\d+)"\/>/.exec(c)?.[1] ?? '1')).toEqual(['1', '2', '2']);
    expect(rows[1]!.map((c) => texts(c).join(''))).toEqual(['', '(1)', '(2)', '(3)', '(4)']);
    expect(rows[2]!.map((c) => texts(c).join(''))).toEqual(['', 'quality', 'quality', 'quality', 'quality']);
    // one 0.5 pt paragraph rule under each group, none under the label column
    expect(rows[0]![0]).not.toContain('<w:pBdr>');
    for (const c of rows[0]!.slice(1)) expect(c).toContain(`<w:pBdr><w:bottom w:val="single" w:sz="${RULE_SHORT}" w:space="1"`);
    expect(all(doc, /<w:pBdr>/g)).toHaveLength(2);
  });

  it('a partial group list is padded with blank columns through renderTableFile', () => {
    const buf = renderTableFile(HET, 'docx', { groups: [{ label: 'Large firms', span: 2 }] }) as Buffer;
    const xml = ZipArchive.open(buf, 't.docx').read('word/document.xml').toString('utf8');
    const first = all(all(xml, /<w:tr>[\s\S]*?<\/w:tr>/g)[0]!, /<w:tc>[\s\S]*?<\/w:tc>/g);
    expect(first.map((c) => texts(c).join(''))).toEqual(['', 'Large firms', '', '']);
    expect(all(xml, /<w:pBdr>/g)).toHaveLength(1);
  });
});

describe('Excel: merged group cells with a thin rule under each', () => {
  it('merges B2:C2 and D2:E2 (under the title row)', () => {
    const zip = ZipArchive.open(tableXlsx(HET, { groups: GROUPS, title: 'Table 7' }), 't.xlsx');
    const sheet = zip.read('xl/worksheets/sheet1.xml').toString('utf8');
    const merges = all(sheet, /<mergeCell ref="[A-Z]+\d+:[A-Z]+\d+"\/>/g);
    expect(merges).toEqual(['<mergeCell ref="A1:E1"/>', '<mergeCell ref="B2:C2"/>', '<mergeCell ref="D2:E2"/>']);
    const strings = zip.read('xl/sharedStrings.xml').toString('utf8');
    expect(strings).toContain('<t>Large firms</t>');
    expect(strings).toContain('<t>Small firms</t>');
    // the group cells carry a thin bottom border (the merged range draws each cell's own)
    const styles = zip.read('xl/styles.xml').toString('utf8');
    const borders = [...styles.matchAll(/<border>(.*?)<\/border>/g)].map((m) => m[1]!);
    const xfs = [.../<cellXfs[^>]*>(.*?)<\/cellXfs>/.exec(styles)![1]!.matchAll(/<xf [^>]*?borderId="(\d+)"/g)].map((m) => borders[Number(m[1])]!);
    for (const ref of ['B2', 'C2', 'D2', 'E2']) {
      const s = Number(new RegExp(`<c r="${ref}" s="(\\d+)"`).exec(sheet)![1]);
      expect(xfs[s], ref).toContain('<bottom style="thin">');
    }
  });
});

describe('clipboard: HTML colspan and RTF merged cells with paragraph rules', () => {
  const clip = tableClipboard(HET, { groups: GROUPS, lang: 'en' });
  it('HTML: the first row holds the two groups, each over two columns with a short rule', () => {
    const first = /<tr>(.*?)<\/tr>/.exec(clip.html)![1]!;
    const cells = [...first.matchAll(/<th([^>]*)>(.*?)<\/th>/g)].map((m) => ({ attrs: m[1]!, text: m[2]! }));
    expect(cells.map((c) => c.text)).toEqual(['', 'Large firms', 'Small firms']);
    for (const c of cells.slice(1)) {
      expect(c.attrs).toContain('colspan="2"');
      expect(c.attrs).toContain('border-bottom:.5pt solid');
    }
  });
  it('RTF: first merged cell of each group carries the paragraph rule; text flavour tab-separated', () => {
    const first = clip.rtf.split('\n').filter((l) => l.startsWith('\\trowd'));
    expect(first[0]!.match(/\\clmgf/g)).toHaveLength(2);
    expect(first[0]!.match(/\\clmrg/g)).toHaveLength(2);
    const body = clip.rtf.split('\n')[clip.rtf.split('\n').indexOf(first[0]!) + 1]!;
    expect(body.match(/\\brdrb\\brdrs\\brdrw10/g)).toHaveLength(2);
    expect(clip.text.split('\n')[0]).toBe('\tLarge firms\t\tSmall firms\t');
  });
});

describe('groups rendered by LibreOffice', () => {
  const tools = renderTools();

  for (const kind of ['docx', 'rtf'] as const) {
    it(`${kind}: the group labels above their columns and two short rules with a gap between them`, (ctx) => {
      if ('missing' in tools) return ctx.skip(tools.missing);
      const dir = tempDir();
      const file = join(dir, `het.${kind}`);
      writeFileSync(file, kind === 'docx' ? tableDocx(HET, { groups: GROUPS, title: 'Table 7', lang: 'en' }) : tableClipboard(HET, { groups: GROUPS, title: 'Table 7', lang: 'en' }).rtf);
      const out = toPdf(tools.soffice, file, dir);
      if ('missing' in out) return ctx.skip(out.missing);
      const lines = pdfText(out.pdf).split('\n').map((l) => l.trim()).filter((l) => l !== '');
      expect(lines[0]).toBe('Table 7');
      expect(lines[1]).toMatch(/^Large firms\s+Small firms$/);
      expect(lines[2]).toMatch(/^\(1\)\s+\(2\)\s+\(3\)\s+\(4\)$/);
      expect(lines[4]).toMatch(/^ecommerce\s+0\.052\*\*\*\s+0\.018\s+0\.061\*\*\*\s+0\.009$/);
      const rules = horizontalRuns(out.pdf, dir);
      const widest = Math.max(...rules.map((r) => r.x1 - r.x0));
      const full = rules.filter((r) => r.x1 - r.x0 > 0.9 * widest).sort((a, b) => a.y - b.y);
      expect(full, JSON.stringify(rules)).toHaveLength(3);
      const short = rules.filter((r) => !full.includes(r) && r.y > full[0]!.y && r.y < full[1]!.y).sort((a, b) => a.x0 - b.x0);
      expect(short, JSON.stringify(rules)).toHaveLength(2);
      // at 144 dpi: the left rule ends before the right one starts (a visible gap of several points)
      const gap = short[1]!.x0 - short[0]!.x1;
      expect(gap, JSON.stringify(short)).toBeGreaterThan(8);
      // both lie under the model columns, not the label column
      expect(short[0]!.x0).toBeGreaterThan(full[0]!.x0 + 40);
      expect(short[1]!.x1).toBeLessThanOrEqual(full[0]!.x1 + 2);

      // each label is centred over its rule, and the rules over their columns' numbers (pt = px / 2)
      const words = pdfWords(out.pdf);
      const span = (ws: typeof words) => [Math.min(...ws.map((w) => w.xMin)), Math.max(...ws.map((w) => w.xMax))] as const;
      const [l0, l1] = span(words.filter((w) => w.text === 'Large' || w.text === 'firms').slice(0, 2));
      const [s0, s1] = span(words.filter((w) => w.text === 'Small' || w.text === 'firms').slice(-2));
      expect(Math.abs((l0 + l1) / 2 - (short[0]!.x0 + short[0]!.x1) / 4)).toBeLessThan(3);
      expect(Math.abs((s0 + s1) / 2 - (short[1]!.x0 + short[1]!.x1) / 4)).toBeLessThan(3);
      const at = (t: string) => words.find((w) => w.text === t)!;
      expect(at('(1)').xMin).toBeGreaterThan(short[0]!.x0 / 2);
      expect(at('(2)').xMax).toBeLessThan(short[0]!.x1 / 2);
      expect(at('(3)').xMin).toBeGreaterThan(short[1]!.x0 / 2);
      expect(at('(4)').xMax).toBeLessThan(short[1]!.x1 / 2);
    }, 180_000);
  }
});
