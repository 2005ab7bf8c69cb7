// Olley–Pakes, Levinsohn–Petrin and ACF against the independent R implementation
// (test/reference/tfp_simulated/make.R) on a simulated value-added panel with gaps: point estimates
// to 1e-6, the OLS and FE comparison fits, the second-stage sample and mean log TFP.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimateTfp } from '../../src/engine/estimate-tfp.js';
import { normalizeSpec } from '../../src/shared/spec.js';

const dir = resolve(__dirname, 'tfp_simulated');

function readCsv(path: string): MemorySource {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const names = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const n = lines.length - 1;
  const vals = names.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) lines[i + 1].split(',').forEach((f, j) => (vals[j][i] = f === '' ? Number.NaN : Number(f)));
  return new MemorySource(n, Object.fromEntries(names.map((name, j) => [name, { kind: 'numeric', values: vals[j] } as Column])));
}

interface Case {
  ll: number;
  lk: number;
  n_stage2: number;
  mean_ltfp: number;
}
const ref = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, unknown> & { op: Case; lp: Case; acf: Case; ols: { ll: number; lk: number }; fe: { ll: number; lk: number }; n: number; firms: number };
const source = readCsv(join(dir, 'data.csv'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1);

describe('tfp against the independent R implementation (simulated panel)', () => {
  for (const method of ['op', 'lp', 'acf'] as const) {
    it(method, () => {
      const spec = normalizeSpec({ estimator: 'tfp', y: 'lva', x: ['ll'], panel: { id: 'firm', time: 'year' }, options: { method, state: 'lk', proxy: method === 'op' ? 'linv' : 'lmat', degree: 3, reps: 5, seed: 1 } });
      const out = estimateTfp(spec, source);
      const r = out.result;
      const t = r.tfp!;
      const c = ref[method];
      expect(rel(r.coefficients[0].estimate, c.ll), `${method} ll`).toBeLessThan(1e-6);
      expect(rel(r.coefficients[1].estimate, c.lk), `${method} lk`).toBeLessThan(1e-6);
      expect(r.coefficients.map((x) => x.term)).toEqual(['ll', 'lk']);
      expect(t.nobs_stage2).toBe(c.n_stage2);
      expect(r.nobs).toBe(ref.n);
      expect(t.firms).toBe(ref.firms);
      expect(rel(t.mean_ltfp, c.mean_ltfp)).toBeLessThan(1e-6);
      expect(t.criterion).toBeLessThan(1e-20);
      expect(rel(t.comparison.ols[0].estimate, ref.ols.ll)).toBeLessThan(1e-9);
      expect(rel(t.comparison.ols[1].estimate, ref.ols.lk)).toBeLessThan(1e-9);
      expect(rel(t.comparison.fe[0].estimate, ref.fe.ll)).toBeLessThan(1e-9);
      expect(rel(t.comparison.fe[1].estimate, ref.fe.lk)).toBeLessThan(1e-9);
      expect(rel(t.returns_to_scale.estimate, c.ll + c.lk)).toBeLessThan(1e-6);
      // _ltfp per row: y − β_l l − β_k k
      const y = (source.get('lva') as { values: Float64Array }).values;
      const l = (source.get('ll') as { values: Float64Array }).values;
      const k = (source.get('lk') as { values: Float64Array }).values;
      for (const i of [0, 17, 500, source.nrows - 1]) expect(out.ltfp[i]).toBeCloseTo(y[i] - r.coefficients[0].estimate * l[i] - r.coefficients[1].estimate * k[i], 12);
    });
  }
});
