// Panel-aware time operators: lag/lead/difference/growth as Stata's L./F./D. after `xtset id time`.
// lag(x, k) at (i, t) is x at (i, t − k·delta) — missing when that period is absent (a gap), never
// "the previous row". Rows with a missing id or time are outside the panel (their lag is missing
// and nothing lags onto them). Duplicate (id, time) pairs are an error, as in Stata's xtset.
// Index: rows are keyed by (group g, period τ = time/delta − τ_min) in a direct table of G·T slots
// when that is at most a few times n (firm-year panels), else in an open-addressing hash: O(n)
// expected either way.
import { AppError } from '../../shared/errors.js';
import { factorize } from '../data.js';
import { type NumericResult, type Panel, type Var, isMissingAt, numericValues, plural, valueText } from './types.js';

export interface PanelIndex {
  nrows: number;
  /** Dense unit id per row, −1 outside the panel. */
  unit: Int32Array;
  /** Period index (time/delta) per row; NaN outside the panel. */
  period: Float64Array;
  /** Row at (unit, period), or −1. */
  find(unit: number, period: number): number;
}

const TABLE_MIN = 1 << 16;

/** Builds the (id, time) → row index; throws BAD_DATA on a duplicate pair or a non-integer time. */
export function buildPanelIndex(panel: Panel): PanelIndex {
  const { id, time } = panel;
  const delta = panel.delta ?? 1;
  if (!(delta > 0)) throw new AppError('INVALID_ARGUMENT', `the time spacing (delta) must be positive, got ${delta}`);
  const t = numericValues(time, 'the panel time variable');
  const n = t.length;
  const idLen = id.column.kind === 'numeric' ? id.column.values.length : id.column.codes.length;
  if (idLen !== n) throw new AppError('INVALID_ARGUMENT', `"${id.name}" has ${idLen} rows but "${time.name}" has ${n}`);
  const mask = new Uint8Array(n);
  let count = 0;
  const period = new Float64Array(n).fill(Number.NaN);
  let pmin = Infinity;
  let pmax = -Infinity;
  for (let i = 0; i < n; i++) {
    if (isMissingAt(id.column, i) || t[i] - t[i] !== 0) continue;
    const q = t[i] / delta;
    const r = Math.round(q);
    if (Math.abs(q - r) > 1e-9 * Math.max(1, Math.abs(q))) {
      throw new AppError('BAD_DATA', `time variable "${time.name}" has the value ${t[i]} at row ${i + 1}, which is not a multiple of the spacing ${delta}; time must count periods (years, quarters, ...)`);
    }
    mask[i] = 1;
    count++;
    period[i] = r;
    if (r < pmin) pmin = r;
    if (r > pmax) pmax = r;
  }
  const f = factorize(id.column, mask, count);
  const unit = new Int32Array(n).fill(-1);
  for (let i = 0, j = 0; i < n; i++) if (mask[i]) unit[i] = f.ids[j++];
  const span = count > 0 ? pmax - pmin + 1 : 0;
  const cells = f.groups * span;
  const duplicate = (a: number, b: number): never => {
    throw new AppError(
      'BAD_DATA',
      `repeated time values within panel: ${id.name} = ${valueText(id.column, b)} has two rows at ${time.name} = ${t[b]} (rows ${a + 1} and ${b + 1}); lags need one row per unit and period`,
    );
  };
  if (cells <= Math.max(TABLE_MIN, 4 * n)) {
    const table = new Int32Array(cells).fill(-1);
    for (let i = 0; i < n; i++) {
      if (unit[i] < 0) continue;
      const slot = unit[i] * span + (period[i] - pmin);
      if (table[slot] >= 0) duplicate(table[slot], i);
      table[slot] = i;
    }
    return {
      nrows: n,
      unit,
      period,
      find: (u, p) => (p < pmin || p > pmax ? -1 : table[u * span + (p - pmin)]),
    };
  }
  if (cells >= 2 ** 53) throw new AppError('BAD_DATA', `the panel spans too many periods (${span}) for ${f.groups} units`);
  const hash = new RowHash(count);
  for (let i = 0; i < n; i++) {
    if (unit[i] < 0) continue;
    const prev = hash.insert(unit[i] * span + (period[i] - pmin), i);
    if (prev >= 0) duplicate(prev, i);
  }
  return { nrows: n, unit, period, find: (u, p) => (p < pmin || p > pmax ? -1 : hash.get(u * span + (p - pmin))) };
}

