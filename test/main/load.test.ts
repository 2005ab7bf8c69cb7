// Load on the job host with the real engine worker (child_process.fork of out/node/worker.js):
// 20 estimations queued at once run one at a time in submission order (one worker process, FIFO),
// all complete, and the host holds nothing afterwards; cancelling queued and running jobs rejects
// exactly those with CANCELLED, restarts the worker only for running ones, and every other job
// still finishes with the right result. Memory is measured and printed, not asserted (it depends on
// the machine); the assertions are structural only — no timing.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobHost, type WorkerSpawner, nodeWorkerSpawner } from '../../src/main/job-host.js';
import type { EstimationResult } from '../../src/shared/result.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import { importFile } from '../../src/store/import/import-file.js';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

const WORKER = resolve('out/node/worker.js');
const N_JOBS = 20;
const N_ROWS = 20_000;
const MB = 1024 * 1024;

/** Counts the worker processes the host starts. */
function counting(spawn: WorkerSpawner): { spawned: number; spawner: WorkerSpawner } {
  const c = { spawned: 0, spawner: spawn };
  c.spawner = () => {
    c.spawned++;
    return spawn();
  };
  return c;
}

function specFor(i: number): ModelSpec {
  // alternate pooled OLS and firm-FE HDFE, with different regressors, so the jobs are not identical
  return i % 2 === 0
    ? normalizeSpec({ estimator: 'ols', y: 'y', x: i % 4 === 0 ? ['x1', 'x2'] : ['x1'], vcov: 'robust' })
    : normalizeSpec({ estimator: 'hdfe', y: 'y', x: ['x1', 'x2'], absorb: ['firm'], vcov: 'cluster', cluster: ['firm'] });
}

