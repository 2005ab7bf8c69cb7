// Export a dataset by the target's extension: .csv, .xlsx or Stata .dta (format 118).
import { extname } from 'node:path';
import { AppError } from '../shared/errors.js';
import { exportCsv } from './export-csv.js';
import { exportDta } from './export-dta.js';
import { exportXlsx } from './export-xlsx.js';
import type { ProjectStore } from './project.js';

export interface ExportSummary {
  path: string;
  rows: number;
  warnings: string[];
}

export async function exportDataset(store: ProjectStore, datasetId: number, target: string, variables?: string[]): Promise<ExportSummary> {
  const ext = extname(target).toLowerCase();
  if (ext === '.csv') return { ...(await exportCsv(store, datasetId, target, variables)), warnings: [] };
  if (ext === '.xlsx') return { ...(await exportXlsx(store, datasetId, target, variables)), warnings: [] };
  if (ext === '.dta') return exportDta(store, datasetId, target, variables);
  throw new AppError('INVALID_ARGUMENT', `${target}: choose a .csv, .xlsx or .dta file name to export to`);
}
