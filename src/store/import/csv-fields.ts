// Field-level helpers for the CSV reader: trimming, text extraction and number classification.
// Both passes (scan and read) call exactly these functions, so a value is typed the same way
// in pass 1 and decoded the same way in pass 2. They work on byte ranges of the UTF-8 input
// (already validated, or transcoded from the file's encoding), so numeric cells never become strings.

import { Buffer } from 'node:buffer';

/** Field flags set by the tokenizer. */
export const F_QUOTED = 1;
/** The quoted field contains doubled quotes (`""`) that must be unescaped. */
export const F_ESCAPED = 2;
/** An unquoted plain decimal whose value the tokenizer has already computed (in `nums`, unless it was told not to: `values` false). */
export const F_NUM = 4;
/** Passed by the scan (pass 1): only the kind is needed, not the value. */
export const F_CHECK_ONLY = 8;
/** Passed by the sinks when the delimiter is not a comma: unquoted fields may hold thousands separators. */
export const F_SEP_OK = 16;

/** classifyNumeric results. */
export const K_NUMBER = 0;
export const K_MISSING = 1;
export const K_INF = 2;
export const K_BAD = 3;
/** A number written with thousands separators ("1,234,567.89"); value in `parsed.value`. */
export const K_THOUSANDS = 4;

/** Tokens that mean "missing" (compared after stripping surrounding spaces). */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', '.', 'NULL', 'null'];
const MISSING_SET: ReadonlySet<string> = new Set(MISSING_TOKENS);

/** Infinite values are never valid data: they are read as missing (numeric columns) with a warning. */
const INF_SET: ReadonlySet<string> = new Set(
  ['inf', 'Inf', 'INF', 'infinity', 'Infinity', 'INFINITY'].flatMap((s) => [s, '+' + s, '-' + s]),
);

/**
 * Numbers with thousands separators: "1,234", "-12,345.5", "1,234,567.89". Groups of exactly
 * three digits, a dot for decimals; "1,5" and "12,34" (decimal commas, Indian grouping) are not
 * numbers. They are accepted where a comma cannot be a delimiter: in quoted fields, and in any
 * field of a semicolon- or tab-delimited file (F_SEP_OK). Whether a column of them is numeric
 * is decided by the scan (csv.ts), which needs to see all of it: "1,234" alone could also be a
 * decimal comma (1.234) in a semicolon file.
 */
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** Exact powers of ten (10^0 … 10^22 are exactly representable as doubles). */
export const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;
/** Veltkamp split of POW10 (high + low halves of 26 bits, for exact products) and the rounded inverses. */
const POW10_HI = new Float64Array(23);
const POW10_LO = new Float64Array(23);
const POW10_INV = new Float64Array(23);
for (let i = 0; i < 23; i++) {
  const t = 134217729 * POW10[i]!;
  POW10_HI[i] = t - (t - POW10[i]!);
  POW10_LO[i] = POW10[i]! - POW10_HI[i]!;
  POW10_INV[i] = 1 / POW10[i]!;
}

/**
 * The double nearest to the unsigned decimal `buf[s, e)` (digits and at most one '.', nothing
 * else) times 10^exp — exactly what Number() gives for that literal — or NaN when the exact
 * method cannot decide (more than 30 significant digits; see decimalInPlace) and the caller
 * must use Number().
 */
export function exactDecimal(buf: Uint8Array, s: number, e: number, exp: number): number {
  let hi = 0;
  let lo = 0;
  let nlo = 0;
  let nhi = 0;
  let frac = 0;
  let afterDot = false;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0) {
      afterDot = true; // the '.'
      continue;
    }
    if (afterDot) frac++;
    if (nhi === 0 && d === 0) continue; // leading zeros
    if (nhi < 15) {
      hi = hi * 10 + d;
      nhi++;
    } else if (nlo < 15) {
      lo = lo * 10 + d;
      nlo++;
    } else {
      return Number.NaN;
    }
  }
  DECIMAL[0] = hi;
  DECIMAL[1] = lo;
  return decimalInPlace(nlo, exp - frac) === 1 ? DECIMAL[0]! : Number.NaN;
}

