// "Copy for Word": the table as clipboard flavours that Word pastes as a real table in the
// three-line style — HTML with inline CSS (what browsers can put on the clipboard), RTF with
// \trowd/\cellx rows, top and bottom borders only and decimal tab stops (Electron's clipboard can
// carry it), and tab-separated text for spreadsheets and plain editors. Same layout as the .docx.
import type { TableModel } from './table.js';
import { CELL_MARGIN, TEXT_WIDTH, type TableRenderOptions, isEastAsian, splitDecimal, tableGeometry, tableLayout } from './table-layout.js';

export interface TableClipboard {
  html: string;
  rtf: string;
  text: string;
}

const FONT = "font-family:'Times New Roman',SimSun,serif";
const THICK = '1.5pt solid #000';
const THIN = '.75pt solid #000';
const SHORT = '.5pt solid #000';

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** RTF text: control characters escaped, non-ASCII as \uN? and East Asian runs in SimSun (\f1). */
function escRtf(s: string): string {
  let out = '';
  let cjk = false;
  for (const ch of s) {
    const wide = isEastAsian(ch);
    if (wide !== cjk) {
      out += wide ? '{\\f1 ' : '}';
      cjk = wide;
    }
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '{' || ch === '}') out += `\\${ch}`;
    else if (c < 0x80) out += ch;
    else if (c <= 0xffff) out += `\\u${c > 0x7fff ? c - 0x10000 : c}?`;
    else {
      // Outside the BMP: a UTF-16 surrogate pair, each half as a signed 16-bit \u.
      const hi = 0xd800 + ((c - 0x10000) >> 10);
      const lo = 0xdc00 + ((c - 0x10000) & 0x3ff);
      out += `\\u${hi - 0x10000}?\\u${lo - 0x10000}?`;
    }
  }
  return cjk ? `${out}}` : out;
}

