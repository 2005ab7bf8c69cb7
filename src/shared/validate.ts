// Spec validation: structural (schema) and against a dataset's variables. Runs live in the
// renderer, again in main (the renderer is untrusted), and in the CLI.
import { ESTIMATOR_IDS, ESTIMATORS } from './estimators/index.js';
import type { EstimatorDeclaration, FieldId } from './estimators/index.js';
import { AppError } from './errors.js';
import { arr, bool, int, json, literal, num, obj, opt, str, type Schema } from './schema.js';
import { type ModelSpec, SPEC_VERSION, baseVariable, normalizeSpec, parseLagTerm } from './spec.js';
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
  treatment: opt(name),
  sample: opt(obj({ if: opt(str({ max: 2000 })) })),
  options: opt(obj({ intercept: opt(bool()), level: opt(num()), singletons: opt(bool()), tolerance: opt(num()), hausman: opt(bool()), sigmamore: opt(bool()), method: opt(literal('2sls', 'liml', 'op', 'lp', 'acf')), small: opt(literal('auto', 'on', 'off')), seed: opt(num()), extra: opt(json()),
    gmm_style: opt(arr(obj({ var: name, lag_min: int({ min: 0, max: 100 }), lag_max: opt(int({ min: 0, max: 100 })), collapse: opt(bool()), eq: opt(literal('diff', 'level', 'both')) }), { max: 50 })),
    iv_style: opt(arr(obj({ var: name, eq: opt(literal('diff', 'level', 'both')), passthru: opt(bool()) }), { max: 500 })),
    system: opt(bool()), twostep: opt(bool()), transform: opt(literal('fd', 'fod')), timedummies: opt(bool()), h: opt(int({ min: 1, max: 3 })), ar: opt(int({ min: 1, max: 10 })),
    score: opt(literal('logit', 'probit')), neighbors: opt(int({ min: 1, max: 100 })), replacement: opt(bool()), caliper: opt(num()), caliper_unit: opt(literal('score', 'sd_logit')),
    ties: opt(bool()), common_support: opt(bool()), exact: opt(arr(name, { max: 10 })), match_method: opt(literal('nearest', 'kernel', 'radius')), bandwidth: opt(num()),
    match_by: opt(literal('pooled', 'year', 'pre_means')), match_order: opt(literal('smallest', 'largest', 'data', 'random')), ate: opt(bool()), tie_rule: opt(literal('psmatch2', 'matchit')),
    kernel: opt(literal('epan', 'biweight', 'tricube', 'uniform', 'normal')),
    distribution: opt(literal('hnormal', 'exponential', 'tnormal')), frontier: opt(literal('production', 'cost')), form: opt(literal('cd', 'translog')), technique: opt(literal('newton', 'bfgs')),
    uhet: opt(arr(name, { max: 50 })), logs: opt(bool()), center: opt(bool()),
    state: opt(str({ max: 200 })), proxy: opt(str({ max: 200 })), degree: opt(int({ min: 1, max: 5 })), reps: opt(int({ min: 2, max: 10000 })) })),
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

/**
 * Why a spec cannot run, one code per kind of problem. The English text is the default message (CLI,
 * main-process errors); the renderer translates by code (src/renderer/src/i18n/problems.ts).
 */
