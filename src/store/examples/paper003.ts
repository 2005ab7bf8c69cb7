// The example project of seed paper 003 (cross-border e-commerce platforms and firms' capacity
// utilisation): the synthetic firm panel of generate003.ts imported as dataset `firms`, the panel
// declared, the variables the models need built with recorded recipes (interactions), and every
// model of the paper's tables saved — not estimated: opening the project shows the pipeline, Run
// (or `panel-studio replicate`) estimates it. Tables: T1 descriptive statistics, T2 baseline, T3
// replaced measures (a second platform; capacity utilisation as stochastic-frontier efficiency, the
// frontiers as steps), T4 matched samples, T5 IV, T6 mechanisms, T7 heterogeneity.
import { AppError } from '../../shared/errors.js';
import { type ModelSpec, normalizeSpec } from '../../shared/spec.js';
import type { ToolRequest } from '../../shared/tools.js';
import { applyToolOutput } from '../apply-tool.js';
import { CHUNK_ROWS } from '../codec.js';
import { ProjectStore } from '../project.js';
import { runToolOn } from '../run-tool-on.js';
import { COLUMNS_003, generate003 } from './generate003.js';
import { type ExampleTable, saveExamplePipeline } from './pipeline.js';

export type { ExampleTable } from './pipeline.js';

export const TABLES_003: ExampleTable[] = [
  { id: 'T1', title: { zh: '表1 主要变量的描述性统计', en: 'Table 1 Descriptive statistics' }, section: 'descriptive', describe: ['cu', 'platform', 'size', 'klratio', 'fc', 'soe', 'tfp', 'lnexport'] },
  { id: 'T2', title: { zh: '表2 基准回归结果', en: 'Table 2 Baseline regressions' }, section: 'baseline' },
  { id: 'T3', title: { zh: '表3 指标替换的稳健性检验', en: 'Table 3 Robustness: replacing the measures' }, section: 'robustness' },
  { id: 'T4', title: { zh: '表4 倾向得分匹配估计', en: 'Table 4 Propensity score matching' }, section: 'endogeneity' },
  { id: 'T5', title: { zh: '表5 工具变量估计', en: 'Table 5 Instrumental variables' }, section: 'endogeneity' },
  { id: 'T6', title: { zh: '表6 机制检验', en: 'Table 6 Mechanisms' }, section: 'mechanism' },
  { id: 'T7', title: { zh: '表7 异质性分析', en: 'Table 7 Heterogeneity' }, section: 'heterogeneity' },
];

const LABELS: Record<string, { zh: string; en: string }> = {
  firm: { zh: '企业代码', en: 'firm id' },
  year: { zh: '年份', en: 'year' },
  industry: { zh: '行业', en: 'industry' },
  city: { zh: '城市', en: 'city' },
  region: { zh: '地区（东中西）', en: 'region (east/central/west)' },
  soe: { zh: '国有企业', en: 'state-owned' },
  age: { zh: '企业年龄', en: 'firm age' },
  size: { zh: '企业规模', en: 'firm size (log employment)' },
  klratio: { zh: '资本密集度', en: 'capital intensity (log K/L)' },
  fc: { zh: '融资约束', en: 'financing constraint' },
  platform: { zh: '跨境电商平台', en: 'cross-border e-commerce platform' },
  platform_mic: { zh: '中国制造网会员', en: 'Made-in-China.com member' },
  infra_high: { zh: '网络基础设施水平高', en: 'high network infrastructure' },
  reputation_high: { zh: '信誉评价高', en: 'high reputation' },
  tenure: { zh: '入驻平台年限', en: 'years on the platform' },
  z_iv: { zh: '工具变量（互联网普及率×趋势）', en: 'instrument (internet penetration × trend)' },
  lnk: { zh: '资本（对数）', en: 'log capital' },
  lnl: { zh: '劳动（对数）', en: 'log labour' },
  lnm: { zh: '中间投入（对数）', en: 'log materials' },
  lny: { zh: '产出（对数）', en: 'log output' },
  tfp: { zh: '全要素生产率', en: 'TFP' },
  lnexport: { zh: '出口额（对数）', en: 'log exports' },
  cu: { zh: '产能利用率', en: 'capacity utilisation' },
};

const CONTROLS = ['size', 'klratio', 'fc'];
const FE = ['firm', 'industry#year', 'city#year'];

