// `--data FILE|P.pstudio` (DESIGN.md): a project is opened read-only; a data file is imported into
// a temporary project that is removed afterwards. Shared by estimate and the describe verbs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { AppError } from '../shared/errors.js';
import type { DatasetInfo } from '../shared/types.js';
import { importFile } from '../store/import/import-file.js';
import { ProjectStore } from '../store/project.js';

export async function withData<T>(
  data: string,
  datasetName: string | undefined,
  pickDataset: (store: ProjectStore, name: string | undefined) => DatasetInfo,
  use: (store: ProjectStore, ds: DatasetInfo) => Promise<T> | T,
): Promise<T> {
  if (!existsSync(data)) throw new AppError('NOT_FOUND', `${data} does not exist`);
  const isProject = extname(data).toLowerCase() === '.pstudio';
  let tmp: string | null = null;
  let store: ProjectStore;
  if (isProject) store = ProjectStore.open(data, { readonly: true });
  else {
    tmp = mkdtempSync(join(tmpdir(), 'panel-studio-'));
    store = ProjectStore.create(join(tmp, 'data.pstudio'));
  }
  try {
    if (!isProject) await importFile(store, data);
    return await use(store, pickDataset(store, isProject ? datasetName : undefined));
  } finally {
    store.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
