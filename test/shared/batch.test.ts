// Batch runs of the model form (src/shared/batch.ts): the problems of each mode's input, what the
// splits need built (split / generate / interact requests, or a variable with the same recipe
// reused), the groups and their conditions, the sibling specs and their names, and the pipeline
// table: section, titles and the column groups of the seed papers' heterogeneity layouts.
import { describe, expect, it } from 'vitest';
import {
  type BatchInput,
  type ResolvedSplit,
  type SplitInput,
  andIf,
  batchMembers,
  batchTable,
  checkBatch,
  conditionGroups,
  conditionVariable,
  defaultSection,
  emptySplit,
  freshName,
  groupNames,
  interactionVariable,
  isBinaryLevels,
  levelGroups,
  modelName,
  splitLabel,
  splitVariable,
  statGroups,
  withSuffix,
} from '../../src/shared/batch.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import type { VariableInfo } from '../../src/shared/types.js';

let nextId = 1;
function variable(name: string, type: 'numeric' | 'categorical' = 'numeric', recipe?: VariableInfo['recipe'], extra: Partial<VariableInfo> = {}): VariableInfo {
  return { id: nextId++, name, position: nextId, type, label: {}, recipe: recipe ?? { kind: 'import', source: 't', column: name }, missing: 0, ...extra };
}

const VARS: VariableInfo[] = [
  variable('cu'),
  variable('platform'),
  variable('size'),
  variable('klratio'),
  variable('fc'),
  variable('tfp'),
  variable('lnexport'),
  variable('year'),
  variable('soe', 'numeric', undefined, { valueLabels: { '0': 'private', '1': 'SOE' } }),
  variable('region', 'categorical', undefined, { levels: ['east', 'west'] }),
];

const BASE: ModelSpec = normalizeSpec({ estimator: 'hdfe', y: 'cu', x: ['platform', 'size', 'klratio', 'fc'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['firm'] });
const BASE_NAME = modelName(BASE);

function input(patch: Partial<BatchInput>): BatchInput {
  return { mode: 'single', splits: [emptySplit()], treatment: '', outcomes: [], controls: [], zeroControls: true, section: '', ...patch };
}
const split = (patch: Partial<SplitInput>): SplitInput => ({ ...emptySplit(), ...patch });
const codes = (i: BatchInput, regressors = BASE.x, vars: VariableInfo[] | null = VARS, hasX = true) => checkBatch(i, BASE, vars, regressors, hasX).map((p) => `${p.field}:${p.code}`);

describe('checkBatch', () => {
  it('a single model has nothing to check', () => {
    expect(codes(input({}))).toEqual([]);
  });

  it('by group: each split needs its variable (numeric for a median/mean split) or its condition', () => {
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'median' })] }))).toEqual(['split-0:splitVariable']);
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'median', variable: 'region' })] }))).toEqual(['split-0:splitNumeric']);
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'levels', variable: 'region' })] }))).toEqual([]);
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'mean', variable: 'nope' })] }))).toEqual(['split-0:splitUnknown']);
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'median', variable: 'size', within: 'size' })] }))).toEqual(['split-0:splitWithin']);
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'condition', condition: '  ' })] }))).toEqual(['split-0:splitCondition']);
    expect(codes(input({ mode: 'groups', splits: [] }))).toEqual(['split-0:noSplit']);
    // two groups for a median split: two names or none
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'median', variable: 'size', names: 'large, mid, small' })] }))).toEqual(['split-0:namesCount']);
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'median', variable: 'size', within: 'year', names: '大型企业，中小型企业' })] }))).toEqual([]);
    // the second split's problem is on its own field
    expect(codes(input({ mode: 'groups', splits: [split({ kind: 'median', variable: 'size' }), split({ kind: 'levels' })] }))).toEqual(['split-1:splitVariable']);
  });

  it('interaction: the treatment is one of the regressors; a split by values must be numeric (0/1)', () => {
    const ok = split({ kind: 'median', variable: 'size' });
    expect(codes(input({ mode: 'interaction', splits: [ok] }))).toEqual(['treatment:noTreatment']);
    expect(codes(input({ mode: 'interaction', splits: [ok], treatment: 'tfp' }))).toEqual(['treatment:treatmentNotRegressor']);
    expect(codes(input({ mode: 'interaction', splits: [ok], treatment: 'platform' }))).toEqual([]);
    expect(codes(input({ mode: 'interaction', splits: [split({ kind: 'levels', variable: 'region' })], treatment: 'platform' }))).toEqual(['split-0:notBinary']);
    expect(codes(input({ mode: 'interaction', splits: [ok], treatment: 'platform' }), BASE.x, VARS, false)).toEqual(['mode:noRegressors']);
  });

  it('each outcome: at least one, none of them a regressor', () => {
    expect(codes(input({ mode: 'outcomes' }))).toEqual(['outcomes:noOutcomes']);
    expect(codes(input({ mode: 'outcomes', outcomes: ['tfp', 'size', 'ghost'] }))).toEqual(['outcomes:outcomeIsRegressor', 'outcomes:outcomeUnknown']);
    expect(codes(input({ mode: 'outcomes', outcomes: ['tfp', 'lnexport'] }))).toEqual([]);
  });

  it('controls step by step: at least one, not the outcome (a regressor may be one)', () => {
    expect(codes(input({ mode: 'controls' }))).toEqual(['controls:noControls']);
    expect(codes(input({ mode: 'controls', controls: ['size', 'cu'] }))).toEqual(['controls:controlIsOutcome']);
    expect(codes(input({ mode: 'controls', controls: ['size', 'klratio', 'fc'] }))).toEqual([]);
  });

  it('without the variable list (not loaded) only the structure is checked', () => {
    expect(codes(input({ mode: 'outcomes', outcomes: ['anything'] }), BASE.x, null)).toEqual([]);
  });
});

