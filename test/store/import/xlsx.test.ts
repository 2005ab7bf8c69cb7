// Excel import and export.
//
// The fixtures in test/fixtures/xlsx were written by tools independent of Panel Studio (openpyxl,
// LibreOffice, R openxlsx, literal XML zipped by Python); expected.json holds the values those
// same scripts put in (make_fixtures.py).
//
// Checked by hand once (not in CI, November 2026): files written by exportXlsx — numeric, categorical
// with Chinese, '&<>', leading spaces, line breaks and "_x0041_", %td and %tc dates, missing
// values, a 31-character sheet name — were opened with openpyxl 3.0.9 (values, date cells as
// datetime, bold frozen header), R readxl 1.4.2 and LibreOffice 7.4 (soffice --convert-to csv),
// and all read the same values as readXlsx.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../src/shared/errors.js';
import { ProjectStore, type NewVariable } from '../../../src/store/project.js';
import { exportXlsx, sheetName } from '../../../src/store/export-xlsx.js';
import { listXlsxSheets, readXlsx, type XlsxReadOptions } from '../../../src/store/import/xlsx.js';
import type { ImportedColumn, ImportedTable } from '../../../src/store/import/table.js';
import { columnLetters } from '../../../src/store/import/xlsx-columns.js';
import { STYLE_DATE, STYLE_DATETIME, STYLE_PLAIN, classifyFormatCode } from '../../../src/store/import/xlsx-workbook.js';
import { CHUNK_ROWS } from '../../../src/store/codec.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/xlsx/', import.meta.url));

interface ExpectedColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  sourceType: string;
  displayFormat?: string;
  levels?: string[];
  values: (number | string | null)[];
}
interface Expected {
  file?: string;
  options?: XlsxReadOptions;
  sheets?: string[];
  nrows: number;
  columns: ExpectedColumn[];
  warnings: string[];
}
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ps-xlsx-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Column values as plain data: numbers (null = missing) or level text (null = missing). */
function plain(c: ImportedColumn): (number | string | null)[] {
  return Array.from(c.values, (v) => (c.kind === 'numeric' ? (Number.isNaN(v) ? null : v) : v < 0 ? null : c.levels![v]!));
}

function summary(t: ImportedTable) {
  return t.columns.map((c) => ({
    name: c.name,
    kind: c.kind,
    sourceType: c.sourceType,
    ...(c.displayFormat !== undefined ? { displayFormat: c.displayFormat } : {}),
    ...(c.levels !== undefined ? { levels: c.levels } : {}),
    values: plain(c),
  }));
}

