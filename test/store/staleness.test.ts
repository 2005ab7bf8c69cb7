// Staleness per variable (migration 4): a result is stale for data only when a variable its model
// reads was written or dropped since, or the rows changed; a step of a pipeline table provides the
// variables the columns after it read (psm's _weight), so a later step overwriting them does not
// make those columns stale; the result cache serves a result when only unrelated variables
// changed; projects of format 3 migrate, and results stored before stamps fall back to the dataset
// version.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import type { ToolOutputColumn } from '../../src/shared/tools.js';
import { applyModelColumns, applyToolOutput } from '../../src/store/apply-tool.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { resultSpecHash } from '../../src/store/pipeline.js';
import { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'projects');
const N = 200;
const fake = (estimate: number) => ({ engineVersion: 'test', estimator: 'ols', nobs: N, coefficients: [{ term: 'x', estimate }] }) as unknown as EstimationResult;
const numeric = (f: (i: number) => number) => Float64Array.from({ length: N }, (_, i) => f(i));

function dataset(store: ProjectStore) {
  const names = ['y', 'x', 'z', 'g', 'h', 'u'];
  const { datasetId, variableIds } = store.beginDataset(
    'd',
    'test',
    N,
    names.map((name) => ({ name, type: 'numeric' as const, recipe: { kind: 'import' as const, source: 't', column: name } })),
  );
  store.writeChunks(0, variableIds, names.map((_, j) => numeric((i) => Math.sin(i * (j + 1)))));
  return store.commitDataset(datasetId);
}

/** Stores a result as main does: hash of (dataset, spec), the dataset's version. */
function run(store: ProjectStore, modelId: number, estimate = 1): void {
  const m = store.listModels().find((x) => x.id === modelId);
  if (!m) throw new Error('no model');
  store.addResult(modelId, resultSpecHash(m.datasetId, m.spec), store.getDataset(m.datasetId).version, fake(estimate));
}

/** A psm-like model run: its _weight written (as applyModelColumns does for psm), then its result. */
function runStep(store: ProjectStore, modelId: number, fill: number): void {
  const m = store.listModels().find((x) => x.id === modelId);
  if (!m) throw new Error('no model');
  const columns: ToolOutputColumn[] = [{ name: '_weight', column: { kind: 'numeric', values: numeric((i) => (i % fill === 0 ? 1 : Number.NaN)) }, label: { zh: '匹配权重', en: 'matching weight' }, replace: true, inputs: [] }];
  const version = applyModelColumns(store, m.datasetId, { name: m.name, spec: m.spec }, columns).version;
  store.addResult(modelId, resultSpecHash(m.datasetId, m.spec), version, fake(fill));
}

/** A variable written by a tool (as main writes the worker's output), new or replacing one. */
function generate(store: ProjectStore, datasetId: number, name: string, replace = false) {
  const values = Float64Array.from({ length: store.getDataset(datasetId).nrows }, (_, i) => i);
  return applyToolOutput(store, datasetId, { tool: 'generate', params: { name, expr: '1' } }, { columns: [{ name, column: { kind: 'numeric', values }, replace, inputs: [] }], warnings: [], describe: 'test' });
}

const states = (store: ProjectStore) => Object.fromEntries(store.pipelineModelStates().map((s) => [s.modelId, s]));

