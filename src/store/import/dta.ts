// Stata .dta reader, formats 113–115 and 117–119, either byte order (Stata's `help dta`).
// Metadata, strL contents and value labels are read first; the data section then streams in
// blocks of about BLOCK_BYTES, each decoded straight into the output columns.
// Numeric storage types become Float64 (Stata's missing codes ., .a–.z → NaN); str# and strL
// become categorical codes whose levels are sorted like the CSV importer's (`levels.sort()`).
import { AppError } from '../../shared/errors.js';
import { DtaCursor, badDta, decodeText } from './dta-bytes.js';
import { type DtaLayout, type DtaNumericKind, type DtaVariable, readLayout } from './dta-header.js';
import { type DtaTables, readTables, strlKey } from './dta-tables.js';
import type { ImportedColumn, ImportedTable, ReadOptions } from './table.js';

const BLOCK_BYTES = 8 << 20;

/** Smallest missing code per type (`.`); larger codes are .a–.z. Valid values lie below. */
const MISSING_BYTE = 101;
const MISSING_INT = 32741;
const MISSING_LONG = 2147483621;
const MISSING_FLOAT = 2 ** 127; // 0x7f000000
const MISSING_DOUBLE = 2 ** 1023; // 0x7fe0000000000000

function cancelled(): AppError {
  return new AppError('CANCELLED', 'import cancelled');
}

interface ColumnReader {
  read(buf: Buffer, view: DataView, rows: number, rowWidth: number, at: number): void;
  finish(warnings: string[]): ImportedColumn;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function baseColumn(v: DtaVariable): Pick<ImportedColumn, 'name' | 'label' | 'displayFormat'> {
  return { name: v.name, ...(v.label ? { label: v.label } : {}), ...(v.format ? { displayFormat: v.format } : {}) };
}

// ------------------------------------------------------------------------------ numeric

class NumericReader implements ColumnReader {
  private readonly values: Float64Array;
  private missing = 0;
  private extended = 0;

  constructor(
    private readonly v: DtaVariable,
    private readonly kind: DtaNumericKind,
    nobs: number,
    private readonly le: boolean,
    private readonly valueLabels: Record<string, string> | undefined,
  ) {
    this.values = new Float64Array(nobs);
  }

  read(_buf: Buffer, view: DataView, rows: number, w: number, at: number): void {
    const out = this.values;
    const le = this.le;
    let p = this.v.offset;
    let miss = 0;
    let ext = 0;
    switch (this.kind) {
      case 'byte':
        for (let r = 0; r < rows; r++, p += w) {
          const x = view.getInt8(p);
          if (x < MISSING_BYTE) out[at + r] = x;
          else { out[at + r] = NaN; miss++; if (x > MISSING_BYTE) ext++; }
        }
        break;
      case 'int':
        for (let r = 0; r < rows; r++, p += w) {
          const x = view.getInt16(p, le);
          if (x < MISSING_INT) out[at + r] = x;
          else { out[at + r] = NaN; miss++; if (x > MISSING_INT) ext++; }
        }
        break;
      case 'long':
        for (let r = 0; r < rows; r++, p += w) {
          const x = view.getInt32(p, le);
          if (x < MISSING_LONG) out[at + r] = x;
          else { out[at + r] = NaN; miss++; if (x > MISSING_LONG) ext++; }
        }
        break;
      case 'float':
      case 'double': {
        // NaN and infinities are not Stata values; other writers may leave them: missing too.
        const dbl = this.kind === 'double';
        const lim = dbl ? MISSING_DOUBLE : MISSING_FLOAT;
        for (let r = 0; r < rows; r++, p += w) {
          const x = dbl ? view.getFloat64(p, le) : view.getFloat32(p, le);
          if (x < lim && x > -Infinity) out[at + r] = x;
          else { out[at + r] = NaN; miss++; if (x > lim && x < Infinity) ext++; }
        }
        break;
      }
    }
    this.missing += miss;
    this.extended += ext;
  }

