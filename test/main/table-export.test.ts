// The table:export handler writes Word and Excel tables by the file's extension (bytes, not text),
// in the language asked for, and names the formats it knows when given another extension.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import type { EventMap, EventName } from '../../src/shared/ipc.js';
import type { JobFinished } from '../../src/shared/types.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { tempDir } from '../helpers.js';

describe('table:export to .docx and .xlsx', () => {
  it('writes both from the stored results of two models', async () => {
    const waiters: ((f: JobFinished) => void)[] = [];
    const controller = new AppController({
      mode: 'web',
      version: 'test',
      home: tempDir('ps-home-'),
      jobs: new JobHost(nodeWorkerSpawner(resolve('out/node/worker.js'))),
      emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
        if (event === 'job:finished') waiters.splice(0).forEach((w) => w(payload as JobFinished));
      },
    });
    const finished = () => new Promise<JobFinished>((r) => waiters.push(r));
    try {
      const dir = tempDir();
      await controller.call('project:new', { path: join(dir, 'study') });
      const { dataset } = await controller.call('dataset:import', { path: resolve('test/reference/panel_grunfeld/data.csv') });
      const ids: number[] = [];
      for (const spec of [
        { estimator: 'ols', y: 'inv', x: ['value', 'capital'], vcov: 'robust' },
        { estimator: 'hdfe', y: 'inv', x: ['value', 'capital'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['firm'] },
      ]) {
        const done = finished();
        await controller.call('estimate:run', { datasetId: dataset.id, spec });
        const fin = await done;
        expect(fin.ok).toBe(true);
        ids.push(fin.modelId as number);
      }

      const docx = join(dir, 'table.docx');
      expect(await controller.call('table:export', { modelIds: ids, path: docx, lang: 'zh' })).toEqual({ path: docx, columns: 2 });
      const doc = ZipArchive.open(readFileSync(docx), 'table.docx').read('word/document.xml').toString('utf8');
      for (const s of ['>回归结果</w:t>', '>观测值</w:t>', '>控制</w:t>', '<w:gridSpan w:val="2"/>']) expect(doc).toContain(s);

      const xlsx = join(dir, 'table.xlsx');
      expect(await controller.call('table:export', { modelIds: ids, path: xlsx, lang: 'en' })).toEqual({ path: xlsx, columns: 2 });
      const zip = ZipArchive.open(readFileSync(xlsx), 'table.xlsx');
      expect(zip.read('xl/sharedStrings.xml').toString('utf8')).toContain('<t>Observations</t>');
      expect(zip.read('xl/worksheets/sheet1.xml').toString('utf8')).toContain('<mergeCell ref="B2:C2"/>');

      // the composer's choices: SEs, 2 decimals, one star level, only N, labels, a title
      const md = join(dir, 'table.md');
      await controller.call('table:export', { modelIds: [ids[1]], path: md, lang: 'en', options: { statistic: 'se', decimals: 2, stars: [0.01], stats: ['nobs'], labels: { value: 'Firm value' }, title: 'T' } });
      const text = readFileSync(md, 'utf8');
      expect(text).toContain('Firm value');
      expect(text).toContain('Standard errors in parentheses.');
      expect(text).toContain('* p < 0.01.');
      expect(text).not.toContain('** p');
      expect(text).not.toContain('R²');
      expect(await controller.invoke('table:export', { modelIds: ids, path: md, options: { stars: [5] } })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/star thresholds must be between 0 and 1/) } });
      expect(await controller.invoke('table:export', { modelIds: ids, path: md, options: { stats: ['bogus'] } })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

      expect(await controller.invoke('table:export', { modelIds: ids, path: join(dir, 'table.pdf') })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'table.pdf: choose a .docx, .xlsx, .tex, .md, .csv or .html file name' },
      });
    } finally {
      controller.dispose();
    }
  });
});
