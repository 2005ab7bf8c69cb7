// Models that leave variables in their dataset — psm (psmatch2's _pscore/_treated/_support/_weight),
// sfa (efficiency scores _te_bc/_u_jlms), tfp (log TFP _ltfp) — estimated with the model's sample
// restriction, returning the result and the new columns for main / the CLI to write. Every other
// estimator goes through estimate() and leaves none. One place for the worker and `replicate`.
import type { ModelSpec } from '../shared/spec.js';
import type { EstimationResult } from '../shared/result.js';
import type { ToolOutputColumn } from '../shared/tools.js';
import type { ColumnSource } from './data.js';
import { type FitCache, type ProgressFn, estimate, noteRestriction, refuseNonFinite } from './estimate.js';
import { estimatePsm } from './estimate-psm.js';
import { estimateSfa, sfaColumns } from './estimate-sfa.js';
import { estimateTfp, tfpColumns } from './estimate-tfp.js';
import { psmColumns } from './psm/columns.js';
import { restrictSample } from './sample-if.js';

type WithColumns = (spec: ModelSpec, source: ColumnSource, progress: ProgressFn) => { result: EstimationResult; columns: ToolOutputColumn[] };

const MODELS_WITH_COLUMNS: Partial<Record<ModelSpec['estimator'], WithColumns>> = {
  psm: (spec, source, progress) => {
    const out = estimatePsm(spec, source, progress);
    return { result: out.result, columns: psmColumns(spec, out) };
  },
  sfa: (spec, source, progress) => {
    const out = estimateSfa(spec, source, progress);
    return { result: out.result, columns: sfaColumns(spec, out) };
  },
  tfp: (spec, source, progress) => {
    const out = estimateTfp(spec, source, progress);
    return { result: out.result, columns: tfpColumns(spec, out) };
  },
};

export function estimateWithColumns(
  spec: ModelSpec,
  source: ColumnSource,
  progress: ProgressFn = () => {},
  cache?: { store: FitCache; scope: string },
): { result: EstimationResult; columns: ToolOutputColumn[] } {
  const run = MODELS_WITH_COLUMNS[spec.estimator];
  if (!run) return { result: estimate(spec, source, progress, cache), columns: [] };
  const restricted = restrictSample(spec, source);
  const out = run(spec, restricted?.source ?? source, progress);
  refuseNonFinite(out.result);
  if (restricted) noteRestriction(out.result, restricted, source.nrows);
  return out;
}
