// One entry point for writing a table model to a file in any format: the text formats through
// shared/table-render.ts, Word and Excel through the binary writers next to this file. Used by
// the CLI (`panel-studio table --format`) and the app's table:export handler (by extension).
import type { Buffer } from 'node:buffer';
import type { TableModel } from '../shared/table.js';
import { type TableRenderOptions, fitGroups } from '../shared/table-layout.js';
import { type TableFormat, renderTable } from '../shared/table-render.js';
import { tableDocx } from './table-docx.js';
import { tableXlsx } from './table-xlsx.js';

export type TableFileFormat = TableFormat | 'docx' | 'xlsx';
export const TABLE_FILE_FORMATS: readonly TableFileFormat[] = ['docx', 'xlsx', 'tex', 'md', 'csv', 'html'];

export const isTableFileFormat = (s: string): s is TableFileFormat => (TABLE_FILE_FORMATS as readonly string[]).includes(s);

/** The file's contents: text for md/csv/tex/html, bytes for docx/xlsx. The title applies to Word
 *  and Excel (the text formats carry none); column groups to every format, padded with blank
 *  groups when they cover fewer columns than the table has (fitGroups). */
export function renderTableFile(t: TableModel, format: TableFileFormat, opts: TableRenderOptions = {}, file?: string): string | Buffer {
  const groups = fitGroups(opts.groups, t.titles.length);
  const o: TableRenderOptions = { ...opts };
  if (groups) o.groups = groups;
  else delete o.groups;
  if (format === 'docx') return tableDocx(t, o, file);
  if (format === 'xlsx') return tableXlsx(t, o, file);
  return renderTable(t, format, groups ? { groups } : {});
}
