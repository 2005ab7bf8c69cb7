// Streaming CSV reader for importing large files.
//
// Pass 1 (scanCsv) reads the file once to find the structure: delimiter, header, row count,
// column types and the sorted levels of text columns. Pass 2 (readCsv) reads it again and
// hands out the values in fixed-size blocks of typed arrays. Neither pass holds the file or
// its rows in memory: the file is read in 1 MB chunks and tokenized as UTF-8 bytes in place
// (UTF-8 is validated incrementally; a character split between chunks is checked once its
// last byte has arrived, and only text values are ever decoded to strings). Only the current
// chunk, one partial row and the distinct values of text columns are kept.
//
// An import reads the text once: scanCsvValues is pass 1 keeping the values it converts in a
// temporary file (csv-spill.ts), read back in the same blocks; pass 2 is needed only when the
// scan cannot know a value's final form (a column turning text after numbers).
//
// Both passes share one tokenizer (CsvTokenizer) and the field helpers in csv-fields.ts.

import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import { AppError } from '../../shared/errors.js';
import {
  F_ESCAPED,
  F_CHECK_ONLY,
  F_NUM,
  F_SEP_OK,
  F_QUOTED,
  POW10,
  K_INF,
  K_MISSING,
  K_NUMBER,
  K_THOUSANDS,
  LevelTable,
  DECIMAL,
  classifyNumeric,
  decimalInPlace,
  fieldText,
  parsed,
} from './csv-fields.js';
import { SPILL_NUMERIC, SPILL_TEXT, ValueSpill } from './csv-spill.js';
import {
  type CsvEncoding,
  Transcoder,
  decodesAsGb18030,
  detectEncoding,
  encodingFromName,
  encodingLabel,
  firstInvalidUtf8,
  utf8Cut,
} from './encoding.js';

export interface CsvColumn {
  name: string;
  kind: 'numeric' | 'text';
  /** Text columns only: distinct non-missing values, sorted by UTF-16 code unit order. */
  levels?: string[];
  /** Number of missing cells (missing tokens; in numeric columns also infinite values). */
  missing: number;
}

export interface CsvScan {
  path: string;
  delimiter: ',' | ';' | '\t';
  bom: boolean;
  /** Text encoding the file was read in (pass 2 reads it the same way). */
  encoding: CsvEncoding;
  columns: CsvColumn[];
  nrows: number;
  bytes: number;
  warnings: string[];
}

export interface CsvOptions {
  delimiter?: ',' | ';' | '\t';
  /** Text encoding ('utf-8', 'gbk'/'gb18030', 'utf-16le', ...); detected when absent (encoding.ts). Pass 1 only. */
  encoding?: string;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface CsvBlock {
  /** 0-based index of the block's first data row. */
  offset: number;
  /** Number of rows in the block; every column array has exactly this length. */
  length: number;
  /** Per column: Float64Array (NaN = missing) for numeric, Int32Array level codes (-1 = missing) for text. */
  columns: (Float64Array | Int32Array)[];
}

const CHUNK_BYTES = 1 << 20;
const BINARY_PROBE_BYTES = 64 * 1024;
/** A single row (usually a quoted field that is never closed) may not exceed this many bytes. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const DEFAULT_BLOCK_ROWS = 65536;

const C_QUOTE = 34;
const C_LF = 10;
const C_CR = 13;

function badFile(message: string): AppError {
  return new AppError('BAD_FILE', message);
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'import cancelled');
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

/**
 * Consumes the records of the tokenizer's current input: `while (!t.stopped && t.next())`,
 * reading the fields from t.starts/ends/flags/nums[0, t.nfields).
 */
interface RecordSink {
  consume(t: CsvTokenizer): void;
}

/**
 * RFC 4180 tokenizer over UTF-8 bytes. Delimiters, quotes and line breaks are ASCII and never
 * occur inside a multi-byte character, so tokenizing bytes is exact and chunk boundaries
 * cannot split a character that matters. `parse` consumes every complete record of the
 * buffer and returns where the unconsumed tail (a partial record) starts; the driver keeps
 * that tail in front of the next chunk. Field contents are reported as byte ranges into
 * `buf` (inside the quotes for quoted fields); the arrays are reused for every record, so
 * nothing is allocated per field or per row.
 */
export class CsvTokenizer {
  delim = -1;
  /** Physical line number (1-based) at the start of the next parse buffer. */
  line = 1;
  buf: Buffer = Buffer.alloc(0);
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);
  /** Value of fields flagged F_NUM (plain decimals converted while tokenizing). */
  nums = new Float64Array(64);
  nfields = 0;
  /** Physical line where the current record starts. */
  recordLine = 0;
  /** Column names for error messages (empty while reading the header). */
  names: string[] = [];
  /** Set by a sink to stop reading. */
  stopped = false;
  /** False when the sink needs only the kind of a plain number, not its value (the scan). */
  values = true;
  /** Current input (see begin) and the position of the next record in it. */
  n = 0;
  final = false;
  pos = 0;

  constructor(
    readonly file: string,
    readonly sink: RecordSink,
  ) {}

  columnLabel(index: number): string {
    const name = index < this.names.length ? this.names[index] : undefined;
    return name === undefined ? `column ${index + 1}` : `column ${index + 1} ("${name}")`;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    s.set(this.starts);
    const e = new Int32Array(n);
    e.set(this.ends);
    const f = new Uint8Array(n);
    f.set(this.flags);
    const v = new Float64Array(n);
    v.set(this.nums);
    this.starts = s;
    this.ends = e;
    this.flags = f;
    this.nums = v;
  }

  /** Sets the input: buf[0, n), `final` if it reaches the end of the file. */
  begin(buf: Buffer, n: number, final: boolean): void {
    this.buf = buf;
    this.n = n;
    this.final = final;
    this.pos = 0;
  }