/**
 * Registers of decimalInPlace: hi and lo in, the value out (in DECIMAL[0]). A function that is
 * not inlined gets and returns doubles boxed (a heap allocation each); through these registers
 * the tokenizer's call allocates nothing.
 */
export const DECIMAL = new Float64Array(2);

/**
 * The double nearest to (hi · 10^nlo + lo) · 10^e10, for hi = DECIMAL[0] and lo = DECIMAL[1],
 * integers with hi < 10^15, lo < 10^nlo, nlo ≤ 15: what Number() gives for the decimal literal
 * whose digits are those of hi followed by the nlo digits of lo. Returns 1 with the value in
 * DECIMAL[0], or 0 when this method cannot decide: a decimal exponent beyond ±44, or a value
 * within about 2^-96 (relative) of a rounding midpoint, such as an exact tie; the caller then
 * uses Number().
 *
 * Shortest round-trip output of doubles (`String(x)`, R's and Stata's 17-digit exports) has
 * 16–17 significant digits, more than the 15 of Clinger's fast path (one correctly rounded
 * operation on exact doubles), which is used when nlo = 0. Otherwise the digits are joined
 * exactly into a double-double and scaled by one or two exact powers of ten in double-double
 * arithmetic (Dekker's exact products; relative error below 2^-100). The result is rounded
 * from both ends of an error interval around it: if both ends round to the same double, so
 * does the exact value, because rounding is monotone.
 */
export function decimalInPlace(nlo: number, e10: number): number {
  const hi = DECIMAL[0]!;
  const lo = DECIMAL[1]!;
  if (nlo === 0) {
    if (e10 >= -22 && e10 <= 22) {
      DECIMAL[0] = e10 < 0 ? hi / POW10[-e10]! : hi * POW10[e10]!;
      return 1;
    }
  } else if (e10 < 0 && e10 >= -22) {
    // The common case (16–30 digits, decimals), written out with the powers of ten split ahead.
    let t = 134217729 * hi;
    const hh = t - (t - hi);
    const hl = hi - hh;
    const p = hi * POW10[nlo]!;
    const pe = hh * POW10_HI[nlo]! - p + hh * POW10_LO[nlo]! + hl * POW10_HI[nlo]! + hl * POW10_LO[nlo]!;
    const sum = p + lo;
    const bv = sum - p;
    const tt = pe + (p - (sum - bv) + (lo - bv));
    const h = sum + tt;
    const l = tt - (h - sum);
    const k = -e10;
    const q1 = h * POW10_INV[k]!; // within 2 ulps of h / 10^k; the remainder below is exact anyway
    const a = q1 * POW10[k]!;
    t = 134217729 * q1;
    const qh = t - (t - q1);
    const ql = q1 - qh;
    const ae = qh * POW10_HI[k]! - a + qh * POW10_LO[k]! + ql * POW10_HI[k]! + ql * POW10_LO[k]!;
    // h - a is exact (Sterbenz); the remainder needs only ~53 bits, so 1/10^k rounded will do
    // (relative error of q1 + q2 below 2^-101)
    const q2 = (h - a - ae + l) * POW10_INV[k]!;
    const eps = Math.abs(q1) * 1.262177448353619e-29; // 2^-96
    const v = q1 + (q2 - eps);
    DECIMAL[0] = v;
    return v === q1 + (q2 + eps) ? 1 : 0;
  }
  if (e10 < -44 || e10 > 44) return 0;
  // D = hi · 10^nlo + lo exactly as h + l (D < 10^30: every error term is an integer below 2^53).
  let h = hi;
  let l = 0;
  if (nlo > 0) {
    const b = POW10[nlo]!;
    const p = h * b;
    const pe = twoProductError(h, b, p);
    const sum = p + lo;
    const bv = sum - p;
    const se = p - (sum - bv) + (lo - bv);
    const t = pe + se;
    h = sum + t;
    l = t - (h - sum);
  }
  while (e10 !== 0) {
    if (e10 > 0) {
      const k = e10 > 22 ? 22 : e10;
      e10 -= k;
      const b = POW10[k]!;
      const p = h * b;
      const t = twoProductError(h, b, p) + l * b;
      h = p + t;
      l = t - (h - p);
    } else {
      const k = e10 < -22 ? 22 : -e10;
      e10 += k;
      const b = POW10[k]!;
      const q1 = h / b;
      const a = q1 * b;
      const r = h - a - twoProductError(q1, b, a) + l; // h - a is exact (Sterbenz)
      const q2 = r / b;
      h = q1 + q2;
      l = q2 - (h - q1);
    }
  }
  const eps = Math.abs(h) * 1.262177448353619e-29; // 2^-96
  const v = h + (l - eps);
  DECIMAL[0] = v;
  return v === h + (l + eps) ? 1 : 0;
}

