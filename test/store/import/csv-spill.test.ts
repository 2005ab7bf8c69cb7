// The one-pass import (scanCsvValues: the scan keeps the values in a temporary file) must give
// exactly what the two passes give (scanCsv, then readCsv): the same scan, the same values bit
// for bit, in the same blocks; and no values (so that the import reads the file again) exactly
// when the scan cannot know them: a column that turns text after numbers, or thousands
// separators that may be decimal commas.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv, scanCsv, scanCsvValues, type CsvOptions } from '../../../src/store/import/csv.js';
import { AppError } from '../../../src/shared/errors.js';
import { importFile } from '../../../src/store/import/import-file.js';
import { ProjectStore } from '../../../src/store/project.js';
import { mutateBytes, offsetsOf } from '../../fuzz/mutate.js';
import { rng } from '../../fuzz/prng.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));

let dir = '';
let seq = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ps-csv-spill-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const sub = join(dir, String(++seq));
  mkdirSync(sub);
  const p = join(sub, name);
  writeFileSync(p, content);
  return p;
}

/** Values of every block, flattened per column, and the block boundaries. */
interface Read {
  bounds: [number, number][];
  columns: number[][];
}

function collect(): { read: Read; onBlock: (b: { offset: number; length: number; columns: (Float64Array | Int32Array)[] }) => void } {
  const read: Read = { bounds: [], columns: [] };
  return {
    read,
    onBlock: (b) => {
      read.bounds.push([b.offset, b.length]);
      b.columns.forEach((a, c) => {
        if (a.length !== b.length) throw new Error(`column ${c} has ${a.length} values in a block of ${b.length}`);
        const col = (read.columns[c] ??= []);
        for (const v of a) col.push(v);
      });
    },
  };
}

/** Both ways; returns whether the values came from the scan. */
async function compare(path: string, opts: CsvOptions & { blockRows?: number } = {}): Promise<boolean> {
  let twoPassError: unknown = null;
  let scan = null;
  const two = collect();
  try {
    scan = await scanCsv(path, opts);
    await readCsv(scan, two.onBlock, opts);
  } catch (err) {
    twoPassError = err;
  }
  let onePassError: unknown = null;
  const one = collect();
  let fromScan = false;
  try {
    const r = await scanCsvValues(path, opts);
    try {
      expect(r.scan).toEqual(scan);
      if (r.values !== null) {
        fromScan = true;
        await r.values.read(one.onBlock);
      } else {
        await readCsv(r.scan, one.onBlock, opts);
      }
    } finally {
      await r.values?.dispose();
    }
  } catch (err) {
    onePassError = err;
  }
  if (twoPassError !== null || onePassError !== null) {
    expect(onePassError).toBeInstanceOf(AppError);
    expect((onePassError as AppError).message).toBe((twoPassError as AppError).message);
    return false;
  }
  expect(one.read.bounds).toEqual(two.read.bounds);
  expect(one.read.columns.length).toBe(two.read.columns.length);
  const wrong: string[] = [];
  one.read.columns.forEach((col, c) => {
    const other = two.read.columns[c]!;
    const i = col.findIndex((v, r) => !Object.is(v, other[r]));
    if (i >= 0 || col.length !== other.length) wrong.push(`column ${c}, row ${i}`);
  });
  expect(wrong).toEqual([]);
  return fromScan;
}

