// `panel-studio keep|drop --project P --dataset A --if "year >= 2005" --name NEW`,
// `panel-studio merge --project P --master A --using B --keys k1,k2 --kind m:1 [--keep match,master]
// --name NEW` and `panel-studio append --project P --master A --using B --name NEW`: a new dataset
// from two, with Stata's match report on stdout (JSON). The inputs are left unchanged.
import { resolve } from 'node:path';
import { runCombine } from '../engine/combine/run.js';
import { COLLAPSE_STATS, type CollapseStat, type CombineRequest } from '../shared/combine.js';
import { AppError } from '../shared/errors.js';
import { ProjectStore } from '../store/project.js';
import { writeCombined } from '../store/write-dataset.js';
import { parseArgs, required } from './args.js';

const KINDS = ['1:1', 'm:1', '1:m'] as const;
const KEEP = ['master', 'using', 'match'] as const;

export function cmdCombine(kind: 'merge' | 'append' | 'keep' | 'drop' | 'sort' | 'collapse', argv: string[]): number {
  if (kind === 'collapse') return cmdCollapse(argv);
  const subset = kind === 'keep' || kind === 'drop';
  const single = subset || kind === 'sort';
  const p = parseArgs(argv, subset ? ['project', 'dataset', 'if', 'name'] : kind === 'sort' ? ['project', 'dataset', 'by', 'name'] : ['project', 'master', 'using', 'keys', 'kind', 'keep', 'name']);
  const mergeKind = p.flags.get('kind') ?? '1:1';
  if (!(KINDS as readonly string[]).includes(mergeKind)) throw new AppError('INVALID_ARGUMENT', `--kind must be 1:1, m:1 or 1:m, got "${mergeKind}"`);
  const keep = p.flags.get('keep')?.split(',').map((s) => s.trim());
  for (const k of keep ?? []) if (!(KEEP as readonly string[]).includes(k)) throw new AppError('INVALID_ARGUMENT', `--keep takes master, using and match, got "${k}"`);
  const request: CombineRequest = {
    kind,
    master: required(p, single ? 'dataset' : 'master'),
    using: single ? required(p, 'dataset') : required(p, 'using'),
    ...(subset ? { condition: required(p, 'if') } : {}),
    // sort --by firm,-year: a leading minus sorts that variable descending (Stata gsort)
    ...(kind === 'sort'
      ? {
          keys: required(p, 'by').split(',').map((s) => s.trim().replace(/^-/, '')),
          descending: required(p, 'by').split(',').map((s) => s.trim()).filter((s) => s.startsWith('-')).map((s) => s.slice(1)),
        }
      : {}),
    name: required(p, 'name'),
    ...(kind === 'merge' ? { keys: required(p, 'keys').split(',').map((s) => s.trim()), merge: mergeKind as CombineRequest['merge'] } : {}),
    ...(keep ? { keep: keep as CombineRequest['keep'] } : {}),
  };
  return runAndWrite(required(p, 'project'), request, single);
}

/**
 * `panel-studio collapse --project P --dataset tx --by firm,year --vars quality,expy [--stat mean]
 * [--weight value] --name firm_year`: Stata's collapse into a NEW dataset (the input is unchanged).
 */
function cmdCollapse(argv: string[]): number {
  const p = parseArgs(argv, ['project', 'dataset', 'by', 'vars', 'stat', 'weight', 'name']);
  const stat = p.flags.get('stat') ?? 'mean';
  if (!(COLLAPSE_STATS as readonly string[]).includes(stat)) throw new AppError('INVALID_ARGUMENT', `--stat must be one of ${COLLAPSE_STATS.join(', ')}, got "${stat}"`);
  const list = (key: string) => required(p, key).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const dataset = required(p, 'dataset');
  const weight = p.flags.get('weight');
  const request: CombineRequest = { kind: 'collapse', master: dataset, using: dataset, keys: list('by'), vars: list('vars'), stat: stat as CollapseStat, ...(weight ? { weight } : {}), name: required(p, 'name') };
  return runAndWrite(required(p, 'project'), request, true);
}

function runAndWrite(project: string, request: CombineRequest, single: boolean): number {
  const store = ProjectStore.open(resolve(project));
  try {
    const load = (name: string) => {
      const ds = store.findDataset(name);
      if (!ds) throw new AppError('NOT_FOUND', `there is no dataset "${name}" in ${store.path}`);
      return { nrows: ds.nrows, columns: ds.variables.map((v) => ({ name: v.name, column: store.readColumn(ds.id, v.name) })) };
    };
    const { data, report } = runCombine(request, load(request.master), single ? null : load(request.using));
    for (const w of report.warnings ?? []) process.stderr.write(`note: ${w}\n`);
    const ds = writeCombined(store, request, data.nrows, data.columns, report);
    process.stdout.write(`${JSON.stringify({ dataset: ds.name, ...report })}\n`);
    return 0;
  } finally {
    store.close();
  }
}
