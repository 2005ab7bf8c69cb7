// Timing of merge / sort / duplicates at scale (not a test). Run from the repository root:
//   node test/engine/describe/run-timing.mjs [rows] 0 test/engine/combine/timing.ts
import { applyMerge, planMerge } from '../../../src/engine/combine/merge.js';
import { duplicatesReport } from '../../../src/engine/combine/duplicates.js';
import { sortOrder } from '../../../src/engine/combine/sort.js';
import type { Dataset, NamedColumn } from '../../../src/engine/combine/types.js';

const rows = Number(process.argv[2] ?? 10_000_000);
let s = 11;
const u = () => {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return ((s >>> 0) + 0.5) / 4294967296;
};
const provinces = Array.from({ length: 31 }, (_, i) => `省${i}`);
function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  return r;
}

// master: firm-year panel rows with a province (categorical, its own level order) and a year
const prov = Int32Array.from({ length: rows }, () => Math.floor(u() * 31));
const master: Dataset = {
  nrows: rows,
  columns: [
    { name: 'firm', column: { kind: 'numeric', values: Float64Array.from({ length: rows }, (_, i) => Math.floor(i / 10)) } },
    { name: 'year', column: { kind: 'numeric', values: Float64Array.from({ length: rows }, (_, i) => 2000 + (i % 10) + Math.floor(u() * 22)) } },
    { name: 'province', column: { kind: 'categorical', codes: prov, levels: provinces } },
    { name: 'sales', column: { kind: 'numeric', values: Float64Array.from({ length: rows }, () => u()) } },
  ],
};
// using: province × year 2000–2031 (992 rows), levels in reverse order
const up: number[] = [];
const uy: number[] = [];
for (let p = 0; p < 31; p++) for (let y = 2000; y < 2032; y++) {
  up.push(30 - p);
  uy.push(y);
}
const using: Dataset = {
  nrows: up.length,
  columns: [
    { name: 'province', column: { kind: 'categorical', codes: Int32Array.from(up), levels: [...provinces].reverse() } },
    { name: 'year', column: { kind: 'numeric', values: Float64Array.from(uy) } },
    { name: 'ecommerce', column: { kind: 'numeric', values: Float64Array.from(uy, () => u()) } },
    { name: 'gdp', column: { kind: 'numeric', values: Float64Array.from(uy, () => u()) } },
  ],
};
const keys = (d: Dataset): NamedColumn[] => ['province', 'year'].map((n) => d.columns.find((c) => c.name === n) as NamedColumn);
for (let rep = 0; rep < 3; rep++) {
  const plan = time(`planMerge m:1 ${rows} × ${using.nrows}`, () => planMerge(keys(master), keys(using), 'm:1'));
  time('applyMerge (6 columns out)', () => applyMerge(plan, master, using));
  if (rep === 0) console.log(plan.report);
}
// time('planMerge m:1, order: key', () => planMerge(keys(master), keys(using), 'm:1', { order: 'key' }));
// time('sortOrder firm year', () => sortOrder([master.columns[0], master.columns[1]]));
// time('duplicatesReport firm year', () => duplicatesReport([master.columns[0], master.columns[1]]));
