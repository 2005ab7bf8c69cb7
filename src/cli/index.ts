// panel-studio: the headless command line over the same engine and store (DESIGN.md "The command
// line"). Exit 0 on success; on any error, exit non-zero with one line on stderr, never a trace.
import '../worker/wasm-tiering.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { estimate } from '../engine/estimate.js';
import type { Column, ColumnSource } from '../engine/data.js';
import { AppError } from '../shared/errors.js';
import { specVariables } from '../shared/spec.js';
import type { DatasetInfo } from '../shared/types.js';
import { validateSpec } from '../shared/validate.js';
import { exportDataset } from '../store/export-file.js';
import { importFile } from '../store/import/import-file.js';
import { ProjectStore } from '../store/project.js';
import { type Parsed, parseArgs, required } from './args.js';
import { cmdTool, cmdXtset, toolUsage } from './tool.js';
import { cmdDescribe } from './describe.js';
import { cmdCombine } from './combine.js';
import { withData } from './data-source.js';
import { cmdTable } from './table.js';
import { cmdReplicate } from './replicate.js';
import { cmdChart } from './chart.js';
import { cmdEntropy } from './measure.js';
import { cmdCode } from './code.js';
import { TOOL_IDS, type ToolId } from '../shared/tools.js';

const USAGE = `usage:
  panel-studio import FILE --project P.pstudio [--name NAME]
  panel-studio export --project P.pstudio [--dataset NAME] [--vars a,b,...] --out FILE.csv|.xlsx|.dta
  panel-studio estimate --data FILE|P.pstudio [--dataset NAME] --spec SPEC.json [--out result.json]
  panel-studio table --results a.json,b.json --format docx|xlsx|tex|md|csv|html --out F [--lang zh|en] [--stat t|se|p|ci] [--stats fe,nobs,r2,...] [--keep x1,x2] [--title TEXT] [--groups "Large=2; Small=2"]
  panel-studio chart --results a.json,b.json --kind coef|event|psm-density|bias --out F.svg|F.pdf [--terms x1,x2 | F3.d,...,L3.d | pre2:-2,...] [--reference -1|none] [--sample unmatched|matched] [--lang zh|en] [--title TEXT]
  panel-studio chart --kind histogram|density|hist-density --data FILE|P.pstudio [--dataset NAME] --var X [--bins K] [--bandwidth H] --out F.svg|F.pdf [--lang zh|en] [--title TEXT]
  panel-studio replicate paper003|P.pstudio --out DIR [--rows N] [--lang zh|en]
  panel-studio xtset --project P.pstudio [--dataset NAME] --id ID --time TIME
  panel-studio merge --project P.pstudio --master A --using B --keys k1,k2 [--kind 1:1|m:1|1:m] [--keep master,using,match] --name NEW
  panel-studio append --project P.pstudio --master A --using B --name NEW
  panel-studio keep|drop --project P.pstudio --dataset A --if CONDITION --name NEW
  panel-studio sort --project P.pstudio --dataset A --by firm,-year --name NEW
  panel-studio collapse --project P.pstudio --dataset A --by firm,year --vars q,expy [--stat mean|sum|count|min|max] [--weight value] --name NEW
  panel-studio entropy --data FILE|P.pstudio [--dataset NAME] --positive a,b --negative c [--groups "g1=a,b; g2=c"] [--shift 0.0001] [--by year] --out w.json|.csv|.md|.tex|.html [--lang zh|en]
  panel-studio summarize|correlate|vif|duplicates --data FILE|P.pstudio [--dataset NAME] --vars a,b,... [--by G] [--sample per_variable|listwise|pairwise] [--detail true] [--method spearman] [--format json|md|csv|tex|html|docx|xlsx] [--lang zh|en] [--title TEXT] [--out F]
  panel-studio code --project P.pstudio --lang stata|r --out F.do|F.R
variable tools (write new variables into the project, with their recipe):
${toolUsage()}`;

