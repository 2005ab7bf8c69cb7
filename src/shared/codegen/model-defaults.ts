// What the engine assumes where a spec leaves an option out, so the generated code runs the same
// model (src/engine/estimate-gmm.ts reads the spec the same way).
import { type GmmStyleSpec, type IvStyleSpec, type ModelSpec, parseLagTerm } from '../spec.js';

/**
 * xtabond2 instrument blocks: without GMM-style blocks, lags 2 and up of y; without IV-style ones
 * (absent, not empty), every regressor that is not built from a GMM-style variable.
 */
export function gmmInstruments(spec: ModelSpec): { gmm: GmmStyleSpec[]; iv: IvStyleSpec[] } {
  const o = spec.options;
  const gmm = o.gmm_style && o.gmm_style.length > 0 ? o.gmm_style : [{ var: spec.y, lag_min: 2, lag_max: null }];
  const bases = new Set(gmm.map((g) => parseLagTerm(g.var)?.variable ?? g.var));
  const iv = o.iv_style ?? spec.x.filter((t) => !bases.has(parseLagTerm(t)?.variable ?? t)).map((t) => ({ var: t }));
  return { gmm, iv };
}

/** gmm: year dummies are on unless the spec turns them off. */
export function gmmTimeDummies(spec: ModelSpec): boolean {
  return spec.options.timedummies !== false;
}
