// The example project of seed paper 000 (cross-border e-commerce development and firms' export
// product quality): the synthetic data of generate000.ts imported as datasets `province`, `firms`,
// `transactions` and `world`, every measurement step as a recorded recipe — the entropy-weight index
// ret with its sub-indices ecom and basic (pooled weights), the cube-of-deviation instruments, the
// Khandelwal–Schott–Wei quality and the export sophistication (PRODY from the world table, EXPY per
// firm-year) on the transactions, the value-weighted collapse to firm-years, the two merges into the
// analysis dataset `analysis` and ln EXPY — and every model of the paper's tables
// saved, not estimated (Run, or `panel-studio replicate paper000`). The seed paper's own numbering:
// T1 indicator system (descriptive statistics of the 10 indicators), T2 descriptive statistics,
// T3 baseline (firm FE and two-way FE, for ret and for its two sub-levels together), T4 first stages of the IV, T5 IV,
// T6 replacing the dependent variable (ln EXPY), T7 system GMM, T8 heterogeneity.
import { runCombine } from '../../engine/combine/run.js';
import type { CombineRequest } from '../../shared/combine.js';
import { AppError } from '../../shared/errors.js';
import { type ModelSpec, normalizeSpec } from '../../shared/spec.js';
import type { ToolRequest } from '../../shared/tools.js';
import type { DatasetInfo } from '../../shared/types.js';
import { applyToolOutput } from '../apply-tool.js';
import { CHUNK_ROWS } from '../codec.js';
import { ProjectStore } from '../project.js';
import { runToolOn } from '../run-tool-on.js';
import { writeCombined } from '../write-dataset.js';
import { FIRM_COLUMNS_000, INDICATORS_000, PROVINCE_COLUMNS_000, SIGMA_000, TRANSACTION_COLUMNS_000, WORLD_COLUMNS_000, generate000 } from './generate000.js';
import { type ExampleTable, saveExamplePipeline } from './pipeline.js';

export const TABLES_000: ExampleTable[] = [
  { id: 'T1', title: { zh: '表1 跨境电商发展水平评价指标（描述性统计）', en: 'Table 1 Indicators of cross-border e-commerce development' }, section: 'descriptive', dataset: 'province', describe: [...INDICATORS_000.ecom, ...INDICATORS_000.basic, 'ret', 'ecom', 'basic'] },
  { id: 'T2', title: { zh: '表2 描述性统计', en: 'Table 2 Descriptive statistics' }, section: 'descriptive', dataset: 'analysis', describe: ['qual_raw', 'qual', 'ret', 'ecom', 'basic', 'size', 'age', 'share', 'con', 'debt'] },
  { id: 'T3', title: { zh: '表3 基准回归分析结果', en: 'Table 3 Baseline regressions' }, section: 'baseline' },
  { id: 'T4', title: { zh: '表4 工具变量检验结果（第一阶段）', en: 'Table 4 Instrument tests (first stage)' }, section: 'endogeneity' },
  { id: 'T5', title: { zh: '表5 工具变量回归结果', en: 'Table 5 Instrumental-variable regressions' }, section: 'endogeneity' },
  { id: 'T6', title: { zh: '表6 替换被解释变量稳健性检验结果', en: 'Table 6 Robustness: alternative dependent variable' }, section: 'robustness' },
  { id: 'T7', title: { zh: '表7 系统GMM方法稳健性检验结果', en: 'Table 7 Robustness: system GMM' }, section: 'robustness' },
  { id: 'T8', title: { zh: '表8 异质性分析结果', en: 'Table 8 Heterogeneity' }, section: 'heterogeneity' },
];

