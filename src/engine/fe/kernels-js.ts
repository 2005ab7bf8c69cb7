// Pure-JS demeaning kernels: the fallback when WebAssembly is unavailable, and the reference the
// WebAssembly SIMD kernels (wasm/kernels.wat) must match. Both do the same arithmetic in the same
// order, lane by lane, so their results agree to the last bit (test/engine/fe/kernels.test.ts).
//
// Shapes: n rows in iteration order; ids_f Int32Array(n) per factor; coefficients α_f and group
// sums are Float64Array(G_f·S), level-major with stride S ≥ P (α_f[g·S + p], padding lanes zero).
// The P = 8 cases are unrolled by hand: V8 neither vectorises nor hoists the inner `p < S` loop
// (measured on the previous kernel: 11 ms → 7 ms per pass at 233,819 rows).
import type { DemeanProblem, Kernels } from './problem.js';
import { iterationIds, rowOrder } from './problem.js';

/**
 * A sweep never touches x: the pass for factor f subtracts each row's Σ_{h≠f} α_h[ids_h[i]] from
 * the constant group sums of x, so it reads only ids and coefficient tables (cache-resident).
 */
export function createJsKernels(pb: DemeanProblem, S: number): Kernels {
  const { Q, n } = pb;
  const inv = pb.groups.map((G) => new Float64Array(G));
  const levels = pb.ids.map((id, q) => countLevels(id, n, inv[q]));
  const perm = rowOrder(pb, countRuns(pb.ids[pb.grouped], n), levels[pb.grouped]);
  const ids = pb.ids.map((id, q) => {
    if (perm === null) return id;
    const out = new Int32Array(n);
    iterationIds(pb, perm, q, out);
    return out;
  });
  // The grouped factor L is updated first in each sweep, from the others only: its previous
  // coefficients are never read, so the accelerated vectors (Irons–Tuck's X, GX, GGX) hold the
  // other factors only (fixest's demean_acc_gnl leaves one factor out the same way) and α_L has one
  // buffer. view[b][q] = factor q's coefficients in vector b (α_L for q = L).
  const L = pb.grouped;
  const offsets: number[] = [];
  let total = 0;
  for (let q = 0; q < Q; q++) {
    offsets.push(total);
    if (q !== L) total += pb.groups[q] * S;
  }
  const buf = [new Float64Array(total), new Float64Array(total), new Float64Array(total)];
  const aL = new Float64Array(pb.groups[L] * S);
  const view = buf.map((v) => pb.groups.map((G, q) => (q === L ? aL : v.subarray(offsets[q], offsets[q] + G * S))));
  const sx = pb.groups.map((G) => new Float64Array(G * S));
  groupSums(pb, S, sx);
  const moments = pb.moments ? columnMoments(pb, S) : null;
  const work = sx.map((s, q) => (q === L ? new Float64Array(0) : new Float64Array(s.length)));
  const num = new Float64Array(S);
  const den = new Float64Array(S);
  const acc = new Float64Array(S);
  const cur: Float64Array[] = new Array<Float64Array>(Q);

  return {
    name: 'js',
    moments,
    sweep(from, to) {
      if (Q === 1) {
        scale(sx[0], inv[0], S, aL);
        return;
      }
      for (let k = 0; k < Q; k++) {
        // L first, then the others in order; Gauss–Seidel: those already updated are read from `to`
        const f = k === 0 ? L : k - 1 < L ? k - 1 : k;
        for (let h = 0; h < Q; h++) cur[h] = view[f !== L && h < f ? to : from][h];
        const out = view[to][f];
        // the other factors (two when Q = 3), in increasing order
        const ha = f === 0 ? 1 : 0;
        const hb = f === 2 ? 1 : Q - 1;
        if (f === L) {
          if (S === 8 && Q === 3) runQ3S8(n, ids[f], ids[ha], cur[ha], ids[hb], cur[hb], sx[f], inv[f], out);
          else if (S === 8 && Q === 2) runQ2S8(n, ids[f], ids[ha], cur[ha], sx[f], inv[f], out);
          else runGeneric(n, S, f, ids, cur, sx[f], inv[f], out, acc);
        } else {
          const s = work[f];
          s.set(sx[f]);
          if (S === 8 && Q === 3) scatterQ3S8(n, ids[f], ids[ha], cur[ha], ids[hb], cur[hb], s);
          else if (S === 8 && Q === 2) scatterQ2S8(n, ids[f], ids[ha], cur[ha], s);
          else scatterGeneric(n, S, f, ids, cur, s);
          scale(s, inv[f], S, out);
        }
      }
    },
    moving(a, b, tol) {
      return moved(buf[a], buf[b], tol);
    },
    accelerate(tol) {
      return ironsTuck(buf[0], buf[1], buf[2], S, tol, num, den);
    },
    residuals(out, which, then) {
      residualsJs(pb, S, view[which], out);
      if (then) for (let p = 0; p < pb.P; p++) then.squares[p] = squaresThenShift(out[p], pb.n, then.shift[p]);
    },
    dispose() {},
  };
}