describe('staleness per variable', () => {
  it('a change to a variable the model does not read leaves it fresh; one it reads (any part of the spec) makes it stale, naming it', () => {
    const store = ProjectStore.create(':memory:');
    const ds = dataset(store);
    // y, x, an interaction of absorbed effects, a cluster and a sample restriction
    const spec = normalizeSpec({ estimator: 'hdfe', y: 'y', x: ['x'], absorb: ['g#h'], vcov: 'cluster', cluster: ['g'], sample: { if: 'z > 0' } });
    const id = store.saveModel({ name: 'm', datasetId: ds.id, spec });
    run(store, id);
    expect(states(store)[id]).toEqual({ modelId: id, status: 'fresh' });

    generate(store, ds.id, 'w'); // a new variable
    generate(store, ds.id, 'u', true); // an unrelated one recomputed
    store.setVariableLabel(ds.id, 'x', { zh: '解释变量' }); // metadata only
    expect(states(store)[id]).toEqual({ modelId: id, status: 'fresh' });

    for (const name of ['h', 'z', 'g']) {
      generate(store, ds.id, name, true);
      expect(states(store)[id], name).toEqual({ modelId: id, status: 'stale', reason: 'data', variables: [name] });
      run(store, id);
      expect(states(store)[id].status).toBe('fresh');
    }
    // two at once are both named; a dropped variable too
    store.writeVariables(ds.id, ['y', 'x'].map((name) => ({ variable: { name, type: 'numeric' as const, recipe: { kind: 'import' as const, source: 't', column: name } }, column: numeric(() => 2) })), { replace: true });
    expect(states(store)[id].variables).toEqual(['y', 'x']);
    run(store, id);
    store.dropVariables(ds.id, ['x']);
    expect(states(store)[id]).toEqual({ modelId: id, status: 'stale', reason: 'data', variables: ['x'] });
    store.close();
  });

  it('lag terms and option varlists count as read: gmm L.x, psm treatment and exact cells', () => {
    const store = ProjectStore.create(':memory:');
    const ds = dataset(store);
    const gmm = store.saveModel({ name: 'gmm', datasetId: ds.id, spec: normalizeSpec({ estimator: 'gmm', y: 'y', x: ['L.y', 'x'], panel: { id: 'g', time: 'h' }, options: { gmm_style: [{ var: 'L.z', lag_min: 2 }] } }) });
    const psm = store.saveModel({ name: 'psm', datasetId: ds.id, spec: normalizeSpec({ estimator: 'psm', y: 'y', treatment: 'u', x: ['x'], options: { exact: ['g'] } }) });
    run(store, gmm);
    run(store, psm);
    generate(store, ds.id, 'z', true);
    generate(store, ds.id, 'u', true);
    const s = states(store);
    expect(s[gmm]).toMatchObject({ status: 'stale', variables: ['z'] });
    expect(s[psm]).toMatchObject({ status: 'stale', variables: ['u'] });
    store.close();
  });

  it('changed rows make every result on the dataset stale', () => {
    const file = join(tempDir(), 'rows.pstudio');
    const store = ProjectStore.create(file);
    const ds = dataset(store);
    const id = store.saveModel({ name: 'm', datasetId: ds.id, spec: normalizeSpec({ y: 'y', x: ['x'] }) });
    run(store, id);
    store.close();
    // no operation of the app changes a dataset's rows in place (keep/drop/append write a new
    // dataset); the rows are checked all the same, should one ever do it
    const db = new Database(file);
    db.prepare('UPDATE datasets SET nrows = nrows - 1').run();
    db.close();
    const again = ProjectStore.open(file);
    expect(states(again)[id]).toEqual({ modelId: id, status: 'stale', reason: 'data' });
    again.close();
  });

  it('the result cache serves a result while the variables it read are unchanged', () => {
    const store = ProjectStore.create(':memory:');
    const ds = dataset(store);
    const spec = normalizeSpec({ y: 'y', x: ['x'] });
    const id = store.saveModel({ name: 'm', datasetId: ds.id, spec });
    run(store, id, 7);
    const hash = resultSpecHash(ds.id, spec);
    const cached = () => store.findCachedResult(hash, store.getDataset(ds.id).version, 'test');
    generate(store, ds.id, 'w');
    expect(cached()?.coefficients[0].estimate).toBe(7);
    expect(store.findCachedResult(hash, store.getDataset(ds.id).version, 'other engine')).toBeNull();
    generate(store, ds.id, 'x', true);
    expect(cached()).toBeNull();
    store.close();
  });
});

