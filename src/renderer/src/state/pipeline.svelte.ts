// The paper pipeline in the renderer (issue 11): the project's tables by section with each model's
// freshness (pipeline:list), the results their previews need (cached by result id), and runs of a
// table, a section or the whole pipeline through the job queue — one model at a time, in run
// order, skipping models already fresh (re-checked before each model, because a psm step changes
// the data of the models after it). Replies to an older list request are dropped.
import type { SummaryResult } from '../../../shared/describe.js';
import type { ArgsOf } from '../../../shared/ipc.js';
import { type Freshness, type PipelineInfo, type PipelineSection, type PipelineTable, type PipelineTableInput, type PipelineModelState, runOrder, tableColumns } from '../../../shared/pipeline.js';
import type { EstimationResult } from '../../../shared/result.js';
import type { ModelSummary } from '../../../shared/types.js';
import { host } from '../host.js';
import type { JobsState } from './jobs.svelte.js';
import type { StatusState } from './status.svelte.js';

export interface PipelineDeps {
  jobs: JobsState;
  status: StatusState;
  models: () => ModelSummary[];
  refreshModels: () => Promise<void>;
  /** Runs an action; host errors become a status message. */
  guard: (action: () => Promise<void>) => Promise<void>;
}

/** What a model row shows: its freshness, or that it is running / waiting in this run. */
export type ModelBadge = Freshness | 'running' | 'queued';

export class PipelineState {
  readonly #deps: PipelineDeps;
  #info = $state.raw<PipelineInfo | null>(null);
  #results = $state.raw<Map<number, EstimationResult>>(new Map());
  #summaries = $state.raw<Map<number, SummaryResult>>(new Map());
  #queue = $state.raw<number[]>([]);
  #current = $state<number | null>(null);
  #stop = false;
  #revision = 0;
  #latest: Promise<void> = Promise.resolve();

