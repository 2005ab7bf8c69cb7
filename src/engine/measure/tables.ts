// The entropy weights as ToolTables (src/shared/measure.ts): what the CLI exports with --out and
// toolTableModel renders as md / csv / tex / html.
import type { ToolTable } from '../../shared/measure.js';
import type { EntropyResult } from './entropy.js';

export function entropyTables(r: EntropyResult, shift: number): ToolTable[] {
  const byYear = r.weights.some((w) => w.by !== undefined);
  const grouped = r.groupWeights.length > 0;
  const note = {
    en: `Min–max normalised${byYear ? ' within each group' : ' over all rows'}, shifted by ${shift}; e = −Σ p ln p / ln n, d = 1 − e, w = d / Σd.`,
    zh: `极差标准化${byYear ? '（按组分别计算）' : '（全部观测值合并计算）'}，平移 ${shift}；e = −Σ p ln p / ln n，d = 1 − e，w = d / Σd。`,
  };
  const weights: ToolTable = {
    id: 'entropy-weights',
    title: { en: 'Entropy weights', zh: '熵值法指标权重' },
    columns: [
      { key: 'indicator', en: 'Indicator', zh: '指标' },
      ...(byYear ? [{ key: 'by', en: 'Group', zh: '分组' }] : []),
      ...(grouped ? [{ key: 'group', en: 'Sub-index', zh: '一级指标' }] : []),
      { key: 'direction', en: 'Direction', zh: '方向' },
      { key: 'n', en: 'N', zh: '观测值' },
      { key: 'entropy', en: 'Entropy e', zh: '信息熵 e', decimals: 4 },
      { key: 'divergence', en: 'Divergence d', zh: '差异系数 d', decimals: 4 },
      { key: 'weight', en: 'Weight w', zh: '权重 w', decimals: 4 },
      ...(grouped ? [{ key: 'weight_in_group', en: 'Weight in sub-index', zh: '一级指标内权重', decimals: 4 }] : []),
    ],
    rows: r.weights.map((w) => ({
      indicator: w.indicator,
      ...(byYear ? { by: w.by ?? null } : {}),
      ...(grouped ? { group: w.group ?? null } : {}),
      direction: w.direction === 'negative' ? '−' : '+',
      n: w.n,
      min: w.min,
      max: w.max,
      entropy: w.entropy,
      divergence: w.divergence,
      weight: w.weight,
      ...(grouped ? { weight_in_group: w.weight_in_group ?? null } : {}),
    })),
    notes: [note],
  };
  if (!grouped) return [weights];
  const groups: ToolTable = {
    id: 'entropy-group-weights',
    title: { en: 'Sub-index weights (sum of their indicators’ weights)', zh: '一级指标权重（其二级指标权重之和）' },
    columns: [{ key: 'group', en: 'Sub-index', zh: '一级指标' }, ...(byYear ? [{ key: 'by', en: 'Group', zh: '分组' }] : []), { key: 'weight', en: 'Weight W', zh: '权重 W', decimals: 4 }],
    rows: r.groupWeights.map((g) => ({ group: g.group, ...(byYear ? { by: g.by ?? null } : {}), weight: g.weight })),
  };
  return [weights, groups];
}
