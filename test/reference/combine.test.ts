// merge against base R (merge() counts, match() values) on plm::Grunfeld with a made-up
// province-year table: m:1 on a text + numeric key with a missing key, 1:1 on two panel parts,
// 1:m from a firm table. The CSVs go through the real importer, so text keys arrive with level
// tables of their own. Script and values: test/reference/combine/{make.R,expected.json,*.csv}.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMerge, planMerge } from '../../src/engine/combine/merge.js';
import type { Dataset, MergeKind, NamedColumn } from '../../src/engine/combine/types.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';

interface Case {
  master: string;
  using: string;
  keys: string[];
  kind: MergeKind;
  counts: { matched: number; left_only: number; right_only: number; nrows: number };
  missing_keys_left?: number;
  index_by_master_row?: (number | null)[];
  value_by_master_row?: (number | null)[];
}

const dir = resolve('test/reference/combine');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<'m1' | 'one_to_one' | 'one_to_m', Case>;

async function load(file: string): Promise<Dataset> {
  const store = ProjectStore.create(':memory:');
  const { dataset } = await importFile(store, join(dir, file));
  return { nrows: dataset.nrows, columns: dataset.variables.map(({ name }) => ({ name, column: store.readColumn(dataset.id, name) })) };
}

const pick = (d: Dataset, names: string[]): NamedColumn[] => names.map((n) => d.columns.find((c) => c.name === n) as NamedColumn);

async function run(c: Case) {
  const master = await load(c.master);
  const using = await load(c.using);
  const plan = planMerge(pick(master, c.keys), pick(using, c.keys), c.kind);
  return { master, using, plan, out: applyMerge(plan, master, using) };
}

function numbers(d: Dataset, name: string): (number | null)[] {
  const col = d.columns.find((c) => c.name === name)?.column;
  if (col?.kind !== 'numeric') throw new Error(`${name} is not numeric`);
  return Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
}

describe('merge against R', () => {
  it('m:1 province year (text + numeric key, separate level tables, missing keys): counts and merged values', async () => {
    const c = expected.m1;
    const { master, plan, out } = await run(c);
    expect({ ...plan.report, nrows: plan.nrows }).toEqual(c.counts);
    expect(plan.missing_keys.left).toBe(c.missing_keys_left);
    // master rows come first, in order: their merged index is R's match() result
    expect(numbers(out, 'index').slice(0, master.nrows)).toEqual(c.index_by_master_row);
  });

  it('1:1 firm year on two parts of the panel', async () => {
    const c = expected.one_to_one;
    const { master, plan, out } = await run(c);
    expect({ ...plan.report, nrows: plan.nrows }).toEqual(c.counts);
    expect(numbers(out, 'value').slice(0, master.nrows)).toEqual(c.value_by_master_row);
  });

  it('1:m firm table into the panel', async () => {
    const c = expected.one_to_m;
    const { plan } = await run(c);
    expect({ ...plan.report, nrows: plan.nrows }).toEqual(c.counts);
  });
});