describe('scanCsvValues', () => {
  it('equals scanCsv + readCsv on the fixtures, with the values from the scan where it can', async () => {
    for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('.csv'))) {
      for (const blockRows of [1, 2, 65536]) {
        const fromScan = await compare(join(FIXTURES, f), { blockRows });
        // thousands.csv (semicolons) has a column of "1,234" that may be decimal commas
        expect(fromScan, f).toBe(f !== 'thousands.csv');
      }
    }
  });

  it('keeps text levels in sorted order, missing cells, codes and numbers exactly', async () => {
    const lines = ['id,name,code,x,late'];
    const names = ['张三', 'Zoë', 'abc', 'ABC', 'a"b', 'x,y', 'line\nbreak', ' padded '];
    for (let i = 0; i < 500; i++) {
      const nm = names[(i * 7) % names.length]!;
      const quoted = `"${nm.replaceAll('"', '""')}"`;
      const x = i % 11 === 0 ? 'NA' : i % 13 === 0 ? '' : String(Math.sin(i) * 10 ** ((i % 7) - 3));
      const late = i < 300 ? (i % 2 === 0 ? 'NA' : '.') : `t${i % 5}`; // text after missing cells only
      lines.push(`${i},${quoted},${String(i % 17).padStart(4, '0')},${x},${late}`);
    }
    for (const blockRows of [1, 3, 64, 65536]) {
      expect(await compare(file('mixed.csv', `${lines.join('\r\n')}\r\n`), { blockRows })).toBe(true);
    }
  });

  it('has no values, and the import reads the text again, when a column turns text after numbers', async () => {
    const p = file('flip.csv', 'a,b\n1,2\n3,x\n5,6\n');
    expect(await compare(p, { blockRows: 2 })).toBe(false);
    const r = await scanCsvValues(p);
    expect(r.values).toBeNull();
    expect(r.scan.columns[1]).toEqual({ name: 'b', kind: 'text', levels: ['2', '6', 'x'], missing: 0 });
  });

  it('has no values for thousands separators that may be decimal commas', async () => {
    const p = file('semi.csv', 'a;b\n1;"1,234"\n2;"2,345"\n');
    expect(await compare(p)).toBe(false);
    // settled by a grouped value: numeric, from the scan
    expect(await compare(file('semi2.csv', 'a;b\n1;"1,234"\n2;"1,234,567"\n'))).toBe(true);
  });

  it('starts over as GB18030 when GBK text first appears after an ASCII-only first megabyte', async () => {
    const rows: string[] = ['id,name,x'];
    for (let i = 0, len = 0; len < 1_200_000; i++) {
      rows.push(`${i},abc,${i / 7}`);
      len += rows[i + 1]!.length + 1;
    }
    const n = rows.length - 1;
    const gbk = Buffer.from([0xb1, 0xb1, 0xbe, 0xa9]); // 北京 in GBK
    const p = file('late.csv', Buffer.concat([Buffer.from(`${rows.join('\n')}\n${n},`), gbk, Buffer.from(',1\n')]));
    expect(await compare(p, { blockRows: 10_000 })).toBe(true);
    const r = await scanCsvValues(p);
    await r.values?.dispose();
    expect(r.scan.encoding).toBe('gb18030');
    expect(r.scan.columns[1]!.levels).toEqual(['abc', '北京']);
  });

  it('keeps little memory for wide files: 30,000 columns without rows, 3,000 columns growing into blocks', async () => {
    // a block of arrays per column up front would be 30,000 × 512 KB (found by the fuzz campaign)
    const header = Array.from({ length: 30_000 }, (_, i) => `v${i}`).join(',');
    expect(await compare(file('wide0.csv', `${header}\n`))).toBe(true);
    expect(await compare(file('wide3.csv', `${header}\n${'1,'.repeat(29_999)}x\n${'2,'.repeat(29_999)}y\n${','.repeat(29_999)}z\n`))).toBe(true);
    const cols = 3000;
    const lines = [Array.from({ length: cols }, (_, i) => `c${i}`).join(',')];
    for (let r = 0; r < 800; r++) lines.push(Array.from({ length: cols }, (_, c) => (c % 7 === 0 ? `t${(r * c) % 5}` : String((r * cols + c) / 8))).join(','));
    for (const blockRows of [500, 65536]) expect(await compare(file('wide.csv', `${lines.join('\n')}\n`), { blockRows })).toBe(true);
  });

  it('reports the same errors', async () => {
    await compare(file('bad.csv', 'a,b\n1,2\n3\n'));
    await compare(file('quote.csv', 'a,b\n1,"2\n'));
    await compare(file('empty.csv', ''));
    expect(await compare(file('header.csv', 'a,b\n'))).toBe(true);
  });

  it('equals the two passes on random files (text, numbers, quotes, missing tokens, codes, flips)', async () => {
    let state = 12345;
    const rnd = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    const cells = ['1', '-2.5', '0.30000000000000004', '1e5', 'NA', '', '.', 'inf', '007', 'abc', '"q,1"', '"a""b"', '"x\ny"', ' 3 ', '"1,234"', '1,234', '"1,234,567"', '12345678901234567890', '-0', 'nan', '中文', '9007199254740993', '"2.5"'];
    let fromScan = 0;
    for (let k = 0; k < 400; k++) {
      const ncol = 1 + rnd(4);
      const nrow = rnd(40);
      // per column a small pool, so that many columns stay numeric or text from the first row
      const pools = Array.from({ length: ncol }, () => Array.from({ length: 1 + rnd(4) }, () => cells[rnd(cells.length)]!));
      const delim = [',', ',', ';', '\t'][rnd(4)]!;
      const lines = [Array.from({ length: ncol }, (_, c) => `c${c}`).join(delim)];
      for (let r = 0; r < nrow; r++) lines.push(pools.map((p) => p[rnd(p.length)]!).join(delim));
      const sep = rnd(3) === 0 ? '\r\n' : '\n';
      const text = lines.join(sep) + (rnd(2) === 0 ? sep : '');
      if (await compare(file('random.csv', text), { blockRows: 1 + rnd(5) })) fromScan++;
    }
    expect(fromScan).toBeGreaterThan(150);
  });
});