  /**
   * Tokenizes the next record (fields in starts/ends/flags/nums, nfields, recordLine) and
   * returns true; or returns false if the rest of the input holds no complete record: with
   * `final` false, a record that is not terminated by a line break is left unconsumed (also
   * one ending in CR, which may be the first half of CRLF). `pos` is then where it starts.
   * One call per record keeps this function small and monomorphic, so it is optimized early.
   */
  next(): boolean {
    const buf = this.buf;
    const n = this.n;
    const final = this.final;
    const d = this.delim;
    const hi = d > C_CR ? d : C_CR;
    const values = this.values;
    let starts = this.starts;
    let ends = this.ends;
    let flags = this.flags;
    let nums = this.nums;
    let pos = this.pos;
    let line = this.line;
    let c = 0;
    let ok = false;
    // Every way out goes through the common exit below (one set of property stores, which
    // keeps the optimized code from deoptimizing on a rarely taken path).
    record: {
      // Completely empty lines are skipped.
      for (;;) {
        if (pos >= n) break record;
        c = buf[pos]!;
        if (c === C_LF) {
          pos++;
          line++;
        } else if (c === C_CR) {
          if (pos + 1 < n) {
            pos += buf[pos + 1] === C_LF ? 2 : 1;
          } else if (final) {
            pos++;
          } else {
            break record;
          }
          line++;
        } else {
          break;
        }
      }
      const recStart = pos;
      const recLine = line;
      let nf = 0;
      for (;;) {
        if (nf === starts.length) {
          this.grow();
          starts = this.starts;
          ends = this.ends;
          flags = this.flags;
          nums = this.nums;
        }
        if (pos < n && buf[pos] === C_QUOTE) {
          // Quoted field: runs to the next quote that is not doubled.
          const fieldLine = line;
          let p = pos + 1;
          let fl = F_QUOTED;
          for (;;) {
            if (p >= n) {
              if (!final) {
                pos = recStart;
                line = recLine;
                break record;
              }
              throw badFile(
                `${this.file}, line ${fieldLine}, ${this.columnLabel(nf)}: quoted field is never closed (unterminated quote)`,
              );
            }
            c = buf[p]!;
            if (c === C_QUOTE) {
              if (p + 1 < n) {
                if (buf[p + 1] === C_QUOTE) {
                  fl = F_QUOTED | F_ESCAPED;
                  p += 2;
                  continue;
                }
              } else if (!final) {
                pos = recStart;
                line = recLine;
                break record;
              }
              break;
            }
            if (c === C_LF) {
              line++;
            } else if (c === C_CR) {
              // CRLF counts once (at the LF); a lone CR is a line break of its own.
              if (p + 1 >= n || buf[p + 1] !== C_LF) line++;
            }
            p++;
          }
          starts[nf] = pos + 1;
          ends[nf] = p;
          flags[nf] = fl;
          pos = p + 1;
          if (pos >= n) {
            if (!final) {
              pos = recStart;
              line = recLine;
              break record;
            }
            c = -1;
          } else {
            c = buf[pos]!;
            if (c === d) {
              pos++;
              nf++;
              continue;
            }
            if (c !== C_LF && c !== C_CR) {
              throw badFile(
                `${this.file}, line ${line}, ${this.columnLabel(nf)}: unexpected character after closing quote`,
              );
            }
          }
        } else {
          // Unquoted field: runs to the delimiter or line break; quotes inside are literal.
          // Plain decimals ([-]digits[.digits]) are converted on the way, exactly as
          // Number(token): up to 15 digits as an exact integer divided by an exact power of
          // ten, up to 30 by decimalInPlace (shortest round-trip output has 16–17), so most
          // numeric cells need no second look; anything else is left to classifyNumeric. The
          // scan (values = false) only needs to know that a cell is a plain number.
          let p = pos;
          let neg = false;
          if (p < n && buf[p] === 45) {
            neg = true;
            p++;
          }
          const d0 = p;
          let m = 0; // the first 15 digits (leading zeros included): exact
          let lo = 0; // the digits after them
          let nd = 0;
          let dot = -1;
          let plain = true;
          c = -1;
          // Two copies of one loop: the scan's does not accumulate digits (a third faster).
          if (values) {
            while (p < n) {
              c = buf[p]!;
              const dg = c - 48;
              if (dg >= 0 && dg <= 9) {
                if (nd < 15) m = m * 10 + dg;
                else lo = lo * 10 + dg;
                nd++;
                p++;
                continue;
              }
              // Bytes above every stop byte take one compare.
              if (c <= hi && (c === d || c === C_LF || c === C_CR)) break;
              if (c === 46 && dot < 0) {
                dot = p;
                p++;
                continue;
              }
              plain = false;
              break;
            }
          } else {
            while (p < n) {
              c = buf[p]!;
              const dg = c - 48;
              if (dg >= 0 && dg <= 9) {
                nd++;
                p++;
                continue;
              }
              if (c <= hi && (c === d || c === C_LF || c === C_CR)) break;
              if (c === 46 && dot < 0) {
                dot = p;
                p++;
                continue;
              }
              plain = false;
              break;
            }
          }
          if (!plain) {
            p++;
            while (p < n) {
              c = buf[p]!;
              if (c <= hi && (c === d || c === C_LF || c === C_CR)) break;
              p++;
            }
          }
          starts[nf] = pos;
          ends[nf] = p;
          // "000001" (stock, county and product codes) is a code, not the number 1: an integer
          // with leading zeros keeps the whole column text (classifyNumeric says so; "0.5" is a number)
          const code = dot < 0 && buf[d0] === 48 && d0 + 1 < p && buf[d0 + 1]! >= 48 && buf[d0 + 1]! <= 57;
          if (!plain || code || nd === 0 || nd > 30) {
            flags[nf] = 0;
          } else if (nd <= 15) {
            const v = dot < 0 ? m : m / POW10[p - dot - 1]!;
            nums[nf] = neg ? -v : v;
            flags[nf] = F_NUM;
          } else if (!values) {
            flags[nf] = F_NUM;
          } else {
            DECIMAL[0] = m;
            DECIMAL[1] = lo;
            if (decimalInPlace(nd - 15, dot < 0 ? 0 : dot + 1 - p) === 1) {
              nums[nf] = neg ? -DECIMAL[0]! : DECIMAL[0]!;
              flags[nf] = F_NUM;
            } else {
              flags[nf] = 0; // a tie: left to Number()
            }
          }
          pos = p;
          if (p >= n) {
            if (!final) {
              pos = recStart;
              line = recLine;
              break record;
            }
            c = -1;
          } else if (c === d) {
            pos++;
            nf++;
            continue;
          }
        }
        // End of record: `c` is LF, CR or -1 (end of input) at `pos`.
        if (c === C_CR) {
          if (pos + 1 < n) {
            pos += buf[pos + 1] === C_LF ? 2 : 1;
          } else if (final) {
            pos++;
          } else {
            pos = recStart;
            line = recLine;
            break record;
          }
          line++;
        } else if (c === C_LF) {
          pos++;
          line++;
        }
        break;
      }
      this.nfields = nf + 1;
      this.recordLine = recLine;
      ok = true;
    }
    this.pos = pos;
    this.line = line;
    return ok;
  }
}

