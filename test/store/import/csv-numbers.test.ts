// Numbers in CSV cells must be exactly what Number() gives for the literal, whichever path reads
// them: the tokenizer's inline fast path, classifyNumeric, or exactDecimal (16–30 significant
// digits in double-double arithmetic). Checked against Number() on shortest round-trip output,
// fixed and exponent forms, random digit strings, and exact rounding midpoints.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { K_NUMBER, classifyNumeric, exactDecimal, parsed } from '../../../src/store/import/csv-fields.js';
import { readCsv, scanCsv } from '../../../src/store/import/csv.js';
import { mulberry32 as rng } from '../../../src/engine/psm/random.js';


/** A random double of varied magnitude (1e-30 … 1e30) and sign. */
function randomDouble(u: () => number): number {
  const mag = Math.pow(10, Math.floor(u() * 60) - 30);
  return (u() < 0.5 ? -1 : 1) * u() * mag;
}

/** Literals whose value must be read exactly: every form a statistics package writes. */
function literals(count: number, seed: number): string[] {
  const u = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const x = randomDouble(u);
    out.push(String(x));
    out.push(x.toPrecision(1 + Math.floor(u() * 21)));
    out.push(x.toExponential(Math.floor(u() * 20)));
    if (Math.abs(x) < 1e15) out.push(x.toFixed(Math.floor(u() * 20)));
    // random digit strings with 16–22 digits and a random decimal point
    const n = 16 + Math.floor(u() * 7);
    let d = String(1 + Math.floor(u() * 9)); // no leading zero: "0123" is a code, not a number
    for (let k = 1; k < n; k++) d += String(Math.floor(u() * 10));
    const dot = Math.floor(u() * (n + 1));
    out.push(`${d.slice(0, dot)}.${d.slice(dot)}`.replace(/^\./, '0.').replace(/\.$/, ''));
  }
  return out;
}

/**
 * Exact decimal midpoints between adjacent doubles with ≤ 19 significant digits (integers above
 * 2^53, where the spacing is even), and their neighbours one unit away: ties round to even.
 */
function midpoints(): string[] {
  const out: string[] = [];
  for (let e = 53; e <= 63; e++) {
    const base = 2n ** BigInt(e);
    const half = 2n ** BigInt(e - 53); // half the spacing of doubles at 2^e
    for (const k of [0n, 1n, 2n, 3n, 12345n, 999999n]) {
      const mid = base + (2n * k + 1n) * half;
      for (const d of [-1n, 0n, 1n]) {
        const v = (mid + d).toString();
        if (v.length <= 19) {
          out.push(v);
          out.push(`${v.slice(0, 5)}.${v.slice(5)}`); // the same digits scaled down
          out.push(`0.${v}`);
        }
      }
    }
  }
  out.push('9007199254740993', '9007199254740995', '9007199254740992.5', '0.30000000000000004', '0.1', '2.2250738585072014e-308', '1.7976931348623157e308');
  return out;
}

function viaClassify(lit: string): number {
  const b = Buffer.from(lit, 'latin1');
  const k = classifyNumeric(b, 0, b.length, 0);
  expect(k, lit).toBe(K_NUMBER);
  return parsed.value;
}

describe('exactDecimal', () => {
  it('equals Number() or declines (NaN), on random literals and midpoints', () => {
    let declined = 0;
    let total = 0;
    const wrong: string[] = [];
    for (const lit of [...literals(20_000, 7), ...midpoints()]) {
      const m = /^-?(\d*\.?\d*)(?:e([+-]?\d+))?$/.exec(lit);
      if (!m) continue;
      const mant = m[1]!;
      const b = Buffer.from(mant, 'latin1');
      const v = exactDecimal(b, 0, b.length, m[2] === undefined ? 0 : Number(m[2]));
      total++;
      if (Number.isNaN(v)) {
        declined++;
        continue;
      }
      if (!Object.is(v, Number(mant + (m[2] === undefined ? '' : `e${m[2]}`)))) wrong.push(lit);
    }
    expect(wrong).toEqual([]);
    // it declines only literals it is not built for (over 19 digits, far exponents) and ties
    expect(total).toBeGreaterThan(90_000);
    expect(declined / total).toBeLessThan(0.35);
  });

  it('declines exact ties, which Number() rounds to even', () => {
    const tie = Buffer.from('9007199254740993');
    expect(exactDecimal(tie, 0, tie.length, 0)).toBeNaN();
    expect(viaClassify('9007199254740993')).toBe(9007199254740992);
    expect(viaClassify('9007199254740995')).toBe(9007199254740996);
  });
});

describe('classifyNumeric', () => {
  it('gives Number(literal) for every literal form', () => {
    const wrong: string[] = [];
    for (const lit of [...literals(5_000, 11), ...midpoints()]) {
      const b = Buffer.from(lit, 'latin1');
      if (classifyNumeric(b, 0, b.length, 0) !== K_NUMBER || !Object.is(parsed.value, Number(lit))) wrong.push(lit);
    }
    expect(wrong).toEqual([]);
    expect(Object.is(viaClassify('-0.00000000000000000000'), -0)).toBe(true);
    expect(viaClassify('+.5')).toBe(0.5);
    expect(viaClassify('1.')).toBe(1);
  });
});

describe('CSV cells', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-csvnum-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('read exactly as Number() through the tokenizer, quoted or not', async () => {
    const lits = [...literals(3_000, 3), ...midpoints()];
    const path = join(dir, 'numbers.csv');
    writeFileSync(path, `a,b\n${lits.map((l) => `${l},"${l}"`).join('\n')}\n`);
    const scan = await scanCsv(path);
    expect(scan.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric']);
    const a: number[] = [];
    const b: number[] = [];
    await readCsv(scan, (blk) => {
      a.push(...(blk.columns[0] as Float64Array));
      b.push(...(blk.columns[1] as Float64Array));
    });
    expect(lits.filter((l, i) => !Object.is(a[i], Number(l)) || !Object.is(b[i], Number(l)))).toEqual([]);
  });
});
