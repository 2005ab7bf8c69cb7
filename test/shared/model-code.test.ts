// The model form's live preview (issue 11): one spec as the Stata command and the R call, from the
// same generators as the project's do-file and R script (src/shared/codegen).
import { describe, expect, it } from 'vitest';
import { generateCode, modelCode } from '../../src/shared/codegen/index.js';
import type { ModelCodeContext, ProjectDescription } from '../../src/shared/codegen/types.js';
import { type ModelSpec, normalizeSpec } from '../../src/shared/spec.js';

const s = (spec: Partial<ModelSpec> & { y: string }): ModelSpec => normalizeSpec(spec);
const ctx: ModelCodeContext = { dataset: 'firms', variables: ['y', 'x1', 'x2', 'firm', 'year', 'z', 'p', 't', 'k', 'l', 'm', 'q', 'size'].map((name) => ({ name, type: 'numeric' as const })) };
const stata = (spec: ModelSpec, c: ModelCodeContext = ctx) => modelCode(spec, 'stata', c);
const r = (spec: ModelSpec, c: ModelCodeContext = ctx) => modelCode(spec, 'r', c);

const hdfe = s({ estimator: 'hdfe', y: 'y', x: ['x1', 'x2'], absorb: ['firm', 'industry#year'], vcov: 'cluster', cluster: ['firm'] });

