// Which variables an export writes: all, or the chosen ones in dataset order; unknown names are named.
import { AppError } from '../shared/errors.js';
import type { DatasetInfo, VariableInfo } from '../shared/types.js';

export function selectVariables(ds: DatasetInfo, names?: string[]): VariableInfo[] {
  if (!names || names.length === 0) return ds.variables;
  for (const n of names) if (!ds.variables.some((v) => v.name === n)) throw new AppError('NOT_FOUND', `variable "${n}" is not in dataset "${ds.name}"`);
  return ds.variables.filter((v) => names.includes(v.name));
}
