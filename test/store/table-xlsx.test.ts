// Excel tables, read back with the project's own .xlsx reader: text cells stay text ("0.116***",
// "(16.97)"), plain numbers are numbers with the table's decimals, the super-header is merged with
// a thin rule under it, and the three rules are medium / thin / medium borders. LibreOffice Calc,
// when installed, opens the file and reads the same cells.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { C_NUM, C_STR, SheetReader } from '../../src/store/import/xlsx-sheet.js';
import { openWorkbook, readSharedStrings, readStyles } from '../../src/store/import/xlsx-workbook.js';
import { TAG_CLOSE, XmlScanner } from '../../src/store/import/xlsx-xml.js';
import { tableXlsx } from '../../src/store/table-xlsx.js';
import { tempDir } from '../helpers.js';
import { EN, ZH, renderTools } from './table-fixtures.js';

type Cell = string | number | null;

/** Cells (row-major, 1-based rows as in Excel), merges and the border of each cell. */
async function readBack(buf: Buffer) {
  const dir = tempDir();
  const path = join(dir, 't.xlsx');
  writeFileSync(path, buf);
  const wb = await openWorkbook(path);
  const ref = wb.sheets[0]!;
  const xml = wb.zip.read(ref.part);
  const reader = new SheetReader(xml, readSharedStrings(wb), readStyles(wb), wb.date1904, 't.xlsx');
  while (!reader.step(1 << 20));
  const { columns, strings } = reader.result;
  const nrow = Math.max(...columns.map((c) => (c ? c.kind.length : 0)));
  const cell = (r: number, c: number): Cell => {
    const col = columns[c];
    const k = col?.kindAt(r - 1);
    if (!col || k === undefined) return null;
    return k === C_NUM ? col.val[r - 1]! : k === C_STR ? strings[col.val[r - 1]!]! : null;
  };
  const merges: string[] = [];
  const x = new XmlScanner(xml);
  while (x.next()) if (x.kind !== TAG_CLOSE && x.is('mergeCell')) merges.push(x.attr('ref')!);
  // Borders: cell style index → borderId → top/bottom styles, from the raw parts.
  const styles = wb.zip.read('xl/styles.xml').toString('utf8');
  const borders = [...styles.matchAll(/<border>(.*?)<\/border>/g)].map((m) => ({ top: /<top style="(\w+)"/.exec(m[1]!)?.[1] ?? '', bottom: /<bottom style="(\w+)"/.exec(m[1]!)?.[1] ?? '' }));
  const xfs = [.../<cellXfs[^>]*>(.*?)<\/cellXfs>/.exec(styles)![1]!.matchAll(/<xf [^>]*?borderId="(\d+)"[^>]*?(?:\/>|>.*?<\/xf>)/g)].map((m) => ({ border: borders[Number(m[1])]!, xml: m[0] }));
  const sheet = xml.toString('utf8');
  const styleOf = (ref: string) => Number(new RegExp(`<c r="${ref}" s="(\\d+)"`).exec(sheet)?.[1] ?? 0);
  const border = (ref: string) => xfs[styleOf(ref)]!.border;
  const numFmt = (ref: string) => /numFmtId="(\d+)"/.exec(xfs[styleOf(ref)]!.xml)![1];
  return { cell, nrow, merges, border, numFmt, styles, sheet, name: ref.name };
}

