// Runs a descriptive-statistics request (src/shared/describe.ts) on columns.
import { AppError } from '../../shared/errors.js';
import type { DescribeRequest, DescribeResult } from '../../shared/describe.js';
import type { Column } from '../data.js';
import { correlate } from './correlate.js';
import { summarize } from './summarize.js';
import { vif } from './vif.js';
import { duplicatesReport } from '../combine/duplicates.js';

export function runDescribe(req: DescribeRequest, column: (name: string) => Column): DescribeResult {
  if (req.variables.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose at least one variable');
  const cols = req.variables.map((name) => ({ name, column: column(name) }));
  switch (req.kind) {
    case 'summarize':
      return summarize(cols, {
        sample: req.sample === 'listwise' ? 'listwise' : 'per_variable',
        ...(req.by ? { by: { name: req.by, column: column(req.by) } } : {}),
        ...(req.detail ? { detail: true } : {}),
      });
    case 'correlate':
      if (cols.length < 2) throw new AppError('INVALID_ARGUMENT', 'a correlation matrix needs at least two variables');
      return correlate(cols, { sample: req.sample === 'listwise' ? 'listwise' : 'pairwise', method: req.method === 'spearman' ? 'spearman' : 'pearson' });
    case 'duplicates':
      return duplicatesReport(cols);
    case 'vif':
      if (cols.length < 2) throw new AppError('INVALID_ARGUMENT', 'VIF needs at least two regressors');
      return vif(cols);
    default:
      throw new AppError('INVALID_ARGUMENT', `unknown statistic "${String((req as { kind: unknown }).kind)}"`);
  }
}
