// The paper pipeline's tables in the project file (migration 3): `pipeline_tables` (section,
// position, titles, composer options as JSON, a descriptive table's variables) and
// `pipeline_table_models` (models in run order; `step` marks a preparation step such as a psm run
// that is not a column). ProjectStore's pipeline methods call these with its connection; every
// multi-row write is one transaction. A model's freshness compares its latest result's spec hash
// and the stamps of the variables it read (stamps.ts) with the model and dataset as they are now.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../shared/errors.js';
import { PIPELINE_SECTIONS, type PipelineModelState, type PipelineSection, type PipelineTable, type PipelineTableInput, type PipelineTableOptions, isPipelineSection, sortTables } from '../shared/pipeline.js';
import { type ModelSpec, canonicalJson } from '../shared/spec.js';
import { fitGroups } from '../shared/table-layout.js';
import { type DatasetStamps, changedInputs, datasetStamps, hasStamps, parseInputs, readsOf } from './stamps.js';

/** The hash a result is stored under: the dataset and the validated spec (as main and `replicate` compute it). */
export function resultSpecHash(datasetId: number, spec: ModelSpec): string {
  return createHash('sha256').update(canonicalJson({ datasetId, spec })).digest('hex');
}

interface TableRow {
  id: number;
  key: string | null;
  section: string;
  position: number;
  title_zh: string | null;
  title_en: string | null;
  options: string;
  describe: string | null;
}

const hasPipeline = (db: Database.Database) => (db.pragma('user_version', { simple: true }) as number) >= 3;
const now = () => new Date().toISOString();

