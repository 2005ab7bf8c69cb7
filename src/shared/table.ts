// Regression tables, phase one: collect stored results (columns = models) into a format-free
// TableModel (esttab-style: coefficient with stars, the chosen statistic in parentheses below,
// fixed-effect indicator rows, N, R², clusters, IV diagnostics, notes). Phase two renders the model
// (table-render.ts); renderers read only the TableModel, labels and language are inputs here.
import type { EstimationResult } from './result.js';
import { INTERCEPT_TERM } from './spec.js';

export type TableStatistic = 'se' | 't' | 'p' | 'ci';
/** Summary rows a table can show, in the order a composer offers them. */
export const TABLE_STATS = ['fe', 'nobs', 'r2', 'adj_r2', 'r2_within', 'r2_p', 'clusters', 'first_stage_f', 'kp_lm', 'kp_f', 'cd_f', 'hansen_p', 'ar1_p', 'ar2_p', 'sargan_p', 'n_instruments', 'n_groups', 'att', 'matched_n'] as const;
export type TableStat = (typeof TABLE_STATS)[number];

export interface TableOptions {
  /** Coefficient rows to show (in this order); default: every term in first-appearance order. */
  keep?: string[];
  drop?: string[];
  /** Row labels by term (variable labels); default the term. */
  labels?: Record<string, string>;
  /** What goes in parentheses under a coefficient (esttab default: t). */
  statistic?: TableStatistic;
  /** Star thresholds, descending (default 0.10, 0.05, 0.01 as in the seed papers). */
  stars?: number[];
  decimals?: number;
  lang?: 'zh' | 'en';
  /** Summary rows, in order. */
  stats?: TableStat[];
  /** Column titles (default "(1)", "(2)", …); the dependent variable goes in a header row. */
  titles?: string[];
}

export interface TableRow {
  label: string;
  cells: string[];
  /** coef: estimate with stars; paren: the statistic under it; stat / indicator: summary rows. */
  kind: 'coef' | 'paren' | 'stat' | 'indicator';
}

export interface TableModel {
  titles: string[];
  /** The dependent variable of each column (empty: no second header row, e.g. descriptive tables). */
  depvars: string[];
  rows: TableRow[];
  notes: string[];
}

const TEXT = {
  en: { constant: 'Constant', nobs: 'Observations', r2: 'R²', adj_r2: 'Adjusted R²', r2_within: 'Within R²', clusters: 'Clusters', yes: 'Yes', no: 'No', fe: '{fe} FE', first_stage_f: 'First-stage F', kp_lm: 'KP rk LM', kp_f: 'KP rk Wald F', cd_f: 'Cragg–Donald F', hansen_p: 'Hansen J p-value', ar1_p: 'AR(1) p-value', ar2_p: 'AR(2) p-value', sargan_p: 'Sargan p-value', n_instruments: 'Instruments', n_groups: 'Groups', r2_p: 'Pseudo R²', att: 'ATT (S.E.)', matched_n: 'Matched observations', se: 'Standard errors', t: 't statistics', z: 'z statistics', tz: 't (z for large-sample models) statistics', p: 'p-values', ci: 'confidence intervals', inParens: '{what} in parentheses.', stars: '{list}.' },
  zh: { constant: '常数项', nobs: '观测值', r2: 'R²', adj_r2: '调整 R²', r2_within: '组内 R²', clusters: '聚类数', yes: '控制', no: '未控制', fe: '{fe}固定效应', first_stage_f: '第一阶段 F 值', kp_lm: 'KP rk LM 统计量', kp_f: 'KP rk Wald F 统计量', cd_f: 'Cragg–Donald F 统计量', hansen_p: 'Hansen J 检验 p 值', ar1_p: 'AR(1) 检验 p 值', ar2_p: 'AR(2) 检验 p 值', sargan_p: 'Sargan 检验 p 值', n_instruments: '工具变量个数', n_groups: '组数', r2_p: '伪 R²', att: 'ATT（标准误）', matched_n: '匹配样本量', se: '标准误', t: 't 值', z: 'z 值', tz: 't 值（大样本模型为 z 值）', p: 'p 值', ci: '置信区间', inParens: '括号内为{what}。', stars: '{list}。' },
} as const;

const fill = (s: string, p: Record<string, string>) => s.replace(/\{(\w+)\}/g, (w, k: string) => p[k] ?? w);

function fmt(x: number, d: number): string {
  if (!Number.isFinite(x)) return '';
  const s = x.toFixed(d);
  return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
}

