// The seed paper 003 example end to end: after `replicate` every model of every pipeline table is
// fresh — Table 3's two frontiers each write _te_bc and Table 4's two matchings each write _weight,
// the later step overwriting what the column before it read — and the variables the engine creates
// carry Chinese labels, so Table 3 in Chinese names its outcome in Chinese.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cmdReplicate } from '../../src/cli/replicate.js';
import { tableColumns } from '../../src/shared/pipeline.js';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

describe('paper 003 replicated', () => {
  it('leaves every pipeline model fresh and labels _te_bc, _weight … in both languages', async () => {
    const out = tempDir();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await cmdReplicate(['paper003', '--out', out, '--rows', '3000', '--lang', 'zh'])).toBe(0);
    } finally {
      write.mockRestore();
    }
    const store = ProjectStore.open(join(out, 'paper003.pstudio'), { readonly: true });
    try {
      const name = new Map(store.listModels().map((m) => [m.id, m.name]));
      const states = store.pipelineModelStates();
      const inTables = store.listPipelineTables().flatMap((t) => t.modelIds);
      expect(inTables.length).toBeGreaterThan(10);
      for (const id of inTables) expect(states.find((s) => s.modelId === id), name.get(id)).toEqual({ modelId: id, status: 'fresh' });

      // the second frontier and the second matching did overwrite what the columns before them read
      const [ds] = store.listDatasets();
      const label = (v: string) => ds.variables.find((x) => x.name === v)?.label;
      expect(label('_te_bc')).toEqual({ zh: '技术效率 E[exp(−u)|e]（Battese–Coelli）', en: 'technical efficiency E[exp(−u)|e] (Battese–Coelli)' });
      expect(label('_u_jlms')?.zh).toBe('技术无效率 E[u|e]（JLMS）');
      expect(label('_weight')?.zh).toBe('匹配权重（匹配样本：_weight < .）');
      expect(label('_pscore')).toEqual({ zh: '倾向得分', en: 'propensity score' });
      expect(label('_treated')?.zh).toBe('处理组（platform）');
      expect(label('_support')?.zh).toBe('位于共同支撑域');
      const t3 = store.listPipelineTables().find((t) => t.key === 'T3');
      expect(tableColumns(t3!).map((id) => store.listModels().find((m) => m.id === id)?.spec.y)).toEqual(['cu', '_te_bc', '_te_bc']);
    } finally {
      store.close();
    }
    // Table 3 in Chinese: the efficiency outcome under its Chinese label, not the English one or _te_bc
    const tex = readFileSync(join(out, 'tables', 'T3.tex'), 'utf8');
    expect(tex).toContain('技术效率');
    expect(tex).not.toContain('technical efficiency');
    expect(tex).not.toMatch(/\\_te\\_bc|_te_bc/);
  }, 120_000);
});
