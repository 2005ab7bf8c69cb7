// CSV reader (scanCsv + readCsv) under mutated text files built from test/fixtures/csv.
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv, scanCsv } from '../../src/store/import/csv.js';
import { cap, mutateBytes, offsetsOf } from './mutate.js';
import { type FuzzInput, type Target, Violation, checkAppError } from './property.js';
import type { Rng } from './prng.js';

const corpus: Buffer[] = [];

/** Synthetic seeds for what the fixtures lack: missing tokens, exponents, codes, ragged quotes. */
const SEEDS = [
  'id,year,x,name\n1,2001,1.5,北京\n1,2002,NA,上海\n2,2001,-3e5,"a ""b"""\n2,2002,.,\n',
  'a;b;c\r\n"1,5";2;x\r\n"1.234,5";3;\r\n',
  'code\tvalue\n000123\t1\n000456\tInf\n',
  'x\n1\n2\n3',
  '"only header"\n',
];

const ENCODINGS = ['utf-8', 'gbk', 'utf-16le', 'utf-16be', 'gb18030'];
const DELIMS = [',', ';', '\t'] as const;

/** Byte sequences readers trip over: invalid UTF-8, encoded lone surrogates, BOMs, NUL, odd UTF-16. */
const NASTY = [
  [0xed, 0xa0, 0x80], // UTF-8 encoding of the lone surrogate U+D800 (CESU)
  [0xed, 0xbf, 0xbf],
  [0xc0, 0x80], // overlong NUL
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xe4, 0xb8], // cut character
  [0xef, 0xbb, 0xbf], // BOM in the middle
  [0xff, 0xfe],
  [0xfe, 0xff],
  [0x00],
  [0x81, 0x30], // cut GB18030 four-byte sequence
  [0xa1, 0xa1, 0x81, 0x39, 0xee, 0x39],
  [0x22],
  [0x0d],
  [0x22, 0x0a, 0x22],
].map((b) => Buffer.from(b));

function structural(r: Rng, b: Buffer): { out: Buffer; how: string } {
  switch (r.int(7)) {
    case 0: {
      // a huge field (or a field repeated into a huge record)
      const field = r.chance(0.5) ? '9'.repeat(r.range(16, 400)) : 'x'.repeat(r.range(1000, 300_000));
      const p = r.int(b.length + 1);
      return { out: cap(Buffer.concat([b.subarray(0, p), Buffer.from(field), b.subarray(p)])), how: 'hugeField' };
    }
    case 1: {
      // many columns in one row (header or data)
      const n = r.range(100, 30_000);
      const row = Buffer.from(Array.from({ length: n }, (_, i) => (r.chance(0.5) ? String(i) : '')).join(',') + '\n');
      const nl = b.indexOf(10);
      const p = nl < 0 || r.chance(0.3) ? 0 : nl + 1;
      return { out: cap(Buffer.concat([b.subarray(0, p), row, b.subarray(p)])), how: 'wideRow' };
    }
    case 2: {
      const p = r.int(b.length + 1);
      return { out: Buffer.concat([b.subarray(0, p), r.pick(NASTY), b.subarray(p)]), how: 'nastyBytes' };
    }
    case 3: {
      // UTF-16 text: every byte doubled with NUL (LE/BE), with or without BOM, maybe an odd length
      const le = r.chance(0.5);
      const out = Buffer.alloc(b.length * 2 + 2);
      out[0] = le ? 0xff : 0xfe;
      out[1] = le ? 0xfe : 0xff;
      for (let i = 0; i < b.length; i++) out[2 + 2 * i + (le ? 0 : 1)] = b[i]!;
      const start = r.chance(0.3) ? 2 : 0;
      return { out: out.subarray(start, out.length - (r.chance(0.3) ? 1 : 0)), how: 'utf16' };
    }
    case 4: {
      // many rows: the record duplicated past the 1 MB chunk boundary
      const nl = b.indexOf(10);
      const row = nl < 0 ? b : b.subarray(nl + 1);
      const times = r.range(2, 50_000);
      const body = Buffer.alloc(Math.min(1 << 20, row.length * times)).fill(row.length ? row : Buffer.from('1\n'));
      return { out: cap(Buffer.concat([nl < 0 ? Buffer.alloc(0) : b.subarray(0, nl + 1), body])), how: 'manyRows' };
    }
    case 5:
      return { out: Buffer.alloc(r.range(0, 3)).fill(r.pick([0x0a, 0x0d, 0x2c, 0x22, 0x20])), how: 'tinyFile' };
    default: {
      // unterminated quote opened at a field start
      const p = r.pick([0, ...offsetsOf(b, [',', '\n'], 64).map((x) => x + 1)]);
      return { out: Buffer.concat([b.subarray(0, p), Buffer.from('"'), b.subarray(p)]), how: 'openQuote' };
    }
  }
}

