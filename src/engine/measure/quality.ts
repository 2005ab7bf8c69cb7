// Export product quality, Khandelwal, Schott & Wei (2013, AER 103(6)) as used on Chinese customs
// data (施炳展 & 邵文波 2014; the seed paper's eq. 2–4). Shapes: N transaction rows (firm ×
// product k × destination c × year t), value and quantity; σ per row (one number, or by product /
// HS code from an elasticity table). The demand relation
//   ln q_ikct + σ_k ln p_ikct = α_k + α_ct + ε_ikct,   p = value / quantity,
// is fitted by OLS on product FE and destination × year FE: with no slope, the residual is the
// left side demeaned by the two factors, computed with the HDFE kernel (fe/demean.ts). Then
//   quality_raw = ε / (σ − 1),
//   quality     = (quality_raw − min_k) / (max_k − min_k)   (min–max within product k, over all
//                 firms, destinations and years: 施炳展 2014's standardisation, so that products
//                 can be aggregated; a firm-year's quality is the export-value weighted mean).
// `by` runs the regression separately within each group (e.g. HS2 sector when σ is per HS2):
// equivalent to interacting both fixed effects with the group. Rows whose value or quantity is
// missing or ≤ 0, or whose σ is unknown, are left out (missing). Observations alone in their
// product or destination-year cell are fitted exactly (ε = 0 says nothing about quality): they are
// dropped iteratively, as reghdfe drops singletons, and counted.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { MemorySource } from '../data.js';
import { demean } from '../fe/demean.js';
import { buildFactors, subsetFactor } from '../fe/factors.js';
import { findSingletons } from '../fe/singletons.js';
import { groupIds } from '../transform/groups.js';
import { type Var, isMissingAt, lengthOf, numericValues, plural, sameLength } from '../transform/types.js';

export interface QualityInputs {
  product: Var;
  destination: Var;
  year: Var;
  value: Var;
  quantity: Var;
  /** σ of each row (NaN: unknown); or one number. */
  sigma: Float64Array | number;
  /** How σ was chosen, for the provenance text. */
  sigmaSource?: string;
  by?: Var[];
  /** Convergence tolerance of the demeaning (default 1e-10). */
  tol?: number;
}

export interface QualityResult {
  quality: Float64Array;
  raw: Float64Array;
  warnings: string[];
  describe: string;
  /** Rows used in the regression, after singletons. */
  nobs: number;
}

