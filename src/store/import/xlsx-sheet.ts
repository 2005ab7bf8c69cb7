// Reads the cells of one worksheet part (`<sheetData>`: `<row>`s of `<c>` cells, ECMA-376
// §18.3.1) into per-column typed arrays. Cells keep their Excel kind; deciding column types is
// left to xlsx-columns.ts, which needs to see a whole column first. Rows and cells may be sparse
// or lack their `r` reference (then they follow the previous one). The scan runs in slices
// (step) so the caller can report progress and honour cancellation on large sheets.
import { Buffer } from 'node:buffer';
import { AppError } from '../../shared/errors.js';
import { K_NUMBER, classifyNumeric, parsed } from './csv-fields.js';
import { STYLE_DATE, STYLE_DATETIME, readStringItem } from './xlsx-workbook.js';
import { TAG_CLOSE, TAG_EMPTY, TAG_OPEN, XmlScanner, decodeOoxmlEscapes, decodeXml } from './xlsx-xml.js';

/** Cell kinds. Numbers keep the serial value; C_DATE / C_DATETIME are numbers with a date style. */
export const C_EMPTY = 0;
export const C_NUM = 1;
export const C_DATE = 2;
export const C_DATETIME = 3;
/** `val` indexes SheetCells.strings. */
export const C_STR = 4;
export const C_BOOL = 5;
/** `val` indexes SheetCells.strings (the error text, e.g. "#N/A"). */
export const C_ERR = 6;

export const MAX_ROWS = 1_048_576;
const LT = 60;
const GT = 62;
const SLASH = 47;
const CH_V = 118;
const CH_C = 99;
export const MAX_COLS = 16_384;

/**
 * How many cells (slots of the sheet reader, cells of the imported table) a worksheet part of
 * `bytes` bytes may claim: 16M cells whatever the size (≈150 MB), beyond that 32 per byte of XML.
 * A written cell takes at least ~15 bytes (`<c><v>1</v></c>`), so real sheets stay far below;
 * only sheets whose few cells lie far apart reach it.
 */
export function sheetCellBudget(bytes: number): number {
  return Math.max(1 << 24, 32 * bytes);
}

/** The cells of one column, indexed by 0-based sheet row. */
export class CellColumn {
  kind: Uint8Array;
  val: Float64Array;

  constructor() {
    this.kind = new Uint8Array(1024);
    this.val = new Float64Array(1024);
  }

  /** Slots after growing to hold `row` (doubling). */
  capacityFor(row: number): number {
    let n = this.kind.length;
    while (n <= row) n *= 2;
    return n;
  }

  set(row: number, kind: number, val: number): void {
    if (row >= this.kind.length) {
      const n = this.capacityFor(row);
      const k = new Uint8Array(n);
      k.set(this.kind);
      const v = new Float64Array(n);
      v.set(this.val);
      this.kind = k;
      this.val = v;
    }
    this.kind[row] = kind;
    this.val[row] = val;
  }

  kindAt(row: number): number {
    return row < this.kind.length ? this.kind[row]! : C_EMPTY;
  }
}

export interface SheetCells {
  /** Per 0-based sheet column (null: no cell at all). */
  columns: (CellColumn | null)[];
  /** Shared strings followed by the strings of inline, formula-string and error cells. */
  strings: string[];
}

/** Excel serial (1900 system) of an ISO 8601 date or date-time (cells of type "d"). */
function isoToSerial(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(Z)?$/.exec(s.trim());
  if (m === null) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), 0) + Number(m[6] ?? 0) * 1000;
  return ms / 86_400_000 + 25_569; // serial of 1970-01-01
}

export class SheetReader {
  private readonly x: XmlScanner;
  private readonly cells: SheetCells;
  private row = -1;
  private col = -1;
  private done = false;
  /** Entries of the shared string table (strings appended after them are not shared). */
  private readonly sharedCount: number;
  /** Cell slots allocated over all columns, and how many the sheet's size allows (sheetCellBudget). */
  private allocated = 0;
  private readonly budget: number;

