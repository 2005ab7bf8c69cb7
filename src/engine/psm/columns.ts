// psmatch2's variables as new columns of the dataset, for main / the CLI to write after a psm model.
import type { ModelSpec } from '../../shared/spec.js';
import type { ToolOutputColumn } from '../../shared/tools.js';
import type { PsmOutput } from '../estimate-psm.js';

/**
 * psmatch2's variables: _pscore (the score), _treated (1/0 in the sample), _support (1 on common
 * support) and _weight (1 for treated on support, Σ 1/m for matched controls, missing otherwise):
 * `if _weight < .` is the matched sample for later models (Stata: missing is larger than any number).
 */
export function psmColumns(spec: ModelSpec, out: PsmOutput): ToolOutputColumn[] {
  const n = out.score.length;
  const inSample = (i: number) => out.score[i] - out.score[i] === 0;
  const treatment = spec.treatment ?? '';
  const inputs = [treatment, spec.y, ...spec.x];
  const numeric = (values: Float64Array) => ({ kind: 'numeric' as const, values });
  const support = new Float64Array(n);
  for (let i = 0; i < n; i++) support[i] = inSample(i) ? out.support[i] : Number.NaN;
  return [
    { name: '_pscore', column: numeric(out.score), label: { zh: '倾向得分', en: 'propensity score' }, replace: true, inputs },
    { name: '_treated', column: numeric(out.treated), label: { zh: `处理组（${treatment}）`, en: `treated (${treatment})` }, replace: true, inputs },
    { name: '_support', column: numeric(support), label: { zh: '位于共同支撑域', en: 'on common support' }, replace: true, inputs },
    { name: '_weight', column: numeric(out.weights), label: { zh: '匹配权重（匹配样本：_weight < .）', en: 'matching weight (matched sample: _weight < .)' }, replace: true, inputs },
  ];
}
