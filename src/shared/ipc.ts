// The IPC contract: every channel is declared once here, with the schema of its argument and the
// type of its result. Main validates with these schemas; preload and the web bridge invoke through
// the typed `Api`. Channel names appear as strings nowhere else.
import type { Command } from './commands.js';
import type { ErrorInfo } from './errors.js';
import type { ToolTable } from './measure.js';
import type { DescribeResult } from './describe.js';
import type { CombineReport } from './combine.js';
import type { ChartModel } from './chart/model.js';
import type { ColumnProfile, FilterInfo, FilteredRowPage } from './data-view.js';
import { type Infer, arr, bool, int, json, literal, none, num, obj, opt, str } from './schema.js';
import { PIPELINE_SECTIONS, type PipelineInfo, type PipelineTable } from './pipeline.js';
import { TABLE_STATS } from './table.js';
import { TOOL_IDS, type ToolId } from './tools.js';
import type {
  DatasetInfo,
  ImportSummary,
  JobFinished,
  JobProgress,
  ModelSummary,
  ProjectInfo,
  RecentEntry,
  RowPage,
  StoredResult,
} from './types.js';

const path = str({ min: 1, max: 4096 });
const id = int({ min: 1 });

/** A regression table's options (the composer's choices, collectTable's options): table:export and pipeline:save. */
const tableOptions = obj({
  statistic: opt(literal('t', 'se', 'p', 'ci')),
  decimals: opt(int({ min: 0, max: 6 })),
  stars: opt(arr(num(), { max: 3 })),
  stats: opt(arr(literal(...TABLE_STATS), { max: TABLE_STATS.length })),
  keep: opt(arr(str({ min: 1, max: 200 }), { max: 500 })),
  drop: opt(arr(str({ min: 1, max: 200 }), { max: 500 })),
  labels: opt(json()),
  titles: opt(arr(str({ max: 200 }), { max: 50 })),
  title: opt(str({ max: 500 })),
  /** Super-headers over adjacent columns, left to right ("large | small"); padded to the table. */
  groups: opt(arr(obj({ label: str({ max: 200 }), span: int({ min: 1, max: 50 }) }), { max: 50 })),
});
const pipelineSection = literal(...PIPELINE_SECTIONS);