  constructor(
    buf: Buffer,
    sharedStrings: string[],
    private readonly styles: Uint8Array,
    private readonly date1904: boolean,
    private readonly where: string,
  ) {
    this.x = new XmlScanner(buf);
    this.cells = { columns: [], strings: sharedStrings.slice() };
    this.sharedCount = sharedStrings.length;
    this.budget = sheetCellBudget(buf.length);
  }

  get result(): SheetCells {
    return this.cells;
  }

  get fraction(): number {
    return this.x.buf.length === 0 ? 1 : this.x.pos / this.x.buf.length;
  }

  /** Scans about `bytes` more bytes of the sheet; true when the whole sheet has been read. */
  step(bytes: number): boolean {
    const x = this.x;
    const stop = x.pos + bytes;
    while (!this.done && x.pos < stop) {
      if (!x.next()) {
        this.done = true;
        break;
      }
      if (x.kind === TAG_CLOSE) continue;
      if (x.is('c')) this.cell();
      else if (x.is('row')) this.startRow();
      else if (x.kind === TAG_OPEN && !x.is('sheetData') && !x.is('worksheet')) x.skipElement();
    }
    return this.done;
  }

  private startRow(): void {
    const x = this.x;
    let r = this.row + 1;
    let written = '';
    x.firstAttr();
    while (x.nextAttr()) {
      if (x.attrNameIs('r')) {
        written = x.buf.toString('latin1', x.avS, Math.min(x.avE, x.avS + 20));
        r = parseInt(written, 10) - 1;
        break;
      }
    }
    // Name the row as written: a damaged r="x1" parses to NaN, which means nothing to the user.
    if (!(r >= 0 && r < MAX_ROWS)) throw this.bad(`row number "${written || r + 1}" is not a row of a worksheet (1 to ${MAX_ROWS})`);
    this.row = r;
    this.col = -1;
  }

  /**
   * Accounts for a column growing from `from` to `to` slots. A cell far below the others costs
   * memory for every row above it: a small damaged or hostile sheet with cells at row 1,048,576 in
   * many columns would otherwise claim gigabytes (and minutes) before anything could fail.
   */
  private grow(from: number, to: number, row: number, col: number): void {
    this.allocated += to - from;
    if (this.allocated > this.budget) {
      throw this.bad(
        `the cells are spread far wider than the sheet's ${this.x.buf.length} bytes of data can fill (a cell at row ${row + 1}, column ${col + 1}); the sheet is damaged, or delete the stray cells far from the table in Excel and save it again`,
      );
    }
  }

  private bad(what: string): AppError {
    return new AppError('BAD_FILE', `${this.where}: ${what}`);
  }

  private cell(): void {
    const x = this.x;
    const buf = x.buf;
    let col = this.col + 1;
    let row = this.row < 0 ? 0 : this.row;
    let style = 0;
    let type = 0; // first letter of t: n (default), s, b, e, d, i(nlineStr); "str" is 'S'
    x.firstAttr();
    while (x.nextAttr()) {
      const len = x.anE - x.anS;
      if (len !== 1) continue;
      const a = buf[x.anS];
      if (a === 114 /* r */) {
        // A1-style reference: letters = column (A = 0), digits = row.
        let p = x.avS;
        let c = 0;
        for (; p < x.avE; p++) {
          const ch = buf[p]! | 0x20;
          if (ch < 97 || ch > 122) break;
          c = c * 26 + (ch - 96);
        }
        let r = 0;
        for (; p < x.avE; p++) r = r * 10 + (buf[p]! - 48);
        if (c > 0) col = c - 1;
        if (r > 0) row = r - 1;
      } else if (a === 115 /* s */) {
        style = parseInt(buf.toString('latin1', x.avS, x.avE), 10) || 0;
      } else if (a === 116 /* t */) {
        const l = x.avE - x.avS;
        type = l === 3 && buf[x.avS] === 115 ? 83 : buf[x.avS]!;
      }
    }
    if (col >= MAX_COLS || row >= MAX_ROWS) throw this.bad(`a cell reference is out of range (row ${row + 1}, column ${col + 1})`);
    this.col = col;
    this.row = row;
    if (x.kind === TAG_EMPTY) return;

    // Fast path for the usual shape `<c ...><v>value</v></c>` (no namespace prefix): most cells
    // of large sheets, read without going through the general scanner four times.
    const p = x.pos;
    if (buf[p] === LT && buf[p + 1] === CH_V && buf[p + 2] === GT) {
      let q = p + 3;
      while (q < buf.length && buf[q] !== LT) q++;
      if (buf[q + 1] === SLASH && buf[q + 2] === CH_V && buf[q + 3] === GT && buf[q + 4] === LT && buf[q + 5] === SLASH && buf[q + 6] === CH_C && buf[q + 7] === GT) {
        x.pos = q + 8;
        this.store(col, row, type, style, p + 3, q, null);
        return;
      }
    }

    // Contents: <v> value, <is> inline string, <f> formula (skipped: its cached <v> is the value).
    let vS = -1;
    let vE = -1;
    let inline: string | null = null;
    while (x.next()) {
      if (x.kind === TAG_CLOSE) {
        if (x.is('c')) break;
        continue;
      }
      if (x.is('v')) {
        if (x.kind === TAG_OPEN) {
          x.toClose();
          vS = x.textS;
          vE = x.textE;
        }
      } else if (x.is('is')) {
        inline = readStringItem(x);
      } else {
        x.skipElement();
      }
    }
    this.store(col, row, type, style, vS, vE, inline);
  }

