// Batch runs of the model form (issue 11, guided UI): the same model on each group of a split
// (heterogeneity as sibling columns), as an interaction of the treatment with a split, with each of
// several outcomes (mechanism tables), or with controls added step by step — and, in the same
// action, the pipeline table of the sibling models with its column groups. Pure: what the splits
// need built (split / generate / interact tool requests, or an existing variable with the same
// recipe), the member specs and names, the problems of the input, and the table. The renderer
// (state/session.svelte.ts) runs the tools and the estimations through the job queue.
import type { PipelineSection, PipelineTableOptions } from './pipeline.js';
import { defaultTableStats } from './pipeline.js';
import type { ModelSpec } from './spec.js';
import type { TableGroup } from './table-layout.js';
import { type ToolRequest, VARIABLE_NAME } from './tools.js';
import type { VariableInfo } from './types.js';

export const BATCH_MODES = ['single', 'groups', 'interaction', 'outcomes', 'controls'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

/** A split by a variable's values is refused beyond this many groups (as the by-group run). */
export const MAX_GROUP_LEVELS = 50;

/**
 * How a sample is split: the values of a variable (a categorical or a 0/1 variable), above / at
 * or below the median or mean of a numeric variable (overall, or within each value of `within`,
 * e.g. year; built by the split tool), or a condition and its complement.
 */
export type SplitKind = 'levels' | 'median' | 'mean' | 'condition';
export const SPLIT_KINDS: readonly SplitKind[] = ['levels', 'median', 'mean', 'condition'];

export interface SplitInput {
  kind: SplitKind;
  /** levels, median, mean: the variable split. */
  variable: string;
  /** median, mean: the statistic is taken within each value of this variable ('' = overall). */
  within: string;
  /** condition: the first group; the second is every other row. */
  condition: string;
  /** The split's name in the table ("Firm size"); '' = made from the variable or condition. */
  label: string;
  /** The groups' names in order, separated by commas ("large, small"); '' = made from the split. */
  names: string;
}

export interface BatchInput {
  mode: BatchMode;
  splits: readonly SplitInput[];
  /** interaction: the regressor interacted with each split (one of the model's regressors). */
  treatment: string;
  /** outcomes: the dependent variables, one model each, in order. */
  outcomes: readonly string[];
  /** controls: added one at a time in this order. */
  controls: readonly string[];
  /** controls: begin with a model without any of them. */
  zeroControls: boolean;
  /** Where the table goes; '' = the mode's default (defaultSection). */
  section: PipelineSection | '';
}

export type Lang = 'zh' | 'en';

export function emptySplit(kind: SplitKind = 'median'): SplitInput {
  return { kind, variable: '', within: '', condition: '', label: '', names: '' };
}

export function defaultSection(mode: BatchMode): PipelineSection {
  if (mode === 'groups' || mode === 'interaction') return 'heterogeneity';
  if (mode === 'outcomes') return 'mechanism';
  return 'baseline';
}

// ---- problems ----------------------------------------------------------------------------------

/** A problem of the batch input: the field it belongs to, a code the UI words, its parameters. */
export interface BatchProblem {
  /** 'mode', 'split-<i>', 'treatment', 'outcomes', 'controls'. */
  field: string;
  code:
    | 'noSplit'
    | 'splitVariable'
    | 'splitUnknown'
    | 'splitNumeric'
    | 'splitWithin'
    | 'splitCondition'
    | 'namesCount'
    | 'tooManyLevels'
    | 'oneLevel'
    | 'notBinary'
    | 'noRows'
    | 'invalidCondition'
    | 'tooManyModels'
    | 'noRegressors'
    | 'noTreatment'
    | 'treatmentNotRegressor'
    | 'noOutcomes'
    | 'outcomeUnknown'
    | 'outcomeIsRegressor'
    | 'noControls'
    | 'controlUnknown'
    | 'controlIsOutcome';
  params: Record<string, string | number>;
}

/** The names a split's `names` field gives, in order (commas, Chinese commas, | or ; separate). */
export function groupNames(names: string): string[] {
  return names
    .split(/[,，|;；、]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Problems of a batch before anything runs: the fields the mode needs, variables that exist and
 * have the right type, the treatment among the regressors, outcomes not on the right-hand side, no
 * control that is the outcome (a control that is also one of the model's regressors is fine: it
 * leaves the first model and enters at its step). `regressors` are the model's own regressors (the form's x); `hasX`: the
 * estimator takes regressors at all. What needs the data (levels, empty groups) is checked later.
 */
export function checkBatch(input: BatchInput, base: Pick<ModelSpec, 'y' | 'x'>, variables: readonly VariableInfo[] | null, regressors: readonly string[], hasX: boolean): BatchProblem[] {
  const out: BatchProblem[] = [];
  const byName = new Map((variables ?? []).map((v) => [v.name, v]));
  const known = (name: string) => variables === null || byName.has(name);
  const numeric = (name: string) => variables === null || byName.get(name)?.type === 'numeric';
  const rhs = new Set(base.x);
  switch (input.mode) {
    case 'single':
      return out;
    case 'groups':
    case 'interaction': {
      if (input.mode === 'interaction') {
        if (!hasX) out.push({ field: 'mode', code: 'noRegressors', params: {} });
        if (!input.treatment) out.push({ field: 'treatment', code: 'noTreatment', params: {} });
        else if (!regressors.includes(input.treatment)) out.push({ field: 'treatment', code: 'treatmentNotRegressor', params: { name: input.treatment } });
      }
      if (input.splits.length === 0) out.push({ field: 'split-0', code: 'noSplit', params: {} });
      input.splits.forEach((s, i) => {
        const field = `split-${i}`;
        if (s.kind === 'condition') {
          if (!s.condition.trim()) out.push({ field, code: 'splitCondition', params: {} });
        } else if (!s.variable) out.push({ field, code: 'splitVariable', params: {} });
        else if (!known(s.variable)) out.push({ field, code: 'splitUnknown', params: { name: s.variable } });
        else if (s.kind !== 'levels' && !numeric(s.variable)) out.push({ field, code: 'splitNumeric', params: { name: s.variable } });
        if ((s.kind === 'median' || s.kind === 'mean') && s.within) {
          if (!known(s.within)) out.push({ field, code: 'splitUnknown', params: { name: s.within } });
          else if (s.within === s.variable) out.push({ field, code: 'splitWithin', params: { name: s.within } });
        }
        const n = groupNames(s.names).length;
        if (n > 0 && s.kind !== 'levels' && n !== 2) out.push({ field, code: 'namesCount', params: { given: n, groups: 2 } });
        if (input.mode === 'interaction' && s.kind === 'levels' && s.variable && known(s.variable) && !numeric(s.variable)) out.push({ field, code: 'notBinary', params: { name: s.variable } });
      });
      return out;
    }
    case 'outcomes': {
      if (input.outcomes.length === 0) out.push({ field: 'outcomes', code: 'noOutcomes', params: {} });
      for (const y of input.outcomes) {
        if (!known(y)) out.push({ field: 'outcomes', code: 'outcomeUnknown', params: { name: y } });
        else if (rhs.has(y) || regressors.includes(y)) out.push({ field: 'outcomes', code: 'outcomeIsRegressor', params: { name: y } });
      }
      return out;
    }
    case 'controls': {
      if (!hasX) out.push({ field: 'mode', code: 'noRegressors', params: {} });
      if (input.controls.length === 0) out.push({ field: 'controls', code: 'noControls', params: {} });
      for (const c of input.controls) {
        if (!known(c)) out.push({ field: 'controls', code: 'controlUnknown', params: { name: c } });
        else if (c === base.y) out.push({ field: 'controls', code: 'controlIsOutcome', params: { name: c } });
      }
      return out;
    }
  }
}

// ---- what the splits need built ----------------------------------------------------------------

const sameList = (a: unknown, b: readonly string[]) => {
  const list = Array.isArray(a) ? a : typeof a === 'string' && a !== '' ? [a] : [];
  return list.length === b.length && list.every((v, i) => v === b[i]);
};

function transform(v: VariableInfo, tool: string): Record<string, unknown> | null {
  return v.recipe.kind === 'transform' && v.recipe.tool === tool ? v.recipe.params : null;
}

/** A new variable name from `stem`, valid and not taken (stem, stem_2, stem_3, …). */
export function freshName(stem: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let s = stem.replace(/[^\p{L}\p{N}_]/gu, '_').replace(/^(\p{N})/u, '_$1').slice(0, 72) || 'split';
  if (!VARIABLE_NAME.test(s)) s = 'split';
  if (!used.has(s)) return s;
  for (let i = 2; ; i++) if (!used.has(`${s}_${i}`)) return `${s}_${i}`;
}

/** Either an existing variable that already is what is needed (same recipe), or the tool request that builds it. */
export type Built = { existing: string } | { request: ToolRequest };

/** The 0/1 variable of a median / mean split (1 above the statistic, Stata's `>`), by the split tool. */
export function splitVariable(split: SplitInput, variables: readonly VariableInfo[]): Built {
  const stat = split.kind === 'mean' ? 'mean' : 'median';
  const by = split.within ? [split.within] : [];
  const same = variables.find((v) => {
    const p = transform(v, 'split');
    return p !== null && p.var === split.variable && p.stat === stat && sameList(p.by, by) && p.inclusive !== true;
  });
  if (same) return { existing: same.name };
  const name = freshName(`${split.variable}_gt_${stat}${split.within ? `_${split.within}` : ''}`, variables.map((v) => v.name));
  return { request: { tool: 'split', params: { name, var: split.variable, stat, ...(by.length > 0 ? { by } : {}) } } };
}

/** The 0/1 variable of a condition (1 where it holds, as `if` selects), by generate; a new one is named from `stem` (the split's name). */
export function conditionVariable(condition: string, variables: readonly VariableInfo[], stem = 'group'): Built {
  const expr = condition.trim();
  const same = variables.find((v) => {
    const p = transform(v, 'generate');
    return p !== null && typeof p.expr === 'string' && p.expr.trim() === expr && (p.if === undefined || p.if === '');
  });
  if (same) return { existing: same.name };
  return { request: { tool: 'generate', params: { name: freshName(stem.trim() || 'group', variables.map((v) => v.name)), expr, label: expr.slice(0, 200) } } };
}

/** The product treatment × dummy, by the interact tool (named treatment_x_dummy). */
export function interactionVariable(treatment: string, dummy: string, variables: readonly VariableInfo[]): Built {
  const same = variables.find((v) => {
    const p = transform(v, 'interact');
    return p !== null && ((p.a === treatment && p.b === dummy) || (p.a === dummy && p.b === treatment)) && v.type === 'numeric';
  });
  if (same) return { existing: same.name };
  return { request: { tool: 'interact', params: { a: treatment, b: dummy } } };
}

// ---- the groups of a split ---------------------------------------------------------------------

export interface ResolvedGroup {
  label: string;
  /** The sample condition of the group (added to the model's own with &). */
  condition: string;
}

export interface ResolvedSplit {
  label: string;
  groups: ResolvedGroup[];
  /** interaction: the 0/1 variable and its product with the treatment. */
  dummy?: string;
  interaction?: string;
}

type LabelOf = (name: string) => string;
const plain: LabelOf = (n) => n;

const STAT = { en: { median: 'median', mean: 'mean' }, zh: { median: '中位数', mean: '均值' } } as const;

/** The split's name in titles and super-headers: its label, else made from what it splits. */
export function splitLabel(split: SplitInput, lang: Lang, labelOf: LabelOf = plain): string {
  if (split.label.trim()) return split.label.trim();
  if (split.kind === 'condition') return split.condition.trim();
  const v = labelOf(split.variable);
  if (split.kind === 'levels') return v;
  const stat = STAT[lang][split.kind];
  if (lang === 'zh') return split.within ? `${v}（${labelOf(split.within)}内${stat}分组）` : `${v}（${stat}分组）`;
  return split.within ? `${v} (${stat} within ${labelOf(split.within)})` : `${v} (${stat})`;
}

/** A value as an expression literal: numbers as they are, text in double quotes. */
export function literal(value: number | string): string {
  return typeof value === 'number' ? String(value) : `"${value}"`;
}

/** `(base) & cond`, or cond alone. */
export function andIf(base: string | undefined, cond: string): string {
  const b = base?.trim();
  return b ? `(${b}) & ${cond}` : cond;
}

function named(groups: ResolvedGroup[], names: string): ResolvedGroup[] {
  const given = groupNames(names);
  return given.length === groups.length ? groups.map((g, i) => ({ ...g, label: given[i]! })) : groups;
}

/** The groups of a split by a variable's values (levels as dataset:levels returns them, sorted). */
export function levelGroups(split: SplitInput, values: readonly (number | string)[], variable: VariableInfo | undefined): ResolvedGroup[] {
  const groups = values.map((v) => ({ label: variable?.valueLabels?.[String(v)] ?? `${split.variable} = ${v}`, condition: `${split.variable} == ${literal(v)}` }));
  return named(groups, split.names);
}

/** The two groups of a median / mean split: above (dummy 1), then at or below (dummy 0). */
export function statGroups(split: SplitInput, dummy: string, lang: Lang): ResolvedGroup[] {
  const stat = STAT[lang][split.kind === 'mean' ? 'mean' : 'median'];
  const within = split.within ? (lang === 'zh' ? `（${split.within}内）` : ` within ${split.within}`) : '';
  const groups =
    lang === 'zh'
      ? [
          { label: `${split.variable}高于${stat}${within}`, condition: `${dummy} == 1` },
          { label: `${split.variable}不高于${stat}${within}`, condition: `${dummy} == 0` },
        ]
      : [
          { label: `${split.variable} > ${stat}${within}`, condition: `${dummy} == 1` },
          { label: `${split.variable} ≤ ${stat}${within}`, condition: `${dummy} == 0` },
        ];
  return named(groups, split.names);
}

/** A condition and its complement (every row the condition does not select). */
export function conditionGroups(split: SplitInput, lang: Lang): ResolvedGroup[] {
  const c = split.condition.trim();
  const groups = [
    { label: c, condition: `(${c})` },
    { label: lang === 'zh' ? `非（${c}）` : `not (${c})`, condition: `!(${c})` },
  ];
  return named(groups, split.names);
}

/** For an interaction a split by values must be a 0/1 variable: its levels are exactly 0 and 1. */
export function isBinaryLevels(values: readonly (number | string)[]): boolean {
  return values.length === 2 && values.includes(0) && values.includes(1);
}

// ---- the sibling models ------------------------------------------------------------------------

export interface BatchMember {
  name: string;
  spec: ModelSpec;
  /** groups / interaction: the split this model belongs to (index into the resolved splits). */
  split?: number;
  /** groups: the group's label (the column title). */
  group?: string;
}

const NAME_MAX = 200;

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s;
}

/** `base [suffix]` within the 200 characters a model name may have (the base is shortened). */
export function withSuffix(base: string, suffix: string): string {
  const tail = ` [${clip(suffix, 80)}]`;
  return `${clip(base, NAME_MAX - tail.length)}${tail}`;
}

function insertAfter(list: readonly string[], after: string, items: readonly string[]): string[] {
  const add = items.filter((v) => !list.includes(v));
  const at = list.indexOf(after);
  return at < 0 ? [...list, ...add] : [...list.slice(0, at + 1), ...add, ...list.slice(at + 1)];
}

/**
 * The sibling models: one per group (groups), one per split with treatment, treatment×split and
 * split (interaction; the product right after the treatment), one per outcome, or one per step of
 * controls (the first k of them, from 0 when zeroControls). `base` is the form's spec and
 * `baseName` its default name; `name` names a changed spec.
 */
export function batchMembers(base: ModelSpec, baseName: string, input: BatchInput, splits: readonly ResolvedSplit[], name: (spec: ModelSpec) => string = modelName): BatchMember[] {
  const copy = (patch: Partial<ModelSpec>): ModelSpec => ({ ...base, x: [...base.x], absorb: [...base.absorb], endog: [...base.endog], instruments: [...base.instruments], cluster: [...base.cluster], options: { ...base.options }, ...patch });
  switch (input.mode) {
    case 'single':
      return [{ name: baseName, spec: copy({}) }];
    case 'groups':
      return splits.flatMap((s, i) =>
        s.groups.map((g) => ({
          name: withSuffix(baseName, splits.length > 1 ? `${s.label}: ${g.label}` : g.label),
          spec: copy({ sample: { if: andIf(base.sample?.if, g.condition) } }),
          split: i,
          group: g.label,
        })),
      );
    case 'interaction':
      return splits.map((s, i) => {
        if (!s.dummy || !s.interaction) throw new Error(`split ${i + 1} has no 0/1 variable and interaction`);
        const x = insertAfter(base.x, input.treatment, [s.interaction, s.dummy]);
        const spec = copy({ x });
        return { name: name(spec), spec, split: i };
      });
    case 'outcomes':
      return input.outcomes.map((y) => {
        const spec = copy({ y });
        return { name: name(spec), spec };
      });
    case 'controls': {
      const x0 = base.x.filter((v) => !input.controls.includes(v));
      const from = input.zeroControls ? 0 : 1;
      const out: BatchMember[] = [];
      for (let k = from; k <= input.controls.length; k++) {
        const spec = copy({ x: [...x0, ...input.controls.slice(0, k)] });
        out.push({ name: name(spec), spec });
      }
      return out;
    }
  }
}

// ---- the table ---------------------------------------------------------------------------------

export interface BatchTable {
  section: PipelineSection;
  title: { zh: string; en: string };
  options: PipelineTableOptions;
}

const TITLE_MAX = 500;

function joined(items: readonly string[], lang: Lang): string {
  return items.join(lang === 'zh' ? '、' : ', ');
}

/**
 * The table of the members that were estimated (`ok`, in member order): section (the input's, else
 * the mode's default), both titles, and the composer options — the summary rows that suit the
 * estimators and, where they say something, column groups: over a single split's columns each
 * group's name ("large | small"), over several splits each split's name spanning its groups (the
 * groups' names then title the columns), over interaction columns the name of each split.
 */
export function batchTable(input: BatchInput, members: readonly BatchMember[], ok: readonly boolean[], splits: readonly ResolvedSplit[], labelOf: { zh: LabelOf; en: LabelOf } = { zh: plain, en: plain }): BatchTable {
  const kept = members.filter((_, i) => ok[i] === true);
  const section = input.section || defaultSection(input.mode);
  const options: PipelineTableOptions = { stats: defaultTableStats(kept.map((m) => m.spec.estimator)) };
  const title = (lang: Lang): string => {
    const L = labelOf[lang];
    const splitNames = splits.map((s) => s.label);
    switch (input.mode) {
      case 'groups':
        return lang === 'zh' ? `异质性分析：按${joined(splitNames, lang)}分组` : `Heterogeneity by ${joined(splitNames, lang)}`;
      case 'interaction':
        return lang === 'zh' ? `异质性分析：${L(input.treatment)}与${joined(splitNames, lang)}的交互项` : `Heterogeneity: ${L(input.treatment)} interacted with ${joined(splitNames, lang)}`;
      case 'outcomes': {
        // the outcomes of the columns (a failed model is not in the table)
        const ys = kept.map((m) => L(m.spec.y));
        return lang === 'zh' ? `机制检验：${joined(ys, lang)}` : `Mechanisms: ${joined(ys, lang)}`;
      }
      case 'controls':
        return lang === 'zh' ? `逐步加入控制变量：${joined(input.controls.map(L), lang)}` : `Adding controls step by step: ${joined(input.controls.map(L), lang)}`;
      default:
        return '';
    }
  };
  let groups: TableGroup[] | undefined;
  let titles: string[] | undefined;
  if (input.mode === 'groups') {
    const used = splits.map((_, i) => kept.filter((m) => m.split === i));
    if (splits.length === 1) groups = kept.map((m) => ({ label: m.group ?? '', span: 1 }));
    else {
      groups = splits.map((s, i) => ({ label: s.label, span: used[i]!.length })).filter((g) => g.span > 0);
      titles = kept.map((m, i) => `(${i + 1}) ${m.group ?? ''}`.trim());
    }
  } else if (input.mode === 'interaction') groups = kept.map((m) => ({ label: splits[m.split ?? 0]?.label ?? '', span: 1 }));
  if (groups && groups.length > 0 && groups.some((g) => g.label.trim() !== '')) options.groups = groups.map((g) => ({ label: clip(g.label, 200), span: g.span }));
  if (titles) options.titles = titles.map((s) => clip(s, 200));
  return { section, title: { zh: clip(title('zh'), TITLE_MAX), en: clip(title('en'), TITLE_MAX) }, options };
}

// ---- names ---------------------------------------------------------------------------------------

/**
 * A readable default name of a model with Stata-style suffixes, e.g. "y ~ x1 + x2, vce(cluster firm)"
 * or "y ~ x1, absorb(firm industry#year) vce(cluster firm)" (the model form's default name).
 */
export function modelName(spec: ModelSpec): string {
  if (spec.estimator === 'gmm') {
    const o = spec.options;
    const blocks = (o.gmm_style ?? [{ var: spec.y, lag_min: 2, lag_max: null }]).map((g) => `gmm(${g.var}, lag(${g.lag_min} ${g.lag_max ?? '.'})${g.collapse ? ' collapse' : ''}${g.eq && g.eq !== 'both' ? ` eq(${g.eq})` : ''})`);
    const ivs = o.iv_style ? (o.iv_style.length > 0 ? [`iv(${o.iv_style.map((v) => v.var).join(' ')})`] : []) : [];
    const flags = [o.system === false ? 'noleveleq' : '', o.twostep !== false ? 'twostep' : '', spec.vcov === 'robust' ? 'robust' : '', o.transform === 'fod' ? 'orthogonal' : ''].filter(Boolean);
    return clip(`${spec.y} ${spec.x.join(' ')}, ${[...blocks, ...ivs, ...flags].join(' ')}`, NAME_MAX);
  }
  if (spec.estimator === 'psm') return clip(`${spec.treatment ?? '?'} ${spec.x.join(' ')}, outcome(${spec.y}) ${spec.options.match_method ?? 'nearest'} k(${spec.options.neighbors ?? 1})`, NAME_MAX);
  const iv = spec.endog.length > 0 ? [`(${spec.endog.join(' ')} = ${spec.instruments.join(' ')})`] : [];
  const rhs = [...spec.x, ...iv].length > 0 ? [...spec.x, ...iv].join(' + ') : '1';
  const suffixes: string[] = [];
  if (spec.estimator === 'fe' && spec.panel) suffixes.push(`fe i(${spec.panel.id})`);
  if (spec.absorb.length > 0) suffixes.push(`absorb(${spec.absorb.join(' ')})`);
  if (spec.options.singletons === false) suffixes.push('keepsingletons');
  if (spec.options.intercept === false) suffixes.push('noconstant');
  if (spec.options.method === 'liml') suffixes.push('liml');
  if (spec.options.small === 'on' || (spec.options.small === 'auto' && spec.absorb.length > 0 && spec.estimator === 'iv')) suffixes.push('small');
  if (spec.vcov === 'robust') suffixes.push('vce(robust)');
  if (spec.vcov === 'cluster') suffixes.push(`vce(cluster ${spec.cluster.join(' ')})`);
  const cond = spec.sample?.if ? ` if ${spec.sample.if}` : '';
  return clip(`${spec.y} ~ ${rhs}${cond}${suffixes.length > 0 ? `, ${suffixes.join(' ')}` : ''}`, NAME_MAX);
}
