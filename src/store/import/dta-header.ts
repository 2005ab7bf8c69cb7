// The header and variable descriptors of a Stata .dta file, formats 113–115 (binary header) and
// 117–119 (XML-like tags), as described in Stata's `help dta` (formats 113 to 119). The XML
// formats are parsed tag by tag rather than through the <map> offsets: each section's size
// follows from K and the format, and pandas notes format-117 files whose map points to the wrong
// place for the variable labels; a tag not where it must be is reported as a damaged file.
import { type DtaCursor, fixedText } from './dta-bytes.js';

export type DtaNumericKind = 'byte' | 'int' | 'long' | 'float' | 'double';

export type DtaType = { kind: DtaNumericKind } | { kind: 'str'; width: number } | { kind: 'strL' };

export interface DtaVariable {
  name: string;
  type: DtaType;
  /** Bytes the variable takes in one row of the data section. */
  width: number;
  /** Byte offset inside a row. */
  offset: number;
  format: string;
  valueLabelName: string;
  label: string;
}

export interface DtaLayout {
  version: number;
  /** Strings are UTF-8 (formats 118+) rather than an 8-bit code page. */
  unicode: boolean;
  littleEndian: boolean;
  nobs: number;
  variables: DtaVariable[];
  rowWidth: number;
  /** File offset of the first data row. */
  dataStart: number;
  /** File offset just past the last data row. */
  dataEnd: number;
}

const NUMERIC_WIDTH: Record<DtaNumericKind, number> = { byte: 1, int: 2, long: 4, float: 4, double: 8 };

const STATA_OF_FORMAT: Record<number, string> = {
  102: 'Stata 1', 103: 'Stata 2–3', 104: 'Stata 4', 105: 'Stata 5', 106: 'Stata 5', 107: 'Stata 6', 108: 'Stata 6',
  110: 'Stata 7', 111: 'Stata 7/SE', 112: 'Stata 8 beta', 113: 'Stata 8–9', 114: 'Stata 10–11', 115: 'Stata 12',
  117: 'Stata 13', 118: 'Stata 14 or later', 119: 'Stata 15 or later, more than 32,767 variables',
  120: 'Stata 18, with alias variables', 121: 'Stata 18, with alias variables and more than 32,767 variables',
};

function unsupported(c: DtaCursor, version: number): Error {
  const who = STATA_OF_FORMAT[version] ? ` (${STATA_OF_FORMAT[version]})` : '';
  const how =
    version < 113
      ? 're-save it in Stata 13 or later (`save`, or `saveold` with version(13) or later) and import that file'
      : 're-save it in Stata with `saveold` as version 13, 14 or 15 and import that file';
  return c.bad(`Stata format ${version}${who} is not supported (this reader knows formats 113–119); ${how}`);
}

export async function readLayout(c: DtaCursor): Promise<DtaLayout> {
  if (c.size < 4) throw c.bad(c.size === 0 ? 'the file is empty' : 'the file is too short to be a Stata .dta file');
  if (await c.accept('<stata_dta>')) return readXmlLayout(c);
  await c.need(4, 'the file header');
  const head = c.bytes(4);
  const [version, order, filetype] = [head[0], head[1], head[2]];
  c.pos = 0;
  // Old formats start with the format number, a byte-order flag (1 = HILO, 2 = LOHI) and file type 1.
  if (version >= 101 && version <= 116 && (order === 1 || order === 2) && filetype === 1) {
    if (version < 113 || version === 116) throw unsupported(c, version);
    return readOldLayout(c);
  }
  throw c.bad('not a Stata .dta file (it does not start with a Stata header)');
}

function descriptorsToVariables(
  types: DtaType[],
  names: string[],
  formats: string[],
  valueLabelNames: string[],
  labels: string[],
): { variables: DtaVariable[]; rowWidth: number } {
  let offset = 0;
  const variables = types.map((type, j) => {
    const width = type.kind === 'str' ? type.width : type.kind === 'strL' ? 8 : NUMERIC_WIDTH[type.kind];
    const v: DtaVariable = { name: names[j], type, width, offset, format: formats[j], valueLabelName: valueLabelNames[j], label: labels[j] };
    offset += width;
    return v;
  });
  return { variables, rowWidth: offset };
}

