// Export a dataset as a Stata .dta file, format 118 (Stata 14+, UTF-8), little-endian, following
// Stata's `help dta`. Numeric variables are written as double (missing → `.`), categorical ones as
// str# (# = longest level in UTF-8 bytes) or strL beyond 2045 bytes; variable and value labels go
// along. The file is written next to the target and renamed into place when complete, so a failed
// export never leaves a half-written file under the user's name.
import { open, rename, rm } from 'node:fs/promises';
import { AppError } from '../shared/errors.js';
import type { VariableInfo } from '../shared/types.js';
import { CHUNK_ROWS } from './codec.js';
import type { ProjectStore } from './project.js';
import { selectVariables } from './select-variables.js';

const MISSING_DOUBLE = 2 ** 1023; // Stata's `.` for doubles, 0x7fe0000000000000
const MAX_STR = 2045;
const MAX_LONG = 2147483620;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

type Plan =
  | { kind: 'double'; tooLarge: number }
  | { kind: 'str'; width: number; bytes: Map<string, Buffer> }
  | { kind: 'strL'; bytes: Map<string, Buffer>; refs: Map<string, number> };

interface Gso {
  v: number;
  o: number;
  bytes: Buffer;
}

/** Little-endian byte builder for the small sections. */
class Bytes {
  private readonly parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  tag(s: string): this {
    return this.push(Buffer.from(s, 'latin1'));
  }
  uint(x: number, bytes: 1 | 2 | 4 | 8): this {
    const b = Buffer.alloc(bytes);
    if (bytes === 8) {
      b.writeUInt32LE(x % 0x100000000, 0);
      b.writeUInt32LE(Math.floor(x / 0x100000000), 4);
    } else b.writeUIntLE(x, 0, bytes);
    return this.push(b);
  }
  /** A NUL-padded field of `width` bytes (text already cut to fit, leaving room for the NUL). */
  fixed(s: string, width: number): this {
    const b = Buffer.alloc(width);
    Buffer.from(s, 'utf8').copy(b, 0, 0, width - 1);
    return this.push(b);
  }
  take(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** Cut to at most `chars` characters and `bytes` UTF-8 bytes, on a character boundary. */
function cut(s: string, chars: number, bytes: number): string {
  let out = '';
  let n = 0;
  let used = 0;
  for (const ch of s) {
    const len = Buffer.byteLength(ch, 'utf8');
    if (n === chars || used + len > bytes) break;
    out += ch;
    n++;
    used += len;
  }
  return out;
}

// Stata's reserved words cannot be variable names (`help reswords`); str1…str2045 neither.
const RESERVED = new Set(['_all', '_b', 'byte', '_coef', '_cons', 'double', 'float', 'if', 'in', 'int', 'long', '_n', '_N', '_pi', '_pred', '_rc', '_skip', 'strL', 'using', 'with']);
const isReserved = (s: string) => RESERVED.has(s) || /^str\d+$/.test(s);

/**
 * Valid, distinct Stata names: 1–32 characters, Unicode letters (format 118), ASCII digits and _,
 * not starting with a digit. Other characters become _; a name that changes is reported.
 */
export function stataNames(original: string[]): { names: string[]; renamed: [string, string][] } {
  const used = new Set<string>();
  const renamed: [string, string][] = [];
  const names = original.map((raw) => {
    let s = raw.normalize('NFC').replace(/[^\p{L}0-9_]/gu, '_');
    if (s === '') s = 'var';
    if (/^[0-9]/.test(s)) s = `_${s}`;
    s = cut(s, 32, 128);
    if (isReserved(s)) s = `${cut(s, 31, 127)}_`;
    for (let k = 2; used.has(s); k++) {
      const suffix = `_${k}`;
      s = `${cut(s.replace(/_\d+$/, ''), 32 - suffix.length, 128 - suffix.length)}${suffix}`;
    }
    used.add(s);
    if (s !== raw) renamed.push([raw, s]);
    return s;
  });
  return { names, renamed };
}

function timestamp(d: Date): string {
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function planColumn(v: VariableInfo): Plan {
  if (v.type === 'numeric') return { kind: 'double', tooLarge: 0 };
  const bytes = new Map<string, Buffer>();
  let width = 1;
  for (const level of v.levels ?? []) {
    const b = Buffer.from(level, 'utf8');
    bytes.set(level, b);
    width = Math.max(width, b.length);
  }
  return width <= MAX_STR ? { kind: 'str', width, bytes } : { kind: 'strL', bytes, refs: new Map() };
}

function displayFormat(v: VariableInfo, plan: Plan): string {
  if (plan.kind === 'str') return `%${plan.width}s`;
  if (plan.kind === 'strL') return '%9s';
  const source = v.recipe.kind === 'import' ? v.recipe.sourceType : undefined;
  return source === 'date' ? '%td' : source === 'datetime' ? '%tc' : '%10.0g';
}

/** A value-label table (format 118 <lbl> contents), or null when nothing usable is left. */
function labelTable(name: string, labels: Record<string, string>, warnings: string[]): Buffer | null {
  const entries: [number, Buffer][] = [];
  const skipped: string[] = [];
  for (const [key, text] of Object.entries(labels)) {
    const val = Number(key);
    if (key.trim() === '' || !Number.isInteger(val) || val < -2147483647 || val > MAX_LONG) skipped.push(key);
    else entries.push([val, Buffer.from(`${cut(text, 32000, 32000)}\0`, 'utf8')]);
  }
  if (skipped.length > 0) warnings.push(`${name}: value labels for ${skipped.map((k) => `"${k}"`).join(', ')} were left out (Stata labels only whole numbers)`);
  if (entries.length === 0) return null;
  entries.sort((a, b) => a[0] - b[0]);
  const n = entries.length;
  const txtlen = entries.reduce((s, [, b]) => s + b.length, 0);
  const table = Buffer.alloc(8 + 8 * n + txtlen);
  table.writeUInt32LE(n, 0);
  table.writeUInt32LE(txtlen, 4);
  let off = 0;
  entries.forEach(([val, text], i) => {
    table.writeUInt32LE(off, 8 + 4 * i);
    table.writeInt32LE(val, 8 + 4 * n + 4 * i);
    text.copy(table, 8 + 8 * n + off);
    off += text.length;
  });
  return table;
}

export async function exportDta(store: ProjectStore, datasetId: number, target: string, variables?: string[]): Promise<{ path: string; rows: number; warnings: string[] }> {
  if (!target.toLowerCase().endsWith('.dta')) throw new AppError('INVALID_ARGUMENT', `${target}: a Stata file name must end in .dta`);
  const ds = store.getDataset(datasetId);
  const vars = selectVariables(ds, variables);
  if (vars.length > 32767) throw new AppError('INVALID_ARGUMENT', `${ds.name} has ${vars.length} variables; Stata format 118 holds at most 32,767`);
  const warnings: string[] = [];
  const { names, renamed } = stataNames(vars.map((v) => v.name));
  for (const [from, to] of renamed) warnings.push(`variable "${from}" is named ${to} in the Stata file (Stata names: letters, digits and _, not starting with a digit, at most 32 characters)`);
  const plans = vars.map(planColumn);
  const widths = plans.map((p) => (p.kind === 'str' ? p.width : 8));
  const rowWidth = widths.reduce((s, w) => s + w, 0);

  const temp = `${target}.${process.pid}.part`;
  const fh = await open(temp, 'w');
  let pos = 0;
  const write = async (b: Buffer) => {
    let done = 0;
    while (done < b.length) done += (await fh.write(b, done, b.length - done, pos + done)).bytesWritten;
    pos += b.length;
  };
  try {
    const map: number[] = new Array<number>(14).fill(0);
    const head = new Bytes().tag('<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>').uint(vars.length, 2).tag('</K><N>').uint(ds.nrows, 8);
    head.tag('</N><label>').uint(0, 2).tag('</label><timestamp>').uint(17, 1).tag(timestamp(new Date())).tag('</timestamp></header>');
    map[1] = head.length;
    head.tag('<map>');
    const mapAt = head.length;
    head.push(Buffer.alloc(14 * 8)).tag('</map>');

    // Descriptors: each section's offset goes into the map.
    const tables: [string, Buffer][] = [];
    const labelNames = vars.map((v, j) => {
      if (v.type !== 'numeric' || !v.valueLabels || Object.keys(v.valueLabels).length === 0) return '';
      const table = labelTable(names[j], v.valueLabels, warnings);
      if (!table) return '';
      tables.push([names[j], table]);
      return names[j];
    });
    const labels = vars.map((v, j) => {
      const text = v.label.en ?? v.label.zh ?? '';
      const short = cut(text, 80, 320);
      if (short !== text) warnings.push(`${names[j]}: the variable label was cut to Stata's 80 characters`);
      return short;
    });
    const sections: [number, string, (b: Bytes) => void][] = [
      [2, 'variable_types', (b) => plans.forEach((p, j) => b.uint(p.kind === 'double' ? 65526 : p.kind === 'strL' ? 32768 : widths[j], 2))],
      [3, 'varnames', (b) => names.forEach((n) => b.fixed(n, 129))],
      [4, 'sortlist', (b) => b.push(Buffer.alloc(2 * (vars.length + 1)))],
      [5, 'formats', (b) => vars.forEach((v, j) => b.fixed(displayFormat(v, plans[j]), 57))],
      [6, 'value_label_names', (b) => labelNames.forEach((n) => b.fixed(n, 129))],
      [7, 'variable_labels', (b) => labels.forEach((l) => b.fixed(l, 321))],
      [8, 'characteristics', () => undefined],
    ];
    for (const [slot, tag, fill] of sections) {
      map[slot] = head.length;
      head.tag(`<${tag}>`);
      fill(head);
      head.tag(`</${tag}>`);
    }
    map[9] = head.length;
    head.tag('<data>');
    await write(head.take());

    // Data, one store chunk of rows at a time.
    const gsos: Gso[] = [];
    for (let offset = 0; offset < ds.nrows; offset += CHUNK_ROWS) {
      const page = store.readRows(datasetId, offset, CHUNK_ROWS, vars.map((v) => v.name));
      const block = Buffer.alloc(page.nrows * rowWidth);
      let at = 0;
      vars.forEach((v, j) => {
        const values = page.columns[v.name];
        const plan = plans[j];
        for (let i = 0, p = at; i < page.nrows; i++, p += rowWidth) {
          const x = values[i];
          if (plan.kind === 'double') {
            const ok = typeof x === 'number' && x < MISSING_DOUBLE;
            if (typeof x === 'number' && !ok) plan.tooLarge++;
            block.writeDoubleLE(ok ? x : MISSING_DOUBLE, p);
          } else if (typeof x === 'string' && x !== '') {
            const bytes = plan.bytes.get(x) ?? Buffer.from(x, 'utf8');
            if (plan.kind === 'str') bytes.copy(block, p, 0, plan.width);
            else {
              // strL: the first cell holding a text stores it as GSO (v = variable, o = observation,
              // both 1-based); every other cell with that text refers to it.
              let o = plan.refs.get(x);
              if (o === undefined) {
                o = offset + i + 1;
                plan.refs.set(x, o);
                gsos.push({ v: j + 1, o, bytes });
              }
              block.writeUInt16LE(j + 1, p);
              block.writeUIntLE(o, p + 2, 6);
            }
          }
        }
        at += widths[j];
      });
      await write(block);
    }
    plans.forEach((p, j) => {
      if (p.kind === 'double' && p.tooLarge > 0) warnings.push(`${names[j]}: ${p.tooLarge} values of 8.99e307 or more cannot be stored in Stata and were written as missing`);
    });

    const tail = new Bytes().tag('</data>');
    map[10] = pos + tail.length;
    tail.tag('<strls>');
    gsos.sort((a, b) => a.o - b.o || a.v - b.v);
    for (const g of gsos) tail.tag('GSO').uint(g.v, 4).uint(g.o, 8).uint(130, 1).uint(g.bytes.length + 1, 4).push(g.bytes).push(Buffer.alloc(1));
    tail.tag('</strls>');
    map[11] = pos + tail.length;
    tail.tag('<value_labels>');
    for (const [name, table] of tables) tail.tag('<lbl>').uint(table.length, 4).fixed(name, 129).push(Buffer.alloc(3)).push(table).tag('</lbl>');
    tail.tag('</value_labels>');
    map[12] = pos + tail.length;
    tail.tag('</stata_dta>');
    map[13] = pos + tail.length;
    await write(tail.take());

    const mapBytes = new Bytes();
    for (const x of map) mapBytes.uint(x, 8);
    const m = mapBytes.take();
    await fh.write(m, 0, m.length, mapAt);
    await fh.close();
    await rename(temp, target);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  return { path: target, rows: ds.nrows, warnings };
}