/** The rounding error a*b - p of p = fl(a*b), exactly (Dekker; no FMA in JavaScript). */
function twoProductError(a: number, b: number, p: number): number {
  let t = 134217729 * a; // 2^27 + 1
  const ah = t - (t - a);
  const al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Output slot of classifyNumeric (avoids allocating a result object per cell). `grouped` is
 * set with K_THOUSANDS: true if the value cannot be a decimal comma (two or more separators,
 * or a decimal point as well).
 */
export const parsed = { value: 0, grouped: false };

/**
 * The text of a field: surrounding spaces/tabs stripped, UTF-8 decoded, doubled quotes
 * unescaped. `s`/`e` are the content range (inside the quotes for a quoted field).
 */
export function fieldText(buf: Buffer, s: number, e: number, flags: number): string {
  let c = 0;
  while (s < e && ((c = buf[s]!) === 32 || c === 9)) s++;
  while (e > s && ((c = buf[e - 1]!) === 32 || c === 9)) e--;
  if (s === e) return '';
  const v = buf.toString('utf8', s, e);
  return (flags & F_ESCAPED) !== 0 ? v.replaceAll('""', '"') : v;
}

/**
 * Classifies a field for a numeric column: K_NUMBER or K_THOUSANDS (value in `parsed.value`),
 * K_MISSING, K_INF (an infinite token, or a literal that overflows to ±Infinity) or K_BAD
 * (not a number: the column is text).
 *
 * Accepted numbers: optional sign, digits with an optional decimal point (`1`, `1.`, `.5`,
 * `1.5`), optional exponent (`1e5`, `1E-3`), surrounding spaces; and numbers with thousands
 * separators (`"1,234.5"`), reported as K_THOUSANDS (see THOUSANDS). The value is exactly JS
 * `Number(token)`: numbers with at most 15 digits and a decimal exponent within ±22 are
 * computed with one correctly rounded multiplication or division of exact doubles (Clinger's
 * fast path), up to 30 significant digits with exactDecimal, and only the rest (and exact
 * ties) go through Number().
 */
export function classifyNumeric(buf: Buffer, s: number, e: number, flags: number): number {
  if (s === e) return K_MISSING;
  let p = s;
  let c = buf[p]!;
  let neg = false;
  if (c === 45) {
    neg = true;
    p++;
  } else if (c === 43) {
    p++;
  }
  const d0 = p;
  let m = 0;
  for (; p < e; p++) {
    c = buf[p]!;
    if (c < 48 || c > 57) break;
    m = m * 10 + (c - 48);
  }
  let nd = p - d0;
  // an integer with leading zeros ("000001", "0123") is a code: the column stays text
  if (p === e && nd > 1 && buf[d0] === 48) return K_BAD;
  if (p === e && nd > 0 && nd <= 15) {
    parsed.value = neg ? -m : m; // Number("-0") is -0 too
    return K_NUMBER;
  }
  let frac = 0;
  if (p < e && c === 46) {
    const f0 = ++p;
    for (; p < e; p++) {
      c = buf[p]!;
      if (c < 48 || c > 57) break;
      m = m * 10 + (c - 48);
    }
    frac = p - f0;
    nd += frac;
  }
  if (nd === 0) return classifySlow(buf, s, e, flags);
  const mEnd = p;
  let exp = 0;
  if (p < e && (c === 101 || c === 69)) {
    p++;
    let eneg = false;
    if (p < e) {
      c = buf[p]!;
      if (c === 45 || c === 43) {
        eneg = c === 45;
        p++;
      }
    }
    const e0 = p;
    for (; p < e; p++) {
      c = buf[p]!;
      if (c < 48 || c > 57) break;
      if (exp < 100000) exp = exp * 10 + (c - 48);
    }
    if (p === e0) return K_BAD; // "1e", "2E+"
    if (eneg) exp = -exp;
  }
  if (p !== e) return classifySlow(buf, s, e, flags);
  const e10 = exp - frac;
  if (nd <= 15 && e10 >= -22 && e10 <= 22) {
    const v = e10 < 0 ? m / POW10[-e10]! : m * POW10[e10]!;
    parsed.value = neg ? -v : v;
    return K_NUMBER;
  }
  // More than 15 significant digits: only Number() rounds exactly. The scan needs just the kind,
  // and a literal this short cannot overflow, so it skips the string round trip.
  if ((flags & F_CHECK_ONLY) !== 0 && e10 + nd < 300) return K_NUMBER;
  const x = exactDecimal(buf, d0, mEnd, exp);
  if (x === x) {
    parsed.value = neg ? -x : x;
    return K_NUMBER;
  }
  const v = Number(buf.toString('latin1', s, e));
  if (v === Infinity || v === -Infinity) return K_INF;
  parsed.value = v;
  return K_NUMBER;
}

/** Fields with surrounding spaces, or that are not plain numbers. */
function classifySlow(buf: Buffer, s: number, e: number, flags: number): number {
  let c = 0;
  const s0 = s;
  const e0 = e;
  while (s < e && ((c = buf[s]!) === 32 || c === 9)) s++;
  while (e > s && ((c = buf[e - 1]!) === 32 || c === 9)) e--;
  if (s !== s0 || e !== e0) return classifyNumeric(buf, s, e, flags);
  return special(buf, s, e, flags);
}

/** Slow path for anything that is not a plain number: missing/infinite tokens, "1,234". */
function special(buf: Buffer, s: number, e: number, flags: number): number {
  // All tokens are ASCII, so a latin1 view is enough to compare (non-ASCII never matches).
  const v = buf.toString('latin1', s, e);
  if (MISSING_SET.has(v)) return K_MISSING;
  if (INF_SET.has(v)) return K_INF;
  if ((flags & (F_QUOTED | F_SEP_OK)) !== 0 && (flags & F_ESCAPED) === 0 && THOUSANDS.test(v)) {
    parsed.value = Number(v.replaceAll(',', ''));
    parsed.grouped = v.indexOf(',') !== v.lastIndexOf(',') || v.includes('.');
    return K_THOUSANDS;
  }
  return K_BAD;
}

/**
 * Hash table from a text value's UTF-8 bytes to an integer, so that text cells are looked up
 * without creating a string per cell. Keys are the final value bytes: trimmed, and with
 * doubled quotes unescaped (escaped fields are unescaped into a scratch buffer first).
 */
export class LevelTable {
  private slots = new Int32Array(1024); // entry index + 1, 0 = empty
  private hashes = new Int32Array(256);
  private offs = new Int32Array(256);
  private lens = new Int32Array(256);
  private vals = new Int32Array(256);
  private arena = Buffer.allocUnsafe(4096);
  private arenaLen = 0;
  private scratch = Buffer.allocUnsafe(256);
  /** Key of the last `find` (for `insertLast`). */
  private lastBuf: Buffer = this.scratch;
  private lastS = 0;
  private lastE = 0;
  private lastHash = 0;
  count = 0;

  /** Entries for the missing tokens, mapped to -1. */
  addMissingTokens(): void {
    for (const t of MISSING_TOKENS) {
      if (t === '') continue;
      const b = Buffer.from(t, 'latin1');
      this.insertKey(b, 0, b.length, hashBytes(b, 0, b.length), -1);
    }
  }

  /** Adds a string key (used to load sorted levels in pass 2). */
  addString(key: string, value: number): void {
    const b = Buffer.from(key, 'utf8');
    this.insertKey(b, 0, b.length, hashBytes(b, 0, b.length), value);
  }

  /**
   * Looks up a field (raw content range and tokenizer flags). Returns the entry index, or
   * -1 when absent; `lastKey*` describe the key bytes so that `insertLast` can add it.
   * An empty (after trimming) field returns -2.
   */
  find(buf: Buffer, s: number, e: number, flags: number): number {
    let c = 0;
    while (s < e && ((c = buf[s]!) === 32 || c === 9)) s++;
    while (e > s && ((c = buf[e - 1]!) === 32 || c === 9)) e--;
    if (s === e) return -2;
    if ((flags & F_ESCAPED) !== 0) {
      const n = this.unescape(buf, s, e);
      buf = this.scratch;
      s = 0;
      e = n;
    }
    const h = hashBytes(buf, s, e);
    this.lastBuf = buf;
    this.lastS = s;
    this.lastE = e;
    this.lastHash = h;
    const mask = this.slots.length - 1;
    const len = e - s;
    const arena = this.arena;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      const k = slot - 1;
      if (this.hashes[k] === h && this.lens[k] === len) {
        const o = this.offs[k]!;
        let j = 0;
        while (j < len && arena[o + j] === buf[s + j]) j++;
        if (j === len) return k;
      }
    }
  }

  /** Inserts the key of the last unsuccessful `find`; returns its entry index. */
  insertLast(value: number): number {
    return this.insertKey(this.lastBuf, this.lastS, this.lastE, this.lastHash, value);
  }

  value(entry: number): number {
    return this.vals[entry]!;
  }

  /** The key of an entry as a string. */
  key(entry: number): string {
    const o = this.offs[entry]!;
    return this.arena.toString('utf8', o, o + this.lens[entry]!);
  }

  private unescape(buf: Buffer, s: number, e: number): number {
    if (this.scratch.length < e - s) this.scratch = Buffer.allocUnsafe(2 * (e - s));
    const out = this.scratch;
    let n = 0;
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      out[n++] = c;
      if (c === 34 && buf[i + 1] === 34) i++;
    }
    return n;
  }

  private insertKey(buf: Buffer, s: number, e: number, h: number, value: number): number {
    const k = this.count;
    if (k === this.hashes.length) {
      const n = k * 2;
      this.hashes = grow32(this.hashes, n);
      this.offs = grow32(this.offs, n);
      this.lens = grow32(this.lens, n);
      this.vals = grow32(this.vals, n);
    }
    const len = e - s;
    if (this.arenaLen + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaLen + len));
      this.arena.copy(bigger, 0, 0, this.arenaLen);
      this.arena = bigger;
    }
    buf.copy(this.arena, this.arenaLen, s, e);
    this.hashes[k] = h;
    this.offs[k] = this.arenaLen;
    this.lens[k] = len;
    this.vals[k] = value;
    this.arenaLen += len;
    this.count = k + 1;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(k);
    return k;
  }

  private place(k: number): void {
    const mask = this.slots.length - 1;
    let i = this.hashes[k]! & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = k + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let k = 0; k < this.count; k++) this.place(k);
  }
}

function grow32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** FNV-1a over buf[s, e). */
function hashBytes(buf: Buffer, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}
