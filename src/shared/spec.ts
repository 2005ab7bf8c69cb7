// The model spec: the contract between UI, CLI, engine and tests (DESIGN.md "Model spec and result").
// Plain JSON with variable names; validated in shared/validate.ts on every boundary.

export const SPEC_VERSION = 1;

export type EstimatorId = 'ols' | 'fe' | 'hdfe' | 're' | 'iv';
export type VcovType = 'iid' | 'robust' | 'cluster';

export interface PanelSpec {
  id: string;
  time: string;
}

export interface SampleSpec {
  /** Optional row restriction, e.g. "year >= 2005" (not evaluated yet; reserved). */
  if?: string;
}

export interface ModelSpec {
  specVersion: number;
  estimator: EstimatorId;
  y: string;
  x: string[];
  absorb: string[];
  endog: string[];
  instruments: string[];
  cluster: string[];
  vcov: VcovType;
  panel?: PanelSpec;
  sample?: SampleSpec;
  options: {
    intercept?: boolean;
    level?: number;
    /** FE models: drop singleton observations iteratively (reghdfe default: true). */
    singletons?: boolean;
    /** FE models: demeaning tolerance (default 1e-8). */
    tolerance?: number;
    /** re: also run fe and report the Hausman test (default true); sigmamore as Stata. */
    hausman?: boolean;
    sigmamore?: boolean;
    /** iv: 'liml' for limited-information maximum likelihood (default 2SLS). */
    method?: '2sls' | 'liml';
    /**
     * iv: small-sample statistics (ivreg2's `small`: N−K denominators, t and F instead of z and χ²).
     * 'auto' (default) follows ivreghdfe: on when fixed effects are absorbed, off otherwise (ivreg2).
     */
    small?: 'auto' | 'on' | 'off';
    [key: string]: unknown;
  };
}

export const INTERCEPT_TERM = '(Intercept)';

/** A spec with every optional list present, so downstream code never checks for undefined. */
export function normalizeSpec(spec: Partial<ModelSpec> & Pick<ModelSpec, 'y'>): ModelSpec {
  return {
    specVersion: spec.specVersion ?? SPEC_VERSION,
    estimator: spec.estimator ?? 'ols',
    y: spec.y,
    x: spec.x ?? [],
    absorb: spec.absorb ?? [],
    endog: spec.endog ?? [],
    instruments: spec.instruments ?? [],
    cluster: spec.cluster ?? [],
    vcov: spec.vcov ?? 'iid',
    ...(spec.panel ? { panel: spec.panel } : {}),
    ...(spec.sample ? { sample: spec.sample } : {}),
    options: spec.options ?? {},
  };
}

/** Every variable a spec reads, in a stable order without duplicates. */
export function specVariables(spec: ModelSpec): string[] {
  const names = [spec.y, ...spec.x, ...spec.endog, ...spec.instruments, ...spec.cluster];
  for (const a of spec.absorb) names.push(...a.split('#'));
  if (spec.panel) names.push(spec.panel.id, spec.panel.time);
  return [...new Set(names)];
}

/** JSON with sorted keys, so equal specs hash equally whatever order the UI built them in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
