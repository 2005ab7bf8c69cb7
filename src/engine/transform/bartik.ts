// Bartik (shift-share) instrument: B_it = Σ_s share_is · g_st.
// Inputs, all long tables (they usually come from different files than the panel):
//   shares: one row per (unit i, sector s): the base-period share_is;
//   growth: one row per (sector s, period t): the national growth g_st, given directly; or
//   levels: one row per (unit i, sector s, period t): a level L_ist (employment, exports) from which
//           g_st = (L_st − L_s,t−1) / L_s,t−1 with L_st = Σ_i L_ist (or ln L_st − ln L_s,t−1);
//           leave-one-out replaces L_st by L_st − L_ist for unit i's own instrument, so a unit's own
//           shock does not enter its instrument (missing L_ist counts as 0).
// Units and sectors are matched by their text (a numeric code 13 matches a text "13"), periods by
// value. The output is aligned with the target (panel) rows. A unit without shares, or a sector with
// a non-zero share but no growth in t, gives missing (counted): never a silent partial sum.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { type NumericResult, type Var, lengthOf, numericValues, plural, sameLength } from './types.js';

export interface BartikInputs {
  target: { unit: Var; time: Var };
  shares: { unit: Var; sector: Var; share: Var };
  growth?: { sector: Var; time: Var; growth: Var };
  levels?: { unit: Var; sector: Var; time: Var; level: Var };
  leaveOneOut?: boolean;
  growthKind?: 'rate' | 'log';
  /** Period spacing for t − 1 (default 1). */
  delta?: number;
}

/** Text keys of a column's rows (null = missing). */
function keyAt(c: Column, row: number): string | null {
  if (c.kind === 'numeric') {
    const v = c.values[row];
    return v - v === 0 ? String(v) : null;
  }
  return c.codes[row] < 0 ? null : c.levels[c.codes[row]];
}

class Dict {
  readonly index = new Map<string, number>();
  id(key: string): number {
    let k = this.index.get(key);
    if (k === undefined) {
      k = this.index.size;
      this.index.set(key, k);
    }
    return k;
  }
}

/** One number per (sector, period): periods are few (< 2^20), so this is exact and collision-free. */
const TIME_SLOTS = 1 << 20;
function cell(s: number, t: number): number {
  if (t >= TIME_SLOTS) throw new AppError('BAD_DATA', 'the Bartik inputs have more than a million distinct periods');
  return s * TIME_SLOTS + t;
}

function rate(kind: 'rate' | 'log', now: number, before: number): number {
  const r = kind === 'log' ? (now > 0 && before > 0 ? Math.log(now) - Math.log(before) : Number.NaN) : before !== 0 ? (now - before) / before : Number.NaN;
  return r - r === 0 ? r : Number.NaN;
}

