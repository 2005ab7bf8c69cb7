// `panel-studio summarize|correlate|vif --data FILE|P.pstudio [--dataset NAME] --vars a,b,c
// [--by g] [--sample listwise|per_variable|pairwise] [--detail true] [--method spearman] [--out F]
// [--format json|docx|xlsx|tex|md|csv|html] [--lang zh|en] [--title TEXT]`: descriptive statistics
// as JSON (src/shared/describe.ts shapes), or as a table through the regression-table writers
// (Word and Excel need --out), read-only on a project.
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { withData } from './data-source.js';
import { runDescribe } from '../engine/describe/run.js';
import type { DescribeRequest } from '../shared/describe.js';
import { AppError } from '../shared/errors.js';
import type { DatasetInfo } from '../shared/types.js';
import { ProjectStore } from '../store/project.js';
import { parseArgs, required } from './args.js';
import { correlationTable, describeTableTitle, summaryTable, vifTable } from '../shared/table-describe.js';
import { TABLE_FILE_FORMATS, isTableFileFormat, renderTableFile } from '../store/table-file.js';


export async function cmdDescribe(kind: DescribeRequest['kind'], argv: string[], pickDataset: (store: ProjectStore, name: string | undefined) => DatasetInfo): Promise<number> {
  const p = parseArgs(argv, ['data', 'dataset', 'vars', 'by', 'sample', 'detail', 'method', 'out', 'format', 'lang', 'title']);
  const format = p.flags.get('format') ?? 'json';
  if (format !== 'json' && !isTableFileFormat(format)) throw new AppError('INVALID_ARGUMENT', `--format must be json, ${TABLE_FILE_FORMATS.join(', ')}, got "${format}"`);
  if ((format === 'docx' || format === 'xlsx') && !p.flags.get('out')) throw new AppError('INVALID_ARGUMENT', `--format ${format} writes a file: give it with --out`);
  const lang = p.flags.get('lang') === 'zh' ? 'zh' : 'en';
  const data = resolve(required(p, 'data'));
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
  return withData(data, p.flags.get('dataset'), pickDataset, (store, ds) => {
    const result = runDescribe(request, (name) => {
      if (!ds.variables.some((v) => v.name === name)) throw new AppError('NOT_FOUND', `variable "${name}" is not in the dataset`);
      return store.readColumn(ds.id, name);
    });
    let json: string | Buffer = `${JSON.stringify(result, null, 2)}\n`;
    const out = p.flags.get('out');
    if (format !== 'json' && isTableFileFormat(format)) {
      if (result.kind === 'duplicates') throw new AppError('INVALID_ARGUMENT', `--format ${format} is available for summarize, correlate and vif; duplicates writes JSON`);
      const table = result.kind === 'summarize' ? summaryTable(result, { lang }) : result.kind === 'correlate' ? correlationTable(result, { lang }) : vifTable(result, { lang });
      json = renderTableFile(table, format, { lang, title: p.flags.get('title') ?? describeTableTitle(result.kind, lang) }, out ? basename(out) : undefined);
    }
    if (out) writeFileSync(out, json);
    else process.stdout.write(json);
    return 0;
  });
}
