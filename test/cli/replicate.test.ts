// `panel-studio replicate paper003`: builds the example project of seed paper 003 (synthetic data
// with known effects), estimates every model in order and writes the tables; the estimates recover
// the true parameters within sampling error (issue 13). Smaller data than the shipped default.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { TRUTH_003 } from '../../src/store/examples/generate003.js';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

const CLI = resolve('bin/panel-studio.mjs');

describe('panel-studio replicate', () => {
  it('replicates paper 003 from its example: every model, the tables, the true effects recovered', () => {
    const out = tempDir();
    const r = spawnSync(process.execPath, [CLI, 'replicate', 'paper003', '--out', out, '--rows', '60000'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[11\/11\] T7 \(2\)/);
    expect(r.stdout).toContain('replicated 11 models; 18 table files');
    for (const t of ['T1', 'T2', 'T4', 'T5', 'T6', 'T7']) for (const ext of ['docx', 'tex', 'xlsx']) expect(existsSync(join(out, 'tables', `${t}.${ext}`))).toBe(true);
    expect(readFileSync(join(out, 'tables', 'T2.tex'), 'utf8')).toContain('跨境电商平台');

    const store = ProjectStore.open(join(out, 'paper003.pstudio'), { readonly: true });
    const results = new Map<string, EstimationResult>();
    for (const m of store.listModels()) {
      expect(m.status).toBe('done');
      const res = store.latestResult(m.id);
      if (res) results.set(m.name.split(' ').slice(0, 2).join(' '), res.result);
    }
    store.close();
    const coef = (model: string, term: string) => results.get(model)?.coefficients.find((c) => c.term === term);
    const near = (model: string, term: string, truth: number) => {
      const c = coef(model, term);
      expect(c, `${model} ${term}`).toBeDefined();
      expect(Math.abs((c?.estimate ?? 0) - truth), `${model} ${term} = ${c?.estimate} ± ${c?.std_error}, truth ${truth}`).toBeLessThan(4 * (c?.std_error ?? 0));
    };
    near('T7 (1)', 'platform', TRUTH_003.platform);
    near('T7 (1)', 'platform_x_infra_high', TRUTH_003.platform_x_infra);
    near('T5 (1)', 'platform', TRUTH_003.platform);
    near('T5 (1)', 'platform_x_infra_high', TRUTH_003.platform_x_infra);
    near('T6 (1)', 'platform', TRUTH_003.tfp_platform);
    near('T6 (2)', 'platform', TRUTH_003.export_platform);
    near('T7 (2)', 'platform_x_reputation_high', 0);
    // the matched-sample regressions ran on the psm's _weight
    expect(results.get('T4 (1)')?.sample.excluded_by_if).toBeGreaterThan(0);
  }, 120_000);

  it('stops with a non-zero exit naming what is wrong', () => {
    const r = spawnSync(process.execPath, [CLI, 'replicate', 'nosuch', '--out', tempDir()], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/"nosuch" is neither an example \(paper003\) nor a project file/);
  });
});