/** `count` fixed-width text fields of `len` bytes each. */
async function fixedFields(c: DtaCursor, count: number, len: number, what: string, unicode: boolean): Promise<string[]> {
  await c.need(count * len, what);
  const out: string[] = [];
  for (let j = 0; j < count; j++) out.push(fixedText(c.bytes(len), unicode));
  return out;
}

function finishLayout(c: DtaCursor, version: number, unicode: boolean, nobs: number, vars: { variables: DtaVariable[]; rowWidth: number }): DtaLayout {
  const dataStart = c.pos;
  const dataEnd = dataStart + nobs * vars.rowWidth;
  if (dataEnd > c.size) {
    throw c.bad(
      `the data section needs ${nobs} observations × ${vars.rowWidth} bytes (up to byte ${dataEnd}) but the file ends at byte ${c.size}; the file is truncated`,
    );
  }
  return { version, unicode, littleEndian: c.le, nobs, variables: vars.variables, rowWidth: vars.rowWidth, dataStart, dataEnd };
}

// ------------------------------------------------------------------------ formats 113–115

function oldType(c: DtaCursor, code: number, j: number): DtaType {
  if (code >= 1 && code <= 244) return { kind: 'str', width: code };
  const kinds: Record<number, DtaNumericKind> = { 251: 'byte', 252: 'int', 253: 'long', 254: 'float', 255: 'double' };
  const kind = kinds[code];
  if (!kind) throw c.bad(`variable ${j + 1} has an unknown storage type code ${code}`);
  return { kind };
}

async function readOldLayout(c: DtaCursor): Promise<DtaLayout> {
  await c.need(109, 'the file header');
  const version = c.u8();
  c.le = c.u8() === 2;
  c.skip(2);
  const nvar = c.u16();
  const nobs = c.u32();
  c.skip(81 + 18); // dataset label, time stamp

  await c.need(nvar, 'the variable types');
  const codes = c.bytes(nvar);
  const types = Array.from(codes, (code, j) => oldType(c, code, j));
  const names = await fixedFields(c, nvar, 33, 'the variable names', false);
  await c.need(2 * (nvar + 1), 'the sort order');
  c.skip(2 * (nvar + 1));
  const formats = await fixedFields(c, nvar, version === 113 ? 12 : 49, 'the display formats', false);
  const valueLabelNames = await fixedFields(c, nvar, 33, 'the value-label names', false);
  const labels = await fixedFields(c, nvar, 81, 'the variable labels', false);

  // Expansion fields (characteristics): type byte, 4-byte length, contents; type 0 length 0 ends them.
  for (;;) {
    await c.need(5, 'the expansion fields');
    const type = c.u8();
    const len = c.u32();
    if (type === 0 && len === 0) break;
    if (c.pos + len > c.size) throw c.bad(`an expansion field at byte ${c.pos - 5} runs past the end of the file; the file is truncated or damaged`);
    c.skip(len);
  }
  return finishLayout(c, version, false, nobs, descriptorsToVariables(types, names, formats, valueLabelNames, labels));
}

// ------------------------------------------------------------------------ formats 117–119

function xmlType(c: DtaCursor, code: number, j: number): DtaType {
  if (code >= 1 && code <= 2045) return { kind: 'str', width: code };
  if (code === 32768) return { kind: 'strL' };
  const kinds: Record<number, DtaNumericKind> = { 65526: 'double', 65527: 'float', 65528: 'long', 65529: 'int', 65530: 'byte' };
  const kind = kinds[code];
  if (!kind) throw c.bad(`variable ${j + 1} has an unknown storage type code ${code}`);
  return { kind };
}

