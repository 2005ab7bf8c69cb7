import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, statSync, appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanCsv, readCsv, type CsvBlock, type CsvOptions, type CsvScan } from '../../../src/store/import/csv.js';
import { AppError } from '../../../src/shared/errors.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));

let dir = '';
let seq = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ps-csv-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` to a fresh sub-directory under the temp dir, so any base name can be used. */
function file(name: string, content: string | Buffer): string {
  const sub = join(dir, String(++seq));
  mkdirSync(sub);
  const p = join(sub, name);
  writeFileSync(p, content);
  return p;
}

interface Table {
  scan: CsvScan;
  blocks: CsvBlock[];
  /** Column values concatenated over blocks, by column name. */
  col: Record<string, number[]>;
  /** Text columns decoded back to strings (null = missing). */
  text: Record<string, (string | null)[]>;
}

async function load(path: string, opts?: CsvOptions & { blockRows?: number }): Promise<Table> {
  const scan = await scanCsv(path, opts);
  const blocks: CsvBlock[] = [];
  await readCsv(scan, (b) => void blocks.push(b), opts);
  const col: Record<string, number[]> = {};
  const text: Record<string, (string | null)[]> = {};
  scan.columns.forEach((c, j) => {
    const values: number[] = [];
    for (const b of blocks) values.push(...Array.from(b.columns[j]!));
    col[c.name] = values;
    if (c.kind === 'text') text[c.name] = values.map((v) => (v < 0 ? null : c.levels![v]!));
  });
  return { scan, blocks, col, text };
}

async function scanError(path: string, opts?: CsvOptions): Promise<AppError> {
  try {
    await scanCsv(path, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected scanCsv to throw');
}

describe('scanCsv / readCsv basics', () => {
  it('reads numeric and text columns with sorted levels, codes and missing counts', async () => {
    const p = file('basic.csv', 'id,name,x\n1,bob,1.5\n2,alice,-2\n3,bob,\n4,,1e3\n');
    const t = await load(p);
    expect(t.scan.path).toBe(p);
    expect(t.scan.delimiter).toBe(',');
    expect(t.scan.bom).toBe(false);
    expect(t.scan.nrows).toBe(4);
    expect(t.scan.bytes).toBe(statSync(p).size);
    expect(t.scan.warnings).toEqual([]);
    expect(t.scan.columns).toEqual([
      { name: 'id', kind: 'numeric', missing: 0 },
      { name: 'name', kind: 'text', levels: ['alice', 'bob'], missing: 1 },
      { name: 'x', kind: 'numeric', missing: 1 },
    ]);
    expect(t.col.id).toEqual([1, 2, 3, 4]);
    expect(t.col.name).toEqual([1, 0, 1, -1]);
    expect(t.col.x).toEqual([1.5, -2, NaN, 1000]);
    expect(t.blocks).toHaveLength(1);
    expect(t.blocks[0]!.columns[0]).toBeInstanceOf(Float64Array);
    expect(t.blocks[0]!.columns[1]).toBeInstanceOf(Int32Array);
  });

  it('handles quoted fields with delimiters, line breaks and doubled quotes (fixture)', async () => {
    const t = await load(join(FIXTURES, 'quoted.csv'));
    expect(t.scan.columns.map((c) => c.name)).toEqual(['id', 'note', 'amount']);
    expect(t.scan.nrows).toBe(5);
    expect(t.col.id).toEqual([1, 2, 3, 4, 5]);
    expect(t.text.note).toEqual([
      'a, b and c',
      'two\nlines',
      'she said "hi"',
      null,
      '"',
    ]);
    // "1,234.5" in quotes is a number with a thousands separator
    expect(t.col.amount).toEqual([10, 1234.5, -3, NaN, 1234567]);
  });

  it('treats line breaks inside quotes as data for \\r\\n and lone \\r too', async () => {
    const t = await load(file('ml.csv', 'a,b\r\n1,"x\r\ny"\r\n2,"p\rq"\r\n'));
    expect(t.text.b).toEqual(['x\r\ny', 'p\rq']);
    expect(t.col.a).toEqual([1, 2]);
  });

  it('keeps a quote inside an unquoted field literally', async () => {
    const t = await load(file('lit.csv', 'a,b\n5 "inch",1\nab"c,2\n"ab""c",3\n'));
    expect(t.text.a).toEqual(['5 "inch"', 'ab"c', 'ab"c']);
    expect(t.scan.columns[0]!.levels).toEqual(['5 "inch"', 'ab"c']);
  });

  it('reads CRLF and lone CR line endings like LF', async () => {
    const rows = ['g,v', 'a,1', 'b,2.5', 'a,', 'c,-4'];
    const lf = await load(file('lf.csv', rows.join('\n') + '\n'));
    const crlf = await load(file('crlf.csv', rows.join('\r\n') + '\r\n'));
    const cr = await load(file('cr.csv', rows.join('\r') + '\r'));
    const mixed = await load(file('mixed.csv', 'g,v\r\na,1\rb,2.5\na,\r\nc,-4'));
    for (const t of [lf, crlf, cr, mixed]) {
      expect(t.scan.nrows).toBe(4);
      expect(t.text.g).toEqual(['a', 'b', 'a', 'c']);
      expect(t.col.v).toEqual([1, 2.5, NaN, -4]);
      expect(t.scan.columns[1]).toEqual({ name: 'v', kind: 'numeric', missing: 1 });
    }
  });

  it('counts physical lines for CRLF and lone CR in error messages', async () => {
    let e = await scanError(file('crlf.csv', 'a,b\r\n1,2\r\n3\r\n'));
    expect(e.message).toBe('crlf.csv, line 3: expected 2 fields, found 1');
    e = await scanError(file('cr.csv', 'a,b\r1,2\r\r3,4,5\r'));
    expect(e.message).toBe('cr.csv, line 4: expected 2 fields, found 3');
  });

  it('strips a UTF-8 BOM and reports it', async () => {
    const t = await load(file('bom.csv', '\uFEFFid,名称\n1,北京\n'));
    expect(t.scan.bom).toBe(true);
    expect(t.scan.columns.map((c) => c.name)).toEqual(['id', '名称']);
    expect(t.col.id).toEqual([1]);
    expect(t.text['名称']).toEqual(['北京']);
    expect(t.scan.bytes).toBe(Buffer.byteLength('\uFEFFid,名称\n1,北京\n'));
  });

  it('skips completely empty lines (also trailing ones) but counts them as lines', async () => {
    const p = file('blank.csv', '\na,b\n1,2\n\n\r\n3,4\n\n\n');
    const t = await load(p);
    expect(t.scan.nrows).toBe(2);
    expect(t.col.a).toEqual([1, 3]);
    const e = await scanError(file('blank2.csv', 'a,b\n\n1,2\n\n3\n'));
    expect(e.message).toBe('blank2.csv, line 5: expected 2 fields, found 1');
  });

  it('reads a row of only delimiters as a row of missings', async () => {
    const t = await load(file('delims.csv', 'a,b,c\n1,x,2\n,,\n3,y,4\n'));
    expect(t.scan.nrows).toBe(3);
    expect(t.col.a).toEqual([1, NaN, 3]);
    expect(t.text.b).toEqual(['x', null, 'y']);
    expect(t.col.c).toEqual([2, NaN, 4]);
    expect(t.scan.columns.map((c) => c.missing)).toEqual([1, 1, 1]);
  });

  it('reads a file without a final line break', async () => {
    const t = await load(file('nofinal.csv', 'a,b\n1,"x"\n2,y'));
    expect(t.col.a).toEqual([1, 2]);
    expect(t.text.b).toEqual(['x', 'y']);
  });
});

describe('delimiter', () => {
  it('detects semicolons', async () => {
    const t = await load(file('semi.csv', 'a;b;c\n1;2,5;x\n3;4,0;y\n'));
    expect(t.scan.delimiter).toBe(';');
    expect(t.col.a).toEqual([1, 3]);
    // decimal commas are not numbers: the column is text
    expect(t.scan.columns[1]).toEqual({ name: 'b', kind: 'text', levels: ['2,5', '4,0'], missing: 0 });
    expect(t.text.c).toEqual(['x', 'y']);
  });

  it('detects tabs', async () => {
    const t = await load(file('tab.tsv', 'a\tb\tc,d\n1\t2\tp,q\n'));
    expect(t.scan.delimiter).toBe('\t');
    expect(t.scan.columns.map((c) => c.name)).toEqual(['a', 'b', 'c,d']);
    expect(t.text['c,d']).toEqual(['p,q']);
  });

  it('ignores delimiters inside quotes in the header', async () => {
    const t = await load(file('q.csv', '"a;b;c";d;"e,f"\n1;2;3\n'));
    expect(t.scan.delimiter).toBe(';');
    expect(t.scan.columns.map((c) => c.name)).toEqual(['a;b;c', 'd', 'e,f']);
  });

  it('falls back to comma for a single column and honours an explicit delimiter', async () => {
    const one = await load(file('one.csv', 'x\n1\n2\n'));
    expect(one.scan.delimiter).toBe(',');
    expect(one.col.x).toEqual([1, 2]);
    const forced = await load(file('forced.csv', 'a,b;c\n1,2;3\n'), { delimiter: ';' });
    expect(forced.scan.delimiter).toBe(';');
    expect(forced.scan.columns.map((c) => c.name)).toEqual(['a,b', 'c']);
    expect(forced.col.c).toEqual([3]);
  });
});

describe('UTF-8 across read chunks', () => {
  it('decodes Chinese header and values split across chunk boundaries', async () => {
    const cities = ['北京市', '上海市', '广州市', '深圳市', '成都市', '重庆市', '杭州市'];
    const build = (pad: string): Buffer => {
      const lines = [`编号,城市${pad},人口,备注`];
      for (let i = 0; i < 90000; i++) {
        lines.push(`${i},${cities[i % cities.length]},${(i * 1.25).toFixed(2)},"第${i % 13}区, 中文"`);
      }
      return Buffer.from(lines.join('\n') + '\n', 'utf8');
    };
    // Pick padding so that the first 1 MB read boundary falls inside a multi-byte character
    // (later boundaries, at 2 MB and 3 MB, land wherever they land).
    let buf = build('');
    for (let k = 0; k < 24 && (buf[1048576]! & 0xc0) !== 0x80; k++) buf = build('x'.repeat(k));
    expect(buf[1048576]! & 0xc0).toBe(0x80);
    expect(buf.length).toBeGreaterThan(3 * 1048576);
    const p = file('城市.csv', buf);
    const t = await load(p, { blockRows: 7000 });
    expect(t.scan.nrows).toBe(90000);
    expect(t.scan.columns[0]!.name).toBe('编号');
    expect(t.scan.columns[1]!.name.startsWith('城市')).toBe(true);
    expect(t.scan.columns[1]!.levels).toEqual([...cities].sort());
    expect(t.scan.columns[3]!.levels).toHaveLength(13);
    const cityName = t.scan.columns[1]!.name;
    const ok = t.text[cityName]!.every((v, i) => v === cities[i % cities.length]);
    expect(ok).toBe(true);
    expect(t.text['备注']!.slice(0, 3)).toEqual(['第0区, 中文', '第1区, 中文', '第2区, 中文']);
    expect(t.col["编号"]![89999]).toBe(89999);
    expect(t.col['人口']![12345]).toBe(Number((12345 * 1.25).toFixed(2)));
  });

  it('keeps line numbers exact across chunks with CRLF, lone CR and multi-line quoted fields', async () => {
    for (const eol of ['\r\n', '\r', '\n']) {
      const lines = ['id,note,v'];
      let physical = 1;
      for (let i = 0; i < 90000; i++) {
        if (i % 3 === 0) {
          lines.push(`${i},"say ""hi""${eol}again ${i % 5}",${i / 4}`);
          physical += 2;
        } else {
          lines.push(`${i},plain ${i % 5},${i / 4}`);
          physical += 1;
        }
      }
      const okText = lines.join(eol) + eol;
      expect(Buffer.byteLength(okText)).toBeGreaterThan(2 * 1048576);
      const t = await load(file('eol.csv', okText), { blockRows: 4096 });
      expect(t.scan.nrows).toBe(90000);
      expect(t.scan.columns[1]!.levels).toHaveLength(10);
      expect(t.text.note![0]).toBe(`say "hi"${eol}again 0`);
      expect(t.text.note![89999]).toBe(`plain ${89999 % 5}`);
      expect(t.col.v![89999]).toBe(89999 / 4);
      // A bad last row: its line number counts every physical line before it.
      const e = await scanError(file('eol.csv', okText + `1,2${eol}`));
      expect(e.message).toBe(`eol.csv, line ${physical + 1}: expected 3 fields, found 2`);
    }
  });

  it('handles CRLF, a lone CR and a doubled quote split exactly at the 1 MB read boundary', async () => {
    const B = 1048576;
    // CRLF: the CR is the last byte of the first read, the LF the first byte of the next.
    const crlf = `a,b\r\n${'y'.repeat(B - 1 - 7)},1\r\nz,2\r\n3\r\n`;
    expect(crlf.charCodeAt(B - 1)).toBe(13);
    expect(crlf.charCodeAt(B)).toBe(10);
    expect((await scanError(file('split.csv', crlf))).message).toBe('split.csv, line 4: expected 2 fields, found 1');
    const crlfOk = await load(file('split.csv', crlf.slice(0, -3)));
    expect(crlfOk.scan.nrows).toBe(2);
    expect(crlfOk.col.b).toEqual([1, 2]);
    // Lone CR at the boundary.
    const cr = `a,b\r${'y'.repeat(B - 1 - 6)},1\rz,2\r3\r`;
    expect(cr.charCodeAt(B - 1)).toBe(13);
    expect((await scanError(file('split.csv', cr))).message).toBe('split.csv, line 4: expected 2 fields, found 1');
    // A doubled quote whose first half ends the first read.
    const q = `a,b\n1,"${'q'.repeat(B - 1 - 7)}""x"\n2,"y"\n`;
    expect(q.slice(B - 1, B + 1)).toBe('""');
    const tq = await load(file('split.csv', q));
    expect(tq.text.b!.map((v) => v!.slice(-3))).toEqual(['qq"x'.slice(-3), 'y']);
    expect(tq.text.b![0]!.length).toBe(B - 1 - 7 + 2);
  });

  it('rejects text that is not UTF-8, naming the line', async () => {
    const latin1 = Buffer.concat([Buffer.from('a,b\n1,x\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const e = await scanError(file('latin1.csv', latin1));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^latin1\.csv, line 3: not valid UTF-8/);
  });
});

describe('missing values and type inference', () => {
  it('recognises missing tokens (trimmed) in numeric and text columns', async () => {
    const tokens = ['', 'NA', 'N/A', 'NaN', 'nan', '.', 'NULL', 'null', ' NA ', '  '];
    const lines = ['n,t'];
    for (const tok of tokens) lines.push(`${tok},${tok}`);
    lines.push('7,seven');
    const t = await load(file('missing.csv', lines.join('\n') + '\n'));
    expect(t.scan.columns).toEqual([
      { name: 'n', kind: 'numeric', missing: tokens.length },
      { name: 't', kind: 'text', levels: ['seven'], missing: tokens.length },
    ]);
    expect(t.col.n).toEqual([...tokens.map(() => NaN), 7]);
    expect(t.col.t).toEqual([...tokens.map(() => -1), 0]);
  });

  it('parses numbers exactly like Number()', async () => {
    const values = [
      '0', '-0', '+4', '7.0', '12', '-3.', '.5', '-.25', '1e3', '1E-3', '2.5e+2', ' 7 ', '0.1', '0.2',
      '3.141592653589793', '123456789012345678', '1.7976931348623157e308', '5e-324', '0.000001234',
      '9007199254740993', '-12.34567890123456789', '1234567.891',
    ];
    const t = await load(file('nums.csv', 'x\n' + values.join('\n') + '\n'));
    expect(t.scan.columns[0]!.kind).toBe('numeric');
    const expected = values.map((v) => Number(v));
    expect(t.col.x).toEqual(expected);
    expect(Object.is(t.col.x![1], -0)).toBe(true);
  });

  it('keeps integer codes with leading zeros as text (stock codes 000001): no digits are lost', async () => {
    const t = await load(file('codes.csv', 'code,v\n000001,1\n600000,2\n000002,0.5\n'));
    expect(t.scan.columns.map((c) => c.kind)).toEqual(['text', 'numeric']);
    expect(t.scan.columns[0]!.levels).toEqual(['000001', '000002', '600000']);
  });

  it('matches Number() on many random decimal literals', async () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const digits = (k: number): string => Array.from({ length: k }, () => Math.floor(rnd() * 10)).join('');
    const values: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const sign = rnd() < 0.3 ? '-' : rnd() < 0.1 ? '+' : '';
      const frac = rnd() < 0.7 ? '.' + digits(Math.floor(rnd() * 20)) : '';
      // integers with leading zeros are codes (text, tested above): give those a non-zero first digit
      const int0 = digits(Math.floor(rnd() * 12));
      const int = frac === '' && int0.length > 1 && int0[0] === '0' ? `1${int0.slice(1)}` : int0;
      const exp = rnd() < 0.3 ? `e${rnd() < 0.5 ? '-' : ''}${Math.floor(rnd() * 40)}` : '';
      const lit = sign + int + frac + exp;
      if (/\d/.test(int + frac)) values.push(lit);
    }
    const t = await load(file('rand.csv', 'x\n' + values.join('\n') + '\n'));
    expect(t.scan.columns[0]!.kind).toBe('numeric');
    const got = t.col.x!;
    const mismatches = values.filter((v, i) => !Object.is(got[i], Number(v)));
    expect(mismatches).toEqual([]);
  });

  it('handles more than 64 columns', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `c${i}`);
    const row = Array.from({ length: 150 }, (_, i) => String(i * 2));
    const t = await load(file('wide.csv', `${names.join(',')}\n${row.join(',')}\n${row.join(',')}\n`));
    expect(t.scan.columns).toHaveLength(150);
    expect(t.col.c149).toEqual([298, 298]);
    const e = await scanError(file('wide.csv', `${names.join(',')}\n${row.join(',')},1\n`));
    expect(e.message).toBe('wide.csv, line 2: expected 150 fields, found 151');
  });

  it('makes a column text if any value is not a number (12abc, 1e, 0x10)', async () => {
    for (const bad of ['12abc', '1e', '0x10', '1.2.3', '--1', '1 2', '$5']) {
      const t = await load(file('bad.csv', `x,y\n1,1\n${bad},2\n3,3\n`));
      expect(t.scan.columns[0]!.kind, bad).toBe('text');
      expect(t.scan.columns[0]!.levels, bad).toEqual(['1', bad, '3'].sort());
      expect(t.text.x, bad).toEqual(['1', bad, '3']);
      expect(t.scan.columns[1]!.kind).toBe('numeric');
    }
  });

  it('collects earlier numeric values when a column turns text late, and warns', async () => {
    const lines = ['id,code'];
    for (let i = 0; i < 500; i++) lines.push(`${i},${i % 7}`);
    lines.push('500,A7');
    for (let i = 501; i < 520; i++) lines.push(`${i},${i % 3 === 0 ? 'NA' : String(i % 5)}`);
    const t = await load(file('late.csv', lines.join('\n') + '\n'));
    const code = t.scan.columns[1]!;
    expect(code.kind).toBe('text');
    expect(code.levels).toEqual(['0', '1', '2', '3', '4', '5', '6', 'A7']);
    expect(code.missing).toBe(7); // 501, 504, …, 519
    expect(t.text.code!.slice(0, 8)).toEqual(['0', '1', '2', '3', '4', '5', '6', '0']);
    expect(t.text.code![500]).toBe('A7');
    expect(t.text.code![501]).toBe(null); // 501 % 3 === 0
    expect(t.scan.warnings).toEqual(['late.csv, column 2 ("code"): read as text because of the non-numeric value "A7" on line 502']);
  });

  it('reads infinite values as missing with a warning per column', async () => {
    const t = await load(file('inf.csv', 'a,b\nInf,1\n-Inf,2\ninf,3\n1e999,Infinity\n5,4\n'));
    expect(t.col.a).toEqual([NaN, NaN, NaN, NaN, 5]);
    expect(t.col.b).toEqual([1, 2, 3, NaN, 4]);
    expect(t.scan.columns.map((c) => [c.kind, c.missing])).toEqual([
      ['numeric', 4],
      ['numeric', 1],
    ]);
    expect(t.scan.warnings).toEqual([
      'inf.csv, column 1 ("a"): 4 infinite values were read as missing',
      'inf.csv, column 2 ("b"): 1 infinite value was read as missing',
    ]);
  });

  it('accepts thousands separators only in quoted fields', async () => {
    const t = await load(file('th.csv', 'a;b\n"1,234";1,234\n"-12,345,678.25";2\n'));
    expect(t.col.a).toEqual([1234, -12345678.25]);
    expect(t.scan.columns[1]!.kind).toBe('text');
    const bad = await load(file('th2.csv', 'a\n"1,23"\n'));
    expect(bad.scan.columns[0]!.kind).toBe('text');
  });

  it('strips surrounding spaces from text but keeps inner ones', async () => {
    const t = await load(file('sp.csv', 'a,b\n  hello world ,1\n" padded ",2\nhello world,3\n'));
    expect(t.scan.columns[0]!.levels).toEqual(['hello world', 'padded']);
    expect(t.col.a).toEqual([0, 1, 0]);
  });

  it('sorts levels by UTF-16 code units and codes index into them', async () => {
    const vals = ['b', 'B', 'a', '中', 'é', 'A', 'b', 'Z', '10', '9', 'a'];
    const t = await load(file('sort.csv', 'v\n' + vals.join('\n') + '\n'));
    const levels = t.scan.columns[0]!.levels!;
    expect(levels).toEqual(['10', '9', 'A', 'B', 'Z', 'a', 'b', 'é', '中']);
    expect(t.col.v!.map((c) => levels[c])).toEqual(vals);
  });
});

describe('errors', () => {
  it('reports a wrong field count with the exact physical line', async () => {
    const lines = ['a,b,c,d,e'];
    for (let i = 2; i < 17; i++) lines.push('1,2,3,4,5');
    lines.push('1,2,3,4,5,6');
    lines.push('1,2,3,4,5');
    const e = await scanError(file('data.csv', lines.join('\n') + '\n'));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe('data.csv, line 17: expected 5 fields, found 6');
    const few = await scanError(file('data.csv', 'a,b,c,d,e\n1,2,3,4,5\n1,2,3\n'));
    expect(few.message).toBe('data.csv, line 3: expected 5 fields, found 3');
  });

  it('counts lines inside multi-line quoted fields for later errors', async () => {
    const content = [
      'a,b,c,d,e',
      '1,"first',
      'second',
      'third",3,4,5', // one record spanning lines 2-4
      '1,2,3,4,5',
      '1,2,"x\r\ny",4,5', // CRLF inside quotes: lines 6-7
      '1,2,3,4', // line 8
    ].join('\n');
    const e = await scanError(file('data.csv', content + '\n'));
    expect(e.message).toBe('data.csv, line 8: expected 5 fields, found 4');
    // The line of a bad record is the line where it starts.
    const e2 = await scanError(file('data.csv', 'a,b\n1,2\n3,"multi\nline",9\n'));
    expect(e2.message).toBe('data.csv, line 3: expected 2 fields, found 3');
  });

  it('reports an unterminated quote at the line where the field starts', async () => {
    const e = await scanError(file('prices.csv', 'id,name,price\n1,a,2\n2,"b,3\n3,c,4\n4,d,5\n'));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe('prices.csv, line 3, column 2 ("name"): quoted field is never closed (unterminated quote)');
  });

  it('reports a character after a closing quote', async () => {
    const lines = ['id,name,price'];
    for (let i = 2; i < 9; i++) lines.push(`${i},n${i},${i}`);
    lines.push('9,x,"12"3');
    const e = await scanError(file('prices.csv', lines.join('\n') + '\n'));
    expect(e.message).toBe('prices.csv, line 9, column 3 ("price"): unexpected character after closing quote');
    const h = await scanError(file('h.csv', 'a,"b"c\n1,2\n'));
    expect(h.message).toBe('h.csv, line 1, column 2: unexpected character after closing quote');
  });

  it('rejects an empty file', async () => {
    expect((await scanError(file('prices.csv', ''))).message).toBe('prices.csv is empty');
    expect((await scanError(file('prices.csv', '\n\r\n\n'))).message).toBe('prices.csv is empty');
    const bomOnly = await scanError(file('prices.csv', '\uFEFF'));
    expect(bomOnly.code).toBe('BAD_FILE');
    expect(bomOnly.message).toBe('prices.csv is empty');
  });

  it('rejects binary content', async () => {
    const bin = Buffer.alloc(2000, 65);
    bin[1500] = 0;
    const e = await scanError(file('x.csv', bin));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe('x.csv does not look like a text file (binary content)');
  });

  it('rejects UTF-16 text without a byte order mark as binary', async () => {
    const e = await scanError(file('u16.csv', Buffer.from('a,b\n1,2\n', 'utf16le')));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe('u16.csv does not look like a text file (binary content)');
  });

  it('rejects an invalid blockRows', async () => {
    const scan = await scanCsv(file('b.csv', 'a\n1\n'));
    await expect(readCsv(scan, () => {}, { blockRows: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reports a missing file as NOT_FOUND', async () => {
    const e = await scanError(join(dir, 'nope.csv'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/^nope\.csv was not found/);
  });

  it('detects a file changed between scan and read', async () => {
    const p = file('chg.csv', 'a,b\n1,x\n2,y\n');
    const scan = await scanCsv(p);
    writeFileSync(p, 'a,b\n1,x\n2,z\n'); // same size, unknown level
    let err: unknown;
    try {
      await readCsv(scan, () => {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BAD_FILE');
    expect((err as AppError).message).toMatch(/^chg\.csv: file changed during import/);
    appendFileSync(p, '3,x\n');
    await expect(readCsv(scan, () => {})).rejects.toThrow(/file changed during import/);
    writeFileSync(p, 'a,b\n1,x\n2,x\n'); // same size, known values: fine
    await expect(readCsv(scan, () => {})).resolves.toBeUndefined();
    writeFileSync(p, 'a,b\n1,x\nz,x\n');
    await expect(readCsv(scan, () => {})).rejects.toThrow(/column 1 \("a"\): value is no longer numeric/);
  });
});

const ZH_NAMES = ['省份', '年份', '地区生产总值', '备注'];
const ZH_TEXT = {
  省份: ['北京', '广东', '黑龙江'],
  备注: ['直辖市', '沿海省份，"经济大省"', null],
};

describe('text encodings', () => {
  // Fixtures written by Python's codecs (test/fixtures/csv/make_encodings.py).
  it('reads GBK files (detected) with a warning naming the encoding', async () => {
    const t = await load(join(FIXTURES, 'gbk.csv'));
    expect(t.scan.encoding).toBe('gb18030');
    expect(t.scan.columns.map((c) => c.name)).toEqual(ZH_NAMES);
    expect(t.text['省份']).toEqual(ZH_TEXT.省份);
    expect(t.text['备注']).toEqual(ZH_TEXT.备注);
    expect(t.col['地区生产总值']).toEqual([36102.6, 110760.9, 14879.2]);
    expect(t.scan.columns[0]!.levels).toEqual(['北京', '广东', '黑龙江'].sort());
    expect(t.scan.warnings).toEqual(['gbk.csv: not UTF-8 text; read as Chinese GB18030/GBK. If names or text look wrong, save the file as UTF-8 CSV']);
  });

  it('reads GB18030 characters outside GBK (four-byte sequences)', async () => {
    const t = await load(join(FIXTURES, 'gb18030.csv'));
    expect(t.scan.encoding).toBe('gb18030');
    expect(t.text['备注']![3]).toBe('𠮷野家 €5');
    expect(t.text['省份']).toEqual([...ZH_TEXT.省份, '吉林']);
  });

  it('reads UTF-16 with a byte order mark and UTF-8 with a BOM without warnings', async () => {
    for (const [name, encoding] of [['utf16le.csv', 'utf-16le'], ['utf8-bom.csv', 'utf-8']] as const) {
      const t = await load(join(FIXTURES, name));
      expect(t.scan.encoding).toBe(encoding);
      expect(t.scan.bom).toBe(true);
      expect(t.scan.columns.map((c) => c.name)).toEqual(ZH_NAMES);
      expect(t.text['备注']).toEqual(ZH_TEXT.备注);
      expect(t.scan.warnings).toEqual([]);
    }
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('城市,x\n上海,1\n', 'utf16le').swap16()]);
    const t = await load(file('be.csv', be));
    expect(t.scan.encoding).toBe('utf-16be');
    expect(t.text['城市']).toEqual(['上海']);
  });

  it('honours an explicit encoding and rejects unknown names', async () => {
    const t = await load(join(FIXTURES, 'gbk.csv'), { encoding: 'GBK' });
    expect(t.text['省份']).toEqual(ZH_TEXT.省份);
    expect(t.scan.warnings).toEqual([]);
    await expect(scanCsv(join(FIXTURES, 'gbk.csv'), { encoding: 'ebcdic' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const e = await scanError(join(FIXTURES, 'gbk.csv'), { encoding: 'utf-8' });
    expect(e.message).toMatch(/^gbk\.csv, line 1: not valid UTF-8 text/);
  });

  it('re-reads as GB18030 when GBK text first appears after an ASCII-only first megabyte', async () => {
    const rows: string[] = ['id,name'];
    for (let i = 0, len = 0; len < 1_200_000; i++) {
      rows.push(`${i},abc`);
      len += rows[i + 1]!.length + 1;
    }
    const n = rows.length - 1;
    const body = Buffer.from(`${rows.join('\n')}\n`);
    const gbk = Buffer.from([0xb1, 0xb1, 0xbe, 0xa9]); // 北京 in GBK
    const t = await load(file('late.csv', Buffer.concat([body, Buffer.from(`${n},`), gbk, Buffer.from('\n')])));
    expect(t.scan.encoding).toBe('gb18030');
    expect(t.scan.nrows).toBe(n + 1);
    expect(t.scan.columns[1]!.levels).toEqual(['abc', '北京']);
    expect(t.scan.warnings[0]).toMatch(/^late\.csv: not UTF-8 text; read as Chinese GB18030/);
  });

  it('still rejects Latin-1 text that is not GB18030 either', async () => {
    const e = await scanError(file('cafe.csv', Buffer.concat([Buffer.from('a,b\n1,caf'), Buffer.from([0xe9]), Buffer.from(',\n')])));
    expect(e.message).toMatch(/^cafe\.csv, line 2: not valid UTF-8 text/);
  });

  it('decodes GBK split across the 1 MB read boundary', async () => {
    const head = 'id,name\n';
    const pad = 'x'.repeat((1 << 20) - head.length - 3); // 中 (D6 D0) straddles the boundary
    const zh = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]); // 中文
    const kan = Buffer.from([0xbf, 0xb4]); // 看
    const p = file('split.csv', Buffer.concat([Buffer.from(`${head}1,${pad}`), zh, Buffer.from('\n2,'), kan, Buffer.from('\n')]));
    const t = await load(p);
    expect(t.scan.encoding).toBe('gb18030');
    expect(t.text.name![0]).toBe(`${pad}中文`);
    expect(t.text.name![1]).toBe('看');
  });
});

describe('thousands separators', () => {
  it('reads a semicolon file: unambiguous columns numeric, "1,234"-only columns and decimal commas text', async () => {
    const t = await load(join(FIXTURES, 'thousands.csv'));
    expect(t.scan.delimiter).toBe(';');
    expect(t.scan.columns.map((c) => c.kind)).toEqual(['text', 'numeric', 'text', 'text', 'text']);
    expect(t.col.gdp).toEqual([1234567.89, 2345, -999]);
    expect(t.text.pop).toEqual(['1,234', '12,345', '999']);
    expect(t.text.rate).toEqual(['1,5', '2,25', '3']);
    expect(t.text.mixed).toEqual(['1,234', '12,34', '5']);
    expect(t.scan.warnings).toEqual([
      'thousands.csv, column 2 ("gdp"): 2 numbers with thousands separators (such as "1,234,567.89") read as numbers',
      'thousands.csv, column 3 ("pop"): read as text because values such as "1,234" may have a decimal comma or a thousands separator',
      'thousands.csv, column 5 ("mixed"): read as text because of the non-numeric value "12,34" on line 3',
    ]);
  });

  it('accepts quoted separators in comma files (with a warning) and tab files', async () => {
    const t = await load(file('q.csv', 'a,b\n"1,234",1\n"12,345,678",2\n5,3\n'));
    expect(t.col.a).toEqual([1234, 12345678, 5]);
    expect(t.scan.warnings).toEqual(['q.csv, column 1 ("a"): 2 numbers with thousands separators (such as "1,234") read as numbers']);
    const tab = await load(file('t.tsv', 'a\tb\n1,234.5\tx\n-2,000\ty\n'));
    expect(tab.col.a).toEqual([1234.5, -2000]);
  });

  it('leaves a column text when separators are inconsistent', async () => {
    const t = await load(file('bad.csv', 'a;b\n"1,234";1\n"1,23,456";2\n'));
    expect(t.scan.columns[0]!.kind).toBe('text');
    expect(t.text.a).toEqual(['1,234', '1,23,456']);
  });
});

describe('header', () => {
  it('allows a header without data rows, with a warning', async () => {
    const p = file('prices.csv', 'id,name,price\n');
    const scan = await scanCsv(p);
    expect(scan.nrows).toBe(0);
    expect(scan.columns).toEqual([
      { name: 'id', kind: 'numeric', missing: 0 },
      { name: 'name', kind: 'numeric', missing: 0 },
      { name: 'price', kind: 'numeric', missing: 0 },
    ]);
    expect(scan.warnings).toEqual(['prices.csv has a header row but no data rows']);
    const blocks: CsvBlock[] = [];
    await readCsv(scan, (b) => void blocks.push(b));
    expect(blocks).toEqual([]);
    const noBreak = await scanCsv(file('prices.csv', 'id,name'));
    expect(noBreak.nrows).toBe(0);
    expect(noBreak.columns.map((c) => c.name)).toEqual(['id', 'name']);
  });

  it('trims names, names empty ones vN and renames duplicates', async () => {
    const t = await load(file('dup.csv', ' a ,,a,b,"a", ,v2\n1,2,3,4,5,6,7\n'));
    expect(t.scan.columns.map((c) => c.name)).toEqual(['a', 'v2', 'a_2', 'b', 'a_3', 'v6', 'v2_2']);
    expect(t.col.a_3).toEqual([5]);
    expect(t.scan.warnings).toEqual([
      'dup.csv: columns without a name were named by position: 2 → "v2", 6 → "v6"',
      'dup.csv: duplicate column names were renamed: column 3 "a" → "a_2", column 5 "a" → "a_3", column 7 "v2" → "v2_2"',
    ]);
  });

  it('accepts Chinese column names', async () => {
    const t = await load(file('zh.csv', '省份,年份,收入\n广东,2020,1.5\n浙江,2021,2\n'));
    expect(t.scan.columns.map((c) => c.name)).toEqual(['省份', '年份', '收入']);
    expect(t.text['省份']).toEqual(['广东', '浙江']);
    expect(t.col['收入']).toEqual([1.5, 2]);
  });
});

describe('blocks, progress and cancellation', () => {
  it('splits values into blocks of blockRows rows, continuous across blocks', async () => {
    const lines = ['i,s,x'];
    for (let i = 0; i < 10; i++) lines.push(`${i},${'abc'[i % 3]},${i % 4 === 0 ? 'NA' : i / 2}`);
    const t = await load(file('blocks.csv', lines.join('\n') + '\n'), { blockRows: 3 });
    expect(t.blocks.map((b) => [b.offset, b.length])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
      [9, 1],
    ]);
    for (const b of t.blocks) {
      for (const c of b.columns) {
        expect(c.length).toBe(b.length);
        expect(c.byteOffset).toBe(0);
        expect(c.buffer.byteLength).toBe(c.byteLength);
      }
    }
    expect(t.col.i).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(t.text.s).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(t.col.x).toEqual([NaN, 0.5, 1, 1.5, NaN, 2.5, 3, 3.5, NaN, 4.5]);
    const exact = await load(file('blocks.csv', lines.join('\n') + '\n'), { blockRows: 5 });
    expect(exact.blocks.map((b) => [b.offset, b.length])).toEqual([
      [0, 5],
      [5, 5],
    ]);
  });

  it('waits for asynchronous onBlock callbacks in order', async () => {
    const lines = ['i'];
    for (let i = 0; i < 50; i++) lines.push(String(i));
    const scan = await scanCsv(file('async.csv', lines.join('\n')));
    const seen: number[] = [];
    let busy = false;
    await readCsv(
      scan,
      async (b) => {
        expect(busy).toBe(false);
        busy = true;
        await new Promise((r) => setTimeout(r, 1));
        seen.push(b.offset);
        busy = false;
      },
      { blockRows: 8 },
    );
    expect(seen).toEqual([0, 8, 16, 24, 32, 40, 48]);
  });

  it('reports progress and a long quoted field spanning many chunks', async () => {
    const big = 'y'.repeat(3_500_000);
    const p = file('long.csv', `a,b\n1,"${big}"\n2,short\n`);
    const fractions: number[] = [];
    const scan = await scanCsv(p, { onProgress: (f) => fractions.push(f) });
    expect(scan.nrows).toBe(2);
    expect(scan.columns[1]!.levels!.map((l) => l.length)).toEqual([5, 3_500_000]);
    expect(fractions.length).toBeGreaterThanOrEqual(3);
    expect(fractions.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
    const t = await load(p);
    expect(t.text.b!.map((v) => v!.length)).toEqual([3_500_000, 5]);
  });

  it('throws CANCELLED when the signal is aborted', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 300_000; i++) lines.push(`${i},${i % 10}`);
    const p = file('abort.csv', lines.join('\n') + '\n');
    const pre = new AbortController();
    pre.abort();
    await expect(scanCsv(p, { signal: pre.signal })).rejects.toMatchObject({ code: 'CANCELLED', message: 'import cancelled' });

    const during = new AbortController();
    const scanErr = await scanError(p, { signal: during.signal, onProgress: () => during.abort() });
    expect(scanErr.code).toBe('CANCELLED');

    const scan = await scanCsv(p);
    const ctl = new AbortController();
    let blocks = 0;
    await expect(
      readCsv(
        scan,
        () => {
          blocks++;
          if (blocks === 2) ctl.abort();
        },
        { signal: ctl.signal, blockRows: 1000 },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(blocks).toBe(2);
  });
});

describe('performance', () => {
  it('scans and reads 233,819 rows × 10 columns', async () => {
    const regions = Array.from({ length: 300 }, (_, i) => `region_${String(i).padStart(3, '0')}`);
    const parts: string[] = ['id,year,x1,x2,x3,y,w,region,z,k\n'];
    let chunk = '';
    let s = 12345;
    const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const n = 233_819;
    for (let i = 0; i < n; i++) {
      const x3 = i % 97 === 0 ? 'NA' : (rnd() * 1000 - 500).toFixed(3);
      const z = i % 50 === 0 ? '' : String(Math.floor(rnd() * 10));
      chunk += `${i + 1},${2000 + (i % 20)},${(rnd() * 10).toFixed(6)},${Math.floor(rnd() * 100000)},${x3},${(rnd() * 1e6).toExponential(4)},${rnd().toFixed(4)},${regions[i % 300]},${z},${(rnd() * 3).toFixed(2)}\n`;
      if (chunk.length > 1_000_000) {
        parts.push(chunk);
        chunk = '';
      }
    }
    parts.push(chunk);
    const p = file('perf.csv', parts.join(''));
    const t0 = performance.now();
    const scan = await scanCsv(p);
    const t1 = performance.now();
    let rows = 0;
    let sumId = 0;
    await readCsv(scan, (b) => {
      rows += b.length;
      const id = b.columns[0]!;
      for (let i = 0; i < b.length; i++) sumId += id[i]!;
    });
    const t2 = performance.now();
    console.log(
      `csv perf: ${n} rows, ${(statSync(p).size / 1048576).toFixed(1)} MB: scan ${(t1 - t0).toFixed(0)} ms + read ${(t2 - t1).toFixed(0)} ms = ${(t2 - t0).toFixed(0)} ms`,
    );
    expect(scan.nrows).toBe(n);
    expect(rows).toBe(n);
    expect(sumId).toBe((n * (n + 1)) / 2);
    expect(scan.columns.map((c) => c.kind)).toEqual([
      'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'text', 'numeric', 'numeric',
    ]);
    expect(scan.columns[7]!.levels).toHaveLength(300);
    expect(scan.columns[4]!.missing).toBe(Math.ceil(n / 97));
    expect(scan.columns[8]!.missing).toBe(Math.ceil(n / 50));
    expect(readFileSync(p).length).toBe(scan.bytes);
  });
});
