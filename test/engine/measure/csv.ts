// Reads the small reference CSVs of the measurement tests (no quoted fields): numeric columns as
// Float64Array (empty = NaN), others as categorical columns.
import { readFileSync } from 'node:fs';
import type { Column } from '../../../src/engine/data.js';
import type { Var } from '../../../src/engine/transform/index.js';

export function readCsv(path: string): { nrows: number; v: (name: string) => Var; names: string[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const names = lines[0].split(',');
  const cells = lines.slice(1).map((l) => l.split(','));
  const cols = new Map<string, Column>();
  names.forEach((name, j) => {
    const raw = cells.map((r) => r[j]);
    if (raw.every((s) => s === '' || Number.isFinite(Number(s)))) cols.set(name, { kind: 'numeric', values: Float64Array.from(raw, (s) => (s === '' ? Number.NaN : Number(s))) });
    else {
      const levels = [...new Set(raw.filter((s) => s !== ''))];
      cols.set(name, { kind: 'categorical', levels, codes: Int32Array.from(raw, (s) => (s === '' ? -1 : levels.indexOf(s))) });
    }
  });
  return {
    nrows: cells.length,
    names,
    v: (name) => {
      const column = cols.get(name);
      if (!column) throw new Error(`no column ${name}`);
      return { name, column };
    },
  };
}
