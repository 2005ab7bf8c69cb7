// Column-chunk codec: one BLOB per (variable, chunk) holding CHUNK_ROWS little-endian values —
// Float64 for numeric (NaN = missing), Int32 codes for categorical (-1 = missing).
// Measured (DESIGN.md): 5× faster to write and 16× faster to read than a row per observation.
import { endianness } from 'node:os';

export const CHUNK_ROWS = 65_536;

if (endianness() !== 'LE') throw new Error('Panel Studio project files need a little-endian machine');

export function encodeFloat64(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function encodeInt32(values: Int32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Copy a chunk BLOB into `out` at row `at` (copies: BLOB buffers may be unaligned). */
export function decodeInto(blob: Buffer, out: Float64Array | Int32Array, at: number): number {
  const bytesPer = out.BYTES_PER_ELEMENT;
  const count = blob.byteLength / bytesPer;
  new Uint8Array(out.buffer, out.byteOffset + at * bytesPer, blob.byteLength).set(blob);
  return count;
}