/**
 * The delimiter of the first non-empty line of buf[0, n): the most frequent of , ; TAB
 * outside quotes (comma when there is none; ties prefer comma, then semicolon).
 * Returns -1 if the line is not complete yet.
 */
function detectDelimiter(buf: Buffer, n: number, final: boolean): number {
  let i = 0;
  while (i < n && (buf[i] === C_LF || buf[i] === C_CR)) i++;
  let comma = 0;
  let semi = 0;
  let tab = 0;
  let inQuotes = false;
  let complete = false;
  for (; i < n; i++) {
    const c = buf[i]!;
    if (c === C_QUOTE) {
      inQuotes = !inQuotes;
    } else if (!inQuotes) {
      if (c === C_LF || c === C_CR) {
        complete = true;
        break;
      }
      if (c === 44) comma++;
      else if (c === 59) semi++;
      else if (c === 9) tab++;
    }
  }
  if (!complete && !final) return -1;
  if (semi > comma && semi >= tab) return 59;
  if (tab > comma && tab > semi) return 9;
  return 44;
}

// ---------------------------------------------------------------------------------------------
// File driver shared by both passes

interface DriveOptions {
  onProgress?: ((fraction: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each chunk has been tokenized, and once with `final` after the end of the file. */
  afterChunk?: ((final: boolean) => Promise<void>) | undefined;
  /** Pass 2: the file size found by pass 1 (a different size means the file changed). */
  expectedBytes?: number | undefined;
  /** Known encoding (an option, or pass 2); detected from the first chunk when absent. */
  encoding?: CsvEncoding | undefined;
}

interface DriveResult {
  bytes: number;
  bom: boolean;
  encoding: CsvEncoding;
  /** The encoding was detected from the content (not a BOM or an option). */
  assumed: boolean;
}

async function openFile(path: string, file: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `${file} was not found (${path})`);
    const msg = err instanceof Error ? err.message : String(err);
    throw badFile(`cannot read ${file}: ${msg}`);
  }
}

/** Line number reached after buf[0, end) when buf[0] is on line `line` (LF, CRLF, lone CR). */
function advanceLines(buf: Buffer, end: number, line: number): number {
  for (let i = 0; i < end; i++) {
    const c = buf[i];
    if (c === C_LF) line++;
    else if (c === C_CR && buf[i + 1] !== C_LF) line++;
  }
  return line;
}

/** Thrown by drive when a file taken for UTF-8 from an ASCII-only start continues in GB18030. */
class RestartAsGb18030 extends Error {}

/**
 * Reads the file in 1 MB chunks into one work buffer as UTF-8 — validated as it comes (a
 * character split between chunks is validated once complete), or transcoded from the file's
 * encoding (encoding.ts) — strips a BOM, detects the delimiter if the tokenizer has none, and
 * feeds the tokenizer. The next chunk is read while one is tokenized. The unconsumed partial
 * record at the end of a chunk is moved to the front of the work buffer and the next chunk is
 * copied behind it; when a record is longer than a chunk the read size grows with it, so very
 * long records are still tokenized in linear time.
 */
