// The paper pipeline in the project file (issue 11, migration 3): tables by section with their
// models in run order and their composer options; create / update / move / reorder / delete;
// a deleted model leaves every table; each model fresh, stale (spec or data), not run or failed;
// projects of every earlier format migrate to an empty pipeline and format 3 keeps its tables.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS } from '../../src/store/codec.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { resultSpecHash } from '../../src/store/pipeline.js';
import { ProjectStore } from '../../src/store/project.js';
import { runOrder, tableColumns, tableTitle } from '../../src/shared/pipeline.js';
import type { EstimationResult } from '../../src/shared/result.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { tempDir } from '../helpers.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'projects');

/** The same dataset the format fixtures hold (test/store/reliability.test.ts): firms, 70,000 rows. */
function addDataset(store: ProjectStore, name: string, n: number, seed: number) {
  const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i * seed) * 100);
  const codes = Int32Array.from({ length: n }, (_, i) => i % 3);
  const { datasetId, variableIds } = store.beginDataset(name, 'test', n, [
    { name: 'v', type: 'numeric', label: { zh: '数值', en: 'value' }, recipe: { kind: 'import', source: 't', column: 'v' } },
    { name: 'c', type: 'categorical', levels: ['甲', 'b', 'c'], recipe: { kind: 'import', source: 't', column: 'c' } },
  ]);
  for (let c = 0; c * CHUNK_ROWS < n; c++) {
    const a = c * CHUNK_ROWS;
    const b = Math.min(n, a + CHUNK_ROWS);
    store.writeChunks(c, variableIds, [v.subarray(a, b), codes.subarray(a, b)]);
  }
  return store.commitDataset(datasetId);
}

const fakeResult = (estimate: number) => ({ engineVersion: 'test', estimator: 'ols', nobs: 10, coefficients: [{ term: 'v', estimate }] }) as unknown as EstimationResult;

function project() {
  const store = ProjectStore.create(':memory:');
  const ds = addDataset(store, 'firms', 1000, 3);
  const spec = normalizeSpec({ y: 'v', x: [] });
  const ids = ['T2 (1)', 'T2 (2)', 'T4 psm', 'T4 (1)', 'T6 (1)'].map((name) => store.saveModel({ name, datasetId: ds.id, spec: { ...spec, y: 'v' } }));
  return { store, ds, spec, ids };
}

