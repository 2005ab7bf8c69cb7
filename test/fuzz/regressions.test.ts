// Regression tests for the defects the fuzz campaign (fuzz.test.ts, issue 12) found, each with the
// minimized input that showed it. docs/reliability.md lists them with the fixes.
import { Buffer } from 'node:buffer';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpressionError, formatExpression, parseExpression } from '../../src/engine/expr/index.js';
import { AppError } from '../../src/shared/errors.js';
import { headerNames, scanCsv } from '../../src/store/import/csv.js';
import { readXlsx } from '../../src/store/import/xlsx.js';
import { XmlScanner } from '../../src/store/import/xlsx-xml.js';
import { crc32 } from '../../src/store/import/xlsx-zip.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('ps-fuzz-regress-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RawEntry {
  name: string;
  /** Uncompressed content (its CRC and size are written unless overridden). */
  content: Buffer;
  /** Deflated bytes to store instead of deflating `content`. */
  deflated?: Buffer;
  declaredSize?: number;
}

/** A ZIP archive whose directory may lie about sizes (the fuzz target's writer, reduced). */
function zip(entries: RawEntry[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.deflated ?? zlib.deflateRawSync(e.content);
    const name = Buffer.from(e.name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(e.content), 14);
    head.writeUInt32LE(data.length, 18);
    head.writeUInt32LE((e.declaredSize ?? e.content.length) >>> 0, 22);
    head.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    head.copy(cd, 6, 4, 30);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    chunks.push(head, name, data);
    offset += 30 + name.length + data.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

const WORKBOOK =
  '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>';
const RELS =
  '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';

/** A one-sheet workbook with the given sheet XML (or sheet entry) written to a file. */
function workbook(name: string, sheet: string | RawEntry): string {
  const sheetEntry = typeof sheet === 'string' ? { name: 'xl/worksheets/sheet1.xml', content: Buffer.from(sheet) } : sheet;
  const path = join(dir, name);
  writeFileSync(
    path,
    zip([
      { name: 'xl/workbook.xml', content: Buffer.from(WORKBOOK) },
      { name: 'xl/_rels/workbook.xml.rels', content: Buffer.from(RELS) },
      sheetEntry,
    ]),
  );
  return path;
}

async function badFile(path: string): Promise<AppError> {
  const err = await readXlsx(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('BAD_FILE');
  return err as AppError;
}

describe('xlsx reader: defects found by the fuzz campaign', () => {
  it('a tag cut off after an attribute name at the end of a part is damage, not a TypeError', async () => {
    // Minimized from case 158 (seed 20261125): the part ended inside `<Relationship ... Id`,
    // and the attribute scanner looked for the quote at buf[buf.length] (undefined).
    const x = new XmlScanner(Buffer.from('<row r'));
    expect(x.next()).toBe(true);
    x.firstAttr();
    expect(x.nextAttr()).toBe(false);
    expect(x.attr('r')).toBeUndefined();
    // End to end: the cells before the cut are imported.
    const t = await readXlsx(workbook('cut-tag.xlsx', '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2"><c r="A2"><v>7</v></c></row><row r'));
    expect(t.columns.map((c) => [c.name, [...c.values]])).toEqual([['x', [7]]]);
  });

  it('a row number that is not a number is named as written (not "row number NaN")', async () => {
    // Minimized from case 94: <row r="x1">.
    const err = await badFile(workbook('row-x.xlsx', '<worksheet><sheetData><row r="x1"><c><v>1</v></c></row></sheetData></worksheet>'));
    expect(err.message).toContain('row number "x1" is not a row of a worksheet');
    expect(err.message).not.toMatch(/NaN/);
  });

  it('a zip bomb declared small is refused without inflating past the declared size', async () => {
    // Case 20: 128 MB of spaces deflated to ~130 KB, declared as 100 bytes. Before the fix the
    // whole 128 MB was inflated, then compared with the declared size. 16 MB shows it here.
    const bomb = zlib.deflateRawSync(Buffer.alloc(16 << 20, 0x20), { level: 9 });
    const path = workbook('bomb.xlsx', { name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(100, 0x20), deflated: bomb });
    const err = await badFile(path);
    // The message comes from zlib's maxOutputLength stop (fuzz.test.ts measures what is inflated).
    expect(err.message).toContain('holds more than the 100 bytes it declares');
  });

  it('a declared size beyond what deflate can produce from the stored bytes is refused before inflating', async () => {
    const path = workbook('absurd-size.xlsx', { name: 'xl/worksheets/sheet1.xml', content: Buffer.from('<worksheet/>'), declaredSize: 0x7ffffff0 });
    const err = await badFile(path);
    expect(err.message).toMatch(/declares 2147483632 bytes, more than its \d+ compressed bytes can hold/);
  });

  it('cells at row 1,048,576 in many columns are refused, not allocated (sparse-sheet bomb)', async () => {
    // Case 172: 944 cells at row 1,048,576, each in its own column — 2M slots per column, 17 GB in
    // all, and the case ran until the watchdog stopped it. 40 columns (a 1 KB sheet) show it.
    const cells = Array.from({ length: 40 }, (_, i) => `<c r="${String.fromCharCode(65 + (i % 26))}${i < 26 ? '' : 'A'}1048576"><v>1</v></c>`).join('');
    const err = await badFile(workbook('sparse.xlsx', `<worksheet><sheetData><row r="1048576">${cells}</row></sheetData></worksheet>`));
    expect(err.message).toMatch(/spread far wider than the sheet's \d+ bytes of data can fill \(a cell at row 1048576/);
  });

  it('two cells at opposite corners do not become 16,384 columns of a million rows', async () => {
    const err = await badFile(workbook('corners.xlsx', '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'));
    expect(err.message).toContain('the cells span 1048576 rows × 16384 columns (to row 1048576, column XFD)');
  });

  it('a sparse but sane sheet still imports (a value 100,000 rows down)', async () => {
    const t = await readXlsx(workbook('sane.xlsx', '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="100001"><c r="A100001"><v>5</v></c></row></sheetData></worksheet>'));
    expect(t.nrows).toBe(100_000);
    expect(t.columns[0]!.values[99_999]).toBe(5);
    expect(t.columns[0]!.missing).toBe(99_999);
  });
});

describe('expression parser: defects found by the fuzz campaign', () => {
  it('the length and nesting limits name a column like every other parse error', () => {
    // Cases 2 and 174 (seed 20261125): `max(0,x,2,x,…)` over 10,000 characters and `1-y-.-1-…`
    // with 4,641 terms were refused without the "at column N:" prefix the UI underlines from.
    const long = `max(${Array.from({ length: 4000 }, (_, i) => (i % 2 ? 'x' : String(i))).join(',')})`;
    expect(() => parseExpression(long)).toThrow(ExpressionError);
    expect(() => parseExpression(long)).toThrow(/^at column 10001: the expression is longer than 10000 characters/);
    const chain = Array.from({ length: 1500 }, (_, i) => ['1', 'y', '.', 'x'][i % 4]).join('-');
    expect(() => parseExpression(chain)).toThrow(/^at column 1: the expression has more than 1000 nested operations/);
  });
});

describe('CSV reader: defects found by the fuzz campaign', () => {
  it('a header of thousands of equal names is renamed in linear time, with a bounded warning', async () => {
    // Case 311 (seed 1): a UTF-16 file whose first line repeated one name ~16,000 times ran past
    // the 15 s watchdog: every duplicate searched its suffix from _2 upwards (quadratic).
    const path = join(dir, 'dup-header.csv');
    const n = 20_000;
    writeFileSync(path, `${new Array<string>(n).fill('N').join(',')}\n${new Array<string>(n).fill('1').join(',')}\n`);
    const scan = await scanCsv(path);
    expect(scan.columns.map((c) => c.name).slice(0, 3)).toEqual(['N', 'N_2', 'N_3']);
    expect(scan.columns[n - 1]!.name).toBe(`N_${n}`);
    expect(new Set(scan.columns.map((c) => c.name)).size).toBe(n);
    const w = scan.warnings.find((x) => x.includes('duplicate column names'))!;
    expect(w).toMatch(/and 19979 more$/);
  });

  it('renaming still skips names that are taken', () => {
    const warnings: string[] = [];
    expect(headerNames(['a', 'a_2', 'a', 'a', 'a_3'], 'f.csv', warnings)).toEqual(['a', 'a_2', 'a_4', 'a_5', 'a_3']);
  });
});

describe('expressions: more defects found by the fuzz campaign', () => {
  it('D{k}. with an absurd order is refused at parse time instead of differencing for hours', () => {
    // Case 2835 (seed 1): ln(D99999999.x) + 2*y ran 99,999,999 passes over the column.
    expect(() => parseExpression('ln(D99999999.x) + 2*y')).toThrow(/^at column 4: D99999999\. differences 99999999 times; at most 100 is allowed/);
    expect(parseExpression('D100.x')).toMatchObject({ type: 'tsop', op: 'D', k: 100 });
    expect(parseExpression('L99999.x')).toMatchObject({ type: 'tsop', op: 'L', k: 99999 });
  });

  it('text holding a straight quote formats back into “...” so the canonical text parses again', () => {
    // Case 3528 (seed 1): “a"b” was formatted as "a"b", which does not parse.
    const e = parseExpression('province == “say "hi"”');
    const canonical = formatExpression(e);
    expect(canonical).toBe('province == “say "hi"”');
    expect(parseExpression(canonical)).toEqual(parseExpression('province == “say "hi"”'));
  });
});
