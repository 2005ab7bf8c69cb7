// Drives gram.wat: copies each block of GRAM_BLOCK rows of the columns into the module's memory and
// runs the SIMD kernel on it. The same blocks as the JS kernels in ../gram.ts, so the numbers are
// identical to the last bit. The module is compiled once; its memory (512 KiB: up to ~28 columns)
// grows only for wider designs.
//
// Compiled and instantiated once through ../../wasm-runtime.ts.
import { type WasmMemory, compileWasm, instantiateWasm } from '../../wasm-runtime.js';
import wasmBytes from './gram.wat';

/** Rows per block, shared with the JS kernels (the blocks decide the order of the partial sums). */
export const GRAM_BLOCK = 2048;

interface Exports {
  memory: WasmMemory;
  addc: (x: number, m: number, c: number) => void;
  gram: (base: number, stride: number, p: number, m: number, out: number) => void;
  resid: (base: number, stride: number, p: number, m: number, y: number, b: number, e: number, g: number) => number;
  xty: (base: number, stride: number, p: number, m: number, y: number, g: number) => void;
}

const PAGE = 65536;
/** Column stride in bytes: a block plus 64 bytes, off a power of two (L1 set conflicts). */
const STRIDE = GRAM_BLOCK * 8 + 64;

let module: Exports | { reason: string } | undefined;

function instance(): Exports | { reason: string } {
  if (module !== undefined) return module;
  const compiled = compileWasm(wasmBytes);
  module = 'reason' in compiled ? compiled : instantiateWasm<Exports>(compiled);
  return module;
}

interface Layout {
  out: number;
  b: number;
  g: number;
  y: number;
  e: number;
  base: number;
}

/** Byte offsets for p columns (plus y and e), growing the memory if needed; null if it cannot. */
function layout(w: Exports, p: number): Layout | null {
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const out = 0;
  const b = align(out + p * p * 8);
  const g = align(b + p * 8);
  const y = align(g + p * 8);
  const e = y + STRIDE;
  const base = e + STRIDE;
  const top = base + p * STRIDE;
  const have = w.memory.buffer.byteLength;
  if (top > have) {
    try {
      w.memory.grow(Math.ceil((top - have) / PAGE));
    } catch {
      return null;
    }
  }
  return { out, b, g, y, e, base };
}

export interface GramWasm {
  crossProducts(columns: readonly Float64Array[], n: number, shift: Float64Array | null): Float64Array;
  residuals(columns: readonly Float64Array[], b: Float64Array, y: Float64Array, n: number, e: Float64Array, g: Float64Array | null, shift: Float64Array | null): number;
  crossVector(columns: readonly Float64Array[], y: Float64Array, n: number): Float64Array;
}

/** The SIMD kernels, or why they cannot be used. */
export function gramWasm(): GramWasm | { reason: string } {
  const w = instance();
  if ('reason' in w) return w;
  return {
    crossProducts(columns, n, shift) {
      const p = columns.length;
      const at = layout(w, p);
      if (!at) throw new Error('WebAssembly memory could not grow');
      const f64 = new Float64Array(w.memory.buffer);
      f64.fill(0, at.out / 8, at.out / 8 + p * p);
      for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
        const i1 = Math.min(n, i0 + GRAM_BLOCK);
        for (let a = 0; a < p; a++) {
          f64.set(columns[a].subarray(i0, i1), (at.base + a * STRIDE) / 8);
          if (shift && shift[a] !== 0) w.addc(at.base + a * STRIDE, i1 - i0, shift[a]);
        }
        w.gram(at.base, STRIDE, p, i1 - i0, at.out);
      }
      const G = f64.slice(at.out / 8, at.out / 8 + p * p);
      for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) G[a * p + c] = G[c * p + a];
      return G;
    },
    residuals(columns, b, y, n, e, g, shift) {
      const p = columns.length;
      const at = layout(w, p);
      if (!at) throw new Error('WebAssembly memory could not grow');
      const f64 = new Float64Array(w.memory.buffer);
      f64.set(b.subarray(0, p), at.b / 8);
      f64.fill(0, at.g / 8, at.g / 8 + p);
      let ss = 0;
      for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
        const i1 = Math.min(n, i0 + GRAM_BLOCK);
        for (let a = 0; a < p; a++) {
          f64.set(columns[a].subarray(i0, i1), (at.base + a * STRIDE) / 8);
          if (shift && shift[a] !== 0) w.addc(at.base + a * STRIDE, i1 - i0, shift[a]);
        }
        f64.set(y.subarray(i0, i1), at.y / 8);
        if (shift && shift[p] !== 0) w.addc(at.y, i1 - i0, shift[p]);
        ss += w.resid(at.base, STRIDE, p, i1 - i0, at.y, at.b, at.e, g ? at.g : 0);
        e.set(f64.subarray(at.e / 8, at.e / 8 + (i1 - i0)), i0);
      }
      if (g) for (let a = 0; a < p; a++) g[a] += f64[at.g / 8 + a];
      return ss;
    },
    crossVector(columns, y, n) {
      const p = columns.length;
      const at = layout(w, p);
      if (!at) throw new Error('WebAssembly memory could not grow');
      const f64 = new Float64Array(w.memory.buffer);
      f64.fill(0, at.g / 8, at.g / 8 + p);
      for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
        const i1 = Math.min(n, i0 + GRAM_BLOCK);
        for (let a = 0; a < p; a++) f64.set(columns[a].subarray(i0, i1), (at.base + a * STRIDE) / 8);
        f64.set(y.subarray(i0, i1), at.y / 8);
        w.xty(at.base, STRIDE, p, i1 - i0, at.y, at.g);
      }
      return f64.slice(at.g / 8, at.g / 8 + p);
    },
  };
}
