// Layout of a regression table for the paged formats (Word, Excel, the Word clipboard): which
// header rows there are and what spans what, which cells align on the decimal point, and column
// widths in twips (1/1440 inch) with the decimal tab stop of each column. Pure: docx/xlsx writers
// live in src/store/, the clipboard payload in table-clipboard.ts; all read the same layout so a
// pasted table looks like an exported one. The rules are those of the three-line table (三线表):
// top rule, one rule under the header, bottom rule, plus a short rule under each super-header.
import type { TableModel, TableRow } from './table.js';

export interface TableRenderOptions {
  /** Title above the table (none when absent or empty). */
  title?: string;
  /** Super-headers over the model columns, left to right; the spans must add up to the columns.
   *  Default: runs of equal dependent variables become one spanning header. */
  groups?: { label: string; span: number }[];
  /** Language of the words the renderer adds itself ("Note:"). */
  lang?: 'zh' | 'en';
}

export interface HeaderCell {
  text: string;
  /** Grid columns covered (the label column counts as column 0). */
  span: number;
  /** A short rule under this cell (super-headers spanning more than one column). */
  rule: boolean;
}

export interface TableLayout {
  title: string;
  /** Model columns (the label column not included). */
  columns: number;
  /** Header rows, top to bottom; each starts with the label column's cell. */
  header: HeaderCell[][];
  body: TableRow[];
  notes: string[];
}

const NOTE = { en: 'Note: ', zh: '注：' } as const;
const TITLE = { en: 'Regression results', zh: '回归结果' } as const;

export const defaultTableTitle = (lang: 'zh' | 'en' = 'en'): string => TITLE[lang];

export function tableLayout(t: TableModel, opts: TableRenderOptions = {}): TableLayout {
  const k = t.titles.length;
  const blank: HeaderCell = { text: '', span: 1, rule: false };
  const plain = (cells: string[]): HeaderCell[] => [blank, ...cells.map((text) => ({ text, span: 1, rule: false }))];
  // a blank spacer group (columns left out of every group) gets no rule
  const spanning = (groups: { label: string; span: number }[]): HeaderCell[] => [blank, ...groups.map((g) => ({ text: g.label, span: g.span, rule: g.span > 1 && g.label.trim() !== '' }))];
  let header: HeaderCell[][];
  if (opts.groups && opts.groups.length > 0) {
    const total = opts.groups.reduce((s, g) => s + g.span, 0);
    if (opts.groups.some((g) => !Number.isInteger(g.span) || g.span < 1) || total !== k) throw new Error(`table groups span ${total} columns, the table has ${k}`);
    header = [spanning(opts.groups), plain(t.titles), ...(t.depvars.length > 0 ? [plain(t.depvars)] : [])];
  } else {
    const runs = depvarRuns(t.depvars);
    // Repeated dependent variables read better once, above the columns they head (esttab's mgroups).
    header = runs.some((r) => r.span > 1) ? [spanning(runs), plain(t.titles)] : [plain(t.titles), ...(t.depvars.length > 0 ? [plain(t.depvars)] : [])];
  }
  const prefix = opts.lang ? NOTE[opts.lang] : '';
  return { title: opts.title ?? '', columns: k, header, body: t.rows, notes: t.notes.map((n, i) => (i === 0 ? prefix + n : n)) };
}

export interface TableGroup {
  label: string;
  span: number;
}

/**
 * Super-headers as a user defines them (left to right, each over `span` adjacent columns) made to
 * cover exactly `columns` columns: columns after the last group get blank spacer groups. Groups
 * that are all blank mean none (undefined). Throws when a span is not a positive whole number or
 * the groups span more columns than the table has.
 */
export function fitGroups(groups: readonly TableGroup[] | undefined, columns: number): TableGroup[] | undefined {
  if (!groups || groups.length === 0) return undefined;
  for (const g of groups) if (!Number.isInteger(g.span) || g.span < 1) throw new Error(`a column group spans a whole number of columns (1 or more), got ${g.span}`);
  const total = groups.reduce((s, g) => s + g.span, 0);
  if (total > columns) throw new Error(`the column groups span ${total} columns, the table has ${columns}`);
  if (groups.every((g) => g.label.trim() === '')) return undefined;
  const out = groups.map((g) => ({ label: g.label.trim(), span: g.span }));
  for (let i = total; i < columns; i++) out.push({ label: '', span: 1 });
  return out;
}

/** Text renderers' header rows with explicit groups: group labels in the first column of their span. */
export function groupRowCells(groups: readonly TableGroup[]): string[] {
  return groups.flatMap((g) => [g.label, ...Array<string>(g.span - 1).fill('')]);
}

