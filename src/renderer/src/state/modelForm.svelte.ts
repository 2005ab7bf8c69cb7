// The model form's state, generated from an estimator declaration: which fields it has, which
// SE types and options. The spec and its problems are derived, so validation is always live.
import { ESTIMATORS, type EstimatorDeclaration, type FieldId, type OptionDeclaration, optionApplies } from '../../../shared/estimators/index.js';
import { type EstimatorId, type GmmStyleSpec, type ModelSpec, type PanelSpec, SPEC_VERSION, type VcovType, parseLagTerm } from '../../../shared/spec.js';
import { type BatchInput, type BatchMode, type BatchProblem, type SplitInput, checkBatch, defaultSection, emptySplit, modelName } from '../../../shared/batch.js';
import type { PipelineSection } from '../../../shared/pipeline.js';
import type { VariableInfo } from '../../../shared/types.js';
import { type SpecProblem, checkSpec } from '../../../shared/validate.js';
import { i18n, isMessageKey, t } from '../i18n.svelte.js';
import { problemText } from '../i18n/problems.js';

export type OptionValue = boolean | number | string | readonly string[];

/** The spec fields that are ordered variable lists. */
export type ListField = 'x' | 'endog' | 'instruments';
export type ProblemField = SpecProblem['field'];

function defaults(decl: EstimatorDeclaration): Record<string, OptionValue> {
  return Object.fromEntries(decl.options.map((o) => [o.key, Array.isArray(o.default) ? [...o.default] : o.default]));
}

/** Does a value fit an option's kind (so it can carry over from another estimator or a stored spec)? */
function fits(o: OptionDeclaration, v: unknown): boolean {
  if (o.kind === 'choice') return typeof v === 'string' && (o.choices ?? []).includes(v);
  if (o.kind === 'varlist') return Array.isArray(v) && v.every((x) => typeof x === 'string');
  return typeof v === (o.kind === 'variable' ? 'string' : o.kind);
}

/** The separator of an interaction in an absorb term, as in reghdfe: `industry#year`. */
export const INTERACTION = '#';

/** The variables of an absorb term: `industry#year` → ["industry", "year"]. */
export function termParts(term: string): string[] {
  return term.split(INTERACTION);
}

/** Two absorb terms name the same fixed effect when they interact the same variables in any order. */
function sameTerm(a: string, b: string): boolean {
  const pa = termParts(a).sort();
  const pb = termParts(b).sort();
  return pa.length === pb.length && pa.every((p, i) => p === pb[i]);
}

/** Most variables an interaction term may combine (reghdfe allows more; three covers city×industry×year). */
export const MAX_INTERACTION = 3;

export class ModelForm {
  #estimator = $state<EstimatorId>('ols');
  #y = $state('');
  #x = $state.raw<string[]>([]);
  #endog = $state.raw<string[]>([]);
  #instruments = $state.raw<string[]>([]);
  #vcov = $state<VcovType>(ESTIMATORS.ols.defaultVcov);
  #cluster = $state('');
  /** Second cluster variable (two-way clustering), where the estimator allows it. */
  #cluster2 = $state('');
  /** Absorbed fixed effects in the order they were added; interactions as `a#b`. */
  #absorb = $state.raw<string[]>([]);
  #panelId = $state('');
  #panelTime = $state('');
  #options = $state.raw<Record<string, OptionValue>>(defaults(ESTIMATORS.ols));
  /** gmm: lags of y added in front of the regressors (L.y … Lp.y). */
  #ylags = $state(1);
  /** gmm: GMM-style instrument blocks (empty: lags 2 and up of y). */
  #gmmStyle = $state.raw<GmmStyleSpec[]>([]);
  /** gmm: IV-style instruments; null = every other regressor (the engine's default). */
  #ivStyle = $state.raw<string[] | null>(null);
  /** psm: the treatment indicator. */
  #treatment = $state('');
  /** Sample restriction (Stata `if`), e.g. `year >= 2010` or `_weight < .` after matching. */
  #sampleIf = $state('');
  /** Heterogeneity: run the model once per value of this variable (not part of the spec). */
  #byGroup = $state('');
  // ---- batch runs (shared/batch.ts): none of this is part of the spec
  #batchMode = $state<BatchMode>('single');
  #splits = $state.raw<SplitInput[]>([emptySplit()]);
  #batchTreatment = $state('');
  #outcomes = $state.raw<string[]>([]);
  #controls = $state.raw<string[]>([]);
  #zeroControls = $state(true);
  #batchSection = $state<PipelineSection | ''>('');
  /** Problems the last batch run found in the data (too many levels, an empty group), while the input is unchanged. */
  #batchIssues = $state.raw<{ key: string; problems: BatchProblem[] }>({ key: '', problems: [] });
  readonly #variables: () => VariableInfo[] | null;

