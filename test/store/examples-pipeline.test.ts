// The example projects save their tables into the pipeline (issue 11): every table of the seed
// paper in its section, models in run order, psm runs as steps, descriptive tables' variables.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOrder, tableColumns } from '../../src/shared/pipeline.js';
import { buildExample000 } from '../../src/store/examples/paper000.js';
import { buildExample003 } from '../../src/store/examples/paper003.js';
import { tempDir } from '../helpers.js';

describe('example pipelines', () => {
  it('paper 003: T1 descriptive, T2 baseline, T3 robustness (sfa as steps), T4 and T5 endogeneity (psm as steps), T6 mechanism, T7 heterogeneity', () => {
    const store = buildExample003(join(tempDir(), 'p3.pstudio'), { rows: 3000 });
    try {
      const tables = store.listPipelineTables();
      const name = new Map(store.listModels().map((m) => [m.id, m.name]));
      const names = (ids: number[]) => ids.map((id) => name.get(id)?.split(' ').slice(0, 2).join(' '));
      expect(tables.map((t) => [t.key, t.section, t.position])).toEqual([
        ['T1', 'descriptive', 0],
        ['T2', 'baseline', 0],
        ['T3', 'robustness', 0],
        ['T4', 'endogeneity', 0],
        ['T5', 'endogeneity', 1],
        ['T7', 'heterogeneity', 0],
        ['T6', 'mechanism', 0],
      ]);
      const [t1, t2, t3, t4, t5] = tables;
      expect(t1.describe?.variables).toEqual(['cu', 'platform', 'size', 'klratio', 'fc', 'soe', 'tfp', 'lnexport']);
      expect(t1.title).toEqual({ zh: '表1 主要变量的描述性统计', en: 'Table 1 Descriptive statistics' });
      expect(names(t2.modelIds)).toEqual(['T2 (1)', 'T2 (2)']);
      // each frontier (Cobb–Douglas, translog) runs before the regression on its efficiency scores
      expect(names(t3.modelIds)).toEqual(['T3 (1)', 'T3 sfa', 'T3 (2)', 'T3 sfa', 'T3 (3)']);
      expect(names(tableColumns(t3))).toEqual(['T3 (1)', 'T3 (2)', 'T3 (3)']);
      const spec = new Map(store.listModels().map((m) => [m.id, m.spec]));
      expect(t3.steps.map((id) => [spec.get(id)?.estimator, spec.get(id)?.options.form])).toEqual([
        ['sfa', 'cd'],
        ['sfa', 'translog'],
      ]);
      expect(tableColumns(t3).map((id) => spec.get(id)?.y)).toEqual(['cu', '_te_bc', '_te_bc']);
      expect(t3.options.stats).toEqual(['fe', 'nobs', 'r2']);
      expect(t3.title.zh).toBe('表3 指标替换的稳健性检验');
      // the matching step runs before the regression on its matched sample
      expect(names(t4.modelIds)).toEqual(['T4 psm', 'T4 (1)', 'T4 psm', 'T4 (2)']);
      expect(names(tableColumns(t4))).toEqual(['T4 (1)', 'T4 (2)']);
      expect(t4.steps).toHaveLength(2);
      expect(t5.options.stats).toEqual(['fe', 'nobs', 'r2', 'kp_lm', 'kp_f']);
      expect(t2.options.stats).toEqual(['fe', 'nobs', 'r2']);
      // every model is in exactly one table; the pipeline runs them section by section
      expect(runOrder(tables).sort((a, b) => a - b)).toEqual(store.listModels().map((m) => m.id));
      expect(names(runOrder(tables)).slice(-4)).toEqual(['T7 (1)', 'T7 (2)', 'T6 (1)', 'T6 (2)']);
      expect(store.pipelineModelStates().every((s) => s.status === 'notRun')).toBe(true);
    } finally {
      store.close();
    }
  });

  it('paper 000: T1–T2 descriptive (province and analysis), T3 baseline, T4–T5 endogeneity, T6–T7 robustness, T8 heterogeneity', () => {
    const store = buildExample000(join(tempDir(), 'p0.pstudio'), { rows: 2000 });
    try {
      const tables = store.listPipelineTables();
      const ds = new Map(store.listDatasets().map((d) => [d.id, d.name]));
      expect(tables.map((t) => [t.key, t.section])).toEqual([
        ['T1', 'descriptive'],
        ['T2', 'descriptive'],
        ['T3', 'baseline'],
        ['T6', 'robustness'],
        ['T7', 'robustness'],
        ['T4', 'endogeneity'],
        ['T5', 'endogeneity'],
        ['T8', 'heterogeneity'],
      ]);
      const by = new Map(tables.map((t) => [t.key, t]));
      expect(ds.get(by.get('T1')?.describe?.datasetId ?? 0)).toBe('province');
      expect(ds.get(by.get('T2')?.describe?.datasetId ?? 0)).toBe('analysis');
      expect(by.get('T3')?.modelIds).toHaveLength(4);
      // T6: the outcome replaced by ln EXPY (from the world table), T3's four columns
      const spec = new Map(store.listModels().map((m) => [m.id, m.spec]));
      expect(by.get('T6')?.modelIds.map((id) => [spec.get(id)?.y, spec.get(id)?.absorb])).toEqual([
        ['lnexpy', ['firm']],
        ['lnexpy', ['firm', 'year']],
        ['lnexpy', ['firm']],
        ['lnexpy', ['firm', 'year']],
      ]);
      expect(store.listDatasets().map((d) => d.name)).toContain('world');
      expect(by.get('T8')?.modelIds).toHaveLength(8);
      expect(by.get('T7')?.options.stats).toEqual(['nobs', 'n_groups', 'n_instruments', 'ar1_p', 'ar2_p', 'hansen_p']);
      expect(by.get('T3')?.title.zh).toBe('表3 基准回归分析结果');
      expect(tables.flatMap((t) => t.modelIds).sort((a, b) => a - b)).toEqual(store.listModels().map((m) => m.id));
    } finally {
      store.close();
    }
  });
});
