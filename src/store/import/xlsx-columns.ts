// From the cells of a worksheet to typed columns: which rows are data, the column names, and the
// type of each column. A column is numeric when every non-empty cell is a number, a boolean
// (0/1) or text that reads as a number; it holds dates when every such cell is a number shown
// with a date format; anything else makes it categorical. Dates follow Stata: days since
// 1960-01-01 (%td) or milliseconds since 1960-01-01 00:00 (%tc).
import { headerNames } from './csv.js';
import { MISSING_TOKENS } from './csv-fields.js';
import type { ImportedColumn, ImportedTable } from './table.js';
import { C_BOOL, C_DATE, C_DATETIME, C_EMPTY, C_ERR, C_NUM, C_STR, type CellColumn, type SheetCells } from './xlsx-sheet.js';

const MISSING = new Set(MISSING_TOKENS);
const MS_PER_DAY = 86_400_000;
/** Excel serial of 1960-01-01 in the 1900 and the 1904 date systems. */
const SERIAL_1960 = 21_916;
const SERIAL_1960_1904 = 20_454;

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
/** Leading zeros ("000123", stock and region codes) mark an identifier, not a number. */
const LEADING_ZERO = /^[+-]?0\d/;

export interface SheetContext {
  file: string;
  sheet: string;
  date1904: boolean;
  /** 1-based header row; undefined: row 1, or the first non-empty row if row 1 is empty. */
  headerRow: number | undefined;
  /** Most cells (rows × columns) the table may have; see sheetCellBudget. */
  maxCells?: number;
}

