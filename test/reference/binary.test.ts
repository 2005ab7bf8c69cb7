// logit / probit against R on the LaLonde data (test/reference/binary_lalonde/make.R): coefficients,
// SEs (oim, Stata robust N/(N−1), Stata cluster G/(G−1)), log likelihoods, pseudo-R², LR and Wald
// χ², and margins (AME / MEM with delta-method SEs) to 1e-7 relative.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimateBinary } from '../../src/engine/estimate-binary.js';
import { normalizeSpec, type VcovType } from '../../src/shared/spec.js';

interface RefCoef { estimate: number; std_error: number; statistic: number; p_value: number }
interface RefMargin { ame: number; ame_se: number; mem: number; mem_se: number }
interface RefModel {
  loglik: number;
  ll_0: number;
  r2_p: number;
  lr_chi2: number;
  iid: Record<string, RefCoef>;
  robust: Record<string, RefCoef>;
  cluster: Record<string, RefCoef>;
  cluster_groups: number;
  wald_robust: number;
  wald_cluster: number;
  margins_iid: Record<string, RefMargin>;
  margins_robust: Record<string, RefMargin>;
  margins_cluster: Record<string, RefMargin>;
  at_means: Record<string, number>;
}

function readCsv(path: string): MemorySource {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const names = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const n = lines.length - 1;
  const cols: Record<string, Column> = {};
  const vals = names.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1].split(',');
    for (let j = 0; j < names.length; j++) vals[j][i] = f[j] === '' ? Number.NaN : Number(f[j]);
  }
  names.forEach((name, j) => (cols[name] = { kind: 'numeric', values: vals[j] }));
  return new MemorySource(n, cols);
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const dir = resolve('test/reference/binary_lalonde');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { n: number; x: string[]; logit: RefModel; probit: RefModel };
const source = readCsv(join(dir, 'data.csv'));

describe.each(['logit', 'probit'] as const)('%s on LaLonde (R reference)', (estimator) => {
  const ref = expected[estimator];
  const run = (vcov: VcovType) => estimateBinary(normalizeSpec({ estimator, y: 'treat', x: expected.x, vcov, cluster: vcov === 'cluster' ? ['educ'] : [] }), source);

  it.each(['iid', 'robust', 'cluster'] as const)('coefficients, SEs and margins with vcov %s', (vcov) => {
    const r = run(vcov);
    expect(r.nobs).toBe(expected.n);
    expect(r.vcov.distribution).toBe('normal');
    const table = ref[vcov];
    expect(r.coefficients.map((c) => c.term)).toEqual(Object.keys(table));
    for (const c of r.coefficients) {
      const e = table[c.term];
      expect(rel(c.estimate, e.estimate), `${c.term} b`).toBeLessThan(1e-8);
      expect(rel(c.std_error, e.std_error), `${c.term} se`).toBeLessThan(1e-7);
      expect(rel(c.p_value, e.p_value), `${c.term} p`).toBeLessThan(1e-6);
    }
    expect(rel(r.fit.loglik as number, ref.loglik)).toBeLessThan(1e-12);
    expect(rel(r.fit.ll_0 as number, ref.ll_0)).toBeLessThan(1e-12);
    expect(rel(r.fit.r2_p as number, ref.r2_p)).toBeLessThan(1e-10);
    const chi2 = vcov === 'iid' ? ref.lr_chi2 : vcov === 'robust' ? ref.wald_robust : ref.wald_cluster;
    expect(rel(r.fit.chi2 as number, chi2)).toBeLessThan(1e-7);
    expect(r.fit.chi2_type).toBe(vcov === 'iid' ? 'LR' : 'Wald');
    if (vcov === 'cluster') expect(r.vcov.clusters[0].groups).toBe(ref.cluster_groups);
    const margins = ref[`margins_${vcov}` as const];
    expect(r.margins?.rows.map((m) => m.term)).toEqual(Object.keys(margins));
    for (const m of r.margins!.rows) {
      const e = margins[m.term];
      expect(rel(m.ame, e.ame), `${m.term} ame`).toBeLessThan(1e-8);
      expect(rel(m.ame_se, e.ame_se), `${m.term} ame se`).toBeLessThan(1e-7);
      expect(rel(m.mem, e.mem), `${m.term} mem`).toBeLessThan(1e-8);
      expect(rel(m.mem_se, e.mem_se), `${m.term} mem se`).toBeLessThan(1e-7);
      expect(rel(r.margins!.at_means[m.term], ref.at_means[m.term])).toBeLessThan(1e-12);
    }
  });
});
