// A regression table as a Word document (.docx, ECMA-376 WordprocessingML), written by hand: one
// real, editable table in the three-line style (三线表) — a 1.5 pt rule above, 0.75 pt under the
// header, 1.5 pt below, a 0.5 pt short rule under each super-header, no vertical lines — with
// Times New Roman for Latin and SimSun (宋体) for East Asian text at 10.5 pt (五号), numbers
// aligned on the decimal point by a decimal tab stop per column, the title above and the notes
// below at 9 pt (小五). The top and bottom rules are table borders, so rows added in Word keep them.
import { Buffer } from 'node:buffer';
import type { TableModel } from '../shared/table.js';
import { CELL_MARGIN, TEXT_WIDTH, type TableLayout, type TableRenderOptions, splitDecimal, tableGeometry, tableLayout } from '../shared/table-layout.js';
import { escapeXml } from './import/xlsx-xml.js';
import { deflateEntry, zipParts } from './import/xlsx-zip.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Rule widths in eighths of a point (w:sz of a border). */
export const RULE_THICK = 12;
export const RULE_HEADER = 6;
export const RULE_SHORT = 4;
const NOTE_HALF_POINTS = 18;

const FONTS = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun" w:cs="Times New Roman"/>';
const border = (side: string, sz: number) => `<w:${side} w:val="single" w:sz="${sz}" w:space="0" w:color="000000"/>`;

function run(text: string, halfPoints: number, bold = false): string {
  return `<w:r><w:rPr>${FONTS}${bold ? '<w:b/><w:bCs/>' : ''}<w:sz w:val="${halfPoints}"/><w:szCs w:val="${halfPoints}"/></w:rPr><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`;
}

function para(text: string, halfPoints: number, jc: 'left' | 'center' | 'both', extra = '', bold = false): string {
  return `<w:p><w:pPr>${extra}<w:jc w:val="${jc}"/><w:rPr>${FONTS}<w:sz w:val="${halfPoints}"/><w:szCs w:val="${halfPoints}"/></w:rPr></w:pPr>${text === '' ? '' : run(text, halfPoints, bold)}</w:p>`;
}

/**
 * A number cell. In a table cell, Word (and LibreOffice after it) aligns the paragraph on its
 * decimal tab stop without a tab character, so the text follows the stop directly (a tab
 * character would push it on to the next stop). A number without a point ("200") would be set
 * flush left by LibreOffice, so it is right-aligned to end where the points are.
 */
function decimalPara(text: string, tab: number, inner: number, halfPoints: number): string {
  const ppr = text.includes('.')
    ? `<w:tabs><w:tab w:val="decimal" w:pos="${tab}"/></w:tabs><w:jc w:val="left"/>`
    : `<w:ind w:left="0" w:right="${Math.max(0, inner - tab)}"/><w:jc w:val="right"/>`;
  return `<w:p><w:pPr>${ppr}</w:pPr>${run(text, halfPoints)}</w:p>`;
}