const LATER = new Set<string>([]);

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'import':
        return await cmdImport(parseArgs(rest, ['project', 'name']));
      case 'export':
        return await cmdExport(parseArgs(rest, ['project', 'dataset', 'out', 'vars']));
      case 'estimate':
        return await cmdEstimate(parseArgs(rest, ['data', 'dataset', 'spec', 'out']));
      case 'xtset':
        return cmdXtset(rest, pickDataset);
      case 'table':
        return cmdTable(rest);
      case 'code':
        return cmdCode(rest);
      case 'chart':
        return await cmdChart(rest);
      case 'merge':
      case 'append':
      case 'keep':
      case 'drop':
      case 'sort':
      case 'collapse':
        return cmdCombine(verb, rest);
      // measurement tools (docs/measurement.md): entropy also takes DESIGN.md's --data … --out form
      case 'entropy':
        return await cmdEntropy(rest, pickDataset);
      case 'quality':
      case 'sophistication':
        return await cmdTool(verb, rest, pickDataset);
      case 'summarize':
      case 'correlate':
      case 'vif':
      case 'duplicates':
        return await cmdDescribe(verb, rest, pickDataset);
      case undefined:
      case 'replicate':
        return await cmdReplicate(rest);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return verb === undefined ? 2 : 0;
      default:
        if ((TOOL_IDS as string[]).includes(verb)) return await cmdTool(verb as ToolId, rest, pickDataset);
        if (LATER.has(verb)) throw new AppError('INVALID_ARGUMENT', `"${verb}" is not available in this version of Panel Studio yet`);
        throw new AppError('INVALID_ARGUMENT', `unknown command "${verb}"; try: panel-studio help`);
    }
  } catch (err) {
    const message = err instanceof AppError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`panel-studio: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return err instanceof AppError && err.code === 'INVALID_ARGUMENT' ? 2 : 1;
  }
}

function progressPrinter(label: string): ((f: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (f) => {
    const pct = Math.floor(f * 100);
    if (pct === last) return;
    last = pct;
    process.stderr.write(`\r${label} ${pct}%${pct === 100 ? '\n' : ''}`);
  };
}

async function cmdImport(p: Parsed): Promise<number> {
  const file = p.positionals[0];
  if (!file || p.positionals.length > 1) throw new AppError('INVALID_ARGUMENT', 'import takes exactly one FILE');
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `${file} does not exist`);
  const projectPath = resolve(required(p, 'project'));
  const store = existsSync(projectPath) ? ProjectStore.open(projectPath) : ProjectStore.create(projectPath);
  try {
    const name = p.flags.get('name');
    const progress = progressPrinter(`importing ${basename(file)}`);
    const { dataset, warnings } = await importFile(store, resolve(file), { ...(name ? { name, replace: true } : {}), ...(progress ? { onProgress: progress } : {}) });
    store.save();
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${JSON.stringify({ dataset: dataset.name, rows: dataset.nrows, variables: dataset.variables.map((v) => ({ name: v.name, type: v.type })) })}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function pickDataset(store: ProjectStore, name: string | undefined): DatasetInfo {
  const all = store.listDatasets();
  if (name) {
    const d = store.findDataset(name);
    if (!d) throw new AppError('NOT_FOUND', `dataset "${name}" is not in ${basename(store.path)} (it has: ${all.map((x) => x.name).join(', ') || 'no datasets'})`);
    return d;
  }
  if (all.length === 1) return all[0];
  if (all.length === 0) throw new AppError('NOT_FOUND', `${basename(store.path)} has no datasets`);
  throw new AppError('INVALID_ARGUMENT', `${basename(store.path)} has several datasets (${all.map((x) => x.name).join(', ')}); choose one with --dataset`);
}

async function cmdExport(p: Parsed): Promise<number> {
  const store = ProjectStore.open(resolve(required(p, 'project')), { readonly: true });
  try {
    const ds = pickDataset(store, p.flags.get('dataset'));
    const out = resolve(required(p, 'out'));
    const vars = p.flags.get('vars')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const r = await exportDataset(store, ds.id, out, vars);
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${JSON.stringify({ dataset: ds.name, rows: r.rows, out: r.path })}\n`);
    return 0;
  } finally {
    store.close();
  }
}

async function cmdEstimate(p: Parsed): Promise<number> {
  const data = resolve(required(p, 'data'));
  const specPath = required(p, 'spec');
  let specJson: unknown;
  try {
    specJson = JSON.parse(readFileSync(specPath, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : 'cannot be read';
    throw new AppError('BAD_FILE', `${specPath} ${why}`);
  }
  return withData(data, p.flags.get('dataset'), pickDataset, (store, ds) => {
    const spec = validateSpec(specJson, ds.variables);
    const columns = new Map<string, Column>(specVariables(spec).map((n) => [n, store.readColumn(ds.id, n)]));
    const source: ColumnSource = { nrows: ds.nrows, disposable: true, get: (n) => columns.get(n) as Column };
    const result = estimate(spec, source);
    const json = `${JSON.stringify(result, null, 2)}\n`;
    const out = p.flags.get('out');
    if (out) writeFileSync(out, json);
    else process.stdout.write(json);
    return 0;
  });
}
