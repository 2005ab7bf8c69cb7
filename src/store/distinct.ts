// The distinct non-missing values of a column, sorted (numbers ascending, text in level order),
// at most `max` of them: the groups of a "run by group" heterogeneity analysis.
import type { Column } from '../engine/data.js';

export function distinctValues(column: Column, max: number): { values: (number | string)[]; truncated: boolean } {
  if (column.kind === 'categorical') {
    const used = new Uint8Array(column.levels.length);
    for (const c of column.codes) if (c >= 0) used[c] = 1;
    const values = column.levels.filter((_, i) => used[i] === 1);
    return { values: values.slice(0, max), truncated: values.length > max };
  }
  const seen = new Set<number>();
  for (const v of column.values) {
    if (v - v !== 0) continue;
    seen.add(v);
    if (seen.size > max) return { values: [...seen].sort((a, b) => a - b).slice(0, max), truncated: true };
  }
  return { values: [...seen].sort((a, b) => a - b), truncated: false };
}