/** Column letters of a 0-based column index (0 → A, 27 → AB). */
export function columnLetters(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Days since 1960-01-01 (with the fraction of the day) of an Excel serial. */
export function serialToDays(serial: number, date1904: boolean): number {
  if (date1904) return serial - SERIAL_1960_1904;
  // Excel counts a 29 February 1900 that did not exist (Lotus 1-2-3 compatibility): serials
  // below 61 are one day early. (Serial 60, the phantom day, becomes 1 March.)
  return serial < 61 ? serial - SERIAL_1960 + 1 : serial - SERIAL_1960;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A date cell as text (for categorical columns and header names): ISO 8601. */
function dateText(serial: number, date1904: boolean, withTime: boolean): string {
  const ms = Math.round(serialToDays(serial, date1904) * MS_PER_DAY) + Date.UTC(1960, 0, 1);
  const d = new Date(ms);
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return withTime ? `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` : day;
}

/** A number as Excel shows its stored value: at most 15 significant digits. */
export function numberText(v: number): string {
  return String(Number(v.toPrecision(15)));
}

/** The value of text that reads as a number ("12", "-1.5e3", "1,234.5"), else NaN. */
function textNumber(s: string): number {
  if (PLAIN_NUMBER.test(s)) return Number(s);
  if (THOUSANDS.test(s)) return Number(s.replaceAll(',', ''));
  return NaN;
}

function cellText(col: CellColumn, row: number, cells: SheetCells, date1904: boolean): string {
  const k = col.kindAt(row);
  const v = col.val[row]!;
  switch (k) {
    case C_STR:
      return cells.strings[v]!.trim();
    case C_NUM:
      return numberText(v);
    case C_DATE:
      return dateText(v, date1904, v !== Math.floor(v));
    case C_DATETIME:
      return dateText(v, date1904, true);
    case C_BOOL:
      return v === 1 ? 'TRUE' : 'FALSE';
    default:
      return '';
  }
}

/** True if the cell holds something (blank text and missing tokens count as empty). */
function filled(col: CellColumn, row: number, cells: SheetCells): boolean {
  const k = col.kindAt(row);
  if (k === C_EMPTY) return false;
  if (k !== C_STR) return true;
  const s = cells.strings[col.val[row]!]!.trim();
  return s !== '' && !MISSING.has(s);
}

export function buildTable(cells: SheetCells, ctx: SheetContext): ImportedTable {
  const where = `${ctx.file}, sheet "${ctx.sheet}"`;
  const cols = cells.columns;
  // Rows that hold anything, to find the header (default) and drop trailing empty rows.
  let firstRow = Infinity;
  let lastRow = -1;
  for (const col of cols) {
    if (col === null) continue;
    for (let r = 0; r < col.kind.length; r++) {
      if (col.kind[r] === C_EMPTY || !filled(col, r, cells)) continue;
      if (r < firstRow) firstRow = r;
      if (r > lastRow) lastRow = r;
    }
  }
  if (lastRow < 0) throw new BadSheet(`${where} is empty`);
  let header = ctx.headerRow === undefined ? 0 : ctx.headerRow - 1;
  // A default header row that is completely empty means the table starts lower (title rows
  // left blank, a table pasted at B3): start at the first row that holds anything.
  if (ctx.headerRow === undefined && !cols.some((c) => c !== null && filled(c, 0, cells))) header = firstRow;
  if (header > lastRow) throw new BadSheet(`${where} has nothing in row ${header + 1} or below (the last row with data is ${lastRow + 1})`);

  // Columns with anything from the header row down; empty ones at either edge are dropped.
  const used = (c: number): boolean => {
    const col = cols[c];
    if (col === null || col === undefined) return false;
    for (let r = header; r <= lastRow; r++) if (filled(col, r, cells)) return true;
    return false;
  };
  let c0 = 0;
  while (c0 < cols.length && !used(c0)) c0++;
  let c1 = cols.length - 1;
  while (c1 >= c0 && !used(c1)) c1--;

  // Empty columns between used ones become columns of missing values: A1 and XFD1048576 alone
  // would make 16,384 columns of a million rows. Refuse before allocating them.
  const span = (lastRow - header + 1) * (c1 - c0 + 1);
  if (ctx.maxCells !== undefined && span > ctx.maxCells) {
    throw new BadSheet(
      `${where}: the cells span ${lastRow - header + 1} rows × ${c1 - c0 + 1} columns (to row ${lastRow + 1}, column ${columnLetters(c1)}), far more than the sheet's data can fill; the sheet is damaged, or delete the stray cells far from the table in Excel and save it again`,
    );
  }
  const warnings: string[] = [];
  const raw: string[] = [];
  for (let c = c0; c <= c1; c++) {
    const col = cols[c];
    raw.push(col === null || col === undefined ? '' : cellText(col, header, cells, ctx.date1904));
  }
  const names = headerNames(raw, where, warnings, {
    unnamed: (i) => `column_${c0 + i + 1}`,
    where: (i) => columnLetters(c0 + i),
  });

  const nrows = lastRow - header;
  const columns: ImportedColumn[] = [];
  let blankRows = 0;
  for (let r = header + 1; r <= lastRow; r++) {
    let any = false;
    for (let c = c0; c <= c1 && !any; c++) {
      const col = cols[c];
      any = col !== null && col !== undefined && filled(col, r, cells);
    }
    if (!any) blankRows++;
  }
  for (let c = c0; c <= c1; c++) {
    const label = `${where}, column ${columnLetters(c)} ("${names[c - c0]!}")`;
    columns.push(typeColumn(cols[c] ?? null, header + 1, nrows, names[c - c0]!, cells, ctx.date1904, label, warnings));
  }
  if (nrows === 0) warnings.push(`${where} has a header row but no data rows`);
  if (blankRows > 0) {
    warnings.push(`${where}: ${blankRows} empty ${blankRows === 1 ? 'row' : 'rows'} between data rows ${blankRows === 1 ? 'was' : 'were'} kept as missing values`);
  }
  return { nrows, columns, warnings };
}

/** An input problem found while building the table (readXlsx turns it into BAD_FILE). */
export class BadSheet extends Error {}

function typeColumn(
  col: CellColumn | null,
  from: number,
  nrows: number,
  name: string,
  cells: SheetCells,
  date1904: boolean,
  label: string,
  warnings: string[],
): ImportedColumn {
  // Count cell kinds over the data rows.
  let nNum = 0;
  let nDate = 0;
  let nDateTime = 0;
  let nBool = 0;
  let nText = 0;
  let nTextNumber = 0;
  let leadingZero = '';
  let textExample = '';
  const errors = new Map<string, number>();
  for (let i = 0; i < nrows && col !== null; i++) {
    const r = from + i;
    const k = col.kindAt(r);
    if (k === C_NUM) nNum++;
    else if (k === C_DATE) nDate++;
    else if (k === C_DATETIME) nDateTime++;
    else if (k === C_BOOL) nBool++;
    else if (k === C_ERR) {
      const e = cells.strings[col.val[r]!]!;
      errors.set(e, (errors.get(e) ?? 0) + 1);
    } else if (k === C_STR && filled(col, r, cells)) {
      const s = cells.strings[col.val[r]!]!.trim();
      if (Number.isNaN(textNumber(s))) nText++;
      else {
        nTextNumber++;
        if (textExample === '') textExample = s;
        if (leadingZero === '' && LEADING_ZERO.test(s)) leadingZero = s;
      }
    }
  }
  if (errors.size > 0) {
    const n = [...errors.values()].reduce((a, b) => a + b, 0);
    warnings.push(`${label}: ${n} error ${n === 1 ? 'cell' : 'cells'} (${[...errors.keys()].join(', ')}) read as missing`);
  }
  const nDates = nDate + nDateTime;
  const values = new Float64Array(nrows);
  let missing = 0;

  if (nText === 0 && leadingZero === '' && nDates > 0 && nNum === 0 && nBool === 0 && nTextNumber === 0) {
    // Date-times (%tc) when some cell is formatted with a time of day and has one; otherwise
    // whole days (%td): a date-time format on values that are all midnight shows dates (writers
    // such as R openxlsx give Date and POSIXct columns one shared style), and a date-only format
    // shows the day of a value with a fraction.
    let withTime = false;
    for (let i = 0; i < nrows && nDateTime > 0 && !withTime; i++) {
      const v = col!.val[from + i]!;
      withTime = col!.kindAt(from + i) === C_DATETIME && v !== Math.floor(v);
    }
    for (let i = 0; i < nrows; i++) {
      const k = col!.kindAt(from + i);
      if (k !== C_DATE && k !== C_DATETIME) {
        values[i] = NaN;
        missing++;
        continue;
      }
      const days = serialToDays(col!.val[from + i]!, date1904);
      values[i] = withTime ? Math.round(days * MS_PER_DAY) : Math.floor(days);
    }
    return { name, kind: 'numeric', values, displayFormat: withTime ? '%tc' : '%td', missing, sourceType: withTime ? 'datetime' : 'date' };
  }

  if (nText === 0 && leadingZero === '') {
    for (let i = 0; i < nrows; i++) {
      const r = from + i;
      const k = col === null ? C_EMPTY : col.kindAt(r);
      let v = NaN;
      if (k === C_NUM || k === C_DATE || k === C_DATETIME || k === C_BOOL) v = col!.val[r]!;
      else if (k === C_STR) v = textNumber(cells.strings[col!.val[r]!]!.trim());
      if (Number.isNaN(v)) missing++;
      values[i] = v;
    }
    if (nTextNumber > 0) {
      warnings.push(`${label}: ${nTextNumber} ${nTextNumber === 1 ? 'number' : 'numbers'} stored as text (such as "${textExample}") read as ${nTextNumber === 1 ? 'a number' : 'numbers'}`);
    }
    if (nDates > 0) {
      warnings.push(`${label}: only some cells are formatted as dates; the column is read as plain numbers (Excel serial day numbers)`);
    }
    const onlyBool = nBool > 0 && nNum + nDates + nTextNumber === 0;
    return { name, kind: 'numeric', values, missing, sourceType: onlyBool ? 'boolean' : 'number' };
  }

  // Categorical: levels sorted by UTF-16 code units, as the CSV importer sorts them.
  const text: (string | null)[] = new Array<string | null>(nrows).fill(null);
  const distinct = new Set<string>();
  for (let i = 0; i < nrows && col !== null; i++) {
    const r = from + i;
    if (col.kindAt(r) === C_ERR || !filled(col, r, cells)) continue;
    const s = cellText(col, r, cells, date1904);
    text[i] = s;
    distinct.add(s);
  }
  const levels = [...distinct].sort();
  const index = new Map(levels.map((s, i) => [s, i]));
  const codes = new Int32Array(nrows);
  for (let i = 0; i < nrows; i++) {
    const s = text[i];
    codes[i] = s === null || s === undefined ? -1 : index.get(s)!;
    if (codes[i] === -1) missing++;
  }
  if (nText === 0 && leadingZero !== '') {
    warnings.push(`${label}: read as text because values such as "${leadingZero}" have leading zeros (codes, not numbers)`);
  }
  return { name, kind: 'categorical', values: codes, levels, missing, sourceType: 'text' };
}