// ---- once per problem ----

/** inv[g] = 1 / (rows in level g), 0 for an empty level; returns the non-empty levels. */
function countLevels(id: Int32Array, n: number, inv: Float64Array): number {
  for (let i = 0; i < n; i++) inv[id[i]]++;
  let levels = 0;
  for (let g = 0; g < inv.length; g++) {
    if (inv[g] > 0) {
      inv[g] = 1 / inv[g];
      levels++;
    }
  }
  return levels;
}

function countRuns(id: Int32Array, n: number): number {
  let runs = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (id[i] !== id[i - 1]) runs++;
  return runs;
}

/** sx_f[g·S + p] = Σ_{i: ids_f[i] = g} x_p[i], summed in input row order (constant over sweeps). */
function groupSums(pb: DemeanProblem, S: number, sx: Float64Array[]): void {
  const { n, P, Q } = pb;
  for (let q = 0; q < Q; q++) {
    const id = pb.ids[q];
    const s = sx[q];
    for (let p = 0; p < P; p++) {
      const x = pb.columns[p];
      for (let i = 0; i < n; i++) s[id[i] * S + p] += x[i];
    }
  }
}

/** [Σx_p, Σx_p²] per lane (S each, padding lanes 0), rows in input order: the WebAssembly `moments`. */
function columnMoments(pb: DemeanProblem, S: number): Float64Array {
  const m = new Float64Array(2 * S);
  for (let p = 0; p < pb.P; p++) {
    const x = pb.columns[p];
    let s = 0;
    let q = 0;
    for (let i = 0; i < pb.n; i++) {
      const v = x[i];
      s += v;
      q += v * v;
    }
    m[p] = s;
    m[S + p] = q;
  }
  return m;
}

/** Σ o_i² (rows in order), then o_i += c: the WebAssembly `squares_shift`. */
function squaresThenShift(o: Float64Array, n: number, c: number): number {
  let q = 0;
  for (let i = 0; i < n; i++) {
    const v = o[i];
    q += v * v;
    o[i] = v + c;
  }
  return q;
}

// ---- one pass of a Gauss–Seidel sweep for factor f ----

/** Rows grouped by f: α_f[g] = (Σx − Σ_rows Σ_{h≠f} α_h) / n_g, accumulated in registers per run. */
function runQ3S8(n: number, idf: Int32Array, ia: Int32Array, a: Float64Array, ib: Int32Array, b: Float64Array, sx: Float64Array, inv: Float64Array, out: Float64Array): void {
  let cur = n > 0 ? idf[0] : 0;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let i = 0; i <= n; i++) {
    const g = i < n ? idf[i] : -1;
    if (g !== cur) {
      const o = cur << 3;
      const w = inv[cur];
      out[o] = (sx[o] - s0) * w;
      out[o + 1] = (sx[o + 1] - s1) * w;
      out[o + 2] = (sx[o + 2] - s2) * w;
      out[o + 3] = (sx[o + 3] - s3) * w;
      out[o + 4] = (sx[o + 4] - s4) * w;
      out[o + 5] = (sx[o + 5] - s5) * w;
      out[o + 6] = (sx[o + 6] - s6) * w;
      out[o + 7] = (sx[o + 7] - s7) * w;
      if (i === n) break;
      cur = g;
      s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0;
    }
    const ga = ia[i] << 3;
    const gb = ib[i] << 3;
    s0 += a[ga] + b[gb];
    s1 += a[ga + 1] + b[gb + 1];
    s2 += a[ga + 2] + b[gb + 2];
    s3 += a[ga + 3] + b[gb + 3];
    s4 += a[ga + 4] + b[gb + 4];
    s5 += a[ga + 5] + b[gb + 5];
    s6 += a[ga + 6] + b[gb + 6];
    s7 += a[ga + 7] + b[gb + 7];
  }
}

