// Builds the per-unit blocks of a dynamic-panel GMM model as xtabond2 does (Roodman 2009, "How to
// do xtabond2"): for each panel unit the level sample (periods where y and every regressor exist),
// the transformed equation (first differences between consecutive periods, or forward orthogonal
// deviations), in system GMM the level equation stacked below it, the one-step weighting matrix H_i,
// and the instrument rows as sparse (column, value) lists:
//   - GMM-style, difference equation: the level of v at lags lag_min..lag_max before the transformed
//     row's date (FD: the period itself; FOD: the period after, as xtabond2 stores deviations one
//     period ahead), one column per (date, lag) or, collapsed, per lag;
//   - GMM-style, level equation (system): eq(both) uses the difference of v at lag lag_min − 1 only
//     (the others are redundant), eq(level) the differences at lags lag_min..lag_max;
//   - IV-style: one column per variable, the transformed variable in the difference equation (the
//     level with passthru) and the level in the level equation;
//   - time dummies (option): IV-style in the level equation in system GMM, transformed in difference
//     GMM; the constant (system GMM): an instrument of the level equation.
// Lags follow the panel time variable, so gaps give missing lags (no instrument), never "the
// previous row". Missing instrument values contribute nothing (xtabond2 sets them to zero).
import { AppError } from '../../shared/errors.js';
import type { PanelIndex } from '../transform/panel.js';

export type Equation = 'diff' | 'level' | 'both';

export interface GmmStyleBlock {
  /** Display name of the instrumenting variable (e.g. "n" or "L.n"). */
  name: string;
  values: Float64Array;
  lagMin: number;
  /** null: every available lag. */
  lagMax: number | null;
  collapse: boolean;
  eq: Equation;
}

export interface IvStyleBlock {
  name: string;
  values: Float64Array;
  eq: Equation;
  passthru: boolean;
}

export interface GmmBuildInput {
  index: PanelIndex;
  y: Float64Array;
  /** Regressor columns over the input rows (lags already applied). */
  X: Float64Array[];
  xNames: string[];
  gmm: GmmStyleBlock[];
  iv: IvStyleBlock[];
  system: boolean;
  fod: boolean;
  timeDummies: boolean;
  timeName: string;
  /** Period → the time variable's value, for the dummies' names. */
  timeValue: (period: number) => number;
  constant: boolean;
  /** xtabond2's h(1|2|3). */
  h: number;
}

/** One panel unit: the stacked equations (transformed rows first, then levels in system GMM). */
export interface GmmBlock {
  rows: number;
  /** Transformed rows (first differences / orthogonal deviations). */
  nt: number;
  /** Level observations. */
  nl: number;
  X: Float64Array;
  y: Float64Array;
  H: Float64Array;
  zPtr: Int32Array;
  zCol: Int32Array;
  zVal: Float64Array;
  /** Levels (for the Arellano–Bond tests, on first differences of the level residuals). */
  Xl: Float64Array;
  yl: Float64Array;
  lperiod: Int32Array;
  /** Storage date (period) of each transformed row: FD the period, FOD the period after. */
  tdate: Int32Array;
  /** F: covariance of the transformed rows with the level errors (H's off-diagonal block, h = 3). */
  F: Float64Array;
}

export interface InstrumentColumn {
  name: string;
  /** Subset for the difference-in-Hansen tests. */
  group: string;
  /** Part of the level equation's GMM-style instruments (the system-GMM test). */
  levelGmm: boolean;
}

export interface GmmDesign {
  blocks: GmmBlock[];
  k: number;
  terms: string[];
  instruments: InstrumentColumn[];
  nTransformed: number;
  nLevels: number;
  groups: number;
  /** Units with level observations but no usable equation. */
  warnings: string[];
}

/** Row lists per unit sorted by period, from the panel index. */
function unitRows(index: PanelIndex): Int32Array[] {
  let units = 0;
  for (let i = 0; i < index.nrows; i++) if (index.unit[i] + 1 > units) units = index.unit[i] + 1;
  const counts = new Int32Array(units);
  for (let i = 0; i < index.nrows; i++) if (index.unit[i] >= 0) counts[index.unit[i]]++;
  const out = Array.from({ length: units }, (_, u) => new Int32Array(counts[u]));
  counts.fill(0);
  for (let i = 0; i < index.nrows; i++) {
    const u = index.unit[i];
    if (u >= 0) out[u][counts[u]++] = i;
  }
  for (const rows of out) rows.sort((a, b) => index.period[a] - index.period[b]);
  return out;
}

