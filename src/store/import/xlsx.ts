// Excel .xlsx import (Office Open XML, ECMA-376) without third-party packages: the ZIP
// container is read with xlsx-zip.ts (zlib inflates), the XML parts are scanned as bytes
// (xlsx-xml.ts), cells are collected per column (xlsx-sheet.ts) and typed (xlsx-columns.ts).
// Old binary .xls and encrypted workbooks are recognised and refused with a clear message.
import { AppError } from '../../shared/errors.js';
import type { ImportedTable, ReadOptions } from './table.js';
import { BadSheet, buildTable } from './xlsx-columns.js';
import { SheetReader, sheetCellBudget } from './xlsx-sheet.js';
import { openWorkbook, readSharedStrings, readStyles, type SheetRef, type Workbook } from './xlsx-workbook.js';

export interface XlsxReadOptions extends ReadOptions {
  /** Sheet name or 0-based index among the worksheets (listXlsxSheets); default: the first. */
  sheet?: string | number;
  /** 1-based row holding the column names; rows above it are skipped. Default 1 (or, if row 1
   *  is completely empty, the first row that holds anything). */
  headerRow?: number;
}

/** Bytes of sheet XML scanned between progress reports / cancellation checks. */
const SLICE_BYTES = 4 << 20;

function worksheets(wb: Workbook): SheetRef[] {
  return wb.sheets.filter((s) => s.worksheet);
}

/** Names of the worksheets (not chart sheets), in workbook order. */
export async function listXlsxSheets(path: string): Promise<string[]> {
  const wb = await openWorkbook(path);
  return worksheets(wb).map((s) => s.name);
}

function pickSheet(wb: Workbook, sheet: string | number | undefined): SheetRef {
  const list = worksheets(wb);
  const names = list.map((s) => `"${s.name}"`).join(', ');
  if (list.length === 0) throw new AppError('BAD_FILE', `${wb.file}: the workbook has no worksheets`);
  if (sheet === undefined) return list[0]!;
  if (typeof sheet === 'number') {
    const s = list[sheet];
    if (!Number.isInteger(sheet) || s === undefined) {
      throw new AppError('BAD_FILE', `${wb.file}: there is no sheet number ${sheet + 1}; the workbook has ${list.length} (${names})`);
    }
    return s;
  }
  const exact = list.find((s) => s.name === sheet) ?? list.find((s) => s.name.toLowerCase() === sheet.toLowerCase());
  if (exact !== undefined) return exact;
  const chart = wb.sheets.find((s) => !s.worksheet && s.name === sheet);
  if (chart !== undefined) throw new AppError('BAD_FILE', `${wb.file}: sheet "${sheet}" is a chart sheet, not a table; sheets with data: ${names}`);
  throw new AppError('BAD_FILE', `${wb.file}: there is no sheet named "${sheet}"; the workbook has ${names}`);
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'import cancelled');
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function readXlsx(path: string, opts: XlsxReadOptions = {}): Promise<ImportedTable> {
  const { signal, onProgress } = opts;
  if (opts.headerRow !== undefined && !(Number.isInteger(opts.headerRow) && opts.headerRow >= 1)) {
    throw new AppError('INVALID_ARGUMENT', `headerRow must be a row number (1, 2, ...), got ${opts.headerRow}`);
  }
  if (signal?.aborted) throw cancelled();
  const wb = await openWorkbook(path);
  const ref = pickSheet(wb, opts.sheet);
  const strings = readSharedStrings(wb);
  const styles = readStyles(wb);
  const xml = wb.zip.read(ref.part);
  onProgress?.(0.1);
  const reader = new SheetReader(xml, strings, styles, wb.date1904, `${wb.file}, sheet "${ref.name}"`);
  while (!reader.step(SLICE_BYTES)) {
    onProgress?.(0.1 + 0.8 * reader.fraction);
    await yieldToLoop();
    if (signal?.aborted) throw cancelled();
  }
  try {
    const table = buildTable(reader.result, { file: wb.file, sheet: ref.name, date1904: wb.date1904, headerRow: opts.headerRow, maxCells: sheetCellBudget(xml.length) });
    onProgress?.(1);
    return table;
  } catch (err) {
    if (err instanceof BadSheet) throw new AppError('BAD_FILE', err.message);
    throw err;
  }
}
