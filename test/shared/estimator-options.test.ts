// The options of the estimator declarations (issue 11): every option an engine reads is declared,
// so the generated form reaches it; numbers are checked against their declared bounds, variable
// lists against the dataset; options hide (and leave the spec) when the other choices make them
// irrelevant; problems name the option by its label in the UI language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemText } from '../../src/renderer/src/i18n/problems.js';
import { ESTIMATORS, optionApplies } from '../../src/shared/estimators/index.js';
import { type EstimatorId, type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import type { VariableInfo } from '../../src/shared/types.js';
import { checkSpec } from '../../src/shared/validate.js';

const v = (name: string, type: 'numeric' | 'categorical' = 'numeric'): VariableInfo => ({ id: name.length, name, position: 0, type, label: {}, recipe: { kind: 'import', source: 't', column: name }, missing: 0 });
const vars = ['y', 'x', 'k', 'l', 'z', 't', 'firm', 'year'].map((n) => v(n)).concat(v('region', 'categorical'));
const problems = (spec: Partial<ModelSpec> & { y: string }) => checkSpec(normalizeSpec(spec), vars);
const codes = (spec: Partial<ModelSpec> & { y: string }) => problems(spec).map((p) => `${p.field}:${p.code}`);

const gmm = { estimator: 'gmm' as const, y: 'y', x: ['L.y', 'x'], vcov: 'robust' as const, panel: { id: 'firm', time: 'year' } };
const sfa = { estimator: 'sfa' as const, y: 'y', x: ['k', 'l'], vcov: 'iid' as const };
const psm = { estimator: 'psm' as const, y: 'y', x: ['x'], treatment: 't', vcov: 'iid' as const };

/** Option keys an engine file reads as `o.key` (o = spec.options) or `spec.options.key`. */
function engineOptionKeys(file: string): string[] {
  const text = readFileSync(join(__dirname, '../../src/engine', file), 'utf8');
  const keys = new Set<string>();
  // only the settings code binds o = spec.options; elsewhere `o` may be another object
  const bound = /const o = spec\.options;([\s\S]*?)\n}\n/g;
  for (const m of text.matchAll(bound)) for (const k of m[1].matchAll(/\bo\.([a-z_]+)/g)) keys.add(k[1]);
  for (const k of text.matchAll(/spec\.options\.([a-z_]+)/g)) keys.add(k[1]);
  return [...keys].sort();
}

