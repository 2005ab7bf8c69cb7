// Format-blind byte mutations. Each returns a new buffer; `boundaries` are offsets where the format
// changes structure (tags, field starts, delimiters), so truncations and integer overwrites land
// where a reader must notice them rather than only in the middle of payload bytes.
import { Buffer } from 'node:buffer';
import type { Rng } from './prng.js';

/** Inputs never grow beyond this: a case must stay cheap to run (memory bombs are declared, not built). */
export const MAX_INPUT = 1 << 20;

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x0d, 0x22, 0x2c, 0x3b, 0x09, 0x3c, 0x3e, 0x26, 0xc0, 0xed, 0xef];

/** Little/big-endian integers that break size arithmetic: 0, −1, sign bits, 2^31, 2^32−1 … */
export const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

export function cap(b: Buffer): Buffer {
  return b.length > MAX_INPUT ? b.subarray(0, MAX_INPUT) : b;
}

function at(r: Rng, b: Buffer, boundaries: readonly number[]): number {
  if (boundaries.length > 0 && r.chance(0.6)) return Math.min(b.length, boundaries[r.int(boundaries.length)]! + r.range(-2, 2) * (r.chance(0.5) ? 1 : 0));
  return r.int(b.length + 1);
}

export function writeInt(b: Buffer, pos: number, value: number, width: 1 | 2 | 4 | 8, le: boolean): void {
  if (pos < 0 || pos + width > b.length) return;
  const v = value >>> 0;
  if (width === 1) b[pos] = v & 0xff;
  else if (width === 2) le ? b.writeUInt16LE(v & 0xffff, pos) : b.writeUInt16BE(v & 0xffff, pos);
  else if (width === 4) le ? b.writeUInt32LE(v, pos) : b.writeUInt32BE(v, pos);
  else {
    const hi = value > 0xffffffff ? Math.floor(value / 0x100000000) >>> 0 : value < 0 ? 0xffffffff : 0;
    le ? (b.writeUInt32LE(v, pos), b.writeUInt32LE(hi, pos + 4)) : (b.writeUInt32BE(hi, pos), b.writeUInt32BE(v, pos + 4));
  }
}

export type Mutation = (r: Rng, b: Buffer, boundaries: readonly number[]) => Buffer;

export const MUTATIONS: Record<string, Mutation> = {
  bitflip(r, b) {
    const out = Buffer.from(b);
    for (let k = r.range(1, 8); k > 0 && out.length > 0; k--) out[r.int(out.length)]! ^= 1 << r.int(8);
    return out;
  },
  interestingByte(r, b, bd) {
    const out = Buffer.from(b);
    const p = at(r, out, bd);
    if (p < out.length) out[p] = r.pick(INTERESTING_BYTES);
    return out;
  },
  insertBytes(r, b, bd) {
    const p = at(r, b, bd);
    const ins = Buffer.alloc(r.range(1, 16));
    for (let i = 0; i < ins.length; i++) ins[i] = r.chance(0.5) ? r.pick(INTERESTING_BYTES) : r.int(256);
    return Buffer.concat([b.subarray(0, p), ins, b.subarray(p)]);
  },
  deleteRange(r, b, bd) {
    const p = at(r, b, bd);
    const n = r.chance(0.7) ? r.range(1, 8) : r.range(1, 512);
    return Buffer.concat([b.subarray(0, p), b.subarray(Math.min(b.length, p + n))]);
  },
  truncate(r, b, bd) {
    return b.subarray(0, at(r, b, bd));
  },
  /** A range repeated many times: huge fields, duplicated records/tags. */
  duplicateRange(r, b, bd) {
    const p = at(r, b, bd);
    const n = r.range(1, 64);
    const piece = b.subarray(p, Math.min(b.length, p + n));
    const times = r.chance(0.5) ? r.range(2, 10) : r.range(100, 20000);
    return cap(Buffer.concat([b.subarray(0, p), Buffer.alloc(piece.length * times).fill(piece.length ? piece : Buffer.from([0x41])), b.subarray(p)]));
  },
  overwriteInt(r, b, bd) {
    const out = Buffer.from(b);
    writeInt(out, at(r, out, bd), r.pick(INTERESTING_U32), r.pick([1, 2, 4, 8] as const), r.chance(0.5));
    return out;
  },
  swapRanges(r, b) {
    if (b.length < 4) return b;
    const p = r.int(b.length - 1);
    const q = r.int(b.length - 1);
    const n = Math.min(r.range(1, 32), b.length - Math.max(p, q));
    const out = Buffer.from(b);
    b.copy(out, p, q, q + n);
    b.copy(out, q, p, p + n);
    return out;
  },
};

const NAMES = Object.keys(MUTATIONS);

/** One to four stacked mutations; returns the buffer and what was done (for failure reports). */
export function mutateBytes(r: Rng, b: Buffer, boundaries: readonly number[] = [], steps = r.range(1, 4)): { out: Buffer; how: string[] } {
  const how: string[] = [];
  let out = b;
  for (let k = 0; k < steps; k++) {
    const name = NAMES[r.int(NAMES.length)]!;
    out = MUTATIONS[name]!(r, out, boundaries);
    how.push(name);
  }
  return { out, how };
}

/** Offsets of every occurrence of any of `needles` (for structural boundaries). */
export function offsetsOf(b: Buffer, needles: readonly (string | number)[], limit = 4096): number[] {
  const out: number[] = [];
  for (const n of needles) {
    let i = typeof n === 'number' ? b.indexOf(n) : b.indexOf(n, 0, 'latin1');
    while (i >= 0 && out.length < limit) {
      out.push(i);
      i = typeof n === 'number' ? b.indexOf(n, i + 1) : b.indexOf(n, i + 1, 'latin1');
    }
  }
  return out.sort((x, y) => x - y);
}