describe('what the splits need built', () => {
  it('a median split within year: the split tool with a fresh name, or the variable with the same recipe', () => {
    const s = split({ kind: 'median', variable: 'size', within: 'year' });
    expect(splitVariable(s, VARS)).toEqual({ request: { tool: 'split', params: { name: 'size_gt_median_year', var: 'size', stat: 'median', by: ['year'] } } });
    expect(splitVariable(split({ kind: 'mean', variable: 'size' }), VARS)).toEqual({ request: { tool: 'split', params: { name: 'size_gt_mean', var: 'size', stat: 'mean' } } });
    // the recipe as applyToolOutput stores it (withDefaults: inclusive false)
    const built = variable('large', 'numeric', { kind: 'transform', tool: 'split', inputs: ['size', 'year'], params: { name: 'large', var: 'size', stat: 'median', by: ['year'], inclusive: false } });
    expect(splitVariable(s, [...VARS, built])).toEqual({ existing: 'large' });
    // another statistic, grouping or an inclusive split is not the same variable
    expect(splitVariable(split({ kind: 'mean', variable: 'size', within: 'year' }), [...VARS, built])).toHaveProperty('request');
    expect(splitVariable(split({ kind: 'median', variable: 'size' }), [...VARS, built])).toHaveProperty('request');
    // the name is not taken twice
    expect(splitVariable(split({ kind: 'mean', variable: 'size' }), [...VARS, variable('size_gt_mean')])).toMatchObject({ request: { params: { name: 'size_gt_mean_2' } } });
  });

  it('a condition: generate (1 where it holds), reused when a variable has that expression', () => {
    expect(conditionVariable(' soe == 1 ', VARS)).toEqual({ request: { tool: 'generate', params: { name: 'group', expr: 'soe == 1', label: 'soe == 1' } } });
    const g = variable('state', 'numeric', { kind: 'transform', tool: 'generate', inputs: ['soe'], params: { name: 'state', expr: 'soe == 1' } });
    expect(conditionVariable('soe == 1', [...VARS, g])).toEqual({ existing: 'state' });
    // named from the split's name when it has one
    expect(conditionVariable('soe == 1', VARS, 'State owned')).toMatchObject({ request: { params: { name: 'State_owned' } } });
    expect(conditionVariable('soe == 1', VARS, '国有企业')).toMatchObject({ request: { params: { name: '国有企业' } } });
  });

  it('the interaction: interact(treatment, dummy), reused in either order', () => {
    expect(interactionVariable('platform', 'large', VARS)).toEqual({ request: { tool: 'interact', params: { a: 'platform', b: 'large' } } });
    const p = variable('platform_x_large', 'numeric', { kind: 'transform', tool: 'interact', inputs: ['large', 'platform'], params: { a: 'large', b: 'platform' } });
    expect(interactionVariable('platform', 'large', [...VARS, p])).toEqual({ existing: 'platform_x_large' });
  });

  it('fresh names are valid variable names', () => {
    expect(freshName('9 lives-x', [])).toBe('_9_lives_x');
    expect(freshName('a', ['a', 'a_2'])).toBe('a_3');
    expect(freshName('企业规模_gt_median', [])).toBe('企业规模_gt_median');
  });
});

