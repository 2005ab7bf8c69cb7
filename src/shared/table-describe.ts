// Descriptive statistics (Table 1) and correlation matrices as TableModels, so they export through
// the same renderers as regression tables (table-render.ts).
import type { CorrelationResult, Stat, SummaryResult, VifResult } from './describe.js';
import type { TableModel, TableRow } from './table.js';

const H = {
  en: { variable: 'Variable', group: 'Group', n: 'N', mean: 'Mean', sd: 'SD', min: 'Min', p25: 'p25', median: 'Median', p75: 'p75', max: 'Max', total: 'Total', corr: 'Pearson correlations', spearman: 'Spearman correlations', meanVif: 'Mean VIF', vifNote: 'Variance inflation factors of each variable on the others (estat vif); N = {n}.' },
  zh: { variable: '变量', group: '分组', n: '观测值', mean: '均值', sd: '标准差', min: '最小值', p25: 'p25', median: '中位数', p75: 'p75', max: '最大值', total: '合计', corr: 'Pearson 相关系数', spearman: 'Spearman 相关系数', meanVif: '平均 VIF', vifNote: '各变量对其余变量回归的方差膨胀因子（estat vif）；N = {n}。' },
} as const;

const f = (v: Stat, d: number) => (v === null ? '' : v.toFixed(d));

export function summaryTable(r: SummaryResult, opts: { lang?: 'zh' | 'en'; decimals?: number; labels?: Record<string, string> } = {}): TableModel {
  const h = H[opts.lang ?? 'en'];
  const d = opts.decimals ?? 3;
  const rows: TableRow[] = r.rows.map((x) => ({
    label: (opts.labels?.[x.variable] ?? x.variable) + (r.by ? ` — ${x.group?.label ?? h.total}` : ''),
    cells: [String(x.n), f(x.mean, d), f(x.sd, d), f(x.min, d), f(x.p25, d), f(x.median, d), f(x.p75, d), f(x.max, d)],
    kind: 'stat',
  }));
  return { titles: [h.n, h.mean, h.sd, h.min, h.p25, h.median, h.p75, h.max], depvars: [], rows, notes: [r.percentile_rule] };
}

export function correlationTable(r: CorrelationResult, opts: { lang?: 'zh' | 'en'; decimals?: number; labels?: Record<string, string> } = {}): TableModel {
  const h = H[opts.lang ?? 'en'];
  const d = opts.decimals ?? 3;
  const name = (v: string) => opts.labels?.[v] ?? v;
  const rows: TableRow[] = r.matrix.map((row, i) => ({
    label: name(r.variables[i]),
    cells: row.map((c, j) => (j > i || c.r === null ? '' : `${c.r.toFixed(d)}${'*'.repeat(c.stars)}`)),
    kind: 'coef',
  }));
  const stars = r.star_levels.map((l, i) => `${'*'.repeat(i + 1)} p < ${l}`).join(', ');
  return { titles: r.variables.map(name), depvars: [], rows, notes: [`${r.method === 'spearman' ? h.spearman : h.corr}; ${stars}.`] };
}

export function vifTable(r: VifResult, opts: { lang?: 'zh' | 'en'; labels?: Record<string, string> } = {}): TableModel {
  const h = H[opts.lang ?? 'en'];
  const rows: TableRow[] = r.rows.map((x) => ({ label: opts.labels?.[x.variable] ?? x.variable, cells: [f(x.vif, 2), f(x.tolerance, 4)], kind: 'stat' }));
  rows.push({ label: h.meanVif, cells: [f(r.mean_vif, 2), ''], kind: 'stat' });
  return { titles: ['VIF', '1/VIF'], depvars: [], rows, notes: [h.vifNote.replace('{n}', String(r.nobs))] };
}

const TITLES = {
  en: { summarize: 'Descriptive statistics', correlate: 'Correlation matrix', vif: 'Variance inflation factors' },
  zh: { summarize: '描述性统计', correlate: '相关系数矩阵', vif: '方差膨胀因子' },
} as const;

/** The default title of an exported descriptive table (Word and Excel carry one). */
export const describeTableTitle = (kind: 'summarize' | 'correlate' | 'vif', lang: 'zh' | 'en' = 'en'): string => TITLES[lang][kind];