  finish(warnings: string[]): ImportedColumn {
    if (this.extended > 0) {
      warnings.push(`${this.v.name}: ${plural(this.extended, 'extended missing value', 'extended missing values')} (.a–.z) read as missing; Panel Studio keeps one kind of missing value`);
    }
    const fmt = this.v.format;
    const sourceType = /^%-?t?d/.test(fmt) ? 'date' : /^%-?t[cC]/.test(fmt) ? 'datetime' : this.kind;
    const labels = this.valueLabels && Object.keys(this.valueLabels).length > 0 ? { valueLabels: this.valueLabels } : {};
    return { ...baseColumn(this.v), kind: 'numeric', values: this.values, ...labels, missing: this.missing, sourceType };
  }
}

// ------------------------------------------------------------------------------ strings

/** Codes numbered in order of first appearance (`texts`) → codes into sorted, distinct levels. */
function finishCategorical(v: DtaVariable, codes: Int32Array, texts: string[], sourceType: string): ImportedColumn {
  const levels = [...new Set(texts)].sort();
  const index = new Map(levels.map((t, i) => [t, i]));
  const remap = Int32Array.from(texts, (t) => index.get(t) ?? -1);
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    if (k < 0) missing++;
    else codes[i] = remap[k];
  }
  return { ...baseColumn(v), kind: 'categorical', values: codes, levels, missing, sourceType };
}

/** str#: NUL-terminated (or full-width) bytes; distinct byte strings are decoded once at the end. */
class StrReader implements ColumnReader {
  private readonly codes: Int32Array;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly v: DtaVariable,
    nobs: number,
    private readonly unicode: boolean,
  ) {
    this.codes = new Int32Array(nobs);
  }

  read(buf: Buffer, _view: DataView, rows: number, w: number, at: number): void {
    const width = this.v.width;
    const seen = this.seen;
    for (let r = 0, p = this.v.offset; r < rows; r++, p += w) {
      let end = p;
      const lim = p + width;
      while (end < lim && buf[end] !== 0) end++;
      if (end === p) {
        this.codes[at + r] = -1;
        continue;
      }
      const key = buf.toString('latin1', p, end);
      let code = seen.get(key);
      if (code === undefined) {
        code = seen.size;
        seen.set(key, code);
      }
      this.codes[at + r] = code;
    }
  }

  finish(): ImportedColumn {
    const texts = [...this.seen.keys()].map((k) => decodeText(Buffer.from(k, 'latin1'), this.unicode));
    return finishCategorical(this.v, this.codes, texts, `str${this.v.width}`);
  }
}

/**
 * strL: (v,o) references into the GSO table read before the data. The format puts v first, in
 * 4+4 bytes (117), 2+6 (118) or 3+5 (119), in the file's byte order. Writers differ: pandas
 * writes big-endian cells as one integer o·2^(8·|v|)+v (o first), haven 2.5.1 writes 119 cells
 * like 118. Each layout is tried until one finds the string; the one that worked is tried first.
 */
class StrLReader implements ColumnReader {
  private readonly codes: Int32Array;
  private readonly seen = new Map<string, number>();
  private binary = 0;
  private dangling = 0;
  /** [bytes of v, v stored first] */
  private readonly layouts: [number, boolean][];
  private preferred = 0;

  constructor(
    private readonly v: DtaVariable,
    nobs: number,
    private readonly le: boolean,
    version: number,
    private readonly strls: DtaTables['strls'],
  ) {
    this.codes = new Int32Array(nobs);
    const splits = version === 117 ? [4] : version === 118 ? [2] : [3, 2];
    const orders = le || version === 117 ? [true] : [true, false];
    this.layouts = splits.flatMap((vb) => orders.map((first): [number, boolean] => [vb, first]));
  }

  /** Unsigned big- or little-endian integer of bytes [a, b). */
  private static uint(buf: Buffer, a: number, b: number, le: boolean): number {
    let x = 0;
    if (le) for (let i = b - 1; i >= a; i--) x = x * 256 + buf[i];
    else for (let i = a; i < b; i++) x = x * 256 + buf[i];
    return x;
  }