const LABELS: Record<string, { zh: string; en: string }> = {
  province: { zh: '省份', en: 'province' },
  year: { zh: '年份', en: 'year' },
  region: { zh: '地区（东中西）', en: 'region (east/central/west)' },
  firms: { zh: '跨境电商企业数量', en: 'cross-border e-commerce firms' },
  staff: { zh: '跨境电商从业人员', en: 'cross-border e-commerce employees' },
  retail: { zh: '跨境电子商务零售额', en: 'cross-border e-commerce retail sales' },
  online: { zh: '跨境出口网上零售额', en: 'cross-border online export sales' },
  cost: { zh: '跨境物流单件成本（负向）', en: 'cross-border parcel cost (negative)' },
  domains: { zh: '域名数量', en: 'internet domains' },
  ports: { zh: '互联网宽带接入端口数量', en: 'broadband access ports' },
  cable: { zh: '长途光缆长度', en: 'long-distance optical cable' },
  trains: { zh: '中欧班列次数', en: 'China–Europe freight trains' },
  zones: { zh: '自贸区与综合保税区数量', en: 'free-trade and bonded zones' },
  ret: { zh: '跨境电商发展水平', en: 'cross-border e-commerce development' },
  ecom: { zh: '电商发展水平', en: 'e-commerce development' },
  basic: { zh: '基础服务水平', en: 'basic services' },
  ret_iv: { zh: '工具变量：跨境电商发展水平离差三次方', en: 'IV: cube of the deviation of ret' },
  ecom_iv: { zh: '工具变量：电商发展水平离差三次方', en: 'IV: cube of the deviation of ecom' },
  basic_iv: { zh: '工具变量：基础服务水平离差三次方', en: 'IV: cube of the deviation of basic' },
  firm: { zh: '企业代码', en: 'firm id' },
  industry: { zh: '行业', en: 'industry' },
  size: { zh: '企业规模', en: 'firm size (log employees)' },
  age: { zh: '企业年龄', en: 'firm age' },
  share: { zh: '国有股占比', en: 'state share' },
  soe: { zh: '国有企业', en: 'state-owned' },
  con: { zh: '股权集中度', en: 'ownership concentration' },
  debt: { zh: '偿债能力', en: 'current ratio' },
  hs2: { zh: 'HS2 章', en: 'HS2 chapter' },
  hs6: { zh: 'HS6 产品', en: 'HS6 product' },
  dest: { zh: '出口目的国', en: 'destination' },
  value: { zh: '出口额（千美元）', en: 'export value (thousand USD)' },
  quantity: { zh: '出口数量', en: 'export quantity' },
  country: { zh: '国家', en: 'country' },
  exports: { zh: '出口额（千美元）', en: 'exports (thousand USD)' },
  gdppc: { zh: '人均GDP（美元）', en: 'GDP per capita (USD)' },
  prody: { zh: '产品技术复杂度 PRODY', en: 'product sophistication (PRODY)' },
  expy: { zh: '出口技术复杂度 EXPY', en: 'export sophistication (EXPY)' },
  lnexpy: { zh: '出口技术复杂度（对数）', en: 'export sophistication (log EXPY)' },
  qual: { zh: '出口产品质量（标准化）', en: 'export quality (standardised)' },
  qual_raw: { zh: '出口产品质量', en: 'export quality (KSW, log)' },
  large: { zh: '大型企业', en: 'large firm' },
  mature: { zh: '成熟期企业', en: 'mature firm' },
};

const CONTROLS = ['size', 'share', 'con', 'debt'];
const FE1 = ['firm'];
const FE2 = ['firm', 'year'];

