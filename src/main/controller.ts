// The IPC handlers, free of Electron: Electron's ipcMain and the browser-mode HTTP server both call
// AppController.invoke(channel, args). Every argument is validated against the contract in
// src/shared/ipc.ts (the renderer is untrusted); every error returns as an envelope.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ENGINE_VERSION } from '../engine/version.js';
import { AppError, type Envelope, toErrorInfo } from '../shared/errors.js';
import { type ArgsOf, type Channel, type EventMap, type EventName, type ResultOf, channels, isChannel } from '../shared/ipc.js';
import { canonicalJson } from '../shared/spec.js';
import type { ProjectInfo } from '../shared/types.js';
import { validateSpec } from '../shared/validate.js';
import { exportDataset } from '../store/export-file.js';
import { listXlsxSheets } from '../store/import/xlsx.js';
import { type ColumnType, changeStagingTypes } from '../store/import/change-types.js';
import { applyModelColumns, applyToolOutput } from '../store/apply-tool.js';
import { distinctValues } from '../store/distinct.js';
import { writeCombined } from '../store/write-dataset.js';
import { collectTable } from '../shared/table.js';
import { defaultTableTitle } from '../shared/table-layout.js';
import { isTableFileFormat, renderTableFile } from '../store/table-file.js';
import { describeInputs } from '../shared/describe.js';
import { type ToolRequest, checkToolRequest } from '../shared/tools.js';
import { finishImport, importFile } from '../store/import/import-file.js';
import { ProjectStore } from '../store/project.js';
import { toolTableModel } from '../shared/measure.js';
import { buildExample003 } from '../store/examples/paper003.js';
import { buildExample000 } from '../store/examples/paper000.js';
import { describeProject } from '../store/project-description.js';
import { CODE_EXTENSION, codeLangOfPath, generateCode } from '../shared/codegen/index.js';
import type { JobHost } from './job-host.js';
import { type ClipboardWriter, writeClipboard } from './clipboard.js';
import { checkGroups, distributionChart, exportChart, exportTableModel } from './exports.js';
import { RecentList } from './recent.js';
import { DataViews, dropVariables, setVariableLabel } from './data-view.js';

export type PickPurpose = ArgsOf<'dialog:pick'>['purpose'];

export interface ControllerOptions {
  mode: 'electron' | 'web';
  version: string;
  home: string;
  jobs: JobHost;
  emit: <E extends EventName>(event: E, payload: EventMap[E]) => void;
  /** Native file dialogs (Electron); absent in browser mode, where the renderer asks for paths. */
  pick?: (purpose: PickPurpose) => Promise<string | null>;
  /** Electron's clipboard.write (Copy for Word with RTF); absent in browser mode. */
  clipboard?: ClipboardWriter;
  nativeBinding?: string;
}

