// A dictionary from doubles to dense ids 0, 1, 2, … in order of insertion, for key matching.
// Integer keys in a moderate range (years, codes, panel ids, the cells of a composite key: the
// usual case) use a direct lookup array indexed by value; others an open-addressing hash on the
// value's bits (a JS Map of numbers is ≈10× slower at 10⁵ keys; see data.ts). Keys must be finite;
// −0 and 0 are one key. Whole-array loops run per CHUNK in small functions (see data.ts).
import { hashSlot } from '../data.js';

const CHUNK = 4096;
const DIRECT_SPAN = 1 << 20;

export const ABSENT = -2;


export class NumberTable {
  size = 0;
  /** Direct mode: ids by value − min over [min, min + span); null in hash mode. */
  private direct: Int32Array | null = null;
  private min = 0;
  private span = 0;
  private keys = new Float64Array(0);
  private slots = new Int32Array(0);
  /** The key of each id (for messages and level tables). */
  values: number[] = [];

  /**
   * A table suited to the finite values of these arrays (the ones that will be inserted): direct
   * when they are integers spanning at most max(2²⁰, 4 × count) values.
   */
  constructor(inserted: readonly Float64Array[], capacityHint = 1024) {
    let min = Infinity;
    let max = -Infinity;
    let integral = true;
    let count = 0;
    for (const v of inserted) {
      const r = rangeOf(v);
      min = Math.min(min, r.min);
      max = Math.max(max, r.max);
      integral &&= r.integral;
      count += v.length;
    }
    const span = max - min + 1;
    if (integral && span <= Math.max(DIRECT_SPAN, 4 * count)) {
      this.direct = new Int32Array(Math.max(0, span)).fill(-1);
      this.min = min === Infinity ? 0 : min;
      this.span = Math.max(0, span);
    } else {
      let size = 1024;
      while (size < 2 * capacityHint) size *= 2;
      this.keys = new Float64Array(size);
      this.slots = new Int32Array(size).fill(-1);
    }
  }

  /** Id of x, adding it if new (x finite). */
  add(x: number): number {
    const v = x + 0;
    if (this.direct) {
      const s = v - this.min;
      if (s >= 0 && s < this.span && s === Math.floor(s)) {
        let id = this.direct[s];
        if (id < 0) {
          id = this.direct[s] = this.size++;
          this.values.push(v);
        }
        return id;
      }
      // a value outside the planned integers: move everything to a hash and continue there
      this.toHash();
    }
    return this.addHashed(v);
  }

  /** Id of x, or ABSENT. */
  get(x: number): number {
    const v = x + 0;
    if (this.direct) {
      const s = v - this.min;
      return s >= 0 && s < this.span ? (this.direct[s] >= 0 ? this.direct[s] : ABSENT) : ABSENT;
    }
    const mask = this.slots.length - 1;
    let s = hashSlot(v, mask);
    for (;;) {
      const id = this.slots[s];
      if (id < 0) return ABSENT;
      if (this.keys[s] === v) return id;
      s = (s + 1) & mask;
    }
  }

  /** Ids of the finite values (−1 for NaN and ±∞), adding new ones or (insert = false) giving ABSENT. */
  mapAll(values: Float64Array, out: Int32Array, insert: boolean): void {
    for (let i0 = 0; i0 < values.length; i0 += CHUNK) {
      const i1 = Math.min(values.length, i0 + CHUNK);
      if (this.direct && !insert) this.directGetChunk(values, out, i0, i1);
      else this.mapChunk(values, out, i0, i1, insert);
    }
  }

  private directGetChunk(values: Float64Array, out: Int32Array, i0: number, i1: number): void {
    const table = this.direct as Int32Array;
    const min = this.min;
    const span = this.span;
    for (let i = i0; i < i1; i++) {
      const x = values[i];
      if (x - x !== 0) {
        out[i] = -1;
        continue;
      }
      const s = x - min;
      // s is an integer in range only when x is one of the table's integers
      out[i] = s >= 0 && s < span && s === Math.floor(s) && table[s] >= 0 ? table[s] : ABSENT;
    }
  }

  private mapChunk(values: Float64Array, out: Int32Array, i0: number, i1: number, insert: boolean): void {
    for (let i = i0; i < i1; i++) {
      const x = values[i];
      out[i] = x - x !== 0 ? -1 : insert ? this.add(x) : this.getChecked(x);
    }
  }

  private getChecked(x: number): number {
    if (this.direct && x !== Math.floor(x)) return ABSENT;
    return this.get(x);
  }

  private addHashed(v: number): number {
    const mask = this.slots.length - 1;
    let s = hashSlot(v, mask);
    for (;;) {
      const id = this.slots[s];
      if (id < 0) break;
      if (this.keys[s] === v) return id;
      s = (s + 1) & mask;
    }
    const id = this.size++;
    this.keys[s] = v;
    this.slots[s] = id;
    this.values.push(v);
    if (2 * this.size > this.slots.length) this.rehash(this.slots.length * 2);
    return id;
  }

  private toHash(): void {
    this.direct = null;
    let size = 1024;
    while (size < 4 * this.size) size *= 2;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(-1);
    this.values.forEach((v, id) => this.place(v, id));
  }

  private rehash(size: number): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(-1);
    for (let t = 0; t < oldSlots.length; t++) if (oldSlots[t] >= 0) this.place(oldKeys[t], oldSlots[t]);
  }

  private place(v: number, id: number): void {
    const mask = this.slots.length - 1;
    let s = hashSlot(v, mask);
    while (this.slots[s] >= 0) s = (s + 1) & mask;
    this.keys[s] = v;
    this.slots[s] = id;
  }
}

/** Range of the finite values and whether they are all integers. */
function rangeOf(v: Float64Array): { min: number; max: number; integral: boolean } {
  const acc = new Float64Array([Infinity, -Infinity, 0]);
  for (let i0 = 0; i0 < v.length; i0 += CHUNK) rangeChunk(v, i0, Math.min(v.length, i0 + CHUNK), acc);
  return { min: acc[0], max: acc[1], integral: acc[2] === 0 };
}

function rangeChunk(v: Float64Array, i0: number, i1: number, acc: Float64Array): void {
  let min = acc[0];
  let max = acc[1];
  let frac = 0;
  for (let i = i0; i < i1; i++) {
    const x = v[i];
    if (x - x !== 0) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    frac += x - Math.floor(x);
  }
  acc[0] = min;
  acc[1] = max;
  acc[2] += frac;
}
