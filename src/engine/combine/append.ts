// Stata `append using ...`: the using observations stacked under the master's, variables matched
// by name. A variable present on one side only is missing in the other side's rows; level tables
// of categorical variables are merged by text (master levels first). A variable that is numeric
// on one side and categorical (text) on the other is an error naming it, as in Stata without
// `force`.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { unionLevels } from './gather.js';
import type { Dataset, NamedColumn } from './types.js';

export interface AppendOptions {
  /** Name of a new variable that is 0 in the master's rows and 1 in the using rows (Stata generate()). */
  generate?: string;
}

function kindText(c: Column): string {
  return c.kind === 'numeric' ? 'numeric' : 'text (categorical)';
}

function stack(a: Column | undefined, na: number, b: Column | undefined, nb: number): Column {
  const kind = (a ?? b)?.kind;
  if (kind === 'numeric') {
    const out = new Float64Array(na + nb).fill(Number.NaN);
    if (a?.kind === 'numeric') out.set(a.values.subarray(0, na), 0);
    if (b?.kind === 'numeric') out.set(b.values.subarray(0, nb), na);
    return { kind: 'numeric', values: out };
  }
  const la = a?.kind === 'categorical' ? a.levels : [];
  const lb = b?.kind === 'categorical' ? b.levels : [];
  const { levels, remapB } = unionLevels(la, lb);
  const out = new Int32Array(na + nb).fill(-1);
  if (a?.kind === 'categorical') out.set(a.codes.subarray(0, na), 0);
  if (b?.kind === 'categorical') for (let i = 0; i < nb; i++) out[na + i] = b.codes[i] >= 0 ? remapB[b.codes[i]] : -1;
  return { kind: 'categorical', codes: out, levels };
}

export function append(master: Dataset, using: Dataset, opts: AppendOptions = {}): Dataset {
  const inUsing = new Map(using.columns.map((c) => [c.name, c.column]));
  const inMaster = new Set(master.columns.map((c) => c.name));
  for (const { name, column } of master.columns) {
    const u = inUsing.get(name);
    if (u && u.kind !== column.kind) {
      throw new AppError('BAD_DATA', `variable "${name}" is ${kindText(column)} in the master data but ${kindText(u)} in the using data`);
    }
  }
  const gen = opts.generate;
  if (gen !== undefined && (inMaster.has(gen) || inUsing.has(gen))) throw new AppError('INVALID_ARGUMENT', `variable ${gen} already defined`);
  const columns: NamedColumn[] = master.columns.map(({ name, column }) => ({ name, column: stack(column, master.nrows, inUsing.get(name), using.nrows) }));
  for (const { name, column } of using.columns) if (!inMaster.has(name)) columns.push({ name, column: stack(undefined, master.nrows, column, using.nrows) });
  if (gen !== undefined) {
    const v = new Float64Array(master.nrows + using.nrows);
    v.fill(1, master.nrows);
    columns.push({ name: gen, column: { kind: 'numeric', values: v } });
  }
  return { nrows: master.nrows + using.nrows, columns };
}