type Handlers = { [C in Channel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> | ResultOf<C> };

export const PROJECT_EXTENSION = '.pstudio';

export class AppController {
  private store: ProjectStore | null = null;
  private readonly recent: RecentList;
  /** Paths the user chose in a dialog (Electron): the only ones main will touch. */
  private readonly approved = new Set<string>();
  private readonly imports = new Map<string, AbortController>();
  private readonly handlers: Handlers;
  private readonly views: DataViews;

  constructor(private readonly opts: ControllerOptions) {
    this.recent = new RecentList(opts.home);
    this.views = new DataViews(opts.jobs);
    this.handlers = {
      'app:info': () => ({ version: opts.version, engineVersion: ENGINE_VERSION, mode: opts.mode, platform: process.platform }),
      'project:current': () => (this.store ? this.store.info() : null),
      'project:new': ({ path }) => this.setProject(ProjectStore.create(this.projectPath(path), this.storeOpts())),
      'project:open': ({ path }) => {
        const target = this.checkPath(path);
        // re-opening the project this window has open (e.g. after a page reload) takes over its lock
        if (this.store && resolve(this.store.path) === resolve(target)) this.closeProject();
        return this.setProject(ProjectStore.open(target, this.storeOpts()));
      },
      'project:example': ({ name }) => {
        // built once in the user's folder (about two seconds), then opened like any project
        const target = join(this.opts.home, 'examples', `${name}.pstudio`);
        if (this.store && resolve(this.store.path) === resolve(target)) this.closeProject();
        if (!existsSync(target)) {
          mkdirSync(dirname(target), { recursive: true });
          (name === 'paper000' ? buildExample000 : buildExample003)(target).close();
        }
        return this.setProject(ProjectStore.open(target, this.storeOpts()));
      },
      'project:save': () => {
        const store = this.requireProject();
        store.save();
        return store.info();
      },
      'project:saveAs': ({ path }) => {
        const target = this.projectPath(path);
        this.requireProject().saveCopy(target);
        return this.setProject(ProjectStore.open(target, this.storeOpts()));
      },
      'project:close': () => {
        this.closeProject();
        this.opts.emit('project:changed', null);
        return null;
      },
      'project:recent': () => this.recent.list(),
      'project:exportCode': ({ lang, path }) => {
        // code export (docs/code-export.md): written only to a path chosen in the dialog
        const store = this.requireProject();
        const chosen = this.checkPath(path);
        const asked = codeLangOfPath(chosen);
        if (extname(chosen) && asked !== lang) throw new AppError('INVALID_ARGUMENT', `${basename(chosen)}: a ${lang === 'stata' ? 'Stata do-file needs a .do' : 'R script needs a .R'} file name`);
        const target = extname(chosen) ? chosen : `${chosen}${CODE_EXTENSION[lang]}`;
        const text = generateCode(describeProject(store, { generator: opts.version }), lang);
        writeFileSync(target, text, 'utf8');
        return { path: target, lang, lines: text.split('\n').length - 1 };
      },
      'dialog:pick': async ({ purpose }) => {
        if (!opts.pick) throw new AppError('INVALID_ARGUMENT', 'file dialogs are shown by the page in browser mode');
        const path = await opts.pick(purpose);
        if (!path) return null;
        this.approved.add(resolve(path));
        return { path };
      },
      'dataset:import': (args) => this.importDataset(args),
      'dataset:sheets': ({ path }) => listXlsxSheets(this.checkPath(path)),
      'dataset:importCommit': ({ stagingId, types }) => this.commitHeldImport(stagingId, types),
      'dataset:importDiscard': ({ stagingId }) => {
        this.discardHeldImport(stagingId);
        return null;
      },
      'dataset:list': () => this.requireProject().listDatasets(),
      'dataset:rows': ({ datasetId, offset, limit, variables }) => this.requireProject().readRows(datasetId, offset, limit, variables),
      'dataset:levels': ({ datasetId, variable, max }) => distinctValues(this.requireProject().readColumn(datasetId, variable), max ?? 50),
      'dataset:export': ({ datasetId, path, variables }) => exportDataset(this.requireProject(), datasetId, this.checkPath(path), variables),
      'dataset:delete': ({ datasetId }) => {
        this.requireProject().deleteDataset(datasetId);
        this.opts.emit('project:changed', this.requireProject().info());
        return null;
      },
      'dataset:setPanel': ({ datasetId, panel }) => {
        const ds = this.requireProject().setPanel(datasetId, panel ?? null);
        this.opts.emit('project:changed', this.requireProject().info());
        return ds;
      },
      'dataset:filter': ({ datasetId, condition }) => this.views.filter(this.requireProject(), datasetId, condition),
      'dataset:filteredRows': ({ datasetId, filterId, offset, limit }) => this.views.page(this.requireProject(), datasetId, filterId, offset, limit),
      'dataset:column': ({ datasetId, variable, condition, bins }) => this.views.column(this.requireProject(), datasetId, variable, condition, bins),
      'dataset:setLabel': ({ datasetId, variable, label }) => {
        const ds = setVariableLabel(this.requireProject(), datasetId, variable, label);
        this.opts.emit('project:changed', this.requireProject().info());
        return ds;
      },
      'dataset:dropVariables': ({ datasetId, variables }) => {
        const ds = dropVariables(this.requireProject(), datasetId, variables);
        this.opts.emit('project:changed', this.requireProject().info());
        return ds;
      },
      'tool:run': (args) => this.runTool(args),
      'tooltable:export': ({ table, path, lang }) => {
        const target = this.checkPath(path);
        const format = extname(target).slice(1).toLowerCase();
        if (!isTableFileFormat(format)) throw new AppError('INVALID_ARGUMENT', `${basename(target)}: choose a .docx, .xlsx, .tex, .md, .csv or .html file name`);
        const rows = table.rows.map((r, i) => {
          if (!r || typeof r !== 'object' || Array.isArray(r)) throw new AppError('INVALID_ARGUMENT', `tooltable:export.table.rows[${i}]: expected an object`);
          const out: Record<string, string | number | null> = {};
          for (const [k, v] of Object.entries(r as Record<string, unknown>)) out[k] = typeof v === 'number' || typeof v === 'string' ? v : null;
          return out;
        });
        const l = lang ?? 'en';
        const model = toolTableModel({ ...table, rows }, { lang: l });
        writeFileSync(target, renderTableFile(model, format, { lang: l, title: table.title[l] }, basename(target)));
        return { path: target, rows: rows.length };
      },
      'table:export': ({ modelIds, path, lang, options }) => {
        const store = this.requireProject();
        const target = this.checkPath(path);
        const format = extname(target).slice(1).toLowerCase();
        if (!isTableFileFormat(format)) throw new AppError('INVALID_ARGUMENT', `${basename(target)}: choose a .docx, .xlsx, .tex, .md, .csv or .html file name`);
        if (modelIds.length === 0) throw new AppError('INVALID_ARGUMENT', 'choose at least one estimated model for the table');
        const results = modelIds.map((id) => {
          const r = store.latestResult(id);
          if (!r) throw new AppError('NOT_FOUND', `model ${id} has no result yet; run it first`);
          return r.result;
        });
        const l = lang ?? 'en';
        // Word and Excel files are bytes, the text formats UTF-8.
        const { title, labels, groups, ...collect } = options ?? {};
        const labelMap = labels && typeof labels === 'object' && !Array.isArray(labels) ? Object.fromEntries(Object.entries(labels as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string> : undefined;
        if (collect.stars && !collect.stars.every((p) => p > 0 && p < 1)) throw new AppError('INVALID_ARGUMENT', 'star thresholds must be between 0 and 1 (e.g. 0.1, 0.05, 0.01)');
        const model = collectTable(results, { lang: l, ...collect, ...(labelMap ? { labels: labelMap } : {}) });
        const g = checkGroups(groups, results.length);
        writeFileSync(target, renderTableFile(model, format, { lang: l, title: title ?? defaultTableTitle(l), ...(g ? { groups: g } : {}) }, basename(target)));
        return { path: target, columns: results.length };
      },
      'chart:export': ({ path, ...drawn }) => exportChart(this.checkPath(path), drawn),
      'chart:distribution': (args) => distributionChart(this.requireProject(), args),
      'table:exportModel': ({ path, ...rest }) => exportTableModel(this.checkPath(path), rest),
      'clipboard:write': (flavours) => writeClipboard(opts.clipboard, flavours),
      'combine:run': async (request) => {
        const store = this.requireProject();
        for (const n of [request.master, request.using]) if (!store.findDataset(n)) throw new AppError('NOT_FOUND', `there is no dataset "${n}" in this project`);
        if (store.findDataset(request.name)) throw new AppError('INVALID_ARGUMENT', `a dataset named "${request.name}" already exists; choose another name`);
        const out = await this.opts.jobs.runCombine({ type: 'combine', jobId: randomUUID(), request, projectPath: store.path });
        if (this.store !== store || !store.isOpen) throw new AppError('CANCELLED', 'the project was closed meanwhile; nothing was written');
        const dataset = writeCombined(store, request, out.nrows, out.columns, out.report);
        this.opts.emit('project:changed', store.info());
        return { dataset, report: out.report };
      },
      'describe:run': ({ datasetId, ...request }) => {
        const store = this.requireProject();
        const ds = store.getDataset(datasetId);
        for (const v of describeInputs(request)) if (!ds.variables.some((x) => x.name === v)) throw new AppError('NOT_FOUND', `variable "${v}" is not in the dataset`);
        return this.opts.jobs.runDescribe({ type: 'describe', jobId: randomUUID(), request, projectPath: store.path, datasetId });
      },
      'estimate:run': (args) => this.startEstimate(args),
      'job:cancel': ({ jobId }) => {
        const imp = this.imports.get(jobId);
        if (imp) {
          imp.abort();
          return { cancelled: true };
        }
        return { cancelled: this.opts.jobs.cancel(jobId) };
      },
      'model:list': () => this.requireProject().listModels(),
      'model:delete': ({ modelId }) => {
        this.requireProject().deleteModel(modelId);
        return null;
      },
      'result:get': ({ modelId }) => this.requireProject().latestResult(modelId),
      'pipeline:list': () => this.requireProject().pipelineInfo(),
      'pipeline:save': ({ id, ...input }) => this.requireProject().savePipelineTable(input, id),
      'pipeline:delete': ({ id }) => {
        this.requireProject().deletePipelineTable(id);
        return null;
      },
      'pipeline:move': ({ id, section, index }) => this.requireProject().movePipelineTable(id, section, index),
    };
  }

  /** Validate and run one call; never throws. */
  async invoke(channel: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    try {
      if (!isChannel(channel)) throw new AppError('INVALID_ARGUMENT', `unknown request "${String(channel).slice(0, 80)}"`);
      const args = channels[channel].args.parse(rawArgs, channel);
      const handler = this.handlers[channel] as (a: unknown) => unknown;
      return { ok: true, value: await handler(args) };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  }

  /** Typed call for in-process users (tests, CLI-like callers); throws AppError. */
  async call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    const r = await this.invoke(channel, args);
    if (!r.ok) throw new AppError(r.error.code, r.error.message);
    return r.value as ResultOf<C>;
  }

  /** Approve a path chosen outside the dialogs (browser-mode uploads). */
  approve(path: string): void {
    this.approved.add(resolve(path));
  }

  dispose(): void {
    for (const a of this.imports.values()) a.abort();
    this.opts.jobs.dispose();
    this.closeProject();
  }

  // ------------------------------------------------------------------ helpers

  private storeOpts() {
    return this.opts.nativeBinding ? { nativeBinding: this.opts.nativeBinding } : {};
  }

  private checkPath(path: string): string {
    if (!isAbsolute(path)) throw new AppError('INVALID_ARGUMENT', `${path}: give a full path (absolute), e.g. /home/me/data.csv`);
    const full = resolve(path);
    if (this.opts.mode === 'electron' && !this.approved.has(full) && !this.recent.list().some((e) => e.path === full)) {
      throw new AppError('INVALID_ARGUMENT', `${path} was not chosen in a file dialog`);
    }
    return full;
  }

  private projectPath(path: string): string {
    const full = this.checkPath(path);
    return extname(full) ? full : `${full}${PROJECT_EXTENSION}`;
  }

  private requireProject(): ProjectStore {
    if (!this.store?.isOpen) throw new AppError('NO_PROJECT', 'no project is open; create or open a project first');
    return this.store;
  }

  private setProject(store: ProjectStore): ProjectInfo {
    this.closeProject();
    this.store = store;
    this.recent.touch(store.path);
    this.approved.add(store.path);
    const info = store.info();
    this.opts.emit('project:changed', info);
    return info;
  }

  private closeProject(): void {
    for (const id of [...this.held.keys()]) this.discardHeldImport(id);
    for (const a of this.imports.values()) a.abort();
    this.views.clear();
    this.store?.close();
    this.store = null;
  }

  /** Imports waiting in the staging area for the user's preview: staging id → log entry. */
  private readonly held = new Map<number, { logId: number; warnings: string[] }>();

  private commitHeldImport(stagingId: number, types: unknown): ResultOf<'dataset:importCommit'> {
    const store = this.requireProject();
    const h = this.held.get(stagingId);
    if (!h) throw new AppError('NOT_FOUND', 'this import is no longer waiting (it was committed, discarded or the project was closed)');
    if (types === null || typeof types !== 'object' || Array.isArray(types)) throw new AppError('INVALID_ARGUMENT', 'types must map variable names to "numeric" or "text"');
    const wanted: Record<string, ColumnType> = {};
    for (const [k, v] of Object.entries(types)) {
      if (v !== 'numeric' && v !== 'text') throw new AppError('INVALID_ARGUMENT', `type of "${k}" must be "numeric" or "text"`);
      wanted[k] = v;
    }
    const warnings = changeStagingTypes(store, stagingId, wanted);
    const dataset = finishImport(store, stagingId, h.logId);
    this.held.delete(stagingId);
    this.opts.emit('project:changed', store.info());
    return { dataset, warnings: [...h.warnings, ...warnings] };
  }

  private discardHeldImport(stagingId: number): void {
    const h = this.held.get(stagingId);
    if (!h) return;
    this.held.delete(stagingId);
    if (this.store?.isOpen) {
      this.store.abortDataset(stagingId);
      this.store.logEnd(h.logId, 'failed', { error: 'import discarded at the preview' });
    }
  }

  private async importDataset({ path, name, sheet, headerRow, preview }: ArgsOf<'dataset:import'>): Promise<ResultOf<'dataset:import'>> {
    const store = this.requireProject();
    const full = this.checkPath(path);
    const jobId = randomUUID();
    const abort = new AbortController();
    this.imports.set(jobId, abort);
    let last = -1;
    try {
      const summary = await importFile(store, full, {
        ...(name ? { name } : {}),
        ...(sheet !== undefined ? { sheet } : {}),
        ...(headerRow !== undefined ? { headerRow } : {}),
        ...(preview ? { hold: true } : {}),
        signal: abort.signal,
        onProgress: (fraction) => {
          if (fraction - last < 0.02 && fraction < 1) return;
          last = fraction;
          this.opts.emit('job:progress', { jobId, kind: 'import', stage: 'import', fraction, label: full });
        },
      });
      this.opts.emit('job:finished', { jobId, kind: 'import', ok: true, datasetId: summary.dataset.id });
      if (summary.held) {
        this.held.set(summary.held.stagingId, { logId: summary.held.logId, warnings: summary.warnings });
        return { ...summary, preview: store.readRows(summary.held.stagingId, 0, 20, undefined, { staging: true }) };
      }
      this.opts.emit('project:changed', store.info());
      return summary;
    } catch (err) {
      this.opts.emit('job:finished', { jobId, kind: 'import', ok: false, error: toErrorInfo(err) });
      throw err;
    } finally {
      this.imports.delete(jobId);
    }
  }

  /** A variable tool: validated here, computed in the worker, written by the store in one transaction. */
  private async runTool({ datasetId, tool, params }: ArgsOf<'tool:run'>): Promise<ResultOf<'tool:run'>> {
    const store = this.requireProject();
    const dataset = store.getDataset(datasetId);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new AppError('INVALID_ARGUMENT', 'tool parameters must be an object');
    const request: ToolRequest = { tool, params: params as ToolRequest['params'] };
    const others = new Map(store.listDatasets().map((d) => [d.name, d.variables]));
    const problems = checkToolRequest(request, dataset.variables, dataset.panel ?? null, others);
    if (problems.length > 0) throw new AppError('INVALID_ARGUMENT', problems.map((p) => p.message).join('; '));
    const jobId = randomUUID();
    const output = await this.opts.jobs.runTool({ type: 'tool', jobId, request, projectPath: store.path, datasetId });
    if (this.store !== store || !store.isOpen) throw new AppError('CANCELLED', 'the project was closed while the tool ran; nothing was written');
    const { dataset: after, written } = applyToolOutput(store, datasetId, request, output);
    this.opts.emit('project:changed', store.info());
    return { dataset: after, written, warnings: output.warnings, describe: output.describe, ...(output.tables ? { tables: output.tables } : {}) };
  }

  private startEstimate({ datasetId, spec: rawSpec, name, modelId: existing }: ArgsOf<'estimate:run'>): ResultOf<'estimate:run'> {
    const store = this.requireProject();
    const dataset = store.getDataset(datasetId);
    const spec = validateSpec(rawSpec, dataset.variables);
    const specHash = createHash('sha256').update(canonicalJson({ datasetId, spec })).digest('hex');
    const modelName = name?.trim() || `(${store.listModels().length + 1}) ${spec.y}`;
    const modelId = store.saveModel({ name: modelName, datasetId, spec, ...(existing ? { modelId: existing } : {}) });
    const jobId = randomUUID();
    const finish = (ok: boolean, error?: { code: string; message: string }, cached?: boolean) =>
      this.opts.emit('job:finished', { jobId, kind: 'estimate', ok, modelId, ...(error ? { error } : {}), ...(cached ? { cached } : {}) });

    const cached = store.findCachedResult(specHash, dataset.version, ENGINE_VERSION);
    if (cached) {
      store.addResult(modelId, specHash, dataset.version, cached);
      queueMicrotask(() => finish(true, undefined, true));
      return { jobId, modelId };
    }
    this.opts.emit('job:progress', { jobId, kind: 'estimate', stage: 'queued', fraction: 0 });
    this.opts.jobs
      .runWithColumns({ type: 'run', jobId, spec, projectPath: store.path, datasetId }, (stage, fraction) =>
        this.opts.emit('job:progress', { jobId, kind: 'estimate', stage, fraction }),
      )
      .then(
        ({ result, columns }) => {
          if (this.store !== store || !store.isOpen) return; // project closed meanwhile: drop it
          let version = dataset.version;
          if (columns.length > 0) {
            // psm: psmatch2's variables go into the dataset (the matched sample for later models)
            version = applyModelColumns(store, datasetId, { name: modelName, spec }, columns).version;
            this.opts.emit('project:changed', store.info());
          }
          store.addResult(modelId, specHash, version, result, { readVersion: dataset.version, written: columns.map((c) => c.name) });
          finish(true);
        },
        (err: unknown) => {
          const info = toErrorInfo(err);
          if (this.store === store && store.isOpen) store.setModelFailed(modelId, info.message);
          finish(false, info);
        },
      );
    return { jobId, modelId };
  }
}