function depvarRuns(depvars: string[]): { label: string; span: number }[] {
  const runs: { label: string; span: number }[] = [];
  for (const d of depvars) {
    const last = runs[runs.length - 1];
    if (last && last.label === d) last.span++;
    else runs.push({ label: d, span: 1 });
  }
  return runs;
}

/** A cell that is one number, maybe in parentheses or with stars: "0.123***", "(2.34)", "-5", "200". */
const DECIMAL_CELL = /^(\(?[-−]?\d[\d,]*)(\.\d+)?(\**\)?\**)$/;

/** The part before the decimal point and the rest, for cells that align on it; null otherwise. */
export function splitDecimal(s: string): { int: string; rest: string } | null {
  const m = DECIMAL_CELL.exec(s);
  return m ? { int: m[1]!, rest: (m[2] ?? '') + m[3]! } : null;
}

/** A cell holding a plain number ("200", "0.532", "-1.20"): its value and decimals; null otherwise. */
export function plainNumber(s: string): { value: number; decimals: number } | null {
  const m = /^-?\d+(?:\.(\d+))?$/.exec(s);
  if (!m || s.length > 17) return null;
  return { value: Number(s), decimals: m[1]?.length ?? 0 };
}

const isWide = (c: number) => (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);

/** East Asian wide characters (set in SimSun), for splitting text into font runs. */
export const isEastAsian = (ch: string): boolean => isWide(ch.codePointAt(0) ?? 0);

/** Approximate advance width in em of Times New Roman / SimSun text (enough to size columns). */
export function textEm(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (isWide(c)) w += 1;
    else if (/[0-9*$#_]/.test(ch)) w += 0.5;
    else if (/[.,:;' ]/.test(ch)) w += 0.25;
    else if (/[()[\]\-|/fijlrt]/.test(ch)) w += 0.33;
    else if (/[A-Z]/.test(ch)) w += 0.68;
    else w += 0.48;
  }
  return w;
}

export interface TableGeometry {
  /** Width of each grid column in twips, the label column first. */
  widths: number[];
  /** Decimal tab stop of each model column, in twips from the left of the cell's text; null
   *  where the column holds no numbers. */
  tabs: (number | null)[];
  /** Font size in half-points (21 = 10.5 pt). */
  halfPoints: number;
}

/** Default cell margin left and right (Word's 0.08 inch). */
export const CELL_MARGIN = 108;
/** A4 portrait with 1-inch margins. */
export const TEXT_WIDTH = 11906 - 2 * 1440;

export function tableGeometry(l: TableLayout, halfPoints = 21): TableGeometry {
  const em = halfPoints * 10; // twips per em: half-points × 20 / 2
  const pad = 2 * CELL_MARGIN + em / 2;
  const labelW = Math.max(...l.body.map((r) => textEm(r.label)), 2) * em + pad;
  const widths = [labelW];
  // Per model column: widest integer part, widest rest without stars and with them (in em).
  const left: number[] = [];
  const right: number[] = [];
  const full: number[] = [];
  for (let j = 0; j < l.columns; j++) {
    let w = 0;
    let a = 0;
    let b = 0;
    let c = 0;
    for (const r of l.body) {
      const s = r.cells[j] ?? '';
      const d = splitDecimal(s);
      if (d) {
        a = Math.max(a, textEm(d.int));
        b = Math.max(b, textEm(d.rest.replace(/\*/g, '')));
        c = Math.max(c, textEm(d.rest));
      } else w = Math.max(w, textEm(s));
    }
    for (const row of l.header) {
      let at = 1;
      for (const h of row.slice(1)) {
        if (h.span === 1 && at === j + 1) w = Math.max(w, textEm(h.text));
        at += h.span;
      }
    }
    left.push(a * em);
    right.push(b * em);
    full.push(c * em);
    // Room to centre the number without its stars and still hang the stars on the right.
    widths.push(Math.max(w, a + b + 2 * (c - b), 2.5) * em + pad);
  }
  const total = widths.reduce((s, x) => s + x, 0);
  const scale = total > TEXT_WIDTH ? TEXT_WIDTH / total : 1;
  const out = widths.map((x) => Math.round(x * scale));
  const tabs = out.slice(1).map((w, j) => {
    if (left[j] === 0 && full[j] === 0) return null;
    // The number without stars is centred under the column header; the stars hang to the right.
    const inner = w - 2 * CELL_MARGIN;
    const centred = (inner - left[j]! - right[j]!) / 2 + left[j]!;
    return Math.round(Math.max(Math.min(left[j]!, inner), Math.min(centred, inner - full[j]!)));
  });
  return { widths: out, tabs, halfPoints };
}
