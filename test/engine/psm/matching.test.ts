import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../../src/engine/data.js';
import { estimatePsm } from '../../../src/engine/estimate-psm.js';
import { kernelMatch } from '../../../src/engine/psm/kernel.js';
import { nearestMatch } from '../../../src/engine/psm/nearest.js';
import { randomRanks } from '../../../src/engine/psm/random.js';
import type { MatchSet } from '../../../src/engine/psm/types.js';
import { normalizeSpec, type ModelSpec } from '../../../src/shared/spec.js';
import { lcg } from '../../helpers.js';

/** Naive O(F·P) nearest neighbours with the psmatch2 rule: (distance, lower value, lower rank). */
function naive(focal: Float64Array, pool: Float64Array, rank: Int32Array, k: number, caliper: number, ties: boolean, replacement: boolean, order: number[]): number[][] {
  const used = new Uint8Array(pool.length);
  const out: number[][] = Array.from({ length: focal.length }, () => []);
  const failed = new Uint8Array(focal.length);
  for (let round = 0; round < (replacement ? 1 : k); round++) {
    for (const f of replacement ? [...focal.keys()] : order) {
      if (failed[f]) continue;
      const cand = [...pool.keys()].filter((j) => (replacement || !used[j]) && !out[f].includes(j) && Math.abs(pool[j] - focal[f]) < caliper);
      cand.sort((a, b) => Math.abs(pool[a] - focal[f]) - Math.abs(pool[b] - focal[f]) || pool[a] - pool[b] || rank[a] - rank[b]);
      const want = replacement ? k : 1;
      if (cand.length === 0) {
        failed[f] = 1;
        continue;
      }
      let take = Math.min(want, cand.length);
      if (ties) while (take < cand.length && Math.abs(pool[cand[take]] - focal[f]) === Math.abs(pool[cand[take - 1]] - focal[f])) take++;
      for (const j of cand.slice(0, take)) {
        out[f].push(j);
        used[j] = 1;
      }
    }
  }
  return out;
}

const lists = (m: MatchSet, F: number) => Array.from({ length: F }, (_, f) => Array.from(m.partner.subarray(m.start[f], m.start[f + 1])));

describe('nearest-neighbour matching', () => {
  // scores on a coarse grid so that equal values and equal distances occur often
  const u = lcg(11);
  const F = 60;
  const P = 150;
  const focal = Float64Array.from({ length: F }, () => Math.round(u() * 40) / 40);
  const pool = Float64Array.from({ length: P }, () => Math.round(u() * 40) / 40);
  const rank = randomRanks(P, 5);
  const order = Int32Array.from({ length: F }, (_, i) => i).sort((a, b) => focal[a] - focal[b] || a - b);

  it.each([
    [1, Infinity, false, true],
    [3, Infinity, false, true],
    [3, Infinity, true, true],
    [2, 0.03, true, true],
    [1, Infinity, false, false],
    [2, 0.05, false, false],
    [1, 0.02, true, false],
  ])('k=%i caliper=%f ties=%s replacement=%s equals the naive search', (k, caliper, ties, replacement) => {
    const m = nearestMatch(focal, pool, rank, { k, caliper, ties, replacement, order });
    const got = lists(m, F);
    const want = naive(focal, pool, rank, k, caliper, ties, replacement, [...order]);
    for (let f = 0; f < F; f++) expect(got[f], `focal ${f}`).toEqual(want[f]);
    for (let f = 0; f < F; f++) {
      const w = m.weight.subarray(m.start[f], m.start[f + 1]);
      if (w.length) expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 14);
    }
  });

  it('kernel weights are the normalised Epanechnikov weights within the bandwidth', () => {
    const m = kernelMatch(focal, pool, 'epan', 0.06);
    for (let f = 0; f < F; f++) {
      const idx = [...pool.keys()].filter((j) => Math.abs(pool[j] - focal[f]) <= 0.06 && 1 - ((pool[j] - focal[f]) / 0.06) ** 2 > 0);
      const raw = idx.map((j) => 1 - ((pool[j] - focal[f]) / 0.06) ** 2);
      const tot = raw.reduce((s, x) => s + x, 0);
      const got = new Map<number, number>();
      for (let q = m.start[f]; q < m.start[f + 1]; q++) got.set(m.partner[q], m.weight[q]);
      expect(got.size).toBe(idx.length);
      idx.forEach((j, q) => expect(got.get(j)).toBeCloseTo(raw[q] / tot, 14));
    }
  });
});

