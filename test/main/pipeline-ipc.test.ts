// The pipeline channels through the IPC handlers (issue 11): save a table, list it with each
// model's freshness as the worker's results arrive, a changed spec or a variable it reads makes a
// model stale, a deleted model leaves the table, tables move between sections and are deleted.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import type { EventMap, EventName } from '../../src/shared/ipc.js';
import type { JobFinished } from '../../src/shared/types.js';
import { tempDir } from '../helpers.js';

describe('pipeline IPC', () => {
  it('saves, lists with freshness, moves and deletes tables', async () => {
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
    try {
      const dir = tempDir();
      const csv = join(dir, 'd.csv');
      writeFileSync(csv, `y,x,z\n${Array.from({ length: 50 }, (_, i) => `${(1 + 0.5 * (i % 7) + Math.sin(i)).toFixed(5)},${i % 7},${(i * 3) % 11}`).join('\n')}\n`);
      await controller.call('project:new', { path: join(dir, 'p.pstudio') });
      expect(await controller.call('pipeline:list', undefined)).toEqual({ tables: [], models: [] });
      const { dataset } = await controller.call('dataset:import', { path: csv });
      const run = async (spec: unknown, name: string, modelId?: number) => {
        const done = new Promise<JobFinished>((r) => waiters.push(r));
        await controller.call('estimate:run', { datasetId: dataset.id, spec, name, ...(modelId ? { modelId } : {}) });
        const fin = await done;
        expect(fin.ok, fin.error?.message).toBe(true);
        return fin.modelId as number;
      };
      const a = await run({ estimator: 'ols', y: 'y', x: ['x'] }, 'T2 (1)');
      const b = await run({ estimator: 'ols', y: 'y', x: ['x', 'z'] }, 'T2 (2)');

      const saved = await controller.call('pipeline:save', { key: 'T2', section: 'baseline', title: { zh: '表2', en: 'Table 2' }, modelIds: [b, a], options: { statistic: 'se', stats: ['nobs', 'r2'] } });
      expect(saved).toMatchObject({ key: 'T2', section: 'baseline', position: 0, modelIds: [b, a], steps: [], options: { statistic: 'se', stats: ['nobs', 'r2'] } });
      const status = async () => Object.fromEntries((await controller.call('pipeline:list', undefined)).models.map((m) => [m.modelId, m.status + (m.reason ? `:${m.reason}` : '')]));
      expect(await status()).toEqual({ [a]: 'fresh', [b]: 'fresh' });

      // the table exports through table:export with its own options
      const out = await controller.call('table:export', { modelIds: saved.modelIds, path: join(dir, 't.md'), lang: 'en', options: { ...saved.options, title: 'Table 2' } });
      expect(out.columns).toBe(2);

      // a model run again with another spec (the form's Run on a selected model): fresh with it
      await run({ estimator: 'ols', y: 'y', x: ['z'] }, 'T2 (1)', a);
      expect((await status())[a]).toBe('fresh');
      // a new variable neither model reads leaves both fresh; x replaced by a tool makes the model
      // that reads it stale because of the data, naming x
      await controller.call('tool:run', { datasetId: dataset.id, tool: 'generate', params: { name: 'w', expr: 'x * 2' } });
      expect(await status()).toEqual({ [a]: 'fresh', [b]: 'fresh' });
      await controller.call('tool:run', { datasetId: dataset.id, tool: 'replace', params: { target: 'x', expr: 'x + 1' } });
      expect(await status()).toEqual({ [a]: 'fresh', [b]: 'stale:data' });
      expect((await controller.call('pipeline:list', undefined)).models.find((m) => m.modelId === b)?.variables).toEqual(['x']);
      await run({ estimator: 'ols', y: 'y', x: ['x', 'z'] }, 'T2 (2)', b);
      expect(await status()).toEqual({ [a]: 'fresh', [b]: 'fresh' });

      // a second table; moved before the first within baseline, then to robustness
      const other = await controller.call('pipeline:save', { section: 'baseline', title: { en: 'Other' }, modelIds: [a] });
      let tables = await controller.call('pipeline:move', { id: other.id, section: 'baseline', index: 0 });
      expect(tables.map((t) => [t.id, t.section, t.position])).toEqual([[other.id, 'baseline', 0], [saved.id, 'baseline', 1]]);
      tables = await controller.call('pipeline:move', { id: other.id, section: 'robustness' });
      expect(tables.map((t) => [t.id, t.section, t.position])).toEqual([[saved.id, 'baseline', 0], [other.id, 'robustness', 0]]);

      // a deleted model leaves the tables
      await controller.call('model:delete', { modelId: a });
      tables = (await controller.call('pipeline:list', undefined)).tables;
      expect(tables.map((t) => t.modelIds)).toEqual([[b], []]);
      expect(await controller.invoke('pipeline:save', { id: saved.id, section: 'baseline', title: { en: 'x' }, modelIds: [a] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: `model ${a} does not exist` } });

      await controller.call('pipeline:delete', { id: other.id });
      expect((await controller.call('pipeline:list', undefined)).tables.map((t) => t.id)).toEqual([saved.id]);
      expect(await controller.invoke('pipeline:delete', { id: other.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      controller.dispose();
    }
  });
});
