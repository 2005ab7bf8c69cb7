// `panel-studio table --results a.json,b.json --format docx|xlsx|tex|md|csv|html --out F
// [--lang zh|en] [--stat t|se|p|ci] [--stats fe,nobs,r2,...] [--keep x1,x2] [--title TEXT]
// [--groups "Large firms=2; Small firms=2"]`:
// renders stored result files (from `panel-studio estimate --out`) with the same table model and
// renderers as the app. The title (default "Regression results" / "回归结果") heads Word and Excel tables;
// --groups puts super-headers over adjacent columns (label=span, left to right) in every format.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import { TABLE_STATS, type TableStat, type TableStatistic, collectTable } from '../shared/table.js';
import { type TableGroup, defaultTableTitle, fitGroups } from '../shared/table-layout.js';
import { TABLE_FILE_FORMATS, isTableFileFormat, renderTableFile } from '../store/table-file.js';
import { parseArgs, required } from './args.js';

const STATS: readonly TableStat[] = TABLE_STATS;

export function cmdTable(argv: string[]): number {
  const p = parseArgs(argv, ['results', 'format', 'out', 'lang', 'stat', 'stats', 'keep', 'title', 'groups']);
  const format = required(p, 'format');
  if (!isTableFileFormat(format)) throw new AppError('INVALID_ARGUMENT', `--format must be one of ${TABLE_FILE_FORMATS.join(', ')}, got "${format}"`);
  const lang = p.flags.get('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'zh') throw new AppError('INVALID_ARGUMENT', `--lang must be zh or en, got "${lang}"`);
  const stat = p.flags.get('stat') ?? 't';
  if (!['t', 'se', 'p', 'ci'].includes(stat)) throw new AppError('INVALID_ARGUMENT', `--stat must be t, se, p or ci, got "${stat}"`);
  const stats = p.flags.get('stats')?.split(',').map((s) => s.trim());
  for (const s of stats ?? []) if (!(STATS as string[]).includes(s)) throw new AppError('INVALID_ARGUMENT', `--stats takes ${STATS.join(', ')}; "${s}" is not one of them`);
  const results = required(p, 'results')
    .split(',')
    .map((file) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file.trim(), 'utf8'));
      } catch (err) {
        throw new AppError('BAD_FILE', `${file}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : 'cannot be read'}`);
      }
      const r = parsed as Partial<EstimationResult>;
      if (!r || !Array.isArray(r.coefficients) || typeof r.nobs !== 'number' || !r.spec) throw new AppError('BAD_FILE', `${file}: not a Panel Studio result (write one with panel-studio estimate --out)`);
      return r as EstimationResult;
    });
  const model = collectTable(results, {
    lang,
    statistic: stat as TableStatistic,
    ...(stats ? { stats: stats as TableStat[] } : {}),
    ...(p.flags.get('keep') ? { keep: (p.flags.get('keep') as string).split(',').map((s) => s.trim()) } : {}),
  });
  const out = required(p, 'out');
  const groups = parseGroups(p.flags.get('groups'), results.length);
  writeFileSync(out, renderTableFile(model, format, { lang, title: p.flags.get('title') ?? defaultTableTitle(lang), ...(groups ? { groups } : {}) }, basename(out)));
  return 0;
}

/** `--groups "Large firms=2; Small firms=2"`: label=span entries, left to right (a blank label skips columns). */
export function parseGroups(text: string | undefined, columns: number): TableGroup[] | undefined {
  if (text === undefined) return undefined;
  const groups = text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const m = /^(.*)=\s*(\d+)$/.exec(entry);
      if (!m) throw new AppError('INVALID_ARGUMENT', `--groups: "${entry}" is not label=span (e.g. "Large firms=2; Small firms=2")`);
      return { label: m[1]!.trim(), span: Number(m[2]) };
    });
  try {
    return fitGroups(groups, columns);
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', `--groups: ${err instanceof Error ? err.message : String(err)}`);
  }
}
