// The project file (*.pstudio): one SQLite file in WAL mode. Every multi-row write runs in one
// transaction; imports write into a hidden 'staging' dataset and swap in with one short
// transaction, so a crash or kill mid-import leaves the last good state (staging rows are
// discarded at the next open and the operation log says the import did not finish).
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname } from 'node:path';
import Database from 'better-sqlite3';
import type { Column } from '../engine/data.js';
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import type { ModelSpec } from '../shared/spec.js';
import type { DatasetInfo, ModelSummary, ProjectInfo, Recipe, RowPage, StoredResult, VariableInfo, VariableType } from '../shared/types.js';
import { CHUNK_ROWS, decodeInto, encodeFloat64, encodeInt32 } from './codec.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import type { PipelineInfo, PipelineModelState, PipelineSection, PipelineTable, PipelineTableInput } from '../shared/pipeline.js';
import * as pipeline from './pipeline.js';
import { datasetStamps, hasStamps, inputsCurrent, parseInputs, recordInputs } from './stamps.js';

/**
 * How much of a project file read-only connections map: all of it (SQLite's ceiling,
 * SQLITE_MAX_MMAP_SIZE; address space, not memory). Mapped pages that were read count in the
 * process's resident memory until the connection closes (as page cache, reclaimable): the 10M-row
 * bench with its reader open through the models peaked at 3.1 GB of RSS, against 2.5 GB when each
 * model's reader closes after loading, as the worker's does (worker/run-job.ts).
 */
const READ_MMAP_BYTES = 0x7fff0000;

export interface OpenOptions {
  readonly?: boolean;
  /** Path of an alternative better-sqlite3 native module (the Electron-ABI build). */
  nativeBinding?: string;
}

export interface NewVariable {
  name: string;
  type: VariableType;
  levels?: string[];
  label?: { zh?: string; en?: string };
  /** Value labels of a numeric variable: code (as a string) → text (Stata value labels). */
  valueLabels?: Record<string, string>;
  recipe: Recipe;
  missing?: number;
}

interface VariableRow {
  id: number;
  dataset_id: number;
  name: string;
  position: number;
  type: VariableType;
  label_zh: string | null;
  label_en: string | null;
  levels: string | null;
  value_labels: string | null;
  recipe: string;
  missing: number;
}

interface DatasetRow {
  id: number;
  name: string;
  nrows: number;
  version: number;
  source: string;
  created_at: string;
  panel: string | null;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const now = () => new Date().toISOString();

/** Refuse, without writing to it, anything that is not a SQLite file. */
function assertSqliteFile(path: string): void {
  const name = basename(path);
  if (statSync(path).isDirectory()) throw new AppError('BAD_FILE', `${name} is a folder, not a project file`);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n < 16 || head.toString('latin1') !== SQLITE_MAGIC) {
      throw new AppError('BAD_FILE', `${name} is not a Panel Studio project (not a SQLite database file)`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The writer's lock beside a project (`P.pstudio.lock`, created exclusively): two windows or
 * processes never write the same project. Readers (the engine worker) take none. A lock left by a
 * process that no longer runs on this machine (a crash, a kill) is stale and taken over.
 */
export function lockPath(path: string): string {
  return `${path}.lock`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquireLock(path: string): void {
  const file = lockPath(path);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new AppError('BAD_FILE', `cannot create the lock file ${basename(file)} beside the project: ${(err as Error).message}`);
    }
    let holder: { pid?: number; host?: string; at?: string } = {};
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as typeof holder;
    } catch {
      // unreadable or half-written: treat as stale below only if it is old
    }
    const sameHost = holder.host === hostname();
    const stale = typeof holder.pid === 'number' ? sameHost && holder.pid !== process.pid && !processAlive(holder.pid) : Date.now() - statSync(file).mtimeMs > 60_000;
    if (!stale) {
      const who = holder.pid === process.pid ? 'this Panel Studio process' : `another Panel Studio window or process (pid ${holder.pid ?? '?'}${sameHost ? '' : ` on ${holder.host ?? 'another computer'}`})`;
      throw new AppError('PROJECT_LOCKED', `${basename(path)} is already open in ${who}; close it there first (if that program has crashed on another computer, delete ${basename(file)})`);
    }
    try {
      unlinkSync(file);
    } catch {
      // another process took it over first; the next attempt reports it
    }
  }
  throw new AppError('PROJECT_LOCKED', `${basename(path)} is being opened by another process; try again`);
}

function releaseLock(path: string): void {
  const file = lockPath(path);
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; host?: string };
    if (holder.pid === process.pid && holder.host === hostname()) unlinkSync(file);
  } catch {
    // already gone
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The rename itself survives a power cut only once the folder is synced (POSIX; not possible on Windows). */
function syncDirectory(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here
  }
}