describe('estimator options', () => {
  it('every option the engines read is declared (the instrument blocks have their own form field)', () => {
    const cases: [EstimatorId, string, string[]][] = [
      ['gmm', 'estimate-gmm.ts', ['gmm_style', 'iv_style']],
      ['psm', 'estimate-psm.ts', []],
      ['sfa', 'estimate-sfa.ts', []],
      ['logit', 'estimate-binary.ts', []],
      ['tfp', 'estimate-tfp.ts', []],
    ];
    for (const [id, file, ownField] of cases) {
      const declared = new Set(ESTIMATORS[id].options.map((o) => o.key));
      const read = engineOptionKeys(file);
      expect(read.length, `${file}: found the options it reads`).toBeGreaterThan(0);
      expect(read.filter((k) => !declared.has(k) && !ownField.includes(k)), `${id}: read by ${file} but not declared`).toEqual([]);
    }
    const psmKeys = ESTIMATORS.psm.options.map((o) => o.key);
    for (const k of ['kernel', 'match_order', 'tie_rule', 'exact', 'level']) expect(psmKeys).toContain(k);
    expect(ESTIMATORS.psm.options.find((o) => o.key === 'kernel')?.choices).toEqual(['epan', 'biweight', 'tricube', 'uniform', 'normal']);
    expect(ESTIMATORS.sfa.options.find((o) => o.key === 'uhet')).toMatchObject({ kind: 'varlist', default: [] });
    expect(ESTIMATORS.gmm.options.find((o) => o.key === 'ar')).toMatchObject({ kind: 'number', default: 2, integer: true, min: 2 });
  });

  it('gmm ar: a whole number from 2 to 10', () => {
    expect(codes({ ...gmm, options: { ar: 3 } })).toEqual([]);
    expect(codes({ ...gmm, options: { ar: 1 } })).toEqual(['options:option.wholeRange']);
    expect(codes({ ...gmm, options: { ar: 2.5 } })).toEqual(['options:option.wholeRange']);
    expect(codes({ ...gmm, options: { ar: 11 } })).toEqual(['options:option.wholeRange']);
    expect(codes({ ...gmm, options: { ar: Number.NaN } })).toEqual(['options:option.notNumber']);
    expect(problems({ ...gmm, options: { ar: 1 } })[0].message).toBe('option "ar" must be a whole number from 2 to 10');
  });

  it('sfa uhet: known numeric variables, not the output, each once', () => {
    expect(codes({ ...sfa, options: { uhet: ['z'] } })).toEqual([]);
    expect(codes({ ...sfa, options: { uhet: ['y'] } })).toEqual(['options:uhet.isY']);
    expect(codes({ ...sfa, options: { uhet: ['region'] } })).toEqual(['options:var.text']);
    expect(codes({ ...sfa, options: { uhet: ['nope'] } })).toEqual(['options:var.unknown']);
    expect(codes({ ...sfa, options: { uhet: ['z', 'z'] } })).toEqual(['options:x.twice']);
  });

  it('psm: neighbours, caliper, bandwidth bounds; radius needs a caliper; exact cells may be text', () => {
    expect(codes({ ...psm, options: { neighbors: 0 } })).toEqual(['options:option.wholeRange']);
    expect(codes({ ...psm, options: { caliper: -0.1 } })).toEqual(['options:option.atLeast']);
    expect(codes({ ...psm, options: { match_method: 'kernel', kernel: 'tricube', bandwidth: 0 } })).toEqual(['options:option.above']);
    expect(codes({ ...psm, options: { match_method: 'radius', caliper: 0 } })).toEqual(['options:psm.radiusCaliper']);
    expect(codes({ ...psm, options: { match_method: 'radius', caliper: 0.05 } })).toEqual([]);
    expect(codes({ ...psm, options: { exact: ['region', 'nope'] } })).toEqual(['options:var.unknown']);
  });

  it('options apply only where the other choices use them', () => {
    const decl = ESTIMATORS.psm;
    const opt = (key: string) => decl.options.find((o) => o.key === key)!;
    expect(optionApplies(decl, opt('kernel'), {})).toBe(false);
    expect(optionApplies(decl, opt('kernel'), { match_method: 'kernel' })).toBe(true);
    expect(optionApplies(decl, opt('bandwidth'), { match_method: 'kernel' })).toBe(true);
    expect(optionApplies(decl, opt('neighbors'), { match_method: 'kernel' })).toBe(false);
    expect(optionApplies(decl, opt('match_order'), { match_method: 'nearest' })).toBe(false);
    expect(optionApplies(decl, opt('match_order'), { match_method: 'nearest', replacement: false })).toBe(true);
    expect(optionApplies(decl, opt('match_order'), { match_method: 'radius', replacement: false })).toBe(false);
    expect(optionApplies(decl, opt('tie_rule'), {})).toBe(true);
    expect(optionApplies(decl, opt('caliper'), { match_method: 'radius' })).toBe(true);
  });

  it('the form names the option by its label, in the UI language', () => {
    const [p] = problems({ ...gmm, options: { ar: 1 } });
    expect(problemText(p, 'en')).toBe('option "AR tests up to order" must be a whole number from 2 to 10');
    expect(problemText(p, 'zh')).toBe('选项“AR 检验最高阶数”必须是 2 到 10 之间的整数');
    const [u] = problems({ ...sfa, options: { uhet: ['y'] } });
    expect(problemText(u, 'zh')).toBe('“y”是产出变量，不能同时作为无效率方差的解释变量');
  });
});