function models(): { name: string; spec: ModelSpec }[] {
  const hdfe = (y: string, x: string[], absorb: string[], extra: Partial<ModelSpec> = {}) => normalizeSpec({ estimator: 'hdfe', y, x, absorb, vcov: 'cluster', cluster: ['firm'], ...extra });
  const iv = (vs: string[]) => normalizeSpec({ estimator: 'iv', y: 'qual_raw', x: CONTROLS, endog: vs, instruments: vs.map((v) => `${v}_iv`), absorb: FE2, vcov: 'cluster', cluster: ['firm'] });
  const gmm = (vs: string[]) =>
    normalizeSpec({
      estimator: 'gmm',
      y: 'qual_raw',
      // quality is persistent around β·ret: Q_t = ρ·Q_t−1 + β·ret_t − ρβ·ret_t−1 + … (docs/examples.md)
      x: ['L.qual_raw', ...vs.flatMap((v) => [v, `L.${v}`]), ...CONTROLS],
      panel: { id: 'firm', time: 'year' },
      vcov: 'robust',
      // quality is measured with (averaging) noise: its lags from 3 on are the valid instruments
      options: { gmm_style: [{ var: 'qual_raw', lag_min: 3, lag_max: 5, collapse: true }], system: true, twostep: true, timedummies: true },
    });
  const het = (n: number, label: string, cond: string) => ({ name: `T8 (${n}) ${label}`, spec: hdfe('qual_raw', ['ret', ...CONTROLS], FE2, { sample: { if: cond } }) });
  // the two sub-levels enter together: each then carries exactly its share W_g of the index effect
  // (alone, a sub-index would also pick up the other's effect through their sample correlation)
  const SUB = ['ecom', 'basic'];
  return [
    { name: 'T3 (1) 跨境电商发展水平：个体固定效应', spec: hdfe('qual_raw', ['ret', ...CONTROLS], FE1) },
    { name: 'T3 (2) 跨境电商发展水平：双向固定效应', spec: hdfe('qual_raw', ['ret', ...CONTROLS], FE2) },
    { name: 'T3 (3) 电商发展与基础服务水平：个体固定效应', spec: hdfe('qual_raw', [...SUB, ...CONTROLS], FE1) },
    { name: 'T3 (4) 电商发展与基础服务水平：双向固定效应', spec: hdfe('qual_raw', [...SUB, ...CONTROLS], FE2) },
    { name: 'T4 (1) 第一阶段：跨境电商发展水平', spec: hdfe('ret', ['ret_iv', ...CONTROLS], FE2) },
    { name: 'T4 (2) 第一阶段：电商发展水平', spec: hdfe('ecom', ['ecom_iv', 'basic_iv', ...CONTROLS], FE2) },
    { name: 'T4 (3) 第一阶段：基础服务水平', spec: hdfe('basic', ['ecom_iv', 'basic_iv', ...CONTROLS], FE2) },
    { name: 'T5 (1) 工具变量：跨境电商发展水平', spec: iv(['ret']) },
    { name: 'T5 (2) 工具变量：电商发展与基础服务水平', spec: iv(SUB) },
    // the outcome replaced by export sophistication (ln EXPY), T3's four columns
    { name: 'T6 (1) 出口技术复杂度：跨境电商发展水平，个体固定效应', spec: hdfe('lnexpy', ['ret', ...CONTROLS], FE1) },
    { name: 'T6 (2) 出口技术复杂度：跨境电商发展水平，双向固定效应', spec: hdfe('lnexpy', ['ret', ...CONTROLS], FE2) },
    { name: 'T6 (3) 出口技术复杂度：电商发展与基础服务水平，个体固定效应', spec: hdfe('lnexpy', [...SUB, ...CONTROLS], FE1) },
    { name: 'T6 (4) 出口技术复杂度：电商发展与基础服务水平，双向固定效应', spec: hdfe('lnexpy', [...SUB, ...CONTROLS], FE2) },
    { name: 'T7 (1) 系统GMM：跨境电商发展水平', spec: gmm(['ret']) },
    { name: 'T7 (2) 系统GMM：电商发展与基础服务水平', spec: gmm(SUB) },
    het(1, '大型企业', 'large == 1'),
    het(2, '中小型企业', 'large == 0'),
    het(3, '成长期企业', 'mature == 0'),
    het(4, '成熟期企业', 'mature == 1'),
    het(5, '国有企业', 'soe == 1'),
    het(6, '民营企业', 'soe == 0'),
    het(7, '东部地区', 'region == 1'),
    het(8, '中西部地区', 'region > 1'),
  ];
}

function importDataset(store: ProjectStore, name: string, source: string, rows: number, names: readonly string[], columns: Record<string, Float64Array>): DatasetInfo {
  const { datasetId, variableIds } = store.beginDataset(
    name,
    source,
    rows,
    names.map((n) => ({ name: n, type: 'numeric' as const, label: LABELS[n], recipe: { kind: 'import' as const, source: 'generated (docs/examples.md)', column: n } })),
  );
  for (let c = 0; c * CHUNK_ROWS < rows; c++) {
    store.writeChunks(
      c,
      variableIds,
      names.map((n) => columns[n].subarray(c * CHUNK_ROWS, Math.min(rows, (c + 1) * CHUNK_ROWS))),
    );
  }
  return store.commitDataset(datasetId);
}

function tool(store: ProjectStore, ds: DatasetInfo, request: ToolRequest): DatasetInfo {
  const output = runToolOn(store, ds, request);
  const out = applyToolOutput(store, ds.id, request, output);
  for (const n of out.written) if (LABELS[n]) store.setVariableLabel(ds.id, n, LABELS[n]);
  return store.getDataset(ds.id);
}

function combine(store: ProjectStore, request: CombineRequest): DatasetInfo {
  const load = (name: string) => {
    const ds = store.findDataset(name);
    if (!ds) throw new AppError('NOT_FOUND', `there is no dataset "${name}"`);
    return { nrows: ds.nrows, columns: ds.variables.map((v) => ({ name: v.name, column: store.readColumn(ds.id, v.name) })) };
  };
  const single = request.kind === 'collapse';
  const { data, report } = runCombine(request, load(request.master), single ? null : load(request.using));
  const ds = writeCombined(store, request, data.nrows, data.columns, report);
  for (const v of ds.variables) if (LABELS[v.name] && !v.label?.zh) store.setVariableLabel(ds.id, v.name, LABELS[v.name]);
  return store.getDataset(ds.id);
}

