// Writers behind the table and chart channels that take what the renderer built: a chart drawn as
// SVG, PNG or PDF; any table model (descriptive statistics, correlations, the PSM balance table)
// through the same file writers as regression tables; a variable's distribution as a chart model.
// Main only checks and writes — to a path the user chose (the controller checks that).
import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { collectDistribution } from '../shared/chart/distribution.js';
import type { ChartModel } from '../shared/chart/model.js';
import { AppError } from '../shared/errors.js';
import type { ArgsOf } from '../shared/ipc.js';
import type { TableModel } from '../shared/table.js';
import { type TableGroup, fitGroups } from '../shared/table-layout.js';
import type { ProjectStore } from '../store/project.js';
import { isTableFileFormat, renderTableFile } from '../store/table-file.js';

/** Column groups padded to the table, or a clear INVALID_ARGUMENT. */
export function checkGroups(groups: TableGroup[] | undefined, columns: number): TableGroup[] | undefined {
  try {
    return fitGroups(groups, columns);
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', err instanceof Error ? err.message : String(err));
  }
}

export function tableFormatOf(target: string) {
  const format = extname(target).slice(1).toLowerCase();
  if (!isTableFileFormat(format)) throw new AppError('INVALID_ARGUMENT', `${basename(target)}: choose a .docx, .xlsx, .tex, .md, .csv or .html file name`);
  return format;
}

/** table:exportModel — a table model from the renderer, every row as wide as the titles. */
export function exportTableModel(target: string, { table, lang, title, groups }: Omit<ArgsOf<'table:exportModel'>, 'path'>): { path: string; rows: number } {
  const format = tableFormatOf(target);
  const k = table.titles.length;
  if (k === 0) throw new AppError('INVALID_ARGUMENT', 'the table has no columns');
  table.rows.forEach((r, i) => {
    if (r.cells.length !== k) throw new AppError('INVALID_ARGUMENT', `table.rows[${i}] has ${r.cells.length} cells, the table has ${k} columns`);
  });
  if (table.depvars.length !== 0 && table.depvars.length !== k) throw new AppError('INVALID_ARGUMENT', `table.depvars has ${table.depvars.length} entries, the table has ${k} columns`);
  const l = lang ?? 'en';
  const model: TableModel = { titles: table.titles, depvars: table.depvars, rows: table.rows, notes: table.notes };
  const g = checkGroups(groups, k);
  // no made-up title: "Regression results" would be wrong for a descriptive table
  writeFileSync(target, renderTableFile(model, format, { lang: l, ...(title ? { title } : {}), ...(g ? { groups: g } : {}) }, basename(target)));
  return { path: target, rows: table.rows.length };
}

const PDF_HEAD = '%PDF-';

/** chart:export — exactly one of svg (text), png (base64) or pdf (the text of a PDF), by extension. */
export function exportChart(target: string, { svg, png, pdf }: { svg?: string | undefined; png?: string | undefined; pdf?: string | undefined }): { path: string; bytes: number } {
  const ext = extname(target).toLowerCase();
  const given = [svg, png, pdf].filter((x) => x !== undefined).length;
  if (given !== 1) throw new AppError('INVALID_ARGUMENT', 'send the chart as one of svg, png or pdf');
  if (svg !== undefined) {
    if (ext !== '.svg') throw new AppError('INVALID_ARGUMENT', `${basename(target)}: an SVG chart needs a .svg file name`);
    if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svg)) throw new AppError('INVALID_ARGUMENT', 'the chart is not an SVG document');
    writeFileSync(target, svg, 'utf8');
    return { path: target, bytes: Buffer.byteLength(svg, 'utf8') };
  }
  if (pdf !== undefined) {
    if (ext !== '.pdf') throw new AppError('INVALID_ARGUMENT', `${basename(target)}: a PDF chart needs a .pdf file name`);
    // the shared renderer writes PDF as 7-bit text (binary-safe through JSON); anything else is refused
    if (!pdf.startsWith(PDF_HEAD) || !/%%EOF\s*$/.test(pdf) || /[^\x00-\x7f]/.test(pdf)) throw new AppError('INVALID_ARGUMENT', 'the chart is not a PDF document');
    const bytes = Buffer.from(pdf, 'latin1');
    writeFileSync(target, bytes);
    return { path: target, bytes: bytes.length };
  }
  if (ext !== '.png') throw new AppError('INVALID_ARGUMENT', `${basename(target)}: a PNG chart needs a .png file name`);
  const b64 = (png as string).replace(/^data:image\/png;base64,/, '');
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : null;
  if (!bytes || bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47 || bytes.readUInt32BE(4) !== 0x0d0a1a0a) throw new AppError('INVALID_ARGUMENT', 'the chart is not a PNG image');
  writeFileSync(target, bytes);
  return { path: target, bytes: bytes.length };
}

/** chart:distribution — a numeric variable's histogram and/or kernel density (missing values dropped). */
export function distributionChart(store: ProjectStore, { datasetId, variable, kind, bins, bandwidth, lang, title }: ArgsOf<'chart:distribution'>): ChartModel {
  const ds = store.getDataset(datasetId);
  const v = ds.variables.find((x) => x.name === variable);
  if (!v) throw new AppError('NOT_FOUND', `variable "${variable}" is not in the dataset`);
  const col = store.readColumn(datasetId, variable);
  if (col.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `"${variable}" is text; a histogram or density needs a numeric variable`);
  const l = lang ?? 'en';
  const name = (l === 'zh' ? (v.label.zh ?? v.label.en) : (v.label.en ?? v.label.zh)) || variable;
  return collectDistribution(col.values, { name, kind, lang: l, ...(bins !== undefined ? { bins } : {}), ...(bandwidth !== undefined ? { bandwidth } : {}), ...(title !== undefined ? { title } : {}) });
}