describe('pipeline steps provide the variables of the columns after them', () => {
  /** Table 4 of paper 003: two matchings, each followed by a regression on its matched sample. */
  function table4() {
    const store = ProjectStore.create(':memory:');
    const ds = dataset(store);
    const psm = (k: number) => normalizeSpec({ estimator: 'psm', y: 'y', treatment: 'u', x: ['x'], options: { neighbors: k } });
    const reg = (x: string[]) => normalizeSpec({ y: 'y', x, sample: { if: '_weight < .' } });
    const ids = [
      store.saveModel({ name: 'T4 psm 1:1', datasetId: ds.id, spec: psm(1) }),
      store.saveModel({ name: 'T4 (1)', datasetId: ds.id, spec: reg(['x']) }),
      store.saveModel({ name: 'T4 psm 1:3', datasetId: ds.id, spec: psm(3) }),
      store.saveModel({ name: 'T4 (2)', datasetId: ds.id, spec: reg(['x']) }),
    ];
    const [p1, c1, p2, c2] = ids;
    // the run, in table order
    runStep(store, p1, 2);
    run(store, c1);
    runStep(store, p2, 3);
    run(store, c2);
    return { store, ds, ids, p1, c1, p2, c2 };
  }

  it('after a run of the table every model is fresh, though the second matching overwrote _weight', () => {
    const { store, ds, ids, p1, c1, p2, c2 } = table4();
    // outside a table, (1) is judged against the dataset: its _weight is not there any more
    expect(states(store)[c1]).toEqual({ modelId: c1, status: 'stale', reason: 'data', variables: ['_weight'] });
    store.savePipelineTable({ key: 'T4', section: 'endogeneity', title: { en: 'Table 4' }, modelIds: ids, steps: [p1, p2] });
    expect(ids.map((id) => states(store)[id].status)).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
    // the matchings read their own variables only: a change to the outcome makes all four stale
    generate(store, ds.id, 'w');
    expect(ids.map((id) => states(store)[id].status)).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
    generate(store, ds.id, 'y', true);
    expect(ids.map((id) => states(store)[id])).toEqual([
      { modelId: p1, status: 'stale', reason: 'data', variables: ['y'] },
      { modelId: c1, status: 'stale', reason: 'data', variables: ['y', '_weight'] },
      { modelId: p2, status: 'stale', reason: 'data', variables: ['y'] },
      { modelId: c2, status: 'stale', reason: 'data', variables: ['y', '_weight'] },
    ]);
    store.close();
  });

  it('a column that must run again needs its matching back: that step is stale too, and the cache does not stand in for it', () => {
    const { store, ds, ids, p1, c1, p2, c2 } = table4();
    store.savePipelineTable({ key: 'T4', section: 'endogeneity', title: { en: 'Table 4' }, modelIds: ids, steps: [p1, p2] });
    const spec1 = store.listModels().find((m) => m.id === p1)?.spec as ModelSpec;
    // the first column's spec is edited
    const edited = normalizeSpec({ y: 'y', x: ['x', 'z'], sample: { if: '_weight < .' } });
    store.saveModel({ modelId: c1, name: 'T4 (1)', datasetId: ds.id, spec: edited });
    expect(ids.map((id) => states(store)[id])).toEqual([
      { modelId: p1, status: 'stale', reason: 'step', variables: ['_weight'] },
      { modelId: c1, status: 'stale', reason: 'spec' },
      { modelId: p2, status: 'fresh' },
      { modelId: c2, status: 'fresh' },
    ]);
    // its stored result read unchanged data, but the _weight it wrote is gone: not served
    expect(store.findCachedResult(resultSpecHash(ds.id, spec1), store.getDataset(ds.id).version, 'test')).toBeNull();
    // the pipeline runs what is not fresh, in order: the matching, then the column
    runStep(store, p1, 2);
    expect(states(store)[p1].status).toBe('fresh');
    run(store, c1);
    expect(ids.map((id) => states(store)[id].status)).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
    // now its _weight is in the dataset, the cache may serve the matching again
    expect(store.findCachedResult(resultSpecHash(ds.id, spec1), store.getDataset(ds.id).version, 'test')?.coefficients[0].estimate).toBe(2);
    // (2) estimated again outside the pipeline, on the first matching's _weight: a run of the table
    // would give another result, so it is stale
    run(store, c2);
    expect(states(store)[c2]).toEqual({ modelId: c2, status: 'stale', reason: 'data', variables: ['_weight'] });
    store.close();
  });
});