const FUZZ_CASES = Number(process.env.FUZZ_CASES) > 0 ? Number(process.env.FUZZ_CASES) : 300;

describe('scanCsvValues under mutated files', () => {
  it('equals the two passes, errors included, on mutated fixtures and seeds', { timeout: 30_000 + FUZZ_CASES * 100 }, async () => {
    const corpus = readdirSync(FIXTURES)
      .filter((x) => x.endsWith('.csv'))
      .map((f) => readFileSync(join(FIXTURES, f)));
    corpus.push(
      Buffer.from('id,year,x,name\n1,2001,1.5,北京\n1,2002,NA,上海\n2,2001,-3e5,"a ""b"""\n2,2002,.,\n'),
      Buffer.from('a;b;c\r\n"1,5";2;x\r\n"1.234,5";3;\r\n'),
      Buffer.from('code\tvalue\n000123\t1\n000456\tInf\n'),
      Buffer.from('x,y\nNA,0.1234567890123456789\n.,\n,a\n'),
    );
    const r = rng(Number(process.env.FUZZ_SEED ?? 20261126));
    for (let k = 0; k < FUZZ_CASES; k++) {
      const base = r.pick(corpus);
      const { out } = mutateBytes(r, base, offsetsOf(base, [',', ';', '\t', '\n', '\r', '"'], 256));
      const opts: CsvOptions & { blockRows?: number } = { blockRows: r.range(1, 6) };
      if (r.chance(0.15)) opts.encoding = r.pick(['utf-8', 'gbk', 'utf-16le']);
      if (r.chance(0.15)) opts.delimiter = r.pick([',', ';', '\t'] as const);
      await compare(file('fuzz.csv', out), opts);
    }
  });
});

describe('importFile reads a CSV file once', () => {
  it('imports the same dataset as the values say, text and numbers', async () => {
    const lines = ['firm,city,y'];
    for (let i = 0; i < 70_000; i++) lines.push(`${i % 1000},${['北京', 'Shanghai', 'NA'][i % 3]},${i % 9 === 0 ? '' : (i * 0.1).toString()}`);
    const p = file('panel.csv', `${lines.join('\n')}\n`);
    const store = ProjectStore.create(':memory:');
    try {
      const { dataset } = await importFile(store, p);
      expect(dataset.nrows).toBe(70_000);
      const city = store.readColumn(dataset.id, 'city');
      expect(city.kind === 'categorical' && city.levels).toEqual(['Shanghai', '北京']);
      const codes = city.kind === 'categorical' ? city.codes : new Int32Array();
      expect([codes[0], codes[1], codes[2], codes[69_999]]).toEqual([1, 0, -1, codes[69_999 % 3]]);
      const y = store.readColumn(dataset.id, 'y');
      const v = y.kind === 'numeric' ? y.values : new Float64Array();
      expect([v[0], v[1], v[65_537]]).toEqual([NaN, 0.1, 65_537 * 0.1]);
      expect(dataset.variables.map((x) => [x.name, x.type, x.missing])).toEqual([
        ['firm', 'numeric', 0],
        ['city', 'categorical', 23_333],
        ['y', 'numeric', 7778],
      ]);
    } finally {
      store.close();
    }
  });

  it('reports progress up to 1 and cancels in the scan or while writing, leaving no dataset and no temporary file', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${i / 3}`);
    const p = file('cancel.csv', `${lines.join('\n')}\n`);
    const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`panel-studio-import-${process.pid}-`));
    const store = ProjectStore.create(':memory:');
    try {
      const seen: number[] = [];
      await importFile(store, p, { name: 'ok', onProgress: (f) => seen.push(f) });
      expect(seen.at(-1)).toBe(1);
      expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
      for (const at of [0.1, 0.8]) {
        const ctl = new AbortController();
        const run = importFile(store, p, { name: `cut${at}`, signal: ctl.signal, onProgress: (f) => f >= at && ctl.abort() });
        await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      }
      expect(store.listDatasets().map((d) => d.name)).toEqual(['ok']);
      expect(leftovers()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