const finite = (x: number) => x - x === 0;

export function buildGmmDesign(input: GmmBuildInput): GmmDesign {
  const { index, y, X, system, fod, h } = input;
  const perUnit = unitRows(index);
  let pmin = Infinity;
  let pmax = -Infinity;
  for (let i = 0; i < index.nrows; i++) {
    if (index.unit[i] < 0) continue;
    const p = index.period[i];
    if (p < pmin) pmin = p;
    if (p > pmax) pmax = p;
  }
  const span = pmax - pmin + 1;
  // the level sample of each unit: periods where y and all regressors are present
  const levelRows: Int32Array[] = perUnit.map((rows) => {
    const keep: number[] = [];
    for (const r of rows) {
      if (!finite(y[r])) continue;
      let ok = true;
      for (const x of X) if (!finite(x[r])) ok = false;
      // xtabond2 drops observations where an IV-style instrument is missing (unless mz)
      for (const v of input.iv) if (!finite(v.values[r])) ok = false;
      if (ok) keep.push(r);
    }
    return Int32Array.from(keep);
  });
  // time dummies: every level period but the first (xtabond2 / the constant takes it)
  const periodsSeen = new Set<number>();
  for (const rows of levelRows) for (const r of rows) periodsSeen.add(index.period[r]);
  const levelPeriods = [...periodsSeen].sort((a, b) => a - b);
  const dummyPeriods = input.timeDummies ? levelPeriods.slice(1) : [];
  const terms = [...input.xNames, ...dummyPeriods.map((p) => `${input.timeName}_${input.timeValue(p)}`)];
  if (input.constant) terms.push('(Intercept)');
  const k = terms.length;
  const kx = X.length;
  const nd = dummyPeriods.length;
  const dummyIndex = new Map(dummyPeriods.map((p, j) => [p, j]));

  // instrument columns by numeric key; names and groups recorded on first use
  const keyToCol = new Map<number, number>();
  const instruments: InstrumentColumn[] = [];
  const dateSlots = span + 4;
  const colFor = (key: number, name: () => string, group: string, levelGmm: boolean): number => {
    let c = keyToCol.get(key);
    if (c === undefined) {
      c = instruments.length;
      keyToCol.set(key, c);
      instruments.push({ name: name(), group, levelGmm });
    }
    return c;
  };
  const gmmKey = (b: number, part: number, date: number, lag: number) => ((b * 2 + part) * dateSlots + date) * 128 + lag;
  const ivBase = input.gmm.length * 2 * dateSlots * 128;
  const lagName = (v: string, lag: number) => (lag === 0 ? v : `L${lag === 1 ? '' : lag}.${v}`);
  const diffName = (v: string, lag: number) => (lag === 0 ? `D.${v}` : `L${lag === 1 ? '' : lag}D.${v}`);
  const timeLabel = (p: number) => String(input.timeValue(p));

  const blocks: GmmBlock[] = [];
  let nTransformed = 0;
  let nLevels = 0;
  const warnings: string[] = [];
  for (let u = 0; u < perUnit.length; u++) {
    const lr = levelRows[u];
    const nl = lr.length;
    if (nl === 0) continue;
    const lp = Int32Array.from(lr, (r) => index.period[r]);
    // transformed rows: M (nt × nl), their storage dates, F for H's off-diagonal block
    const mRows: Float64Array[] = [];
    const fRows: Float64Array[] = [];
    const storage: number[] = [];
    for (let j = 0; j < nl; j++) {
      const m = new Float64Array(nl);
      if (fod) {
        const later = nl - 1 - j;
        if (later === 0) continue;
        const c = Math.sqrt(later / (later + 1));
        m[j] = c;
        for (let q = j + 1; q < nl; q++) m[q] = -c / later;
        // xtabond2 takes the covariance with the level errors from the deviation weights of a
        // complete panel over the whole span (n = span − 1 − t), not from this unit's own weights
        const f = new Float64Array(nl);
        const ng = span - 1 - (lp[j] - pmin);
        const cg = Math.sqrt(ng / (ng + 1));
        for (let q = 0; q < nl; q++) f[q] = q === j ? cg : lp[q] > lp[j] ? -cg / ng : 0;
        mRows.push(m);
        fRows.push(f);
        storage.push(lp[j] + 1);
      } else {
        if (j === 0 || lp[j - 1] !== lp[j] - 1) continue;
        m[j] = 1;
        m[j - 1] = -1;
        mRows.push(m);
        fRows.push(m);
        storage.push(lp[j]);
      }
    }
    const nt = mRows.length;
    if (nt === 0 && !system) continue;
    const rows = nt + (system ? nl : 0);
    if (rows === 0) continue;
    // levels of X (with dummies and constant) and y
    const Xl = new Float64Array(nl * k);
    const yl = new Float64Array(nl);
    for (let j = 0; j < nl; j++) {
      const r = lr[j];
      yl[j] = y[r];
      for (let c = 0; c < kx; c++) Xl[j * k + c] = X[c][r];
      const d = dummyIndex.get(lp[j]);
      if (d !== undefined) Xl[j * k + kx + d] = 1;
      if (input.constant) Xl[j * k + k - 1] = 1;
    }
    const Xs = new Float64Array(rows * k);
    const ys = new Float64Array(rows);
    for (let r = 0; r < nt; r++) {
      const m = mRows[r];
      let s = 0;
      for (let j = 0; j < nl; j++) if (m[j] !== 0) s += m[j] * yl[j];
      ys[r] = s;
      for (let c = 0; c < k; c++) {
        let v = 0;
        for (let j = 0; j < nl; j++) if (m[j] !== 0) v += m[j] * Xl[j * k + c];
        Xs[r * k + c] = v;
      }
    }
    if (system) {
      Xs.set(Xl, nt * k);
      ys.set(yl, nt);
    }
    // H
    const H = new Float64Array(rows * rows);
    for (let a = 0; a < nt; a++)
      for (let b = 0; b < nt; b++) {
        if (h === 1) {
          if (a === b) H[a * rows + b] = 1;
          continue;
        }
        let s = 0;
        const ma = mRows[a];
        const mb = mRows[b];
        for (let j = 0; j < nl; j++) s += ma[j] * mb[j];
        H[a * rows + b] = s;
      }
    if (system) {
      for (let j = 0; j < nl; j++) H[(nt + j) * rows + nt + j] = 1;
      if (h === 3)
        for (let a = 0; a < nt; a++)
          for (let j = 0; j < nl; j++) {
            const f = fRows[a][j];
            H[a * rows + nt + j] = f;
            H[(nt + j) * rows + a] = f;
          }
    }
    // instruments, row by row
    const entries: { col: number; val: number }[][] = Array.from({ length: rows }, () => []);
    const at = (v: Float64Array, period: number): number => {
      const r = index.find(u, period);
      return r >= 0 ? v[r] : Number.NaN;
    };
    input.gmm.forEach((g, b) => {
      const group = `gmm(${g.name})`;
      if (g.eq === 'diff' || g.eq === 'both' || !system) {
        for (let r = 0; r < nt; r++) {
          const ts = storage[r];
          const top = g.lagMax ?? ts - pmin;
          for (let lag = g.lagMin; lag <= top; lag++) {
            const val = at(g.values, ts - lag);
            if (!finite(val)) continue;
            const date = g.collapse ? span + 3 : ts - pmin + 1;
            const col = colFor(gmmKey(b, 0, date, lag), () => `${lagName(g.name, lag)}${g.collapse ? '' : ` @${timeLabel(ts)}`} (diff)`, group, false);
            entries[r].push({ col, val });
          }
        }
      }
      if (system && (g.eq === 'level' || g.eq === 'both')) {
        for (let j = 0; j < nl; j++) {
          const t = lp[j];
          const lags: number[] = [];
          if (g.eq === 'both') lags.push(Math.max(g.lagMin - 1, 0));
          else for (let d = g.lagMin; d <= (g.lagMax ?? t - pmin); d++) lags.push(d);
          for (const d of lags) {
            const val = at(g.values, t - d) - at(g.values, t - d - 1);
            if (!finite(val)) continue;
            const date = g.collapse ? span + 3 : t - pmin + 1;
            const col = colFor(gmmKey(b, 1, date, d), () => `${diffName(g.name, d)}${g.collapse ? '' : ` @${timeLabel(t)}`} (level)`, `${group}, level equation`, true);
            entries[nt + j].push({ col, val });
          }
        }
      }
    });
    input.iv.forEach((v, i) => {
      const key = ivBase + i;
      const name = () => v.name;
      if (v.eq === 'diff' || v.eq === 'both' || !system) {
        for (let r = 0; r < nt; r++) {
          let val: number;
          if (v.passthru) val = at(v.values, storage[r]);
          else {
            val = 0;
            const m = mRows[r];
            for (let j = 0; j < nl; j++) if (m[j] !== 0) val += m[j] * v.values[lr[j]];
          }
          if (!finite(val) || val === 0) continue;
          entries[r].push({ col: colFor(key, name, 'iv', false), val });
        }
      }
      if (system && (v.eq === 'level' || v.eq === 'both')) {
        for (let j = 0; j < nl; j++) {
          const val = v.values[lr[j]];
          if (!finite(val) || val === 0) continue;
          entries[nt + j].push({ col: colFor(key, name, 'iv', false), val });
        }
      }
    });
    dummyPeriods.forEach((p, d) => {
      const key = ivBase + input.iv.length + d;
      const name = () => `${input.timeName}_${input.timeValue(p)}`;
      if (system) {
        for (let j = 0; j < nl; j++) if (lp[j] === p) entries[nt + j].push({ col: colFor(key, name, 'time dummies', false), val: 1 });
      } else {
        for (let r = 0; r < nt; r++) {
          let val = 0;
          const m = mRows[r];
          for (let j = 0; j < nl; j++) if (lp[j] === p) val += m[j];
          if (val !== 0) entries[r].push({ col: colFor(key, name, 'time dummies', false), val });
        }
      }
    });
    if (input.constant) {
      const key = ivBase + input.iv.length + nd;
      for (let j = 0; j < nl; j++) entries[nt + j].push({ col: colFor(key, () => '(Intercept)', 'constant', false), val: 1 });
    }
    const zPtr = new Int32Array(rows + 1);
    for (let r = 0; r < rows; r++) zPtr[r + 1] = zPtr[r] + entries[r].length;
    const zCol = new Int32Array(zPtr[rows]);
    const zVal = new Float64Array(zPtr[rows]);
    for (let r = 0, p = 0; r < rows; r++)
      for (const e of entries[r]) {
        zCol[p] = e.col;
        zVal[p++] = e.val;
      }
    const F = new Float64Array(nt * nl);
    for (let a = 0; a < nt; a++) F.set(fRows[a], a * nl);
    blocks.push({ rows, nt, nl, X: Xs, y: ys, H, zPtr, zCol, zVal, Xl, yl, lperiod: lp, tdate: Int32Array.from(storage), F });
    nTransformed += nt;
    nLevels += nl;
  }
  if (blocks.length === 0) {
    throw new AppError('ESTIMATION', 'no panel unit has two consecutive periods with the dependent variable and every regressor present: the panel is too short for the lags requested');
  }
  return { blocks, k, terms, instruments, nTransformed, nLevels, groups: blocks.length, warnings };
}

