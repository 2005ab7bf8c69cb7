// Column groups in the text renderers: Markdown and CSV put each label in the first column of its
// span, LaTeX uses \multicolumn with a trimmed \cmidrule under each labelled group (booktabs), HTML a
// spanning header cell. Without groups the output is what it always was.
import { describe, expect, it } from 'vitest';
import type { TableModel } from '../../src/shared/table.js';
import { renderTable, toCsv, toHtml, toLatex, toMarkdown } from '../../src/shared/table-render.js';

const HET: TableModel = {
  titles: ['(1)', '(2)', '(3)', '(4)', '(5)'],
  depvars: ['quality', 'quality', 'quality', 'quality', 'quality'],
  rows: [
    { label: 'ecommerce', cells: ['0.052***', '0.018', '0.061***', '0.009', '0.030**'], kind: 'coef' },
    { label: '', cells: ['(4.12)', '(1.05)', '(3.88)', '(0.61)', '(2.10)'], kind: 'paren' },
    { label: 'Observations', cells: ['1200', '1180', '950', '1430', '2380'], kind: 'stat' },
  ],
  notes: ['t statistics in parentheses.'],
};
// "Full sample" over column 5 is a one-column group; the renderer pads nothing here (2 + 2 + 1 = 5)
const GROUPS = [
  { label: 'Large & old', span: 2 },
  { label: 'Small', span: 2 },
  { label: 'Full sample', span: 1 },
];

describe('column groups in Markdown, CSV, LaTeX and HTML', () => {
  it('Markdown: the group row heads the table, labels in the first column of their span', () => {
    const md = toMarkdown(HET, { groups: GROUPS }).split('\n');
    expect(md[0]).toBe('|  | Large & old |  | Small |  | Full sample |');
    expect(md[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: |');
    expect(md[2]).toBe('|  | (1) | (2) | (3) | (4) | (5) |');
    expect(md[3]).toBe('|  | quality | quality | quality | quality | quality |');
    expect(md[4]).toBe('| ecommerce | 0.052*** | 0.018 | 0.061*** | 0.009 | 0.030** |');
  });

  it('CSV: the same group row (quoted where needed)', () => {
    const csv = toCsv(HET, { groups: GROUPS }).split('\n');
    expect(csv.slice(0, 3)).toEqual([',Large & old,,Small,,Full sample', ',(1),(2),(3),(4),(5)', ',quality,quality,quality,quality,quality']);
    expect(toCsv(HET, { groups: [{ label: 'a, b', span: 5 }] }).split('\n')[0]).toBe(',"a, b",,,,');
  });

  it('LaTeX: \\multicolumn over spans, a \\cmidrule(lr) under each labelled group wider than one column', () => {
    const tex = toLatex(HET, { groups: GROUPS }).split('\n');
    const top = tex.indexOf('\\toprule');
    expect(tex[top + 1]).toBe(' & \\multicolumn{2}{c}{Large \\& old} & \\multicolumn{2}{c}{Small} & Full sample \\\\');
    expect(tex[top + 2]).toBe('\\cmidrule(lr){2-3} \\cmidrule(lr){4-5}');
    expect(tex[top + 3]).toBe(' & (1) & (2) & (3) & (4) & (5) \\\\');
    expect(tex[top + 4]).toBe(' & quality & quality & quality & quality & quality \\\\');
    expect(tex[top + 5]).toBe('\\midrule');
    // a group list shorter than the table is padded with blank columns (no rule under them)
    const padded = toLatex(HET, { groups: [{ label: 'Large', span: 2 }] }).split('\n');
    expect(padded[top + 1]).toBe(' & \\multicolumn{2}{c}{Large} &  &  &  \\\\');
    expect(padded[top + 2]).toBe('\\cmidrule(lr){2-3}');
  });

  it('HTML: a spanning header cell per group above the column titles', () => {
    const html = toHtml(HET, { groups: GROUPS });
    expect(html).toContain('<thead><tr class="groups"><th></th><th colspan="2" class="group">Large &amp; old</th><th colspan="2" class="group">Small</th><th>Full sample</th></tr><tr><th scope="row"></th><th>(1)</th>');
  });

  it('without groups (or with blank ones) nothing changes; groups over too many columns are refused', () => {
    for (const f of ['md', 'csv', 'tex', 'html'] as const) {
      expect(renderTable(HET, f, { groups: [{ label: '', span: 3 }] })).toBe(renderTable(HET, f));
      expect(renderTable(HET, f, {})).toBe(renderTable(HET, f));
      expect(() => renderTable(HET, f, { groups: [{ label: 'A', span: 6 }] })).toThrow('the column groups span 6 columns, the table has 5');
    }
    expect(toMarkdown(HET).split('\n')[0]).toBe('|  | (1) | (2) | (3) | (4) | (5) |');
  });
});