function starsFor(p: number, levels: number[]): string {
  let n = 0;
  for (const l of levels) if (p < l) n++;
  return '*'.repeat(n);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function collectTable(results: EstimationResult[], opts: TableOptions = {}): TableModel {
  const lang = opts.lang ?? 'en';
  const T = TEXT[lang];
  const d = opts.decimals ?? 3;
  const levels = [...(opts.stars ?? [0.1, 0.05, 0.01])].sort((a, b) => b - a);
  const statistic = opts.statistic ?? 't';
  const label = (term: string) => opts.labels?.[term] ?? (term === INTERCEPT_TERM ? T.constant : term);

  const seen: string[] = [];
  for (const r of results) for (const c of r.coefficients) if (!seen.includes(c.term)) seen.push(c.term);
  let terms = opts.keep ? opts.keep.filter((t) => seen.includes(t)) : seen.filter((t) => t !== INTERCEPT_TERM).concat(seen.includes(INTERCEPT_TERM) ? [INTERCEPT_TERM] : []);
  if (opts.drop) terms = terms.filter((t) => !opts.drop?.includes(t));

  const rows: TableRow[] = [];
  for (const term of terms) {
    const coef: string[] = [];
    const paren: string[] = [];
    for (const r of results) {
      const c = r.coefficients.find((x) => x.term === term);
      if (!c) {
        coef.push('');
        paren.push('');
        continue;
      }
      coef.push(`${fmt(c.estimate, d)}${starsFor(c.p_value, levels)}`);
      const inner = statistic === 'se' ? fmt(c.std_error, d) : statistic === 't' ? fmt(c.statistic, 2) : statistic === 'p' ? fmt(c.p_value, d) : `${fmt(c.conf_low, d)}, ${fmt(c.conf_high, d)}`;
      paren.push(statistic === 'ci' ? `[${inner}]` : `(${inner})`);
    }
    rows.push({ label: label(term), cells: coef, kind: 'coef' }, { label: '', cells: paren, kind: 'paren' });
  }

  const diag = (r: EstimationResult, id: string) => r.diagnostics.find((x) => x.id === id);
  for (const stat of opts.stats ?? ['fe', 'nobs', 'r2']) {
    if (stat === 'fe') {
      const fes: string[] = [];
      for (const r of results) for (const f of r.fixed_effects ?? []) if (!fes.includes(f.name)) fes.push(f.name);
      for (const fe of fes) {
        rows.push({ label: fill(T.fe, { fe: fe.replace(/#/g, ' × ') }), cells: results.map((r) => ((r.fixed_effects ?? []).some((f) => f.name === fe) ? T.yes : T.no)), kind: 'indicator' });
      }
      continue;
    }
    const cells = results.map((r): string => {
      switch (stat) {
        case 'nobs':
          return String(r.nobs);
        case 'r2':
        case 'adj_r2':
        case 'r2_within': {
          const v = num(r.fit[stat]);
          return v === null ? '' : fmt(v, d);
        }
        case 'clusters':
          return r.vcov.clusters.map((c) => String(c.groups)).join(' / ');
        case 'first_stage_f': {
          const v = r.first_stage?.map((s) => num(s.f_stat)).filter((x): x is number => x !== null) ?? [];
          return v.map((x) => fmt(x, 2)).join(' / ');
        }
        case 'kp_lm': {
          const x = diag(r, 'underid');
          return x && num(x.statistic) !== null && x.name.includes('Kleibergen') ? fmt(x.statistic as number, 2) : '';
        }
        case 'kp_f': {
          const v = num(diag(r, 'weakid_kp')?.statistic);
          return v === null ? '' : fmt(v, 2);
        }
        case 'cd_f': {
          const v = num(diag(r, 'weakid_cd')?.statistic);
          return v === null ? '' : fmt(v, 2);
        }
        case 'hansen_p': {
          // IV: ivreg2's overid test (Hansen J with robust SEs); GMM: xtabond2's Hansen J
          const x = diag(r, 'overid') ?? diag(r, 'hansen');
          return x?.p_value !== undefined ? fmt(x.p_value, 3) : '';
        }
        case 'ar1_p':
        case 'ar2_p':
        case 'sargan_p': {
          const x = diag(r, stat.replace(/_p$/, ''));
          return x?.p_value !== undefined ? fmt(x.p_value, 3) : '';
        }
        case 'r2_p': {
          const v = num(r.fit.r2_p);
          return v === null ? '' : fmt(v, d);
        }
        case 'att': {
          const a = r.psm?.effects.att;
          if (!a) return '';
          const se = num(a.std_error);
          return `${fmt(a.estimate, d)}${se === null ? '' : ` (${fmt(se, d)})`}`;
        }
        case 'matched_n': {
          const c = r.psm?.counts;
          return c ? String(c.treated_on_support + c.controls_matched) : '';
        }
        case 'n_instruments':
        case 'n_groups': {
          const v = num(r.fit[stat]);
          return v === null ? '' : String(v);
        }
      }
      return '';
    });
    if (cells.some((c) => c !== '')) rows.push({ label: T[stat], cells, kind: 'stat' });
  }

  const starText = levels.map((l, i) => `${'*'.repeat(i + 1)} p < ${l}`).join(', ');
  return {
    titles: opts.titles ?? results.map((_, i) => `(${i + 1})`),
    depvars: results.map((r) => opts.labels?.[r.spec.y] ?? r.spec.y),
    rows,
    notes: [fill(T.inParens, { what: T[statisticLabel(statistic, results)] }), fill(T.stars, { list: starText })],
  };
}

/** What the parentheses hold, in words: t, z (xtreg re, ivreg2 without small) or a mix. */
function statisticLabel(statistic: TableStatistic, results: EstimationResult[]): TableStatistic | 'z' | 'tz' {
  if (statistic !== 't') return statistic;
  const normal = results.filter((r) => r.vcov.distribution === 'normal').length;
  return normal === 0 ? 't' : normal === results.length ? 'z' : 'tz';
}
