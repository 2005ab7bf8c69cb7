// The demeaning kernel: x ↦ x − (projection of x on the fixed-effect dummies), for one or more
// factors. Shapes: P columns Float64Array(n) in; factors carry ids Int32Array(n) with dense levels
// 0..G−1. It knows nothing about names or specs (fixest's demeaning.cpp design) and serves FE,
// HDFE, every IV stage and the "demean variable" tool.
//
// Algorithm: alternating projections (Gauss–Seidel over the factors; Guimarães & Portugal 2010)
// in the space of the fixed-effect coefficients α, with Irons–Tuck acceleration every two sweeps
// as in fixest (Bergé 2018, §3; demeaning.cpp, demean_acc_gnl). Each sweep updates the largest
// factor L first; its old coefficients are never read, so (as fixest leaves one factor out) the
// accelerated vector holds the other factors only. Convergence as fixest: every coefficient
// changed by less than tol in absolute value or relative to (0.1 + |α|), tested after each pair
// of sweeps and after the first sweep from an accelerated point.
//
// Layout for speed: the coefficients of all P columns are interleaved (α_f[g·S + p]), so one pass
// reads each row's factor ids once for all columns. The update of factor f needs the group sums of
// x − Σ_{h≠f} α_h[ids_h]; the sums of x are constant, computed once, so a sweep reads only the ids
// and the coefficient tables, never x. x is read twice in all: for those sums and for the final
// residuals x − Σ_f α_f[ids_f]. The rows are visited grouped by L (sorted once if they are not),
// so L's sums accumulate in registers. The passes run as WebAssembly SIMD (wasm/kernels.wat) when
// the runtime has it, else as plain JS (kernels-js.ts); both give the same numbers to the last bit.
// Measured at 233,819 rows × 8 columns, three factors: 0.7–0.9 s before, ~0.08 s now (JS: ~0.4 s).
import type { Factor } from './factors.js';
import { createJsKernels } from './kernels-js.js';
import { type Kernels, makeProblem } from './problem.js';
import { createWasmKernels } from './wasm/kernels.js';

export interface DemeanOptions {
  tol?: number;
  maxIter?: number;
  /** 'auto' (default): WebAssembly SIMD when available, else JS. 'wasm' fails rather than fall back. */
  kernel?: 'auto' | 'wasm' | 'js';
  /**
   * The caller owns the columns and no longer needs them: write the results into them instead of
   * new arrays. Saves 8·n·P bytes of fresh memory, whose first touch is the dominant cost at 10M
   * rows on the benchmark machine (~10 µs per 4 KiB page).
   */
  overwrite?: boolean;
  /** Coefficient stride ≥ P (zero padding lanes); by default the narrowest specialised one. */
  stride?: number;
  /**
   * Also report Σx and Σx² of the input columns (`report.moments`) and Σx̃² of the demeaned ones
   * (`report.squares`), taken in the passes that read and write the columns anyway (the estimator
   * needs them for _cons, the FE-collinearity test and the within TSS: one pass fewer per column
   * on each side).
   */
  moments?: boolean;
  /** With `moments`: the outputs are x̃ + mean(x) (reghdfe's _cons needs the means added back). */
  addMeans?: boolean;
}

export interface DemeanReport {
  /** Sweeps used (the same for every column: they are iterated together). */
  iterations: number[];
  converged: boolean;
  /** Which kernel set ran, and why not WebAssembly when it was not. */
  kernel?: 'wasm-simd' | 'js';
  note?: string;
  /** With opts.moments: Σx and Σx² of each input column (rows in order). */
  moments?: { sum: number[]; squares: number[] };
  /** With opts.moments: Σx̃² of each demeaned column (before adding the means). */
  squares?: number[];
}

export const DEFAULT_TOL = 1e-8;
/** reghdfe's collinear_tol: ‖x̃‖²/‖x‖² at or below this means x is absorbed by the fixed effects. */
export const COLLINEAR_WITH_FE = 1e-9;
export const DEFAULT_MAX_ITER = 10_000;

/** Widest block of columns demeaned together (the kernels' specialised stride). */
export const BLOCK_COLUMNS = 8;