/** Builds the example project at `path` (which must not exist); returns it open. `rows` = firm-years (default 8,000 ≈ 1,070 firms). */
export function buildExample000(path: string, opts: { rows?: number; seed?: number } = {}): ProjectStore {
  const data = generate000(opts.rows ?? 8_000, opts.seed ?? 0);
  const store = ProjectStore.create(path);
  try {
    const note = 'example: seed paper 000 (synthetic data with known effects, docs/examples.md)';
    // (A) the province indicators: entropy index with the two sub-levels (pooled weights), the instruments
    let prov = importDataset(store, 'province', `${note}: 30 provinces × 2010–2021`, data.province.rows, PROVINCE_COLUMNS_000, data.province.columns);
    prov = store.setPanel(prov.id, { id: 'province', time: 'year' });
    prov = tool(store, prov, {
      tool: 'entropy',
      params: {
        name: 'ret',
        positive: [...INDICATORS_000.ecom, ...INDICATORS_000.basic].filter((n) => !(INDICATORS_000.negative as readonly string[]).includes(n)),
        negative: [...INDICATORS_000.negative],
        groups: `ecom = ${INDICATORS_000.ecom.join(', ')}; basic = ${INDICATORS_000.basic.join(', ')}`,
      },
    });
    for (const v of ['ret', 'ecom', 'basic']) prov = tool(store, prov, { tool: 'devpower', params: { name: `${v}_iv`, var: v, time: 'year', power: 3 } });
    // (B) the firms, (C) their export transactions: KSW quality, value-weighted firm-year means
    importDataset(store, 'firms', `${note}: listed firms, unbalanced firm-year panel`, data.firms.rows, FIRM_COLUMNS_000, data.firms.columns);
    let tx = importDataset(store, 'transactions', `${note}: exports by firm, product, destination and year`, data.transactions.rows, TRANSACTION_COLUMNS_000, data.transactions.columns);
    // (D) the world export table: PRODY per product and year, then each firm-year's EXPY
    importDataset(store, 'world', `${note}: world exports by country, HS6 product and year, with GDP per capita`, data.world.rows, WORLD_COLUMNS_000, data.world.columns);
    tx = tool(store, tx, { tool: 'quality', params: { name: 'qual', product: 'hs6', destination: 'dest', year: 'year', value: 'value', quantity: 'quantity', sigma: SIGMA_000 } });
    tool(store, tx, {
      tool: 'sophistication',
      params: { name: 'expy', prody: 'prody', unit: 'firm', time: 'year', product: 'hs6', value: 'value', world: 'world', worldCountry: 'country', worldProduct: 'hs6', worldValue: 'exports', worldGdp: 'gdppc', worldTime: 'year' },
    });
    // EXPY is constant within a firm-year: its (weighted) mean is EXPY
    combine(store, { kind: 'collapse', master: 'transactions', using: 'transactions', keys: ['firm', 'year'], vars: ['qual_raw', 'qual', 'expy'], stat: 'mean', weight: 'value', name: 'firm_quality' });
    const fq = combine(store, { kind: 'merge', master: 'firms', using: 'firm_quality', keys: ['firm', 'year'], merge: '1:1', keep: ['match'], name: 'firms_quality' });
    store.dropVariables(fq.id, ['_merge']); // Stata's `drop _merge` before the next merge
    let ds = combine(store, { kind: 'merge', master: 'firms_quality', using: 'province', keys: ['province', 'year'], merge: 'm:1', keep: ['match'], name: 'analysis' });
    ds = store.setPanel(ds.id, { id: 'firm', time: 'year' });
    ds = tool(store, ds, { tool: 'log', params: { vars: ['expy'], prefix: 'ln' } });
    // the heterogeneity groups: above the mean size / age (the seed paper's split)
    ds = tool(store, ds, { tool: 'split', params: { name: 'large', var: 'size', stat: 'mean' } });
    ds = tool(store, ds, { tool: 'split', params: { name: 'mature', var: 'age', stat: 'mean' } });
    for (const m of models()) store.saveModel({ name: m.name, datasetId: ds.id, spec: m.spec });
    // the tables in the pipeline, in the seed paper's sections: 内生性分析 (T4, T5), 稳健性分析 (T6, T7), 异质性分析 (T8)
    saveExamplePipeline(store, TABLES_000);
    store.setMeta('example', 'paper000');
    store.save();
    return store;
  } catch (err) {
    store.close();
    throw err instanceof AppError ? err : new AppError('INTERNAL', `building the example project failed: ${(err as Error).message}`);
  }
}
