// A forward-only scanner over the bytes of one XML part of an .xlsx package. Worksheets can hold
// millions of cells, so there is no DOM and nothing is allocated per tag: the scanner reports
// the current tag as byte ranges (local name without namespace prefix, attributes, the text
// before the tag) and callers compare names as bytes and decode only the values they keep.
// Enough XML for what spreadsheet writers produce: elements, attributes in ' or ", the five
// predefined entities and character references, comments, processing instructions, a DOCTYPE
// without internal subset, and CDATA sections inside text.
import { Buffer } from 'node:buffer';

export const TAG_OPEN = 1;
export const TAG_CLOSE = 2;
export const TAG_EMPTY = 3;

const LT = 60;
const GT = 62;
const SLASH = 47;
const COLON = 58;
const EQ = 61;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class XmlScanner {
  /** TAG_OPEN, TAG_CLOSE or TAG_EMPTY (self-closing) for the current tag. */
  kind = 0;
  /** Local name of the current tag (after any `prefix:`). */
  nameS = 0;
  nameE = 0;
  /** Attribute text of the current tag. */
  attrS = 0;
  attrE = 0;
  /** Character data between the previous tag and this one (may contain CDATA or comments). */
  textS = 0;
  textE = 0;
  /** Byte offset where scanning continues. */
  pos = 0;
  /** Last attribute found by attr()/nextAttr(): name and value ranges. */
  anS = 0;
  anE = 0;
  avS = 0;
  avE = 0;
  private ap = 0;

  constructor(readonly buf: Buffer) {
    this.pos = 0;
  }

  /** Advances to the next element tag; false at the end of the document. */
  next(): boolean {
    const buf = this.buf;
    const n = buf.length;
    let p = this.pos;
    const textS = p;
    for (;;) {
      // A plain loop: text between tags is short in sheets (numbers), where a native
      // indexOf call per tag costs more than it saves.
      while (p < n && buf[p] !== LT) p++;
      if (p + 1 >= n) {
        this.pos = n;
        return false;
      }
      const c = buf[p + 1]!;
      if (c === 33 /* ! */) {
        // Comment, CDATA or DOCTYPE: CDATA and comments stay part of the text range.
        if (buf[p + 2] === 45 && buf[p + 3] === 45) p = skipPast(buf, p + 4, '-->');
        else if (buf[p + 2] === 91 /* [ */) p = skipPast(buf, p + 9, ']]>');
        else p = skipPast(buf, p + 2, '>');
        continue;
      }
      if (c === 63 /* ? */) {
        p = skipPast(buf, p + 2, '?>');
        continue;
      }
      break;
    }
    this.textS = textS;
    this.textE = p;
    let q = p + 1;
    let kind = TAG_OPEN;
    if (buf[q] === SLASH) {
      kind = TAG_CLOSE;
      q++;
    }
    let nameS = q;
    while (q < n) {
      const c = buf[q]!;
      if (isSpace(c) || c === GT || c === SLASH) break;
      if (c === COLON) nameS = q + 1;
      q++;
    }
    this.nameS = nameS;
    this.nameE = q;
    this.attrS = q;
    // Find the end of the tag, skipping '>' inside quoted attribute values.
    let quote = 0;
    while (q < n) {
      const c = buf[q]!;
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) {
        quote = c;
      } else if (c === GT) {
        break;
      }
      q++;
    }
    let attrE = q;
    if (kind === TAG_OPEN && buf[q - 1] === SLASH) {
      kind = TAG_EMPTY;
      attrE = q - 1;
    }
    this.attrE = attrE;
    this.kind = kind;
    this.pos = q + 1;
    return true;
  }

  /** True if the current tag's local name is `name` (ASCII). */
  is(name: string): boolean {
    const len = this.nameE - this.nameS;
    if (len !== name.length) return false;
    for (let i = 0; i < len; i++) if (this.buf[this.nameS + i] !== name.charCodeAt(i)) return false;
    return true;
  }

  /** Starts iterating the current tag's attributes with nextAttr(). */
  firstAttr(): void {
    this.ap = this.attrS;
  }

  /** Next attribute of the current tag (anS/anE name incl. prefix, avS/avE raw value); false when done. */
  nextAttr(): boolean {
    const buf = this.buf;
    const e = this.attrE;
    let p = this.ap;
    while (p < e && isSpace(buf[p]!)) p++;
    if (p >= e) return false;
    const ns = p;
    while (p < e && buf[p] !== EQ && !isSpace(buf[p]!)) p++;
    this.anS = ns;
    this.anE = p;
    while (p < e && buf[p] !== 34 && buf[p] !== 39) p++;
    if (p >= e) {
      // A name without a quoted value (damaged XML, or a tag cut off at the end of the part,
      // where buf[p] does not exist): no more attributes.
      this.avS = this.avE = this.ap = e;
      return false;
    }
    const q = buf[p]!;
    const vs = p + 1;
    let ve = buf.indexOf(q, vs);
    if (ve < 0 || ve > e) ve = e;
    this.avS = vs;
    this.avE = ve;
    this.ap = ve + 1;
    return true;
  }

  /** True if the last attribute's name (with prefix) is `name`; with `anyPrefix`, `x:name` matches too. */
  attrNameIs(name: string, anyPrefix = false): boolean {
    let s = this.anS;
    if (anyPrefix) {
      const colon = this.buf.lastIndexOf(COLON, this.anE - 1);
      if (colon >= s) s = colon + 1;
    }
    if (this.anE - s !== name.length) return false;
    for (let i = 0; i < name.length; i++) if (this.buf[s + i] !== name.charCodeAt(i)) return false;
    return true;
  }

  /** Decoded value of attribute `name` of the current tag, or undefined. */
  attr(name: string, anyPrefix = false): string | undefined {
    this.firstAttr();
    while (this.nextAttr()) if (this.attrNameIs(name, anyPrefix)) return decodeXml(this.buf, this.avS, this.avE);
    return undefined;
  }

  /** Decoded text between the previous tag and the current one. */
  text(): string {
    return decodeXml(this.buf, this.textS, this.textE);
  }

  /** For a leaf element (<v>, <t>): advances to its closing tag, whose text range is the content. */
  toClose(): void {
    while (this.next() && this.kind !== TAG_CLOSE);
  }

  /** Skips to the tag that closes the current open element (nothing to do for an empty one). */
  skipElement(): void {
    if (this.kind !== TAG_OPEN) return;
    let depth = 1;
    while (depth > 0 && this.next()) {
      if (this.kind === TAG_OPEN) depth++;
      else if (this.kind === TAG_CLOSE) depth--;
    }
  }
}

