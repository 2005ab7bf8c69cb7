// Numerical edge cases × every estimator (issue 12): each cell runs `estimate(spec, source)` on a
// small simulated panel changed in one way, and asserts one of
//   - a clear AppError (code + a message naming the variable or the problem, no "NaN"/"undefined"),
//   - a valid result: every number in it finite (coefficients, covariance, fit, diagnostics, psm,
//     sfa, tfp), standard errors positive, plus the cell's own check (a dropped term and its
//     warning, scale equivariance, the sample size),
//   - not applicable (the estimator has no such input), with the reason.
// The table in docs/reliability.md ("Numerical edge cases") is this matrix in words.
import { describe, expect, it, vi } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { mulberry32 } from '../../src/engine/psm/random.js';
import { AppError, type ErrorCode } from '../../src/shared/errors.js';
import type { EstimationResult } from '../../src/shared/result.js';
import { type EstimatorId, INTERCEPT_TERM, type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';
import { checkSpec } from '../../src/shared/validate.js';

// Iteration caps for the non-convergence cells, applied through the modules' own parameters (the
// engine's defaults: 100 Newton steps for logit/probit, 10,000 demeaning sweeps, 500 for the
// frontier likelihood); 0 = the default.
const caps = vi.hoisted(() => ({ binary: 0, demean: 0, sfa: 0 }));
vi.mock('../../src/engine/models/binary.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/engine/models/binary.js')>();
  return { ...m, fitBinary: (inp: Parameters<typeof m.fitBinary>[0], i?: number) => m.fitBinary(caps.binary ? { ...inp, maxIter: caps.binary } : inp, i) };
});
vi.mock('../../src/engine/fe/demean.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/engine/fe/demean.js')>();
  return { ...m, demean: (c: Float64Array[], f: Parameters<typeof m.demean>[1], o: Parameters<typeof m.demean>[2] = {}) => m.demean(c, f, caps.demean ? { ...o, maxIter: caps.demean } : o) };
});
vi.mock('../../src/engine/models/sfa-optim.js', async (importOriginal) => {
  const m = await importOriginal<Record<string, unknown>>();
  const maximize = m.maximize as ((...a: unknown[]) => unknown) | undefined;
  if (typeof maximize !== 'function') return m;
  return { ...m, maximize: (f: unknown, start: unknown, technique: unknown, maxIter?: number, ...rest: unknown[]) => maximize(f, start, technique, caps.sfa || maxIter, ...rest) };
});

// ------------------------------------------------------------------------------------------ data

type Cols = Record<string, number[]>;

/**
 * 60 firms × 8 years, about 10 % of firm-years missing (an unbalanced panel, so that two-way
 * demeaning iterates): y with a lag and firm effects, x1 endogenous (instruments z, z2), a 0/1
 * outcome and treatment, Cobb–Douglas output for sfa and the tfp simulation of
 * test/engine/models/tfp.test.ts.
 */
function panel(seed = 11): Cols {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const c: Cols = { firm: [], year: [], one: [], x1: [], x2: [], z: [], z2: [], y: [], ybin: [], treat: [], out: [], cap: [], lab: [], lva: [], ll: [], lk: [], lmat: [] };
  for (let f = 1; f <= 60; f++) {
    const a = normal();
    let om = 0.2 * normal();
    let K = Math.exp(6 + 0.5 * normal());
    let yPrev = a;
    for (let t = 1; t <= 8; t++) {
      const z = normal();
      const z2 = normal();
      const e = normal();
      const x1 = 0.6 * z + 0.3 * z2 + 0.5 * e + 0.3 * a;
      const x2 = normal();
      const y = 0.4 * yPrev + 1 + 0.5 * x1 - 0.3 * x2 + a + e;
      yPrev = y;
      const lcap = 3 + normal();
      const llab = 2 + normal();
      if (t > 1) {
        om = 0.7 * om + 0.2 * normal();
        K = 0.85 * K + Math.exp(0.5 + om + 0.6 * Math.log(K));
      }
      const k = Math.log(K);
      const l = 0.5 + 0.4 * k + 0.6 * om + 0.3 * normal();
      const row = {
        firm: f, year: 2000 + t, one: 1, x1, x2, z, z2, y,
        ybin: 0.8 * x1 - 0.5 * x2 + normal() > 0 ? 1 : 0,
        treat: 0.7 * x1 + normal() > 0.3 ? 1 : 0,
        cap: Math.exp(lcap), lab: Math.exp(llab),
        out: Math.exp(1 + 0.4 * lcap + 0.5 * llab + 0.2 * normal() - Math.abs(0.4 * normal())),
        lk: k, ll: l, lmat: 0.2 + 0.8 * om + 0.5 * k + 0.05 * om * om,
        lva: 1 + 0.6 * l + 0.35 * k + om + 0.1 * normal(),
      };
      // drop about one firm-year in ten (never a firm's first two years: tfp and gmm need lags)
      if (t > 2 && u() < 0.1) continue;
      for (const [k2, v] of Object.entries(row)) c[k2].push(v);
    }
  }
  return c;
}

