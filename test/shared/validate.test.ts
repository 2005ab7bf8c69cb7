// Spec validation for the estimators added with GMM, PSM and the sample restriction: the problems
// come back by field and code, so the form shows them next to the field.
import { describe, expect, it } from 'vitest';
import { normalizeSpec, type ModelSpec } from '../../src/shared/spec.js';
import type { VariableInfo } from '../../src/shared/types.js';
import { checkSpec, specSchema } from '../../src/shared/validate.js';

const v = (name: string, type: 'numeric' | 'categorical' = 'numeric'): VariableInfo => ({ id: name.length, name, position: 0, type, label: {}, recipe: { kind: 'import', source: 't', column: name }, missing: 0 });
const vars = ['y', 'x', 't', 'firm', 'year'].map((n) => v(n)).concat(v('region', 'categorical'));
const codes = (spec: Partial<ModelSpec> & { y: string }) => checkSpec(normalizeSpec(spec), vars).map((p) => `${p.field}:${p.code}`);

describe('checkSpec', () => {
  it('lag terms are read by gmm only; gmm needs the panel and checks its instrument blocks', () => {
    expect(codes({ estimator: 'ols', y: 'y', x: ['L.x'] })).toEqual(['x:lag.notHere']);
    expect(codes({ estimator: 'gmm', y: 'y', x: ['L.y', 'x'], vcov: 'robust', panel: { id: 'firm', time: 'year' } })).toEqual([]);
    expect(codes({ estimator: 'gmm', y: 'y', x: ['L.nope'], vcov: 'robust', panel: { id: 'firm', time: 'year' } })).toEqual(['x:var.unknown']);
    expect(codes({ estimator: 'gmm', y: 'y', x: ['L.y'], vcov: 'robust' })).toEqual(['panel:panel.required']);
    expect(codes({ estimator: 'gmm', y: 'y', x: ['L.y'], vcov: 'robust', panel: { id: 'firm', time: 'year' }, options: { gmm_style: [{ var: 'y', lag_min: 3, lag_max: 2 }] } })).toEqual(['options:gmm.lagRange']);
  });

  it('psm: a treatment that is neither outcome nor covariate; the panel only when matching by year or on pre-treatment means', () => {
    expect(codes({ estimator: 'psm', y: 'y', x: ['x'], treatment: 't', vcov: 'iid' })).toEqual([]);
    expect(codes({ estimator: 'psm', y: 'y', x: ['x'], vcov: 'iid' })).toEqual(['treatment:treatment.required']);
    expect(codes({ estimator: 'psm', y: 'y', x: ['x', 't'], treatment: 't', vcov: 'iid' })).toEqual(['treatment:treatment.role']);
    expect(codes({ estimator: 'psm', y: 'y', x: ['x'], treatment: 't', vcov: 'iid', options: { match_by: 'pre_means' } })).toEqual(['panel:panel.required']);
    expect(codes({ estimator: 'psm', y: 'y', x: ['x'], treatment: 't', vcov: 'iid', options: { exact: ['region'] } })).toEqual([]);
    expect(codes({ estimator: 'ols', y: 'y', x: ['x'], treatment: 't' })).toEqual(['treatment:field.notTaken']);
  });

  it('the schema takes a sample condition and the new options, and refuses unknown ones', () => {
    const s = specSchema.parse({ estimator: 'ols', y: 'y', x: ['x'], sample: { if: '_weight < .' }, options: { neighbors: 3 } });
    expect(s.sample?.if).toBe('_weight < .');
    expect(() => specSchema.parse({ estimator: 'psm', y: 'y', options: { match_by: 'month' } })).toThrow(/match_by: expected one of pooled, year, pre_means/);
    expect(() => specSchema.parse({ estimator: 'gmm', y: 'y', options: { gmm_style: [{ var: 'y' }] } })).toThrow(/lag_min/);
  });
});