  private lookup(buf: Buffer, p: number): string | null | undefined {
    let zero = true;
    for (let i = p; i < p + 8; i++) if (buf[i] !== 0) zero = false;
    if (zero) return ''; // (0,0): the empty string
    const n = this.layouts.length;
    for (let k = 0; k < n; k++) {
      const idx = (this.preferred + k) % n;
      const [vb, vFirst] = this.layouts[idx];
      const v = vFirst ? StrLReader.uint(buf, p, p + vb, this.le) : StrLReader.uint(buf, p + 8 - vb, p + 8, this.le);
      const o = vFirst ? StrLReader.uint(buf, p + vb, p + 8, this.le) : StrLReader.uint(buf, p, p + 8 - vb, this.le);
      const hit = this.strls.get(strlKey(v, o));
      if (hit !== undefined) {
        this.preferred = idx;
        return hit;
      }
    }
    return undefined;
  }

  read(buf: Buffer, _view: DataView, rows: number, w: number, at: number): void {
    for (let r = 0, p = this.v.offset; r < rows; r++, p += w) {
      const text = this.lookup(buf, p);
      if (text === undefined) this.dangling++;
      else if (text === null) this.binary++;
      if (!text) {
        this.codes[at + r] = -1;
        continue;
      }
      let code = this.seen.get(text);
      if (code === undefined) {
        code = this.seen.size;
        this.seen.set(text, code);
      }
      this.codes[at + r] = code;
    }
  }

  finish(warnings: string[]): ImportedColumn {
    const name = this.v.name;
    if (this.binary > 0) warnings.push(`${name}: ${plural(this.binary, 'strL value holds', 'strL values hold')} binary data, not text; read as missing`);
    if (this.dangling > 0) warnings.push(`${name}: ${plural(this.dangling, 'strL value refers', 'strL values refer')} to contents missing from the file; read as missing`);
    return finishCategorical(this.v, this.codes, [...this.seen.keys()], 'strL');
  }
}

// ------------------------------------------------------------------------------ driver

function columnReader(v: DtaVariable, layout: DtaLayout, tables: DtaTables): ColumnReader {
  const t = v.type;
  if (t.kind === 'str') return new StrReader(v, layout.nobs, layout.unicode);
  if (t.kind === 'strL') return new StrLReader(v, layout.nobs, layout.littleEndian, layout.version, tables.strls);
  const labels = v.valueLabelName ? tables.valueLabels.get(v.valueLabelName) : undefined;
  return new NumericReader(v, t.kind, layout.nobs, layout.littleEndian, labels);
}

export async function readDta(path: string, opts: ReadOptions = {}): Promise<ImportedTable> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw cancelled();
  const c = await DtaCursor.open(path);
  try {
    const layout = await readLayout(c);
    const tables = await readTables(c, layout);
    if (signal?.aborted) throw cancelled();
    const readers = layout.variables.map((v) => columnReader(v, layout, tables));
    const { nobs, rowWidth: w } = layout;
    if (w > 0 && nobs > 0) {
      const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / w));
      const buf = Buffer.allocUnsafe(Math.min(nobs, rowsPerBlock) * w);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let r0 = 0; r0 < nobs; r0 += rowsPerBlock) {
        if (signal?.aborted) throw cancelled();
        const rows = Math.min(rowsPerBlock, nobs - r0);
        await c.readFully(buf, rows * w, layout.dataStart + r0 * w);
        for (const reader of readers) reader.read(buf, view, rows, w, r0);
        onProgress?.((r0 + rows) / nobs);
      }
    }
    if (signal?.aborted) throw cancelled();
    const warnings: string[] = [];
    const columns = readers.map((r) => r.finish(warnings));
    onProgress?.(1);
    return { nrows: nobs, columns, warnings };
  } catch (err) {
    if (err instanceof AppError) throw err;
    // Every expected defect is reported above; anything else still must not leak a stack trace.
    throw badDta(c.file, `cannot be read as a Stata file (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    await c.close();
  }
}
