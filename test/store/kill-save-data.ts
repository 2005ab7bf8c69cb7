// The data of the kill-save test: written by the child process and recomputed by the test to check
// what survived a kill.
import { CHUNK_ROWS } from '../../src/store/codec.js';
import type { ProjectStore } from '../../src/store/project.js';

/** The values of column j of a test dataset (the test recomputes them to check what survived). */
export function value(j: number, i: number): number {
  return Math.sin(i * (j + 1)) * 1000 + j;
}

/** A dataset of `rows` rows and `cols` numeric columns v0, v1, … through staging, as imports. */
export function addDataset(store: ProjectStore, name: string, rows: number, cols: number): void {
  const variables = Array.from({ length: cols }, (_, j) => ({ name: `v${j}`, type: 'numeric' as const, recipe: { kind: 'import' as const, source: 'kill-save', column: `v${j}` } }));
  const { datasetId, variableIds } = store.beginDataset(name, 'kill-save test', rows, variables);
  for (let c = 0; c * CHUNK_ROWS < rows; c++) {
    const a = c * CHUNK_ROWS;
    const b = Math.min(rows, a + CHUNK_ROWS);
    store.writeChunks(c, variableIds, variables.map((_, j) => Float64Array.from({ length: b - a }, (_, r) => value(j, a + r))));
  }
  store.commitDataset(datasetId);
}
