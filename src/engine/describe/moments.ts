// Moments of a dense segment x[i0, i1) of a Float64Array (no missing values left in it).
//
// Accuracy: the corrected two-pass algorithm (Chan, Golub & LeVeque 1983; Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., §1.9): pass 1 gives a provisional mean m̃ = Σx/n,
// pass 2 sums d = x − m̃ and its powers; mean = m̃ + Σd/n and M2 = Σd² − (Σd)²/n. The correction
// removes the error of the first pass's sum, so data like 1e9 + noise keep their digits (a one-pass
// Σx² − n x̄² would lose all of them). Sums run per CHUNK with four partial sums, which keeps the
// rounding error growth near that of pairwise summation and lets V8 optimise the small kernels
// after their first calls (see data.ts).

const CHUNK = 4096;

export interface Moments {
  n: number;
  sum: number;
  mean: number;
  /** Σ (x − mean)² */
  m2: number;
  /** Σ (x − mean)³ and Σ (x − mean)⁴, or 0 when not asked for. */
  m3: number;
  m4: number;
  min: number;
  max: number;
}

/** Pass 1 over one chunk: Σx, min and max (acc = [sum, min, max]). */
function sumMinMaxRange(x: Float64Array, i0: number, i1: number, acc: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let min = acc[1];
  let max = acc[2];
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a = x[i];
    const b = x[i + 1];
    s0 += a;
    s1 += b;
    if (a < min) min = a;
    if (a > max) max = a;
    if (b < min) min = b;
    if (b > max) max = b;
  }
  if (i < i1) {
    const a = x[i];
    s0 += a;
    if (a < min) min = a;
    if (a > max) max = a;
  }
  acc[0] += s0 + s1;
  acc[1] = min;
  acc[2] = max;
}

/** Pass 2 over one chunk: Σd, Σd² with d = x − c (acc = [Σd, Σd²]). */
function centered2Range(x: Float64Array, c: number, i0: number, i1: number, acc: Float64Array): void {
  let d0 = 0;
  let d1 = 0;
  let q0 = 0;
  let q1 = 0;
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a = x[i] - c;
    const b = x[i + 1] - c;
    d0 += a;
    d1 += b;
    q0 += a * a;
    q1 += b * b;
  }
  if (i < i1) {
    const a = x[i] - c;
    d0 += a;
    q0 += a * a;
  }
  acc[0] += d0 + d1;
  acc[1] += q0 + q1;
}

/** Pass 2 with third and fourth powers (acc = [Σd, Σd², Σd³, Σd⁴]). */
function centered4Range(x: Float64Array, c: number, i0: number, i1: number, acc: Float64Array): void {
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = i0; i < i1; i++) {
    const d = x[i] - c;
    const d2 = d * d;
    s1 += d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  acc[0] += s1;
  acc[1] += s2;
  acc[2] += s3;
  acc[3] += s4;
}

/** Σx, min and max of x[i0, i1): the first pass (summarize fuses it into its copy of the data). */
export interface FirstPass {
  sum: number;
  min: number;
  max: number;
}

export function firstPass(x: Float64Array, i0: number, i1: number): FirstPass {
  const a = new Float64Array([0, Infinity, -Infinity]);
  for (let c0 = i0; c0 < i1; c0 += CHUNK) sumMinMaxRange(x, c0, Math.min(i1, c0 + CHUNK), a);
  return { sum: a[0], min: a[1], max: a[2] };
}

/**
 * Value brackets filled during the second pass (brackets.ts plans them): T disjoint closed
 * intervals [lo_t, hi_t], ascending. `below[t]` counts the values < lo_t, `notAbove[t]` those
 * ≤ hi_t (so notAbove − below are inside); values inside are also copied to buf[off_t + k] while
 * k < cap_t (`copied` counts the attempts). Brackets with cap 0 (zero width) only count.
 */
export interface Brackets {
  lo: Float64Array;
  hi: Float64Array;
  below: Int32Array;
  notAbove: Int32Array;
  copied: Int32Array;
  off: Int32Array;
  cap: Int32Array;
  buf: Float64Array;
}

// Counts use +(a < b), which V8 compiles without a branch: a data-dependent `if` here mispredicts
// about half the time and made this pass 5× slower. The copy's `if` (inside a bracket that is
// copied) is rarely taken, so it predicts well; brackets that are not copied test against
// hi = −∞, which no finite value meets.

/** One bracket over one chunk (L1-resident after the moments loop read it). */
function bracketChunk(x: Float64Array, br: Brackets, t: number, i0: number, i1: number): void {
  const lo = br.lo[t];
  const hi = br.hi[t];
  const copyHi = br.cap[t] > 0 ? hi : -Infinity;
  const buf = br.buf;
  let below = 0;
  let notAbove = 0;
  for (let i = i0; i < i1; i++) {
    const v = x[i];
    below += +(v < lo);
    notAbove += +(v <= hi);
    if ((+(v >= lo) & +(v <= copyHi)) !== 0) copy(br, buf, t, v);
  }
  br.below[t] += below;
  br.notAbove[t] += notAbove;
}

