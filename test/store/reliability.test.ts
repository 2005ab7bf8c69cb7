// Project-file hygiene (issue 12): the writer's lock, migration from every earlier format with a
// backup first, power-cut simulation on the WAL, damaged files refused without modification.
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS } from '../../src/store/codec.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { ProjectStore, lockPath } from '../../src/store/project.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { tempDir } from '../helpers.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'projects');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function addDataset(store: ProjectStore, name: string, n: number, seed: number) {
  const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i * seed) * 100);
  const codes = Int32Array.from({ length: n }, (_, i) => i % 3);
  const { datasetId, variableIds } = store.beginDataset(name, 'test', n, [
    { name: 'v', type: 'numeric', label: { zh: '数值', en: 'value' }, recipe: { kind: 'import', source: 't', column: 'v' } },
    { name: 'c', type: 'categorical', levels: ['甲', 'b', 'c'], recipe: { kind: 'import', source: 't', column: 'c' } },
  ]);
  for (let c = 0; c * CHUNK_ROWS < n; c++) {
    const a = c * CHUNK_ROWS;
    const b = Math.min(n, a + CHUNK_ROWS);
    store.writeChunks(c, variableIds, [v.subarray(a, b), codes.subarray(a, b)]);
  }
  return { dataset: store.commitDataset(datasetId), v };
}

/**
 * Writes a project in an earlier format: the current writer, then the schema taken back to what
 * format `version` had (format 1: no datasets.panel). Used once to make the committed fixtures.
 */
function writeFormat(path: string, version: number): void {
  const store = ProjectStore.create(path);
  const { dataset } = addDataset(store, 'firms', 70_000, 3);
  store.saveModel({ name: 'y ~ v', datasetId: dataset.id, spec: normalizeSpec({ y: 'v', x: [] }) });
  store.save();
  store.close();
  const db = new Database(path);
  if (version < 4) db.exec('ALTER TABLE variables DROP COLUMN stamp; ALTER TABLE results DROP COLUMN inputs');
  if (version < 3) db.exec('DROP TABLE pipeline_table_models; DROP TABLE pipeline_tables');
  if (version < 2) db.exec('ALTER TABLE datasets DROP COLUMN panel');
  db.pragma(`user_version = ${version}`);
  db.pragma('journal_mode = DELETE');
  db.exec('VACUUM');
  db.close();
}

