// `panel-studio chart --results a.json,b.json --kind coef|event|psm-density|bias --out F.svg
// [--terms x1,x2] [--lang zh|en] [--title T] [--reference -1] [--sample unmatched|matched]`:
// stored result files (from `panel-studio estimate --out`) → the same chart model as the app →
// SVG (docs/charts.md). Event terms in F/L notation get their period from the operator; any other
// name takes an explicit one as term:period (e.g. pre2:-2,post0:0).
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { collectCoefPlot } from '../shared/chart/coef.js';
import { type EventTerm, collectEventStudy, parseEventTerm } from '../shared/chart/event.js';
import type { ChartModel } from '../shared/chart/model.js';
import { collectBiasPlot, collectPsmDensity } from '../shared/chart/psm.js';
import { renderSvg } from '../shared/chart/svg.js';
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import { parseArgs, required } from './args.js';

const KINDS = ['coef', 'event', 'psm-density', 'bias'] as const;

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

export function cmdChart(argv: string[]): number {
  const p = parseArgs(argv, ['results', 'kind', 'terms', 'out', 'lang', 'title', 'reference', 'sample', 'width']);
  const kind = p.flags.get('kind') ?? 'coef';
  if (!(KINDS as readonly string[]).includes(kind)) throw new AppError('INVALID_ARGUMENT', `--kind must be one of ${KINDS.join(', ')}, got "${kind}"`);
  const lang = p.flags.get('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'zh') throw new AppError('INVALID_ARGUMENT', `--lang must be zh or en, got "${lang}"`);
  const out = required(p, 'out');
  if (extname(out).toLowerCase() !== '.svg') throw new AppError('INVALID_ARGUMENT', `--out must name an .svg file, got "${out}"`);
  const width = p.flags.has('width') ? Number(p.flags.get('width')) : 640;
  if (!Number.isInteger(width) || width < 240 || width > 4000) throw new AppError('INVALID_ARGUMENT', `--width must be a whole number of pixels from 240 to 4000`);
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
  const title = p.flags.get('title');
  const common = { lang: lang as 'zh' | 'en', ...(title !== undefined ? { title } : {}) };
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
  writeFileSync(out, renderSvg(model, { width }));
  return 0;
}
