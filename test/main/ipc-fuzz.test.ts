// Every IPC channel gets malformed arguments through AppController.invoke — wrong types, missing and
// extra fields, huge strings and lists, prototype-pollution keys, NaN/Infinity, BigInt, Maps, cycles,
// very deep nesting — and must answer each with an error envelope whose message is short and says
// what is wrong, never crash, never start a job or dialog, and leave the project exactly as it was.
// The payloads are what structured clone (Electron IPC) or JSON.parse (browser mode) can deliver.
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import { CHANNELS, type EventMap, type EventName } from '../../src/shared/ipc.js';
import type { JobFinished } from '../../src/shared/types.js';
import { tempDir } from '../helpers.js';

type Payload = Record<string, unknown>;
interface Case {
  /** A valid argument for the channel (against the fixture project), or undefined for no-argument channels. */
  base?: Payload;
  required?: string[];
  /** Extra nested malformations for fields that are JSON bags (spec, tool params, types ...). */
  nested?: Payload[];
}

/** An object with an *own* key (what JSON.parse and structured clone produce for "__proto__"). */
function own(key: string, value: unknown, rest: Payload = {}): Payload {
  const o: Payload = JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value)}}`);
  return Object.assign(o, rest);
}

function deep(levels: number, array = false): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = array ? [v] : { a: v };
  return v;
}

const HUGE = 'x'.repeat(1_000_000);
const cyclic: Payload = { a: 1 };
cyclic.self = cyclic;

/** Values no typed field accepts (null/undefined are "absent", legal for optional fields, so they are tested as missing fields). */
const BAD_VALUES: [string, unknown][] = [
  ['number', 7],
  ['negative', -1],
  ['fraction', 0.5],
  ['boolean', true],
  ['string', 'x'],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['huge string', HUGE],
  ['huge list', new Array(200_000).fill('a')],
  ['huge number list', new Array(200_000).fill(1)],
  ['deep object', deep(10_000)],
  ['very deep object', deep(200_000)],
  ['deep list', deep(10_000, true)],
  ['__proto__ object', own('__proto__', { polluted: 'yes' })],
  ['constructor object', own('constructor', { prototype: { polluted: 'yes' } })],
  ['cyclic object', cyclic],
  ['BigInt', 10n],
  ['Map', new Map([['a', 1]])],
  ['Date', new Date(0)],
];

/** Whole-argument malformations for every channel. */
const BAD_ARGS: [string, unknown][] = [
  ...BAD_VALUES.filter(([n]) => n !== 'huge number list'),
  ['list with an entry', [1]],
  ['unknown field', { nope: 1 }],
  ['huge key', { [HUGE]: 1 }],
  ['own __proto__ key', own('__proto__', { polluted: 'yes' })],
];

describe('IPC hardening: malformed arguments on every channel', () => {
  const dir = tempDir('ps-fuzz-');
  const events: { event: EventName; payload: unknown }[] = [];
  const waiters: ((f: JobFinished) => void)[] = [];
  let spawned = 0;
  let picked = 0;
  const spawn = nodeWorkerSpawner(resolve('out/node/worker.js'));
  const controller = new AppController({
    mode: 'web',
    version: 'fuzz',
    home: join(dir, 'home'),
    jobs: new JobHost(() => {
      spawned++;
      return spawn();
    }),
    emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
      events.push({ event, payload });
      if (event === 'job:finished') waiters.splice(0).forEach((w) => w(payload as JobFinished));
    },
    pick: async () => {
      picked++;
      return null;
    },
  });
  const cases = {} as Record<string, Case>;
  let datasetId = 0;
  let modelId = 0;
  let stagingId = 0;
  let tableId = 0;
  let csv = '';

  beforeAll(async () => {
    csv = join(dir, 'd.csv');
    writeFileSync(csv, `y,x,g,t\n${Array.from({ length: 30 }, (_, i) => `${(i * 7) % 11 + 0.3 * i},${i},${i % 3},${2000 + Math.floor(i / 3)}`).join('\n')}\n`);
    await controller.call('project:new', { path: join(dir, 'p.pstudio') });
    datasetId = (await controller.call('dataset:import', { path: csv })).dataset.id;
    const held = await controller.call('dataset:import', { path: csv, name: 'held', preview: true });
    stagingId = held.held?.stagingId as number;
    const done = new Promise<JobFinished>((r) => waiters.push(r));
    await controller.call('estimate:run', { datasetId, spec: { estimator: 'ols', y: 'y', x: ['x'] } });
    const fin = await done;
    expect(fin.ok).toBe(true);
    modelId = fin.modelId as number;
    tableId = (await controller.call('pipeline:save', { section: 'baseline', title: { en: 'Table 2' }, modelIds: [modelId] })).id;

    const spec = { estimator: 'ols', y: 'y', x: ['x'] };
    Object.assign(cases, {
      'app:info': {},
      'project:current': {},
      'project:save': {},
      'project:close': {},
      'project:recent': {},
      'dataset:list': {},
      'model:list': {},
      'project:new': { base: { path: join(dir, 'new.pstudio') }, required: ['path'] },
      'project:open': { base: { path: join(dir, 'p.pstudio') }, required: ['path'] },
      'project:saveAs': { base: { path: join(dir, 'copy.pstudio') }, required: ['path'] },
      'dialog:pick': { base: { purpose: 'import' }, required: ['purpose'] },
      'dataset:import': { base: { path: csv, name: 'n2', sheet: 'Sheet1', headerRow: 1, preview: true }, required: ['path'] },
      'dataset:importCommit': {
        base: { stagingId, types: { x: 'numeric' } },
        required: ['stagingId', 'types'],
        nested: [
          { stagingId, types: { x: 'bogus' } },
          { stagingId, types: { nope: 'text' } },
          { stagingId, types: own('__proto__', 'numeric') },
          { stagingId, types: own('__proto__', { x: 'text' }) },
          { stagingId, types: own('constructor', 'text') },
          { stagingId, types: { x: Number.NaN } },
          { stagingId, types: { [HUGE]: 'text' } },
        ],
      },
      'dataset:importDiscard': { base: { stagingId }, required: ['stagingId'] },
      'dataset:sheets': { base: { path: csv }, required: ['path'] },
      'dataset:levels': { base: { datasetId, variable: 'g', max: 10 }, required: ['datasetId', 'variable'] },
      'dataset:rows': { base: { datasetId, offset: 0, limit: 10, variables: ['y'] }, required: ['datasetId', 'offset', 'limit'] },
      'dataset:export': { base: { datasetId, path: join(dir, 'out.csv'), variables: ['y'] }, required: ['datasetId', 'path'] },
      'dataset:delete': { base: { datasetId }, required: ['datasetId'] },
      'dataset:setPanel': { base: { datasetId, panel: { id: 'g', time: 't' } }, required: ['datasetId'] },
      'dataset:filter': { base: { datasetId, condition: 'x > 3' }, required: ['datasetId', 'condition'] },
      'dataset:filteredRows': { base: { datasetId, filterId: 1, offset: 0, limit: 10 }, required: ['datasetId', 'filterId', 'offset', 'limit'] },
      'dataset:column': { base: { datasetId, variable: 'x', condition: 'x > 3', bins: 10 }, required: ['datasetId', 'variable'] },
      'dataset:setLabel': { base: { datasetId, variable: 'x', label: { zh: '某', en: 'x' } }, required: ['datasetId', 'variable', 'label'] },
      'dataset:dropVariables': { base: { datasetId, variables: ['g'] }, required: ['datasetId', 'variables'] },
      'tool:run': {
        base: { datasetId, tool: 'winsorize', params: { vars: ['x'], lower: 1, upper: 99 } },
        required: ['datasetId', 'tool', 'params'],
        nested: [
          { datasetId, tool: 'winsorize', params: { vars: 'x' } },
          { datasetId, tool: 'winsorize', params: { vars: [1] } },
          { datasetId, tool: 'winsorize', params: { vars: ['x'], lower: Number.NaN } },
          { datasetId, tool: 'winsorize', params: { vars: ['x'], upper: Number.POSITIVE_INFINITY } },
          { datasetId, tool: 'winsorize', params: { vars: ['x'], lower: '1' } },
          { datasetId, tool: 'winsorize', params: { vars: [HUGE] } },
          { datasetId, tool: 'winsorize', params: { vars: ['x'], nope: 1 } },
          { datasetId, tool: 'winsorize', params: own('__proto__', { vars: ['x'] }) },
          { datasetId, tool: 'winsorize', params: own('__proto__', { polluted: 'yes' }, { vars: ['x'], suffix: '_w' }) },
          { datasetId, tool: 'winsorize', params: own('constructor', { prototype: { polluted: 'yes' } }, { vars: ['x'] }) },
          { datasetId, tool: 'lag', params: { vars: ['x'], k: Number.NaN } },
          { datasetId, tool: 'generate', params: { name: 'z', expr: HUGE } },
          { datasetId, tool: 'generate', params: { name: 'z', expr: '('.repeat(100_000) } },
        ],
      },
      'describe:run': {
        base: { datasetId, kind: 'summarize', variables: ['y'], by: 'g', sample: 'listwise', detail: true, method: 'pearson' },
        required: ['datasetId', 'kind', 'variables'],
      },
      'combine:run': {
        base: { kind: 'append', master: 'd', using: 'd', keys: ['g'], merge: '1:1', keep: ['match'], condition: 'x > 1', descending: ['x'], vars: ['x'], stat: 'mean', weight: 'x', name: 'd2' },
        required: ['kind', 'master', 'using', 'name'],
      },
      'table:export': { base: { modelIds: [modelId], path: join(dir, 't.md'), lang: 'en', options: { decimals: 3 } }, required: ['modelIds', 'path'] },
      'estimate:run': {
        base: { datasetId, spec, name: 'm', modelId },
        required: ['datasetId', 'spec'],
        nested: [
          { datasetId, spec: { ...spec, nope: 1 } },
          { datasetId, spec: { ...spec, x: 'x' } },
          { datasetId, spec: { ...spec, y: HUGE } },
          { datasetId, spec: { ...spec, x: new Array(200_000).fill('x') } },
          { datasetId, spec: { ...spec, options: { level: Number.NaN } } },
          { datasetId, spec: { ...spec, options: { tolerance: Number.POSITIVE_INFINITY } } },
          { datasetId, spec: { ...spec, options: { seed: 10n } } },
          { datasetId, spec: { ...spec, options: { level: 95 } } },
          { datasetId, spec: { ...spec, specVersion: Number.NaN } },
          { datasetId, spec: { ...spec, specVersion: 1e9 } },
          { datasetId, spec: own('__proto__', { estimator: 'iv' }, { y: 'y', x: ['x'] }) },
          { datasetId, spec: own('__proto__', { polluted: 'yes' }, spec) },
          { datasetId, spec: own('constructor', { prototype: { polluted: 'yes' } }, spec) },
          { datasetId, spec: { ...spec, options: own('__proto__', { intercept: false }) } },
        ],
      },
      'project:exportCode': { base: { lang: 'stata', path: join(dir, 'code.do') }, required: ['lang', 'path'] },
      'project:example': { base: { name: 'paper003' }, required: ['name'] },
      'tooltable:export': {
        base: { table: { id: 'w', title: { en: 'W', zh: 'W' }, columns: [{ key: 'k', en: 'k', zh: 'k' }], rows: [{ k: 'a' }] }, path: join(dir, 'w.md'), lang: 'en' },
        required: ['table', 'path'],
      },
      'chart:export': {
        base: { path: join(dir, 'c.svg'), svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
        required: ['path'],
        nested: [
          { path: join(dir, 'c.pdf'), pdf: '%PDF-1.4\nno end of file' },
          { path: join(dir, 'c.pdf'), pdf: '%PDF-1.4\n\u00e2\n%%EOF\n' },
          { path: join(dir, 'c.svg'), svg: '<svg/>', pdf: '%PDF-1.4\n%%EOF\n' },
        ],
      },
      // bandwidth (a positive number) is left out of the base: 0.5 is a valid one
      'chart:distribution': { base: { datasetId, variable: 'x', kind: 'histogram', bins: 10, lang: 'en', title: 'T' }, required: ['datasetId', 'variable', 'kind'], nested: [{ datasetId, variable: 'x', kind: 'density', bandwidth: -1 }, { datasetId, variable: 'nope', kind: 'histogram' }] },
      'table:exportModel': {
        base: { table: { titles: ['N'], depvars: [], rows: [{ label: 'x', cells: ['30'], kind: 'stat' }], notes: ['n'] }, path: join(dir, 'm.md'), lang: 'en', title: 'T', groups: [{ label: 'g', span: 1 }] },
        required: ['table', 'path'],
        nested: [
          { table: { titles: ['N'], depvars: [], rows: [{ label: 'x', cells: ['30', '31'], kind: 'stat' }], notes: [] }, path: join(dir, 'm.md') },
          { table: { titles: ['N'], depvars: [], rows: [], notes: [] }, path: join(dir, 'm.md'), groups: [{ label: 'g', span: 2 }] },
          { table: { titles: ['N'], depvars: [], rows: [], notes: [] }, path: join(dir, 'm.pdf') },
          { table: { titles: ['N'], depvars: [], rows: [{ label: 'x', cells: ['1'], kind: 'bogus' }], notes: [] }, path: join(dir, 'm.md') },
        ],
      },
      // browser mode has no clipboard writer: always refused here (test/main/clipboard.test.ts tests the writer)
      'clipboard:write': { base: { html: '<table><tr><td>1</td></tr></table>', rtf: '{\\rtf1 1}', text: '1' }, required: ['html', 'rtf', 'text'] },
      'job:cancel': { base: { jobId: 'not-a-job' }, required: ['jobId'] },
      'model:delete': { base: { modelId }, required: ['modelId'] },
      'result:get': { base: { modelId }, required: ['modelId'] },
      'pipeline:list': {},
      'pipeline:save': {
        base: { id: tableId, key: 'T2', section: 'robustness', title: { zh: '表2', en: 'Table 2' }, modelIds: [modelId], steps: [modelId], options: { decimals: 3, stats: ['nobs'] }, describe: { datasetId, variables: ['y'] } },
        required: ['section', 'title', 'modelIds'],
        nested: [
          { section: 'baseline', title: { en: 'T' }, modelIds: [modelId, 999_999] },
          { section: 'baseline', title: { en: 'T' }, modelIds: [modelId, modelId] },
          { section: 'baseline', title: { en: 'T' }, modelIds: [] },
          { section: 'baseline', title: { en: 'T' }, modelIds: [modelId], steps: [999] },
          { section: 'bogus', title: { en: 'T' }, modelIds: [modelId] },
          { section: 'baseline', title: { en: HUGE }, modelIds: [modelId] },
          { section: 'baseline', title: own('__proto__', { en: 'x' }), modelIds: [modelId] },
          { section: 'baseline', title: { en: 'T' }, modelIds: [modelId], options: { stats: ['bogus'] } },
          { section: 'baseline', title: { en: 'T' }, modelIds: [modelId], options: { labels: own('__proto__', { x: 'y' }) } },
          { section: 'baseline', title: { en: 'T' }, modelIds: [modelId], options: { nope: 1 } },
          { section: 'baseline', title: { en: 'T' }, modelIds: [], describe: { datasetId, variables: ['nope'] } },
          { section: 'baseline', title: { en: 'T' }, modelIds: [], describe: { datasetId: 999, variables: ['y'] } },
          { id: 999_999, section: 'baseline', title: { en: 'T' }, modelIds: [modelId] },
        ],
      },
      'pipeline:delete': { base: { id: tableId }, required: ['id'] },
      'pipeline:move': { base: { id: tableId, section: 'robustness', index: 0 }, required: ['id', 'section'], nested: [{ id: 999_999, section: 'baseline' }] },
    } satisfies Record<string, Case>);
  });

  afterAll(() => controller.dispose());

  /** Everything the user could lose or see change: project, datasets, models, results, files. */
  async function snapshot() {
    const listing = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listing(join(d, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    return {
      project: await controller.call('project:current', undefined),
      datasets: await controller.call('dataset:list', undefined),
      models: await controller.call('model:list', undefined),
      result: await controller.call('result:get', { modelId }),
      pipeline: await controller.call('pipeline:list', undefined),
      rows: await controller.call('dataset:rows', { datasetId, offset: 0, limit: 100 }),
      recent: (await controller.call('project:recent', undefined)).map((r) => r.path),
      files: listing(dir).filter((f) => !/-(wal|shm|journal)$/.test(f) && !f.endsWith('.lock')).sort(),
    };
  }

  function expectRefused(fullLabel: string, r: Awaited<ReturnType<AppController['invoke']>>): void {
    const label = fullLabel.length > 300 ? `${fullLabel.slice(0, 300)}…` : fullLabel;
    expect(r.ok, `${label} was accepted`).toBe(false);
    if (r.ok) return;
    expect(r.error.code, `${label}: ${r.error.message.slice(0, 300)}`).not.toBe('INTERNAL');
    expect(typeof r.error.message, label).toBe('string');
    expect(r.error.message.length, `${label}: message of ${r.error.message.length} characters`).toBeGreaterThan(5);
    expect(r.error.message.length, `${label}: message of ${r.error.message.length} characters`).toBeLessThanOrEqual(1001);
    expect(r.error.message, label).not.toMatch(/\n\s+at |TypeError|RangeError|undefined is not|Cannot read prop/);
  }

  it('declares a valid argument for every channel of the contract', () => {
    expect(CHANNELS.filter((c) => !(c in cases)), 'channels missing from this test: add a base argument').toEqual([]);
  });

  it('refuses every malformed argument with a clear error and changes nothing', async () => {
    const before = await snapshot();
    const spawnedBefore = spawned;
    const eventsBefore = events.length;
    let tried = 0;
    for (const channel of CHANNELS) {
      const c: Case = cases[channel] ?? {};
      const attempts: [string, unknown][] = [];
      for (const [name, v] of BAD_ARGS) {
        // a no-argument channel takes undefined/null/{}; a one-field object is "extra fields"
        attempts.push([`whole argument = ${name}`, v]);
      }
      if (c.base) {
        const base = c.base;
        attempts.push(['extra field', { ...base, extra: 1 }]);
        for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']) attempts.push([`extra own "${key}" key`, own(key, { polluted: 'yes' }, base)]);
        attempts.push(['huge extra key', { ...base, [HUGE]: 1 }]);
        for (const key of c.required ?? []) {
          const { [key]: _, ...rest } = base;
          attempts.push([`missing ${key}`, rest]);
          attempts.push([`${key} = null`, { ...rest, [key]: null }]);
        }
        for (const key of Object.keys(base))
          for (const [name, v] of BAD_VALUES) {
            // an all-number list is a valid list of ids (table:export's modelIds has its own max)
            if (name === 'huge number list' && key !== 'modelIds') continue;
            // 'x' for a text field, 7 for a number, true for a flag are well-formed: not this test's subject
            if (['string', 'number', 'boolean'].includes(name) && typeof v === typeof base[key]) continue;
            attempts.push([`${key} = ${name}`, { ...base, [key]: v }]);
          }
      }
      for (const n of c.nested ?? []) attempts.push([`nested ${JSON.stringify(n, (_k, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' && v.length > 40 ? `${v.slice(0, 10)}…(${v.length})` : Array.isArray(v) && v.length > 20 ? `[…${v.length}]` : v))}`, n]);
      for (const [name, args] of attempts) {
        tried++;
        expectRefused(`${channel} ${name}`, await controller.invoke(channel, args));
      }
    }
    // unknown and hostile channel names
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', HUGE, '', 7, null, undefined, {}, ['app:info'], own('__proto__', 'x')]) {
      const r = await controller.invoke(name, undefined);
      expectRefused(`channel ${String(name).slice(0, 20)}`, r);
      expect(r.ok === false && r.error.message).toMatch(/^unknown request/);
    }
    expect(tried).toBeGreaterThan(1000);
    console.log(`[ipc-fuzz] ${tried} malformed calls on ${CHANNELS.length} channels`);
    // nothing changed, nothing was started, nothing leaked onto Object.prototype
    expect(await snapshot()).toEqual(before);
    expect(spawned).toBe(spawnedBefore);
    expect(picked).toBe(0);
    expect(events.slice(eventsBefore).filter((e) => e.event !== 'job:progress')).toEqual([]);
    expect(({} as Payload).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    // and the controller still works: the held import can still be committed with valid types
    const ok = await controller.invoke('dataset:importCommit', { stagingId, types: { x: 'numeric' } });
    expect(ok).toMatchObject({ ok: true, value: { dataset: { name: 'held' } } });
  }, 120_000);

  // main cannot parse expressions (the engine does, in the worker), so a hostile sample condition is
  // accepted as a model and must fail *its job* with a clear message while the worker survives
  it('fails a job whose sample condition is nested too deeply, and the worker keeps working', async () => {
    for (const cond of ['('.repeat(1999), `${'-'.repeat(1990)}x > 0`, `${'('.repeat(300)}x${')'.repeat(300)} > 0`]) {
      const done = new Promise<JobFinished>((r) => waiters.push(r));
      const r = await controller.invoke('estimate:run', { datasetId, spec: { estimator: 'ols', y: 'y', x: ['x'], sample: { if: cond } } });
      expect(r, cond.slice(0, 20)).toMatchObject({ ok: true });
      const fin = await done;
      expect(fin.ok, cond.slice(0, 20)).toBe(false);
      expect(fin.error?.code).toBe('INVALID_ARGUMENT');
      expect(fin.error?.message).toMatch(/nested|expected|needs/);
    }
    // a long but legal condition (990 chained operations) still runs
    const done = new Promise<JobFinished>((r) => waiters.push(r));
    await controller.call('estimate:run', { datasetId, spec: { estimator: 'ols', y: 'y', x: ['x'], sample: { if: `x > ${'0*1+'.repeat(495)}3` } } });
    expect(await done).toMatchObject({ ok: true });
  });
});