/**
 * The convergence test is absolute below |α| ≈ 0.1 (as fixest's): a column of magnitude 1e-6
 * would stop after a few sweeps, 1e-5 away from its solution in relative terms (a coefficient
 * off in the 5th digit), one of 1e-150 after the first. Columns whose magnitude (max |x| over up
 * to 4,096 rows spread over the column) is below 1 are demeaned multiplied by the power of two
 * that brings it to [1, 2), and divided by it afterwards — exact, and the same test then means
 * the same relative precision. Columns of magnitude 1 or more are untouched.
 */
function unitScale(x: Float64Array): number {
  const n = x.length;
  const step = Math.max(1, Math.floor(n / 4096));
  let mx = 0;
  for (let i = 0; i < n; i += step) {
    const a = Math.abs(x[i]);
    if (a > mx && a < Infinity) mx = a;
  }
  if (!(mx > 0) || mx >= 1) return 1;
  return 2 ** Math.min(1000, -Math.floor(Math.log2(mx)));
}

/** Demean every column; returns new arrays (inputs untouched unless `overwrite`) and a convergence report. */
export function demean(columns: Float64Array[], factors: Factor[], opts: DemeanOptions = {}): { out: Float64Array[]; report: DemeanReport } {
  const scale = factors.length > 0 ? columns.map(unitScale) : [];
  if (!scale.some((f) => f !== 1)) return demeanColumns(columns, factors, opts);
  const scaled = columns.map((c, p) => {
    if (scale[p] === 1) return c;
    const t = opts.overwrite === true ? c : new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) t[i] = c[i] * scale[p];
    return t;
  });
  const r = demeanColumns(scaled, factors, opts);
  r.out.forEach((o, p) => {
    if (scale[p] === 1) return;
    const back = 1 / scale[p];
    for (let i = 0; i < o.length; i++) o[i] *= back;
  });
  // the moments of the scaled columns, back to the columns' own (powers of two: exact)
  const { moments, squares } = r.report;
  scale.forEach((f, p) => {
    if (f === 1) return;
    if (moments) {
      moments.sum[p] /= f;
      moments.squares[p] /= f * f;
    }
    if (squares) squares[p] /= f * f;
  });
  return r;
}

/** The moments without a kernel (no factors, no rows): one JS pass per column. */
function plainMoments(columns: Float64Array[], out: Float64Array[], addMeans: boolean): Pick<DemeanReport, 'moments' | 'squares'> {
  const sum: number[] = [];
  const squares: number[] = [];
  const after: number[] = [];
  columns.forEach((x, p) => {
    let s = 0;
    let q = 0;
    for (let i = 0; i < x.length; i++) {
      s += x[i];
      q += x[i] * x[i];
    }
    sum.push(s);
    squares.push(q);
    after.push(q);
    const shift = addMeans && x.length > 0 ? s / x.length : 0;
    if (shift !== 0) for (let i = 0; i < x.length; i++) out[p][i] += shift;
  });
  return { moments: { sum, squares }, squares: after };
}

