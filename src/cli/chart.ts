// `panel-studio chart --results a.json,b.json --kind coef|event|psm-density|bias --out F.svg|F.pdf
// [--terms x1,x2] [--lang zh|en] [--title T] [--reference -1] [--sample unmatched|matched]`:
// stored result files (from `panel-studio estimate --out`) → the same chart model as the app →
// SVG or PDF (docs/charts.md). Event terms in F/L notation get their period from the operator; any
// other name takes an explicit one as term:period (e.g. pre2:-2,post0:0).
// `panel-studio chart --kind histogram|density|hist-density --data FILE|P.pstudio [--dataset NAME]
// --var X [--bins K] [--bandwidth H] --out F.svg|F.pdf`: a variable's distribution.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { collectCoefPlot } from '../shared/chart/coef.js';
import { collectDistribution } from '../shared/chart/distribution.js';
import { renderPdf } from '../shared/chart/pdf.js';
import { type EventTerm, collectEventStudy, parseEventTerm } from '../shared/chart/event.js';
import type { ChartModel } from '../shared/chart/model.js';
import { collectBiasPlot, collectPsmDensity } from '../shared/chart/psm.js';
import { renderSvg } from '../shared/chart/svg.js';
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import type { DatasetInfo } from '../shared/types.js';
import type { ProjectStore } from '../store/project.js';
import { type Parsed, parseArgs, required } from './args.js';
import { withData } from './data-source.js';

const KINDS = ['coef', 'event', 'psm-density', 'bias', 'histogram', 'density', 'hist-density'] as const;
const DISTRIBUTION: Record<string, 'histogram' | 'density' | 'both'> = { histogram: 'histogram', density: 'density', 'hist-density': 'both' };

function readResult(file: string): EstimationResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError('BAD_FILE', `${file}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : 'cannot be read'}`);
  }
  const r = parsed as Partial<EstimationResult>;
  if (!r || !Array.isArray(r.coefficients) || typeof r.nobs !== 'number' || !r.spec) throw new AppError('BAD_FILE', `${file}: not a Panel Studio result (write one with panel-studio estimate --out)`);
  return r as EstimationResult;
}

function eventTerm(s: string): EventTerm | string {
  const m = /^(.+):(-?\d+)$/.exec(s);
  if (m) return { term: m[1], period: Number(m[2]) };
  if (!parseEventTerm(s)) throw new AppError('INVALID_ARGUMENT', `--terms: "${s}" is not a lead or lag (F2.x, L.x); give its period as ${s}:PERIOD`);
  return s;
}

/** The chart written as SVG text or, for a .pdf name, the PDF (7-bit text written as bytes). */
function writeChart(out: string, model: ChartModel, width: number): void {
  if (extname(out).toLowerCase() === '.pdf') writeFileSync(out, Buffer.from(renderPdf(model, { width }), 'latin1'));
  else writeFileSync(out, renderSvg(model, { width }));
}

