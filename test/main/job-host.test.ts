// The engine worker under Node (child_process.fork through the shim): a real job, cancel, crash.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

export const WORKER = resolve('out/node/worker.js');

describe('job host + engine worker (Node shim)', () => {
  let projectPath = '';
  let datasetId = 0;
  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error('out/node/worker.js is missing: run `npm test` (it builds first) or `npm run build:node`');
    const dir = tempDir();
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, `y,x,g\n${Array.from({ length: 40 }, (_, i) => `${(i * 7) % 11 + 0.5 * i},${i},${i % 4}`).join('\n')}\n`);
    projectPath = join(dir, 'p.pstudio');
    const store = ProjectStore.create(projectPath);
    datasetId = (await importFile(store, csv)).dataset.id;
    store.close();
  });

  it('runs a job in the worker, reading the project read-only, with progress', async () => {
    const host = new JobHost(nodeWorkerSpawner(WORKER));
    const stages: string[] = [];
    const result = await host.run(
      { type: 'run', jobId: 'j1', spec: normalizeSpec({ y: 'y', x: ['x'], vcov: 'cluster', cluster: ['g'] }), projectPath, datasetId },
      (stage) => stages.push(stage),
    );
    expect(result.nobs).toBe(40);
    expect(result.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'x']);
    expect(result.vcov.clusters).toEqual([{ variable: 'g', groups: 4 }]);
    expect(stages).toContain('load');
    expect(stages).toContain('covariance');
    // a second job reuses the worker
    const again = await host.run({ type: 'run', jobId: 'j2', spec: normalizeSpec({ y: 'y', x: ['x'] }), projectPath, datasetId });
    expect(again.coefficients[1].estimate).toBeCloseTo(result.coefficients[1].estimate, 12);
    host.dispose();
  });

  it('reports engine errors as error results, not crashes', async () => {
    const host = new JobHost(nodeWorkerSpawner(WORKER));
    await expect(host.run({ type: 'run', jobId: 'e', spec: normalizeSpec({ y: 'y', x: ['nope'] }), projectPath, datasetId })).rejects.toThrow(/variable "nope" is not in the dataset/);
    await expect(host.run({ type: 'run', jobId: 'e2', spec: normalizeSpec({ y: 'y', x: ['x'] }), projectPath: '/no/such.pstudio', datasetId })).rejects.toThrow(/does not exist/);
    host.dispose();
  });

  it('cancels a running job by killing the worker, and the next job gets a fresh worker', async () => {
    const host = new JobHost(nodeWorkerSpawner(WORKER, { PANEL_STUDIO_TEST_HOOKS: '1' }));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const hung = host.run({ type: 'run', jobId: 'h', spec: normalizeSpec({ y: 'y', x: ['x'] }), projectPath, datasetId, crashForTest: 'hang' }, () => started());
    await running;
    expect(host.cancel('h')).toBe(true);
    await expect(hung).rejects.toMatchObject({ code: 'CANCELLED' });
    const ok = await host.run({ type: 'run', jobId: 'n', spec: normalizeSpec({ y: 'y', x: ['x'] }), projectPath, datasetId });
    expect(ok.nobs).toBe(40);
    expect(host.cancel('unknown')).toBe(false);
    host.dispose();
  });

  it('turns a crashed worker into an error for its job and recovers', async () => {
    const host = new JobHost(nodeWorkerSpawner(WORKER, { PANEL_STUDIO_TEST_HOOKS: '1' }));
    await expect(host.run({ type: 'run', jobId: 'c', spec: normalizeSpec({ y: 'y', x: ['x'] }), projectPath, datasetId, crashForTest: 'exit' })).rejects.toMatchObject({
      code: 'WORKER_CRASHED',
      message: expect.stringMatching(/stopped with exit code 70.*nothing in the project was changed/),
    });
    const ok = await host.run({ type: 'run', jobId: 'after', spec: normalizeSpec({ y: 'y', x: ['x'] }), projectPath, datasetId });
    expect(ok.nobs).toBe(40);
    host.dispose();
  });
});
