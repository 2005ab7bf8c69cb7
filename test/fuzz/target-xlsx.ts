// Excel .xlsx reader under mutated workbooks built from test/fixtures/xlsx. A third of the cases
// mutate raw file bytes; the others unpack a fixture, damage one XML part (shared-string indices
// out of range, absurd cell references, deep nesting, bad entities, truncation at tag boundaries)
// or the ZIP structure (renamed, missing and duplicated entries, unknown methods, encrypted flags,
// declared sizes that lie — zip bombs — and offsets past the end), and zip it again.
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { readXlsx } from '../../src/store/import/xlsx.js';
import { ZipArchive, crc32 } from '../../src/store/import/xlsx-zip.js';
import { cap, mutateBytes, offsetsOf } from './mutate.js';
import { type FuzzInput, type Target, Violation, checkAppError, checkTable } from './property.js';
import type { Rng } from './prng.js';

interface Part {
  name: string;
  data: Buffer;
}

/** One ZIP entry as written, with fields that may lie. */
interface Entry {
  name: string;
  centralName?: string;
  raw: Buffer;
  /** Bytes written as the entry's data (deflated unless method 0). */
  stored?: Buffer;
  method: number;
  flags: number;
  crc?: number;
  size?: number;
  compressedSize?: number;
  localOffset?: number;
  extra?: Buffer;
}

const FIXTURES = ['openpyxl.xlsx', 'libreoffice.xlsx', 'openxlsx.xlsx', 'handmade.xlsx', 'openpyxl-1904.xlsx', 'zip64.xlsx'];
const workbooks: Part[][] = [];
const rawFiles: Buffer[] = [];
/** 128 MB of one byte, deflated (~130 KB): the payload of the zip-bomb cases. */
let bomb: Buffer = Buffer.alloc(0);
const BOMB_SIZE = 128 << 20;