function runQ2S8(n: number, idf: Int32Array, ia: Int32Array, a: Float64Array, sx: Float64Array, inv: Float64Array, out: Float64Array): void {
  let cur = n > 0 ? idf[0] : 0;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let i = 0; i <= n; i++) {
    const g = i < n ? idf[i] : -1;
    if (g !== cur) {
      const o = cur << 3;
      const w = inv[cur];
      out[o] = (sx[o] - s0) * w;
      out[o + 1] = (sx[o + 1] - s1) * w;
      out[o + 2] = (sx[o + 2] - s2) * w;
      out[o + 3] = (sx[o + 3] - s3) * w;
      out[o + 4] = (sx[o + 4] - s4) * w;
      out[o + 5] = (sx[o + 5] - s5) * w;
      out[o + 6] = (sx[o + 6] - s6) * w;
      out[o + 7] = (sx[o + 7] - s7) * w;
      if (i === n) break;
      cur = g;
      s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0;
    }
    const ga = ia[i] << 3;
    s0 += a[ga];
    s1 += a[ga + 1];
    s2 += a[ga + 2];
    s3 += a[ga + 3];
    s4 += a[ga + 4];
    s5 += a[ga + 5];
    s6 += a[ga + 6];
    s7 += a[ga + 7];
  }
}

function runGeneric(n: number, S: number, f: number, ids: Int32Array[], alpha: Float64Array[], sx: Float64Array, inv: Float64Array, out: Float64Array, acc: Float64Array): void {
  const idf = ids[f];
  let cur = n > 0 ? idf[0] : 0;
  acc.fill(0);
  for (let i = 0; i <= n; i++) {
    const g = i < n ? idf[i] : -1;
    if (g !== cur) {
      const o = cur * S;
      const w = inv[cur];
      for (let p = 0; p < S; p++) out[o + p] = (sx[o + p] - acc[p]) * w;
      if (i === n) break;
      cur = g;
      acc.fill(0);
    }
    rowSum(i, S, f, ids, alpha, acc, 0, 1);
  }
}

/** t[o + p] += sign · (α_h1 + α_h2 + …)[p] for row i over the factors h ≠ f, summed in h order. */
function rowSum(i: number, S: number, f: number, ids: Int32Array[], alpha: Float64Array[], t: Float64Array, o: number, sign: 1 | -1): void {
  const Q = ids.length;
  const h0 = f === 0 ? 1 : 0;
  const g0 = ids[h0][i] * S;
  const a0 = alpha[h0];
  for (let p = 0; p < S; p++) {
    let v = a0[g0 + p];
    for (let h = h0 + 1; h < Q; h++) if (h !== f) v += alpha[h][ids[h][i] * S + p];
    t[o + p] += sign * v;
  }
}

/** s[ids_f[i]] −= Σ_{h≠f} α_h[ids_h[i]]; s starts as the group sums of x. */
function scatterQ3S8(n: number, idf: Int32Array, ia: Int32Array, a: Float64Array, ib: Int32Array, b: Float64Array, s: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const gf = idf[i] << 3;
    const ga = ia[i] << 3;
    const gb = ib[i] << 3;
    s[gf] -= a[ga] + b[gb];
    s[gf + 1] -= a[ga + 1] + b[gb + 1];
    s[gf + 2] -= a[ga + 2] + b[gb + 2];
    s[gf + 3] -= a[ga + 3] + b[gb + 3];
    s[gf + 4] -= a[ga + 4] + b[gb + 4];
    s[gf + 5] -= a[ga + 5] + b[gb + 5];
    s[gf + 6] -= a[ga + 6] + b[gb + 6];
    s[gf + 7] -= a[ga + 7] + b[gb + 7];
  }
}

