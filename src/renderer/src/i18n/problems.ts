// Model-spec problems in the UI language. The codes and the English texts are declared once in
// src/shared/validate.ts; this file only adds the Chinese texts (the type checks that every code has one).
import { PROBLEM_TEXT, type ProblemCode, type SpecProblem, fillTemplate } from '../../../shared/validate.js';
import type { Lang } from '../i18n.svelte.js';
import { en as enMessages } from './en.js';
import { zh as zhMessages } from './zh.js';

const zh: Record<ProblemCode, string> = {
  'y.required': '请选择被解释变量',
  'var.unknown': '数据集中没有变量"{name}"',
  'var.text': '变量"{name}"是文本（分类）变量，这里需要数值变量',
  'x.isY': '"{name}"是被解释变量，不能同时作为解释变量',
  'x.twice': '"{name}"重复列出',
  'x.noneWithoutIntercept': '不含常数项时，请至少选择一个解释变量',
  'absorb.required': '请至少选择一个要吸收的固定效应（例如 企业，或 行业#年份）',
  'absorb.invalid': '"{term}"不是有效的固定效应；请写变量名或 industry#year 这样的交互项',
  'absorb.twice': '固定效应"{term}"重复列出',
  'panel.required': '请选择个体标识变量（及时间变量）',
  'field.notTaken': '{estimator} 不使用 {field}',
  'vcov.unsupported': '{estimator} 不支持 {vcov} 标准误',
  'cluster.required': '聚类稳健标准误需要选择聚类变量',
  'cluster.unused': '只有聚类稳健标准误才使用聚类变量',
  'cluster.multiway': '该估计方法暂不支持多维聚类，请只选择一个聚类变量',
  'cluster.twice': '同一个聚类变量重复列出',
  'level.range': '置信水平必须介于 0 和 1 之间（例如 0.95）',
  'endog.required': '请至少选择一个内生解释变量',
  'instruments.required': '请至少选择一个排除的工具变量',
  'instruments.tooFew': '{k} 个内生解释变量至少需要 {k} 个排除的工具变量（目前只有 {l} 个）：方程不可识别',
  'endog.role': '“{name}”在模型中已有其他角色（被解释变量、解释变量、内生变量或工具变量）；同一变量只能有一个角色',
  'lag.notHere': '“{name}”是滞后项（L.x）；只有动态面板 GMM 直接读取滞后项——请先用“滞后”工具生成该变量',
  'gmm.lagRange': '{name} 的 GMM 式工具变量：最大滞后（{max}）小于最小滞后（{min}）',
  'treatment.required': '请选择处理变量（1 = 处理组，0 = 对照组）',
  'treatment.role': '“{name}”是处理变量，不能同时作为结果变量或协变量',
  'tfp.state': '请选择状态变量（资本对数）',
  'tfp.proxy': '请选择代理变量（OP 用投资对数，LP 和 ACF 用中间投入对数）',
  'tfp.role': '“{name}”在模型中已有其他角色（产出、自由投入、状态变量或代理变量）；同一变量只能有一个角色',
  'option.notNumber': '选项“{option}”必须是数字',
  'option.wholeRange': '选项“{option}”必须是 {min} 到 {max} 之间的整数',
  'option.atLeast': '选项“{option}”不能小于 {min}',
  'option.above': '选项“{option}”必须大于 {min}',
  'option.atMost': '选项“{option}”不能大于 {max}',
  'uhet.isY': '“{name}”是产出变量，不能同时作为无效率方差的解释变量',
  'psm.radiusCaliper': '半径匹配需要大于 0 的卡尺（即半径）',
};

const TEXT: Record<Lang, Record<ProblemCode, string>> = { en: PROBLEM_TEXT, zh };
const LABELS: Record<Lang, Record<string, string>> = { en: enMessages, zh: zhMessages };

/** The problem in the UI language; an option is named by its label in the form (option.<key>), not its spec key. */
export function problemText(p: SpecProblem, lang: Lang): string {
  const option = p.params.option;
  const params = option !== undefined ? { ...p.params, option: LABELS[lang][`option.${option}`] ?? option } : p.params;
  return fillTemplate(TEXT[lang][p.code], params);
}
