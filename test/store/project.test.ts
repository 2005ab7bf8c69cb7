import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS } from '../../src/store/codec.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { tempDir } from '../helpers.js';

function writeNumeric(store: ProjectStore, name: string, values: Float64Array, codes?: { codes: Int32Array; levels: string[] }) {
  const vars = [
    { name: 'v', type: 'numeric' as const, recipe: { kind: 'import' as const, source: 't', column: 'v' } },
    ...(codes ? [{ name: 'c', type: 'categorical' as const, levels: codes.levels, recipe: { kind: 'import' as const, source: 't', column: 'c' } }] : []),
  ];
  const { datasetId, variableIds } = store.beginDataset(name, 'test', values.length, vars);
  for (let c = 0; c * CHUNK_ROWS < values.length; c++) {
    const a = c * CHUNK_ROWS;
    const b = Math.min(values.length, a + CHUNK_ROWS);
    store.writeChunks(c, variableIds, [values.subarray(a, b), ...(codes ? [codes.codes.subarray(a, b)] : [])]);
  }
  return store.commitDataset(datasetId);
}

describe('project store', () => {
  it('round-trips multi-chunk numeric and categorical columns on :memory:', () => {
    const store = ProjectStore.create(':memory:');
    const n = 2 * CHUNK_ROWS + 123;
    const v = Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? Number.NaN : i * 0.5 - 3));
    const codes = Int32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? -1 : i % 3));
    const ds = writeNumeric(store, 'd', v, { codes, levels: ['a', 'b', '中文'] });
    expect(ds.nrows).toBe(n);
    const col = store.readColumn(ds.id, 'v');
    expect(col.kind).toBe('numeric');
    if (col.kind === 'numeric') expect(Object.is(col.values[97], Number.NaN) || Number.isNaN(col.values[97])).toBe(true);
    if (col.kind === 'numeric') expect(Array.from(col.values.subarray(n - 5))).toEqual(Array.from(v.subarray(n - 5)));
    const cat = store.readColumn(ds.id, 'c');
    expect(cat.kind === 'categorical' && cat.levels).toEqual(['a', 'b', '中文']);
    const page = store.readRows(ds.id, CHUNK_ROWS - 2, 4);
    expect(page.nrows).toBe(4);
    expect(page.columns.v).toEqual([(CHUNK_ROWS - 2) * 0.5 - 3, (CHUNK_ROWS - 1) * 0.5 - 3, CHUNK_ROWS * 0.5 - 3, (CHUNK_ROWS + 1) * 0.5 - 3]);
    expect(store.readRows(ds.id, 0, 3).columns.c).toEqual([null, 'b', '中文']);
    store.close();
  });

  it('refuses a column whose chunks are missing, truncated, oversized or extra (BAD_FILE naming it), never returning unwritten rows', () => {
    const dir = tempDir();
    const n = 2 * CHUNK_ROWS + 10;
    const v = Float64Array.from({ length: n }, (_, i) => i);
    const cases: [string, (db: Database.Database, id: number) => void][] = [
      ['missing', (db, id) => db.prepare('DELETE FROM chunks WHERE variable_id = ? AND chunk = 1').run(id)],
      ['truncated', (db, id) => db.prepare('UPDATE chunks SET data = substr(data, 1, 800) WHERE variable_id = ? AND chunk = 1').run(id)],
      // chunk 0 twice as long covers chunk 1's rows, chunk 2 then overlaps: the value count adds up, the layout does not
      ['oversized', (db, id) => db.prepare('UPDATE chunks SET data = data || data WHERE variable_id = ? AND chunk = 0').run(id)],
      ['extra', (db, id) => db.prepare('INSERT INTO chunks (variable_id, chunk, data) SELECT variable_id, 3, data FROM chunks WHERE variable_id = ? AND chunk = 2').run(id)],
    ];
    for (const [what, corrupt] of cases) {
      const path = join(dir, `${what}.pstudio`);
      const store = ProjectStore.create(path);
      const ds = writeNumeric(store, 'd', v);
      store.close();
      const db = new Database(path);
      const id = (db.prepare("SELECT id FROM variables WHERE name = 'v'").get() as { id: number }).id;
      corrupt(db, id);
      if (what === 'oversized') db.prepare('DELETE FROM chunks WHERE variable_id = ? AND chunk = 1').run(id);
      db.close();
      const back = ProjectStore.open(path, { readonly: true });
      expect(() => back.readColumn(ds.id, 'v'), what).toThrow(/variable "v" is damaged in the project file: its stored blocks do not match the dataset's 131082 rows/);
      back.close();
    }
  });

  it('persists datasets, models and results across close and reopen (WAL file on disk)', () => {
    const dir = tempDir();
    const path = join(dir, 'p.pstudio');
    const store = ProjectStore.create(path);
    const ds = writeNumeric(store, 'd', Float64Array.from([1, 2, 3]));
    const spec = normalizeSpec({ y: 'v', x: [] });
    const modelId = store.saveModel({ name: 'm', datasetId: ds.id, spec });
    store.addResult(modelId, 'hash', ds.version, { engineVersion: 'x', nobs: 3 } as never);
    store.save();
    store.close();
    const again = ProjectStore.open(path);
    expect(again.listDatasets().map((d) => d.name)).toEqual(['d']);
    expect(again.listModels()[0]).toMatchObject({ name: 'm', status: 'done', spec });
    expect(again.latestResult(modelId)?.result.nobs).toBe(3);
    expect(again.findCachedResult('hash', ds.version, 'x')).not.toBeNull();
    expect(again.getMeta('saved_at')).not.toBeNull();
    expect(again.integrityCheck()).toBe('ok');
    again.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps a staging dataset invisible and discards it on the next open', () => {
    const dir = tempDir();
    const path = join(dir, 'p.pstudio');
    const store = ProjectStore.create(path);
    store.logStart('import', { file: 'x.csv' });
    const { datasetId, variableIds } = store.beginDataset('half', 't', 10, [{ name: 'v', type: 'numeric', recipe: { kind: 'import', source: 't', column: 'v' } }]);
    store.writeChunks(0, variableIds, [new Float64Array(10)]);
    expect(store.listDatasets()).toEqual([]);
    expect(() => store.getDataset(datasetId)).toThrow(/does not exist/);
    store.close(); // as if the process died here
    const again = ProjectStore.open(path);
    expect(again.listDatasets()).toEqual([]);
    expect(again.oplog()[0]).toMatchObject({ kind: 'import', status: 'interrupted' });
    again.close();
  });

  it('refuses files that are not projects, newer formats and existing targets, without modifying them', () => {
    const dir = tempDir();
    const text = join(dir, 'notes.pstudio');
    writeFileSync(text, 'hello, this is not a database');
    expect(() => ProjectStore.open(text)).toThrow(/notes.pstudio is not a Panel Studio project \(not a SQLite database file\)/);
    const other = join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t(x)');
    db.close();
    expect(() => ProjectStore.open(other)).toThrow(/is a SQLite database but not a Panel Studio project/);
    const future = join(dir, 'future.pstudio');
    ProjectStore.create(future).close();
    const f = new Database(future);
    f.pragma('user_version = 999');
    f.close();
    expect(() => ProjectStore.open(future)).toThrow(/saved by a newer Panel Studio \(project format 999/);
    expect(() => ProjectStore.create(future)).toThrow(/already exists/);
    expect(() => ProjectStore.open(join(dir, 'missing.pstudio'))).toThrow(/does not exist/);
  });

  it('imports a CSV, and a failed import leaves the project unchanged', async () => {
    const dir = tempDir();
    const store = ProjectStore.create(join(dir, 'p.pstudio'));
    const good = join(dir, 'firms.csv');
    writeFileSync(good, 'firm,year,y\nA,2001,1.5\nB,2001,\nA,2002,2.5\n');
    const { dataset } = await importFile(store, good);
    expect(dataset).toMatchObject({ name: 'firms', nrows: 3 });
    expect(dataset.variables.map((v) => [v.name, v.type, v.missing])).toEqual([
      ['firm', 'categorical', 0],
      ['year', 'numeric', 0],
      ['y', 'numeric', 1],
    ]);
    expect(dataset.variables[0].recipe).toEqual({ kind: 'import', source: 'firms.csv', column: 'firm', sourceType: 'text' });
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,4,5\n');
    await expect(importFile(store, bad)).rejects.toThrow(/bad.csv, line 3: expected 2 fields, found 3/);
    expect(store.listDatasets().map((d) => d.name)).toEqual(['firms']);
    expect(store.oplog().map((o) => o.status)).toEqual(['done', 'failed']);
    const second = await importFile(store, good);
    expect(second.dataset.name).toBe('firms_2');
    store.close();
  });
});