function scatterQ2S8(n: number, idf: Int32Array, ia: Int32Array, a: Float64Array, s: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const gf = idf[i] << 3;
    const ga = ia[i] << 3;
    s[gf] -= a[ga];
    s[gf + 1] -= a[ga + 1];
    s[gf + 2] -= a[ga + 2];
    s[gf + 3] -= a[ga + 3];
    s[gf + 4] -= a[ga + 4];
    s[gf + 5] -= a[ga + 5];
    s[gf + 6] -= a[ga + 6];
    s[gf + 7] -= a[ga + 7];
  }
}

function scatterGeneric(n: number, S: number, f: number, ids: Int32Array[], alpha: Float64Array[], s: Float64Array): void {
  const idf = ids[f];
  for (let i = 0; i < n; i++) {
    rowSum(i, S, f, ids, alpha, s, idf[i] * S, -1);
  }
}

function scale(s: Float64Array, inv: Float64Array, S: number, out: Float64Array): void {
  for (let g = 0, k = 0; g < inv.length; g++) {
    const w = inv[g];
    for (let p = 0; p < S; p++, k++) out[k] = s[k] * w;
  }
}

// ---- Irons–Tuck on the coefficient vector, per column (lane p) ----

/**
 * Convergence test (fixest: every coefficient moved by less than tol, absolutely and relative to
 * 0.1 + |α|, written without the division) between GX and GGX; if still moving, X ← GGX − c_p
 * (GGX − GX) with c_p = ⟨Δ, Δ²⟩ / ⟨Δ², Δ²⟩, Δ = GGX − GX, Δ² = GGX − 2GX + X. Returns whether
 * it was moving.
 */
function ironsTuck(X: Float64Array, GX: Float64Array, GGX: Float64Array, S: number, tol: number, num: Float64Array, den: Float64Array): boolean {
  const total = X.length;
  let moving = false;
  num.fill(0);
  den.fill(0);
  for (let k0 = 0; k0 < total; k0 += S) {
    for (let p = 0; p < S; p++) {
      const k = k0 + p;
      const gx = GX[k];
      const d1 = GGX[k] - gx;
      const d2 = d1 - (gx - X[k]);
      num[p] += d1 * d2;
      den[p] += d2 * d2;
      const d = Math.abs(d1);
      if (d > tol && d > tol * (0.1 + Math.abs(gx))) moving = true;
    }
  }
  if (!moving) return false;
  for (let p = 0; p < S; p++) num[p] = den[p] > 0 ? num[p] / den[p] : 0;
  for (let k0 = 0; k0 < total; k0 += S) {
    for (let p = 0; p < S; p++) {
      const k = k0 + p;
      const ggx = GGX[k];
      X[k] = ggx - num[p] * (ggx - GX[k]);
    }
  }
  return true;
}

/** fixest's test alone: some |b − a| > tol and > tol · (0.1 + |a|). */
function moved(a: Float64Array, b: Float64Array, tol: number): boolean {
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(b[k] - a[k]);
    if (d > tol && d > tol * (0.1 + Math.abs(a[k]))) return true;
  }
  return false;
}

// ---- the final pass, in the original row order ----

/** out[p][i] = x_p[i] − α_0[ids_0[i]] − α_1[ids_1[i]] − … (lane p), one pass per column. */
function residualsJs(pb: DemeanProblem, S: number, alpha: Float64Array[], out: Float64Array[]): void {
  const { n, Q, P } = pb;
  const [i0, i1, i2] = pb.ids;
  const [a0, a1, a2] = alpha;
  for (let p = 0; p < P; p++) {
    const x = pb.columns[p];
    const o = out[p];
    if (Q === 1) for (let i = 0; i < n; i++) o[i] = x[i] - a0[i0[i] * S + p];
    else if (Q === 2) for (let i = 0; i < n; i++) o[i] = x[i] - a0[i0[i] * S + p] - a1[i1[i] * S + p];
    else if (Q === 3) for (let i = 0; i < n; i++) o[i] = x[i] - a0[i0[i] * S + p] - a1[i1[i] * S + p] - a2[i2[i] * S + p];
    else {
      o.set(x);
      for (let q = 0; q < Q; q++) {
        const id = pb.ids[q];
        const a = alpha[q];
        for (let i = 0; i < n; i++) o[i] -= a[id[i] * S + p];
      }
    }
  }
}
