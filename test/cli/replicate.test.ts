// `panel-studio replicate paper003`: builds the example project of seed paper 003 (synthetic data
// with known effects), estimates every model in order and writes the tables; the estimates recover
// the true parameters within sampling error (issue 13). Smaller data than the shipped default.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { TRUTH_000, generate000 } from '../../src/store/examples/generate000.js';
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

  it('replicates paper 000 from its example: three datasets, the measurement recipes, every model, the true effects recovered', () => {
    // the default size (8,000 firm-years of ~1,050 firms, ~85,000 transactions) takes a few seconds
    const out = tempDir();
    const r = spawnSync(process.execPath, [CLI, 'replicate', 'paper000', '--out', out, '--lang', 'en'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[21\/21\] T8 \(8\)/);
    expect(r.stdout).toContain('replicated 21 models; 24 table files');
    for (const t of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8']) for (const ext of ['docx', 'tex', 'xlsx']) expect(existsSync(join(out, 'tables', `${t}.${ext}`))).toBe(true);
    expect(readFileSync(join(out, 'tables', 'T1.tex'), 'utf8')).toContain('China–Europe freight trains');
    expect(readFileSync(join(out, 'tables', 'T2.tex'), 'utf8')).toContain('export quality (KSW, log)');

    const store = ProjectStore.open(join(out, 'paper000.pstudio'), { readonly: true });
    expect(store.listDatasets().map((d) => d.name)).toEqual(['province', 'firms', 'transactions', 'firm_quality', 'firms_quality', 'analysis']);
    const results = new Map<string, EstimationResult>();
    for (const m of store.listModels()) {
      expect(m.status, m.name).toBe('done');
      const res = store.latestResult(m.id);
      if (res) results.set(m.name.split(' ').slice(0, 2).join(' '), res.result);
    }
    store.close();
    const { truth } = generate000(8_000, 0);
    const coef = (model: string, term: string) => results.get(model)?.coefficients.find((c) => c.term === term);
    const near = (model: string, term: string, value: number) => {
      const c = coef(model, term);
      expect(c, `${model} ${term}`).toBeDefined();
      expect(Math.abs((c?.estimate ?? 0) - value), `${model} ${term} = ${c?.estimate} ± ${c?.std_error}, truth ${value}`).toBeLessThan(4 * (c?.std_error ?? 0));
    };
    // KSW quality is relative to destination × year effects: ret's national trend is not in it, so
    // only the two-way FE columns recover β (the firm-FE columns are attenuated by design)
    near('T3 (2)', 'ret', truth.ret);
    near('T3 (4)', 'ecom', truth.ecom);
    near('T3 (4)', 'basic', truth.basic);
    expect(coef('T3 (1)', 'ret')?.estimate ?? 0).toBeGreaterThan(0);
    near('T5 (1)', 'ret', truth.ret);
    near('T5 (2)', 'ecom', truth.ecom);
    near('T5 (2)', 'basic', truth.basic);
    for (const [k, v] of [['(1)', 'ret_iv'], ['(2)', 'ecom_iv'], ['(3)', 'basic_iv']] as const) expect(coef(`T4 ${k}`, v)?.estimate ?? 0).toBeGreaterThan(0); // the cube instruments move the indices
    for (const v of ['ecom', 'basic'] as const) expect(coef('T6 (2)', v)?.estimate ?? 0).toBeGreaterThan(0); // the standardised quality: the same signs
    expect(coef('T6 (1)', 'ret')?.estimate ?? 0).toBeGreaterThan(0);
    near('T7 (1)', 'L.qual_raw', truth.rho);
    near('T7 (1)', 'ret', truth.ret);
    near('T7 (1)', 'L.ret', -truth.rho * truth.ret);
    near('T7 (2)', 'L.qual_raw', truth.rho);
    near('T7 (2)', 'ecom', truth.ecom);
    near('T7 (2)', 'basic', truth.basic);
    for (let k = 1; k <= 8; k++) near(`T8 (${k})`, 'ret', truth.ret); // no heterogeneity in the truth
    near('T3 (2)', 'size', TRUTH_000.controls.size);
  }, 120_000);

  it('stops with a non-zero exit naming what is wrong', () => {
    const r = spawnSync(process.execPath, [CLI, 'replicate', 'nosuch', '--out', tempDir()], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/"nosuch" is neither an example \(paper000, paper003\) nor a project file/);
  });
});