describe('pipeline tables in the project', () => {
  it('creates tables at the end of their section, lists them in pipeline order, keeps options and titles', () => {
    const { store, ds, ids } = project();
    const [a, b, psm, c, d] = ids;
    const mech = store.savePipelineTable({ key: 'T6', section: 'mechanism', title: { zh: '表6 机制检验', en: 'Table 6 Mechanisms' }, modelIds: [d] });
    const base = store.savePipelineTable({ key: 'T2', section: 'baseline', title: { zh: '表2 基准回归' }, modelIds: [b, a], options: { statistic: 'se', decimals: 4, stats: ['fe', 'nobs'], title: 'ignored: lives in title' } });
    const psmT = store.savePipelineTable({ key: 'T4', section: 'endogeneity', title: { en: 'Table 4 PSM' }, modelIds: [psm, c], steps: [psm] });
    const desc = store.savePipelineTable({ key: 'T1', section: 'descriptive', title: { en: 'Table 1' }, modelIds: [], describe: { datasetId: ds.id, variables: ['v'] } });
    const base2 = store.savePipelineTable({ section: 'baseline', title: { en: 'More' }, modelIds: [a] });

    const list = store.listPipelineTables();
    expect(list.map((t) => t.id)).toEqual([desc.id, base.id, base2.id, psmT.id, mech.id]);
    expect(list.map((t) => [t.section, t.position])).toEqual([['descriptive', 0], ['baseline', 0], ['baseline', 1], ['endogeneity', 0], ['mechanism', 0]]);
    const got = list.find((t) => t.id === base.id);
    expect(got?.modelIds).toEqual([b, a]); // the order given, not the id order
    expect(got?.options).toEqual({ statistic: 'se', decimals: 4, stats: ['fe', 'nobs'] });
    expect(got?.title).toEqual({ zh: '表2 基准回归' });
    expect(tableTitle(got!, 'en')).toBe('表2 基准回归'); // falls back to the other language
    expect(tableColumns(list.find((t) => t.id === psmT.id)!)).toEqual([c]);
    expect(list.find((t) => t.id === psmT.id)?.steps).toEqual([psm]);
    expect(list.find((t) => t.id === desc.id)?.describe).toEqual({ datasetId: ds.id, variables: ['v'] });
    expect(runOrder(list)).toEqual([b, a, psm, c, d]);

    // update: the fields are replaced; a new section puts it at that section's end
    const upd = store.savePipelineTable({ key: 'T2b', section: 'robustness', title: { en: 'Robust' }, modelIds: [a, c] }, base.id);
    expect(upd).toMatchObject({ id: base.id, key: 'T2b', section: 'robustness', position: 0, modelIds: [a, c], steps: [], options: {}, title: { en: 'Robust' } });
    expect(store.listPipelineTables().filter((t) => t.section === 'baseline').map((t) => [t.id, t.position])).toEqual([[base2.id, 0]]);
    store.close();
  });

  it('moves tables between sections and reorders within one, closing gaps', () => {
    const { store, ids } = project();
    const t = ['A', 'B', 'C'].map((k) => store.savePipelineTable({ key: k, section: 'baseline', title: { en: k }, modelIds: [ids[0]] }));
    const r = store.savePipelineTable({ key: 'R', section: 'robustness', title: { en: 'R' }, modelIds: [ids[1]] });
    // B to robustness, before R
    let list = store.movePipelineTable(t[1].id, 'robustness', 0);
    const keys = (section: string) => list.filter((x) => x.section === section).map((x) => `${x.key}${x.position}`);
    expect(keys('baseline')).toEqual(['A0', 'C1']);
    expect(keys('robustness')).toEqual(['B0', 'R1']);
    // C first within baseline; an index past the end means the end
    list = store.movePipelineTable(t[2].id, 'baseline', 0);
    expect(keys('baseline')).toEqual(['C0', 'A1']);
    list = store.movePipelineTable(t[2].id, 'baseline', 99);
    expect(keys('baseline')).toEqual(['A0', 'C1']);
    list = store.reorderPipelineTables('robustness', [r.id, t[1].id]);
    expect(keys('robustness')).toEqual(['R0', 'B1']);
    store.deletePipelineTable(r.id);
    list = store.listPipelineTables();
    expect(keys('robustness')).toEqual(['B0']);
    expect(() => store.deletePipelineTable(r.id)).toThrow(/pipeline table \d+ does not exist/);
    expect(() => store.movePipelineTable(9999, 'baseline')).toThrow(/does not exist/);
    store.close();
  });

  it('a deleted model leaves every table; deleting its dataset empties them too', () => {
    const { store, ids } = project();
    const [a, b, psm, c] = ids;
    const t1 = store.savePipelineTable({ section: 'baseline', title: { en: 'T' }, modelIds: [a, b] });
    const t2 = store.savePipelineTable({ section: 'endogeneity', title: { en: 'U' }, modelIds: [psm, b, c], steps: [psm] });
    store.deleteModel(b);
    store.deleteModel(psm);
    const list = store.listPipelineTables();
    expect(list.find((t) => t.id === t1.id)?.modelIds).toEqual([a]);
    expect(list.find((t) => t.id === t2.id)).toMatchObject({ modelIds: [c], steps: [] });
    store.deleteDataset(store.listDatasets()[0].id);
    expect(store.listPipelineTables().map((t) => t.modelIds)).toEqual([[], []]);
    store.close();
  });

  it('refuses tables that name missing models, list one twice, steps outside the table, or nothing', () => {
    const { store, ds, ids } = project();
    const base = { section: 'baseline' as const, title: { en: 'x' } };
    expect(() => store.savePipelineTable({ ...base, modelIds: [ids[0], 999] })).toThrow(/model 999 does not exist/);
    expect(() => store.savePipelineTable({ ...base, modelIds: [ids[0], ids[0]] })).toThrow(/listed twice/);
    expect(() => store.savePipelineTable({ ...base, modelIds: [ids[0]], steps: [ids[1]] })).toThrow(/not one of the table's models/);
    expect(() => store.savePipelineTable({ ...base, modelIds: [] })).toThrow(/at least one model/);
    expect(() => store.savePipelineTable({ ...base, modelIds: [], describe: { datasetId: ds.id, variables: ['nope'] } })).toThrow(/variable "nope" is not in the dataset/);
    expect(() => store.savePipelineTable({ ...base, modelIds: [ids[0]] }, 4242)).toThrow(/pipeline table 4242 does not exist/);
    expect(() => store.savePipelineTable({ ...base, section: 'bogus' as 'baseline', modelIds: [ids[0]] })).toThrow(/section must be one of/);
    // super-headers must fit the columns (steps are not columns)
    expect(() => store.savePipelineTable({ ...base, modelIds: [ids[2], ids[3]], steps: [ids[2]], options: { groups: [{ label: 'matched', span: 2 }] } })).toThrow(/span 2 columns, the table has 1/);
    expect(store.savePipelineTable({ ...base, modelIds: [ids[0], ids[1]], options: { groups: [{ label: 'both', span: 2 }] } }).options.groups).toEqual([{ label: 'both', span: 2 }]);
    store.deletePipelineTable(store.listPipelineTables()[0].id);
    expect(store.listPipelineTables()).toEqual([]);
    store.close();
  });

  it('says which models are fresh, stale (spec or a variable read changed), not run or failed', () => {
    const { store, ds, spec, ids } = project();
    const [a, b, c] = ids;
    const state = () => Object.fromEntries(store.pipelineModelStates().map((s) => [s.modelId, s]));
    expect(state()[a]).toEqual({ modelId: a, status: 'notRun' });
    // results stored as main stores them: hash of (dataset, spec), the dataset's version
    for (const id of [a, b, c]) store.addResult(id, resultSpecHash(ds.id, spec), store.getDataset(ds.id).version, fakeResult(1));
    expect([a, b, c].map((id) => state()[id].status)).toEqual(['fresh', 'fresh', 'fresh']);
    // the spec of b is edited (saved, not run): stale because of the spec
    store.saveModel({ modelId: b, name: 'T2 (2)', datasetId: ds.id, spec: { ...spec, x: ['c'] } });
    expect(state()[b]).toEqual({ modelId: b, status: 'stale', reason: 'spec' });
    // re-saving a model with the same spec (a run that starts) keeps it fresh
    store.saveModel({ modelId: c, name: 'T4 psm', datasetId: ds.id, spec });
    expect(state()[c].status).toBe('fresh');
    // c fails: error with the message
    store.setModelFailed(c, 'the design is singular');
    expect(state()[c]).toEqual({ modelId: c, status: 'error', error: 'the design is singular' });
    // a new variable the models do not read leaves them fresh; v replaced makes them stale, naming it
    store.writeVariables(ds.id, [{ variable: { name: 'w', type: 'numeric', recipe: { kind: 'import', source: 't', column: 'w' } }, column: new Float64Array(1000) }]);
    expect(state()[a].status).toBe('fresh');
    store.writeVariables(ds.id, [{ variable: { name: 'v', type: 'numeric', recipe: { kind: 'import', source: 't', column: 'v' } }, column: new Float64Array(1000) }], { replace: true });
    expect(state()[a]).toEqual({ modelId: a, status: 'stale', reason: 'data', variables: ['v'] });
    store.addResult(a, resultSpecHash(ds.id, spec), store.getDataset(ds.id).version, fakeResult(2));
    expect(state()[a].status).toBe('fresh');
    expect(store.pipelineInfo().models).toHaveLength(5);
    store.close();
  });
});

/** format3.pstudio: the format fixture's dataset and model, plus one pipeline table holding the model. */
function writeFormat3(path: string): void {
  const store = ProjectStore.create(path);
  const ds = addDataset(store, 'firms', 70_000, 3);
  const m = store.saveModel({ name: 'y ~ v', datasetId: ds.id, spec: normalizeSpec({ y: 'v', x: [] }) });
  store.savePipelineTable({ key: 'T2', section: 'baseline', title: { zh: '表2 基准回归', en: 'Table 2 Baseline' }, modelIds: [m], options: { statistic: 'se', stats: ['nobs', 'r2'] } });
  store.savePipelineTable({ key: 'T1', section: 'descriptive', title: { en: 'Table 1' }, modelIds: [], describe: { datasetId: ds.id, variables: ['v'] } });
  store.save();
  store.close();
  const db = new Database(path);
  db.pragma('user_version = 3');
  db.pragma('journal_mode = DELETE');
  db.exec('VACUUM');
  db.close();
}

describe('pipeline across project formats', () => {
  it.skipIf(!process.env.MAKE_PIPELINE_FIXTURE)('writes test/fixtures/projects/format3.pstudio (MAKE_PIPELINE_FIXTURE=1)', () => {
    expect(SCHEMA_VERSION).toBe(3);
    writeFormat3(join(FIXTURES, 'format3.pstudio'));
  });

  it('older formats migrate to an empty pipeline that works; read-only opening of them lists none', () => {
    for (let v = 1; v < 3; v++) {
      const file = join(tempDir(), `p${v}.pstudio`);
      copyFileSync(join(FIXTURES, `format${v}.pstudio`), file);
      const ro = ProjectStore.open(file, { readonly: true });
      expect(ro.listPipelineTables()).toEqual([]);
      ro.close();
      const store = ProjectStore.open(file);
      expect(store.listPipelineTables()).toEqual([]);
      const [model] = store.listModels();
      store.savePipelineTable({ section: 'baseline', title: { en: 'T' }, modelIds: [model.id] });
      expect(store.pipelineInfo()).toMatchObject({ tables: [{ modelIds: [model.id], section: 'baseline' }], models: [{ modelId: model.id, status: 'notRun' }] });
      expect(store.integrityCheck()).toBe('ok');
      store.close();
    }
  });

  it('a format-3 project keeps its tables, options and descriptive variables', () => {
    const file = join(tempDir(), 'p3.pstudio');
    copyFileSync(join(FIXTURES, 'format3.pstudio'), file);
    for (const readonly of [true, false]) {
      const store = ProjectStore.open(file, { readonly });
      const [model] = store.listModels();
      const [ds] = store.listDatasets();
      expect(store.listPipelineTables().map((t) => ({ key: t.key, section: t.section, modelIds: t.modelIds, options: t.options, title: t.title, describe: t.describe }))).toEqual([
        { key: 'T1', section: 'descriptive', modelIds: [], options: {}, title: { en: 'Table 1' }, describe: { datasetId: ds.id, variables: ['v'] } },
        { key: 'T2', section: 'baseline', modelIds: [model.id], options: { statistic: 'se', stats: ['nobs', 'r2'] }, title: { zh: '表2 基准回归', en: 'Table 2 Baseline' }, describe: undefined },
      ]);
      store.close();
    }
  });
});