describe('staleness across project formats', () => {
  it(`a format-3 project migrates to format ${SCHEMA_VERSION}: stamps on every variable, its model runs fresh and stays fresh`, () => {
    const file = join(tempDir(), 'p3.pstudio');
    copyFileSync(join(FIXTURES, 'format3.pstudio'), file);
    const store = ProjectStore.open(file);
    expect(store.backupPath).toBe(`${file}.format3.bak`);
    const [ds] = store.listDatasets();
    const [model] = store.listModels();
    expect(states(store)[model.id].status).toBe('notRun');
    run(store, model.id);
    expect(states(store)[model.id].status).toBe('fresh');
    generate(store, ds.id, 'w');
    expect(states(store)[model.id].status).toBe('fresh');
    generate(store, ds.id, 'v', true);
    expect(states(store)[model.id]).toMatchObject({ status: 'stale', variables: ['v'] });
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });

  it('a result stored before stamps is fresh until the dataset changes at all (the old rule), then fresh again once re-run', () => {
    const file = join(tempDir(), 'old.pstudio');
    const store = ProjectStore.create(file);
    const ds = dataset(store);
    const id = store.saveModel({ name: 'm', datasetId: ds.id, spec: normalizeSpec({ y: 'y', x: ['x'] }) });
    const spec = store.listModels()[0].spec;
    run(store, id, 5);
    store.close();
    // the same project as format 3 stored it: no stamps, no inputs
    const db = new Database(file);
    db.exec('ALTER TABLE variables DROP COLUMN stamp; ALTER TABLE results DROP COLUMN inputs');
    db.pragma('user_version = 3');
    db.close();
    const ro = ProjectStore.open(file, { readonly: true });
    expect(states(ro)[id].status).toBe('fresh');
    ro.close();

    const old = ProjectStore.open(file);
    expect(old.backupPath).not.toBeNull();
    expect(states(old)[id]).toEqual({ modelId: id, status: 'fresh' });
    expect(old.findCachedResult(resultSpecHash(ds.id, spec), old.getDataset(ds.id).version, 'test')?.coefficients[0].estimate).toBe(5);
    generate(old, ds.id, 'w');
    expect(states(old)[id]).toEqual({ modelId: id, status: 'stale', reason: 'data' });
    expect(old.findCachedResult(resultSpecHash(ds.id, spec), old.getDataset(ds.id).version, 'test')).toBeNull();
    run(old, id);
    generate(old, ds.id, 'w2');
    expect(states(old)[id]).toEqual({ modelId: id, status: 'fresh' });
    old.close();
  });
});

describe('labels of the variables the engine creates', () => {
  it('come in both languages; a re-run keeps the labels a variable has and adds the language it lacks', () => {
    const store = ProjectStore.create(':memory:');
    const ds = dataset(store);
    const id = store.saveModel({ name: 'psm', datasetId: ds.id, spec: normalizeSpec({ estimator: 'psm', y: 'y', treatment: 'u', x: ['x'] }) });
    runStep(store, id, 2);
    const label = () => store.getDataset(ds.id).variables.find((v) => v.name === '_weight')?.label;
    expect(label()).toEqual({ zh: '匹配权重', en: 'matching weight' });
    // a project from before: English only, then the user's own Chinese label — kept on re-runs
    store.setVariableLabel(ds.id, '_weight', { en: 'old English label' });
    runStep(store, id, 2);
    expect(label()).toEqual({ zh: '匹配权重', en: 'old English label' });
    store.setVariableLabel(ds.id, '_weight', { zh: '我的权重', en: 'old English label' });
    runStep(store, id, 2);
    expect(label()).toEqual({ zh: '我的权重', en: 'old English label' });
    // a user's text from a tool goes under its language
    applyToolOutput(store, ds.id, { tool: 'generate', params: { name: 'k', expr: '1' } }, { columns: [{ name: 'k', column: { kind: 'numeric', values: numeric(() => 1) }, label: '常数', replace: false, inputs: [] }], warnings: [], describe: 'test' });
    expect(store.getDataset(ds.id).variables.find((v) => v.name === 'k')?.label).toEqual({ zh: '常数' });
    store.close();
  });
});