/** What the last session left unfinished (a killed import, a tool run cut short), for the UI. */
export interface InterruptedOperation {
  kind: string;
  at: string;
  detail: Record<string, unknown>;
}

/** One line naming an unfinished operation: "import of firms.csv", "tool winsorize on panel". */
export function describeOperation(op: InterruptedOperation): string {
  const d = op.detail;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  if (op.kind === 'import') return `import of ${basename(text(d.file)) || text(d.dataset) || 'a file'} (rolled back: the dataset was not added)`;
  if (op.kind === 'tool') return `${text(d.tool) || 'a variable tool'} on ${text(d.dataset) || 'a dataset'} (rolled back: no variable was changed)`;
  if (op.kind === 'save') return 'saving the project (nothing was lost: every change made before it is kept)';
  if (op.kind === 'save-as') return `save as ${basename(text(d.target)) || 'a copy'} (no copy was made)`;
  return `${op.kind}${text(d.name) ? ` into ${text(d.name)}` : ''}`;
}

/** Where saveCopy writes the copy before renaming it to `target`. */
export function partialCopyPath(target: string): string {
  return `${target}.partial`;
}

/**
 * Test hook for the kill tests (test/store/kill-save.test.ts): PANEL_STUDIO_TEST_PAUSE=<point>
 * stops this process at that point of a save, after saying so on stderr, until it is killed.
 */
