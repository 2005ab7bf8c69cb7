// Propensity-score matching against R on the LaLonde data (test/reference/psm_lalonde/make.R):
// the same matched sets and weights, ATT, psmatch2's S.E., ATU/ATE, kernel and radius matching,
// and the pstest balance table, with tie_rule = 'matchit' (data-order ties as MatchIt's algorithm).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimatePsm } from '../../src/engine/estimate-psm.js';
import type { PsmEffect } from '../../src/shared/result.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import { type Column, MemorySource } from '../../src/engine/data.js';

interface RefCase {
  att: number;
  att_se: number;
  n_treated_matched: number;
  controls_matched: number;
  pairs?: number;
  weights: (number | null)[];
  matches?: Record<string, number[]>;
  caliper?: number;
  atu?: number;
  ate?: number;
}
function readCsv(path: string): MemorySource {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const names = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const n = lines.length - 1;
  const vals = names.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) lines[i + 1].split(',').forEach((f, j) => (vals[j][i] = f === '' ? Number.NaN : Number(f)));
  return new MemorySource(n, Object.fromEntries(names.map((name, j) => [name, { kind: 'numeric', values: vals[j] } as Column])));
}

const dir = resolve('test/reference/psm_lalonde');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  x: string[];
  score: { coefficients: Record<string, number>; loglik: number };
  cases: Record<string, RefCase>;
  balance_nn3_rep: { rows: Record<string, Record<string, number | null>>; unmatched: Record<string, number>; matched: Record<string, number> };
};
const source = readCsv(join(dir, 'data.csv'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const run = (options: ModelSpec['options']) =>
  estimatePsm(normalizeSpec({ estimator: 'psm', y: 're78', treatment: 'treat', x: expected.x, options: { score: 'logit', tie_rule: 'matchit', ate: true, ...options } }), source);

const cases: [string, ModelSpec['options']][] = [
  ['nn1_rep', {}],
  ['nn3_rep', { neighbors: 3 }],
  ['nn1_nr_largest', { replacement: false, match_order: 'largest' }],
  ['nn1_nr_smallest', { replacement: false, match_order: 'smallest' }],
  ['nn2_nr_largest', { replacement: false, neighbors: 2, match_order: 'largest' }],
  ['nn1_nr_caliper', { replacement: false, match_order: 'largest', caliper: 0.2, caliper_unit: 'sd_logit' }],
  ['nn1_nr_exact', { replacement: false, match_order: 'largest', exact: ['married'] }],
  ['nn1_rep_exact', { exact: ['married'] }],
  ['kernel_epan', { match_method: 'kernel' }],
  ['radius_001', { match_method: 'radius', caliper: 0.01 }],
];

describe('psm on LaLonde (R reference)', () => {
  it('score model = R glm logit', () => {
    const { result } = run({});
    for (const c of result.coefficients) expect(rel(c.estimate, expected.score.coefficients[c.term]), c.term).toBeLessThan(1e-8);
    expect(rel(result.fit.loglik as number, expected.score.loglik)).toBeLessThan(1e-12);
  });

  it.each(cases)('%s: matches, weights, ATT and S.E.', (name, options) => {
    const ref = expected.cases[name];
    const out = run(options);
    const psm = out.result.psm!;
    expect(psm.counts.treated_on_support).toBe(ref.n_treated_matched);
    expect(psm.counts.controls_matched).toBe(ref.controls_matched);
    if (ref.pairs !== undefined) expect(psm.counts.matches).toBe(ref.pairs);
    for (let i = 0; i < source.nrows; i++) {
      const w = ref.weights[i];
      if (w === null) expect(Number.isNaN(out.weights[i]), `row ${i} weight`).toBe(true);
      else expect(Math.abs(out.weights[i] - w), `row ${i} weight`).toBeLessThan(1e-12);
    }
    expect(rel(psm.effects.att.estimate, ref.att)).toBeLessThan(1e-10);
    expect(rel(psm.effects.att.std_error as number, ref.att_se)).toBeLessThan(1e-10);
    if (ref.caliper !== undefined) expect(rel(psm.caliper!, ref.caliper)).toBeLessThan(1e-12);
    if (ref.atu !== undefined) {
      expect(rel((psm.effects.atu as PsmEffect).estimate, ref.atu)).toBeLessThan(1e-10);
      expect(rel((psm.effects.ate as PsmEffect).estimate, ref.ate!)).toBeLessThan(1e-10);
    }
    expect(out.result.diagnostics.find((d) => d.id === 'att')?.statistic).toBeCloseTo(ref.att / ref.att_se, 10);
  });

  it('pstest balance table after 1:3 matching with replacement', () => {
    const psm = run({ neighbors: 3 }).result.psm!;
    const ref = expected.balance_nn3_rep;
    expect(psm.balance.map((r) => r.term)).toEqual(expected.x);
    for (const row of psm.balance) {
      const e = ref.rows[row.term];
      for (const [key, value] of Object.entries(e)) {
        const got = (row as unknown as Record<string, number | { na: string }>)[key];
        if (value === null) expect(typeof got === 'object' && 'na' in got, `${row.term} ${key}`).toBe(true);
        else expect(rel(got as number, value), `${row.term} ${key}`).toBeLessThan(1e-7);
      }
    }
    for (const [i, sample] of (['unmatched', 'matched'] as const).entries()) {
      for (const [key, value] of Object.entries(ref[sample])) {
        const got = (psm.summary[i] as unknown as Record<string, number>)[key];
        expect(rel(got, value), `${sample} ${key}`).toBeLessThan(1e-6);
      }
    }
  });
});