function models(): { name: string; spec: ModelSpec }[] {
  const hdfe = (y: string, x: string[], extra: Partial<ModelSpec> = {}) => normalizeSpec({ estimator: 'hdfe', y, x, absorb: FE, vcov: 'cluster', cluster: ['firm'], ...extra });
  const psm = (k: number) => normalizeSpec({ estimator: 'psm', y: 'cu', treatment: 'platform', x: [...CONTROLS, 'age', 'soe', 'infra_high'], options: { neighbors: k, replacement: true, common_support: true } });
  // lny, lnk, lnl, lnm are logs already
  const sfa = (form: 'cd' | 'translog') => normalizeSpec({ estimator: 'sfa', y: 'lny', x: ['lnk', 'lnl', 'lnm'], vcov: 'iid', options: { form, logs: false } });
  return [
    { name: 'T2 (1) 基准：仅平台', spec: hdfe('cu', ['platform']) },
    { name: 'T2 (2) 基准：加入控制变量', spec: hdfe('cu', ['platform', ...CONTROLS]) },
    // Table 3: the regressor replaced by a second platform; the outcome replaced by capacity
    // utilisation measured as the technical efficiency of a stochastic production frontier
    // (黄卓等 2024), Cobb–Douglas and translog: each frontier is a step that writes _te_bc, the
    // column after it regresses it (as T4's matching steps write _weight)
    { name: 'T3 (1) 中国制造网会员', spec: hdfe('cu', ['platform_mic', ...CONTROLS]) },
    { name: 'T3 sfa 柯布道格拉斯生产函数', spec: sfa('cd') },
    { name: 'T3 (2) SFA－柯布道格拉斯生产函数', spec: hdfe('_te_bc', ['platform', ...CONTROLS]) },
    { name: 'T3 sfa 超越对数生产函数', spec: sfa('translog') },
    { name: 'T3 (3) SFA－超越对数生产函数', spec: hdfe('_te_bc', ['platform', ...CONTROLS]) },
    { name: 'T4 psm 1:1', spec: psm(1) },
    { name: 'T4 (1) 1:1 匹配样本', spec: hdfe('cu', ['platform', ...CONTROLS], { sample: { if: '_weight < .' } }) },
    { name: 'T4 psm 1:3', spec: psm(3) },
    { name: 'T4 (2) 1:3 匹配样本', spec: hdfe('cu', ['platform', ...CONTROLS], { sample: { if: '_weight < .' } }) },
    {
      name: 'T5 (1) 工具变量',
      // the instrument varies by city and year: cluster by city
      spec: normalizeSpec({ estimator: 'iv', y: 'cu', x: CONTROLS, endog: ['platform', 'platform_x_infra_high'], instruments: ['z_iv', 'z_iv_x_infra_high'], absorb: ['firm', 'industry#year'], vcov: 'cluster', cluster: ['city'] }),
    },
    { name: 'T6 (1) 机制：生产效率', spec: hdfe('tfp', ['platform', ...CONTROLS]) },
    { name: 'T6 (2) 机制：出口扩张', spec: hdfe('lnexport', ['platform', ...CONTROLS]) },
    { name: 'T7 (1) 网络基础设施', spec: hdfe('cu', ['platform', 'platform_x_infra_high', ...CONTROLS]) },
    { name: 'T7 (2) 企业信誉', spec: hdfe('cu', ['platform', 'platform_x_reputation_high', ...CONTROLS]) },
  ];
}

/** Builds the example project at `path` (which must not exist); returns it open. */
export function buildExample003(path: string, opts: { rows?: number; seed?: number } = {}): ProjectStore {
  const data = generate003(opts.rows ?? 233_819, opts.seed ?? 3);
  const store = ProjectStore.create(path);
  try {
    const names = [...COLUMNS_003];
    const { datasetId, variableIds } = store.beginDataset(
      'firms',
      'example: seed paper 003 (synthetic data with known effects, docs/examples.md)',
      data.rows,
      names.map((name) => ({ name, type: 'numeric' as const, label: LABELS[name], recipe: { kind: 'import' as const, source: 'generated (docs/examples.md)', column: name } })),
    );
    for (let c = 0; c * CHUNK_ROWS < data.rows; c++) {
      store.writeChunks(
        c,
        variableIds,
        names.map((n) => data.columns[n].subarray(c * CHUNK_ROWS, Math.min(data.rows, (c + 1) * CHUNK_ROWS))),
      );
    }
    let ds = store.commitDataset(datasetId);
    ds = store.setPanel(ds.id, { id: 'firm', time: 'year' });
    const tools: ToolRequest[] = [
      { tool: 'interact', params: { a: 'platform', b: 'infra_high' } },
      { tool: 'interact', params: { a: 'platform', b: 'reputation_high' } },
      { tool: 'interact', params: { a: 'z_iv', b: 'infra_high' } },
    ];
    for (const request of tools) {
      const output = runToolOn(store, ds, request);
      ds = applyToolOutput(store, ds.id, request, output).dataset;
    }
    for (const m of models()) store.saveModel({ name: m.name, datasetId: ds.id, spec: m.spec });
    // the tables in the pipeline: T3 replaces the measures (robustness), T4 and T5 answer the
    // selection and endogeneity concerns (the seed paper's "稳健性检验与内生性处理"), T6 the
    // mechanisms, T7 the heterogeneity
    saveExamplePipeline(store, TABLES_003);
    store.setMeta('example', 'paper003');
    store.save();
    return store;
  } catch (err) {
    store.close();
    throw err instanceof AppError ? err : new AppError('INTERNAL', `building the example project failed: ${(err as Error).message}`);
  }
}