function testPause(point: string): void {
  if (process.env.PANEL_STUDIO_TEST_PAUSE !== point) return;
  process.stderr.write(`paused at ${point}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

export class ProjectStore {
  readonly path: string;
  readonly readonly: boolean;
  private readonly db: Database.Database;
  private readonly chunkCache = new Map<string, Float64Array | Int32Array>();
  private readonly statements = new Map<string, Database.Statement>();
  private locked = false;
  /** Operations found unfinished when this project was opened (they were rolled back). */
  interrupted: InterruptedOperation[] = [];
  /** The copy made before migrating an older project format, if any. */
  backupPath: string | null = null;

  /** A project of format 1 opened read-only (so not migrated) has no panel column yet. */
  private get datasetColumns(): string {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    return `id, name, nrows, version, source, created_at, ${version >= 2 ? 'panel' : 'NULL AS panel'}`;
  }

  private constructor(path: string, db: Database.Database, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  /** Create a new, empty project file; refuses to overwrite an existing file. */
  static create(path: string, opts: OpenOptions = {}): ProjectStore {
    if (path !== ':memory:' && existsSync(path)) throw new AppError('BAD_FILE', `${basename(path)} already exists; choose another name or open it`);
    if (path !== ':memory:') acquireLock(path);
    let db: Database.Database;
    try {
      db = new Database(path, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
    } catch (err) {
      if (path !== ':memory:') releaseLock(path);
      throw err;
    }
    try {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      const store = new ProjectStore(path, db, false);
      store.locked = path !== ':memory:';
      store.configure();
      store.migrate();
      store.setMeta('created_at', now());
      return store;
    } catch (err) {
      db.close();
      if (path !== ':memory:') releaseLock(path);
      throw err;
    }
  }

  static open(path: string, opts: OpenOptions = {}): ProjectStore {
    const name = basename(path);
    if (path !== ':memory:') {
      if (!existsSync(path)) throw new AppError('NOT_FOUND', `project file ${path} does not exist`);
      assertSqliteFile(path);
    }
    const writer = !opts.readonly && path !== ':memory:';
    if (writer) acquireLock(path);
    let db: Database.Database;
    try {
      db = new Database(path, {
        readonly: !!opts.readonly,
        fileMustExist: true,
        ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
      });
    } catch (err) {
      if (writer) releaseLock(path);
      throw new AppError('BAD_FILE', `${name} cannot be opened: ${(err as Error).message}`);
    }
    try {
      const appId = db.pragma('application_id', { simple: true }) as number;
      if (appId !== APPLICATION_ID) throw new AppError('BAD_FILE', `${name} is a SQLite database but not a Panel Studio project`);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new AppError('BAD_FILE', `${name} was saved by a newer Panel Studio (project format ${version}; this version reads up to ${SCHEMA_VERSION}); update Panel Studio to open it`);
      }
      // Read-only connections (the engine worker's) read the column chunks through a memory map:
      // no read() system call and copy per page (12 columns of 2M rows: 0.22–0.24 → 0.13–0.14 s).
      // The file only grows while the app runs (no VACUUM, no auto-vacuum), so a mapped page is
      // never cut off under the reader.
      if (opts.readonly && path !== ':memory:') db.pragma(`mmap_size = ${READ_MMAP_BYTES}`);
      const store = new ProjectStore(path, db, !!opts.readonly);
      store.locked = writer;
      if (!opts.readonly) {
        if (version < SCHEMA_VERSION && path !== ':memory:') store.backupBeforeMigration(version);
        store.configure();
        store.migrate();
        store.recoverInterrupted();
      }
      return store;
    } catch (err) {
      db.close();
      if (writer) releaseLock(path);
      if (err instanceof AppError) throw err;
      // a damaged file (not a database, malformed schema, ...): refuse without writing
      throw new AppError('BAD_FILE', `${name} cannot be opened as a Panel Studio project: ${(err as Error).message}`);
    }
  }

  /**
   * Before migrating an older project format, copy the file (with its WAL folded in) to
   * `P.pstudio.format<N>.bak`: an older Panel Studio can still open the copy.
   */
  private backupBeforeMigration(version: number): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    let target = `${this.path}.format${version}.bak`;
    for (let i = 2; existsSync(target); i++) target = `${this.path}.format${version}.${i}.bak`;
    copyFileSync(this.path, target);
    this.backupPath = target;
  }

  private configure(): void {
    if (this.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
  }

  private migrate(): void {
    const from = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = from; v < SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /** Discard what a killed import left behind and note it in the operation log. */
  private recoverInterrupted(): void {
    const open = this.db.prepare(`SELECT id, at, kind, detail FROM oplog WHERE status = 'started' ORDER BY id`).all() as { id: number; at: string; kind: string; detail: string }[];
    const finished: number[] = [];
    this.interrupted = [];
    for (const r of open) {
      let detail: Record<string, unknown> = {};
      try {
        detail = JSON.parse(r.detail) as Record<string, unknown>;
      } catch {
        // keep an empty detail
      }
      if (r.kind === 'save-as' && typeof detail.target === 'string' && detail.partial === partialCopyPath(detail.target)) {
        // renamed into place (the last step) before the kill: the copy was made
        if (existsSync(detail.target) && !existsSync(detail.partial)) {
          finished.push(r.id);
          continue;
        }
        // a copy cut short left its partial file beside the target: ours to remove
        for (const f of ['', '-journal', '-wal', '-shm']) rmSync(`${detail.partial}${f}`, { force: true });
      }
      this.interrupted.push({ kind: r.kind, at: r.at, detail });
    }
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM datasets WHERE status = 'staging'`).run();
      for (const id of finished) this.db.prepare(`UPDATE oplog SET status = 'done' WHERE id = ?`).run(id);
      this.db.prepare(`UPDATE oplog SET status = 'interrupted' WHERE status = 'started'`).run();
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.chunkCache.clear();
    if (this.locked) {
      releaseLock(this.path);
      this.locked = false;
    }
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  // ---------------------------------------------------------------- meta, info, save

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  info(): ProjectInfo {
    return {
      path: this.path,
      name: basename(this.path, extname(this.path)),
      datasets: this.listDatasets(),
      savedAt: this.getMeta('saved_at'),
      interrupted: this.interrupted.map((op) => ({ kind: op.kind, at: op.at, what: describeOperation(op) })),
      backup: this.backupPath,
    };
  }

  /**
   * Every change is already committed; saving checkpoints the WAL into the main file. A kill during
   * the checkpoint loses nothing (the WAL is replayed at the next open); the entry in the operation
   * log, removed when the save finishes, makes the next open say that it did not.
   */
  save(): void {
    if (this.path === ':memory:') {
      this.setMeta('saved_at', now());
      return;
    }
    const logId = this.db.transaction(() => {
      this.setMeta('saved_at', now());
      return this.logStart('save', {});
    })();
    testPause('save:checkpoint');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.prepare('DELETE FROM oplog WHERE id = ?').run(logId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Write a consistent copy to `target` (VACUUM INTO); the caller reopens the copy. The copy is
   * written beside it (partialCopyPath), synced, and renamed to `target` only when complete, so a
   * kill or a full disk never leaves a half-written project under the chosen name.
   */
  saveCopy(target: string): void {
    if (existsSync(target)) throw new AppError('BAD_FILE', `${basename(target)} already exists; choose another name`);
    const partial = partialCopyPath(target);
    const logId = this.db.transaction(() => {
      this.setMeta('saved_at', now());
      return this.logStart('save-as', { target, partial });
    })();
    try {
      // what an earlier copy to the same name, killed half-way, left
      for (const f of ['', '-journal', '-wal', '-shm']) rmSync(`${partial}${f}`, { force: true });
      this.db.prepare('VACUUM INTO ?').run(partial);
      // the copy holds this save as 'started': finished there (rollback journal: no -wal to carry)
      this.db.prepare('ATTACH DATABASE ? AS copy').run(partial);
      try {
        this.db.pragma('copy.journal_mode = DELETE');
        this.db.prepare(`UPDATE copy.oplog SET status = 'done' WHERE id = ?`).run(logId);
      } finally {
        this.db.prepare('DETACH DATABASE copy').run();
      }
      syncFile(partial);
      testPause('save-as:copied');
      if (existsSync(target)) throw new AppError('BAD_FILE', `${basename(target)} already exists; choose another name`);
      renameSync(partial, target);
      syncDirectory(dirname(target));
      this.logEnd(logId, 'done');
    } catch (err) {
      for (const f of ['', '-journal', '-wal', '-shm']) rmSync(`${partial}${f}`, { force: true });
      this.logEnd(logId, 'failed', { error: err instanceof Error ? err.message : String(err) });
      if (err instanceof AppError) throw err;
      throw new AppError('BAD_FILE', `could not save a copy as ${basename(target)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ---------------------------------------------------------------- datasets

  listDatasets(): DatasetInfo[] {
    const rows = this.db.prepare(`SELECT ${this.datasetColumns} FROM datasets WHERE status = 'ready' ORDER BY id`).all() as DatasetRow[];
    return rows.map((r) => this.datasetInfo(r));
  }

  getDataset(id: number, opts: { staging?: boolean } = {}): DatasetInfo {
    const r = this.db.prepare(`SELECT ${this.datasetColumns} FROM datasets WHERE id = ? AND status = ?`).get(id, opts.staging ? 'staging' : 'ready') as DatasetRow | undefined;
    if (!r) throw new AppError('NOT_FOUND', `dataset ${id} does not exist in this project`);
    return this.datasetInfo(r);
  }

  findDataset(name: string): DatasetInfo | null {
    const r = this.db.prepare(`SELECT ${this.datasetColumns} FROM datasets WHERE name = ? AND status = 'ready'`).get(name) as DatasetRow | undefined;
    return r ? this.datasetInfo(r) : null;
  }

  private datasetInfo(r: DatasetRow): DatasetInfo {
    const vars = this.db.prepare('SELECT * FROM variables WHERE dataset_id = ? ORDER BY position').all(r.id) as VariableRow[];
    return {
      id: r.id,
      name: r.name,
      nrows: r.nrows,
      version: r.version,
      createdAt: r.created_at,
      source: r.source,
      ...(r.panel ? { panel: JSON.parse(r.panel) as { id: string; time: string } } : {}),
      variables: vars.map(toVariableInfo),
    };
  }

  /** Start a staging dataset: invisible until commitDataset. Returns its id and variable ids. */
  beginDataset(name: string, source: string, nrows: number, variables: NewVariable[]): { datasetId: number; variableIds: number[] } {
    return this.db.transaction(() => {
      const datasetId = Number(
        this.db.prepare(`INSERT INTO datasets(name, nrows, source, status, created_at) VALUES (?, ?, ?, 'staging', ?)`).run(name, nrows, source, now()).lastInsertRowid,
      );
      // a new dataset starts at version 1: its variables' first stamp
      const variableIds = variables.map((v, i) => this.insertVariable(datasetId, v, i, 1));
      return { datasetId, variableIds };
    })();
  }

  /** `stamp`: the dataset version of this write (stamps.ts). */
  private insertVariable(datasetId: number, v: NewVariable, position: number, stamp: number): number {
    return Number(
      this.db
        .prepare('INSERT INTO variables(dataset_id, name, position, type, label_zh, label_en, levels, value_labels, recipe, missing, stamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          datasetId,
          v.name,
          position,
          v.type,
          v.label?.zh ?? null,
          v.label?.en ?? null,
          v.levels ? JSON.stringify(v.levels) : null,
          v.valueLabels ? JSON.stringify(v.valueLabels) : null,
          JSON.stringify(v.recipe),
          v.missing ?? 0,
          stamp,
        ).lastInsertRowid,
    );
  }

  /**
   * Add whole columns to a ready dataset, or with `replace` overwrite existing ones (kept at their
   * position), in ONE transaction: either every column is written or none. The dataset's version goes
   * up and becomes the written variables' stamp: results that read them are stale, the others not.
   */
  writeVariables(datasetId: number, items: { variable: NewVariable; column: Float64Array | Int32Array }[], opts: { replace?: boolean; staging?: boolean } = {}): DatasetInfo {
    const ds = this.getDataset(datasetId, { staging: opts.staging === true });
    for (const { variable, column } of items) {
      if (column.length !== ds.nrows) throw new AppError('INTERNAL', `column "${variable.name}" has ${column.length} values for ${ds.nrows} rows`);
      if ((variable.type === 'numeric') !== column instanceof Float64Array) throw new AppError('INTERNAL', `column "${variable.name}" does not match its type`);
    }
    const names = new Set<string>();
    for (const { variable } of items) {
      if (names.has(variable.name)) throw new AppError('INVALID_ARGUMENT', `variable "${variable.name}" is written twice`);
      names.add(variable.name);
    }
    this.db.transaction(() => {
      let next = ds.variables.reduce((m, v) => Math.max(m, v.position + 1), 0);
      const ins = this.db.prepare('INSERT INTO chunks(variable_id, chunk, data) VALUES (?, ?, ?)');
      this.db.prepare('UPDATE datasets SET version = version + 1 WHERE id = ?').run(datasetId);
      const stamp = (this.db.prepare('SELECT version FROM datasets WHERE id = ?').get(datasetId) as { version: number }).version;
      for (const { variable, column } of items) {
        const old = ds.variables.find((v) => v.name === variable.name);
        if (old && !opts.replace) throw new AppError('INVALID_ARGUMENT', `variable "${variable.name}" already exists; choose another name or replace it`);
        if (old) this.db.prepare('DELETE FROM variables WHERE id = ?').run(old.id);
        const id = this.insertVariable(datasetId, variable, old ? old.position : next++, stamp);
        for (let c = 0; c * CHUNK_ROWS < ds.nrows; c++) {
          const part = column.subarray(c * CHUNK_ROWS, Math.min(ds.nrows, (c + 1) * CHUNK_ROWS));
          ins.run(id, c, part instanceof Float64Array ? encodeFloat64(part) : encodeInt32(part));
        }
      }
    })();
    return this.getDataset(datasetId, { staging: opts.staging === true });
  }

  /** Drop variables from a ready dataset (one transaction; version goes up). */
  dropVariables(datasetId: number, names: string[]): DatasetInfo {
    const ds = this.getDataset(datasetId);
    for (const n of names) if (!ds.variables.some((v) => v.name === n)) throw new AppError('NOT_FOUND', `variable "${n}" is not in the dataset`);
    if (names.length >= ds.variables.length) throw new AppError('INVALID_ARGUMENT', 'a dataset must keep at least one variable');
    this.db.transaction(() => {
      for (const n of names) this.db.prepare('DELETE FROM variables WHERE dataset_id = ? AND name = ?').run(datasetId, n);
      this.db.prepare('UPDATE datasets SET version = version + 1 WHERE id = ?').run(datasetId);
    })();
    return this.getDataset(datasetId);
  }

  /** Declare (or clear, with null) the panel structure of a dataset; metadata only. */
  setPanel(datasetId: number, panel: { id: string; time: string } | null): DatasetInfo {
    const ds = this.getDataset(datasetId);
    if (panel) for (const n of [panel.id, panel.time]) if (!ds.variables.some((v) => v.name === n)) throw new AppError('NOT_FOUND', `variable "${n}" is not in the dataset`);
    this.db.prepare('UPDATE datasets SET panel = ? WHERE id = ?').run(panel ? JSON.stringify({ id: panel.id, time: panel.time }) : null, datasetId);
    return this.getDataset(datasetId);
  }

  /** Set a variable's labels (zh/en); metadata only, the data version is unchanged. */
  setVariableLabel(datasetId: number, name: string, label: { zh?: string; en?: string }): void {
    const v = this.variable(datasetId, name);
    this.db.prepare('UPDATE variables SET label_zh = ?, label_en = ? WHERE id = ?').run(label.zh ?? null, label.en ?? null, v.id);
  }

  /** Write one block of rows (a whole chunk, CHUNK_ROWS long except the last) for every variable. */
  writeChunks(chunkIndex: number, variableIds: number[], columns: (Float64Array | Int32Array)[]): void {
    const ins = this.db.prepare('INSERT INTO chunks(variable_id, chunk, data) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      columns.forEach((col, j) => {
        ins.run(variableIds[j], chunkIndex, col instanceof Float64Array ? encodeFloat64(col) : encodeInt32(col));
      });
    })();
  }

  /** Swap a staging dataset in. With `replace`, a ready dataset of the same name is deleted in the same transaction. */
  commitDataset(datasetId: number, opts: { replace?: boolean } = {}): DatasetInfo {
    this.db.transaction(() => {
      const row = this.db.prepare(`SELECT name FROM datasets WHERE id = ? AND status = 'staging'`).get(datasetId) as { name: string } | undefined;
      if (!row) throw new AppError('NOT_FOUND', `import ${datasetId} is not in progress`);
      const existing = this.findDataset(row.name);
      if (existing) {
        if (!opts.replace) throw new AppError('INVALID_ARGUMENT', `a dataset named "${row.name}" already exists`);
        this.db.prepare('DELETE FROM datasets WHERE id = ?').run(existing.id);
      }
      this.db.prepare(`UPDATE datasets SET status = 'ready' WHERE id = ?`).run(datasetId);
    })();
    return this.getDataset(datasetId);
  }

  abortDataset(datasetId: number): void {
    this.db.prepare(`DELETE FROM datasets WHERE id = ? AND status = 'staging'`).run(datasetId);
  }

  deleteDataset(datasetId: number): void {
    const info = this.db.prepare(`DELETE FROM datasets WHERE id = ? AND status = 'ready'`).run(datasetId);
    if (info.changes === 0) throw new AppError('NOT_FOUND', `dataset ${datasetId} does not exist in this project`);
  }

  /** A unique dataset name based on `base` ("data", "data_2", ...). */
  uniqueDatasetName(base: string): string {
    let name = base;
    for (let i = 2; this.findDataset(name); i++) name = `${base}_${i}`;
    return name;
  }

  /**
   * A prepared statement kept for the connection's life: for the few statements run per column
   * read (compiling one costs more than running it; 12 columns of a model read 3–4 ms faster).
   */
  private cached(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  private variable(datasetId: number, name: string): VariableInfo {
    const row = this.cached('SELECT * FROM variables WHERE dataset_id = ? AND name = ?').get(datasetId, name) as VariableRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `variable "${name}" is not in the dataset`);
    return toVariableInfo(row);
  }

  /** A whole column as one typed array (what the engine worker loads). */
  readColumn(datasetId: number, name: string, opts: { staging?: boolean } = {}): Column {
    const ds = this.cached('SELECT nrows FROM datasets WHERE id = ? AND status = ?').get(datasetId, opts.staging ? 'staging' : 'ready') as { nrows: number } | undefined;
    if (!ds) throw new AppError('NOT_FOUND', `dataset ${datasetId} does not exist in this project`);
    const v = this.variable(datasetId, name);
    // uninitialised memory (every value is written below, or the read fails): zero-filling the
    // column first cost ≈0.1 ms per 100,000 values here, 10 % of reading it
    const bytes = Buffer.allocUnsafeSlow(ds.nrows * (v.type === 'numeric' ? 8 : 4)).buffer;
    const out = v.type === 'numeric' ? new Float64Array(bytes, 0, ds.nrows) : new Int32Array(bytes, 0, ds.nrows);
    const rows = this.cached('SELECT chunk, data FROM chunks WHERE variable_id = ? ORDER BY chunk').all(v.id) as { chunk: number; data: Buffer }[];
    // chunk c holds rows [c·CHUNK_ROWS, …) and is full except the last: anything else (a missing,
    // extra or wrong-sized chunk) would leave rows unwritten
    let filled = 0;
    for (const r of rows) {
      if (r.chunk !== filled / CHUNK_ROWS || r.data.byteLength !== Math.min(CHUNK_ROWS, ds.nrows - filled) * out.BYTES_PER_ELEMENT) break;
      filled += decodeInto(r.data, out, r.chunk * CHUNK_ROWS);
    }
    if (filled !== ds.nrows || rows.length !== Math.ceil(ds.nrows / CHUNK_ROWS)) {
      throw new AppError('BAD_FILE', `variable "${name}" is damaged in the project file: its stored blocks do not match the dataset's ${ds.nrows} rows (the first ${filled} values read intact); restore the project from a backup or re-import the data`);
    }
    return out instanceof Float64Array ? { kind: 'numeric', values: out } : { kind: 'categorical', codes: out, levels: v.levels ?? [] };
  }

  /** Rows [offset, offset+limit) of some variables, for the data grid. Missing = null. */
  readRows(datasetId: number, offset: number, limit: number, names?: string[], opts: { staging?: boolean } = {}): RowPage {
    const ds = this.getDataset(datasetId, opts);
    const vars = names ? names.map((n) => this.variable(datasetId, n)) : ds.variables;
    const end = Math.min(ds.nrows, offset + limit);
    const columns: RowPage['columns'] = {};
    for (const v of vars) {
      const out: (number | string | null)[] = [];
      for (let row = offset; row < end; ) {
        const c = Math.floor(row / CHUNK_ROWS);
        const data = this.chunk(v, c);
        const stop = Math.min(end, (c + 1) * CHUNK_ROWS);
        for (; row < stop; row++) {
          const x = data[row - c * CHUNK_ROWS];
          if (v.type === 'numeric') out.push(Number.isFinite(x) ? x : null);
          else out.push(x >= 0 ? (v.levels?.[x] ?? null) : null);
        }
      }
      columns[v.name] = out;
    }
    return { offset, nrows: Math.max(0, end - offset), columns };
  }

  private chunk(v: VariableInfo, c: number): Float64Array | Int32Array {
    const key = `${v.id}:${c}`;
    const hit = this.chunkCache.get(key);
    if (hit) {
      this.chunkCache.delete(key);
      this.chunkCache.set(key, hit);
      return hit;
    }
    const row = this.db.prepare('SELECT data FROM chunks WHERE variable_id = ? AND chunk = ?').get(v.id, c) as { data: Buffer } | undefined;
    if (!row) throw new AppError('BAD_FILE', `chunk ${c} of variable "${v.name}" is missing from the project file`);
    const len = row.data.byteLength / (v.type === 'numeric' ? 8 : 4);
    const out = v.type === 'numeric' ? new Float64Array(len) : new Int32Array(len);
    decodeInto(row.data, out, 0);
    this.chunkCache.set(key, out);
    if (this.chunkCache.size > 64) this.chunkCache.delete(this.chunkCache.keys().next().value as string);
    return out;
  }

  // ---------------------------------------------------------------- models and results

  saveModel(m: { name: string; datasetId: number; spec: ModelSpec; modelId?: number }): number {
    const t = now();
    if (m.modelId !== undefined) {
      const info = this.db.prepare(`UPDATE models SET name = ?, dataset_id = ?, spec = ?, status = 'stale', error = NULL, updated_at = ? WHERE id = ?`).run(m.name, m.datasetId, JSON.stringify(m.spec), t, m.modelId);
      if (info.changes === 0) throw new AppError('NOT_FOUND', `model ${m.modelId} does not exist`);
      return m.modelId;
    }
    return Number(
      this.db.prepare(`INSERT INTO models(name, dataset_id, spec, status, created_at, updated_at) VALUES (?, ?, ?, 'stale', ?, ?)`).run(m.name, m.datasetId, JSON.stringify(m.spec), t, t)
        .lastInsertRowid,
    );
  }

  setModelFailed(modelId: number, message: string): void {
    this.db.prepare(`UPDATE models SET status = 'failed', error = ?, updated_at = ? WHERE id = ?`).run(message, now(), modelId);
  }

  /**
   * Store a result and mark its model done, in one transaction. With it go the stamps of the
   * variables the model read and wrote (stamps.ts): `readVersion` is the dataset version when the job
   * read its data (default `datasetVersion`), `written` the variables it wrote (default: those whose
   * recipe names this model).
   */
  addResult(modelId: number, specHash: string, datasetVersion: number, result: EstimationResult, provenance: { readVersion?: number; written?: readonly string[] } = {}): number {
    return this.db.transaction(() => {
      const inputs = recordInputs(this.db, modelId, provenance.readVersion ?? datasetVersion, provenance.written);
      const id = Number(
        this.db
          .prepare('INSERT INTO results(model_id, spec_hash, dataset_version, engine_version, result, created_at, inputs) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(modelId, specHash, datasetVersion, result.engineVersion, JSON.stringify(result), now(), inputs ? JSON.stringify(inputs) : null).lastInsertRowid,
      );
      this.db.prepare(`UPDATE models SET status = 'done', error = NULL, updated_at = ? WHERE id = ?`).run(now(), modelId);
      return id;
    })();
  }

  /**
   * A stored result of the same spec on the same dataset by the same engine that can stand for a new
   * run: every variable it read is unchanged and what it wrote is still in the dataset (stamps.ts),
   * so a variable added or recomputed elsewhere does not force a re-estimation. A result stored
   * before stamps existed counts only on the same dataset version.
   */
  findCachedResult(specHash: string, datasetVersion: number, engineVersion: string): EstimationResult | null {
    if (!hasStamps(this.db)) {
      const row = this.db
        .prepare('SELECT result FROM results WHERE spec_hash = ? AND dataset_version = ? AND engine_version = ? ORDER BY id DESC LIMIT 1')
        .get(specHash, datasetVersion, engineVersion) as { result: string } | undefined;
      return row ? (JSON.parse(row.result) as EstimationResult) : null;
    }
    const rows = this.db
      .prepare('SELECT r.result, r.dataset_version, r.inputs, m.dataset_id FROM results r JOIN models m ON m.id = r.model_id WHERE r.spec_hash = ? AND r.engine_version = ? ORDER BY r.id DESC LIMIT 20')
      .all(specHash, engineVersion) as { result: string; dataset_version: number; inputs: string | null; dataset_id: number }[];
    const stamps = new Map<number, ReturnType<typeof datasetStamps>>();
    for (const r of rows) {
      const inputs = parseInputs(r.inputs);
      if (!stamps.has(r.dataset_id)) stamps.set(r.dataset_id, datasetStamps(this.db, r.dataset_id));
      const now = stamps.get(r.dataset_id);
      if (!now) continue;
      if (inputs ? inputsCurrent(inputs, now) : r.dataset_version === datasetVersion) return JSON.parse(r.result) as EstimationResult;
    }
    return null;
  }

  latestResult(modelId: number): StoredResult | null {
    const row = this.db.prepare('SELECT * FROM results WHERE model_id = ? ORDER BY id DESC LIMIT 1').get(modelId) as
      | { id: number; model_id: number; spec_hash: string; dataset_version: number; result: string; created_at: string }
      | undefined;
    if (!row) return null;
    return { id: row.id, modelId: row.model_id, specHash: row.spec_hash, datasetVersion: row.dataset_version, result: JSON.parse(row.result) as EstimationResult, createdAt: row.created_at };
  }

  listModels(): ModelSummary[] {
    const rows = this.db
      .prepare('SELECT m.*, (SELECT MAX(r.id) FROM results r WHERE r.model_id = m.id) AS result_id FROM models m ORDER BY m.id')
      .all() as { id: number; name: string; dataset_id: number; spec: string; status: ModelSummary['status']; error: string | null; created_at: string; result_id: number | null }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      datasetId: r.dataset_id,
      spec: JSON.parse(r.spec) as ModelSpec,
      createdAt: r.created_at,
      resultId: r.result_id,
      status: r.status,
      ...(r.error ? { error: r.error } : {}),
    }));
  }

  deleteModel(modelId: number): void {
    const info = this.db.prepare('DELETE FROM models WHERE id = ?').run(modelId);
    if (info.changes === 0) throw new AppError('NOT_FOUND', `model ${modelId} does not exist`);
  }

  // ---------------------------------------------------------------- the paper pipeline (store/pipeline.ts)

  /** The saved tables in pipeline order (section, then position); a deleted model has left them. */
  listPipelineTables(): PipelineTable[] {
    return pipeline.listTables(this.db);
  }

  /** Creates a table at the end of its section, or with `id` replaces its fields. */
  savePipelineTable(input: PipelineTableInput, id?: number): PipelineTable {
    return pipeline.saveTable(this.db, input, id);
  }

  deletePipelineTable(id: number): void {
    pipeline.deleteTable(this.db, id);
  }

  /** Assigns a table to a section at a 0-based index (default: the end); returns all tables in order. */
  movePipelineTable(id: number, section: PipelineSection, index?: number): PipelineTable[] {
    return pipeline.moveTable(this.db, id, section, index);
  }

  /** Sets the order of a section's tables (ids first in this order, any others after them). */
  reorderPipelineTables(section: PipelineSection, ids: number[]): PipelineTable[] {
    return pipeline.reorderTables(this.db, section, ids);
  }

  /** Each model fresh, stale (spec, a variable it read, or a step it needs changed since its result), not run, or failed. */
  pipelineModelStates(): PipelineModelState[] {
    return pipeline.modelStates(this.db);
  }

  pipelineInfo(): PipelineInfo {
    return { tables: this.listPipelineTables(), models: this.pipelineModelStates() };
  }

  // ---------------------------------------------------------------- operation log

  logStart(kind: string, detail: Record<string, unknown>): number {
    return Number(this.db.prepare(`INSERT INTO oplog(at, kind, detail, status) VALUES (?, ?, ?, 'started')`).run(now(), kind, JSON.stringify(detail)).lastInsertRowid);
  }

  logEnd(id: number, status: 'done' | 'failed', extra?: Record<string, unknown>): void {
    if (extra) {
      const row = this.db.prepare('SELECT detail FROM oplog WHERE id = ?').get(id) as { detail: string } | undefined;
      const detail = { ...(row ? (JSON.parse(row.detail) as Record<string, unknown>) : {}), ...extra };
      this.db.prepare('UPDATE oplog SET status = ?, detail = ? WHERE id = ?').run(status, JSON.stringify(detail), id);
    } else this.db.prepare('UPDATE oplog SET status = ? WHERE id = ?').run(status, id);
  }

  oplog(): { id: number; at: string; kind: string; detail: Record<string, unknown>; status: string }[] {
    const rows = this.db.prepare('SELECT * FROM oplog ORDER BY id').all() as { id: number; at: string; kind: string; detail: string; status: string }[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

function toVariableInfo(r: VariableRow): VariableInfo {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    type: r.type,
    label: { ...(r.label_zh ? { zh: r.label_zh } : {}), ...(r.label_en ? { en: r.label_en } : {}) },
    ...(r.levels ? { levels: JSON.parse(r.levels) as string[] } : {}),
    ...(r.value_labels ? { valueLabels: JSON.parse(r.value_labels) as Record<string, string> } : {}),
    recipe: JSON.parse(r.recipe) as Recipe,
    missing: r.missing,
  };
}
