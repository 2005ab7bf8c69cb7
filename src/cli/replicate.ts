// `panel-studio replicate EXAMPLE|PROJECT --out DIR [--rows N] [--lang zh|en]`: the app's main job
// without a display. An example name (paper000, paper003) builds the example project in DIR; a project file
// is copied into DIR (the original is never written). Then every model is estimated in order
// (a psm model writes its _weight etc. first, as in the app, so the matched-sample models that
// follow use it; an sfa model its efficiency scores), each result is stored in the copy, and the
// tables — the project's pipeline tables (src/shared/pipeline.ts: their columns, options and
// titles; a descriptive table's variables) or, in a project without any, models grouped by the
// table prefix of their name (T2, T4, …; or one table) — are written as .docx, .tex and .xlsx under
// DIR/tables. A progress line per step; on any failure the command stops with a non-zero exit and
// names the step.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { summarize } from '../engine/describe/summarize.js';
import { estimateWithColumns } from '../engine/estimate-with-columns.js';
import { modelVariables } from '../engine/model-variables.js';
import type { Column, ColumnSource } from '../engine/data.js';
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import { canonicalJson } from '../shared/spec.js';
import { type PipelineTable, defaultTableStats, tableColumns, tableTitle } from '../shared/pipeline.js';
import { collectTable } from '../shared/table.js';
import { summaryTable } from '../shared/table-describe.js';
import { applyModelColumns } from '../store/apply-tool.js';
import { type ExampleTable, TABLES_003, buildExample003 } from '../store/examples/paper003.js';
import { tableOfName } from '../store/examples/pipeline.js';
import { TABLES_000, buildExample000 } from '../store/examples/paper000.js';
import { ProjectStore } from '../store/project.js';
import { renderTableFile } from '../store/table-file.js';
import { parseArgs, required } from './args.js';

const EXAMPLES: Record<string, { build: (path: string, opts: { rows?: number }) => ProjectStore; tables: ExampleTable[] }> = {
  paper000: { build: buildExample000, tables: TABLES_000 },
  paper003: { build: buildExample003, tables: TABLES_003 },
};

export const EXAMPLE_NAMES = Object.keys(EXAMPLES);

/** The table a model belongs to: the leading "T2", "Table 2" or "表2" of its name. */
export const tableOf = tableOfName;

function progress(step: number, total: number, what: string, ms?: number): void {
  process.stdout.write(`[${step}/${total}] ${what}${ms !== undefined ? ` (${(ms / 1000).toFixed(2)} s)` : ''}\n`);
}

