// The workbook-level parts of an .xlsx package (ECMA-376 Part 1, SpreadsheetML): where the
// workbook and its sheets are (relationships), the sheet names, the date system, the shared
// string table and which cell styles are dates.
import { readFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { TAG_CLOSE, TAG_EMPTY, TAG_OPEN, XmlScanner, decodeOoxmlEscapes } from './xlsx-xml.js';
import { ZipArchive } from './xlsx-zip.js';

export interface SheetRef {
  name: string;
  /** Part name inside the package, e.g. "xl/worksheets/sheet1.xml". */
  part: string;
  /** Chart sheets and dialog sheets hold no cells. */
  worksheet: boolean;
}

export interface Workbook {
  file: string;
  zip: ZipArchive;
  sheets: SheetRef[];
  /** Serial 0 is 1904-01-01 instead of 1899-12-31 (old Mac Excel). */
  date1904: boolean;
  sharedStringsPart: string | null;
  stylesPart: string | null;
}

/** Style (cellXfs index) classes. */
export const STYLE_PLAIN = 0;
export const STYLE_DATE = 1;
export const STYLE_DATETIME = 2;

function bad(file: string, what: string): AppError {
  return new AppError('BAD_FILE', `${file}: ${what}`);
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

/** Relationships of a part; targets resolved against the folder of the source part. */
function readRels(zip: ZipArchive, relsPart: string, sourceDir: string): Relationship[] {
  if (!zip.has(relsPart)) return [];
  const x = new XmlScanner(zip.read(relsPart));
  const out: Relationship[] = [];
  while (x.next()) {
    if (x.kind === TAG_CLOSE || !x.is('Relationship')) continue;
    if (x.attr('TargetMode') === 'External') continue;
    const id = x.attr('Id') ?? '';
    const type = x.attr('Type') ?? '';
    const target = x.attr('Target') ?? '';
    const resolved = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(sourceDir, target));
    out.push({ id, type, target: resolved });
  }
  return out;
}

const typeIs = (rel: Relationship, t: string) => rel.type.endsWith(`/${t}`);

export async function openWorkbook(path: string): Promise<Workbook> {
  const file = basename(path);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `${file} was not found (${path})`);
    if (code === 'EISDIR') throw bad(file, 'is a folder, not a workbook');
    throw bad(file, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  const zip = ZipArchive.open(buf, file);
  const root = readRels(zip, '_rels/.rels', '');
  const workbookPart = root.find((r) => typeIs(r, 'officeDocument'))?.target ?? 'xl/workbook.xml';
  if (!zip.has(workbookPart)) {
    const what = zip.has('word/document.xml') ? 'a Word document' : zip.has('ppt/presentation.xml') ? 'a PowerPoint file' : 'a ZIP archive';
    throw bad(file, `not an Excel workbook (${what} without xl/workbook.xml)`);
  }
  const dir = posix.dirname(workbookPart);
  const rels = readRels(zip, posix.join(dir, '_rels', `${posix.basename(workbookPart)}.rels`), dir);
  const byId = new Map(rels.map((r) => [r.id, r]));

  const x = new XmlScanner(zip.read(workbookPart));
  const sheets: SheetRef[] = [];
  let date1904 = false;
  while (x.next()) {
    if (x.kind === TAG_CLOSE) continue;
    if (x.is('workbookPr')) {
      const v = x.attr('date1904');
      date1904 = v === '1' || v === 'true';
    } else if (x.is('sheet')) {
      const name = x.attr('name') ?? `Sheet${sheets.length + 1}`;
      const rel = byId.get(x.attr('id', true) ?? '');
      if (rel === undefined) continue;
      sheets.push({ name, part: rel.target, worksheet: typeIs(rel, 'worksheet') });
    }
  }
  const sst = rels.find((r) => typeIs(r, 'sharedStrings'))?.target ?? null;
  const styles = rels.find((r) => typeIs(r, 'styles'))?.target ?? null;
  return {
    file,
    zip,
    sheets,
    date1904,
    sharedStringsPart: sst !== null && zip.has(sst) ? sst : null,
    stylesPart: styles !== null && zip.has(styles) ? styles : null,
  };
}

/**
 * Text of `<si>` / `<is>` contents: the `<t>` elements directly inside or inside rich-text
 * runs `<r>`, concatenated; phonetic runs `<rPh>` (Japanese readings) are not part of the value.
 * Call with the scanner on the open container tag; returns on its closing tag.
 */
export function readStringItem(x: XmlScanner): string {
  if (x.kind !== TAG_OPEN) return '';
  let out = '';
  let depth = 1;
  while (depth > 0 && x.next()) {
    if (x.kind === TAG_OPEN) {
      if (x.is('rPh')) {
        x.skipElement();
      } else if (x.is('t')) {
        // Whitespace is kept as written (xml:space only tells consumers not to normalize it).
        x.toClose();
        out += x.text();
      } else {
        depth++;
      }
    } else if (x.kind === TAG_CLOSE) {
      depth--;
    }
  }
  return decodeOoxmlEscapes(out);
}

export function readSharedStrings(wb: Workbook): string[] {
  if (wb.sharedStringsPart === null) return [];
  const x = new XmlScanner(wb.zip.read(wb.sharedStringsPart));
  const out: string[] = [];
  while (x.next()) {
    if (!x.is('si')) continue;
    if (x.kind === TAG_OPEN) out.push(readStringItem(x));
    else if (x.kind === TAG_EMPTY) out.push('');
  }
  return out;
}

/**
 * Built-in number formats that show dates or times (ECMA-376 §18.8.30): 14–22 and 45–47 in every
 * locale; 27–36 and 50–58 are the built-in date/time formats of Chinese, Japanese and Korean Excel
 * (e.g. 31 = yyyy"年"m"月"d"日"), which such files reference without defining them.
 */
const BUILTIN_DATE = new Set([14, 15, 16, 17, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
const BUILTIN_TIME = new Set([18, 19, 20, 21, 22, 32, 33, 34, 35, 45, 46, 47]);

/** STYLE_DATE / STYLE_DATETIME / STYLE_PLAIN for a custom format code. */
export function classifyFormatCode(code: string): number {
  // Only the first section (positive numbers) decides. Literal text ("..."), bracketed parts
  // ([Red], [$-409], [>=100], elapsed [h]), escaped characters (\x) and the fill/space
  // directives (*x, _x) cannot be date parts, so they are removed before looking for d m y h s.
  let s = '';
  let inQuote = false;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (inQuote) {
      if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') inQuote = true;
    else if (c === '\\' || c === '_' || c === '*') i++;
    else if (c === '[') {
      const end = code.indexOf(']', i);
      // Elapsed-time brackets ([h], [mm], [ss]) are time parts.
      const inner = code.slice(i + 1, end < 0 ? code.length : end).toLowerCase();
      if (/^(h+|m+|s+)$/.test(inner)) s += inner;
      i = end < 0 ? code.length : end;
    } else if (c === ';') break;
    else s += c.toLowerCase();
  }
  // "General" and the AM/PM marker contain letters that are not date parts.
  s = s.replace(/general|am\/pm|a\/p/g, '');
  if (!/[dmyhse]/.test(s.replace(/e\+|e-/g, ''))) return STYLE_PLAIN;
  return /[hs]/.test(s) ? STYLE_DATETIME : STYLE_DATE;
}

/** Date class per cell style index (the `s` attribute of a cell indexes cellXfs). */
export function readStyles(wb: Workbook): Uint8Array {
  if (wb.stylesPart === null) return new Uint8Array(0);
  const x = new XmlScanner(wb.zip.read(wb.stylesPart));
  const custom = new Map<number, number>();
  const xfs: number[] = [];
  let inCellXfs = false;
  let inNumFmts = false; // differential formats (<dxfs>) have <numFmt>s too, which cells never use
  while (x.next()) {
    if (x.is('numFmts')) {
      inNumFmts = x.kind === TAG_OPEN;
    } else if (inNumFmts && x.is('numFmt') && x.kind !== TAG_CLOSE) {
      const id = Number(x.attr('numFmtId'));
      custom.set(id, classifyFormatCode(x.attr('formatCode') ?? ''));
    } else if (x.is('cellXfs')) {
      inCellXfs = x.kind === TAG_OPEN;
    } else if (inCellXfs && x.is('xf') && x.kind !== TAG_CLOSE) {
      const id = Number(x.attr('numFmtId') ?? '0');
      xfs.push(custom.get(id) ?? (BUILTIN_DATE.has(id) ? STYLE_DATE : BUILTIN_TIME.has(id) ? STYLE_DATETIME : STYLE_PLAIN));
    }
  }
  return Uint8Array.from(xfs);
}
