// Staleness per variable (migration 4). Every write of a variable's data (import, a tool, a model's
// output, replace) gives it a `stamp`: the dataset version of that write, so stamps only grow and
// two writes never share one. A result's `inputs` records what its model saw:
//   read:  stamp of each variable the model read (engine/model-variables.ts), −1 when unknown
//   wrote: stamp of each variable the model wrote into the dataset (psm's _weight, sfa's _te_bc)
//   rows:  the dataset's row count
// A result is current while every variable it read still has the recorded stamp and the rows are
// the same; a variable added, recomputed or dropped elsewhere in the dataset does not matter.
// Results stored before migration 4 have no inputs and fall back to the dataset version.
import type Database from 'better-sqlite3';
import { modelVariables } from '../engine/model-variables.js';
import type { ModelSpec } from '../shared/spec.js';

export interface ResultInputs {
  rows: number;
  read: Record<string, number>;
  wrote: Record<string, number>;
}

/** Whether the schema has stamps: an older project opened read-only (not migrated) does not. */
export const hasStamps = (db: Database.Database): boolean => (db.pragma('user_version', { simple: true }) as number) >= 4;

export interface DatasetStamps {
  nrows: number;
  version: number;
  stamps: Map<string, number>;
}

export function datasetStamps(db: Database.Database, datasetId: number): DatasetStamps | null {
  const ds = db.prepare('SELECT nrows, version FROM datasets WHERE id = ?').get(datasetId) as { nrows: number; version: number } | undefined;
  if (!ds) return null;
  const rows = db.prepare('SELECT name, stamp FROM variables WHERE dataset_id = ?').all(datasetId) as { name: string; stamp: number }[];
  return { nrows: ds.nrows, version: ds.version, stamps: new Map(rows.map((r) => [r.name, r.stamp])) };
}

export function parseInputs(text: string | null): ResultInputs | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as ResultInputs;
    return v && typeof v === 'object' && typeof v.rows === 'number' && v.read && v.wrote ? v : null;
  } catch {
    return null;
  }
}

/** The variables a spec reads, or null when its sample restriction does not parse (it cannot have run). */
export function readsOf(spec: ModelSpec): string[] | null {
  try {
    return modelVariables(spec);
  } catch {
    return null;
  }
}

/**
 * What a result of this model saw, recorded when it is stored. `readVersion` is the dataset version
 * when the job read its columns: a variable written after it gets −1 (never current), since the
 * engine may have read either value. `written` names the variables the model wrote; without it,
 * those whose recipe names this model (apply-tool.ts applyModelColumns).
 */
export function recordInputs(db: Database.Database, modelId: number, readVersion: number, written?: readonly string[]): ResultInputs | null {
  const m = db.prepare('SELECT name, dataset_id, spec FROM models WHERE id = ?').get(modelId) as { name: string; dataset_id: number; spec: string } | undefined;
  if (!m) return null;
  const spec = JSON.parse(m.spec) as ModelSpec;
  const ds = db.prepare('SELECT nrows FROM datasets WHERE id = ?').get(m.dataset_id) as { nrows: number } | undefined;
  if (!ds) return null;
  const vars = db.prepare('SELECT name, stamp, recipe FROM variables WHERE dataset_id = ?').all(m.dataset_id) as { name: string; stamp: number; recipe: string }[];
  const stamp = new Map(vars.map((v) => [v.name, v.stamp]));
  const wroteNames = written ?? vars.filter((v) => writtenBy(v.recipe, spec.estimator, m.name)).map((v) => v.name);
  const wrote: Record<string, number> = {};
  for (const n of wroteNames) {
    const s = stamp.get(n);
    if (s !== undefined) wrote[n] = s;
  }
  const read: Record<string, number> = {};
  for (const n of readsOf(spec) ?? []) {
    const s = stamp.get(n);
    // read before its own output replaced it, or changed while the job ran: not what is there now
    read[n] = s === undefined || s > readVersion || n in wrote ? -1 : s;
  }
  return { rows: ds.nrows, read, wrote };
}

function writtenBy(recipe: string, estimator: string, modelName: string): boolean {
  try {
    const r = JSON.parse(recipe) as { kind?: string; tool?: string; params?: { model?: unknown } };
    return r.kind === 'transform' && r.tool === estimator && r.params?.model === modelName;
  } catch {
    return false;
  }
}

/**
 * The variables read whose data are no longer what the result saw. `expected` may override the
 * stamp a variable should have (a pipeline step that provides it): a number, null for "will
 * change", undefined for the current stamp.
 */
export function changedInputs(inputs: ResultInputs, now: DatasetStamps, expected: (name: string) => number | null | undefined = () => undefined): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(inputs.read)) {
    const e = expected(name);
    const want = e === undefined ? now.stamps.get(name) : e;
    if (s < 0 || want === null || s !== want) out.push(name);
  }
  return out;
}

/** A stored result can stand for a new run: same rows, every input unchanged, its outputs still in the dataset. */
export function inputsCurrent(inputs: ResultInputs, now: DatasetStamps): boolean {
  if (inputs.rows !== now.nrows || changedInputs(inputs, now).length > 0) return false;
  return Object.entries(inputs.wrote).every(([name, s]) => now.stamps.get(name) === s);
}
