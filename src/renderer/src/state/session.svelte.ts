// The application session: the open project, its datasets and models, what is selected, the
// displayed result. Large host payloads are $state.raw (replaced, never mutated). The view
// (selected dataset, model and tab) is remembered per project so a reload restores it.
import type { AppInfo, ArgsOf } from '../../../shared/ipc.js';
import type { DatasetInfo, ImportSummary, JobFinished, ModelSummary, ProjectInfo, RecentEntry, StoredResult } from '../../../shared/types.js';
import { HostError, errorMessage, host } from '../host.js';
import { i18n, t, tKey } from '../i18n.svelte.js';
import { count } from '../lib/format.js';
import { JobsState } from './jobs.svelte.js';
import { ModelForm } from './modelForm.svelte.js';
import type { ToolRunSummary } from '../../../shared/ipc.js';
import { ToolForm } from './toolForm.svelte.js';
import { PipelineState } from './pipeline.svelte.js';
import { StatusState } from './status.svelte.js';
import { ESTIMATORS } from '../../../shared/estimators/index.js';
import { type ModelSpec, canonicalJson, normalizeSpec } from '../../../shared/spec.js';
import {
  type BatchInput,
  type BatchMember,
  type BatchProblem,
  type Built,
  type Lang,
  MAX_GROUP_LEVELS,
  type ResolvedSplit,
  batchMembers,
  batchTable,
  conditionGroups,
  conditionVariable,
  groupNames,
  interactionVariable,
  isBinaryLevels,
  levelGroups,
  splitLabel,
  splitVariable,
  statGroups,
} from '../../../shared/batch.js';
import { revealTable } from '../lib/reveal.js';

/** Two specs describe the same model: equal once options at their declared defaults are left out (the form writes every default, a saved spec may omit them). */
function sameModel(a: ModelSpec, b: ModelSpec): boolean {
  const strip = (raw: ModelSpec) => {
    const s = normalizeSpec(raw);
    const decl = ESTIMATORS[s.estimator];
    const options = Object.fromEntries(Object.entries(s.options).filter(([k, v]) => canonicalJson(decl?.options.find((o) => o.key === k)?.default) !== canonicalJson(v)));
    return canonicalJson({ ...s, options });
  };
  return strip(a) === strip(b);
}

export type Tab = 'data' | 'describe' | 'model' | 'pipeline';

interface SavedView {
  datasetId: number | null;
  modelId: number | null;
  tab: Tab;
}

const VIEW_KEY = 'panel-studio:view:';

function loadView(path: string): SavedView | null {
  try {
    const raw = localStorage.getItem(VIEW_KEY + path);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<SavedView>;
    return {
      datasetId: typeof v.datasetId === 'number' ? v.datasetId : null,
      modelId: typeof v.modelId === 'number' ? v.modelId : null,
      tab: v.tab === 'model' || v.tab === 'pipeline' ? v.tab : 'data',
    };
  } catch {
    return null;
  }
}

