// Column-at-a-time numeric kernels with Stata's missing-value rules. A scalar operand is a length-1
// array read through index mask 0 (`a[i & ma]`, ma = 0 or −1), so one loop serves column∘column,
// column∘scalar and scalar∘column without materialising constants. Loops run over CHUNK rows in
// small functions (see data.ts: V8 optimises these early instead of on-stack-replacing one long loop).
// Rules: arithmetic with a missing operand is missing; a result that is ±∞ or NaN (overflow,
// division by zero, 0^−1, (−8)^(1/3)) is missing; comparisons read missing as +∞ (Stata); logical
// operators read any non-zero value — missing included — as true and return 1/0.
// `sample` restricts only the *counting* of events (division by zero, missing met in a comparison)
// to the rows that matter (an `if` condition), never the values.

const CHUNK = 4096;

export type NumBinary = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '|';
export type NumUnary = 'neg' | 'not' | 'ln' | 'log10' | 'exp' | 'sqrt' | 'abs' | 'floor' | 'ceil' | 'int' | 'sign';

/** Events counted by the kernels: rows where a defined input gave missing, or a comparison met missing. */
export interface Counts {
  events: number;
}

const OPS: NumBinary[] = ['+', '-', '*', '/', '^', '==', '!=', '<', '<=', '>', '>=', '&', '|'];
const UNARY: NumUnary[] = ['neg', 'not', 'ln', 'log10', 'exp', 'sqrt', 'abs', 'floor', 'ceil', 'int', 'sign'];

/** Scalar version (constant folding and tests use the same rules as the loops). */
export function binaryScalar(op: NumBinary, x: number, y: number): number {
  const a = Float64Array.of(x);
  const b = Float64Array.of(y);
  const out = new Float64Array(1);
  binaryChunk(OPS.indexOf(op), a, 0, b, 0, out, 0, 1, null, { events: 0 });
  return out[0];
}

export function unaryScalar(op: NumUnary, x: number): number {
  const out = new Float64Array(1);
  unaryChunk(UNARY.indexOf(op), Float64Array.of(x), out, 0, 1, null, { events: 0 });
  return out[0];
}

/** out[i] = a[i & ma] op b[i & mb] for i < n. `out` may alias an operand that is a full column. */
export function binary(op: NumBinary, a: Float64Array, ma: number, b: Float64Array, mb: number, out: Float64Array, sample: Uint8Array | null, counts: Counts): void {
  const code = OPS.indexOf(op);
  const n = out.length;
  for (let i0 = 0; i0 < n; i0 += CHUNK) binaryChunk(code, a, ma, b, mb, out, i0, Math.min(n, i0 + CHUNK), sample, counts);
}

export function unary(op: NumUnary, a: Float64Array, out: Float64Array, sample: Uint8Array | null, counts: Counts): void {
  const code = UNARY.indexOf(op);
  const n = out.length;
  for (let i0 = 0; i0 < n; i0 += CHUNK) unaryChunk(code, a, out, i0, Math.min(n, i0 + CHUNK), sample, counts);
}

// The event count is kept in a local and written once per chunk; the sample test runs only on the
// rare event path.
function binaryChunk(code: number, a: Float64Array, ma: number, b: Float64Array, mb: number, out: Float64Array, i0: number, i1: number, sample: Uint8Array | null, counts: Counts): void {
  let ev = 0;
  switch (code) {
    case 0:
      for (let i = i0; i < i1; i++) {
        const r = a[i & ma] + b[i & mb];
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      break;
    case 1:
      for (let i = i0; i < i1; i++) {
        const r = a[i & ma] - b[i & mb];
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      break;
    case 2:
      for (let i = i0; i < i1; i++) {
        const r = a[i & ma] * b[i & mb];
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      break;
    case 3:
      for (let i = i0; i < i1; i++) {
        const x = a[i & ma];
        const y = b[i & mb];
        const r = x / y;
        if (r - r === 0) out[i] = r;
        else {
          out[i] = Number.NaN;
          if (y === 0 && x - x === 0 && (sample === null || sample[i])) ev++;
        }
      }
      break;
    case 4:
      for (let i = i0; i < i1; i++) {
        const x = a[i & ma];
        // JS gives NaN^0 = 1; Stata gives missing
        const r = x === x ? Math.pow(x, b[i & mb]) : Number.NaN;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      break;
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
      ev = compareChunk(code, a, ma, b, mb, out, i0, i1, sample);
      break;
    case 11:
      for (let i = i0; i < i1; i++) out[i] = a[i & ma] !== 0 && b[i & mb] !== 0 ? 1 : 0;
      break;
    case 12:
      for (let i = i0; i < i1; i++) out[i] = a[i & ma] !== 0 || b[i & mb] !== 0 ? 1 : 0;
      break;
  }
  counts.events += ev;
}

/** Comparisons with missing (NaN or ±∞) read as +∞; counts rows where an operand was missing. */
function compareChunk(code: number, a: Float64Array, ma: number, b: Float64Array, mb: number, out: Float64Array, i0: number, i1: number, sample: Uint8Array | null): number {
  let ev = 0;
  for (let i = i0; i < i1; i++) {
    let x = a[i & ma];
    let y = b[i & mb];
    if (x - x !== 0 || y - y !== 0) {
      if (sample === null || sample[i]) ev++;
      if (x - x !== 0) x = Infinity;
      if (y - y !== 0) y = Infinity;
    }
    let r: boolean;
    switch (code) {
      case 5:
        r = x === y;
        break;
      case 6:
        r = x !== y;
        break;
      case 7:
        r = x < y;
        break;
      case 8:
        r = x <= y;
        break;
      case 9:
        r = x > y;
        break;
      default:
        r = x >= y;
    }
    out[i] = r ? 1 : 0;
  }
  return ev;
}

function unaryChunk(code: number, a: Float64Array, out: Float64Array, i0: number, i1: number, sample: Uint8Array | null, counts: Counts): void {
  let ev = 0;
  switch (code) {
    case 0:
      for (let i = i0; i < i1; i++) out[i] = -a[i];
      break;
    case 1:
      for (let i = i0; i < i1; i++) out[i] = a[i] === 0 ? 1 : 0;
      break;
    case 2:
    case 3: {
      const log10 = code === 3;
      for (let i = i0; i < i1; i++) {
        const x = a[i];
        if (x > 0 && x < Infinity) out[i] = log10 ? Math.log10(x) : Math.log(x);
        else {
          out[i] = Number.NaN;
          if (x - x === 0 && (sample === null || sample[i])) ev++;
        }
      }
      break;
    }
    case 4:
      for (let i = i0; i < i1; i++) {
        const r = Math.exp(a[i]);
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      break;
    case 5:
      for (let i = i0; i < i1; i++) {
        const x = a[i];
        if (x >= 0 && x < Infinity) out[i] = Math.sqrt(x);
        else {
          out[i] = Number.NaN;
          if (x - x === 0 && (sample === null || sample[i])) ev++;
        }
      }
      break;
    case 6:
      for (let i = i0; i < i1; i++) out[i] = Math.abs(a[i]);
      break;
    case 7:
      for (let i = i0; i < i1; i++) out[i] = Math.floor(a[i]);
      break;
    case 8:
      for (let i = i0; i < i1; i++) out[i] = Math.ceil(a[i]);
      break;
    case 9:
      for (let i = i0; i < i1; i++) out[i] = Math.trunc(a[i]);
      break;
    case 10:
      // Math.sign(−0) is −0; Stata's sign(0) is 0
      for (let i = i0; i < i1; i++) out[i] = Math.sign(a[i]) + 0;
      break;
  }
  counts.events += ev;
}