export async function cmdReplicate(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['out', 'rows', 'lang']);
  const what = p.positionals[0];
  if (!what) throw new AppError('INVALID_ARGUMENT', `replicate needs an example name (${EXAMPLE_NAMES.join(', ')}) or a project file`);
  const out = resolve(required(p, 'out'));
  const lang = p.flags.get('lang') ?? 'zh';
  if (lang !== 'zh' && lang !== 'en') throw new AppError('INVALID_ARGUMENT', `--lang must be zh or en, got "${lang}"`);
  const rows = p.flags.has('rows') ? Number(p.flags.get('rows')) : undefined;
  if (rows !== undefined && !(Number.isInteger(rows) && rows >= 500)) throw new AppError('INVALID_ARGUMENT', `--rows must be a whole number ≥ 500, got "${p.flags.get('rows')}"`);
  mkdirSync(join(out, 'tables'), { recursive: true });

  // 1. the project: build the example, or copy the project (with its WAL) so the original stays as it is
  const example = EXAMPLES[what];
  let store: ProjectStore;
  let tables: ExampleTable[] = [];
  if (example) {
    const file = join(out, `${what}.pstudio`);
    if (existsSync(file)) throw new AppError('INVALID_ARGUMENT', `${file} already exists; choose an empty --out folder`);
    const t0 = performance.now();
    store = example.build(file, rows !== undefined ? { rows } : {});
    tables = example.tables;
    progress(0, 0, `built the example project ${basename(file)}`, performance.now() - t0);
  } else {
    const source = resolve(what);
    if (!existsSync(source)) throw new AppError('NOT_FOUND', `"${what}" is neither an example (${EXAMPLE_NAMES.join(', ')}) nor a project file`);
    const file = join(out, basename(source));
    if (existsSync(file)) throw new AppError('INVALID_ARGUMENT', `${file} already exists; choose an empty --out folder`);
    ProjectStore.open(source, { readonly: true }).close(); // refuses non-projects and newer formats
    copyFileSync(source, file);
    if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${file}-wal`);
    store = ProjectStore.open(file);
  }

  try {
    // 2. every model, in order
    const models = store.listModels();
    const total = models.length;
    const results = new Map<number, EstimationResult>();
    for (const [i, m] of models.entries()) {
      const t0 = performance.now();
      try {
        const ds = store.getDataset(m.datasetId);
        const names = modelVariables(m.spec);
        const cols = new Map<string, Column>(names.map((n) => [n, store.readColumn(ds.id, n)]));
        const source: ColumnSource = {
          nrows: ds.nrows,
          disposable: true,
          get: (n) => {
            const c = cols.get(n);
            if (!c) throw new AppError('NOT_FOUND', `variable "${n}" is not in dataset ${ds.name}`);
            return c;
          },
        };
        // psm, sfa and tfp variables go into the dataset before the models after them run, as in the app
        const { result, columns } = estimateWithColumns(m.spec, source);
        const version = columns.length > 0 ? applyModelColumns(store, ds.id, { name: m.name, spec: m.spec }, columns).version : ds.version;
        const hash = createHash('sha256').update(canonicalJson({ datasetId: ds.id, spec: m.spec })).digest('hex');
        store.addResult(m.id, hash, version, result, { readVersion: ds.version, written: columns.map((c) => c.name) });
        results.set(m.id, result);
        progress(i + 1, total, `${m.name}: N = ${result.nobs}`, performance.now() - t0);
      } catch (err) {
        store.setModelFailed(m.id, err instanceof Error ? err.message : String(err));
        throw new AppError(err instanceof AppError ? err.code : 'ESTIMATION', `replicate stopped at model ${i + 1} of ${total}, "${m.name}": ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    // 3. the tables: the pipeline's when the project has any, else by the prefix of the model names
    const written: string[] = [];
    const write = (id: string, title: string, model: ReturnType<typeof collectTable>, groups?: { label: string; span: number }[]) => {
      for (const format of ['docx', 'tex', 'xlsx'] as const) {
        const file = join(out, 'tables', `${id}.${format}`);
        writeFileSync(file, renderTableFile(model, format, { lang, title, ...(groups ? { groups } : {}) }, basename(file)));
        written.push(file);
      }
    };
    const labelsOf = (datasetId: number): Record<string, string> =>
      Object.fromEntries(
        store.getDataset(datasetId).variables.flatMap((v) => {
          const l = lang === 'zh' ? v.label.zh : v.label.en;
          return l ? [[v.name, l]] : [];
        }),
      );
    const describeTable = (datasetId: number, variables: string[]) => {
      const ds = store.getDataset(datasetId);
      const cols = variables.map((name) => ({ name, column: store.readColumn(ds.id, name) }));
      const labels = Object.fromEntries(ds.variables.map((v) => [v.name, (lang === 'zh' ? v.label.zh : v.label.en) ?? v.name]));
      return summaryTable(summarize(cols), { lang, labels });
    };
    const resultOf = (id: number): EstimationResult => {
      const r = results.get(id) ?? store.latestResult(id)?.result;
      if (!r) throw new AppError('NOT_FOUND', `model ${id} of a table has no result`);
      return r;
    };
    const pipeline = store.listPipelineTables();
    if (pipeline.length > 0) {
      const used = new Set<string>();
      for (const t of pipeline) {
        const id = fileKey(t, used);
        if (t.describe) {
          write(id, tableTitle(t, lang), describeTable(t.describe.datasetId, t.describe.variables));
          continue;
        }
        const columns = tableColumns(t);
        if (columns.length === 0) continue;
        const rs = columns.map(resultOf);
        const { labels: stored, title: _title, groups, ...collect } = t.options;
        const labels = stored && typeof stored === 'object' && !Array.isArray(stored) ? (Object.fromEntries(Object.entries(stored).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : labelsOf(models.find((m) => m.id === columns[0])?.datasetId ?? 0);
        write(id, tableTitle(t, lang), collectTable(rs, { lang, ...collect, labels, stats: collect.stats ?? defaultTableStats(rs.map((r) => r.estimator)) }), groups);
      }
    } else {
      const groups = new Map<string, number[]>();
      for (const m of models) {
        if (m.spec.estimator === 'psm' && tableOf(m.name)) continue; // the matching step; its ATT shows in the psm result
        const t = tableOf(m.name) ?? 'models';
        groups.set(t, [...(groups.get(t) ?? []), m.id]);
      }
      for (const t of tables.filter((x) => x.describe)) {
        const ds = (t.dataset ? store.findDataset(t.dataset) : null) ?? store.listDatasets()[0];
        write(t.id, t.title[lang], describeTable(ds.id, t.describe ?? []));
      }
      for (const [id, ids] of groups) {
        const info = tables.find((x) => x.id === id);
        const rs = ids.map(resultOf);
        const labels = labelsOf(models.find((m) => m.id === ids[0])?.datasetId ?? 0);
        write(id, info?.title[lang] ?? id, collectTable(rs, { lang, labels, stats: defaultTableStats(rs.map((r) => r.estimator)) }));
      }
    }
    store.save();
    process.stdout.write(`replicated ${total} models; ${written.length} table files in ${join(out, 'tables')}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** A table's file name: its key ("T3"), or table-<id>; unique within one run. */
function fileKey(t: PipelineTable, used: Set<string>): string {
  const base = (t.key ?? '').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '') || `table-${t.id}`;
  const key = used.has(base) ? `${base}_${t.id}` : base;
  used.add(key);
  return key;
}
