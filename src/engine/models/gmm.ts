// Linear GMM on the stacked per-unit blocks of models/gmm-build.ts, with xtabond2's formulas
// (Arellano–Bond 1991, Blundell–Bond 1998, Windmeijer 2005, Roodman 2009):
//   A = Σ Z_i'X_i, b = Σ Z_i'y_i
//   one-step:  W1 = (Σ Z_i'H_i Z_i)⁻¹, β1 = (A'W1A)⁻¹A'W1b
//   two-step:  W2 = (Σ Z_i'e1_i e1_i'Z_i)⁻¹ from one-step residuals, β2 likewise
//   variances: one-step σ²(A'W1A)⁻¹ or robust P1 Ω P1' (P = (A'WA)⁻¹A'W); two-step (A'W2A)⁻¹ or
//              Windmeijer-corrected; σ² = e1'e1 / (c·N_transformed) with c = 2 for first differences
//              with H = MM' (the transformed errors' variance is 2σ²), 1 for orthogonal deviations
//              or h(1) (system h(1): the level residuals).
//   Sargan = g1'W1g1/σ² (one-step residuals; not robust), Hansen J = g2'W2g2 at the two-step
//   estimates (also after robust one-step estimation, as xtabond2).
//   Arellano–Bond AR(m): on first differences of the level residuals, with Arellano and Bond's
//   variance (the robust form, or the homoskedastic σ²H form after non-robust one-step estimation).
// A singular weighting matrix is inverted by the Moore–Penrose inverse with a warning, as xtabond2.
import { AppError } from '../../shared/errors.js';
import { symmetricEigen } from '../covariance/multiway.js';
import { invertSpd } from '../linalg/small.js';
import type { GmmBlock, GmmDesign } from './gmm-build.js';

export interface GmmFitOptions {
  twostep: boolean;
  robust: boolean;
  fod: boolean;
  system: boolean;
  h: number;
  ar: number;
}

export interface GmmTest {
  statistic: number;
  df: number;
}

export interface GmmFit {
  beta: Float64Array;
  V: Float64Array;
  k: number;
  m: number;
  /** σ² of the one-step residuals (Sargan, one-step variance). */
  sigma2: number;
  /** σ² of the reported estimates' residuals (xtabond2's e(sig2)). */
  sigma2Final: number;
  /** Arellano–Bond z for orders 1..ar (NaN when there are no pairs at that order). */
  ar: number[];
  sargan: GmmTest;
  hansen: GmmTest | null;
  /** Difference-in-Hansen per instrument subset: J without the subset and the difference. */
  diffHansen: { group: string; excluded: GmmTest; difference: GmmTest }[];
  warnings: string[];
}

/** y − Xβ per stacked row. */
function residuals(b: GmmBlock, beta: Float64Array, k: number): Float64Array {
  const e = new Float64Array(b.rows);
  for (let r = 0; r < b.rows; r++) {
    let s = b.y[r];
    for (let c = 0; c < k; c++) s -= b.X[r * k + c] * beta[c];
    e[r] = s;
  }
  return e;
}

/** Z_i'v as a dense m-vector added into `out` (scaled by s). */
function addZtv(b: GmmBlock, v: Float64Array, out: Float64Array, s = 1): void {
  for (let r = 0; r < b.rows; r++) {
    const x = v[r] * s;
    if (x === 0) continue;
    for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) out[b.zCol[p]] += b.zVal[p] * x;
  }
}

/** Z_i'v for one unit, as the touched columns and their values. */
function unitZtv(b: GmmBlock, v: Float64Array, scratch: Float64Array, touched: Int32Array): number {
  let nt = 0;
  for (let r = 0; r < b.rows; r++) {
    const x = v[r];
    for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) {
      const c = b.zCol[p];
      if (scratch[c] === 0 && !isTouched(touched, nt, c)) touched[nt++] = c;
      scratch[c] += b.zVal[p] * x;
    }
  }
  return nt;
}

