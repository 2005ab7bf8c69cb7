// Stata `collapse (stat) vars [aw = w], by(keys)`: one row per distinct combination of the keys,
// sorted by them (sort.ts order: missing last; a missing key value is a group of its own, as in
// Stata), holding a statistic of each variable over the group's rows. What turns transaction-level
// measures (export quality, EXPY) into a firm-year panel that `merge m:1` joins to the firms.
//   mean: Σ w x / Σ w over rows where x and w are present (w = 1 without weights; Stata aweights);
//   sum:  Σ w x (0 for a group with no values, as Stata's collapse (sum));
//   count: rows with x present; min / max: unweighted.
// Shapes: keys and vars are columns of length N; the result has G rows (G groups).
import type { CollapseStat } from '../../shared/combine.js';
import { AppError } from '../../shared/errors.js';
import { groupIds } from '../transform/groups.js';
import { gatherColumn } from './gather.js';
import { sortOrder } from './sort.js';
import type { Dataset, NamedColumn } from './types.js';

export interface CollapseOptions {
  keys: string[];
  vars: string[];
  stat: CollapseStat;
  weight?: string;
}

export function collapse(d: Dataset, opts: CollapseOptions): { data: Dataset; warnings: string[] } {
  const col = (name: string, role: string): NamedColumn => {
    const c = d.columns.find((x) => x.name === name);
    if (!c) throw new AppError('INVALID_ARGUMENT', `${role} "${name}" is not in the dataset`);
    return c;
  };
  if (opts.keys.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose the variable(s) to collapse by, e.g. firm and year');
  if (opts.vars.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose the variable(s) to collapse');
  const keys = opts.keys.map((k) => col(k, 'by variable'));
  const vars = opts.vars.map((v) => {
    const c = col(v, 'variable');
    if (c.column.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `"${v}" is text (categorical); collapse needs numeric variables`);
    if (opts.keys.includes(v)) throw new AppError('INVALID_ARGUMENT', `"${v}" is a by variable; it cannot also be collapsed`);
    return { name: v, values: c.column.values };
  });
  if (opts.weight && opts.stat !== 'mean' && opts.stat !== 'sum') throw new AppError('INVALID_ARGUMENT', `weights apply to mean and sum, not ${opts.stat}`);
  const wc = opts.weight ? col(opts.weight, 'weight variable').column : null;
  if (wc && wc.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `weight "${opts.weight}" is text (categorical)`);
  const w = wc && wc.kind === 'numeric' ? wc.values : null;
  const N = d.nrows;
  let negative = 0;
  if (w) for (let i = 0; i < N; i++) if (w[i] < 0) negative++;
  if (negative > 0) throw new AppError('BAD_DATA', `weight "${opts.weight}" is negative in ${negative} rows`);

  // groups in sorted key order: G representative rows
  const g = groupIds(
    keys.map((k) => k.column),
    N,
  );
  const order = sortOrder(keys);
  const slot = new Int32Array(g.groups).fill(-1);
  const rep = new Int32Array(g.groups);
  let G = 0;
  for (const i of order) {
    const k = g.ids[i];
    if (slot[k] < 0) {
      slot[k] = G;
      rep[G++] = i;
    }
  }
  const columns: NamedColumn[] = keys.map((k) => ({ name: k.name, column: gatherColumn(k.column, rep) }));
  for (const v of vars) {
    const num = new Float64Array(G);
    const den = new Float64Array(G);
    const out = new Float64Array(G);
    if (opts.stat === 'min') out.fill(Infinity);
    if (opts.stat === 'max') out.fill(-Infinity);
    for (let i = 0; i < N; i++) {
      const x = v.values[i];
      if (x - x !== 0) continue;
      const wi = w ? w[i] : 1;
      if (wi - wi !== 0) continue;
      const s = slot[g.ids[i]];
      switch (opts.stat) {
        case 'mean':
        case 'sum':
          num[s] += wi * x;
          den[s] += wi;
          break;
        case 'count':
          den[s] += 1;
          break;
        case 'min':
          den[s] += 1;
          if (x < out[s]) out[s] = x;
          break;
        case 'max':
          den[s] += 1;
          if (x > out[s]) out[s] = x;
          break;
      }
    }
    for (let s = 0; s < G; s++) {
      if (opts.stat === 'mean') out[s] = den[s] > 0 ? num[s] / den[s] : Number.NaN;
      else if (opts.stat === 'sum') out[s] = num[s];
      else if (opts.stat === 'count') out[s] = den[s];
      else if (den[s] === 0) out[s] = Number.NaN;
    }
    columns.push({ name: v.name, column: { kind: 'numeric', values: out } });
  }
  return { data: { nrows: G, columns }, warnings: [] };
}
