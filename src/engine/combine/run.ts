// Runs a combine request (src/shared/combine.ts) on two in-memory datasets.
import type { CombineReport, CombineRequest } from '../../shared/combine.js';
import { AppError } from '../../shared/errors.js';
import { append } from './append.js';
import { applyMerge, planMerge } from './merge.js';
import { takeRows } from './gather.js';
import { sortOrder } from './sort.js';
import { collapse } from './collapse.js';
import { evaluateCondition } from '../expr/index.js';
import type { Dataset } from './types.js';

export function runCombine(req: CombineRequest, master: Dataset, using: Dataset | null): { data: Dataset; report: CombineReport } {
  if (req.kind === 'keep' || req.kind === 'drop') {
    if (!req.condition) throw new AppError('INVALID_ARGUMENT', `${req.kind} needs a condition, e.g. year >= 2005`);
    const byName = new Map(master.columns.map((c) => [c.name, c.column]));
    const cond = evaluateCondition(req.condition, { nrows: master.nrows, names: () => [...byName.keys()], column: (n) => byName.get(n) });
    const want = req.kind === 'keep' ? 1 : 0;
    const rows = new Int32Array(req.kind === 'keep' ? cond.count : master.nrows - cond.count);
    let j = 0;
    for (let i = 0; i < master.nrows; i++) if (cond.mask[i] === want) rows[j++] = i;
    const data = takeRows(master, rows);
    return { data, report: { kind: req.kind, nrows: data.nrows, dropped: master.nrows - data.nrows, warnings: [...cond.warnings, ...cond.issues.map((x) => x.message)] } };
  }
  if (req.kind === 'collapse') {
    const { data, warnings } = collapse(master, { keys: req.keys ?? [], vars: req.vars ?? [], stat: req.stat ?? 'mean', ...(req.weight ? { weight: req.weight } : {}) });
    return { data, report: { kind: 'collapse', nrows: data.nrows, ...(warnings.length ? { warnings } : {}) } };
  }
  if (req.kind === 'sort') {
    const keys = req.keys ?? [];
    if (keys.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose the variable(s) to sort by');
    const cols = keys.map((k) => {
      const c = master.columns.find((x) => x.name === k);
      if (!c) throw new AppError('INVALID_ARGUMENT', `sort variable "${k}" is not in the dataset`);
      return c;
    });
    const rows = sortOrder(cols, keys.map((k) => (req.descending ?? []).includes(k)));
    const data = takeRows(master, rows);
    return { data, report: { kind: 'sort', nrows: data.nrows } };
  }
  if (!using) throw new AppError('INVALID_ARGUMENT', `${req.kind} needs a second dataset`);
  if (req.kind === 'append') {
    const data = append(master, using);
    return { data, report: { kind: 'append', nrows: data.nrows } };
  }
  const keys = req.keys ?? [];
  if (keys.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose the key variable(s) to merge on');
  const pick = (d: Dataset, side: string) =>
    keys.map((k) => {
      const c = d.columns.find((x) => x.name === k);
      if (!c) throw new AppError('INVALID_ARGUMENT', `key variable "${k}" is not in the ${side} dataset`);
      return c;
    });
  const plan = planMerge(pick(master, 'master'), pick(using, 'using'), req.merge ?? '1:1', { ...(req.keep ? { keep: req.keep } : {}) });
  const out = applyMerge(plan, master, using);
  return {
    data: { nrows: out.nrows, columns: out.columns },
    report: { kind: 'merge', nrows: out.nrows, ...plan.report, missing_keys: plan.missing_keys, not_from_using: out.not_from_using },
  };
}
