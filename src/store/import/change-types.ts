// Type changes the user asks for in the import preview, applied to the staging dataset before it
// is committed: numbers → text (e.g. codes: each distinct value becomes a level, written as JS
// prints it; NaN stays missing), text → numbers (a level that is not a number becomes missing, and
// the count is reported). The import's other columns are untouched.
import { AppError } from '../../shared/errors.js';
import type { ProjectStore } from '../project.js';

export type ColumnType = 'numeric' | 'text';

export function changeStagingTypes(store: ProjectStore, stagingId: number, types: Record<string, ColumnType>): string[] {
  const ds = store.getDataset(stagingId, { staging: true });
  const warnings: string[] = [];
  const items: Parameters<ProjectStore['writeVariables']>[1] = [];
  for (const [name, to] of Object.entries(types)) {
    const v = ds.variables.find((x) => x.name === name);
    if (!v) throw new AppError('NOT_FOUND', `variable "${name}" is not in the file being imported`);
    const want = to === 'text' ? 'categorical' : 'numeric';
    if (v.type === want) continue;
    const col = store.readColumn(stagingId, name, { staging: true });
    const recipe = { ...v.recipe, ...(v.recipe.kind === 'import' ? { sourceType: `${v.recipe.sourceType ?? ''} → ${to} (chosen at import)` } : {}) };
    if (col.kind === 'numeric') {
      const text = new Map<number, string>();
      for (const x of col.values) if (x === x && !text.has(x)) text.set(x, String(x));
      const levels = [...new Set(text.values())].sort();
      const index = new Map(levels.map((l, i) => [l, i]));
      const codes = Int32Array.from(col.values, (x) => (x === x ? (index.get(text.get(x) as string) as number) : -1));
      items.push({ variable: { name, type: 'categorical', levels, label: v.label, recipe, missing: v.missing }, column: codes });
    } else {
      const parsed = col.levels.map((l) => {
        const t = l.trim();
        return t === '' ? Number.NaN : Number(t);
      });
      const bad = col.levels.filter((_, i) => !Number.isFinite(parsed[i]));
      const values = Float64Array.from(col.codes, (c) => (c < 0 || !Number.isFinite(parsed[c]) ? Number.NaN : parsed[c]));
      let missing = 0;
      for (const x of values) missing += x !== x ? 1 : 0;
      if (bad.length > 0) warnings.push(`${name}: ${bad.length} distinct text values are not numbers (e.g. "${bad[0]}") and became missing`);
      items.push({ variable: { name, type: 'numeric', label: v.label, recipe, missing }, column: values });
    }
  }
  if (items.length > 0) store.writeVariables(stagingId, items, { replace: true, staging: true });
  return warnings;
}
