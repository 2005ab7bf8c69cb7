// The WebAssembly SIMD kernel set: lays one demeaning problem out in the module's linear memory
// and drives kernels.wat. Only the factor ids (in iteration order) and the coefficient tables live
// there for the whole iteration; x passes through in chunks of CHUNK rows twice (group sums, then
// residuals), so memory use is ~4·Q bytes per row plus the tables, whatever P is.
//
// The module is compiled once, synchronously (../../wasm-runtime.ts); one instance (and its memory) is reused,
// except that memory grown past KEEP_BYTES is dropped after the call so it can be collected.
import type { DemeanProblem, Kernels } from '../problem.js';
import { iterationIds, rowOrder } from '../problem.js';
import { CachedInstance, type WasmMemory } from '../../wasm-runtime.js';
import wasmBytes from './kernels.wat';

type F = (...args: number[]) => void;
interface Exports {
  memory: WasmMemory;
  run_s8_q3: F;
  run_s8_q2: F;
  run_s4_q3: F;
  run_s4_q2: F;
  run_s2_q3: F;
  run_s2_q2: F;
  run_s10_q3: F;
  run_s10_q2: F;
  scatter_s10_q3: F;
  scatter_s10_q2: F;
  sums_s10: F;
  sub_s10: F;
  run_gen: F;
  scatter_s8_q3: F;
  scatter_s8_q2: F;
  scatter_s4_q3: F;
  scatter_s4_q2: F;
  scatter_s2_q3: F;
  scatter_s2_q2: F;
  scatter_gen: F;
  scale: F;
  it_stats: (...args: number[]) => number;
  it_update: F;
  interleave: F;
  deinterleave: F;
  sums_s8: F;
  sums_s4: F;
  sums_s2: F;
  sums_gen: F;
  sub_s8: F;
  sub_s4: F;
  sub_s2: F;
  sub_gen: F;
  moments: F;
  squares_shift: F;
  gather_s8_q3: F;
  gather_s8_q2: F;
  gather_s4_q3: F;
  gather_s4_q2: F;
  gather_s2_q3: F;
  gather_s2_q2: F;
  gather_s10_q3: F;
  gather_s10_q2: F;
  resid_s8_q3: F;
  resid_s8_q2: F;
  resid_s4_q3: F;
  resid_s4_q2: F;
  resid_s2_q3: F;
  resid_s2_q2: F;
  resid_s10_q3: F;
  resid_s10_q2: F;
  moved: (bytes: number, a: number, b: number, tol: number) => number;
  count: F;
  invert: (G: number, cnt: number) => number;
  runs: (n: number, id: number) => number;
}

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most (V8's limit too). */
const MAX_BYTES = 65536 * PAGE;
/**
 * Memory kept for the next call. Growing it again costs its first touch (page faults: ≈0.1 s of a
 * 2M-row model's ≈75 MiB), so problems up to ~6M rows keep theirs; larger ones give it back.
 */
const KEEP_BYTES = 256 * 1024 * 1024;
const CHUNK = 4096;
const BLOCK = 1 << 15;
/** Coefficient rows per call of the Irons–Tuck kernels. */
const VBLOCK = 1 << 14;

const shared = new CachedInstance<Exports>(wasmBytes);

/** The WebAssembly kernel set for pb, or why it cannot be used. */
export function createWasmKernels(pb: DemeanProblem, stride?: number): Kernels | { reason: string } {
  const { n, P, Q, groups, grouped } = pb;
  // P rounded up to even, or a wider stride asked for (zero padding lanes)
  const S = Math.max(stride ?? 0, P + (P & 1));
  const S8 = S * 8;

  // ---- layout (byte offsets, 16-aligned); acc … inv must start at 0, the rest is written first
  let top = 16;
  const take = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const desc = take(Q * 8);
  const rp = take(Q * 4);
  const acc = take(S8);
  const nd = take(2 * S8);
  const cvec = take(S8);
  // The grouped factor L comes first in each sweep and its old coefficients are never read, so
  // the three accelerated vectors (Irons–Tuck's X, GX, GGX) hold the other factors only and α_L
  // has one table (fixest leaves one factor out the same way). All zeroed: levels without rows
  // are never written by the grouped pass and keep α = 0. alpha[b][q] = factor q's table in b.
  const L = grouped;
  let total = 0;
  for (let q = 0; q < Q; q++) if (q !== L) total += groups[q] * S8;
  const vec = [take(total), take(total), take(total)];
  const aL = take(groups[L] * S8);
  const alpha = vec.map((v) => {
    const at: number[] = [];
    for (let q = 0, o = v; q < Q; q++) {
      at.push(q === L ? aL : o);
      if (q !== L) o += groups[q] * S8;
    }
    return at;
  });
  const sx = groups.map((G) => take(G * S8));
  const inv = groups.map((G) => take(G * 8));
  const zeroEnd = top;
  const work = groups.map((G, q) => (q === L ? 0 : take(G * S8)));
  const ids = groups.map(() => take(n * 4));
  // a chunk of x: column-major with S columns (a zero padding column for odd P) and a column
  // stride off a power of two (8 streams 32 KiB apart would share L1 sets); one spare row
  const CH = Math.min(CHUNK, n + (n & 1));
  const CS = CH + 8;
  const xc = take(S * CS * 8);
  const xi = take((CH + 1) * S8);
  // a chunk of each factor's ids in input order (rows visited in a sorted order only)
  const idc = take(Q * CH * 4);
  // column moments (sums, squares) and the residuals' squares and shift, S lanes each
  const mom = take(2 * S8);
  const sq = take(S8);
  const shf = take(S8);
  if (top > MAX_BYTES) return { reason: `the problem needs ${(top / 2 ** 30).toFixed(1)} GiB of WebAssembly memory (wasm32 addresses 4 GiB)` };

  const inst = shared.get();
  if ('reason' in inst) return inst;
  const mem = inst.memory;
  if (mem.buffer.byteLength < top) {
    try {
      mem.grow(Math.ceil((top - mem.buffer.byteLength) / PAGE));
    } catch (e) {
      shared.drop(inst);
      return { reason: `could not grow WebAssembly memory to ${(top / 2 ** 20).toFixed(0)} MiB (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  const f64 = new Float64Array(mem.buffer);
  const i32 = new Int32Array(mem.buffer);
  const x = inst;
  // the kernels specialised for this stride (S = 2, 4, 8, 10), or null: the generic ones
  const fixed =
    S === 8
      ? { runQ3: x.run_s8_q3, runQ2: x.run_s8_q2, scatterQ3: x.scatter_s8_q3, scatterQ2: x.scatter_s8_q2, sums: x.sums_s8, sub: x.sub_s8 }
      : S === 4
        ? { runQ3: x.run_s4_q3, runQ2: x.run_s4_q2, scatterQ3: x.scatter_s4_q3, scatterQ2: x.scatter_s4_q2, sums: x.sums_s4, sub: x.sub_s4 }
        : S === 2
          ? { runQ3: x.run_s2_q3, runQ2: x.run_s2_q2, scatterQ3: x.scatter_s2_q3, scatterQ2: x.scatter_s2_q2, sums: x.sums_s2, sub: x.sub_s2 }
          : S === 10
            ? { runQ3: x.run_s10_q3, runQ2: x.run_s10_q2, scatterQ3: x.scatter_s10_q3, scatterQ2: x.scatter_s10_q2, sums: x.sums_s10, sub: x.sub_s10 }
            : null;
  // The fused chunk kernels (specialised strides, two or three factors): group sums and moments in
  // one pass over a chunk read column by column, residuals with their squares and shift likewise —
  // in place of interleave, moments, Q sums passes (and Q subtractions, squares, deinterleave).
  // 233,819 rows × 8 columns, three factors: the demeaning 2–3.5 ms faster.
  const fusedBy: Record<number, [F, F, F, F] | undefined> = {
    8: [x.gather_s8_q2, x.gather_s8_q3, x.resid_s8_q2, x.resid_s8_q3],
    4: [x.gather_s4_q2, x.gather_s4_q3, x.resid_s4_q2, x.resid_s4_q3],
    2: [x.gather_s2_q2, x.gather_s2_q3, x.resid_s2_q2, x.resid_s2_q3],
    10: [x.gather_s10_q2, x.gather_s10_q3, x.resid_s10_q2, x.resid_s10_q3],
  };
  const fk = Q === 2 || Q === 3 ? fusedBy[S] : undefined;
  const fused = fk ? { gather: Q === 3 ? fk[1] : fk[0], resid: Q === 3 ? fk[3] : fk[2] } : null;

  // ---- ids (input order first), 1/counts, then the iteration order
  f64.fill(0, acc / 8, zeroEnd / 8);
  if (P < S) f64.fill(0, xc / 8 + P * CS, xc / 8 + S * CS);
  const levels: number[] = [];
  for (let q = 0; q < Q; q++) {
    i32.set(pb.ids[q], ids[q] / 4);
    for (let r0 = 0; r0 < n; r0 += BLOCK) x.count(Math.min(BLOCK, n - r0), ids[q] + 4 * r0, inv[q]);
    levels.push(x.invert(groups[q], inv[q]));
  }
  const perm = rowOrder(pb, x.runs(n, ids[L]), levels[L]);
  if (perm !== null) for (let q = 0; q < Q; q++) iterationIds(pb, perm, q, i32.subarray(ids[q] / 4, ids[q] / 4 + n));
  // Passes over the rows are cut into calls of about BLOCK rows at level boundaries of L (a run
  // must not straddle two calls): V8 first runs wasm in its baseline compiler and swaps in the
  // optimised code between calls, so one long first call would run unoptimised to the end.
  const splits = [0];
  for (let b = BLOCK; b < n; b += BLOCK) {
    let j = Math.max(b, splits[splits.length - 1] + 1);
    while (j < n && i32[ids[L] / 4 + j] === i32[ids[L] / 4 + j - 1]) j++;
    if (j < n) splits.push(j);
  }
  splits.push(n);

  /**
   * Visit x chunk by chunk in input order, copied into xc (and interleaved into xi unless `fusedPass`);
   * idsOf(q) = the chunk's ids of q.
   */
  const chunks = (fusedPass: boolean, body: (m: number, idsOf: (q: number) => number) => void, after?: (m: number, i0: number) => void) => {
    for (let i0 = 0; i0 < n; i0 += CH) {
      const m = Math.min(CH, n - i0);
      for (let p = 0; p < P; p++) f64.set(pb.columns[p].subarray(i0, i0 + m), xc / 8 + p * CS);
      if (!fusedPass) x.interleave(m, S8, xc, CS * 8, xi);
      body(m, (q) => {
        if (perm === null) return ids[q] + i0 * 4;
        const at = idc + q * CH * 4;
        i32.set(pb.ids[q].subarray(i0, i0 + m), at / 4);
        return at;
      });
      after?.(m, i0);
    }
  };
  // constant group sums of x (and the columns' moments in the same pass)
  f64.fill(0, mom / 8, mom / 8 + 2 * S);
  chunks(fused !== null, (m, idsOf) => {
    if (fused) {
      if (Q === 3) fused.gather(m, xc, CS * 8, mom, idsOf(0), sx[0], idsOf(1), sx[1], idsOf(2), sx[2]);
      else fused.gather(m, xc, CS * 8, mom, idsOf(0), sx[0], idsOf(1), sx[1]);
      return;
    }
    if (pb.moments) x.moments(m, S8, xi, mom);
    for (let q = 0; q < Q; q++) {
      if (fixed) fixed.sums(m, idsOf(q), xi, sx[q]);
      else x.sums_gen(m, S8, idsOf(q), xi, sx[q]);
    }
  });

  const other = (f: number, k: number) => (k < f ? k : k + 1);
  const moments = pb.moments ? f64.slice(mom / 8, mom / 8 + 2 * S) : null;
  return {
    name: 'wasm-simd',
    moments,
    sweep(from, to) {
      if (Q === 1) {
        x.scale(groups[0], S8, sx[0], inv[0], aL);
        return;
      }
      for (let k = 0; k < Q; k++) {
        // L first, then the others in order; Gauss–Seidel: those already updated are read from `to`
        const f = k === 0 ? L : k - 1 < L ? k - 1 : k;
        const at = (h: number) => alpha[f !== L && h < f ? to : from][h];
        const out = alpha[to][f];
        const a = other(f, 0);
        const b = other(f, 1);
        const generic = fixed === null || Q > 3;
        const s = work[f];
        if (f !== L) f64.copyWithin(s / 8, sx[f] / 8, sx[f] / 8 + groups[f] * S);
        for (let c = 0; c + 1 < splits.length; c++) {
          const r0 = splits[c];
          const m = splits[c + 1] - r0;
          const o = 4 * r0;
          if (generic) {
            for (let j = 0; j < Q - 1; j++) {
              i32[desc / 4 + 2 * j] = ids[other(f, j)] + o;
              i32[desc / 4 + 2 * j + 1] = at(other(f, j));
            }
          }
          if (f === L) {
            if (generic) x.run_gen(m, S8, ids[f] + o, Q - 1, desc, rp, acc, sx[f], inv[f], out);
            else if (Q === 3) fixed.runQ3(m, ids[f] + o, ids[a] + o, at(a), ids[b] + o, at(b), sx[f], inv[f], out);
            else fixed.runQ2(m, ids[f] + o, ids[a] + o, at(a), sx[f], inv[f], out);
          } else {
            if (generic) x.scatter_gen(m, S8, ids[f] + o, Q - 1, desc, rp, s);
            else if (Q === 3) fixed.scatterQ3(m, ids[f] + o, ids[a] + o, at(a), ids[b] + o, at(b), s);
            else fixed.scatterQ2(m, ids[f] + o, ids[a] + o, at(a), s);
          }
        }
        if (f !== L) x.scale(groups[f], S8, s, inv[f], out);
      }
    },
    moving(a, b, tol) {
      for (let k = 0; k < total; k += VBLOCK * S8) if (x.moved(Math.min(VBLOCK * S8, total - k), vec[a] + k, vec[b] + k, tol)) return true;
      return false;
    },
    accelerate(tol) {
      f64.fill(0, nd / 8, nd / 8 + 2 * S);
      let moving = 0;
      for (let k = 0; k < total; k += VBLOCK * S8) moving |= x.it_stats(Math.min(VBLOCK * S8, total - k), S8, vec[0] + k, vec[1] + k, vec[2] + k, nd, tol);
      if (!moving) return false;
      for (let p = 0; p < S; p++) {
        const num = f64[nd / 8 + p];
        const den = f64[nd / 8 + S + p];
        f64[cvec / 8 + p] = den > 0 ? num / den : 0;
      }
      for (let k = 0; k < total; k += VBLOCK * S8) x.it_update(Math.min(VBLOCK * S8, total - k), S8, vec[0] + k, vec[1] + k, vec[2] + k, cvec);
      return true;
    },
    residuals(out, which, then) {
      if (then) {
        f64.fill(0, sq / 8, sq / 8 + S);
        f64.set(then.shift.subarray(0, S), shf / 8);
      }
      const fusedPass = fused !== null && then !== undefined;
      chunks(
        fusedPass,
        (m, idsOf) => {
          if (fusedPass) {
            const a = alpha[which];
            if (Q === 3) fused.resid(m, xc, CS * 8, sq, shf, idsOf(0), a[0], idsOf(1), a[1], idsOf(2), a[2]);
            else fused.resid(m, xc, CS * 8, sq, shf, idsOf(0), a[0], idsOf(1), a[1]);
            return;
          }
          for (let q = 0; q < Q; q++) {
            if (fixed) fixed.sub(m, idsOf(q), alpha[which][q], xi);
            else x.sub_gen(m, S8, idsOf(q), alpha[which][q], xi);
          }
          if (then) x.squares_shift(m, S8, xi, sq, shf);
          x.deinterleave(m, S8, xi, xc, CS * 8);
        },
        (m, i0) => {
          for (let p = 0; p < P; p++) out[p].set(f64.subarray(xc / 8 + p * CS, xc / 8 + p * CS + m), i0);
        },
      );
      if (then) then.squares.set(f64.subarray(sq / 8, sq / 8 + S));
    },
    dispose() {
      if (mem.buffer.byteLength > KEEP_BYTES) shared.drop(inst);
    },
  };
}
