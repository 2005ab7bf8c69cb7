// The paper pipeline (issue 11): the tables of a paper, each in a section of the empirical
// strategy (descriptive statistics, baseline, robustness, endogeneity, heterogeneity, mechanism),
// each with its models in order and the composer's table options. Stored in the project
// (migration 3, src/store/project.ts); listed and saved over IPC (pipeline:*); shown by
// PipelineView.svelte; used by `panel-studio replicate`. Plain data and pure functions only.
import type { ArgsOf } from './ipc.js';

/** The sections in the order a paper presents them (and the pipeline view shows them). */
export const PIPELINE_SECTIONS = ['descriptive', 'baseline', 'robustness', 'endogeneity', 'heterogeneity', 'mechanism', 'other'] as const;
export type PipelineSection = (typeof PIPELINE_SECTIONS)[number];

/** What `table:export` and the composer take: statistic, decimals, stars, summary rows, keep/drop, labels, titles. */
export type PipelineTableOptions = NonNullable<ArgsOf<'table:export'>['options']>;

export interface PipelineTitle {
  zh?: string;
  en?: string;
}

/** The variables of a descriptive table (summarize), on one dataset. */
export interface PipelineDescribe {
  datasetId: number;
  variables: string[];
}

export interface PipelineTable {
  id: number;
  /** Short name in the paper's numbering ("T3"): file names of `replicate`, the badge in the view. */
  key: string | null;
  section: PipelineSection;
  /** 0-based order within the section. */
  position: number;
  title: PipelineTitle;
  /** Every model the table needs, in run order (a matching step before the regressions on its sample). */
  modelIds: number[];
  /** Models among modelIds that are preparation steps (psm writing _weight): run, but not columns. */
  steps: number[];
  /** The composer's options (the title lives in `title`). */
  options: PipelineTableOptions;
  /** A descriptive table: the variables summarized (no models). */
  describe?: PipelineDescribe;
}

/** What `pipeline:save` takes: a new table without `id`, or the fields of an existing one. */
export interface PipelineTableInput {
  key?: string | null;
  section: PipelineSection;
  title: PipelineTitle;
  modelIds: number[];
  steps?: number[];
  options?: PipelineTableOptions;
  describe?: PipelineDescribe;
}

/**
 * A model's state against the project as it is now. fresh: its latest result was computed from
 * the model's current spec and the data of the variables it reads are unchanged since (a variable
 * a step of its table provides: as that step wrote it); stale: the spec was edited, a variable it
 * reads was written or dropped, or its rows changed (reason 'spec' / 'data'), or it is a step whose
 * variables a later step overwrote and a model after it that must run needs them ('step');
 * notRun: never estimated; error: the last run failed.
 */
export type Freshness = 'fresh' | 'stale' | 'notRun' | 'error';

export interface PipelineModelState {
  modelId: number;
  status: Freshness;
  reason?: 'spec' | 'data' | 'step';
  /** 'data': the variables read that changed (absent: the rows changed, or a result from before stamps); 'step': the variables needed back. */
  variables?: string[];
  error?: string;
}

export interface PipelineInfo {
  tables: PipelineTable[];
  models: PipelineModelState[];
}

export function isPipelineSection(value: unknown): value is PipelineSection {
  return typeof value === 'string' && (PIPELINE_SECTIONS as readonly string[]).includes(value);
}

/** The models shown as columns, in order. */
export function tableColumns(t: Pick<PipelineTable, 'modelIds' | 'steps'>): number[] {
  return t.modelIds.filter((id) => !t.steps.includes(id));
}

/** The title in a language, falling back to the other one, then to the key. */
export function tableTitle(t: Pick<PipelineTable, 'title' | 'key'>, lang: 'zh' | 'en'): string {
  const other = lang === 'zh' ? 'en' : 'zh';
  return t.title[lang]?.trim() || t.title[other]?.trim() || t.key || '';
}

/** Tables in pipeline order: by section, then position. */
export function sortTables<T extends Pick<PipelineTable, 'section' | 'position' | 'id'>>(tables: readonly T[]): T[] {
  const rank = (s: PipelineSection) => PIPELINE_SECTIONS.indexOf(s);
  return [...tables].sort((a, b) => rank(a.section) - rank(b.section) || a.position - b.position || a.id - b.id);
}

/** The models to run for some tables, in pipeline order, each once. */
export function runOrder(tables: readonly PipelineTable[]): number[] {
  const out: number[] = [];
  for (const t of sortTables(tables)) for (const id of t.modelIds) if (!out.includes(id)) out.push(id);
  return out;
}

/** The summary rows a table of these estimators shows by default (as `replicate` always did). */
export function defaultTableStats(estimators: readonly string[]): NonNullable<PipelineTableOptions['stats']> {
  if (estimators.includes('iv')) return ['fe', 'nobs', 'r2', 'kp_lm', 'kp_f'];
  if (estimators.includes('gmm')) return ['nobs', 'n_groups', 'n_instruments', 'ar1_p', 'ar2_p', 'hansen_p'];
  return ['fe', 'nobs', 'r2'];
}