describe('groups and their conditions', () => {
  it('values of a variable: one group per value, text quoted, value labels as names', () => {
    expect(levelGroups(split({ kind: 'levels', variable: 'region' }), ['east', 'west'], VARS.find((v) => v.name === 'region'))).toEqual([
      { label: 'region = east', condition: 'region == "east"' },
      { label: 'region = west', condition: 'region == "west"' },
    ]);
    expect(levelGroups(split({ kind: 'levels', variable: 'soe' }), [0, 1], VARS.find((v) => v.name === 'soe')).map((g) => g.label)).toEqual(['private', 'SOE']);
    expect(levelGroups(split({ kind: 'levels', variable: 'soe', names: 'private firms, SOEs' }), [0, 1], undefined)).toEqual([
      { label: 'private firms', condition: 'soe == 0' },
      { label: 'SOEs', condition: 'soe == 1' },
    ]);
  });

  it('median / mean: above (1) first, then at or below (0); names override', () => {
    expect(statGroups(split({ kind: 'median', variable: 'size' }), 'size_gt_median', 'en')).toEqual([
      { label: 'size > median', condition: 'size_gt_median == 1' },
      { label: 'size ≤ median', condition: 'size_gt_median == 0' },
    ]);
    expect(statGroups(split({ kind: 'mean', variable: 'size', within: 'year' }), 'd', 'zh').map((g) => g.label)).toEqual(['size高于均值（year内）', 'size不高于均值（year内）']);
    expect(statGroups(split({ kind: 'median', variable: 'size', names: 'large | small' }), 'd', 'en').map((g) => g.label)).toEqual(['large', 'small']);
  });

  it('a condition and its complement (every row it does not select)', () => {
    expect(conditionGroups(split({ kind: 'condition', condition: 'soe == 1 & year >= 2015' }), 'en')).toEqual([
      { label: 'soe == 1 & year >= 2015', condition: '(soe == 1 & year >= 2015)' },
      { label: 'not (soe == 1 & year >= 2015)', condition: '!(soe == 1 & year >= 2015)' },
    ]);
  });

  it('helpers', () => {
    expect(groupNames(' large, small ;mid、x，y|z ')).toEqual(['large', 'small', 'mid', 'x', 'y', 'z']);
    expect(andIf(undefined, 'd == 1')).toBe('d == 1');
    expect(andIf('year >= 2010', 'd == 1')).toBe('(year >= 2010) & d == 1');
    expect(isBinaryLevels([0, 1])).toBe(true);
    expect(isBinaryLevels([1, 2])).toBe(false);
    expect(isBinaryLevels([0, 1, 2])).toBe(false);
    expect(defaultSection('groups')).toBe('heterogeneity');
    expect(defaultSection('interaction')).toBe('heterogeneity');
    expect(defaultSection('outcomes')).toBe('mechanism');
    expect(defaultSection('controls')).toBe('baseline');
  });

  it('split labels: the given name, else made from the variable (its label) or the condition', () => {
    const labelOf = (n: string) => ({ size: '企业规模', year: '年份' })[n] ?? n;
    expect(splitLabel(split({ kind: 'median', variable: 'size' }), 'en')).toBe('size (median)');
    expect(splitLabel(split({ kind: 'mean', variable: 'size', within: 'year' }), 'en')).toBe('size (mean within year)');
    expect(splitLabel(split({ kind: 'median', variable: 'size', within: 'year' }), 'zh', labelOf)).toBe('企业规模（年份内中位数分组）');
    expect(splitLabel(split({ kind: 'levels', variable: 'region' }), 'en')).toBe('region');
    expect(splitLabel(split({ kind: 'condition', condition: ' soe == 1 ' }), 'en')).toBe('soe == 1');
    expect(splitLabel(split({ kind: 'median', variable: 'size', label: ' Firm size ' }), 'en')).toBe('Firm size');
  });
});

// the resolved splits of seed paper 000's Table 8 (first two of its four splits) and of 003's Table 7
const SIZE: ResolvedSplit = { label: 'Firm size', groups: statGroups(split({ kind: 'mean', variable: 'size', names: 'large, small' }), 'large', 'en'), dummy: 'large', interaction: 'platform_x_large' };
const OWNER: ResolvedSplit = { label: 'Ownership', groups: levelGroups(split({ kind: 'levels', variable: 'soe', names: 'SOE, private' }), [1, 0], undefined), dummy: 'soe', interaction: 'platform_x_soe' };