function fileStem(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export class Session {
  readonly status = new StatusState();
  readonly jobs = new JobsState();
  readonly form: ModelForm;
  readonly toolForm: ToolForm;
  /** The paper pipeline: tables by section, freshness, runs (state/pipeline.svelte.ts). */
  readonly pipeline: PipelineState;
  #toolResult = $state.raw<ToolRunSummary | null>(null);

  #ready = $state(false);
  #appInfo = $state.raw<AppInfo | null>(null);
  #project = $state.raw<ProjectInfo | null>(null);
  #models = $state.raw<ModelSummary[]>([]);
  #recent = $state.raw<RecentEntry[]>([]);
  #datasetId = $state<number | null>(null);
  #modelId = $state<number | null>(null);
  #result = $state.raw<StoredResult | null>(null);
  #resultLoading = $state(false);
  #runError = $state<string | null>(null);
  #tab = $state<Tab>('data');
  /** A batch run under way: models done of total, and the one running now. */
  #batch = $state.raw<{ done: number; total: number; current: string } | null>(null);
  #batchStop = false;
  // Replies to an older result request are dropped (the user clicked another model meanwhile).
  #resultRevision = 0;

  #dataset = $derived(this.#project?.datasets.find((d) => d.id === this.#datasetId) ?? null);
  #model = $derived(this.#models.find((m) => m.id === this.#modelId) ?? null);

  constructor() {
    this.form = new ModelForm(() => this.#dataset?.variables ?? null);
    this.toolForm = new ToolForm(() => this.#dataset, () => this.#project?.datasets ?? []);
    this.pipeline = new PipelineState({
      jobs: this.jobs,
      status: this.status,
      models: () => this.#models,
      refreshModels: () => this.refreshModels(),
      guard: (action) => this.#guard(action),
    });
  }

  /** Re-reads the model list (statuses and results change as jobs finish). */
  async refreshModels(): Promise<void> {
    if (this.#project) this.#models = await host.invoke('model:list');
  }

  get ready(): boolean {
    return this.#ready;
  }
  get appInfo(): AppInfo | null {
    return this.#appInfo;
  }
  get project(): ProjectInfo | null {
    return this.#project;
  }
  get datasets(): DatasetInfo[] {
    return this.#project?.datasets ?? [];
  }
  get dataset(): DatasetInfo | null {
    return this.#dataset;
  }
  get models(): ModelSummary[] {
    return this.#models;
  }
  get model(): ModelSummary | null {
    return this.#model;
  }
  get recent(): RecentEntry[] {
    return this.#recent;
  }
  get result(): StoredResult | null {
    return this.#result;
  }
  get resultLoading(): boolean {
    return this.#resultLoading;
  }
  get runError(): string | null {
    return this.#runError;
  }
  get tab(): Tab {
    return this.#tab;
  }
  /** The batch run under way (ModelForm shows "model k of n"), or null. */
  get batchProgress(): { done: number; total: number; current: string } | null {
    return this.#batch;
  }

  /** Subscribes to host events and restores the open project; returns the cleanup. */
  start(): () => void {
    const offs = [
      this.jobs.attach(),
      host.on('project:changed', (project) => {
        void this.#guard(() => this.#applyProject(project));
      }),
    ];
    void this.#restore();
    return () => {
      for (const off of offs) off();
    };
  }

  async #restore(): Promise<void> {
    await this.#guard(async () => {
      this.#appInfo = await host.invoke('app:info');
    });
    await this.#guard(async () => {
      const project = await host.invoke('project:current');
      if (project) await this.#enter(project);
      else await this.loadRecent();
    });
    this.#ready = true;
  }

  // ---- project ------------------------------------------------------------------------------

  newProject(): Promise<void> {
    return this.#guard(async () => {
      const picked = await host.pickPath('project-new');
      if (!picked) return;
      const project = await host.invoke('project:new', { path: picked.path });
      await this.#enter(project);
      this.status.info('project.created', { name: project.name });
    });
  }

  openProject(path?: string): Promise<void> {
    return this.#guard(async () => {
      let target = path;
      if (!target) {
        const picked = await host.pickPath('project-open');
        if (!picked) return;
        target = picked.path;
      }
      const project = await host.invoke('project:open', { path: target });
      await this.#enter(project);
      // say what the last session lost, and where the pre-migration copy is
      if (project.interrupted && project.interrupted.length > 0) this.status.info('project.interrupted', { name: project.name, list: project.interrupted.map((op) => op.what).join('; ') });
      else if (project.backup) this.status.info('project.migrated', { name: project.name, backup: project.backup });
      else this.status.info('project.opened', { name: project.name });
    });
  }

  /** Opens the example project of a seed paper (built on first use). */
  openExample(name: 'paper000' | 'paper003'): Promise<void> {
    return this.#guard(async () => {
      this.status.info('project.exampleBuilding');
      const project = await host.invoke('project:example', { name });
      await this.#enter(project);
      this.status.info('project.exampleOpened', { name: project.name });
    });
  }

  save(): Promise<void> {
    return this.#guard(async () => {
      this.#project = await host.invoke('project:save');
      this.status.info('project.saved');
    });
  }

  saveAs(): Promise<void> {
    return this.#guard(async () => {
      const picked = await host.pickPath('project-save-as');
      if (!picked) return;
      const project = await host.invoke('project:saveAs', { path: picked.path });
      this.#project = project;
      this.#saveView();
      this.status.info('project.saved');
    });
  }

  close(): Promise<void> {
    return this.#guard(async () => {
      await host.invoke('project:close');
      this.#leave();
      this.status.info('project.closed');
      await this.loadRecent();
    });
  }

  loadRecent(): Promise<void> {
    return this.#guard(async () => {
      this.#recent = await host.invoke('project:recent');
    });
  }

  async #enter(project: ProjectInfo): Promise<void> {
    this.#project = project;
    this.#models = await host.invoke('model:list');
    const view = loadView(project.path);
    const datasetId = view?.datasetId ?? null;
    this.#datasetId = project.datasets.some((d) => d.id === datasetId) ? datasetId : (project.datasets[0]?.id ?? null);
    this.#tab = view?.tab ?? 'data';
    this.#modelId = null;
    this.#result = null;
    this.#runError = null;
    this.form.reset();
    this.pipeline.reset();
    const modelId = view?.modelId ?? null;
    if (modelId !== null && this.#models.some((m) => m.id === modelId)) await this.#showModel(modelId);
    if (view?.tab === 'pipeline') this.#tab = 'pipeline';
  }

  #leave(): void {
    this.pipeline.reset();
    this.#project = null;
    this.#models = [];
    this.#datasetId = null;
    this.#modelId = null;
    this.#result = null;
    this.#runError = null;
    this.#tab = 'data';
    this.form.reset();
  }

  async #applyProject(project: ProjectInfo | null): Promise<void> {
    if (!project) {
      if (this.#project) {
        this.#leave();
        await this.loadRecent();
      }
      return;
    }
    if (this.#project?.path !== project.path) {
      await this.#enter(project);
      return;
    }
    this.#project = project;
    if (!project.datasets.some((d) => d.id === this.#datasetId)) this.#datasetId = project.datasets[0]?.id ?? null;
  }

  // ---- datasets -----------------------------------------------------------------------------

  selectDataset(id: number, tab: Tab = 'data'): void {
    if (this.#datasetId !== id) {
      this.#datasetId = id;
      if (this.#model && this.#model.datasetId !== id) this.newModel();
    }
    this.#tab = tab;
    this.#saveView();
  }

  importDataset(): Promise<void> {
    return this.#guard(async () => {
      const picked = await host.pickPath('import');
      if (!picked) return;
      const name = fileStem(picked.fileName ?? picked.path);
      // Excel: which sheet, and which row holds the names (asked only when there is a choice)
      let sheetArgs: { sheet?: string; headerRow?: number } = {};
      if (/\.xlsx$/i.test(picked.fileName ?? picked.path)) {
        const sheets = await host.invoke('dataset:sheets', { path: picked.path });
        const choice = await this.#askSheet(sheets);
        if (!choice) return;
        sheetArgs = { sheet: choice.sheet, ...(choice.headerRow !== 1 ? { headerRow: choice.headerRow } : {}) };
      }
      this.status.info('import.started', { name });
      const held = await this.jobs.track('import', () => host.invoke('dataset:import', { path: picked.path, name, ...sheetArgs, preview: true }));
      const stagingId = held.held?.stagingId;
      if (stagingId === undefined) throw new Error('the import was not held for the preview');
      // the preview: first rows and the inferred types, which the user may change
      const types = await this.#askPreview(held);
      if (!types) {
        await host.invoke('dataset:importDiscard', { stagingId });
        this.status.info('import.discarded', { name });
        return;
      }
      const summary = await host.invoke('dataset:importCommit', { stagingId, types });
      const datasets = await host.invoke('dataset:list');
      if (this.#project) this.#project = { ...this.#project, datasets };
      this.selectDataset(summary.dataset.id, 'data');
      if (summary.warnings.length > 0) {
        this.status.info('import.warnings', { n: summary.warnings.length, first: summary.warnings[0] ?? '' });
      } else {
        this.status.info('import.done', { name: summary.dataset.name, rows: count(summary.dataset.nrows, i18n.locale), vars: summary.dataset.variables.length });
      }
    });
  }

  exportDataset(): Promise<void> {
    return this.#guard(async () => {
      const dataset = this.#dataset;
      if (!dataset) return;
      const picked = await host.pickPath('export');
      if (!picked) return;
      const out = await host.invoke('dataset:export', { datasetId: dataset.id, path: picked.path });
      this.status.info('data.exported', { rows: out.rows, path: out.path });
      for (const w of out.warnings) this.status.info('data.exportWarning', { message: w });
    });
  }

  // ---- import preview ----------------------------------------------------------------------

  #previewRequest = $state.raw<{ summary: ImportSummary; resolve: (types: Record<string, 'numeric' | 'text'> | null) => void } | null>(null);

  /** The held import the preview dialog shows, or null. */
  get previewRequest(): { summary: ImportSummary } | null {
    return this.#previewRequest;
  }
  answerPreview(types: Record<string, 'numeric' | 'text'> | null): void {
    const r = this.#previewRequest;
    this.#previewRequest = null;
    r?.resolve(types);
  }
  #askPreview(summary: ImportSummary): Promise<Record<string, 'numeric' | 'text'> | null> {
    return new Promise((resolve) => {
      this.#previewRequest?.resolve(null);
      this.#previewRequest = { summary, resolve };
    });
  }

  // ---- Excel sheet choice -------------------------------------------------------------------

  #sheetRequest = $state.raw<{ sheets: string[]; resolve: (c: { sheet: string; headerRow: number } | null) => void } | null>(null);

  /** The pending sheet question (SheetDialog shows it), or null. */
  get sheetRequest(): { sheets: string[] } | null {
    return this.#sheetRequest;
  }
  answerSheet(choice: { sheet: string; headerRow: number } | null): void {
    const r = this.#sheetRequest;
    this.#sheetRequest = null;
    r?.resolve(choice);
  }
  #askSheet(sheets: string[]): Promise<{ sheet: string; headerRow: number } | null> {
    return new Promise((resolve) => {
      this.#sheetRequest?.resolve(null);
      this.#sheetRequest = { sheets, resolve };
    });
  }

  // ---- variable tools -----------------------------------------------------------------------

  /** What the last tool run wrote (shown under the tool form). */
  get toolResult(): ToolRunSummary | null {
    return this.#toolResult;
  }

  runTool(): Promise<void> {
    return this.#guard(async () => {
      const dataset = this.#dataset;
      if (!dataset || !this.toolForm.valid) return;
      const { tool, params } = this.toolForm.request;
      this.#toolResult = null;
      const summary = await this.jobs.track('tool', () => host.invoke('tool:run', { datasetId: dataset.id, tool, params }));
      this.#toolResult = summary;
      if (this.#project) this.#project = { ...this.#project, datasets: this.#project.datasets.map((d) => (d.id === summary.dataset.id ? summary.dataset : d)) };
      this.status.info('tool.done', { list: summary.written.join(', ') });
    });
  }

  setPanel(panel: { id: string; time: string } | null): Promise<void> {
    return this.#guard(async () => {
      const dataset = this.#dataset;
      if (!dataset) return;
      const after = await host.invoke('dataset:setPanel', { datasetId: dataset.id, ...(panel ? { panel } : {}) });
      if (this.#project) this.#project = { ...this.#project, datasets: this.#project.datasets.map((d) => (d.id === after.id ? after : d)) };
      this.status.info(panel ? 'panel.set' : 'panel.cleared', panel ?? {});
    });
  }

  // ---- tables -------------------------------------------------------------------------------

  /** Every estimated model of the current dataset as one regression table (columns in list order). */
  /** Models of the current dataset that have a result (the columns a table can show). */
  get tableModels(): ModelSummary[] {
    const dataset = this.#dataset;
    return this.#models.filter((m) => m.datasetId === dataset?.id && m.status === 'done' && m.resultId !== null);
  }

  /** Writes a table of the chosen models (default: every estimated model of the dataset). */
  exportTable(modelIds?: number[], options?: ArgsOf<'table:export'>['options']): Promise<void> {
    return this.#guard(async () => {
      const ids = modelIds ?? this.tableModels.map((m) => m.id);
      if (ids.length === 0) {
        this.status.info('table.none');
        return;
      }
      const picked = await host.pickPath('table');
      if (!picked) return;
      const out = await host.invoke('table:export', { modelIds: ids, path: picked.path, lang: i18n.lang, ...(options ? { options } : {}) });
      this.status.info('table.exported', { columns: out.columns, path: out.path });
    });
  }

  // ---- models -------------------------------------------------------------------------------

  setTab(tab: Tab): void {
    this.#tab = tab;
    this.#saveView();
  }

  /** Clears the selection so the form describes a new model. */
  newModel(): void {
    this.#modelId = null;
    this.#result = null;
    this.#runError = null;
    this.#resultRevision++;
    this.form.reset();
    this.#saveView();
  }

  selectModel(id: number): Promise<void> {
    return this.#guard(() => this.#showModel(id));
  }

  async #showModel(id: number): Promise<void> {
    const model = this.#models.find((m) => m.id === id);
    if (!model) return;
    this.#modelId = id;
    this.#tab = 'model';
    this.#runError = model.status === 'failed' ? (model.error ?? null) : null;
    if (this.#project?.datasets.some((d) => d.id === model.datasetId)) this.#datasetId = model.datasetId;
    this.form.load(model.spec);
    this.#saveView();
    await this.#loadResult(id);
  }

  async #loadResult(modelId: number): Promise<void> {
    const revision = ++this.#resultRevision;
    this.#resultLoading = true;
    try {
      const result = await host.invoke('result:get', { modelId });
      if (revision === this.#resultRevision) this.#result = result;
    } finally {
      if (revision === this.#resultRevision) this.#resultLoading = false;
    }
  }

  run(): Promise<void> {
    return this.#guard(async () => {
      const dataset = this.#dataset;
      if (!dataset || !this.form.runnable || this.jobs.busy || this.#batch) return;
      this.#runError = null;
      if (this.form.batchMode !== 'single') {
        await this.#runBatch(dataset);
        return;
      }
      if (this.form.byGroup) {
        await this.#runByGroup(dataset.id, this.form.byGroup);
        return;
      }
      // re-running the selected model unchanged (e.g. a saved model of an example or a pipeline
      // table) estimates that model; a changed spec becomes a new model beside it
      const selected = this.model;
      const same = selected !== null && selected.datasetId === dataset.id && sameModel(selected.spec, this.form.spec);
      const finished = await this.jobs.estimate({ datasetId: dataset.id, spec: this.form.spec, ...(same && selected ? { modelId: selected.id, name: selected.name } : { name: this.form.defaultName() }) });
      this.#models = await host.invoke('model:list');
      if (finished.ok && finished.modelId !== undefined) {
        await this.#showModel(finished.modelId);
        if (finished.cached) this.status.info('model.cached');
        else this.status.info('model.done', { ms: Math.round(totalMs(this.#result?.result.timing_ms)) });
      } else if (finished.error?.code === 'CANCELLED') {
        this.status.info('model.cancelled');
      } else {
        const message = finished.error?.message ?? '';
        this.#runError = message;
        this.status.error('model.failed', { message });
      }
    });
  }

  /**
   * Heterogeneity: the same model once per value of `by` (sibling models for one table), each with
   * the sample condition `by == value` added to the model's own.
   */
  async #runByGroup(datasetId: number, by: string): Promise<void> {
    const { values, truncated } = await host.invoke('dataset:levels', { datasetId, variable: by, max: 50 });
    if (truncated) {
      this.#runError = t('model.byGroupTooMany', { name: by });
      this.status.error('model.failed', { message: this.#runError });
      return;
    }
    const base = this.form.spec;
    const name = this.form.defaultName();
    let last: number | undefined;
    let failed = 0;
    for (const v of values) {
      const literal = typeof v === 'number' ? String(v) : `"${v}"`;
      const cond = `${by} == ${literal}`;
      const spec = { ...base, sample: { if: base.sample?.if ? `(${base.sample.if}) & ${cond}` : cond } };
      const finished = await this.jobs.estimate({ datasetId, spec, name: `${name} [${by} = ${v}]` });
      if (finished.ok && finished.modelId !== undefined) last = finished.modelId;
      else failed++;
    }
    this.#models = await host.invoke('model:list');
    if (last !== undefined) await this.#showModel(last);
    this.status.info('model.byGroupDone', { n: values.length - failed, name: by, failed });
  }

  // ---- batch runs (shared/batch.ts) -----------------------------------------------------------

  /**
   * A batch of sibling models and, in the same action, their pipeline table: the splits' variables
   * built (or reused) with the split / generate / interact tools, every group checked for rows,
   * the models estimated one job at a time (Cancel stops the rest; a failed model is named and the
   * others kept), then the table saved in its section and shown in the pipeline view.
   */
  async #runBatch(dataset: DatasetInfo): Promise<void> {
    const form = this.form;
    const input = form.batch;
    const base = form.spec;
    const baseName = form.defaultName();
    const lang = i18n.lang;
    this.#batchStop = false;
    this.#batch = { done: 0, total: 0, current: '' };
    try {
      form.setBatchIssues([]);
      let splits: ResolvedSplit[] = [];
      if (input.mode === 'groups' || input.mode === 'interaction') {
        const resolved = await this.#resolveSplits(dataset.id, input, lang);
        if (!resolved) return;
        splits = resolved;
      }
      const members = batchMembers(base, baseName, input, splits);
      if (members.length > MAX_BATCH) return this.#batchRefused([{ field: 'mode', code: 'tooManyModels', params: { n: members.length, max: MAX_BATCH } }]);
      // a group without rows is refused before anything is estimated
      if (input.mode === 'groups') {
        const empty: BatchProblem[] = [];
        for (const m of members) {
          const condition = m.spec.sample?.if ?? '';
          const field = `split-${m.split ?? 0}`;
          try {
            const f = await host.invoke('dataset:filter', { datasetId: dataset.id, condition });
            if (f.count === 0) empty.push({ field, code: 'noRows', params: { group: m.group ?? '' } });
          } catch (err) {
            empty.push({ field, code: 'invalidCondition', params: { message: errorMessage(err) } });
            break;
          }
        }
        if (empty.length > 0) return this.#batchRefused(empty);
      }
      await this.#estimateBatch(dataset, input, members, splits);
    } finally {
      this.#batch = null;
    }
  }

  #batchRefused(problems: BatchProblem[]): void {
    this.form.setBatchIssues(problems);
    this.status.error('batch.refused');
  }

  /** The splits' groups (and for an interaction their 0/1 variables and products); null when refused. */
  async #resolveSplits(datasetId: number, input: BatchInput, lang: Lang): Promise<ResolvedSplit[] | null> {
    const vars = () => this.#project?.datasets.find((d) => d.id === datasetId)?.variables ?? [];
    const labelOf = labelIn(vars, lang);
    const problems: BatchProblem[] = [];
    // first what has no side effects: the values of the variables split by value
    const levels = new Map<number, (number | string)[]>();
    for (const [i, s] of input.splits.entries()) {
      const field = `split-${i}`;
      if (s.kind === 'condition') {
        // the condition as typed, so the column of a syntax error points into it
        try {
          await host.invoke('dataset:filter', { datasetId, condition: s.condition.trim() });
        } catch (err) {
          problems.push({ field, code: 'invalidCondition', params: { message: errorMessage(err) } });
        }
      }
      if (s.kind !== 'levels') continue;
      const { values, truncated } = await host.invoke('dataset:levels', { datasetId, variable: s.variable, max: MAX_GROUP_LEVELS });
      const given = groupNames(s.names).length;
      if (truncated) problems.push({ field, code: 'tooManyLevels', params: { name: s.variable, max: MAX_GROUP_LEVELS } });
      else if (values.length < 2) problems.push({ field, code: 'oneLevel', params: { name: s.variable } });
      else if (input.mode === 'interaction' && !isBinaryLevels(values)) problems.push({ field, code: 'notBinary', params: { name: s.variable } });
      else if (given > 0 && given !== values.length) problems.push({ field, code: 'namesCount', params: { given, groups: values.length } });
      levels.set(i, values);
    }
    if (problems.length > 0) {
      this.#batchRefused(problems);
      return null;
    }
    // then the variables: split / generate / interact, or the existing ones with the same recipe
    const out: ResolvedSplit[] = [];
    for (const [i, s] of input.splits.entries()) {
      const field = `split-${i}`;
      try {
        let dummy: string | undefined;
        let groups;
        if (s.kind === 'levels') {
          groups = levelGroups(s, levels.get(i) ?? [], vars().find((v) => v.name === s.variable));
          if (input.mode === 'interaction') dummy = s.variable;
        } else if (s.kind === 'condition') {
          groups = conditionGroups(s, lang);
          if (input.mode === 'interaction') dummy = await this.#build(datasetId, conditionVariable(s.condition, vars(), s.label));
        } else {
          dummy = await this.#build(datasetId, splitVariable(s, vars()));
          groups = statGroups(s, dummy, lang);
        }
        const interaction = input.mode === 'interaction' && dummy ? await this.#build(datasetId, interactionVariable(input.treatment, dummy, vars())) : undefined;
        out.push({ label: splitLabel(s, lang, labelOf), groups, ...(dummy ? { dummy } : {}), ...(interaction ? { interaction } : {}) });
      } catch (err) {
        this.#batchRefused([{ field, code: 'invalidCondition', params: { message: errorMessage(err) } }]);
        return null;
      }
    }
    return out;
  }

  /** An existing variable's name, or the variable the tool request writes (with its recipe). */
  async #build(datasetId: number, built: Built): Promise<string> {
    if ('existing' in built) return built.existing;
    const { tool, params } = built.request;
    const summary = await this.jobs.track('tool', () => host.invoke('tool:run', { datasetId, tool, params }));
    if (this.#project) this.#project = { ...this.#project, datasets: this.#project.datasets.map((d) => (d.id === summary.dataset.id ? summary.dataset : d)) };
    const name = summary.written[0];
    if (!name) throw new Error(`${tool} wrote no variable`);
    this.status.info('batch.built', { name, tool });
    return name;
  }

  async #estimateBatch(dataset: DatasetInfo, input: BatchInput, members: BatchMember[], splits: ResolvedSplit[]): Promise<void> {
    const total = members.length;
    const ok: boolean[] = members.map(() => false);
    const ids: number[] = members.map(() => 0);
    const failed: string[] = [];
    let cancelled = false;
    for (const [k, m] of members.entries()) {
      if (this.#batchStop) {
        cancelled = true;
        break;
      }
      this.#batch = { done: k, total, current: m.name };
      // a model with the same specification (an earlier run of this batch, the baseline) is estimated in place
      const same = this.#models.find((x) => x.datasetId === dataset.id && sameModel(x.spec, m.spec));
      let finished: JobFinished;
      try {
        finished = await this.jobs.estimate({ datasetId: dataset.id, spec: m.spec, ...(same ? { modelId: same.id, name: same.name } : { name: m.name }) });
      } catch (err) {
        failed.push(`${m.name} (${errorMessage(err)})`);
        continue;
      }
      if (finished.error?.code === 'CANCELLED') {
        cancelled = true;
        break;
      }
      if (finished.modelId !== undefined) ids[k] = finished.modelId;
      if (finished.ok && finished.modelId !== undefined) ok[k] = true;
      else failed.push(`${m.name} (${finished.error?.message ?? '?'})`);
    }
    this.#models = await host.invoke('model:list');
    const done = ok.filter(Boolean).length;
    if (cancelled) {
      this.status.info('batch.cancelled', { done, total });
      return;
    }
    if (done === 0) {
      this.#runError = failed.join('; ');
      this.status.error('batch.allFailed', { list: failed.join('; ') });
      return;
    }
    const vars = () => this.#project?.datasets.find((d) => d.id === dataset.id)?.variables ?? dataset.variables;
    const table = batchTable(input, members, ok, splits, { zh: labelIn(vars, 'zh'), en: labelIn(vars, 'en') });
    const modelIds = ids.filter((_, i) => ok[i]);
    // the same batch run again updates its table instead of adding a copy
    await this.pipeline.load();
    const again = this.pipeline.tablesOf(table.section).find((x) => x.title.en === table.title.en && x.modelIds.length === modelIds.length && x.modelIds.every((id, i) => id === modelIds[i]));
    const saved = await host.invoke('pipeline:save', { ...(again ? { id: again.id, ...(again.key ? { key: again.key } : {}) } : {}), section: table.section, title: table.title, modelIds, options: table.options });
    await this.pipeline.load();
    this.setTab('pipeline');
    revealTable(saved.id);
    const params = { n: done, title: table.title[i18n.lang], section: tKey(`pipeline.section.${table.section}`) };
    if (failed.length > 0) this.status.error('batch.doneFailed', { ...params, failed: failed.length, list: failed.join('; ') });
    else this.status.info('batch.done', params);
  }

  /** Stops a batch: the model running now is cancelled, the rest are not started. */
  stopBatch(): Promise<void> {
    this.#batchStop = true;
    return this.#guard(() => this.jobs.cancel());
  }

  cancelJob(): Promise<void> {
    if (this.#batch) this.#batchStop = true;
    return this.#guard(() => this.jobs.cancel());
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Runs a user action; host errors become a status message instead of an exception. */
  async #guard(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (err instanceof HostError && err.code === 'CONNECTION') this.status.error('error.connection');
      else if (err instanceof HostError && err.code === 'UNAUTHORIZED') this.status.error('error.token');
      else this.status.error('error.generic', { message: errorMessage(err) });
    }
  }

  #saveView(): void {
    if (!this.#project) return;
    const view: SavedView = { datasetId: this.#datasetId, modelId: this.#modelId, tab: this.#tab };
    try {
      localStorage.setItem(VIEW_KEY + this.#project.path, JSON.stringify(view));
    } catch {
      // The view is a convenience; losing it only means the first dataset shows after a reload.
    }
  }
}

/** Most models a batch may make (a table takes at most 50 columns). */
const MAX_BATCH = 50;

/** A variable's label in a language (else its name), for table titles. */
function labelIn(variables: () => readonly { name: string; label: { zh?: string; en?: string } }[], lang: Lang): (name: string) => string {
  return (name) => variables().find((v) => v.name === name)?.label[lang]?.trim() || name;
}

function totalMs(timing: Record<string, number> | undefined): number {
  if (!timing) return 0;
  if (typeof timing.total === 'number') return timing.total;
  return Object.values(timing).reduce((a, b) => a + b, 0);
}