async function drive(path: string, tok: CsvTokenizer, opts: DriveOptions): Promise<DriveResult> {
  const file = tok.file;
  const { signal, onProgress, afterChunk } = opts;
  if (signal?.aborted) throw cancelled();
  const fh = await openFile(path, file);
  let pending: Promise<{ buf: Buffer; n: number }> | null = null;
  try {
    const size = (await fh.stat()).size;
    if (opts.expectedBytes !== undefined && size !== opts.expectedBytes) {
      throw changed(file, `its size is now ${size} bytes instead of ${opts.expectedBytes}`);
    }
    let work = Buffer.allocUnsafe(CHUNK_BYTES + 65536);
    let len = 0; // bytes in work
    let checked = 0; // work[0, checked) is valid UTF-8 (a split character after it waits)
    let filePos = 0;
    let bom = false;

    let encoding = opts.encoding;
    let assumed = false;
    if (encoding === undefined) {
      const { bytesRead } = await fh.read(work, 0, CHUNK_BYTES, 0);
      const det = detectEncoding(work, bytesRead, bytesRead >= size, (end) => isUtf8(work.subarray(0, utf8Cut(work, 0, end))));
      encoding = det.encoding;
      assumed = det.assumed;
    }
    // Taken for UTF-8 without being told, and ASCII so far: invalid UTF-8 further on may still be GB18030.
    let asciiSoFar = opts.encoding === undefined && encoding === 'utf-8';
    const transcoder = encoding === 'utf-8' ? null : new Transcoder(encoding);

    const feed = (final: boolean): void => {
      if (transcoder === null) {
        const cut = final ? len : utf8Cut(work, checked, len);
        if (cut > checked) {
          const range = work.subarray(checked, cut);
          if (!isUtf8(range)) {
            if (asciiSoFar && decodesAsGb18030(work, checked, cut, final)) throw new RestartAsGb18030();
            const bad = firstInvalidUtf8(work, checked, cut);
            throw badFile(
              `${file}, line ${advanceLines(work, bad, tok.line)}: not valid UTF-8 text; the file may use another encoding (such as Latin-1): save it as UTF-8 CSV and import it again`,
            );
          }
          if (asciiSoFar && !isAscii(range)) asciiSoFar = false;
        }
        checked = cut;
      } else {
        checked = len; // the transcoder's output is valid UTF-8 by construction
      }
      if (tok.delim < 0) {
        const d = detectDelimiter(work, checked, final);
        if (d < 0) return;
        tok.delim = d;
      }
      tok.begin(work, checked, final);
      tok.sink.consume(tok);
      const used = tok.pos;
      if (used > 0) {
        work.copyWithin(0, used, len);
        len -= used;
        checked -= used;
      }
      if (len > MAX_RECORD_BYTES) {
        throw badFile(
          `${file}, line ${tok.line}: a single row is longer than ${MAX_RECORD_BYTES / (1024 * 1024)} MB (is a quote never closed?)`,
        );
      }
    };

    /** Appends text decoded by the transcoder to the work buffer. */
    const append = (text: string): void => {
      const need = Buffer.byteLength(text, 'utf8');
      if (work.length < len + need) {
        const bigger = Buffer.allocUnsafe(len + Math.max(need, CHUNK_BYTES));
        work.copy(bigger, 0, 0, len);
        work = bigger;
      }
      len += work.write(text, len, 'utf8');
    };
    const transcode = (src: Buffer, n: number, final: boolean): void => {
      try {
        append(transcoder!.decode(src.subarray(0, n), final));
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
        throw badFile(
          `${file}, line ${advanceLines(work, len, tok.line)}: not valid ${encodingLabel(encoding)} text; save the file as UTF-8 CSV and import it again`,
        );
      }
    };

    // The next chunk is read (into the other of two buffers) while this one is tokenized.
    const raws = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let which = 0;
    const readAt = (at: number, want: number): Promise<{ buf: Buffer; n: number }> => {
      let b = raws[which]!;
      if (b.length < want) {
        b = Buffer.allocUnsafe(want);
        raws[which] = b;
      }
      which ^= 1;
      return fh.read(b, 0, want, at).then((r) => ({ buf: b, n: r.bytesRead }));
    };
    pending = readAt(0, CHUNK_BYTES);
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const { buf: chunk, n: bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) break;
      if (filePos < BINARY_PROBE_BYTES && encoding !== 'utf-16le' && encoding !== 'utf-16be') {
        const probeEnd = Math.min(bytesRead, BINARY_PROBE_BYTES - filePos);
        if (chunk.subarray(0, probeEnd).indexOf(0) >= 0) {
          throw badFile(`${file} does not look like a text file (binary content)`);
        }
      }
      filePos += bytesRead;
      // A record longer than a chunk makes the reads grow with it, so it is tokenized in linear time.
      pending = readAt(filePos, Math.max(CHUNK_BYTES, len));
      if (transcoder === null) {
        // UTF-8 is copied into the work buffer behind the partial record.
        if (work.length < len + bytesRead) {
          const bigger = Buffer.allocUnsafe(2 * (len + bytesRead));
          work.copy(bigger, 0, 0, len);
          work = bigger;
        }
        chunk.copy(work, len, 0, bytesRead);
        if (filePos === bytesRead && len + bytesRead >= 3 && work[0] === 0xef && work[1] === 0xbb && work[2] === 0xbf) {
          bom = true;
          work.copyWithin(0, 3, len + bytesRead);
          len -= 3;
        }
        len += bytesRead;
      } else {
        // Other encodings are transcoded behind it; TextDecoder drops a UTF-16 byte order mark itself.
        if (filePos === bytesRead && bytesRead >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) bom = true;
        transcode(chunk, bytesRead, false);
      }
      feed(false);
      if (tok.stopped) break;
      if (afterChunk !== undefined) await afterChunk(false);
      if (signal?.aborted) throw cancelled();
      if (onProgress !== undefined && size > 0) onProgress(Math.min(1, filePos / size));
    }
    if (!tok.stopped) {
      if (transcoder !== null) transcode(raws[0]!, 0, true);
      feed(true);
      if (afterChunk !== undefined) await afterChunk(true);
    }
    return { bytes: filePos, bom, encoding, assumed };
  } finally {
    // a read still in flight (the loop stopped early or failed) must end before the file closes
    if (pending !== null) await pending.catch(() => undefined);
    await fh.close();
  }
}

function changed(file: string, detail: string): AppError {
  return badFile(`${file}: file changed during import (${detail}); import it again`);
}

// ---------------------------------------------------------------------------------------------
// Pass 1: scan

const NUMERIC = SPILL_NUMERIC;
const TEXT = SPILL_TEXT;

/** A level table with the missing tokens pre-entered as -1, so one lookup classifies a value. */
function newLevelTable(): LevelTable {
  const t = new LevelTable();
  t.addMissingTokens();
  return t;
}

/** How columns without a name are named, and how a column is referred to in warnings. */
export interface HeaderNaming {
  /** Name for the unnamed column at 0-based index i. */
  unnamed(i: number): string;
  /** How warnings refer to the column at 0-based index i. */
  where(i: number): string;
}

const CSV_NAMING: HeaderNaming = { unnamed: (i) => `v${i + 1}`, where: (i) => String(i + 1) };

/**
 * Column names from the header: trimmed, empty → vN (or naming.unnamed), duplicates → name_2,
 * name_3, … Shared with the Excel importer so both rename the same way.
 */
export function headerNames(raw: string[], file: string, warnings: string[], naming: HeaderNaming = CSV_NAMING): string[] {
  const names: string[] = [];
  const unnamed: string[] = [];
  raw.forEach((r, i) => {
    if (r === '') {
      const nm = naming.unnamed(i);
      unnamed.push(`${naming.where(i)} → "${nm}"`);
      names.push(nm);
    } else {
      names.push(r);
    }
  });
  if (unnamed.length > 0) {
    warnings.push(
      `${file}: ${unnamed.length === 1 ? 'column' : 'columns'} without a name ${unnamed.length === 1 ? 'was' : 'were'} named by position: ${listSome(unnamed)}`,
    );
  }
  const used = new Set<string>();
  const renamed: string[] = [];
  // Keep first occurrences as they are; later duplicates get the next free suffix.
  const firstSeen = new Set<string>();
  const isDup = names.map((nm) => {
    if (firstSeen.has(nm)) return true;
    firstSeen.add(nm);
    return false;
  });
  for (let i = 0; i < names.length; i++) if (!isDup[i]) used.add(names[i] ?? '');
  // The next suffix to try per name: starting from 2 for every duplicate made a header of
  // thousands of equal names quadratic (seconds for an 80 KB line; found by the fuzz campaign).
  const nextSuffix = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (!isDup[i]) continue;
    const base = names[i] ?? '';
    let k = nextSuffix.get(base) ?? 2;
    while (used.has(`${base}_${k}`)) k++;
    nextSuffix.set(base, k + 1);
    const nm = `${base}_${k}`;
    used.add(nm);
    names[i] = nm;
    renamed.push(`column ${naming.where(i)} "${base}" → "${nm}"`);
  }
  if (renamed.length > 0) warnings.push(`${file}: duplicate column names were renamed: ${listSome(renamed)}`);
  return names;
}

