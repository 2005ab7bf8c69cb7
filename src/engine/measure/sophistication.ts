// Export sophistication, Hausmann, Hwang & Rodrik (2007, J. Econ. Growth 12(1)).
// World table: one row per (country c, product k[, year t]) with exports x_ck and the country's
// GDP per capita Y_c (repeated on each of its rows). Within each year (or pooled when no year):
//   PRODY_k = Σ_c [ (x_ck / X_c) / Σ_c' (x_c'k / X_c') ] · Y_c,   X_c = Σ_k x_ck,
// a weighted mean of the exporters' incomes with revealed-comparative-advantage weights. Then for
// each unit f (firm or region) and year, from its own export rows (firm × product [× destination]):
//   EXPY_f = Σ_k (x_fk / X_f) · PRODY_k
// = the export-value weighted mean of PRODY over the unit's rows. Products without a PRODY are left
// out and the shares taken over the matched exports (the unmatched share is reported).
// Shapes: world columns of length M, unit columns of length N; keys are matched by their text
// (a numeric code 8471 matches a text "8471"; leading zeros are significant), years by value.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { type Var, lengthOf, numericValues, plural, sameLength } from '../transform/types.js';

export interface SophisticationInputs {
  unit: Var;
  time?: Var;
  product: Var;
  value: Var;
  world: { country: Var; product: Var; value: Var; gdp: Var; time?: Var };
}

export interface SophisticationResult {
  prody: Float64Array;
  expy: Float64Array;
  warnings: string[];
  describe: string;
  /** PRODY by (year, product), for the record. */
  products: number;
}

function keyAt(c: Column, row: number): string | null {
  if (c.kind === 'numeric') {
    const v = c.values[row];
    return v - v === 0 ? String(v) : null;
  }
  return c.codes[row] < 0 ? null : c.levels[c.codes[row]];
}

