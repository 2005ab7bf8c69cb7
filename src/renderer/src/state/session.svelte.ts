// The application session: the open project, its datasets and models, what is selected, the
// displayed result. Large host payloads are $state.raw (replaced, never mutated). The view
// (selected dataset, model and tab) is remembered per project so a reload restores it.
import type { AppInfo, ArgsOf } from '../../../shared/ipc.js';
import type { DatasetInfo, ImportSummary, ModelSummary, ProjectInfo, RecentEntry, StoredResult } from '../../../shared/types.js';
import { HostError, errorMessage, host } from '../host.js';
import { i18n, t } from '../i18n.svelte.js';
import { count } from '../lib/format.js';
import { JobsState } from './jobs.svelte.js';
import { ModelForm } from './modelForm.svelte.js';
import type { ToolRunSummary } from '../../../shared/ipc.js';
import { ToolForm } from './toolForm.svelte.js';
import { PipelineState } from './pipeline.svelte.js';
import { StatusState } from './status.svelte.js';
import { ESTIMATORS } from '../../../shared/estimators/index.js';
import { type ModelSpec, canonicalJson, normalizeSpec } from '../../../shared/spec.js';

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
      if (!dataset || !this.form.valid || this.jobs.busy) return;
      this.#runError = null;
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

  cancelJob(): Promise<void> {
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

function totalMs(timing: Record<string, number> | undefined): number {
  if (!timing) return 0;
  if (typeof timing.total === 'number') return timing.total;
  return Object.values(timing).reduce((a, b) => a + b, 0);
}