/** The first items of a list for a message, and how many more there are (headers can have thousands). */
function listSome(items: string[], max = 20): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

class ScanSink implements RecordSink {
  ncol = -1;
  names: string[] = [];
  /** NUMERIC until a value that is not a number is seen, then TEXT. */
  kinds = new Uint8Array(0);
  /** Cells holding a missing token, per column (both kinds). */
  tokenMissing = new Float64Array(0);
  /** Infinite cells per column while it is numeric. */
  infinite = new Float64Array(0);
  /** Text columns: 1 if non-missing values were seen while the column was still numeric. */
  sawNumeric = new Uint8Array(0);
  /** Data row index (-1: never) / line / value at which a column turned out to be text. */
  flipRow = new Float64Array(0);
  flipLine = new Float64Array(0);
  flipValue: string[] = [];
  /** Text columns: distinct values (→ their level ids, in order of appearance) plus the missing tokens (→ -1). */
  levels: (LevelTable | null)[] = [];
  levelCount = new Int32Array(0);
  /** Where the values go while they are collected (scanCsvValues), or null. */
  spill: ValueSpill | null = null;
  /** Numeric columns: values with thousands separators, and whether one was unambiguous ("1,234,567", "1,234.5"). */
  thousands = new Float64Array(0);
  grouped = new Uint8Array(0);
  thousandsExample: string[] = [];
  /** F_SEP_OK when the delimiter is not a comma (known once the header is read). */
  sepOk = 0;
  nrows = 0;

  constructor(
    readonly file: string,
    readonly warnings: string[],
  ) {}

  private header(t: CsvTokenizer): void {
    const raw: string[] = [];
    for (let i = 0; i < t.nfields; i++) raw.push(fieldText(t.buf, t.starts[i]!, t.ends[i]!, t.flags[i]!));
    const n = raw.length;
    this.ncol = n;
    this.names = headerNames(raw, this.file, this.warnings);
    t.names = this.names;
    this.kinds = new Uint8Array(n);
    this.tokenMissing = new Float64Array(n);
    this.infinite = new Float64Array(n);
    this.sawNumeric = new Uint8Array(n);
    this.flipRow = new Float64Array(n).fill(-1);
    this.flipLine = new Float64Array(n);
    this.flipValue = new Array<string>(n).fill('');
    this.levels = new Array<LevelTable | null>(n).fill(null);
    this.levelCount = new Int32Array(n);
    this.thousands = new Float64Array(n);
    this.grouped = new Uint8Array(n);
    this.thousandsExample = new Array<string>(n).fill('');
    this.sepOk = t.delim === 44 ? 0 : F_SEP_OK;
    this.spill?.begin(n, this.kinds);
  }

  consume(t: CsvTokenizer): void {
    while (!t.stopped && t.next()) this.record(t);
  }

  record(t: CsvTokenizer): void {
    if (this.ncol < 0) {
      this.header(t);
      return;
    }
    const ncol = this.ncol;
    if (t.nfields !== ncol) {
      throw badFile(`${this.file}, line ${t.recordLine}: expected ${ncol} fields, found ${t.nfields}`);
    }
    const spill = this.spill;
    if (spill !== null) {
      this.recordValues(t, spill);
      return;
    }
    const st = t.starts;
    const en = t.ends;
    const fl = t.flags;
    const kinds = this.kinds;
    for (let c = 0; c < ncol; c++) {
      const f = fl[c]!;
      if (kinds[c] === NUMERIC) {
        if ((f & F_NUM) !== 0) continue; // plain decimal, already checked by the tokenizer
        this.numericCell(t, c, st[c]!, en[c]!, f);
      } else {
        this.textCell(this.levels[c]!, c, t.buf, st[c]!, en[c]!, f);
      }
    }
    this.nrows++;
  }

  /** record() while collecting the values (the same counts and kinds, plus a store per cell). */
  private recordValues(t: CsvTokenizer, spill: ValueSpill): void {
    const ncol = this.ncol;
    const st = t.starts;
    const en = t.ends;
    const fl = t.flags;
    const nums = t.nums;
    const kinds = this.kinds;
    const num = spill.cur.num;
    const txt = spill.cur.txt;
    const i = spill.fill;
    for (let c = 0; c < ncol; c++) {
      const f = fl[c]!;
      if (kinds[c] === NUMERIC) {
        if ((f & F_NUM) !== 0) {
          num[c]![i] = nums[c]!;
          continue;
        }
        const x = this.numericCell(t, c, st[c]!, en[c]!, f);
        if (kinds[c] === NUMERIC) {
          num[c]![i] = x;
        } else {
          const codes = txt[c]; // null if the spill was just given up
          if (codes !== null && codes !== undefined) codes[i] = x;
        }
      } else {
        txt[c]![i] = this.textCell(this.levels[c]!, c, t.buf, st[c]!, en[c]!, f);
      }
    }
    this.nrows++;
    spill.fill = i + 1;
    if (spill.fill === spill.blockRows) spill.endBlock(kinds);
    else if (spill.fill === spill.cur.cap) spill.grow();
  }