function isTouched(touched: Int32Array, n: number, c: number): boolean {
  for (let i = 0; i < n; i++) if (touched[i] === c) return true;
  return false;
}

/** Inverse of a symmetric PSD matrix; the Moore–Penrose inverse when it is singular. */
export function pinvSym(A: Float64Array, m: number): { inv: Float64Array; singular: boolean } {
  // scale to unit diagonal first: instruments of very different magnitudes
  const d = new Float64Array(m);
  for (let i = 0; i < m; i++) d[i] = A[i * m + i] > 0 ? 1 / Math.sqrt(A[i * m + i]) : 1;
  const S = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) S[i * m + j] = A[i * m + j] * d[i] * d[j];
  let inv = invertSpd(S, m);
  let singular = false;
  if (!inv || !inv.every(Number.isFinite)) {
    singular = true;
    // Moore–Penrose on the unscaled matrix (scaling does not commute with the pseudo-inverse)
    const { values, vectors: U } = symmetricEigen(A, m);
    let max = 0;
    for (const l of values) max = Math.max(max, Math.abs(l));
    const out = new Float64Array(m * m);
    for (let q = 0; q < m; q++) {
      const l = values[q];
      if (!(l > 1e-12 * max)) continue;
      for (let i = 0; i < m; i++) {
        const ui = U[i * m + q] / l;
        if (ui === 0) continue;
        for (let j = 0; j < m; j++) out[i * m + j] += ui * U[j * m + q];
      }
    }
    return { inv: out, singular };
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) inv[i * m + j] *= d[i] * d[j];
  return { inv, singular };
}

/**
 * Columns of a Gram matrix G (m×m) that are linearly independent of the earlier kept ones, in
 * order (Stata's _rmcoll): incremental Cholesky; column j is dropped when its squared residual
 * norm after projecting on the kept columns is ≤ tol of its own squared norm.
 */
export function independentColumns(G: Float64Array, m: number, tol = 1e-9): number[] {
  const kept: number[] = [];
  const L: Float64Array[] = []; // rows of the Cholesky factor of G[kept, kept]
  for (let j = 0; j < m; j++) {
    const gjj = G[j * m + j];
    if (!(gjj > 0)) continue;
    const q = kept.length;
    const z = new Float64Array(q + 1);
    let zz = 0;
    for (let a = 0; a < q; a++) {
      let s = G[kept[a] * m + j];
      for (let c = 0; c < a; c++) s -= L[a][c] * z[c];
      z[a] = s / L[a][a];
      zz += z[a] * z[a];
    }
    const resid = gjj - zz;
    if (resid <= tol * gjj) continue;
    z[q] = Math.sqrt(resid);
    L.push(z);
    kept.push(j);
  }
  return kept;
}

interface Solved {
  beta: Float64Array;
  /** (A'WA)⁻¹ */
  bread: Float64Array;
  /** P = (A'WA)⁻¹A'W, k×m */
  P: Float64Array;
}

/** β = (A'WA)⁻¹A'Wb for A m×k. */
function gmmSolve(A: Float64Array, bvec: Float64Array, W: Float64Array, m: number, k: number): Solved {
  // AW = A'W (k×m)
  const AW = new Float64Array(k * m);
  for (let c = 0; c < k; c++)
    for (let i = 0; i < m; i++) {
      const a = A[i * k + c];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) AW[c * m + j] += a * W[i * m + j];
    }
  const C = new Float64Array(k * k);
  for (let c = 0; c < k; c++)
    for (let d = 0; d < k; d++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += AW[c * m + j] * A[j * k + d];
      C[c * k + d] = s;
    }
  for (let c = 0; c < k; c++)
    for (let d = c + 1; d < k; d++) {
      const s = 0.5 * (C[c * k + d] + C[d * k + c]);
      C[c * k + d] = s;
      C[d * k + c] = s;
    }
  const { inv: bread, singular } = pinvSym(C, k);
  if (singular) throw new AppError('ESTIMATION', 'the coefficients are not identified by the instruments (A\'WA is singular): a regressor has no instrument that varies with it; add instruments or drop the regressor');
  const P = new Float64Array(k * m);
  for (let c = 0; c < k; c++)
    for (let d = 0; d < k; d++) {
      const s = bread[c * k + d];
      if (s === 0) continue;
      for (let j = 0; j < m; j++) P[c * m + j] += s * AW[d * m + j];
    }
  const beta = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += P[c * m + j] * bvec[j];
    beta[c] = s;
  }
  return { beta, bread, P };
}