  private store(col: number, row: number, type: number, style: number, vS: number, vE: number, inline: string | null): void {
    const buf = this.x.buf;
    const strings = this.cells.strings;
    let kind = C_EMPTY;
    let val = 0;
    if (type === 105 /* inlineStr */) {
      if (inline === null && vS >= 0) inline = decodeOoxmlEscapes(decodeXml(buf, vS, vE));
      if (inline !== null && inline !== '') {
        kind = C_STR;
        val = strings.push(inline) - 1;
      }
    } else if (vS < 0 || vS === vE) {
      return; // no value (an empty or formula-only cell)
    } else if (type === 115 /* s */) {
      kind = C_STR;
      val = parseInt(buf.toString('latin1', vS, vE), 10);
      if (!(val >= 0 && val < this.sharedCount)) {
        // Quote the index as written (a damaged "abc" parses to NaN, which means nothing to the user).
        const written = buf.toString('latin1', vS, Math.min(vE, vS + 20));
        throw this.bad(`a cell refers to shared string "${written}", which does not exist (the workbook has ${this.sharedCount})`);
      }
    } else if (type === 83 /* str */ || type === 101 /* e */) {
      const s = decodeOoxmlEscapes(decodeXml(buf, vS, vE));
      if (s === '' && type === 83) return;
      kind = type === 83 ? C_STR : C_ERR;
      val = strings.push(s) - 1;
    } else if (type === 98 /* b */) {
      kind = C_BOOL;
      val = buf[vS] === 49 || buf[vS] === 116 ? 1 : 0; // "1" or "true"
    } else if (type === 100 /* d */) {
      const serial = isoToSerial(buf.toString('latin1', vS, vE));
      if (Number.isNaN(serial)) return;
      val = this.date1904 ? serial - 1462 : serial;
      kind = val !== Math.floor(val) || this.styles[style] === STYLE_DATETIME ? C_DATETIME : C_DATE;
    } else if (classifyNumeric(buf, vS, vE, 0) === K_NUMBER) {
      val = parsed.value;
      const st = style < this.styles.length ? this.styles[style]! : 0;
      kind = st === STYLE_DATE ? C_DATE : st === STYLE_DATETIME ? C_DATETIME : C_NUM;
    } else {
      // Not a number although typed as one: keep what is written as text.
      kind = C_STR;
      val = strings.push(decodeXml(buf, vS, vE)) - 1;
    }
    const cols = this.cells.columns;
    while (cols.length <= col) cols.push(null);
    let c = cols[col];
    if (c === null || c === undefined) {
      c = new CellColumn();
      cols[col] = c;
      this.grow(0, c.kind.length, row, col);
    }
    if (row >= c.kind.length) this.grow(c.kind.length, c.capacityFor(row), row, col);
    c.set(row, kind, val);
  }

}