  /**
   * A cell of a column that is numeric so far that the tokenizer did not convert: counts it and
   * returns its value (NaN when missing or infinite). A value that is not a number turns the
   * column text: the level id of the value is returned then.
   */
  private numericCell(t: CsvTokenizer, c: number, s: number, e: number, f: number): number {
    const buf = t.buf;
    const k = classifyNumeric(buf, s, e, f | (this.spill === null ? F_CHECK_ONLY : 0) | this.sepOk);
    if (k === K_NUMBER) return parsed.value; // (not computed with F_CHECK_ONLY: not needed then)
    if (k === K_MISSING) {
      this.tokenMissing[c]!++;
      return NaN;
    }
    if (k === K_THOUSANDS) {
      if (this.thousands[c]!++ === 0) this.thousandsExample[c] = fieldText(buf, s, e, f);
      if (parsed.grouped) this.grouped[c] = 1;
      return parsed.value;
    }
    if (k === K_INF) {
      this.infinite[c]!++;
      return NaN;
    }
    // Not a number: the column is text from here on. Values of earlier rows are collected by a
    // catch-up pass if there were any (rows that were not missing).
    this.kinds[c] = TEXT;
    this.sawNumeric[c] = this.nrows > this.tokenMissing[c]! ? 1 : 0;
    this.flipRow[c] = this.nrows;
    this.flipLine[c] = t.recordLine;
    this.flipValue[c] = fieldText(buf, s, e, f);
    const tbl = newLevelTable();
    this.levels[c] = tbl;
    if (this.spill !== null) {
      // earlier values that were all missing are -1 codes; numbers would need their text again
      if (this.sawNumeric[c] === 1) this.giveUpSpill(t);
      else this.spill.toText(c);
    }
    return this.textCell(tbl, c, buf, s, e, f);
  }

  /** Stops collecting values (the import reads the file a second time instead). */
  giveUpSpill(t: CsvTokenizer | null): void {
    this.spill = null;
    if (t !== null) t.values = false;
  }

  /** Looks a text cell up (adding a new value with the next level id); returns its id, or -1 if missing. */
  private textCell(tbl: LevelTable, c: number, buf: Buffer, s: number, e: number, f: number): number {
    const k = tbl.find(buf, s, e, f);
    if (k === -1) {
      const id = this.levelCount[c]!;
      this.levelCount[c] = id + 1;
      tbl.insertLast(id);
      return id;
    }
    const v = k === -2 ? -1 : tbl.value(k);
    if (v < 0) this.tokenMissing[c]!++;
    return v;
  }
}

/** For columns that turned text after numeric values: collects the values of the rows before. */
class CatchUpSink implements RecordSink {
  private row = -1; // -1: header not read yet
  private readonly cols: number[] = [];
  private readonly stopRow: number;

  constructor(private readonly scan: ScanSink) {
    let stop = 0;
    for (let c = 0; c < scan.ncol; c++) {
      const fr = scan.flipRow[c]!;
      if (fr > 0 && scan.sawNumeric[c] === 1) {
        this.cols.push(c);
        stop = Math.max(stop, fr);
      }
    }
    this.stopRow = stop;
  }

  get needed(): boolean {
    return this.cols.length > 0;
  }

  consume(t: CsvTokenizer): void {
    while (!t.stopped && t.next()) this.record(t);
  }

  record(t: CsvTokenizer): void {
    if (this.row < 0) {
      this.row = 0;
      return;
    }
    if (t.nfields !== this.scan.ncol) throw changed(t.file, `line ${t.recordLine}: field count differs`);
    const row = this.row;
    for (const c of this.cols) {
      if (row >= this.scan.flipRow[c]!) continue;
      const tbl = this.scan.levels[c]!;
      if (tbl.find(t.buf, t.starts[c]!, t.ends[c]!, t.flags[c]!) === -1) tbl.insertLast(0);
    }
    this.row++;
    if (this.row >= this.stopRow) t.stopped = true;
  }
}

const DELIM_CHARS: Record<number, ',' | ';' | '\t'> = { 44: ',', 59: ';', 9: '\t' };

function delimCode(d: ',' | ';' | '\t'): number {
  return d.charCodeAt(0);
}

/** Pass 1: structure, types, text levels. Throws AppError('BAD_FILE', ...) naming file, line and column. */
export async function scanCsv(path: string, opts?: CsvOptions): Promise<CsvScan> {
  return (await scanWithRestart(path, opts, 0)).scan;
}

/**
 * The values of a CSV file collected by its scan (scanCsvValues), read back in blocks: the same
 * blocks readCsv would give, without reading the text again.
 */
export interface CsvValues {
  /**
   * Blocks of `blockRows` rows in order (the last may be shorter): Float64Array (NaN = missing)
   * for numeric columns, Int32Array codes into `levels` (-1 = missing) for text. The arrays are
   * reused: they are valid until onBlock returns (or its promise resolves).
   */
  read(onBlock: (block: CsvBlock) => void | Promise<void>, opts?: { signal?: AbortSignal; onProgress?: (fraction: number) => void }): Promise<void>;
  /** Releases the temporary file; call it in every case (also after read). */
  dispose(): Promise<void>;
}

/**
 * Pass 1 that also keeps every value, so that an import reads the text once: the scan (exactly
 * scanCsv's result) and the values, or `values: null` when they would need a second look at the
 * text anyway — a column that turns text after numbers (its earlier cells must be read as text),
 * numbers whose thousands separators may be decimal commas — or the temporary file failed. Then
 * readCsv reads the values as before.
 */
export async function scanCsvValues(path: string, opts?: CsvOptions & { blockRows?: number }): Promise<{ scan: CsvScan; values: CsvValues | null }> {
  const blockRows = opts?.blockRows ?? DEFAULT_BLOCK_ROWS;
  if (!Number.isInteger(blockRows) || blockRows < 1) {
    throw new AppError('INVALID_ARGUMENT', `blockRows must be a positive integer (got ${blockRows})`);
  }
  return scanWithRestart(path, opts, blockRows);
}

async function scanWithRestart(path: string, opts: CsvOptions | undefined, collect: number): Promise<{ scan: CsvScan; values: CsvValues | null }> {
  const given = opts?.encoding === undefined ? undefined : encodingFromName(opts.encoding);
  try {
    return await scanAs(path, opts, given, false, collect);
  } catch (err) {
    // Pure ASCII at first, then bytes that are GB18030 but not UTF-8: read it again as GB18030.
    if (err instanceof RestartAsGb18030) return scanAs(path, opts, 'gb18030', true, collect);
    throw err;
  }
}

