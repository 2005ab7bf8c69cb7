// Regression tables, phase two: one renderer per format, each reading only the TableModel
// (table.ts). LaTeX is booktabs + threeparttable (the three-line table journals ask for);
// Markdown, CSV and HTML serve the UI, spreadsheets and quick pastes. Word and Excel files are
// binary and written in src/store/ (table-docx.ts, table-xlsx.ts; table-file.ts picks by format).
// Explicit column groups (super-headers such as "large | small" over heterogeneity columns) add
// a first header row: a spanning cell in HTML, \multicolumn with a \cmidrule under it in LaTeX,
// the label in the first column of its span in Markdown and CSV.
import type { TableModel } from './table.js';
import { type TableGroup, fitGroups, groupRowCells } from './table-layout.js';

export type TableFormat = 'md' | 'csv' | 'tex' | 'html';

/** What the text formats take besides the model: super-headers over the model columns. */
export interface TextRenderOptions {
  groups?: TableGroup[];
}

function grid(t: TableModel, groups?: TableGroup[]): string[][] {
  return [...(groups ? [['', ...groupRowCells(groups)]] : []), ['', ...t.titles], ...(t.depvars.length > 0 ? [['', ...t.depvars]] : []), ...t.rows.map((r) => [r.label, ...r.cells])];
}

export function toMarkdown(t: TableModel, opts: TextRenderOptions = {}): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const g = grid(t, fitGroups(opts.groups, t.titles.length));
  const lines = [`| ${g[0].map(esc).join(' | ')} |`, `|${g[0].map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...g.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`)];
  return `${lines.join('\n')}\n\n${t.notes.join(' ')}\n`;
}

export function toCsv(t: TableModel, opts: TextRenderOptions = {}): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${[...grid(t, fitGroups(opts.groups, t.titles.length)), ...t.notes.map((n) => [n])].map((r) => r.map(q).join(',')).join('\n')}\n`;
}

function texEscape(s: string): string {
  return s
    .replace(/\\/g, '\\textbackslash{}')
    .replace(/([#$%&_{}])/g, '\\$1')
    .replace(/\^/g, '\\^{}')
    .replace(/~/g, '\\~{}')
    .replace(/²/g, '$^2$')
    .replace(/×/g, '$\\times$')
    .replace(/(\*+)$/, '$^{$1}$');
}

/** The group row (\multicolumn for spans) and booktabs' trimmed \cmidrule under each labelled group. */
function latexGroups(groups: TableGroup[]): string[] {
  let col = 2;
  const cells: string[] = [''];
  const rules: string[] = [];
  for (const g of groups) {
    cells.push(g.span > 1 ? `\\multicolumn{${g.span}}{c}{${texEscape(g.label)}}` : texEscape(g.label));
    if (g.label !== '' && g.span > 1) rules.push(`\\cmidrule(lr){${col}-${col + g.span - 1}}`);
    col += g.span;
  }
  return [`${cells.join(' & ')} \\\\`, ...(rules.length > 0 ? [rules.join(' ')] : [])];
}

export function toLatex(t: TableModel, opts: TextRenderOptions = {}): string {
  const k = t.titles.length;
  const groups = fitGroups(opts.groups, k);
  const row = (cells: string[]) => `${cells.map(texEscape).join(' & ')} \\\\`;
  const body: string[] = [];
  let statsStarted = false;
  const regression = t.rows.some((r) => r.kind === 'coef' || r.kind === 'paren') && t.rows.some((r) => r.kind !== 'coef' && r.kind !== 'paren');
  for (const r of t.rows) {
    if (regression && (r.kind === 'stat' || r.kind === 'indicator') && !statsStarted) {
      body.push('\\midrule');
      statsStarted = true;
    }
    body.push(row([r.label, ...r.cells]));
  }
  return [
    '\\begin{table}[htbp]',
    '\\centering',
    '\\begin{threeparttable}',
    `\\begin{tabular}{l${'c'.repeat(k)}}`,
    '\\toprule',
    ...(groups ? latexGroups(groups) : []),
    row(['', ...t.titles]),
    ...(t.depvars.length > 0 ? [row(['', ...t.depvars])] : []),
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    '\\begin{tablenotes}',
    '\\footnotesize',
    `\\item ${t.notes.map(texEscape).join(' ')}`,
    '\\end{tablenotes}',
    '\\end{threeparttable}',
    '\\end{table}',
    '',
  ].join('\n');
}

export function toHtml(t: TableModel, opts: TextRenderOptions = {}): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const groups = fitGroups(opts.groups, t.titles.length);
  const groupRow = groups ? `<tr class="groups"><th></th>${groups.map((g) => `<th${g.span > 1 ? ` colspan="${g.span}"` : ''}${g.label !== '' && g.span > 1 ? ' class="group"' : ''}>${esc(g.label)}</th>`).join('')}</tr>` : '';
  const tr = (cells: string[], tag: 'th' | 'td', cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<${tag}>${esc(c)}</${tag}>`)).join('')}</tr>`;
  return [
    '<table class="regression-table">',
    `<thead>${groupRow}${tr(['', ...t.titles], 'th')}${t.depvars.length > 0 ? tr(['', ...t.depvars], 'th') : ''}</thead>`,
    `<tbody>${t.rows.map((r) => tr([r.label, ...r.cells], 'td', r.kind)).join('')}</tbody>`,
    `<tfoot><tr><td colspan="${t.titles.length + 1}">${esc(t.notes.join(' '))}</td></tr></tfoot>`,
    '</table>',
    '',
  ].join('\n');
}

export function renderTable(t: TableModel, format: TableFormat, opts: TextRenderOptions = {}): string {
  switch (format) {
    case 'md':
      return toMarkdown(t, opts);
    case 'csv':
      return toCsv(t, opts);
    case 'tex':
      return toLatex(t, opts);
    case 'html':
      return toHtml(t, opts);
  }
}
