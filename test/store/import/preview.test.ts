// The import preview: a held import stays in the staging area (invisible), type changes apply to
// it, and it appears only when committed; a discarded one leaves the project as it was.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeStagingTypes } from '../../../src/store/import/change-types.js';
import { finishImport, importFile } from '../../../src/store/import/import-file.js';
import { ProjectStore } from '../../../src/store/project.js';
import { tempDir } from '../../helpers.js';

describe('held import (preview)', () => {
  const dir = tempDir();
  const csv = join(dir, 'p.csv');
  writeFileSync(csv, 'code,year,label\n101,2001,1.5\n202,2002,x\n303,2003,2\n');

  it('is invisible until committed; numbers → text and text → numbers as chosen', async () => {
    const store = ProjectStore.create(':memory:');
    const s = await importFile(store, csv, { hold: true });
    expect(store.listDatasets()).toEqual([]);
    expect(s.held).toBeDefined();
    const { stagingId, logId } = s.held!;
    expect(store.readRows(stagingId, 0, 2, undefined, { staging: true }).columns.code).toEqual([101, 202]);
    const warnings = changeStagingTypes(store, stagingId, { code: 'text', label: 'numeric' });
    expect(warnings).toEqual(['label: 1 distinct text values are not numbers (e.g. "x") and became missing']);
    const ds = finishImport(store, stagingId, logId);
    expect(store.listDatasets().map((d) => d.name)).toEqual(['p']);
    expect(ds.variables.map((v) => v.type)).toEqual(['categorical', 'numeric', 'numeric']);
    expect(store.readColumn(ds.id, 'code')).toEqual({ kind: 'categorical', codes: Int32Array.from([0, 1, 2]), levels: ['101', '202', '303'] });
    expect(Array.from((store.readColumn(ds.id, 'label') as { values: Float64Array }).values)).toEqual([1.5, NaN, 2]);
    expect(store.oplog().at(-1)?.status).toBe('done');
    store.close();
  });

  it('a discarded preview leaves nothing behind', async () => {
    const store = ProjectStore.create(':memory:');
    const s = await importFile(store, csv, { hold: true });
    store.abortDataset(s.held!.stagingId);
    expect(store.listDatasets()).toEqual([]);
    expect(() => store.getDataset(s.held!.stagingId, { staging: true })).toThrow(/does not exist/);
    store.close();
  });
});
