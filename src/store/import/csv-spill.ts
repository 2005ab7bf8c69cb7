// Values of a CSV import collected during the scan (pass 1), so that the import reads the text
// once. The project's dataset can only be created once the scan knows the row count, the types
// and the sorted levels of every column, so the values wait in a temporary file ("spill") in
// blocks of column arrays: Float64 for columns numeric so far, Int32 provisional level ids
// (order of first appearance; -1 = missing) for text columns. Reading them back maps the ids to
// the sorted levels. Writing a block costs a memory copy into the page cache; tokenizing the
// text again cost a third of the import.
//
// The spill file is removed from its folder right after it is opened, so nothing is left
// behind if the process dies. Any spill error (a full disk) only makes the import fall back to
// reading the file a second time (csv.ts: spill unusable), never fails it.
import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';

/** Column kinds, as the scan in csv.ts numbers them. */
export const SPILL_NUMERIC = 0;
export const SPILL_TEXT = 1;

/** The value arrays of one block: per column, Float64 while it is numeric, Int32 ids once text; room for `cap` rows. */
export interface BlockArrays {
  num: (Float64Array | null)[];
  txt: (Int32Array | null)[];
  cap: number;
}

/**
 * The first block's arrays start with room for this many bytes over all columns and grow up to
 * a whole block: a file of 100,000 columns and a few rows must not take 512 KB per column.
 */
const FIRST_BLOCK_BYTES = 8 << 20;

interface QueuedBlock {
  arrays: BlockArrays;
  rows: number;
  kinds: Uint8Array;
}

interface SpilledBlock {
  pos: number;
  rows: number;
  bytes: number;
  /** Kind of each column's region in this block. */
  kinds: Uint8Array;
}

/** A block read back: numeric columns Float64Array (NaN = missing), text columns Int32Array codes into the sorted levels (-1 = missing). */
export interface SpillBlock {
  offset: number;
  length: number;
  columns: (Float64Array | Int32Array)[];
}

export class ValueSpill {
  ncol = 0;
  /** Arrays of the block being filled, and its row count so far. */
  cur: BlockArrays = { num: [], txt: [], cap: 0 };
  fill = 0;
  /** Room in the arrays of new blocks (grows during the first block up to blockRows). */
  capacity = 0;
  private pos = 0;
  private readonly blocks: SpilledBlock[] = [];
  private queued: QueuedBlock[] = [];
  private writing: Promise<void> | null = null;
  private inFlight: BlockArrays[] = [];
  private readonly free: BlockArrays[] = [];
  private failure: unknown = null;

  private constructor(
    private fh: FileHandle | null,
    readonly blockRows: number,
    /** The file's name if it could not be removed while open (then dispose removes it). */
    private readonly path: string | null,
  ) {}

