// Variance inflation factors (Stata `estat vif` after `regress`): VIF_j = 1/(1 − R²_j), R²_j from
// regressing x_j on the other regressors and a constant, on the rows complete in every regressor
// (and in any extra variables that define the regression's sample, e.g. y).
//
// One factorisation serves all j. With Xc the centred regressors (n×k) and C = Xc'Xc:
// RSS_j = 1/(C⁻¹)_jj and TSS_j = C_jj (Frisch–Waugh: partialling out the constant = centring), so
//   VIF_j = TSS_j / RSS_j = C_jj · (C⁻¹)_jj,   C⁻¹ = R⁻¹R⁻ᵀ from the Householder QR Xc = QR,
// i.e. (C⁻¹)_jj is the squared norm of row j of R⁻¹. QR on the centred columns avoids both the
// squared condition number of the normal equations and the constant's offset (data like 1e9 + x).
// Regressors collinear with the constant and earlier regressors are dropped in order, as `regress`
// does (linalg/qr.ts, same 1e-7 rule applied to the centred columns), and get no VIF.
//
// Fast path first, as models/ols.ts does: C from one blocked pass (gram-blocks.ts), scaled to the
// correlation matrix, inverted by Cholesky (linalg/small.ts). Its relative error is about cond·ε,
// ≲ 1e-9 when every pivot 1 − R²(x_j on the earlier regressors) is ≥ FAST_PIVOT; otherwise
// (near-collinear or collinear regressors) the QR path above decides and computes (memory
// ≈ 3·k·n doubles: centred copies, QR work columns, Householder vectors).
import { AppError } from '../../shared/errors.js';
import { compress } from '../data.js';
import { householderQr, invertUpper } from '../linalg/qr.js';
import { invertSpd } from '../linalg/small.js';
import { maskedGram, nearMean } from './gram-blocks.js';
import { listwiseMask, scopeMask } from './groups.js';
import { segmentMoments } from './moments.js';
import { commonRows } from './summarize.js';
import type { NamedColumn, VifResult, VifRow } from './types.js';

export interface VifOptions {
  /** Further variables whose missing values remove rows (the regression's y, cluster, ...). */
  sampleColumns?: NamedColumn[];
  /** 'vif' (default): largest first, as `estat vif` lists them; 'input': regressor order. */
  order?: 'vif' | 'input';
  /** Rows in scope (Stata `if`/`in`). */
  filter?: Uint8Array;
}

export function vif(regressors: readonly NamedColumn[], opts: VifOptions = {}): VifResult {
  for (const c of regressors) {
    if (c.column.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `regressor "${c.name}" is categorical: add it as indicator variables for a VIF`);
  }
  const all = [...regressors, ...(opts.sampleColumns ?? [])];
  const nrows = commonRows(all);
  const { mask, count: n } = listwiseMask(nrows, all, scopeMask(nrows, opts.filter));
  const result: VifResult = {
    kind: 'vif',
    nobs: n,
    rows: [],
    mean_vif: null,
    omitted: [],
    convention: 'Stata estat vif: VIF_j = 1/(1 − R²_j), R²_j of x_j on the other regressors and a constant, rows complete in every regressor; mean VIF over the reported regressors',
    warnings: [],
  };
  if (n === 0) {
    result.rows = regressors.map((c) => ({ variable: c.name, vif: null, tolerance: null, r2: null, na: 'no complete observations' }));
    result.warnings.push('no row is complete in all regressors');
    return result;
  }
  const fast = fastVifs(regressors.map((c) => (c.column.kind === 'numeric' ? c.column.values : new Float64Array(0))), n === nrows ? null : mask);
  if (fast) {
    result.rows = regressors.map((c, j) => ({ variable: c.name, vif: fast[j], tolerance: 1 / fast[j], r2: 1 - 1 / fast[j] }));
    return finish(result, opts);
  }
  const centred = regressors.map((c) => {
    const x = compress(c.column.kind === 'numeric' ? c.column.values : new Float64Array(0), mask, n);
    const { mean } = segmentMoments(x, 0, n, false);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x[i] - mean;
    return out;
  });
  const qr = householderQr(centred, n);
  for (const j of qr.dropped) {
    result.omitted.push({ variable: regressors[j].name, reason: 'collinear with the constant and earlier regressors (omitted by regress)' });
  }
  const k = qr.kept.length;
  const Rinv = invertUpper(qr.R, k);
  qr.kept.forEach((j, s) => {
    let inv = 0;
    for (let m = s; m < k; m++) inv += Rinv[s * k + m] ** 2;
    let tss = 0;
    const x = centred[j];
    for (let i = 0; i < n; i++) tss += x[i] * x[i];
    const v = tss * inv;
    const row: VifRow = { variable: regressors[j].name, vif: v, tolerance: 1 / v, r2: 1 - 1 / v };
    if (!Number.isFinite(v)) Object.assign(row, { vif: null, tolerance: null, r2: null, na: 'not computable' });
    result.rows.push(row);
  });
  return finish(result, opts);
}

/** Smallest accepted squared pivot of the correlation matrix's Cholesky factor (= 1/VIF bound). */
const FAST_PIVOT = 1e-6;

/** VIFs from the correlation matrix, or null when it is too close to singular for this path. */
function fastVifs(columns: Float64Array[], mask: Uint8Array | null): number[] | null {
  const k = columns.length;
  const G = maskedGram(columns, Float64Array.from(columns, nearMean), mask);
  const p = k + 1;
  const n = G[0];
  const C = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) C[a * k + b] = G[(a + 1) * p + b + 1] - (G[a + 1] * G[b + 1]) / n;
  const d = Array.from({ length: k }, (_, a) => Math.sqrt(C[a * k + a]));
  if (!d.every((x) => x > 0 && Number.isFinite(x))) return null;
  const R = C.map((v, t) => v / (d[Math.floor(t / k)] * d[t % k]));
  // pivots of R's Cholesky factor in order: 1 − R²_j on the earlier regressors
  const L = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let piv = R[j * k + j];
    for (let m = 0; m < j; m++) piv -= L[j * k + m] ** 2;
    if (!(piv >= FAST_PIVOT)) return null;
    L[j * k + j] = Math.sqrt(piv);
    for (let i = j + 1; i < k; i++) {
      let s = R[i * k + j];
      for (let m = 0; m < j; m++) s -= L[i * k + m] * L[j * k + m];
      L[i * k + j] = s / L[j * k + j];
    }
  }
  const Ri = invertSpd(R, k);
  return Ri ? Array.from({ length: k }, (_, j) => Ri[j * k + j]) : null;
}

function finish(result: VifResult, opts: VifOptions): VifResult {
  if ((opts.order ?? 'vif') === 'vif') result.rows.sort((a, b) => (b.vif ?? Infinity) - (a.vif ?? Infinity));
  const finite = result.rows.filter((r) => r.vif !== null);
  if (finite.length > 0 && finite.length === result.rows.length) result.mean_vif = finite.reduce((s, r) => s + (r.vif as number), 0) / finite.length;
  if (result.omitted.length > 0) result.warnings.push(`omitted as collinear: ${result.omitted.map((o) => o.variable).join(', ')}`);
  return result;
}
