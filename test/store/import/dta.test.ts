// Stata .dta reader and writer.
//
// Fixtures in test/fixtures/dta/ were written by independent tools, with the values those tools
// report next to them: make.py (pandas 1.5.3 to_stata, formats 114/117/118/119, both byte orders)
// → expected-pandas.json; make.R (haven 2.5.1 write_dta, formats 113/115/117/118/119, tagged NA)
// → expected-haven.json, which also describes haven's own test files copied to haven-tests/ (from
// /work/shared/fixtures/dta; some look written by Stata itself). Regenerate from the repository
// root with `/usr/bin/python3 test/fixtures/dta/make.py` and `Rscript test/fixtures/dta/make.R`.
//
// Checked by hand once (not in CI: no R or pandas there), on the file the round-trip test below
// writes (DTA_KEEP=/tmp/roundtrip.dta npx vitest run test/store/import/dta.test.ts -t "round-trips"):
// - pandas 1.5.3 read_stata: the 7 variables under their Stata names (地区, gdp_growth, _2x,
//   int_, a_b, a_b_2, and the 32-character cut name), doubles exact, missing as NaN, 地区 as str6
//   with 北京/上海/'' values, the strL of 700 characters (2,100 bytes) intact, value labels {1: 东部, 2: 西部}
//   applied, variable label 国内生产总值增长率, %td on the date variable (read as datetime64).
// - haven 2.5.1 read_dta: the same names, values and labels (labelled double with 东部/西部), Date
//   class on the %td variable, no warnings.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors.js';
import { CHUNK_ROWS } from '../../../src/store/codec.js';
import { exportDta, stataNames } from '../../../src/store/export-dta.js';
import { readDta } from '../../../src/store/import/dta.js';
import type { ImportedColumn } from '../../../src/store/import/table.js';
import { type NewVariable, ProjectStore } from '../../../src/store/project.js';
import { tempDir } from '../../helpers.js';

const FIX = fileURLToPath(new URL('../../fixtures/dta/', import.meta.url));

interface ExpectedColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  values: (number | string | null)[];
  format?: string;
  label?: string;
  valueLabels?: Record<string, string>;
  extended?: number;
}
type Expected = Record<string, { nrows: number; columns: ExpectedColumn[] }>;

const load = (file: string) => JSON.parse(readFileSync(join(FIX, file), 'utf8')) as Expected;
const PANDAS = load('expected-pandas.json');
const HAVEN = load('expected-haven.json');

