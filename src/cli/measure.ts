// `panel-studio entropy`, two forms (DESIGN.md "The command line"):
//   panel-studio entropy --data FILE|P.pstudio [--dataset NAME] --positive a,b --negative c
//       [--groups "ecom=a,b; basic=c"] [--shift 0.0001] [--by year] [--name IDX] --out w.json|.csv|.md|.tex|.html
//     computes the index on a data file (or a project, read-only) and writes the weights — and, in
//     JSON, the index values row by row — without changing anything;
//   panel-studio entropy --project P.pstudio --name IDX --positive ... [--out w.json]
//     the variable tool: writes the index (and sub-indices) into the project with its recipe.
// quality and sophistication are the variable tools under their own names (cmdTool).
import { AppError } from '../shared/errors.js';
import type { DatasetInfo } from '../shared/types.js';
import type { ProjectStore } from '../store/project.js';
import { TOOLS } from '../shared/tools.js';
import { parseArgs, required } from './args.js';
import { withData } from './data-source.js';
import { cmdTool, langOf, requestFromFlags, runToolOn, tableFormat, writeTables } from './tool.js';

export async function cmdEntropy(argv: string[], pickDataset: (store: ProjectStore, name: string | undefined) => DatasetInfo): Promise<number> {
  if (!argv.some((a) => a === '--data' || a.startsWith('--data='))) return cmdTool('entropy', argv, pickDataset);
  const p = parseArgs(argv, ['data', 'dataset', 'out', 'lang', ...TOOLS.entropy.params.map((x) => x.key)]);
  if (p.flags.has('project')) throw new AppError('INVALID_ARGUMENT', 'give either --data (compute and write --out) or --project (write the index into the project)');
  const out = required(p, 'out');
  const format = tableFormat(out);
  const lang = langOf(p);
  const request = requestFromFlags('entropy', p);
  if (request.params.name === undefined) request.params.name = 'entropy_index';
  return withData(required(p, 'data'), p.flags.get('dataset'), pickDataset, (store, ds) => {
    const output = runToolOn(store, ds, request);
    for (const w of output.warnings) process.stderr.write(`note: ${w}\n`);
    const index = format === 'json' ? Object.fromEntries(output.columns.map((c) => [c.name, c.column.kind === 'numeric' ? Array.from(c.column.values, (v) => (Number.isFinite(v) ? v : null)) : []])) : undefined;
    writeTables(out, output.tables ?? [], { dataset: ds.name, describe: output.describe, warnings: output.warnings, ...(index ? { index } : {}) }, lang);
    process.stdout.write(`${JSON.stringify({ dataset: ds.name, out, describe: output.describe })}\n`);
    return 0;
  });
}
