// `panel-studio summarize|correlate|vif --data FILE|P.pstudio [--dataset NAME] --vars a,b,c
// [--by g] [--sample listwise|per_variable|pairwise] [--detail true] [--method spearman] [--out F]`:
// descriptive statistics as JSON (src/shared/describe.ts shapes), read-only on a project.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { runDescribe } from '../engine/describe/run.js';
import type { DescribeRequest } from '../shared/describe.js';
import { AppError } from '../shared/errors.js';
import type { DatasetInfo } from '../shared/types.js';
import { importFile } from '../store/import/import-file.js';
import { ProjectStore } from '../store/project.js';
import { parseArgs, required } from './args.js';


export async function cmdDescribe(kind: DescribeRequest['kind'], argv: string[], pickDataset: (store: ProjectStore, name: string | undefined) => DatasetInfo): Promise<number> {
  const p = parseArgs(argv, ['data', 'dataset', 'vars', 'by', 'sample', 'detail', 'method', 'out']);
  const data = resolve(required(p, 'data'));
  if (!existsSync(data)) throw new AppError('NOT_FOUND', `${data} does not exist`);
  const sample = p.flags.get('sample');
  if (sample !== undefined && !['per_variable', 'listwise', 'pairwise'].includes(sample)) throw new AppError('INVALID_ARGUMENT', `--sample must be per_variable, listwise or pairwise, got "${sample}"`);
  const method = p.flags.get('method');
  if (method !== undefined && method !== 'pearson' && method !== 'spearman') throw new AppError('INVALID_ARGUMENT', `--method must be pearson or spearman, got "${method}"`);
  const request: DescribeRequest = {
    kind,
    variables: required(p, 'vars').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    ...(p.flags.get('by') ? { by: p.flags.get('by') as string } : {}),
    ...(sample ? { sample: sample as DescribeRequest['sample'] } : {}),
    ...(p.flags.get('detail') === 'true' ? { detail: true } : {}),
    ...(method ? { method: method as DescribeRequest['method'] } : {}),
  };
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
    const ds = pickDataset(store, isProject ? p.flags.get('dataset') : undefined);
    const result = runDescribe(request, (name) => {
      if (!ds.variables.some((v) => v.name === name)) throw new AppError('NOT_FOUND', `variable "${name}" is not in the dataset`);
      return store.readColumn(ds.id, name);
    });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    const out = p.flags.get('out');
    if (out) writeFileSync(out, json);
    else process.stdout.write(json);
    return 0;
  } finally {
    store.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