export const csvTarget: Target = {
  name: 'csv',
  setup(fixtures) {
    const dir = join(fixtures, 'csv');
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.csv')) corpus.push(readFileSync(join(dir, f)));
    for (const s of SEEDS) corpus.push(Buffer.from(s));
  },
  generate(r): FuzzInput {
    let b = r.pick(corpus);
    const how: string[] = [];
    if (r.chance(0.5)) {
      const s = structural(r, b);
      b = s.out;
      how.push(s.how);
    }
    if (r.chance(0.7) || how.length === 0) {
      const m = mutateBytes(r, b, offsetsOf(b, [',', ';', '\t', '\n', '\r', '"'], 256));
      b = m.out;
      how.push(...m.how);
    }
    const options: FuzzInput['options'] = {};
    if (r.chance(0.15)) options.encoding = r.pick(ENCODINGS);
    if (r.chance(0.15)) options.delimiter = r.pick(DELIMS);
    if (r.chance(0.2)) options.blockRows = r.range(1, 5);
    return { bytes: b, options, how };
  },
  async run(input, dir) {
    const path = join(dir, 'fuzz.csv');
    writeFileSync(path, input.bytes);
    const o = input.options;
    let scan;
    try {
      scan = await scanCsv(path, {
        ...(typeof o.encoding === 'string' ? { encoding: o.encoding } : {}),
        ...(typeof o.delimiter === 'string' ? { delimiter: o.delimiter as ',' | ';' | '\t' } : {}),
      });
    } catch (err) {
      checkAppError(err, 'fuzz.csv');
      return false;
    }
    const names = scan.columns.map((c) => c.name);
    if (names.some((n) => n === '') || new Set(names).size !== names.length) throw new Violation(`column names empty or not unique: ${JSON.stringify(names.slice(0, 20))}`);
    if (!Number.isSafeInteger(scan.nrows) || scan.nrows < 0) throw new Violation(`nrows ${scan.nrows}`);
    let rows = 0;
    const missing = new Array<number>(scan.columns.length).fill(0);
    try {
      await readCsv(
        scan,
        (block) => {
          if (block.offset !== rows) throw new Violation(`block at ${block.offset}, expected ${rows}`);
          block.columns.forEach((a, c) => {
            const col = scan.columns[c]!;
            if (a.length !== block.length) throw new Violation(`column ${c} block of ${a.length} for ${block.length} rows`);
            if (col.kind === 'numeric') {
              if (!(a instanceof Float64Array)) throw new Violation(`numeric column ${c} is not Float64Array`);
              for (const v of a) if (Number.isNaN(v)) missing[c]!++;
            } else {
              if (!(a instanceof Int32Array)) throw new Violation(`text column ${c} is not Int32Array`);
              const n = col.levels?.length ?? 0;
              for (const k of a) {
                if (k < -1 || k >= n) throw new Violation(`text column ${c} has code ${k} outside ${n} levels`);
                if (k === -1) missing[c]!++;
              }
            }
          });
          rows += block.length;
        },
        { blockRows: typeof o.blockRows === 'number' ? o.blockRows : 65536 },
      );
    } catch (err) {
      if (err instanceof Violation) throw err;
      // The file did not change between the passes: any error in pass 2 is a reader defect.
      throw new Violation(`pass 2 failed after a successful scan: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    if (rows !== scan.nrows) throw new Violation(`read ${rows} rows, scan said ${scan.nrows}`);
    scan.columns.forEach((c, i) => {
      if (c.missing !== missing[i]) throw new Violation(`column ${i} ("${c.name}"): scan says ${c.missing} missing, pass 2 gave ${missing[i]}`);
    });
    return true;
  },
};