function pickDataset(store: ProjectStore, name: string | undefined): DatasetInfo {
  const all = store.listDatasets();
  const d = name ? store.findDataset(name) : all.length === 1 ? all[0] : undefined;
  if (d) return d;
  if (name) throw new AppError('NOT_FOUND', `dataset "${name}" is not in ${basename(store.path)} (it has: ${all.map((x) => x.name).join(', ') || 'no datasets'})`);
  throw new AppError(all.length === 0 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', all.length === 0 ? `${basename(store.path)} has no datasets` : `${basename(store.path)} has several datasets (${all.map((x) => x.name).join(', ')}); choose one with --dataset`);
}

async function distributionChart(p: Parsed, kind: 'histogram' | 'density' | 'both', common: { lang: 'zh' | 'en'; title?: string }, out: string, width: number): Promise<number> {
  const variable = required(p, 'var');
  const bins = p.flags.has('bins') ? Number(p.flags.get('bins')) : undefined;
  if (bins !== undefined && (!Number.isInteger(bins) || bins < 1 || bins > 500)) throw new AppError('INVALID_ARGUMENT', `--bins must be a whole number from 1 to 500, got "${p.flags.get('bins')}"`);
  const bandwidth = p.flags.has('bandwidth') ? Number(p.flags.get('bandwidth')) : undefined;
  if (bandwidth !== undefined && !(bandwidth > 0 && Number.isFinite(bandwidth))) throw new AppError('INVALID_ARGUMENT', `--bandwidth must be a positive number, got "${p.flags.get('bandwidth')}"`);
  return withData(resolve(required(p, 'data')), p.flags.get('dataset'), pickDataset, (store, ds) => {
    if (!ds.variables.some((v) => v.name === variable)) throw new AppError('NOT_FOUND', `variable "${variable}" is not in the dataset`);
    const col = store.readColumn(ds.id, variable);
    if (col.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `"${variable}" is text; a histogram or density needs a numeric variable`);
    const model = collectDistribution(col.values, { name: variable, kind, ...common, ...(bins !== undefined ? { bins } : {}), ...(bandwidth !== undefined ? { bandwidth } : {}) });
    writeChart(out, model, width);
    return 0;
  });
}

export function cmdChart(argv: string[]): number | Promise<number> {
  const p = parseArgs(argv, ['results', 'kind', 'terms', 'out', 'lang', 'title', 'reference', 'sample', 'width', 'data', 'dataset', 'var', 'bins', 'bandwidth']);
  const kind = p.flags.get('kind') ?? 'coef';
  if (!(KINDS as readonly string[]).includes(kind)) throw new AppError('INVALID_ARGUMENT', `--kind must be one of ${KINDS.join(', ')}, got "${kind}"`);
  const lang = p.flags.get('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'zh') throw new AppError('INVALID_ARGUMENT', `--lang must be zh or en, got "${lang}"`);
  const out = required(p, 'out');
  if (!['.svg', '.pdf'].includes(extname(out).toLowerCase())) throw new AppError('INVALID_ARGUMENT', `--out must name an .svg or .pdf file, got "${out}"`);
  const width = p.flags.has('width') ? Number(p.flags.get('width')) : 640;
  if (!Number.isInteger(width) || width < 240 || width > 4000) throw new AppError('INVALID_ARGUMENT', `--width must be a whole number of pixels from 240 to 4000`);
  const title = p.flags.get('title');
  const common = { lang: lang as 'zh' | 'en', ...(title !== undefined ? { title } : {}) };
  const dist = DISTRIBUTION[kind];
  if (dist) return distributionChart(p, dist, common, out, width);
  const results = required(p, 'results')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map(readResult);
  const terms = p.flags
    .get('terms')
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  let model: ChartModel;
  if (kind === 'coef') model = collectCoefPlot(results, { ...common, ...(terms ? { terms } : {}) });
  else if (kind === 'event') {
    const ref = p.flags.get('reference');
    const reference = ref === undefined ? undefined : ref === 'none' ? null : Number(ref);
    if (reference !== undefined && reference !== null && !Number.isInteger(reference)) throw new AppError('INVALID_ARGUMENT', `--reference must be a whole number (or none), got "${ref}"`);
    model = collectEventStudy(results, { ...common, ...(terms ? { terms: terms.map(eventTerm) } : {}), ...(reference !== undefined ? { reference } : {}) });
  } else {
    if (results.length !== 1) throw new AppError('INVALID_ARGUMENT', `--kind ${kind} draws one psm result; got ${results.length}`);
    if (kind === 'bias') model = collectBiasPlot(results[0], common);
    else {
      const sample = p.flags.get('sample') ?? 'matched';
      if (sample !== 'matched' && sample !== 'unmatched') throw new AppError('INVALID_ARGUMENT', `--sample must be matched or unmatched, got "${sample}"`);
      model = collectPsmDensity(results[0], sample, common);
    }
  }
  writeChart(out, model, width);
  return 0;
}