  /** Opens an anonymous temporary file (unlinked right away; Windows allows that for files libuv opens). */
  static async create(blockRows: number): Promise<ValueSpill> {
    const path = join(tmpdir(), `panel-studio-import-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(path, 'wx+');
    try {
      await unlink(path);
      return new ValueSpill(fh, blockRows, null);
    } catch {
      return new ValueSpill(fh, blockRows, path);
    }
  }

  /** Called with the header: the column count and the kinds of the first block. */
  begin(ncol: number, kinds: Uint8Array): void {
    this.ncol = ncol;
    this.capacity = Math.max(1, Math.min(this.blockRows, Math.floor(FIRST_BLOCK_BYTES / (8 * Math.max(1, ncol)))));
    this.cur = this.take(kinds);
    this.fill = 0;
  }

  private take(kinds: Uint8Array): BlockArrays {
    let a = this.free.pop();
    if (a === undefined || a.cap < this.capacity) a = { num: new Array<Float64Array | null>(this.ncol).fill(null), txt: new Array<Int32Array | null>(this.ncol).fill(null), cap: this.capacity };
    for (let c = 0; c < this.ncol; c++) {
      if (kinds[c] === SPILL_NUMERIC) a.num[c] ??= new Float64Array(a.cap);
      else a.txt[c] ??= new Int32Array(a.cap + 1); // + 1: room for the padding
    }
    return a;
  }

  /** The current block's arrays are full but the block is not: twice the room (up to a block). */
  grow(): void {
    const cap = Math.min(this.blockRows, 2 * this.cur.cap);
    const { num, txt } = this.cur;
    for (let c = 0; c < this.ncol; c++) {
      const x = num[c];
      if (x !== null && x !== undefined) (num[c] = new Float64Array(cap)).set(x);
      const t = txt[c];
      if (t !== null && t !== undefined) (txt[c] = new Int32Array(cap + 1)).set(t);
    }
    this.cur.cap = cap;
    this.capacity = Math.max(this.capacity, cap);
  }

  /** Column c turns text at row `fill` of the current block; every earlier value of it was missing. */
  toText(c: number): void {
    const t = (this.cur.txt[c] ??= new Int32Array(this.cur.cap + 1));
    t.fill(-1, 0, this.fill);
  }

  /** Queues the current block (full, or the last one) and starts the next with the columns' kinds now. */
  endBlock(kinds: Uint8Array): void {
    this.queued.push({ arrays: this.cur, rows: this.fill, kinds: kinds.slice() });
    this.cur = this.take(kinds);
    this.fill = 0;
  }

  /**
   * Between chunks of the text: waits for the previous write and starts writing the queued
   * blocks, which then proceeds while the next chunk is tokenized. Returns false once the
   * spill has failed (the caller stops collecting).
   */
  async drain(): Promise<boolean> {
    if (this.writing !== null) {
      await this.writing;
      this.writing = null;
      this.free.push(...this.inFlight);
      this.inFlight = [];
    }
    if (this.failure !== null || this.fh === null) return false;
    if (this.queued.length === 0) return true;
    const parts: Uint8Array[] = [];
    const start = this.pos;
    for (const q of this.queued) {
      let bytes = 0;
      for (let c = 0; c < this.ncol; c++) {
        if (q.kinds[c] === SPILL_NUMERIC) {
          const a = q.arrays.num[c]!;
          parts.push(new Uint8Array(a.buffer, a.byteOffset, q.rows * 8));
          bytes += q.rows * 8;
        } else {
          const a = q.arrays.txt[c]!;
          const n = q.rows * 4 + ((q.rows & 1) << 2); // padded to 8 bytes: Float64 regions stay aligned
          parts.push(new Uint8Array(a.buffer, a.byteOffset, n));
          bytes += n;
        }
      }
      this.blocks.push({ pos: this.pos, rows: q.rows, bytes, kinds: q.kinds });
      this.pos += bytes;
      this.inFlight.push(q.arrays);
    }
    this.queued = [];
    const fh = this.fh;
    const expected = this.pos - start;
    this.writing = writeAll(fh, parts, start, expected).catch((err: unknown) => {
      this.failure = err;
    });
    return true;
  }

  /** True if every value is in the file (after the last drain). */
  async finish(): Promise<boolean> {
    await this.drain();
    await this.drain();
    return this.failure === null && this.fh !== null && this.queued.length === 0;
  }

  /**
   * Streams the blocks back: numeric columns as Float64Array, text columns as codes into the
   * sorted levels (`remap[c]` maps column c's provisional ids; -1 stays missing). The arrays
   * are views of reused buffers, valid until onBlock returns (or its promise resolves).
   */
  async read(
    kinds: Uint8Array,
    remap: (Int32Array | null)[],
    onBlock: (block: SpillBlock) => void | Promise<void>,
    opts: { signal?: AbortSignal | undefined; onProgress?: ((fraction: number) => void) | undefined } = {},
  ): Promise<void> {
    const fh = this.fh;
    if (fh === null) throw new AppError('INTERNAL', 'import values were already released');
    let size = 8;
    for (const b of this.blocks) size = Math.max(size, b.bytes);
    // two buffers: the next block is read while onBlock writes this one
    const buffers = [new ArrayBuffer(size), new ArrayBuffer(size)];
    const load = (i: number): Promise<void> | null => {
      const b = this.blocks[i];
      return b === undefined ? null : readAll(fh, new Uint8Array(buffers[i & 1]!), b.bytes, b.pos);
    };
    let next = load(0);
    let offset = 0;
    try {
      for (let i = 0; i < this.blocks.length; i++) {
        if (opts.signal?.aborted) throw new AppError('CANCELLED', 'import cancelled');
        const b = this.blocks[i]!;
        await next;
        next = load(i + 1);
        const ab = buffers[i & 1]!;
        const columns = new Array<Float64Array | Int32Array>(this.ncol);
        let at = 0;
        for (let c = 0; c < this.ncol; c++) {
          if (b.kinds[c] === SPILL_NUMERIC) {
            if (kinds[c] === SPILL_NUMERIC) {
              columns[c] = new Float64Array(ab, at, b.rows);
            } else {
              // numeric in this block, text later: every value here was missing
              columns[c] = new Int32Array(ab, at, b.rows).fill(-1);
            }
            at += b.rows * 8;
          } else {
            const codes = new Int32Array(ab, at, b.rows);
            const map = remap[c]!;
            for (let r = 0; r < codes.length; r++) {
              const k = codes[r]!;
              if (k >= 0) codes[r] = map[k]!;
            }
            columns[c] = codes;
            at += b.rows * 4 + ((b.rows & 1) << 2);
          }
        }
        await onBlock({ offset, length: b.rows, columns });
        offset += b.rows;
        opts.onProgress?.((i + 1) / this.blocks.length);
      }
    } finally {
      // a read still in flight must end before the file can be closed
      await next?.catch(() => undefined);
    }
  }

  /** Closes (and so deletes) the file; waits for a write still in flight. */
  async dispose(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (this.writing !== null) await this.writing;
    this.writing = null;
    if (fh !== null) await fh.close().catch(() => undefined);
    if (fh !== null && this.path !== null) await unlink(this.path).catch(() => undefined);
  }
}

async function writeAll(fh: FileHandle, parts: Uint8Array[], pos: number, expected: number): Promise<void> {
  let written = 0;
  let rest = parts;
  // writev may write less than asked (a signal, a full disk): continue behind what was written
  for (;;) {
    const { bytesWritten } = await fh.writev(rest, pos + written);
    written += bytesWritten;
    if (written >= expected) return;
    if (bytesWritten === 0) throw new Error('spill write made no progress');
    let skip = bytesWritten;
    const next: Uint8Array[] = [];
    for (const p of rest) {
      if (skip >= p.byteLength) {
        skip -= p.byteLength;
        continue;
      }
      next.push(skip > 0 ? p.subarray(skip) : p);
      skip = 0;
    }
    rest = next;
  }
}

async function readAll(fh: FileHandle, into: Uint8Array, n: number, pos: number): Promise<void> {
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(into, got, n - got, pos + got);
    if (bytesRead === 0) throw new AppError('INTERNAL', 'the import values file is shorter than written');
    got += bytesRead;
  }
}
