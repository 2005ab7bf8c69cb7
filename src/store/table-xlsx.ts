// A regression table as an Excel workbook (.xlsx): the same layout as the Word table
// (shared/table-layout.ts) on one sheet without gridlines — a medium rule above the header, a thin
// one under it and a medium one below the last row, thin short rules under merged super-headers.
// Cells holding one plain number (N, R², a coefficient without stars) are numbers with as many
// decimals as the table shows; "0.123***", "(2.34)", "Yes" stay text, so nothing is reformatted.
// The package parts are export-xlsx.ts's; only the sheet, styles and strings differ.
import { Buffer } from 'node:buffer';
import type { TableModel } from '../shared/table.js';
import { type TableRenderOptions, plainNumber, tableLayout, textEm } from '../shared/table-layout.js';
import { NS, NS_R, XML_HEAD, packageParts, sheetName } from './export-xlsx.js';
import { columnLetters } from './import/xlsx-columns.js';
import { escapeXml } from './import/xlsx-xml.js';
import { deflateEntry, zipParts } from './import/xlsx-zip.js';

type Rule = '' | 'thin' | 'medium';
type Align = 'left' | 'center';
const FONT_BODY = 0;
const FONT_TITLE = 1;
const FONT_NOTE = 2;

/** cellXfs built on demand: one per combination of font, borders, number format and alignment. */
class Styles {
  private readonly borders = new Map<string, number>([['|', 0]]);
  private readonly xfs = new Map<string, number>([['0|0|0|', 0]]);
  private readonly decimals = new Set<number>();

  xf(o: { font?: number; top?: Rule; bottom?: Rule; decimals?: number; align?: Align }): number {
    const bkey = `${o.top ?? ''}|${o.bottom ?? ''}`;
    if (!this.borders.has(bkey)) this.borders.set(bkey, this.borders.size);
    const fmt = o.decimals === undefined ? 0 : o.decimals === 0 ? 1 : 163 + o.decimals;
    if (o.decimals !== undefined && o.decimals > 0) this.decimals.add(o.decimals);
    const key = `${o.font ?? 0}|${this.borders.get(bkey)}|${fmt}|${o.align ?? ''}`;
    if (!this.xfs.has(key)) this.xfs.set(key, this.xfs.size);
    return this.xfs.get(key)!;
  }

