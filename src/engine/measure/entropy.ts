// Entropy-weight composite index (熵值法; e.g. 王娜 & 张睿, the seed paper's ret = f(ecom, basic)).
// Shapes: J indicator columns of length N; rows used are those with every indicator present
// (listwise), weighted separately within each value of `by` (per year) or pooled over all rows.
// For indicator j over the n rows of a weighting group:
//   z_ij = (x_ij − min_j)/(max_j − min_j)   (positive: more is better)
//   z_ij = (max_j − x_ij)/(max_j − min_j)   (negative: less is better)
//   z_ij ← z_ij + shift                     (default 0.0001, so that ln p is defined)
//   p_ij = z_ij / Σ_i z_ij,  e_j = −(1/ln n) Σ_i p_ij ln p_ij,  d_j = 1 − e_j,  w_j = d_j / Σ_k d_k
//   index_i = Σ_j w_j z_ij   (the shifted z: exactly `shift` above Σ_j w_j z_ij unshifted).
// Sub-indices (two levels): sub_gi = Σ_{j∈g} w^g_j z_ij with w^g_j = d_j / Σ_{k∈g} d_k (the index
// of g's indicators alone), and the group weight W_g = Σ_{j∈g} w_j, so overall = Σ_g W_g sub_g =
// the one-level index over all indicators (e_j does not depend on the grouping).
// A constant indicator carries no information: e_j = 1 (w_j = 0), with a note.
import { AppError } from '../../shared/errors.js';
import type { IndicatorGroup } from '../../shared/measure.js';
import { groupIds, groupLayout, firstRows, groupLabel } from '../transform/groups.js';
import { type Var, numericValues, plural, sameLength } from '../transform/types.js';

export interface EntropyIndicator {
  v: Var;
  negative: boolean;
}

export interface EntropyOptions {
  groups?: IndicatorGroup[];
  by?: Var[];
  shift?: number;
}

export interface EntropyWeight {
  /** by-value label ("year=2010"), absent when pooled. */
  by?: string;
  group?: string;
  indicator: string;
  direction: 'positive' | 'negative';
  n: number;
  min: number;
  max: number;
  entropy: number;
  divergence: number;
  weight: number;
  /** w^g_j: the weight inside its sub-index. */
  weight_in_group?: number;
}

export interface EntropyGroupWeight {
  by?: string;
  group: string;
  weight: number;
}

export interface EntropyResult {
  index: Float64Array;
  subIndices: { name: string; values: Float64Array }[];
  weights: EntropyWeight[];
  groupWeights: EntropyGroupWeight[];
  warnings: string[];
  describe: string;
}

export const DEFAULT_ENTROPY_SHIFT = 0.0001;