/** The scan; with `collect` > 0 the values are kept too, in blocks of that many rows. */
async function scanAs(
  path: string,
  opts: CsvOptions | undefined,
  encoding: CsvEncoding | undefined,
  assumed: boolean,
  collect: number,
): Promise<{ scan: CsvScan; values: CsvValues | null }> {
  const file = basename(path);
  const warnings: string[] = [];
  const sink = new ScanSink(file, warnings);
  const tok = new CsvTokenizer(file, sink);
  if (opts?.delimiter !== undefined) tok.delim = delimCode(opts.delimiter);
  const spill = collect > 0 ? await ValueSpill.create(collect).catch(() => null) : null;
  sink.spill = spill;
  tok.values = spill !== null;
  let kept = false;
  try {
    const afterChunk =
      spill === null
        ? undefined
        : async (final: boolean): Promise<void> => {
            if (sink.spill === null) return;
            if (final && spill.fill > 0) spill.endBlock(sink.kinds);
            if (!(await spill.drain())) sink.giveUpSpill(tok);
          };
    const res = await drive(path, tok, { onProgress: opts?.onProgress, signal: opts?.signal, encoding, afterChunk });
    if (sink.ncol < 0) throw badFile(`${file} is empty`);
    if (res.assumed || assumed) {
      // Only GB18030 is ever assumed (encoding.ts).
      warnings.unshift(`${file}: not UTF-8 text; read as Chinese GB18030/GBK. If names or text look wrong, save the file as UTF-8 CSV`);
    }

    // Thousands separators. With a comma delimiter they only occur in quoted fields ("1,234"), which
    // cannot be decimal commas there. With ; or TAB, a column whose values all have one separator
    // and no decimal point ("1,234") may as well be written with decimal commas (1.234): it stays
    // text unless some value settles it ("1,234,567" or "1,234.5").
    const ambiguous = new Uint8Array(sink.ncol);
    for (let c = 0; c < sink.ncol; c++) {
      if (sink.kinds[c] !== NUMERIC || sink.thousands[c] === 0 || sink.sepOk === 0 || sink.grouped[c] === 1) continue;
      ambiguous[c] = 1;
      sink.kinds[c] = TEXT;
      sink.levels[c] = newLevelTable();
      sink.flipRow[c] = sink.nrows; // the catch-up pass collects every row's value
      sink.sawNumeric[c] = 1;
      sink.giveUpSpill(null);
    }

    const catchUp = new CatchUpSink(sink);
    if (catchUp.needed) {
      sink.giveUpSpill(null);
      const tok2 = new CsvTokenizer(file, catchUp);
      tok2.delim = tok.delim;
      tok2.names = sink.names;
      tok2.values = false;
      await drive(path, tok2, { signal: opts?.signal, encoding: res.encoding });
    }

    if (sink.nrows === 0) warnings.push(`${file} has a header row but no data rows`);
    const columns: CsvColumn[] = [];
    /** Per text column: provisional level id → index in the sorted levels (used with the values). */
    const remap: (Int32Array | null)[] = [];
    for (let c = 0; c < sink.ncol; c++) {
      const name = sink.names[c]!;
      const label = `column ${c + 1} ("${name}")`;
      const tokenMissing = sink.tokenMissing[c]!;
      if (sink.kinds[c] === NUMERIC) {
        const inf = sink.infinite[c]!;
        if (inf > 0) {
          warnings.push(`${file}, ${label}: ${inf} infinite ${inf === 1 ? 'value was' : 'values were'} read as missing`);
        }
        const th = sink.thousands[c]!;
        if (th > 0) {
          warnings.push(
            `${file}, ${label}: ${th} ${th === 1 ? 'number' : 'numbers'} with thousands separators (such as "${sink.thousandsExample[c]!}") read as ${th === 1 ? 'a number' : 'numbers'}`,
          );
        }
        columns.push({ name, kind: 'numeric', missing: tokenMissing + inf });
        remap.push(null);
      } else {
        const tbl = sink.levels[c]!;
        const keys: string[] = [];
        const ids: number[] = [];
        for (let k = 0; k < tbl.count; k++) {
          const v = tbl.value(k);
          if (v < 0) continue;
          keys.push(tbl.key(k));
          ids.push(v);
        }
        // UTF-16 code unit order, as Array.prototype.sort (the keys are distinct)
        const order = keys.map((_, i) => i).sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : 0));
        const levels = order.map((i) => keys[i]!);
        const map = new Int32Array(sink.levelCount[c]!);
        order.forEach((i, j) => (map[ids[i]!] = j));
        remap.push(map);
        if (ambiguous[c] === 1) {
          warnings.push(
            `${file}, ${label}: read as text because values such as "${sink.thousandsExample[c]!}" may have a decimal comma or a thousands separator`,
          );
        } else if (sink.sawNumeric[c] === 1) {
          warnings.push(
            `${file}, ${label}: read as text because of the non-numeric value "${sink.flipValue[c]!}" on line ${sink.flipLine[c]!}`,
          );
        }
        columns.push({ name, kind: 'text', levels, missing: tokenMissing });
      }
    }
    const scan: CsvScan = {
      path,
      delimiter: DELIM_CHARS[tok.delim] ?? ',',
      bom: res.bom,
      encoding: res.encoding,
      columns,
      nrows: sink.nrows,
      bytes: res.bytes,
      warnings,
    };
    let values: CsvValues | null = null;
    if (spill !== null && sink.spill !== null && (await spill.finish())) {
      const kinds = sink.kinds.slice();
      values = {
        read: (onBlock, o) => spill.read(kinds, remap, onBlock, { signal: o?.signal, onProgress: o?.onProgress }),
        dispose: () => spill.dispose(),
      };
      kept = true;
    }
    opts?.onProgress?.(1);
    return { scan, values };
  } finally {
    if (!kept) await spill?.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Pass 2: read

class ReadSink implements RecordSink {
  private headerSeen = false;
  private readonly ncol: number;
  /** Column indices of numeric / text columns (separate loops keep array stores monomorphic). */
  private readonly numIdx: number[] = [];
  private readonly txtIdx: number[] = [];
  /** Per text column (in txtIdx order): value bytes → level code (missing tokens → -1). */
  private readonly tables: LevelTable[] = [];
  private numCols: Float64Array[] = [];
  private txtCols: Int32Array[] = [];
  private readonly spare: { num: Float64Array[]; txt: Int32Array[] }[] = [];
  private fill = 0;
  private offset = 0;
  /** F_SEP_OK when the delimiter is not a comma (as in the scan). */
  private readonly sepOk: number;
  rows = 0;
  readonly ready: CsvBlock[] = [];

  constructor(
    private readonly scan: CsvScan,
    private readonly blockRows: number,
  ) {
    this.ncol = scan.columns.length;
    this.sepOk = scan.delimiter === ',' ? 0 : F_SEP_OK;
    scan.columns.forEach((col, c) => {
      if (col.kind === 'numeric') {
        this.numIdx.push(c);
      } else {
        this.txtIdx.push(c);
        const tbl = newLevelTable();
        (col.levels ?? []).forEach((lv, i) => tbl.addString(lv, i));
        this.tables.push(tbl);
      }
    });
    this.alloc();
  }

  private alloc(): void {
    // no more room than the rows left need (a header-only file may have 100,000 columns)
    const n = Math.min(this.blockRows, this.scan.nrows - this.offset);
    const used = n === this.blockRows ? this.spare.pop() : undefined;
    this.numCols = used?.num ?? this.numIdx.map(() => new Float64Array(n));
    this.txtCols = used?.txt ?? this.txtIdx.map(() => new Int32Array(n));
    this.fill = 0;
  }

  /**
   * Takes back the arrays of a delivered full block, to be filled again (readCsv's
   * `reuseBlocks`): fresh memory costs a page fault per 4 KiB (~10 µs here), as much as
   * tokenizing the values that fill it.
   */
  recycle(block: CsvBlock): void {
    if (block.length !== this.blockRows) return;
    this.spare.push({ num: this.numIdx.map((c) => block.columns[c] as Float64Array), txt: this.txtIdx.map((c) => block.columns[c] as Int32Array) });
  }

  private block(length: number, exact: boolean): CsvBlock {
    const columns = new Array<Float64Array | Int32Array>(this.ncol);
    this.numIdx.forEach((c, j) => {
      const a = this.numCols[j]!;
      columns[c] = exact && a.length !== length ? a.slice(0, length) : a;
    });
    this.txtIdx.forEach((c, j) => {
      const a = this.txtCols[j]!;
      columns[c] = exact && a.length !== length ? a.slice(0, length) : a;
    });
    return { offset: this.offset, length, columns };
  }

  consume(t: CsvTokenizer): void {
    while (!t.stopped && t.next()) this.record(t);
  }

  record(t: CsvTokenizer): void {
    if (!this.headerSeen) {
      if (t.nfields !== this.ncol) throw changed(t.file, 'the header has a different number of columns');
      this.headerSeen = true;
      return;
    }
    if (t.nfields !== this.ncol) {
      throw changed(t.file, `line ${t.recordLine}: expected ${this.ncol} fields, found ${t.nfields}`);
    }
    if (this.rows >= this.scan.nrows) throw changed(t.file, `line ${t.recordLine}: more rows than scanned`);
    const buf = t.buf;
    const st = t.starts;
    const en = t.ends;
    const fl = t.flags;
    const nums = t.nums;
    const i = this.fill;
    const numIdx = this.numIdx;
    const numCols = this.numCols;
    for (let j = 0; j < numIdx.length; j++) {
      const c = numIdx[j]!;
      const f = fl[c]!;
      if ((f & F_NUM) !== 0) {
        numCols[j]![i] = nums[c]!;
        continue;
      }
      const k = classifyNumeric(buf, st[c]!, en[c]!, f | this.sepOk);
      if (k === K_NUMBER || k === K_THOUSANDS) numCols[j]![i] = parsed.value;
      else if (k === K_MISSING || k === K_INF) numCols[j]![i] = NaN;
      else throw changed(t.file, `line ${t.recordLine}, ${t.columnLabel(c)}: value is no longer numeric`);
    }
    const txtIdx = this.txtIdx;
    const txtCols = this.txtCols;
    for (let j = 0; j < txtIdx.length; j++) {
      const c = txtIdx[j]!;
      const tbl = this.tables[j]!;
      const k = tbl.find(buf, st[c]!, en[c]!, fl[c]!);
      if (k === -1) {
        throw changed(t.file, `line ${t.recordLine}, ${t.columnLabel(c)}: value not seen in the first pass`);
      }
      txtCols[j]![i] = k === -2 ? -1 : tbl.value(k);
    }
    this.rows++;
    this.fill = i + 1;
    if (this.fill === this.blockRows) {
      this.ready.push(this.block(this.fill, false));
      this.offset += this.fill;
      this.alloc();
    }
  }

  /** Queues the last, partial block (arrays copied to their exact length). */
  flush(): void {
    if (this.fill === 0) return;
    const len = this.fill;
    this.ready.push(this.block(len, true));
    this.offset += len;
    this.fill = 0;
  }
}

/**
 * Pass 2: values in blocks of `blockRows` rows (default 65536): Float64Array (NaN = missing) for
 * numeric columns, Int32Array codes into `levels` (-1 = missing) for text. With `reuseBlocks`,
 * the arrays of a block are filled again once onBlock has returned (or its promise resolved):
 * for callers that copy the values, such as the project writer.
 */
export async function readCsv(
  scan: CsvScan,
  onBlock: (block: CsvBlock) => void | Promise<void>,
  opts?: CsvOptions & { blockRows?: number; reuseBlocks?: boolean },
): Promise<void> {
  const file = basename(scan.path);
  const blockRows = opts?.blockRows ?? DEFAULT_BLOCK_ROWS;
  if (!Number.isInteger(blockRows) || blockRows < 1) {
    throw new AppError('INVALID_ARGUMENT', `blockRows must be a positive integer (got ${blockRows})`);
  }
  const signal = opts?.signal;
  const sink = new ReadSink(scan, blockRows);
  const tok = new CsvTokenizer(file, sink);
  tok.delim = delimCode(scan.delimiter);
  tok.names = scan.columns.map((c) => c.name);
  const deliver = async (final: boolean): Promise<void> => {
    if (final) {
      if (sink.rows !== scan.nrows) throw changed(file, `${sink.rows} data rows instead of ${scan.nrows}`);
      sink.flush();
    }
    while (sink.ready.length > 0) {
      if (signal?.aborted) throw cancelled();
      const block = sink.ready.shift();
      if (block === undefined) continue;
      await onBlock(block);
      if (opts?.reuseBlocks === true) sink.recycle(block);
    }
  };
  await drive(scan.path, tok, { onProgress: opts?.onProgress, signal, expectedBytes: scan.bytes, afterChunk: deliver, encoding: scan.encoding });
  opts?.onProgress?.(1);
}