export function bartik(inp: BartikInputs): NumericResult {
  const kind = inp.growthKind ?? 'rate';
  const delta = inp.delta ?? 1;
  if ((inp.growth ? 1 : 0) + (inp.levels ? 1 : 0) !== 1) throw new AppError('INVALID_ARGUMENT', 'give the sector growth either directly (growth) or as unit × sector × period levels (levels), not both');
  if (inp.leaveOneOut && !inp.levels) throw new AppError('INVALID_ARGUMENT', 'leave-one-out needs unit × sector × period levels, to take each unit out of the national growth');
  const units = new Dict();
  const sectors = new Dict();
  const times = new Map<number, number>();
  const timeValues: number[] = [];
  const timeId = (v: number): number => {
    let k = times.get(v);
    if (k === undefined) {
      k = timeValues.length;
      times.set(v, k);
      timeValues.push(v);
    }
    return k;
  };

  // shares: per unit, its sectors and shares
  const sh = inp.shares;
  const shN = lengthOf(sh.unit.column);
  sameLength(shN, sh.sector, sh.share);
  const shareV = numericValues(sh.share, 'the shares');
  const perUnit = new Map<number, { s: number[]; w: number[] }>();
  const seen = new Set<string>();
  let badShare = 0;
  for (let r = 0; r < shN; r++) {
    const uk = keyAt(sh.unit.column, r);
    const sk = keyAt(sh.sector.column, r);
    if (uk === null || sk === null || shareV[r] - shareV[r] !== 0) {
      badShare++;
      continue;
    }
    const pair = `${uk}\u0000${sk}`;
    if (seen.has(pair)) throw new AppError('BAD_DATA', `shares: ${sh.unit.name} "${uk}" has two rows for ${sh.sector.name} "${sk}" (row ${r + 1})`);
    seen.add(pair);
    const u = units.id(uk);
    let e = perUnit.get(u);
    if (!e) perUnit.set(u, (e = { s: [], w: [] }));
    e.s.push(sectors.id(sk));
    e.w.push(shareV[r]);
  }

  // growth table g[s·T + t], or the level totals and the unit levels for leave-one-out
  let G: (u: number, s: number, t: number) => number;
  if (inp.growth) {
    const gr = inp.growth;
    const n = lengthOf(gr.sector.column);
    sameLength(n, gr.time, gr.growth);
    const tv = numericValues(gr.time, 'the growth period');
    const gv = numericValues(gr.growth, 'the growth');
    const cells = new Map<number, number>();
    const rows: [number, number, number][] = [];
    for (let r = 0; r < n; r++) {
      const sk = keyAt(gr.sector.column, r);
      if (sk === null || tv[r] - tv[r] !== 0) continue;
      rows.push([sectors.id(sk), timeId(tv[r]), gv[r]]);
    }
    for (const [s, t, g] of rows) {
      const key = cell(s, t);
      if (cells.has(key)) throw new AppError('BAD_DATA', `growth: two rows for one ${gr.sector.name} at ${gr.time.name} = ${timeValues[t]}`);
      cells.set(key, g);
    }
    G = (_u, s, t) => cells.get(cell(s, t)) ?? Number.NaN;
  } else {
    const lv = inp.levels as NonNullable<BartikInputs['levels']>;
    const n = lengthOf(lv.unit.column);
    sameLength(n, lv.sector, lv.time, lv.level);
    const tv = numericValues(lv.time, 'the level period');
    const L = numericValues(lv.level, 'the levels');
    const total = new Map<number, number>();
    const own = new Map<string, number>();
    for (let r = 0; r < n; r++) {
      const uk = keyAt(lv.unit.column, r);
      const sk = keyAt(lv.sector.column, r);
      if (uk === null || sk === null || tv[r] - tv[r] !== 0 || L[r] - L[r] !== 0) continue;
      const s = sectors.id(sk);
      const t = timeId(tv[r]);
      const key = cell(s, t);
      total.set(key, (total.get(key) ?? 0) + L[r]);
      const ok = `${units.id(uk)}:${key}`;
      if (own.has(ok)) throw new AppError('BAD_DATA', `levels: ${lv.unit.name} "${uk}" has two rows for ${lv.sector.name} "${sk}" at ${lv.time.name} = ${tv[r]}`);
      own.set(ok, L[r]);
    }
    const loo = inp.leaveOneOut === true;
    G = (u, s, t) => {
      const p = times.get(timeValues[t] - delta);
      if (p === undefined) return Number.NaN;
      const now = total.get(cell(s, t));
      const before = total.get(cell(s, p));
      if (now === undefined || before === undefined) return Number.NaN;
      if (!loo) return rate(kind, now, before);
      return rate(kind, now - (own.get(`${u}:${cell(s, t)}`) ?? 0), before - (own.get(`${u}:${cell(s, p)}`) ?? 0));
    };
  }

  // the instrument on the target rows
  const tg = inp.target;
  const n = lengthOf(tg.unit.column);
  sameLength(n, tg.time);
  const tt = numericValues(tg.time, 'the panel time variable');
  const out = new Float64Array(n).fill(Number.NaN);
  let noShares = 0;
  let gaps = 0;
  for (let i = 0; i < n; i++) {
    const uk = keyAt(tg.unit.column, i);
    const u = uk === null ? undefined : units.index.get(uk);
    const e = u === undefined ? undefined : perUnit.get(u);
    if (!e || u === undefined) {
      if (uk !== null) noShares++;
      continue;
    }
    const t = tt[i] - tt[i] === 0 ? times.get(tt[i]) : undefined;
    if (t === undefined) {
      gaps++;
      continue;
    }
    let b = 0;
    for (let j = 0; j < e.s.length; j++) {
      if (e.w[j] === 0) continue;
      const g = G(u, e.s[j], t);
      if (g !== g) {
        b = Number.NaN;
        break;
      }
      b += e.w[j] * g;
    }
    if (b !== b) gaps++;
    out[i] = b;
  }
  if (sectors.index.size === 0 || perUnit.size === 0) throw new AppError('BAD_DATA', 'the Bartik instrument has no usable shares');

  let lo = Infinity;
  let hi = -Infinity;
  for (const e of perUnit.values()) {
    const s = e.w.reduce((a, b) => a + b, 0);
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  const warnings: string[] = [];
  if (badShare > 0) warnings.push(`${plural(badShare, 'share row')} with a missing unit, sector or share were skipped`);
  if (noShares > 0) warnings.push(`${plural(noShares, 'row')} of the panel have a ${tg.unit.name} with no shares: missing`);
  if (gaps > 0) warnings.push(`${plural(gaps, 'row')} lack the growth of a sector with a non-zero share in that period (or of the period before): missing`);
  const g = inp.growth ? `given growth ${inp.growth.growth.name}` : `${kind === 'log' ? 'log ' : ''}growth of ${inp.levels?.level.name} summed over units${inp.leaveOneOut ? ', leaving the unit itself out' : ''}`;
  return {
    values: out,
    warnings,
    describe: `Bartik shift-share: Σ over ${sh.sector.name} of ${sh.share.name} × ${g} (${plural(sectors.index.size, 'sector')}; shares per unit sum to ${lo.toPrecision(4)}–${hi.toPrecision(4)})`,
  };
}