describe('single-model code (the spec preview)', () => {
  it('reghdfe and fixest::feols for an HDFE spec, with the packages they need', () => {
    const st = stata(hdfe);
    expect(st.lines).toEqual(['reghdfe y x1 x2, absorb(firm industry#year) vce(cluster firm)']);
    expect(st.packages).toEqual(['ftools', 'reghdfe']);
    const rc = r(hdfe);
    expect(rc.lines).toEqual(['fit <- fixest::feols(y ~ x1 + x2 | firm + industry^year, data = firms, cluster = ~firm)', 'vc <- vcov(fit)']);
    expect(rc.packages).toEqual(['fixest']);
    // robust errors, kept singletons
    const robust = s({ ...hdfe, vcov: 'robust', cluster: [], options: { singletons: false } });
    expect(stata(robust).lines).toEqual(['reghdfe y x1 x2, absorb(firm industry#year) vce(robust) keepsingletons']);
    expect(r(robust).lines[0]).toBe('fit <- fixest::feols(y ~ x1 + x2 | firm + industry^year, data = firms, vcov = "hetero")');
  });

  it('a text fixed effect or cluster variable gets the numeric id the do-file makes', () => {
    const c: ModelCodeContext = { dataset: 'firms', variables: [{ name: 'industry', type: 'categorical' }, { name: 'city', type: 'categorical' }] };
    const spec = s({ ...hdfe, cluster: ['city'] });
    expect(stata(spec, c).lines).toEqual([
      'capture drop _ps_industry',
      'egen long _ps_industry = group(industry)   // numeric id for the text variable industry',
      'capture drop _ps_city',
      'egen long _ps_city = group(city)   // numeric id for the text variable city',
      'reghdfe y x1 x2, absorb(firm _ps_industry#year) vce(cluster _ps_city)',
    ]);
  });

  it('xtreg fe declares the panel first; plm in R', () => {
    const fe = s({ estimator: 'fe', y: 'y', x: ['x1'], panel: { id: 'firm', time: 'year' }, vcov: 'cluster', cluster: ['firm'] });
    expect(stata(fe).lines).toEqual(['xtset firm year', 'xtreg y x1, fe vce(cluster firm)']);
    expect(r(fe).lines).toEqual([
      'fit <- plm::plm(y ~ x1, data = firms, index = c("firm", "year"), model = "within")',
      'vc <- plm::vcovHC(fit, method = "arellano", type = "sss", cluster = "group")',
    ]);
    // the dataset's declared panel stands in when the spec has none
    const ols = s({ estimator: 're', y: 'y', x: ['x1'], options: { hausman: false } });
    expect(stata(ols, { ...ctx, panel: { id: 'firm', time: 'year' } }).lines).toEqual(['xtset firm year', 'xtreg y x1, re']);
  });

  it('ivreghdfe with absorbed effects and the sample condition; ivreg2 without', () => {
    const iv = s({ estimator: 'iv', y: 'y', x: ['x1'], endog: ['p'], instruments: ['z'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['firm'], sample: { if: 'year >= 2005' } });
    expect(stata(iv).lines).toEqual(['ivreghdfe y x1 (p = z) if year >= 2005, absorb(firm year) cluster(firm) first']);
    expect(stata(iv).packages).toEqual(['ftools', 'ivreg2', 'ivreghdfe', 'ranktest', 'reghdfe']);
    const plain = s({ estimator: 'iv', y: 'y', x: ['x1'], endog: ['p'], instruments: ['z'], vcov: 'robust', options: { method: 'liml' } });
    expect(stata(plain).lines).toEqual(['ivreg2 y x1 (p = z), robust liml first']);
    expect(r(plain).lines[1]).toBe('fit <- fixest::feols(y ~ x1 | p ~ z, data = firms, vcov = "hetero")');
  });

  it('xtabond2 writes the instruments and time dummies the engine uses by default, and artests()', () => {
    const gmm = s({ estimator: 'gmm', y: 'y', x: ['L.y', 'x1'], panel: { id: 'firm', time: 'year' }, vcov: 'robust', options: { ar: 3, twostep: true, h: 3 } });
    expect(stata(gmm).lines).toEqual([
      'xtset firm year',
      'capture drop _yr*',
      'quietly tabulate year, generate(_yr)',
      'xtabond2 y L.y x1 _yr*, gmm(y, lag(2 .)) iv(x1) iv(_yr*) twostep robust artests(3)',
    ]);
    const rc = r(gmm);
    expect(rc.attach).toEqual(['plm']);
    expect(rc.lines[0]).toBe('fit <- plm::pgmm(y ~ lag(y, 1) + x1 | lag(y, 2:99) | x1, data = firms, index = c("firm", "year"), effect = "twoways", model = "twosteps", transformation = "ld")');
    const diff = s({ ...gmm, options: { system: false, timedummies: false, twostep: false, iv_style: [], gmm_style: [{ var: 'y', lag_min: 2, lag_max: 4, collapse: true }] } });
    expect(stata(diff).lines.at(-1)).toBe('xtabond2 y L.y x1, gmm(y, lag(2 4) collapse) robust noleveleq');
  });

  it('psmatch2 with a kernel, and without replacement from the largest score; MatchIt in R', () => {
    const kernel = s({ estimator: 'psm', y: 'y', x: ['x1', 'x2'], treatment: 't', options: { match_method: 'kernel', kernel: 'biweight', bandwidth: 0.1, seed: 7 } });
    expect(stata(kernel).lines).toEqual([
      'set seed 7',
      'capture drop _ps_u',
      'generate double _ps_u = runiform()',
      'sort _ps_u',
      'psmatch2 t x1 x2, outcome(y) kernel kerneltype(biweight) bwidth(0.1)',
      'pstest x1 x2, both',
    ]);
    expect(r(kernel).lines[0]).toBe('# TODO: kernel matching: MatchIt has no kernel matching (psmatch2 kernel); nearest-neighbour below');
    const noRepl = s({ estimator: 'psm', y: 'y', x: ['x1'], treatment: 't', options: { neighbors: 1, replacement: false, match_order: 'largest', ate: true } });
    expect(stata(noRepl).lines).toEqual(['psmatch2 t x1, outcome(y) neighbor(1) noreplacement descending ate', 'pstest x1, both']);
    expect(r(noRepl).lines[0]).toBe('psm_1 <- MatchIt::matchit(t ~ x1, data = firms, method = "nearest", distance = "glm", link = "probit", ratio = 1, replace = FALSE, m.order = "largest")');
  });

  it('frontier on centred logs with translog terms and uhet(); sfaR in R', () => {
    const sfa = s({ estimator: 'sfa', y: 'q', x: ['k', 'l'], options: { form: 'translog', distribution: 'exponential', frontier: 'cost', uhet: ['size'] } });
    const st = stata(sfa).lines;
    expect(st.slice(0, 3)).toEqual(['capture drop _ps_s', 'mark _ps_s', 'markout _ps_s q k l size']);
    expect(st).toContain('generate double _ln_k = ln(k) if _ps_s');
    expect(st).toContain('generate double _ln_k_2 = 0.5 * _ln_k^2');
    expect(st).toContain('generate double _ln_k_X_l = _ln_k * _ln_l');
    expect(st).toContain('frontier _ln_q _ln_k _ln_l _ln_k_2 _ln_l_2 _ln_k_X_l if _ps_s, distribution(exponential) cost uhet(size)');
    expect(st.at(-1)).toBe('predict double _u_jlms, u   // Jondrow et al. E[u|e]');
    const rc = r(sfa);
    expect(rc.packages).toEqual(['sfaR']);
    expect(rc.lines).toContain('sfa_1_data$ln.k <- log(sfa_1_data$k) - mean(log(sfa_1_data$k))');
    expect(rc.lines).toContain('sfa_1 <- sfaR::sfacross(ln.q ~ ln.k + ln.l + I(ln.k^2 / 2) + I(ln.l^2 / 2) + ln.k:ln.l, uhet = ~size, data = sfa_1_data, S = -1, udist = "exponential")');
    // variables used as given: no helper columns, the condition on the command itself
    const raw = s({ estimator: 'sfa', y: 'q', x: ['k'], sample: { if: 'year > 2000' }, options: { logs: false, center: false } });
    expect(stata(raw).lines[0]).toBe('frontier q k if year > 2000, distribution(hnormal)');
  });

  it('prodest for TFP in Stata and R', () => {
    const tfp = s({ estimator: 'tfp', y: 'y', x: ['l'], panel: { id: 'firm', time: 'year' }, options: { method: 'acf', state: 'k', proxy: 'm', reps: 20, seed: 3, degree: 2 } });
    expect(stata(tfp).lines).toEqual([
      'xtset firm year',
      'prodest y, free(l) state(k) proxy(m) method(lp) acf valueadded poly(2) reps(20) seed(3)',
      'capture drop _ltfp',
      'predict double _ltfp, residuals   // log TFP: y minus the inputs times their elasticities',
    ]);
    expect(r(tfp).lines).toContain('tfp_1 <- prodest::prodestACF(Y = firms$y, fX = firms$l, sX = firms$k, pX = firms$m, idvar = firms$firm, timevar = firms$year, R = 20)');
    // gross output is prodest's default: no valueadded
    const gross = s({ ...tfp, options: { ...tfp.options, method: 'lp', output: 'gross' } });
    expect(stata(gross).lines[1]).toBe('prodest y, free(l) state(k) proxy(m) method(lp) poly(2) reps(20) seed(3)');
  });

  it('logit without a constant', () => {
    const logit = s({ estimator: 'logit', y: 't', x: ['x1'], vcov: 'robust', options: { intercept: false } });
    expect(stata(logit).lines).toEqual(['logit t x1, vce(robust) noconstant']);
    expect(r(logit).lines[0]).toBe('fit <- glm(t ~ x1 - 1, family = binomial(link = "logit"), data = firms)');
  });

  it('is the same text the project script writes for the model', () => {
    const specs = [hdfe, s({ estimator: 'fe', y: 'y', x: ['x1'], panel: { id: 'firm', time: 'year' } }), s({ estimator: 'sfa', y: 'q', x: ['k', 'l'], options: { uhet: ['size'] } })];
    for (const spec of specs) {
      const d: ProjectDescription = { name: 'p', datasets: [{ name: 'firms', nrows: 10, variables: ctx.variables ?? [] }], steps: [], models: [{ name: 'M', dataset: 'firms', spec }] };
      const doFile = generateCode(d, 'stata');
      expect(doFile).toContain(`${stata(spec).lines.join('\n')}\nestimates store m1`);
      const rScript = generateCode(d, 'r');
      const rLines = r(spec).lines.map((l) => l.replaceAll('fit', 'models[["M"]]').replace(/^vc <-/, 'vcovs[["M"]] <-'));
      expect(rScript).toContain(rLines.join('\n'));
    }
  });
});
