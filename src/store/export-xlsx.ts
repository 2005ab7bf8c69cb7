// Export a dataset to a minimal .xlsx workbook: one sheet named after the dataset, a bold and
// frozen header row, numbers as numeric cells, categorical values through the shared string
// table (its entries are exactly the variables' levels), missing values as absent cells.
// Date variables (Stata %td / %tc formats, or imported as dates) get a date number format.
// The sheet XML is deflated as it is generated, one chunk of rows at a time, so only the
// compressed sheet is held in memory; the file is written next to the target and renamed.
import { createDeflateRaw } from 'node:zlib';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { basename } from 'node:path';
import { AppError } from '../shared/errors.js';
import type { VariableInfo } from '../shared/types.js';
import { CHUNK_ROWS } from './codec.js';
import type { ProjectStore } from './project.js';
import { selectVariables } from './select-variables.js';
import { columnLetters } from './import/xlsx-columns.js';
import { escapeXml } from './import/xlsx-xml.js';
import { crc32, deflateEntry, zipParts, type DeflatedEntry } from './import/xlsx-zip.js';

/** Excel's sheet size: 1,048,576 rows (one is the header) and 16,384 columns. */
const MAX_DATA_ROWS = 1_048_575;
const MAX_COLS = 16_384;
const MAX_CELL_CHARS = 32_767;
/** Excel serial day of 1960-01-01, the origin of Stata dates. */
const SERIAL_1960 = 21_916;
const MS_PER_DAY = 86_400_000;
/** Sheet XML bytes per write to the deflate stream. */
const FLUSH_BYTES = 1 << 20;

export const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// cellXfs indices written in styles.xml below.
const XF_HEADER = 1;
const XF_DATE = 2;
const XF_DATETIME = 3;

/** 'date' / 'datetime' for variables whose values are Stata dates, as far as the project knows. */
function dateKind(v: VariableInfo): 'date' | 'datetime' | null {
  if (v.type !== 'numeric' || v.recipe.kind !== 'import') return null;
  // The Stata display format (from .dta and .xlsx imports) says it best: %td (and the old %d)
  // are days, %tc / %tC milliseconds. Weekly, monthly, ... formats (%tw, %tm) are not days.
  const fmt = v.recipe.format;
  if (fmt !== undefined) {
    if (/^%-?t?d/.test(fmt)) return 'date';
    if (/^%-?t[cC]/.test(fmt)) return 'datetime';
    return null;
  }
  const src = v.recipe.sourceType;
  return src === 'date' || src === 'datetime' ? src : null;
}

/** A valid sheet name: at most 31 characters, none of []:*?/\, not starting or ending with '. */
export function sheetName(name: string): string {
  let s = name.replace(/[[\]:*?/\\]/g, '_').replace(/^'+|'+$/g, '');
  s = [...s].slice(0, 31).join('');
  return s.trim() === '' ? 'Sheet1' : s;
}

function stylesXml(): string {
  return (
    `${XML_HEAD}<styleSheet xmlns="${NS}">` +
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>' +
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  );
}

/** The parts of a one-sheet workbook other than the sheet and the shared strings (also used by
 *  the regression-table writer, table-xlsx.ts, with its own styles). */
