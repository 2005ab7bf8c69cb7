// Timing of summarize / correlate / vif at scale (not a test). Run from the repository root:
//   node test/engine/describe/run-timing.mjs [rows] [vars]
// (bundles this file with vite into a temporary directory and runs it under plain Node).
import { summarize } from '../../../src/engine/describe/summarize.js';
import { correlate } from '../../../src/engine/describe/correlate.js';
import { vif } from '../../../src/engine/describe/vif.js';
import type { NamedColumn } from '../../../src/engine/describe/types.js';

const rows = Number(process.argv[2] ?? 10_000_000);
const vars = Number(process.argv[3] ?? 12);

/** xorshift32 uniforms in (0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
}

function makeColumns(): NamedColumn[] {
  const u = rng(7);
  const cols: NamedColumn[] = [];
  for (let j = 0; j < vars; j++) {
    const v = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const kind = j % 4;
      // mixes: continuous, dummy (heavy ties), skewed (log-normal-ish), offset 1e9 + noise; 1 % missing
      v[i] = u() < 0.01 ? Number.NaN : kind === 0 ? u() + u() + u() : kind === 1 ? (u() < 0.1 ? 1 : 0) : kind === 2 ? Math.exp(3 * u()) : 1e9 + u();
    }
    cols.push({ name: `x${j}`, column: { kind: 'numeric', values: v } });
  }
  return cols;
}

function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  return r;
}

const cols = time(`generate ${vars} × ${rows}`, makeColumns);
for (let rep = 0; rep < 3; rep++) time(`summarize per-variable #${rep + 1}`, () => summarize(cols));
time('summarize listwise', () => summarize(cols, { sample: 'listwise' }));
time('summarize detail', () => summarize(cols, { detail: true }));
const by: NamedColumn = { name: 'g', column: { kind: 'numeric', values: Float64Array.from({ length: rows }, (_, i) => 2000 + (i % 16)) } };
time('summarize by 16 groups', () => summarize(cols, { by }));
// time('pwcorr (pairwise)', () => correlate(cols, { sample: 'pairwise' }));
// time('correlate (listwise)', () => correlate(cols, { sample: 'listwise' }));
// time('vif', () => vif(cols.filter((_, j) => j % 4 !== 1)));
