// `panel-studio replicate PROJECT` writes the project's pipeline tables (issue 11): their columns in
// the stored order, their options (statistic, decimals, summary rows), title and file name from
// the key; a project without pipeline tables falls back to the "T2 …" prefix of the model names.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeSpec } from '../../src/shared/spec.js';
import { CHUNK_ROWS } from '../../src/store/codec.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

const CLI = resolve('bin/panel-studio.mjs');

/** 400 rows: y = 1 + 2·x − 0.5·z + noise (deterministic). */
function makeProject(path: string, withPipeline: boolean): { first: number; second: number } {
  const store = ProjectStore.create(path);
  const n = 400;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * 3);
  const z = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7) * 2);
  const y = Float64Array.from({ length: n }, (_, i) => 1 + 2 * x[i] - 0.5 * z[i] + Math.sin(i * 12.9898) * 0.5);
  const names = ['y', 'x', 'z'];
  const { datasetId, variableIds } = store.beginDataset(
    'd',
    'test',
    n,
    names.map((name) => ({ name, type: 'numeric' as const, label: { en: `label of ${name}` }, recipe: { kind: 'import' as const, source: 't', column: name } })),
  );
  expect(n).toBeLessThan(CHUNK_ROWS);
  store.writeChunks(0, variableIds, [y, x, z]);
  const ds = store.commitDataset(datasetId);
  const first = store.saveModel({ name: 'T2 (1) x', datasetId: ds.id, spec: normalizeSpec({ estimator: 'ols', y: 'y', x: ['x'] }) });
  const second = store.saveModel({ name: 'T2 (2) z', datasetId: ds.id, spec: normalizeSpec({ estimator: 'ols', y: 'y', x: ['z'] }) });
  if (withPipeline) {
    store.savePipelineTable({ key: 'Main', section: 'baseline', title: { en: 'The main table', zh: '主表' }, modelIds: [second, first], options: { statistic: 'se', decimals: 2, stats: ['nobs'], groups: [{ label: 'Both samples', span: 2 }] } });
  }
  store.close();
  return { first, second };
}

describe('panel-studio replicate with pipeline tables', () => {
  it('writes each pipeline table with its columns, options, title and key', () => {
    const dir = tempDir();
    const project = join(dir, 'study.pstudio');
    const { first, second } = makeProject(project, true);
    const out = join(dir, 'rep');
    const r = spawnSync(process.execPath, [CLI, 'replicate', project, '--out', out, '--lang', 'en'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('replicated 2 models; 3 table files');
    for (const ext of ['docx', 'tex', 'xlsx']) expect(existsSync(join(out, 'tables', `Main.${ext}`))).toBe(true);
    expect(existsSync(join(out, 'tables', 'T2.tex')), 'no prefix grouping when the project has pipeline tables').toBe(false);

    const store = ProjectStore.open(join(out, 'study.pstudio'), { readonly: true });
    const coef = (id: number, term: string) => store.latestResult(id)?.result.coefficients.find((c) => c.term === term);
    const x = coef(first, 'x');
    const z = coef(second, 'z');
    expect(store.pipelineModelStates().map((s) => s.status)).toEqual(['fresh', 'fresh']);
    store.close();
    expect(x && z).toBeTruthy();
    const docx = join(out, 'tables', 'Main.docx');
    expect(ZipArchive.open(readFileSync(docx), docx).read('word/document.xml').toString('utf8')).toContain('The main table');
    const tex = readFileSync(join(out, 'tables', 'Main.tex'), 'utf8');
    // column (1) is the second model (z), column (2) the first (x); two decimals; SEs in parentheses; labels as row names
    const line = (label: string) => (tex.split('\n').find((l) => l.trimStart().startsWith(label)) ?? '').replace(/\$\^\{\*+\}\$/g, '*').replace(/\s+/g, ' ').trim();
    expect(line('label of z')).toBe(`label of z & ${z!.estimate.toFixed(2)}* & \\\\`);
    expect(line('label of x')).toBe(`label of x & & ${x!.estimate.toFixed(2)}* \\\\`);
    expect(tex).toContain(`(${x!.std_error.toFixed(2)})`);
    expect(tex).not.toMatch(/R\$\^2\$|R²/);
    expect(tex).toMatch(/\\multicolumn\{2\}\{c\}\{Both samples\}/); // the stored super-header
  });

  it('falls back to the prefix of the model names in a project without pipeline tables', () => {
    const dir = tempDir();
    const project = join(dir, 'plain.pstudio');
    makeProject(project, false);
    const out = join(dir, 'rep');
    const r = spawnSync(process.execPath, [CLI, 'replicate', project, '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const ext of ['docx', 'tex', 'xlsx']) expect(existsSync(join(out, 'tables', `T2.${ext}`))).toBe(true);
    expect(existsSync(join(out, 'tables', 'Main.tex'))).toBe(false);
  });
});
