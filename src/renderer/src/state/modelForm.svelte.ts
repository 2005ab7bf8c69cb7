// The model form's state, generated from an estimator declaration: which fields it has, which
// SE types and options. The spec and its problems are derived, so validation is always live.
import { ESTIMATORS, type EstimatorDeclaration, type FieldId } from '../../../shared/estimators/index.js';
import { type EstimatorId, type ModelSpec, SPEC_VERSION, type VcovType } from '../../../shared/spec.js';
import type { VariableInfo } from '../../../shared/types.js';
import { type SpecProblem, checkSpec } from '../../../shared/validate.js';

export type OptionValue = boolean | number;
export type ProblemField = SpecProblem['field'];

function defaults(decl: EstimatorDeclaration): Record<string, OptionValue> {
  return Object.fromEntries(decl.options.map((o) => [o.key, o.default]));
}

export class ModelForm {
  #estimator = $state<EstimatorId>('ols');
  #y = $state('');
  #x = $state.raw<string[]>([]);
  #vcov = $state<VcovType>(ESTIMATORS.ols.defaultVcov);
  #cluster = $state('');
  #options = $state.raw<Record<string, OptionValue>>(defaults(ESTIMATORS.ols));
  readonly #variables: () => VariableInfo[] | null;

  #decl = $derived(ESTIMATORS[this.#estimator]);

  #spec = $derived.by((): ModelSpec => {
    const decl = this.#decl;
    const cluster = decl.fields.includes('cluster') && this.#vcov === 'cluster' && this.#cluster ? [this.#cluster] : [];
    return {
      specVersion: SPEC_VERSION,
      estimator: decl.id,
      y: this.#y,
      x: decl.fields.includes('x') ? [...this.#x] : [],
      absorb: [],
      endog: [],
      instruments: [],
      cluster,
      vcov: this.#vcov,
      options: { ...this.#options },
    };
  });

  #problems = $derived.by(() => checkSpec(this.#spec, this.#variables()));

  constructor(variables: () => VariableInfo[] | null) {
    this.#variables = variables;
  }

  get decl(): EstimatorDeclaration {
    return this.#decl;
  }
  get spec(): ModelSpec {
    return this.#spec;
  }
  get problems(): SpecProblem[] {
    return this.#problems;
  }
  get valid(): boolean {
    return this.#problems.length === 0;
  }

  problemsFor(field: ProblemField): string[] {
    return this.#problems.filter((p) => p.field === field).map((p) => p.message);
  }

  has(field: FieldId): boolean {
    return this.#decl.fields.includes(field);
  }

  get y(): string {
    return this.#y;
  }
  set y(name: string) {
    this.#y = name;
    // A variable cannot be both sides of the equation; picking it as y removes it from x.
    if (this.#x.includes(name)) this.#x = this.#x.filter((x) => x !== name);
  }

  /** Regressors in the order they were chosen. */
  get x(): readonly string[] {
    return this.#x;
  }
  toggleX(name: string): void {
    this.#x = this.#x.includes(name) ? this.#x.filter((x) => x !== name) : [...this.#x, name];
  }

  get vcov(): VcovType {
    return this.#vcov;
  }
  set vcov(value: VcovType) {
    this.#vcov = value;
  }

  get cluster(): string {
    return this.#cluster;
  }
  set cluster(name: string) {
    this.#cluster = name;
  }

  option(key: string): OptionValue | undefined {
    return this.#options[key];
  }
  setOption(key: string, value: OptionValue): void {
    this.#options = { ...this.#options, [key]: value };
  }

  /** Fills the form from a stored model's spec. */
  load(spec: ModelSpec): void {
    const decl = ESTIMATORS[spec.estimator] ?? ESTIMATORS.ols;
    this.#estimator = decl.id;
    this.#y = spec.y;
    this.#x = [...spec.x];
    this.#vcov = decl.vcovTypes.includes(spec.vcov) ? spec.vcov : decl.defaultVcov;
    this.#cluster = spec.cluster[0] ?? '';
    const options = defaults(decl);
    for (const o of decl.options) {
      const v = spec.options[o.key];
      if (typeof v === 'boolean' || typeof v === 'number') options[o.key] = v;
    }
    this.#options = options;
  }

  reset(): void {
    const decl = this.#decl;
    this.#y = '';
    this.#x = [];
    this.#vcov = decl.defaultVcov;
    this.#cluster = '';
    this.#options = defaults(decl);
  }

  /** A readable default name with Stata-style suffixes, e.g. "y ~ x1 + x2, vce(cluster firm)". */
  defaultName(): string {
    const spec = this.#spec;
    const rhs = spec.x.length > 0 ? spec.x.join(' + ') : '1';
    const suffixes: string[] = [];
    if (spec.options.intercept === false) suffixes.push('noconstant');
    if (spec.vcov === 'robust') suffixes.push('vce(robust)');
    if (spec.vcov === 'cluster') suffixes.push(`vce(cluster ${spec.cluster.join(' ')})`);
    const name = `${spec.y} ~ ${rhs}${suffixes.length > 0 ? `, ${suffixes.join(' ')}` : ''}`;
    return name.length > 200 ? `${name.slice(0, 199)}…` : name;
  }
}
