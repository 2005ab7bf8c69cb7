// Byte-level access to a .dta file: a buffered, bounds-checked cursor (every read past the end of
// the file becomes a BAD_FILE error naming what was being read, never a RangeError), and the
// text decoding rules of the format versions.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors.js';

/** Metadata is read through a window of this many bytes; the data section has its own blocks. */
const WINDOW = 1 << 20;

export function badDta(file: string, what: string): AppError {
  return new AppError('BAD_FILE', `${file}: ${what}`);
}

export class DtaCursor {
  readonly file: string;
  readonly size: number;
  /** File byte order: true = little-endian (LSF / LOHI). */
  le = true;
  /** Absolute file offset of the next byte to read. */
  pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;

  private constructor(
    private readonly fh: FileHandle,
    path: string,
    size: number,
  ) {
    this.file = basename(path);
    this.size = size;
  }

  static async open(path: string): Promise<DtaCursor> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new AppError('NOT_FOUND', `${basename(path)} was not found (${path})`);
      throw badDta(basename(path), `cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    try {
      const { size } = await fh.stat();
      return new DtaCursor(fh, path, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  bad(what: string): AppError {
    return badDta(this.file, what);
  }

  /** Make bytes [pos, pos+n) available to the synchronous readers below. */
  async need(n: number, what: string): Promise<void> {
    if (!Number.isSafeInteger(n) || n < 0) throw this.bad(`${what} has an impossible size (${n} bytes)`);
    if (this.pos + n > this.size) {
      throw this.bad(`the file ends at byte ${this.size} but ${what} needs bytes up to ${this.pos + n}; the file is truncated or damaged`);
    }
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    const len = Math.min(Math.max(n, WINDOW), this.size - this.pos);
    const buf = Buffer.allocUnsafe(len);
    await this.readFully(buf, len, this.pos);
    this.buf = buf;
    this.bufStart = this.pos;
  }

  /** Read `len` bytes at `position` into `buf` (used for data blocks, which bypass the window). */
  async readFully(buf: Buffer, len: number, position: number): Promise<void> {
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.fh.read(buf, got, len - got, position + got);
      if (bytesRead === 0) throw this.bad(`the file ends early at byte ${position + got} (it changed while being read or is truncated)`);
      got += bytesRead;
    }
  }

  private at(n: number): number {
    const i = this.pos - this.bufStart;
    this.pos += n;
    return i;
  }

  u8(): number {
    return this.buf[this.at(1)];
  }
  u16(): number {
    const i = this.at(2);
    return this.le ? this.buf.readUInt16LE(i) : this.buf.readUInt16BE(i);
  }
  u32(): number {
    const i = this.at(4);
    return this.le ? this.buf.readUInt32LE(i) : this.buf.readUInt32BE(i);
  }
  /** An unsigned 64-bit count; values beyond 2^53 cannot be real sizes in a file we can read. */
  u64(what: string): number {
    const a = this.u32();
    const b = this.u32();
    const [lo, hi] = this.le ? [a, b] : [b, a];
    if (hi >= 0x200000) throw this.bad(`${what} is implausibly large`);
    return hi * 0x100000000 + lo;
  }
  /** A view of the next n bytes, valid until the next need(). */
  bytes(n: number): Buffer {
    const i = this.at(n);
    return this.buf.subarray(i, i + n);
  }
  skip(n: number): void {
    this.pos += n;
  }

  /** Consume `tag` or fail with a message saying where the file stops making sense. */
  async expect(tag: string): Promise<void> {
    const at = this.pos;
    if (at + tag.length > this.size) throw this.bad(`the file ends at byte ${this.size} before ${tag}; the file is truncated`);
    await this.need(tag.length, tag);
    if (this.bytes(tag.length).toString('latin1') !== tag) throw this.bad(`expected ${tag} at byte ${at}; the file is damaged or not a Stata file`);
  }

  /** True (and consumed) when the next bytes are `tag`; otherwise the position is unchanged. */
  async accept(tag: string): Promise<boolean> {
    if (this.pos + tag.length > this.size) return false;
    await this.need(tag.length, tag);
    if (this.buf.toString('latin1', this.pos - this.bufStart, this.pos - this.bufStart + tag.length) !== tag) return false;
    this.pos += tag.length;
    return true;
  }
}

// ------------------------------------------------------------------------------------ text

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextDecoder('utf-8');
const cp1252 = new TextDecoder('windows-1252');

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
  return true;
}

/**
 * Formats 118+ store UTF-8 (a fixed-width field may cut a character; the decoder then shows
 * U+FFFD). Older formats store the platform's 8-bit code page, in practice Windows-1252 (a
 * superset of Latin-1 on printable characters), but many files made by Chinese-locale tools
 * hold UTF-8 anyway: valid UTF-8 is taken as UTF-8, anything else as Windows-1252.
 */
export function decodeText(b: Uint8Array, unicode: boolean): string {
  if (b.length === 0) return '';
  if (isAscii(b)) return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  if (unicode) return utf8.decode(b);
  try {
    return utf8Fatal.decode(b);
  } catch {
    return cp1252.decode(b);
  }
}

/** The bytes before the first NUL of a fixed-width field. */
export function cString(b: Uint8Array): Uint8Array {
  const end = b.indexOf(0);
  return end < 0 ? b : b.subarray(0, end);
}

export function fixedText(b: Uint8Array, unicode: boolean): string {
  return decodeText(cString(b), unicode);
}