  xml(): string {
    const numFmts = [...this.decimals].sort((a, b) => a - b).map((d) => `<numFmt numFmtId="${163 + d}" formatCode="0.${'0'.repeat(d)}"/>`);
    const side = (name: string, r: string) => (r === '' ? `<${name}/>` : `<${name} style="${r}"><color rgb="FF000000"/></${name}>`);
    const borders = [...this.borders.keys()].map((k) => {
      const [top, bottom] = k.split('|') as [string, string];
      return `<border><left/><right/>${side('top', top)}${side('bottom', bottom)}<diagonal/></border>`;
    });
    const xfs = [...this.xfs.keys()].map((k) => {
      const [font, border, fmt, align] = k.split('|') as [string, string, string, string];
      const a = align === '' ? '' : ` applyAlignment="1"><alignment horizontal="${align}" vertical="center"/></xf>`;
      return `<xf numFmtId="${fmt}" fontId="${font}" fillId="0" borderId="${border}" xfId="0"${font !== '0' ? ' applyFont="1"' : ''}${border !== '0' ? ' applyBorder="1"' : ''}${fmt !== '0' ? ' applyNumberFormat="1"' : ''}${a === '' ? '/>' : a}`;
    });
    const font = (extra: string, sz: number) => `<font>${extra}<sz val="${sz}"/><name val="Times New Roman"/><family val="1"/></font>`;
    return (
      `${XML_HEAD}<styleSheet xmlns="${NS}">` +
      (numFmts.length > 0 ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : '') +
      `<fonts count="3">${font('', 10.5)}${font('<b/>', 10.5)}${font('', 9)}</fonts>` +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      `<borders count="${borders.length}">${borders.join('')}</borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }
}

/** The bytes of an .xlsx holding the table on one sheet; `file` names it in errors. */
export function tableXlsx(t: TableModel, opts: TableRenderOptions = {}, file = 'table.xlsx'): Buffer {
  const l = tableLayout(t, opts);
  const ncol = l.columns + 1;
  const last = columnLetters(ncol - 1);
  const styles = new Styles();
  const sst: string[] = [];
  const sstIndex = new Map<string, number>();
  const str = (s: string) => {
    if (!sstIndex.has(s)) sstIndex.set(s, sst.push(s) - 1);
    return sstIndex.get(s)!;
  };
  let refs = 0;
  const rows: string[] = [];
  const merges: string[] = [];
  let r = 0;
  const textCell = (ref: string, s: string, xf: number) => {
    if (s === '') return xf === 0 ? '' : `<c r="${ref}" s="${xf}"/>`;
    refs++;
    return `<c r="${ref}" s="${xf}" t="s"><v>${str(s)}</v></c>`;
  };

  if (l.title) {
    r++;
    rows.push(`<row r="${r}">${textCell(`A${r}`, l.title, styles.xf({ font: FONT_TITLE, align: 'center' }))}</row>`);
    if (ncol > 1) merges.push(`A${r}:${last}${r}`);
  }
  const tableRows = l.header.length + l.body.length;
  let k = 0; // index among the table's rows, for the rules
  const ruleFor = (extra: Rule): { top: Rule; bottom: Rule } => {
    const top: Rule = k === 0 ? 'medium' : '';
    const bottom: Rule = k === tableRows - 1 ? 'medium' : k === l.header.length - 1 ? 'thin' : extra;
    return { top, bottom };
  };
  for (const hr of l.header) {
    r++;
    let at = 0;
    let xml = '';
    for (const c of hr) {
      const { top, bottom } = ruleFor(c.rule ? 'thin' : '');
      const xf = styles.xf({ top, bottom, align: at === 0 ? 'left' : 'center' });
      // Every cell of a merged range carries the borders; Excel draws each cell's own.
      for (let j = at; j < at + c.span; j++) xml += j === at ? textCell(`${columnLetters(j)}${r}`, c.text, xf) : `<c r="${columnLetters(j)}${r}" s="${xf}"/>`;
      if (c.span > 1) merges.push(`${columnLetters(at)}${r}:${columnLetters(at + c.span - 1)}${r}`);
      at += c.span;
    }
    rows.push(`<row r="${r}">${xml}</row>`);
    k++;
  }
  for (const row of l.body) {
    r++;
    const { top, bottom } = ruleFor('');
    let xml = textCell(`A${r}`, row.label, styles.xf({ top, bottom, align: 'left' }));
    row.cells.forEach((s, j) => {
      const ref = `${columnLetters(j + 1)}${r}`;
      const n = plainNumber(s);
      if (n) xml += `<c r="${ref}" s="${styles.xf({ top, bottom, decimals: n.decimals, align: 'center' })}"><v>${n.value}</v></c>`;
      else xml += textCell(ref, s, styles.xf({ top, bottom, align: 'center' }));
    });
    rows.push(`<row r="${r}">${xml}</row>`);
    k++;
  }
  for (const n of l.notes) {
    r++;
    rows.push(`<row r="${r}">${textCell(`A${r}`, n, styles.xf({ font: FONT_NOTE }))}</row>`);
  }

  const width = (em: number) => Math.min(60, Math.max(10, Math.ceil(em * 2) + 2));
  const widths = [width(Math.max(0, ...l.body.map((x) => textEm(x.label))))];
  for (let j = 0; j < l.columns; j++) widths.push(width(Math.max(0, ...l.body.map((x) => textEm(x.cells[j] ?? '')), ...l.header.map((h) => textEm(h[j + 1]?.span === 1 ? h[j + 1]!.text : '')))));
  const sheet =
    `${XML_HEAD}<worksheet xmlns="${NS}" xmlns:r="${NS_R}">` +
    `<dimension ref="A1:${last}${Math.max(r, 1)}"/>` +
    '<sheetViews><sheetView workbookViewId="0" showGridLines="0"/></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${widths.map((w, j) => `<col min="${j + 1}" max="${j + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` +
    `<sheetData>${rows.join('')}</sheetData>` +
    (merges.length > 0 ? `<mergeCells count="${merges.length}">${merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>` : '') +
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>' +
    '</worksheet>';
  const sstXml =
    `${XML_HEAD}<sst xmlns="${NS}" count="${refs}" uniqueCount="${sst.length}">` +
    sst.map((s) => (s !== s.trim() || /\n/.test(s) ? `<si><t xml:space="preserve">${escapeXml(s)}</t></si>` : `<si><t>${escapeXml(s)}</t></si>`)).join('') +
    '</sst>';
  const entries = [...packageParts(sheetName(l.title || 'Table'), styles.xml()), deflateEntry('xl/worksheets/sheet1.xml', sheet), deflateEntry('xl/sharedStrings.xml', sstXml)];
  return Buffer.concat(zipParts(entries, file));
}
