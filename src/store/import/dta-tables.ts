// The parts of a .dta file after the data: strL contents (GSO blocks, formats 117+) and value-label
// tables. Both are read before the data so that strL cells and labels can be resolved while the
// data streams by.
import { type DtaCursor, cString, decodeText } from './dta-bytes.js';
import type { DtaLayout } from './dta-header.js';

/** Stata's largest non-missing long; value-label entries above it label missing codes (.a, ...). */
const MAX_LONG = 2147483620;

/** strL contents by (v,o); `null` marks binary contents that are not text. */
export type StrlTable = Map<number, string | null>;

/** One number for a (v,o) pair: v < 2^17 (at most 120,000 variables), o < 2^36 (observations). */
export function strlKey(v: number, o: number): number {
  return o * 131072 + v;
}

export interface DtaTables {
  strls: StrlTable;
  /** Value-label tables by label name: code (as a string) → text. */
  valueLabels: Map<string, Record<string, string>>;
}

/** Read from `layout.dataEnd` to the end of the file. */
export async function readTables(c: DtaCursor, layout: DtaLayout): Promise<DtaTables> {
  c.pos = layout.dataEnd;
  return layout.version >= 117 ? readXmlTables(c, layout) : readOldTables(c);
}

function parseLabelTable(c: DtaCursor, table: Buffer, name: string, unicode: boolean): Record<string, string> {
  const u32 = (i: number) => (c.le ? table.readUInt32LE(i) : table.readUInt32BE(i));
  const i32 = (i: number) => (c.le ? table.readInt32LE(i) : table.readInt32BE(i));
  if (table.length < 8) throw c.bad(`value label "${name}" is damaged (its table is ${table.length} bytes)`);
  const n = u32(0);
  const txtlen = u32(4);
  if (8 + 8 * n + txtlen > table.length) throw c.bad(`value label "${name}" is damaged (${n} entries and ${txtlen} bytes of text do not fit in ${table.length} bytes)`);
  const txt = table.subarray(8 + 8 * n, 8 + 8 * n + txtlen);
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const off = u32(8 + 4 * i);
    const val = i32(8 + 4 * n + 4 * i);
    if (off >= txtlen) throw c.bad(`value label "${name}" is damaged (text offset ${off} is outside its ${txtlen} bytes)`);
    if (val > MAX_LONG) continue; // labels of extended missing codes: those values import as missing
    out[String(val)] = decodeText(cString(txt.subarray(off)), unicode);
  }
  return out;
}

async function readOldTables(c: DtaCursor): Promise<DtaTables> {
  const valueLabels = new Map<string, Record<string, string>>();
  while (c.pos < c.size) {
    await c.need(4 + 33 + 3, 'a value-label table');
    const len = c.u32();
    const name = decodeText(cString(c.bytes(33)), false);
    c.skip(3);
    await c.need(len, `value label "${name}"`);
    valueLabels.set(name, parseLabelTable(c, c.bytes(len), name, false));
  }
  return { strls: new Map(), valueLabels };
}

async function readXmlTables(c: DtaCursor, layout: DtaLayout): Promise<DtaTables> {
  const { version, unicode } = layout;
  await c.expect('</data>');
  await c.expect('<strls>');
  const strls: StrlTable = new Map();
  // pandas 1.5.3 writes the GSO headers of a big-endian file little-endian; a header that makes
  // no sense in the file's byte order is read in the other one.
  let gsoLe = c.le;
  while (await c.accept('GSO')) {
    const at = c.pos - 3;
    const headLen = version === 117 ? 13 : 17;
    await c.need(headLen, 'a strL');
    let head = gsoHeader(c, version, gsoLe);
    if (!head) {
      c.pos = at + 3;
      head = gsoHeader(c, version, !gsoLe);
      if (!head) throw c.bad(`the strL at byte ${at} is damaged (its header gives an impossible type, observation or length)`);
      gsoLe = !gsoLe;
    }
    await c.need(head.len, `the strL at byte ${at}`);
    strls.set(strlKey(head.v, head.o), gsoText(c.bytes(head.len), head.t === 129, unicode));
  }
  await c.expect('</strls>');
  await c.expect('<value_labels>');
  const valueLabels = new Map<string, Record<string, string>>();
  const nameLen = unicode ? 129 : 33;
  while (await c.accept('<lbl>')) {
    await c.need(4 + nameLen + 3, 'a value-label table');
    const len = c.u32();
    const name = decodeText(cString(c.bytes(nameLen)), unicode);
    c.skip(3);
    await c.need(len, `value label "${name}"`);
    valueLabels.set(name, parseLabelTable(c, c.bytes(len), name, unicode));
    await c.expect('</lbl>');
  }
  await c.expect('</value_labels>');
  await c.expect('</stata_dta>');
  return { strls, valueLabels };
}

/** A GSO header (after "GSO") read in byte order `le`, or null when it cannot be right. */
function gsoHeader(c: DtaCursor, version: number, le: boolean): { v: number; o: number; t: number; len: number } | null {
  const fileLe = c.le;
  c.le = le;
  try {
    const v = c.u32();
    const a = c.u32();
    const b = version === 117 ? 0 : c.u32();
    const o = version === 117 ? a : le ? b * 0x100000000 + a : a * 0x100000000 + b;
    const t = c.u8();
    const len = c.u32();
    const ok = (t === 129 || t === 130) && o < 2 ** 36 && c.pos + len <= c.size;
    return ok ? { v, o, t, len } : null;
  } finally {
    c.le = fileLe;
  }
}

/**
 * Type 130 strLs are NUL-terminated text. Type 129 is "binary": Stata uses it for strLs that may
 * hold anything, including plain text without a terminator; it is taken as text when it has no
 * NUL or control bytes, otherwise it is not text (`null`).
 */
function gsoText(b: Buffer, binary: boolean, unicode: boolean): string | null {
  const body = b.length > 0 && b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b;
  if (binary) {
    for (let i = 0; i < body.length; i++) {
      const x = body[i];
      if (x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d) return null;
    }
  }
  return decodeText(body, unicode);
}