/** Writes a ZIP archive; fields left undefined get their true values. */
export function writeZip(entries: Entry[], eocd: { count?: number; cdOffset?: number; cdSize?: number } = {}): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.stored ?? (e.method === 0 ? e.raw : zlib.deflateRawSync(e.raw));
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE((e.crc ?? crc32(e.raw)) >>> 0, 14);
    local.writeUInt32LE((e.compressedSize ?? data.length) >>> 0, 18);
    local.writeUInt32LE((e.size ?? e.raw.length) >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const cname = Buffer.from(e.centralName ?? e.name, 'utf8');
    const extra = e.extra ?? Buffer.alloc(0);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    local.copy(cd, 6, 4, 26);
    cd.writeUInt16LE(cname.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE((e.localOffset ?? offset) >>> 0, 42);
    central.push(cd, cname, extra);
    chunks.push(local, name, data);
    offset += 30 + name.length + data.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE((eocd.count ?? entries.length) & 0xffff, 8);
  end.writeUInt16LE((eocd.count ?? entries.length) & 0xffff, 10);
  end.writeUInt32LE((eocd.cdSize ?? cdSize) >>> 0, 12);
  end.writeUInt32LE((eocd.cdOffset ?? offset) >>> 0, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

const REFS = ['XFD1048576', 'XFE1', 'A0', 'A1048577', 'AAAAAAAAAAA1', 'A99999999999999999999', 'ZZZZ9', '1A', '', 'A-1', 'a1', 'B2'];
const VALUES = ['-1', '99999', '4294967296', '1e308', '-1e309', 'NaN', 'abc', '', '0x10', '1.5', '2147483648', '&#x41;'];
const ENTITIES = ['&#xD800;', '&#0;', '&#99999999999999;', '&#x110000;', '&amp', '&bogus;', '_xD800_', '_x0000_', '&#x1F600;'];
const NOISE = ['<!--', '<![CDATA[', '<?xml', '<!DOCTYPE x [', '"', "'", '</c>', '</row>', '</sheetData>', '<c r="A1" t="s"><v>', '/>', '<', '>'];

/** Damage to the text of one XML part. */
function mutateXml(r: Rng, xml: Buffer): { out: Buffer; how: string } {
  let s = xml.toString('utf8');
  switch (r.int(8)) {
    case 0:
      s = s.replace(/ r="[A-Z]*\d+"/g, (m) => (r.chance(0.3) ? ` r="${r.pick(REFS)}"` : m));
      return { out: Buffer.from(s), how: 'cellRefs' };
    case 1:
      // shared-string and numeric values out of range
      s = s.replace(/<v>[^<]*<\/v>/g, (m) => (r.chance(0.3) ? `<v>${r.pick(VALUES)}</v>` : m));
      if (r.chance(0.5)) s = s.replace(/ t="\w+"/g, (m) => (r.chance(0.3) ? ` t="${r.pick(['s', 'str', 'b', 'e', 'd', 'inlineStr', 'n', 'x', ''])}"` : m));
      return { out: Buffer.from(s), how: 'cellValues' };
    case 2: {
      // absurd style, row and count attributes
      s = s.replace(/ (s|r|count|uniqueCount|numFmtId|sheetId)="\d+"/g, (m, a: string) => (r.chance(0.3) ? ` ${a}="${r.pick(VALUES)}"` : m));
      return { out: Buffer.from(s), how: 'attributes' };
    }
    case 3: {
      const depth = r.chance(0.5) ? r.range(100, 5000) : r.range(20_000, 100_000);
      const p = s.indexOf('<', r.int(s.length));
      const at = p < 0 ? s.length : p;
      const tag = r.pick(['a', 'r', 'si', 'c', 'row', 'is']);
      return { out: cap(Buffer.from(s.slice(0, at) + `<${tag}>`.repeat(depth) + (r.chance(0.5) ? `</${tag}>`.repeat(depth) : '') + s.slice(at))), how: `deepNesting(${depth})` };
    }
    case 4: {
      const p = r.int(s.length + 1);
      return { out: Buffer.from(s.slice(0, p) + r.pick(r.chance(0.5) ? ENTITIES : NOISE) + s.slice(p)), how: 'entityOrNoise' };
    }
    case 5: {
      // a sparse-sheet bomb: cells at the last row, each in its own column
      const n = r.range(1, 3000);
      const cells = Array.from({ length: n }, (_, i) => `<c r="${colName(r.chance(0.5) ? i : 16383 - i)}${r.chance(0.5) ? 1048576 : r.range(1, 1048576)}"><v>1</v></c>`).join('');
      const p = s.indexOf('</sheetData>');
      if (p < 0) return { out: Buffer.from(s), how: 'noSheetData' };
      return { out: Buffer.from(s.slice(0, p) + `<row r="1048576">${cells}</row>` + s.slice(p)), how: `sparseCells(${n})` };
    }
    case 6: {
      // a huge shared string or inline string
      const big = 'x'.repeat(r.range(1000, 500_000));
      s = s.replace(/<t([^>]*)>/, `<t$1>${big}`);
      return { out: cap(Buffer.from(s)), how: 'hugeString' };
    }
    default: {
      const m = mutateBytes(r, xml, offsetsOf(xml, ['<', '>', '"'], 2048));
      return { out: m.out, how: m.how.join('+') };
    }
  }
}

function colName(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function zipMutation(r: Rng, entries: Entry[]): { eocd: Parameters<typeof writeZip>[1]; how: string; maxInflate?: number } {
  const e = r.pick(entries);
  switch (r.int(12)) {
    case 0:
      e.name = r.pick([e.name.toUpperCase(), `/${e.name}`, e.name.replace(/\//g, '\\'), `${e.name}x`, 'xl/other.xml', '', '../../evil.xml']);
      if (r.chance(0.5)) e.centralName = e.name;
      return { eocd: {}, how: 'renamed' };
    case 1:
      entries.splice(entries.indexOf(e), 1);
      return { eocd: {}, how: `dropped ${e.name}` };
    case 2:
      entries.push({ ...e });
      return { eocd: {}, how: `duplicated ${e.name}` };
    case 3:
      e.method = r.pick([1, 6, 9, 12, 14, 99, 0]);
      return { eocd: {}, how: `method ${e.method}` };
    case 4: {
      // a zip bomb: 128 MB of deflated bytes declared as something small, or declared at an absurd size
      e.stored = bomb;
      e.method = 8;
      e.size = r.pick([e.raw.length, 100, 0, 0xfffffffe, 0xffffffff]);
      return { eocd: {}, how: `bomb declared ${e.size}`, maxInflate: e.size === 0xffffffff ? undefined : Math.max(e.size, 1 << 20) };
    }
    case 5:
      e.size = r.pick([0, 1, e.raw.length - 1, e.raw.length + 1, 0x7fffffff, 0xfffffffe, 0xffffffff]);
      return { eocd: {}, how: `declared size ${e.size}`, maxInflate: e.size === 0xffffffff ? undefined : Math.max(e.size, 1 << 20) };
    case 6:
      e.crc = r.int(2 ** 32);
      return { eocd: {}, how: 'crc' };
    case 7:
      e.flags = r.pick([1, 8, 0x41, 0xffff]);
      return { eocd: {}, how: `flags ${e.flags}` };
    case 8:
      if (r.chance(0.5)) e.localOffset = r.pick([0xfffffff0, 0x7fffffff, 1, 29]);
      else e.compressedSize = r.pick([0, 0xffffffff, 0x7fffffff, 1]);
      return { eocd: {}, how: 'offsets' };
    case 9: {
      // zip64 extra field with huge 64-bit values
      e.size = 0xffffffff;
      if (r.chance(0.5)) e.compressedSize = 0xffffffff;
      const x = Buffer.alloc(20);
      x.writeUInt16LE(1, 0);
      x.writeUInt16LE(16, 2);
      x.writeBigUInt64LE(r.pick([2n ** 63n, 2n ** 53n, 2n ** 40n, BigInt(e.raw.length)]), 4);
      x.writeBigUInt64LE(r.pick([2n ** 63n, 2n ** 40n, 0n]), 12);
      e.extra = r.chance(0.7) ? x : x.subarray(0, r.range(0, 19));
      return { eocd: {}, how: 'zip64 extra' };
    }
    case 10:
      return { eocd: r.chance(0.5) ? { count: r.pick([0, 0xffff, entries.length + 5]) } : { cdOffset: r.pick([0, 0xffffffff, 7]), cdSize: r.pick([0, 0xffffffff, 3]) }, how: 'eocd' };
    default:
      entries.sort(() => (r.chance(0.5) ? 1 : -1));
      return { eocd: {}, how: 'reordered' };
  }
}

export const xlsxTarget: Target = {
  name: 'xlsx',
  setup(fixtures) {
    for (const f of FIXTURES) {
      const buf = readFileSync(join(fixtures, 'xlsx', f));
      rawFiles.push(buf);
      const zip = ZipArchive.open(buf, f);
      workbooks.push(zip.entries.map((e) => ({ name: e.name, data: zip.read(e.name) })));
    }
    for (const f of ['document.xlsx', 'no-workbook.xlsx', 'not-a-zip.xlsx', 'old.xls']) rawFiles.push(readFileSync(join(fixtures, 'xlsx', f)));
    bomb = zlib.deflateRawSync(Buffer.alloc(BOMB_SIZE, 0x20), { level: 9 });
  },
  generate(r): FuzzInput {
    const options: FuzzInput['options'] = {};
    if (r.chance(0.1)) options.sheet = r.pick([1, 5, -1, 0.5, 'Sheet1', 'nope']);
    if (r.chance(0.1)) options.headerRow = r.pick([2, 3, 1048576, 5]);
    if (r.chance(0.3)) {
      const m = mutateBytes(r, r.pick(rawFiles), []);
      return { bytes: m.out, options, how: ['raw', ...m.how] };
    }
    const parts = r.pick(workbooks);
    const entries: Entry[] = parts.map((p) => ({ name: p.name, raw: p.data, method: 8, flags: 0 }));
    const how: string[] = [];
    if (r.chance(0.7)) {
      const xmlParts = entries.filter((e) => /sheet|sharedStrings|workbook|styles|rels/i.test(e.name));
      const e = r.pick(xmlParts.length ? xmlParts : entries);
      const m = mutateXml(r, e.raw);
      e.raw = m.out;
      how.push(`${e.name}: ${m.how}`);
    }
    let eocd: Parameters<typeof writeZip>[1] = {};
    if (r.chance(0.4) || how.length === 0) {
      const z = zipMutation(r, entries);
      eocd = z.eocd;
      how.push(z.how);
      if (z.maxInflate !== undefined) options.maxInflate = z.maxInflate;
    }
    return { bytes: writeZip(entries, eocd), options, how };
  },
  async run(input, dir) {
    const path = join(dir, 'fuzz.xlsx');
    writeFileSync(path, input.bytes);
    const o = input.options;
    let table;
    try {
      table = await readXlsx(path, {
        ...(o.sheet !== undefined ? { sheet: o.sheet as string | number } : {}),
        ...(typeof o.headerRow === 'number' ? { headerRow: o.headerRow } : {}),
      });
    } catch (err) {
      // A bad sheet / headerRow option is the caller's mistake and need not name the file.
      checkAppError(err, err instanceof Error && /^headerRow/.test(err.message) ? undefined : 'fuzz.xlsx');
      return false;
    }
    checkTable(table);
    const cells = table.nrows * table.columns.length;
    if (cells > 64 * input.bytes.length + (1 << 20)) throw new Violation(`an import of ${table.nrows} × ${table.columns.length} cells from a ${input.bytes.length}-byte file`);
    return true;
  },
};