describe('job host under load (20 jobs, real worker)', () => {
  let projectPath = '';
  let datasetId = 0;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error('out/node/worker.js is missing: run `npm run build:node` first');
    const dir = tempDir('ps-load-');
    const csv = join(dir, 'panel.csv');
    const lines = ['firm,year,x1,x2,y'];
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    for (let r = 0; r < N_ROWS; r++) {
      const firm = r % 500;
      const x1 = rand() * 4;
      const x2 = rand() * 2 + firm / 500;
      lines.push(`${firm},${2000 + Math.floor(r / 500)},${x1.toFixed(5)},${x2.toFixed(5)},${(1 + 0.5 * x1 - 0.25 * x2 + firm / 100 + rand()).toFixed(5)}`);
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    projectPath = join(dir, 'load.pstudio');
    const store = ProjectStore.create(projectPath);
    datasetId = (await importFile(store, csv)).dataset.id;
    store.close();
  });

  it('runs 20 queued estimations one at a time, in order, in one worker, and keeps nothing afterwards', async () => {
    const counter = counting(nodeWorkerSpawner(WORKER));
    const host = new JobHost(counter.spawner);
    const started: number[] = [];
    const finished: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const rss0 = process.memoryUsage().rss;

    const jobs = Array.from({ length: N_JOBS }, (_, i) =>
      host
        .run({ type: 'run', jobId: `load-${i}`, spec: specFor(i), projectPath, datasetId }, () => {
          if (started.at(-1) !== i) {
            started.push(i);
            running++;
            maxRunning = Math.max(maxRunning, running);
          }
        })
        .then((r) => {
          running--;
          finished.push(i);
          return r;
        }),
    );
    expect(host.busy).toBe(true);
    const results: EstimationResult[] = await Promise.all(jobs);
    const rss1 = process.memoryUsage().rss;

    // one worker, one job at a time, first in first out
    expect(counter.spawned).toBe(1);
    expect(maxRunning).toBe(1);
    expect(started).toEqual([...Array(N_JOBS).keys()]);
    expect(finished).toEqual([...Array(N_JOBS).keys()]);
    // every job got its own, correct result
    results.forEach((r, i) => {
      expect(r.nobs).toBe(N_ROWS);
      expect(r.estimator).toBe(specFor(i).estimator);
      expect(r.coefficients.find((c) => c.term === 'x1')?.estimate).toBeCloseTo(0.5, 1);
    });
    expect(host.busy).toBe(false);

    // a second round on the same worker: the host's memory does not keep growing with jobs served
    const again = await Promise.all(Array.from({ length: N_JOBS }, (_, i) => host.run({ type: 'run', jobId: `again-${i}`, spec: specFor(i), projectPath, datasetId })));
    const rss2 = process.memoryUsage().rss;
    expect(again.map((r) => r.nobs)).toEqual(Array(N_JOBS).fill(N_ROWS));
    expect(counter.spawned).toBe(1);
    host.dispose();
    console.log(
      `[load] host RSS: start ${(rss0 / MB).toFixed(1)} MB, after 20 jobs ${(rss1 / MB).toFixed(1)} MB (+${((rss1 - rss0) / MB).toFixed(1)}), after 40 ${(rss2 / MB).toFixed(1)} MB (+${((rss2 - rss1) / MB).toFixed(1)} for the second 20)`,
    );
  }, 180_000);

  it('cancels queued and running jobs; the others all finish, and only running cancels restart the worker', async () => {
    const counter = counting(nodeWorkerSpawner(WORKER, { PANEL_STUDIO_TEST_HOOKS: '1' }));
    const host = new JobHost(counter.spawner);
    const id = (i: number) => `c-${i}`;
    const cancelledNow: boolean[] = [];
    const asked = new Set<number>();
    const outcome: ('done' | 'cancelled' | 'other')[] = Array(N_JOBS).fill('other');
    const errors: unknown[] = Array(N_JOBS).fill(null);
    let cancelOfFinished: boolean | null = null;

    const jobs = Array.from({ length: N_JOBS }, (_, i) =>
      host
        .run(
          // job 0 hangs in the worker until it is cancelled
          { type: 'run', jobId: id(i), spec: specFor(i), projectPath, datasetId, ...(i === 0 ? { crashForTest: 'hang' as const } : {}) },
          () => {
            // running cancels: the hung job 0 and the real job 15, each from its first progress message
            if ((i === 0 || i === 15) && !asked.has(i)) {
              asked.add(i);
              cancelledNow.push(host.cancel(id(i)));
            }
          },
        )
        .then(
          (r) => {
            outcome[i] = 'done';
            // a queued cancel issued later, from another job's completion
            if (i === 3) cancelledNow.push(host.cancel(id(12)));
            if (i === 4) cancelOfFinished = host.cancel(id(3));
            return r;
          },
          (e: unknown) => {
            errors[i] = e;
            outcome[i] = (e as { code?: string }).code === 'CANCELLED' ? 'cancelled' : 'other';
            return null;
          },
        ),
    );
    // queued cancels right away: a job in the middle and the last one
    cancelledNow.push(host.cancel(id(7)), host.cancel(id(19)));
    // cancelling twice or an unknown job is a no-op
    expect(host.cancel(id(7))).toBe(false);
    expect(host.cancel('no-such-job')).toBe(false);

    const results = await Promise.all(jobs);
    const cancelled = [0, 7, 12, 15, 19];
    expect(outcome.map((o, i) => (cancelled.includes(i) ? o === 'cancelled' : o === 'done'))).toEqual(Array(N_JOBS).fill(true));
    for (const i of cancelled) expect(errors[i]).toMatchObject({ name: 'AppError', code: 'CANCELLED', message: expect.stringMatching(/cancelled/) });
    expect(cancelledNow).toEqual([true, true, true, true, true]);
    expect(cancelOfFinished).toBe(false);
    results.forEach((r, i) => {
      if (!cancelled.includes(i)) expect(r?.nobs, `job ${i}`).toBe(N_ROWS);
    });
    // the first worker and one fresh worker per running cancel (jobs 0 and 15); queued cancels kill nothing
    expect(counter.spawned).toBe(3);
    expect(host.busy).toBe(false);
    host.dispose();
  }, 180_000);
});