  #decl = $derived(ESTIMATORS[this.#estimator]);

  #spec = $derived.by((): ModelSpec => {
    const decl = this.#decl;
    const cluster =
      decl.fields.includes('cluster') && this.#vcov === 'cluster' && this.#cluster
        ? [this.#cluster, ...(decl.multiwayCluster && this.#cluster2 && this.#cluster2 !== this.#cluster ? [this.#cluster2] : [])]
        : [];
    // The panel is part of the spec only when both halves are chosen; until then checkSpec asks for it.
    const panel: PanelSpec | undefined = decl.fields.includes('panel') && this.#panelId && this.#panelTime ? { id: this.#panelId, time: this.#panelTime } : undefined;
    // Only the declared options that apply reach the spec, so an option of another estimator (or one
    // the current choices make irrelevant, e.g. the kernel of nearest-neighbour matching) never leaks
    // in; an empty variable list is left out.
    const options: ModelSpec['options'] = Object.fromEntries(
      decl.options
        .filter((o) => o.key in this.#options && optionApplies(decl, o, this.#options))
        .filter((o) => !(o.kind === 'varlist' && (this.#options[o.key] as readonly string[]).length === 0))
        .map((o) => [o.key, o.kind === 'varlist' ? [...(this.#options[o.key] as readonly string[])] : this.#options[o.key]]),
    );
    const gmm = decl.id === 'gmm';
    if (gmm) {
      if (typeof options.h === 'string') options.h = Number(options.h);
      if (this.#gmmStyle.length > 0) options.gmm_style = this.#gmmStyle.map((g) => ({ ...g }));
      if (this.#ivStyle) options.iv_style = this.#ivStyle.map((v) => ({ var: v }));
    }
    const ylagTerms = gmm && this.#y ? Array.from({ length: this.#ylags }, (_, i) => `L${i === 0 ? '' : i + 1}.${this.#y}`) : [];
    return {
      specVersion: SPEC_VERSION,
      estimator: decl.id,
      y: this.#y,
      x: decl.fields.includes('x') ? [...ylagTerms, ...this.#x] : [],
      ...(decl.fields.includes('treatment') && this.#treatment ? { treatment: this.#treatment } : {}),
      ...(this.#sampleIf.trim() ? { sample: { if: this.#sampleIf.trim() } } : {}),
      absorb: decl.fields.includes('absorb') ? [...this.#absorb] : [],
      endog: decl.fields.includes('endog') ? [...this.#endog] : [],
      instruments: decl.fields.includes('instruments') ? [...this.#instruments] : [],
      cluster,
      vcov: this.#vcov,
      ...(panel ? { panel } : {}),
      options,
    };
  });

  #batchInput = $derived.by(
    (): BatchInput => ({
      mode: this.#batchMode,
      splits: this.#splits,
      treatment: this.#batchTreatment,
      outcomes: this.#outcomes,
      controls: this.#controls,
      zeroControls: this.#zeroControls,
      section: this.#batchSection,
    }),
  );
  #batchKey = $derived(JSON.stringify(this.#batchInput));

  /**
   * The spec checked for the form's problems: the spec itself, or in a batch the first model of it
   * (each outcome: the first outcome as y; controls step by step: the fewest controls), so the
   * form is valid exactly when the batch can start.
   */
  #checked = $derived.by((): ModelSpec => {
    const spec = this.#spec;
    if (this.#batchMode === 'outcomes' && this.#outcomes.length > 0) return { ...spec, y: this.#outcomes[0]! };
    if (this.#batchMode === 'controls' && this.#controls.length > 0) {
      const x0 = spec.x.filter((v) => !this.#controls.includes(v));
      return { ...spec, x: this.#zeroControls ? x0 : [...x0, this.#controls[0]!] };
    }
    return spec;
  });

  #problems = $derived.by(() => checkSpec(this.#checked, this.#variables()));

  /** Problems of the batch input itself (they keep Run disabled). */
  #liveBatchProblems = $derived.by(() => checkBatch(this.#batchInput, this.#spec, this.#variables(), this.#x, this.#decl.fields.includes('x')));
  #batchProblems = $derived.by(() => [...this.#liveBatchProblems, ...(this.#batchIssues.key === this.#batchKey ? this.#batchIssues.problems : [])]);

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

  // ---- batch runs ----------------------------------------------------------------------------

  get batchMode(): BatchMode {
    return this.#batchMode;
  }
  set batchMode(mode: BatchMode) {
    this.#batchMode = mode;
    // a sensible start: the treatment is the first regressor, the controls the other ones in order
    if (mode === 'interaction' && !this.#batchTreatment && this.#x.length > 0) this.#batchTreatment = this.#x[0]!;
    if (mode === 'controls' && this.#controls.length === 0 && this.#x.length > 1) this.#controls = this.#x.slice(1);
  }
  /** The batch's input as shared/batch.ts takes it. */
  get batch(): BatchInput {
    return this.#batchInput;
  }
  get splits(): readonly SplitInput[] {
    return this.#splits;
  }
  updateSplit(i: number, patch: Partial<SplitInput>): void {
    this.#splits = this.#splits.map((s, j) => (j === i ? { ...s, ...patch } : s));
  }
  addSplit(): void {
    this.#splits = [...this.#splits, emptySplit()];
  }
  removeSplit(i: number): void {
    if (this.#splits.length > 1) this.#splits = this.#splits.filter((_, j) => j !== i);
  }
  get batchTreatment(): string {
    return this.#batchTreatment;
  }
  set batchTreatment(name: string) {
    this.#batchTreatment = name;
  }
  get outcomes(): readonly string[] {
    return this.#outcomes;
  }
  toggleOutcome(name: string): void {
    this.#outcomes = this.#outcomes.includes(name) ? this.#outcomes.filter((v) => v !== name) : [...this.#outcomes, name];
  }
  get controls(): readonly string[] {
    return this.#controls;
  }
  toggleControl(name: string): void {
    this.#controls = this.#controls.includes(name) ? this.#controls.filter((v) => v !== name) : [...this.#controls, name];
  }
  /** Moves a control one place earlier (-1) or later (+1) in the order they are added. */
  moveControl(name: string, by: -1 | 1): void {
    const i = this.#controls.indexOf(name);
    const j = i + by;
    if (i < 0 || j < 0 || j >= this.#controls.length) return;
    const next = [...this.#controls];
    [next[i], next[j]] = [next[j]!, next[i]!];
    this.#controls = next;
  }
  get zeroControls(): boolean {
    return this.#zeroControls;
  }
  set zeroControls(on: boolean) {
    this.#zeroControls = on;
  }
  /** The pipeline section the batch's table goes to ('' until the user picks one: the mode's default). */
  get batchSection(): PipelineSection {
    return this.#batchSection || defaultSection(this.#batchMode);
  }
  set batchSection(section: PipelineSection) {
    this.#batchSection = section;
  }
  get batchProblems(): BatchProblem[] {
    return this.#batchProblems;
  }
  /** The batch's problems of a field ('mode', 'split-0', 'treatment', 'outcomes', 'controls') in words. */
  batchProblemsFor(field: string): string[] {
    return this.#batchProblems.filter((p) => p.field === field).map((p) => batchProblemText(p));
  }
  /** Problems found in the data by a batch run (shown until the batch's input changes). */
  setBatchIssues(problems: BatchProblem[]): void {
    this.#batchIssues = { key: this.#batchKey, problems };
  }
  /** The form can run: the model (or the batch's first model) is valid and the batch input is complete. */
  get runnable(): boolean {
    if (!this.valid) return false;
    return this.#batchMode === 'single' || this.#liveBatchProblems.length === 0;
  }

  problemsFor(field: ProblemField): string[] {
    return this.#problems.filter((p) => p.field === field).map((p) => problemText(p, i18n.lang));
  }

  has(field: FieldId): boolean {
    return this.#decl.fields.includes(field);
  }

  get estimator(): EstimatorId {
    return this.#estimator;
  }
  /**
   * Switches estimator and keeps what carries over: y, x and the cluster variable stay; the SE type
   * stays if the new estimator supports it (else its default); options keep their values where the
   * new estimator declares the same key and kind, and take its defaults otherwise.
   */
  set estimator(id: EstimatorId) {
    const decl = ESTIMATORS[id];
    if (!decl || id === this.#estimator) return;
    this.#estimator = id;
    if (!decl.vcovTypes.includes(this.#vcov)) this.#vcov = decl.defaultVcov;
    const options = defaults(decl);
    for (const o of decl.options) {
      const v = this.#options[o.key];
      if (fits(o, v)) options[o.key] = v;
    }
    this.#options = options;
  }

  get y(): string {
    return this.#y;
  }
  set y(name: string) {
    this.#y = name;
    // A variable cannot be both sides of the equation; picking it as y removes it from x.
    if (this.#x.includes(name)) this.#x = this.#x.filter((x) => x !== name);
    if (this.#endog.includes(name)) this.#endog = this.#endog.filter((x) => x !== name);
    if (this.#instruments.includes(name)) this.#instruments = this.#instruments.filter((x) => x !== name);
  }

  /** A variable list of the spec, in the order chosen. */
  list(field: ListField): readonly string[] {
    return field === 'x' ? this.#x : field === 'endog' ? this.#endog : this.#instruments;
  }
  /** Adds or removes a variable; a variable holds one role, so adding it here removes it elsewhere. */
  toggle(field: ListField, name: string): void {
    const cur = this.list(field);
    const next = cur.includes(name) ? cur.filter((v) => v !== name) : [...cur, name];
    if (!cur.includes(name)) {
      for (const other of ['x', 'endog', 'instruments'] as const) if (other !== field && this.list(other).includes(name)) this.#set(other, this.list(other).filter((v) => v !== name));
    }
    this.#set(field, next);
  }
  #set(field: ListField, value: string[]): void {
    if (field === 'x') this.#x = value;
    else if (field === 'endog') this.#endog = value;
    else this.#instruments = value;
  }

  /** Regressors in the order they were chosen. */
  get x(): readonly string[] {
    return this.#x;
  }
  toggleX(name: string): void {
    this.toggle('x', name);
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
  get cluster2(): string {
    return this.#cluster2;
  }
  set cluster2(name: string) {
    this.#cluster2 = name;
  }
  set cluster(name: string) {
    this.#cluster = name;
  }

  /** Absorbed fixed-effect terms in the order they were added. */
  get absorb(): readonly string[] {
    return this.#absorb;
  }
  /** Would adding the term built from these variables add a new fixed effect? */
  canAbsorb(parts: readonly string[]): boolean {
    if (parts.length === 0 || parts.length > MAX_INTERACTION || new Set(parts).size !== parts.length) return false;
    const term = parts.join(INTERACTION);
    return !this.#absorb.some((a) => sameTerm(a, term));
  }
  /** Adds `a` or the interaction `a#b(#c)`, in the order the variables were picked. */
  addAbsorb(parts: readonly string[]): void {
    if (this.canAbsorb(parts)) this.#absorb = [...this.#absorb, parts.join(INTERACTION)];
  }
  removeAbsorb(term: string): void {
    this.#absorb = this.#absorb.filter((a) => a !== term);
  }

  get panelId(): string {
    return this.#panelId;
  }
  set panelId(name: string) {
    this.#panelId = name;
  }
  get panelTime(): string {
    return this.#panelTime;
  }
  set panelTime(name: string) {
    this.#panelTime = name;
  }

  get ylags(): number {
    return this.#ylags;
  }
  set ylags(p: number) {
    this.#ylags = Number.isInteger(p) && p >= 0 && p <= 10 ? p : this.#ylags;
  }
  get gmmStyle(): readonly GmmStyleSpec[] {
    return this.#gmmStyle;
  }
  addGmmStyle(block: GmmStyleSpec): void {
    this.#gmmStyle = [...this.#gmmStyle, block];
  }
  updateGmmStyle(i: number, patch: Partial<GmmStyleSpec>): void {
    this.#gmmStyle = this.#gmmStyle.map((g, j) => (j === i ? { ...g, ...patch } : g));
  }
  removeGmmStyle(i: number): void {
    this.#gmmStyle = this.#gmmStyle.filter((_, j) => j !== i);
  }
  get ivStyle(): readonly string[] | null {
    return this.#ivStyle;
  }
  set ivStyle(list: string[] | null) {
    this.#ivStyle = list;
  }
  toggleIvStyle(name: string): void {
    const cur = this.#ivStyle ?? [];
    this.#ivStyle = cur.includes(name) ? cur.filter((v) => v !== name) : [...cur, name];
  }
  get byGroup(): string {
    return this.#byGroup;
  }
  set byGroup(name: string) {
    this.#byGroup = name;
  }
  get sampleIf(): string {
    return this.#sampleIf;
  }
  set sampleIf(text: string) {
    this.#sampleIf = text;
  }
  get treatment(): string {
    return this.#treatment;
  }
  set treatment(name: string) {
    this.#treatment = name;
    if (this.#x.includes(name)) this.#x = this.#x.filter((x) => x !== name);
  }

  option(key: string): OptionValue | undefined {
    return this.#options[key];
  }
  setOption(key: string, value: OptionValue): void {
    this.#options = { ...this.#options, [key]: value };
  }
  /** A variable-list option's variables, in the order chosen. */
  optionList(key: string): readonly string[] {
    const v = this.#options[key];
    return Array.isArray(v) ? v : [];
  }
  /** Adds or removes a variable of a variable-list option. */
  toggleOptionItem(key: string, name: string): void {
    const cur = this.optionList(key);
    this.setOption(key, cur.includes(name) ? cur.filter((v) => v !== name) : [...cur, name]);
  }
  /** Does the option apply with the current choices (else the form hides it)? */
  optionShown(option: OptionDeclaration): boolean {
    return optionApplies(this.#decl, option, this.#options);
  }

  /** Fills the form from a stored model's spec. */
  load(spec: ModelSpec): void {
    const decl = ESTIMATORS[spec.estimator] ?? ESTIMATORS.ols;
    this.#estimator = decl.id;
    this.#y = spec.y;
    // gmm: the leading lags of y are the "lags of the dependent variable" field
    let ylags = 0;
    if (decl.id === 'gmm') while (ylags < spec.x.length && parseLagTerm(spec.x[ylags])?.variable === spec.y && parseLagTerm(spec.x[ylags])?.lag === ylags + 1) ylags++;
    this.#ylags = decl.id === 'gmm' ? ylags : 1;
    this.#x = spec.x.slice(ylags);
    this.#gmmStyle = (spec.options.gmm_style ?? []).map((g) => ({ ...g }));
    this.#ivStyle = spec.options.iv_style ? spec.options.iv_style.map((v) => v.var) : null;
    this.#treatment = spec.treatment ?? '';
    this.#sampleIf = spec.sample?.if ?? '';
    this.#endog = [...spec.endog];
    this.#instruments = [...spec.instruments];
    this.#vcov = decl.vcovTypes.includes(spec.vcov) ? spec.vcov : decl.defaultVcov;
    this.#cluster = spec.cluster[0] ?? '';
    this.#cluster2 = spec.cluster[1] ?? '';
    this.#absorb = [...spec.absorb];
    this.#panelId = spec.panel?.id ?? '';
    this.#panelTime = spec.panel?.time ?? '';
    const options = defaults(decl);
    for (const o of decl.options) {
      const v = spec.options[o.key];
      if (o.kind === 'varlist') {
        if (fits(o, v)) options[o.key] = [...(v as string[])];
      } else if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') options[o.key] = o.kind === 'choice' ? String(v) : v;
    }
    this.#options = options;
  }

  reset(): void {
    const decl = this.#decl;
    this.#y = '';
    this.#x = [];
    this.#endog = [];
    this.#instruments = [];
    this.#vcov = decl.defaultVcov;
    this.#cluster = '';
    this.#cluster2 = '';
    this.#absorb = [];
    this.#panelId = '';
    this.#panelTime = '';
    this.#options = defaults(decl);
    this.#ylags = 1;
    this.#gmmStyle = [];
    this.#ivStyle = null;
    this.#treatment = '';
    this.#sampleIf = '';
    this.#byGroup = '';
    this.#batchMode = 'single';
    this.#splits = [emptySplit()];
    this.#batchTreatment = '';
    this.#outcomes = [];
    this.#controls = [];
    this.#zeroControls = true;
    this.#batchSection = '';
    this.#batchIssues = { key: '', problems: [] };
  }

  /**
   * A readable default name with Stata-style suffixes, e.g. "y ~ x1 + x2, vce(cluster firm)" or
   * "y ~ x1, absorb(firm industry#year) vce(cluster firm)" (modelName in shared/batch.ts).
   */
  defaultName(): string {
    return modelName(this.#spec);
  }
}

/** A batch problem in the UI language (keys batch.problem.<code>). */
export function batchProblemText(p: BatchProblem): string {
  const key = `batch.problem.${p.code}`;
  return isMessageKey(key) ? t(key, p.params) : p.code;
}
