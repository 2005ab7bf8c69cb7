// The data view's channels through AppController and the real worker: a filter's rows equal the
// rows a naive evaluation keeps (Stata's missing rule), pages of filtered rows carry the data of
// those rows, a column profile equals naive statistics, labels and dropping variables change the
// dataset, and a filter of data that changed since says so.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import type { EventMap, EventName } from '../../src/shared/ipc.js';
import { tempDir } from '../helpers.js';

const N = 3000;
const x = Array.from({ length: N }, (_, i) => (i % 97 === 5 ? Number.NaN : Math.round(((i * 7919) % 1000) / 10) / 10));
const year = Array.from({ length: N }, (_, i) => 2000 + (i % 12));
const prov = Array.from({ length: N }, (_, i) => ['北京', '上海', '广东', '北京', '北京', '上海'][i % 6]);

describe('data view channels', () => {
  const dir = tempDir('ps-view-');
  const events: EventName[] = [];
  const controller = new AppController({
    mode: 'web',
    version: 'test',
    home: join(dir, 'home'),
    jobs: new JobHost(nodeWorkerSpawner(resolve('out/node/worker.js'))),
    emit: <E extends EventName>(event: E, _payload: EventMap[E]) => void events.push(event),
  });
  let datasetId = 0;

  beforeAll(async () => {
    const csv = join(dir, 'firms.csv');
    writeFileSync(csv, `id,year,x,prov\n${x.map((v, i) => `${i + 1},${year[i]},${Number.isNaN(v) ? '' : v},${prov[i]}`).join('\n')}\n`);
    await controller.call('project:new', { path: join(dir, 'p.pstudio') });
    datasetId = (await controller.call('dataset:import', { path: csv })).dataset.id;
  });
  afterAll(() => controller.dispose());

  it('filters rows by a condition and pages through them', async () => {
    const expected = x.map((v, i) => i).filter((i) => (Number.isNaN(x[i]) || x[i] > 5) && year[i] >= 2005);
    const f = await controller.call('dataset:filter', { datasetId, condition: ' x > 5 & year >= 2005 ' });
    expect(f).toMatchObject({ datasetId, condition: 'x > 5 & year >= 2005', count: expected.length, nrows: N });
    expect(f.warnings.join(' '), 'missing x counted as true is said').toMatch(/missing/);
    const page = await controller.call('dataset:filteredRows', { datasetId, filterId: f.filterId, offset: 100, limit: 500 });
    expect(page.offset).toBe(100);
    expect(page.nrows).toBe(Math.min(500, expected.length - 100));
    expect(page.rows).toEqual(expected.slice(100, 100 + page.nrows));
    expect(page.columns.id).toEqual(page.rows.map((r) => r + 1));
    expect(page.columns.x).toEqual(page.rows.map((r) => (Number.isNaN(x[r]) ? null : x[r])));
    expect(page.columns.prov).toEqual(page.rows.map((r) => prov[r]));
    // past the end: empty, not an error
    const tail = await controller.call('dataset:filteredRows', { datasetId, filterId: f.filterId, offset: expected.length + 10, limit: 10 });
    expect(tail).toMatchObject({ nrows: 0, rows: [] });
  });

  it('filters on text, and a sparse filter reads its rows one by one', async () => {
    const f = await controller.call('dataset:filter', { datasetId, condition: 'prov == "广东" & mod(id, 500) == 0' });
    const expected = prov.map((_, i) => i).filter((i) => prov[i] === '广东' && (i + 1) % 500 === 0);
    expect(f.count).toBe(expected.length);
    const page = await controller.call('dataset:filteredRows', { datasetId, filterId: f.filterId, offset: 0, limit: 500 });
    expect(page.rows).toEqual(expected);
    expect(page.columns.year).toEqual(expected.map((r) => year[r]));
  });

  it('says what is wrong with a bad condition', async () => {
    expect(await controller.invoke('dataset:filter', { datasetId, condition: 'x >' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^at column 4: expected a number/) } });
    expect(await controller.invoke('dataset:filter', { datasetId, condition: 'xx > 1' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/"xx" not found; did you mean "x"/) } });
    expect(await controller.invoke('dataset:filteredRows', { datasetId, filterId: 999, offset: 0, limit: 5 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('profiles a numeric column as summarize does', async () => {
    const ok = x.filter((v) => !Number.isNaN(v));
    const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
    const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (ok.length - 1));
    const sorted = [...ok].sort((a, b) => a - b);
    const median = ok.length % 2 === 0 ? (sorted[ok.length / 2 - 1] + sorted[ok.length / 2]) / 2 : sorted[(ok.length - 1) / 2];
    const p = await controller.call('dataset:column', { datasetId, variable: 'x' });
    expect(p).toMatchObject({ variable: 'x', type: 'numeric', rows: N, n: ok.length, missing: N - ok.length, min: sorted[0], max: sorted[sorted.length - 1], p50: median });
    expect(p.mean).toBeCloseTo(mean, 10);
    expect(p.sd).toBeCloseTo(sd, 10);
    expect(p.histogram?.kind === 'bins' && p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(ok.length);
    // under a condition: only those rows
    const q = await controller.call('dataset:column', { datasetId, variable: 'year', condition: 'prov == "北京"' });
    const years = year.filter((_, i) => prov[i] === '北京');
    expect(q).toMatchObject({ rows: years.length, n: years.length, missing: 0, min: Math.min(...years), max: Math.max(...years), condition: 'prov == "北京"' });
    // integer years: one bin per year
    const span = Math.max(...years) - Math.min(...years) + 1;
    expect(q.histogram).toEqual({ kind: 'bins', edges: Array.from({ length: span + 1 }, (_, i) => Math.min(...years) - 0.5 + i), counts: Array.from({ length: span }, (_, i) => years.filter((y) => y === Math.min(...years) + i).length) });
  });

  it('profiles a text column by its levels', async () => {
    const p = await controller.call('dataset:column', { datasetId, variable: 'prov' });
    expect(p).toMatchObject({ type: 'categorical', n: N, missing: 0, distinct: 3, mean: null });
    expect(p.histogram).toEqual({ kind: 'levels', levels: [{ label: '北京', count: 1500 }, { label: '上海', count: 1000 }, { label: '广东', count: 500 }], other: 0 });
    expect(await controller.invoke('dataset:column', { datasetId, variable: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'variable "nope" is not in the dataset' } });
  });

  it('sets labels, drops variables, and a filter of changed data asks to be applied again', async () => {
    const f = await controller.call('dataset:filter', { datasetId, condition: 'year == 2001' });
    events.length = 0;
    const labelled = await controller.call('dataset:setLabel', { datasetId, variable: 'x', label: { zh: ' 出口质量 ', en: 'Export quality' } });
    expect(labelled.variables.find((v) => v.name === 'x')?.label).toEqual({ zh: '出口质量', en: 'Export quality' });
    expect(events).toContain('project:changed');
    // labels are metadata: the filter still holds
    expect((await controller.call('dataset:filteredRows', { datasetId, filterId: f.filterId, offset: 0, limit: 3 })).rows).toEqual([1, 13, 25]);
    const cleared = await controller.call('dataset:setLabel', { datasetId, variable: 'x', label: { zh: '', en: 'Export quality' } });
    expect(cleared.variables.find((v) => v.name === 'x')?.label).toEqual({ en: 'Export quality' });

    await controller.call('dataset:setPanel', { datasetId, panel: { id: 'id', time: 'year' } });
    expect(await controller.invoke('dataset:dropVariables', { datasetId, variables: ['year'] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/panel time variable/) } });
    const after = await controller.call('dataset:dropVariables', { datasetId, variables: ['prov'] });
    expect(after.variables.map((v) => v.name)).toEqual(['id', 'year', 'x']);
    expect(await controller.invoke('dataset:filteredRows', { datasetId, filterId: f.filterId, offset: 0, limit: 3 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/data changed/) } });
  });
});
