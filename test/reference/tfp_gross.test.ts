// Gross output (Stata prodest's default, `valueadded` off): Levinsohn–Petrin and ACF with the
// intermediate input as proxy and input, against the independent R implementation
// (test/reference/tfp_common.R via tfp_gross/make.R) on a simulated panel with known elasticities
// (β_l 0.3, β_k 0.15, β_m 0.5) and gaps: point estimates to 1e-6, every root of the moments R found,
// the OLS and FE comparisons (with the intermediate input) to 1e-9, the stage-2 sample, mean log TFP
// and _ltfp per row; and the truth within 0.05 where OLS misses β_k by 0.26.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimateTfp } from '../../src/engine/estimate-tfp.js';
import { normalizeSpec } from '../../src/shared/spec.js';

const dir = resolve(__dirname, 'tfp_gross');

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
  lm: number;
  n_stage2: number;
  mean_ltfp: number;
  /** Every exact root of the moments R reached (stage-2 parameters), the reported one first. */
  roots_found: number[][];
}
type Betas = { ll: number; lk: number; lm: number };
const ref = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { lp: Case; lp_degree4: Case; acf: Case; ols: Betas; fe: Betas; truth: Betas; n: number; firms: number };
const source = readCsv(join(dir, 'data.csv'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1);
const col = (name: string) => (source.get(name) as { values: Float64Array }).values;

describe('tfp on gross output against the independent R implementation (simulated panel)', () => {
  const cases = [
    { name: 'lp', method: 'lp', degree: 3 },
    { name: 'lp_degree4', method: 'lp', degree: 4 },
    { name: 'acf', method: 'acf', degree: 3 },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const spec = normalizeSpec({ estimator: 'tfp', y: 'lgo', x: ['ll'], panel: { id: 'firm', time: 'year' }, options: { method: c.method, output: 'gross', state: 'lk', proxy: 'lm', degree: c.degree, reps: 5, seed: 1 } });
      const out = estimateTfp(spec, source);
      const r = out.result;
      const t = r.tfp!;
      const e = ref[c.name];
      expect(r.coefficients.map((x) => x.term)).toEqual(['ll', 'lk', 'lm']);
      expect(rel(r.coefficients[0].estimate, e.ll), `${c.name} ll`).toBeLessThan(1e-6);
      expect(rel(r.coefficients[1].estimate, e.lk), `${c.name} lk`).toBeLessThan(1e-6);
      expect(rel(r.coefficients[2].estimate, e.lm), `${c.name} lm`).toBeLessThan(1e-6);
      expect(t.nobs_stage2).toBe(e.n_stage2);
      expect(r.nobs).toBe(ref.n);
      expect(t.firms).toBe(ref.firms);
      expect(rel(t.mean_ltfp, e.mean_ltfp)).toBeLessThan(1e-6);
      expect(t.criterion).toBeLessThan(1e-20);
      // the moments have several roots (LP: three); each one R found is among the engine's starts'
      // roots, and both report the one nearest OLS
      const roots = t.starts.filter((x) => x.converged && x.criterion <= 1e-20).map((x) => x.beta);
      for (const rr of e.roots_found) expect(roots.some((b) => b.every((v, j) => rel(v, rr[j]) < 1e-6)), `${c.name} root ${rr}`).toBe(true);
      if (e.roots_found.length > 1) expect(r.warnings.join(' ')).toMatch(/different roots among the starts/);
      expect(rel(t.returns_to_scale.estimate, e.ll + e.lk + e.lm)).toBeLessThan(1e-6);
      expect(r.vcov_matrix.length).toBe(3);
      expect(r.coefficients.every((x) => x.std_error > 0)).toBe(true);
      // the comparisons include the intermediate input
      for (const [j, term] of (['ll', 'lk', 'lm'] as const).entries()) {
        expect(t.comparison.ols[j].term).toBe(term);
        expect(rel(t.comparison.ols[j].estimate, ref.ols[term])).toBeLessThan(1e-9);
        expect(rel(t.comparison.fe[j].estimate, ref.fe[term])).toBeLessThan(1e-9);
      }
      // _ltfp per row: y − β_l l − β_k k − β_m m
      const [bl, bk, bm] = r.coefficients.map((x) => x.estimate);
      const y = col('lgo');
      const l = col('ll');
      const k = col('lk');
      const m = col('lm');
      for (const i of [0, 17, 500, source.nrows - 1]) expect(out.ltfp[i]).toBeCloseTo(y[i] - bl * l[i] - bk * k[i] - bm * m[i], 12);
      // the truth within 0.05 (OLS is off by 0.16 for labour and 0.26 for capital)
      expect(Math.abs(bl - ref.truth.ll)).toBeLessThan(0.05);
      expect(Math.abs(bk - ref.truth.lk)).toBeLessThan(0.05);
      expect(Math.abs(bm - ref.truth.lm)).toBeLessThan(0.05);
      expect(Math.abs(ref.ols.lk - ref.truth.lk)).toBeGreaterThan(0.2);
      expect(t.notes[0]).toMatch(/gross output/);
    });
  }
});