export const PROBLEM_TEXT = {
  'y.required': 'choose a dependent variable',
  'var.unknown': 'variable "{name}" is not in the dataset',
  'var.text': 'variable "{name}" is text (categorical); a numeric variable is needed here',
  'x.isY': '"{name}" is the dependent variable; it cannot also be a regressor',
  'x.twice': '"{name}" is listed twice',
  'x.noneWithoutIntercept': 'with no intercept, choose at least one regressor',
  'absorb.required': 'choose at least one fixed effect to absorb (e.g. firm, or industry#year)',
  'absorb.invalid': '"{term}" is not a valid fixed effect; write a variable or an interaction like industry#year',
  'absorb.twice': 'fixed effect "{term}" is listed twice',
  'panel.required': 'choose the panel id (and time) variables',
  'field.notTaken': '{estimator} does not take {field}',
  'vcov.unsupported': '{estimator} does not support {vcov} standard errors',
  'cluster.required': 'choose a cluster variable for clustered standard errors',
  'cluster.unused': 'cluster variables are only used with clustered standard errors',
  'cluster.multiway': 'multi-way clustering is not available for this estimator yet; choose one cluster variable',
  'cluster.twice': 'the same cluster variable is listed twice',
  'level.range': 'confidence level must be between 0 and 1 (e.g. 0.95)',
  'endog.required': 'choose at least one endogenous regressor',
  'instruments.required': 'choose at least one excluded instrument',
  'instruments.tooFew': '{k} endogenous regressors need at least {k} excluded instruments (only {l} chosen): the equation is not identified',
  'endog.role': '"{name}" already has another role in the model (dependent variable, regressor, endogenous regressor or instrument); a variable can have only one role',
  'lag.notHere': '"{name}" is a lag term (L.x); lag terms are only read by the dynamic panel GMM estimator here — create the lag with the Lag tool first',
  'gmm.lagRange': 'GMM-style instruments for {name}: the last lag ({max}) is before the first ({min})',
  'treatment.required': 'choose the treatment indicator (1 = treated, 0 = control)',
  'treatment.role': '"{name}" is the treatment; it cannot also be the outcome or a covariate',
  'tfp.state': 'choose the state variable (log capital)',
  'tfp.proxy': 'choose the proxy variable (log investment for Olley–Pakes, log intermediate inputs for Levinsohn–Petrin and ACF)',
  'tfp.role': '"{name}" already has another role (output, free input, state or proxy); a variable can have only one role',
  'option.notNumber': 'option "{option}" must be a number',
  'option.wholeRange': 'option "{option}" must be a whole number from {min} to {max}',
  'option.atLeast': 'option "{option}" must be at least {min}',
  'option.above': 'option "{option}" must be greater than {min}',
  'option.atMost': 'option "{option}" must be at most {max}',
  'uhet.isY': '"{name}" is the output; it cannot also explain the inefficiency variance',
  'psm.radiusCaliper': 'radius matching needs a caliper (the radius) greater than 0',
} as const;

export type ProblemCode = keyof typeof PROBLEM_TEXT;
export type ProblemParams = Record<string, string>;

export interface SpecProblem {
  field: FieldId | 'vcov' | 'options' | 'estimator';
  code: ProblemCode;
  params: ProblemParams;
  /** The English text (PROBLEM_TEXT with the params filled in). */
  message: string;
}

export function fillTemplate(text: string, params: ProblemParams): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** Problems that make a spec unrunnable on these variables; empty when it can run. */
export function checkSpec(spec: ModelSpec, variables: VariableInfo[] | null): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const add = (field: SpecProblem['field'], code: ProblemCode, params: ProblemParams = {}) =>
    problems.push({ field, code, params, message: fillTemplate(PROBLEM_TEXT[code], params) });
  const decl = ESTIMATORS[spec.estimator];
  const byName = new Map((variables ?? []).map((v) => [v.name, v]));
  const known = (field: SpecProblem['field'], name: string, numeric: boolean) => {
    if (!variables) return;
    const v = byName.get(name);
    if (!v) add(field, 'var.unknown', { name });
    else if (numeric && v.type !== 'numeric') add(field, 'var.text', { name });
  };
  if (!spec.y) add('y', 'y.required');
  else known('y', spec.y, true);
  const seen = new Set<string>();
  const dynamic = spec.estimator === 'gmm';
  for (const x of spec.x) {
    if (parseLagTerm(x) && !dynamic) add('x', 'lag.notHere', { name: x });
    else known('x', baseVariable(x), true);
    if (x === spec.y) add('x', 'x.isY', { name: x });
    if (seen.has(x)) add('x', 'x.twice', { name: x });
    seen.add(x);
  }
  if (spec.x.length === 0 && spec.options.intercept === false) add('x', 'x.noneWithoutIntercept');
  for (const c of spec.cluster) known('cluster', c, false);
  if (decl.fields.includes('absorb')) {
    if (spec.absorb.length === 0 && !decl.absorbOptional) add('absorb', 'absorb.required');
    const terms = new Set<string>();
    for (const term of spec.absorb) {
      const parts = term.split('#');
      if (parts.some((p) => p === '')) add('absorb', 'absorb.invalid', { term });
      else for (const p of parts) known('absorb', p, false);
      if (terms.has(term)) add('absorb', 'absorb.twice', { term });
      terms.add(term);
    }
  }
  if (decl.fields.includes('panel')) {
    if (!spec.panel) {
      if (!decl.panelOptional || spec.options.match_by === 'year' || spec.options.match_by === 'pre_means') add('panel', 'panel.required');
    } else {
      known('panel', spec.panel.id, false);
      known('panel', spec.panel.time, false);
    }
  }
  if (decl.fields.includes('endog')) {
    if (spec.endog.length === 0) add('endog', 'endog.required');
    if (spec.instruments.length === 0) add('instruments', 'instruments.required');
    else if (spec.instruments.length < spec.endog.length) add('instruments', 'instruments.tooFew', { k: String(spec.endog.length), l: String(spec.instruments.length) });
    const role = new Map<string, string>([[spec.y, 'the dependent variable'], ...spec.x.map((x) => [x, 'an exogenous regressor'] as [string, string])]);
    for (const [field, list, label] of [['endog', spec.endog, 'an endogenous regressor'], ['instruments', spec.instruments, 'an excluded instrument']] as const) {
      for (const v of list) {
        known(field, v, true);
        const r = role.get(v);
        if (r) add(field, 'endog.role', { name: v });
        else role.set(v, label);
      }
    }
  }
  if (dynamic) {
    for (const g of spec.options.gmm_style ?? []) {
      known('options', baseVariable(g.var), true);
      if (g.lag_max !== undefined && g.lag_max !== null && g.lag_max < g.lag_min) add('options', 'gmm.lagRange', { name: g.var, min: String(g.lag_min), max: String(g.lag_max) });
    }
    for (const v of spec.options.iv_style ?? []) known('options', baseVariable(v.var), true);
  }
  if (decl.fields.includes('treatment')) {
    if (!spec.treatment) add('treatment', 'treatment.required');
    else {
      known('treatment', spec.treatment, true);
      if (spec.treatment === spec.y || spec.x.includes(spec.treatment)) add('treatment', 'treatment.role', { name: spec.treatment });
    }
  } else if (spec.treatment) add('treatment', 'field.notTaken', { estimator: decl.id, field: 'treatment' });
  checkOptions(spec, decl, add, known);
  // tfp: the state and proxy variables
  if (spec.estimator === 'tfp') {
    const roles = new Set([spec.y, ...spec.x]);
    for (const [key, code] of [['state', 'tfp.state'], ['proxy', 'tfp.proxy']] as const) {
      const v = spec.options[key];
      if (typeof v !== 'string' || v === '') add('options', code);
      else {
        known('options', v, true);
        if (roles.has(v)) add('options', 'tfp.role', { name: v });
        roles.add(v);
      }
    }
  }
  for (const f of ['absorb', 'endog', 'instruments'] as const) {
    if (spec[f].length > 0 && !decl.fields.includes(f)) add(f, 'field.notTaken', { estimator: decl.id, field: f });
  }
  if (!decl.vcovTypes.includes(spec.vcov)) add('vcov', 'vcov.unsupported', { estimator: decl.id, vcov: spec.vcov });
  if (spec.vcov === 'cluster' && spec.cluster.length === 0) add('cluster', 'cluster.required');
  if (spec.vcov !== 'cluster' && spec.cluster.length > 0) add('cluster', 'cluster.unused');
  if (spec.cluster.length > 1 && !decl.multiwayCluster) add('cluster', 'cluster.multiway');
  if (new Set(spec.cluster).size !== spec.cluster.length) add('cluster', 'cluster.twice');
  const level = spec.options.level;
  if (level !== undefined && !(level > 0 && level < 1)) add('options', 'level.range');
  return problems;
}