export function exportQuality(inp: QualityInputs): QualityResult {
  const N = lengthOf(inp.product.column);
  const by = inp.by ?? [];
  sameLength(N, inp.destination, inp.year, inp.value, inp.quantity, ...by);
  const value = numericValues(inp.value, 'export quality (value)');
  const qty = numericValues(inp.quantity, 'export quality (quantity)');
  const sigmaAt = typeof inp.sigma === 'number' ? () => inp.sigma as number : (i: number) => (inp.sigma as Float64Array)[i];
  if (typeof inp.sigma === 'number' && !(inp.sigma > 1)) throw new AppError('INVALID_ARGUMENT', `σ must be greater than 1, got ${inp.sigma}`);
  if (typeof inp.sigma !== 'number' && inp.sigma.length !== N) throw new AppError('INVALID_ARGUMENT', 'σ has the wrong length');

  const mask = new Uint8Array(N);
  let nonPositive = 0;
  let noSigma = 0;
  let badSigma = 0;
  let missingKey = 0;
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (isMissingAt(inp.product.column, i) || isMissingAt(inp.destination.column, i) || isMissingAt(inp.year.column, i) || by.some((b) => isMissingAt(b.column, i))) {
      missingKey++;
      continue;
    }
    const v = value[i];
    const q = qty[i];
    if (!(v > 0 && q > 0 && v < Infinity && q < Infinity)) {
      nonPositive++;
      continue;
    }
    const s = sigmaAt(i);
    if (s - s !== 0) {
      noSigma++;
      continue;
    }
    if (!(s > 1)) {
      badSigma++;
      continue;
    }
    mask[i] = 1;
    n++;
  }

  // y = ln q + σ ln p on the usable rows
  const y = new Float64Array(n);
  const rowOf = new Int32Array(n);
  for (let i = 0, r = 0; i < N; i++) {
    if (!mask[i]) continue;
    const s = sigmaAt(i);
    y[r] = Math.log(qty[i]) + s * Math.log(value[i] / qty[i]);
    rowOf[r++] = i;
  }
  // factors: product (× by) and destination × year (× by); the group interaction = separate fits
  const cols: Record<string, Column> = { __k: inp.product.column, __c: inp.destination.column, __t: inp.year.column };
  by.forEach((b, j) => (cols[`__g${j}`] = b.column));
  const g = by.map((_, j) => `#__g${j}`).join('');
  let factors = buildFactors([`__k${g}`, `__c#__t${g}`], new MemorySource(N, cols), mask, n);
  const { keep, dropped } = findSingletons(factors, n);
  let m = n;
  let yy = y;
  let rows = rowOf;
  if (dropped > 0) {
    m = n - dropped;
    factors = factors.map((f) => subsetFactor(f, keep, m));
    yy = new Float64Array(m);
    rows = new Int32Array(m);
    for (let r = 0, k = 0; r < n; r++)
      if (keep[r]) {
        yy[k] = y[r];
        rows[k++] = rowOf[r];
      }
  }
  if (m === 0) throw new AppError('BAD_DATA', 'export quality: no product and destination-year cell has two or more usable transactions');
  const { out, report } = demean([yy], factors, { tol: inp.tol ?? 1e-10 });
  const eps = out[0];

  const raw = new Float64Array(N).fill(Number.NaN);
  for (let r = 0; r < m; r++) raw[rows[r]] = eps[r] / (sigmaAt(rows[r]) - 1);

  // min–max within product (over the rows in the regression)
  const used = new Uint8Array(N);
  for (let r = 0; r < m; r++) used[rows[r]] = 1;
  const prod = groupIds([inp.product.column], N);
  const lo = new Float64Array(prod.groups).fill(Infinity);
  const hi = new Float64Array(prod.groups).fill(-Infinity);
  for (let i = 0; i < N; i++) {
    if (!used[i]) continue;
    const k = prod.ids[i];
    if (raw[i] < lo[k]) lo[k] = raw[i];
    if (raw[i] > hi[k]) hi[k] = raw[i];
  }
  const quality = new Float64Array(N).fill(Number.NaN);
  let flat = 0;
  for (let i = 0; i < N; i++) {
    if (!used[i]) continue;
    const k = prod.ids[i];
    const range = hi[k] - lo[k];
    if (range > 0) quality[i] = (raw[i] - lo[k]) / range;
    else flat++;
  }

  const warnings: string[] = [];
  if (missingKey > 0) warnings.push(`${plural(missingKey, 'row')} with a missing product, destination, year${by.length ? ' or group' : ''}: quality missing`);
  if (nonPositive > 0) warnings.push(`${plural(nonPositive, 'row')} with a missing or non-positive value or quantity: quality missing`);
  if (noSigma > 0) warnings.push(`${plural(noSigma, 'row')} whose product has no elasticity σ in the table: quality missing`);
  if (badSigma > 0) warnings.push(`${plural(badSigma, 'row')} with σ ≤ 1 (quality = ε/(σ − 1) needs σ > 1): quality missing`);
  if (dropped > 0) warnings.push(`${plural(dropped, 'singleton transaction')} (alone in its product or destination-year cell, fitted exactly) dropped: quality missing`);
  if (flat > 0) warnings.push(`${plural(flat, 'row')} in products whose quality does not vary (one transaction left, or all equal): standardised quality missing`);
  if (!report.converged) warnings.push(`the fixed-effect demeaning did not converge in ${report.iterations[0]} iterations; quality may be inaccurate`);
  return {
    quality,
    raw,
    nobs: m,
    warnings,
    describe: `export quality (Khandelwal–Schott–Wei 2013): residual of ln q + σ ln p on ${inp.product.name} FE and ${inp.destination.name} × ${inp.year.name} FE${by.length ? `, separately by ${by.map((b) => b.name).join(' × ')}` : ''}, divided by σ − 1 (σ ${inp.sigmaSource ?? (typeof inp.sigma === 'number' ? `= ${inp.sigma}` : 'per row')}), min–max standardised within ${inp.product.name}; ${m} transactions`,
  };
}