const source = (c: Cols) => new MemorySource(c.firm.length, Object.fromEntries(Object.entries(c).map(([k, v]) => [k, { kind: 'numeric', values: Float64Array.from(v) } as Column])));

// ------------------------------------------------------------------------------ estimator roles

interface Roles {
  spec: Partial<ModelSpec>;
  /** Dependent variable, the regressor the cases change, a second regressor. */
  y: string;
  x: string;
  x2: string;
}

const P = { id: 'firm', time: 'year' };
const ROLES: Record<EstimatorId, Roles> = {
  ols: { spec: { y: 'y', x: ['x1', 'x2'], vcov: 'robust' }, y: 'y', x: 'x1', x2: 'x2' },
  fe: { spec: { y: 'y', x: ['x1', 'x2'], panel: P, vcov: 'robust' }, y: 'y', x: 'x1', x2: 'x2' },
  hdfe: { spec: { y: 'y', x: ['x1', 'x2'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['firm'] }, y: 'y', x: 'x1', x2: 'x2' },
  re: { spec: { y: 'y', x: ['x1', 'x2'], panel: P }, y: 'y', x: 'x1', x2: 'x2' },
  iv: { spec: { y: 'y', x: ['x2'], endog: ['x1'], instruments: ['z', 'z2'], vcov: 'robust' }, y: 'y', x: 'x1', x2: 'x2' },
  gmm: { spec: { y: 'y', x: ['L.y', 'x1', 'x2'], panel: P, vcov: 'robust' }, y: 'y', x: 'x1', x2: 'x2' },
  logit: { spec: { y: 'ybin', x: ['x1', 'x2'], vcov: 'robust' }, y: 'ybin', x: 'x1', x2: 'x2' },
  probit: { spec: { y: 'ybin', x: ['x1', 'x2'] }, y: 'ybin', x: 'x1', x2: 'x2' },
  psm: { spec: { y: 'y', x: ['x1', 'x2'], treatment: 'treat', options: { seed: 1 } }, y: 'y', x: 'x1', x2: 'x2' },
  sfa: { spec: { y: 'out', x: ['cap', 'lab'] }, y: 'out', x: 'cap', x2: 'lab' },
  tfp: { spec: { y: 'lva', x: ['ll'], panel: P, options: { method: 'lp', state: 'lk', proxy: 'lmat', reps: 5, seed: 3 } }, y: 'lva', x: 'll', x2: 'lk' },
};
const ALL = Object.keys(ROLES) as EstimatorId[];
const LINEAR: EstimatorId[] = ['ols', 'fe', 'hdfe', 're', 'iv', 'gmm'];
const BINARY_Y: EstimatorId[] = ['logit', 'probit'];

const specFor = (est: EstimatorId, extra: Partial<ModelSpec> = {}): ModelSpec => {
  const base = ROLES[est].spec;
  return normalizeSpec({ estimator: est, ...base, ...extra, options: { ...(base.options ?? {}), ...(extra.options ?? {}) } } as ModelSpec);
};

// ------------------------------------------------------------------------------ what is checked

/** Paths of every number in the result that is not finite (NaN, ±∞), JSON null included. */
function nonFinite(value: unknown, path = '', out: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(path);
  } else if (Array.isArray(value)) value.forEach((v, i) => nonFinite(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (k !== 'spec' && k !== 'timing_ms') nonFinite(v, path ? `${path}.${k}` : k, out);
  return out;
}

/**
 * Nonlinear models fill `fit.rmse` and `fit.rss` (required numbers of the shared FitStats type)
 * with NaN; JSON turns them into null and the tables print nothing. Allowed here as that
 * convention, nothing else.
 */
const NAN_BY_CONVENTION = new Set(['fit.rmse', 'fit.rss']);

function assertValid(r: EstimationResult): void {
  const bad = nonFinite(r).filter((p) => !NAN_BY_CONVENTION.has(p));
  expect(bad, `non-finite numbers in the result: ${bad.join(', ')}`).toEqual([]);
  for (const c of r.coefficients) expect(c.std_error, `standard error of ${c.term}`).toBeGreaterThan(0);
  expect(r.nobs).toBeGreaterThan(0);
}

type Outcome = { result: EstimationResult } | { error: unknown };
function run(est: EstimatorId, cols: Cols, extra: Partial<ModelSpec> = {}): Outcome {
  try {
    return { result: estimate(specFor(est, extra), source(cols)) };
  } catch (error) {
    return { error };
  }
}

function expectError(o: Outcome, code: ErrorCode | ErrorCode[], message: RegExp): void {
  if ('result' in o) throw new Error(`expected an error matching ${message}, got a result (coefficients ${o.result.coefficients.map((c) => `${c.term} ${c.estimate}±${c.std_error}`).join(', ')}; warnings ${o.result.warnings.join(' | ')})`);
  const e = o.error;
  expect(e, String(e)).toBeInstanceOf(AppError);
  expect([code].flat()).toContain((e as AppError).code);
  expect((e as AppError).message).toMatch(message);
  // a message for users: no leaked NaN, undefined or object dump
  expect((e as AppError).message).not.toMatch(/\bNaN\b|undefined|\[object/);
}

function resultOf(o: Outcome): EstimationResult {
  if ('error' in o) throw o.error;
  assertValid(o.result);
  return o.result;
}

const coef = (r: EstimationResult, term: string) => {
  const c = r.coefficients.find((x) => x.term === term);
  if (!c) throw new Error(`no coefficient ${term} in ${r.coefficients.map((x) => x.term).join(', ')}`);
  return c;
};
const close = (a: number, b: number, rel: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-300);

const baseCache = new Map<EstimatorId, EstimationResult>();
function base(est: EstimatorId): EstimationResult {
  let r = baseCache.get(est);
  if (!r) {
    r = resultOf(run(est, panel()));
    baseCache.set(est, r);
  }
  return r;
}

/**
 * Scale equivariance: multiplying `v` by c leaves every z/t statistic as it was (exactly in theory,
 * here to 1e-6), multiplies v's own coefficient by 1/c (a regressor) or the others by c (y), and
 * leaves the sample alone. `skip` lists terms whose statistic legitimately changes (an intercept
 * after a log shift).
 */
function checkScaled(est: EstimatorId, which: 'x' | 'y' | 'both', c: number, opts: { skip?: string[]; estimates?: boolean } = {}): void {
  const roles = ROLES[est];
  const cols = panel();
  for (const v of which === 'both' ? [roles.x, roles.y] : [which === 'x' ? roles.x : roles.y]) cols[v] = cols[v].map((a) => a * c);
  // iterative fits (ML, bootstrap GMM) stop at a tolerance: their statistics agree less closely
  const tol = ['ols', 'fe', 'hdfe', 're', 'iv', 'gmm'].includes(est) ? 1e-6 : 1e-5;
  const r = resultOf(run(est, cols));
  const b = base(est);
  expect(r.nobs).toBe(b.nobs);
  expect(r.coefficients.map((x) => x.term)).toEqual(b.coefficients.map((x) => x.term));
  for (const bc of b.coefficients) {
    if (opts.skip?.includes(bc.term)) continue;
    close(coef(r, bc.term).statistic, bc.statistic, tol);
  }
  if (est === 'psm') {
    // the score model does not see y; the ATT and its S.E. scale with it
    const f = which === 'x' ? 1 : c;
    close((r.psm?.effects.att.estimate ?? NaN) / f, b.psm?.effects.att.estimate ?? NaN, tol);
    close(Number(r.psm?.effects.att.std_error) / f, Number(b.psm?.effects.att.std_error), tol);
    if (which === 'x') close(coef(r, roles.x).estimate * c, coef(b, roles.x).estimate, tol);
    return;
  }
  if (opts.estimates === false) return;
  // a regressor's own coefficient: ×1/c (x), ×1 (both), the others ×c (y, both; L.y in gmm is y too)
  if (which !== 'y') close(coef(r, roles.x).estimate * (which === 'x' ? c : 1), coef(b, roles.x).estimate, tol);
  if (which !== 'x') for (const bc of b.coefficients) if (!opts.skip?.includes(bc.term) && bc.term !== 'L.y' && bc.term !== roles.x) close(coef(r, bc.term).estimate / c, bc.estimate, tol);
}

// --------------------------------------------------------------------------------------- cells

type Cell = (est: EstimatorId) => void;
/** A cell that does not apply to an estimator, with the reason (it shows in the test name). */
type NotApplicable = { na: string };
/** `todo`: cells that fail today in files owned elsewhere (sfa, tfp), with what is wrong. */
type Row = { name: string; cells?: Partial<Record<EstimatorId, Cell | NotApplicable>>; all?: Cell; todo?: Partial<Record<EstimatorId, string>> };

const mutate = (f: (c: Cols, r: Roles) => void) => (est: EstimatorId) => {
  const c = panel();
  f(c, ROLES[est]);
  return c;
};

const ROWS: Row[] = [
  {
    name: 'NaN in y and x (missing by design): rows dropped, counted, result valid',
    all: (est) => {
      const c = mutate((d, r) => {
        d[r.x][20] = Number.NaN;
        d[r.y][40] = Number.NaN;
      })(est);
      const r = resultOf(run(est, c));
      expect(r.sample.dropped_missing).toBeGreaterThanOrEqual(2);
      expect(r.nobs).toBeLessThan(base(est).nobs);
    },
  },
  {
    name: '+∞ in a regressor: refused, naming the variable and the row',
    all: (est) => {
      const c = mutate((d, r) => (d[r.x][20] = Number.POSITIVE_INFINITY))(est);
      expectError(run(est, c), 'BAD_DATA', new RegExp(`"${ROLES[est].x}".*\\+∞.*row 21`));
    },
  },
  {
    name: '−∞ in the dependent variable: refused, naming the variable and the row',
    all: (est) => {
      const c = mutate((d, r) => (d[r.y][5] = Number.NEGATIVE_INFINITY))(est);
      expectError(run(est, c), 'BAD_DATA', new RegExp(`"${ROLES[est].y}".*−∞.*row 6`));
    },
  },
  {
    name: 'huge regressor (×1e150): same z/t statistics, coefficient ×1e-150',
    cells: {
      ...Object.fromEntries(['ols', 'fe', 'hdfe', 're', 'iv', 'gmm', 'logit', 'probit', 'psm'].map((e) => [e, (est: EstimatorId) => checkScaled(est, 'x', 1e150)])),
      // centred logs: ln(c·K) − mean = ln K − mean, so nothing changes at all
      sfa: (est) => checkScaled(est, 'x', 1e150, { estimates: false }),
      tfp: (est) => checkScaled(est, 'x', 1e150),
    },
  },
  {
    name: 'tiny regressor (×1e-150): same z/t statistics, coefficient ×1e150',
    cells: {
      ...Object.fromEntries(['ols', 'fe', 'hdfe', 're', 'iv', 'gmm', 'logit', 'probit', 'psm'].map((e) => [e, (est: EstimatorId) => checkScaled(est, 'x', 1e-150)])),
      sfa: (est) => checkScaled(est, 'x', 1e-150, { estimates: false }),
      tfp: (est) => checkScaled(est, 'x', 1e-150),
    },
  },
  {
    name: 'huge dependent variable (×1e150): same z/t statistics, coefficients ×1e150',
    cells: {
      ...Object.fromEntries([...LINEAR, 'psm'].map((e) => [e, (est: EstimatorId) => checkScaled(est, 'y', 1e150)])),
      logit: { na: 'the outcome is 0/1' },
      probit: { na: 'the outcome is 0/1' },
      // ln(c·Q) = ln Q + ln c: only the intercept moves
      sfa: (est) => checkScaled(est, 'y', 1e150, { skip: [INTERCEPT_TERM], estimates: false }),
      tfp: { na: 'y is log value added; ×1e150 is not a change of units of the model' },
    },
  },
  {
    name: 'tiny dependent variable (×1e-150): same z/t statistics, coefficients ×1e-150',
    cells: {
      ...Object.fromEntries([...LINEAR, 'psm'].map((e) => [e, (est: EstimatorId) => checkScaled(est, 'y', 1e-150)])),
      logit: { na: 'the outcome is 0/1' },
      probit: { na: 'the outcome is 0/1' },
      sfa: (est) => checkScaled(est, 'y', 1e-150, { skip: [INTERCEPT_TERM], estimates: false }),
      tfp: { na: 'y is log value added; ×1e-150 is not a change of units of the model' },
    },
  },
  {
    name: 'huge y and regressor together (×1e150 both): same z/t statistics (robust and clustered scores ≈ 1e300)',
    cells: {
      ...Object.fromEntries([...LINEAR, 'psm'].map((e) => [e, (est: EstimatorId) => checkScaled(est, 'both', 1e150)])),
      logit: { na: 'the outcome is 0/1 (the regressor alone: the ×1e150 row)' },
      probit: { na: 'the outcome is 0/1 (the regressor alone: the ×1e150 row)' },
      sfa: (est) => checkScaled(est, 'both', 1e150, { skip: [INTERCEPT_TERM], estimates: false }),
      tfp: { na: 'log variables; see the regressor row' },
    },
  },
  {
    name: 'tiny y and regressor together (×1e-150 both): same z/t statistics (scores ≈ 1e-300 must not underflow)',
    cells: {
      ...Object.fromEntries([...LINEAR, 'psm'].map((e) => [e, (est: EstimatorId) => checkScaled(est, 'both', 1e-150)])),
      logit: { na: 'the outcome is 0/1 (the regressor alone: the ×1e-150 row)' },
      probit: { na: 'the outcome is 0/1 (the regressor alone: the ×1e-150 row)' },
      sfa: (est) => checkScaled(est, 'both', 1e-150, { skip: [INTERCEPT_TERM], estimates: false }),
      tfp: { na: 'log variables; see the regressor row' },
    },
  },
  {
    name: 'constant dependent variable: refused, naming it',
    all: (est) => {
      const c = mutate((d, r) => (d[r.y] = d[r.y].map(() => (BINARY_Y.includes(est) ? 1 : 3))))(est);
      expectError(run(est, c), ['BAD_DATA', 'ESTIMATION'], new RegExp(`"${ROLES[est].y}" (is constant|does not vary)`));
    },
  },
  {
    name: 'dependent variable constant within each firm (absorbed by the firm effects): refused',
    cells: {
      ...Object.fromEntries(['fe', 'hdfe', 're', 'iv'].map((e) => [
        e,
        (est: EstimatorId) => {
          const c = mutate((d) => (d.y = d.firm.map((f) => Math.sin(f))))(est);
          expectError(run(est, c, est === 'iv' ? { absorb: ['firm'] } : {}), 'BAD_DATA', /"y" does not vary within the fixed effects \(firm/);
        },
      ])),
      // Δy = 0 in every unit: y_t = y_{t−1} exactly (L.y = 1 with SEs of rounding size before)
      gmm: (est) => expectError(run(est, mutate((d) => (d.y = d.firm.map((f) => Math.sin(f))))(est)), 'BAD_DATA', /"y" does not vary within any panel unit \("firm"\)/),
      ...Object.fromEntries(['ols', 'logit', 'probit', 'psm', 'sfa', 'tfp'].map((e) => [e, { na: 'no panel effects: y still varies across rows' }])),
    },
  },
  {
    name: 'constant regressor: dropped with a note (collinear with the constant or the fixed effects)',
    all: (est) => {
      const x = ROLES[est].x;
      const c = mutate((d) => (d[x] = d[x].map(() => 2)))(est);
      const o = run(est, c);
      if (est === 'iv') return expectError(o, 'ESTIMATION', /endogenous regressor \(x1\) was dropped as collinear/);
      if (est === 'sfa') return expectError(o, 'ESTIMATION', /collinear.*constant inputs/);
      if (est === 'tfp') return expectError(o, ['ESTIMATION', 'BAD_DATA'], /ll.*(collinear|constant)|(collinear|constant).*ll/);
      const r = resultOf(o);
      // gmm: xtabond2 lists the constant last, so the constant is the one found collinear
      const gone = est === 'gmm' ? INTERCEPT_TERM : x;
      expect(r.coefficients.map((t) => t.term)).not.toContain(gone);
      expect(r.warnings.join('\n')).toContain(`${gone} omitted because`);
    },
  },
  {
    name: 'fewer observations than parameters: refused',
    all: (est) => {
      const c = mutate((d) => {
        for (const k of Object.keys(d)) d[k] = d[k].slice(0, 3);
      })(est);
      expectError(run(est, c), ['ESTIMATION', 'BAD_DATA'], /observations|singleton|panels?\b|does not vary|separat|predicts/);
    },
  },
  {
    name: 'perfectly collinear regressors: the later one dropped with a note',
    all: (est) => {
      const { x, x2 } = ROLES[est];
      const c = mutate((d) => (d[x2] = d[x].map((a) => 2 * a)))(est);
      const o = run(est, c);
      // iv: x2 exogenous = 2·x1 endogenous; the endogenous regressor goes, as ivreg2
      if (est === 'iv') return expectError(o, 'ESTIMATION', /endogenous regressor \(x1\) was dropped as collinear/);
      if (est === 'sfa') return expectError(o, 'ESTIMATION', /collinear/);
      // tfp: ll = lk/2·... is the free input collinear with the state polynomial
      if (est === 'tfp') return expectError(o, ['ESTIMATION', 'BAD_DATA'], /collinear/);
      const r = resultOf(o);
      expect(r.coefficients.map((t) => t.term)).toContain(x);
      expect(r.coefficients.map((t) => t.term)).not.toContain(x2);
      expect(r.warnings.join('\n')).toMatch(new RegExp(`${x2} omitted because of collinearity`));
    },
  },
  {
    name: 'one cluster: refused (clustered SEs need at least 2)',
    cells: {
      ...Object.fromEntries(['ols', 'fe', 'hdfe', 're', 'iv', 'logit', 'probit'].map((e) => [e, (est: EstimatorId) => expectError(run(est, panel(), { vcov: 'cluster', cluster: ['one'] }), 'ESTIMATION', /"one" has only 1 cluster/)])),
      gmm: (est) => expectError(run(est, panel(), { vcov: 'cluster', cluster: ['one'] }), 'INVALID_ARGUMENT', /already robust/),
      ...Object.fromEntries(['psm', 'sfa', 'tfp'].map((e) => [e, (est: EstimatorId) => expect(checkSpec(specFor(est, { vcov: 'cluster', cluster: ['one'] }), null).map((p) => p.code)).toContain('vcov.unsupported')])),
    },
  },
  {
    name: 'complete separation (x > 0 ⇔ outcome 1): refused, naming the regressor',
    cells: {
      logit: (est) => expectError(run(est, mutate((d) => (d.ybin = d.x1.map((a) => (a > 0 ? 1 : 0))))(est)), 'ESTIMATION', /x1.*separat|separat.*x1/),
      probit: (est) => expectError(run(est, mutate((d) => (d.ybin = d.x1.map((a) => (a > 0 ? 1 : 0))))(est)), 'ESTIMATION', /x1.*separat|separat.*x1/),
      psm: (est) => expectError(run(est, mutate((d) => (d.treat = d.x1.map((a) => (a > 0 ? 1 : 0))))(est)), 'ESTIMATION', /x1.*separat|separat.*x1/),
      ...Object.fromEntries(['ols', 'fe', 'hdfe', 're', 'iv', 'gmm', 'sfa', 'tfp'].map((e) => [e, { na: 'no binary outcome' }])),
    },
  },
  {
    name: 'an indicator that predicts the outcome perfectly: it and its rows dropped with a note (Stata)',
    cells: {
      ...Object.fromEntries(['logit', 'probit'].map((e) => [
        e,
        (est: EstimatorId) => {
          const c = panel();
          c.x2 = c.x1.map((_, i) => (i % 7 === 0 ? 1 : 0));
          c.ybin = c.ybin.map((v, i) => (c.x2[i] === 1 ? 1 : v));
          const r = resultOf(run(est, c));
          expect(r.coefficients.map((t) => t.term)).not.toContain('x2');
          expect(r.warnings.join('\n')).toMatch(/x2/);
          expect(r.nobs).toBeLessThan(c.x1.length);
        },
      ])),
      ...Object.fromEntries(['ols', 'fe', 'hdfe', 're', 'iv', 'gmm', 'psm', 'sfa', 'tfp'].map((e) => [e, { na: 'no binary outcome (psm: a treatment predicted perfectly is the separation cell)' }])),
    },
  },
  {
    name: 'iterations run out (likelihood / demeaning): refused, saying it did not converge',
    cells: {
      ...Object.fromEntries(['logit', 'probit', 'psm'].map((e) => [
        e,
        (est: EstimatorId) => {
          caps.binary = 1;
          try {
            expectError(run(est, panel()), 'ESTIMATION', /did not converge/);
          } finally {
            caps.binary = 0;
          }
        },
      ])),
      ...Object.fromEntries(['hdfe', 'iv'].map((e) => [
        e,
        (est: EstimatorId) => {
          caps.demean = 3;
          try {
            expectError(run(est, panel(), est === 'iv' ? { absorb: ['firm', 'year'] } : {}), 'ESTIMATION', /demeaning did not converge within \d+ iterations/);
          } finally {
            caps.demean = 0;
          }
        },
      ])),
      sfa: (est) => {
        caps.sfa = 1;
        try {
          expectError(run(est, panel()), 'ESTIMATION', /did not converge/);
        } finally {
          caps.sfa = 0;
        }
      },
      ols: { na: 'closed form' },
      fe: { na: 'one fixed effect is demeaned exactly (no iterations)' },
      re: { na: 'closed form (group means)' },
      gmm: { na: 'closed form (one- and two-step)' },
      tfp: { na: 'the Gauss–Newton cap is internal to models/tfp.ts; "did not converge from any start" is its message' },
    },
  },
  {
    name: 'empty sample after the `if` restriction: refused',
    all: (est) => expectError(run(est, panel(), { sample: { if: 'year > 3000' } }), 'INVALID_ARGUMENT', /year > 3000.*keeps no rows/),
  },
  {
    name: 'every row missing in the dependent variable: refused, naming it',
    all: (est) => {
      const c = mutate((d, r) => (d[r.y] = d[r.y].map(() => Number.NaN)))(est);
      expectError(run(est, c), 'BAD_DATA', new RegExp(`no observations.*"${ROLES[est].y}"`));
    },
  },
];

describe('numerical edge cases × estimators', () => {
  for (const row of ROWS) {
    describe(row.name, () => {
      for (const est of ALL) {
        const cell = row.cells?.[est] ?? row.all;
        if (!cell) throw new Error(`no cell for ${est} in "${row.name}"`);
        const todo = row.todo?.[est];
        if (todo) it.todo(`${est}: ${todo}`);
        else if (typeof cell === 'object') it.skip(`${est}: not applicable (${cell.na})`, () => {});
        else it(est, () => cell(est), 60_000);
      }
    });
  }
});

describe('the demeaning precision does not depend on the units of the data', () => {
  // two crossed fixed effects on a sparse bipartite design: the alternating projections need many
  // sweeps, and their stopping test is absolute for small coefficients (fixest's): data in small
  // units used to stop early (×1e-6: the slope off in the 5th digit; ×1e-150: after 2 sweeps)
  const u = mulberry32(5);
  const c: Cols = { a: [], b: [], y: [], x: [], z: [] };
  for (let i = 0; i < 3000; i++) {
    const a = Math.floor(u() * 300);
    const b = Math.floor(u() * 40) + (a % 7) * 3;
    const z = u();
    const x = z + u() + 0.01 * a + 0.02 * b;
    c.a.push(a);
    c.b.push(b);
    c.z.push(z);
    c.x.push(x);
    c.y.push(x * 0.5 + Math.sin(a) + Math.cos(b) + u());
  }
  const fit = (est: 'hdfe' | 'iv', scale: number) => {
    const d = { ...c, y: c.y.map((v) => v * scale), x: c.x.map((v) => v * scale) };
    const spec = est === 'hdfe' ? { y: 'y', x: ['x'], absorb: ['a', 'b'], vcov: 'iid' as const } : { y: 'y', endog: ['x'], instruments: ['z'], absorb: ['a', 'b'], vcov: 'iid' as const };
    return estimate(normalizeSpec({ estimator: est, ...spec }), new MemorySource(3000, Object.fromEntries(Object.entries(d).map(([k, v]) => [k, { kind: 'numeric', values: Float64Array.from(v) } as Column]))));
  };
  for (const est of ['hdfe', 'iv'] as const) {
    it.each([1e-3, 1e-6, 1e-150, 1e150])(`${est}: data ×%s give the same slope and statistic to 1e-9`, (scale) => {
      const ref = coef(fit(est, 1), 'x');
      const r = coef(fit(est, scale), 'x');
      close(r.estimate, ref.estimate, 1e-9);
      close(r.statistic, ref.statistic, 1e-9);
    });
  }
});