function quad(W: Float64Array, g: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    if (g[i] === 0) continue;
    let r = 0;
    for (let j = 0; j < m; j++) r += W[i * m + j] * g[j];
    s += g[i] * r;
  }
  return s;
}

/** P Ω P' (k×k) for P k×m. */
function sandwich(P: Float64Array, Omega: Float64Array, k: number, m: number): Float64Array {
  const PO = new Float64Array(k * m);
  for (let c = 0; c < k; c++)
    for (let i = 0; i < m; i++) {
      const p = P[c * m + i];
      if (p === 0) continue;
      for (let j = 0; j < m; j++) PO[c * m + j] += p * Omega[i * m + j];
    }
  const V = new Float64Array(k * k);
  for (let c = 0; c < k; c++)
    for (let d = 0; d < k; d++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += PO[c * m + j] * P[d * m + j];
      V[c * k + d] = s;
    }
  return V;
}

export function fitGmm(design: GmmDesign, opts: GmmFitOptions): GmmFit {
  const { blocks, k } = design;
  const m = design.instruments.length;
  const warnings: string[] = [];
  if (m < k) throw new AppError('ESTIMATION', `the model is not identified: ${m} instruments for ${k} coefficients; add GMM-style lags or IV-style instruments`);
  // A, b, Σ Z'HZ
  const A = new Float64Array(m * k);
  const bvec = new Float64Array(m);
  const ZHZ = new Float64Array(m * m);
  for (const b of blocks) {
    for (let r = 0; r < b.rows; r++) {
      for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) {
        const c = b.zCol[p];
        const z = b.zVal[p];
        bvec[c] += z * b.y[r];
        for (let j = 0; j < k; j++) A[c * k + j] += z * b.X[r * k + j];
      }
      for (let s = 0; s < b.rows; s++) {
        const hrs = b.H[r * b.rows + s];
        if (hrs === 0) continue;
        for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) {
          const zr = b.zVal[p] * hrs;
          const row = b.zCol[p] * m;
          for (let q = b.zPtr[s]; q < b.zPtr[s + 1]; q++) ZHZ[row + b.zCol[q]] += zr * b.zVal[q];
        }
      }
    }
  }
  const w1 = pinvSym(ZHZ, m);
  if (w1.singular) warnings.push('the one-step weighting matrix (Σ Z\'HZ) is singular; a generalized inverse is used (as xtabond2); this usually means too many or redundant instruments');
  const W1 = w1.inv;
  const one = gmmSolve(A, bvec, W1, m, k);
  // one-step residuals, g_i, Ω = Σ g_i g_i'
  const e1 = blocks.map((b) => residuals(b, one.beta, k));
  const g1i: { cols: Int32Array; vals: Float64Array }[] = [];
  const Omega = new Float64Array(m * m);
  const g1 = new Float64Array(m);
  const scratch = new Float64Array(m);
  const touched = new Int32Array(m);
  blocks.forEach((b, i) => {
    const nt = unitZtv(b, e1[i], scratch, touched);
    const cols = touched.slice(0, nt);
    const vals = Float64Array.from(cols, (c) => scratch[c]);
    for (const c of cols) scratch[c] = 0;
    g1i.push({ cols, vals });
    for (let a = 0; a < nt; a++) {
      g1[cols[a]] += vals[a];
      const row = cols[a] * m;
      for (let c = 0; c < nt; c++) Omega[row + cols[c]] += vals[a] * vals[c];
    }
  });
  // σ² from the one-step transformed residuals (the level residuals with system h(1))
  let ssr = 0;
  let count = 0;
  const levelsForSigma = opts.system && opts.h === 1;
  blocks.forEach((b, i) => {
    const from = levelsForSigma ? b.nt : 0;
    const to = levelsForSigma ? b.rows : b.nt;
    for (let r = from; r < to; r++) ssr += e1[i][r] * e1[i][r];
    count += to - from;
  });
  const c = opts.fod || opts.h === 1 ? 1 : 2;
  const sigmaOf = (res: Float64Array[]) => {
    let ss = 0;
    blocks.forEach((b, i) => {
      const from = levelsForSigma ? b.nt : 0;
      const to = levelsForSigma ? b.rows : b.nt;
      for (let r = from; r < to; r++) ss += res[i][r] * res[i][r];
    });
    return ss / (c * count);
  };
  const sigma2 = ssr / (c * count);
  const V1 = opts.robust ? sandwich(one.P, Omega, k, m) : one.bread.map((x) => x * sigma2);
  const sargan: GmmTest = { statistic: quad(W1, g1, m) / sigma2, df: m - k };

  const w2 = pinvSym(Omega, m);
  if (w2.singular && (opts.twostep || opts.robust)) warnings.push('the two-step weighting matrix (Σ Z\'e e\'Z) is singular; a generalized inverse is used (as xtabond2): too many instruments for the number of groups');
  const W2 = w2.inv;
  let beta = one.beta;
  let V = V1;
  let P = one.P;
  let e = e1;
  let hansen: GmmTest | null = null;
  if (opts.twostep) {
    const two = gmmSolve(A, bvec, W2, m, k);
    const e2 = blocks.map((b) => residuals(b, two.beta, k));
    const g2 = new Float64Array(m);
    blocks.forEach((b, i) => addZtv(b, e2[i], g2));
    hansen = { statistic: quad(W2, g2, m), df: m - k };
    let V2 = two.bread;
    if (opts.robust) {
      // Windmeijer (2005): D[:,j] = P2 Σ_i (Z_i'x_ij · (Z_i'e1_i)'q + Z_i'e1_i · (Z_i'x_ij)'q), q = W2 g2
      const q = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += W2[i * m + j] * g2[j];
        q[i] = s;
      }
      const S = new Float64Array(m * k); // column j: Σ_i (...)
      const zx = new Float64Array(m * k);
      blocks.forEach((b, i) => {
        const { cols, vals } = g1i[i];
        let geq = 0;
        for (let a = 0; a < cols.length; a++) geq += vals[a] * q[cols[a]];
        // Z_i'X_i restricted to the unit's columns
        for (const col of cols) for (let j = 0; j < k; j++) zx[col * k + j] = 0;
        for (let r = 0; r < b.rows; r++)
          for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) {
            const col = b.zCol[p];
            const z = b.zVal[p];
            for (let j = 0; j < k; j++) zx[col * k + j] += z * b.X[r * k + j];
          }
        for (let j = 0; j < k; j++) {
          let xq = 0;
          for (const col of cols) xq += zx[col * k + j] * q[col];
          for (let a = 0; a < cols.length; a++) S[cols[a] * k + j] += zx[cols[a] * k + j] * geq + vals[a] * xq;
        }
      });
      const D = new Float64Array(k * k);
      for (let r = 0; r < k; r++)
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let i = 0; i < m; i++) s += two.P[r * m + i] * S[i * k + j];
          D[r * k + j] = s;
        }
      // V = bread + D bread + bread D' + D V1r D'
      const V1r = sandwich(one.P, Omega, k, m);
      const Vw = new Float64Array(k * k);
      for (let a = 0; a < k; a++)
        for (let bb = 0; bb < k; bb++) {
          let s = two.bread[a * k + bb];
          for (let j = 0; j < k; j++) s += D[a * k + j] * two.bread[j * k + bb] + two.bread[a * k + j] * D[bb * k + j];
          let t = 0;
          for (let j = 0; j < k; j++) {
            let u = 0;
            for (let l = 0; l < k; l++) u += V1r[j * k + l] * D[bb * k + l];
            t += D[a * k + j] * u;
          }
          Vw[a * k + bb] = s + t;
        }
      V2 = Vw;
    }
    beta = two.beta;
    V = V2;
    P = two.P;
    e = e2;
  } else if (opts.robust) {
    // xtabond2 after robust one-step: the Hansen J of the two-step estimates (the minimised
    // two-step criterion), since J is only defined at the efficient weighting matrix
    const two = gmmSolve(A, bvec, W2, m, k);
    const g2 = new Float64Array(m);
    blocks.forEach((b) => addZtv(b, residuals(b, two.beta, k), g2));
    hansen = { statistic: quad(W2, g2, m), df: m - k };
  }
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const s = 0.5 * (V[i * k + j] + V[j * k + i]);
      V[i * k + j] = s;
      V[j * k + i] = s;
    }

  // difference-in-Hansen: re-estimate without each subset, weight = the sub-block of Ω
  const diffHansen: GmmFit['diffHansen'] = [];
  if (hansen) {
    const groups = new Map<string, number[]>();
    design.instruments.forEach((ins, j) => {
      const add = (g: string) => (groups.get(g) ?? groups.set(g, []).get(g))?.push(j);
      if (ins.levelGmm) add('GMM instruments for levels');
      if (ins.group !== 'constant') add(ins.group.replace(/, level equation$/, ''));
    });
    for (const [group, members] of groups) {
      const drop = new Set(members);
      const rest = [...Array(m).keys()].filter((j) => !drop.has(j));
      if (rest.length < k || members.length === m) continue;
      const mr = rest.length;
      const Om = new Float64Array(mr * mr);
      for (let a = 0; a < mr; a++) for (let b2 = 0; b2 < mr; b2++) Om[a * mr + b2] = Omega[rest[a] * m + rest[b2]];
      const Wr = pinvSym(Om, mr).inv;
      const Ar = new Float64Array(mr * k);
      const br = new Float64Array(mr);
      rest.forEach((j, a) => {
        br[a] = bvec[j];
        for (let c2 = 0; c2 < k; c2++) Ar[a * k + c2] = A[j * k + c2];
      });
      let Jr: number;
      try {
        const sol = gmmSolve(Ar, br, Wr, mr, k);
        const g = new Float64Array(mr);
        for (let a = 0; a < mr; a++) {
          let s = br[a];
          for (let c2 = 0; c2 < k; c2++) s -= Ar[a * k + c2] * sol.beta[c2];
          g[a] = s;
        }
        Jr = quad(Wr, g, mr);
      } catch {
        continue;
      }
      diffHansen.push({ group, excluded: { statistic: Jr, df: mr - k }, difference: { statistic: hansen.statistic - Jr, df: members.length } });
    }
  }

  // Arellano–Bond AR(1..ar) on first differences of the level residuals
  const ar: number[] = [];
  const homoskedastic = !opts.twostep && !opts.robust;
  for (let order = 1; order <= opts.ar; order++) {
    ar.push(arTest(blocks, beta, e, P, V, k, m, order, opts, homoskedastic ? sigma2 : null));
  }
  return { beta, V, k, m, sigma2, sigma2Final: sigmaOf(e), ar, sargan, hansen, diffHansen, warnings };
}