async function readXmlLayout(c: DtaCursor): Promise<DtaLayout> {
  await c.expect('<header>');
  await c.expect('<release>');
  await c.need(3, 'the format number');
  const release = c.bytes(3).toString('latin1');
  const version = /^\d{3}$/.test(release) ? Number(release) : NaN;
  if (!Number.isFinite(version)) throw c.bad(`the format number "${release}" is not a number; the file is damaged`);
  if (version < 117 || version > 119) throw unsupported(c, version);
  await c.expect('</release>');
  await c.expect('<byteorder>');
  await c.need(3, 'the byte order');
  const order = c.bytes(3).toString('latin1');
  if (order !== 'MSF' && order !== 'LSF') throw c.bad(`the byte order "${order}" is neither MSF nor LSF; the file is damaged`);
  c.le = order === 'LSF';
  await c.expect('</byteorder>');
  await c.expect('<K>');
  await c.need(4, 'the number of variables');
  const nvar = version === 119 ? c.u32() : c.u16();
  await c.expect('</K>');
  await c.expect('<N>');
  await c.need(8, 'the number of observations');
  const nobs = version === 117 ? c.u32() : c.u64('the number of observations');
  await c.expect('</N>');
  await c.expect('<label>');
  await c.need(2, 'the dataset label');
  const labelLen = version === 117 ? c.u8() : c.u16();
  await c.need(labelLen, 'the dataset label');
  c.skip(labelLen);
  await c.expect('</label>');
  await c.expect('<timestamp>');
  await c.need(1, 'the time stamp');
  const stampLen = c.u8();
  await c.need(stampLen, 'the time stamp');
  c.skip(stampLen);
  await c.expect('</timestamp>');
  await c.expect('</header>');
  await c.expect('<map>');
  await c.need(14 * 8, 'the map');
  c.skip(14 * 8);
  await c.expect('</map>');

  const unicode = version >= 118;
  await c.expect('<variable_types>');
  await c.need(2 * nvar, 'the variable types');
  const types: DtaType[] = [];
  for (let j = 0; j < nvar; j++) types.push(xmlType(c, c.u16(), j));
  await c.expect('</variable_types>');
  await c.expect('<varnames>');
  const names = await fixedFields(c, nvar, unicode ? 129 : 33, 'the variable names', unicode);
  await c.expect('</varnames>');
  await c.expect('<sortlist>');
  // (K+1) entries of 2 bytes, 4 in format 119; tolerate writers that used 2 bytes in 119.
  const sortAt = c.pos;
  const sortWidths = version === 119 ? [4, 2] : [2];
  let sortOk = false;
  for (const w of sortWidths) {
    c.pos = sortAt;
    if (c.pos + w * (nvar + 1) > c.size) continue;
    await c.need(w * (nvar + 1), 'the sort order');
    c.skip(w * (nvar + 1));
    if (await c.accept('</sortlist>')) {
      sortOk = true;
      break;
    }
  }
  if (!sortOk) {
    c.pos = sortAt + sortWidths[0] * (nvar + 1);
    await c.expect('</sortlist>');
  }
  await c.expect('<formats>');
  const formats = await fixedFields(c, nvar, unicode ? 57 : 49, 'the display formats', unicode);
  await c.expect('</formats>');
  await c.expect('<value_label_names>');
  const valueLabelNames = await fixedFields(c, nvar, unicode ? 129 : 33, 'the value-label names', unicode);
  await c.expect('</value_label_names>');
  await c.expect('<variable_labels>');
  const labels = await fixedFields(c, nvar, unicode ? 321 : 81, 'the variable labels', unicode);
  await c.expect('</variable_labels>');
  await c.expect('<characteristics>');
  while (await c.accept('<ch>')) {
    await c.need(4, 'a characteristic');
    const len = c.u32();
    if (c.pos + len > c.size) throw c.bad(`a characteristic at byte ${c.pos - 8} runs past the end of the file; the file is truncated or damaged`);
    c.skip(len);
    await c.expect('</ch>');
  }
  await c.expect('</characteristics>');
  await c.expect('<data>');
  return finishLayout(c, version, unicode, nobs, descriptorsToVariables(types, names, formats, valueLabelNames, labels));
}
