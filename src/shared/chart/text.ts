// Chart labels in the two table languages (the same switch as tables: TableOptions.lang).
import type { ChartLang } from './model.js';

export const CHART_TEXT = {
  en: {
    coefTitle: 'Coefficient estimates',
    eventTitle: 'Event study',
    estimate: 'Estimate',
    term: 'Variable',
    period: 'Periods relative to the event',
    ci: 'Markers: point estimates; bars: {level} confidence intervals.',
    ciMixed: 'Markers: point estimates; bars: confidence intervals at each model’s level ({levels}).',
    reference: 'Reference period {period} normalised to 0.',
    histTitle: 'Distribution of {name}',
    density: 'Density',
    frequency: 'Frequency',
    histogram: 'Histogram',
    kde: 'Kernel density',
    bins: '{bins} bins of width {width}.',
    bandwidth: 'Gaussian kernel, Silverman bandwidth {bw}.',
    psmTitleU: 'Propensity score before matching',
    psmTitleM: 'Propensity score after matching',
    score: 'Propensity score',
    treated: 'Treated',
    controls: 'Controls',
    psmNote: 'Gaussian kernel densities, Silverman bandwidths (treated {bt}, controls {bc}).',
    psmMatchedNote: 'Matched sample: treated on support, controls weighted by their matching weights.',
    biasTitle: 'Standardised bias across covariates',
    bias: 'Standardised % bias',
    unmatched: 'Unmatched',
    matched: 'Matched',
    biasNote: 'Standardised % bias 100·(x̄_T − x̄_C)/√((s²_T + s²_C)/2), as pstest.',
  },
  zh: {
    coefTitle: '系数估计',
    eventTitle: '事件研究',
    estimate: '估计值',
    term: '变量',
    period: '相对事件发生的期数',
    ci: '点为系数估计值，线段为 {level} 置信区间。',
    ciMixed: '点为系数估计值，线段为各模型对应水平的置信区间（{levels}）。',
    reference: '以第 {period} 期为基期（系数标准化为 0）。',
    histTitle: '{name} 的分布',
    density: '密度',
    frequency: '频数',
    histogram: '直方图',
    kde: '核密度',
    bins: '共 {bins} 组，组距 {width}。',
    bandwidth: '高斯核，Silverman 带宽 {bw}。',
    psmTitleU: '匹配前倾向得分分布',
    psmTitleM: '匹配后倾向得分分布',
    score: '倾向得分',
    treated: '处理组',
    controls: '控制组',
    psmNote: '高斯核密度，Silverman 带宽（处理组 {bt}，控制组 {bc}）。',
    psmMatchedNote: '匹配后样本：共同支撑内的处理组，控制组按匹配权重加权。',
    biasTitle: '各协变量的标准化偏差',
    bias: '标准化偏差（%）',
    unmatched: '匹配前',
    matched: '匹配后',
    biasNote: '标准化偏差 100·(x̄_T − x̄_C)/√((s²_T + s²_C)/2)，与 pstest 一致。',
  },
} as const satisfies Record<ChartLang, Record<string, string>>;

export type ChartTextKey = keyof (typeof CHART_TEXT)['en'];
export const chartText = (lang: ChartLang): Record<ChartTextKey, string> => CHART_TEXT[lang];

/** Compact number for notes: 4 significant digits, no exponent for ordinary magnitudes. */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(4)));
  return x.toExponential(3);
}

export function percentLevel(level: number): string {
  return `${Number((level * 100).toPrecision(4))}%`;
}