describe('project file hygiene', () => {
  it.skipIf(!process.env.MAKE_PROJECT_FIXTURES)('writes the format fixtures (MAKE_PROJECT_FIXTURES=1)', () => {
    for (let v = 1; v <= SCHEMA_VERSION; v++) writeFormat(join(FIXTURES, `format${v}.pstudio`), v);
  });

  it('opens a project of every earlier format, migrates it after a backup and keeps its data', () => {
    for (let v = 1; v <= SCHEMA_VERSION; v++) {
      const dir = tempDir();
      const file = join(dir, `p${v}.pstudio`);
      copyFileSync(join(FIXTURES, `format${v}.pstudio`), file);
      const before = sha(file);
      // read-only opening (the engine worker) neither migrates nor writes
      const ro = ProjectStore.open(file, { readonly: true });
      expect(ro.listDatasets().map((d) => d.name)).toEqual(['firms']);
      ro.close();
      expect(sha(file)).toBe(before);
      const store = ProjectStore.open(file);
      if (v < SCHEMA_VERSION) {
        expect(store.backupPath).toBe(`${file}.format${v}.bak`);
        expect(sha(store.backupPath as string)).toBe(before);
        expect(store.info().backup).toBe(store.backupPath);
      } else expect(store.backupPath).toBeNull();
      const [ds] = store.listDatasets();
      expect(ds.nrows).toBe(70_000);
      const col = store.readColumn(ds.id, 'v') as { values: Float64Array };
      expect(col.values[69_999]).toBe(Math.sin(69_999 * 3) * 100);
      expect(store.listModels().map((m) => m.name)).toEqual(['y ~ v']);
      expect(store.integrityCheck()).toBe('ok');
      store.setPanel(ds.id, { id: 'c', time: 'v' });
      store.close();
      const again = ProjectStore.open(file);
      expect(again.listDatasets()[0].panel).toEqual({ id: 'c', time: 'v' });
      again.close();
    }
  });

  it('lets one writer at a time hold a project; readers need no lock; a dead holder’s lock is taken over', () => {
    const dir = tempDir();
    const file = join(dir, 'locked.pstudio');
    const a = ProjectStore.create(file);
    expect(existsSync(lockPath(file))).toBe(true);
    expect(() => ProjectStore.open(file)).toThrow(/already open in this Panel Studio process/);
    const reader = ProjectStore.open(file, { readonly: true });
    expect(reader.listDatasets()).toEqual([]);
    reader.close();
    // another live process holds it (the parent of this one is alive)
    a.close();
    expect(existsSync(lockPath(file))).toBe(false);
    writeFileSync(lockPath(file), JSON.stringify({ pid: process.ppid, host: require('node:os').hostname(), at: 'x' }));
    try {
      ProjectStore.open(file);
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('PROJECT_LOCKED');
      expect((err as Error).message).toMatch(/open in another Panel Studio window or process \(pid \d+\); close it there first/);
    }
    // a crashed holder (no such process): stale, taken over
    writeFileSync(lockPath(file), JSON.stringify({ pid: 2 ** 22 + 12345, host: require('node:os').hostname(), at: 'x' }));
    const b = ProjectStore.open(file);
    expect(JSON.parse(readFileSync(lockPath(file), 'utf8')).pid).toBe(process.pid);
    b.close();
  });

  it('survives a power cut that tears the WAL: the last complete commit is there, integrity ok', () => {
    const dir = tempDir();
    const file = join(dir, 'cut.pstudio');
    const store = ProjectStore.create(file);
    addDataset(store, 'first', 50_000, 1);
    store.save(); // checkpoint: 'first' is in the main file
    addDataset(store, 'second', 50_000, 2); // committed in the WAL only
    // the power goes: copy the files as they are on disk, with the WAL torn in the middle
    const crash = join(dir, 'crash.pstudio');
    copyFileSync(file, crash);
    copyFileSync(`${file}-wal`, `${crash}-wal`);
    const walSize = statSync(`${crash}-wal`).size;
    expect(walSize).toBeGreaterThan(100_000);
    truncateSync(`${crash}-wal`, Math.floor(walSize / 2));
    store.close();
    const back = ProjectStore.open(crash);
    expect(back.integrityCheck()).toBe('ok');
    // the torn transaction is gone as a whole; the committed one before it is intact
    expect(back.listDatasets().map((d) => d.name)).toEqual(['first']);
    const v = back.readColumn(back.listDatasets()[0].id, 'v') as { values: Float64Array };
    expect(v.values[49_999]).toBe(Math.sin(49_999) * 100);
    back.close();
  });

  it('refuses a damaged project without modifying it', () => {
    const dir = tempDir();
    const file = join(dir, 'damaged.pstudio');
    copyFileSync(join(FIXTURES, `format${SCHEMA_VERSION}.pstudio`), file);
    // overwrite the schema page (page 1 after the 100-byte header) with garbage
    const bytes = readFileSync(file);
    for (let i = 100; i < 4096; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);
    const before = sha(file);
    expect(() => ProjectStore.open(file)).toThrow(/damaged.pstudio cannot be opened as a Panel Studio project|malformed|not a Panel Studio project/);
    expect(sha(file)).toBe(before);
    expect(existsSync(lockPath(file))).toBe(false);
  });
});

describe('killed mid-import', () => {
  it('a CLI killed while importing leaves the project in its last committed state, integrity ok, and says so', async () => {
    const { spawn } = await import('node:child_process');
    const { writeFileSync: write } = await import('node:fs');
    const dir = tempDir();
    const project = join(dir, 'kill.pstudio');
    const first = ProjectStore.create(project);
    addDataset(first, 'kept', 1000, 5);
    first.close();
    // a CSV large enough that the import is still running when the process is killed
    const csv = join(dir, 'big.csv');
    const lines = ['a,b,c'];
    for (let i = 0; i < 1_200_000; i++) lines.push(`${i},${(i * 7) % 13},${i / 3}`);
    write(csv, `${lines.join('\n')}\n`);
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'bin', 'panel-studio.mjs'), 'import', csv, '--project', project], { stdio: 'ignore' });
    // wait until the import has started writing (the WAL grows), then kill it hard
    const wal = `${project}-wal`;
    const t0 = Date.now();
    while (!(existsSync(wal) && statSync(wal).size > 1_000_000) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const back = ProjectStore.open(project);
    expect(back.integrityCheck()).toBe('ok');
    expect(back.listDatasets().map((d) => d.name)).toEqual(['kept']);
    expect(back.interrupted.map((op) => op.kind)).toEqual(['import']);
    expect(back.info().interrupted?.[0]?.what).toBe('import of big.csv (rolled back: the dataset was not added)');
    back.close();
  }, 120_000);
});
