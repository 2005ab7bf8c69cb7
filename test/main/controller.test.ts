// The IPC handlers without Electron: argument validation, errors as envelopes, and the whole
// new project → import → estimate (in the worker) → result → reopen flow.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import type { EventMap, EventName } from '../../src/shared/ipc.js';
import type { JobFinished } from '../../src/shared/types.js';
import { tempDir } from '../helpers.js';

function makeController(mode: 'web' | 'electron' = 'web') {
  const events: { event: EventName; payload: unknown }[] = [];
  const waiters: ((f: JobFinished) => void)[] = [];
  const controller = new AppController({
    mode,
    version: 'test',
    home: tempDir('ps-home-'),
    jobs: new JobHost(nodeWorkerSpawner(resolve('out/node/worker.js'))),
    emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
      events.push({ event, payload });
      if (event === 'job:finished') waiters.splice(0).forEach((w) => w(payload as JobFinished));
    },
  });
  const finished = () => new Promise<JobFinished>((r) => waiters.push(r));
  return { controller, events, finished };
}

describe('AppController (IPC handlers)', () => {
  it('validates every argument and answers with error envelopes', async () => {
    const { controller } = makeController();
    expect(await controller.invoke('nope:nope', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'unknown request "nope:nope"' } });
    expect(await controller.invoke('project:new', {})).toMatchObject({ ok: false, error: { message: 'project:new.path: expected text, got undefined' } });
    expect(await controller.invoke('project:new', { path: 'relative.pstudio' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/give a full path/) } });
    expect(await controller.invoke('project:new', { path: '/tmp/x', extra: 1 })).toMatchObject({ ok: false, error: { message: 'project:new.extra: unknown field' } });
    expect(await controller.invoke('dataset:rows', { datasetId: 1, offset: -1, limit: 10 })).toMatchObject({ ok: false, error: { message: 'dataset:rows.offset: must be at least 0' } });
    expect(await controller.invoke('dataset:list', undefined)).toMatchObject({ ok: false, error: { code: 'NO_PROJECT' } });
    controller.dispose();
  });

  it('in Electron mode touches only paths chosen in a dialog', async () => {
    const { controller } = makeController('electron');
    const r = await controller.invoke('project:open', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { message: '/etc/passwd was not chosen in a file dialog' } });
    controller.dispose();
  });

  it('runs new project → import → estimate → result → cache → reopen', async () => {
    const { controller, events, finished } = makeController();
    const dir = tempDir();
    const csv = join(dir, 'wages.csv');
    writeFileSync(csv, `lwage,educ,exper,sector\n${Array.from({ length: 60 }, (_, i) => `${(1 + 0.08 * (i % 12) + 0.01 * ((i * 7) % 13)).toFixed(4)},${8 + (i % 12)},${(i * 7) % 13},${['manuf', 'const', 'other'][i % 3]}`).join('\n')}\n`);
    const project = await controller.call('project:new', { path: join(dir, 'study') });
    expect(project.path).toBe(join(dir, 'study.pstudio'));
    const { dataset } = await controller.call('dataset:import', { path: csv });
    expect(dataset).toMatchObject({ name: 'wages', nrows: 60 });
    expect(events.some((e) => e.event === 'job:progress')).toBe(true);

    const bad = await controller.invoke('estimate:run', { datasetId: dataset.id, spec: { estimator: 'ols', y: 'lwage', x: ['sector'] } });
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringMatching(/"sector" is text/) } });

    const spec = { estimator: 'ols', y: 'lwage', x: ['educ', 'exper'], vcov: 'robust' };
    const done = finished();
    const { jobId } = await controller.call('estimate:run', { datasetId: dataset.id, spec });
    const fin = await done;
    expect(fin).toMatchObject({ jobId, ok: true, kind: 'estimate' });
    const stored = await controller.call('result:get', { modelId: fin.modelId as number });
    expect(stored?.result.coefficients.map((c) => c.term)).toEqual(['(Intercept)', 'educ', 'exper']);
    expect(stored?.result.vcov.type).toBe('robust');

    const again = finished();
    await controller.call('estimate:run', { datasetId: dataset.id, spec: { ...spec, x: ['educ', 'exper'] } });
    expect(await again).toMatchObject({ ok: true, cached: true });

    await controller.call('project:close', undefined);
    expect(await controller.call('project:current', undefined)).toBeNull();
    const recent = await controller.call('project:recent', undefined);
    expect(recent[0]).toMatchObject({ path: join(dir, 'study.pstudio'), exists: true });
    await controller.call('project:open', { path: recent[0].path });
    const models = await controller.call('model:list', undefined);
    expect(models).toHaveLength(2);
    const reopened = await controller.call('result:get', { modelId: models[0].id });
    expect(reopened?.result.coefficients[1].estimate).toBe(stored?.result.coefficients[1].estimate);
    const rows = await controller.call('dataset:rows', { datasetId: dataset.id, offset: 0, limit: 2 });
    expect(rows.columns.sector).toEqual(['manuf', 'const']);

    const copy = await controller.call('project:saveAs', { path: join(dir, 'copy.pstudio') });
    expect(copy.datasets).toHaveLength(1);
    const exported = await controller.call('dataset:export', { datasetId: dataset.id, path: join(dir, 'out.csv') });
    expect(exported.rows).toBe(60);
    controller.dispose();
  });

  it('reports a failed estimation on the model and as a finished event', async () => {
    const { controller, finished } = makeController();
    const dir = tempDir();
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'y,x,g\n1,1,1\n2,2,1\n3,3,1\n4,5,1\n');
    await controller.call('project:new', { path: join(dir, 'p.pstudio') });
    const { dataset } = await controller.call('dataset:import', { path: csv });
    const done = finished();
    await controller.call('estimate:run', { datasetId: dataset.id, spec: { estimator: 'ols', y: 'y', x: ['x'], vcov: 'cluster', cluster: ['g'] } });
    const fin = await done;
    expect(fin).toMatchObject({ ok: false, error: { code: 'ESTIMATION', message: expect.stringMatching(/only 1 cluster/) } });
    const models = await controller.call('model:list', undefined);
    expect(models[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/only 1 cluster/) });
    controller.dispose();
  });

  it('psm writes psmatch2’s variables into the dataset; a later model runs on the matched sample (if _weight < .)', async () => {
    const { controller, finished } = makeController();
    const dir = tempDir();
    const csv = join(dir, 'firms.csv');
    // 200 firms, treatment more likely with higher size; outcome depends on size and treatment
    const rows = Array.from({ length: 200 }, (_, i) => {
      const size = ((i * 37) % 101) / 10;
      const age = (i * 13) % 17;
      const treat = (i * 7919) % 100 < 15 + 5 * size ? 1 : 0;
      const y = 1 + 0.3 * size + 0.05 * age + 2 * treat + (((i * 31) % 11) - 5) / 10;
      return `${y.toFixed(4)},${treat},${size},${age}`;
    });
    writeFileSync(csv, `y,treat,size,age\n${rows.join('\n')}\n`);
    await controller.call('project:new', { path: join(dir, 'psm') });
    const { dataset } = await controller.call('dataset:import', { path: csv });
    const done = finished();
    await controller.call('estimate:run', { datasetId: dataset.id, spec: { estimator: 'psm', y: 'y', treatment: 'treat', x: ['size', 'age'], vcov: 'iid', options: { neighbors: 1, replacement: true } } });
    const fin = await done;
    expect(fin).toMatchObject({ ok: true });
    const stored = await controller.call('result:get', { modelId: fin.modelId as number });
    const psm = stored?.result.psm;
    expect(psm?.score_model).toBe('probit');
    expect(psm?.effects.att.estimate).toBeGreaterThan(1);
    const after = (await controller.call('dataset:list', undefined)).find((d) => d.id === dataset.id);
    expect(after?.variables.map((v) => v.name)).toEqual(expect.arrayContaining(['_pscore', '_treated', '_support', '_weight']));
    expect(after?.variables.find((v) => v.name === '_weight')?.recipe).toMatchObject({ kind: 'transform', tool: 'psm' });
    // the matched sample: treated on support and the controls used
    const matched = psm ? psm.counts.treated_on_support + psm.counts.controls_matched : 0;
    const reg = finished();
    await controller.call('estimate:run', { datasetId: dataset.id, spec: { estimator: 'ols', y: 'y', x: ['treat', 'size'], sample: { if: '_weight < .' } } });
    const fin2 = await reg;
    expect(fin2).toMatchObject({ ok: true });
    const r2 = await controller.call('result:get', { modelId: fin2.modelId as number });
    expect(r2?.result.nobs).toBe(matched);
    expect(r2?.result.sample.excluded_by_if).toBe(200 - matched);
    expect(r2?.result.warnings[0]).toMatch(/sample restricted to rows where _weight < \./);
    controller.dispose();
  });

  it('collapses a dataset into a new one from the app (value-weighted means by group)', async () => {
    const { controller } = makeController();
    const dir = tempDir();
    const csv = join(dir, 'tx.csv');
    writeFileSync(csv, 'firm,year,q,value\n1,2010,1,1\n1,2010,3,3\n2,2010,5,2\n1,2011,2,1\n');
    await controller.call('project:new', { path: join(dir, 'c') });
    await controller.call('dataset:import', { path: csv });
    const out = await controller.call('combine:run', { kind: 'collapse', master: 'tx', using: 'tx', keys: ['firm', 'year'], vars: ['q'], stat: 'mean', weight: 'value', name: 'fy' });
    expect(out.dataset.nrows).toBe(3);
    const rows = await controller.call('dataset:rows', { datasetId: out.dataset.id, offset: 0, limit: 10 });
    expect(rows.columns.q).toEqual([2.5, 2, 5]);
    // a tool's table (the entropy weights) comes back with its variables, for the dialog to show
    const tx = out.dataset.id - 1;
    const ent = await controller.call('tool:run', { datasetId: tx, tool: 'entropy', params: { name: 'idx', positive: ['q', 'value'] } });
    expect(ent.written).toEqual(['idx']);
    expect(ent.tables?.[0]?.rows.length).toBe(2);
    // and it exports like any table
    const md = join(dir, 'weights.md');
    expect(await controller.call('tooltable:export', { table: ent.tables![0]!, path: md, lang: 'en' })).toEqual({ path: md, rows: 2 });
    expect(readFileSync(md, 'utf8')).toContain('| q |');
    expect(await controller.invoke('tooltable:export', { table: { ...ent.tables![0]!, rows: [5] }, path: md })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/rows\[0\]: expected an object/) } });
    controller.dispose();
  });
});