/**
 * Arellano–Bond m(order): Σ_i w_i'Δe_i / sqrt(var), w = Δe lagged `order` periods, with the robust
 * variance Σ a_i² − 2 xw'P Σ Z_i'u_i a_i + xw'V xw, or (sigma2 given) the homoskedastic one.
 */
function arTest(blocks: GmmBlock[], beta: Float64Array, e: Float64Array[], P: Float64Array, V: Float64Array, k: number, m: number, order: number, opts: GmmFitOptions, sigma2: number | null): number {
  let num = 0;
  let saa = 0;
  let pairs = 0;
  const xw = new Float64Array(k);
  const gza = new Float64Array(m);
  const homCross = new Float64Array(m);
  let homFirst = 0;
  blocks.forEach((b, i) => {
    const nl = b.nl;
    // level residuals and their consecutive differences
    const rl = new Float64Array(nl);
    for (let j = 0; j < nl; j++) {
      let s = b.yl[j];
      for (let c = 0; c < k; c++) s -= b.Xl[j * k + c] * beta[c];
      rl[j] = s;
    }
    // differences at positions j (j−1 → j consecutive); period of each
    const dIdx: number[] = [];
    for (let j = 1; j < nl; j++) if (b.lperiod[j - 1] === b.lperiod[j] - 1) dIdx.push(j);
    const nd = dIdx.length;
    if (nd === 0) return;
    const de = Float64Array.from(dIdx, (j) => rl[j] - rl[j - 1]);
    const w = new Float64Array(nd);
    let any = false;
    for (let q = 0; q < nd; q++) {
      const t = b.lperiod[dIdx[q]];
      for (let s = 0; s < nd; s++)
        if (b.lperiod[dIdx[s]] === t - order) {
          w[q] = de[s];
          any = true;
          pairs++;
        }
    }
    if (!any) return;
    let a = 0;
    for (let q = 0; q < nd; q++) a += w[q] * de[q];
    num += a;
    saa += a * a;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let q = 0; q < nd; q++) s += w[q] * (b.Xl[dIdx[q] * k + c] - b.Xl[(dIdx[q] - 1) * k + c]);
      xw[c] += s;
    }
    if (sigma2 === null) {
      addZtv(b, e[i], gza, a);
    } else {
      // homoskedastic: σ²H on the differenced errors, covariance with the transformed equation
      if (opts.h === 1) {
        for (let q = 0; q < nd; q++) homFirst += w[q] * w[q];
        // w dated onto the transformed rows by their storage dates
        const dated = new Float64Array(b.rows);
        for (let r = 0; r < b.nt; r++)
          for (let q = 0; q < nd; q++) if (b.lperiod[dIdx[q]] === b.tdate[r]) dated[r] = w[q];
        addZtv(b, dated, homCross);
      } else {
        const dw = new Float64Array(nl);
        for (let q = 0; q < nd; q++) {
          dw[dIdx[q]] += w[q];
          dw[dIdx[q] - 1] -= w[q];
        }
        for (let j = 0; j < nl; j++) homFirst += dw[j] * dw[j];
        const fdw = new Float64Array(b.rows);
        for (let r = 0; r < b.nt; r++) {
          let s = 0;
          for (let j = 0; j < nl; j++) s += b.F[r * nl + j] * dw[j];
          fdw[r] = s;
        }
        addZtv(b, fdw, homCross);
      }
    }
  });
  if (pairs === 0) return Number.NaN;
  const pz = (g: Float64Array) => {
    let s = 0;
    for (let c = 0; c < k; c++) {
      let t = 0;
      for (let j = 0; j < m; j++) t += P[c * m + j] * g[j];
      s += xw[c] * t;
    }
    return s;
  };
  let xvx = 0;
  for (let c = 0; c < k; c++) for (let d = 0; d < k; d++) xvx += xw[c] * V[c * k + d] * xw[d];
  const variance = sigma2 === null ? saa - 2 * pz(gza) + xvx : sigma2 * homFirst - 2 * sigma2 * pz(homCross) + xvx;
  return variance > 0 ? num / Math.sqrt(variance) : Number.NaN;
}