/** Open addressing, linear probing, load ≤ 1/2; keys are exact integers below 2^53. */
class RowHash {
  private readonly keys: Float64Array;
  private readonly rows: Int32Array;
  private readonly mask: number;
  constructor(count: number) {
    let size = 16;
    while (size < 2 * count) size *= 2;
    this.keys = new Float64Array(size);
    this.rows = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }
  private slot(key: number): number {
    // mix the high and low 32 bits (keys exceed 2^32 for wide panels)
    const hi = Math.floor(key / 4294967296);
    let h = Math.imul((key >>> 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    return h & this.mask;
  }
  /** Inserts key → row; returns the row already stored under key, or −1. */
  insert(key: number, row: number): number {
    let s = this.slot(key);
    while (this.rows[s] >= 0) {
      if (this.keys[s] === key) return this.rows[s];
      s = (s + 1) & this.mask;
    }
    this.keys[s] = key;
    this.rows[s] = row;
    return -1;
  }
  get(key: number): number {
    let s = this.slot(key);
    while (this.rows[s] >= 0) {
      if (this.keys[s] === key) return this.rows[s];
      s = (s + 1) & this.mask;
    }
    return -1;
  }
}

/** x at period t − k of the same unit (k < 0: a lead), NaN when absent. */
export function shiftValues(x: Float64Array, index: PanelIndex, k: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  for (let i = 0; i < x.length; i++) {
    const u = index.unit[i];
    if (u < 0) continue;
    const r = index.find(u, index.period[i] - k);
    if (r >= 0) out[i] = x[r];
  }
  return out;
}

/** Stata's D^k: the k-th difference (D2.x = D.x − L.D.x), not x − L_k.x. */
export function differenceValues(x: Float64Array, index: PanelIndex, k = 1): Float64Array {
  let cur = x;
  for (let j = 0; j < k; j++) {
    const lagged = shiftValues(cur, index, 1);
    for (let i = 0; i < lagged.length; i++) lagged[i] = cur[i] - lagged[i];
    cur = lagged;
  }
  return cur;
}

function checkLag(k: number, what: string): void {
  if (!Number.isInteger(k) || k < 1) throw new AppError('INVALID_ARGUMENT', `${what} needs a whole number of periods ≥ 1, got ${k}`);
}

function panelText(p: Panel): string {
  return `within ${p.id.name} over ${p.time.name}${p.delta && p.delta !== 1 ? ` (spacing ${p.delta})` : ''}`;
}

function gapWarning(x: Var, x0: Float64Array, out: Float64Array, index: PanelIndex, k: number): string[] {
  // rows whose own value exists but whose partner period is absent: gaps or panel starts
  let absent = 0;
  for (let i = 0; i < out.length; i++) if (index.unit[i] >= 0 && out[i] !== out[i] && x0[i] === x0[i] && index.find(index.unit[i], index.period[i] - k) < 0) absent++;
  return absent > 0 ? [`${plural(absent, 'row')} of ${x.name} have no observation ${Math.abs(k)} period(s) ${k > 0 ? 'earlier' : 'later'} (first years or gaps): missing`] : [];
}

/** L{k}.x — the value k periods earlier in the same unit. */
export function lag(x: Var, panel: Panel, k = 1): NumericResult {
  checkLag(k, 'lag');
  const v = numericValues(x, 'lag');
  const index = buildPanelIndex(panel);
  const out = shiftValues(v, index, k);
  return { values: out, warnings: gapWarning(x, v, out, index, k), describe: `lag ${k} of ${x.name} ${panelText(panel)} (value at t−${k}; gaps give missing)` };
}

/** F{k}.x — the value k periods later in the same unit. */
export function lead(x: Var, panel: Panel, k = 1): NumericResult {
  checkLag(k, 'lead');
  const v = numericValues(x, 'lead');
  const index = buildPanelIndex(panel);
  const out = shiftValues(v, index, -k);
  return { values: out, warnings: gapWarning(x, v, out, index, -k), describe: `lead ${k} of ${x.name} ${panelText(panel)} (value at t+${k}; gaps give missing)` };
}

/** x_t − x_{t−k} (lag-k difference; `order` repeats D. as Stata's D2.). */
export function difference(x: Var, panel: Panel, options: { k?: number; order?: number } = {}): NumericResult {
  const k = options.k ?? 1;
  const order = options.order ?? 1;
  checkLag(k, 'difference');
  checkLag(order, 'difference order');
  const v = numericValues(x, 'difference');
  const index = buildPanelIndex(panel);
  let out: Float64Array;
  if (order > 1) {
    if (k !== 1) throw new AppError('INVALID_ARGUMENT', 'a higher-order difference is taken over one period at a time (k = 1)');
    out = differenceValues(v, index, order);
  } else {
    out = shiftValues(v, index, k);
    for (let i = 0; i < out.length; i++) out[i] = v[i] - out[i];
  }
  const what = order > 1 ? `difference of order ${order}` : `x_t − x_{t−${k}}`;
  return { values: out, warnings: gapWarning(x, v, out, index, k), describe: `${what} of ${x.name} ${panelText(panel)} (gaps give missing)` };
}

/**
 * Growth over k periods: (x_t − x_{t−k}) / x_{t−k}, or with `log: true` ln x_t − ln x_{t−k}.
 * A zero base (rate) or a non-positive value (log) gives missing and is counted.
 */
export function growth(x: Var, panel: Panel, options: { k?: number; log?: boolean } = {}): NumericResult {
  const k = options.k ?? 1;
  checkLag(k, 'growth');
  const v = numericValues(x, 'growth');
  const index = buildPanelIndex(panel);
  const prev = shiftValues(v, index, k);
  const out = new Float64Array(v.length);
  let bad = 0;
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    const b = prev[i];
    let r: number;
    if (options.log) {
      r = a > 0 && b > 0 ? Math.log(a) - Math.log(b) : Number.NaN;
    } else {
      r = b !== 0 ? (a - b) / b : Number.NaN;
    }
    if (r - r !== 0) {
      r = Number.NaN;
      if (a - a === 0 && b - b === 0) bad++;
    }
    out[i] = r;
  }
  const warnings = gapWarning(x, v, prev, index, k);
  if (bad > 0) warnings.push(options.log ? `${plural(bad, 'row')} with a non-positive ${x.name} now or ${k} period(s) earlier: log growth missing` : `${plural(bad, 'row')} where ${x.name} ${k} period(s) earlier is 0: growth missing`);
  const formula = options.log ? `ln ${x.name}_t − ln ${x.name}_{t−${k}}` : `(${x.name}_t − ${x.name}_{t−${k}}) / ${x.name}_{t−${k}}`;
  return { values: out, warnings, describe: `growth ${formula} ${panelText(panel)} (gaps give missing)` };
}

/** The row of each row's unit k periods earlier (−1 if absent): for tools that lag several inputs. */
export function lagRows(index: PanelIndex, k: number): Int32Array {
  const out = new Int32Array(index.nrows).fill(-1);
  for (let i = 0; i < out.length; i++) if (index.unit[i] >= 0) out[i] = index.find(index.unit[i], index.period[i] - k);
  return out;
}