function cell(width: number, body: string, opts: { span?: number; bottom?: number } = {}): string {
  const span = opts.span && opts.span > 1 ? `<w:gridSpan w:val="${opts.span}"/>` : '';
  const borders = opts.bottom ? `<w:tcBorders>${border('bottom', opts.bottom)}</w:tcBorders>` : '';
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${span}${borders}<w:vAlign w:val="center"/></w:tcPr>${body}</w:tc>`;
}

export function documentXml(l: TableLayout): string {
  const g = tableGeometry(l);
  const hp = g.halfPoints;
  const total = g.widths.reduce((s, x) => s + x, 0);
  const rows: string[] = [];
  l.header.forEach((hr, i) => {
    const last = i === l.header.length - 1;
    let at = 0;
    const cells = hr.map((c) => {
      const width = g.widths.slice(at, at + c.span).reduce((s, x) => s + x, 0);
      at += c.span;
      // The short rule under a super-header is a paragraph border: it stops at the cell margins,
      // so adjacent groups ("large | small") get two rules with a gap, like booktabs' \cmidrule(lr).
      const short = !last && c.rule ? `<w:pBdr>${border('bottom', RULE_SHORT).replace('w:space="0"', 'w:space="1"')}</w:pBdr>` : '';
      return cell(width, para(c.text, hp, at === 1 ? 'left' : 'center', short), { span: c.span, bottom: last ? RULE_HEADER : 0 });
    });
    rows.push(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>${cells.join('')}</w:tr>`);
  });
  for (const r of l.body) {
    const cells = [cell(g.widths[0]!, para(r.label, hp, 'left'))];
    r.cells.forEach((s, j) => {
      const tab = g.tabs[j];
      const w = g.widths[j + 1]!;
      cells.push(cell(w, tab !== null && tab !== undefined && splitDecimal(s) ? decimalPara(s, tab, w - 2 * CELL_MARGIN, hp) : para(s, hp, 'center')));
    });
    rows.push(`<w:tr><w:trPr><w:cantSplit/></w:trPr>${cells.join('')}</w:tr>`);
  }
  const tblPr =
    `<w:tblPr><w:tblW w:w="${total}" w:type="dxa"/><w:jc w:val="center"/>` +
    `<w:tblBorders>${border('top', RULE_THICK)}<w:left w:val="nil"/>${border('bottom', RULE_THICK)}<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>` +
    '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>' +
    '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>';
  const grid = `<w:tblGrid>${g.widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`;
  const title = l.title ? para(l.title, hp, 'center', '<w:keepNext/><w:spacing w:after="120"/>', true) : '';
  // Notes line up with the table's edges.
  const side = Math.max(0, Math.floor((TEXT_WIDTH - total) / 2));
  const notes = l.notes.map((n, i) => para(n, NOTE_HALF_POINTS, 'both', `${i === 0 ? '<w:spacing w:before="60"/>' : ''}<w:ind w:left="${side}" w:right="${side}"/>`));
  return (
    `${XML_HEAD}<w:document xmlns:w="${W}" xmlns:r="${R}"><w:body>` +
    title +
    `<w:tbl>${tblPr}${grid}${rows.join('')}</w:tbl>` +
    notes.join('') +
    // Word needs a paragraph after a table; the notes are it, or an empty one.
    (notes.length === 0 ? para('', hp, 'left') : '') +
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>' +
    '</w:body></w:document>'
  );
}

function stylesXml(): string {
  return (
    `${XML_HEAD}<w:styles xmlns:w="${W}">` +
    `<w:docDefaults><w:rPrDefault><w:rPr>${FONTS}<w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
    '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>' +
    '</w:styles>'
  );
}

function coreXml(title: string): string {
  return (
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
    `<dc:title>${escapeXml(title)}</dc:title><dc:creator>Panel Studio</dc:creator></cp:coreProperties>`
  );
}

/** The bytes of a .docx holding the table; `file` names it in errors. */
export function tableDocx(t: TableModel, opts: TableRenderOptions = {}, file = 'table.docx'): Buffer {
  const l = tableLayout(t, opts);
  const ct =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '</Types>';
  const rels =
    `${XML_HEAD}<Relationships xmlns="${PKG}">` +
    `<Relationship Id="rId1" Type="${R}/officeDocument" Target="word/document.xml"/>` +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>';
  const docRels = `${XML_HEAD}<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${R}/styles" Target="styles.xml"/></Relationships>`;
  const entries = [
    deflateEntry('[Content_Types].xml', ct),
    deflateEntry('_rels/.rels', rels),
    deflateEntry('word/document.xml', documentXml(l)),
    deflateEntry('word/_rels/document.xml.rels', docRels),
    deflateEntry('word/styles.xml', stylesXml()),
    deflateEntry('docProps/core.xml', coreXml(l.title)),
  ];
  return Buffer.concat(zipParts(entries, file));
}