export function packageParts(sheet: string, styles = stylesXml()): DeflatedEntry[] {
  const ct =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '</Types>';
  const rootRels =
    `${XML_HEAD}<Relationships xmlns="${NS_PKG}">` +
    `<Relationship Id="rId1" Type="${NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  const workbook =
    `${XML_HEAD}<workbook xmlns="${NS}" xmlns:r="${NS_R}"><bookViews><workbookView/></bookViews>` +
    `<sheets><sheet name="${escapeXml(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const wbRels =
    `${XML_HEAD}<Relationships xmlns="${NS_PKG}">` +
    `<Relationship Id="rId1" Type="${NS_R}/worksheet" Target="worksheets/sheet1.xml"/>` +
    `<Relationship Id="rId2" Type="${NS_R}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId3" Type="${NS_R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  return [
    deflateEntry('[Content_Types].xml', ct),
    deflateEntry('_rels/.rels', rootRels),
    deflateEntry('xl/workbook.xml', workbook),
    deflateEntry('xl/_rels/workbook.xml.rels', wbRels),
    deflateEntry('xl/styles.xml', styles),
  ];
}

/**
 * Writes sheet XML (ASCII only: text goes to the shared strings) into a byte buffer and hands
 * each filled buffer to a raw-deflate stream, which compresses on the thread pool while the next
 * rows are generated. Keeps the compressed chunks, the CRC and the size for the ZIP entry.
 * Level 1: on this XML it is about 3× faster than the default level 6 for files ~15 % larger.
 */
class SheetWriter {
  private readonly z = createDeflateRaw({ level: 1 });
  readonly chunks: Buffer[] = [];
  crc = 0;
  size = 0;
  private buf = Buffer.allocUnsafe(FLUSH_BYTES + 65536);
  private n = 0;

  constructor() {
    this.z.on('data', (b: Buffer) => this.chunks.push(b));
  }

  /** Appends ASCII text. */
  put(s: string): void {
    if (this.n + s.length > this.buf.length) this.grow(s.length);
    this.n += this.buf.write(s, this.n, 'latin1');
  }

  private grow(extra: number): void {
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + extra));
    this.buf.copy(b, 0, 0, this.n);
    this.buf = b;
  }

  get full(): boolean {
    return this.n >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.n === 0) return;
    const b = this.buf.subarray(0, this.n);
    this.crc = crc32(b, this.crc);
    this.size += b.length;
    this.buf = Buffer.allocUnsafe(FLUSH_BYTES + 65536);
    this.n = 0;
    if (!this.z.write(b)) await once(this.z, 'drain');
  }

  async end(): Promise<void> {
    await this.flush();
    const done = once(this.z, 'end');
    this.z.end();
    await done;
  }
}

export async function exportXlsx(store: ProjectStore, datasetId: number, target: string, variables?: string[]): Promise<{ path: string; rows: number }> {
  if (!target.toLowerCase().endsWith('.xlsx')) throw new AppError('INVALID_ARGUMENT', `${target}: the file name must end in .xlsx`);
  const file = basename(target);
  const ds = store.getDataset(datasetId);
  const vars = selectVariables(ds, variables);
  if (ds.nrows > MAX_DATA_ROWS) {
    throw new AppError('BAD_DATA', `${file}: dataset "${ds.name}" has ${ds.nrows.toLocaleString('en-US')} rows, more than an Excel sheet holds (1,048,575 plus the header row); export it to CSV instead`);
  }
  if (vars.length > MAX_COLS) {
    throw new AppError('BAD_DATA', `${file}: dataset "${ds.name}" has ${vars.length} variables, more than an Excel sheet holds (16,384); export it to CSV instead`);
  }

  // Shared strings: the variable names, then the levels of each categorical variable in order.
  const sst: string[] = vars.map((v) => v.name);
  const levelBase = new Map<string, number>();
  for (const v of vars) {
    if (v.type !== 'categorical') continue;
    levelBase.set(v.name, sst.length);
    for (const lv of v.levels ?? []) {
      if (lv.length > MAX_CELL_CHARS) throw new AppError('BAD_DATA', `${file}: a value of variable "${v.name}" is longer than Excel's ${MAX_CELL_CHARS} characters per cell`);
      sst.push(lv);
    }
  }
  const letters = vars.map((_, j) => columnLetters(j));
  const kinds = vars.map(dateKind);

  const sheet = new SheetWriter();
  let refs = vars.length;
  sheet.put(
    `${XML_HEAD}<worksheet xmlns="${NS}" xmlns:r="${NS_R}">` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
      '<sheetFormatPr defaultRowHeight="15"/><sheetData>' +
      `<row r="1">${vars.map((_, j) => `<c r="${letters[j]}1" s="${XF_HEADER}" t="s"><v>${j}</v></c>`).join('')}</row>`,
  );
  // A cell's reference (r="B7") is optional when it follows the previous cell of its row, so
  // it is written only after a missing value: a third of the XML (and of the deflate time) less.
  const attrs = vars.map((v, j) => (v.type === 'categorical' ? ' t="s"' : kinds[j] === 'date' ? ` s="${XF_DATE}"` : kinds[j] === 'datetime' ? ` s="${XF_DATETIME}"` : ''));
  const openTag = attrs.map((a) => `<c${a}><v>`);
  const names = vars.map((v) => v.name);
  const index = vars.map((v) => (v.type === 'categorical' ? new Map((v.levels ?? []).map((lv, i) => [lv, i + levelBase.get(v.name)!])) : null));
  for (let offset = 0; offset < ds.nrows; offset += CHUNK_ROWS) {
    const page = store.readRows(datasetId, offset, CHUNK_ROWS, names);
    const cols = names.map((n) => page.columns[n]!);
    // Rows are built as strings and written in batches: one native write per ~64 KB.
    let text = '';
    for (let i = 0; i < page.nrows; i++) {
      const r = offset + i + 2;
      text += `<row r="${r}">`;
      let gap = false;
      for (let j = 0; j < cols.length; j++) {
        const x = cols[j]![i];
        if (x === null || x === undefined) {
          gap = true;
          continue;
        }
        text += gap ? `<c r="${letters[j]}${r}"${attrs[j]}><v>` : openTag[j]!;
        gap = false;
        if (typeof x === 'string') {
          text += index[j]!.get(x)!;
          refs++;
        } else {
          const k = kinds[j];
          text += k === 'date' ? x + SERIAL_1960 : k === 'datetime' ? x / MS_PER_DAY + SERIAL_1960 : x;
        }
        text += '</v></c>';
      }
      text += '</row>';
      if (text.length > 65536) {
        sheet.put(text);
        text = '';
        if (sheet.full) await sheet.flush();
      }
    }
    sheet.put(text);
  }
  sheet.put('</sheetData></worksheet>');
  await sheet.end();

  const sstXml =
    `${XML_HEAD}<sst xmlns="${NS}" count="${refs}" uniqueCount="${sst.length}">` +
    sst.map((s) => (s !== s.trim() || /\n/.test(s) ? `<si><t xml:space="preserve">${escapeXml(s)}</t></si>` : `<si><t>${escapeXml(s)}</t></si>`)).join('') +
    '</sst>';
  const entries = [
    ...packageParts(sheetName(ds.name)),
    { name: 'xl/worksheets/sheet1.xml', data: sheet.chunks, crc: sheet.crc, size: sheet.size },
    deflateEntry('xl/sharedStrings.xml', sstXml),
  ];
  const parts = zipParts(entries, file);

  const tmp = `${target}.${process.pid}.tmp`;
  let fh: FileHandle | null = null;
  try {
    fh = await open(tmp, 'w');
    for (const b of parts) await fh.write(b);
    await fh.close();
    fh = null;
    await rename(tmp, target);
  } catch (err) {
    await fh?.close().catch(() => {});
    await rm(tmp, { force: true });
    const msg = err instanceof Error ? err.message : String(err);
    throw new AppError('BAD_FILE', `cannot write ${file}: ${msg}`);
  }
  return { path: target, rows: ds.nrows };
}
