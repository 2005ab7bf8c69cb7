// Percentiles of a large dense segment in one streaming pass, shared with the moments pass.
//
// Floyd & Rivest's observation (CACM 18(3), 1975) is that a small random sample pins down, with
// high probability, a narrow value interval that contains the k-th smallest value. Here the
// interval ("bracket") for each wanted rank comes from a sorted sample of SAMPLE values; the
// moments pass then counts the values below and inside each bracket and copies the few inside
// (moments.ts). The k-th value is the (k − below)-th of the bracket's copy, found by selection on
// ≈2 % of the data. Heavily tied end values (dummies, codes, rounded data) become brackets of zero
// width that are only counted, so a 0/1 variable copies nothing. If a rank falls outside the
// brackets or a copy overflows (an unlucky sample, ≈1e-3 per rank), the ranks are finished by
// selection on the whole segment: the answer is always exact, only its cost varies. The sample
// comes from a fixed-seed generator, so runs are repeatable.
import type { Brackets } from './moments.js';
import { orderStatistics, percentileRanks } from './select.js';

/** Segments up to this size go straight to selection (cache-resident and fast). */
export const BRACKET_MIN_N = 1 << 16;
const SAMPLE = 1 << 14;
/** Half-width of a bracket in standard errors of the sample quantile. */
const Z = 3.5;
/** An end value this frequent in the sample gets a zero-width bracket of its own. */
const HEAVY_TIE = SAMPLE >> 6;

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The next double above (dir 1) or below (dir −1) a finite x. */
function nextDouble(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += (x > 0) === (dir > 0) ? 1n : -1n;
  return f64[0];
}

function countEqual(sample: Float64Array, v: number): number {
  let c = 0;
  for (let k = 0; k < sample.length; k++) c += +(sample[k] === v);
  return c;
}

/** Brackets for the 0-based ranks of x[i0, i1), from a sample; null for small segments. */
export function planBrackets(x: Float64Array, i0: number, i1: number, ranks: readonly number[]): Brackets | null {
  const n = i1 - i0;
  if (n < BRACKET_MIN_N) return null;
  const sample = new Float64Array(SAMPLE);
  let seed = 0x9e3779b9;
  for (let k = 0; k < SAMPLE; k++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    sample[k] = x[i0 + Math.floor((seed / 4294967296) * n)];
  }
  // the sample's order statistics at each bracket's ends, by selection (a sort costs more)
  const wanted = [...new Set(ranks)].sort((a, b) => a - b);
  const ends = wanted.map((r) => {
    const q = (r + 0.5) / n;
    const w = Z * Math.sqrt(q * (1 - q) * SAMPLE) + 2;
    return [Math.max(0, Math.floor(q * SAMPLE - w)), Math.min(SAMPLE - 1, Math.ceil(q * SAMPLE + w))];
  });
  const at = orderStatistics(sample, 0, SAMPLE - 1, ends.flat());
  const lo: number[] = [];
  const hi: number[] = [];
  for (const [ia, ib] of ends) {
    const a = at.get(ia) as number;
    const b = at.get(ib) as number;
    // Overlapping brackets merge, so each value belongs to at most one.
    if (lo.length > 0 && a <= hi[hi.length - 1]) hi[hi.length - 1] = Math.max(b, hi[hi.length - 1]);
    else {
      lo.push(a);
      hi.push(b);
    }
  }
  // Split heavily tied ends off: [a, b] → [a, a], [a⁺, b⁻], [b, b] (a⁺, b⁻ the adjacent doubles).
  const L: number[] = [];
  const H: number[] = [];
  for (let t = 0; t < lo.length; t++) {
    let a = lo[t];
    let b = hi[t];
    if (a < b && countEqual(sample, a) >= HEAVY_TIE) {
      L.push(a);
      H.push(a);
      a = nextDouble(a, 1);
    }
    const tieB = a < b && countEqual(sample, b) >= HEAVY_TIE;
    if (tieB) b = nextDouble(b, -1);
    if (a <= b) {
      L.push(a);
      H.push(b);
    }
    if (tieB) {
      L.push(hi[t]);
      H.push(hi[t]);
    }
  }
  // Pad to three with never-matching brackets (NaN): moments.ts has a one-loop kernel for three.
  while (L.length < 3) {
    L.push(Number.NaN);
    H.push(Number.NaN);
  }
  const T = L.length;
  const cap = new Int32Array(T);
  const off = new Int32Array(T);
  let total = 0;
  for (let t = 0; t < T; t++) {
    // Room for 1.5× the share of the sample inside the bracket; none when it has zero width.
    if (!(L[t] < H[t])) continue;
    let inside = 0;
    for (let k = 0; k < SAMPLE; k++) inside += +(sample[k] >= L[t]) & +(sample[k] <= H[t]);
    cap[t] = Math.min(n, Math.ceil((1.5 * inside * n) / SAMPLE) + 4096);
    off[t] = total;
    total += cap[t];
  }
  return {
    lo: Float64Array.from(L),
    hi: Float64Array.from(H),
    below: new Int32Array(T),
    notAbove: new Int32Array(T),
    copied: new Int32Array(T),
    off,
    cap,
    buf: new Float64Array(total),
  };
}

/** Values of the 0-based ranks of x[lo..hi]; the brackets, if any, were filled by the moments pass. */
export function rankValues(x: Float64Array, lo: number, hi: number, ranks: readonly number[], br: Brackets | null): Map<number, number> {
  if (br === null) return orderStatistics(x, lo, hi, ranks);
  const out = new Map<number, number>();
  const missed: number[] = [];
  let T = br.lo.length;
  while (T > 0 && Number.isNaN(br.lo[T - 1])) T--;
  const inBracket: number[][] = Array.from({ length: T }, () => []);
  for (const r of new Set(ranks)) {
    let t = 0;
    while (t < T && r >= br.notAbove[t]) t++;
    if (t === T || r < br.below[t]) missed.push(r);
    else if (br.lo[t] === br.hi[t]) out.set(r, br.lo[t]);
    else if (br.copied[t] > br.cap[t]) missed.push(r);
    else inBracket[t].push(r);
  }
  for (let t = 0; t < T; t++) {
    if (inBracket[t].length === 0) continue;
    const s0 = br.off[t];
    const b = br.below[t];
    const v = orderStatistics(br.buf, s0, s0 + br.copied[t] - 1, inBracket[t].map((r) => r - b));
    for (const r of inBracket[t]) out.set(r, v.get(r - b) as number);
  }
  if (missed.length > 0) for (const [r, v] of orderStatistics(x, lo, hi, missed)) out.set(r, v);
  return out;
}

/** Percentiles p of n values by Stata's rule (select.ts), given the values of their ranks. */
export function percentilesFromRanks(n: number, ps: readonly number[], values: Map<number, number>): number[] {
  return ps.map((p) => {
    const rs = percentileRanks(n, p);
    const v0 = values.get(rs[0]) as number;
    if (rs.length === 1) return v0;
    const v1 = values.get(rs[1]) as number;
    // v0/2 + v1/2 equals (v0 + v1)/2 rounded (halving is exact) and cannot overflow.
    return v0 === v1 ? v0 : v0 / 2 + v1 / 2;
  });
}

/** Every rank the percentiles p of n values need. */
export function ranksFor(n: number, ps: readonly number[]): number[] {
  return ps.flatMap((p) => percentileRanks(n, p));
}