describe('batchMembers', () => {
  it('by group: one model per group, the group condition added to the model’s own, named with the group', () => {
    const base = { ...BASE, sample: { if: 'year >= 2010' } };
    const baseName = modelName(base);
    const m = batchMembers(base, baseName, input({ mode: 'groups' }), [SIZE]);
    expect(m.map((x) => x.spec.sample?.if)).toEqual(['(year >= 2010) & large == 1', '(year >= 2010) & large == 0']);
    expect(m.map((x) => x.name)).toEqual([`${baseName} [large]`, `${baseName} [small]`]);
    expect(m.map((x) => x.group)).toEqual(['large', 'small']);
    // everything else is the base model, and the base is not touched
    for (const x of m) expect({ ...x.spec, sample: undefined }).toEqual({ ...base, sample: undefined });
    expect(base.sample.if).toBe('year >= 2010');
    // several splits: the split's name in the model name
    const two = batchMembers(BASE, BASE_NAME, input({ mode: 'groups' }), [SIZE, OWNER]);
    expect(two.map((x) => [x.split, x.spec.sample?.if, x.name.slice(BASE_NAME.length)])).toEqual([
      [0, 'large == 1', ' [Firm size: large]'],
      [0, 'large == 0', ' [Firm size: small]'],
      [1, 'soe == 1', ' [Ownership: SOE]'],
      [1, 'soe == 0', ' [Ownership: private]'],
    ]);
  });

  it('interaction: treatment, treatment × split and split, the product right after the treatment; one model per split', () => {
    const m = batchMembers(BASE, BASE_NAME, input({ mode: 'interaction', treatment: 'platform' }), [SIZE, OWNER]);
    expect(m.map((x) => x.spec.x)).toEqual([
      ['platform', 'platform_x_large', 'large', 'size', 'klratio', 'fc'],
      ['platform', 'platform_x_soe', 'soe', 'size', 'klratio', 'fc'],
    ]);
    expect(m.map((x) => x.spec.sample)).toEqual([undefined, undefined]);
    expect(m[0]!.name).toBe('cu ~ platform + platform_x_large + large + size + klratio + fc, absorb(firm year) vce(cluster firm)');
    // a split variable already among the regressors is not added twice
    const withLarge = { ...BASE, x: ['platform', 'large', 'size'] };
    expect(batchMembers(withLarge, 'n', input({ mode: 'interaction', treatment: 'platform' }), [SIZE])[0]!.spec.x).toEqual(['platform', 'platform_x_large', 'large', 'size']);
    expect(() => batchMembers(BASE, 'n', input({ mode: 'interaction', treatment: 'platform' }), [{ label: 'x', groups: [] }])).toThrow(/no 0\/1 variable/);
  });

  it('each outcome: the same right-hand side, y replaced, in the order chosen', () => {
    const m = batchMembers(BASE, BASE_NAME, input({ mode: 'outcomes', outcomes: ['tfp', 'lnexport'] }), []);
    expect(m.map((x) => x.spec.y)).toEqual(['tfp', 'lnexport']);
    expect(m.every((x) => JSON.stringify(x.spec.x) === JSON.stringify(BASE.x) && JSON.stringify(x.spec.absorb) === JSON.stringify(BASE.absorb))).toBe(true);
    expect(m[1]!.name).toBe('lnexport ~ platform + size + klratio + fc, absorb(firm year) vce(cluster firm)');
  });

  it('controls step by step: model k has the first k controls (from 0 when asked); controls among the regressors wait for their step', () => {
    const m = batchMembers(BASE, BASE_NAME, input({ mode: 'controls', controls: ['fc', 'size', 'klratio'] }), []);
    expect(m.map((x) => x.spec.x)).toEqual([['platform'], ['platform', 'fc'], ['platform', 'fc', 'size'], ['platform', 'fc', 'size', 'klratio']]);
    const from1 = batchMembers({ ...BASE, x: ['platform'] }, 'n', input({ mode: 'controls', controls: ['size', 'fc'], zeroControls: false }), []);
    expect(from1.map((x) => x.spec.x)).toEqual([['platform', 'size'], ['platform', 'size', 'fc']]);
    expect(new Set(m.map((x) => x.name)).size).toBe(4);
  });

  it('names stay within 200 characters, the group kept', () => {
    const long = 'y ~ '.padEnd(199, 'x');
    const n = withSuffix(long, 'large');
    expect(n.length).toBeLessThanOrEqual(200);
    expect(n.endsWith(' [large]')).toBe(true);
  });
});

