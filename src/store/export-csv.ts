// Export a dataset to CSV (UTF-8, comma, RFC 4180 quoting; missing = empty field). Written to
// `target.partial` and renamed when complete (as the .xlsx and .dta writers), so a killed or failed
// export never leaves a truncated file under the chosen name.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { CHUNK_ROWS } from './codec.js';
import type { ProjectStore } from './project.js';
import { selectVariables } from './select-variables.js';

function quote(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportCsv(store: ProjectStore, datasetId: number, target: string, variables?: string[]): Promise<{ path: string; rows: number }> {
  const ds = store.getDataset(datasetId);
  const names = selectVariables(ds, variables).map((v) => v.name);
  const partial = `${target}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let complete = false;
  try {
    await write(`${names.map(quote).join(',')}\n`);
    for (let offset = 0; offset < ds.nrows; offset += CHUNK_ROWS) {
      const page = store.readRows(datasetId, offset, CHUNK_ROWS, names);
      const cols = names.map((n) => page.columns[n]);
      const lines: string[] = [];
      for (let i = 0; i < page.nrows; i++) {
        lines.push(cols.map((c) => { const v = c[i]; return v === null ? '' : typeof v === 'number' ? String(v) : quote(v); }).join(','));
      }
      await write(`${lines.join('\n')}\n`);
    }
    complete = true;
  } finally {
    out.end();
    await once(out, 'close');
    if (complete) renameSync(partial, target);
    else rmSync(partial, { force: true });
  }
  return { path: target, rows: ds.nrows };
}
