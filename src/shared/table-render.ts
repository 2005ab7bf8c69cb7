// Regression tables, phase two: one renderer per format, each reading only the TableModel
// (table.ts). LaTeX is booktabs + threeparttable (the three-line table journals ask for);
// Markdown, CSV and HTML serve the UI, spreadsheets and quick pastes. Word and Excel files are
// binary and written in src/store/ (table-docx.ts, table-xlsx.ts; table-file.ts picks by format).
import type { TableModel } from './table.js';

export type TableFormat = 'md' | 'csv' | 'tex' | 'html';

function grid(t: TableModel): string[][] {
  return [['', ...t.titles], ...(t.depvars.length > 0 ? [['', ...t.depvars]] : []), ...t.rows.map((r) => [r.label, ...r.cells])];
}

export function toMarkdown(t: TableModel): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const g = grid(t);
  const lines = [`| ${g[0].map(esc).join(' | ')} |`, `|${g[0].map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...g.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`)];
  return `${lines.join('\n')}\n\n${t.notes.join(' ')}\n`;
}

export function toCsv(t: TableModel): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${[...grid(t), ...t.notes.map((n) => [n])].map((r) => r.map(q).join(',')).join('\n')}\n`;
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

export function toLatex(t: TableModel): string {
  const k = t.titles.length;
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

export function toHtml(t: TableModel): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const tr = (cells: string[], tag: 'th' | 'td', cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<${tag}>${esc(c)}</${tag}>`)).join('')}</tr>`;
  return [
    '<table class="regression-table">',
    `<thead>${tr(['', ...t.titles], 'th')}${t.depvars.length > 0 ? tr(['', ...t.depvars], 'th') : ''}</thead>`,
    `<tbody>${t.rows.map((r) => tr([r.label, ...r.cells], 'td', r.kind)).join('')}</tbody>`,
    `<tfoot><tr><td colspan="${t.titles.length + 1}">${esc(t.notes.join(' '))}</td></tr></tfoot>`,
    '</table>',
    '',
  ].join('\n');
}

export function renderTable(t: TableModel, format: TableFormat): string {
  switch (format) {
    case 'md':
      return toMarkdown(t);
    case 'csv':
      return toCsv(t);
    case 'tex':
      return toLatex(t);
    case 'html':
      return toHtml(t);
  }
}