export const channels = {
  'app:info': { args: none(), result: null as unknown as AppInfo },
  'project:current': { args: none(), result: null as unknown as ProjectInfo | null },
  'project:new': { args: obj({ path }), result: null as unknown as ProjectInfo },
  'project:open': { args: obj({ path }), result: null as unknown as ProjectInfo },
  /** Opens an example project (built in the user's folder on first use; docs/examples.md). */
  'project:example': { args: obj({ name: literal('paper000', 'paper003') }), result: null as unknown as ProjectInfo },
  'project:save': { args: none(), result: null as unknown as ProjectInfo },
  'project:saveAs': { args: obj({ path }), result: null as unknown as ProjectInfo },
  'project:close': { args: none(), result: null as unknown as null },
  'project:recent': { args: none(), result: null as unknown as RecentEntry[] },
  // code export (docs/code-export.md): the whole project as a Stata do-file or an R script
  'project:exportCode': { args: obj({ lang: literal('stata', 'r'), path }), result: null as unknown as { path: string; lang: 'stata' | 'r'; lines: number } },
  'dialog:pick': {
    args: obj({ purpose: literal('project-new', 'project-open', 'project-save-as', 'import', 'export', 'table', 'chart', 'code') }),
    result: null as unknown as { path: string } | null,
  },
  'dataset:import': {
    args: obj({ path, name: opt(str({ min: 1, max: 200 })), sheet: opt(str({ min: 1, max: 200 })), headerRow: opt(int({ min: 1, max: 1_000_000 })), preview: opt(bool()) }),
    result: null as unknown as ImportSummary,
  },
  'dataset:importCommit': { args: obj({ stagingId: id, types: json() }), result: null as unknown as ImportSummary },
  'dataset:importDiscard': { args: obj({ stagingId: id }), result: null as unknown as null },
  'dataset:sheets': { args: obj({ path }), result: null as unknown as string[] },
  'dataset:list': { args: none(), result: null as unknown as DatasetInfo[] },
  'dataset:levels': {
    args: obj({ datasetId: id, variable: str({ min: 1, max: 200 }), max: opt(int({ min: 1, max: 200 })) }),
    result: null as unknown as { values: (number | string)[]; truncated: boolean },
  },
  'dataset:rows': {
    args: obj({ datasetId: id, offset: int({ min: 0 }), limit: int({ min: 0, max: 5000 }), variables: opt(arr(str({ min: 1 }), { max: 1000 })) }),
    result: null as unknown as RowPage,
  },
  'dataset:export': { args: obj({ datasetId: id, path, variables: opt(arr(str({ min: 1, max: 200 }), { max: 5000 })) }), result: null as unknown as { path: string; rows: number; warnings: string[] } },
  'dataset:delete': { args: obj({ datasetId: id }), result: null as unknown as null },
  'dataset:setPanel': {
    args: obj({ datasetId: id, panel: opt(obj({ id: str({ min: 1, max: 200 }), time: str({ min: 1, max: 200 }) })) }),
    result: null as unknown as DatasetInfo,
  },
  // the data view (src/shared/data-view.ts): a row filter computed in the worker and paged from
  // main, a column's profile for the header menu, labels, dropping variables
  'dataset:filter': { args: obj({ datasetId: id, condition: str({ min: 1, max: 2000 }) }), result: null as unknown as FilterInfo },
  'dataset:filteredRows': { args: obj({ datasetId: id, filterId: id, offset: int({ min: 0 }), limit: int({ min: 0, max: 5000 }) }), result: null as unknown as FilteredRowPage },
  'dataset:column': {
    args: obj({ datasetId: id, variable: str({ min: 1, max: 200 }), condition: opt(str({ min: 1, max: 2000 })), bins: opt(int({ min: 2, max: 100 })) }),
    result: null as unknown as ColumnProfile,
  },
  'dataset:setLabel': { args: obj({ datasetId: id, variable: str({ min: 1, max: 200 }), label: obj({ zh: opt(str({ max: 500 })), en: opt(str({ max: 500 })) }) }), result: null as unknown as DatasetInfo },
  'dataset:dropVariables': { args: obj({ datasetId: id, variables: arr(str({ min: 1, max: 200 }), { max: 5000 }) }), result: null as unknown as DatasetInfo },
  'tool:run': {
    args: obj({ datasetId: id, tool: literal(...(TOOL_IDS as [ToolId, ...ToolId[]])), params: json() }),
    result: null as unknown as ToolRunSummary,
  },
  'describe:run': {
    args: obj({
      datasetId: id,
      kind: literal('summarize', 'correlate', 'vif', 'duplicates'),
      variables: arr(str({ min: 1, max: 200 }), { max: 500 }),
      by: opt(str({ min: 1, max: 200 })),
      sample: opt(literal('per_variable', 'listwise', 'pairwise')),
      detail: opt(bool()),
      method: opt(literal('pearson', 'spearman')),
    }),
    result: null as unknown as DescribeResult,
  },
  'combine:run': {
    args: obj({
      kind: literal('merge', 'append', 'keep', 'drop', 'sort', 'collapse'),
      master: str({ min: 1, max: 200 }),
      using: str({ min: 1, max: 200 }),
      keys: opt(arr(str({ min: 1, max: 200 }), { max: 20 })),
      merge: opt(literal('1:1', 'm:1', '1:m')),
      keep: opt(arr(literal('master', 'using', 'match'), { max: 3 })),
      condition: opt(str({ min: 1, max: 2000 })),
      descending: opt(arr(str({ min: 1, max: 200 }), { max: 20 })),
      vars: opt(arr(str({ min: 1, max: 200 }), { max: 500 })),
      stat: opt(literal('mean', 'sum', 'count', 'min', 'max')),
      weight: opt(str({ min: 1, max: 200 })),
      name: str({ min: 1, max: 200 }),
    }),
    result: null as unknown as { dataset: DatasetInfo; report: CombineReport },
  },
  /** A tool's table (the entropy weights) written like any table, by the file's extension. */
  'tooltable:export': {
    args: obj({
      table: obj({
        id: str({ min: 1, max: 100 }),
        title: obj({ en: str({ max: 500 }), zh: str({ max: 500 }) }),
        columns: arr(obj({ key: str({ min: 1, max: 100 }), en: str({ max: 200 }), zh: str({ max: 200 }), decimals: opt(int({ min: 0, max: 12 })) }), { max: 100 }),
        rows: arr(json(), { max: 100_000 }),
        notes: opt(arr(obj({ en: str({ max: 2000 }), zh: str({ max: 2000 }) }), { max: 20 })),
      }),
      path,
      lang: opt(literal('zh', 'en')),
    }),
    result: null as unknown as { path: string; rows: number },
  },
  'table:export': {
    args: obj({
      modelIds: arr(id, { max: 50 }),
      path,
      lang: opt(literal('zh', 'en')),
      /** The composer's choices (collectTable's options); defaults as esttab. */
      options: opt(tableOptions),
    }),
    result: null as unknown as { path: string; columns: number },
  },
  // charts: the renderer draws them (SVG from src/shared/chart/svg.ts, PNG from its canvas as base64);
  // main only checks and writes the bytes. Limits keep one request under the browser bridge's 4 MB.
  'chart:export': {
    args: obj({ path, svg: opt(str({ min: 1, max: 3_000_000 })), png: opt(str({ min: 1, max: 3_000_000 })), pdf: opt(str({ min: 1, max: 3_000_000 })) }),
    result: null as unknown as { path: string; bytes: number },
  },
  /** A variable's histogram / kernel density as a chart model (src/shared/chart/distribution.ts). */
  'chart:distribution': {
    args: obj({ datasetId: id, variable: str({ min: 1, max: 200 }), kind: literal('histogram', 'density', 'both'), bins: opt(int({ min: 1, max: 500 })), bandwidth: opt(num()), lang: opt(literal('zh', 'en')), title: opt(str({ max: 500 })) }),
    result: null as unknown as ChartModel,
  },
  /** Any table model the renderer built (descriptive, correlation, PSM balance) written like a regression table. */
  'table:exportModel': {
    args: obj({
      table: obj({
        titles: arr(str({ max: 500 }), { max: 500 }),
        depvars: arr(str({ max: 500 }), { max: 500 }),
        rows: arr(obj({ label: str({ max: 1000 }), cells: arr(str({ max: 1000 }), { max: 500 }), kind: literal('coef', 'paren', 'stat', 'indicator') }), { max: 50_000 }),
        notes: arr(str({ max: 5000 }), { max: 50 }),
      }),
      path,
      lang: opt(literal('zh', 'en')),
      title: opt(str({ max: 500 })),
      groups: opt(arr(obj({ label: str({ max: 200 }), span: int({ min: 1, max: 500 }) }), { max: 500 })),
    }),
    result: null as unknown as { path: string; rows: number },
  },
  /** Copy for Word in Electron: HTML, RTF and text flavours at once (main's clipboard; not in browser mode). */
  'clipboard:write': {
    args: obj({ html: str({ max: 4_000_000 }), rtf: str({ max: 4_000_000 }), text: str({ max: 4_000_000 }) }),
    result: null as unknown as { formats: string[] },
  },
  'estimate:run': {
    args: obj({ datasetId: id, spec: json(), name: opt(str({ max: 200 })), modelId: opt(id) }),
    result: null as unknown as { jobId: string; modelId: number },
  },
  'job:cancel': { args: obj({ jobId: str({ min: 1, max: 100 }) }), result: null as unknown as { cancelled: boolean } },
  'model:list': { args: none(), result: null as unknown as ModelSummary[] },
  'model:delete': { args: obj({ modelId: id }), result: null as unknown as null },
  'result:get': { args: obj({ modelId: id }), result: null as unknown as StoredResult | null },
  // the paper pipeline (src/shared/pipeline.ts): tables by section, their models' freshness
  'pipeline:list': { args: none(), result: null as unknown as PipelineInfo },
  /** Creates a table (no id) or replaces one's fields; modelIds in run order, steps ⊆ modelIds. */
  'pipeline:save': {
    args: obj({
      id: opt(id),
      key: opt(str({ min: 1, max: 40 })),
      section: pipelineSection,
      title: obj({ zh: opt(str({ max: 500 })), en: opt(str({ max: 500 })) }),
      modelIds: arr(id, { max: 200 }),
      steps: opt(arr(id, { max: 200 })),
      options: opt(tableOptions),
      describe: opt(obj({ datasetId: id, variables: arr(str({ min: 1, max: 200 }), { max: 500 }) })),
    }),
    result: null as unknown as PipelineTable,
  },
  'pipeline:delete': { args: obj({ id }), result: null as unknown as null },
  /** Moves a table to a section (assigning it) at a 0-based index (default: the end). */
  'pipeline:move': { args: obj({ id, section: pipelineSection, index: opt(int({ min: 0, max: 10_000 })) }), result: null as unknown as PipelineTable[] },
} as const;

