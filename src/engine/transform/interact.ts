// Interactions (Stata's c.x#c.z, i.g#c.x, i.g#i.h spelled out as columns):
//   numeric × numeric     → one product column;
//   categorical × numeric → one column per level: x · 1{g = level} (missing where g or x is missing);
//   categorical × categorical → one dummy per combination that occurs.
import type { Column } from '../data.js';
import { dummies, groupOf, safeName } from './dummies.js';
import { type MultiResult, type Var, lengthOf, plural, sameLength } from './types.js';

export function interact(a: Var, b: Var, options: { existing?: readonly string[] } = {}): MultiResult {
  const n = lengthOf(a.column);
  sameLength(n, b);
  const taken = new Set(options.existing ?? []);
  const ac = a.column;
  const bc = b.column;
  if (ac.kind === 'numeric' && bc.kind === 'numeric') {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = ac.values[i] * bc.values[i];
    return {
      columns: [{ name: safeName(`${a.name}_x_${b.name}`, taken), label: `${a.name} × ${b.name}`, column: { kind: 'numeric', values } }],
      warnings: [],
      describe: `${a.name} × ${b.name}`,
    };
  }
  if (ac.kind === 'categorical' && bc.kind === 'categorical') {
    const joint = groupOf([a, b]);
    const d = dummies({ name: `${a.name}#${b.name}`, column: joint.column }, { prefix: `${a.name}_x_${b.name}`, existing: [...taken] });
    return { ...d, describe: `one dummy per combination of ${a.name} and ${b.name} (${plural(d.columns.length, 'combination')})` };
  }
  const [cat, num] = ac.kind === 'categorical' ? [a, b] : [b, a];
  const cc = cat.column as Extract<Column, { kind: 'categorical' }>;
  const x = (num.column as Extract<Column, { kind: 'numeric' }>).values;
  const used = new Uint8Array(cc.levels.length);
  for (let i = 0; i < n; i++) if (cc.codes[i] >= 0) used[cc.codes[i]] = 1;
  const columns: MultiResult['columns'] = [];
  cc.levels.forEach((level, k) => {
    if (!used[k]) return;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const code = cc.codes[i];
      values[i] = code < 0 ? Number.NaN : code === k ? x[i] : x[i] - x[i];
    }
    columns.push({ name: safeName(`${num.name}_x_${cat.name}_${level}`, taken), label: `${num.name} × (${cat.name}==${level})`, column: { kind: 'numeric', values } });
  });
  return {
    columns,
    warnings: [],
    describe: `${num.name} × one indicator per level of ${cat.name} (${plural(columns.length, 'level')}; 0 in other levels, missing where either is missing)`,
  };
}