export function tableClipboard(t: TableModel, opts: TableRenderOptions = {}): TableClipboard {
  const l = tableLayout(t, opts);
  const g = tableGeometry(l);
  const pt = g.halfPoints / 2;
  const nHead = l.header.length;
  const last = nHead + l.body.length - 1;

  // ---- HTML: border-collapse with per-cell borders, which Word maps to cell borders.
  const css = (i: number, extra: string[]) => {
    const s = [`padding:1pt 5.4pt`, `vertical-align:middle`, ...extra];
    if (i === 0) s.push(`border-top:${THICK}`);
    if (i === nHead - 1) s.push(`border-bottom:${THIN}`);
    if (i === last) s.push(`border-bottom:${THICK}`);
    return s.join(';');
  };
  const html: string[] = [];
  if (l.title) html.push(`<p style="${FONT};font-size:${pt}pt;font-weight:bold;text-align:center;margin:0 0 6pt 0">${escHtml(l.title)}</p>`);
  html.push(`<table style="border-collapse:collapse;border:none;margin:0 auto;${FONT};font-size:${pt}pt">`);
  l.header.forEach((hr, i) => {
    const cells = hr.map((c, j) => {
      const extra = [`text-align:${j === 0 ? 'left' : 'center'}`, 'font-weight:normal'];
      if (c.rule && i !== nHead - 1 && i !== last) extra.push(`border-bottom:${SHORT}`);
      return `<th${c.span > 1 ? ` colspan="${c.span}"` : ''} style="${css(i, extra)}">${escHtml(c.text)}</th>`;
    });
    html.push(`<tr>${cells.join('')}</tr>`);
  });
  l.body.forEach((r, k) => {
    const i = nHead + k;
    const cells = [`<td style="${css(i, ['text-align:left', 'white-space:nowrap'])}">${escHtml(r.label)}</td>`, ...r.cells.map((s) => `<td style="${css(i, ['text-align:center', 'white-space:nowrap'])}">${escHtml(s)}</td>`)];
    html.push(`<tr>${cells.join('')}</tr>`);
  });
  html.push('</table>');
  for (const n of l.notes) html.push(`<p style="${FONT};font-size:9pt;margin:3pt 0 0 0">${escHtml(n)}</p>`);

  // ---- RTF: one \trowd per row; merged super-headers as \clmgf/\clmrg cells.
  const fs = `\\fs${g.halfPoints}`;
  const rtf: string[] = ['{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times New Roman;}{\\f1\\fnil\\fcharset134 SimSun;}}', `\\pard\\plain\\f0${fs}`];
  if (l.title) rtf.push(`\\pard\\plain\\qc\\keepn\\sa120\\f0${fs}\\b ${escRtf(l.title)}\\b0\\par`);
  const edges: number[] = [];
  g.widths.reduce((x, w) => (edges.push(x + w), x + w), 0);
  const row = (i: number, cells: { text: string; align: 'ql' | 'qc' | 'dec'; tab?: number; merge?: 'first' | 'next'; short?: boolean }[]) => {
    const def = cells.map((c, j) => {
      let b = '';
      if (i === 0) b += '\\clbrdrt\\brdrs\\brdrw30';
      if (i === last) b += '\\clbrdrb\\brdrs\\brdrw30';
      else if (i === nHead - 1) b += '\\clbrdrb\\brdrs\\brdrw15';
      const m = c.merge === 'first' ? '\\clmgf' : c.merge === 'next' ? '\\clmrg' : '';
      return `${m}\\clvertalc${b}\\cellx${edges[j]}`;
    });
    const body = cells.map((c) => {
      // In table cells Word aligns on a decimal tab without a tab character (as in the .docx).
      let pard = c.align === 'dec' ? (c.text.includes('.') ? `\\tqdec\\tx${c.tab}\\ql` : `\\qr\\ri${c.tab}`) : `\\${c.align}`;
      // the short rule under a super-header is a paragraph border, so it stops at the cell
      // margins and adjacent groups keep a gap between their rules (as in the .docx)
      if (c.short && c.merge !== 'next' && i !== nHead - 1 && i !== last) pard += '\\brdrb\\brdrs\\brdrw10\\brsp20';
      return `\\pard\\intbl\\plain${pard}\\f0${fs} ${c.merge === 'next' ? '' : escRtf(c.text)}\\cell`;
    });
    rtf.push(`\\trowd\\trgaph${CELL_MARGIN}\\trqc${i < nHead ? '\\trhdr' : ''}${def.join('')}`, `${body.join('')}\\row`);
  };
  l.header.forEach((hr, i) => {
    const cells: Parameters<typeof row>[1] = [];
    hr.forEach((c, j) => {
      for (let s = 0; s < c.span; s++) cells.push({ text: c.text, align: j === 0 ? 'ql' : 'qc', ...(c.span > 1 ? { merge: s === 0 ? 'first' : 'next' } : {}), short: c.rule });
    });
    row(i, cells);
  });
  l.body.forEach((r, k) => {
    row(nHead + k, [
      { text: r.label, align: 'ql' },
      ...r.cells.map((s, j) => {
        const tab = g.tabs[j];
        if (tab === null || tab === undefined || !splitDecimal(s)) return { text: s, align: 'qc' as const };
        // For an integer `tab` is the right indent (\ri) that ends it where the points are.
        return { text: s, align: 'dec' as const, tab: s.includes('.') ? tab : Math.max(0, g.widths[j + 1]! - 2 * CELL_MARGIN - tab) };
      }),
    ]);
  });
  // Notes line up with the table's edges, as in the .docx.
  const side = Math.max(0, Math.floor((TEXT_WIDTH - edges[edges.length - 1]!) / 2));
  for (const n of l.notes) rtf.push(`\\pard\\plain\\ql\\sb60\\li${side}\\ri${side}\\f0\\fs18 ${escRtf(n)}\\par`);
  rtf.push('}');

  // ---- Text: tab-separated; a super-header in the first column it spans, blanks after it.
  const text = [
    ...(l.title ? [l.title] : []),
    ...l.header.map((hr) => hr.flatMap((c) => [c.text, ...Array<string>(c.span - 1).fill('')]).join('\t')),
    ...l.body.map((r) => [r.label, ...r.cells].join('\t')),
    ...l.notes,
  ].join('\n');

  return { html: html.join('\n'), rtf: rtf.join('\n'), text: `${text}\n` };
}