function skipPast(buf: Buffer, from: number, end: string): number {
  const i = buf.indexOf(end, from, 'latin1');
  return i < 0 ? buf.length : i + end.length;
}

const ENTITY = /&(?:#[xX]([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function fromCodePoint(cp: number): string {
  return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
}

function decodeEntities(s: string): string {
  return s.replace(ENTITY, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined) return fromCodePoint(parseInt(hex, 16));
    if (dec !== undefined) return fromCodePoint(parseInt(dec, 10));
    return name !== undefined ? (NAMED[name] ?? m) : m;
  });
}

/** Text of buf[s, e): UTF-8, comments removed, CDATA taken literally, entities decoded elsewhere. */
export function decodeXml(buf: Buffer, s: number, e: number): string {
  const raw = buf.toString('utf8', s, e);
  if (!raw.includes('<')) return raw.includes('&') ? decodeEntities(raw) : raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const lt = raw.indexOf('<', i);
    if (lt < 0) {
      out += decodeEntities(raw.slice(i));
      break;
    }
    out += decodeEntities(raw.slice(i, lt));
    if (raw.startsWith('<![CDATA[', lt)) {
      const end = raw.indexOf(']]>', lt + 9);
      out += raw.slice(lt + 9, end < 0 ? raw.length : end);
      i = end < 0 ? raw.length : end + 3;
    } else {
      const end = raw.indexOf('-->', lt);
      i = end < 0 ? raw.length : end + 3;
    }
  }
  return out;
}

/** OOXML escapes characters XML cannot hold as `_xHHHH_` (ECMA-376 ST_Xstring); `_x005F_` escapes the underscore. */
export function decodeOoxmlEscapes(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9a-fA-F]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Text for an XML attribute value or element content (escapes & < > " and the OOXML _xHHHH_ pattern). */
export function escapeXml(s: string): string {
  let out = s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
  // A literal "_x0041_" would be read back as "A": escape its underscore.
  if (out.includes('_x')) out = out.replace(/_(x[0-9a-fA-F]{4}_)/g, '_x005F_$1');
  // Control characters other than TAB/LF/CR are not allowed in XML 1.0: write them as _xHHHH_.
  // eslint-disable-next-line no-control-regex
  return out.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `_x${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}_`);
}
