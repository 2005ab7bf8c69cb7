// The PSM balance table (pstest's, as the seed papers print it) as a TableModel, so it exports to
// Word, Excel, LaTeX … through the same renderers as regression tables. Two rows per covariate
// (unmatched U and matched M): means of treated and controls, standardised % bias, % reduction of
// |bias|, the t-test's p-value and V(T)/V(C). The "Mean" super-header over treated/controls is a
// column group (balanceTableGroups); pstest's summary (pseudo-R², LR χ² p, mean/median bias, B, R)
// and the ATT go into the notes.
import type { NotApplicable, PsmResult } from './result.js';
import type { TableModel, TableRow } from './table.js';
import type { TableGroup } from './table-layout.js';

const T = {
  en: {
    sample: 'Sample',
    treated: 'Treated',
    controls: 'Control',
    mean: 'Mean',
    bias: '%bias',
    reduction: '%reduct |bias|',
    p: 't-test p',
    u: 'Unmatched',
    m: 'Matched',
    title: 'Balance test of the covariates before and after matching',
    summary: '{sample}: pseudo R² {r2}, LR χ² p-value {lr}, mean bias {mean}, median bias {median}, B {b}, R {r}.',
    att: 'ATT on {outcome}: {att} (S.E. {se}, t {t}); {on} treated on common support matched to {used} controls.',
    bias_note: '%bias = 100·(x̄_T − x̄_C)/√((s²_T + s²_C)/2) with the unmatched variances (pstest).',
  },
  zh: {
    sample: '样本',
    treated: '处理组',
    controls: '控制组',
    mean: '均值',
    bias: '标准化偏差（%）',
    reduction: '偏差减少（%）',
    p: 't 检验 p 值',
    u: '匹配前',
    m: '匹配后',
    title: '匹配前后协变量平衡性检验',
    summary: '{sample}：伪 R² {r2}，LR χ² 检验 p 值 {lr}，平均偏差 {mean}，中位偏差 {median}，B {b}，R {r}。',
    att: '{outcome} 的 ATT：{att}（标准误 {se}，t 值 {t}）；共同支撑内 {on} 个处理组样本匹配到 {used} 个控制组样本。',
    bias_note: '标准化偏差 = 100·(x̄_T − x̄_C)/√((s²_T + s²_C)/2)，方差取匹配前样本（pstest）。',
  },
} as const;

const na = (v: unknown): v is NotApplicable => typeof v === 'object' && v !== null && 'na' in v;
const f = (v: number | NotApplicable | undefined, d: number): string => (v === undefined || na(v) || !Number.isFinite(v) ? '' : v.toFixed(d));
const fill = (s: string, p: Record<string, string>) => s.replace(/\{(\w+)\}/g, (w, k: string) => p[k] ?? w);

export interface BalanceTableOptions {
  lang?: 'zh' | 'en';
  /** Decimals of the means (default 3, as pstest). */
  decimals?: number;
  labels?: Record<string, string>;
}

export function balanceTable(psm: PsmResult, opts: BalanceTableOptions = {}): TableModel {
  const L = T[opts.lang ?? 'en'];
  const d = opts.decimals ?? 3;
  const rows: TableRow[] = [];
  for (const b of psm.balance) {
    const label = opts.labels?.[b.term] ?? b.term;
    rows.push({ label, cells: [L.u, f(b.mean_treated_unmatched, d), f(b.mean_control_unmatched, d), f(b.bias_unmatched, 1), f(b.bias_reduction, 1), f(b.p_unmatched, 3), f(b.var_ratio_unmatched, 2)], kind: 'stat' });
    rows.push({ label: '', cells: [L.m, f(b.mean_treated_matched, d), f(b.mean_control_matched, d), f(b.bias_matched, 1), '', f(b.p_matched, 3), f(b.var_ratio_matched, 2)], kind: 'stat' });
  }
  const notes: string[] = [L.bias_note];
  for (const s of psm.summary) {
    notes.push(fill(L.summary, { sample: s.sample === 'matched' ? L.m : L.u, r2: f(s.pseudo_r2, 3), lr: f(s.lr_p, 3), mean: f(s.mean_bias, 1), median: f(s.median_bias, 1), b: f(s.rubin_b, 1), r: f(s.rubin_r, 2) }));
  }
  const att = psm.effects.att;
  notes.push(fill(L.att, { outcome: psm.outcome, att: f(att.estimate, d), se: f(att.std_error, d), t: f(att.statistic, 2), on: String(psm.counts.treated_on_support), used: String(psm.counts.controls_matched) }));
  return { titles: [L.sample, L.treated, L.controls, L.bias, L.reduction, L.p, 'V(T)/V(C)'], depvars: [], rows, notes };
}

/** "Mean" over the treated and control columns, as pstest heads them. */
export function balanceTableGroups(lang: 'zh' | 'en' = 'en'): TableGroup[] {
  return [
    { label: '', span: 1 },
    { label: T[lang].mean, span: 2 },
  ];
}

export const balanceTableTitle = (lang: 'zh' | 'en' = 'en'): string => T[lang].title;