export function entropyIndex(indicators: EntropyIndicator[], opts: EntropyOptions = {}): EntropyResult {
  const J = indicators.length;
  if (J < 2) throw new AppError('INVALID_ARGUMENT', 'an entropy-weight index needs at least two indicators');
  const shift = opts.shift ?? DEFAULT_ENTROPY_SHIFT;
  if (!(shift >= 0) || !Number.isFinite(shift)) throw new AppError('INVALID_ARGUMENT', `the shift must be a number ≥ 0, got ${shift}`);
  const X = indicators.map((d) => numericValues(d.v, 'an entropy-weight index'));
  const N = X[0].length;
  const by = opts.by ?? [];
  sameLength(N, ...indicators.map((d) => d.v), ...by);
  const names = indicators.map((d) => d.v.name);
  const groups = opts.groups ?? [];
  const memberOf = new Int32Array(J).fill(-1);
  groups.forEach((g, gi) => {
    for (const m of g.members) {
      const j = names.indexOf(m);
      if (j < 0) throw new AppError('INVALID_ARGUMENT', `sub-index "${g.name}": "${m}" is not an indicator`);
      if (memberOf[j] >= 0) throw new AppError('INVALID_ARGUMENT', `"${m}" is in two sub-indices`);
      memberOf[j] = gi;
    }
  });
  if (groups.length > 0 && memberOf.some((g) => g < 0)) throw new AppError('INVALID_ARGUMENT', `${names.filter((_, j) => memberOf[j] < 0).join(', ')} belong to no sub-index`);

  const g = groupIds(
    by.map((b) => b.column),
    N,
  );
  const layout = groupLayout(g);
  const first = firstRows(g);
  const index = new Float64Array(N).fill(Number.NaN);
  const subs = groups.map(() => new Float64Array(N).fill(Number.NaN));
  const weights: EntropyWeight[] = [];
  const groupWeights: EntropyGroupWeight[] = [];
  const warnings: string[] = [];
  let incomplete = 0;
  const constant = new Set<string>();
  const tooSmall: string[] = [];

  for (let k = 0; k < g.groups; k++) {
    const label = by.length > 0 ? groupLabel(by, first[k]) : undefined;
    // the complete rows of this weighting group
    const rows: number[] = [];
    for (let r = layout.start[k]; r < layout.start[k + 1]; r++) {
      const i = layout.rows[r];
      let ok = true;
      for (let j = 0; j < J; j++) if (X[j][i] - X[j][i] !== 0) ok = false;
      if (ok) rows.push(i);
      else incomplete++;
    }
    const n = rows.length;
    if (n < 2) {
      if (n > 0 || by.length === 0) tooSmall.push(label ?? 'all rows');
      continue;
    }
    const Z = indicators.map(() => new Float64Array(n));
    const e = new Float64Array(J);
    const mins = new Float64Array(J);
    const maxs = new Float64Array(J);
    const logn = Math.log(n);
    for (let j = 0; j < J; j++) {
      const x = X[j];
      let lo = Infinity;
      let hi = -Infinity;
      for (const i of rows) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
      }
      mins[j] = lo;
      maxs[j] = hi;
      const range = hi - lo;
      const z = Z[j];
      let S = 0;
      for (let r = 0; r < n; r++) {
        const v = x[rows[r]];
        const zr = (range > 0 ? (indicators[j].negative ? hi - v : v - lo) / range : 0) + shift;
        z[r] = zr;
        S += zr;
      }
      if (range === 0) constant.add(names[j]);
      if (range === 0 || S === 0) {
        e[j] = 1;
        continue;
      }
      let H = 0;
      for (let r = 0; r < n; r++) {
        const p = z[r] / S;
        if (p > 0) H += p * Math.log(p);
      }
      e[j] = -H / logn;
    }
    const d = Array.from(e, (ej) => 1 - ej);
    const D = d.reduce((a, b) => a + b, 0);
    if (!(D > 0)) {
      tooSmall.push(label ?? 'all rows');
      continue;
    }
    const w = d.map((dj) => dj / D);
    const Dg = groups.map((_, gi) => d.reduce((a, dj, j) => a + (memberOf[j] === gi ? dj : 0), 0));
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < J; j++) s += w[j] * Z[j][r];
      index[rows[r]] = s;
    }
    groups.forEach((_, gi) => {
      const out = subs[gi];
      if (!(Dg[gi] > 0)) return; // every indicator of the group constant here: missing
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let j = 0; j < J; j++) if (memberOf[j] === gi) s += (d[j] / Dg[gi]) * Z[j][r];
        out[rows[r]] = s;
      }
    });
    for (let j = 0; j < J; j++) {
      const gi = memberOf[j];
      weights.push({
        ...(label !== undefined ? { by: label } : {}),
        ...(gi >= 0 ? { group: groups[gi].name } : {}),
        indicator: names[j],
        direction: indicators[j].negative ? 'negative' : 'positive',
        n,
        min: mins[j],
        max: maxs[j],
        entropy: e[j],
        divergence: d[j],
        weight: w[j],
        ...(gi >= 0 ? { weight_in_group: Dg[gi] > 0 ? d[j] / Dg[gi] : Number.NaN } : {}),
      });
    }
    groups.forEach((gr, gi) => groupWeights.push({ ...(label !== undefined ? { by: label } : {}), group: gr.name, weight: Dg[gi] / D }));
  }
  if (weights.length === 0) throw new AppError('BAD_DATA', `the entropy-weight index has no group with two or more complete rows and some variation${tooSmall.length ? ` (${tooSmall.slice(0, 3).join('; ')})` : ''}`);
  if (incomplete > 0) warnings.push(`${plural(incomplete, 'row')} with a missing indicator: index missing (weights use complete rows only)`);
  if (constant.size > 0) warnings.push(`${[...constant].join(', ')} ${constant.size === 1 ? 'is' : 'are'} constant${by.length ? ' in some groups' : ''}: no information, weight 0`);
  if (tooSmall.length > 0) warnings.push(`${plural(tooSmall.length, 'group')} with fewer than two complete rows or no variation get no index (${tooSmall.slice(0, 3).join('; ')}${tooSmall.length > 3 ? '; …' : ''})`);

  const dir = indicators.map((d) => (d.negative ? `−${d.v.name}` : d.v.name)).join(', ');
  const where = by.length ? `within each ${by.map((b) => b.name).join(' × ')}` : 'pooled over all rows';
  const pooledWeights = by.length === 0 ? `; weights ${weights.map((w) => `${w.indicator} ${w.weight.toFixed(4)}`).join(', ')}` : '; weights per group in the weights table';
  return {
    index,
    subIndices: groups.map((gr, gi) => ({ name: gr.name, values: subs[gi] })),
    weights,
    groupWeights,
    warnings,
    describe: `entropy-weight index of ${dir} (min–max normalised ${where}, shift ${shift})${groups.length ? `; sub-indices ${groups.map((gr) => `${gr.name} = {${gr.members.join(', ')}}`).join(', ')}` : ''}${pooledWeights}`,
  };
}