describe('batchTable', () => {
  it('one split (Table 8 style): the group names over their columns, in Heterogeneity', () => {
    const i = input({ mode: 'groups' });
    const m = batchMembers(BASE, BASE_NAME, i, [SIZE]);
    const t = batchTable(i, m, [true, true], [SIZE]);
    expect(t.section).toBe('heterogeneity');
    expect(t.title).toEqual({ en: 'Heterogeneity by Firm size', zh: '异质性分析：按Firm size分组' });
    expect(t.options.groups).toEqual([
      { label: 'large', span: 1 },
      { label: 'small', span: 1 },
    ]);
    expect(t.options.titles).toBeUndefined();
    expect(t.options.stats).toEqual(['fe', 'nobs', 'r2']);
  });

  it('several splits: each split over its groups, the groups as column titles; a failed model leaves its column out', () => {
    const i = input({ mode: 'groups', section: 'robustness' });
    const m = batchMembers(BASE, BASE_NAME, i, [SIZE, OWNER]);
    const t = batchTable(i, m, [true, true, true, true], [SIZE, OWNER]);
    expect(t.section).toBe('robustness');
    expect(t.options.groups).toEqual([
      { label: 'Firm size', span: 2 },
      { label: 'Ownership', span: 2 },
    ]);
    expect(t.options.titles).toEqual(['(1) large', '(2) small', '(3) SOE', '(4) private']);
    const partial = batchTable(i, m, [true, false, true, true], [SIZE, OWNER]);
    expect(partial.options.groups).toEqual([
      { label: 'Firm size', span: 1 },
      { label: 'Ownership', span: 2 },
    ]);
    expect(partial.options.titles).toEqual(['(1) large', '(2) SOE', '(3) private']);
    const onlySecond = batchTable(i, m, [false, false, true, true], [SIZE, OWNER]);
    expect(onlySecond.options.groups).toEqual([{ label: 'Ownership', span: 2 }]);
  });

  it('interaction (Table 7 style): one column per split, the split named over it', () => {
    const i = input({ mode: 'interaction', treatment: 'platform' });
    const m = batchMembers(BASE, BASE_NAME, i, [SIZE, OWNER]);
    const t = batchTable(i, m, [true, true], [SIZE, OWNER], { zh: (n) => (n === 'platform' ? '跨境电商平台' : n), en: (n) => n });
    expect(t.section).toBe('heterogeneity');
    expect(t.options.groups).toEqual([
      { label: 'Firm size', span: 1 },
      { label: 'Ownership', span: 1 },
    ]);
    expect(t.title.zh).toBe('异质性分析：跨境电商平台与Firm size、Ownership的交互项');
    expect(t.title.en).toBe('Heterogeneity: platform interacted with Firm size, Ownership');
  });

  it('each outcome: a mechanism table without groups (the outcomes head the columns)', () => {
    const i = input({ mode: 'outcomes', outcomes: ['tfp', 'lnexport'] });
    const t = batchTable(i, batchMembers(BASE, BASE_NAME, i, []), [true, true], []);
    expect(t).toEqual({ section: 'mechanism', title: { zh: '机制检验：tfp、lnexport', en: 'Mechanisms: tfp, lnexport' }, options: { stats: ['fe', 'nobs', 'r2'] } });
  });

  it('controls: a baseline table (or the section picked), summary rows for the estimators', () => {
    const i = input({ mode: 'controls', controls: ['size'] });
    const t = batchTable(i, batchMembers(BASE, BASE_NAME, i, []), [true, true], []);
    expect(t.section).toBe('baseline');
    expect(t.title.en).toBe('Adding controls step by step: size');
    expect(t.options.groups).toBeUndefined();
    const iv = batchTable({ ...i, section: 'robustness' }, [{ name: 'a', spec: { ...BASE, estimator: 'iv' } }], [true], []);
    expect(iv.section).toBe('robustness');
    expect(iv.options.stats).toEqual(['fe', 'nobs', 'r2', 'kp_lm', 'kp_f']);
  });
});

describe('modelName (the form’s default name)', () => {
  it('Stata-style suffixes and the sample condition', () => {
    expect(modelName(BASE)).toBe('cu ~ platform + size + klratio + fc, absorb(firm year) vce(cluster firm)');
    expect(modelName(normalizeSpec({ estimator: 'ols', y: 'y', x: [], vcov: 'robust', sample: { if: 'year > 1' } }))).toBe('y ~ 1 if year > 1, vce(robust)');
  });
});

describe('batchTable with a failed outcome', () => {
  it('the title names the outcomes of the columns only', () => {
    const i = input({ mode: 'outcomes', outcomes: ['tfp', 'year', 'lnexport'] });
    const t = batchTable(i, batchMembers(BASE, BASE_NAME, i, []), [true, false, true], []);
    expect(t.title).toEqual({ zh: '机制检验：tfp、lnexport', en: 'Mechanisms: tfp, lnexport' });
  });
});