export type Channel = keyof typeof channels;
export type ArgsOf<C extends Channel> = Infer<(typeof channels)[C]['args']>;
export type ResultOf<C extends Channel> = (typeof channels)[C]['result'];
export const CHANNELS = Object.keys(channels) as Channel[];

/** What a variable tool did: the dataset after it, the variables written, notes. */
export interface ToolRunSummary {
  dataset: DatasetInfo;
  written: string[];
  warnings: string[];
  describe: string;
  /** Tables a tool computes besides its variables (the entropy weights). */
  tables?: ToolTable[];
}

export interface AppInfo {
  version: string;
  engineVersion: string;
  mode: 'electron' | 'web';
  platform: string;
}

/** Events pushed from main to the renderer. */
export interface EventMap {
  'job:progress': JobProgress;
  'job:finished': JobFinished;
  'project:changed': ProjectInfo | null;
  /** The desktop app's native menu asks the page to run a command (src/shared/commands.ts). */
  'menu:command': { command: Command };
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = ['job:progress', 'job:finished', 'project:changed', 'menu:command'];

/** The typed object the renderer talks to (window.api in Electron, the web bridge in browsers). */
export interface Api {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

/** Raw transport used by preload: returns the error envelope instead of throwing across IPC. */
export type RawInvoke = (channel: string, args: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; error: ErrorInfo }>;

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(channels, value);
}

/** The single IPC channel names used by preload/main for invoke and events. */
export const INVOKE_CHANNEL = 'panel-studio:invoke';
export const EVENT_CHANNEL = 'panel-studio:event';