/**
 * Drops instrument columns collinear with earlier ones over all stacked rows (xtabond2's _rmcoll on
 * the instruments: the instrument count and the overidentification df use the kept ones).
 */
export function dropCollinearInstruments(design: GmmDesign, independent: (G: Float64Array, m: number) => number[]): { design: GmmDesign; dropped: number } {
  const m = design.instruments.length;
  const G = new Float64Array(m * m);
  for (const b of design.blocks)
    for (let r = 0; r < b.rows; r++)
      for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) {
        const row = b.zCol[p] * m;
        const z = b.zVal[p];
        for (let q = b.zPtr[r]; q < b.zPtr[r + 1]; q++) G[row + b.zCol[q]] += z * b.zVal[q];
      }
  const kept = independent(G, m);
  if (kept.length === m) return { design, dropped: 0 };
  const remap = new Int32Array(m).fill(-1);
  kept.forEach((c, i) => (remap[c] = i));
  const blocks = design.blocks.map((b) => {
    const zPtr = new Int32Array(b.rows + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    for (let r = 0; r < b.rows; r++) {
      for (let p = b.zPtr[r]; p < b.zPtr[r + 1]; p++) {
        const c = remap[b.zCol[p]];
        if (c < 0) continue;
        cols.push(c);
        vals.push(b.zVal[p]);
      }
      zPtr[r + 1] = cols.length;
    }
    return { ...b, zPtr, zCol: Int32Array.from(cols), zVal: Float64Array.from(vals) };
  });
  return { design: { ...design, blocks, instruments: kept.map((c) => design.instruments[c]) }, dropped: m - kept.length };
}