  #states = $derived(new Map((this.#info?.models ?? []).map((s) => [s.modelId, s])));

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
  }

  get tables(): PipelineTable[] {
    return this.#info?.tables ?? [];
  }
  get loaded(): boolean {
    return this.#info !== null;
  }
  /** A run of several models is under way (Stop ends it after the current model). */
  get running(): boolean {
    return this.#current !== null || this.#queue.length > 0;
  }

  tablesOf(section: PipelineSection): PipelineTable[] {
    return this.tables.filter((t) => t.section === section);
  }

  state(modelId: number): PipelineModelState | undefined {
    return this.#states.get(modelId);
  }

  badge(modelId: number): ModelBadge {
    if (this.#current === modelId) return 'running';
    if (this.#queue.includes(modelId)) return 'queued';
    return this.#states.get(modelId)?.status ?? 'notRun';
  }

  /** The stored results of a table's columns, or null while one is missing. */
  columnResults(t: PipelineTable): EstimationResult[] | null {
    const out: EstimationResult[] = [];
    for (const id of tableColumns(t)) {
      const m = this.#deps.models().find((x) => x.id === id);
      const r = m?.resultId != null ? this.#results.get(m.resultId) : undefined;
      if (!r) return null;
      out.push(r);
    }
    return out.length > 0 ? out : null;
  }

  summary(tableId: number): SummaryResult | null {
    return this.#summaries.get(tableId) ?? null;
  }

  reset(): void {
    this.#revision++;
    this.#info = null;
    this.#results = new Map();
    this.#summaries = new Map();
  }

  /** load(), with errors in the status bar (for effects). */
  refresh(): Promise<void> {
    return this.#deps.guard(() => this.load());
  }

  /**
   * Lists the tables and states, then fetches the results the previews lack. Resolves once the
   * newest listing has arrived (a run checks freshness right after it, and a view refresh may have
   * started a newer one meanwhile).
   */
  async load(): Promise<void> {
    let current = this.#fetch(++this.#revision);
    this.#latest = current;
    await current;
    while (this.#latest !== current) {
      current = this.#latest;
      await current;
    }
  }

  async #fetch(revision: number): Promise<void> {
    const info = await host.invoke('pipeline:list');
    if (revision !== this.#revision) return;
    this.#info = info;
    const wanted = new Map<number, number>(); // result id → model id
    for (const t of info.tables)
      for (const id of tableColumns(t)) {
        const m = this.#deps.models().find((x) => x.id === id);
        if (m?.resultId != null && !this.#results.has(m.resultId)) wanted.set(m.resultId, id);
      }
    if (wanted.size === 0) return;
    const next = new Map(this.#results);
    for (const modelId of wanted.values()) {
      const r = await host.invoke('result:get', { modelId });
      if (r) next.set(r.id, r.result);
    }
    this.#results = next;
  }

  save(input: PipelineTableInput & { id?: number }): Promise<void> {
    return this.#deps.guard(async () => {
      const { key, ...rest } = input;
      await host.invoke('pipeline:save', { ...rest, ...(key ? { key } : {}) } satisfies ArgsOf<'pipeline:save'>);
      await this.load();
      this.#deps.status.info('pipeline.saved', { title: input.title.zh ?? input.title.en ?? '' });
    });
  }

  remove(id: number): Promise<void> {
    return this.#deps.guard(async () => {
      await host.invoke('pipeline:delete', { id });
      await this.load();
    });
  }

  move(id: number, section: PipelineSection, index?: number): Promise<void> {
    return this.#deps.guard(async () => {
      await host.invoke('pipeline:move', { id, section, ...(index !== undefined ? { index } : {}) });
      await this.load();
    });
  }

  /** Descriptive statistics of a descriptive table (in the worker, like the Describe tab). */
  describe(t: PipelineTable): Promise<void> {
    const d = t.describe;
    if (!d) return Promise.resolve();
    return this.#deps.guard(async () => {
      const r = await this.#deps.jobs.track('tool', () => host.invoke('describe:run', { datasetId: d.datasetId, kind: 'summarize', variables: [...d.variables] }));
      if (r.kind !== 'summarize') return;
      this.#summaries = new Map(this.#summaries).set(t.id, r);
    });
  }

  runTables(tables: readonly PipelineTable[]): Promise<void> {
    return this.runModels(runOrder(tables));
  }

  /** Stops a run after the model that is running now. */
  stop(): void {
    this.#stop = true;
  }

  /** Estimates the models that are not fresh, in this order, one job at a time. */
  runModels(ids: readonly number[]): Promise<void> {
    return this.#deps.guard(async () => {
      if (this.running || this.#deps.jobs.busy || ids.length === 0) return;
      this.#stop = false;
      this.#queue = [...ids];
      let ran = 0;
      let failed = 0;
      let fresh = 0;
      try {
        for (const id of ids) {
          if (this.#stop) break;
          this.#queue = this.#queue.filter((x) => x !== id);
          await this.load(); // a step before may have changed the data
          const model = this.#deps.models().find((m) => m.id === id);
          if (!model) continue;
          if (this.#states.get(id)?.status === 'fresh') {
            fresh++;
            continue;
          }
          this.#current = id;
          try {
            const finished = await this.#deps.jobs.estimate({ datasetId: model.datasetId, spec: model.spec, name: model.name, modelId: model.id });
            if (finished.ok) ran++;
            else if (finished.error?.code === 'CANCELLED') this.#stop = true;
            else failed++;
          } catch {
            failed++; // refused before it started (a variable gone): the next models still run
          }
          await this.#deps.refreshModels();
        }
      } finally {
        this.#current = null;
        this.#queue = [];
        await this.load();
      }
      if (failed > 0) this.#deps.status.error('pipeline.ranFailed', { ran, failed, fresh });
      else this.#deps.status.info(this.#stop ? 'pipeline.stopped' : 'pipeline.ran', { ran, fresh });
    });
  }
}