/**
 * The declared options: numbers within their bounds, variable lists of known (numeric unless the
 * option allows text) variables without repeats; sfa's uhet and psm's radius rules.
 */
function checkOptions(
  spec: ModelSpec,
  decl: EstimatorDeclaration,
  add: (field: SpecProblem['field'], code: ProblemCode, params?: ProblemParams) => void,
  known: (field: SpecProblem['field'], name: string, numeric: boolean) => void,
): void {
  const o = spec.options;
  for (const opt of decl.options) {
    const v = o[opt.key];
    if (v === undefined) continue;
    if (opt.kind === 'number' && opt.key !== 'level') {
      const option = opt.key;
      const min = String(opt.min);
      const max = String(opt.max);
      if (typeof v !== 'number' || !Number.isFinite(v)) add('options', 'option.notNumber', { option });
      else if (opt.integer && opt.min !== undefined && opt.max !== undefined) {
        if (!Number.isInteger(v) || v < opt.min || v > opt.max) add('options', 'option.wholeRange', { option, min, max });
      } else if (opt.min !== undefined && (opt.minExclusive ? !(v > opt.min) : v < opt.min)) add('options', opt.minExclusive ? 'option.above' : 'option.atLeast', { option, min });
      else if (opt.max !== undefined && v > opt.max) add('options', 'option.atMost', { option, max });
    } else if (opt.kind === 'varlist' && Array.isArray(v)) {
      const seen = new Set<string>();
      for (const name of v as string[]) {
        known('options', name, opt.allowText !== true);
        if (seen.has(name)) add('options', 'x.twice', { name });
        seen.add(name);
      }
    }
  }
  if (spec.estimator === 'sfa') for (const z of o.uhet ?? []) if (z === spec.y) add('options', 'uhet.isY', { name: z });
  if (spec.estimator === 'psm' && o.match_method === 'radius' && !((o.caliper ?? 0) > 0)) add('options', 'psm.radiusCaliper');
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
