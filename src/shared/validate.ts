// Spec validation: structural (schema) and against a dataset's variables. Runs live in the
// renderer, again in main (the renderer is untrusted), and in the CLI.
import { ESTIMATOR_IDS, ESTIMATORS } from './estimators/index.js';
import type { FieldId } from './estimators/index.js';
import { AppError } from './errors.js';
import { arr, bool, json, literal, num, obj, opt, str, type Schema } from './schema.js';
import { type ModelSpec, SPEC_VERSION, normalizeSpec } from './spec.js';
import type { VariableInfo } from './types.js';

const name = str({ min: 1, max: 200 });

const specShape = obj({
  specVersion: opt(num()),
  estimator: literal(...(ESTIMATOR_IDS as [string, ...string[]])),
  y: name,
  x: opt(arr(name, { max: 5000 })),
  absorb: opt(arr(name, { max: 50 })),
  endog: opt(arr(name, { max: 500 })),
  instruments: opt(arr(name, { max: 5000 })),
  cluster: opt(arr(name, { max: 4 })),
  vcov: opt(literal('iid', 'robust', 'cluster')),
  panel: opt(obj({ id: name, time: name })),
  sample: opt(obj({ if: opt(str({ max: 2000 })) })),
  options: opt(obj({ intercept: opt(bool()), level: opt(num()), singletons: opt(bool()), tolerance: opt(num()), hausman: opt(bool()), sigmamore: opt(bool()), seed: opt(num()), extra: opt(json()) })),
});

export const specSchema: Schema<ModelSpec> = {
  parse(value, path = 'spec') {
    const s = normalizeSpec(specShape.parse(value, path) as Parameters<typeof normalizeSpec>[0]);
    if (s.specVersion > SPEC_VERSION) {
      throw new AppError('INVALID_ARGUMENT', `${path}: spec version ${s.specVersion} is newer than this Panel Studio understands (${SPEC_VERSION})`);
    }
    return s;
  },
};

export interface SpecProblem {
  field: FieldId | 'vcov' | 'options' | 'estimator';
  message: string;
}

/** Problems that make a spec unrunnable on these variables; empty when it can run. */
export function checkSpec(spec: ModelSpec, variables: VariableInfo[] | null): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const decl = ESTIMATORS[spec.estimator];
  const byName = new Map((variables ?? []).map((v) => [v.name, v]));
  const known = (field: SpecProblem['field'], n: string, numeric: boolean) => {
    if (!variables) return;
    const v = byName.get(n);
    if (!v) problems.push({ field, message: `variable "${n}" is not in the dataset` });
    else if (numeric && v.type !== 'numeric') problems.push({ field, message: `variable "${n}" is text (categorical); a numeric variable is needed here` });
  };
  if (!spec.y) problems.push({ field: 'y', message: 'choose a dependent variable' });
  else known('y', spec.y, true);
  const seen = new Set<string>();
  for (const x of spec.x) {
    known('x', x, true);
    if (x === spec.y) problems.push({ field: 'x', message: `"${x}" is the dependent variable; it cannot also be a regressor` });
    if (seen.has(x)) problems.push({ field: 'x', message: `"${x}" is listed twice` });
    seen.add(x);
  }
  if (spec.x.length === 0 && spec.options.intercept === false) {
    problems.push({ field: 'x', message: 'with no intercept, choose at least one regressor' });
  }
  for (const c of spec.cluster) known('cluster', c, false);
  if (decl.fields.includes('absorb')) {
    if (spec.absorb.length === 0) problems.push({ field: 'absorb', message: 'choose at least one fixed effect to absorb (e.g. firm, or industry#year)' });
    const terms = new Set<string>();
    for (const term of spec.absorb) {
      const parts = term.split('#');
      if (parts.some((p) => p === '')) problems.push({ field: 'absorb', message: `"${term}" is not a valid fixed effect; write a variable or an interaction like industry#year` });
      else for (const p of parts) known('absorb', p, false);
      if (terms.has(term)) problems.push({ field: 'absorb', message: `fixed effect "${term}" is listed twice` });
      terms.add(term);
    }
  }
  if (decl.fields.includes('panel')) {
    if (!spec.panel) problems.push({ field: 'panel', message: 'choose the panel id (and time) variables' });
    else {
      known('panel', spec.panel.id, false);
      known('panel', spec.panel.time, false);
    }
  }
  for (const f of ['absorb', 'endog', 'instruments'] as const) {
    if (spec[f].length > 0 && !decl.fields.includes(f)) problems.push({ field: f, message: `${decl.id} does not take ${f}` });
  }
  if (!decl.vcovTypes.includes(spec.vcov)) problems.push({ field: 'vcov', message: `${decl.id} does not support ${spec.vcov} standard errors` });
  if (spec.vcov === 'cluster' && spec.cluster.length === 0) problems.push({ field: 'cluster', message: 'choose a cluster variable for clustered standard errors' });
  if (spec.vcov !== 'cluster' && spec.cluster.length > 0) problems.push({ field: 'cluster', message: 'cluster variables are only used with clustered standard errors' });
  if (spec.cluster.length > 1 && !decl.multiwayCluster) {
    problems.push({ field: 'cluster', message: 'multi-way clustering is not available for this estimator yet; choose one cluster variable' });
  }
  if (new Set(spec.cluster).size !== spec.cluster.length) problems.push({ field: 'cluster', message: 'the same cluster variable is listed twice' });
  const level = spec.options.level;
  if (level !== undefined && !(level > 0 && level < 1)) problems.push({ field: 'options', message: 'confidence level must be between 0 and 1 (e.g. 0.95)' });
  return problems;
}

/** Validate structure and variables; throws one AppError listing every problem. */
export function validateSpec(value: unknown, variables: VariableInfo[] | null): ModelSpec {
  const spec = specSchema.parse(value);
  const problems = checkSpec(spec, variables);
  if (problems.length > 0) {
    throw new AppError('INVALID_ARGUMENT', `invalid model: ${problems.map((p) => p.message).join('; ')}`);
  }
  return spec;
}