/**
 * The usual case in one loop: Σd, Σd² and three brackets (summarize's quartiles; unused ones are
 * NaN, which no comparison matches). One loop instead of four.
 */
function centered2Brackets3Chunk(x: Float64Array, c: number, br: Brackets, i0: number, i1: number, acc: Float64Array): void {
  const l0 = br.lo[0];
  const l1 = br.lo[1];
  const l2 = br.lo[2];
  const h0 = br.hi[0];
  const h1 = br.hi[1];
  const h2 = br.hi[2];
  const c0 = br.cap[0] > 0 ? h0 : -Infinity;
  const c1 = br.cap[1] > 0 ? h1 : -Infinity;
  const c2 = br.cap[2] > 0 ? h2 : -Infinity;
  const buf = br.buf;
  let s1 = 0;
  let s2 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let n0 = 0;
  let n1 = 0;
  let n2 = 0;
  for (let i = i0; i < i1; i++) {
    const v = x[i];
    const d = v - c;
    s1 += d;
    s2 += d * d;
    const g0 = +(v >= l0);
    const g1 = +(v >= l1);
    const g2 = +(v >= l2);
    const a0 = +(v <= h0);
    const a1 = +(v <= h1);
    const a2 = +(v <= h2);
    b0 += 1 - g0;
    b1 += 1 - g1;
    b2 += 1 - g2;
    n0 += a0;
    n1 += a1;
    n2 += a2;
    if ((g0 & +(v <= c0)) !== 0) copy(br, buf, 0, v);
    if ((g1 & +(v <= c1)) !== 0) copy(br, buf, 1, v);
    if ((g2 & +(v <= c2)) !== 0) copy(br, buf, 2, v);
  }
  br.below[0] += b0;
  br.below[1] += b1;
  br.below[2] += b2;
  br.notAbove[0] += n0;
  br.notAbove[1] += n1;
  br.notAbove[2] += n2;
  acc[0] += s1;
  acc[1] += s2;
}

/** Appends v to bracket t's copy unless it is full. */
function copy(br: Brackets, buf: Float64Array, t: number, v: number): void {
  const k = br.copied[t]++;
  if (k < br.cap[t]) buf[br.off[t] + k] = v;
}

/**
 * Moments of x[i0, i1) given its first pass; `higher` adds the third and fourth central sums;
 * `brackets` (counts zeroed by the caller) are filled in the same pass.
 */
export function momentsFrom(x: Float64Array, i0: number, i1: number, first: FirstPass, higher: boolean, brackets: Brackets | null = null): Moments {
  const n = i1 - i0;
  const trivial = trivialMoments(n, first);
  if (trivial) return trivial;
  const mt = provisionalMean(n, first);
  const b = new Float64Array(4);
  for (let c0 = i0; c0 < i1; c0 += CHUNK) {
    const c1 = Math.min(i1, c0 + CHUNK);
    if (brackets && !higher && brackets.lo.length === 3) centered2Brackets3Chunk(x, mt, brackets, c0, c1, b);
    else {
      if (higher) centered4Range(x, mt, c0, c1, b);
      else centered2Range(x, mt, c0, c1, b);
      if (brackets) for (let t = 0; t < brackets.lo.length; t++) bracketChunk(x, brackets, t, c0, c1);
    }
  }
  return finishMoments(n, first, mt, b, higher);
}

/** Moments that need no second pass: no values, or all equal. */
export function trivialMoments(n: number, first: FirstPass): Moments | null {
  const { sum, min, max } = first;
  if (n === 0) return { n: 0, sum: 0, mean: Number.NaN, m2: Number.NaN, m3: Number.NaN, m4: Number.NaN, min: Number.NaN, max: Number.NaN };
  if (min === max) return { n, sum, mean: min, m2: 0, m3: 0, m4: 0, min, max };
  return null;
}

/** The centre of the second pass: Σx/n, or the midrange if that sum overflowed or rounded badly. */
export function provisionalMean(n: number, first: FirstPass): number {
  const mt = first.sum / n;
  return mt >= first.min && mt <= first.max ? mt : first.min / 2 + first.max / 2;
}

/** Moments from the sums b = [Σd, Σd², Σd³, Σd⁴] of d = x − mt. */
export function finishMoments(n: number, first: FirstPass, mt: number, b: Float64Array, higher: boolean): Moments {
  const delta = b[0] / n;
  // Central sums about the corrected mean from those about mt (binomial expansion in delta).
  const m2 = Math.max(0, b[1] - delta * b[0]);
  let m3 = 0;
  let m4 = 0;
  if (higher) {
    m3 = b[2] - 3 * delta * b[1] + 3 * delta * delta * b[0] - n * delta ** 3;
    m4 = b[3] - 4 * delta * b[2] + 6 * delta * delta * b[1] - 4 * delta ** 3 * b[0] + n * delta ** 4;
  }
  return { n, sum: first.sum, mean: mt + delta, m2, m3, m4, min: first.min, max: first.max };
}

/** Moments of x[i0, i1); `higher` adds the third and fourth central sums. */
export function segmentMoments(x: Float64Array, i0: number, i1: number, higher: boolean): Moments {
  return momentsFrom(x, i0, i1, firstPass(x, i0, i1), higher);
}
