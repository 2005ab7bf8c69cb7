// The ZIP container of .xlsx files (APPNOTE.TXT, PKWARE): reading the central directory and
// inflating entries, and writing a package from deflated entries. Only what OOXML packages use:
// stored (0) and deflate (8) entries, no encryption, no multi-disk archives; zip64 when reading.
// Names are ASCII part names in practice; they are decoded as UTF-8.
import * as buffer from 'node:buffer';
import { Buffer } from 'node:buffer';
import * as zlib from 'node:zlib';
import { AppError } from '../../shared/errors.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
/** Compound File Binary (OLE2) magic: old .xls workbooks and password-protected .xlsx files. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Largest part we inflate: an XML part this size is already past what the scanners can hold as a Buffer. */
const MAX_PART_BYTES = Math.min(buffer.constants.MAX_LENGTH, 2 ** 31 - 1);

function bad(file: string, what: string): AppError {
  return new AppError('BAD_FILE', `${file}: ${what}`);
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (IEEE). zlib.crc32 exists from Node 20.15/22.2; the table is the fallback for older runtimes.

let table: Uint32Array | null = null;

function crc32Table(data: Uint8Array, crc: number): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const nativeCrc = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `data`, continuing from `crc` (0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  return nativeCrc !== undefined ? nativeCrc(data, crc) >>> 0 : crc32Table(data, crc);
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Why a file that is not a ZIP archive cannot be read, in the user's terms. */
function notZip(buf: Buffer, file: string): AppError {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(OLE_MAGIC)) {
    // Encrypted OOXML is an OLE container holding an "EncryptedPackage" stream (names are UTF-16LE).
    if (buf.indexOf(Buffer.from('EncryptedPackage', 'utf16le')) >= 0) {
      return bad(file, 'the workbook is password-protected (encrypted); remove the password in Excel, save it and import it again');
    }
    return bad(file, '.xls (Excel 97–2003) is not supported; save as .xlsx');
  }
  if (buf.length === 0) return bad(file, 'the file is empty');
  return bad(file, 'not an Excel .xlsx workbook (not a ZIP archive)');
}

function findEocd(buf: Buffer): number {
  // The EOCD record is 22 bytes plus a comment of at most 65,535 bytes at the end of the file.
  const stop = Math.max(0, buf.length - 22 - 65535);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf[i] === 0x50 && buf.readUInt32LE(i) === SIG_EOCD) return i;
  }
  return -1;
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('zip64 value too large');
  return Number(v);
}

/** Index of the entries of a ZIP archive held in memory. */
export class ZipArchive {
  private readonly byName = new Map<string, ZipEntry>();

  private constructor(
    private readonly buf: Buffer,
    readonly file: string,
    readonly entries: ZipEntry[],
  ) {
    // OOXML part names are case-insensitive; some writers use a leading '/' or backslashes.
    for (const e of entries) this.byName.set(normalizePart(e.name), e);
  }