function demeanColumns(columns: Float64Array[], factors: Factor[], opts: DemeanOptions): { out: Float64Array[]; report: DemeanReport } {
  const tol = opts.tol ?? DEFAULT_TOL;
  const maxIter = opts.maxIter ?? DEFAULT_MAX_ITER;
  const P = columns.length;
  if (factors.length === 0 || P === 0 || columns[0].length === 0) {
    const out = opts.overwrite === true ? columns : columns.map((c) => c.slice());
    return { out, report: { iterations: columns.map(() => 0), converged: true, ...(opts.moments === true ? plainMoments(columns, out, opts.addMeans === true) : {}) } };
  }
  // The kernels are specialised for 2, 4 and 8 interleaved columns (S = 2, 4, 8) with two or
  // three factors. A row's cost is mostly its instructions — per f64x2 register two loads and two
  // adds — so each problem runs at the narrowest specialised stride that holds it (zero padding
  // lanes); the generic stride is slower still (233,819 rows × 3 FE: 2–6 columns at a generic
  // S = P 150–320 ms, padded to S = 8 65–85 ms). 9–10 columns (IV: y, six controls, one
  // endogenous regressor, one instrument) run at S = 10 (with V8's optimising compiler 70–76 ms,
  // against 84–87 ms as blocks of 8 and 2); wider problems as blocks of 8, the last one at its own
  // width (a specialised S = 16 measured no faster than two blocks of 8 and was dropped).
  if (P > BLOCK_COLUMNS && !(P <= 10 && (factors.length === 2 || factors.length === 3))) {
    const out: Float64Array[] = [];
    const iterations: number[] = [];
    const sum: number[] = [];
    const before: number[] = [];
    const after: number[] = [];
    let converged = true;
    let kernel: DemeanReport['kernel'];
    for (let p0 = 0; p0 < P; p0 += BLOCK_COLUMNS) {
      const r = demeanColumns(columns.slice(p0, p0 + BLOCK_COLUMNS), factors, opts);
      out.push(...r.out);
      iterations.push(...r.report.iterations);
      converged &&= r.report.converged;
      kernel ??= r.report.kernel;
      if (r.report.moments) {
        sum.push(...r.report.moments.sum);
        before.push(...r.report.moments.squares);
      }
      if (r.report.squares) after.push(...r.report.squares);
    }
    const moments = opts.moments === true ? { moments: { sum, squares: before }, squares: after } : {};
    return { out, report: { iterations, converged, ...(kernel !== undefined ? { kernel } : {}), ...moments } };
  }
  const pb = makeProblem(columns, factors);
  if (opts.moments === true) pb.moments = true;

  let kernels: Kernels;
  let note: string | undefined;
  const mode = opts.kernel ?? 'auto';
  // the coefficient stride: the narrowest specialised one (2, 4, 8, 10) with two or three factors, else
  // P rounded up to even (the generic kernels' cost grows with S); JS uses the same so that both
  // take the same paths
  const specialised = factors.length === 2 || factors.length === 3;
  const S = Math.max(opts.stride ?? 0, specialised ? (P <= 2 ? 2 : P <= 4 ? 4 : P <= 8 ? 8 : 10) : P + (P & 1));
  if (mode === 'js') kernels = createJsKernels(pb, S);
  else {
    const w = createWasmKernels(pb, S);
    if ('reason' in w) {
      if (mode === 'wasm') throw new Error(`WebAssembly demeaning kernels unavailable: ${w.reason}`);
      note = `JS kernels: ${w.reason}`;
      kernels = createJsKernels(pb, S);
    } else kernels = w;
  }

  try {
    let sweeps = 0;
    let converged = false;
    let last: 0 | 1 | 2 = 1;
    if (pb.Q === 1) {
      kernels.sweep(0, 1);
      sweeps = 1;
      converged = true;
    } else {
      // X (vector 0, zero at first) → GX (1) → GGX (2); the Irons–Tuck step writes the next X.
      // As fixest, an accelerated X is accepted when one sweep moves it by less than tol.
      while (sweeps < maxIter) {
        kernels.sweep(0, 1);
        sweeps += 1;
        if (sweeps > 1 && !kernels.moving(0, 1, tol)) {
          converged = true;
          last = 1;
          break;
        }
        kernels.sweep(1, 2);
        sweeps += 1;
        if (!kernels.accelerate(tol)) {
          converged = true;
          last = 2;
          break;
        }
        last = 0;
      }
    }
    const out = opts.overwrite === true ? columns : columns.map(() => new Float64Array(pb.n));
    const report: DemeanReport = { iterations: columns.map(() => sweeps), converged, kernel: kernels.name };
    const m = kernels.moments;
    if (m) {
      // the means (added back with addMeans) and Σx̃², in the residual pass
      const shift = new Float64Array(S);
      if (opts.addMeans === true) for (let p = 0; p < P; p++) shift[p] = m[p] / pb.n;
      const squares = new Float64Array(S);
      kernels.residuals(out, last, { shift, squares });
      report.moments = { sum: Array.from(m.subarray(0, P)), squares: Array.from(m.subarray(S, S + P)) };
      report.squares = Array.from(squares.subarray(0, P));
    } else kernels.residuals(out, last);
    if (note !== undefined) report.note = note;
    return { out, report };
  } finally {
    kernels.dispose();
  }
}
