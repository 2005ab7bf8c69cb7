// The engine's single entry point: spec + columns in, result out, with progress by stage.
// Stages: prepare (listwise deletion, cluster ids) → estimate → covariance → result.
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import type { ModelSpec } from '../shared/spec.js';
import type { JobStage } from '../shared/types.js';
import { VCOV_REGISTRY, type ClusterIds } from './covariance/index.js';
import { type Column, type ColumnSource, completeCases, compress, factorize } from './data.js';
import { fitOls } from './models/ols.js';
import { buildLinearResult } from './result.js';
import { nowMs } from './clock.js';

export type ProgressFn = (stage: JobStage, fraction: number) => void;

export function estimate(spec: ModelSpec, source: ColumnSource, progress: ProgressFn = () => {}): EstimationResult {
  const timing: Record<string, number> = {};
  let t0 = nowMs();
  const lap = (name: string) => {
    const t = nowMs();
    timing[name] = t - t0;
    t0 = t;
  };
  progress('prepare', 0);
  const numeric = (name: string, role: string): Float64Array => {
    const c = source.get(name);
    if (c.kind !== 'numeric') throw new AppError('BAD_DATA', `${role} "${name}" is text (categorical); a numeric variable is needed`);
    return c.values;
  };
  const yAll = numeric(spec.y, 'dependent variable');
  const xAll = spec.x.map((x) => numeric(x, 'regressor'));
  const clusterCols = spec.vcov === 'cluster' ? spec.cluster.map((c) => ({ name: c, column: source.get(c) })) : [];
  const used: { name: string; column: Column }[] = [
    { name: spec.y, column: { kind: 'numeric', values: yAll } },
    ...spec.x.map((name, j) => ({ name, column: { kind: 'numeric', values: xAll[j] } as Column })),
    ...clusterCols,
  ];
  const { mask, count: n, missingBy } = completeCases(source.nrows, used);
  if (n === 0) {
    const worst = Object.entries(missingBy).sort((a, b) => b[1] - a[1])[0];
    throw new AppError('BAD_DATA', `no observations left: every row has a missing value (e.g. "${worst[0]}" is missing in ${worst[1]} of ${source.nrows} rows)`);
  }
  const y = compress(yAll, mask, n);
  const X = xAll.map((c) => compress(c, mask, n));
  const clusters: ClusterIds[] = clusterCols.map(({ name, column }) => ({ variable: name, ...factorize(column, mask, n) }));
  const groups: Record<string, number> = {};
  for (const c of clusters) groups[c.variable] = c.groups;
  lap('prepare');

  progress('estimate', 0.3);
  const intercept = spec.options.intercept !== false;
  const { fit, omitted } = fitOls({ y, X, names: spec.x, intercept });
  if (fit.k === 0) throw new AppError('ESTIMATION', 'every regressor was dropped as collinear (or constant); nothing to estimate');
  if (fit.n <= fit.k + fit.kAbsorbed) {
    throw new AppError('ESTIMATION', `not enough observations: ${fit.n} observations for ${fit.k + fit.kAbsorbed} parameters (need more observations than parameters)`);
  }
  if (!Number.isFinite(fit.rss)) throw new AppError('ESTIMATION', 'the estimation produced non-finite values; check the data for extreme magnitudes');
  lap('estimate');

  progress('covariance', 0.7);
  const vcov = VCOV_REGISTRY[spec.vcov](fit, { clusters });
  lap('covariance');

  progress('result', 0.9);
  const warnings: string[] = [];
  const dropped = source.nrows - n;
  const result = buildLinearResult({
    spec,
    fit,
    vcov,
    omitted,
    sample: { n_input: source.nrows, dropped_missing: dropped, dropped_singletons: 0, groups },
    warnings,
    timing,
  });
  lap('result');
  progress('result', 1);
  return result;
}