function panel(n = 3000, seed = 2) {
  const u = lcg(seed);
  const x1 = Float64Array.from({ length: n }, () => u() * 2 - 1);
  const x2 = Float64Array.from({ length: n }, () => Math.round(u() * 3));
  const year = Float64Array.from({ length: n }, (_, i) => 2010 + (i % 5));
  const region = Float64Array.from({ length: n }, (_, i) => (i * 7) % 4);
  const t = Float64Array.from({ length: n }, (_, i) => (u() < 1 / (1 + Math.exp(-(-1.5 + x1[i] + 0.2 * x2[i]))) ? 1 : 0));
  const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * t[i] + x1[i] + u());
  y[5] = Number.NaN; // one missing outcome
  const cols: Record<string, Column> = {
    y: { kind: 'numeric', values: y },
    t: { kind: 'numeric', values: t },
    x1: { kind: 'numeric', values: x1 },
    x2: { kind: 'numeric', values: x2 },
    year: { kind: 'numeric', values: year },
    region: { kind: 'numeric', values: region },
    id: { kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => Math.floor(i / 5)) },
  };
  return { n, source: new MemorySource(n, cols), year, region, t };
}
const psmSpec = (options: ModelSpec['options'] = {}) => normalizeSpec({ estimator: 'psm', y: 'y', treatment: 't', x: ['x1', 'x2'], panel: { id: 'id', time: 'year' }, options: { score: 'logit', ...options } });