  /** Parses the central directory; throws BAD_FILE naming `file` if this is not a readable ZIP. */
  static open(buf: Buffer, file: string): ZipArchive {
    if (buf.length < 22 || (buf.readUInt32LE(0) !== SIG_LOCAL && buf.readUInt32LE(0) !== SIG_EOCD)) throw notZip(buf, file);
    const eocd = findEocd(buf);
    if (eocd < 0) throw bad(file, 'the ZIP archive is damaged or truncated (no end of central directory)');
    try {
      let count = buf.readUInt16LE(eocd + 10);
      let cdSize = buf.readUInt32LE(eocd + 12);
      let cdOffset = buf.readUInt32LE(eocd + 16);
      if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
        const loc = eocd - 20;
        if (loc >= 0 && buf.readUInt32LE(loc) === SIG_ZIP64_LOCATOR) {
          const z = u64(buf, loc + 8);
          if (buf.readUInt32LE(z) !== SIG_ZIP64_EOCD) throw new RangeError('bad zip64 record');
          count = u64(buf, z + 32);
          cdSize = u64(buf, z + 40);
          cdOffset = u64(buf, z + 48);
        }
      }
      if (cdOffset + cdSize > buf.length) throw new RangeError('central directory outside the file');
      const entries: ZipEntry[] = [];
      let p = cdOffset;
      for (let i = 0; i < count; i++) {
        if (buf.readUInt32LE(p) !== SIG_CENTRAL) throw new RangeError('bad central directory entry');
        const flags = buf.readUInt16LE(p + 8);
        const method = buf.readUInt16LE(p + 10);
        const crc = buf.readUInt32LE(p + 16);
        let compressedSize = buf.readUInt32LE(p + 20);
        let size = buf.readUInt32LE(p + 24);
        const nameLen = buf.readUInt16LE(p + 28);
        const extraLen = buf.readUInt16LE(p + 30);
        const commentLen = buf.readUInt16LE(p + 32);
        let localOffset = buf.readUInt32LE(p + 42);
        const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
        // Zip64 extended information: the 64-bit values of exactly the fields that are 0xFFFFFFFF, in order.
        let x = p + 46 + nameLen;
        const xEnd = x + extraLen;
        while (x + 4 <= xEnd) {
          const id = buf.readUInt16LE(x);
          const len = buf.readUInt16LE(x + 2);
          if (id === 0x0001) {
            let q = x + 4;
            if (size === 0xffffffff) (size = u64(buf, q)), (q += 8);
            if (compressedSize === 0xffffffff) (compressedSize = u64(buf, q)), (q += 8);
            if (localOffset === 0xffffffff) localOffset = u64(buf, q);
          }
          x += 4 + len;
        }
        entries.push({ name, method, flags, crc, compressedSize, size, localOffset });
        p = xEnd + commentLen;
      }
      return new ZipArchive(buf, file, entries);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw bad(file, 'the ZIP archive is damaged (its directory cannot be read)');
    }
  }

  has(name: string): boolean {
    return this.byName.has(normalizePart(name));
  }

  /** The uncompressed bytes of a part; throws BAD_FILE if it is missing, encrypted or damaged. */
  read(name: string): Buffer {
    const e = this.byName.get(normalizePart(name));
    if (e === undefined) throw bad(this.file, `the workbook is incomplete (part ${name} is missing)`);
    if ((e.flags & 1) !== 0) throw bad(this.file, 'the workbook is password-protected (encrypted ZIP entries)');
    const buf = this.buf;
    const lo = e.localOffset;
    if (lo + 30 > buf.length || buf.readUInt32LE(lo) !== SIG_LOCAL) throw bad(this.file, `the ZIP archive is damaged (entry ${e.name})`);
    const start = lo + 30 + buf.readUInt16LE(lo + 26) + buf.readUInt16LE(lo + 28);
    if (start + e.compressedSize > buf.length) throw bad(this.file, `the ZIP archive is truncated (entry ${e.name})`);
    const raw = buf.subarray(start, start + e.compressedSize);
    let out: Buffer;
    if (e.method === 0) {
      out = raw;
    } else if (e.method === 8) {
      // Zip bombs: the declared size is checked against what deflate can produce from the stored
      // bytes (at most 1032:1) and inflating stops at the declared size, so a damaged or hostile
      // entry cannot make us allocate more than its directory entry admits to.
      if (e.size > MAX_PART_BYTES) throw bad(this.file, `entry ${e.name} is too large to read (${e.size} bytes uncompressed)`);
      if (e.size > e.compressedSize * 1032 + 1024) {
        throw bad(this.file, `the ZIP archive is damaged (entry ${e.name} declares ${e.size} bytes, more than its ${e.compressedSize} compressed bytes can hold)`);
      }
      try {
        out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw bad(this.file, `the ZIP archive is damaged (entry ${e.name} holds more than the ${e.size} bytes it declares)`);
        }
        throw bad(this.file, `the ZIP archive is damaged (entry ${e.name} cannot be decompressed)`);
      }
    } else {
      throw bad(this.file, `entry ${e.name} uses ZIP compression method ${e.method}, which is not supported; save the workbook again in Excel`);
    }
    if (out.length !== e.size || crc32(out) !== e.crc) throw bad(this.file, `the ZIP archive is damaged (checksum error in ${e.name})`);
    return out;
  }
}

export function normalizePart(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Writing

/** One entry, already deflated (raw deflate), with the CRC and size of the uncompressed data. */
export interface DeflatedEntry {
  name: string;
  /** Raw-deflate chunks in order. */
  data: Buffer[];
  crc: number;
  size: number;
}

export function deflateEntry(name: string, content: string | Buffer): DeflatedEntry {
  const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, data: [zlib.deflateRawSync(raw)], crc: crc32(raw), size: raw.length };
}

function dosDateTime(d: Date): { time: number; date: number } {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return { time, date };
}

/**
 * The bytes of a ZIP archive holding `entries`, as a list of buffers to write in order
 * (the deflated data is not copied). Sizes above 4 GB are refused rather than written as zip64.
 */
export function zipParts(entries: DeflatedEntry[], file: string, when = new Date()): Buffer[] {
  const { time, date } = dosDateTime(when);
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const csize = e.data.reduce((s, b) => s + b.length, 0);
    if (csize >= 0xffffffff || e.size >= 0xffffffff || offset >= 0xffffffff) {
      throw new AppError('BAD_DATA', `${file}: the data are too large for one .xlsx file (over 4 GB); export to CSV instead`);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(csize, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(SIG_CENTRAL, 0);
    cd.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    local.copy(cd, 6, 4, 30); // version needed … name length are the same fields
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    out.push(local, name, ...e.data);
    offset += 30 + name.length + csize;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(SIG_EOCD, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(offset, 16);
  return [...out, ...central, eocd];
}