async function readError(path: string, opts?: XlsxReadOptions): Promise<AppError> {
  try {
    await readXlsx(path, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected readXlsx to throw');
}

describe('readXlsx on files written by other tools', () => {
  for (const [key, exp] of Object.entries(EXPECTED)) {
    it(`reads ${key}`, async () => {
      const path = join(FIXTURES, exp.file ?? key);
      const t = await readXlsx(path, exp.options ?? {});
      expect(t.nrows).toBe(exp.nrows);
      expect(summary(t)).toEqual(exp.columns);
      for (const c of t.columns) {
        expect(c.values.length).toBe(exp.nrows);
        expect(c.missing).toBe(plain(c).filter((v) => v === null).length);
      }
      expect(t.warnings).toEqual(exp.warnings);
      if (exp.sheets) expect(await listXlsxSheets(path)).toEqual(exp.sheets);
    });
  }

  it('picks sheets by index and by name regardless of case', async () => {
    const path = join(FIXTURES, 'openpyxl.xlsx');
    const byIndex = await readXlsx(path, { sheet: 1, headerRow: 3 });
    const byName = await readXlsx(path, { sheet: 'SECOND', headerRow: 3 });
    expect(summary(byIndex)).toEqual(summary(byName));
    expect(byIndex.columns.map((c) => c.name)).toEqual(['province', 'year', 'value']);
  });

  it('reads the title rows as the table when the header row is not given', async () => {
    const t = await readXlsx(join(FIXTURES, 'openpyxl.xlsx'), { sheet: 'second' });
    expect(t.columns.map((c) => c.name)).toEqual(['GDP by province 各省GDP', 'column_2', 'column_3']);
    expect(t.nrows).toBe(5);
  });

  it('reports progress and honours cancellation', async () => {
    const seen: number[] = [];
    await readXlsx(join(FIXTURES, 'openpyxl.xlsx'), { onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    const ac = new AbortController();
    ac.abort();
    await expect(readXlsx(join(FIXTURES, 'openpyxl.xlsx'), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('bad input', () => {
  it('names what is wrong with files that are not workbooks', async () => {
    const cases: [string, string][] = [
      ['not-a-zip.xlsx', 'not-a-zip.xlsx: not an Excel .xlsx workbook (not a ZIP archive)'],
      ['no-workbook.xlsx', 'no-workbook.xlsx: not an Excel workbook (a ZIP archive without xl/workbook.xml)'],
      ['document.xlsx', 'document.xlsx: not an Excel workbook (a Word document without xl/workbook.xml)'],
      ['old.xls', 'old.xls: .xls (Excel 97–2003) is not supported; save as .xlsx'],
    ];
    for (const [name, message] of cases) {
      const e = await readError(join(FIXTURES, name));
      expect(e.code).toBe('BAD_FILE');
      expect(e.message).toBe(message);
    }
  });

  it('recognises a password-protected workbook (OLE container with an EncryptedPackage stream)', async () => {
    const ole = Buffer.alloc(4096);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    Buffer.from('EncryptedPackage', 'utf16le').copy(ole, 1024);
    const p = join(dir, 'locked.xlsx');
    writeFileSync(p, ole);
    const e = await readError(p);
    expect(e.message).toMatch(/^locked\.xlsx: the workbook is password-protected/);
  });

  it('lists the sheets when the requested one does not exist', async () => {
    const path = join(FIXTURES, 'handmade.xlsx');
    expect((await readError(path, { sheet: 'gdp' })).message).toBe('handmade.xlsx: there is no sheet named "gdp"; the workbook has "Rich & odd", "Second"');
    expect((await readError(path, { sheet: 2 })).message).toBe('handmade.xlsx: there is no sheet number 3; the workbook has 2 ("Rich & odd", "Second")');
    expect((await readError(path, { sheet: 'Chart1' })).message).toMatch(/sheet "Chart1" is a chart sheet/);
  });

  it('rejects a header row below the data and an invalid header row', async () => {
    const path = join(FIXTURES, 'openpyxl.xlsx');
    expect((await readError(path, { headerRow: 9 })).message).toBe('openpyxl.xlsx, sheet "data" has nothing in row 9 or below (the last row with data is 7)');
    expect((await readError(path, { headerRow: 0 })).code).toBe('INVALID_ARGUMENT');
  });

  it('reports truncated and damaged archives and missing files', async () => {
    const buf = readFileSync(join(FIXTURES, 'openpyxl.xlsx'));
    const cut = join(dir, 'cut.xlsx');
    writeFileSync(cut, buf.subarray(0, buf.length >> 1));
    expect((await readError(cut)).message).toMatch(/^cut\.xlsx: the ZIP archive is damaged or truncated/);
    // Flip bytes inside the compressed worksheet (just after its local header): inflate or the checksum fails.
    const broken = Buffer.from(buf);
    const at = broken.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length;
    for (let i = at + 20; i < at + 30; i++) broken[i] = broken[i]! ^ 0x55;
    const bad = join(dir, 'bad.xlsx');
    writeFileSync(bad, broken);
    expect((await readError(bad)).message).toMatch(/^bad\.xlsx: the ZIP archive is damaged \((entry xl\/worksheets\/sheet1\.xml cannot be decompressed|checksum error in xl\/worksheets\/sheet1\.xml)\)$/);
    expect((await readError(join(dir, 'nope.xlsx'))).code).toBe('NOT_FOUND');
  });
});

describe('helpers', () => {
  it('names columns like Excel', () => {
    expect([0, 25, 26, 51, 701, 702, 16383].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA', 'XFD']);
  });

  it('recognises date and time format codes outside quotes and brackets', () => {
    const cases: [string, number][] = [
      ['yyyy-mm-dd', STYLE_DATE],
      ['yyyy"年"m"月"d"日"', STYLE_DATE],
      ['[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy', STYLE_DATE],
      ['d/m/yyyy h:mm', STYLE_DATETIME],
      ['[h]:mm:ss', STYLE_DATETIME],
      ['h:mm AM/PM', STYLE_DATETIME],
      ['0.00_);[Red]\\(0.00\\)', STYLE_PLAIN],
      ['"Date: "0', STYLE_PLAIN],
      ['0.00E+00', STYLE_PLAIN],
      ['General', STYLE_PLAIN],
      ['#,##0 "元";[Red]-#,##0 "元"', STYLE_PLAIN],
      ['_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)', STYLE_PLAIN],
    ];
    for (const [code, kind] of cases) expect([code, classifyFormatCode(code)]).toEqual([code, kind]);
  });

  it('makes valid sheet names', () => {
    expect(sheetName('a/b:c*d?e[f]g\\h')).toBe('a_b_c_d_e_f_g_h');
    expect(sheetName("'quoted'")).toBe('quoted');
    expect(sheetName('省级面板数据_2000_2020_熵值法综合指数_稳健性检验_样本')).toHaveLength(31);
    expect(sheetName('')).toBe('Sheet1');
  });
});

// ---------------------------------------------------------------------------------------------
// Export

function addDataset(store: ProjectStore, name: string, nrows: number, vars: (NewVariable & { values: Float64Array | Int32Array })[]): number {
  const { datasetId, variableIds } = store.beginDataset(name, 'test', nrows, vars);
  for (let c = 0; c * CHUNK_ROWS < nrows; c++) {
    const lo = c * CHUNK_ROWS;
    const hi = Math.min(nrows, lo + CHUNK_ROWS);
    store.writeChunks(c, variableIds, vars.map((v) => v.values.subarray(lo, hi)));
  }
  return store.commitDataset(datasetId).id;
}

const imported = (column: string, sourceType?: string) => ({ kind: 'import' as const, source: 'test', column, ...(sourceType ? { sourceType } : {}) });

describe('exportXlsx → readXlsx round trip', () => {
  it('keeps numbers, text, dates, date-times and missing values', async () => {
    const store = ProjectStore.create(':memory:');
    const levels = [' lead', 'a&b<c>"', 'line\nbreak', '_x0041_', '上海', '北京'];
    const id = addDataset(store, 'panel/2020: 省级*数据 with a very long name', 5, [
      { name: 'x', type: 'numeric', recipe: imported('x'), values: Float64Array.from([1.5, NaN, -1e-12, 123456789012345, 0.1 + 0.2]) },
      { name: '城市', type: 'categorical', levels, recipe: imported('城市'), values: Int32Array.from([4, 5, -1, 1, 0]) },
      { name: 'odd', type: 'categorical', levels, recipe: imported('odd'), values: Int32Array.from([2, 3, 0, -1, 1]) },
      { name: 'day', type: 'numeric', recipe: imported('day', 'date'), values: Float64Array.from([0, -1, 22000, NaN, -21855]) },
      { name: 'stamp', type: 'numeric', recipe: imported('stamp', 'datetime'), values: Float64Array.from([1, 1.9e12, NaN, -86_400_000, 43200000]) },
      { name: 'empty', type: 'numeric', recipe: imported('empty'), values: new Float64Array(5).fill(NaN) },
      // As a Stata .dta import records them: a double with a display format.
      { name: 'dta_day', type: 'numeric', recipe: { ...imported('dta_day', 'double'), format: '%tdCCYY-NN-DD' }, values: Float64Array.from([1, 2, 3, 4, 5]) },
      { name: 'dta_month', type: 'numeric', recipe: { ...imported('dta_month', 'float'), format: '%tm' }, values: Float64Array.from([720, 721, 722, 723, 724]) },
    ]);
    const target = join(dir, 'round.xlsx');
    expect(await exportXlsx(store, id, target)).toEqual({ path: target, rows: 5 });
    expect(await listXlsxSheets(target)).toEqual(['panel_2020_ 省级_数据 with a very l']);
    const t = await readXlsx(target);
    expect(t.nrows).toBe(5);
    // The all-missing column has only its header: it stays, as an all-missing numeric column.
    expect(summary(t)).toEqual([
      { name: 'x', kind: 'numeric', sourceType: 'number', values: [1.5, null, -1e-12, 123456789012345, 0.1 + 0.2] },
      { name: '城市', kind: 'categorical', sourceType: 'text', levels: ['a&b<c>"', 'lead', '上海', '北京'], values: ['上海', '北京', null, 'a&b<c>"', 'lead'] },
      { name: 'odd', kind: 'categorical', sourceType: 'text', levels: ['_x0041_', 'a&b<c>"', 'lead', 'line\nbreak'], values: ['line\nbreak', '_x0041_', 'lead', null, 'a&b<c>"'] },
      { name: 'day', kind: 'numeric', sourceType: 'date', displayFormat: '%td', values: [0, -1, 22000, null, -21855] },
      { name: 'stamp', kind: 'numeric', sourceType: 'datetime', displayFormat: '%tc', values: [1, 1.9e12, null, -86_400_000, 43200000] },
      { name: 'empty', kind: 'numeric', sourceType: 'number', values: [null, null, null, null, null] },
      { name: 'dta_day', kind: 'numeric', sourceType: 'date', displayFormat: '%td', values: [1, 2, 3, 4, 5] },
      { name: 'dta_month', kind: 'numeric', sourceType: 'number', values: [720, 721, 722, 723, 724] },
    ]);
    expect(t.warnings).toEqual([]);
    store.close();
  });

  it('writes and reads a dataset without rows', async () => {
    const store = ProjectStore.create(':memory:');
    const id = addDataset(store, 'none', 0, [{ name: 'x', type: 'numeric', recipe: imported('x'), values: new Float64Array(0) }]);
    const target = join(dir, 'none.xlsx');
    await exportXlsx(store, id, target);
    const t = await readXlsx(target);
    expect(t.nrows).toBe(0);
    expect(t.columns.map((c) => [c.name, c.values.length])).toEqual([['x', 0]]);
    expect(t.warnings).toEqual(['none.xlsx, sheet "none" has a header row but no data rows']);
    store.close();
  });

  it('refuses other extensions and datasets larger than a sheet', async () => {
    const store = ProjectStore.create(':memory:');
    const n = 1_048_576;
    const id = addDataset(store, 'big', n, [{ name: 'x', type: 'numeric', recipe: imported('x'), values: new Float64Array(n) }]);
    await expect(exportXlsx(store, id, join(dir, 'big.csv'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const e = await exportXlsx(store, id, join(dir, 'big.xlsx')).catch((err: unknown) => err as AppError);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).message).toBe('big.xlsx: dataset "big" has 1,048,576 rows, more than an Excel sheet holds (1,048,575 plus the header row); export it to CSV instead');
    store.close();
  });

  it('round-trips 200,000 rows × 12 columns', async () => {
    const store = ProjectStore.create(':memory:');
    const n = 200_000;
    const regions = Array.from({ length: 300 }, (_, i) => `地区_${String(i).padStart(3, '0')}`);
    let s = 7;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const vars = Array.from({ length: 11 }, (_, j) => ({
      name: `x${j}`,
      type: 'numeric' as const,
      recipe: imported(`x${j}`),
      values: Float64Array.from({ length: n }, (_v, i) => (j === 0 ? i + 1 : i % 97 === j ? NaN : Math.round(rnd() * 1e6) / 1000)),
    }));
    const region = { name: 'region', type: 'categorical' as const, levels: [...regions].sort(), recipe: imported('region'), values: Int32Array.from({ length: n }, (_v, i) => i % 300) };
    const id = addDataset(store, 'big', n, [...vars, region]);
    const target = join(dir, 'big.xlsx');
    const t0 = performance.now();
    await exportXlsx(store, id, target);
    const t1 = performance.now();
    const t = await readXlsx(target);
    const t2 = performance.now();
    console.log(`xlsx perf: ${n} rows × 12 columns, ${(readFileSync(target).length / 1048576).toFixed(1)} MB: export ${(t1 - t0).toFixed(0)} ms, read ${(t2 - t1).toFixed(0)} ms`);
    expect(t.nrows).toBe(n);
    // First differing row per column (-1: none); a loop, as deep equality of 200,000-element arrays is slow.
    const firstDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
      return -1;
    };
    const diffs = [...vars, region].map((v, j) => firstDiff(t.columns[j]!.values, v.values));
    expect(diffs).toEqual(new Array(12).fill(-1));
    expect(t.columns[11]!.levels).toEqual(region.levels);
    store.close();
  }, 90_000);
});
