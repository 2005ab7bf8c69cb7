// Drives moments.wat: summarize's scratch lives in the module's memory, so the compacted values
// are written there once and the second pass (power sums + percentile brackets) runs as SIMD over
// them without a copy. Layout: parameters in the first page, then a copy area for the brackets,
// then the data. Bracket copies move to the JS-side Brackets buffers after the pass (a few % of
// the data); the counts are read back. Numbers equal the JS path's up to the order of the partial
// sums (two SIMD lanes instead of chunks): the corrected two-pass keeps both accurate.
//
// The module is compiled once (../../wasm-runtime.ts); one instance is reused, and dropped after a
// call that grew its memory past KEEP_BYTES so that memory can be collected.
import { CachedInstance, type WasmMemory } from '../../wasm-runtime.js';
import { finishMoments, provisionalMean, trivialMoments, type Brackets, type FirstPass, type Moments } from '../moments.js';
import wasmBytes from './moments.wat';

interface Exports {
  memory: WasmMemory;
  pass: (x: number, n: number, c: number, higher: number, T: number) => void;
  compact: (x: number, n: number, mask: number) => void;
}

const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE;
const KEEP_BYTES = 64 * 1024 * 1024;
/** Brackets the parameter block holds. */
export const WASM_MAX_BRACKETS = 32;
const LO = 64;
const HI = 320;
const COPY_HI = 576;
const BELOW = 832;
const NOT_ABOVE = 1088;
const COPIED = 1344;
const CAP = 1472;
const OFF = 1600;

const shared = new CachedInstance<Exports>(wasmBytes);

/** A scratch of n doubles in WebAssembly memory plus room for bracket copies; null without wasm. */
export class WasmScratch {
  readonly values: Float64Array;
  private readonly copyBase: number;
  private readonly copyRoom: number;
  private readonly dataBase: number;
  private readonly maskBase: number;
  private hasMask = false;

  private constructor(
    private readonly w: Exports,
    n: number,
  ) {
    // copies: summarize's brackets hold ≈ 15 % of a segment (detail ≈ 35 %); more overflows to selection
    this.copyRoom = Math.ceil(0.4 * n) + 65536;
    this.copyBase = PAGE;
    this.dataBase = this.copyBase + this.copyRoom * 8;
    this.maskBase = this.dataBase + n * 8;
    const top = this.maskBase + n;
    const have = w.memory.buffer.byteLength;
    if (top > have) w.memory.grow(Math.ceil((top - have) / PAGE));
    this.values = new Float64Array(w.memory.buffer, this.dataBase, n);
  }

  static create(n: number): WasmScratch | null {
    if (n < 2) return null;
    const w = shared.get();
    if ('reason' in w || PAGE + (Math.ceil(0.4 * n) + 65536 + n) * 8 + n > MAX_BYTES) return null;
    try {
      return new WasmScratch(w, n);
    } catch {
      shared.drop(w); // memory could not grow: a fresh instance next time
      return null;
    }
  }

  /** The row mask that compactFrom applies (null: every row); copied into the module once. */
  setMask(mask: Uint8Array | null): void {
    this.hasMask = mask !== null;
    if (mask) new Uint8Array(this.w.memory.buffer, this.maskBase, mask.length).set(mask);
  }

  /**
   * Copies v in and keeps its finite values in rows with the mask set, at the front of `values`;
   * returns how many and their first pass (Σx, min, max).
   */
  compactFrom(v: Float64Array): { n: number; first: FirstPass } {
    this.values.set(v.subarray(0, this.values.length));
    this.w.compact(this.dataBase, v.length, this.hasMask ? this.maskBase : 0);
    const f64 = new Float64Array(this.w.memory.buffer, 0, 4);
    return { n: f64[3], first: { sum: f64[0], min: f64[1], max: f64[2] } };
  }

  /** Drop the instance if this scratch made its memory large. */
  release(): void {
    if (this.w.memory.buffer.byteLength > KEEP_BYTES) shared.drop(this.w);
  }

  /** Second pass over values[i0, i1) with the first pass done; fills the brackets like moments.ts. */
  moments(i0: number, i1: number, first: FirstPass, higher: boolean, br: Brackets | null): Moments {
    const n = i1 - i0;
    const trivial = trivialMoments(n, first);
    if (trivial) return trivial;
    const T = br ? br.lo.length : 0;
    if (T > WASM_MAX_BRACKETS) throw new RangeError(`${T} brackets`);
    const mem = this.w.memory.buffer;
    const f64 = new Float64Array(mem, 0, PAGE / 8);
    const i32 = new Int32Array(mem, 0, PAGE / 4);
    const mt = provisionalMean(n, first);
    // bracket parameters; copy areas (cap + 1 slots: the kernel's spill slot) share the room in
    // order, clipped to it (an overflowing copy sends its ranks to selection)
    let room = this.copyRoom;
    const offs: number[] = [];
    for (let t = 0; t < T && br; t++) {
      f64[LO / 8 + t] = br.lo[t];
      f64[HI / 8 + t] = br.hi[t];
      const cap = Math.max(0, Math.min(br.cap[t], room - 1));
      f64[COPY_HI / 8 + t] = cap > 0 ? br.hi[t] : -Infinity;
      i32[(BELOW >> 2) + 2 * t] = i32[(BELOW >> 2) + 2 * t + 1] = 0;
      i32[(NOT_ABOVE >> 2) + 2 * t] = i32[(NOT_ABOVE >> 2) + 2 * t + 1] = 0;
      i32[(COPIED >> 2) + t] = 0;
      i32[(CAP >> 2) + t] = cap;
      offs.push(this.copyBase + (this.copyRoom - room) * 8);
      i32[(OFF >> 2) + t] = offs[t];
      room -= cap + 1;
    }
    const even = n - (n & 1);
    this.w.pass(this.dataBase + i0 * 8, even, mt, higher ? 1 : 0, T);
    const b = Float64Array.from(f64.subarray(0, 4));
    if (even < n) {
      // the odd last value, here rather than padding the segment
      const v = this.values[i1 - 1];
      const d = v - mt;
      b[0] += d;
      b[1] += d * d;
      b[2] += d * d * d;
      b[3] += d * d * d * d;
    }
    if (br) {
      const copies = new Float64Array(mem, this.copyBase, this.copyRoom);
      for (let t = 0; t < T; t++) {
        // counts < 2³¹: the low words of the i64 counters
        br.below[t] += i32[(BELOW >> 2) + 2 * t];
        br.notAbove[t] += i32[(NOT_ABOVE >> 2) + 2 * t];
        const cap = i32[(CAP >> 2) + t];
        const copied = i32[(COPIED >> 2) + t];
        const start = (offs[t] - this.copyBase) / 8;
        br.buf.set(copies.subarray(start, start + Math.min(copied, cap)), br.off[t]);
        br.copied[t] += copied;
        // a clipped area counts as overflowing its planned cap, so rankValues falls back correctly
        if (cap < br.cap[t] && copied > cap) br.copied[t] = Math.max(br.copied[t], br.cap[t] + 1);
        if (even < n) {
          const v = this.values[i1 - 1];
          br.below[t] += +(v < br.lo[t]);
          br.notAbove[t] += +(v <= br.hi[t]);
          if (br.cap[t] > 0 && v >= br.lo[t] && v <= br.hi[t]) {
            const k = br.copied[t]++;
            if (k < br.cap[t]) br.buf[br.off[t] + k] = v;
          }
        }
      }
    }
    return finishMoments(n, first, mt, b, higher);
  }
}