describe('Excel table written and read back', () => {
  it('cells, merges and the three-line borders', async () => {
    const t = await readBack(tableXlsx(EN, { title: 'Table 2 Baseline regressions', lang: 'en' }));
    expect(t.name).toBe('Table 2 Baseline regressions');
    // Row 1 title (merged over the table), rows 2–3 header, body from row 4, notes after it.
    expect(t.cell(1, 0)).toBe('Table 2 Baseline regressions');
    expect(t.merges).toEqual(['A1:D1', 'B2:D2']);
    expect([t.cell(2, 0), t.cell(2, 1), t.cell(2, 2)]).toEqual([null, 'inv', null]);
    expect([1, 2, 3].map((c) => t.cell(3, c))).toEqual(['(1)', '(2)', '(3)']);
    EN.rows.forEach((r, i) => {
      const row = 4 + i;
      expect(t.cell(row, 0)).toBe(r.label === '' ? null : r.label);
      r.cells.forEach((s, j) => {
        const v = t.cell(row, j + 1);
        if (/^-?\d+(\.\d+)?$/.test(s)) {
          expect(v, s).toBe(Number(s));
          const d = s.split('.')[1]?.length ?? 0;
          expect(t.numFmt(`${'BCD'[j]}${row}`)).toBe(d === 0 ? '1' : String(163 + d));
        } else expect(v, s).toBe(s);
      });
    });
    expect(typeof t.cell(4, 1)).toBe('string'); // 0.116*** is text
    expect(t.cell(6, 3)).toBe(3); // "3.000" (no stars) is the number 3 shown as 3.000
    expect(t.styles).toContain('<numFmt numFmtId="166" formatCode="0.000"/>');
    const last = 3 + EN.rows.length;
    expect(t.cell(last + 1, 0)).toBe('Note: t statistics in parentheses.');
    expect(t.cell(last + 2, 0)).toBe('* p < 0.1, ** p < 0.05, *** p < 0.01.');

    // Rules: medium above the header, thin under it, medium under the last row, thin under "inv".
    for (const c of 'ABCD') {
      expect(t.border(`${c}2`).top, `${c}2`).toBe('medium');
      expect(t.border(`${c}3`), `${c}3`).toEqual({ top: '', bottom: 'thin' });
      expect(t.border(`${c}${last}`), `${c}${last}`).toEqual({ top: '', bottom: 'medium' });
      for (let r = 4; r < last; r++) expect(t.border(`${c}${r}`), `${c}${r}`).toEqual({ top: '', bottom: '' });
      expect(t.border(`${c}1`)).toEqual({ top: '', bottom: '' });
    }
    expect(t.border('A2').bottom).toBe('');
    for (const c of 'BCD') expect(t.border(`${c}2`).bottom).toBe('thin');
    expect(t.styles).not.toMatch(/<(left|right) style=/);
    expect(t.sheet).toContain('showGridLines="0"');
  });

  it('Chinese labels; distinct dependent variables are a plain header row', async () => {
    const t = await readBack(tableXlsx(ZH, { title: '表 2 基准回归', lang: 'zh' }));
    expect(t.merges).toEqual(['A1:C1']);
    expect([t.cell(2, 1), t.cell(3, 1), t.cell(3, 2)]).toEqual(['(1)', '出口质量', '产能利用率']);
    expect(t.cell(4, 0)).toBe('跨境电商');
    expect(t.cell(7, 1)).toBe(233819);
    expect(t.cell(8, 0)).toBe('注：括号内为标准误。');
    expect(t.border('B3').bottom).toBe('thin');
  });
});

describe('Excel table opened by LibreOffice Calc', () => {
  const tools = renderTools(false);
  // CSV filter options: comma, double quote, UTF-8 (76), from line 1, …, save cell contents as shown.
  const CSV_AS_SHOWN = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true';
  it('reads the same cells, numbers shown with the table’s decimals', (ctx) => {
    if ('missing' in tools) return ctx.skip(tools.missing);
    const dir = tempDir();
    const file = join(dir, 't.xlsx');
    writeFileSync(file, tableXlsx(EN, { title: 'Table 2', lang: 'en' }));
    const r = spawnSync(tools.soffice, [`-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--headless', '--convert-to', CSV_AS_SHOWN, '--outdir', dir, file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n');
    expect(lines.slice(0, 5)).toEqual(['Table 2,,,', ',inv,,', ',(1),(2),(3)', 'value,0.116***,0.118***,0.110**', ',(16.97),(10.88),(2.31)']);
    expect(lines.slice(5)).toEqual([
      'Constant,-42.714***,-80.164***,3.000',
      ',(-3.69),(-3.61),(0.52)',
      'firm FE,No,Yes,Yes',
      'Observations,200,200,1520',
      'R²,0.812,0.952,0.401',
      'Note: t statistics in parentheses.,,,',
      '"* p < 0.1, ** p < 0.05, *** p < 0.01.",,,',
    ]);
  }, 180_000);
});
