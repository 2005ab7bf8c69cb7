// Text encodings of CSV files. The CSV tokenizer works on UTF-8 bytes; files in another
// encoding are transcoded to UTF-8 chunk by chunk before tokenizing (TextDecoder in streaming
// mode, so a character split between chunks is decoded once complete). Line breaks,
// delimiters and quotes map one to one, so line numbers in messages stay exact.
//
// Detection, from the first chunk (1 MB) unless an encoding is given:
//   1. a byte order mark: UTF-8, UTF-16LE or UTF-16BE;
//   2. valid UTF-8 → UTF-8 (pure ASCII is valid UTF-8);
//   3. valid GB18030 → GB18030, with a warning. GB18030 is a superset of GBK and GB2312, which
//      Chinese statistical yearbooks and Excel's "CSV" on Chinese Windows write. Latin-1 text is
//      rarely valid GB18030 (an accented letter followed by an ASCII byte is not), so it still
//      gets the "not UTF-8" error rather than garbled names.
// A file that looked like ASCII/UTF-8 in its first chunk but turns out not to be UTF-8 later is
// re-read as GB18030 if everything before was ASCII (csv.ts restarts the scan).
import { Buffer } from 'node:buffer';
import { AppError } from '../../shared/errors.js';

export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** How users and other programs name the encodings we read (compared case-insensitively). */
const ALIASES: Record<string, CsvEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-8-sig': 'utf-8',
  gb18030: 'gb18030',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  cp936: 'gb18030',
  'windows-936': 'gb18030',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
  'utf-16': 'utf-16le',
  'utf-16be': 'utf-16be',
  utf16be: 'utf-16be',
};

export function encodingFromName(name: string): CsvEncoding {
  const e = ALIASES[name.trim().toLowerCase()];
  if (e === undefined) {
    throw new AppError('INVALID_ARGUMENT', `unknown text encoding "${name}"; use UTF-8, GBK (GB18030) or UTF-16`);
  }
  return e;
}

/** Display name for messages. */
export function encodingLabel(e: CsvEncoding): string {
  return e === 'gb18030' ? 'GB18030 (GBK)' : e.toUpperCase();
}

export interface Detected {
  encoding: CsvEncoding;
  /** Chosen by looking at the content (no BOM, no option): the user is told. */
  assumed: boolean;
}

/** True if buf[from, to) decodes as GB18030; an incomplete character at the end is allowed unless `final`. */
export function decodesAsGb18030(buf: Buffer, from: number, to: number, final: boolean): boolean {
  try {
    new TextDecoder('gb18030', { fatal: true }).decode(buf.subarray(from, to), { stream: !final });
    return true;
  } catch {
    return false;
  }
}

/** The encoding of a file from its first bytes buf[0, n) (`final` if that is the whole file). */
export function detectEncoding(buf: Buffer, n: number, final: boolean, utf8Valid: (end: number) => boolean): Detected {
  if (n >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { encoding: 'utf-16le', assumed: false };
  if (n >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { encoding: 'utf-16be', assumed: false };
  if (utf8Valid(n)) return { encoding: 'utf-8', assumed: false };
  if (decodesAsGb18030(buf, 0, n, final)) return { encoding: 'gb18030', assumed: true };
  // Neither: reading it as UTF-8 reports the first invalid byte with its line number.
  return { encoding: 'utf-8', assumed: false };
}

/** Streams bytes in `encoding` into UTF-8. */
export class Transcoder {
  private readonly decoder: TextDecoder;

  constructor(readonly encoding: Exclude<CsvEncoding, 'utf-8'>) {
    // fatal: bytes that are not valid in the encoding are an error, never silently U+FFFD.
    this.decoder = new TextDecoder(encoding, { fatal: true });
  }

  /** Text of src (a character split at the end waits for the next call unless `final`); throws TypeError on invalid input. */
  decode(src: Uint8Array, final: boolean): string {
    return this.decoder.decode(src, { stream: !final });
  }
}

// ---------------------------------------------------------------------------------------------
// UTF-8 helpers of the byte tokenizer

/**
 * Start of an incomplete UTF-8 sequence at the end of buf[from, to), or `to` if the range
 * ends on a character boundary (the rest of the sequence arrives with the next chunk).
 */
export function utf8Cut(buf: Buffer, from: number, to: number): number {
  let i = to - 1;
  let k = 0;
  while (i >= from && k < 3 && (buf[i]! & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i < from) return to;
  const b = buf[i]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return need > 1 && to - i < need ? i : to;
}

/** Offset of the first invalid UTF-8 sequence in buf[from, to) (only to report an error). */
export function firstInvalidUtf8(buf: Buffer, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const b = buf[i]!;
    let len: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + len > to) return i;
    let cp = b & (0x7f >> len);
    for (let k = 1; k < len; k++) {
      const cb = buf[i + k]!;
      if ((cb & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cb & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return to;
}