export function exportSophistication(inp: SophisticationInputs): SophisticationResult {
  const w = inp.world;
  if (inp.time && !w.time) throw new AppError('INVALID_ARGUMENT', 'a year for the units needs the year column of the world table (PRODY per year)');
  if (!inp.time && w.time) throw new AppError('INVALID_ARGUMENT', 'PRODY per year of the world table needs the year variable of this dataset');
  const M = lengthOf(w.country.column);
  sameLength(M, w.product, w.value, w.gdp, ...(w.time ? [w.time] : []));
  const wx = numericValues(w.value, 'the world export value');
  const wy = numericValues(w.gdp, 'GDP per capita');

  // PRODY per (year, product): accumulate per (year, country) totals, then the RCA-weighted mean
  type Cell = { x: number };
  const X = new Map<string, number>(); // year|country → X_c
  const Y = new Map<string, number>(); // year|country → Y_c
  const xck = new Map<string, Map<string, Cell>>(); // year|product → country → x
  let skipped = 0;
  for (let r = 0; r < M; r++) {
    const c = keyAt(w.country.column, r);
    const k = keyAt(w.product.column, r);
    const t = w.time ? keyAt(w.time.column, r) : '';
    const x = wx[r];
    const y = wy[r];
    if (c === null || k === null || t === null || x - x !== 0 || y - y !== 0) {
      skipped++;
      continue;
    }
    if (x < 0) throw new AppError('BAD_DATA', `world table row ${r + 1}: export value ${x} is negative`);
    const tc = `${t}\u0000${c}`;
    const y0 = Y.get(tc);
    if (y0 !== undefined && y0 !== y) throw new AppError('BAD_DATA', `world table: ${w.gdp.name} of ${w.country.name} "${c}"${w.time ? ` in ${t}` : ''} differs between rows (${y0} and ${y}); GDP per capita is one number per country${w.time ? ' and year' : ''}`);
    Y.set(tc, y);
    X.set(tc, (X.get(tc) ?? 0) + x);
    const tk = `${t}\u0000${k}`;
    let byC = xck.get(tk);
    if (!byC) xck.set(tk, (byC = new Map()));
    const cell = byC.get(c);
    if (cell) cell.x += x; // several rows of one country-product (e.g. destinations): summed
    else byC.set(c, { x });
  }
  const prodyOf = new Map<string, number>();
  for (const [tk, byC] of xck) {
    const t = tk.slice(0, tk.indexOf('\u0000'));
    let num = 0;
    let den = 0;
    for (const [c, cell] of byC) {
      const Xc = X.get(`${t}\u0000${c}`) as number;
      if (!(Xc > 0)) continue;
      const s = cell.x / Xc;
      num += s * (Y.get(`${t}\u0000${c}`) as number);
      den += s;
    }
    if (den > 0) prodyOf.set(tk, num / den);
  }
  if (prodyOf.size === 0) throw new AppError('BAD_DATA', 'the world table gives no PRODY (no positive exports with GDP per capita)');

  // the units' rows
  const N = lengthOf(inp.unit.column);
  sameLength(N, inp.product, inp.value, ...(inp.time ? [inp.time] : []));
  const v = numericValues(inp.value, 'the export value');
  const prody = new Float64Array(N).fill(Number.NaN);
  const unitKey: (string | null)[] = new Array(N);
  const sums = new Map<string, { num: number; den: number; all: number }>();
  let unmatchedRows = 0;
  let unmatchedValue = 0;
  let totalValue = 0;
  for (let i = 0; i < N; i++) {
    const u = keyAt(inp.unit.column, i);
    const t = inp.time ? keyAt(inp.time.column, i) : '';
    const k = keyAt(inp.product.column, i);
    unitKey[i] = u === null || t === null ? null : `${t}\u0000${u}`;
    const p = k === null || t === null ? undefined : prodyOf.get(`${t}\u0000${k}`);
    if (p !== undefined) prody[i] = p;
    const x = v[i];
    const key = unitKey[i];
    if (key === null || x - x !== 0 || x < 0) continue;
    let s = sums.get(key);
    if (!s) sums.set(key, (s = { num: 0, den: 0, all: 0 }));
    s.all += x;
    totalValue += x;
    if (p === undefined) {
      unmatchedRows++;
      unmatchedValue += x;
      continue;
    }
    s.num += x * p;
    s.den += x;
  }
  const expy = new Float64Array(N).fill(Number.NaN);
  let noExpy = 0;
  for (let i = 0; i < N; i++) {
    const key = unitKey[i];
    const s = key === null ? undefined : sums.get(key);
    if (s && s.den > 0) expy[i] = s.num / s.den;
    else noExpy++;
  }
  const warnings: string[] = [];
  if (skipped > 0) warnings.push(`${plural(skipped, 'world-table row')} with a missing country, product, year, value or GDP per capita skipped`);
  if (unmatchedRows > 0) warnings.push(`${plural(unmatchedRows, 'row')} (${((100 * unmatchedValue) / (totalValue || 1)).toFixed(2)}% of export value) have a product without PRODY in the world table${inp.time ? ' that year' : ''}: left out of EXPY (shares over matched exports)`);
  if (noExpy > 0) warnings.push(`${plural(noExpy, 'row')} belong to a ${inp.unit.name}${inp.time ? `-${inp.time.name}` : ''} with no matched exports: EXPY missing`);
  return {
    prody,
    expy,
    products: prodyOf.size,
    warnings,
    describe: `export sophistication (Hausmann–Hwang–Rodrik 2007): EXPY = Σ over ${inp.product.name} of the ${inp.unit.name}${inp.time ? `-${inp.time.name}` : ''} export share × PRODY; PRODY = RCA-weighted mean of ${w.gdp.name} over ${w.country.name} (${plural(prodyOf.size, `product${w.time ? '-year' : ''}`)} from the world table)`,
  };
}