function parseObject(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function toTable(r: TableRow, members: { model_id: number; step: number }[]): PipelineTable {
  const describe = parseObject(r.describe);
  const title: PipelineTable['title'] = {};
  if (r.title_zh) title.zh = r.title_zh;
  if (r.title_en) title.en = r.title_en;
  return {
    id: r.id,
    key: r.key,
    section: isPipelineSection(r.section) ? r.section : 'other',
    position: r.position,
    title,
    modelIds: members.map((m) => m.model_id),
    steps: members.filter((m) => m.step === 1).map((m) => m.model_id),
    options: (parseObject(r.options) ?? {}) as PipelineTableOptions,
    ...(describe && typeof describe.datasetId === 'number' && Array.isArray(describe.variables) ? { describe: { datasetId: describe.datasetId, variables: describe.variables.filter((v): v is string => typeof v === 'string') } } : {}),
  };
}

export function listTables(db: Database.Database): PipelineTable[] {
  if (!hasPipeline(db)) return []; // an older format opened read-only (not migrated)
  const rows = db.prepare('SELECT * FROM pipeline_tables').all() as TableRow[];
  const members = db.prepare('SELECT table_id, model_id, step FROM pipeline_table_models ORDER BY table_id, position').all() as { table_id: number; model_id: number; step: number }[];
  const byTable = new Map<number, { model_id: number; step: number }[]>();
  for (const m of members) byTable.set(m.table_id, [...(byTable.get(m.table_id) ?? []), m]);
  return sortTables(rows.map((r) => toTable(r, byTable.get(r.id) ?? [])));
}

export function getTable(db: Database.Database, id: number): PipelineTable {
  const t = listTables(db).find((x) => x.id === id);
  if (!t) throw new AppError('NOT_FOUND', `pipeline table ${id} does not exist`);
  return t;
}

function checkInput(db: Database.Database, input: PipelineTableInput): void {
  if (!isPipelineSection(input.section)) throw new AppError('INVALID_ARGUMENT', `section must be one of ${PIPELINE_SECTIONS.join(', ')}`);
  const seen = new Set<number>();
  for (const id of input.modelIds) {
    if (seen.has(id)) throw new AppError('INVALID_ARGUMENT', `model ${id} is listed twice in the table`);
    seen.add(id);
    if (!db.prepare('SELECT 1 FROM models WHERE id = ?').get(id)) throw new AppError('NOT_FOUND', `model ${id} does not exist`);
  }
  for (const id of input.steps ?? []) if (!seen.has(id)) throw new AppError('INVALID_ARGUMENT', `step ${id} is not one of the table's models`);
  if (input.describe) {
    const ds = db.prepare(`SELECT id FROM datasets WHERE id = ? AND status = 'ready'`).get(input.describe.datasetId);
    if (!ds) throw new AppError('NOT_FOUND', `dataset ${input.describe.datasetId} does not exist in this project`);
    for (const v of input.describe.variables) {
      if (!db.prepare('SELECT 1 FROM variables WHERE dataset_id = ? AND name = ?').get(input.describe.datasetId, v)) throw new AppError('NOT_FOUND', `variable "${v}" is not in the dataset`);
    }
  } else if (input.modelIds.length === 0) throw new AppError('INVALID_ARGUMENT', 'a table needs at least one model (or, for descriptive statistics, its variables)');
  try {
    fitGroups(input.options?.groups, input.modelIds.length - (input.steps ?? []).length);
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', (err as Error).message);
  }
}

function writeMembers(db: Database.Database, tableId: number, input: PipelineTableInput): void {
  db.prepare('DELETE FROM pipeline_table_models WHERE table_id = ?').run(tableId);
  const ins = db.prepare('INSERT INTO pipeline_table_models(table_id, model_id, position, step) VALUES (?, ?, ?, ?)');
  input.modelIds.forEach((m, i) => ins.run(tableId, m, i, (input.steps ?? []).includes(m) ? 1 : 0));
}

/** The options as stored: the title lives in the table's titles, not in the options. */
function storedOptions(options: PipelineTableOptions | undefined): string {
  const { title: _title, ...rest } = options ?? {};
  return JSON.stringify(rest);
}

const nextPosition = (db: Database.Database, section: PipelineSection) => (db.prepare('SELECT COALESCE(MAX(position) + 1, 0) AS p FROM pipeline_tables WHERE section = ?').get(section) as { p: number }).p;

/** Creates a table (at the end of its section) or, with `id`, replaces its fields (a new section: at that section's end). */
export function saveTable(db: Database.Database, input: PipelineTableInput, id?: number): PipelineTable {
  checkInput(db, input);
  const t = now();
  const tableId = db.transaction(() => {
    const fields = [input.key?.trim() || null, input.title.zh?.trim() || null, input.title.en?.trim() || null, storedOptions(input.options), input.describe ? JSON.stringify(input.describe) : null];
    if (id === undefined) {
      const newId = Number(
        db
          .prepare('INSERT INTO pipeline_tables(key, title_zh, title_en, options, describe, section, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(...fields, input.section, nextPosition(db, input.section), t, t).lastInsertRowid,
      );
      writeMembers(db, newId, input);
      return newId;
    }
    const old = db.prepare('SELECT section FROM pipeline_tables WHERE id = ?').get(id) as { section: string } | undefined;
    if (!old) throw new AppError('NOT_FOUND', `pipeline table ${id} does not exist`);
    db.prepare('UPDATE pipeline_tables SET key = ?, title_zh = ?, title_en = ?, options = ?, describe = ?, updated_at = ? WHERE id = ?').run(...fields, t, id);
    if (old.section !== input.section) placeTable(db, id, input.section);
    writeMembers(db, id, input);
    return id;
  })();
  return getTable(db, tableId);
}

export function deleteTable(db: Database.Database, id: number): void {
  db.transaction(() => {
    const old = db.prepare('SELECT section FROM pipeline_tables WHERE id = ?').get(id) as { section: string } | undefined;
    if (!old) throw new AppError('NOT_FOUND', `pipeline table ${id} does not exist`);
    db.prepare('DELETE FROM pipeline_tables WHERE id = ?').run(id);
    renumber(db, old.section, []);
  })();
}

/** Positions 0, 1, … in a section, with `order` (ids) first in that order and the rest after, as they were. */
function renumber(db: Database.Database, section: string, order: number[]): void {
  const ids = (db.prepare('SELECT id FROM pipeline_tables WHERE section = ? ORDER BY position, id').all(section) as { id: number }[]).map((r) => r.id);
  const final = [...order.filter((i) => ids.includes(i)), ...ids.filter((i) => !order.includes(i))];
  const upd = db.prepare('UPDATE pipeline_tables SET position = ? WHERE id = ?');
  final.forEach((tid, p) => upd.run(p, tid));
}

/** Puts a table into a section at `index` (default: the end) and closes the gap it left. */
function placeTable(db: Database.Database, id: number, section: PipelineSection, index?: number): void {
  const old = db.prepare('SELECT section FROM pipeline_tables WHERE id = ?').get(id) as { section: string } | undefined;
  if (!old) throw new AppError('NOT_FOUND', `pipeline table ${id} does not exist`);
  const others = (db.prepare('SELECT id FROM pipeline_tables WHERE section = ? AND id != ? ORDER BY position, id').all(section, id) as { id: number }[]).map((r) => r.id);
  const at = Math.min(index ?? others.length, others.length);
  db.prepare('UPDATE pipeline_tables SET section = ?, updated_at = ? WHERE id = ?').run(section, now(), id);
  renumber(db, section, [...others.slice(0, at), id, ...others.slice(at)]);
  if (old.section !== section) renumber(db, old.section, []);
}

/** Moves (or reorders) a table: section and 0-based index; returns every table in pipeline order. */
export function moveTable(db: Database.Database, id: number, section: PipelineSection, index?: number): PipelineTable[] {
  if (!isPipelineSection(section)) throw new AppError('INVALID_ARGUMENT', `section must be one of ${PIPELINE_SECTIONS.join(', ')}`);
  db.transaction(() => placeTable(db, id, section, index))();
  return listTables(db);
}

/** A section's tables in this order (tables of other sections listed here move into it), in one transaction. */
export function reorderTables(db: Database.Database, section: PipelineSection, ids: number[]): PipelineTable[] {
  if (!isPipelineSection(section)) throw new AppError('INVALID_ARGUMENT', `section must be one of ${PIPELINE_SECTIONS.join(', ')}`);
  db.transaction(() => ids.forEach((id, i) => placeTable(db, id, section, i)))();
  return listTables(db);
}

/**
 * Every model's freshness (Freshness in shared/pipeline.ts). A result is stale for its spec when
 * the model's spec hash differs, for its data when a variable it read was written since (or its
 * rows changed; stamps.ts), naming the variables. A variable a pipeline step provides (the last
 * step before the model in its table that wrote it: psm's _weight, sfa's _te_bc) is judged against
 * what that step wrote, not against the dataset: when a later step of the table overwrote it, a
 * run of the table reproduces the result all the same, because the step runs again first. Such a
 * step is stale ('step') only when a model after it that must run needs its variables back.
 */
export function modelStates(db: Database.Database): PipelineModelState[] {
  const stamped = hasStamps(db);
  const rows = db
    .prepare(
      `SELECT m.id, m.dataset_id, m.spec, m.status, m.error, d.version, r.spec_hash, r.dataset_version, ${stamped ? 'r.inputs' : 'NULL AS inputs'}
       FROM models m JOIN datasets d ON d.id = m.dataset_id
       LEFT JOIN results r ON r.id = (SELECT MAX(x.id) FROM results x WHERE x.model_id = m.id)
       ORDER BY m.id`,
    )
    .all() as { id: number; dataset_id: number; spec: string; status: string; error: string | null; version: number; spec_hash: string | null; dataset_version: number | null; inputs: string | null }[];
  const byId = new Map(rows.map((r) => [r.id, { ...r, parsed: parseSpec(r.spec), inputs: parseInputs(r.inputs) }]));
  const tables = listTables(db).filter((t) => t.modelIds.length > 0);
  const data = new Map<number, DatasetStamps | null>();
  const stampsOf = (datasetId: number) => {
    if (!data.has(datasetId)) data.set(datasetId, stamped ? datasetStamps(db, datasetId) : null);
    return data.get(datasetId) ?? null;
  };
  /** The step of table `t` before position `at` that last wrote `name` (its latest result did). */
  const providerIn = (t: PipelineTable, at: number, name: string) => {
    for (let j = at - 1; j >= 0; j--) {
      const id = t.modelIds[j];
      if (t.steps.includes(id) && byId.get(id)?.inputs?.wrote[name] !== undefined) return id;
    }
    return undefined;
  };
  /** The provider of `name` for a model: in the first table (pipeline order) that has one. */
  const provider = (modelId: number, name: string) => {
    for (const t of tables) {
      const at = t.modelIds.indexOf(modelId);
      const p = at > 0 ? providerIn(t, at, name) : undefined;
      if (p !== undefined) return p;
    }
    return undefined;
  };

  const own = new Map<number, PipelineModelState>();
  const visiting = new Set<number>();
  const ownState = (id: number): PipelineModelState => {
    const done = own.get(id);
    if (done) return done;
    const r = byId.get(id);
    if (!r) return { modelId: id, status: 'notRun' };
    if (visiting.has(id)) return { modelId: id, status: 'stale', reason: 'data' }; // a cycle of steps: never trusted
    visiting.add(id);
    const state = judge(r);
    visiting.delete(id);
    own.set(id, state);
    return state;
  };
  const judge = (r: NonNullable<ReturnType<typeof byId.get>>): PipelineModelState => {
    if (r.status === 'failed') return { modelId: r.id, status: 'error', ...(r.error ? { error: r.error } : {}) };
    if (r.spec_hash === null) return { modelId: r.id, status: 'notRun' };
    if (!r.parsed || resultSpecHash(r.dataset_id, r.parsed) !== r.spec_hash) return { modelId: r.id, status: 'stale', reason: 'spec' };
    const now = stampsOf(r.dataset_id);
    // stored before stamps (or an older format read-only): any change of the dataset counts
    if (!r.inputs || !now) return r.dataset_version === r.version ? { modelId: r.id, status: 'fresh' } : { modelId: r.id, status: 'stale', reason: 'data' };
    if (r.inputs.rows !== now.nrows) return { modelId: r.id, status: 'stale', reason: 'data' };
    const changed = changedInputs(r.inputs, now, (name) => {
      const p = provider(r.id, name);
      if (p === undefined) return undefined;
      return ownState(p).status === 'fresh' ? (byId.get(p)?.inputs?.wrote[name] ?? null) : null;
    });
    return changed.length > 0 ? { modelId: r.id, status: 'stale', reason: 'data', variables: changed } : { modelId: r.id, status: 'fresh' };
  };

  const states = new Map(rows.map((r) => [r.id, ownState(r.id)]));
  // a model that must run needs what its steps wrote back in the dataset: a step whose variables
  // were overwritten since (by a later step) runs again first (and may need its own steps back)
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of tables)
      t.modelIds.forEach((id, at) => {
        const r = byId.get(id);
        if (!r?.parsed || states.get(id)?.status === 'fresh') return;
        const now = stampsOf(r.dataset_id);
        if (!now) return;
        for (const name of readsOf(r.parsed) ?? []) {
          const p = providerIn(t, at, name);
          const prev = p === undefined ? undefined : states.get(p);
          if (p === undefined || !(prev?.status === 'fresh' || prev?.reason === 'step') || prev.variables?.includes(name)) continue;
          if (byId.get(p)?.inputs?.wrote[name] === now.stamps.get(name)) continue;
          states.set(p, { modelId: p, status: 'stale', reason: 'step', variables: [...(prev.variables ?? []), name] });
          changed = true;
        }
      });
  }
  return rows.map((r) => states.get(r.id) as PipelineModelState);
}

function parseSpec(text: string): ModelSpec | null {
  try {
    return JSON.parse(text) as ModelSpec;
  } catch {
    return null;
  }
}