describe('estimatePsm', () => {
  it('returns per-row _weight, _pscore and _support, NaN outside the sample', () => {
    const { n, source, t } = panel();
    const out = estimatePsm(psmSpec({ neighbors: 3, ate: true }), source);
    expect(out.weights).toHaveLength(n);
    expect(Number.isNaN(out.score[5])).toBe(true);
    expect(out.support[5]).toBe(0);
    let treated = 0;
    let wSum = 0;
    for (let i = 0; i < n; i++) {
      if (i === 5) continue;
      if (t[i] === 1) {
        treated++;
        expect(out.weights[i]).toBe(1);
      } else if (!Number.isNaN(out.weights[i])) wSum += out.weights[i];
    }
    // every treated unit distributes weight 1 over its matches
    expect(wSum).toBeCloseTo(treated, 9);
    expect(out.result.psm!.counts.matches).toBe(3 * treated);
    expect(out.result.warnings.some((w) => w.includes('does not take into account that the propensity score is estimated'))).toBe(true);
    expect(out.result.diagnostics.map((d) => d.id)).toEqual(['att', 'atu', 'ate', 'unmatched']);
  });

  it('same seed, same matches; the seed only breaks ties', () => {
    const { source } = panel();
    const a = estimatePsm(psmSpec({ seed: 1 }), source);
    const b = estimatePsm(psmSpec({ seed: 1 }), source);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
  });

  it('matches within years and exact cells only', () => {
    const { n, source, year, region, t } = panel();
    const out = estimatePsm(psmSpec({ match_by: 'year', exact: ['region'] }), source);
    // each cell's control weights add up to its number of matched treated
    const treatedBy = new Map<string, number>();
    const weightBy = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(out.weights[i])) continue;
      const key = `${year[i]}|${region[i]}`;
      if (t[i] === 1) treatedBy.set(key, (treatedBy.get(key) ?? 0) + 1);
      else weightBy.set(key, (weightBy.get(key) ?? 0) + out.weights[i]);
    }
    for (const [key, c] of treatedBy) expect(weightBy.get(key)).toBeCloseTo(c, 9);
    expect(out.result.psm!.counts.cells).toBe(20);
  });

  it('reports ATU and ATE only with the ate option, as psmatch2', () => {
    const { source } = panel();
    const out = estimatePsm(psmSpec({ neighbors: 1 }), source);
    expect(out.result.psm!.effects.atu).toEqual({ na: 'reported with the ate option (psmatch2 ate)' });
    expect(out.result.psm!.effects.att.estimate).toBe(estimatePsm(psmSpec({ neighbors: 1, ate: true }), source).result.psm!.effects.att.estimate);
  });

  it('common support drops treated above the controls\' maximum score', () => {
    const { source } = panel();
    const out = estimatePsm(psmSpec({ common_support: true }), source);
    const psm = out.result.psm!;
    expect(psm.counts.treated_on_support + psm.counts.treated_off_support).toBe(psm.counts.treated);
  });

  it('pre_means: matches units on their covariate means before first treatment; every row of a unit gets its weight', () => {
    const { n, source } = panel();
    const out = estimatePsm(psmSpec({ match_by: 'pre_means', neighbors: 1 }), source);
    const id = (source.get('id') as { values: Float64Array }).values;
    const t = (source.get('t') as { values: Float64Array }).values;
    const yr = (source.get('year') as { values: Float64Array }).values;
    const x1 = (source.get('x1') as { values: Float64Array }).values;
    // weights, scores and status are constant within a unit
    for (let i = 1; i < n; i++) {
      if (id[i] !== id[i - 1]) continue;
      expect(Object.is(out.weights[i], out.weights[i - 1]) || out.weights[i] === out.weights[i - 1]).toBe(true);
      expect(out.treated[i]).toBe(out.treated[i - 1]);
    }
    // the treated units' unmatched mean of x1 is the mean of their pre-treatment means
    const units = new Map<number, { first: number; rows: number[] }>();
    for (let i = 0; i < n; i++) {
      const u = units.get(id[i]) ?? { first: Infinity, rows: [] };
      u.rows.push(i);
      if (t[i] === 1 && yr[i] < u.first) u.first = yr[i];
      units.set(id[i], u);
    }
    const treatedMeans: number[] = [];
    for (const u of units.values()) {
      if (u.first === Infinity) continue;
      const pre = u.rows.filter((i) => yr[i] < u.first && Number.isFinite(x1[i]));
      if (pre.length > 0) treatedMeans.push(pre.reduce((a, i) => a + x1[i], 0) / pre.length);
    }
    const psm = out.result.psm!;
    expect(psm.match_by).toBe('pre_means');
    expect(psm.counts.treated).toBe(treatedMeans.length);
    const row = psm.balance.find((b) => b.term === 'x1');
    expect(row?.mean_treated_unmatched).toBeCloseTo(treatedMeans.reduce((a, b) => a + b, 0) / treatedMeans.length, 10);
    expect(out.result.sample.groups.id).toBe(units.size);
  });

  it('explains bad options', () => {
    const { source } = panel();
    expect(() => estimatePsm(psmSpec({ match_method: 'kernel', replacement: false }), source)).toThrow(/without replacement/);
    expect(() => estimatePsm(psmSpec({ match_method: 'radius' }), source)).toThrow(/radius/);
    expect(() => estimatePsm(normalizeSpec({ estimator: 'psm', y: 'y', treatment: 't', x: ['x1', 'x2'], options: { match_by: 'pre_means' } }), source)).toThrow(/pre-treatment means needs the panel/);
    expect(() => estimatePsm(normalizeSpec({ estimator: 'psm', y: 'y', x: ['x1'] }), source)).toThrow(/treatment/);
  });
});