let dir = '';
beforeAll(() => {
  dir = tempDir('ps-dta-');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function decoded(c: ImportedColumn): (number | string | null)[] {
  if (c.kind === 'numeric') return Array.from(c.values, (x) => (Number.isNaN(x) ? null : x));
  return Array.from(c.values, (k) => (k < 0 ? null : (c.levels ?? [])[k]));
}

/** jsonlite prints 15 significant digits; float values are compared to that precision. */
function sameValues(got: (number | string | null)[], want: (number | string | null)[]): boolean {
  return got.length === want.length && got.every((g, i) => {
    const w = want[i];
    return typeof g === 'number' && typeof w === 'number' ? Math.abs(g - w) <= 1e-13 * Math.max(1, Math.abs(w)) : g === w;
  });
}

async function compare(file: string, exp: Expected[string]): Promise<void> {
  const t = await readDta(join(FIX, file));
  expect(t.nrows).toBe(exp.nrows);
  expect(t.columns.map((c) => c.name)).toEqual(exp.columns.map((c) => c.name));
  exp.columns.forEach((e, j) => {
    const c = t.columns[j];
    const where = `${file} ${e.name}`;
    expect(c.kind, where).toBe(e.kind);
    expect(sameValues(decoded(c), e.values), `${where}: ${JSON.stringify(decoded(c))}`).toBe(true);
    expect(c.missing, where).toBe(e.values.filter((v) => v === null).length);
    expect(c.displayFormat, where).toBe(e.format);
    expect(c.label, where).toBe(e.label);
    expect(c.valueLabels, where).toEqual(e.valueLabels);
    if (c.kind === 'categorical') expect(c.levels, where).toEqual([...new Set(e.values.filter((v): v is string => v !== null))].sort());
    const warning = t.warnings.filter((w) => w.startsWith(`${e.name}: `) && w.includes('extended missing'));
    expect(warning.length, where).toBe(e.extended ? 1 : 0);
    if (e.extended) expect(warning[0]).toContain(`${e.extended} extended missing values`);
  });
}

describe('readDta on files written by pandas', () => {
  it.each(Object.keys(PANDAS))('%s', async (file) => compare(file, PANDAS[file]));

  it('reports storage types, dates and strLs as the source types', async () => {
    const t = await readDta(join(FIX, 'pd114_be.dta'));
    expect(t.columns.map((c) => c.sourceType)).toEqual(['byte', 'int', 'long', 'float', 'double', 'str6', 'date', 'byte']);
    const zh = await readDta(join(FIX, 'pd118_zh.dta'));
    expect(zh.columns.map((c) => c.sourceType)).toEqual(['str18', 'double', 'strL', 'byte', 'int']);
  });

  it('reads big-endian files like their little-endian twins', async () => {
    for (const [be, le] of [['pd114_be.dta', 'pd114_le.dta'], ['pd118_be.dta', 'pd118_zh.dta']]) {
      const a = await readDta(join(FIX, be));
      const b = await readDta(join(FIX, le));
      expect(a.columns.map(decoded)).toEqual(b.columns.map(decoded));
    }
  });
});

describe('readDta on files written by haven (and by Stata, from haven\'s tests)', () => {
  it.each(Object.keys(HAVEN))('%s', async (file) => compare(file, HAVEN[file]));

  it('marks %td/%d and %tc variables as dates and datetimes, keeping Stata\'s numbers', async () => {
    const t = await readDta(join(FIX, 'hv113.dta'));
    expect(t.columns.map((c) => c.sourceType)).toEqual(['long', 'double', 'date', 'datetime', 'double', 'str4']);
    const old = await readDta(join(FIX, 'haven-tests/datetime-d.dta'));
    expect(old.columns[0]).toMatchObject({ sourceType: 'date', displayFormat: '%d' });
  });
});

describe('readDta on damaged or unsupported files', () => {
  function file(name: string, content: Buffer | string): string {
    const sub = join(dir, String(Math.random()).slice(2));
    mkdirSync(sub);
    const p = join(sub, name);
    writeFileSync(p, content);
    return p;
  }
  async function failure(path: string): Promise<AppError> {
    try {
      await readDta(path);
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      return err as AppError;
    }
    throw new Error(`${path} was read without an error`);
  }
  const bytes = (name: string) => readFileSync(join(FIX, name));

  it('names the file and the problem for empty files and wrong magic', async () => {
    expect((await failure(file('empty.dta', ''))).message).toBe('empty.dta: the file is empty');
    const csv = await failure(file('data.dta', 'a,b\n1,2\n'));
    expect(csv.code).toBe('BAD_FILE');
    expect(csv.message).toMatch(/^data\.dta: not a Stata \.dta file/);
    expect((await failure(join(dir, 'nope.dta'))).code).toBe('NOT_FOUND');
  });

  it('refuses old and newer formats with advice to re-save', async () => {
    const v112 = Buffer.from(bytes('hv113.dta'));
    v112[0] = 112;
    const e = await failure(file('old.dta', v112));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^old\.dta: Stata format 112 \(Stata 8 beta\) is not supported .*saveold/);
    v112[0] = 105;
    expect((await failure(file('old.dta', v112))).message).toContain('Stata format 105 (Stata 5)');
    const v120 = Buffer.from(bytes('hv118_zh.dta').toString('latin1').replace('<release>118', '<release>120'), 'latin1');
    expect((await failure(file('new.dta', v120))).message).toMatch(/Stata format 120 .*not supported/);
  });

  it('reports truncation, damaged tags and impossible sizes as BAD_FILE, never a RangeError', async () => {
    for (const name of ['hv113.dta', 'pd114_be.dta', 'pd117_strl.dta', 'pd118_be.dta', 'hv119.dta']) {
      const full = bytes(name);
      for (let n = 1; n < full.length; n += 11) {
        const path = file(name, full.subarray(0, n));
        const result = await readDta(path).then(
          () => 'ok',
          (err: unknown) => (err instanceof AppError && err.code === 'BAD_FILE' && err.message.startsWith(`${name}: `) ? 'bad' : String(err)),
        );
        // Old formats may end right after the data (value labels are optional).
        expect(result === 'bad' || (result === 'ok' && n >= full.length - 200 && name === 'hv113.dta'), `${name} cut at ${n}: ${result}`).toBe(true);
      }
    }
    const damaged = Buffer.from(bytes('hv118_zh.dta').toString('latin1').replace('<varnames>', '<varnamez>'), 'latin1');
    expect((await failure(file('tag.dta', damaged))).message).toMatch(/^tag\.dta: expected <varnames> at byte \d+/);
    // A header claiming 2^40 observations: refused from the file size, before any allocation.
    const huge = Buffer.from(bytes('hv118_zh.dta'));
    const at = huge.indexOf('<N>') + 3;
    huge.writeUInt32LE(0, at);
    huge.writeUInt32LE(256, at + 4);
    expect((await failure(file('huge.dta', huge))).message).toMatch(/^huge\.dta: the data section needs 1099511627776 observations .* truncated/);
  });

  it('warns about binary strLs and reads them as missing', async () => {
    const buf = Buffer.from(bytes('hv118_strl.dta'));
    const gso = buf.indexOf('GSO', buf.indexOf('<strls>'));
    buf[gso + 3 + 4 + 8] = 129; // type: binary
    buf[gso + 3 + 4 + 8 + 1 + 4] = 1; // a control byte: not text
    const t = await readDta(file('bin.dta', buf));
    expect(t.warnings).toContain('name: 1 strL value holds binary data, not text; read as missing');
    expect(t.columns[5].missing).toBe(2);
  });
});

describe('readDta cancel and progress', () => {
  it('throws the CSV importer\'s CANCELLED error when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(readDta(join(FIX, 'hv118_zh.dta'), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED', message: 'import cancelled' });
    const during = new AbortController();
    await expect(readDta(join(FIX, 'hv118_zh.dta'), { signal: during.signal, onProgress: () => during.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

// ---------------------------------------------------------------------------------- writer

function makeStore(path: string, nrows: number, vars: (NewVariable & { values: Float64Array | Int32Array; valueLabels?: Record<string, string> })[]) {
  const store = ProjectStore.create(path);
  const { datasetId, variableIds } = store.beginDataset('d', 'test', nrows, vars);
  for (let c = 0; c * CHUNK_ROWS < Math.max(nrows, 1); c++) {
    const a = c * CHUNK_ROWS;
    const b = Math.min(nrows, a + CHUNK_ROWS);
    store.writeChunks(c, variableIds, vars.map((v) => v.values.subarray(a, b)));
  }
  const ds = store.commitDataset(datasetId);
  // Value labels written straight into the project file, whatever the import API offers.
  const db = new Database(path);
  vars.forEach((v, j) => {
    if (v.valueLabels) db.prepare('UPDATE variables SET value_labels = ? WHERE id = ?').run(JSON.stringify(v.valueLabels), variableIds[j]);
  });
  db.close();
  return { store, ds };
}

const imported = (column: string, sourceType?: string) => ({ kind: 'import' as const, source: 't', column, ...(sourceType ? { sourceType } : {}) });

describe('exportDta (format 118) read back by readDta', () => {
  it('round-trips values, names, labels, value labels, strLs and dates', async () => {
    const long = '长'.repeat(700); // 2,100 bytes in UTF-8: beyond str2045, so a strL
    const longName = 'a_very_long_variable_name_that_goes_past_32';
    const vars = [
      { name: '地区', type: 'categorical' as const, levels: ['北京', '上海'], recipe: imported('地区'), values: Int32Array.from([0, 1, -1, 0]) },
      { name: 'gdp growth', type: 'numeric' as const, label: { zh: '国内生产总值增长率' }, recipe: imported('g'), values: Float64Array.from([1.5, NaN, -2.25, 1e300]) },
      { name: '2x', type: 'numeric' as const, recipe: imported('2x'), values: Float64Array.from([1, 2, 1, NaN]), valueLabels: { '1': '东部', '2': '西部', '1.5': 'half' } },
      { name: 'int', type: 'categorical' as const, levels: [long, 'short'], recipe: imported('int'), values: Int32Array.from([0, 1, 0, -1]) },
      { name: 'a b', type: 'numeric' as const, label: { en: 'day', zh: '日' }, recipe: imported('d', 'date'), values: Float64Array.from([0, 21915, -1, NaN]) },
      { name: 'a_b', type: 'numeric' as const, recipe: imported('a_b'), values: Float64Array.from([0.1, 0.2, 0.3, 0.4]) },
      { name: longName, type: 'numeric' as const, recipe: imported('x'), values: Float64Array.from([7, 8, 9, 10]) },
    ];
    const { store, ds } = makeStore(join(dir, 'rt.pstudio'), 4, vars);
    const target = join(dir, 'rt.dta');
    const out = await exportDta(store, ds.id, target);
    store.close();
    if (process.env.DTA_KEEP) copyFileSync(target, process.env.DTA_KEEP);
    expect(out.rows).toBe(4);
    const names = ['地区', 'gdp_growth', '_2x', 'int_', 'a_b', 'a_b_2', longName.slice(0, 32)];
    expect(out.warnings.filter((w) => w.startsWith('variable "')).length).toBe(6);
    expect(out.warnings).toContain('_2x: value labels for "1.5" were left out (Stata labels only whole numbers)');

    const t = await readDta(target);
    expect(t.nrows).toBe(4);
    expect(t.columns.map((c) => c.name)).toEqual(names);
    expect(t.columns.map((c) => c.sourceType)).toEqual(['str6', 'double', 'double', 'strL', 'date', 'double', 'double']);
    expect(t.columns.map(decoded)).toEqual([
      ['北京', '上海', null, '北京'],
      [1.5, null, -2.25, 1e300],
      [1, 2, 1, null],
      [long, 'short', long, null],
      [0, 21915, -1, null],
      [0.1, 0.2, 0.3, 0.4],
      [7, 8, 9, 10],
    ]);
    expect(t.columns[1].label).toBe('国内生产总值增长率');
    expect(t.columns[4].label).toBe('day');
    expect(t.columns[2].valueLabels).toEqual({ '1': '东部', '2': '西部' });
    expect(t.columns[4].displayFormat).toBe('%td');
    expect(t.warnings).toEqual([]);
  });

  it('writes an empty dataset and a multi-block one, reporting progress', async () => {
    const empty = makeStore(join(dir, 'empty.pstudio'), 0, [{ name: 'x', type: 'numeric', recipe: imported('x'), values: new Float64Array(0) }]);
    await exportDta(empty.store, empty.ds.id, join(dir, 'empty.dta'));
    empty.store.close();
    const e = await readDta(join(dir, 'empty.dta'));
    expect(e).toMatchObject({ nrows: 0, warnings: [] });
    expect(e.columns[0]).toMatchObject({ name: 'x', kind: 'numeric', missing: 0 });

    // 6 doubles × 180,000 rows = 8.6 MB: more than one 8 MB read block.
    const n = 180_000;
    const cols = Array.from({ length: 6 }, (_, j) => ({
      name: `v${j}`, type: 'numeric' as const, recipe: imported(`v${j}`), values: Float64Array.from({ length: n }, (_, i) => (i % 1000 === j ? NaN : i * (j + 1))),
    }));
    const big = makeStore(join(dir, 'big.pstudio'), n, cols);
    await exportDta(big.store, big.ds.id, join(dir, 'big.dta'));
    big.store.close();
    const seen: number[] = [];
    const t = await readDta(join(dir, 'big.dta'), { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
    t.columns.forEach((c, j) => {
      expect(c.missing).toBe(n / 1000);
      expect(c.values[n - 1]).toBe((n - 1) * (j + 1));
      expect(Number.isNaN(c.values[j])).toBe(true);
    });
  });

  it('refuses a target without .dta and leaves no partial file on failure', async () => {
    const { store, ds } = makeStore(join(dir, 'x.pstudio'), 1, [{ name: 'x', type: 'numeric', recipe: imported('x'), values: Float64Array.from([1]) }]);
    await expect(exportDta(store, ds.id, join(dir, 'x.csv'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(exportDta(store, ds.id, join(dir, 'no-such-dir', 'x.dta'))).rejects.toThrow();
    store.close();
  });

  it('makes valid, distinct Stata names', () => {
    expect(stataNames(['ok', 'x y', '1a', '', 'byte', 'str12', 'x_y', 'é变量', 'a'.repeat(40), 'a'.repeat(40)]).names).toEqual([
      'ok', 'x_y', '_1a', 'var', 'byte_', 'str12_', 'x_y_2', 'é变量', 'a'.repeat(32), `${'a'.repeat(30)}_2`,
    ]);
  });
});
